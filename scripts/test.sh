#!/usr/bin/env bash
# Set up and run the whole test suite, on PostgreSQL (DATABASE_URL, by default the local server).
# Extra arguments go to pytest. PYTHON and VENV choose the interpreter and virtualenv (see setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${VENV:-.venv}"
scripts/setup.sh requirements-dev.txt

# The browser tests drive Debian's Chromium (never a browser downloaded by a test tool).
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "Installing Debian's chromium for the browser tests." >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi
fi

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/barometre}"
if ! "$venv/bin/python" scripts/check_database.py; then
  echo "PostgreSQL is not reachable at \$DATABASE_URL: running on SQLite, PostgreSQL-only tests are skipped." >&2
  export DATABASE_URL="sqlite:///$PWD/test-db.sqlite3"
fi
exec "$venv/bin/python" -m pytest "$@"
