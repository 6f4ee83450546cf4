#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the (existing, preferably empty) database of $DATABASE_URL.
# Usage: DATABASE_URL=postgres://… scripts/restore.sh backups/barometre-….dump
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to restore into}"
dump="${1:?give the backup file to restore}"
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$dump"
echo "restored $dump"
