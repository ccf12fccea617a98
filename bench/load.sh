#!/usr/bin/env bash
# Load test of the portal on gunicorn: N concurrent readers of the dashboard
# and the API summary for DURATION seconds, with a 50k-line SIPD import running
# at the same time, on PostgreSQL with LINES budget lines loaded. Compares the
# dashboard's p95 under load with its p95 alone (target: at most 3x), and
# reports requests/s, p50/p95/p99 and errors. Loopback only, bounded in time.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tkpkd_load bench/load.sh
#
# Variables (defaults in brackets):
#   DATABASE_URL     PostgreSQL database to fill and serve (required; it is
#                    migrated and filled, use a database of its own)
#   PORT             gunicorn port on 127.0.0.1 [8107]
#   DASHBOARD_PATH   dashboard page [/dasbor/]
#   API_PATH         API summary [/api/v1/budget-lines/summary/?group_by=pillar]
#   CONNECTIONS      concurrent connections per reader group [32]
#   THREADS          wrk threads per reader group [2]
#   DURATION         seconds of the loaded run [60]; BASELINE_DURATION [20]
#   LINES            budget lines to load [100000]
#   IMPORT_ROWS      rows of the generated SIPD workbook [50000]
#   IMPORT_CMD       import command, the workbook path appended
#                    [python manage.py import_sipd --region 36 --year 2024]
#   LOAD_USER        user the readers log in as [koordinator.provinsi]
#   WORKERS          gunicorn workers [4]
#   FILL_CMD         command that tops up LINES lines; default: bench/dashboard_bench.py
#                    --fill-only when it offers it, else bench/load_fill.py
# Output: a table on stdout and var/artifacts/load_report.txt. Exit code 0 only
# when there were no errors, the import finished and p95 under load <= 3x alone.
set -euo pipefail
cd "$(dirname "$0")/.."

# The project's virtualenv (make install) unless PY names another interpreter.
if [[ -z "${PY:-}" ]]; then
  if [[ -x .venv/bin/python ]]; then PY="$PWD/.venv/bin/python"; else PY="$(command -v python3)"; fi
fi
PORT="${PORT:-8107}"
DASHBOARD_PATH="${DASHBOARD_PATH:-/dasbor/}"
API_PATH="${API_PATH:-/api/v1/budget-lines/summary/?group_by=pillar}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-60}"
BASELINE_DURATION="${BASELINE_DURATION:-20}"
LINES="${LINES:-100000}"
IMPORT_ROWS="${IMPORT_ROWS:-50000}"
IMPORT_KIND=custom
[[ -z "${IMPORT_CMD:-}" ]] && IMPORT_KIND=default
IMPORT_CMD="${IMPORT_CMD:-$PY manage.py import_sipd --region 36 --year 2024}"
LOAD_USER="${LOAD_USER:-koordinator.provinsi}"
WORKERS="${WORKERS:-4}"
OUT=var/artifacts
BASE="http://127.0.0.1:$PORT"
mkdir -p "$OUT"
REPORT="$OUT/load_report.txt"

die() { echo "load.sh: $*" >&2; exit 2; }

