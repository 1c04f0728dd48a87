#!/usr/bin/python3
"""Two pages on one scan (issue 18, docs/PAPERS.md "two pages on one scan").

  /usr/bin/python3 bench/ocr/mktwoup.py --split tune|heldout OUT_DIR [--count N]

Makes, in OUT_DIR:
  cccd-NN.{png,jpg}  a CCCD card's front and back photocopied on one A4 sheet (stacked, sometimes
                     side by side), 200-300 dpi: grey toner, speckle, each card turned up to 2.5 deg,
                     placed anywhere a person would; truth NAME.json (kind can-cuoc, its facts)
  a5-NN.{png,jpg}    two A5 pages (corpus papers scaled down 0.707) side by side on one A4
                     landscape sheet, or one above the other on A4 portrait; truth NAME.json = the
                     first page's paper (the file is read as one paper of two pages)
  ctl-NN.{png,tif}   one-page controls that must not be split: corpus papers (two-column headers,
                     one column, fax, colour cards alone) and corpus OCR pages, as they are, and a
                     page with a two-column table; truth NAME.json when the source has one
  expect.tsv         NAME<TAB>pieces expected (2 or 0)

Sources: /work/shared/corpus/papers (papers with truth, ID-card scans), /work/shared/corpus/pages,
bench/ocr/mkphoto.py's CCCD renderer. Splits differ in seed, faces (card: DejaVuSerif / DejaVuSans),
papers and placements: tune on `tune`, report `heldout`. Needs python3-pil, python3-numpy.
"""
import argparse
import glob
import json
import os
import random
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkphoto  # noqa: E402  (cccd_card, font)

PAPERS = "/work/shared/corpus/papers"
PAGES = "/work/shared/corpus/pages"
SPLITS = {
    "tune": dict(seed=1801, font="DejaVuSerif", papers=["dev01", "dev02", "dev03", "dev06", "dev07"],
                 ctl=["dev01", "dev02", "dev03", "dev05", "dev06", "dev07", "dev04"]),
    "heldout": dict(seed=9918, font="DejaVuSans",
                    papers=["dev08", "dev11", "dev12", "dev13", "dev10", "dev15"],
                    ctl=["dev08", "dev10", "dev11", "dev12", "dev13", "dev15", "dev09", "dev14"]),
}


def mm(v, dpi):
    return int(round(v * dpi / 25.4))


def card_back(rnd, fontname, dpi=600):
    """The back of a CCCD: features, date of issue, the issuer's title, fingerprints, MRZ."""
    W, H = mm(85.6, dpi), mm(53.98, dpi)
    base = rnd.choice([(214, 230, 238), (226, 236, 222), (236, 228, 214)])
    img = Image.new("RGB", (W, H), base)
    d = ImageDraw.Draw(img)
    body = mkphoto.font(fontname, mm(2.4, dpi))
    bold = mkphoto.font(fontname + "-Bold", mm(2.4, dpi))
    mono = mkphoto.font("DejaVuSansMono", mm(2.6, dpi))
    day = (rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(2016, 2024))
    d.text((mm(4, dpi), mm(4, dpi)), "Đặc điểm nhân dạng: Nốt ruồi cách 2cm trên mép phải",
           font=body, fill=(25, 25, 30))
    d.text((mm(4, dpi), mm(9, dpi)), "Ngày, tháng, năm: %02d/%02d/%d" % day, font=body,
           fill=(25, 25, 30))
    d.text((mm(4, dpi), mm(14, dpi)), "CỤC TRƯỞNG CỤC CẢNH SÁT", font=bold, fill=(25, 25, 30))
    d.text((mm(4, dpi), mm(18, dpi)), "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", font=bold,
           fill=(25, 25, 30))
    for k in range(2):
        x = mm(52 + k * 16, dpi)
        d.rectangle([x, mm(4, dpi), x + mm(13, dpi), mm(22, dpi)], outline=(60, 60, 70),
                    width=mm(0.3, dpi))
        for r in range(1, 6):
            d.ellipse([x + mm(6.5 - r, dpi), mm(13 - r * 1.4, dpi), x + mm(6.5 + r, dpi),
                       mm(13 + r * 1.4, dpi)], outline=(90, 90, 100), width=mm(0.2, dpi))
    y = mm(36, dpi)
    for line in ("IDVNM0%09d<<%d" % (rnd.randint(0, 10**9 - 1), rnd.randint(0, 9)),
                 "%02d%02d%02d4M%d<<<<<<<<<<<VNM" % (day[2] % 100, day[1], day[0], day[2] + 40),
                 "NGUYEN<<VAN<<AN<<<<<<<<<<<<<<"):
        d.text((mm(4, dpi), y), line, font=mono, fill=(25, 25, 30))
        y += mm(4.8, dpi)
    alpha = Image.new("L", (W, H), 0)
    ImageDraw.Draw(alpha).rounded_rectangle([0, 0, W - 1, H - 1], radius=mm(3.18, dpi), fill=255)
    img.putalpha(alpha)
    return img


