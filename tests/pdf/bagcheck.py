#!/usr/bin/env python3
"""bagcheck.py BAG: the checks bagit-python's Bag.validate() makes (RFC 8493),
written out here because bagit-python is not packaged in Debian 12: required
tag files, BagIt-Version, no unsafe paths, Payload-Oxum, every payload file
in the manifest and every manifest entry present (both ways), every SHA-256,
the tag manifest. Prints the first problem and exits 1; exit 0 when valid."""
import hashlib, os, sys

bag = sys.argv[1]
def die(msg):
    print("invalid bag: " + msg)
    sys.exit(1)
def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()
def unquote(p):
    return p.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
def manifest(name):
    entries = {}
    for line in open(os.path.join(bag, name), encoding="utf-8").read().splitlines():
        h, sep, p = line.partition("  ")
        if not sep or len(h) != 64:
            die(f"{name}: malformed line {line!r}")
        p = unquote(p)
        if p.startswith("/") or ".." in p.split("/") or "\\" in p:
            die(f"{name}: unsafe path {p!r}")
        if p in entries:
            die(f"{name}: {p} twice")
        entries[p] = h
    return entries

for req in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "data"):
    if not os.path.exists(os.path.join(bag, req)):
        die("missing " + req)
decl = open(os.path.join(bag, "bagit.txt"), encoding="utf-8").read().splitlines()
if decl != ["BagIt-Version: 1.0", "Tag-File-Character-Encoding: UTF-8"]:
    die("bagit.txt: " + repr(decl))
info = dict(l.split(": ", 1) for l in open(os.path.join(bag, "bag-info.txt"), encoding="utf-8").read().splitlines())
files = []
for root, dirs, names in os.walk(os.path.join(bag, "data")):
    for n in names:
        files.append(os.path.relpath(os.path.join(root, n), bag))
m = manifest("manifest-sha256.txt")
if set(m) != set(files):
    die("payload and manifest differ: " + repr(sorted(set(m) ^ set(files))[:3]))
for p, h in m.items():
    if sha(os.path.join(bag, p)) != h:
        die("checksum of " + p)
size = sum(os.path.getsize(os.path.join(bag, p)) for p in files)
if info.get("Payload-Oxum") != f"{size}.{len(files)}":
    die(f"Payload-Oxum {info.get('Payload-Oxum')} but {size}.{len(files)}")
t = manifest("tagmanifest-sha256.txt")
for p, h in t.items():
    if p.startswith("data/") or sha(os.path.join(bag, p)) != h:
        die("tag checksum of " + p)
for req in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt"):
    if req not in t:
        die("tag manifest lacks " + req)
print(f"valid bag: {len(files)} files, {size} bytes")
