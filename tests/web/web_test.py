#!/usr/bin/env python3
"""The web pages (web/, docs/WEB.md) in a real browser: Debian's chromium
driven by chromedriver over the W3C WebDriver protocol (a small client
here, Python standard library only), against a real `sohoa serve` on
loopback with a fresh warehouse.

usage: web_test.py SOHOA DATA OUTDIR

Goes through each role's main path (issue 15): a wrong password shows a
Vietnamese error; the desk uploads two scans into a batch on the server,
reviews them (split, turn), reloads the page and sees the batch again, logs
in again after its session ended and is back at the batch, commits with
Enter, and the code and its QR code appear; the clerk types a name without diacritics, sees the paper, opens
the owner and attaches the paper to another dossier; the archivist verifies
and sees what was signed and the log inclusion, verifies the whole
warehouse with progress, and downloads the proof bundle; the head of office
sees the counts of the report (and not the audit trail); a desk account
cannot open the admin page. A screenshot of each page is saved in OUTDIR.
Exit 77 (skipped) only when chromium or chromedriver is not installed.
Nothing is timed: waits are for events (an element, a text, a file)."""
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request

# the checks read the program's English messages (LANG=vi_VN.UTF-8 translates them)
# several tests share two cores: an upload's OCR at nice 10 would starve behind them
os.environ["SOHOA_OCR_NICE"] = "0"
os.environ["LC_ALL"] = "C.UTF-8"
os.environ.pop("LANGUAGE", None)
# the office and this script keep Vietnam's time; the browser (chromedriver
# passes its environment on) keeps UTC-12, a day behind Vietnam for 19 hours
# of 24: the report's default range must end on the office's today, which the
# server sends, not on the PC's
os.environ["TZ"] = "Asia/Ho_Chi_Minh"
time.tzset()
BROWSER_TZ = "Etc/GMT+12"

SOHOA, DATA, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
OWNER = "001184362297"
PW = "mật khẩu đúng 1"
ELEM = "element-6066-11e4-a52e-4f735466cecf"
WAIT = 300  # seconds before a wait for an event gives up (OCR runs in it)
fails = []


def check(cond, what):
    print(("ok  : " if cond else "FAIL: ") + what, file=sys.stderr if not cond else sys.stdout, flush=True)
    if not cond:
        fails.append(what)
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class WebDriverError(Exception):
    pass


class Browser:
    """A W3C WebDriver session on a chromedriver this object starts."""

    def __init__(self, tmp):
        self.port = free_port()
        self.downloads = os.path.join(tmp, "downloads")
        os.makedirs(self.downloads)
        self.log = open(os.path.join(OUT, "chromedriver.log"), "w")
        self.proc = subprocess.Popen([DRIVER, "--port=%d" % self.port, "--allowed-ips=127.0.0.1"],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     env=dict(os.environ, TZ=BROWSER_TZ))
        self.base = "http://127.0.0.1:%d" % self.port
        self.sid = None
        while True:  # wait for the driver to answer (an event, not a time)
            if self.proc.poll() is not None:
                raise SystemExit("chromedriver exited %d" % self.proc.returncode)
            try:
                if self.call("GET", "/status").get("ready"):
                    break
            except (OSError, WebDriverError):
                time.sleep(0.1)
        caps = {"browserName": "chrome", "goog:loggingPrefs": {"browser": "ALL"},
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "args": ["--headless=new", "--no-sandbox", "--window-size=1366,768",
                             "--disable-dev-shm-usage", "--lang=vi", "--user-data-dir=" + os.path.join(tmp, "profile"),
                             "--no-first-run", "--disable-background-networking"],
                    "prefs": {"intl.accept_languages": "vi,vi-VN", "download.default_directory": self.downloads,
                              "download.prompt_for_download": False}}}
        r = self.call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})
        self.sid = r["sessionId"]
        # downloads in headless mode go to the folder only when allowed
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
        cur = self.s("GET", "/url")
        if "#" in url and cur.split("#")[0] == url.split("#")[0] and "#" in cur:
            self.js("location.hash = arguments[0]", "#" + url.split("#", 1)[1])  # same page
        else:
            self.s("POST", "/url", {"url": url})

    def find(self, css, many=False):
        r = self.s("POST", "/elements" if many else "/element", {"using": "css selector", "value": css})
        if not many and ELEM not in r:
            raise WebDriverError("find %s: %r" % (css, r))
        return [x[ELEM] for x in r] if many else r[ELEM]

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait(self, what, fn):
        """Poll fn until it returns something true; give up after WAIT s."""
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

    def wait_text(self, css, pattern):
        return self.wait("%s ~ %s" % (css, pattern),
                         lambda: (lambda t: t if t and re.search(pattern, t) else None)(self.text(css)))

    def type(self, css, text, clear=True):
        e = self.el(css)
        if clear:
            self.s("POST", "/element/%s/clear" % e, {})
        self.s("POST", "/element/%s/value" % e, {"text": text})

    def click(self, css):
        self.s("POST", "/element/%s/click" % self.el(css), {})

    def shot(self, name):
        png = base64.b64decode(self.s("GET", "/screenshot"))
        with open(os.path.join(OUT, name + ".png"), "wb") as f:
            f.write(png)

    def console(self):
        try:
            return self.s("POST", "/se/log", {"type": "browser"})
        except WebDriverError:
            return None

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


