#!/usr/bin/env python3
"""Attacks by an insider who holds the warehouse file (issue 16).

Each attack edits a real warehouse through LMDB itself (python3-lmdb), the
way an IT admin with the file could, and expects `sohoa verify --all` (and
where it says so `sohoa check`, `export-tiff`, or the permission checks) to
fail naming the paper or the table. `attacks.py GROUP` runs one group:
papers, operators, upgrade. Environment (set by CTest): SOHOA, DATA, TMPROOT.
"""
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import lmdb

SOHOA = os.environ["SOHOA"]
DATA = os.environ["DATA"]
P = os.path.join(DATA, "papers")
AG = "000.00.99.Z99"
A = "001184362297"  # owner of the ID card and the birth certificate
B = "033317490435"  # another person
fails = 0
T = tempfile.mkdtemp(prefix="sohoa-tamper-", dir=os.environ.get("TMPROOT"))
STORE = os.path.join(T, "store")
ENV = dict(os.environ, SOHOA_STORE=STORE, TZ="Asia/Ho_Chi_Minh", LC_ALL="C.UTF-8",
           SOHOA_KEY=os.path.join(T, "keys", "desk.key"),
           SOHOA_PASSPHRASE_FILE=os.path.join(T, "pass"),
           XDG_CONFIG_HOME=os.path.join(T, "config"))
ENV.pop("SOHOA_USER", None)
with open(os.path.join(T, "pass"), "w") as f:
    f.write("mật khẩu thử nghiệm\n")


def fail(msg):
    global fails
    fails += 1
    print("FAIL:", msg, file=sys.stderr)


def run(args, user=None, want=0, what=None):
    env = dict(ENV)
    if user:
        env["SOHOA_USER"] = user
    r = subprocess.run([SOHOA] + args, env=env, capture_output=True, text=True)
    if want is not None and r.returncode != want:
        fail("%s: 'sohoa %s' exited %d, expected %d\n  out: %s\n  err: %s" % (
            what or "", " ".join(args), r.returncode, want, r.stdout[-2000:], r.stderr[-2000:]))
    return r


def env_open():
    return lmdb.open(STORE, max_dbs=32, map_size=1 << 30, subdir=True, lock=True)


# ---- records (docs/FORMATS.md) -------------------------------------------------

def varint(b, i):
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if not c & 0x80:
            return v, i


def enc_varint(v):
    out = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        out.append(c | (0x80 if v else 0))
        if not v:
            return bytes(out)


def fields(rec):
    out, i = [], 4
    while i < len(rec):
        tag, i = varint(rec, i)
        n, i = varint(rec, i)
        out.append((tag, rec[i:i + n]))
        i += n
    return out


def build(head, flds):
    return head + b"".join(enc_varint(t) + enc_varint(len(v)) + v for t, v in flds)


def rewrite(table, key, fn):
    """fn(fields) -> fields; the record rewritten."""
    with env_open() as env:
        db = env.open_db(table.encode())
        with env.begin(write=True, db=db) as txn:
            rec = txn.get(key.encode())
            txn.put(key.encode(), build(rec[:4], fn(fields(rec))))


def get(table, key, dup=False):
    with env_open() as env:
        db = env.open_db(table.encode(), dupsort=dup)
        with env.begin(db=db) as txn:
            if not dup:
                return txn.get(key)
            c = txn.cursor()
            return list(c.iternext_dup()) if c.set_key(key) else []


def put(table, key, val, dup=False):
    with env_open() as env:
        db = env.open_db(table.encode(), dupsort=dup)
        with env.begin(write=True, db=db) as txn:
            txn.put(key, val)


def delete(table, key, val=None, dup=False):
    with env_open() as env:
        db = env.open_db(table.encode(), dupsort=dup)
        with env.begin(write=True, db=db) as txn:
            return txn.delete(key, val) if val is not None else txn.delete(key)


def keys(table):
    with env_open() as env:
        db = env.open_db(table.encode())
        with env.begin(db=db) as txn:
            return [k for k, _ in txn.cursor()]


# ---- the warehouse ---------------------------------------------------------------

