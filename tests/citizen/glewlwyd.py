#!/usr/bin/env python3
"""A real OpenID Connect provider for the citizen tests: Glewlwyd (Debian
`glewlwyd`) started on a loopback port with its own SQLite database and
configuration in a temporary directory (never /etc or /var), configured
through its admin API, stopped by its PID.

    with Glewlwyd(redirect_uri="http://127.0.0.1:8080/api/v1/me/callback") as g:
        g.issuer, g.client_id, g.secret_file, g.users["a"]["personal_id"]
        code = g.code_for("a", auth_url)   # no browser: Glewlwyd's login API

Run alone (`python3 glewlwyd.py`) it checks itself: discovery, JWKS, a code
with PKCE for citizen A exchanged for an ID token carrying the personal id.
"""
import base64
import hashlib
import http.cookiejar
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

SCHEMA = "/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3"
WEBAPP = "/usr/share/glewlwyd/webapp"
WEBAPP_CONFIG = "/etc/glewlwyd/config-2.7.json/config.json"
MODULES = "/usr/lib/glewlwyd"
PLUGIN = "vneid"          # the OIDC plugin instance: endpoints under /api/vneid/
CLIENT_ID = "sohoa"
PASSWORD = "MatKhau-2026!"

# Test people. Personal ids are 12 digits (căn cước công dân); the company's
# representative also carries the company's tax code (mã số thuế).
USERS = {
    "a": {"username": "citizen.a", "name": "Nguyễn Văn An", "personal_id": "001085012345"},
    "b": {"username": "citizen.b", "name": "Trần Thị Bình", "personal_id": "079190054321"},
    "rep": {"username": "company.rep", "name": "Lê Minh Châu", "personal_id": "031088067890",
            "tax_code": "0100109106"},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pkce_pair():
    verifier = b64u(secrets.token_bytes(32))
    return verifier, b64u(hashlib.sha256(verifier.encode()).digest())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


class Glewlwyd:
    def __init__(self, redirect_uri, alg="ES256"):
        self.redirect_uri = redirect_uri
        self.alg = alg
        self.proc = None
        self.dir = None

    # ---- process ----------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        if not shutil.which("glewlwyd"):
            raise RuntimeError("glewlwyd is not installed (Debian package glewlwyd)")
        self.dir = tempfile.mkdtemp(prefix="sohoa-glewlwyd-")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d/" % self.port
        self.api = self.url + "api/"
        self.issuer = self.api + PLUGIN
        db = os.path.join(self.dir, "glewlwyd.db")
        sql = open(SCHEMA, encoding="utf-8").read()
        # the user store keeps the identity claims as user properties
        extra = ('"personal_id":{"multiple":false,"read":true,"write":true,'
                 '"profile-read":true,"profile-write":false},'
                 '"tax_code":{"multiple":false,"read":true,"write":true,'
                 '"profile-read":true,"profile-write":false},')
        sql = sql.replace('{"use-glewlwyd-connection":true,"data-format":{"picture"',
                          '{"use-glewlwyd-connection":true,"data-format":{' + extra + '"picture"', 1)
        con = sqlite3.connect(db)
        con.executescript(sql)
        con.commit()
        con.close()
        # its own copy of the web app, with a config.json that points to it
        # (a copy: Glewlwyd serves no file that resolves outside static_files_path)
        web = os.path.join(self.dir, "webapp")
        shutil.copytree(WEBAPP, web, ignore=shutil.ignore_patterns("config.json", "*.map"))
        with open(WEBAPP_CONFIG, encoding="utf-8") as f:
            wcfg = json.load(f)
        wcfg["GlewlwydUrl"] = self.url
        wcfg["lang"] = ["en"]
        with open(os.path.join(web, "config.json"), "w", encoding="utf-8") as f:
            json.dump(wcfg, f)
        conf = os.path.join(self.dir, "glewlwyd.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(f'''port={self.port}
bind_address="127.0.0.1"
external_url="{self.url.rstrip("/")}"
login_url="login.html"
api_prefix="api"
static_files_path="{web}/"
allow_origin="*"
log_mode="file"
log_level="INFO"
log_file="{self.dir}/glewlwyd.log"
cookie_secure=0
session_expiration=3600
session_key="GLEWLWYD2_SESSION_ID"
admin_session_authentication="cookie"
profile_session_authentication="cookie"
allow_multiple_user_per_session=true
login_api_enabled=true
add_x_frame_option_header_deny=true
max_post_size=16778240
admin_scope="g_admin"
profile_scope="g_profile"
user_module_path="{MODULES}/user"
client_module_path="{MODULES}/client"
user_auth_scheme_module_path="{MODULES}/scheme"
plugin_module_path="{MODULES}/plugin"
hash_algorithm="SHA512"
database = {{
  type = "sqlite3"
  path = "{db}"
}};
static_files_mime_types = (
  {{ extension = ".html" mime_type = "text/html" }},
  {{ extension = ".css" mime_type = "text/css" }},
  {{ extension = ".js" mime_type = "application/javascript" }},
  {{ extension = ".json" mime_type = "application/json" }},
  {{ extension = ".png" mime_type = "image/png" }},
  {{ extension = ".ico" mime_type = "image/x-icon" }},
  {{ extension = ".ttf" mime_type = "font/ttf" }},
  {{ extension = ".woff" mime_type = "font/woff" }},
  {{ extension = ".woff2" mime_type = "font/woff2" }}
);
''')
        self.log = open(os.path.join(self.dir, "stderr.log"), "wb")
        self.proc = subprocess.Popen(["glewlwyd", "-c", conf],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        for _ in range(300):
            if self.proc.poll() is not None:
                raise RuntimeError("glewlwyd exited: " + self.logs())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("glewlwyd did not listen: " + self.logs())
        self.configure()

    def logs(self):
        out = ""
        for n in ("stderr.log", "glewlwyd.log"):
            p = os.path.join(self.dir, n)
            if os.path.exists(p):
                out += open(p, errors="replace").read()[-3000:]
        return out

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None
        if self.dir and not os.environ.get("SOHOA_KEEP_GLEWLWYD"):
            shutil.rmtree(self.dir, ignore_errors=True)

    # ---- HTTP ---------------------------------------------------------------
    def session(self):
        """A cookie-keeping opener that does not follow redirects."""
        jar = http.cookiejar.CookieJar()
        return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    @staticmethod
    def call(opener, method, url, body=None, expect=(200,)):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with opener.open(req, timeout=30) as r:
                status, headers, raw = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, raw = e.code, e.headers, e.read()
        if expect and status not in expect:
            raise RuntimeError("%s %s: HTTP %d %s" % (method, url, status, raw[:500]))
        return status, headers, raw

    def login(self, username, password):
        op = self.session()
        self.call(op, "POST", self.api + "auth/", {"username": username, "password": password})
        return op

    # ---- configuration through the admin API ------------------------------
    def configure(self):
        admin = self.login("admin", "password")
        kind = {"ES256": ("ecdsa", "256"), "RS256": ("rsa", "256")}[self.alg]
        keyf = os.path.join(self.dir, "sign.key")
        pubf = os.path.join(self.dir, "sign.pub")
        if kind[0] == "ecdsa":
            subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout",
                            "-out", keyf], check=True, capture_output=True)
            subprocess.run(["openssl", "ec", "-in", keyf, "-pubout", "-out", pubf],
                           check=True, capture_output=True)
        else:
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                            "rsa_keygen_bits:2048", "-out", keyf], check=True, capture_output=True)
            subprocess.run(["openssl", "pkey", "-in", keyf, "-pubout", "-out", pubf],
                           check=True, capture_output=True)
        claims = [{"name": "personal_id", "user-property": "personal_id", "type": "string",
                   "mandatory": True},
                  {"name": "tax_code", "user-property": "tax_code", "type": "string",
                   "mandatory": True}]
        self.call(admin, "POST", self.api + "mod/plugin/", {
            "module": "oidc", "name": PLUGIN, "display_name": "VNeID (test)", "enabled": True,
            "parameters": {
                "iss": self.issuer, "jwt-type": kind[0], "jwt-key-size": kind[1],
                "key": open(keyf).read(), "cert": open(pubf).read(),
                "access-token-duration": 3600, "refresh-token-duration": 1209600,
                "code-duration": 600, "refresh-token-rolling": True,
                "allow-non-oidc": False,
                "auth-type-code-enabled": True, "auth-type-token-enabled": False,
                "auth-type-id-token-enabled": False, "auth-type-password-enabled": False,
                "auth-type-client-enabled": False, "auth-type-refresh-enabled": True,
                "pkce-allowed": True, "pkce-method-plain-allowed": False, "pkce-required": True,
                "name-claim": "on-demand", "email-claim": "no",
                "claims": claims, "subject-type": "public",
                "jwks-show": True, "service-documentation": "",
            }})
        self.secret = secrets.token_urlsafe(24)
        self.client_id = CLIENT_ID
        self.call(admin, "POST", self.api + "client/", {
            "client_id": CLIENT_ID, "name": "sohoa", "description": "Kho của tôi",
            "enabled": True, "confidential": True, "password": self.secret,
            "redirect_uri": [self.redirect_uri], "authorization_type": ["code"],
            "token_endpoint_auth_method": ["client_secret_basic", "client_secret_post"],
            "scope": ["openid"]})
        self.secret_file = os.path.join(self.dir, "client.secret")
        with open(self.secret_file, "w") as f:
            f.write(self.secret + "\n")
        os.chmod(self.secret_file, 0o600)
        self.users = {}
        for key, u in USERS.items():
            body = {"username": u["username"], "name": u["name"], "email": "",
                    "enabled": True, "scope": ["openid"], "password": PASSWORD,
                    "personal_id": u["personal_id"]}
            if "tax_code" in u:
                body["tax_code"] = u["tax_code"]
            self.call(admin, "POST", self.api + "user/", body)
            self.users[key] = dict(u, password=PASSWORD)

    # ---- a code without a browser ------------------------------------------
    def grant(self, who):
        """Log user `who` in through the login API and grant sohoa the
        openid scope (a consent kept by Glewlwyd for later logins too).
        Returns the logged-in opener."""
        u = self.users[who]
        op = self.login(u["username"], u["password"])
        self.call(op, "PUT", self.api + "auth/grant/" + CLIENT_ID, {"scope": "openid"})
        return op

    def code_for(self, who, auth_url):
        """Log user `who` in through Glewlwyd's login API, grant openid to
        sohoa, follow auth_url (sohoa's authorization request) and return
        the redirect Location (sohoa's callback URL with code and state)."""
        op = self.grant(who)
        url = auth_url + ("&" if "?" in auth_url else "?") + "g_continue"
        status, headers, raw = self.call(op, "GET", url, expect=(302, 303))
        loc = headers.get("Location", "")
        if not loc.startswith(self.redirect_uri):
            raise RuntimeError("no redirect to sohoa: %d %s %s" % (status, loc, raw[:300]))
        return loc


def selftest(alg):
    import urllib.parse as up
    redirect = "http://127.0.0.1:%d/api/v1/me/callback" % free_port()
    with Glewlwyd(redirect, alg=alg) as g:
        op = g.session()
        _, _, raw = g.call(op, "GET", g.issuer + "/.well-known/openid-configuration")
        disc = json.loads(raw)
        assert disc["issuer"] == g.issuer, disc["issuer"]
        _, _, raw = g.call(op, "GET", disc["jwks_uri"])
        jwks = json.loads(raw)
        assert jwks["keys"] and jwks["keys"][0]["kty"] == {"ES256": "EC", "RS256": "RSA"}[alg], jwks
        verifier, challenge = pkce_pair()
        auth = disc["authorization_endpoint"] + "?" + up.urlencode({
            "response_type": "code", "client_id": g.client_id, "redirect_uri": redirect,
            "scope": "openid", "state": "s123", "nonce": "n456",
            "code_challenge": challenge, "code_challenge_method": "S256"})
        loc = g.code_for("a", auth)
        q = dict(up.parse_qsl(up.urlsplit(loc).query))
        assert q.get("state") == "s123" and q.get("code"), loc
        form = up.urlencode({"grant_type": "authorization_code", "code": q["code"],
                             "redirect_uri": redirect, "client_id": g.client_id,
                             "client_secret": g.secret, "code_verifier": verifier}).encode()
        req = urllib.request.Request(disc["token_endpoint"], data=form, method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            tok = json.loads(r.read())
        payload = tok["id_token"].split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        assert claims["personal_id"] == USERS["a"]["personal_id"], claims
        assert claims["nonce"] == "n456" and claims["iss"] == g.issuer, claims
        # the same code twice is refused; a code without the verifier too
        req = urllib.request.Request(disc["token_endpoint"], data=form, method="POST")
        try:
            urllib.request.urlopen(req, timeout=30)
            raise AssertionError("a used code was accepted twice")
        except urllib.error.HTTPError as e:
            assert e.code in (400, 403), e.code
        header = json.loads(base64.urlsafe_b64decode(tok["id_token"].split(".")[0] + "=="))
        assert header["alg"] == alg, header
        print("glewlwyd: issuer %s, %s ID token for %s with personal_id %s" %
              (g.issuer, g.alg, claims["sub"], claims["personal_id"]))


if __name__ == "__main__":
    if not shutil.which("glewlwyd"):
        print("skipped: glewlwyd is not installed")
        sys.exit(77)
    for alg in ("ES256", "RS256"):
        selftest(alg)
