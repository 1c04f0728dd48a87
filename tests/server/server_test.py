#!/usr/bin/env python3
"""Black-box tests of `sohoa serve` against a real server on loopback.

usage: server_test.py SOHOA DATA CASE   (CASE: api, openapi, tls, slow, batch, client, pam,
                                        limits, scan, audit_held)

Each case makes a fresh warehouse (init, a signing key, operators with
password files, dossiers ingested with the command line), starts the
server on 127.0.0.1 port 0 (it prints the port), runs its checks and stops
the server by its PID with SIGTERM (exit 0 expected). Nothing is timed:
waits are for events (the port line, the connection being closed)."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tarfile
import io
import tempfile
import time

# the checks read the program's English messages (LANG=vi_VN.UTF-8 translates them)
# several tests share two cores: an upload's OCR at nice 10 would starve behind them
os.environ["SOHOA_OCR_NICE"] = "0"
os.environ["LC_ALL"] = "C.UTF-8"
os.environ.pop("LANGUAGE", None)

SOHOA, DATA, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
OWNER = "001184362297"
PW = "mật khẩu đúng 1"
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


class Warehouse:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sohoa-srv-%s." % CASE)
        self.env = dict(os.environ)
        self.env.update(SOHOA_STORE=self.dir + "/store", SOHOA_KEY=self.dir + "/keys/desk.key",
                        SOHOA_PASSPHRASE_FILE=self.dir + "/pass", XDG_CONFIG_HOME=self.dir + "/config",
                        TZ="Asia/Ho_Chi_Minh")
        self.env.pop("SOHOA_USER", None)
        self.write("pass", "khóa thử của văn phòng\n")
        self.write("pw", PW + "\n")
        self.run("init", "--agency", "000.00.99.Z99")
        self.run("keys", "new", "--signer", "Nguyễn Thị Bình", "--title", "Công chức")
        self.run("user", "add", "admin1", "--role", "admin", "--password-file", self.dir + "/pw")
        for name, role in (("desk1", "desk"), ("clerk1", "clerk"), ("arch1", "archivist"),
                           ("victim", "clerk"), ("gone", "clerk")):
            self.run("user", "add", name, "--role", role, "--password-file", self.dir + "/pw",
                     user="admin1")
        self.run("user", "add", "nopass", "--role", "clerk", user="admin1")
        self.run("user", "disable", "gone", user="admin1")
        self.write("pw-old", "old password\n")
        self.run("user", "add", "changer", "--role", "clerk", "--password-file", self.dir + "/pw-old", user="admin1")
        self.run("user", "passwd", "changer", "--password-file", self.dir + "/pw", user="admin1")
        p = self.run("user", "passwd", "changer", "--password-file", self.dir + "/pw", user="clerk1", ok=False)
        check(p.returncode == 8, "user passwd by a clerk: exit 8 (role), got %d" % p.returncode)
        p = self.run("user", "passwd", "changer", user="admin1", ok=False)
        check(p.returncode == 2, "user passwd without --password-file: usage error")

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w", encoding="utf-8") as f:
            f.write(text)

    def run(self, *args, user=None, ok=True):
        env = dict(self.env)
        if user:
            env["SOHOA_USER"] = user
        p = subprocess.run([SOHOA] + list(args), env=env, capture_output=True, text=True)
        if ok and p.returncode != 0:
            raise SystemExit("setup: sohoa %s exited %d: %s" % (" ".join(args), p.returncode, p.stderr))
        return p

    def ingest(self):
        """Two dossiers of the owner; one file name holds <script>."""
        evil = os.path.join(self.dir, "<script>alert(1).png")
        shutil.copy(os.path.join(DATA, "papers", "dev01-quyet-dinh-clean300.png"), evil)
        p = self.run("ingest", "--json", "--owner", OWNER, "--procedure", "1.001193",
                     os.path.join(DATA, "papers", "dev03-giay-khai-sinh-office200.jpg"), evil, user="desk1")
        self.d1 = json.loads(p.stdout)
        p = self.run("ingest", "--json", "--owner", OWNER, "--procedure", "1.000656",
                     os.path.join(DATA, "papers", "dev04-can-cuoc-color300.jpg"), user="desk1")
        self.d2 = json.loads(p.stdout)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Server:
    def __init__(self, wh, *extra):
        self.proc = subprocess.Popen([SOHOA, "serve", "--listen", "127.0.0.1:0"] + list(extra),
                                     env=wh.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (https?)://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            raise SystemExit("server did not start: %r %s" % (line, self.proc.stderr.read()))
        self.tls = m.group(1) == "https"
        self.port = int(m.group(2))

    def stop(self):
        """SIGTERM by PID; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=60)
            if code != 0:  # what the server said last, for the failure's cause
                sys.stderr.write("server exit %s; its stderr ends: %s\n" % (code, self.proc.stderr.read()[-2000:]))
            return code
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -1


class Client:
    """One browser: a cookie jar of one cookie and the CSRF token."""

    def __init__(self, srv, source="127.0.0.1"):
        self.srv, self.source = srv, source
        self.cookie = None
        self.csrf = None

    # an upload is read (OCR, at nice 10) before it is answered: minutes on a
    # loaded 2-core machine under the sanitizers; a hang still ends the test
    REQ_TIMEOUT = 300

    def conn(self):
        if self.srv.tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection("127.0.0.1", self.srv.port, timeout=self.REQ_TIMEOUT, context=ctx,
                                               source_address=(self.source, 0))
        return http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=self.REQ_TIMEOUT,
                                          source_address=(self.source, 0))

    def req(self, method, path, body=None, ctype=None, csrf=True, headers=None):
        c = self.conn()
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = "sohoa_session=" + self.cookie
        if csrf and self.csrf and method != "GET":
            h["X-CSRF-Token"] = self.csrf
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            ctype = ctype or "application/json"
        if ctype:
            h["Content-Type"] = ctype
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        r.data = data
        try:
            r.json = json.loads(data) if r.getheader("Content-Type", "").startswith("application/json") else None
        except ValueError:
            r.json = None
        return r

    def login(self, user, password=PW):
        r = self.req("POST", "/api/v1/login", {"user": user, "password": password})
        if r.status == 200:
            m = re.match(r"sohoa_session=([0-9a-f]{64});", r.getheader("Set-Cookie", ""))
            self.cookie = m.group(1) if m else None
            self.csrf = r.json["csrf"]
        return r


def multipart(fields, files):
    b = "sohoa-test-boundary-7d2f"
    out = io.BytesIO()
    for k, v in fields:
        out.write(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (b, k, v)).encode())
    for name, data in files:
        out.write(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                   "Content-Type: application/octet-stream\r\n\r\n" % (b, name)).encode())
        out.write(data + b"\r\n")
    out.write(("--%s--\r\n" % b).encode())
    return out.getvalue(), "multipart/form-data; boundary=" + b


SEC = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def headers_ok(r, what):
    for k, v in SEC.items():
        check(r.getheader(k) == v, "%s: header %s is %r" % (what, k, r.getheader(k)))
    if r.json is not None:
        check(r.getheader("Cache-Control") == "no-store", what + ": Cache-Control no-store")


