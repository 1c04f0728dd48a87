#!/usr/bin/env python3
"""A loopback HTTP proxy in front of the real Swift (tests/objstore/warehouse_s3.sh),
standard library only. Requests go through unchanged (Host kept, so Swift still checks
every SigV4 signature); the proxy only misbehaves as told:

  s3proxy.py PORTFILE UPSTREAM storm N       answer 503 SlowDown to the first N requests
  s3proxy.py PORTFILE UPSTREAM stop K PID    forward K requests, then SIGSTOP PID (the Swift
                                             proxy) before forwarding the next: the store
                                             stops in the middle of whatever is running

It writes its port to PORTFILE once listening, counts requests in PORTFILE.count, and runs
until killed (by PID, by the test)."""
import http.client
import http.server
import os
import signal
import sys
import threading
import urllib.parse

portfile, upstream, mode = sys.argv[1], sys.argv[2], sys.argv[3]
arg = int(sys.argv[4])
stop_pid = int(sys.argv[5]) if mode == "stop" else 0
up = urllib.parse.urlsplit(upstream)
lock = threading.Lock()
seen = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def relay(self):
        global seen
        with lock:
            seen += 1
            n = seen
            with open(portfile + ".count", "w") as f:
                f.write(str(n))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if mode == "storm" and n <= arg:
            msg = b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>SlowDown</Code></Error>"
            self.send_response(503)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(msg)
            return
        if mode == "stop" and n == arg + 1:
            os.kill(stop_pid, signal.SIGSTOP)
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=600)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "expect"}
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        self.send_response(r.status, r.reason)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = relay


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
