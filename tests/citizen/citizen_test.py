#!/usr/bin/env python3
"""The citizen's own warehouse over the API (docs/CITIZEN.md), against a real
OpenID Connect provider (Glewlwyd, glewlwyd.py) and a real `sohoa serve`:

  login with PKCE through the provider's login API (no browser here; the
  browser test is citizen_web.py), exactly one's own papers, the PDF (qpdf
  --check) and proof bundle, hostile requests (other owners' codes and ids
  in every parameter, guessed officer URLs, replayed or forged callbacks)
  refused 403/404/401 and the attempts shown to the owner attacked, a share
  code used at the desk and seen by the owner, revoked, a correction
  applied by a clerk as a signed event, a company's representative and an
  employee they authorise.

usage: citizen_test.py SOHOA DATA_DIR"""
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import io
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glewlwyd  # noqa: E402

SOHOA, DATA = sys.argv[1], sys.argv[2]
PW = "mật khẩu đúng 1"
PROC = "1.001193"
fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


class Client:
    """One browser's worth of cookies, no redirects followed."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                              glewlwyd.NoRedirect)
        self.csrf = None

    def req(self, method, path, body=None, headers=None):
        url = path if path.startswith("http") else self.base + path
        data = json.dumps(body).encode() if body is not None else None
        r = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            r.add_header("Content-Type", "application/json")
        if self.csrf and method != "GET":
            r.add_header("X-CSRF-Token", self.csrf)
        for k, v in (headers or {}).items():
            r.add_header(k, v)
        try:
            with self.op.open(r, timeout=120) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def json(self, method, path, body=None):
        st, h, raw = self.req(method, path, body)
        try:
            return st, json.loads(raw) if raw else None
        except ValueError:
            return st, raw


def run(env, *args, user=None):
    e = dict(env)
    if user:
        e["SOHOA_USER"] = user
    p = subprocess.run([SOHOA] + list(args), env=e, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("setup: sohoa %s exited %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def citizen_login(g, url, who):
    c = Client(url)
    st, h, _ = c.req("GET", "/api/v1/me/login")
    loc = h.get("Location", "")
    assert st == 302 and loc.startswith(g.issuer), (st, loc)
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))
    assert q["code_challenge_method"] == "S256" and q.get("nonce") and q.get("state"), q
    cb = g.code_for(who, loc)
    st, h, raw = c.req("GET", cb)
    assert st == 303, (st, raw[:300])
    st, s = c.json("GET", "/api/v1/me/session")
    assert st == 200, (st, s)
    c.csrf = s["csrf"]
    c.session = s
    c.callback = cb
    return c


def office(tmp):
    """A warehouse with admin1, desk1, clerk1 and one dossier each for
    citizen A, citizen B and the company. Returns (env, {owner: [codes]})."""
    env = dict(os.environ)
    env.update(SOHOA_STORE=tmp + "/store", SOHOA_KEY=tmp + "/keys/desk.key",
               SOHOA_PASSPHRASE_FILE=tmp + "/pass", XDG_CONFIG_HOME=tmp + "/config",
               TZ="Asia/Ho_Chi_Minh", LC_ALL="C.UTF-8")
    env.pop("SOHOA_USER", None)
    env.pop("SOHOA_SERVER", None)
    for name, text in (("pass", "khóa thử của văn phòng\n"), ("pw", PW + "\n")):
        with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
            f.write(text)
    A = glewlwyd.USERS["a"]["personal_id"]
    B = glewlwyd.USERS["b"]["personal_id"]
    REP = glewlwyd.USERS["rep"]["personal_id"]
    CO = glewlwyd.USERS["rep"]["tax_code"]
    run(env, "init", "--agency", "000.00.99.Z99")
    run(env, "keys", "new", "--signer", "Nguyễn Thị Bình", "--title", "Công chức")
    run(env, "user", "add", "admin1", "--role", "admin", "--password-file", tmp + "/pw")
    for name, role in (("desk1", "desk"), ("clerk1", "clerk")):
        run(env, "user", "add", name, "--role", role, "--password-file", tmp + "/pw", user="admin1")
    papers = {}
    for owner, f in ((A, "dev03-giay-khai-sinh-office200.jpg"), (B, "dev04-can-cuoc-color300.jpg"),
                     (CO, "dev01-quyet-dinh-clean300.png")):
        p = run(env, "ingest", "--json", "--owner", owner, "--procedure", PROC,
                os.path.join(DATA, "papers", f), user="desk1")
        d = json.loads(p.stdout)
        papers[owner] = [x["code"] for x in d["components"]]
    return env, papers


def serve(g, env, tmp, port, *extra):
    """sohoa serve on port with the provider g; returns the process."""
    srv = subprocess.Popen([SOHOA, "serve", "--listen", "127.0.0.1:%d" % port,
                            "--oidc-issuer", g.issuer, "--oidc-client", g.client_id,
                            "--oidc-secret-file", g.secret_file, "--oidc-claim", "personal_id"]
                           + list(extra),
                           env=env, stdout=subprocess.PIPE, stderr=open(tmp + "/serve.log", "w"),
                           text=True)
    line = srv.stdout.readline()
    if "listening" not in line:
        raise SystemExit("sohoa serve did not start: %r %s" % (line, open(tmp + "/serve.log").read()))
    return srv


def stop(srv):
    if srv and srv.poll() is None:
        srv.send_signal(signal.SIGTERM)
        try:
            return srv.wait(timeout=60)
        except subprocess.TimeoutExpired:
            srv.kill()
            srv.wait()
    return -1


def main():
    if not shutil.which("glewlwyd"):
        print("SKIP: glewlwyd is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="sohoa-citizen.")
    env, papers = office(tmp)
    A = glewlwyd.USERS["a"]["personal_id"]
    B = glewlwyd.USERS["b"]["personal_id"]
    REP = glewlwyd.USERS["rep"]["personal_id"]
    CO = glewlwyd.USERS["rep"]["tax_code"]
    port = glewlwyd.free_port()
    url = "http://127.0.0.1:%d" % port
    g = glewlwyd.Glewlwyd(redirect_uri=url + "/api/v1/me/callback")
    g.start()
    srv = None
    try:
        srv = serve(g, env, tmp, port)
        body(g, url, env, tmp, papers, A, B, REP, CO)
    finally:
        code = stop(srv)
        if srv:
            check(code == 0, "sohoa serve stopped cleanly on SIGTERM (exit %d)%s" % (
                code, "" if code == 0 else ": " + open(tmp + "/serve.log", errors="replace").read()[-3000:]))
        g.stop()
        if not fails:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept", tmp)
    print("%d failed" % len(fails) if fails else "citizen: all checks passed")
    return 1 if fails else 0


def body(g, url, env, tmp, papers, A, B, REP, CO):
    pa, pb, pc = papers[A][0], papers[B][0], papers[CO][0]
    # -- logins
    a = citizen_login(g, url, "a")
    check(a.session["personal_id"] == A and a.session["company"] is None,
          "citizen A logged in through the provider (PKCE S256, state, nonce): %s" % A)
    # the callback is one use
    st, _, _ = a.req("GET", a.callback)
    check(st == 400, "a replayed callback is refused (%d)" % st)
    # a callback without the browser's login cookie (login CSRF) is refused
    x = Client(url)
    st, h, _ = x.req("GET", "/api/v1/me/login")
    cb = g.code_for("b", h["Location"])
    y = Client(url)
    st, _, _ = y.req("GET", cb)
    check(st == 400, "a callback from another browser than the login's is refused (%d)" % st)
    st, _, _ = Client(url).req("GET", "/api/v1/me/callback?state=x&code=y")
    check(st == 400, "a forged callback is refused (%d)" % st)
    b = citizen_login(g, url, "b")

    # -- my papers: exactly mine
    st, r = a.json("GET", "/api/v1/me/papers")
    codes = [p["code"] for p in r["papers"]] if st == 200 else []
    check(st == 200 and set(papers[A]) <= set(codes) and pb not in codes and pc not in codes,
          "A sees A's papers and nothing of B or the company: %s" % codes)
    check(all(p["owner"] == A for p in r["papers"]), "every paper listed is A's")
    p0 = r["papers"][0]
    check(p0["validity"]["status"] in ("valid", "expired", "revoked") and p0["kind"],
          "each paper has its kind and validity: %s %s" % (p0["kind"], p0["validity"]))
    st, r = a.json("GET", "/api/v1/me/papers/" + pa)
    check(st == 200 and r["code"] == pa and r["pages"], "A opens their paper %s" % pa)
    st, h, raw = a.req("GET", "/api/v1/me/papers/%s/pages/1?w=320" % pa)
    check(st == 200 and raw[:8] == b"\x89PNG\r\n\x1a\n", "a page preview of A's paper (PNG)")
    st, h, raw = a.req("GET", "/api/v1/me/papers/%s/pdf" % pa)
    pdf = os.path.join(tmp, "a.pdf")
    with open(pdf, "wb") as f:
        f.write(raw)
    q = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
    check(st == 200 and raw[:5] == b"%PDF-" and q.returncode == 0,
          "A downloads the paper as PDF and qpdf --check accepts it (%d, qpdf %d)" % (st, q.returncode))
    st, h, raw = a.req("GET", "/api/v1/me/papers/%s/proof" % pa)
    names = tarfile.open(fileobj=io.BytesIO(raw)).getnames() if st == 200 else []
    check(st == 200 and names and all(n.startswith(pa + "/") for n in names),
          "A downloads the proof bundle of the paper (%d files)" % len(names))

    # -- hostile: B's codes everywhere, ids in every parameter, guessed URLs
    for path in ("/api/v1/me/papers/" + pb, "/api/v1/me/papers/%s/pages/1" % pb,
                 "/api/v1/me/papers/%s/pdf" % pb, "/api/v1/me/papers/%s/proof" % pb,
                 "/api/v1/me/papers/" + pc, "/api/v1/me/papers/%s-99-GKS" % pa.rsplit("-", 2)[0],
                 "/api/v1/me/papers/..%2f..%2fetc%2fpasswd", "/api/v1/me/papers/" + pb.lower()):
        st, _, raw = a.req("GET", path)
        check(st in (400, 403, 404), "A asking %s gets %d" % (path, st))
    for path in ("/api/v1/papers/" + pa, "/api/v1/papers/" + pb, "/api/v1/owners/" + B,
                 "/api/v1/search?q=a", "/api/v1/audit", "/api/v1/reuse?owner=%s&procedure=%s" % (B, PROC),
                 "/api/v1/shares/ABCD-EFGH", "/api/v1/corrections", "/api/v1/dossiers/" + pb.rsplit("-", 2)[0]):
        st, _, _ = a.req("GET", path)
        check(st == 401, "a citizen's session opens no officer route: %s → %d" % (path, st))
    st, r = a.json("POST", "/api/v1/me/shares", {"procedure": PROC, "papers": [pb], "days": 3})
    check(st in (403, 404), "A cannot share B's paper (%d)" % st)
    st, r = a.json("POST", "/api/v1/me/shares", {"owner": B, "procedure": PROC, "papers": [pb], "days": 3})
    check(st == 403, "A cannot act as owner B (%d)" % st)
    st, r = a.json("POST", "/api/v1/me/corrections", {"paper": pb, "fact": "name", "note": "x"})
    check(st in (403, 404), "A cannot report a correction on B's paper (%d)" % st)
    st, r = a.json("POST", "/api/v1/me/delegates", {"employee": B})
    check(st == 403, "a person without a company authorises nobody (%d)" % st)
    st, _, _ = a.req("POST", "/api/v1/me/shares", None, {"X-CSRF-Token": "0" * 64})
    nocsrf = Client(url)
    nocsrf.jar = a.jar
    nocsrf.op = a.op
    st, _, _ = nocsrf.req("POST", "/api/v1/me/shares", {"procedure": PROC, "papers": [pa]})
    check(st == 403, "a write without the CSRF token is refused (%d)" % st)
    st, r = b.json("GET", "/api/v1/me/papers")
    bcodes = [p["code"] for p in r["papers"]]
    check(pa not in bcodes and set(papers[B]) <= set(bcodes), "B sees B's papers only")
    st, r = b.json("GET", "/api/v1/me/reads")
    refused = [x for x in r["reads"] if x["refused"]]
    check(any(x["paper"] == pb for x in refused),
          "B sees A's refused attempts on B's paper in 'who looked': %d" % len(refused))
    check(all(x["user"] == "citizen" for x in refused), "another citizen's id is not shown to B")
    # an officer session does not open the citizen's routes
    off = Client(url)
    st, r = off.json("POST", "/api/v1/login", {"user": "desk1", "password": PW})
    off.csrf = r["csrf"]
    st, _, _ = off.req("GET", "/api/v1/me/papers")
    check(st == 401, "an officer's session opens no citizen route (%d)" % st)

    # -- sharing for reuse
    st, r = a.json("POST", "/api/v1/me/shares", {"procedure": PROC, "papers": [pa], "days": 7})
    check(st == 201 and re.match(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$", r.get("code") or ""),
          "A makes a share code for %s: %s" % (PROC, r))
    share = r.get("code")
    st, h, raw = a.req("GET", "/api/v1/me/shares/%s/qr.svg" % share)
    check(st == 200 and b"<svg" in raw[:300], "the share code as a QR code (SVG)")
    st, h, raw = b.req("GET", "/api/v1/me/shares/%s/qr.svg" % share)
    check(st == 404, "B gets no QR code of A's share (%d)" % st)
    st, r = off.json("GET", "/api/v1/shares/%s?dossier=%s" % (share.lower().replace("-", ""),
                                                              pb.rsplit("-", 2)[0]))
    check(st == 200 and r["owner"] == A and [p["code"] for p in r["papers"]] == [pa],
          "the desk types the code and is offered exactly that paper: %s" % r)
    st, r = a.json("GET", "/api/v1/me/reads")
    desk = [x for x in r["reads"] if x["user"] == "desk1" and x["paper"] == pa]
    check(desk and desk[0]["action"] == "share-use" and desk[0]["agency"] == "000.00.99.Z99"
          and desk[0]["dossier"], "A sees the desk's access with agency and dossier: %s" % desk[:1])
    st, r = a.json("GET", "/api/v1/me/shares")
    check(st == 200 and r["shares"][0]["uses"] == 1 and r["shares"][0]["state"] == "active",
          "A's share lists one use")
    # the same at the desk's command line: sohoa reuse --share
    st, r = a.json("POST", "/api/v1/me/shares", {"procedure": PROC, "papers": [pa], "days": 1})
    share2 = r.get("code")
    p = subprocess.run([SOHOA, "reuse", "--share", share2, "--dossier", pb.rsplit("-", 2)[0], "--json"],
                       env=dict(env, SOHOA_USER="desk1"), capture_output=True, text=True)
    check(p.returncode == 0 and json.loads(p.stdout or "{}").get("papers") == [pa],
          "sohoa reuse --share at the desk offers exactly that paper: %s %s" % (p.stdout.strip(), p.stderr.strip()))
    p = subprocess.run([SOHOA, "reuse", "--share", share2, "--dossier", pa.rsplit("-", 2)[0], "--attach"],
                       env=dict(env, SOHOA_USER="desk1"), capture_output=True, text=True)
    check(p.returncode == 0 and "attached %s to %s" % (pa, pa.rsplit("-", 2)[0]) in p.stdout,
          "sohoa reuse --share --attach at the desk: %s %s" % (p.stdout.strip(), p.stderr.strip()))
    st, r = off.json("POST", "/api/v1/shares/%s/attach" % share2, {"dossier": pb.rsplit("-", 2)[0], "paper": pa})
    check(st in (400, 422), "a shared paper cannot go into another owner's dossier (%d)" % st)
    st, r = off.json("POST", "/api/v1/shares/%s/attach" % share2, {"dossier": pa.rsplit("-", 2)[0], "paper": pb})
    check(st == 404, "a paper outside the share cannot be attached with it (%d)" % st)
    p = subprocess.run([SOHOA, "reuse", "--share", "ZZZZ-ZZZZ"], env=dict(env, SOHOA_USER="desk1"),
                       capture_output=True, text=True)
    check(p.returncode != 0 and "ZZZZ-ZZZZ" in p.stderr, "an unknown share code at the command line: %s" % p.stderr.strip())
    p = subprocess.run([SOHOA, "reuse", "--share", share2], env=dict(env, SOHOA_USER="admin1"),
                       capture_output=True, text=True)
    check(p.returncode != 0, "the admin has no use of share codes (exit %d)" % p.returncode)
    st, r = b.json("POST", "/api/v1/me/shares/%s/revoke" % share)
    check(st == 404, "B cannot revoke A's share (%d)" % st)
    st, r = a.json("POST", "/api/v1/me/shares/%s/revoke" % share)
    check(st == 200, "A revokes the share")
    st, r = off.json("GET", "/api/v1/shares/" + share)
    check(st == 404, "a revoked share offers nothing at the desk (%d)" % st)
    st, r = off.json("GET", "/api/v1/shares/ZZZZ-ZZZZ")
    check(st == 404, "an unknown share code: 404")
    st, r = a.json("GET", "/api/v1/shares/" + share)
    check(st == 401, "a citizen cannot use a share code as a desk")

    # -- corrections
    st, r = a.json("POST", "/api/v1/me/corrections",
                   {"paper": pa, "fact": "name", "value": "Nguyễn Văn An", "note": "Tên bị đọc sai dấu"})
    check(st == 201 and r["id"] >= 1, "A reports a wrong fact: %s" % r)
    cid = r["id"]
    clerk = Client(url)
    st, r = clerk.json("POST", "/api/v1/login", {"user": "clerk1", "password": PW})
    clerk.csrf = r["csrf"]
    st, r = off.json("GET", "/api/v1/corrections")
    check(st == 403, "the desk has no corrections queue (%d)" % st)
    st, r = clerk.json("GET", "/api/v1/corrections")
    check(st == 200 and [c["id"] for c in r["corrections"]] == [cid], "the clerk's queue holds it")
    p = subprocess.run([SOHOA, "corrections", "list", "--json"], env=dict(env, SOHOA_USER="clerk1"),
                       capture_output=True, text=True)
    check(p.returncode == 0 and [c["id"] for c in json.loads(p.stdout)["corrections"]] == [cid],
          "sohoa corrections list shows the report: %s" % p.stdout.strip()[:200])
    p = subprocess.run([SOHOA, "corrections", "list"], env=dict(env, SOHOA_USER="desk1"),
                       capture_output=True, text=True)
    check(p.returncode != 0, "the desk has no corrections queue at the command line (exit %d)" % p.returncode)
    st, r = clerk.json("POST", "/api/v1/corrections/%d" % cid, {"action": "apply"})
    check(st == 200 and r["state"] == "applied" and isinstance(r["log_index"], int),
          "the clerk applies it: a signed correction event at log index %s" % r.get("log_index"))
    st, r = clerk.json("POST", "/api/v1/corrections/%d" % cid, {"action": "apply"})
    check(st == 409, "applied once only (%d)" % st)
    st, r = a.json("GET", "/api/v1/me/corrections")
    check(st == 200 and r["corrections"][0]["state"] == "applied", "A sees the correction applied")
    st, r = b.json("GET", "/api/v1/me/corrections")
    check(st == 200 and r["corrections"] == [], "B sees none of A's corrections")

    # -- companies
    rep = citizen_login(g, url, "rep")
    check(rep.session["company"] == CO, "the representative's session holds the company %s" % CO)
    st, r = rep.json("GET", "/api/v1/me/papers")
    rc = [p["code"] for p in r["papers"]]
    check(pc in rc and pa not in rc and pb not in rc, "the representative sees the company's papers")
    st, r = b.json("GET", "/api/v1/me/papers/" + pc)
    check(st == 404, "B does not see the company's paper before being authorised (%d)" % st)
    st, r = rep.json("POST", "/api/v1/me/delegates", {"employee": B})
    check(st == 200, "the representative authorises employee B")
    st, r = rep.json("GET", "/api/v1/me/delegates")
    check(r["employees"] == [B], "the company's employees: %s" % r)
    b2 = citizen_login(g, url, "b")
    st, r = b2.json("GET", "/api/v1/me/papers/" + pc)
    check(st == 200, "employee B now opens the company's paper (%d)" % st)
    st, r = b2.json("POST", "/api/v1/me/delegates", {"employee": A})
    check(st == 403, "an employee authorises nobody (%d)" % st)
    st, r = rep.json("POST", "/api/v1/me/delegates", {"employee": B, "allow": False})
    b3 = citizen_login(g, url, "b")
    st, r = b3.json("GET", "/api/v1/me/papers/" + pc)
    check(st == 404, "after the authorisation ends, B's next session sees it no more (%d)" % st)

    st, _, _ = a.req("POST", "/api/v1/me/logout", {})
    st, _, _ = a.req("GET", "/api/v1/me/papers")
    check(st == 401, "after logout the citizen's session is gone (%d)" % st)


if __name__ == "__main__":
    sys.exit(main())
