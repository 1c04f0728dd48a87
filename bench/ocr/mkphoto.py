#!/usr/bin/python3
"""Phone photos of papers on a desk, for the photo benchmark and tests (not a test).

  /usr/bin/python3 bench/ocr/mkphoto.py --split tune|heldout OUT_DIR [--pages DIR] [--count N]
  /usr/bin/python3 bench/ocr/mkphoto.py --gks-test OUT.png   # the red-title test page (tests/data/clean)
  /usr/bin/python3 bench/ocr/mkphoto.py --one PAGE.png OUT.jpg [--seed N] [--split S]
                                          # one photo of a given page (tests)
  /usr/bin/python3 bench/ocr/mkphoto.py --card OUT.jpg [--seed N] [--split S]
                                          # a photographed CCCD card, truth in OUT.json

The wide splits (issue 23: `wide-tune`, `wide-heldout`, with --one, --card or OUT_DIR) are a phone
held over the page in every way testers did: frames 4000x3000, 3264x2448, 1920x1080, 1600x1200 in
portrait or landscape, the page filling 35-98 % of the frame and sometimes touching or cut by its
edge, rotations up to +-15 deg and some 90/180, strong perspective, white, light grey and light wood
desks (page and desk close in brightness) as well as dark, wooden and patterned ones (cloth, a
keyboard edge, a pen, a second sheet partly under), a hand's shadow, warm or cool colour casts,
glare, JPEG q 50-90, blur, a 72 dpi tag or none. Cards (CCCD, 85.6 x 54 mm, rounded corners,
coloured background) fill 40-90 % of the frame.

For every photo: NAME.jpg (JPEG q 70-85, a 72 dpi tag or none), NAME.gt.txt (the page's text)
and NAME.corners (the page's corners in the photo: TL TR BR BL as x y). Sources: corpus pages
(/work/shared/corpus/pages, clean300/skew300 renders with their ground truth) and birth
certificates rendered here with a red printed title and a red round seal over the signature.
Each photo: the page scaled to a phone's resolution (page 1300-2300 px wide), perspective
(tilt, rotation, corner jitter) onto a desk (wood or grey texture), uneven light (a gradient and a
vignette), blur, JPEG. Splits use different seeds, source pages, fonts, desks and angles:
tune on `tune`, report `heldout`, never tune on it. Needs python3-pil, python3-numpy.
"""
import argparse
import json
import math
import os
import random
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SPLITS = {
    # seed, source pages, GKS font, desks, max rotation (deg), max tilt
    "tune": dict(seed=11, pages=["kh2024-f0-p01-clean300", "pl2022-f0-p03-clean300"],
                 font="DejaVuSerif", desks=["wood", "grey"], rot=6, tilt=0.10),
    "heldout": dict(seed=907, pages=["kh2024-f1-p02-clean300", "pl2022-f1-p04-clean300",
                                     "kh2024-f0-p02-skew300", "pl2022-f0-p04-skew300"],
                    font="DejaVuSans", desks=["darkwood", "slate", "green"], rot=10, tilt=0.14),
    # issue 23: wide variety; tune on wide-tune only, report wide-heldout
    "wide-tune": dict(seed=2301, pages=["kh2024-f0-p01-clean300", "pl2022-f0-p03-clean300"],
                      font="DejaVuSerif", wide=True,
                      desks=["white", "lightwood", "wood", "cloth", "dark", "keyboard"],
                      cast=(0.80, 1.0), rot=15, tilt=0.22),
    "wide-heldout": dict(seed=7717, pages=["kh2024-f1-p02-clean300", "pl2022-f1-p04-clean300",
                                           "kh2024-f0-p02-skew300", "pl2022-f0-p04-skew300"],
                         font="DejaVuSans", wide=True,
                         desks=["lightgrey", "white", "darkwood", "cloth2", "slate", "keyboard"],
                         cast=(0.75, 1.0), rot=15, tilt=0.25),
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Mạc", "Kiều"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Xuân", "Thế", "Đình"]
GIVEN = ["An", "Bình", "Cường", "Hạnh", "Hiếu", "Khánh", "Lan", "Nhung", "Yên", "Hưởng", "Xuyến"]
PLACES = ["xã Thanh Xuân, huyện Thanh Hà, tỉnh Hải Dương", "phường Ninh Khánh, thành phố Ninh Bình",
          "xã Hùng Sơn, huyện Đại Từ, tỉnh Thái Nguyên", "xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An"]


