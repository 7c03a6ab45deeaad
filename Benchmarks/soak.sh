#!/usr/bin/env bash
# Soak: mixed vendor, fault and admin traffic on loopback for SECONDS with WORKERS clients; prints
# the server's RSS and open descriptors over time (see Benchmarks/soak.py).
# Usage: Benchmarks/soak.sh [seconds=120] [workers=8]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product understudy >/dev/null
bin="$(swift build -c release --show-bin-path)/understudy"
exec python3 Benchmarks/soak.py --binary "$bin" --seconds "${1:-120}" --workers "${2:-8}"
