#!/usr/bin/python3
"""Integrator's own held-out phone photos of corpus papers (issue 23), made
independently of bench/ocr/mkphoto.py: red printed titles (found with the
tesseract CLI), red seals over the signature, perspective onto procedural
desks, frame sizes of phones, light gradient + shadow + colour cast, blur,
noise, JPEG, 72 dpi tag or none; ID cards filling much of the frame.

  bench/ocr/mkphoto_indep.py SEED OUT_DIR [N_PER_PAPER]   # writes OUT_DIR/photos, truth, made.tsv

Written by the integrator of session 8 without reading mkphoto.py or the helpers' tuning, so that
the whole pipeline is measured on photos nobody tuned on (docs/PAPERS.md "Issue 23: all together").
Needs python3-pil, python3-numpy and the tesseract CLI (to find the title and signer lines).
"""
import json, math, os, random, subprocess, sys
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

CORPUS = "/work/shared/corpus/papers"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
TITLES = {"giay-khai-sinh": ["GIẤY", "KHAI", "SINH"], "quyet-dinh": ["QUYẾT", "ĐỊNH"],
          "ke-hoach": ["KẾ", "HOẠCH"], "dang-ky-doanh-nghiep": ["GIẤY", "CHỨNG", "NHẬN"]}
SIGNERS = ["TM.", "KT.", "CHỦ", "GIÁM", "TỊCH", "ĐỐC", "TRƯỞNG"]


def words(path):
    out = subprocess.run(["tesseract", path, "-", "-l", "vie", "--psm", "3", "tsv"],
                         capture_output=True, text=True).stdout
    res = []
    for line in out.splitlines()[1:]:
        f = line.split("\t")
        if len(f) == 12 and f[11].strip() and float(f[10]) > 0:
            res.append((int(f[6]), int(f[7]), int(f[8]), int(f[9]), f[11].strip(),
                        (int(f[2]), int(f[3]), int(f[4]))))
    return res


def redden_title(img, ws, kind, rng):
    want = TITLES.get(kind)
    if not want:
        return
    a = np.asarray(img).astype(np.float32)
    h = a.shape[0]
    for i in range(len(ws) - len(want) + 1):
        if [w[4].upper() for w in ws[i:i + len(want)]] == want and ws[i][1] < h * 0.45:
            x0 = min(w[0] for w in ws[i:i + len(want)]) - 6
            y0 = min(w[1] for w in ws[i:i + len(want)]) - 6
            x1 = max(w[0] + w[2] for w in ws[i:i + len(want)]) + 6
            y1 = max(w[1] + w[3] for w in ws[i:i + len(want)]) + 6
            red = rng.choice([(200, 25, 30), (170, 20, 25), (225, 50, 40), (190, 30, 70)])
            reg = a[y0:y1, x0:x1]
            ink = 1.0 - reg.mean(axis=2, keepdims=True) / 255.0  # 1 = black
            col = np.array(red, np.float32)
            reg[:] = 255 - ink * (255 - col)
            break
    img.paste(Image.fromarray(a.clip(0, 255).astype(np.uint8)))


