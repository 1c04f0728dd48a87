#!/usr/bin/env python3
"""Office -> province replication by log shipping (docs/REPLICATION.md).

Real `sohoa serve` processes with their own warehouses on loopback ports they
pick, each started and stopped by its PID, and `sohoa replicate` against
them. `replicate.py GROUP`:
  offices  two offices into a province: owner, search and reuse on the
           province find both; a re-run replays nothing; a wrong token is
           401, a capture station's token 403, a replication token cannot
           read papers; verify --all passes, then catches a tampered blob and
           a tampered replicated entry
  resume   replicate killed mid-way (SIGKILL) resumes where it was, nothing
           twice; the service loop (--interval) follows new dossiers
  fork     an office restored from an older backup grows another log: the
           province refuses the fork (exit 6), records the evidence and
           replays nothing more; a server holding another key for the same
           agency is refused; an office not trusted is refused
  attach   office2 attaches a paper office1 ingested, through the province:
           the reuse is signed by office2 (verify passes there), the
           province's audit shows office2's read; a tampered answer, a
           province that does not answer, a revoked paper and an unknown one
           are refused with nothing stored
  witness  with a witness required, the replica never goes past what the
           witness cosigned; an office no required witness cosigned
           replays nothing
Environment (set by CTest): SOHOA, GEN (bench/replicate's repl_gen), DATA,
TMPROOT.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SOHOA = os.environ["SOHOA"]
GEN = os.environ["GEN"]
P = os.path.join(os.environ["DATA"], "papers")
A = "001184362297"
T = tempfile.mkdtemp(prefix="sohoa-repl-", dir=os.environ.get("TMPROOT"))
PASS = os.path.join(T, "pass")
with open(PASS, "w") as f:
    f.write("mật khẩu thử nghiệm\n")
BASE = dict(os.environ, TZ="Asia/Ho_Chi_Minh", LC_ALL="C.UTF-8", SOHOA_PASSPHRASE_FILE=PASS,
            XDG_CONFIG_HOME=os.path.join(T, "config"))
for k in ("SOHOA_USER", "SOHOA_SERVER", "SOHOA_STATION_TOKEN", "SOHOA_STORE", "SOHOA_KEY"):
    BASE.pop(k, None)
fails = 0
procs = []


def fail(msg):
    global fails
    fails += 1
    print("FAIL:", msg, file=sys.stderr)


class WH:
    """A warehouse (office or province) with its own key."""

    def __init__(self, name, agency):
        self.name, self.agency = name, agency
        self.dir = os.path.join(T, name)
        self.key = os.path.join(T, name + ".key")
        self.env = dict(BASE, SOHOA_STORE=self.dir, SOHOA_KEY=self.key)
        self.url = self.proc = None
        self.run(["init", "--agency", agency])
        self.run(["keys", "new", "--signer", "Nguyễn Văn " + name, "--title", "Công chức"])

    def run(self, args, want=0, what=""):
        r = subprocess.run([SOHOA] + args, env=self.env, capture_output=True, text=True)
        if want is not None and r.returncode != want:
            fail("%s %s: 'sohoa %s' exited %d, expected %d\n  out: %s\n  err: %s" % (
                what, self.name, " ".join(args), r.returncode, want, r.stdout[-1500:],
                r.stderr[-1500:]))
        return r

    def pubkey(self):
        kid = re.search(r"[0-9a-f]{64}", self.run(["keys", "list"]).stdout).group(0)
        path = os.path.join(T, "%s-%s.pub" % (self.name, kid[:8]))
        self.run(["keys", "export", kid, path])
        return path

    def token(self, name, replicate=True):
        r = self.run(["station", "add", name, "--json"] + (["--replicate"] if replicate else []))
        tok = json.loads(r.stdout)["token"]
        path = os.path.join(T, "%s-%s.token" % (self.name, name))
        with open(path, "w") as f:
            f.write(tok + "\n")
        return tok, path

    def ingest(self, owner, *files):
        r = self.run(["ingest", "--json", "--owner", owner, "--procedure", "1.000656"] +
                     [os.path.join(P, f) for f in files])
        return json.loads(r.stdout)

    def gen(self, n, first):
        subprocess.run([GEN, "ingest", "-d", self.dir, "-k", self.key, "-p", PASS, "-n", str(n),
                        "-s", str(first), "-o", "50"], env=self.env, check=True,
                       stdout=subprocess.DEVNULL)

    def serve(self, port=0, extra=()):
        out = open(os.path.join(T, self.name + ".serve.out"), "w+")
        self.proc = subprocess.Popen([SOHOA, "serve", "--listen", "127.0.0.1:%d" % port] +
                                     list(extra), env=self.env,
                                     stdout=out, stderr=subprocess.STDOUT)
        procs.append(self.proc)
        for _ in range(600):
            out.seek(0)
            m = re.search(r"listening on (http://[0-9.:]+)", out.read())
            if m:
                self.url = m.group(1)
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        out.seek(0)
        fail("%s: sohoa serve did not start: %s" % (self.name, out.read()[-1000:]))
        sys.exit(1)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            if self.proc.wait(timeout=60) != 0:
                with open(os.path.join(T, self.name + ".serve.out")) as f:
                    fail("%s: sohoa serve exited %d: %s" % (self.name, self.proc.returncode,
                                                            f.read()[-1500:]))
        self.proc = None


def get(url, token):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def replicate(prov, office, tokfile, want=0, extra=()):
    r = prov.run(["replicate", "--from", office.url, "--token-file", tokfile, "--once", "--json"]
                 + list(extra), want=want, what="replicate from " + office.name)
    return json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else None


def office_state(prov, agency):
    return json.loads(prov.run(["office", "show", agency, "--json"]).stdout)


def lmdb_env(path):
    import lmdb
    return lmdb.open(path, max_dbs=32, map_size=1 << 34, subdir=True, lock=True)


def province_with(*offices):
    prov = WH("province", "000.00.90.T90")
    for o in offices:
        prov.run(["office", "add", o.agency, "--key", o.pubkey()])
    return prov


def group_offices():
    o1 = WH("office1", "000.00.91.T91")
    o2 = WH("office2", "000.00.92.T92")
    d1 = o1.ingest(A, "dev03-giay-khai-sinh-office200.jpg")
    d2 = o2.ingest(A, "dev04-can-cuoc-color300.jpg")
    # a phone photo: the page rectified out of it and the photo as received,
    # both signed at the office, both must reach the province
    photo = os.path.join(T, "khai-sinh-photo.jpg")
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "..", "bench", "ocr", "mkphoto.py"), "--one",
                    os.path.join(P, "dev03-giay-khai-sinh-office200.jpg"), photo, "--seed", "3"],
                   check=True)
    dp = json.loads(o2.run(["ingest", "--json", "--owner", A, "--procedure", "1.000656",
                            photo]).stdout)
    o1.gen(20, 0)
    o2.gen(15, 1000)
    tok1, t1 = o1.token("province")
    tok2, t2 = o2.token("province")
    stok, _ = o1.token("scanner", replicate=False)
    o1.serve()
    o2.serve()
    # the routes: a replication token reads the log, nothing else does
    st, body = get(o1.url + "/api/v1/replica/checkpoint", tok1)
    if st != 200 or b"sohoa-checkpoint" not in body:
        fail("checkpoint with the replication token: %d %r" % (st, body[:200]))
    st, _ = get(o1.url + "/api/v1/replica/checkpoint", "0" * 64)
    if st != 401:
        fail("a wrong token got %d, not 401" % st)
    st, _ = get(o1.url + "/api/v1/replica/entries?from=0", stok)
    if st != 403:
        fail("a capture station's token on the replica routes got %d, not 403" % st)
    st, _ = get(o1.url + "/api/v1/dossiers/" + d1["dossier"], tok1)
    if st != 403:
        fail("a replication token read a dossier: %d" % st)
    st, _ = get(o1.url + "/api/v1/replica/entries?from=abc", tok1)
    if st != 400:
        fail("entries?from=abc got %d, not 400" % st)
    st, _ = get(o1.url + "/api/v1/replica/blobs/" + "0" * 64, tok1)
    if st != 404:
        fail("an unknown blob got %d, not 404" % st)
    st, body = get(o1.url + "/api/v1/replica/entries?from=0&limit=5", tok1)
    page = json.loads(body) if st == 200 else {}
    if st != 200 or not page.get("entries") or len(page["entries"]) > 5 or page["size"] > 5:
        fail("entries?limit=5: %d %r" % (st, body[:300]))

    prov = province_with(o1, o2)
    badtok = os.path.join(T, "bad.token")
    with open(badtok, "w") as f:
        f.write("f" * 64 + "\n")
    r = prov.run(["replicate", "--from", o1.url, "--token-file", badtok, "--once"], want=8)
    if "401" not in r.stderr:
        fail("a wrong token: %s" % r.stderr)
    s1 = replicate(prov, o1, t1, extra=["--limit", "7"])
    s2 = replicate(prov, o2, t2)
    if not s1 or s1["papers"] != 21 or s1["size"] != s1["log_size"]:
        fail("office1 replicated: %r" % s1)
    if not s2 or s2["papers"] != 17:
        fail("office2 replicated: %r" % s2)
    # the photo as received reached the province, byte for byte
    got = os.path.join(T, "photo-at-province.jpg")
    prov.run(["show", dp["components"][0]["code"], "--page", "1", "--original", "-o", got])
    with open(photo, "rb") as a, open(got, "rb") as b:
        if a.read() != b.read():
            fail("the province's copy of the photo as received differs from the photo")
    # the province answers for both offices
    own = json.loads(prov.run(["owner", A, "--json"]).stdout)
    codes = [p["code"] for p in own["papers"]]
    for d, o in ((d1, o1), (d2, o2)):
        c = d["components"][0]["code"]
        if c not in codes or not c.startswith(o.agency):
            fail("owner on the province lacks %s: %r" % (c, codes))
    if any(p.get("signature") == "unsigned" for p in own["papers"]):
        fail("replicated papers shown unsigned: %r" % own)
    for agency in (o1.agency, o2.agency):
        r = prov.run(["search", "--agency", agency, "Nam"])
        if agency not in r.stdout:
            fail("search --agency %s on the province: %s" % (agency, r.stdout[:500]))
    # reuse: the province offers what each office offers itself (a paper
    # expired at its own office is not offered at the province either)
    def offered(wh):
        r = wh.run(["reuse", "--owner", A, "--procedure", "1.000656", "--json"])
        return {p["code"] for k in json.loads(r.stdout)["kinds"] for p in k["papers"]}
    at_offices = offered(o1) | offered(o2)
    if d1["components"][0]["code"] not in at_offices or offered(prov) != at_offices:
        fail("reuse on the province offers %r, the offices %r" % (offered(prov), at_offices))
    # a re-run replays nothing; the province's own log does not grow
    before = prov.run(["log", "--json"], want=None).stdout
    for o, t in ((o1, t1), (o2, t2)):
        s = replicate(prov, o, t)
        if not s or s["entries"] or s["papers"]:
            fail("a re-run replayed something: %r" % s)
    if prov.run(["log", "--json"], want=None).stdout != before:
        fail("a re-run changed the province's log")
    # new dossiers at office1 follow, and so does a revocation there
    o1.gen(3, 500)
    gks = d1["components"][0]["code"]
    o1.run(["revoke", gks, "--reason", "Quyết định thu hồi số 12/QĐ-UBND"])
    s = replicate(prov, o1, t1)
    if not s or s["papers"] != 3 or s["entries"] < 4:  # (and the audit seal)
        fail("3 new dossiers and a revocation: %r" % s)
    own = json.loads(prov.run(["owner", A, "--json"]).stdout)
    st = [p for p in own["papers"] if p["code"] == gks]
    if not st or st[0].get("status") != "revoked":
        fail("the office's revocation is not shown at the province: %r" % st)
    if gks in offered(prov):
        fail("the province offers a paper its office revoked")
    r = prov.run(["verify", "--all"])
    if "OK" not in r.stdout:
        fail("verify --all on the province: %s" % r.stdout)
    o1.stop()
    o2.stop()
    # an insider edits a replicated page image: verify --all names the paper
    env = lmdb_env(prov.dir)
    code = d1["components"][0]["code"]
    paper = json.loads(prov.run(["show", code, "--json"]).stdout)
    sha = bytes.fromhex(re.search(r"[0-9a-f]{64}", json.dumps(paper.get("pages", paper))).group(0))
    blob = env.open_db(b"blob")
    with env.begin(write=True, db=blob) as txn:
        old = txn.get(sha)
        if old is None:
            fail("no blob %s in the province" % sha.hex())
        else:
            txn.put(sha, old[:-1] + bytes([old[-1] ^ 1]))
    r = prov.run(["verify", "--all"], want=6)
    if code not in r.stdout:
        fail("verify --all does not name the tampered paper: %s" % r.stdout[-1500:])
    with env.begin(write=True, db=blob) as txn:
        txn.put(sha, old)
    prov.run(["verify", "--all"], what="after undoing the edit")
    # ... or a replicated entry of office2's log: the office's root no longer holds
    meta = env.open_db(b"meta")
    key = ("repl|%s|e|" % o2.agency).encode() + (3).to_bytes(8, "big")
    with env.begin(write=True, db=meta) as txn:
        doc = txn.get(key)
        txn.put(key, doc.replace(b"time: ", b"time: 1", 1))
    r = prov.run(["verify", "--all"], want=6)
    if "office " + o2.agency not in r.stdout:
        fail("verify --all misses an edited replicated entry: %s" % r.stdout[-1500:])
    env.close()


def group_resume():
    o1 = WH("office1", "000.00.91.T91")
    o1.gen(400, 0)
    tok, tf = o1.token("province")
    o1.serve()
    prov = province_with(o1)
    # killed mid-way: what was replayed stays, with its position
    p = subprocess.Popen([SOHOA, "replicate", "--from", o1.url, "--token-file", tf, "--limit", "3",
                          "--interval", "1"], env=prov.env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    procs.append(p)
    p.stdout.readline()  # the first page is in
    p.kill()
    p.wait()
    mid = office_state(prov, o1.agency)["size"]
    if not 0 < mid < 400:
        fail("after the kill the replica is at %d (expected part of 400)" % mid)
    s = replicate(prov, o1, tf, extra=["--limit", "50"])
    if not s or s["size"] != 400 or s["papers"] + mid != 400:
        fail("resume: %r after %d" % (s, mid))
    owners = prov.run(["search", "--agency", o1.agency, "--json", "Nam"]).stdout
    if not json.loads(owners):
        fail("nothing found on the province after the resume")
    prov.run(["verify", "--all"], what="after the resume")
    # the service: new dossiers follow without a restart; SIGTERM ends it
    svc = subprocess.Popen([SOHOA, "replicate", "--from", o1.url, "--token-file", tf,
                            "--interval", "0"], env=prov.env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    procs.append(svc)
    # one dossier at a time while the service polls without pause: the office's
    # log grows between the reads of one page (session 9's CI caught a page
    # whose checkpoint was newer than its log size)
    for i in range(8):
        o1.gen(1, 9000 + i)
    for _ in range(300):
        if office_state(prov, o1.agency)["size"] == 408:
            break
        time.sleep(0.1)
    else:
        fail("the service did not follow 8 new dossiers: %r" % office_state(prov, o1.agency))
    svc.send_signal(signal.SIGTERM)
    if svc.wait(timeout=60) != 0:
        fail("the service did not end cleanly on SIGTERM: %s" % svc.stderr.read())
    o1.stop()


def group_fork():
    o1 = WH("office1", "000.00.91.T91")
    o1.gen(10, 0)
    tok, tf = o1.token("province")
    o1.run(["backup", os.path.join(T, "bk")])
    o1.gen(5, 100)
    o1.serve()
    prov = province_with(o1)
    s = replicate(prov, o1, tf)
    if not s or s["size"] != 15:
        fail("before the fork: %r" % s)
    o1.stop()
    # the office restored from the older backup grows another history
    o1.run(["restore", os.path.join(T, "bk"), "--replace"])
    o1.gen(8, 200)
    o1.serve()
    papers_before = prov.run(["search", "--agency", o1.agency, "Nam", "--json"]).stdout
    r = prov.run(["replicate", "--from", o1.url, "--token-file", tf, "--once"], want=6)
    if "fork" not in r.stderr:
        fail("a fork not named: %s" % r.stderr)
    st = office_state(prov, o1.agency)
    if not st["forked"] or "not consistent" not in (st["fork"] or "") or st["size"] != 15:
        fail("the fork's evidence: %r" % st)
    r = prov.run(["replicate", "--from", o1.url, "--token-file", tf, "--once"], want=6)
    if prov.run(["search", "--agency", o1.agency, "Nam", "--json"]).stdout != papers_before:
        fail("papers were replayed after the fork")
    r = prov.run(["office", "list"])
    if "FORKED" not in r.stdout:
        fail("office list does not show the fork: %s" % r.stdout)
    prov.run(["verify", "--all"], what="the province after a refused fork")
    o1.stop()
    # another server for office2's agency with a key the province does not trust
    o2 = WH("office2", "000.00.92.T92")
    o2.gen(3, 0)
    _, t2 = o2.token("province")
    prov.run(["office", "add", o2.agency, "--key", o2.pubkey()])
    evil = WH("evil", o2.agency)
    evil.gen(4, 0)
    _, te = evil.token("province")
    evil.serve()
    r = prov.run(["replicate", "--from", evil.url, "--token-file", te, "--once"], want=6)
    if "does not trust" not in r.stderr:
        fail("a checkpoint by an untrusted key: %s" % r.stderr)
    if office_state(prov, o2.agency)["size"] != 0:
        fail("something of the untrusted server was replayed")
    evil.stop()
    # the real office2 still replicates (an untrusted key is no fork)
    o2.serve()
    s = replicate(prov, o2, t2)
    if not s or s["papers"] != 3:
        fail("office2 after the refused impostor: %r" % s)
    o2.stop()
    # an office never trusted here
    o3 = WH("office3", "000.00.93.T93")
    o3.gen(1, 0)
    _, t3 = o3.token("province")
    o3.serve()
    r = prov.run(["replicate", "--from", o3.url, "--token-file", t3, "--once"], want=4)
    if "office add" not in r.stderr:
        fail("an untrusted office: %s" % r.stderr)
    # an office rolled back below what the province holds: a fork too
    o4 = WH("office4", "000.00.94.T94")
    o4.gen(5, 0)
    _, t4 = o4.token("province")
    o4.run(["backup", os.path.join(T, "bk4")])
    o4.gen(3, 100)
    o4.serve()
    prov.run(["office", "add", o4.agency, "--key", o4.pubkey()])
    s = replicate(prov, o4, t4)
    o4.stop()
    o4.run(["restore", os.path.join(T, "bk4"), "--replace"])
    o4.serve()
    r = prov.run(["replicate", "--from", o4.url, "--token-file", t4, "--once"], want=6)
    st = office_state(prov, o4.agency)
    if not st["forked"] or "rolled back" not in (st["fork"] or "") or st["size"] != 8:
        fail("an office rolled back: %r %s" % (st, r.stderr))
    o4.stop()
    # the admin cannot trust the province's own agency or a key of another agency
    prov.run(["office", "add", prov.agency, "--key", prov.pubkey()], want=3)
    prov.run(["office", "add", o1.agency, "--key", o3.pubkey()], want=3)
    o3.stop()
    # once the province has operators: office and replicate are the admin's
    prov.run(["user", "add", "boss", "--role", "admin"])
    boss, clerk = dict(prov.env, SOHOA_USER="boss"), dict(prov.env, SOHOA_USER="clerk1")
    prov.env = boss
    prov.run(["user", "add", "clerk1", "--role", "clerk"])
    prov.run(["office", "list"])
    prov.env = clerk
    prov.run(["office", "list"], want=8)
    prov.run(["office", "add", o3.agency, "--key", o3.pubkey()], want=8)
    prov.run(["replicate", "--from", "http://127.0.0.1:9", "--token-file", t3, "--once"], want=8)
    prov.env = boss


def group_witness():
    # the office's log cosigned by a witness; the province requires it
    o1 = WH("office1", "000.00.91.T91")
    wdir = os.path.join(T, "w")
    wk = o1.run(["witness", "init", wdir, "--name", "test.example/w1"]).stdout.strip()
    o1.run(["witnesses", "add", wdir])
    vk = o1.run(["witnesses", "vkey"]).stdout.split()[1]
    o1.run(["witness", "add-log", wdir, "sohoa/" + o1.agency, vk])
    o1.gen(5, 0)
    o1.run(["checkpoint"])
    o1.gen(4, 100)                        # not cosigned yet
    _, tf = o1.token("province")
    o1.serve()
    prov = province_with(o1)
    prov.run(["office", "add", o1.agency, "--witness", wk])
    prov.run(["office", "add", o1.agency, "--witness", "not-a-key"], want=3)
    s = replicate(prov, o1, tf)
    if not s or s["size"] != 5:
        fail("the replica went past the witnessed checkpoint: %r" % s)
    o1.run(["checkpoint"])
    s = replicate(prov, o1, tf)
    if not s or s["size"] != 9:
        fail("after the office's next cosigned checkpoint: %r" % s)
    prov.run(["verify", "--all"], what="witnessed replica")
    # a split view: the office rolled back behind its witness and grown
    # another log; the replica's own checks pass (the new log extends what it
    # holds) but it is not what the witness cosigned: a fork
    o1.run(["backup", os.path.join(T, "bk")])          # 9 entries
    o1.gen(2, 200)
    o1.run(["checkpoint"])                             # cosigned at 11
    o1.stop()
    o1.run(["restore", os.path.join(T, "bk"), "--replace", "--accept-rollback"])
    o1.gen(3, 300)                                     # another 10, 11, 12
    o1.serve()
    r = prov.run(["replicate", "--from", o1.url, "--token-file", tf, "--once"], want=6)
    st = office_state(prov, o1.agency)
    if not st["forked"] or "witnesses cosigned" not in (st["fork"] or "") or st["size"] != 9:
        fail("a log other than the witnessed one: %r %s" % (st, r.stderr))
    o1.stop()
    # a witness that never cosigned this office's log: nothing is replayed
    o2 = WH("office2", "000.00.92.T92")
    o2.gen(2, 0)
    _, t2 = o2.token("province")
    o2.serve()
    prov.run(["office", "add", o2.agency, "--key", o2.pubkey(), "--witness", wk])
    r = prov.run(["replicate", "--from", o2.url, "--token-file", t2, "--once"], want=None)
    if r.returncode == 0 or "cosigned" not in r.stderr:
        fail("a log no required witness cosigned: %d %s" % (r.returncode, r.stderr))
    if office_state(prov, o2.agency)["size"] != 0:
        fail("something not witnessed was replayed")
    o2.stop()


def tamper_proxy(target, how):
    """A man in the middle in front of the province: answers as the province
    does, with the paper's answer changed by how(bytes) -> bytes."""
    import http.server
    import threading

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            st, body = get(target + self.path, self.headers["Authorization"][7:])
            if st == 200 and "/blobs/" not in self.path:
                body = how(body)
            self.send_response(st)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, "http://127.0.0.1:%d" % srv.server_address[1]


