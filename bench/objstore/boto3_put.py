"""Baseline for obj_bench: the same files uploaded (and read back) with boto3,
same content-address keys, same Swift, same run. Environment: SOHOA_S3_*.
   python3 boto3_put.py [-j THREADS] [-l LABEL] DIR PREFIX
With -j N, N threads share one client (boto3 clients are thread-safe) with a
connection pool of N, as boto3's own transfer manager does."""
import argparse, hashlib, os, sys, time
from concurrent.futures import ThreadPoolExecutor
import boto3
from botocore.config import Config

ap = argparse.ArgumentParser()
ap.add_argument("-j", type=int, default=1)
ap.add_argument("-l", default="")
ap.add_argument("dir")
ap.add_argument("prefix")
a = ap.parse_args()
s3 = boto3.client("s3", endpoint_url=os.environ["SOHOA_S3_ENDPOINT"],
                  region_name=os.environ.get("SOHOA_S3_REGION", "us-east-1"),
                  aws_access_key_id=os.environ["SOHOA_S3_ACCESS_KEY"],
                  aws_secret_access_key=os.environ["SOHOA_S3_SECRET_KEY"],
                  config=Config(s3={"addressing_style": "path"}, signature_version="s3v4",
                                max_pool_connections=max(10, a.j)))
bucket = os.environ.get("BENCH_BUCKET", "sohoa-bench")
files = []
for name in sorted(os.listdir(a.dir)):
    if name.startswith("."):
        continue
    with open(os.path.join(a.dir, name), "rb") as f:
        files.append(f.read())
total = sum(len(b) for b in files)
keys = []
for b in files:
    h = hashlib.sha256(b).hexdigest()
    keys.append("%s/sha256/%s/%s/%s" % (a.prefix, h[:2], h[2:4], h))

def line(what, s):
    name = what + (" " + a.l if a.l else "")
    print("%-36s %5d files %8.1f MB %7.2f s %8.1f MB/s %7.1f obj/s"
          % (name, len(files), total / 1e6, s, total / 1e6 / s, len(files) / s), flush=True)

def put(i):
    s3.put_object(Bucket=bucket, Key=keys[i], Body=files[i])   # single PUT, payload signed

def get(i):
    got = s3.get_object(Bucket=bucket, Key=keys[i])["Body"].read()
    assert hashlib.sha256(got).digest() == hashlib.sha256(files[i]).digest()

with ThreadPoolExecutor(max_workers=a.j) as ex:
    for what, fn in (("boto3 put_object", put), ("boto3 get_object (+ hash)", get)):
        t0 = time.monotonic()
        list(ex.map(fn, range(len(files))))
        line(what, time.monotonic() - t0)
