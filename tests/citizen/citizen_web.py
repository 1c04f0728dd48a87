#!/usr/bin/env python3
"""The citizen's own warehouse in Chromium (docs/CITIZEN.md), driven over W3C
WebDriver (chromedriver) from the Python standard library, against Glewlwyd
(glewlwyd.py) and `sohoa serve`:

  citizen A logs in through Glewlwyd's own login page, sees exactly their
  papers ("Kho của tôi", in Vietnamese), downloads a paper's PDF that
  `qpdf --check` (and `pdfsig`, when the server signs) accept, makes a share
  code that a desk then uses over the officers' API, and sees that desk's
  access in "Ai đã xem"; citizen B, logged in next, sees none of it.

Screenshots go to OUT. Nothing is timed: waits are for events.
usage: citizen_web.py SOHOA DATA_DIR OUT"""
import base64
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glewlwyd  # noqa: E402
import citizen_test as ct  # noqa: E402  (reads SOHOA and DATA from argv too)

SOHOA, DATA, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ELEM = "element-6066-11e4-a52e-4f735466cecf"
WAIT = 300
fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        fails.append(what)
    return cond


class WebDriverError(Exception):
    pass


class Browser:
    """A W3C WebDriver session on a chromedriver this object starts."""

    def __init__(self, tmp):
        self.port = glewlwyd.free_port()
        self.downloads = os.path.join(tmp, "downloads")
        os.makedirs(self.downloads)
        self.log = open(os.path.join(OUT, "chromedriver.log"), "w")
        self.proc = subprocess.Popen([DRIVER, "--port=%d" % self.port, "--allowed-ips=127.0.0.1"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.base = "http://127.0.0.1:%d" % self.port
        self.sid = None
        while True:
            if self.proc.poll() is not None:
                raise SystemExit("chromedriver exited %d" % self.proc.returncode)
            try:
                if self.call("GET", "/status").get("ready"):
                    break
            except (OSError, WebDriverError):
                time.sleep(0.1)
        caps = {"browserName": "chrome", "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--window-size=1366,900", "--disable-dev-shm-usage",
                     "--lang=vi", "--user-data-dir=" + os.path.join(tmp, "profile"), "--no-first-run",
                     "--disable-background-networking"],
            "prefs": {"download.default_directory": self.downloads, "download.prompt_for_download": False}}}
        self.sid = self.call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})["sessionId"]
        try:
            self.s("POST", "/goog/cdp/execute", {"cmd": "Browser.setDownloadBehavior",
                                                 "params": {"behavior": "allow", "downloadPath": self.downloads}})
        except WebDriverError:
            pass

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=WAIT) as r:
                v = json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            v = json.loads(e.read() or b"{}")
            raise WebDriverError("%s %s: %s" % (method, path, v.get("value", v)))
        return v.get("value", v)

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.sid, path), body)

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def find(self, css, many=False):
        r = self.s("POST", "/elements" if many else "/element", {"using": "css selector", "value": css})
        if not many and ELEM not in r:
            raise WebDriverError("find %s: %r" % (css, r))
        return [x[ELEM] for x in r] if many else r[ELEM]

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait(self, what, fn):
        end = time.monotonic() + WAIT
        while True:
            try:
                v = fn()
                if v:
                    return v
            except WebDriverError:
                pass
            if time.monotonic() > end:
                try:
                    self.shot("zz-gave-up")
                except (OSError, WebDriverError):
                    pass
                raise SystemExit("gave up waiting for: " + what)
            time.sleep(0.2)

    def el(self, css):
        return self.wait(css, lambda: self.find(css) if self.js(
            "const e=document.querySelector(arguments[0]); return !!e && e.getClientRects().length>0", css) else None)

    def text(self, css):
        return self.js("const e=document.querySelector(arguments[0]); return e ? e.textContent : null", css)

    def type(self, css, text):
        e = self.el(css)
        self.s("POST", "/element/%s/clear" % e, {})
        self.s("POST", "/element/%s/value" % e, {"text": text})

    def click(self, css):
        self.s("POST", "/element/%s/click" % self.el(css), {})

    def shot(self, name):
        png = base64.b64decode(self.s("GET", "/screenshot"))
        with open(os.path.join(OUT, name + ".png"), "wb") as f:
            f.write(png)

    def clear_cookies(self):
        self.s("DELETE", "/cookie")

    def quit(self):
        try:
            if self.sid:
                self.call("DELETE", "/session/" + self.sid)
        except (OSError, WebDriverError):
            pass
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def vneid_login(b, g, url, who, shot):
    """Open Kho của tôi, follow "Đăng nhập bằng VNeID" to Glewlwyd's own
    login page, type the user's name and password, come back logged in."""
    u = g.users[who]
    b.go(url + "/kho-cua-toi.html")
    b.el("#login-link")
    check(b.text("#login h1") == "Kho của tôi", "the page is in Vietnamese before login")
    b.click("#login-link")
    # Glewlwyd's login page (its own web app, served by it)
    b.wait("Glewlwyd's login page", lambda: b.js("return location.href").startswith(g.url))
    b.el("#username")
    b.type("#username", u["username"])
    b.type("#password", u["password"])
    b.shot(shot + "-glewlwyd-login")
    b.js("[...document.querySelectorAll('button')].find(x => x.textContent.trim() == 'OK' && x.offsetParent).click()")
    # after the password, Glewlwyd may show a "continue" step: press it until we are back
    def back():
        if b.js("return location.href").startswith(url):
            return True
        b.js("const c=[...document.querySelectorAll('button')].find(x => /continue|continuer|tiếp/i.test(x.textContent) && x.offsetParent);"
             " if (c) c.click();")
        return False
    b.wait("back at sohoa", back)
    b.wait("Kho của tôi loaded", lambda: b.js("return document.body.dataset.ready == '1'"))


