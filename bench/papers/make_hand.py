#!/usr/bin/python3
"""Filled forms whose values a citizen wrote by hand (issue 18, "handwritten,
not read"): docs/PAPERS.md "Issue 18: handwritten fields (session 9)".

    /usr/bin/python3 bench/papers/make_hand.py --split hand-tune --seed 11 --count-per-kind 6
    /usr/bin/python3 bench/papers/make_hand.py --split hand-heldout --seed 4711 --count-per-kind 6

The personal forms of make_extra.py (đơn/tờ khai, xác nhận cư trú, giấy khai
sinh, trích lục khai tử; the split's names and places: tune or held-out) are
drawn with PIL: the printed text in a DejaVu face, and on about two papers in
three some values (name, birth date, id, sex, address) written in a hand:
Dancing Script (fonts-dancingscript: no Vietnamese marks, so the marks are drawn
as pen strokes over its letters), blue or black ballpoint, per-letter jitter
of size, slant and baseline, letters pushed together, stroke width varied, an
elastic distortion of the whole value, written over a dotted line and a little
above or below it. The other papers are printed only (the same set mixes
both). Each page is OCRed once (tesseract CLI, vie, one thread) and the text
and hOCR kept beside its truth, as make_extra.py does; the truth says which
fields were handwritten: "handwritten": ["owner_name", ...].
"""
import argparse
import json
import os
import random
import subprocess
import sys
import unicodedata

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_extra as mx  # noqa: E402

HAND_FONTS = ["/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",
              "/usr/share/fonts/opentype/dancingscript/DancingScript-Bold.otf"]
PRINT_FONTS = {"serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
               "sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
               "cond": "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
               "mono": "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf"}
# (tag, printed face, pt, dpi, degrade); held-out: other faces and dpi
TUNE_SCANS = [("serif300", "serif", 12, 300, False), ("sans200", "sans", 11, 200, True),
              ("serif200", "serif", 12, 200, False)]
HELD_SCANS = [("cond250", "cond", 12, 250, True), ("mono300", "mono", 11, 300, False),
              ("sans180", "sans", 11, 180, True)]
MAKERS = [("don", mx.p_don), ("xnct", mx.p_xnct), ("gks", mx.p_gks), ("kt", mx.p_khaitu)]
INKS = [(25, 45, 160), (20, 30, 110), (35, 35, 45), (40, 60, 190)]
# the facts a citizen fills in by hand on these forms
HAND_FACTS = ["owner_name", "birth_date", "owner_id", "sex", "address"]


def printed_forms(fields):
    """The value of each hand-fillable fact as the form prints it."""
    out = {}
    for k in HAND_FACTS:
        v = fields.get(k)
        if not v:
            continue
        if k == "birth_date":
            y, m, d = v.split("-")
            v = "%s/%s/%s" % (d, m, y)
        out[k] = v
    return out


def line_fact(line, forms):
    """(fact, start of the value in line) when line is "label: value" (or
    "label value") ending in a hand-fillable fact's value, else None."""
    s = line.rstrip()
    for k, v in forms.items():
        if s.endswith(v) and len(s) > len(v) and s[-len(v) - 1] in " :":
            head = s[:-len(v)].strip()
            if head.endswith(":") and len(head) > 3:
                return k, len(s) - len(v)
    return None