# --- prerequisites: say exactly what is missing --------------------------------------
[[ "${DATABASE_URL:-}" == postgres://* || "${DATABASE_URL:-}" == postgresql://* ]] \
  || die "set DATABASE_URL to a PostgreSQL database of its own (it is migrated and filled)."
if ! command -v wrk >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    apt-get install -y wrk >/dev/null || die "apt-get install wrk failed."
  else
    die "wrk is missing: apt-get install wrk (Debian package)."
  fi
fi
"$PY" -c "import gunicorn" 2>/dev/null || die "gunicorn is missing: pip install -e ."

export DJANGO_SETTINGS_MODULE=config.settings DEBUG=0 ALLOWED_HOSTS=127.0.0.1 \
  SECRET_KEY="load-test-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  SECURE_SSL_REDIRECT=0 LOG_REQUESTS=0 LOG_LEVEL=WARNING CELERY_BROKER_URL= \
  STATIC_ROOT="$PWD/var/load-static"

missing=$("$PY" - "$DASHBOARD_PATH" "$API_PATH" "$IMPORT_KIND" <<'PYEOF'
import sys, django
django.setup()
from django.urls import resolve, Resolver404
from django.core.management import get_commands
missing = []
for path, owner in ((sys.argv[1], "the dashboards (issue 5)"), (sys.argv[2].split("?")[0], "the REST API (issue 4)")):
    try:
        resolve(path)
    except Resolver404:
        missing.append(f"{path} does not exist yet: it comes with {owner}")
if sys.argv[3] == "default" and "import_sipd" not in get_commands():
    missing.append("manage.py import_sipd does not exist yet: it comes with the SIPD import (issue 3)")
print("\n".join(missing))
PYEOF
)
if [[ -n "$missing" ]]; then
  echo "load.sh: cannot run yet:" >&2
  echo "$missing" | sed 's/^/  - /' >&2
  exit 3
fi
[[ -f bench/sipd_workbook.py ]] || die "bench/sipd_workbook.py (the workbook generator) is missing."

# --- data ------------------------------------------------------------------------------
echo "== preparing $DATABASE_URL (migrate, regions, demo users, $LINES lines)"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_regions --prefix 36 -v0
"$PY" manage.py seed_demo --force -v0 >/dev/null
if [[ -n "${FILL_CMD:-}" ]]; then
  $FILL_CMD
elif [[ -f bench/dashboard_bench.py ]] && "$PY" bench/dashboard_bench.py --help 2>/dev/null | grep -q -- "--fill-only"; then
  "$PY" bench/dashboard_bench.py --fill-only --lines "$LINES"
else
  "$PY" bench/load_fill.py --lines "$LINES"
fi
# The dashboards read a summary table; lines bulk-inserted above bypass the
# services that keep it current.
if "$PY" manage.py help budget_summary_refresh >/dev/null 2>&1; then
  "$PY" manage.py budget_summary_refresh --all
fi
"$PY" manage.py collectstatic --noinput -v0
workbook="$OUT/load_sipd_${IMPORT_ROWS}.xlsx"
[[ -f "$workbook" ]] || "$PY" -c "
import sys; sys.path.insert(0, 'bench')
from sipd_workbook import generate_rekap
generate_rekap('$workbook', rows=$IMPORT_ROWS, seed=7, year=2024)"

# Credentials: a session cookie for the page, a token for the API.
read -r LOAD_COOKIE LOAD_AUTH < <("$PY" - "$LOAD_USER" <<'PYEOF'
import sys, django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token
user = get_user_model().objects.get(username=sys.argv[1])
s = SessionStore()
s["_auth_user_id"] = str(user.pk)
s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
s["_auth_user_hash"] = user.get_session_auth_hash()
s.create()
token, _ = Token.objects.get_or_create(user=user)
print(f"{settings.SESSION_COOKIE_NAME}={s.session_key} Token:{token.key}")
PYEOF
)
export LOAD_COOKIE LOAD_AUTH="Token ${LOAD_AUTH#Token:}"

# --- gunicorn ----------------------------------------------------------------------------
"$PY" -m gunicorn -c config/gunicorn.py --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  config.wsgi:application >"$OUT/load_gunicorn.log" 2>&1 &
GUNICORN=$!
IMPORT_PID=""
cleanup() {
  [[ -n "$IMPORT_PID" ]] && kill "$IMPORT_PID" 2>/dev/null || true
  kill "$GUNICORN" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 60); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$BASE/healthz" >/dev/null || die "gunicorn did not come up (see $OUT/load_gunicorn.log)."
for path in "$DASHBOARD_PATH" "$API_PATH"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $LOAD_COOKIE" -H "Authorization: $LOAD_AUTH" \
    -H "X-Forwarded-Proto: https" "$BASE$path")
  [[ "$code" == 200 ]] || die "$path answers $code to $LOAD_USER, not 200."
done

run_wrk() {  # name seconds path
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" --timeout 10s -s bench/load_report.lua "$BASE$3" \
    >"$OUT/load_wrk_$1.txt" 2>&1
  grep '^LOADJSON ' "$OUT/load_wrk_$1.txt" | sed 's/^LOADJSON //' >"$OUT/load_$1.json"
}

echo "== baseline: dashboard alone, ${BASELINE_DURATION}s, $CONNECTIONS connections"
run_wrk dashboard_alone "$BASELINE_DURATION" "$DASHBOARD_PATH"

echo "== under load: dashboard + API readers for ${DURATION}s, import of $IMPORT_ROWS rows"
import_started=$(date +%s)
# The import may take up to 5x the readers' time; then it counts as not finished.
( set +e; timeout $((DURATION * 5)) bash -c "$IMPORT_CMD \"\$1\"" import "$workbook" \
    >"$OUT/load_import.log" 2>&1; echo $? >"$OUT/load_import.rc" ) &
IMPORT_PID=$!
run_wrk dashboard_loaded "$DURATION" "$DASHBOARD_PATH" &
W1=$!
run_wrk api_loaded "$DURATION" "$API_PATH" &
W2=$!
wait "$W1" "$W2"
wait "$IMPORT_PID" || true
IMPORT_PID=""
import_rc=$(cat "$OUT/load_import.rc" 2>/dev/null || echo 99)
import_seconds=$(( $(date +%s) - import_started ))

"$PY" - "$OUT" "$import_rc" "$import_seconds" "$CONNECTIONS" "$DURATION" "$LINES" "$IMPORT_ROWS" >"$REPORT" <<'PYEOF'
import json, sys
out, rc, secs, conns, dur, lines, rows = sys.argv[1:]
r = {n: json.load(open(f"{out}/load_{n}.json")) for n in ("dashboard_alone", "dashboard_loaded", "api_loaded")}
print(f"Load test: {lines} lines, {conns} connections per reader group, {dur} s, import of {rows} rows")
print(f"{'run':20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
for n, v in r.items():
    print(f"{n:20} {v['rps']:8.1f} {v['p50_ms']:8.1f} {v['p95_ms']:8.1f} {v['p99_ms']:8.1f} {v['errors']:7d}")
ratio = r["dashboard_loaded"]["p95_ms"] / max(r["dashboard_alone"]["p95_ms"], 0.1)
errors = sum(v["errors"] for v in r.values())
print(f"dashboard p95 under load / alone: {ratio:.2f}x (target <= 3x)")
print(f"import: exit code {rc}, {secs} s (log: {out}/load_import.log)")
ok = errors == 0 and rc == "0" and ratio <= 3
print("RESULT:", "PASS" if ok else "FAIL")
PYEOF
cat "$REPORT"
grep -q "RESULT: PASS" "$REPORT"