def seal(img, ws, dpi, rng):
    w, h = img.size
    sig = [x for x in ws if x[4].upper() in SIGNERS and x[1] > h * 0.4]
    if not sig:
        return
    cx = int(np.mean([x[0] + x[2] / 2 for x in sig]) - rng.uniform(0.03, 0.12) * w)
    cy = int(max(x[1] for x in sig) + rng.uniform(0.2, 1.5) * dpi / 2.54)
    r = int(rng.uniform(15, 20) / 25.4 * dpi)
    layer = Image.new("L", (2 * r + 4, 2 * r + 4), 0)
    d = ImageDraw.Draw(layer)
    lw = max(2, int(0.9 / 25.4 * dpi))
    d.ellipse([2, 2, 2 * r + 2, 2 * r + 2], outline=255, width=lw)
    d.ellipse([2 + int(r * 0.28), 2 + int(r * 0.28), 2 + int(r * 1.72), 2 + int(r * 1.72)],
              outline=255, width=max(1, lw // 2))
    f = ImageFont.truetype(FONT, max(8, int(r * 0.16)))
    text = "ỦY BAN NHÂN DÂN XÃ AN BÌNH * HUYỆN KIM THÀNH *"
    for k, ch in enumerate(text):
        ang = -math.pi / 2 + 2 * math.pi * k / len(text)
        tx, ty = r + 2 + 0.8 * r * math.cos(ang), r + 2 + 0.8 * r * math.sin(ang)
        g = Image.new("L", (int(r * 0.3), int(r * 0.3)), 0)
        ImageDraw.Draw(g).text((2, 0), ch, fill=255, font=f)
        g = g.rotate(-math.degrees(ang) - 90, expand=True)
        layer.paste(255, (int(tx - g.size[0] / 2), int(ty - g.size[1] / 2)), g)
    # star
    pts = [(r + 2 + r * 0.22 * (1 if k % 2 == 0 else 0.4) * math.cos(-math.pi / 2 + k * math.pi / 5),
            r + 2 + r * 0.22 * (1 if k % 2 == 0 else 0.4) * math.sin(-math.pi / 2 + k * math.pi / 5))
           for k in range(10)]
    d.polygon(pts, fill=255)
    alpha = rng.uniform(0.55, 0.85)
    m = np.asarray(layer).astype(np.float32) / 255 * alpha
    a = np.asarray(img).astype(np.float32)
    col = np.array(rng.choice([(210, 30, 40), (190, 25, 45), (230, 60, 60)]), np.float32) / 255
    x0, y0 = cx - r - 2, cy - r - 2
    xs0, ys0 = max(0, x0), max(0, y0)
    xs1, ys1 = min(w, x0 + layer.size[0]), min(h, y0 + layer.size[1])
    sub = m[ys0 - y0:ys1 - y0, xs0 - x0:xs1 - x0, None]
    a[ys0:ys1, xs0:xs1] *= (1 - sub) + sub * col
    img.paste(Image.fromarray(a.clip(0, 255).astype(np.uint8)))


def desk(W, H, rng):
    kind = rng.choice(["lightwood", "grey", "darkwood", "white", "cloth", "green"])
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    base = {"lightwood": (196, 160, 120), "grey": (135, 135, 140), "darkwood": (95, 60, 40),
            "white": (222, 220, 215), "cloth": (60, 70, 110), "green": (50, 95, 70)}[kind]
    a = np.empty((H, W, 3), np.float32)
    a[:] = base
    if "wood" in kind:
        s = np.sin(y / rng.uniform(9, 25) + 3 * np.sin(x / rng.uniform(150, 400))) * 12
        a += s[..., None]
    if kind == "cloth":
        s = ((x // 40 + y // 40) % 2) * 25
        a += s[..., None]
    a += np.random.default_rng(rng.randrange(1 << 30)).normal(0, 6, (H, W, 1))
    return a, kind


def homography(src, dst):
    A, b = [], []
    for (x, y), (u, v) in zip(src, dst):
        A.append([x, y, 1, 0, 0, 0, -u * x, -u * y]); b.append(u)
        A.append([0, 0, 0, x, y, 1, -v * x, -v * y]); b.append(v)
    h = np.linalg.solve(np.array(A, float), np.array(b, float))
    return np.append(h, 1).reshape(3, 3)


def photo(src_img, card, rng, nprng):
    sw, sh = src_img.size
    portrait = sh > sw
    frames = [(3024, 4032), (2448, 3264), (1920, 2560), (1080, 1920), (1200, 1600)]
    fw, fh = rng.choice(frames)
    if not portrait:
        fw, fh = fh, fw
    if card:
        fill = rng.uniform(0.5, 0.85)
    else:
        fill = rng.uniform(0.55, 0.92)
    scale = min(fw * fill / sw, fh * fill / sh)
    pw, ph = sw * scale, sh * scale
    cx, cy = fw / 2 + rng.uniform(-0.05, 0.05) * fw, fh / 2 + rng.uniform(-0.05, 0.05) * fh
    ang = math.radians(rng.uniform(-8, 8))
    pts = []
    for (dx, dy) in [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)]:
        x, y = dx * pw, dy * ph
        j = 0.07 * pw
        x += rng.uniform(-j, j); y += rng.uniform(-j, j)
        pts.append((cx + x * math.cos(ang) - y * math.sin(ang), cy + x * math.sin(ang) + y * math.cos(ang)))
    # tilt: shrink the top edge (keystone)
    t = rng.uniform(0, 0.12)
    mx = (pts[0][0] + pts[1][0]) / 2
    pts[0] = (mx + (pts[0][0] - mx) * (1 - t), pts[0][1] + t * ph * 0.3)
    pts[1] = (mx + (pts[1][0] - mx) * (1 - t), pts[1][1] + t * ph * 0.3)
    Hm = homography(pts, [(0, 0), (sw - 1, 0), (sw - 1, sh - 1), (0, sh - 1)])
    bg, kind = desk(fw, fh, rng)
    out = bg
    src = np.asarray(src_img.convert("RGB")).astype(np.float32)
    tint = np.array([rng.uniform(0.96, 1.0), rng.uniform(0.95, 1.0), rng.uniform(0.88, 0.98)], np.float32)
    src = src * tint
    # map rows in chunks
    step = 256
    mask_full = np.zeros((fh, fw), bool)
    if card:
        rr = 0.06 * min(sw, sh)
    for y0 in range(0, fh, step):
        ys, xs = np.mgrid[y0:min(fh, y0 + step), 0:fw].astype(np.float64)
        den = Hm[2, 0] * xs + Hm[2, 1] * ys + Hm[2, 2]
        u = (Hm[0, 0] * xs + Hm[0, 1] * ys + Hm[0, 2]) / den
        v = (Hm[1, 0] * xs + Hm[1, 1] * ys + Hm[1, 2]) / den
        ok = (u >= 0) & (u < sw - 1) & (v >= 0) & (v < sh - 1)
        if card:
            cu = np.clip(u, rr, sw - 1 - rr); cv = np.clip(v, rr, sh - 1 - rr)
            ok &= (u - cu) ** 2 + (v - cv) ** 2 <= rr * rr
        u0 = np.floor(np.where(ok, u, 0)).astype(int); v0 = np.floor(np.where(ok, v, 0)).astype(int)
        fu = (np.where(ok, u, 0) - u0)[..., None]; fv = (np.where(ok, v, 0) - v0)[..., None]
        p = (src[v0, u0] * (1 - fu) * (1 - fv) + src[v0, u0 + 1] * fu * (1 - fv)
             + src[v0 + 1, u0] * (1 - fu) * fv + src[v0 + 1, u0 + 1] * fu * fv)
        blk = out[y0:y0 + p.shape[0]]
        blk[ok] = p[ok]
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    light = 0.9 + 0.12 * (gx * (xx / fw - 0.5) + gy * (yy / fh - 0.5)) * 2
    light *= 1 - 0.25 * (((xx / fw - 0.5) ** 2 + (yy / fh - 0.5) ** 2) * 2)
    if rng.random() < 0.6:  # a soft shadow (hand, phone)
        sx, sy = rng.uniform(0, fw), rng.uniform(0, fh)
        sr = rng.uniform(0.15, 0.35) * fw
        d2 = ((xx - sx) ** 2 + (yy - sy) ** 2) / (sr * sr)
        light *= 1 - rng.uniform(0.15, 0.3) * np.exp(-d2)
    cast = rng.choice([(1, 1, 1), (1.0, 0.94, 0.82), (0.92, 0.97, 1.0)])
    out = out * light[..., None] * np.array(cast, np.float32)
    out += nprng.normal(0, rng.uniform(2, 5), out.shape)
    im = Image.fromarray(out.clip(0, 255).astype(np.uint8))
    im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.3)))
    return im, kind


