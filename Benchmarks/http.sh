#!/usr/bin/env bash
# Keep-alive throughput of understudy beside nginx (same machine, same run), each server pinned to
# CPU 0 and wrk to CPU 1, as in shared/PERFORMANCE.md. Prints req/s and server CPU microseconds per
# request (robust when wrk's own core saturates), and the CPU ratio to nginx.
# Usage: Benchmarks/http.sh [seconds-per-run]   (needs wrk and nginx: apt-get install -y wrk nginx-light)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-5}"
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as nobody
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

swift build -c release --product understudy >/dev/null
bin="$(swift build -c release --show-bin-path)/understudy"
key='Authorization: Bearer sk-admin-understudy-test'

taskset -c 0 "$bin" serve --port 0 --log off --ready-file "$work/url" >/dev/null &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
url=$(cat "$work/url")

# nginx serves the exact bytes of understudy's 10-user OpenAI page as a static file.
curl -s -H "$key" "$url/v1/organization/users?limit=10" > "$work/page.json"
mkdir -p "$work/html/v1/organization"
cp "$work/page.json" "$work/html/v1/organization/users"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $work/nginx-error.log;
pid $work/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:18089; root $work/html; }
}
CONF
taskset -c 0 nginx -c "$work/nginx.conf" &
pids+=($!)
sleep 0.3
# Refuse to compare against an error page: nginx must serve the same 200 bytes.
cmp -s <(curl -s -f http://127.0.0.1:18089/v1/organization/users) "$work/page.json" || { echo "nginx is not serving the page" >&2; exit 1; }
nginx_worker=$(pgrep -P "${pids[-1]}" | head -n 1)
server_pid=${pids[0]}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # name pid url [header] — prints CPU microseconds per request (the robust number) and req/s
  local before after out requests
  before=$(cpu_ticks "$2")
  if [ -n "${4:-}" ]; then out=$(taskset -c 1 wrk -t1 -c32 -d"${duration}s" -H "$4" "$3"); else out=$(taskset -c 1 wrk -t1 -c32 -d"${duration}s" "$3"); fi
  after=$(cpu_ticks "$2")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  local rps; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  local us; us=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }')
  printf '%-40s %9.0f req/s %8s CPU us/request\n' "$1" "$rps" "$us" >&2
  echo "$us"
}

echo "page size: $(wc -c < "$work/page.json") bytes; ${duration}s per run, 32 keep-alive connections" >&2
nginx_us=$(run "nginx static (same bytes)" "$nginx_worker" "http://127.0.0.1:18089/v1/organization/users")
health_us=$(run "understudy /__admin/health" "$server_pid" "$url/__admin/health")
page_us=$(run "understudy openai page (limit=10)" "$server_pid" "$url/v1/organization/users?limit=10" "$key")
deep_id=$(curl -s -H "$key" "$url/v1/organization/users?limit=100" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][100 - 12]["id"])')
deep_us=$(run "understudy openai page after a deep id" "$server_pid" "$url/v1/organization/users?limit=10&after=$deep_id" "$key")
awk -v n="$nginx_us" -v h="$health_us" -v p="$page_us" -v d="$deep_us" 'BEGIN {
  printf "CPU per request relative to nginx (lower is better): health %.2f, openai page %.2f, deep page %.2f\n", h / n, p / n, d / n }'
