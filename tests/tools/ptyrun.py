#!/usr/bin/env python3
"""ptyrun.py OUT ERR CMD...: run CMD with stderr on a pseudo-terminal (what a
person at the desk sees) and stdout into the file OUT; what reached the
terminal is written to ERR. Exits with CMD's exit code."""
import os
import pty
import subprocess
import sys

out_path, err_path, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
master, slave = pty.openpty()
with open(out_path, "wb") as out:
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=slave)
os.close(slave)
seen = bytearray()
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: the program closed its end
        break
    if not chunk:
        break
    seen += chunk
os.close(master)
with open(err_path, "wb") as f:
    f.write(seen)
sys.exit(proc.wait())
