#!/usr/bin/env bash
# Conformance suite: real vendor clients (openai SDK, PandaDoc SDK, httpx, schemathesis)
# against a live `understudy serve`. Usage: bash Tests/Conformance/run.sh [pytest args...]
# Env: UNDERSTUDY_BIN (default: the release build, built here), PYTHON (default python3).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

# 1. Python environment (pinned; reinstalled only when requirements.txt changes).
VENV="$HERE/.venv"
[ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
STAMP="$VENV/.requirements.sha256"
WANT="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" ]; then
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$HERE/requirements.txt"
  echo "$WANT" >"$STAMP"
fi

# 2. Server binary: the one the Dockerfile ships, linked as Scripts/build-release links it (and fast
# enough to walk 100 000 generated users). Rebuilt when stale; never test an old binary.
if [ -z "${UNDERSTUDY_BIN:-}" ]; then
  UNDERSTUDY_BIN="$("$HERE/../../Scripts/build-release")"
fi

# 3. Start the server on a free port; always stop it (by its PID) on exit.
WORK="$(mktemp -d)"
READY="$WORK/ready"
SERVER_PID=""
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -s "$WORK/server.log" ]; then
    echo "--- understudy server log (last 40 lines) ---" >&2
    tail -n 40 "$WORK/server.log" >&2
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$UNDERSTUDY_BIN" serve --port 0 --ready-file "$READY" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

UNDERSTUDY_URL=""
for _ in $(seq 200); do  # 20 s
  if [ -f "$READY" ] && grep -qE '^http://[^[:space:]]+:[0-9]+$' "$READY"; then
    UNDERSTUDY_URL="$(head -n 1 "$READY" | tr -d '[:space:]')"
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "understudy exited before becoming ready" >&2; exit 1; }
  sleep 0.1
done
[ -n "$UNDERSTUDY_URL" ] || { echo "understudy not ready after 20 s" >&2; exit 1; }
export UNDERSTUDY_URL UNDERSTUDY_BIN
echo "understudy ready at $UNDERSTUDY_URL (pid $SERVER_PID)"

# 4. The suite. Skips are failures (conftest.py); also refuse a summary that reports any.
set +e
(cd "$HERE" && "$VENV/bin/python" -m pytest "$@") | tee "$WORK/pytest.out"
RC=${PIPESTATUS[0]}
set -e
if [ "$RC" -eq 0 ] && tail -n 1 "$WORK/pytest.out" | grep -qE '[0-9]+ (skipped|xfailed|xpassed)'; then
  echo "conformance: skipped/xfailed/xpassed tests are not allowed" >&2
  RC=1
fi
# 5. Parallel tests against the same single server: 4 pytest-xdist workers, each in its own session.
if [ "$RC" -eq 0 ] && [ "$#" -eq 0 ]; then
  set +e
  (cd "$HERE" && "$VENV/bin/python" -m pytest -q -n 4 test_parallel_sessions.py)
  RC=$?
  set -e
fi
exit "$RC"
