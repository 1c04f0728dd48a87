#!/usr/bin/env python3
"""Check a cosigned checkpoint note as C2SP describes it, without sohoa's code:
signed-note key ids, the log's Ed25519 note signature (type 0x01) and a
cosignature/v1 (type 0x04) over "cosignature/v1\\ntime T\\n" + body, with only
hashlib, base64 and the cryptography package.
usage: c2sp_check.py NOTE_FILE LOG_VKEY WITNESS_VKEY"""
import base64, hashlib, struct, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

note = open(sys.argv[1], "rb").read()
body, sep, sigs = note.partition(b"\n\n")
assert sep, "no empty line"
body += b"\n"
origin, size, root = body.split(b"\n")[:3]
assert int(size) >= 0 and len(base64.b64decode(root, validate=True)) == 32


def vkey(s):
    name, kid, key = s.split("+", 2)
    raw = base64.b64decode(key, validate=True)
    typ, pub = raw[0], raw[1:]
    want = hashlib.sha256(name.encode() + b"\n" + bytes([typ]) + pub).digest()[:4]
    assert want.hex() == kid, "key id of %s" % name
    return name, want, typ, Ed25519PublicKey.from_public_bytes(pub)


lines = [l for l in sigs.decode().split("\n") if l]
found = set()
for k in (vkey(sys.argv[2]), vkey(sys.argv[3])):
    name, kid, typ, pub = k
    for l in lines:
        dash, n, b64 = l.split(" ")
        assert dash == "\u2014"
        raw = base64.b64decode(b64, validate=True)
        if n != name or raw[:4] != kid:
            continue
        if typ == 1:
            pub.verify(raw[4:], body)
        else:
            (t,) = struct.unpack(">Q", raw[4:12])
            assert t > 0
            pub.verify(raw[12:], b"cosignature/v1\ntime %d\n" % t + body)
        found.add(typ)
assert found == {1, 4}, "signatures found: %s" % found
assert origin.decode() == sys.argv[2].split("+")[0]
print("ok: %s, %s entries, log signature and cosignature verify" % (origin.decode(), size.decode()))
