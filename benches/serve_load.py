#!/usr/bin/env python3
"""`partnerbook serve` under load while files are being edited.

Copies GUIDE to a temporary folder, starts the server on it, lists the pages
the site has (from its sitemap, plus the section pages), then runs wrk against
them (round robin) while a second thread rewrites one playbook every
--edit-every seconds. Prints wrk's report with latency percentiles, the
number of answers that were not 2xx, the socket errors and the number of
rebuilds, and exits 1 if any request failed or answered anything but 2xx (all
the requested pages exist before, during and after the edits).

  benches/serve_load.py --guide DIR [--connections 64] [--duration 30] [--threads 2]
                        [--edit-every 0.1] [--bin target/release/partnerbook]
                        [--sse N] [--stalled N]

--sse N keeps N live-reload event streams open (idle pages in a browser) and
--stalled N keeps N connections that sent half a request and never finish it,
for the whole run.

Needs wrk (Debian: apt-get install wrk). Build the binary with
`cargo build --release` first.
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

LUA = r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non2xx = 0
  i = math.random(#paths)
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format("LOAD requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d status=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, bad, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def start(binary, guide, stderr_lines):
    proc = subprocess.Popen(
        [binary, "serve", guide, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Read stderr from the start: a large guide's warnings would fill the pipe and stop the server.
    threading.Thread(target=lambda: stderr_lines.extend(proc.stderr), daemon=True).start()
    line = proc.stdout.readline()
    m = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        proc.kill()
        sys.exit(f"the server did not start: {line!r}\n{''.join(stderr_lines[-20:])}")
    return proc, int(m.group(1))


def pages(port):
    base = f"http://127.0.0.1:{port}"
    with urllib.request.urlopen(f"{base}/sitemap.xml") as r:
        sitemap = r.read().decode()
    paths = {"/", "/playbooks/", "/partners/", "/actions/", "/tags/", "/404.html", "/assets/style.css"}
    for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap):
        paths.add(re.sub(r"^https?://[^/]+", "", loc) or "/")
    # Every path must answer 200 before the load starts, or the count of non-2xx means nothing.
    paths = sorted(p for p in paths if p.startswith("/"))
    for p in paths[:50]:
        with urllib.request.urlopen(base + p) as r:
            assert r.status == 200, p
    return paths


def edit_loop(playbook, every, stop, counter):
    original = open(playbook, encoding="utf-8").read()
    n = 0
    while not stop.is_set():
        n += 1
        text = re.sub(r"^title: (.*)$", lambda m: f"title: {m.group(1)} load{n}", original, count=1, flags=re.M)
        with open(playbook, "w", encoding="utf-8") as f:
            f.write(text)
        counter[0] = n
        stop.wait(every)
    with open(playbook, "w", encoding="utf-8") as f:
        f.write(original)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--guide", required=True)
    ap.add_argument("--bin", default="target/release/partnerbook")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--edit-every", type=float, default=0.1)
    ap.add_argument("--sse", type=int, default=0)
    ap.add_argument("--stalled", type=int, default=0)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")

    work = tempfile.mkdtemp(prefix="partnerbook-load-")
    guide = os.path.join(work, "guide")
    shutil.copytree(args.guide, guide)
    stderr_lines = []
    proc, port = start(os.path.abspath(args.bin), guide, stderr_lines)
    try:
        paths = pages(port)
        lua = os.path.join(work, "load.lua")
        with open(lua, "w") as f:
            f.write("paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n" + LUA)
        playbooks = sorted(
            os.path.join(d, n) for d, _, ns in os.walk(os.path.join(guide, "playbooks")) for n in ns if n.endswith(".md")
        )
        held = []
        for _ in range(args.sse):
            c = socket.create_connection(("127.0.0.1", port))
            c.sendall(b"GET /__partnerbook/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
            held.append(c)
        for i in range(args.stalled):
            c = socket.create_connection(("127.0.0.1", port))
            c.sendall(b"GET /playbooks/ HTTP/1.1\r\nHost: localhost\r\nX-Half: " if i % 2 else b"GE")
            held.append(c)
        if held:
            print(f"holding {args.sse} idle event streams and {args.stalled} stalled connections")
        stop, edits = threading.Event(), [0]
        editor = threading.Thread(target=edit_loop, args=(playbooks[0], args.edit_every, stop, edits))
        cmd = [
            "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
            "-s", lua, f"http://127.0.0.1:{port}/",
        ]
        print(f"{len(paths)} pages; editing {os.path.relpath(playbooks[0], guide)} every {args.edit_every} s")
        print("$ " + " ".join(cmd))
        editor.start()
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        stop.set()
        editor.join()
        print(out, end="")
        rebuilds = sum(1 for l in stderr_lines if " changed" in l)
        print(f"edits: {edits[0]}, rebuilds reported by the server: {rebuilds}")
        m = re.search(r"^LOAD (.*)$", out, re.M)
        stats = dict(kv.split("=") for kv in m.group(1).split())
        failed = sum(int(stats[k]) for k in ("non2xx", "connect", "read", "write", "timeout", "status"))
        if failed:
            print(f"FAIL: {failed} requests failed or answered other than 2xx")
            return 1
        print("ok: no socket errors, every answer 2xx")
        return 0
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