def setup():
    run(["init", "--agency", AG])
    run(["keys", "new", "--signer", "Nguyễn Thị Bình", "--title", "Công chức Bộ phận Một cửa"])
    run(["user", "add", "quan", "--role", "admin"])
    with open(os.path.join(T, "pw"), "w") as f:
        f.write("mật khẩu của an 2026\n")
    run(["user", "add", "an", "--role", "desk", "--password-file", os.path.join(T, "pw")],
        user="quan")
    for name, role in (("binh", "clerk"), ("lan", "archivist")):
        run(["user", "add", name, "--role", role], user="quan")
    r = run(["ingest", "--json", "--owner", A, "--procedure", "1.001193",
             os.path.join(P, "dev04-can-cuoc-color300.jpg"),
             os.path.join(P, "dev03-giay-khai-sinh-office200.jpg")], user="an")
    d1 = json.loads(r.stdout)["dossier"]
    r = run(["ingest", "--json", "--owner", B, "--procedure", "1.000656",
             os.path.join(P, "dev01-quyet-dinh-clean300.png")], user="an")
    d2 = json.loads(r.stdout)
    run(["validity", d1 + "-01-CCCD", "--until", "2099-12-31"], user="binh")  # reusable
    run(["owner", A], user="binh")  # an audited read
    run(["revoke", d1 + "-02-GKS", "--reason", "Quyết định 12/QĐ-UBND thu hồi"], user="binh")
    run(["verify", "--all"], user="lan", what="clean warehouse")
    run(["check"], user="lan", what="clean warehouse")
    shutil.copytree(STORE, os.path.join(T, "clean"))
    return d1, d2["dossier"], d2["components"][0]["code"]


def restore():
    shutil.rmtree(STORE)
    shutil.copytree(os.path.join(T, "clean"), STORE)


def caught(what, names, check=True):
    """verify --all (and check) must fail, their output naming every string of names."""
    r = run(["verify", "--all"], user="lan", want=6, what=what)
    for n in names:
        if n not in r.stdout:
            fail("%s: verify --all does not name '%s':\n%s" % (what, n, r.stdout))
    if check:
        r = run(["check"], user="lan", want=None)
        if r.returncode == 0:
            fail("%s: check passes" % what)
    restore()


def owner_entries(owner, code):
    return [v for v in get("owner", owner.encode(), dup=True) if v.startswith(code.encode() + b"\0")]


