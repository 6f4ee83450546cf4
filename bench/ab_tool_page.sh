#!/usr/bin/env bash
# The tool-page row of run.sh for two or more checkouts of the project, in turn, twice: the same 500
# published tool pages cycled by wrk (4 connections, 15 s), the cache emptied before each, so that the
# checkouts are compared on the same machine in the same minutes.
#
#   bench/ab_tool_page.sh LABEL CHECKOUT...
#
# LABEL names the benchmark database (barometre_bench_LABEL, bench/generate.py); each CHECKOUT is a
# directory holding the project with its .venv (e.g. `git worktree add ../before <commit>`, then a link
# to this checkout's .venv). Prints one line per checkout and round: round, commit, wrk's JSON.
set -euo pipefail

LABEL=$1
shift
CHECKOUTS=()
for dir in "$@"; do CHECKOUTS+=("$(cd "$dir" && pwd)"); done
PORT=${BENCH_PORT:-8109}
HERE=$(cd "$(dirname "$0")" && pwd)
PATHS=$(mktemp)
trap 'rm -f "$PATHS"' EXIT

# shellcheck source=bench/site_env.sh
source "$HERE/site_env.sh"

psql -h 127.0.0.1 -U postgres -d "barometre_bench_$LABEL" -Atc \
  "SELECT '/outils/' || slug || '/' FROM tools_registry_tool WHERE status = 'published' ORDER BY md5(slug) LIMIT 500" \
  >"$PATHS"
for dir in "${CHECKOUTS[@]}"; do (cd "$dir" && .venv/bin/python manage.py collectstatic --noinput -v0); done

for round in 1 2; do
  for dir in "${CHECKOUTS[@]}"; do
    cd "$dir"
    redis-cli -n 5 FLUSHDB >/dev/null
    .venv/bin/gunicorn barometre.wsgi -b "127.0.0.1:$PORT" --log-level warning >/dev/null 2>&1 &
    pid=$!
    until curl -fs -o /dev/null "http://127.0.0.1:$PORT/outils/"; do sleep 1; done
    # Warm the processes on other pages of the list (from the 250th), then empty the cache again.
    wrk -t1 -c4 -d2s -s "$HERE/wrk_report.lua" "http://127.0.0.1:$PORT/outils/" -- "$PATHS" 250 >/dev/null
    redis-cli -n 5 FLUSHDB >/dev/null
    line=$(wrk -t1 -c4 -d15s --timeout 10s -s "$HERE/wrk_report.lua" "http://127.0.0.1:$PORT/outils/" -- "$PATHS" |
      sed -n 's/^JSON //p')
    echo "$round $(git -C "$dir" rev-parse --short HEAD) $line"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  done
done
