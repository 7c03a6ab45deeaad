#!/usr/bin/env python3
"""Writes Scripts/link/startup-order.txt: the functions `understudy serve` runs from start to its first
answers, for lld's --symbol-ordering-file (Scripts/build-release), so that code sits together.

Why: the kernel maps a binary's pages in 64 KiB windows around each page fault (fault-around), and
start-up touches ~1 500 functions spread over the 10 MB text; laid out together they take a few
windows instead of ~80 (idle RSS, issue 14). Functions that never run stay where the linker puts them.

Usage: Scripts/startup_order.py [BINARY]   (default: the one Scripts/build-release builds; needs valgrind)
Run it after large changes and rebuild; a name that no longer exists is skipped by the linker.
The order: start-up and the first OpenAI page (what the idle-RSS benchmark does) first, then the
first page of every other vendor and a `Connection: close` request.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Scripts", "link", "startup-order.txt")

# The benchmark's first pages (Benchmarks/run), OpenAI first.
REQUESTS = [
    ("/v1/organization/users?limit=10", "Bearer sk-admin-understudy-test"),
    ("/v1beta1/accounts/UNDERSTUDYTESTACCOUNT00001/users?max_page_size=10", "Bearer 1password-test-token"),
    ("/api/v0/organization/users?limit=10", "Bearer factory-test-key"),
    ("/v1/users?maxResults=10", "openphone-test-key"),
    ("/public/v1/users?count=10", "API-Key pandadoc-test-key"),
    ("/__admin/health", None),
]


def get(url, auth, close=False):
    request = urllib.request.Request(url)
    if auth:
        request.add_header("Authorization", auth)
    if close:
        request.add_header("Connection", "close")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def functions_in(profile):
    """Function names in the order callgrind first mentions them (names are compressed to ids)."""
    names, seen = {}, []
    pattern = re.compile(r"c?fn=\((\d+)\)(?: (.*))?")
    with open(profile) as lines:
        for line in lines:
            match = pattern.match(line.strip())
            if not match:
                continue
            if match.group(2):
                names[match.group(1)] = match.group(2)
            if line.startswith("fn=") and match.group(1) in names:
                seen.append(names[match.group(1)])
    return seen


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else subprocess.run(
        [os.path.join(ROOT, "Scripts", "build-release")], check=True, capture_output=True, text=True
    ).stdout.strip().splitlines()[-1]
    work = tempfile.mkdtemp()
    # Valgrind 3.19 gives up on some of lld's DWARF ("possibly corrupted debuginfo"); the symbol
    # table is all the trace needs.
    traced = os.path.join(work, "understudy")
    subprocess.run(["objcopy", "--strip-debug", binary, traced], check=True)
    ready = os.path.join(work, "ready")
    profile = os.path.join(work, "cg.out")
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={profile}",
         traced, "serve", "--port", "0", "--log", "off", "--ready-file", ready],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (os.path.exists(ready) and os.path.getsize(ready) > 0):
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("understudy did not become ready under valgrind")
            time.sleep(0.2)
        url = open(ready).read().split()[-1]
        get(url + REQUESTS[0][0], REQUESTS[0][1])
        subprocess.run(["callgrind_control", "--dump", str(server.pid)], check=True, capture_output=True)
        for path, auth in REQUESTS[1:]:
            get(url + path, auth)
        get(url + REQUESTS[0][0], REQUESTS[0][1], close=True)
    finally:
        server.terminate()
        server.wait(timeout=60)
    # callgrind writes the first dump as cg.out.1 and the rest at exit as cg.out.
    dumps = sorted(f for f in os.listdir(work) if f.startswith("cg.out."))
    ordered, known = [], set()
    for name in [os.path.join(work, f) for f in dumps] + [profile]:
        for function in functions_in(name):
            if function not in known:
                known.add(function)
                ordered.append(function)
    # Only names the binary defines: callgrind also lists libc's and addresses without a name.
    symbols = subprocess.run(["nm", "--defined-only", binary], check=True, capture_output=True, text=True).stdout
    defined = {line.split()[-1] for line in symbols.splitlines() if len(line.split()) == 3 and line.split()[1] in "tTwW"}
    kept = [name for name in ordered if name in defined]
    with open(OUT, "w") as out:
        out.write("\n".join(kept) + "\n")
    print(f"{len(kept)} functions of {len(ordered)} traced -> {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