def papers_group():
    d1, d2, c2 = setup()
    cccd, gks = d1 + "-01-CCCD", d1 + "-02-GKS"

    # 1. a paper deleted with its record, its index entries, its signature
    # index entries and its dossier's list entry
    rec = get("paper", c2.encode())
    pid = dict(fields(rec))[10]
    delete("paper", c2.encode())
    delete("pid", struct.pack(">I", varint(pid, 0)[0]))
    for v in owner_entries(B, c2):
        delete("owner", B.encode(), v, dup=True)
    delete("sig", c2.encode(), dup=True)
    rewrite("dossier", d2, lambda f: [(t, v) for t, v in f if not (t == 7 and v == c2.encode())])
    caught("deleted paper", [c2, "missing from the warehouse (deleted)"])

    # 2. A's paper filed under B: attach would reuse it in B's dossier
    for v in owner_entries(A, cccd):
        put("owner", B.encode(), v, dup=True)
    r = run(["attach", d2, cccd], user="binh", want=None)
    if r.returncode == 0 or "belongs to" not in r.stderr:
        fail("attach reused A's paper filed under B in B's dossier: %s" % r.stderr)
    caught("owner index entry under another owner", [cccd, "filed under '%s'" % B])

    # 3. a dossier record's owner changed: B's dossier said to be A's
    rewrite("dossier", d2, lambda f: [(t, A.encode() if t == 3 else v) for t, v in f])
    r = run(["attach", d2, cccd], user="binh", want=None)
    if r.returncode == 0 or "belongs to" not in r.stderr:
        fail("attach reused A's paper in B's dossier said to be A's: %s" % r.stderr)
    caught("dossier owner", ["dossier %s: owner %s" % (d2, A)])

    # 4. the validity date of an owner-index summary: an expired ID card offered as valid
    for v in owner_entries(A, cccd):
        assert b"2024-01-26" in v, v
        delete("owner", A.encode(), v, dup=True)
        put("owner", A.encode(), v.replace(b"2024-01-26", b"2099-01-26"), dup=True)
    caught("summary validity", [cccd, "summary"])

    # 5. two papers' page blobs swapped: verify names both, export-tiff refuses
    sha = [dict(fields(dict(fields(get("paper", c.encode())))[9]))[1] for c in (cccd, gks)]
    a, b = get("blob", sha[0]), get("blob", sha[1])
    put("blob", sha[0], b)
    put("blob", sha[1], a)
    r = run(["export-tiff", cccd, os.path.join(T, "x.tif")], user="lan", want=None)
    if r.returncode == 0 or cccd not in r.stderr:
        fail("export-tiff of a swapped page: exit %d, %s" % (r.returncode, r.stderr))
    r = run(["export-pdf", cccd, os.path.join(T, "x.pdf")], user="an", want=None)
    if r.returncode == 0:
        fail("export-pdf of a swapped page succeeded")
    caught("swapped page blobs", [cccd, gks, "image bytes do not match"])

    # 6. the revocation hidden: its state and its signature index entry gone
    delete("state", gks.encode())
    idx = get("sig", gks.encode(), dup=True)
    delete("sig", gks.encode(), idx[-1], dup=True)
    r = run(["reuse", "--owner", A, "--procedure", "1.000656", "--json"], user="binh")
    caught("hidden revocation", [gks, "missing from the signature index"], check=False)

    # 7. a state record alone deleted: check and verify both see it
    delete("state", gks.encode())
    caught("deleted state", [gks, "revoked in the signed log but not in its state"])

    # 8. the day's sequence rolled back: the next code would be issued again
    for k in keys("seq"):
        if k.startswith(b"D|"):
            put("seq", k, b"\0\0\0\0")
    caught("sequence rollback", ["sequence of day"])

    # 9. an attachment without a signed reuse
    put("attach", d2.encode(), cccd.encode(), dup=True)
    put("attached", cccd.encode(), d2.encode(), dup=True)
    caught("forged attachment", [cccd, "without a signed reuse"])

    # 10. the log rolled back to before the second dossier, its paper kept:
    # a paper whose manifest is not in the log
    old = os.path.join(T, "old")
    shutil.rmtree(STORE)
    shutil.copytree(os.path.join(T, "clean"), STORE)
    with env_open() as env:
        sizes = []
        db = env.open_db(b"checkpoint")
        with env.begin(db=db) as txn:
            sizes = [struct.unpack(">Q", k)[0] for k, _ in txn.cursor()]
        keep = sizes[0]  # the first dossier's checkpoint
        with env.begin(write=True) as txn:
            for name in ("log", "checkpoint"):
                db = env.open_db(name.encode(), txn=txn)
                for k in [k for k, _ in txn.cursor(db)]:
                    if struct.unpack(">Q", k)[0] >= keep + (name == "checkpoint"):
                        txn.delete(k, db=db)
            db = env.open_db(b"lognode", txn=txn)
            for k in [k for k, _ in txn.cursor(db)]:
                if k[0] == 0 and struct.unpack(">Q", k[1:])[0] >= keep:
                    txn.delete(k, db=db)
    caught("log rolled back under a kept paper", [c2, "log entry"])

    # 11. a paper record moved into another dossier
    rewrite("paper", cccd, lambda f: [(t, d2.encode() if t == 2 else v) for t, v in f])
    caught("paper moved to another dossier", [cccd, "filed in dossier %s" % d2])

    # 12. the owner index entry of a paper deleted (the paper hidden from its owner)
    for v in owner_entries(A, cccd):
        delete("owner", A.encode(), v, dup=True)
    caught("owner index entry deleted", [cccd, "not in the owner index"])

    # 13. the record's facts and the summary changed together (a consistent
    # lie for check): `owner` no longer labels the paper "signed"
    rewrite("paper", cccd, lambda f: [(t, v.replace(b"2024-01-26", b"2099-01-26") if t == 6 else v)
                                      for t, v in f])
    for v in owner_entries(A, cccd):
        delete("owner", A.encode(), v, dup=True)
        put("owner", A.encode(), v.replace(b"2024-01-26", b"2099-01-26"), dup=True)
    r = run(["owner", A, "--json"], user="binh")
    sig = {x["code"]: x["signature"] for x in json.loads(r.stdout)["papers"]}
    if sig.get(cccd) != "unsigned" and sig.get(cccd) != "UNSIGNED":
        fail("owner labels altered facts as %r" % sig.get(cccd))
    caught("facts and summary altered together", [cccd, "facts differ from the signed facts"],
           check=False)

    run(["verify", "--all"], user="lan", what="restored warehouse")