def case_api(wh):
    wh.ingest()
    srv = Server(wh, "--max-upload", "1000000")
    try:
        d1 = wh.d1["dossier"]
        gks, evil = wh.d1["components"][0]["code"], wh.d1["components"][1]["code"]
        cccd = wh.d2["components"][0]["code"]
        d2 = wh.d2["dossier"]
        anon = Client(srv)
        # no session
        r = anon.req("GET", "/api/v1/me")
        check(r.status == 401 and "error" in r.json, "no session: 401 with an error, got %d" % r.status)
        headers_ok(r, "401")
        r = anon.req("GET", "/api/v1/search?q=a")
        check(r.status == 401, "search without a session: 401")
        # login bad, good
        r = anon.login("clerk1", "wrong")
        check(r.status == 401 and r.json.get("error"), "bad password: 401, got %d" % r.status)
        check(r.getheader("Set-Cookie") is None, "bad password sets no cookie")
        check(anon.login("nosuchuser").status == 401, "unknown user: 401")
        r = anon.req("POST", "/api/v1/login", b'{"user":"a","password":"' + b"x" * 70000 + b'"}',
                     ctype="application/json")
        check(r.status == 413, "a login body over 64 KiB: 413, got %d" % r.status)
        r = anon.req("POST", "/api/v1/login", b"user=a&password=b", ctype="application/x-www-form-urlencoded")
        check(r.status == 415, "a form-encoded login: 415, got %d" % r.status)
        r = anon.req("POST", "/api/v1/login", {"user": "clerk1"})
        check(r.status == 400, "login without a password: 400")
        check(anon.login("gone").status == 401, "disabled user: 401")
        check(anon.login("nopass").status == 401, "user without a password: 401")
        check(Client(srv, source="127.0.0.3").login("changer", "old password").status == 401, "the old password no longer works")
        check(Client(srv).login("changer").status == 200, "the password set with user passwd works")
        clerk = Client(srv)
        r = clerk.login("clerk1")
        check(r.status == 200 and r.json["user"] == "clerk1" and r.json["role"] == "clerk", "clerk login")
        sc = r.getheader("Set-Cookie", "")
        check("HttpOnly" in sc and "SameSite=Strict" in sc and "Path=/" in sc and "Secure" not in sc,
              "cookie attributes: " + sc)
        check(re.fullmatch(r"[0-9a-f]{64}", r.json["csrf"] or "") is not None, "csrf is 256 bits hex")
        headers_ok(r, "login")
        r = clerk.req("GET", "/api/v1/me")
        check(r.status == 200 and r.json["user"] == "clerk1", "me")
        # reads (clerk)
        r = clerk.req("GET", "/api/v1/search?q=giay+khai+sinh")
        check(r.status == 200 and any(p["code"] == gks for p in r.json["papers"]),
              "search without diacritics finds the GKS")
        headers_ok(r, "search")
        r = clerk.req("GET", "/api/v1/search?q=")
        check(r.status == 400, "empty search: 400")
        r = clerk.req("GET", "/api/v1/owners/" + OWNER)
        check(r.status == 200 and len(r.json["papers"]) == 3, "owner: 3 papers")
        r = clerk.req("GET", "/api/v1/owners/12345")
        check(r.status == 400, "malformed owner id: 400, got %d" % r.status)
        r = clerk.req("GET", "/api/v1/reuse?owner=%s&procedure=1.000656" % OWNER)
        check(r.status == 200 and any(k["kind"] == "GKS" and k["papers"] for k in r.json["kinds"]), "reuse")
        r = clerk.req("GET", "/api/v1/reuse?owner=%s&procedure=9.999999" % OWNER)
        check(r.status == 404, "reuse of an unknown procedure: 404, got %d" % r.status)
        r = clerk.req("GET", "/api/v1/dossiers/" + d1)
        check(r.status == 200 and [p["code"] for p in r.json["papers"]] == [gks, evil], "dossier")
        r = clerk.req("GET", "/api/v1/papers/" + gks)
        check(r.status == 200 and r.json["kind"] == "GKS" and r.json["pages"][0]["text"], "paper")
        r = clerk.req("GET", "/api/v1/papers/%s/pages/1" % gks)
        check(r.status == 200 and r.getheader("Content-Type") == "image/jpeg" and r.data[:2] == b"\xff\xd8",
              "page image")
        headers_ok(r, "page")
        r = clerk.req("GET", "/api/v1/papers/%s/pages/1?w=120" % gks)
        check(r.status == 200 and r.data[:8] == b"\x89PNG\r\n\x1a\n" and
              int.from_bytes(r.data[16:20], "big") == 120, "preview 120 px wide PNG")
        check(clerk.req("GET", "/api/v1/papers/%s/pages/2" % gks).status == 404, "page 2 of 1: 404")
        check(clerk.req("GET", "/api/v1/papers/%s/pages/1?w=1" % gks).status == 400, "w=1: 400")
        check(clerk.req("GET", "/api/v1/papers/000.00.99.Z99-990101-0001-01-GKS").status == 404,
              "unknown paper: 404")
        check(clerk.req("GET", "/api/v1/papers/not-a-code").status == 400, "malformed code: 400")
        check(clerk.req("GET", "/api/v1/dossiers/" + gks).status == 400, "paper code as dossier: 400")
        # <script> in data stays a JSON string
        r = clerk.req("GET", "/api/v1/dossiers/" + d1)
        files = [p["file"] for p in r.json["papers"]]
        check(r.getheader("Content-Type") == "application/json" and "<script>alert(1).png" in files,
              "<script> file name is a JSON string value")
        check(b"<script>" in r.data and r.data.lstrip()[:1] == b"{", "the body is JSON, not HTML")
        # many at once: every answer right (thread pool, shared warehouse handle)
        import threading
        results = []

        def burst():
            for i in range(10):
                path = ["/api/v1/search?q=giay", "/api/v1/owners/" + OWNER, "/api/v1/papers/" + gks,
                        "/api/v1/papers/%s/pages/1?w=64" % gks][i % 4]
                r = clerk.req("GET", path)
                results.append(r.status)
        ts = [threading.Thread(target=burst) for _ in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        check(results == [200] * 80, "80 concurrent reads all 200: %s" % sorted(set(results)))
        # role refused
        r = clerk.req("GET", "/api/v1/users")
        check(r.status == 403 and "error" in r.json, "clerk on admin route: 403")
        desk = Client(srv)
        check(desk.login("desk1").status == 200, "desk login")
        r = desk.req("GET", "/api/v1/users")
        check(r.status == 403, "desk on admin route: 403, got %d" % r.status)
        r = desk.req("GET", "/api/v1/search?q=a")
        check(r.status == 403, "desk may not search: 403")
        # CSRF
        r = clerk.req("POST", "/api/v1/dossiers/%s/attach" % d2, {"paper": gks}, csrf=False)
        check(r.status == 403 and "CSRF" in r.json["error"], "attach without CSRF: 403")
        r = clerk.req("POST", "/api/v1/dossiers/%s/attach" % d2, {"paper": gks},
                      headers={"X-CSRF-Token": "0" * 64}, csrf=False)
        check(r.status == 403, "attach with a wrong CSRF token: 403")
        # attach, revoke
        r = clerk.req("POST", "/api/v1/dossiers/%s/attach" % d2, {"paper": gks})
        check(r.status == 200 and r.json["paper"] == gks, "attach: 200, got %d %s" % (r.status, r.data[:200]))
        r = clerk.req("POST", "/api/v1/dossiers/%s/attach" % d2, {"paper": gks})
        check(r.status == 409, "attach twice: 409, got %d" % r.status)
        r = clerk.req("POST", "/api/v1/dossiers/%s/attach" % d2, b"not json", ctype="application/json")
        check(r.status == 400, "attach with a body that is not JSON: 400")
        r = clerk.req("POST", "/api/v1/dossiers/%s/attach" % d2, {"paper": "x"})
        check(r.status == 400, "attach of a malformed code: 400")
        r = clerk.req("POST", "/api/v1/papers/%s/revoke" % cccd, {"reason": "Bị mất, đã cấp lại"})
        check(r.status == 200 and r.json["revoked"], "revoke")
        r = clerk.req("POST", "/api/v1/papers/%s/revoke" % cccd, {"reason": "again"})
        check(r.status == 409, "revoke twice: 409")
        r = clerk.req("POST", "/api/v1/papers/%s/revoke" % cccd, {})
        check(r.status == 400, "revoke without a reason: 400")
        r = clerk.req("GET", "/api/v1/papers/" + cccd)
        check(r.json["validity"]["status"] == "revoked" and r.json["validity"]["by"] == "clerk1",
              "revoked by the logged-in operator")
        r = clerk.req("GET", "/api/v1/dossiers/" + d2)
        check(gks in r.json["attached"], "attached paper listed")
        # archivist: verify, proof, audit
        arch = Client(srv)
        check(arch.login("arch1").status == 200, "archivist login")
        r = arch.req("GET", "/api/v1/papers/%s/verify" % gks)
        check(r.status == 200 and r.json["ok"] is True, "verify ok: %s" % r.data[:300])
        r = arch.req("GET", "/api/v1/papers/%s/proof" % gks)
        ok = r.status == 200 and r.getheader("Content-Type") == "application/x-tar"
        if check(ok, "proof: a tar"):
            names = tarfile.open(fileobj=io.BytesIO(r.data)).getnames()
            check(any(n.endswith("README.txt") or "README" in n for n in names) and len(names) > 3,
                  "proof tar holds the bundle: %s" % names)
        r = arch.req("GET", "/api/v1/audit?user=clerk1")
        cmds = [e["command"] for e in r.json["entries"]] if r.status == 200 else []
        check("login" in cmds and "search" in cmds and "owner" in cmds, "audit has login and reads: %s" % cmds)
        r = arch.req("GET", "/api/v1/audit")
        cmds = [e["command"] for e in r.json["entries"]]
        check("login-failed" in cmds, "failed logins audited")
        r = arch.req("GET", "/api/v1/report?from=2000-01-01&to=2099-12-31&by=procedure")
        check(r.status == 200 and r.json["rows"][0]["dossiers"] == 2, "report")
        # the backlog's indicator for the same months (docs/ARCHIVE.md): no totals, no archive papers
        bl = r.json.get("backlog") or {}
        check(bl.get("targets", {}).get("commune") == 15 and bl.get("to_date") == [], "report backlog")
        check(arch.req("GET", "/api/v1/report?from=x&to=y").status in (400, 422), "report bad dates")
        # admin
        adm = Client(srv)
        check(adm.login("admin1").status == 200, "admin login")
        r = adm.req("GET", "/api/v1/users")
        check(r.status == 200 and any(u["name"] == "gone" and u["disabled"] for u in r.json["users"]), "users")
        r = adm.req("GET", "/api/v1/keys")
        check(r.status == 200 and len(r.json["keys"]) == 1, "keys")
        own = r.json["keys"][0]["key_id"] if r.status == 200 and r.json["keys"] else "x"
        check(r.status == 200 and r.json["keys"][0]["server"] is True and r.json["keys"][0]["reason"] is None,
              "keys: the server's own key is marked")
        r = adm.req("POST", "/api/v1/keys/rotate", {})
        check(r.status == 409 and "sohoa keys rotate" in r.json["error"], "keys rotate over the API: 409 with what to do")
        r = adm.req("POST", "/api/v1/keys/%s/revoke" % own, {"reason": "thử"})
        check(r.status == 409, "revoking the server's own key: 409, got %d" % r.status)
        r = adm.req("POST", "/api/v1/keys/%s/revoke" % own, {})
        check(r.status == 400, "key revoke without a reason: 400, got %d" % r.status)
        r = adm.req("POST", "/api/v1/keys/%s/revoke" % ("0" * 64), {"reason": "thử"})
        check(r.status == 404, "revoking an unknown key: 404, got %d" % r.status)
        r = desk.req("POST", "/api/v1/keys/%s/revoke" % own, {"reason": "thử"})
        check(r.status == 403, "a desk account cannot revoke a key: 403, got %d" % r.status)
        r = adm.req("GET", "/api/v1/keys")
        check(r.status == 200 and r.json["keys"][0]["revoked"] is None, "keys: still not revoked")
        r = adm.req("POST", "/api/v1/users", {"name": "desk2", "role": "desk", "password": "pw-desk-2"})
        check(r.status == 201, "add user: 201, got %d" % r.status)
        d2c = Client(srv)
        check(d2c.login("desk2", "pw-desk-2").status == 200, "new user logs in")
        r = adm.req("POST", "/api/v1/users/desk2/disable")
        check(r.status == 200, "disable")
        check(d2c.req("GET", "/api/v1/me").status == 401, "disabled user's session ended")
        check(d2c.login("desk2", "pw-desk-2").status == 401, "disabled user cannot log in")
        # uploads
        img = open(os.path.join(DATA, "papers", "dev03-giay-khai-sinh-office200.jpg"), "rb").read()
        body, ct = multipart([("owner", OWNER), ("procedure", "1.001193")], [("gks.jpg", img)])
        r = desk.req("POST", "/api/v1/dossiers", body, ctype=ct, headers={"Idempotency-Key": "t-1"})
        ok = check(r.status == 201 and r.json["components"][0]["file"] == "gks.jpg" and
                   r.json["components"][0]["code"].endswith("-01-GKS") and r.json["components"][0]["pages"] == 1,
                   "upload: 201 with the JSON of ingest --json, got %d %s" % (r.status, r.data[:200]))
        if ok:
            up = r.json["dossier"]
            r = desk.req("POST", "/api/v1/dossiers", body, ctype=ct, headers={"Idempotency-Key": "t-1"})
            check(r.status == 200 and r.json["dossier"] == up, "a retried upload stores nothing new")
            r = clerk.req("GET", "/api/v1/dossiers/" + up)
            check(r.status == 200 and r.json["operator"] == "desk1", "uploaded dossier's operator is desk1")
            res, ctr = multipart([], [("kq.png", open(os.path.join(DATA, "papers", "dev01-quyet-dinh-clean300.png"), "rb").read())])
            r = desk.req("POST", "/api/v1/dossiers/%s/results" % up, res, ctype=ctr)
            check(r.status == 201 and r.json["results"][0]["code"] == up + "-KQ1", "results upload: %d %s" % (r.status, r.data[:200]))
        n_before = len(clerk.req("GET", "/api/v1/owners/" + OWNER).json["papers"])
        body2, ct2 = multipart([("owner", "123"), ("procedure", "1.001193")], [("gks.jpg", img)])
        check(desk.req("POST", "/api/v1/dossiers", body2, ctype=ct2).status == 422, "upload, bad owner: 422")
        body3, ct3 = multipart([("owner", OWNER), ("procedure", "1.001193")], [])
        check(desk.req("POST", "/api/v1/dossiers", body3, ctype=ct3).status == 422, "upload, no file: 422")
        check(desk.req("POST", "/api/v1/dossiers", b"--x\r\nbroken", ctype="multipart/form-data; boundary=x"
                       ).status == 400, "upload, broken multipart: 400")
        bad_img, ctx = multipart([("owner", OWNER), ("procedure", "1.001193")],
                                 [("a.jpg", img), ("b.png", b"not an image at all")])
        r = desk.req("POST", "/api/v1/dossiers", bad_img, ctype=ctx)
        check(r.status == 422 and "error" in r.json, "upload with a file that is not an image: 422, got %d %s"
              % (r.status, r.data[:200]))
        check(len(clerk.req("GET", "/api/v1/owners/" + OWNER).json["papers"]) == n_before,
              "refused uploads stored nothing")
        ctb = ct
        # a 413 before the body is read: only the headers are sent
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.sendall(("POST /api/v1/dossiers HTTP/1.1\r\nHost: x\r\nCookie: sohoa_session=%s\r\n"
                   "X-CSRF-Token: %s\r\nContent-Type: %s\r\nContent-Length: 999999999\r\n\r\n"
                   % (desk.cookie, desk.csrf, ctb)).encode())
        resp = s.recv(4096)
        s.close()
        check(resp.startswith(b"HTTP/1.1 413"), "413 before reading the body: %r" % resp[:40])
        # an upload without a session (or without the CSRF token) is refused before its body
        for cookie, want in (("", b"HTTP/1.1 401"), ("Cookie: sohoa_session=%s\r\n" % desk.cookie, b"HTTP/1.1 403")):
            s = socket.create_connection(("127.0.0.1", srv.port))
            s.sendall(("POST /api/v1/dossiers HTTP/1.1\r\nHost: x\r\n%sContent-Type: %s\r\n"
                       "Content-Length: 500000\r\n\r\n" % (cookie, ctb)).encode())
            resp = s.recv(4096)
            s.close()
            check(resp.startswith(want), "upload refused before its body: %r" % resp[:40])
        # streamed (chunked, no length) past the limit: the connection is cut
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.sendall(("POST /api/v1/dossiers HTTP/1.1\r\nHost: x\r\nCookie: sohoa_session=%s\r\n"
                   "X-CSRF-Token: %s\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n"
                   % (desk.cookie, desk.csrf, ctb)).encode())
        sent, cut = 0, False
        chunk = b"%x\r\n%s\r\n" % (65536, b"\0" * 65536)
        try:
            while sent < 8000000:
                s.sendall(chunk)
                sent += 65536
        except OSError:
            cut = True
        if not cut:
            s.settimeout(30)
            try:
                r = s.recv(4096)
                cut = r == b"" or r.startswith(b"HTTP/1.1 413")
            except OSError:
                cut = True
        s.close()
        check(cut and sent < 8000000, "a chunked body past --max-upload is cut (sent %d)" % sent)
        # hostile paths
        for path in ("/api/v1/../../etc/passwd", "/api/v1/papers/%2e%2e", "/api/v1/papers/a%00b",
                     "/api/v1/papers/%C0%AE%C0%AE", "/api/v1/papers/%ff", "/api/v1/papers/%zz",
                     "/api/v1//me", "/..%2f..%2fetc%2fpasswd"):
            s = socket.create_connection(("127.0.0.1", srv.port))
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nCookie: sohoa_session=%s\r\nConnection: close\r\n\r\n"
                       % (path, clerk.cookie)).encode())
            resp = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                resp += chunk
            s.close()
            check(resp.startswith(b"HTTP/1.1 400"), "path %s: 400, got %r" % (path, resp[:20]))
        check(clerk.req("GET", "/api/v1/nosuch").status == 404, "unknown API route: 404")
        check(clerk.req("POST", "/api/v1/search", {}).status == 405, "wrong method: 405")
        if os.environ.get("SRV_WEB") == "1":
            r = anon.req("GET", "/")
            check(r.status == 200 and r.getheader("Content-Type", "").startswith("text/html") and
                  b"<html" in r.data.lower(), "/ is the built-in index.html")
            headers_ok(r, "index.html")
            check(r.getheader("Cache-Control") == "no-cache", "pages: Cache-Control no-cache")
            check(anon.req("POST", "/").status == 405, "POST to a page: 405")
        r = anon.req("GET", "/no-such-page.html")
        check(r.status == 404, "unknown page: 404")
        headers_ok(r, "page 404")
        r = clerk.req("GET", "/api/v1/me", headers={"X-Big": "a" * 100000})
        check(r.status in (413, 431), "huge header refused, got %d" % r.status)
        # logout
        r = clerk.req("POST", "/api/v1/logout", csrf=False)
        check(r.status == 403, "logout without CSRF: 403")
        r = clerk.req("POST", "/api/v1/logout")
        check(r.status == 200, "logout")
        check(clerk.req("GET", "/api/v1/me").status == 401, "after logout: 401")
        r = arch.req("GET", "/api/v1/audit?user=clerk1")
        check("logout" in [e["command"] for e in r.json["entries"]], "logout audited")
        # throttle: from another loopback address, against one account
        t = Client(srv, source="127.0.0.2")
        codes = [t.login("victim", "wrong-%d" % i).status for i in range(5)]
        check(codes == [401] * 5, "five wrong passwords: 401 each, got %s" % codes)
        r = t.login("victim", "wrong-6")
        check(r.status == 429 and int(r.getheader("Retry-After", "0")) >= 1, "sixth try: 429 + Retry-After")
        r = Client(srv).login("victim")
        check(r.status == 429, "the account waits even from another address with the right password")
        check(Client(srv).login("clerk1").status == 200, "another account from 127.0.0.1 is not throttled")
        check(Client(srv, source="127.0.0.2").login("clerk1").status == 429, "the address waits too")
        # SIGTERM while an upload is in flight: it finishes (201), then exit 0.
        # "Expect: 100-continue" says when the server has taken the request.
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.sendall(("POST /api/v1/dossiers HTTP/1.1\r\nHost: x\r\nCookie: sohoa_session=%s\r\n"
                   "X-CSRF-Token: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
                   "Expect: 100-continue\r\nConnection: close\r\n\r\n"
                   % (desk.cookie, desk.csrf, ct, len(body))).encode())
        s.settimeout(120)
        cont = s.recv(4096)
        check(cont.startswith(b"HTTP/1.1 100"), "100 Continue: %r" % cont[:30])
        srv.proc.send_signal(signal.SIGTERM)
        s.sendall(body)
        resp = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            resp += chunk
        s.close()
        check(resp.startswith(b"HTTP/1.1 201"), "the upload in flight at SIGTERM finished: %r" % resp[:40])
        code = srv.stop()
        check(code == 0, "SIGTERM with a request in flight: exit 0, got %s" % code)
        try:
            socket.create_connection(("127.0.0.1", srv.port), timeout=5).close()
            check(False, "nothing listens after the stop")
        except OSError:
            pass
    finally:
        code = srv.stop()
    check(code == 0, "SIGTERM: exit 0, got %s" % code)