def main():
    seed, outdir = int(sys.argv[1]), sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    os.makedirs(outdir + "/photos", exist_ok=True)
    os.makedirs(outdir + "/truth", exist_ok=True)
    log = open(outdir + "/made.tsv", "a")
    for f in sorted(os.listdir(CORPUS)):
        if not f.endswith((".png", ".jpg", ".tif")):
            continue
        b = f.rsplit(".", 1)[0]
        truth = json.load(open(f"{CORPUS}/{b}.json"))
        kind = truth["kind"]
        card = "can-cuoc" in b
        for k in range(n):
            img = Image.open(f"{CORPUS}/{f}").convert("RGB")
            dpi = int(round((Image.open(f"{CORPUS}/{f}").info.get("dpi") or (300, 300))[0]))
            red = seal_on = False
            if not card:
                ws = words(f"{CORPUS}/{f}")
                if kind == "giay-khai-sinh" or rng.random() < 0.5:
                    redden_title(img, ws, kind, rng); red = True
                if rng.random() < 0.8:
                    seal(img, ws, dpi, rng); seal_on = True
            im, dk = photo(img, card, rng, nprng)
            name = f"{b}-e{seed}-{k}"
            q = rng.randint(60, 88)
            kw = {"quality": q}
            if rng.random() < 0.7:
                kw["dpi"] = (72, 72)
            im.save(f"{outdir}/photos/{name}.jpg", **kw)
            json.dump(truth, open(f"{outdir}/truth/{name}.json", "w"), ensure_ascii=False)
            log.write(f"{name}\t{im.size[0]}x{im.size[1]}\t{dk}\tq{q}\tred={red}\tseal={seal_on}\n")
            log.flush()


main()
