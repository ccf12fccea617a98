#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format) and the
# uploaded files (a tar of MEDIA_ROOT), into one timestamped folder with
# SHA256SUMS. Prints the folder's path on success.
#
#   DATABASE_URL=postgres://user:pass@host:5432/tkpkd MEDIA_ROOT=/srv/tkpkd/media \
#     scripts/backup.sh [DEST_DIR]            # default DEST_DIR: var/backups
#
# PG_DUMP may name another pg_dump (its major version must be >= the server's),
# e.g. PG_DUMP="docker compose exec -T db pg_dump" (see README, "Produksi").
set -euo pipefail

die() { echo "backup: $*" >&2; exit 1; }

[[ -n "${DATABASE_URL:-}" ]] || die "DATABASE_URL is not set."
[[ "$DATABASE_URL" == postgres://* || "$DATABASE_URL" == postgresql://* ]] \
  || die "DATABASE_URL must be a postgres:// URL (SQLite: copy the file instead)."
media_root="${MEDIA_ROOT:-var/media}"
[[ -d "$media_root" ]] || die "MEDIA_ROOT $media_root is not a folder."
pg_dump_cmd=(${PG_DUMP:-pg_dump})
dest="${1:-var/backups}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$dest/tkpkd-$stamp"
mkdir -p "$out"
chmod 700 "$out"
# A half-written backup must not look like a good one.
trap 'rm -rf "$out"; echo "backup: failed, nothing kept" >&2' ERR

# --format=custom: compressed, restorable table by table with pg_restore.
# The dump is one consistent snapshot even while the portal is in use.
"${pg_dump_cmd[@]}" --format=custom --no-owner --no-privileges \
  --dbname="$DATABASE_URL" > "$out/database.dump"
tar -C "$media_root" -czf "$out/media.tar.gz" .
(cd "$out" && sha256sum database.dump media.tar.gz > SHA256SUMS)
trap - ERR
echo "$out"
