#!/usr/bin/env python3
"""Save-to-updated-page latency of editing from `partnerbook serve`.

Copies GUIDE to a temporary folder, starts `serve` on it, then N times: reads
the editing data of one partner's page (token, file, hash), POSTs an "add
action item" edit with a fresh task, as the page's form does, and polls the
page over one kept-alive HTTP connection until the task is served. Prints the
median, the 90th percentile and the maximum, in milliseconds, from the POST
being sent to the updated page being read.

  benches/edit_latency.py --guide DIR [--edits 20] [--bin target/release/partnerbook]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time

from serve_latency import start, summary


def page_data(conn, url):
    conn.request("GET", url)
    body = conn.getresponse().read().decode("utf-8", "replace")
    m = re.search(r'<script type="application/json" id="partnerbook-edit">(.*?)</script>', body, re.S)
    if not m:
        sys.exit(f"{url} carries no editing data: is editing on?")
    return body, json.loads(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--guide", required=True)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--bin", default="target/release/partnerbook")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="pb-edit-latency-")
    try:
        root = os.path.join(work, "guide")
        shutil.copytree(args.guide, root)
        slug = sorted(f[:-5] for f in os.listdir(os.path.join(root, "partners")) if f.endswith(".yaml"))[0]
        url = f"/partners/{slug}/"
        cmd = [os.path.abspath(args.bin), "serve", root, "--port", "0", "--today", "2026-11-29"]
        proc, port = start(cmd, work, r"http://127\.0\.0\.1:(\d+)/")
        origin = f"http://127.0.0.1:{port}"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        post = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        times = []
        for i in range(args.edits):
            _, data = page_data(conn, url)
            task = f"Latency probe {i} {time.time_ns()}"
            body = json.dumps({"file": data["page"]["file"], "hash": data["page"]["hash"],
                               "edit": {"kind": "add-item", "task": task, "owner": "Bench", "due": ""}})
            headers = {"Content-Type": "application/json", "Origin": origin,
                       "X-Partnerbook-Token": data["token"]}
            started = time.perf_counter()
            post.request("POST", "/_partnerbook/edit/partner", body=body, headers=headers)
            answer = post.getresponse()
            text = answer.read().decode("utf-8", "replace")
            if answer.status != 200:
                sys.exit(f"the edit was refused ({answer.status}): {text}")
            while True:
                conn.request("GET", url)
                page = conn.getresponse().read().decode("utf-8", "replace")
                if task in page:
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
