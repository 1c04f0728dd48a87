#!/usr/bin/env python3
"""Make test images without extra packages.
  mkimg.py pnm IN OUT   convert IN to PNM with the sh_pixconv test helper ($SH_PIXCONV)
  mkimg.py bomb OUT     a valid PNG header announcing 100000 x 100000 pixels (decompression bomb)
The pnm conversion decodes with the sohoa test helper `sh_pixconv` when given; otherwise fails."""
import os
import struct
import subprocess
import sys
import zlib


def chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


def bomb(out):
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)
    # one tiny IDAT is enough: a decoder would allocate 10 GB before noticing
    idat = zlib.compress(b"\0" * 1024)
    with open(out, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def pnm(src, out):
    conv = os.environ.get("SH_PIXCONV")
    if not conv:
        sys.exit("SH_PIXCONV not set")
    subprocess.run([conv, src, out, "pnm"], check=True)


if __name__ == "__main__":
    if sys.argv[1] == "bomb":
        bomb(sys.argv[2])
    elif sys.argv[1] == "pnm":
        pnm(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: mkimg.py bomb OUT | pnm IN OUT")