def case_openapi(wh):
    wh.ingest()
    srv = Server(wh)
    try:
        anon = Client(srv)
        r = anon.req("GET", "/api/v1/openapi.json")
        check(r.status == 200 and r.json["openapi"].startswith("3."), "openapi.json served")
        doc = r.json
        documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
        # the router table, from the binary's own listing
        routes = set()
        out = subprocess.run([os.environ["SRV_ROUTES"]], capture_output=True, text=True).stdout
        for line in out.splitlines():
            m, p = line.split()
            routes.add((m, p))
        check(routes and routes <= documented, "undocumented routes: %s" % sorted(routes - documented))
        check(documented <= routes, "documented but not routed: %s" % sorted(documented - routes))
        users = {}
        for u in ("admin1", "desk1", "clerk1", "arch1"):
            users[u] = Client(srv)
            users[u].login(u)
        gks = wh.d1["components"][0]["code"]
        vals = {"code": gks, "id": OWNER, "n": "1", "name": "nopass", "sha256": "0" * 64}
        for m, p in sorted(documented):
            path = re.sub(r"\{(\w+)\}", lambda mo: vals[mo.group(1)], p)
            if p.startswith("/api/v1/dossiers/{code}"):
                path = path.replace(gks, wh.d1["dossier"])
            if p == "/api/v1/search":
                path += "?q=giay"
            if p == "/api/v1/reuse":
                path += "?owner=%s&procedure=1.001193" % OWNER
            if p == "/api/v1/report":
                path += "?from=2000-01-01&to=2099-12-31"
            statuses = []
            for c in users.values():
                r = c.req(m, path, {} if m == "POST" else None)
                statuses.append(r.status)
            check(all(s not in (404, 405) for s in statuses) or
                  (p == "/api/v1/logout"), "%s %s answers: %s" % (m, p, statuses))
    finally:
        code = srv.stop()
    check(code == 0, "SIGTERM: exit 0")


def case_tls(wh):
    cert, key = wh.dir + "/cert.pem", wh.dir + "/key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    # plain HTTP on a non-loopback address is refused
    p = subprocess.run([SOHOA, "serve", "--listen", "0.0.0.0:0"], env=wh.env, capture_output=True, text=True)
    check(p.returncode != 0 and "loopback" in p.stderr, "plain HTTP on 0.0.0.0 refused: %s" % p.stderr)
    p = subprocess.run([SOHOA, "serve", "--listen", "127.0.0.1:0", "--tls-cert", cert], env=wh.env,
                       capture_output=True, text=True)
    check(p.returncode == 2 or p.returncode == 3, "cert without key refused")
    srv = Server(wh, "--tls-cert", cert, "--tls-key", key)
    try:
        check(srv.tls, "https announced")
        c = Client(srv)
        r = c.login("clerk1")
        check(r.status == 200 and "Secure" in r.getheader("Set-Cookie", ""), "Secure cookie under TLS")
        check(r.getheader("Strict-Transport-Security") is not None, "HSTS under TLS")
        check(c.req("GET", "/api/v1/me").status == 200, "session over TLS")
    finally:
        code = srv.stop()
    check(code == 0, "SIGTERM: exit 0")


