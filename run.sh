#!/usr/bin/env bash
# Run Smartbis locally: a private PostgreSQL in .data/pg plus the web app with demo data.
#   ./run.sh              serves http://localhost:5000
#   PORT=5123 ./run.sh    serves http://localhost:5123
# Ctrl-C stops both the app and the private PostgreSQL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/lib.sh

if ! command -v dotnet >/dev/null 2>&1; then
  echo "Install the .NET 10 SDK: https://dotnet.microsoft.com/download, then run ./run.sh again." >&2
  exit 1
fi
pg_bin_dir >/dev/null || ensure_packages postgresql

PORT=${PORT:-5000}
BASE_URL=http://localhost:$PORT
DATA=$PWD/.data
if port_in_use "$PORT"; then
  die "Port $PORT is already in use; pick another one, e.g. PORT=5123 ./run.sh"
fi

APP_PID="" WATCH_PID=""
cleanup() {
  trap - INT TERM EXIT
  if [[ -n $WATCH_PID ]]; then kill "$WATCH_PID" 2>/dev/null || true; fi
  if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then
    log "Stopping the app"
    kill -TERM "$APP_PID" 2>/dev/null || true # ASP.NET Core shuts down gracefully on SIGTERM
    local i
    for ((i = 0; i < 30; i++)); do
      kill -0 "$APP_PID" 2>/dev/null || break
      sleep 1
    done
    kill -KILL "$APP_PID" 2>/dev/null || true
  fi
  stop_private_pg
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Build first: a compile error should not leave a database running.
log "Building src/Smartbis.Web"
dotnet build src/Smartbis.Web -c Debug --nologo -v:minimal
APP_DLL=$(dotnet msbuild src/Smartbis.Web -p:Configuration=Debug -getProperty:TargetPath)

mkdir -p "$DATA/mailbox"
start_private_pg "$DATA/pg"

export ASPNETCORE_ENVIRONMENT=Development
export ASPNETCORE_URLS=$BASE_URL
# The app connects as smartbis_app (row-level security applies to it); migrations run as the owner.
export ConnectionStrings__Smartbis="Host=127.0.0.1;Port=$PG_PORT;Database=smartbis;Username=smartbis_app;Password=smartbis_app"
export ConnectionStrings__SmartbisMigrations="Host=127.0.0.1;Port=$PG_PORT;Database=smartbis;Username=smartbis;Password=smartbis"
export Smartbis__BaseUrl=$BASE_URL
export Smartbis__DemoJsonPath=$DATA/demo.json
export Smartbis__MailboxPath=$DATA/mailbox

# Run the built dll rather than `dotnet run`: no launchSettings.json overriding the URL, and
# $APP_PID is the app itself, so stopping it is reliable. The project dir is the content root.
# The JIT's tier-up starts at once rather than after 100 ms without new methods, which a busy app rarely has: on
# two cores the hot paths otherwise ran unoptimized for 30-40 s after a start (docs/performance.md).
export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}
log "Starting the app on $BASE_URL (it migrates and seeds the database at start)"
(cd src/Smartbis.Web && exec dotnet "$APP_DLL") &
APP_PID=$!

http_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -fs -o /dev/null --max-time 2 "$BASE_URL$1"
    return
  fi
  # No curl on this machine: a bare HTTP/1.0 GET over bash's /dev/tcp, 2xx means ready.
  local status
  exec 3<>"/dev/tcp/127.0.0.1/$PORT" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: localhost:%s\r\n\r\n' "$1" "$PORT" >&3
  read -r -t 2 _ status _ <&3 || status=""
  exec 3<&-
  [[ $status == 2* ]]
}

print_demo_logins() {
  local demo=$DATA/demo.json i
  for ((i = 0; i < 10; i++)); do [[ -s $demo ]] && break; sleep 1; done
  if [[ ! -s $demo ]]; then
    echo "  (no $demo yet: the app did not write demo sign-ins)"
    return
  fi
  local py
  py=$(command -v /usr/bin/python3 python3 2>/dev/null | head -n 1 || true)
  if [[ -n $py ]]; then
    "$py" - "$demo" <<'PY'
import json, sys

def get(obj, key):  # tolerate PascalCase as well as camelCase property names
    return obj.get(key, obj.get(key[:1].upper() + key[1:])) or {}

demo = json.load(open(sys.argv[1]))
for tenant in get(demo, "tenants") or []:
    print(f"  {get(tenant, 'name')} (slug: {get(tenant, 'slug')})")
    for role in ("owner", "cashier"):
        user = get(tenant, role)
        if user:
            print(f"    {role:<8} {get(user, 'email')}  password: {get(user, 'password')}")
operator = get(demo, "operator")
if operator:
    print(f"  Platform operator: {get(operator, 'email')}  password: {get(operator, 'password')}")
PY
  else
    sed 's/^/  /' "$demo"
  fi
}

# Wait for readiness in the background so the app's own log keeps streaming meanwhile.
announce_when_ready() {
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$APP_PID" 2>/dev/null || return 0
    if http_ok /health/ready; then
      cat <<MSG

================================================================
 Smartbis is ready on $BASE_URL
   Home               $BASE_URL/
   Merchant app       $BASE_URL/app
   Counter (cashier)  $BASE_URL/counter
   Operator admin     $BASE_URL/admin
   Outgoing mail      $BASE_URL/admin/mailbox
   Background jobs    $BASE_URL/admin/jobs
 Demo sign-ins (from .data/demo.json):
MSG
      print_demo_logins
      printf ' Press Ctrl-C to stop the app and its PostgreSQL.\n================================================================\n\n'
      return 0
    fi
    sleep 1
  done
  log "The app did not answer $BASE_URL/health/ready within 300 s; see its log above."
}
announce_when_ready &
WATCH_PID=$!

# The app's exit status becomes ours; the EXIT trap then stops PostgreSQL.
wait "$APP_PID"