def operators_group():
    setup()

    # 1. a desk operator made admin in the user table
    put("user", b"an", b"admin")
    caught("desk made admin", ["operator an: role 'admin'"])

    # 2. every operator deleted: nothing is allowed, and verify names them
    for k in keys("user"):
        delete("user", k)
    r = run(["owner", A], user="an", want=None)
    if r.returncode == 0:
        fail("an emptied operator table allowed a read")
    r = run(["owner", A], want=None)
    if r.returncode == 0:
        fail("an emptied operator table allowed a read without an operator")
    caught("all operators deleted", ["operator quan (admin)", "missing from the operator table"])

    # 3. ... and the mark that they existed: the last seal in the signed log
    # still says there were operators; verify still names them
    for k in keys("user"):
        delete("user", k)
    delete("meta", b"users")
    r = run(["owner", A], user="an", want=None)
    if r.returncode == 0:
        fail("operators and their mark deleted: a read was allowed")
    r = run(["user", "add", "mallory", "--role", "admin"], want=None)
    if r.returncode == 0:
        fail("operators and their mark deleted: anyone could add an admin")
    caught("operators and their mark deleted", ["operator an (desk)", "mark"])

    # 4. an operator added in the table only
    put("user", b"mallory", b"admin")
    caught("operator added in the table", ["operator mallory", "never added"])

    # 4b. a password hash replaced, a disabled operator enabled again
    cred = get("meta", b"cred|an")
    put("meta", b"cred|an", cred[:2] + b"$argon2id$v=19$m=65536,t=3,p=1$forged$forged")
    caught("password replaced", ["operator an: the password differs"])
    run(["user", "disable", "binh"], user="quan")
    put("meta", b"cred|binh", b"0" + get("meta", b"cred|binh")[1:])
    r = run(["verify", "--all"], user="lan", want=6, what="operator enabled again")
    if "operator binh: enabled in the credentials, disabled" not in r.stdout:
        fail("operator enabled again: not named: %s" % r.stdout)
    restore()

    # 5. audit rows deleted
    rows = keys("audit")
    delete("audit", rows[-1])
    caught("last sealed audit row deleted", ["audit", "rows deleted"])
    delete("audit", rows[0])
    caught("first audit row deleted", ["audit", "sealed"])

    # 6. an audit row's operator rewritten
    for k in keys("audit"):
        v = get("audit", k)
        if b"binh" in v:
            put("audit", k, v.replace(b"binh", b"quan"))
            break
    else:
        fail("no audit row of binh")
    caught("audit row rewritten", ["audit", "differ from what log entry"])

    # 7. the whole audit trail deleted (and the cached chain head)
    for k in keys("audit"):
        delete("audit", k)
    delete("meta", b"audit_chain")
    caught("audit trail deleted", ["audit", "rows deleted"])

    # the reads of a day are sealed with a key, without storing anything
    run(["owner", A], user="binh")
    run(["audit", "seal"], user="lan")
    r = run(["log"], user="lan")
    run(["verify", "--all"], user="lan", what="after a seal")


def upgrade_group():
    """A warehouse from before the audit chain (operators, audit rows, no
    chain, no seals, no mark) opens, verifies and is upgraded in place."""
    run(["init", "--agency", AG])
    run(["keys", "new", "--signer", "Nguyễn Thị Bình", "--title", "Công chức Bộ phận Một cửa"])
    run(["user", "add", "quan", "--role", "admin"])
    run(["user", "add", "an", "--role", "desk"], user="quan")
    run(["user", "add", "lan", "--role", "archivist"], user="quan")
    # make it old: no operator rows in the audit trail, no chain, no mark
    for k in keys("audit"):
        delete("audit", k)
    delete("meta", b"users")
    delete("meta", b"audit_chain")
    run(["verify", "--all"], user="lan", what="an old warehouse")
    r = run(["owner", A], user="an", want=None)
    if r.returncode == 0:
        fail("an old warehouse: a desk operator read personal papers")
    run(["user", "add", "binh", "--role", "clerk"], user="quan")  # upgrades
    rows = [get("audit", k) for k in keys("audit")]
    if not any(b"user import" in v and b"quan" in v for v in rows):
        fail("the upgrade did not record the operators there were: %r" % rows)
    run(["ingest", "--owner", A, "--procedure", "1.001193",
         os.path.join(P, "dev03-giay-khai-sinh-office200.jpg")], user="an")
    run(["verify", "--all"], user="lan", what="upgraded warehouse")
    run(["check"], user="quan", what="upgraded warehouse")
    put("user", b"an", b"admin")
    run(["verify", "--all"], user="lan", want=6, what="upgraded warehouse, desk made admin")