def case_slow(wh):
    srv = Server(wh, "--timeout", "2")
    try:
        # one byte a second: keeps an idle timeout from firing, cut anyway
        s = socket.create_connection(("127.0.0.1", srv.port))
        req = b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n"
        cut = False
        s.settimeout(1.0)
        for i in range(len(req) * 4):
            try:
                s.sendall(req[i % len(req):i % len(req) + 1] if i < len(req) else b"X")
                data = s.recv(1)
                if data == b"":
                    cut = True
                    break
            except socket.timeout:
                continue
            except OSError:
                cut = True
                break
        s.close()
        check(cut, "a client sending a byte a second is cut off")
        # an in-flight request finishes on SIGTERM
        c = Client(srv)
        check(c.login("clerk1").status == 200, "server still serves after the cut")
    finally:
        code = srv.stop()
    check(code == 0, "SIGTERM: exit 0")


def case_batch(wh):
    """Staged capture over the network: create, upload, review, commit."""
    srv = Server(wh, "--max-upload", "3000000")
    try:
        desk, clerk, other = Client(srv), Client(srv), Client(srv)
        desk.login("desk1")
        clerk.login("clerk1")
        anon = Client(srv)
        check(anon.req("POST", "/api/v1/batches", {"owner": OWNER, "procedure": "1.001193"}).status == 401,
              "batch without a session: 401")
        check(clerk.req("POST", "/api/v1/batches", {"owner": OWNER, "procedure": "1.001193"}).status == 403,
              "batch by a clerk (no ingest): 403")
        check(desk.req("POST", "/api/v1/batches", {"owner": OWNER, "procedure": "1.001193"},
                       csrf=False).status == 403, "batch without the CSRF token: 403")
        check(desk.req("POST", "/api/v1/batches", {"owner": "123", "procedure": "1.001193"}).status == 422,
              "batch with a bad owner: 422")
        check(desk.req("POST", "/api/v1/batches", {"owner": OWNER, "procedure": "9.999999"}).status == 422,
              "batch with a procedure not in the catalogue: 422")
        check(desk.req("POST", "/api/v1/batches", {"owner": OWNER}).status == 400, "batch without procedure: 400")
        r = desk.req("POST", "/api/v1/batches", {"owner": OWNER, "procedure": "1.001193"})
        if not check(r.status == 201 and re.match(r"^B\d{6}-\d+$", r.json["batch"]),
                     "batch created: %d %s" % (r.status, r.data[:200])):
            return
        name = r.json["batch"]
        base = "/api/v1/batches/" + name
        headers_ok(r, "batch create")
        r = desk.req("GET", "/api/v1/batches")
        check(r.status == 200 and [b["batch"] for b in r.json["batches"]] == [name], "GET batches lists it")
        # another desk account does not see it
        wh.run("user", "add", "desk9", "--role", "desk", "--password-file", wh.dir + "/pw", user="admin1")
        other.login("desk9")
        check(other.req("GET", base).status == 404, "another account's batch: 404")
        check(other.req("GET", "/api/v1/batches").json["batches"] == [], "another account lists none")
        check(desk.req("GET", "/api/v1/batches/..").status == 400, "batch name '..': 400")
        check(desk.req("GET", "/api/v1/batches/B%2e%2e").status == 400, "batch name with %2e: 400")
        check(desk.req("GET", "/api/v1/batches/B000000-99").status == 404, "unknown batch: 404")
        # pages: a two-page upload (two files) then one more
        gks = open(os.path.join(DATA, "papers", "dev03-giay-khai-sinh-office200.jpg"), "rb").read()
        qd = open(os.path.join(DATA, "papers", "dev01-quyet-dinh-clean300.png"), "rb").read()
        body, ct = multipart([], [("gks.jpg", gks), ("<script>.png", qd)])
        check(anon.req("POST", base + "/pages", body, ctype=ct).status == 401, "pages without a session: 401")
        bad, ctb = multipart([], [("x.png", b"not an image")])
        r = desk.req("POST", base + "/pages", bad, ctype=ctb)
        check(r.status == 422 and "error" in r.json, "a page that is not an image: 422")
        check(desk.req("POST", base + "/pages", b"--x\r\nbroken", ctype="multipart/form-data; boundary=x"
                       ).status == 400, "broken multipart: 400")
        # over --max-upload: 413 before the body is read (only the headers are sent)
        sk = socket.create_connection(("127.0.0.1", srv.port))
        sk.sendall(("POST %s/pages HTTP/1.1\r\nHost: x\r\nCookie: sohoa_session=%s\r\n"
                    "X-CSRF-Token: %s\r\nContent-Type: %s\r\nContent-Length: 3100000\r\n\r\n"
                    % (base, desk.cookie, desk.csrf, ct)).encode())
        resp = sk.recv(4096)
        sk.close()
        check(resp.startswith(b"HTTP/1.1 413"), "pages over --max-upload: 413 %r" % resp[:40])
        r = desk.req("POST", base + "/pages", body, ctype=ct)
        ok = check(r.status == 201 and len(r.json["pages"]) == 2, "pages uploaded: %d %s" % (r.status, r.data[:300]))
        if not ok:
            return
        pages = r.json["pages"]
        check(all(p["thumbnail"].startswith(base + "/pages/") and "flags" in p and "blank" in p and
                  "rescan" in p for p in pages), "each page has thumbnail URL and flags")
        check(len(r.json["papers"]) == 1 and "facts" in r.json["papers"][0] and
              "confidence" in r.json["papers"][0] and "other_owner" in r.json["papers"][0],
              "the batch's paper has facts, confidence and other_owner: %s" % r.json["papers"])
        check(any("text" in p and p["text"] for p in pages), "pages carry their text")
        g = desk.req("GET", base)
        check(g.status == 200 and [p["id"] for p in g.json["pages"]] == [p["id"] for p in pages],
              "GET batch lists the same pages")
        id1, id2 = pages[0]["id"], pages[1]["id"]
        r = desk.req("GET", pages[0]["thumbnail"])
        check(r.status == 200 and r.getheader("Content-Type") == "image/png" and r.data[:4] == b"\x89PNG",
              "thumbnail is a PNG")
        check(desk.req("GET", base + "/pages/%d?w=3" % id1).status == 400, "thumbnail ?w=3: 400")
        check(desk.req("GET", base + "/pages/999").status == 404, "thumbnail of an unknown page: 404")
        check(desk.req("GET", base + "/pages/abc").status == 400, "thumbnail of page abc: 400")
        # review
        r = desk.req("POST", base + "/rotate", {"page": id1, "degrees": 90})
        check(r.status == 200 and r.json["pages"][0]["rotation"] == 90, "rotate: %d %s" % (r.status, r.data[:200]))
        check(desk.req("POST", base + "/rotate", {"page": id1, "degrees": 45}).status == 400, "rotate 45: 400")
        check(desk.req("POST", base + "/rotate", {"page": 999, "degrees": 90}).status == 404, "rotate unknown page: 404")
        r = desk.req("POST", base + "/rotate", {"page": id1, "degrees": -90})
        check(r.status == 200 and r.json["pages"][0]["rotation"] == 0, "rotate back")
        r = desk.req("POST", base + "/move", {"page": id2, "position": 0})
        check(r.status == 200 and [p["id"] for p in r.json["pages"]] == [id2, id1], "move")
        check(desk.req("POST", base + "/move", {"page": id2, "position": 7}).status == 400, "move past the end: 400")
        r = desk.req("POST", base + "/move", {"page": id2, "position": 1})
        check(r.status == 200 and [p["id"] for p in r.json["pages"]] == [id1, id2], "move back")
        r = desk.req("POST", base + "/split", {"positions": [0, 1]})
        check(r.status == 200 and [p["pages"] for p in r.json["papers"]] == [[id1], [id2]],
              "split: %d %s" % (r.status, r.data[:300]))
        check(desk.req("POST", base + "/split", {"positions": [1]}).status == 422, "split not starting at 0: 422")
        check(desk.req("POST", base + "/split", {"positions": "x"}).status == 400, "split with a string: 400")
        r = desk.req("POST", base + "/kind", {"paper": 0, "kind": "GKS"})
        check(r.status == 200 and r.json["papers"][0]["kind"] == "GKS", "kind: %d %s" % (r.status, r.data[:200]))
        check(desk.req("POST", base + "/kind", {"paper": 5, "kind": "GKS"}).status == 404, "kind of paper 5: 404")
        check(desk.req("POST", base + "/kind", {"paper": 0, "kind": "<b>"}).status == 422, "kind <b>: 422")
        # a third page, then deleted
        one, ct1 = multipart([], [("again.jpg", gks)])
        r = desk.req("POST", base + "/pages", one, ctype=ct1)
        check(r.status == 201 and len(r.json["pages"]) == 3, "third page")
        id3 = r.json["pages"][2]["id"]
        r = desk.req("POST", base + "/delete", {"page": id3})
        check(r.status == 200 and [p["id"] for p in r.json["pages"]] == [id1, id2], "delete")
        check(desk.req("POST", base + "/delete", {"page": id3}).status == 404, "delete twice: 404")
        check(desk.req("POST", base + "/delete", {"page": "1"}).status == 400, "delete with a string: 400")
        check(desk.req("POST", base + "/delete", b"[1]", ctype="application/json").status == 400,
              "a body that is not an object: 400")
        check(desk.req("POST", base + "/delete", b"{}", ctype="text/plain").status == 415,
              "a body that is not JSON: 415")
        check(other.req("POST", base + "/commit").status == 404, "another account cannot commit it")
        # commit, twice
        r = desk.req("POST", base + "/commit")
        ok = check(r.status == 201 and len(r.json["components"]) == 2 and
                   r.json["components"][0]["code"].endswith("-01-GKS"),
                   "commit: 201 with the upload's JSON: %d %s" % (r.status, r.data[:300]))
        if ok:
            dossier = r.json["dossier"]
            r2 = desk.req("POST", base + "/commit")
            check(r2.status == 200 and r2.json == r.json, "second commit answers the same dossier")
            r = clerk.req("GET", "/api/v1/dossiers/" + dossier)
            check(r.status == 200 and r.json["operator"] == "desk1" and len(r.json["papers"]) == 2,
                  "committed dossier's operator is desk1")
            check(desk.req("POST", base + "/rotate", {"page": id1, "degrees": 90}).status == 409,
                  "review after commit: 409")
            check(desk.req("POST", base + "/pages", one, ctype=ct1).status == 409, "pages after commit: 409")
            check(desk.req("GET", "/api/v1/batches").json["batches"] == [], "committed batch no longer listed")
        # an empty batch cannot be committed
        r = desk.req("POST", "/api/v1/batches", {"owner": OWNER, "procedure": "1.001193"})
        check(desk.req("POST", "/api/v1/batches/%s/commit" % r.json["batch"]).status == 422,
              "commit of an empty batch: 422")
        # capture stations: a token shown once, stored hashed, bearer auth, ingest only
        p = wh.run("station", "add", "scan-a", user="desk1", ok=False)
        check(p.returncode == 8, "station add by a desk: exit 8, got %d" % p.returncode)
        p = wh.run("station", "add", "scan-a", user="admin1")
        tok = p.stdout.strip()
        check(re.match(r"^[0-9a-f]{64}$", tok), "station add prints a 256-bit token: %r" % p.stdout)
        check(wh.run("station", "add", "scan-a", user="admin1", ok=False).returncode != 0,
              "station add of an existing name fails")
        check(wh.run("station", "add", "Bad/Name", user="admin1", ok=False).returncode == 3,
              "station add with a bad name: exit 3")
        check(wh.run("station", "list", user="admin1").stdout == "scan-a\n", "station list")
        raw = open(os.path.join(wh.dir, "store", "data.mdb"), "rb").read()
        check(tok.encode() not in raw, "the token itself is not stored")
        st = Client(srv)
        auth = {"Authorization": "Bearer " + tok}
        r = st.req("POST", "/api/v1/batches", {"owner": OWNER, "procedure": "1.001193"}, headers=auth)
        if check(r.status == 201, "station creates a batch without cookie or CSRF: %d %s" % (r.status, r.data[:200])):
            sb = "/api/v1/batches/" + r.json["batch"]
            body1, ct1 = multipart([], [("s.jpg", gks)])
            # the early refusal before the body: a wrong token is 401
            check(st.req("POST", sb + "/pages", body1, ctype=ct1,
                         headers={"Authorization": "Bearer " + "0" * 64}).status == 401,
                  "pages with an unknown token: 401")
            r = st.req("POST", sb + "/pages", body1, ctype=ct1, headers=auth)
            check(r.status == 201 and len(r.json["pages"]) == 1, "station uploads a page: %d" % r.status)
            check(st.req("GET", sb, headers=auth).status == 403, "station may not read a batch: 403")
            check(st.req("GET", "/api/v1/search?q=giay", headers=auth).status == 403, "station may not search: 403")
            check(st.req("GET", "/api/v1/me", headers=auth).status == 403, "station has no /me")
            check(desk.req("GET", sb).status == 404, "a desk account does not see a station's batch")
            r = st.req("POST", sb + "/commit", headers=auth)
            if check(r.status == 201, "station commits: %d %s" % (r.status, r.data[:200])):
                r = clerk.req("GET", "/api/v1/dossiers/" + r.json["dossier"])
                check(r.status == 200 and r.json["operator"] == "station:scan-a",
                      "the station is the dossier's operator: %s" % (r.json or {}).get("operator"))
        check(wh.run("station", "revoke", "scan-a", user="admin1").returncode == 0, "station revoke")
        check(st.req("POST", "/api/v1/batches", {"owner": OWNER, "procedure": "1.001193"},
                     headers=auth).status == 401, "a revoked token: 401")
        check(wh.run("station", "revoke", "scan-a", user="admin1", ok=False).returncode == 4,
              "revoke twice: exit 4")
        check(st.req("POST", "/api/v1/batches", {"owner": OWNER, "procedure": "1.001193"},
                     headers={"Authorization": "Basic eDp5"}).status == 401, "a non-bearer Authorization: 401")
        # a form a citizen filled in by hand: the batch names the handwritten
        # facts for the desk and carries no value for them (issue 18)
        r = desk.req("POST", "/api/v1/batches", {"owner": OWNER, "procedure": "1.001193"})
        if check(r.status == 201, "batch for a handwritten form: %d" % r.status):
            hb = "/api/v1/batches/" + r.json["batch"]
            form = open(os.path.join(DATA, "ocr", "hand-gks-serif200.tif"), "rb").read()
            bodyh, cth = multipart([], [("form.tif", form)])
            r = desk.req("POST", hb + "/pages", bodyh, ctype=cth)
            pp = (r.json or {}).get("papers") or [{}]
            check(r.status == 201 and "owner_name" in pp[0].get("handwritten", []) and
                  "owner_name" not in pp[0].get("facts", {}) and pp[0].get("review") is True,
                  "a handwritten name is named, not read, and the paper is to review: %d %s" % (r.status, pp[0]))
            g = desk.req("GET", hb)
            check(g.status == 200 and "owner_name" in g.json["papers"][0].get("handwritten", []),
                  "GET batch keeps the handwritten list: %s" % g.json["papers"][0])
    finally:
        code = srv.stop()
    check(code == 0, "SIGTERM: exit 0, got %s" % code)


