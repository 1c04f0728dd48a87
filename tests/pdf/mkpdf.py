#!/usr/bin/env python3
"""Small PDFs for the PDF input tests: mkpdf.py KIND OUT
KIND: text (one page of text, no image), js (OpenAction JavaScript), pages-N (N
empty pages), big (a 20000 x 20000 pt page: over the pixel limit at 300 dpi)."""
import sys

def write(out, objs, root_extra=b""):
    b = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(b))
        b += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(b)
    b += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        b += b"%010d 00000 n \n" % o
    b += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    open(out, "wb").write(b)

def stream(data):
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

kind, out = sys.argv[1], sys.argv[2]
font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
text = stream(b"BT /F1 24 Tf 72 700 Td (Giay khai sinh) Tj ET")
if kind in ("text", "js", "big"):
    box = b"[0 0 20000 20000]" if kind == "big" else b"[0 0 200 150]"
    extra = b" /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>" if kind == "js" else b""
    write(out, [b"<< /Type /Catalog /Pages 2 0 R" + extra + b" >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox " + box +
                b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
                font, text])
elif kind.startswith("pages-"):
    n = int(kind[6:])
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>"] * n
    write(out, objs)
else:
    sys.exit("unknown kind " + kind)
