#!/usr/bin/env python3
"""Load generator for `sohoa serve` (a benchmark, not a test): N clients on
keep-alive connections each send R GETs of PATH after logging in once, and
the latencies are printed (p50, p99, max) with the throughput.

usage: load.py URL USER PASSWORD_FILE PATH [CLIENTS=20] [REQUESTS=200]
e.g.   load.py http://127.0.0.1:8080 clerk1 pw '/api/v1/search?q=giay' 50 200
Python's threads share one interpreter: the figures bound the server's cost
from above (the client is often the bottleneck); see docs/SERVER.md."""
import http.client
import json
import sys
import threading
import time
import urllib.parse

url, user, pwfile, path = sys.argv[1:5]
clients = int(sys.argv[5]) if len(sys.argv) > 5 else 20
per = int(sys.argv[6]) if len(sys.argv) > 6 else 200
u = urllib.parse.urlsplit(url)
pw = open(pwfile, encoding="utf-8").readline().rstrip("\r\n")


def connect():
    return http.client.HTTPConnection(u.hostname, u.port, timeout=60)


c = connect()
c.request("POST", "/api/v1/login", json.dumps({"user": user, "password": pw}),
          {"Content-Type": "application/json"})
r = c.getresponse()
r.read()
if r.status != 200:
    sys.exit("login: %d" % r.status)
cookie = r.getheader("Set-Cookie").split(";")[0]
lat, errors = [], []
lock = threading.Lock()


def run():
    conn = connect()
    mine, bad = [], 0
    for _ in range(per):
        t = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        resp = conn.getresponse()
        resp.read()
        mine.append(time.perf_counter() - t)
        bad += resp.status != 200
    with lock:
        lat.extend(mine)
        errors.append(bad)


t0 = time.perf_counter()
ts = [threading.Thread(target=run) for _ in range(clients)]
for t in ts:
    t.start()
for t in ts:
    t.join()
el = time.perf_counter() - t0
lat.sort()
n = len(lat)
print("%s: %d clients x %d requests: %.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d"
      % (path, clients, per, n / el, lat[n // 2] * 1e3, lat[int(n * 0.99)] * 1e3, lat[-1] * 1e3, sum(errors)))