def signer(tmp):
    """A test CA and an officer's ECDSA P-256 certificate in a PKCS#12 file
    (password "secret"), and an NSS database trusting the CA for pdfsig."""
    c = os.path.join(tmp, "ca")
    os.makedirs(c)
    def q(*a):
        subprocess.run(list(a), check=True, capture_output=True)
    q("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-keyout", c + "/ca.key", "-out", c + "/ca.pem", "-days", "30", "-subj", "/CN=Sohoa Test CA/O=Test",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    with open(c + "/ext", "w") as f:
        f.write("keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n")
    q("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", c + "/o.key")
    q("openssl", "req", "-new", "-key", c + "/o.key", "-out", c + "/o.csr", "-subj", "/CN=UBND xa Test/O=UBND xa Test")
    q("openssl", "x509", "-req", "-in", c + "/o.csr", "-CA", c + "/ca.pem", "-CAkey", c + "/ca.key",
      "-CAcreateserial", "-out", c + "/o.pem", "-days", "20", "-extfile", c + "/ext")
    with open(c + "/o.chain", "w") as f:
        f.write(open(c + "/o.pem").read() + open(c + "/ca.pem").read())
    q("openssl", "pkcs12", "-export", "-inkey", c + "/o.key", "-in", c + "/o.pem", "-certfile", c + "/ca.pem",
      "-out", c + "/o.p12", "-passout", "pass:secret")
    with open(c + "/pin", "w") as f:
        f.write("secret\n")
    os.makedirs(c + "/nss")
    q("certutil", "-N", "-d", "sql:" + c + "/nss", "--empty-password")
    q("certutil", "-A", "-d", "sql:" + c + "/nss", "-n", "ca", "-t", "CT,C,C", "-i", c + "/ca.pem")
    return c


def main():
    if not (os.access(CHROMIUM, os.X_OK) and os.access(DRIVER, os.X_OK)) or not shutil.which("glewlwyd"):
        print("SKIP: chromium, chromedriver or glewlwyd is not installed")
        return 77
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    tmp = tempfile.mkdtemp(prefix="sohoa-citizen-web.")
    env, papers = ct.office(tmp)
    A, B = glewlwyd.USERS["a"]["personal_id"], glewlwyd.USERS["b"]["personal_id"]
    pa, pb = papers[A][0], papers[B][0]
    port = glewlwyd.free_port()
    url = "http://127.0.0.1:%d" % port
    g = glewlwyd.Glewlwyd(redirect_uri=url + "/api/v1/me/callback")
    g.start()
    srv = b = None
    try:
        for who in ("a", "b"):
            g.grant(who)  # consent given once, as a citizen would the first time
        ca = signer(tmp)
        srv = ct.serve(g, env, tmp, port, "--pdf-sign-key", ca + "/o.p12", "--pdf-sign-chain",
                       ca + "/o.chain", "--pdf-sign-pin-file", ca + "/pin")
        b = Browser(tmp)
        vneid_login(b, g, url, "a", "01")
        check(A in (b.text("#who") or ""), "A's personal id shown: %r" % b.text("#who"))
        rows = b.js("return [...document.querySelectorAll('#papers tbody tr')].map(r => r.dataset.code)")
        check(set(rows) == set(papers[A]), "A sees exactly A's papers: %s" % rows)
        b.wait("page previews", lambda: b.js(
            "const i=[...document.querySelectorAll('#papers img')]; return i.length && i.every(x => x.complete && x.naturalWidth > 0)"))
        badge = b.text("#papers tbody tr .badge")
        check(badge and badge.startswith("còn hiệu lực"), "validity shown in Vietnamese: %r" % badge)
        b.shot("02-kho-cua-toi")
        # download the PDF
        b.js("document.querySelector('#papers tbody tr a.pdf').click()")
        pdf = b.wait("PDF downloaded", lambda: next(
            (os.path.join(b.downloads, f) for f in os.listdir(b.downloads) if f.endswith(".pdf")), None))
        q = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
        check(q.returncode == 0, "the downloaded PDF passes qpdf --check")
        q = subprocess.run(["pdfsig", "-nssdir", "sql:" + ca + "/nss", pdf], capture_output=True, text=True)
        check("Signature is Valid" in q.stdout and "Certificate is Trusted" in q.stdout
              and "Total document signed" in q.stdout,
              "pdfsig: the downloaded PDF is signed (PAdES), valid and trusted: %s" % q.stdout.strip()[-200:])
        # share the paper for a procedure
        b.js("document.querySelector('#papers tbody tr input.pick').click()")
        b.type("#share-proc", "1.001193")
        b.click("#share-make")

        code = b.wait("share code", lambda: (lambda t: t if t and re.match(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$", t) else None)(b.text("#share-code")))
        b.shot("03-share-code")
        # the desk types it
        desk = ct.Client(url)
        st, r = desk.json("POST", "/api/v1/login", {"user": "desk1", "password": ct.PW})
        desk.csrf = r["csrf"]
        dossier = pb.rsplit("-", 2)[0]
        st, r = desk.json("GET", "/api/v1/shares/%s?dossier=%s" % (code, dossier))
        check(st == 200 and [p["code"] for p in r["papers"]] == [pa],
              "the desk's share code offers exactly A's paper (%d)" % st)
        b.js("location.reload()")
        b.wait("reloaded", lambda: b.js("return document.body.dataset.ready == '1'"))
        reads = b.js("return [...document.querySelectorAll('#reads tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
        desk_rows = [r for r in reads if "desk1" in r[1]]
        check(desk_rows and "000.00.99.Z99" in desk_rows[0][2] and dossier in desk_rows[0][5],
              "A sees the desk's access, its agency and the dossier: %s" % desk_rows[:1])
        uses = b.js("return document.querySelector('#shares tbody tr').cells[4].textContent")
        check(uses == "1", "the share lists one use")
        b.js("document.querySelector('#ai-da-xem').scrollIntoView()")
        b.shot("04-ai-da-xem")
        # log out; citizen B logs in and sees none of it
        b.click("#logout")
        b.el("#login-link")
        b.clear_cookies()
        vneid_login(b, g, url, "b", "05")
        rows = b.js("return [...document.querySelectorAll('#papers tbody tr')].map(r => r.dataset.code)")
        check(set(rows) == set(papers[B]) and pa not in rows, "B sees B's papers only: %s" % rows)
        shares = b.js("return document.querySelectorAll('#shares tbody tr').length")
        check(shares == 0, "B sees no share of A")
        body = b.text("#app") or ""
        check(pa not in body and code not in body and "desk1" not in body, "nothing of A on B's page")
        st = b.js("return fetch('/api/v1/me/papers/%s').then(r => r.status)" % pa)
        check(st == 404, "B's browser asking A's paper gets 404 (%s)" % st)
        b.shot("06-citizen-b")
        # the desk types A's share code in its own page (the officers' pages, same server):
        # a wrong code gives the Vietnamese error, A's code shows exactly the shared
        # paper, and receiving the dossier attaches it
        b.go(url + "/#/login")
        b.el("#login-form")
        b.js("sessionStorage.clear(); localStorage.setItem('sohoa.lang', 'vi'); location.reload()")
        b.wait("login page in Vietnamese", lambda: b.text("h1") == "Đăng nhập")
        b.type("#user", "desk1")
        b.type("#password", ct.PW + "\n")
        b.el("#desk-form")
        b.type("#share", "ZZZZ-ZZZZ")
        b.click("#share-show")
        b.wait("error for a wrong code", lambda: "hết hạn" in (b.text("#share-msg") or ""))
        check("mã chia sẻ" in b.text("#share-msg").lower(), "desk: a wrong share code gives the Vietnamese error: %r" % b.text("#share-msg"))
        b.shot("07-desk-share-wrong")
        b.type("#share", code.lower().replace("-", ""))  # typed as a person would
        b.click("#share-show")
        shared = b.wait("shared papers", lambda: b.js(
            "return [...document.querySelectorAll('#share-papers tbody tr')].map(r => r.dataset.code)"))
        check(shared == [pa], "desk page: the share code shows exactly A's shared paper: %s" % shared)
        check(b.js("return document.querySelector('#owner').value") == A, "desk page: the owner is taken from the share")
        check(b.js("return document.querySelector('#procedure').value") == ct.PROC, "desk page: the procedure is taken from the share")
        b.shot("08-desk-share")
        b.s("POST", "/element/%s/value" % b.el("#files"), {"text": os.path.join(DATA, "papers", "dev01-quyet-dinh-clean300.png")})
        b.wait("file read", lambda: len(b.find("#progress li.done", many=True)) == 1)
        b.click("#commit")
        newd = b.wait("dossier code", lambda: (lambda t: t if t and t.strip() else None)(b.text("#dossier-code")))
        reused = b.text("#papers-reused") or ""
        check(pa in reused, "desk page: the receipt lists A's shared paper as reused: %r" % reused)
        check(b.js("return document.querySelector('#share-failed')") is None, "desk page: every shared paper attached")
        b.shot("09-desk-receipt-share")
        p = subprocess.run([SOHOA, "show", newd], env=dict(env, SOHOA_USER="clerk1"), capture_output=True, text=True)
        check(p.returncode == 0 and pa in p.stdout, "the new dossier %s holds A's shared paper (sohoa show)" % newd)
    finally:
        if b:
            b.quit()
        code = ct.stop(srv)
        if srv:
            check(code == 0, "sohoa serve stopped cleanly on SIGTERM (exit %d)" % code)
        g.stop()
        if not fails:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept", tmp)
    print("%d failed" % len(fails) if fails else "citizen web: all checks passed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
