#!/usr/bin/env bash
# Set up and run the site with the demo data on SQLite, at http://127.0.0.1:8000, and beside it the job
# worker that sends the emails (printed here: the console email backend). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements.txt
export DATABASE_URL="sqlite:///$PWD/db.sqlite3"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
# No autoreload for the worker (its reloader would outlive the kill below): restart after editing a job.
.venv/bin/python manage.py db_worker --no-reload --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT
.venv/bin/python manage.py runserver 127.0.0.1:8000
