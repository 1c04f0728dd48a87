#!/usr/bin/env python3
"""A test RFC 3161 time-stamp authority on a loopback port: `openssl ts
-reply` behind http.server. tsa.py DIR PORTFILE: DIR holds tsa.pem,
tsa.key, ca.pem, tsa.cnf; the chosen port is written to PORTFILE.
POST / answers the query; POST /replay answers with the first reply it
ever made (another request's nonce and imprint); POST /plain answers with
the right reply as text/plain."""
import http.server
import os
import subprocess
import sys
import tempfile

DIR, PORTFILE = sys.argv[1], sys.argv[2]
first = []


class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get('Content-Length', '0'))
        body = self.rfile.read(n)
        with tempfile.TemporaryDirectory() as t:
            q, r = os.path.join(t, 'q'), os.path.join(t, 'r')
            open(q, 'wb').write(body)
            p = subprocess.run(['openssl', 'ts', '-reply', '-config', os.path.join(DIR, 'tsa.cnf'),
                                '-queryfile', q, '-signer', os.path.join(DIR, 'tsa.pem'),
                                '-inkey', os.path.join(DIR, 'tsa.key'),
                                '-chain', os.path.join(DIR, 'ca.pem'), '-out', r],
                               cwd=DIR, capture_output=True)
            if p.returncode:
                self.send_response(500)
                self.end_headers()
                return
            reply = open(r, 'rb').read()
        if not first:
            first.append(reply)
        if self.path == '/replay':
            reply = first[0]
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain' if self.path == '/plain'
                         else 'application/timestamp-reply')
        self.send_header('Content-Length', str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


s = http.server.HTTPServer(('127.0.0.1', 0), H)
with open(PORTFILE + '.tmp', 'w') as f:
    f.write(str(s.server_address[1]))
os.rename(PORTFILE + '.tmp', PORTFILE)
s.serve_forever()
