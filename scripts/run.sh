#!/usr/bin/env bash
# Set up and run the site with the demo data on SQLite, at http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements.txt
export DATABASE_URL="sqlite:///$PWD/db.sqlite3"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
