#!/usr/bin/env bash
# Shared set-up: a virtualenv with the pinned Python packages, and the front-end packages from the
# npm registry. Usage: scripts/setup.sh requirements.txt|requirements-dev.txt
# Python 3.11, 3.12 or 3.13: the newest of python3.13, python3.12 and python3.11 that runs, else python3;
# PYTHON=python3.12 picks one. VENV names the virtualenv's directory (default .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"
venv="${VENV:-.venv}"

supported() {
  "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' >/dev/null 2>&1
}
version_of() {
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo "missing"
}

if [ -n "${PYTHON:-}" ]; then
  candidates=("$PYTHON")
else
  candidates=(python3.13 python3.12 python3.11 python3)
fi
python_bin=""
for candidate in "${candidates[@]}"; do
  if supported "$candidate"; then python_bin="$candidate"; break; fi
done
if [ -z "$python_bin" ] && [ -n "${PYTHON:-}" ]; then
  echo "PYTHON=$PYTHON: Python 3.11, 3.12 or 3.13 is required, $PYTHON is $(version_of "$PYTHON")." >&2
  exit 1
elif [ -z "$python_bin" ]; then
  echo "Python 3.11, 3.12 or 3.13 is required: none of python3.13, python3.12, python3.11 runs here and" \
    "python3 is $(version_of python3). Install one (apt-get install python3 python3-venv)." >&2
  exit 1
fi

if [ ! -x "$venv/bin/python" ]; then
  "$python_bin" -m venv "$venv" || { echo "Cannot create $venv: install python3-venv (apt-get install python3-venv)." >&2; exit 1; }
elif ! supported "$venv/bin/python" || { [ -n "${PYTHON:-}" ] && [ "$(version_of "$venv/bin/python")" != "$(version_of "$python_bin")" ]; }; then
  echo "$venv runs Python $(version_of "$venv/bin/python"), not $(version_of "$python_bin"): remove $venv to recreate it." >&2
  exit 1
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: installing Debian's nodejs and npm." >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nodejs npm; else sudo apt-get update -qq && sudo apt-get install -y -qq nodejs npm; fi
fi
npm ci --no-audit --no-fund --loglevel=error