def case_client(wh):
    """The command line as a client: login, ingest, search, owner, reuse,
    attach, revoke, verify with --server; a station token ingesting through
    a batch."""
    wh.ingest()
    srv = Server(wh)
    url = "http://127.0.0.1:%d" % srv.port
    try:
        env = dict(wh.env)
        env["SOHOA_STORE"] = wh.dir + "/nowhere"  # nothing local: every answer comes from the server
        env.pop("SOHOA_SERVER", None)

        def cli(*args, user_env=None, inp=None):
            return subprocess.run([SOHOA] + list(args), env=user_env or env, capture_output=True,
                                  text=True, input=inp)
        p = cli("search", "--server", url, "giay")
        check(p.returncode == 8 and "login" in p.stderr, "search before login: exit 8 %d %s" % (p.returncode, p.stderr))
        wh.write("bad", "wrong\n")
        p = cli("login", "--server", url, "desk1", "--password-file", wh.dir + "/bad")
        check(p.returncode == 8, "login with a wrong password: exit 8, got %d %s" % (p.returncode, p.stderr))
        p = cli("login", "--server", url, "desk1", "--password-file", wh.dir + "/pw")
        check(p.returncode == 0, "login: %s" % p.stderr)
        sess = os.path.join(wh.dir, "config", "sohoa", "session")
        check(os.path.exists(sess) and os.stat(sess).st_mode & 0o777 == 0o600, "session saved 0600")
        img = os.path.join(DATA, "papers", "dev03-giay-khai-sinh-office200.jpg")
        p = cli("ingest", "--server", url, "--json", "--owner", OWNER, "--procedure", "1.001193", img)
        ok = check(p.returncode == 0, "ingest --server: %d %s" % (p.returncode, p.stderr))
        up = json.loads(p.stdout) if ok else None
        check(up and up["components"][0]["code"].endswith("-01-GKS") and up["components"][0]["pages"] == 1,
              "ingest --server --json prints the ingest JSON: %s" % p.stdout)
        p = cli("ingest", "--server", url, "--owner", "123", "--procedure", "1.001193", img)
        check(p.returncode == 3 and "owner" in p.stderr, "ingest --server with a bad owner: exit 3, %d %s" % (p.returncode, p.stderr))
        p = cli("ingest", "--server", url, "--owner", OWNER, "--procedure", "1.001193", wh.dir + "/missing.png")
        check(p.returncode == 4, "ingest --server of a missing file: exit 4, got %d" % p.returncode)
        p = cli("search", "--server", url, "giay")
        check(p.returncode == 8, "search by a desk over the server: role refused, exit 8 (%d)" % p.returncode)
        # a clerk, through SOHOA_SERVER
        cli("logout")
        check(not os.path.exists(sess), "logout removes the session")
        p = cli("login", "--server", url, "clerk1", "--password-file", wh.dir + "/pw")
        check(p.returncode == 0, "clerk login")
        env2 = dict(env, SOHOA_SERVER=url)
        p = cli("search", "khai", "sinh", user_env=env2)
        lines = p.stdout.splitlines()
        check(p.returncode == 0 and lines and all(l.split("\t")[2] == OWNER for l in lines) and
              any(up and l.startswith(up["components"][0]["code"]) for l in lines),
              "search via SOHOA_SERVER finds the uploaded paper: %d %r %s" % (p.returncode, p.stdout, p.stderr))
        p = cli("owner", "--server", url, OWNER)
        check(p.returncode == 0 and p.stdout.startswith("owner %s: " % OWNER), "owner --server: %s" % p.stdout[:100])
        p = cli("reuse", "--server", url, "--owner", OWNER, "--procedure", "1.001193", "--json")
        check(p.returncode == 0 and json.loads(p.stdout)["owner"] == OWNER, "reuse --server --json")
        p = cli("owner", "--server", url, "12")
        check(p.returncode == 3, "owner --server with a malformed id: exit 3 (%d)" % p.returncode)
        p = cli("verify", "--server", url, wh.d1["components"][0]["code"])
        check(p.returncode == 8, "verify by a clerk: exit 8 (%d)" % p.returncode)
        gks = wh.d1["components"][0]["code"]
        if up:
            p = cli("attach", "--server", url, wh.d2["dossier"], gks)
            check(p.returncode == 0 and p.stdout.startswith("attached %s to %s" % (gks, wh.d2["dossier"])),
                  "attach --server: %d %s %s" % (p.returncode, p.stdout, p.stderr))
            p = cli("attach", "--server", url, wh.d2["dossier"], gks)
            check(p.returncode == 3 or p.returncode == 4 or p.returncode == 1 or p.returncode == 5 or p.returncode != 0,
                  "attach twice fails")
            cli("logout")
            cli("login", "--server", url, "desk1", "--password-file", wh.dir + "/pw")
            p = cli("result", "add", "--server", url, up["dossier"], os.path.join(DATA, "papers", "dev01-quyet-dinh-clean300.png"))
            check(p.returncode == 0 and p.stdout.startswith("result %s-KQ1 stored  dev01-quyet-dinh-clean300.png (1 page)" % up["dossier"]),
                  "result add --server: %d %s %s" % (p.returncode, p.stdout, p.stderr))
            cli("logout")
            cli("login", "--server", url, "clerk1", "--password-file", wh.dir + "/pw")
            p = cli("report", "--server", url, "--from", "2000-01-01", "--to", "2099-12-31", "--json")
            check(p.returncode == 0 and "rows" in json.loads(p.stdout), "report --server --json: %s %s" % (p.stdout[:100], p.stderr))
            # text and CSV: the same lines as the local report of the same warehouse
            for form in ([], ["--csv"], ["--by", "procedure"], ["--by", "agency", "--csv"]):
                args = ["report", "--from", "2000-01-01", "--to", "2099-12-31"] + form
                p = cli(*(args[:1] + ["--server", url] + args[1:]))
                loc = wh.run(*args, user="clerk1")
                check(p.returncode == 0 and p.stdout == loc.stdout and p.stdout,
                      "report --server %s prints what the local report prints: %r vs %r %s"
                      % (" ".join(form), p.stdout[:200], loc.stdout[:200], p.stderr))
            p = cli("report", "--server", url, "--from", "2000-01-01", "--to", "2099-12-31", "--json", "--csv")
            check(p.returncode == 2, "report --server --json --csv: usage error (%d)" % p.returncode)
            p = cli("revoke", "--server", url, up["components"][0]["code"], "--reason", "cấp nhầm")
            check(p.returncode == 0 and p.stdout.startswith("revoked " + up["components"][0]["code"]),
                  "revoke --server: %s %s" % (p.stdout, p.stderr))
        cli("logout")
        p = cli("login", "--server", url, "arch1", "--password-file", wh.dir + "/pw")
        p = cli("verify", "--server", url, gks)
        check(p.returncode == 0 and p.stdout.startswith(gks + ": ok"), "verify --server: %d %s %s" % (p.returncode, p.stdout, p.stderr))
        # export-proof --server: the bundle written as the local command writes it
        rdir, ldir = wh.dir + "/proof-remote", wh.dir + "/proof-local"
        p = cli("export-proof", "--server", url, gks, rdir)
        check(p.returncode == 0 and p.stdout == "proof bundle for %s written to %s\n" % (gks, rdir),
              "export-proof --server: %d %s %s" % (p.returncode, p.stdout, p.stderr))
        wh.run("export-proof", gks, ldir, user="arch1")
        names = sorted(os.listdir(ldir))
        check(os.path.isdir(rdir) and sorted(os.listdir(rdir)) == names,
              "export-proof --server: the same files: %s" % (os.listdir(rdir) if os.path.isdir(rdir) else None))
        for n in names:
            if os.path.exists(os.path.join(rdir, n)):
                with open(os.path.join(rdir, n), "rb") as a, open(os.path.join(ldir, n), "rb") as b:
                    check(a.read() == b.read(), "export-proof --server: %s as the local one" % n)
        p = cli("export-proof", "--server", url, gks, rdir)
        check(p.returncode != 0 and p.returncode != 2, "export-proof --server over an existing bundle: refused (%d)" % p.returncode)
        p = cli("export-proof", "--server", url, "NOT-A-CODE", rdir + "2")
        check(p.returncode == 3 and not os.path.exists(rdir + "2"), "export-proof --server of a malformed code: exit 3 (%d)" % p.returncode)
        cli("logout")
        # a capture station: ingest through a staged batch, two files, two papers
        tok = wh.run("station", "add", "desk-pc-2", user="admin1").stdout.strip()
        env3 = dict(env, SOHOA_STATION_TOKEN=tok, SOHOA_SERVER=url)
        qd = os.path.join(DATA, "papers", "dev01-quyet-dinh-clean300.png")
        p = cli("ingest", "--json", "--owner", OWNER, "--procedure", "1.001193", img, qd, user_env=env3)
        ok = check(p.returncode == 0, "station ingest: %d %s" % (p.returncode, p.stderr))
        if ok:
            r = json.loads(p.stdout)
            check(len(r["components"]) == 2 and r["components"][0]["code"].endswith("-01-GKS"),
                  "station ingest: two papers: %s" % p.stdout)
            c = Client(srv)
            c.login("clerk1")
            r2 = c.req("GET", "/api/v1/dossiers/" + r["dossier"])
            check(r2.status == 200 and r2.json["operator"] == "station:desk-pc-2", "station is the operator")
        p = cli("search", "giay", user_env=env3)
        check(p.returncode == 8, "a station may not search: exit 8 (%d)" % p.returncode)
        wh.run("station", "revoke", "desk-pc-2", user="admin1")
        p = cli("ingest", "--owner", OWNER, "--procedure", "1.001193", img, user_env=env3)
        check(p.returncode == 8, "a revoked station: exit 8 (%d)" % p.returncode)
        # concurrent audited reads (grouped into shared commits): every one recorded
        import threading
        cl = Client(srv)
        cl.login("clerk1")
        adm = Client(srv)
        adm.login("admin1")
        before = [e for e in adm.req("GET", "/api/v1/audit?user=clerk1").json["entries"] if e["command"] == "owner"]
        codes = []
        def one():
            r = cl.req("GET", "/api/v1/owners/" + OWNER)
            codes.append(r.status)
        ts = [threading.Thread(target=one) for _ in range(16)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        after = [e for e in adm.req("GET", "/api/v1/audit?user=clerk1").json["entries"] if e["command"] == "owner"]
        held = len(cl.req("GET", "/api/v1/owners/" + OWNER).json["papers"])
        check(codes == [200] * 16, "16 concurrent owner reads: %s" % codes)
        seqs = [e["seq"] for e in after]
        check(len(after) - len(before) == 16 * held and len(set(seqs)) == len(seqs),
              "every concurrent read audited once, distinct sequence numbers: %d new, %d papers"
              % (len(after) - len(before), held))
        p = cli("search", "--server", "ftp://x", "giay")
        check(p.returncode == 3, "a server URL that is not http(s): exit 3 (%d)" % p.returncode)
    finally:
        code = srv.stop()
    check(code == 0, "SIGTERM: exit 0, got %s" % code)


def case_audit_held(wh):
    """Audited reads answered from suspended connections (server.c "held
    answers"): with 2 worker threads, 200 clients on their own keep-alive
    connections read an owner's papers, search and read one paper at once;
    every answer is 200 and every paper returned has exactly one audit entry
    (counted, not timed). Then SIGTERM while clients keep reading: the
    server exits 0, and every read that was answered is in the audit trail
    read back from the warehouse afterwards."""
    import threading
    wh.ingest()
    gks = wh.d1["components"][0]["code"]
    srv = Server(wh, "--threads", "2", "--max-connections", "512", "--per-ip", "512")
    paths = ["/api/v1/owners/" + OWNER, "/api/v1/search?q=giay", "/api/v1/papers/" + gks]
    lock = threading.Lock()

    def papers_in(path, j):
        return len(j["papers"]) if "papers" in j else 1

    def audit_count():
        p = wh.run("audit", "--user", "clerk1", "--json", user="admin1")
        entries = json.loads(p.stdout)
        entries = entries["entries"] if isinstance(entries, dict) else entries
        reads = [e for e in entries if not e["command"].startswith(("login", "logout"))]
        return len(reads), len(set(e["seq"] for e in entries)) == len(entries)

    try:
        cl = Client(srv)
        check(cl.login("clerk1").status == 200, "clerk login")
        n0, _ = audit_count()
        got = {"ok": 0, "bad": [], "papers": 0}
        start = threading.Barrier(200)

        def reader(i):
            c = cl.conn()
            start.wait()
            for k in range(3):
                path = paths[(i + k) % 3]
                c.request("GET", path, headers={"Cookie": "sohoa_session=" + cl.cookie})
                r = c.getresponse()
                data = r.read()
                with lock:
                    if r.status == 200:
                        got["ok"] += 1
                        got["papers"] += papers_in(path, json.loads(data))
                    else:
                        got["bad"].append((path, r.status))
            c.close()
        ts = [threading.Thread(target=reader, args=(i,)) for i in range(200)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        check(got["ok"] == 600 and not got["bad"], "600 concurrent audited reads all answered 200: %d, %s"
              % (got["ok"], got["bad"][:5]))
        n1, distinct = audit_count()
        check(got["papers"] > 600 and n1 - n0 == got["papers"] and distinct,
              "every paper returned audited once: %d entries for %d papers" % (n1 - n0, got["papers"]))

        # SIGTERM with reads in flight: each client reads until the server is gone
        answered = {"papers": 0, "ok": 0}
        first = threading.Barrier(51)

        def until_stopped(i):
            c = cl.conn()
            k = 0
            try:
                while k < 6:
                    path = paths[(i + k) % 3]
                    c.request("GET", path, headers={"Cookie": "sohoa_session=" + cl.cookie})
                    r = c.getresponse()
                    data = r.read()
                    if r.status == 200:
                        with lock:
                            answered["ok"] += 1
                            answered["papers"] += papers_in(path, json.loads(data))
                    if k == 0:
                        first.wait()
                    k += 1
            except (OSError, http.client.HTTPException, ValueError, threading.BrokenBarrierError):
                pass  # the server stopped: a half-sent answer would be a ValueError (bad JSON)
            finally:
                c.close()
        ts = [threading.Thread(target=until_stopped, args=(i,)) for i in range(50)]
        for t in ts:
            t.start()
        try:
            first.wait(timeout=120)  # every client has had one answer and sends its next
        except threading.BrokenBarrierError:
            check(False, "every client got a first answer")
        code = srv.stop()
        for t in ts:
            t.join()
        check(code == 0, "SIGTERM with audited reads in flight: exit 0, got %s" % code)
        n2, distinct = audit_count()
        check(answered["ok"] >= 50 and n2 - n1 >= answered["papers"] and distinct,
              "every answered read before the stop is in the audit trail: %d entries for %d papers"
              % (n2 - n1, answered["papers"]))
    finally:
        srv.stop()


def case_office(wh):
    """The catalogue, the receipt's QR code, the head of office, the desk's
    reuse view, what was signed and the whole-warehouse verification job,
    a capture station's batch taken over by the desk."""
    wh.ingest()
    wh.run("user", "add", "head1", "--role", "head", "--password-file", wh.dir + "/pw", user="admin1")
    srv = Server(wh)
    try:
        desk, clerk, arch, head = Client(srv), Client(srv), Client(srv), Client(srv)
        desk.login("desk1")
        clerk.login("clerk1")
        arch.login("arch1")
        r = head.login("head1")
        check(r.json.get("role") == "head", "login of the head of office: role head")
        # the catalogue, for any account
        r = head.req("GET", "/api/v1/procedures")
        p = {x["code"]: x for x in (r.json or {}).get("procedures", [])}
        check(r.status == 200 and "1.001193" in p and p["1.001193"]["kinds"] and
              all(k in r.json["kinds"] for k in p["1.001193"]["kinds"]), "GET procedures: catalogue with kinds")
        check(Client(srv).req("GET", "/api/v1/procedures").status == 401, "GET procedures without a session: 401")
        # the receipt's QR code: SVG with path data only
        d1 = wh.d1["dossier"]
        r = desk.req("GET", "/api/v1/dossiers/%s/qr.svg" % d1)
        svg = r.data.decode("ascii", "replace")
        check(r.status == 200 and r.headers.get("Content-Type") == "image/svg+xml" and svg.startswith("<svg ")
              and re.fullmatch(r'<svg [^<>]*><rect [^<>]*/><path fill="#000" d="[Mhvz0-9 -]+"/></svg>\n', svg) is not None,
              "QR code of a dossier: an SVG of path data only (%d bytes)" % len(svg))
        check(d1 not in svg, "the dossier code is not written into the SVG")
        check(desk.req("GET", "/api/v1/dossiers/%s/qr.svg" % re.sub(r"-\d+$", "-9999", d1)).status == 404,
              "QR code of an unknown dossier: 404")
        check(desk.req("GET", "/api/v1/dossiers/x%3Cy/qr.svg").status == 400, "QR code of a malformed code: 400")
        check(head.req("GET", "/api/v1/dossiers/%s/qr.svg" % d1).status == 403, "the head of office reads no dossier: 403")
        # (that the drawing reads back as the text: tests/archive, qr_svg_reads_back)
        # the head of office: the report only
        r = head.req("GET", "/api/v1/report?from=2000-01-01&to=2099-12-31&by=procedure")
        check(r.status == 200 and r.json["rows"][0]["dossiers"] == 2, "head of office reads the report")
        for path in ("/api/v1/search?q=giay", "/api/v1/owners/" + OWNER, "/api/v1/audit",
                     "/api/v1/papers/%s" % wh.d1["components"][0]["code"], "/api/v1/users"):
            check(head.req("GET", path).status == 403, "head of office: %s refused" % path)
        # the desk's reuse view: that one read, audited as reuse; no search, no owner page
        r = desk.req("GET", "/api/v1/reuse?owner=%s&procedure=1.000656" % OWNER)
        check(r.status == 200 and any(k["papers"] for k in r.json["kinds"]), "desk sees the reuse view: %d" % r.status)
        check(desk.req("GET", "/api/v1/search?q=giay").status == 403, "desk may not search: 403")
        check(desk.req("GET", "/api/v1/owners/" + OWNER).status == 403, "desk may not open an owner: 403")
        adm = Client(srv)
        adm.login("admin1")
        a = [e for e in adm.req("GET", "/api/v1/audit?user=desk1").json["entries"] if e["code"]]
        check(a and any(e["command"] == "reuse" for e in a), "the desk's reuse read is audited as reuse")
        # verify: what was signed, by whom, and the log inclusion
        gks = wh.d1["components"][0]["code"]
        r = arch.req("GET", "/api/v1/papers/%s/verify" % gks)
        sg = (r.json or {}).get("signed") or [{}]
        check(r.status == 200 and r.json["ok"] and sg[0].get("type") == "component" and sg[0].get("signer") == "Nguyễn Thị Bình"
              and sg[0].get("operator") == "desk1" and re.match(r"^[0-9a-f]{16,}$", sg[0].get("key_id", ""))
              and sg[0].get("checkpoint_size", 0) > sg[0].get("log_index", -1) and r.json.get("log_size", 0) >= sg[0]["checkpoint_size"],
              "verify: signed entry, signer, operator, key, log index within a checkpoint: %s" % sg[0])
        # the whole warehouse, as a job followed by polling
        check(desk.req("POST", "/api/v1/verify", {}).status == 403, "verify-all by a desk: 403")
        check(arch.req("GET", "/api/v1/verify").json == {"state": "none"}, "no job yet: state none")
        r = arch.req("POST", "/api/v1/verify", {})
        check(r.status in (202, 409), "verify-all started: %d" % r.status)
        seen = set()
        while True:
            j = arch.req("GET", "/api/v1/verify").json
            seen.add(j["phase"])
            if j["state"] != "running":
                break
        check(j["state"] == "done" and j["ok"] and j["papers_done"] == j["papers_total"] == 3 and j["log_entries"] >= 3,
              "verify-all: done, every paper of the log, no problem: %s" % {k: j[k] for k in j if k != "problems"})
        # a capture station's batch, taken over by the desk
        tok = wh.run("station", "add", "scan-b", user="admin1").stdout.strip()
        st = Client(srv)
        auth = {"Authorization": "Bearer " + tok}
        r = st.req("POST", "/api/v1/batches", {"owner": OWNER, "procedure": "1.001193"}, headers=auth)
        name = r.json["batch"]
        img = open(os.path.join(DATA, "papers", "dev03-giay-khai-sinh-office200.jpg"), "rb").read()
        body, ct = multipart([], [("s.jpg", img)])
        check(st.req("POST", "/api/v1/batches/%s/pages" % name, body, ctype=ct, headers=auth).status == 201,
              "station uploads a page")
        lst = desk.req("GET", "/api/v1/batches").json["batches"]
        check([(b["batch"], b["station"]) for b in lst] == [(name, "scan-b")], "desk lists the station's staged batch: %s" % lst)
        check(clerk.req("POST", "/api/v1/batches/%s/take" % name, {}).status == 403, "take by a clerk: 403")
        check(st.req("POST", "/api/v1/batches/%s/take" % name, {}, headers=auth).status == 403, "take by a station: 403")
        r = desk.req("POST", "/api/v1/batches/%s/take" % name, {})
        check(r.status == 200 and r.json["batch"] == name and len(r.json["pages"]) == 1, "desk takes the batch: %d" % r.status)
        check(desk.req("GET", "/api/v1/batches/" + name).status == 200, "the batch is the desk's now")
        check(st.req("POST", "/api/v1/batches/%s/commit" % name, headers=auth).status == 404,
              "the station can no longer commit it")
        other = Client(srv)
        wh.run("user", "add", "desk8", "--role", "desk", "--password-file", wh.dir + "/pw", user="admin1")
        other.login("desk8")
        check(other.req("POST", "/api/v1/batches/%s/take" % name, {}).status == 404, "another desk cannot take it: 404")
        r = desk.req("POST", "/api/v1/batches/%s/commit" % name)
        check(r.status == 201, "the desk commits the taken batch: %d" % r.status)
    finally:
        code = srv.stop()
    check(code == 0, "SIGTERM: exit 0, got %s" % code)


def case_pam(wh):
    """--auth pam: passwords checked by a real PAM stack (pam_userdb with a
    Berkeley DB made here, in a service file outside /etc/pam.d), roles the
    warehouse's; throttling and the audit as for local passwords."""
    load = shutil.which("db5.3_load") or shutil.which("db_load")
    if not check(load is not None, "db5.3_load (db5.3-util) is installed"):
        return
    pamd = os.path.join(wh.dir, "pam.d")
    os.mkdir(pamd)
    db = os.path.join(wh.dir, "pamusers")
    users = {"admin1": "PAM quản trị", "clerk1": "PAM mật khẩu 2", "stranger": "PAM người lạ",
             "gone": "PAM đã nghỉ", "victim": "PAM nạn nhân"}
    inp = "".join("%s\n%s\n" % kv for kv in users.items()).encode()
    subprocess.run([load, "-T", "-t", "hash", db + ".db"], input=inp, check=True)
    with open(os.path.join(pamd, "sohoa-test"), "w") as f:
        f.write("auth     required pam_userdb.so db=%s crypt=none\n"
                "account  required pam_userdb.so db=%s\n" % (db, db))
    p = wh.run("serve", "--listen", "127.0.0.1:0", "--pam-service", "x", ok=False)
    check(p.returncode == 2, "--pam-service without --auth pam: usage error (%d)" % p.returncode)
    p = wh.run("serve", "--listen", "127.0.0.1:0", "--auth", "kerberos", ok=False)
    check(p.returncode == 2, "--auth kerberos: usage error (%d)" % p.returncode)
    srv = Server(wh, "--auth", "pam", "--pam-service", "sohoa-test", "--pam-confdir", pamd)
    try:
        a = Client(srv)
        r = a.login("admin1", users["admin1"])
        check(r.status == 200 and r.json["role"] == "admin", "PAM login of admin1: %d" % r.status)
        c = Client(srv)
        r = c.login("clerk1", users["clerk1"])
        check(r.status == 200 and r.json["role"] == "clerk", "PAM login of clerk1, role from the warehouse")
        r = c.req("GET", "/api/v1/me")
        check(r.status == 200 and r.json.get("user") == "clerk1", "the PAM session works: %d" % r.status)
        for i, (user, pw, what) in enumerate((("clerk1", PW, "the warehouse's own password is not PAM's"),
                               ("stranger", users["stranger"], "a PAM account without a sohoa role"),
                               ("gone", users["gone"], "a disabled operator with the right PAM password"),
                               ("desk1", PW, "an operator PAM does not know"),
                               ("nobody", "x", "an unknown name"),
                               ("admin1", "", "an empty password"))):
            r = Client(srv, "127.0.1.%d" % (i + 1)).login(user, pw)  # one address each: no throttle
            check(r.status == 401 and r.json == {"error": "wrong user name or password"},
                  "%s: 401 (%d)" % (what, r.status))
        # throttling as for local passwords: 5 wrong, then even the right one waits
        v = Client(srv, "127.0.0.7")
        for i in range(5):
            check(v.login("victim", "wrong %d" % i).status == 401, "wrong PAM password %d: 401" % i)
        r = v.login("victim", users["victim"])
        check(r.status == 429 and r.getheader("Retry-After"), "6th PAM attempt throttled: %d" % r.status)
        r = a.req("GET", "/api/v1/audit")
        ents = [(e["user"], e["command"]) for e in r.json["entries"]]
        for e in (("admin1", "login"), ("clerk1", "login"), ("stranger", "login-failed"),
                  ("gone", "login-failed"), ("victim", "login-failed"), ("victim", "login-throttled")):
            check(e in ents, "audited: %s %s" % e)
        check(("stranger", "login") not in ents, "no login recorded for a refused PAM account")
    finally:
        code = srv.stop()
    check(code == 0, "SIGTERM: exit 0, got %s" % code)


def case_limits(wh):
    """--max-connections and --per-ip: one connection over either is closed at
    once; a normal client is served meanwhile and after."""
    srv = Server(wh, "--max-connections", "6", "--per-ip", "3", "--threads", "2")

    def held(src):
        # a kept-alive connection the server has accepted (a request answered on it)
        h = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60, source_address=(src, 0))
        h.request("GET", "/api/v1/openapi.json")
        r = h.getresponse()
        r.read()
        check(r.status == 200, "held connection from %s served" % src)
        return h

    def refused(src):
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=60, source_address=(src, 0))
        try:
            s.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n")
            return s.recv(64) == b""
        except OSError:
            return True
        finally:
            s.close()

    try:
        a = [held("127.0.0.2") for _ in range(3)]
        check(refused("127.0.0.2"), "a 4th connection from one address is refused (--per-ip 3)")
        b = [held("127.0.0.3") for _ in range(3)]
        check(refused("127.0.0.4"), "a 7th connection is refused (--max-connections 6)")
        check(refused("127.0.0.4"), "and again")
        for h in b:
            h.close()
        ok = False
        for _ in range(200):  # until the server has seen the three closes
            try:
                ok = Client(srv).login("clerk1").status == 200
            except OSError:
                ok = False
            if ok:
                break
            time.sleep(0.05)
        check(ok, "a normal client is served once connections are free again, while one "
                  "address is still at its limit")
        for h in a:
            h.close()
    finally:
        code = srv.stop()
    check(code == 0, "SIGTERM: exit 0, got %s" % code)