def font(name, size):
    return ImageFont.truetype(FONT_DIR + name + ".ttf", size)


def seal(draw_img, cx, cy, r, rnd, fnt):
    """A red round seal: double ring, lettering along it, a star; semi-transparent (multiply)."""
    layer = Image.new("RGB", draw_img.size, (255, 255, 255))
    d = ImageDraw.Draw(layer)
    red = (205 + rnd.randint(-15, 15), 40, 45)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=red, width=max(4, r // 22))
    r2 = int(r * 0.68)
    d.ellipse([cx - r2, cy - r2, cx + r2, cy + r2], outline=red, width=max(3, r // 40))
    text = "ỦY BAN NHÂN DÂN XÃ THANH XUÂN * HẢI DƯƠNG *"
    for i, ch in enumerate(text):
        a = -math.pi / 2 + 2 * math.pi * i / len(text)
        x, y = cx + 0.84 * r * math.cos(a), cy + 0.84 * r * math.sin(a)
        g = Image.new("L", (60, 60), 0)
        ImageDraw.Draw(g).text((30, 30), ch, font=fnt, fill=255, anchor="mm")
        g = g.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        layer.paste(Image.new("RGB", g.size, red), (int(x) - 30, int(y) - 30), g)
    pts = []
    for k in range(10):
        rr = r * (0.28 if k % 2 == 0 else 0.11)
        a = -math.pi / 2 + math.pi * k / 5
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=red)
    # multiply, 85 % strength: text under the seal shows through
    a = np.asarray(draw_img, dtype=np.float32)
    b = np.asarray(layer, dtype=np.float32)
    out = a * (1 - 0.85 * (1 - b / 255.0))
    return Image.fromarray(out.clip(0, 255).astype(np.uint8))


def gks_page(rnd, fontname, dpi=300, height_mm=297):
    """A birth certificate, A4 at dpi: red title, a red seal over the signature. (image, text)"""
    px = lambda mm: int(round(mm * dpi / 25.4))
    W, H = px(210), px(height_mm)
    img = Image.new("RGB", (W, H), (252, 251, 247))
    d = ImageDraw.Draw(img)
    body = font(fontname, px(4.6))
    bold = font(fontname + "-Bold", px(4.6))
    title = font(fontname + "-Bold", px(7.2))
    lines = []
    y = px(18)

    def put(text, f, x=None, fill=(20, 20, 20), center=False, step=8.5):
        nonlocal y
        if center:
            d.text((W // 2, y), text, font=f, fill=fill, anchor="ma")
        else:
            d.text((x if x is not None else px(22), y), text, font=f, fill=fill)
        lines.append(text)
        y += px(step)

    put("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold, center=True)
    put("Độc lập - Tự do - Hạnh phúc", bold, center=True, step=16)
    put("GIẤY KHAI SINH", title, center=True, fill=(200, 25, 35), step=16)
    name = "%s %s %s" % (rnd.choice(FAMILY), rnd.choice(MIDDLE), rnd.choice(GIVEN))
    pid = "0%02d%d%02d%06d" % (rnd.choice([1, 30, 34, 36]), rnd.choice([2, 3]), rnd.randint(0, 24),
                               rnd.randint(0, 999999))
    born = "%02d/%02d/20%02d" % (rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(5, 24))
    fields = [
        "Họ, chữ đệm, tên: " + name.upper(),
        "Ngày, tháng, năm sinh: " + born,
        "Giới tính: " + rnd.choice(["Nam", "Nữ"]) + "    Dân tộc: Kinh    Quốc tịch: Việt Nam",
        "Nơi sinh: " + rnd.choice(PLACES),
        "Số định danh cá nhân: " + pid,
        "Họ, chữ đệm, tên người mẹ: " + ("%s Thị %s" % (rnd.choice(FAMILY), rnd.choice(GIVEN))).upper(),
        "Họ, chữ đệm, tên người cha: " + ("%s %s %s" % (rnd.choice(FAMILY), rnd.choice(MIDDLE),
                                                       rnd.choice(GIVEN))).upper(),
        "Nơi cư trú: " + rnd.choice(PLACES),
        "Nơi đăng ký khai sinh: Ủy ban nhân dân " + rnd.choice(PLACES).split(",")[0],
        "Ngày, tháng, năm đăng ký: %02d/%02d/2024" % (rnd.randint(1, 28), rnd.randint(1, 12)),
    ]
    for t in fields:
        put(t, body, step=10)
    y += px(6)
    put("NGƯỜI KÝ GIẤY KHAI SINH", bold, x=px(112))
    put("CHỦ TỊCH", bold, x=px(132), step=26)
    sig_y = y
    signer = "%s %s %s" % (rnd.choice(FAMILY), rnd.choice(MIDDLE), rnd.choice(GIVEN))
    put(signer, bold, x=px(122))
    img = seal(img, px(128) + rnd.randint(-px(4), px(4)), sig_y - px(14), px(19), rnd,
               font(fontname + "-Bold", px(3.2)))
    img.info["dpi"] = (dpi, dpi)
    return img, "\n".join(lines) + "\n"


def desk(kind, size, rnd):
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    noise = np.asarray(Image.effect_noise((w, h), 40).filter(ImageFilter.GaussianBlur(2)),
                       dtype=np.float32) - 128
    if kind in ("wood", "darkwood"):
        base = np.array([150, 100, 60] if kind == "wood" else [95, 62, 40], dtype=np.float32)
        a = rnd.uniform(-0.2, 0.2)
        grain = np.sin((yy + a * xx) / rnd.uniform(9, 15) + 3 * np.sin(xx / 160.0)) * 14
        v = grain + noise * 0.4
    elif kind in ("white", "lightgrey", "lightwood"):
        # page and desk close in brightness: only a faint step at the page's edge
        base = {"white": [238, 236, 230], "lightgrey": [206, 206, 202],
                "lightwood": [214, 184, 142]}[kind]
        base = np.array(base, dtype=np.float32) + rnd.uniform(-8, 8)
        v = noise * 0.25
        if kind == "lightwood":
            v = v + np.sin((yy + 0.1 * xx) / rnd.uniform(7, 12)) * 7
    elif kind in ("cloth", "cloth2"):
        # a woven pattern in a colour
        base = np.array([rnd.choice([[60, 80, 140], [150, 60, 60], [90, 120, 90], [170, 160, 140]])],
                        dtype=np.float32)[0]
        p = rnd.uniform(5, 9)
        v = (np.sin(xx / p) * np.sin(yy / p)) * 25 + noise * 0.3
        if kind == "cloth2":
            v = v + ((xx // 60 + yy // 60) % 2) * 30 - 15
    else:
        base = {"grey": [128, 128, 124], "slate": [80, 86, 92], "green": [50, 95, 70],
                "dark": [38, 36, 40], "keyboard": [70, 70, 74]}[kind]
        base = np.array(base, dtype=np.float32)
        v = noise * 0.6
    img = base[None, None, :] + v[:, :, None]
    return Image.fromarray(img.clip(0, 255).astype(np.uint8))


def perspective_coeffs(dst, src):
    """PIL PERSPECTIVE data mapping output (dst) points to input (src) points."""
    m = []
    for (x, y), (u, v) in zip(dst, src):
        m.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        m.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    b = [c for p in src for c in p]
    return np.linalg.solve(np.array(m, dtype=np.float64), np.array(b, dtype=np.float64)).tolist()


def photo(page, rnd, cfg):
    """(photo, corners): page photographed on a desk."""
    W, H = rnd.choice([(2448, 3264), (3000, 4000), (2304, 3072)])
    pw = rnd.uniform(0.58, 0.78) * W  # page width in the photo
    ph = pw * page.size[1] / page.size[0]
    if ph > 0.86 * H:
        ph = 0.86 * H
        pw = ph * page.size[0] / page.size[1]
    cx = W / 2 + rnd.uniform(-0.05, 0.05) * W
    cy = H / 2 + rnd.uniform(-0.04, 0.04) * H
    rot = math.radians(rnd.uniform(-cfg["rot"], cfg["rot"]))
    tilt = rnd.uniform(0, cfg["tilt"])  # far (top) edge shorter: the phone leans over the foot
    corners = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x = sx * pw / 2 * (1 - tilt if sy < 0 else 1)
        y = sy * ph / 2 * (1 - tilt / 2)
        x += rnd.uniform(-0.012, 0.012) * pw
        y += rnd.uniform(-0.012, 0.012) * ph
        xr = cx + x * math.cos(rot) - y * math.sin(rot)
        yr = cy + x * math.sin(rot) + y * math.cos(rot)
        corners.append((xr, yr))
    pw0, ph0 = page.size
    src = [(0, 0), (pw0, 0), (pw0, ph0), (0, ph0)]
    data = perspective_coeffs(corners, src)
    warped = page.convert("RGB").transform((W, H), Image.PERSPECTIVE, data, Image.BICUBIC,
                                           fillcolor=(0, 0, 0))
    mask = Image.new("L", page.size, 255).transform((W, H), Image.PERSPECTIVE, data, Image.BILINEAR,
                                                    fillcolor=0)
    img = desk(rnd.choice(cfg["desks"]), (W, H), rnd)
    # a soft shadow of the page on the desk
    shadow = mask.filter(ImageFilter.GaussianBlur(12))
    img = Image.composite(Image.new("RGB", (W, H), (30, 25, 20)), img,
                          shadow.point(lambda v: v * 0.35))
    img = Image.composite(warped, img, mask)
    # uneven light: a linear gradient in a random direction and a vignette
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    a = rnd.uniform(0, 2 * math.pi)
    g = ((xx - W / 2) * math.cos(a) + (yy - H / 2) * math.sin(a)) / (0.5 * math.hypot(W, H))
    light = 1.0 - rnd.uniform(0.08, 0.22) * (g + 1) / 2
    r2 = ((xx - W / 2) ** 2 + (yy - H / 2) ** 2) / ((W / 2) ** 2 + (H / 2) ** 2)
    light *= 1.0 - rnd.uniform(0.05, 0.15) * r2
    tint = np.array([1.0, rnd.uniform(0.96, 1.0), rnd.uniform(0.88, 0.97)], dtype=np.float32)
    arr = np.asarray(img, dtype=np.float32) * light[:, :, None] * tint[None, None, :]
    arr += np.random.default_rng(rnd.randint(0, 1 << 30)).normal(0, 3.0, arr.shape)
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    img = img.filter(ImageFilter.GaussianBlur(rnd.uniform(0.5, 1.1)))
    return img, corners


def cccd_card(rnd, fontname, dpi=600):
    """A CCCD card, 85.6 x 53.98 mm at dpi, RGBA (rounded corners transparent). (image, truth)"""
    px = lambda mm: int(round(mm * dpi / 25.4))
    W, H = px(85.6), px(53.98)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    base = np.array(rnd.choice([[214, 230, 238], [226, 236, 222], [236, 228, 214]]), dtype=np.float32)
    guil = (np.sin(xx / px(1.1) + 2 * np.sin(yy / px(4))) * 6)[:, :, None]
    grad = (yy / H * 14)[:, :, None]
    arr = (base[None, None, :] - grad + guil).clip(0, 255).astype(np.uint8)
    img = Image.fromarray(arr, "RGB")
    d = ImageDraw.Draw(img)
    small = font(fontname + "-Bold", px(2.3))
    title = font(fontname + "-Bold", px(3.6))
    body = font(fontname, px(2.5))
    bold = font(fontname + "-Bold", px(2.9))
    d.text((W // 2 + px(8), px(3.5)), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=small,
           fill=(25, 25, 30), anchor="ma")
    d.text((W // 2 + px(8), px(7)), "Độc lập - Tự do - Hạnh phúc", font=small, fill=(25, 25, 30),
           anchor="ma")
    d.text((W // 2 + px(8), px(11.5)), "CĂN CƯỚC CÔNG DÂN", font=title, fill=(200, 30, 40),
           anchor="ma")
    d.rectangle([px(4), px(17), px(24), px(43)], fill=(170, 180, 190))
    name = "%s %s %s" % (rnd.choice(FAMILY), rnd.choice(MIDDLE), rnd.choice(GIVEN))
    born = (rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(1950, 2004))
    sex = rnd.choice(["Nam", "Nữ"])
    # a CCCD number: province, century and sex (0/1 1900s, 2/3 2000s), year, 6 digits
    pid = "0%02d%d%02d%06d" % (rnd.choice([1, 30, 34, 36]),
                               (0 if born[2] < 2000 else 2) + (sex == "Nữ"), born[2] % 100,
                               rnd.randint(0, 999999))
    until = (born[0], born[1], born[2] + 40 if born[2] + 40 > 2026 else 2035 + rnd.randint(0, 9))
    rows = [("Số: " + pid, bold, 0), ("Họ và tên:", body, 0), (name.upper(), bold, 20),
            ("Ngày sinh:", body, 0), ("%02d/%02d/%d" % born, body, 20),
            ("Giới tính:", body, 0), (sex + "     Quốc tịch: Việt Nam", body, 20),
            ("Quê quán:", body, 0), (rnd.choice(PLACES).split(",")[-1].strip(), body, 20),
            ("Có giá trị đến:", body, 0), ("%02d/%02d/%d" % until, body, 20)]
    y, x0 = px(17), px(27)
    lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "CĂN CƯỚC CÔNG DÂN"]
    for i, (t, f, dx) in enumerate(rows):
        if i == 0:
            d.text((x0, y), t, font=f, fill=(20, 20, 25))
            y += px(4.6)
        elif dx == 0:
            d.text((x0, y), t, font=f, fill=(20, 20, 25))
        else:
            d.text((x0 + px(dx), y), t, font=f, fill=(20, 20, 25))
            y += px(3.9)
        lines.append(t)
    alpha = Image.new("L", (W, H), 0)
    ImageDraw.Draw(alpha).rounded_rectangle([0, 0, W - 1, H - 1], radius=px(3.18), fill=255)
    img.putalpha(alpha)
    truth = {"kind": "can-cuoc",
             "fields": {"owner_id": pid, "owner_name": name.upper(),
                        "birth_date": "%04d-%02d-%02d" % (born[2], born[1], born[0]), "sex": sex,
                        "doc_type": "CCCD",
                        "valid_until": "%04d-%02d-%02d" % (until[2], until[1], until[0])},
             "text": "\n".join(lines)}
    return img, truth


def clutter(img, rnd, kind, W, H, under):
    """Things on the desk: a keyboard's edge along a side, a pen, a second sheet (drawn under)."""
    d = ImageDraw.Draw(img)
    if under:
        if rnd.random() < 0.3:  # a second sheet partly under the page
            cx, cy = rnd.uniform(0.2, 0.8) * W, rnd.choice([0.15, 0.85]) * H
            a = math.radians(rnd.uniform(-30, 30))
            w2, h2 = 0.5 * W, 0.35 * H
            pts = [(cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a))
                   for x, y in ((-w2, -h2), (w2, -h2), (w2, h2), (-w2, h2))]
            g = rnd.randint(225, 250)
            d.polygon(pts, fill=(g, g, g - 4))
        if kind == "keyboard":
            side = rnd.choice(["top", "bottom", "left", "right"])
            band = int(rnd.uniform(0.05, 0.12) * min(W, H))
            k = max(12, band // 3)
            for i in range(0, max(W, H), k + 6):
                for j in range(0, band, k + 6):
                    if side in ("top", "bottom"):
                        y0 = j if side == "top" else H - band + j
                        d.rounded_rectangle([i, y0, i + k, y0 + k], radius=4, fill=(30, 30, 34),
                                            outline=(120, 120, 125))
                    else:
                        x0 = j if side == "left" else W - band + j
                        d.rounded_rectangle([x0, i, x0 + k, i + k], radius=4, fill=(30, 30, 34),
                                            outline=(120, 120, 125))
        return img
    if rnd.random() < 0.35:  # a pen lying on the desk, maybe over the page's edge
        x0, y0 = rnd.uniform(0, W), rnd.choice([rnd.uniform(0, 0.12), rnd.uniform(0.88, 1)]) * H
        a = rnd.uniform(0, math.pi)
        L = rnd.uniform(0.15, 0.3) * max(W, H)
        wd = max(8, int(0.012 * min(W, H)))
        d.line([(x0, y0), (x0 + L * math.cos(a), y0 + L * math.sin(a))],
               fill=rnd.choice([(20, 40, 120), (15, 15, 15), (180, 30, 30)]), width=wd)
    return img


def photo_wide(page, rnd, cfg):
    """(photo, corners): the wide splits' phone photo of page (RGB, or RGBA for a card's corners)."""
    W, H = rnd.choice([(4000, 3000), (3264, 2448), (1920, 1080), (1600, 1200)])
    pw0, ph0 = page.size
    portrait = ph0 > pw0
    if rnd.random() < 0.8 and portrait:
        W, H = min(W, H), max(W, H)
    elif rnd.random() < 0.8 and not portrait:
        W, H = max(W, H), min(W, H)
    card = cfg.get("card", False)
    quarter = rnd.choice([0, 0, 0, 0, 0, 0, 90, 180]) if not card else rnd.choice([0] * 7 + [180])
    if quarter:
        page = page.rotate(quarter, expand=True)
        pw0, ph0 = page.size
    fill = rnd.uniform(0.40, 0.90) if card else rnd.uniform(0.35, 0.98)
    rot = math.radians(rnd.uniform(-cfg["rot"], cfg["rot"]))
    tilt = rnd.uniform(0, cfg["tilt"])
    tdir = rnd.choice(["top", "top", "bottom", "left", "right"])
    # page size so that its area is `fill` of the frame, then shrunk to fit unless cut
    aspect = ph0 / pw0
    pw = math.sqrt(fill * W * H / aspect)
    ph = pw * aspect
    cut = rnd.random() < 0.3
    for _ in range(60):
        c, s = abs(math.cos(rot)), abs(math.sin(rot))
        bw, bh = pw * c + ph * s, pw * s + ph * c
        lim = 1.03 if cut else 0.985
        if bw <= lim * W and bh <= lim * H:
            break
        pw *= 0.97
        ph *= 0.97
    slack_x = max(0.0, (W - bw) / 2) if not cut else max(0.0, (W * lim - bw) / 2)
    slack_y = max(0.0, (H - bh) / 2) if not cut else max(0.0, (H * lim - bh) / 2)
    cx = W / 2 + rnd.uniform(-1, 1) * slack_x
    cy = H / 2 + rnd.uniform(-1, 1) * slack_y
    corners = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = sx * pw / 2, sy * ph / 2
        far = {"top": sy < 0, "bottom": sy > 0, "left": sx < 0, "right": sx > 0}[tdir]
        if tdir in ("top", "bottom"):
            x *= (1 - tilt) if far else 1
            y *= 1 - tilt / 2
        else:
            y *= (1 - tilt) if far else 1
            x *= 1 - tilt / 2
        x += rnd.uniform(-0.015, 0.015) * pw
        y += rnd.uniform(-0.015, 0.015) * ph
        corners.append((cx + x * math.cos(rot) - y * math.sin(rot),
                        cy + x * math.sin(rot) + y * math.cos(rot)))
    src = [(0, 0), (pw0, 0), (pw0, ph0), (0, ph0)]
    data = perspective_coeffs(corners, src)
    rgba = page.convert("RGBA") if page.mode == "RGBA" else page.convert("RGB").convert("RGBA")
    warped = rgba.transform((W, H), Image.PERSPECTIVE, data, Image.BICUBIC, fillcolor=(0, 0, 0, 0))
    mask = warped.getchannel("A")
    warped = warped.convert("RGB")
    kind = rnd.choice(cfg["desks"])
    img = desk(kind, (W, H), rnd)
    img = clutter(img, rnd, kind, W, H, True)
    shadow = mask.filter(ImageFilter.GaussianBlur(max(4, W // 300)))
    img = Image.composite(Image.new("RGB", (W, H), (30, 25, 20)), img,
                          shadow.point(lambda v: v * rnd.uniform(0.1, 0.35)))
    img = Image.composite(warped, img, mask)
    img = clutter(img, rnd, kind, W, H, False)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    a = rnd.uniform(0, 2 * math.pi)
    g = ((xx - W / 2) * math.cos(a) + (yy - H / 2) * math.sin(a)) / (0.5 * math.hypot(W, H))
    light = 1.0 - rnd.uniform(0.05, 0.30) * (g + 1) / 2
    r2 = ((xx - W / 2) ** 2 + (yy - H / 2) ** 2) / ((W / 2) ** 2 + (H / 2) ** 2)
    light *= 1.0 - rnd.uniform(0.05, 0.20) * r2
    if rnd.random() < 0.4:  # the shadow of a hand or the phone across the page
        hx, hy = rnd.uniform(0, W), rnd.choice([rnd.uniform(0, 0.3), rnd.uniform(0.7, 1)]) * H
        rx, ry = rnd.uniform(0.15, 0.35) * W, rnd.uniform(0.1, 0.3) * H
        blob = ((xx - hx) / rx) ** 2 + ((yy - hy) / ry) ** 2
        light *= 1.0 - rnd.uniform(0.2, 0.45) * np.clip(1.5 - blob, 0, 1)
    arr = np.asarray(img, dtype=np.float32) * light[:, :, None]
    if rnd.random() < 0.3:  # glare
        gx, gy, gr = rnd.uniform(0.2, 0.8) * W, rnd.uniform(0.2, 0.8) * H, rnd.uniform(0.05, 0.15) * W
        arr += (rnd.uniform(30, 70) * np.exp(-((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * gr * gr)))[:, :, None]
    lo, hi = cfg.get("cast", (0.8, 1.0))
    if rnd.random() < 0.5:  # warm (tungsten)
        tint = [1.0, rnd.uniform(0.85, 0.95), rnd.uniform(lo, 0.88)]
    else:  # cool
        tint = [rnd.uniform(0.85, 0.95), rnd.uniform(0.95, 1.0), 1.0]
    arr *= np.array(tint, dtype=np.float32)[None, None, :]
    arr += np.random.default_rng(rnd.randint(0, 1 << 30)).normal(0, rnd.uniform(2, 5), arr.shape)
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    img = img.filter(ImageFilter.GaussianBlur(rnd.uniform(0.4, 1.6)))
    return img, corners  # TL TR BR BL of the (turned) page as it lies in the frame


def save_wide(img, base, rnd):
    kw = {"quality": rnd.randint(50, 90)}
    if rnd.random() < 0.6:
        kw["dpi"] = (72, 72)
    img.save(base + ".jpg", **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=sorted(SPLITS))
    ap.add_argument("--pages", default="/work/shared/corpus/pages")
    ap.add_argument("--count", type=int, default=2, help="photos per source page")
    ap.add_argument("--gks", type=int, default=3, help="birth certificates with a red title")
    ap.add_argument("--gks-test", metavar="OUT_PNG")
    ap.add_argument("--one", nargs=2, metavar=("PAGE", "OUT_JPG"))
    ap.add_argument("--card", metavar="OUT_JPG")
    ap.add_argument("--cards", type=int, default=0, help="CCCD cards per split (wide splits)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("out", nargs="?")
    a = ap.parse_args()
    if a.gks_test:
        # the unit test's page: top 235 mm of a birth certificate at 300 dpi, 32 colours
        img, text = gks_page(random.Random(5), "DejaVuSerif", 300, 235)
        img = img.quantize(32).convert("RGB").quantize(32)
        img.save(a.gks_test, dpi=(300, 300), optimize=True)
        with open(os.path.splitext(a.gks_test)[0] + ".gt.txt", "w", encoding="utf-8") as f:
            f.write(text)
        return 0
    if a.card:
        cfg = dict(SPLITS[a.split or "wide-tune"], card=True, rot=12)
        rnd = random.Random(a.seed + cfg["seed"])
        card, truth = cccd_card(rnd, cfg["font"])
        img, corners = photo_wide(card, rnd, cfg)
        base = os.path.splitext(a.card)[0]
        save_wide(img, base, rnd)
        with open(base + ".json", "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1)
        with open(base + ".gt.txt", "w", encoding="utf-8") as f:
            f.write(truth["text"] + "\n")
        with open(base + ".corners", "w") as f:
            f.write(" ".join("%.1f %.1f" % c for c in corners) + "\n")
        return 0
    if a.one:
        rnd = random.Random(a.seed)
        cfg = SPLITS[a.split or "tune"]
        if cfg.get("wide"):
            img, corners = photo_wide(Image.open(a.one[0]), rnd, cfg)
            save_wide(img, os.path.splitext(a.one[1])[0], rnd)
        else:
            img, corners = photo(Image.open(a.one[0]), rnd, cfg)
            img.save(a.one[1], quality=rnd.randint(70, 85), dpi=(72, 72))
        with open(os.path.splitext(a.one[1])[0] + ".corners", "w") as f:
            f.write(" ".join("%.1f %.1f" % c for c in corners) + "\n")
        return 0
    if not a.split or not a.out:
        ap.error("--split and OUT_DIR are needed")
    cfg = SPLITS[a.split]
    rnd = random.Random(cfg["seed"])
    os.makedirs(a.out, exist_ok=True)
    sources = []
    for n in cfg["pages"]:
        img = Image.open(os.path.join(a.pages, n + ".png"))
        with open(os.path.join(a.pages, n + ".gt.txt"), encoding="utf-8") as f:
            sources.append((n, img, f.read()))
    for k in range(a.gks):
        img, text = gks_page(rnd, cfg["font"])
        sources.append(("gks%d" % (k + 1), img, text))
    for k in range(a.cards):
        img, truth = cccd_card(rnd, cfg["font"])
        sources.append(("card%d" % (k + 1), img, truth["text"] + "\n"))
    for name, page, text in sources:
        for k in range(a.count if not name.startswith(("gks", "card")) else 1):
            base = os.path.join(a.out, "%s-%s-photo%d" % (a.split, name, k + 1))
            if cfg.get("wide"):
                img, corners = photo_wide(page, rnd, dict(cfg, card=name.startswith("card")))
                save_wide(img, base, rnd)
            else:
                img, corners = photo(page, rnd, cfg)
                kw = {"quality": rnd.randint(70, 85)}
                if rnd.random() < 0.7:
                    kw["dpi"] = (72, 72)
                img.save(base + ".jpg", **kw)
            with open(base + ".gt.txt", "w", encoding="utf-8") as f:
                f.write(text)
            with open(base + ".corners", "w") as f:
                f.write(" ".join("%.1f %.1f" % c for c in corners) + "\n")
            print(base + ".jpg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
