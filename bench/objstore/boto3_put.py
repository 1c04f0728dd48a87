"""Baseline for obj_bench: the same files uploaded (and read back) with boto3,
same content-address keys, same Swift, same run. Environment: SOHOA_S3_*.
   python3 boto3_put.py DIR PREFIX"""
import hashlib, os, sys, time
import boto3
from botocore.config import Config

d, prefix = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=os.environ["SOHOA_S3_ENDPOINT"],
                  region_name=os.environ.get("SOHOA_S3_REGION", "us-east-1"),
                  aws_access_key_id=os.environ["SOHOA_S3_ACCESS_KEY"],
                  aws_secret_access_key=os.environ["SOHOA_S3_SECRET_KEY"],
                  config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
bucket = os.environ.get("BENCH_BUCKET", "sohoa-bench")
files = []
for name in sorted(os.listdir(d)):
    if name.startswith("."):
        continue
    with open(os.path.join(d, name), "rb") as f:
        files.append(f.read())
total = sum(len(b) for b in files)
keys = []
for b in files:
    h = hashlib.sha256(b).hexdigest()
    keys.append("%s/sha256/%s/%s/%s" % (prefix, h[:2], h[2:4], h))

def line(what, s):
    print("%-28s %5d files %8.1f MB %7.2f s %8.1f MB/s %7.1f obj/s"
          % (what, len(files), total / 1e6, s, total / 1e6 / s, len(files) / s))

t0 = time.monotonic()
for k, b in zip(keys, files):
    s3.put_object(Bucket=bucket, Key=k, Body=b)   # single PUT, payload signed
line("boto3 put_object", time.monotonic() - t0)
t0 = time.monotonic()
for k, b in zip(keys, files):
    got = s3.get_object(Bucket=bucket, Key=k)["Body"].read()
    assert hashlib.sha256(got).digest() == hashlib.sha256(b).digest()
line("boto3 get_object (+ hash)", time.monotonic() - t0)