def case_scan(wh):
    """scan --server (SANE's pnm and test backends) and watch --server: pages
    captured on a desk PC with no warehouse, uploaded into a server batch and
    committed, or left staged; a station token; a watched folder."""
    srv = Server(wh)
    url = "http://127.0.0.1:%d" % srv.port
    try:
        env = dict(wh.env, SANE_CONFIG_DIR=os.path.join(DATA, "scanner", "sane.d"),
                   SOHOA_STORE=wh.dir + "/nowhere", XDG_STATE_HOME=wh.dir + "/state")
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")

        def cli(*args, e=None):
            return subprocess.run([SOHOA] + list(args), env=e or env, capture_output=True, text=True)
        p = cli("login", "--server", url, "desk1", "--password-file", wh.dir + "/pw")
        check(p.returncode == 0, "desk login: %s" % p.stderr)
        pnm = ["--device", "pnm:0", "--option", "filename=" + os.path.join(DATA, "scanner", "clean300-crop.pgm")]
        p = cli("scan", "--server", url, *pnm, "--owner", OWNER, "--procedure", "1.001193", "--json")
        ok = check(p.returncode == 0, "scan --server: %d %s" % (p.returncode, p.stderr))
        up = json.loads(p.stdout) if ok else {}
        check(up.get("components") and up["components"][0]["pages"] == 1, "scan --server: one paper, one page: %s" % p.stdout)
        spool = os.path.join(wh.dir, "state", "sohoa", "spool", "batches")
        check(not os.listdir(spool) if os.path.isdir(spool) else True, "the spool copy goes once stored: %s"
              % (os.listdir(spool) if os.path.isdir(spool) else None))
        clerk = Client(srv)
        clerk.login("clerk1")
        if up:
            r = clerk.req("GET", "/api/v1/dossiers/" + up["dossier"])
            check(r.status == 200 and r.json["owner"] == OWNER, "the scanned dossier is in the warehouse: %d" % r.status)
        # --review: left staged on the server, reviewed and committed there
        small = ["--option", "br-x=20", "--option", "br-y=15"]
        p = cli("scan", "--server", url, "--device", "test:0", "--source", "adf", *small, "--review",
                "--owner", OWNER, "--procedure", "1.001193")
        m = re.search(r"batch (\S+) staged on the server with (\d+) pages", p.stdout)
        check(p.returncode == 0 and m, "scan --server --review: %d %r %s" % (p.returncode, p.stdout, p.stderr))
        if m:
            desk = Client(srv)
            desk.login("desk1")
            r = desk.req("GET", "/api/v1/batches/" + m.group(1))
            check(r.status == 200 and len(r.json["pages"]) == int(m.group(2)) and r.json["state"] != "committed",
                  "the staged batch holds the pages: %d %s" % (r.status, r.data[:200]))
            r = desk.req("POST", "/api/v1/batches/%s/commit" % m.group(1))
            check(r.status in (200, 201) and r.json.get("dossier"), "commit of the staged batch: %d %s" % (r.status, r.data[:200]))
        # a jam: nothing uploaded, the pages kept on this machine
        r = Client(srv)
        r.login("desk1")
        before = len(r.req("GET", "/api/v1/batches").json["batches"])
        p = cli("scan", "--server", url, "--device", "test:0", "--source", "adf", *small,
                "--option", "read-return-value=SANE_STATUS_JAMMED", "--owner", OWNER, "--procedure", "1.001193")
        check(p.returncode == 7 and "resume" in p.stderr, "a jam during scan --server: exit 7 (%d) %s" % (p.returncode, p.stderr))
        check(len(r.req("GET", "/api/v1/batches").json["batches"]) == before, "a jammed scan uploads nothing")
        p = cli("scan", "--server", url, "--store", wh.dir + "/x", *pnm, "--owner", OWNER, "--procedure", "1.001193")
        check(p.returncode == 2, "scan --server --store: usage error (%d)" % p.returncode)
        p = cli("scan", *pnm, "--spool", wh.dir, "--owner", OWNER, "--procedure", "1.001193", e=dict(env, SOHOA_STORE=wh.env["SOHOA_STORE"], SOHOA_USER="desk1"))
        check(p.returncode == 2, "--spool without --server: usage error (%d)" % p.returncode)
        cli("logout")
        # a capture station scans with its token
        tok = wh.run("station", "add", "scanner-pc", user="admin1").stdout.strip()
        es = dict(env, SOHOA_STATION_TOKEN=tok, SOHOA_SERVER=url)
        p = cli("scan", *pnm, "--owner", OWNER, "--procedure", "1.001193", "--json", e=es)
        check(p.returncode == 0 and json.loads(p.stdout or "{}").get("dossier"),
              "scan by a station: %d %s %s" % (p.returncode, p.stdout, p.stderr))
        # watch --server: a scan-to-folder share feeding the server
        drop = os.path.join(wh.dir, "drop")
        os.mkdir(drop)
        img = os.path.join(DATA, "papers", "dev03-giay-khai-sinh-office200.jpg")
        shutil.copy(img, os.path.join(drop, OWNER + "_1.001193_a.jpg"))
        p = cli("watch", "--server", url, "--once", "--settle", "100", drop, e=es)
        m1 = re.search(r"dossier (\S+) stored on the server", p.stdout)
        check(p.returncode == 0 and m1 and os.path.exists(os.path.join(drop, "done", OWNER + "_1.001193_a.jpg")),
              "watch --server: %d %r %s" % (p.returncode, p.stdout, p.stderr))
        # the same file again (a restart after a crash): the same dossier, not a new one
        p = cli("login", "--server", url, "desk1", "--password-file", wh.dir + "/pw")
        shutil.copy(img, os.path.join(drop, OWNER + "_1.001193_b.jpg"))
        p = cli("watch", "--server", url, "--once", "--settle", "100", drop)
        m2 = re.search(r"dossier (\S+) stored on the server", p.stdout)
        p = cli("watch", "--server", url, "--once", "--settle", "100", drop)
        shutil.copy(img, os.path.join(drop, OWNER + "_1.001193_c.jpg"))
        p = cli("watch", "--server", url, "--once", "--settle", "100", drop)
        m3 = re.search(r"dossier (\S+) stored on the server", p.stdout)
        check(m2 and m3 and m2.group(1) == m3.group(1), "watch --server: the same file twice is one dossier (idempotency key): %s %s"
              % (m2 and m2.group(1), m3 and m3.group(1)))
        # a server that is away: the file waits, it is not failed
        shutil.copy(img, os.path.join(drop, OWNER + "_1.001193_d.jpg"))
        p = cli("watch", "--server", "http://127.0.0.1:9", "--once", "--settle", "100", drop)
        check(not os.path.exists(os.path.join(drop, "failed", OWNER + "_1.001193_d.jpg")),
              "watch --server with the server away: the file is not failed (%s)" % p.stderr)
        p = cli("watch", "--server", url, "--store", wh.dir, "--once", drop)
        check(p.returncode == 2, "watch --server --store: usage error (%d)" % p.returncode)
    finally:
        code = srv.stop()
    check(code == 0, "SIGTERM: exit 0, got %s" % code)


