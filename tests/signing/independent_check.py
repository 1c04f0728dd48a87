#!/usr/bin/env python3
"""Check the example files in tests/data/signing/fuzz/ with code that shares
nothing with signing/: Python's hashlib (SHA-256, scrypt) and the
'cryptography' package (Ed25519, AES-256-GCM), following docs/SIGNING.md
only. Exit 0 when every check holds; 77 (skip) without 'cryptography'."""
import hashlib, os, sys

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey, Ed25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives import serialization
except ImportError:
    print("python3 'cryptography' not installed: skipped")
    sys.exit(77)

d = sys.argv[1]
def read(n):
    with open(os.path.join(d, n), "rb") as f:
        return f.read()

def fields(doc):
    out = {}
    for line in doc.decode("utf-8").split("\n")[1:-1]:
        k, v = line.split(": ", 1)
        out[k] = v
    return out

def split_signed(doc):
    body, last = doc[:-(len("signature: ") + 128 + 1)], doc[-(len("signature: ") + 128 + 1):]
    assert last.startswith(b"signature: ") and last.endswith(b"\n")
    return body, bytes.fromhex(last[11:-1].decode())

pubf = read("pubkey.txt")
p = fields(pubf)
pub = bytes.fromhex(p["public"])
assert hashlib.sha256(pub).hexdigest() == p["key"], "key id is SHA-256 of the public key"
key = Ed25519PublicKey.from_public_bytes(pub)
body, sig = split_signed(pubf)
key.verify(sig, body)  # raises on failure

for name in ("manifest.txt", "checkpoint.txt"):
    doc = read(name)
    body, sig = split_signed(doc)
    assert fields(body + b"x: y\n")["key"] == p["key"]
    key.verify(sig, body)

man = read("manifest.txt")
leaf = hashlib.sha256(b"\x00" + man).hexdigest()
cp = fields(split_signed(read("checkpoint.txt"))[0])
assert cp["size"] == "1" and cp["root"] == leaf, "a one-entry log's root is its leaf hash"

s = fields(read("seckey.txt"))
n, r, pp = int(s["kdf-n"]), int(s["kdf-r"]), int(s["kdf-p"])
k = hashlib.scrypt(b"example", salt=bytes.fromhex(s["salt"]), n=n, r=r, p=pp, dklen=32,
                   maxmem=256 * 1024 * 1024)
raw = read("seckey.txt")
aad = raw[:raw.index(b"sealed: ")]
seed = AESGCM(k).decrypt(bytes.fromhex(s["nonce"]), bytes.fromhex(s["sealed"]), aad)
priv = Ed25519PrivateKey.from_private_bytes(seed)
assert priv.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw) == pub
print("independent check: key id, 3 signatures, leaf/root and the sealed private key all agree")
