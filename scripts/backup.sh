#!/usr/bin/env bash
# Back up the PostgreSQL database of $DATABASE_URL into one compressed file (pg_dump custom format).
# Usage: DATABASE_URL=postgres://… scripts/backup.sh [backups/barometre-YYYYmmdd-HHMMSS.dump]
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to back up}"
target="${1:-backups/barometre-$(date -u +%Y%m%d-%H%M%S).dump}"
mkdir -p "$(dirname "$target")"
pg_dump --format=custom --no-owner --no-privileges --file="$target" "$DATABASE_URL"
echo "$target"