def photocopy(card, rnd, dpi):
    """A card as a photocopier prints it: grey, contrast raised, toner unevenness, turned."""
    c = card.resize((mm(85.6, dpi), mm(53.98, dpi)), Image.LANCZOS)
    a = c.getchannel("A")
    g = np.asarray(c.convert("L"), dtype=np.float32)
    g = (g - 128) * rnd.uniform(1.1, 1.5) + 128 - rnd.uniform(0, 30)  # toner: darker background
    g += np.random.default_rng(rnd.randint(0, 10**6)).normal(0, 6, g.shape)
    g = Image.fromarray(g.clip(0, 255).astype(np.uint8), "L")
    # the card's edge prints as a thin dark outline
    ImageDraw.Draw(g).rounded_rectangle([0, 0, g.width - 1, g.height - 1], radius=mm(3.18, dpi),
                                        outline=60, width=max(1, mm(0.25, dpi)))
    angle = rnd.uniform(-2.5, 2.5)
    return g.rotate(angle, Image.BICUBIC, expand=True, fillcolor=255), \
        a.rotate(angle, Image.BICUBIC, expand=True, fillcolor=0)


def sheet(W, H, rnd):
    """A photocopy's paper: light grey toner haze."""
    base = rnd.randint(238, 252)
    return Image.new("L", (W, H), base)


def degrade(img, rnd, dpi):
    """Speckle, a little blur; a photocopy's look."""
    arr = np.asarray(img, dtype=np.float32)
    rng = np.random.default_rng(rnd.randint(0, 10**6))
    arr += rng.normal(0, 3, arr.shape)
    spk = rng.random(arr.shape) < 0.0008
    arr[spk] = rng.uniform(40, 160, spk.sum())
    out = Image.fromarray(arr.clip(0, 255).astype(np.uint8), "L")
    out = out.filter(ImageFilter.GaussianBlur(0.5))
    out.info["dpi"] = (dpi, dpi)
    return out


def save(img, path_noext, rnd, dpi):
    if rnd.random() < 0.5:
        img.save(path_noext + ".jpg", quality=rnd.randint(80, 92), dpi=(dpi, dpi))
        return os.path.basename(path_noext) + ".jpg"
    img.save(path_noext + ".png", dpi=(dpi, dpi))
    return os.path.basename(path_noext) + ".png"


def cccd_sheet(rnd, font, out, name):
    dpi = rnd.choice([200, 240, 300])
    W, H = mm(210, dpi), mm(297, dpi)
    front, truth = mkphoto.cccd_card(rnd, font)
    back = card_back(rnd, font)
    page = sheet(W, H, rnd)
    f, fa = photocopy(front, rnd, dpi)
    b, ba = photocopy(back, rnd, dpi)
    if rnd.random() < 0.8:  # stacked: front above back
        x0 = rnd.randint(mm(15, dpi), W - f.width - mm(15, dpi))
        y0 = rnd.randint(mm(15, dpi), mm(80, dpi))
        x1 = x0 + rnd.randint(-mm(10, dpi), mm(10, dpi))
        x1 = min(max(x1, mm(5, dpi)), W - b.width - mm(5, dpi))
        y1 = y0 + f.height + rnd.randint(mm(8, dpi), mm(50, dpi))
    else:  # side by side at the top of the glass
        y0 = rnd.randint(mm(10, dpi), mm(60, dpi))
        x0 = rnd.randint(mm(3, dpi), mm(10, dpi))
        x1 = x0 + f.width + rnd.randint(mm(6, dpi), mm(15, dpi))
        y1 = y0 + rnd.randint(-mm(5, dpi), mm(5, dpi))
    page.paste(f, (x0, y0), fa)
    page.paste(b, (x1, max(0, y1)), ba)
    fn = save(degrade(page, rnd, dpi), os.path.join(out, name), rnd, dpi)
    with open(os.path.join(out, name + ".json"), "w") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=1)
    return fn