def names_group():
    """A file name with a newline cannot forge output lines on stdout."""
    run(["init", "--agency", AG])
    run(["keys", "new", "--signer", "Nguyễn Thị Bình", "--title", "Công chức Bộ phận Một cửa"])
    forged = os.path.join(T, "khai sinh\nOK: 9 papers and 9 log entries verified\tx.jpg")
    shutil.copy(os.path.join(P, "dev03-giay-khai-sinh-office200.jpg"), forged)
    r = run(["ingest", "--owner", A, "--procedure", "1.001193", forged])
    lines = r.stdout.splitlines()
    if any(l.startswith("OK: 9") for l in lines) or "\\x0aOK: 9 papers" not in r.stdout \
            or "\\x09x.jpg" not in r.stdout:
        fail("ingest printed a forged line: %r" % r.stdout)
    code = [w for l in lines for w in l.split() if w.endswith("-GKS")][0]
    r = run(["show", code])
    if any(l.startswith("OK: 9") for l in r.stdout.splitlines()) or "\\x0a" not in r.stdout:
        fail("show printed a forged line: %r" % r.stdout)
    r = run(["search", "khai", "sinh"])
    if any(l.startswith("OK: 9") for l in r.stdout.splitlines()):
        fail("search printed a forged line: %r" % r.stdout)


