#!/usr/bin/env python3
"""cer.py GT OCR MAX: character error rate of OCR against GT (whitespace folded,
NFC); exits 1 when above MAX. Prints the figure."""
import sys
import unicodedata


def norm(path):
    t = open(path, encoding="utf-8").read()
    return " ".join(unicodedata.normalize("NFC", t).split())


def dist(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


gt, ocr = norm(sys.argv[1]), norm(sys.argv[2])
cer = dist(gt, ocr) / max(1, len(gt))
print(f"CER {cer:.4f}")
sys.exit(0 if cer <= float(sys.argv[3]) else 1)
