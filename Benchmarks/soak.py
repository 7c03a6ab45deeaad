#!/usr/bin/env python3
"""Soak test: mixed vendor, fault and admin traffic against one understudy on loopback, with the
server's RSS and open descriptors sampled every few seconds and printed as a curve.

Usage: Benchmarks/soak.sh [seconds] [workers]   (or run this file with --binary PATH)

Traffic per worker, in a loop: vendor list pages (every vendor, bare and prefixed), per-request
faults (__status, __delay, __fault=close/truncate/reset), 100 KB bodies, admin user writes and
deletes, journal reads, armed faults, clients that leave mid-request or never send a byte, and
an occasional POST /__admin/reset. Everything is bounded: fixed duration, fixed workers, loopback
only, stdlib only. A healthy server's RSS and descriptors level off instead of climbing.
"""
import argparse, http.client, json, os, random, socket, subprocess, sys, tempfile, threading, time

AUTH = {
    "openphone": "openphone-test-key",
    "pandadoc": "API-Key pandadoc-test-key",
    "1password": "Bearer 1password-test-token",
    "openai": "Bearer sk-admin-understudy-test",
    "factory": "Bearer factory-test-key",
}
LIST = {
    "openphone": "/v1/users",
    "pandadoc": "/public/v1/users",
    "1password": "/v1beta1/accounts/UNDERSTUDYTESTACCOUNT00001/users",
    "openai": "/v1/organization/users",
    "factory": "/api/v0/organization/users",
}
FAULTS = ["", "__status=503", "__status=429", "__delay=50ms", "__fault=close", "__fault=truncate", "__fault=reset"]


def sample(pid):
    with open(f"/proc/{pid}/status") as fh:
        rss = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def worker(port, deadline, counts, lock, seed):
    rng = random.Random(seed)
    while time.time() < deadline:
        kind = rng.random()
        try:
            if kind < 0.03:  # a client that leaves mid-request, or never sends a byte
                s = socket.create_connection(("127.0.0.1", port), timeout=2)
                if rng.random() < 0.5:
                    s.sendall(b"GET /v1/users HTTP/1.1\r\nHost: t\r\n")
                s.close()
                outcome = "abandoned"
            else:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                if kind < 0.70:
                    vendor = rng.choice(list(LIST))
                    prefix = f"/{vendor}" if rng.random() < 0.5 else ""
                    fault = rng.choice(FAULTS) if rng.random() < 0.3 else ""
                    conn.request("GET", f"{prefix}{LIST[vendor]}" + (f"?{fault}" if fault else ""), headers={"Authorization": AUTH[vendor]})
                elif kind < 0.78:
                    conn.request("POST", "/openai/v1/organization/users", body=b"z" * 100_000, headers={"Authorization": AUTH["openai"]})
                elif kind < 0.88:
                    n = rng.randrange(1 << 30)
                    conn.request("POST", "/__admin/vendors/openai/users", body=json.dumps({"email": f"soak{n}@example.com", "name": "Soak"}))
                    reply = conn.getresponse()
                    body = reply.read()
                    if reply.status == 201 and rng.random() < 0.7:
                        uid = json.loads(body)["id"]
                        conn.request("DELETE", f"/__admin/vendors/openai/users/{uid}")
                elif kind < 0.95:
                    conn.request("GET", "/__admin/requests?limit=50")
                elif kind < 0.995:
                    conn.request("POST", "/__admin/faults", body=json.dumps({"vendor": "factory", "status": 503, "times": 1}))
                else:
                    conn.request("POST", "/__admin/reset")
                reply = conn.getresponse()
                reply.read()
                outcome = str(reply.status)
                conn.close()
        except (OSError, http.client.HTTPException):
            outcome = "broken"  # expected for __fault=close/truncate/reset
        with lock:
            counts[outcome] = counts.get(outcome, 0) + 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--every", type=float, default=5)
    args = parser.parse_args()
    work = tempfile.mkdtemp()
    ready = os.path.join(work, "url")
    server = subprocess.Popen([args.binary, "serve", "--port", "0", "--log", "off", "--ready-file", ready],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(500):
            if os.path.exists(ready) and open(ready).read().strip():
                break
            time.sleep(0.01)
        port = int(open(ready).read().strip().rsplit(":", 1)[1])
        counts, lock = {}, threading.Lock()
        deadline = time.time() + args.seconds
        threads = [threading.Thread(target=worker, args=(port, deadline, counts, lock, i), daemon=True) for i in range(args.workers)]
        start = time.time()
        rss0, fds0 = sample(server.pid)
        print(f"{'t(s)':>6} {'RSS MiB':>8} {'fds':>5} {'requests':>9}")
        print(f"{0:>6.0f} {rss0 / 1024:>8.1f} {fds0:>5} {0:>9}")
        for thread in threads:
            thread.start()
        peak = rss0
        while time.time() < deadline:
            time.sleep(min(args.every, max(0.0, deadline - time.time())))
            rss, fds = sample(server.pid)
            peak = max(peak, rss)
            with lock:
                total = sum(counts.values())
            print(f"{time.time() - start:>6.0f} {rss / 1024:>8.1f} {fds:>5} {total:>9}", flush=True)
        for thread in threads:
            thread.join(timeout=10)
        time.sleep(1)
        rss, fds = sample(server.pid)
        print(f"after: RSS {rss / 1024:.1f} MiB (start {rss0 / 1024:.1f}, peak {peak / 1024:.1f}), fds {fds} (start {fds0})")
        print("outcomes:", dict(sorted(counts.items())))
        alive = server.poll() is None
        print("server alive:", alive)
        return 0 if alive else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
