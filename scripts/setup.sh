#!/usr/bin/env bash
# Shared set-up: a virtualenv with the pinned Python packages, and the front-end packages from the
# npm registry. Usage: scripts/setup.sh requirements.txt|requirements-dev.txt
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"

python_bin="$(command -v python3.11 || command -v python3)"
if ! "$python_bin" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "Python 3.11 is required (found $("$python_bin" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv || { echo "Cannot create .venv: install python3-venv (apt-get install python3-venv)." >&2; exit 1; }
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: installing Debian's nodejs and npm." >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nodejs npm; else sudo apt-get update -qq && sudo apt-get install -y -qq nodejs npm; fi
fi
npm ci --no-audit --no-fund --loglevel=error
