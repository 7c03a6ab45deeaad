#!/usr/bin/env python3
"""Memory of many sessions: start `understudy serve`, read its RSS, then create N sessions that
each change one user (a delete in one vendor, rotating over the five) and page once, and read RSS
again; also times a deep page in a session over --users 1000000 beside the same page outside.
Stdlib only. Usage: Benchmarks/sessions.py [N] (default 1000); builds nothing: set UNDERSTUDY_BIN
or run `swift build -c release` first."""

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("UNDERSTUDY_BIN") or os.path.join(ROOT, ".build/release/understudy")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000


def start(*args):
    ready = tempfile.mktemp()
    process = subprocess.Popen([BIN, "serve", "--port", "0", "--ready-file", ready, "--log", "off", *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(ready) and open(ready).read().strip():
            url = open(ready).read().strip()
            return process, http.client.HTTPConnection(url.split("//")[1], timeout=10)
        time.sleep(0.05)
    raise SystemExit("understudy did not start")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read()


def main():
    process, conn = start("--max-sessions", str(N + 10))
    try:
        vendors = json.loads(call(conn, "GET", "/__admin/vendors")[1])["vendors"]
        first_ids = {}
        for vendor in vendors:
            status, body = call(conn, "GET", f"/__admin/vendors/{vendor['id']}/users/none")
            first_ids[vendor["id"]] = None
        seeds = {v["id"]: json.load(open(os.path.join(ROOT, "Seeds", f"{v['id']}.json")))["users"] for v in vendors}
        def user_id(user):
            return user.get("id") or user.get("user_id")
        call(conn, "GET", "/__admin/health")
        before = rss_kib(process.pid)
        started = time.monotonic()
        for index in range(N):
            vendor = vendors[index % len(vendors)]["id"]
            victim = user_id(seeds[vendor][index % len(seeds[vendor])])
            status, _ = call(conn, "DELETE", f"/__session/s{index}/__admin/vendors/{vendor}/users/{victim}")
            assert status == 204, (status, vendor, victim)
        elapsed = time.monotonic() - started
        after = rss_kib(process.pid)
        print(f"{N} sessions, each with one user deleted: RSS {before / 1024:.1f} MiB -> {after / 1024:.1f} MiB "
              f"(+{(after - before) / 1024:.1f} MiB, {(after - before) / N:.1f} KiB per session); {N / elapsed:.0f} sessions/s")
    finally:
        process.terminate()
        process.wait()

    process, conn = start("--users", "openai=1000000")
    try:
        auth = {"Authorization": "Bearer sk-admin-understudy-test"}
        body = json.loads(call(conn, "GET", "/v1/organization/users?limit=100", headers=auth)[1])
        after = body["last_id"]
        for _ in range(3):  # walk a little so `after` is an ordinary deep id
            body = json.loads(call(conn, "GET", f"/v1/organization/users?limit=100&after={after}", headers=auth)[1])
            after = body["last_id"]
        def timed(path):
            best = float("inf")
            for _ in range(200):
                t = time.perf_counter()
                call(conn, "GET", path, headers=auth)
                best = min(best, time.perf_counter() - t)
            return best * 1e6
        outside = timed(f"/v1/organization/users?limit=10&after={after}")
        inside = timed(f"/__session/deep/v1/organization/users?limit=10&after={after}")
        print(f"deep page over --users 1000000, best of 200 round trips: outside {outside:.0f} µs, in a session {inside:.0f} µs")
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
