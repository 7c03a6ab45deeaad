#!/usr/bin/env bash
# Start-up time to a first 200, and resident memory, for understudy (default seeds and
# --users 1000000 for every vendor) beside nginx, measured in the same run. Median of N runs.
# Usage: Benchmarks/startup.sh [runs]   (needs nginx: apt-get install -y nginx-light)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-15}"
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as nobody
trap 'rm -rf "$work"' EXIT
swift build -c release --product understudy >/dev/null
bin="$(swift build -c release --show-bin-path)/understudy"
mkdir -p "$work/html" && echo ok > "$work/html/index.html"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $work/nginx-error.log;
pid $work/nginx.pid;
events { worker_connections 64; }
http { access_log off; server { listen 127.0.0.1:18091; root $work/html; } }
CONF

# Launches "$@" in the background and polls until URL answers 200; prints microseconds and RSS KiB.
measure() {
  local url=$1; shift
  local start end pid rss
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 &
  pid=$!
  until curl -s -o /dev/null -f -H 'Authorization: Bearer sk-admin-understudy-test' "$url"; do :; done
  end=$(date +%s%N)
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (end - start) / 1000 )) $rss"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

report() { # name url command…
  local name=$1; shift
  local results; results=$(for _ in $(seq "$runs"); do measure "$@"; done)
  printf '%-42s %8s us to first 200   %6s KiB RSS\n' "$name" "$(echo "$results" | cut -d' ' -f1 | median)" "$(echo "$results" | cut -d' ' -f2 | median)"
}

echo "median of $runs runs (curl polling loop included in every figure)"
report "nginx (1 worker)" "http://127.0.0.1:18091/" nginx -c "$work/nginx.conf"
report "understudy serve (embedded seeds)" "http://127.0.0.1:18092/v1/organization/users?limit=1" "$bin" serve --port 18092 --log off
report "understudy serve --users 1000000 (x5 vendors)" "http://127.0.0.1:18093/v1/organization/users?limit=1" "$bin" serve --port 18093 --log off --users 1000000 --seed 42