class Office:
    """A fresh warehouse with an account per role, a dossier made with the
    command line, and `sohoa serve` on 127.0.0.1 (port chosen by it)."""

    def __init__(self, tmp):
        self.dir = tmp
        self.env = dict(os.environ)
        self.env.update(SOHOA_STORE=tmp + "/store", SOHOA_KEY=tmp + "/keys/desk.key",
                        SOHOA_PASSPHRASE_FILE=tmp + "/pass", XDG_CONFIG_HOME=tmp + "/config",
                        TZ="Asia/Ho_Chi_Minh")
        self.env.pop("SOHOA_USER", None)
        self.env.pop("SOHOA_SERVER", None)
        for name, text in (("pass", "khóa thử của văn phòng\n"), ("pw", PW + "\n")):
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
        self.run("init", "--agency", "000.00.99.Z99")
        self.run("keys", "new", "--signer", "Nguyễn Thị Bình", "--title", "Công chức")
        # a second signer's key, for the admin to revoke from the page
        self.run("keys", "new", "--out", tmp + "/keys/old.key", "--signer", "Trần Văn Cũ", "--title", "Công chức")
        self.run("user", "add", "admin1", "--role", "admin", "--password-file", tmp + "/pw")
        for name, role in (("desk1", "desk"), ("clerk1", "clerk"), ("arch1", "archivist"), ("head1", "head")):
            self.run("user", "add", name, "--role", role, "--password-file", tmp + "/pw", user="admin1")
        # another dossier of the owner, for the clerk to attach a paper to
        p = self.run("ingest", "--json", "--owner", OWNER, "--procedure", "1.000656",
                     os.path.join(DATA, "papers", "dev04-can-cuoc-color300.jpg"), user="desk1")
        self.d2 = json.loads(p.stdout)["dossier"]
        self.proc = subprocess.Popen([SOHOA, "serve", "--listen", "127.0.0.1:0"], env=self.env,
                                     stdout=subprocess.PIPE, stderr=open(os.path.join(OUT, "serve.log"), "w"),
                                     text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            raise SystemExit("sohoa serve did not start: %r" % line)
        self.url = "http://127.0.0.1:%s" % m.group(1)

    def run(self, *args, user=None):
        env = dict(self.env)
        if user:
            env["SOHOA_USER"] = user
        p = subprocess.run([SOHOA] + list(args), env=env, capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit("setup: sohoa %s exited %d: %s" % (" ".join(args), p.returncode, p.stderr))
        return p

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -1


def login(b, office, user, password=PW):
    b.go(office.url + "/#/login")
    b.el("#login-form")
    b.js("sessionStorage.clear()")
    b.type("#user", user)
    b.type("#password", password + "\n")  # Enter submits


def logout(b):
    b.click("#logout")
    b.el("#login-form")


def main():
    if not (os.access(CHROMIUM, os.X_OK) and os.access(DRIVER, os.X_OK)):
        print("SKIP: %s or %s is not installed (Debian packages chromium and chromium-driver; "
              "./bootstrap installs them)" % (CHROMIUM, DRIVER))
        return 77
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    tmp = tempfile.mkdtemp(prefix="sohoa-web.")
    office = browser = None
    try:
        office = Office(tmp)
        browser = b = Browser(tmp)

        # -- login: a wrong password gives a Vietnamese error
        b.go(office.url + "/")
        b.el("#login-form")
        check(b.js("return document.activeElement && document.activeElement.id") == "user",
              "login: the user name field has the focus")
        check(b.js("return document.querySelector('#user').autocomplete") == "username" and
              b.js("return document.querySelector('#password').type") == "password",
              "login: autocomplete=username and a password input")
        check(b.text("h1") == "Đăng nhập", "login: page in Vietnamese (h1 %r)" % b.text("h1"))
        b.type("#user", "desk1")
        b.type("#password", "sai mật khẩu\n")
        msg = b.wait_text("#login-error", r"^(?!Đang)\S")
        check(msg == "Sai tên đăng nhập hoặc mật khẩu.", "wrong password: Vietnamese error, got %r" % msg)
        b.shot("01-login-wrong-password")

        # -- desk: receive a dossier of two scans
        b.type("#password", PW + "\n")
        b.el("#desk-form")
        check(b.js("return location.hash") == "#/desk", "desk lands on #/desk")
        b.type("#owner", "0011843622")
        check("chữ số kiểm tra" in b.text("#owner-msg"), "owner id checked as typed: bad tax code, %r" % b.text("#owner-msg"))
        b.type("#owner", "12345")
        check("12" in b.text("#owner-msg") and "5 chữ số" in b.text("#owner-msg"),
              "owner id: wrong length gives the reason, %r" % b.text("#owner-msg"))
        b.type("#owner", OWNER)
        check(b.js("return document.querySelector('#owner-msg').className").endswith("ok"), "owner id accepted")
        b.type("#proc-filter", "khai sinh")
        b.wait("procedure filtered", lambda: b.js("return document.querySelector('#procedure').options.length") == 1)
        check(b.js("return document.querySelector('#procedure').value") == "1.001193", "procedure found by folded name")
        b.wait_text("#reuse", r"\S")
        files = [os.path.join(DATA, "papers", "dev03-giay-khai-sinh-office200.jpg"),
                 os.path.join(DATA, "papers", "dev01-quyet-dinh-clean300.png")]
        b.s("POST", "/element/%s/value" % b.el("#files"), {"text": "\n".join(files)})
        # each file is uploaded and read on its own, with its own progress line
        b.wait("two files listed", lambda: len(b.find("#progress li", many=True)) == 2)
        b.wait("both files read", lambda: len(b.find("#progress li.done", many=True)) == 2)
        check(re.match(r"^#/desk/B[0-9-]+$", b.js("return location.hash")) is not None,
              "desk: the batch is in the URL: %r" % b.js("return location.hash"))
        thumbs_ok = "return [...document.querySelectorAll('#review img.bthumb')].every(i => i.complete && i.naturalWidth > 0) && document.querySelectorAll('#review img.bthumb').length == 2"
        b.wait("thumbnails from the server", lambda: b.js(thumbs_ok))
        check(len(b.find("#review select.kind", many=True)) >= 1, "desk: each paper shows its kind, to change")
        check("tin cậy" in (b.text("#review") or ""), "desk: confidence shown: %r" % (b.text("#review") or "")[:200])
        # split the two pages into two papers if the reading kept them together
        if len(b.find("#review article.bpaper", many=True)) == 1:
            b.js("[...document.querySelectorAll('#review .bpage')][1].querySelector('button[aria-label^=\"Trang 2 bắt đầu\"], button[aria-label^=\"A new paper\"]').click()")
            b.wait("split into two papers", lambda: len(b.find("#review article.bpaper", many=True)) == 2)
        check(len(b.find("#review article.bpaper", many=True)) == 2, "desk: two papers in review")
        # turn the second page right: the server's thumbnail follows
        b.js("[...document.querySelectorAll('#review .bpage')][1].querySelectorAll('.tools button')[1].click()")
        b.wait("page turned", lambda: b.js("return [...document.querySelectorAll('#review img.bthumb')][1].src.endsWith('&r=90')"))
        b.wait("page turned back", lambda: b.js(
            "[...document.querySelectorAll('#review .bpage')][1].querySelectorAll('.tools button')[0].click(); return true"))
        b.wait("page upright", lambda: b.js("return [...document.querySelectorAll('#review img.bthumb')][1].src.endsWith('&r=0')"))
        b.js("document.querySelector('#drop').scrollIntoView()")
        b.shot("02-desk-review")
        # a reload during review loses nothing: the batch comes back from the server
        hash_before = b.js("return location.hash")
        b.js("location.reload()")
        b.wait("batch back after reload", lambda: len(b.find("#review article.bpaper", many=True)) == 2)
        check(b.js("return location.hash") == hash_before and b.js("return document.querySelector('#owner').value") == OWNER,
              "desk: after a reload the batch, owner and pages are back")
        # the session ends (logged out elsewhere): login, then back to the same batch
        b.js("fetch('/api/v1/logout', {method: 'POST', headers: {'X-CSRF-Token': sessionStorage.getItem('sohoa.csrf')}})"
             ".then(() => location.reload())")
        b.el("#login-form")
        b.type("#user", "desk1")
        b.type("#password", PW + "\n")
        b.wait("batch back after a new login", lambda: len(b.find("#review article.bpaper", many=True)) == 2)
        check(b.js("return location.hash") == hash_before, "desk: session expiry returns to the batch after login")
        b.wait("thumbnails again", lambda: b.js(thumbs_ok))
        # Enter commits (keyboard only)
        b.type("#proc-filter", "\n", clear=False)
        code = b.wait_text("#dossier-code", r"\S+")
        check(re.match(r"^[A-Z0-9.\-]+$", code) is not None, "desk: dossier code shown: %r" % code)
        b.wait("QR code", lambda: b.js("const i=document.querySelector('#qr'); return i && i.complete && i.naturalWidth > 0"))
        check(True, "desk: the receipt shows the dossier's QR code (made by the server)")
        rows = b.js("return [...document.querySelectorAll('#papers-received tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
        check(len(rows) == 2 and all(r[2] for r in rows), "desk: each paper's code shown: %r" % rows)
        gks = rows[0][2] if rows else None
        # the receipt's date is the office's (Vietnam), not the browser's clock (UTC-12)
        shown = b.text("#receipt-date")
        office_now = time.time()
        near = [time.strftime("%d/%m/%Y %H:%M", time.localtime(office_now - d)) for d in range(0, 301, 60)]
        check(any(shown.startswith(n) for n in near), "desk: the receipt's date is the office's: %r, near %r" % (shown, near[0]))
        b.shot("03-desk-receipt")
        check(b.js("return [...document.styleSheets].some(s => [...s.cssRules].some(r => r.media && r.media.mediaText == 'print'))"),
              "desk: the receipt has a print stylesheet")
        # a desk account cannot open the admin page
        b.go(office.url + "/#/admin")
        b.el("#forbidden")
        check("không được mở" in b.text("#forbidden"), "desk: admin page forbidden")
        b.shot("04-desk-admin-forbidden")
        logout(b)

        # -- clerk: search without diacritics, open the owner, attach to another dossier
        login(b, office, "clerk1")
        b.el("#search-form")
        b.type("#q", "ngo minh quyen")
        b.wait("search result", lambda: gks and gks in (b.text("#results") or ""))
        check(True, "clerk: 'ngo minh quyen' finds the birth certificate %s" % gks)
        b.shot("05-clerk-search")
        b.js("const row=[...document.querySelectorAll('#results-table tbody tr')].find(r => r.textContent.includes(arguments[0]));"
             "row.querySelector('a[href^=\"#/owner/\"]').click()", gks)
        b.el("article.paper[data-code='%s']" % gks)
        check(b.js("return document.querySelector(\"article.paper[data-code='\" + arguments[0] + \"'] .badge\").textContent", gks)
              .startswith("còn hiệu lực"), "owner page: validity shown")
        b.wait("page preview", lambda: b.js("const i=document.querySelector(\"article.paper[data-code='\" + arguments[0] + \"'] img\"); return i.complete && i.naturalWidth > 0", gks))
        b.shot("06-clerk-owner")
        art = "article.paper[data-code='%s'] " % gks
        b.type(art + ".dossier-input", office.d2 + "\n")
        m = b.wait_text(art + ".msg", r"\S")
        check("Đã đính kèm vào hồ sơ " + office.d2 in m, "clerk: attached to the other dossier: %r" % m)
        b.go(office.url + "/#/dossier/" + office.d2)
        b.el("#dossier-attached")
        check(gks in b.text("#dossier-attached"), "dossier page lists the attached paper")
        b.shot("07-clerk-dossier")
        logout(b)

        # -- archivist: verify, download the proof bundle, audit trail
        login(b, office, "arch1")
        b.el("#verify-form")
        b.type("#vcode", gks + "\n")
        m = b.wait_text("#verify-msg", r"Đã xác minh|KHÔNG ĐẠT|\(")
        check(m.startswith("Đã xác minh"), "archivist: verified: %r" % m)
        signed = b.js("return [...document.querySelectorAll('#signed-table tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
        check(signed and "Nguyễn Thị Bình" in signed[0][2] and signed[0][4] == "desk1" and signed[0][5].isdigit()
              and signed[0][6].isdigit(), "archivist: what was signed, by whom, when, log index and checkpoint: %r" % signed)
        b.js("document.querySelector('#verify-out').scrollIntoView()")
        b.shot("08-archivist-verify")
        b.click("#verify-all")
        m = b.wait_text("#verify-all-msg", r"nguyên vẹn|KHÔNG ĐẠT|dừng")
        check("nguyên vẹn" in m, "archivist: the whole warehouse verified with progress: %r" % m)
        check(b.js("const p=document.querySelector('#verify-progress'); return p.value == p.max && p.max >= 3"),
              "archivist: the progress bar reached the end")
        b.js("document.querySelector('#verify-all-card').scrollIntoView()")
        b.shot("08b-archivist-verify-all")
        b.click("#proof-link")
        tar = b.wait("proof bundle downloaded", lambda: next(
            (os.path.join(b.downloads, f) for f in os.listdir(b.downloads) if f.endswith(".tar")), None))
        ok = False
        try:
            with tarfile.open(tar) as t:
                ok = len(t.getnames()) > 0 and all(n.startswith(gks + "/") for n in t.getnames())
        except (tarfile.TarError, OSError):
            ok = False
        check(ok, "archivist: proof bundle downloaded, a tar of the paper's files")
        b.go(office.url + "/#/audit")
        b.wait("audit rows", lambda: len(b.find("#audit-table tbody tr", many=True)) > 0)
        check("clerk1" in b.text("#audit-table"), "audit trail lists the clerk's reads")
        b.shot("09-archivist-audit")
        logout(b)

        # -- head of office: lands on the report, which counts the dossiers
        login(b, office, "head1")
        b.el("#report-table")
        check(b.js("return location.hash") == "#/report", "head of office lands on the report")
        month = time.strftime("%Y-%m")
        row = b.js("const r=[...document.querySelectorAll('#report-table tbody tr')].find(r => r.cells[0].textContent == arguments[0]);"
                   "return r ? [...r.cells].map(c => c.textContent) : null", month)
        check(row is not None and row[1] == "2", "report: this month counts 2 dossiers: %r" % row)
        check(len(b.find("#report-chart rect", many=True)) >= 1, "report: SVG chart drawn")
        check((b.js("return document.querySelector('#csv').getAttribute('href')") or "").startswith("blob:"), "report: CSV download link")
        b.shot("11-report")
        b.go(office.url + "/#/audit")
        b.el("#forbidden")
        check(True, "head of office: the audit trail is forbidden")
        logout(b)

        # -- admin
        login(b, office, "admin1")
        b.el("#users-table")
        check("desk1" in b.text("#users-table"), "admin: users listed")
        check(len(b.find("#keys-table tbody tr", many=True)) == 2, "admin: both signing keys listed")
        check(len(b.find("#keys-table .key-server", many=True)) == 1, "admin: the server's own key is marked and has no revoke form")
        old = b.js("const r=[...document.querySelectorAll('#keys-table tbody tr')].find(r => r.textContent.indexOf('Trần Văn Cũ') >= 0);"
                   "return r ? r.dataset.key : null")
        check(old is not None, "admin: the second signer's key is listed")
        b.shot("10-admin")
        if old:
            sel = "#keys-table tr[data-key='%s']" % old
            b.type(sel + " input.key-reason", "máy tính bị mất")
            b.js("window.confirm = () => true")
            b.click(sel + " form.key-revoke button")
            b.wait_text(sel + " .key-revoked", "máy tính bị mất")
            check("đã thu hồi" in (b.text(sel + " .key-revoked") or ""), "admin: the key is shown revoked, with the reason, in Vietnamese")
            p = office.run("keys", "list", "--json", user="admin1")
            k = [k for k in json.loads(p.stdout) if k["key"] == old]
            check(k and k[0]["revoked_at"] and k[0]["reason"] == "máy tính bị mất",
                  "the revocation is in the warehouse (sohoa keys list): %r" % k)
            b.js("document.querySelector('#keys').scrollIntoView()")
            b.shot("10-admin-key-revoked")
        b.go(office.url + "/#/report")
        b.el("#report-table")
        # English when asked
        b.click("#lang")
        b.wait_text("h1", "^Report$")
        b.shot("12-report-english")
        b.click("#lang")

        log = b.console()
        if log is not None:
            bad = [e.get("message", "") for e in log if (e.get("level") == "SEVERE" and e.get("source") != "network")
                   or "Content Security Policy" in e.get("message", "")]
            check(not bad, "no script error and no CSP violation in the console: %r" % bad[:5])
    finally:
        if browser:
            browser.quit()
        if office:
            rc = office.stop()
            check(rc == 0, "sohoa serve stopped cleanly on SIGTERM (exit %s)" % rc)
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s); screenshots in %s" % (len(fails), OUT))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
