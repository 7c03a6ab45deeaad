#!/usr/bin/env bash
# Keep-alive throughput of understudy beside nginx (same machine, same run), each server pinned to
# CPU 0 and wrk to CPU 1, as in shared/PERFORMANCE.md. Prints req/s and the ratio to nginx.
# Usage: Benchmarks/http.sh [seconds-per-run]   (needs wrk and nginx: apt-get install -y wrk nginx-light)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-5}"
work=$(mktemp -d)
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

run() { # name url [header]
  local out
  if [ -n "${3:-}" ]; then out=$(taskset -c 1 wrk -t1 -c32 -d"${duration}s" -H "$3" "$2"); else out=$(taskset -c 1 wrk -t1 -c32 -d"${duration}s" "$2"); fi
  local rps; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  local p99; p99=$(echo "$out" | awk '/Latency/ {print $2}')
  printf '%-44s %10.0f req/s   mean latency %s\n' "$1" "$rps" "$p99" >&2
  echo "$rps"
}

echo "page size: $(wc -c < "$work/page.json") bytes; ${duration}s per run, 32 keep-alive connections" >&2
nginx_rps=$(run "nginx static (same bytes)" "http://127.0.0.1:18089/v1/organization/users")
health_rps=$(run "understudy /__admin/health" "$url/__admin/health")
page_rps=$(run "understudy openai page (limit=10)" "$url/v1/organization/users?limit=10" "$key")
deep_id=$(curl -s -H "$key" "$url/v1/organization/users?limit=100" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][100 - 12]["id"])')
deep_rps=$(run "understudy openai page after a deep id" "$url/v1/organization/users?limit=10&after=$deep_id" "$key")
awk -v n="$nginx_rps" -v h="$health_rps" -v p="$page_rps" -v d="$deep_rps" 'BEGIN {
  printf "ratios to nginx: health %.2f, openai page %.2f, deep page %.2f\n", h / n, p / n, d / n }'
