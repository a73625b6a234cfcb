#!/usr/bin/env bash
# Follows the README's "Deploying on PostgreSQL behind gunicorn" on this machine, without
# Docker: a fresh virtualenv with the package installed (not editable), a new PostgreSQL
# database, migrate, collectstatic, `joinedup serve` and `joinedup worker`, then checks
# /healthz, /readyz, a page, and `joinedup backup`. Everything it makes is removed at the end.
#
#   deploy/smoke.sh            (PostgreSQL on 127.0.0.1:5432, user postgres, as in CI)
#   PGHOST=… PGPORT=… PGUSER=… deploy/smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
work=$(mktemp -d /tmp/joinedup-smoke.XXXXXX)
db="joinedup_smoke_$$"
pids=()
cleanup() {
  # SIGINT: gunicorn stops at once rather than after its graceful timeout.
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  dropdb --if-exists "$db" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf 'smoke: %s\n' "$*"; }
fail() { printf 'smoke: FAILED: %s\n' "$*" >&2; for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -30 "$f"; }; done; exit 1; }

say "install into a new virtualenv (pip install ., as the README says)"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-compile . \
  >"$work/pip.log" 2>&1 || fail "pip install ."
joinedup="$work/venv/bin/joinedup"

say "a new PostgreSQL database, $db"
createdb "$db"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SECRET_KEY
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db"
export ALLOWED_HOSTS=127.0.0.1,localhost
export JOINEDUP_DATA_DIR="$work/data"
export JOINEDUP_SITE_URL="http://127.0.0.1:$port"
# No mail relay here: the README's EMAIL_HOST is replaced by sending no mail at all.
export JOINEDUP_MAIL=off
# Run from outside the source tree, so the installed package is what runs.
cd "$work"

say "migrate, collectstatic"
"$joinedup" migrate --noinput >"$work/migrate.log" 2>&1 || fail "joinedup migrate"
"$joinedup" collectstatic --noinput >"$work/collectstatic.log" 2>&1 || fail "joinedup collectstatic"

say "joinedup serve on 127.0.0.1:$port"
"$joinedup" serve --bind "127.0.0.1:$port" --workers 2 >"$work/serve.log" 2>&1 &
pids+=($!)
if "$joinedup" help 2>/dev/null | grep -q '^ *worker\b' || "$joinedup" worker --help >/dev/null 2>&1; then
  say "joinedup worker"
  "$joinedup" worker >"$work/worker.log" 2>&1 &
  pids+=($!)
else
  say "SKIPPED the worker: this version has no \`joinedup worker\` command"
fi

get() { python3 - "$1" 2>/dev/null <<'PY'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as answer:
        print(answer.status); print(answer.read().decode())
except urllib.error.HTTPError as error:
    print(error.code); print(error.read().decode())
except OSError:
    print(0)
PY
}
base="http://127.0.0.1:$port"
for _ in $(seq 1 60); do
  [ "$(get "$base/healthz" | head -1)" = 200 ] && break
  sleep 0.5
done
[ "$(get "$base/healthz" | head -1)" = 200 ] || fail "/healthz never answered"
say "/healthz answers 200"

ready=$(get "$base/readyz")
[ "$(head -1 <<<"$ready")" = 200 ] || fail "/readyz: $ready"
grep -q '"status": *"ok"' <<<"$ready" || fail "/readyz said: $ready"
say "/readyz answers 200: $(tail -n +2 <<<"$ready" | tr -d '\n')"

login=$(get "$base/accounts/login/")
[ "$(head -1 <<<"$login")" = 200 ] || fail "the sign-in page answered $(head -1 <<<"$login")"
grep -q '<form' <<<"$login" || fail "the sign-in page has no form"
grep -q '/static/' <<<"$login" || fail "the sign-in page links no static files"
css=$(grep -o '/static/[^"]*\.css' <<<"$login" | head -1)
[ "$(get "$base$css" | head -1)" = 200 ] || fail "$css did not answer 200"
say "the sign-in page and its stylesheet answer 200"

for pid in "${pids[@]:1}"; do
  kill -0 "$pid" 2>/dev/null || fail "the worker stopped"
done

say "joinedup backup"
"$joinedup" backup "$work/backup" >"$work/backup.log" 2>&1 || fail "joinedup backup"
grep -q '"database": "postgresql"' "$work/backup/backup.json" || fail "the backup has no manifest"

say "passed in $(( $(date +%s) - started )) s"