class Hand:
    """One writer: a font, an ink, a size, a slant and how sloppy."""

    def __init__(self, r, px):
        self.r = r
        self.font = r.choice(HAND_FONTS)
        self.ink = r.choice(INKS)
        self.size = int(px * r.uniform(1.35, 1.8))
        self.slant = r.uniform(-12, 4)
        self.jitter = r.uniform(0.5, 1.0)
        self.fonts = {}

    def face(self, size):
        if size not in self.fonts:
            self.fonts[size] = ImageFont.truetype(self.font, size)
        return self.fonts[size]

    def stroke(self, d, pts, w):
        d.line(pts, fill=self.ink + (255,), width=max(1, w), joint="curve")

    def mark(self, d, m, box, w):
        """A Vietnamese mark drawn as a pen stroke over (or under) a letter."""
        r = self.r
        x0, y0, x1, y1 = box
        cx = (x0 + x1) / 2 + r.uniform(-2, 2)
        h = (y1 - y0)
        top = y0 - h * r.uniform(0.05, 0.2)
        s = max(3, h * 0.22)
        if m == "\u0301":      # acute
            self.stroke(d, [(cx - s * 0.2, top), (cx + s * 0.5, top - s)], w)
        elif m == "\u0300":    # grave
            self.stroke(d, [(cx - s * 0.5, top - s), (cx + s * 0.2, top)], w)
        elif m == "\u0303":    # tilde
            self.stroke(d, [(cx - s, top - s * 0.3), (cx - s * 0.4, top - s * 0.8), (cx + s * 0.3, top - s * 0.3),
                            (cx + s, top - s * 0.8)], w)
        elif m == "\u0309":    # hook above
            self.stroke(d, [(cx - s * 0.4, top - s), (cx + s * 0.3, top - s * 1.1), (cx + s * 0.2, top - s * 0.5),
                            (cx, top - s * 0.2)], w)
        elif m == "\u0323":    # dot below
            d.ellipse([cx - w, y1 + s * 0.3, cx + w, y1 + s * 0.3 + 2 * w], fill=self.ink + (255,))
        elif m == "\u0302":    # circumflex
            self.stroke(d, [(cx - s * 0.6, top), (cx, top - s * 0.7), (cx + s * 0.6, top)], w)
        elif m == "\u0306":    # breve
            self.stroke(d, [(cx - s * 0.6, top - s * 0.6), (cx, top), (cx + s * 0.6, top - s * 0.6)], w)
        elif m == "\u031b":    # horn
            self.stroke(d, [(x1 - s * 0.2, y0 + h * 0.35), (x1 + s * 0.4, y0 + h * 0.2), (x1 + s * 0.5, y0)], w)

    def write(self, text):
        """The value in this hand on a transparent layer (RGBA), elastically
        distorted; returns (layer, baseline y in it)."""
        r = self.r
        pad = self.size
        W = int(self.size * 0.75 * (len(text) + 2)) + 2 * pad
        H = self.size * 3
        layer = Image.new("RGBA", (W, H), (0, 0, 0, 0))
        d = ImageDraw.Draw(layer)
        x = pad
        base = int(H * 0.62)
        drift = 0.0
        for cluster in clusters(text):
            nfd = unicodedata.normalize("NFD", cluster)
            b, marks = nfd[0], [c for c in nfd[1:] if unicodedata.combining(c)]
            bar = False
            if b in "đĐ":
                b, bar = ("d" if b == "đ" else "D"), True
            if b == " ":
                x += int(self.size * r.uniform(0.25, 0.45))
                continue
            size = max(8, int(self.size * (1 + r.uniform(-0.12, 0.12) * self.jitter)))
            f = self.face(size)
            drift += r.uniform(-0.05, 0.05) * size * self.jitter
            drift = max(-0.15 * size, min(0.15 * size, drift))
            gw = int(f.getlength(b)) + 1
            glyph = Image.new("RGBA", (gw + 2 * size, 3 * size), (0, 0, 0, 0))
            gd = ImageDraw.Draw(glyph)
            sw = r.choice([0, 0, 1]) if size > 30 else 0
            gd.text((size, size), b, font=f, fill=self.ink + (255,), stroke_width=sw,
                    stroke_fill=self.ink + (255,), anchor="ls")
            ang = self.slant + r.uniform(-6, 6) * self.jitter
            glyph = glyph.rotate(ang, resample=Image.BICUBIC, center=(size, size))
            gy = base + int(drift) - size
            layer.alpha_composite(glyph, (max(0, x - size), max(0, gy)))
            bb = f.getbbox(b, anchor="ls")
            box = (x + bb[0], base + drift + bb[1], x + bb[2], base + drift + bb[3])
            w = max(1, size // 14 + r.choice([0, 0, 1]))
            if bar:
                yb = box[1] + (box[3] - box[1]) * 0.35
                self.stroke(d, [(box[0] + gw * 0.2, yb), (box[2] + size * 0.15, yb - 1)], w)
            for m in marks:
                self.mark(d, m, box, w)
            # letters run into each other (connected strokes)
            x += int(gw * r.uniform(0.78, 0.95))
        layer = layer.crop((0, 0, min(W, x + pad), H))
        return elastic(layer, r, self.size), base


def clusters(text):
    """Base letter + its combining marks (NFC letters)."""
    return list(unicodedata.normalize("NFC", text))


def elastic(layer, r, size):
    """A smooth random displacement of a layer (a few px: a hand's waver)."""
    a = np.asarray(layer)
    h, w = a.shape[:2]
    amp = size * r.uniform(0.04, 0.09)
    fields = []
    for _ in range(2):
        n = Image.fromarray((np.random.default_rng(r.randint(0, 2**31)).random((h, w)) * 255).astype(np.uint8))
        n = np.asarray(n.filter(ImageFilter.GaussianBlur(size * 0.5)), dtype=np.float32)
        n = (n - n.mean()) / (n.std() + 1e-6)
        fields.append(n * amp)
    yy, xx = np.mgrid[0:h, 0:w]
    sy = np.clip((yy + fields[0]).round().astype(int), 0, h - 1)
    sx = np.clip((xx + fields[1]).round().astype(int), 0, w - 1)
    return Image.fromarray(a[sy, sx])


def draw_page(lines, hand_lines, scan, r):
    """lines: the form's lines; hand_lines: {line index: value start}. The
    page as a greyscale image."""
    tag, face, pt, dpi, degrade = scan
    px = int(pt * dpi / 72)
    font = ImageFont.truetype(PRINT_FONTS[face], px)
    W, H = int(8.27 * dpi), int(11.69 * dpi)
    page = Image.new("RGB", (W, H), (255, 255, 255))
    d = ImageDraw.Draw(page)
    left, top = int(0.8 * dpi), int(0.8 * dpi)
    step = int(px * 1.9)
    cw = font.getlength("n")
    hand = Hand(r, px)
    y = top
    for i, l in enumerate(lines):
        if not l.strip():
            y += step
            continue
        lead = len(l) - len(l.lstrip(" "))
        x = left + lead * cw
        base = y + px
        if i in hand_lines:
            at = hand_lines[i]
            label = l[:at].strip()
            value = l[at:].strip()
            d.text((x, base), label, font=font, fill=(0, 0, 0), anchor="ls")
            x1 = x + font.getlength(label + " ")
            # the dotted line the citizen writes on
            dot = font.getlength(".")
            xx = x1
            while xx < W - left:
                d.text((xx, base), ".", font=font, fill=(70, 70, 70), anchor="ls")
                xx += dot * 1.6
            layer, lb = hand.write(value)
            off = int(px * r.uniform(-0.35, 0.2))  # a little above or below the line
            page.paste(layer, (int(x1 + px * r.uniform(0.2, 1.5)) - hand.size, base - lb + off), layer)
        else:
            d.text((x, base), l.lstrip(" "), font=font, fill=(0, 0, 0), anchor="ls")
        y += step
    g = page.convert("L")
    a = np.asarray(g, dtype=np.float32)
    if degrade:
        rng = np.random.default_rng(r.randint(0, 2**31))
        a = a + rng.normal(0, 12, a.shape)
        g = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
        g = g.rotate(r.uniform(-0.8, 0.8), resample=Image.BILINEAR, fillcolor=255)
    return g


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=["hand-tune", "hand-heldout"], default="hand-tune")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--count-per-kind", type=int, default=6)
    ap.add_argument("--out")
    ap.add_argument("--img", default="/tmp/sohoa-hand")
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--printed-share", type=float, default=0.35,
                    help="share of papers with no handwriting at all")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    out = a.out or os.path.join(here, a.split)
    img_dir = os.path.join(a.img, a.split)
    os.makedirs(out, exist_ok=True)
    os.makedirs(img_dir, exist_ok=True)
    r = random.Random(a.seed)
    g = mx.Gen(random.Random(a.seed + 1))
    held = a.split == "hand-heldout"
    g.held = held
    scans = HELD_SCANS if held else TUNE_SCANS
    prefix = "w" if held else "v"
    k = 0
    for _ in range(a.count_per_kind):
        for tag, fn in MAKERS:
            kind, fields, lines = fn(g)
            scan = scans[k % len(scans)]
            k += 1
            forms = printed_forms(fields)
            cand = {}
            for i, l in enumerate(lines):
                lf = line_fact(l, forms)
                if lf and lf[0] not in [c[0] for c in cand.values()]:
                    cand[i] = lf
            hand_lines, hand_facts = {}, []
            if cand and r.random() >= a.printed_share:
                keys = sorted(cand)
                pick = keys if r.random() < 0.5 else r.sample(keys, r.randint(1, len(keys)))
                for i in sorted(pick):
                    hand_lines[i] = cand[i][1]
                    hand_facts.append(cand[i][0])
            name = "%s%03d-%s-%s" % (prefix, k, tag, scan[0])
            truth = {"kind": kind, "fields": fields,
                     "text": "\n".join(" ".join(l.split()) for l in lines if l.strip())}
            if hand_facts:
                truth["handwritten"] = [f for f in HAND_FACTS if f in hand_facts]
            with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
                json.dump(truth, f, ensure_ascii=False, indent=1)
                f.write("\n")
            img = os.path.join(img_dir, name + ".tif")
            draw_page(lines, hand_lines, scan, r).save(img, dpi=(scan[3], scan[3]), compression="tiff_lzw")
            if not a.no_ocr:
                t, h = mx.ocr(img, scan[3])
                with open(os.path.join(out, name + ".ocr.txt"), "wb") as f:
                    f.write(t)
                with open(os.path.join(out, name + ".ocr.hocr"), "wb") as f:
                    f.write(h)
            print(name, truth.get("handwritten", []), file=sys.stderr)


if __name__ == "__main__":
    main()