def photo_group():
    """A phone photo of a paper (issue 18): the page rectified out of it and
    the photo as received are both stored, recorded and signed; a scanned
    page stores no second copy; a changed, deleted or unrecorded original is
    named by verify and check; records from before the field still verify."""
    here = os.path.dirname(os.path.abspath(__file__))
    photo = os.path.join(T, "khai-sinh-photo.jpg")
    subprocess.run([sys.executable, os.path.join(here, "..", "..", "bench", "ocr", "mkphoto.py"),
                    "--one", os.path.join(P, "dev03-giay-khai-sinh-office200.jpg"), photo,
                    "--seed", "3"], check=True)
    run(["init", "--agency", AG])
    run(["keys", "new", "--signer", "Nguyễn Thị Bình", "--title", "Công chức Bộ phận Một cửa"])
    r = run(["ingest", "--json", "--owner", A, "--procedure", "1.001193", photo,
             os.path.join(P, "dev01-quyet-dinh-clean300.png")])
    ph, sc = [c["code"] for c in json.loads(r.stdout)["components"]]
    r = run(["show", "--json", ph])
    pg = json.loads(r.stdout)["pages"][0]
    if "photo rectified" not in pg["flags"] or "original" not in pg:
        fail("the photo was not kept with its original: %r" % pg)
        return
    with open(photo, "rb") as f:
        received = f.read()
    orig = bytes.fromhex(pg["original"]["sha256"])
    if get("blob", orig) != received or pg["original"]["bytes"] != len(received) \
            or pg["original"]["mime"] != "image/jpeg":
        fail("the original blob is not the photo as received")
    if pg["sha256"] == pg["original"]["sha256"] or get("blob", bytes.fromhex(pg["sha256"]))[:2] != b"\xff\xd8":
        fail("the stored page is not the page rectified out of the photo")
    run(["show", ph, "--page", "1", "--original", "-o", os.path.join(T, "o.jpg")])
    with open(os.path.join(T, "o.jpg"), "rb") as f:
        if f.read() != received:
            fail("show --page 1 --original did not give the photo as received")
    # the scanned page: no second copy, no third hash, no original field
    r = run(["show", "--json", sc])
    if "original" in json.loads(r.stdout)["pages"][0]:
        fail("a scanned page was given an original")
    run(["show", sc, "--page", "1", "--original", "-o", os.path.join(T, "x")], want=4,
        what="a scanned page has no original")
    for bad in (["--page", "x", "-o", "f"], ["--page", "0", "-o", "f"], ["--page", "1"], ["--original"],
                ["-o", "f"]):
        run(["show", ph] + bad, want=2, what="usage")
    run(["show", ph, "--page", "2", "-o", os.path.join(T, "x")], want=4, what="page 2 of 1")
    page_rec = dict(fields(get("paper", sc.encode())))[9]
    if any(t in (15, 16, 17) for t, _ in fields(page_rec)):
        fail("a scanned page's record has original fields")
    man = b"".join(get("log", k) for k in keys("log"))
    lines = [l for l in man.split(b"\n") if l.startswith(b"page.1: ")]
    if sorted(len(l.split(b" ")) for l in lines) != [3, 4]:
        fail("the manifests' page lines: %r" % lines)
    if pg["original"]["sha256"].encode() not in man:
        fail("the original's SHA-256 is not signed")
    run(["verify", "--all"], what="photo and scan")
    run(["check"], what="photo and scan")
    bundle = os.path.join(T, "bundle")
    run(["export-proof", ph, bundle])
    if not os.path.exists(os.path.join(bundle, "original-001.jpg")):
        fail("export-proof left out the original")
    run(["verify-bundle", bundle, "--trust", os.path.join(bundle, "signer.pub")])
    with open(os.path.join(bundle, "original-001.jpg"), "ab") as f:
        f.write(b"x")
    r = run(["verify-bundle", bundle, "--trust", os.path.join(bundle, "signer.pub")], want=6)
    if "original differs" not in r.stdout + r.stderr:
        fail("verify-bundle: a changed original not named: %s" % r.stdout)
    shutil.copytree(STORE, os.path.join(T, "clean"))

    # 1. the original's bytes changed in the warehouse
    put("blob", orig, received[:-10] + b"0123456789")
    run(["show", ph, "--page", "1", "--original", "-o", os.path.join(T, "y")], want=None)
    r = run(["export-proof", ph, os.path.join(T, "b2")], want=None)
    if r.returncode == 0:
        fail("export-proof exported a changed original")
    caught("original changed", [ph, "original bytes do not match their SHA-256"])
    # 2. the original deleted
    delete("blob", orig)
    caught("original deleted", [ph, "original (the photo as received) missing"])

    # 3. the original taken out of the page record (its blob left)
    def strip(f):
        return [(t, build(v[:4], [(u, w) for u, w in fields(v) if u not in (15, 16, 17)])
                 if t == 9 else v) for t, v in f]
    rewrite("paper", ph, strip)
    caught("original unrecorded", [ph, "(removed from the record)"], check=False)
    # 4. another photo's bytes recorded as the original (record and blob agree)
    other = received + b"\0"
    h = hashlib.sha256(other).digest()
    put("blob", h, other)

    def swap(f):
        return [(t, build(v[:4], [(u, h if u == 15 else enc_varint(len(other)) if u == 17 else w)
                                  for u, w in fields(v)]) if t == 9 else v) for t, v in f]
    rewrite("paper", ph, swap)
    caught("original replaced", [ph, "original (the photo as received) is not the one signed"],
           check=False)

    # records from before the field (a schema-1 warehouse) still verify
    shutil.rmtree(STORE)
    os.makedirs(STORE)
    shutil.copy(os.path.join(DATA, "store-v1", "data.mdb"), STORE)
    os.chmod(os.path.join(STORE, "data.mdb"), 0o644)
    r = run(["verify", "--all"], what="an old-format warehouse")
    if "2 papers" not in r.stdout:
        fail("old-format warehouse: %s" % r.stdout)
    run(["check"], what="an old-format warehouse")


try:
    {"photo": photo_group, "names": names_group, "papers": papers_group, "operators": operators_group, "upgrade": upgrade_group}[sys.argv[1]]()
finally:
    if not os.environ.get("KEEP"):
        shutil.rmtree(T, ignore_errors=True)
    else:
        print("kept", T, file=sys.stderr)
sys.exit(1 if fails else 0)