def case_photo(wh):
    """A phone photo (issue 18): the paper JSON names the page's original;
    ?original=1 gives the photo as received, with the page's permission and
    audit; a scanned page has none (404); an altered original is refused."""
    here = os.path.dirname(os.path.abspath(__file__))
    photo = os.path.join(wh.dir, "photo.jpg")
    subprocess.run(["/usr/bin/python3", os.path.join(here, "..", "..", "bench", "ocr", "mkphoto.py"),
                    "--one", os.path.join(DATA, "papers", "dev03-giay-khai-sinh-office200.jpg"),
                    photo, "--seed", "7"], check=True)
    p = wh.run("ingest", "--json", "--owner", OWNER, "--procedure", "1.001193", photo,
               os.path.join(DATA, "papers", "dev01-quyet-dinh-clean300.png"), user="desk1")
    ph, sc = [c["code"] for c in json.loads(p.stdout)["components"]]
    with open(photo, "rb") as f:
        received = f.read()
    srv = Server(wh)
    try:
        clerk = Client(srv)
        clerk.login("clerk1")
        r = clerk.req("GET", "/api/v1/papers/" + ph)
        o = r.json["pages"][0].get("original") if r.status == 200 else None
        check(o == {"mime": "image/jpeg", "bytes": len(received)}, "paper JSON names the original: %r" % o)
        r = clerk.req("GET", "/api/v1/papers/" + sc)
        check(r.status == 200 and "original" not in r.json["pages"][0], "a scanned page has no original")
        r = clerk.req("GET", "/api/v1/papers/%s/pages/1?original=1" % ph)
        check(r.status == 200 and r.getheader("Content-Type") == "image/jpeg" and r.data == received,
              "?original=1: the photo as received (%d)" % r.status)
        headers_ok(r, "original")
        r = clerk.req("GET", "/api/v1/papers/%s/pages/1" % ph)
        check(r.status == 200 and r.data != received and r.data[:2] == b"\xff\xd8",
              "the page itself is the page rectified, not the photo")
        check(clerk.req("GET", "/api/v1/papers/%s/pages/1?original=1" % sc).status == 404,
              "?original=1 of a scanned page: 404")
        check(clerk.req("GET", "/api/v1/papers/%s/pages/1?original=2" % ph).status == 400, "?original=2: 400")
        check(clerk.req("GET", "/api/v1/papers/%s/pages/1?original=1&w=64" % ph).status == 400,
              "?original=1&w=: 400")
        check(Client(srv).req("GET", "/api/v1/papers/%s/pages/1?original=1" % ph).status == 401,
              "?original=1 without a session: 401")
    finally:
        code = srv.stop()
    check(code == 0, "SIGTERM: exit 0, got %s" % code)
    p = wh.run("audit", "--code", ph, user="admin1", ok=False)
    check(p.returncode == 0 and p.stdout.count("show") >= 3, "every read of the photo's paper audited:\n%s" % p.stdout[-1500:])


wh = Warehouse()
try:
    {"api": case_api, "openapi": case_openapi, "tls": case_tls, "slow": case_slow, "batch": case_batch, "client": case_client,
     "office": case_office, "pam": case_pam, "limits": case_limits, "scan": case_scan,
     "photo": case_photo, "audit_held": case_audit_held}[CASE](wh)
finally:
    if not os.environ.get("KEEP"):
        wh.cleanup()
print("%s: %s" % (CASE, "FAILED %d" % len(fails) if fails else "ok"))
sys.exit(1 if fails else 0)
