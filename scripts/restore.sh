#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh: the database (pg_restore into
# DATABASE_URL, replacing what is there, in one transaction) and the uploaded
# files (MEDIA_ROOT replaced; the previous content is kept beside it).
#
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/tkpkd/media \
#     scripts/restore.sh var/backups/tkpkd-20250101T010000Z --yes
#
# Stop web, worker and beat first (docker compose stop web worker beat).
# PG_RESTORE may name another pg_restore, e.g. "docker compose exec -T db pg_restore".
set -euo pipefail

die() { echo "restore: $*" >&2; exit 1; }

backup="${1:-}"
[[ -n "$backup" && -d "$backup" ]] || die "usage: scripts/restore.sh BACKUP_DIR --yes"
[[ "${2:-}" == "--yes" ]] || die "this replaces the database and the uploaded files; add --yes to go on."
[[ -n "${DATABASE_URL:-}" ]] || die "DATABASE_URL is not set."
[[ "$DATABASE_URL" == postgres://* || "$DATABASE_URL" == postgresql://* ]] \
  || die "DATABASE_URL must be a postgres:// URL."
media_root="${MEDIA_ROOT:-var/media}"
pg_restore_cmd=(${PG_RESTORE:-pg_restore})

# Refuse a damaged or incomplete backup before touching anything.
(cd "$backup" && sha256sum --quiet --check SHA256SUMS) || die "SHA256SUMS do not match: backup damaged."

# --clean --if-exists drops what the dump recreates; --single-transaction: all
# or nothing, a failed restore leaves the database as it was.
"${pg_restore_cmd[@]}" --clean --if-exists --no-owner --no-privileges \
  --single-transaction --exit-on-error --dbname="$DATABASE_URL" < "$backup/database.dump"

# Unpack beside MEDIA_ROOT, then swap, so a failed unpack changes nothing.
parent="$(dirname "$media_root")"
mkdir -p "$parent"
staging="$(mktemp -d "$parent/.restore-media.XXXXXX")"
tar -C "$staging" -xzf "$backup/media.tar.gz"
if [[ -d "$media_root" ]]; then
  mv "$media_root" "$media_root.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
fi
mv "$staging" "$media_root"
chmod 755 "$media_root"
echo "restore: database and files restored from $backup"