def a5_sheet(rnd, first, second, out, name):
    dpi = rnd.choice([200, 300])
    side = True  # side by side on A4 landscape (one above the other: tests/ocr/test_split.c only)
    W, H = (mm(297, dpi), mm(210, dpi)) if side else (mm(210, dpi), mm(297, dpi))
    page = sheet(W, H, rnd)
    for k, src in enumerate((first, second)):
        im = Image.open(src).convert("L")
        # the page as an A5 sheet: the A4 render scaled by 1/sqrt(2)
        a5w, a5h = mm(148, dpi), mm(210, dpi)
        if not side:
            a5w, a5h = mm(148, dpi), mm(210, dpi)
        im = im.resize((a5w, a5h), Image.LANCZOS)
        if not side:
            # an A5 page one above the other: each half holds a portrait A5 page scaled to fit
            s = (H / 2) / a5h * 0.98
            im = im.resize((int(a5w * s), int(a5h * s)), Image.LANCZOS)
        im = im.rotate(rnd.uniform(-0.8, 0.8), Image.BICUBIC, fillcolor=255)
        if side:
            x = k * (W // 2) + (W // 2 - im.width) // 2 + rnd.randint(-mm(2, dpi), mm(2, dpi))
            y = (H - im.height) // 2
        else:
            x = (W - im.width) // 2
            y = k * (H // 2) + (H // 2 - im.height) // 2
        page.paste(im, (max(0, x), max(0, y)))
    fn = save(degrade(page, rnd, dpi), os.path.join(out, name), rnd, dpi)
    tj = os.path.splitext(first)[0] + ".json"
    if os.path.exists(tj):
        with open(tj) as fh, open(os.path.join(out, name + ".json"), "w") as o:
            o.write(fh.read())
    return fn


def paper_path(prefix):
    return sorted(glob.glob(os.path.join(PAPERS, prefix + "-*.[pjt][npi]*")))[0]


def table_page(rnd, out, name):
    """A one-page form whose body is a two-column table (a rule between the columns)."""
    dpi = 300
    W, H = mm(210, dpi), mm(297, dpi)
    img = Image.new("L", (W, H), 250)
    d = ImageDraw.Draw(img)
    f = mkphoto.font("DejaVuSerif", mm(3.6, dpi))
    d.text((mm(20, dpi), mm(15, dpi)), "ỦY BAN NHÂN DÂN", font=f, fill=20)
    d.text((mm(110, dpi), mm(15, dpi)), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=f, fill=20)
    d.text((mm(70, dpi), mm(35, dpi)), "DANH SÁCH HỘ GIA ĐÌNH", font=f, fill=20)
    x0, x1, xm = mm(20, dpi), mm(190, dpi), mm(105, dpi)
    y = mm(50, dpi)
    d.line([x0, y, x1, y], fill=30, width=3)
    for r in range(30):
        d.text((x0 + mm(2, dpi), y + mm(1.5, dpi)), "Hộ số %d: %s" % (r + 1, rnd.choice(mkphoto.FAMILY)),
               font=f, fill=20)
        d.text((xm + mm(2, dpi), y + mm(1.5, dpi)), "Thôn %d, xã %s" % (rnd.randint(1, 9),
               rnd.choice(["Hồng Phong", "Thanh Xuân", "Nghi Phong"])), font=f, fill=20)
        y += mm(7.5, dpi)
        d.line([x0, y, x1, y], fill=30, width=3)
    d.line([x0, mm(50, dpi), x0, y], fill=30, width=3)
    d.line([xm, mm(50, dpi), xm, y], fill=30, width=3)
    d.line([x1, mm(50, dpi), x1, y], fill=30, width=3)
    return save(degrade(img, rnd, dpi), os.path.join(out, name), rnd, dpi)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=sorted(SPLITS), required=True)
    ap.add_argument("--count", type=int, default=6, help="CCCD sheets and A5 sheets each")
    ap.add_argument("--seed", type=int, help="another seed than the split's (a fresh set)")
    ap.add_argument("out")
    a = ap.parse_args()
    cfg = SPLITS[a.split]
    rnd = random.Random(a.seed if a.seed is not None else cfg["seed"])
    os.makedirs(a.out, exist_ok=True)
    expect = []
    for i in range(a.count):
        expect.append((cccd_sheet(rnd, cfg["font"], a.out, "cccd-%02d" % i), 2))
    papers = [paper_path(p) for p in cfg["papers"]]
    for i in range(a.count):
        first, second = rnd.sample(papers, 2)
        expect.append((a5_sheet(rnd, first, second, a.out, "a5-%02d" % i), 2))
    for i, p in enumerate(cfg["ctl"]):
        src = paper_path(p)
        ext = os.path.splitext(src)[1]
        dst = os.path.join(a.out, "ctl-%02d%s" % (i, ext))
        with open(src, "rb") as fi, open(dst, "wb") as fo:
            fo.write(fi.read())
        with open(os.path.splitext(src)[0] + ".json") as fi, \
                open(os.path.join(a.out, "ctl-%02d.json" % i), "w") as fo:
            fo.write(fi.read())
        expect.append((os.path.basename(dst), 0))
    pages = sorted(glob.glob(os.path.join(PAGES, "*.[pjt][npi]*")))
    pages = pages[0::2] if a.split == "tune" else pages[1::2]
    for i, p in enumerate(pages):
        dst = os.path.join(a.out, "ctlp-%02d%s" % (i, os.path.splitext(p)[1]))
        with open(p, "rb") as fi, open(dst, "wb") as fo:
            fo.write(fi.read())
        expect.append((os.path.basename(dst), 0))
    expect.append((table_page(rnd, a.out, "ctl-table"), 0))
    with open(os.path.join(a.out, "expect.tsv"), "w") as fh:
        for n, k in expect:
            fh.write("%s\t%d\n" % (n, k))


if __name__ == "__main__":
    main()