def citizen_reads(g, url, who):
    """Log citizen who in at url through Glewlwyd g (PKCE, as
    tests/citizen does) and return their "who looked" list."""
    import glewlwyd
    import http.cookiejar
    import urllib.parse
    op = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), glewlwyd.NoRedirect)

    def req(path):
        try:
            with op.open(path if path.startswith("http") else url + path, timeout=60) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    st, h, _ = req("/api/v1/me/login")
    st, h, raw = req(g.code_for(who, h.get("Location", "")))
    if st != 303:
        fail("citizen login at the province: %d %r" % (st, raw[:300]))
        return []
    st, _, raw = req("/api/v1/me/reads")
    return json.loads(raw).get("reads", []) if st == 200 else []


def group_attach():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "citizen"))
    import glewlwyd
    CA = glewlwyd.USERS["a"]["personal_id"]  # the owner logs in at the province
    o1 = WH("office1", "000.00.91.T91")
    o2 = WH("office2", "000.00.92.T92")
    d1 = o1.ingest(CA, "dev03-giay-khai-sinh-office200.jpg")
    dr = o1.ingest(CA, "dev04-can-cuoc-color300.jpg")
    d3 = o1.ingest(CA, "dev03-giay-khai-sinh-office200.jpg")
    d2 = o2.ingest(CA, "dev04-can-cuoc-color300.jpg")
    gks, rev = d1["components"][0]["code"], dr["components"][0]["code"]
    gks2 = d3["components"][0]["code"]
    o1.run(["revoke", rev, "--reason", "Quyết định thu hồi số 7/QĐ-UBND"])
    _, t1 = o1.token("province")
    o1.serve()
    prov = province_with(o1)
    replicate(prov, o1, t1)
    o1.stop()
    # at the province: office2's token; at office2: office1's key, by hand
    ptok, pt = prov.token("office2", replicate=False)
    prov.run(["station", "revoke", "office2"])
    r = prov.run(["station", "add", "office2", "--office", o2.agency, "--json"])
    ptok = json.loads(r.stdout)["token"]
    with open(pt, "w") as f:
        f.write(ptok + "\n")
    prov.run(["station", "add", "bad", "--office", "not-an-agency"], want=3)
    # the province serves citizens too: "who looked" must name office2
    g = None
    port = 0
    if shutil.which("glewlwyd"):
        port = glewlwyd.free_port()
        g = glewlwyd.Glewlwyd(redirect_uri="http://127.0.0.1:%d/api/v1/me/callback" % port)
        g.start()
        procs.append(g.proc)
        prov.serve(port, ["--oidc-issuer", g.issuer, "--oidc-client", g.client_id,
                          "--oidc-secret-file", g.secret_file, "--oidc-claim", "personal_id"])
    else:
        print("note: glewlwyd is not installed: the citizen's who-looked list is not checked")
        prov.serve()
    # the office token reads one paper, nothing else; a replication token
    # cannot use the route
    _, rt = prov.token("someone")
    with open(rt) as f:
        rtok = f.read().strip()
    st, _ = get(prov.url + "/api/v1/replica/papers/" + gks, rtok)
    if st != 403:
        fail("a replication token fetched a paper for reuse: %d" % st)
    st, _ = get(prov.url + "/api/v1/replica/entries?from=0", ptok)
    if st != 403:
        fail("an office token read the province's log: %d" % st)
    st, _ = get(prov.url + "/api/v1/dossiers/" + d1["dossier"], ptok)
    if st != 403:
        fail("an office token read a dossier: %d" % st)
    st, _ = get(prov.url + "/api/v1/replica/papers/" + gks + "/blobs/" + "0" * 64, ptok)
    if st != 404:
        fail("a blob not of the paper: %d, not 404" % st)
    att = ["attach", d2["dossier"], gks]
    prov_args = ["--province", prov.url, "--province-token-file", pt]
    # office2 does not trust office1's key yet: refused, nothing stored
    r = o2.run(att + prov_args, want=4)
    if "office add" not in r.stderr:
        fail("attach without office1's key trusted: %s" % r.stderr)
    o2.run(["office", "add", o1.agency, "--key", o1.pubkey()])
    # the province does not answer: exit 5, one line
    r = o2.run(att + ["--province", "http://127.0.0.1:1", "--province-token-file", pt], want=5)
    if "province" not in r.stderr or len(r.stderr.strip().splitlines()) != 1:
        fail("province unreachable: %r" % r.stderr)
    # a province (or a man in the middle) that changes what office1 signed
    def edit_doc(body):
        j = json.loads(body)
        j["entry"]["doc"] = j["entry"]["doc"].replace(A, A[:-1] + "8", 1)
        j["entry"]["paper"]["pages"][0]["text"] += " "
        return json.dumps(j).encode()

    def edit_text(body):
        j = json.loads(body)
        j["entry"]["paper"]["pages"][0]["text"] += "x"
        return json.dumps(j).encode()

    def edit_proof(body):
        j = json.loads(body)
        j["index"] = j["entry"]["index"] = (j["index"] + 1) % j["size"]
        return json.dumps(j).encode()

    for how in (edit_doc, edit_text, edit_proof):
        srv, url = tamper_proxy(prov.url, how)
        r = o2.run(att + ["--province", url, "--province-token-file", pt], want=6,
                   what="tampered (%s)" % how.__name__)
        srv.shutdown()
        srv.server_close()
    o2.run(["show", gks], want=4, what="nothing stored after the refusals:")
    # revoked at office1, replicated: refused as a local revoked paper
    r = o2.run(["attach", d2["dossier"], rev] + prov_args, want=3)
    if "revoked" not in r.stderr:
        fail("a revoked paper: %s" % r.stderr)
    unknown = re.sub(r"-(\d{4})-01-GKS$", "-9999-01-GKS", gks)
    r = o2.run(["attach", d2["dossier"], unknown] + prov_args, want=4)
    if "404" not in r.stderr or len(r.stderr.strip().splitlines()) != 1:
        fail("an unknown paper: %s" % r.stderr)
    st, _ = get(prov.url + "/api/v1/replica/papers/" + gks[:-1] + "9", ptok)
    if st != 404:
        fail("an unknown paper at the province: %d, not 404" % st)
    # a replica filed before the paper index (no "p|CODE" key): found by
    # reading the office's replicated log instead
    env = lmdb_env(prov.dir)
    with env.begin(write=True, db=env.open_db(b"meta")) as txn:
        if not txn.delete(("repl|%s|p|%s" % (o1.agency, gks)).encode()):
            fail("the province keeps no index entry for %s" % gks)
    env.close()
    # through the environment, as a desk's shell has it
    o2.env.update(SOHOA_PROVINCE=prov.url, SOHOA_PROVINCE_TOKEN_FILE=pt)
    r = o2.run(att)
    o2.env.pop("SOHOA_PROVINCE")
    o2.env.pop("SOHOA_PROVINCE_TOKEN_FILE")
    if "attached" not in r.stdout:
        fail("attach through the province: %s %s" % (r.stdout, r.stderr))
    show = json.loads(o2.run(["show", d2["dossier"], "--json"]).stdout)
    if gks not in json.dumps(show.get("attached", show)):
        fail("the dossier at office2 does not list %s: %r" % (gks, show))
    # the reuse is office2's, signed with its key; verify passes there
    k2 = re.search(r"[0-9a-f]{64}", o2.run(["keys", "list"]).stdout).group(0)
    env = lmdb_env(o2.dir)
    with env.begin(db=env.open_db(b"log")) as txn:
        docs = [v.decode() for _, v in txn.cursor()]
    env.close()
    reuse = [d for d in docs if re.search(r"^type: reuse$", d, re.M) and gks in d]
    if len(reuse) != 1 or k2 not in reuse[0] or o2.agency not in reuse[0]:
        fail("no reuse event of %s signed by office2's key %s: %r" % (gks, k2[:16], reuse))
    r = o2.run(["verify", "--all"])
    if "OK" not in r.stdout:
        fail("verify --all at office2: %s" % r.stdout[-1500:])
    o2.run(["verify", gks], what="the imported paper at office2:")
    # again: the paper is here now, attached locally (409: already there)
    o2.run(att, want=3)
    # the province's audit: office2 read the paper (a citizen sees it)
    aud = prov.run(["audit", "--code", gks, "--json"]).stdout
    if "office:" + o2.agency not in aud or "office-fetch" not in aud:
        fail("the province's audit lacks office2's read: %s" % aud[-1500:])
    if g:
        reads = citizen_reads(g, prov.url, "a")
        mine = [r for r in reads if r.get("paper") == gks and r.get("who") == "office"]
        if not mine or mine[0].get("agency") != o2.agency or mine[0].get("action") != "office-fetch":
            fail("the citizen's who-looked list at the province lacks office2: %r" % reads)
        g.stop()
    # the office server: POST /api/v1/dossiers/{code}/attach asks the
    # province too (a clerk logged in at office2); 502 when it is down
    pw = os.path.join(T, "pw")
    with open(pw, "w") as f:
        f.write("mật khẩu của thư ký\n")
    o2.run(["user", "add", "admin1", "--role", "admin", "--password-file", pw])
    o2.env["SOHOA_USER"] = "admin1"
    o2.run(["user", "add", "clerk1", "--role", "clerk", "--password-file", pw])
    o2.run(["user", "add", "arch1", "--role", "archivist", "--password-file", pw])
    o2.env.update(SOHOA_PROVINCE=prov.url, SOHOA_PROVINCE_TOKEN_FILE=pt)
    o2.serve()
    import http.cookiejar
    jar = http.cookiejar.CookieJar()
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path, body, csrf=None):
        req = urllib.request.Request(o2.url + path, data=json.dumps(body).encode(),
                                     headers=dict({"Content-Type": "application/json"},
                                                  **({"X-CSRF-Token": csrf} if csrf else {})))
        try:
            with op.open(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    st, r = post("/api/v1/login", {"user": "clerk1", "password": "mật khẩu của thư ký"})
    csrf = r.get("csrf")
    st, r = post("/api/v1/dossiers/%s/attach" % d2["dossier"], {"paper": gks2}, csrf)
    if st != 200 or r.get("paper") != gks2 or "log_index" not in r:
        fail("POST attach through the province: %d %r" % (st, r))
    prov.stop()
    st, r = post("/api/v1/dossiers/%s/attach" % d2["dossier"], {"paper": unknown}, csrf)
    if st != 502 or "province" not in r.get("error", ""):
        fail("POST attach with the province down: %d %r, not 502" % (st, r))
    o2.stop()
    o2.env["SOHOA_USER"] = "arch1"
    o2.run(["verify", "--all"], what="after the server's attach:")


try:
    {"offices": group_offices, "attach": group_attach, "resume": group_resume, "fork": group_fork,
     "witness": group_witness}[sys.argv[1]]()
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    if not os.environ.get("KEEP"):
        shutil.rmtree(T, ignore_errors=True)
print("%s: %d failure(s)" % (sys.argv[1], fails))
sys.exit(1 if fails else 0)
