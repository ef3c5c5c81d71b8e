#!/usr/bin/env python3
"""Edit-to-served latency of `partnerbook serve` (or any dev server).

Copies GUIDE to a temporary folder, starts the server on it, then N times:
rewrites the title of one playbook with a fresh token, and polls the page over
one kept-alive HTTP connection until the token is served. Prints the median,
the 90th percentile and the maximum, in milliseconds.

  benches/serve_latency.py --guide DIR [--edits 20] [--bin target/release/partnerbook]
  benches/serve_latency.py --hugo DIR   # the same against `hugo server` on a Hugo site
"""
import argparse
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def summary(times):
    """One line: how many edits, and the median, 90th percentile and maximum in ms."""
    times = sorted(times)
    p90 = times[int(len(times) * 0.9) - 1]
    return f"edits={len(times)} median={statistics.median(times):.1f}ms p90={p90:.1f}ms max={times[-1]:.1f}ms"


def start(cmd, cwd, pattern):
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 300
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(pattern, line)
        if m:
            return proc, int(m.group(1))
    proc.kill()
    sys.exit("the server did not start")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--guide")
    ap.add_argument("--hugo")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--bin", default="target/release/partnerbook")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="pb-latency-")
    try:
        if args.guide:
            root = os.path.join(work, "guide")
            shutil.copytree(args.guide, root)
            folder = os.path.join(root, "playbooks")
            cmd = [os.path.abspath(args.bin), "serve", root, "--port", "0", "--today", "2026-11-29"]
            proc, port = start(cmd, work, r"http://127\.0\.0\.1:(\d+)/")
            url_of = lambda slug: f"/playbooks/{slug}/"
        else:
            root = os.path.join(work, "site")
            shutil.copytree(args.hugo, root)
            folder = os.path.join(root, "content", "playbooks")
            cmd = ["hugo", "server", "--port", "1414", "--bind", "127.0.0.1", "--disableLiveReload"]
            proc, port = start(cmd, root, r"localhost:(\d+)/")
            url_of = lambda slug: f"/playbooks/{slug}/"
        name = sorted(f for f in os.listdir(folder) if f.endswith(".md") and not f.startswith("_"))[0]
        path = os.path.join(folder, name)
        slug = name[:-3]
        text = open(path, encoding="utf-8").read()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        times = []
        for i in range(args.edits):
            token = f"Latency probe {i} {time.time_ns()}"
            new = re.sub(r"(?m)^title: .*$", f"title: {token}", text, count=1)
            started = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            while True:
                conn.request("GET", url_of(slug))
                body = conn.getresponse().read().decode("utf-8", "replace")
                if token in body:
                    break
                if time.perf_counter() - started > 60:
                    sys.exit("the edit was never served")
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(0.05)
        print(summary(times))
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
