#!/usr/bin/env bash
# The Smartbis benchmark (issue 9): a private PostgreSQL, the app in Release, merchant-scale data generated in SQL,
# every scenario with its pgbench baseline, and docs/performance.md written at the end. See bench/README.md.
#   ./bench/run.sh            1,000,000 customers, ~10,000,000 ledger entries, 20 s per load run (see docs/performance.md for how long it took)
#   ./bench/run.sh --quick    10,000 customers, ~100,000 entries, 5 s per load run (a smoke run of a few minutes)
#   --citus (with either)     afterwards the same data on a 3-node Citus cluster on loopback (a coordinator and two
#                             workers): generated on the coordinator, distributed in place (docs/scaling.md), then the
#                             purchase, balance and overview scenarios again; the report sets both side by side.
#                             Needs the citus extension (../shared/tools/citus-install).
# Each nightly job and the email delivery are stopped at JOB_CAP seconds (60 quick, 120 full) and reported as not finished.
# Environment overrides: BENCH_CUSTOMERS, BENCH_ENTRIES (the largest growth step), BENCH_DURATION (seconds per load run),
# BENCH_REPORT (where the report goes; default docs/performance.md), BENCH_KEEP_DATA=1 (keep bench/.data afterwards),
# BENCH_WARMUP, BENCH_WARMUP_MAX (load before each measured run, in 5 s rounds until the app's CPU per request settles:
# at least BENCH_WARMUP s, default 20 (15 with --quick), at most BENCH_WARMUP_MAX s, default 60 (30); the JIT's tiers and
# dynamic PGO take 30–40 s of load to settle a path that has not run yet on 2 busy cores, and the figures are the app's
# steady state, not its start-up),
# BENCH_BEFORE=<git revision> (also run the purchase, balance, portal and counter scenarios on that revision's build,
# in the same run against the same data: the report sets them before/after).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
source scripts/lib.sh

QUICK=0 CITUS=0
for arg in "$@"; do
  case $arg in
    --quick) QUICK=1 ;;
    --citus) CITUS=1 ;;
    *) die "Unknown argument $arg (use --quick, --citus or nothing)" ;;
  esac
done

if ((QUICK)); then
  CUSTOMERS=${BENCH_CUSTOMERS:-10000} ENTRIES=${BENCH_ENTRIES:-100000} DURATION=${BENCH_DURATION:-5}
  SMALL_TENANTS=5 SMALL_CUSTOMERS=100 SMALL_PURCHASES=300 EMAILS=${BENCH_EMAILS:-1000} OVERVIEW_RUNS=3 JOB_CAP=60
else
  CUSTOMERS=${BENCH_CUSTOMERS:-1000000} ENTRIES=${BENCH_ENTRIES:-10000000} DURATION=${BENCH_DURATION:-20}
  SMALL_TENANTS=200 SMALL_CUSTOMERS=250 SMALL_PURCHASES=1000 EMAILS=${BENCH_EMAILS:-10000} OVERVIEW_RUNS=5 JOB_CAP=120
fi
STORES=50
# The smoke run (in ./test.sh) warms its scenarios for 15–30 s and its growth steps for a fixed 10 s (their figures are
# not targets): the suite stays within its time.
if ((QUICK)); then WARMUP=${BENCH_WARMUP:-15} WARMUP_MAX=${BENCH_WARMUP_MAX:-30} GROWTH_WARMUP=10
else WARMUP=${BENCH_WARMUP:-20} WARMUP_MAX=${BENCH_WARMUP_MAX:-60} GROWTH_WARMUP=""; fi
REPORT=${BENCH_REPORT:-$ROOT/docs/performance.md}
# A purchase of the generated history makes 2.7 entries on average (earn; release after 7 days; expiry after 97 days).
ENTRIES_PER_PURCHASE=2.7
# Growth steps (entries): a hundredth, a tenth and all of the target.
GROWTH=("$((ENTRIES / 100))" "$((ENTRIES / 10))" "$ENTRIES")

DATA=$ROOT/bench/.data
OUT=$DATA/out
# The cluster lives beside the results, unless that is a directory the postgres user cannot reach (a checkout
# under /root or a private temporary directory, when running as root): then in a temporary directory of its own.
PGDIR=$DATA/pg
if [[ $EUID -eq 0 ]] && ! (mkdir -p "$DATA" && cd / && runuser -u postgres -- test -x "$DATA") 2>/dev/null; then
  PGDIR=$(mktemp -d /tmp/smartbis-bench-pg.XXXXXX)/pg
  chmod 755 "$(dirname "$PGDIR")"
fi
RESULTS=$OUT/results.tsv
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

missing=()
pg_bin_dir >/dev/null || missing+=(postgresql)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
ensure_packages "${missing[@]}"
command -v dotnet >/dev/null 2>&1 || die "Install the .NET 10 SDK, then run ./bench/run.sh again."

APP_PID="" SMTP_PID="" SAMPLER_PID="" LOAD_PID=""
stop_app() { :; } # redefined once the app can be started
cleanup() {
  trap - INT TERM EXIT
  for pid in $SAMPLER_PID $SMTP_PID $LOAD_PID; do kill "$pid" 2>/dev/null || true; done
  stop_app
  stop_private_pg
  stop_citus_cluster
  if [[ ${BENCH_KEEP_DATA:-0} != 1 ]]; then
    rm -rf "$PGDIR" "$PGDIR-run"
    if [[ $PGDIR == /tmp/smartbis-bench-pg.* ]]; then rm -rf "$(dirname "$PGDIR")"; fi
    if [[ -n ${CITUS_DIR:-} ]]; then rm -rf "$CITUS_DIR"; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

START=$(date +%s)
log "Building the app and the bench tool (Release)"
dotnet build src/Smartbis.Web -c Release --nologo -v:quiet -clp:ErrorsOnly
dotnet build bench/Smartbis.Bench.Tool -c Release --nologo -v:quiet -clp:ErrorsOnly
APP_DLL=$ROOT/src/Smartbis.Web/bin/Release/net10.0/Smartbis.Web.dll
TOOL_DLL=$ROOT/bench/Smartbis.Bench.Tool/bin/Release/net10.0/Smartbis.Bench.Tool.dll
tool() { (cd "$ROOT/bench/Smartbis.Bench.Tool" && dotnet "$TOOL_DLL" "$@"); }

# A fresh cluster every run, tuned as in shared/MEASUREMENTS.md (synchronous commit stays on: money).
rm -rf "$PGDIR" "$PGDIR-run" "$OUT"
mkdir -p "$OUT"
# The machine's 1-minute load average every 15 s, for the report: how busy the machine was while it ran.
: >"$OUT/load"
(while sleep 15; do echo "$(date +%s) $(cut -d' ' -f1 /proc/loadavg)" >>"$OUT/load"; done) &
LOAD_PID=$!
: >"$RESULTS"
start_private_pg "$PGDIR"
# pg_stat_statements counts the statements each scenario sends (the breakdown of docs/performance.md).
pg_sql -d postgres -c "ALTER SYSTEM SET shared_buffers = '1GB'" -c "ALTER SYSTEM SET max_wal_size = '4GB'" \
  -c "ALTER SYSTEM SET max_connections = 300" -c "ALTER SYSTEM SET checkpoint_timeout = '15min'" \
  -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
pg_as_owner "$PG_BIN/pg_ctl" restart -D "$PG_DATA" -m fast -w >/dev/null
pg_sql -d smartbis -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
CS="Host=127.0.0.1;Port=$PG_PORT;Database=smartbis;Username=smartbis;Password=smartbis"
# The app connects as the restricted role, so row-level security is part of what is measured; the owner migrates
# and generates the data.
APP_CS="Host=127.0.0.1;Port=$PG_PORT;Database=smartbis;Username=smartbis_app;Password=smartbis_app"
psql_db() { pg_sql -d smartbis "$@"; }

result() { printf '%s\n' "$(IFS=$'\t'; echo "$*")" >>"$RESULTS"; } # name, fields…

# A local SMTP sink that accepts and drops (the delivery scenario measures Smartbis, not a mail server).
SMTP_PORT=$(free_port 2600)
/usr/bin/python3 - "$SMTP_PORT" >"$OUT/smtp.log" 2>&1 <<'PY' &
import asyncio, sys
from aiosmtpd.controller import Controller
class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
c = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
asyncio.get_event_loop().run_forever()
PY
SMTP_PID=$!

log "Migrating the schema"
ConnectionStrings__Smartbis=$APP_CS ConnectionStrings__SmartbisMigrations=$CS ASPNETCORE_ENVIRONMENT=Production \
  Smartbis__Smtp__Host=127.0.0.1 Smartbis__Hangfire__Workers=0 dotnet "$APP_DLL" migrate >"$OUT/migrate.log" 2>&1 || { tail -20 "$OUT/migrate.log"; die "Migration failed"; }

log "Creating the bench tenants through the app's classes"
tool setup "$CS" "$OUT/state.json" "$STORES" "$SMALL_TENANTS" >/dev/null
TENANT=$(sed -n 's/.*"tenantId": "\([^"]*\)".*/\1/p' "$OUT/state.json")
STORE=$(grep -A1 '"storeIds"' "$OUT/state.json" | tail -1 | tr -d ' ",')
API_KEY=$(sed -n 's/.*"apiKey": "\([^"]*\)".*/\1/p' "$OUT/state.json")

now_ms() { date +%s%3N; }
# Loading runs with replication role "replica": foreign-key and append-only triggers are skipped for the generated
# rows (which are consistent by construction); indexes and check constraints still apply.
gen_sql() { PGOPTIONS="-c session_replication_role=replica" psql_db -c "$1" >/dev/null; }

log "Generating data: $CUSTOMERS customers of the large tenant and $SMALL_TENANTS small tenants"
psql_db -f bench/sql/generate.sql >/dev/null
t0=$(now_ms)
gen_sql "SELECT bench.customers('$TENANT', $CUSTOMERS)"
t1=$(now_ms)
gen_sql "SELECT bench.customers(id, $SMALL_CUSTOMERS), bench.purchases(id, $SMALL_CUSTOMERS, 1, $SMALL_PURCHASES), bench.finish(id, 0)
         FROM tenants WHERE slug LIKE 'small-%'"
t2=$(now_ms)
result gen_customers "$CUSTOMERS" "$(((t1 - t0)))"
result gen_small "$((SMALL_TENANTS * SMALL_CUSTOMERS))" "$(((t2 - t1)))"
psql_db -c "COPY (SELECT m.id || ',' || c.phone FROM bench.members m JOIN customers c ON c.tenant_id = m.tenant_id AND c.id = m.id
                  WHERE m.tenant_id = '$TENANT' ORDER BY random() LIMIT 100000) TO STDOUT" >"$OUT/customers.csv"

# ---- the app -------------------------------------------------------------------------------------------------------
APP_PORT=$(free_port 5600)
BASE=http://127.0.0.1:$APP_PORT
start_app() {
  log "Starting the app (Release, Production) on $BASE"
  (
    cd "${APP_DIR:-src/Smartbis.Web}"
    export ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=$BASE ConnectionStrings__Smartbis=$APP_CS${BENCH_CS_EXTRA:-} \
      Smartbis__BaseUrl=$BASE Smartbis__Smtp__Host=127.0.0.1 Smartbis__Smtp__Port=$SMTP_PORT Smartbis__Smtp__Security=None \
      Smartbis__Api__RateLimit__Burst=1000000 Smartbis__Api__RateLimit__PerSecond=1000000 \
      Smartbis__Hangfire__Workers=0 Smartbis__Automations__Recurring=false Smartbis__Webhooks__Cron=
    # The runtime settings of run.sh and the Dockerfile (both builds of a before/after run get them).
    export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}
    # Logs as in production (Information: a line per request, appsettings.json), so what logging costs is measured.
    exec dotnet "$APP_DLL"
  ) >>"$OUT/app.log" 2>&1 &
  APP_PID=$!
  local i
  for ((i = 0; i < 120; i++)); do
    curl -fs -o /dev/null --max-time 2 "$BASE/health/ready" && return 0
    kill -0 "$APP_PID" 2>/dev/null || break
    sleep 1
  done
  tail -30 "$OUT/app.log" >&2
  die "The app did not become ready"
}
stop_app() {
  [[ -n $APP_PID ]] || return 0
  kill -TERM "$APP_PID" 2>/dev/null || true
  local i
  for ((i = 0; i < 30; i++)); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 1; done
  kill -KILL "$APP_PID" 2>/dev/null || true
  APP_PID=""
}

# The app's resident memory, sampled twice a second while a scenario runs; peak_mb prints the highest (MB).
sample_start() {
  : >"$OUT/rss"
  (while kill -0 "$APP_PID" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$APP_PID/status" >>"$OUT/rss" 2>/dev/null; sleep 0.5; done) &
  SAMPLER_PID=$!
}
sample_stop() {
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
  sort -n "$OUT/rss" | tail -1 | awk '{printf "%.0f", $1 / 1024}'
}

RUN_ID=$(date +%s)
export BENCH_DIR=$ROOT/bench BENCH_CUSTOMERS=$OUT/customers.csv BENCH_KEY=$API_KEY BENCH_RUN=$RUN_ID BENCH_SLUG=bench
# CPU time (clock ticks: user + system) of the app's process, and of every PostgreSQL process together.
app_ticks() { awk '{print $14 + $15}' "/proc/$APP_PID/stat" 2>/dev/null || echo 0; }
pg_ticks() { local t=0 p; for p in $(pgrep -u "$(stat -c %U "$PG_DATA")" postgres); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
db_counts() { # statements (pg_stat_statements calls) and commits of the database so far
  psql_db -c "SELECT (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = d.datid), d.xact_commit FROM pg_stat_database d WHERE d.datname = 'smartbis'" | tr '|' ' '
}
# wrk_run NAME CONNECTIONS SCRIPT [PATH] → a result line: name rps p50 p95 p99 errors requests peak_mb, then per request:
# the app's CPU (ms), PostgreSQL's CPU (ms), statements and commits (the breakdown of docs/performance.md)
wrk_run() { # NAME CONNECTIONS SCRIPT [PATH] [fixed warm-up seconds]
  local name=$1 conns=$2 script=$3 path=${4:-/}
  warm_up "$name" "$conns" "$script" "$path" "${5:-}"
  [[ -n ${SETTLE:-} ]] && settle
  log "Scenario $name: $conns connections for $DURATION s"
  clean_start
  sample_start
  local tick a0 p0 c0 a1 p1 c1
  tick=$(getconf CLK_TCK) a0=$(app_ticks) p0=$(pg_ticks) c0=$(db_counts)
  wrk -t2 -c"$conns" -d"${DURATION}s" --timeout 10s -s "bench/wrk/$script" "$BASE$path" >"$OUT/$name.wrk" 2>&1 || true
  a1=$(app_ticks) p1=$(pg_ticks) c1=$(db_counts)
  local peak
  peak=$(sample_stop)
  local line
  line=$(grep '^RESULT' "$OUT/$name.wrk" | tail -1 | cut -f2-) || { cat "$OUT/$name.wrk" >&2; die "wrk failed for $name"; }
  local requests per
  requests=$(cut -f6 <<<"$line")
  per=$(awk -v r="$requests" -v t="$tick" -v a=$((a1 - a0)) -v p=$((p1 - p0)) -v c0="$c0" -v c1="$c1" 'BEGIN {
    split(c0, x, " "); split(c1, y, " "); if (r <= 0) r = 1
    printf "%.2f\t%.2f\t%.1f\t%.2f", a * 1000 / t / r, p * 1000 / t / r, (y[1] - x[1]) / r, (y[2] - x[2]) / r }')
  result "$name" "$line" "$peak" "$per"
}
# warm_up NAME CONNECTIONS SCRIPT PATH [SECONDS]: SECONDS of load if given, else the scenario's load in 5 s rounds until
# two rounds in a row cost the app the same CPU per request (within 10%), after at least WARMUP s and at most WARMUP_MAX s;
# a result line warmup_NAME gives the seconds it took and each round's CPU per request (ms). A path's first seconds under load run the JIT's first tiers
# (a counter request cost the app 11.7, 5.6, 5.4, 3.5, 2.8, 2.0, 1.8, 1.8 ms of CPU in successive 5 s rounds after a
# start): a fixed 10 s left the scenarios that run a path for the first time measuring its start-up.
near() { (($1 > 0 && $2 > 0 && ($1 - $2) * 10 <= $2 && ($2 - $1) * 10 <= $2)); } # A B: within 10% of each other
warm_up() {
  local name=$1 conns=$2 script=$3 path=$4 spent=0 prev=0 cur=0 a0 a1 n rounds=""
  local least=${5:-$WARMUP} most=${5:-$WARMUP_MAX}
  while ((spent < most)); do
    a0=$(app_ticks)
    wrk -t2 -c"$conns" -d5s --timeout 10s -s "bench/wrk/$script" "$BASE$path" >"$OUT/warmup.wrk" 2>&1 || true
    a1=$(app_ticks) spent=$((spent + 5))
    n=$(awk '/requests in/ {print $1}' "$OUT/warmup.wrk")
    cur=$(awk -v a=$((a1 - a0)) -v n="${n:-0}" -v t="$(getconf CLK_TCK)" 'BEGIN {printf "%d", (n > 0 ? a * 1000000 / t / n : 0)}') # µs
    rounds+="${rounds:+ }$(awk -v c="$cur" 'BEGIN {printf "%.2f", c / 1000}')"
    # Settled: two rounds in a row at the same cost, after at least WARMUP s (on the way down, rounds 2 and 3 can meet:
    # 5.6 then 5.4 ms, then 3.5).
    ((spent >= least)) && near "$cur" "$prev" && break
    prev=$cur
  done
  log "Warm-up of $name: $spent s (the app's CPU per request in each 5 s round, ms: $rounds)"
  result "warmup_$name" "$spent" "$rounds"
}
# Every measured run (the app's and the baselines') starts with the same clean buffers: without it, the writes of the
# run before (a baseline's 20 s of purchases) were flushed during the next one, which then paid for them.
clean_start() { psql_db -c "CHECKPOINT" >/dev/null; }
# Before a latency run (SETTLE=1 wrk_run …): vacuum and analyse what the runs before it wrote. Their hundreds of thousands
# of purchases otherwise set autovacuum off on whichever large table crosses its threshold first, at any moment of the
# 8-client runs: the percentiles measure the requests, not the upkeep of the runs before them (bench/NOTES.md, item 50;
# the stalls of the tenth round's latency runs had a second cause, connections reopened cold: item 51).
settle() {
  local t0
  t0=$(now_ms)
  psql_db -c "VACUUM (ANALYZE)" >/dev/null
  log "Settled before the latency run: VACUUM (ANALYZE) took $(($(now_ms) - t0)) ms"
}
# pgbench_run NAME CLIENTS SCRIPT [ROLE] → a result line: name tps p50 p95 p99 failed transactions
# The baselines connect as the app's role (row-level security applies to them as to the app) unless ROLE says otherwise.
pgbench_run() {
  local name=$1 clients=$2 script=$3 role=${4:-smartbis_app}
  log "Baseline $name: pgbench as $role, $clients clients for $DURATION s"
  rm -rf "$OUT/pgb" && mkdir -p "$OUT/pgb"
  clean_start
  (cd "$OUT/pgb" && PGPASSWORD=$role "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U "$role" -n -M prepared -c "$clients" -j 2 \
    -T "$DURATION" -l -f "$ROOT/bench/pgbench/$script" -D t="$TENANT" -D s="$STORE" -D members="$CUSTOMERS" smartbis) >"$OUT/$name.pgbench" 2>&1 ||
    { tail -20 "$OUT/$name.pgbench" >&2; die "pgbench failed for $name"; }
  local tps
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$OUT/$name.pgbench" | head -1)
  local pcts
  pcts=$(cat "$OUT"/pgb/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {
    printf "%.2f\t%.2f\t%.2f\t0\t%d", a[int(NR*0.5)]/1000, a[int(NR*0.95)]/1000, a[int(NR*0.99)]/1000, NR}')
  result "$name" "$tps" "$pcts"
}

# ---- growth: data in steps, the purchase and overview figures at each ------------------------------------------------
purchases_done=0
gen_seconds=0
for step in "${GROWTH[@]}"; do
  target=$(awk -v e="$step" -v r="$ENTRIES_PER_PURCHASE" 'BEGIN {printf "%d", e / r}')
  if ((target > purchases_done)); then
    log "Generating purchases $((purchases_done + 1))..$target of the large tenant (for ~$step entries)"
    stop_app
    t0=$(now_ms)
    # In chunks of 500k purchases: bounded temp tables and memory.
    from=$((purchases_done + 1))
    while ((from <= target)); do
      to=$((from + 499999 < target ? from + 499999 : target))
      gen_sql "SELECT bench.purchases('$TENANT', $CUSTOMERS, $from, $to)"
      from=$((to + 1))
    done
    gen_sql "SELECT bench.finish('$TENANT', 2000)"
    psql_db -c "VACUUM ANALYZE" >/dev/null
    # Flush the generator's gigabytes now: a timed checkpoint in the middle of a measured run would stall it.
    psql_db -c "CHECKPOINT" >/dev/null
    t1=$(now_ms)
    gen_seconds=$((gen_seconds + t1 - t0))
    purchases_done=$target
  fi
  entries=$(psql_db -c "SELECT count(*) FROM ledger_entries WHERE tenant_id = '$TENANT'")
  result "gen_step_$step" "$entries" "$purchases_done" "$gen_seconds"
  [[ -n $APP_PID ]] || start_app
  [[ -s $OUT/staff.cookie ]] || tool sessions "$BASE" "$OUT/state.json" "$CS" "$OUT" >/dev/null
  # The first overview after new data rolls the daily figures up (timed apart: it is the nightly roll-up's work).
  t0=$(now_ms)
  curl -fs -o /dev/null -H "X-Forwarded-Proto: https" -H "Cookie: $(cat "$OUT/staff.cookie")" "$BASE/app?range=7d"
  result "rollup_$step" "$(($(now_ms) - t0))"
  tool overview "$BASE" "$OUT" "$OUT/state.json" "$OVERVIEW_RUNS" | sed "s/^overview_/growth_${step}_overview_/" >>"$RESULTS"
  wrk_run "growth_${step}_purchase" 32 purchase.lua / "$GROWTH_WARMUP"
done

# ---- the scenarios at full size -------------------------------------------------------------------------------------
# The purchase API right after its baseline: the pair the target compares runs back to back, on the same data.
pgbench_run base_purchase 32 purchase.sql
wrk_run purchase 32 purchase.lua
# For comparison: the fourth round's baseline (the purchase's four writes only), and the first report's (random v4 keys,
# as the owner: no row-level security).
pgbench_run base_purchase_writes 32 purchase-writes.sql
pgbench_run base_purchase_v4 32 purchase-v4-owner.sql smartbis
pgbench_run base_balance 64 balance.sql
wrk_run balance 64 balance.lua
# Latency at a moderate load (8 clients): on 2 cores, latency at 32–64 clients is bounded by Little's law.
SETTLE=1 wrk_run purchase_8 8 purchase.lua
SETTLE=1 wrk_run balance_8 8 balance.lua
BENCH_COOKIE=$(cat "$OUT/portal.cookie") wrk_run portal 64 portal.lua
BENCH_COOKIE=$(cat "$OUT/staff.cookie") BENCH_TOKEN=$(cat "$OUT/staff.token") wrk_run counter 32 counter.lua
# Every recorded counter purchase has a receipt "c<run>-…": how many form posts really recorded a purchase (warm-up included).
result counter_recorded "$(psql_db -c "SELECT count(*) FROM purchases WHERE tenant_id = '$TENANT' AND receipt_number LIKE 'c$RUN_ID-%'")"
# Before/after in the same run: the same four scenarios on an earlier revision's build, against the same data (its
# schema must be this one's or older: it runs on today's database and does not migrate).
if [[ -n ${BENCH_BEFORE:-} ]]; then
  before_rev=$(git rev-parse --short "$BENCH_BEFORE")
  log "Before/after: the same scenarios on $before_rev, built in a temporary worktree"
  BEFORE_DIR=$(mktemp -d /tmp/smartbis-bench-before.XXXXXX)
  git worktree add -f --detach "$BEFORE_DIR" "$BENCH_BEFORE" >/dev/null 2>&1 || die "Could not check out $BENCH_BEFORE"
  dotnet build "$BEFORE_DIR/src/Smartbis.Web" -c Release --nologo -v q >"$OUT/before-build.log" 2>&1 ||
    { tail -20 "$OUT/before-build.log" >&2; die "Could not build $BENCH_BEFORE"; }
  stop_app
  APP_DIR=$BEFORE_DIR/src/Smartbis.Web APP_DLL_NOW=$APP_DLL APP_DLL=$BEFORE_DIR/src/Smartbis.Web/bin/Release/net10.0/Smartbis.Web.dll
  start_app
  wrk_run before_purchase 32 purchase.lua
  wrk_run before_balance 64 balance.lua
  BENCH_COOKIE=$(cat "$OUT/portal.cookie") wrk_run before_portal 64 portal.lua
  BENCH_COOKIE=$(cat "$OUT/staff.cookie") BENCH_TOKEN=$(cat "$OUT/staff.token") wrk_run before_counter 32 counter.lua
  stop_app
  APP_DIR="" APP_DLL=$APP_DLL_NOW
  start_app
  git worktree remove --force "$BEFORE_DIR" >/dev/null 2>&1 || true
  result before_rev "$before_rev"
fi
log "Overview pages"
sample_start
tool overview "$BASE" "$OUT" "$OUT/state.json" "$OVERVIEW_RUNS" >>"$RESULTS"
result overview_mem "$(sample_stop)"
log "Results page: a 10% control group, the nightly results roll-up, then /app/results"
tool results "$CS" "$BASE" "$OUT" "$OUT/state.json" "$OVERVIEW_RUNS" >>"$RESULTS"
stop_app

log "Email delivery: $EMAILS queued messages to the local SMTP sink"
/usr/bin/time -f "%M" -o "$OUT/deliver.mem" bash -c "cd '$ROOT/bench/Smartbis.Bench.Tool' && dotnet '$TOOL_DLL' deliver '$CS' '$OUT/state.json' '$SMTP_PORT' '$EMAILS' '$JOB_CAP'" >>"$RESULTS"
result deliver_mem "$(awk '{printf "%.0f", $1 / 1024}' "$OUT/deliver.mem")"
log "Nightly jobs over the large tenant (in-process, the app's own classes)"
/usr/bin/time -f "%M" -o "$OUT/jobs.mem" bash -c "cd '$ROOT/bench/Smartbis.Bench.Tool' && dotnet '$TOOL_DLL' jobs '$CS' '$OUT/state.json' '$SMTP_PORT' '$JOB_CAP'" >>"$RESULTS"
result jobs_mem "$(awk '{printf "%.0f", $1 / 1024}' "$OUT/jobs.mem")"
log "Segments and campaigns over the large tenant (RFM assignment, segment counts, a campaign's preview, planning, messages)"
tool segments "$CS" "$OUT/state.json" "$JOB_CAP" >>"$RESULTS"
# ---- Citus: the same data on a 3-node cluster on this machine -------------------------------------------------------
if ((CITUS)); then
  log "Citus: a coordinator and two workers on loopback"
  stop_private_pg
  CITUS_DIR=$(mktemp -d /tmp/smartbis-bench-citus.XXXXXX)
  chmod 755 "$CITUS_DIR"
  # Tuned like the single node, but the three nodes share this machine's memory.
  CITUS_EXTRA_CONF=$'shared_buffers = 512MB\nmax_wal_size = 4GB\ncheckpoint_timeout = 15min' start_citus_cluster "$CITUS_DIR"
  CS="Host=127.0.0.1;Port=$PG_PORT;Database=smartbis;Username=smartbis;Password=smartbis"
  APP_CS="Host=127.0.0.1;Port=$PG_PORT;Database=smartbis;Username=smartbis_app;Password=smartbis_app"
  # The workers' databases get the extension now; the coordinator's only once the data exists (distribute in place).
  for port in "${CITUS_PORTS[@]:1}"; do
    PGPASSWORD=smartbis "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U smartbis -d smartbis -c "CREATE EXTENSION IF NOT EXISTS citus" >/dev/null
  done
  log "Citus: migrating and generating the same data on the coordinator (still a plain database)"
  ConnectionStrings__Smartbis=$APP_CS ConnectionStrings__SmartbisMigrations=$CS ASPNETCORE_ENVIRONMENT=Production \
    Smartbis__Smtp__Host=127.0.0.1 Smartbis__Hangfire__Workers=0 dotnet "$APP_DLL" migrate >"$OUT/citus-migrate.log" 2>&1 ||
    { tail -20 "$OUT/citus-migrate.log"; die "Migration failed (Citus)"; }
  tool setup "$CS" "$OUT/state.json" "$STORES" "$SMALL_TENANTS" >/dev/null
  TENANT=$(sed -n 's/.*"tenantId": "\([^"]*\)".*/\1/p' "$OUT/state.json")
  STORE=$(grep -A1 '"storeIds"' "$OUT/state.json" | tail -1 | tr -d ' ",')
  API_KEY=$(sed -n 's/.*"apiKey": "\([^"]*\)".*/\1/p' "$OUT/state.json")
  export BENCH_KEY=$API_KEY
  psql_db -f bench/sql/generate.sql >/dev/null
  gen_sql "SELECT bench.customers('$TENANT', $CUSTOMERS)"
  gen_sql "SELECT bench.customers(id, $SMALL_CUSTOMERS), bench.purchases(id, $SMALL_CUSTOMERS, 1, $SMALL_PURCHASES), bench.finish(id, 0)
           FROM tenants WHERE slug LIKE 'small-%'"
  gen_sql "SELECT bench.purchases('$TENANT', $CUSTOMERS, 1, $purchases_done)"
  gen_sql "SELECT bench.finish('$TENANT', 2000)"
  psql_db -c "COPY (SELECT m.id || ',' || c.phone FROM bench.members m JOIN customers c ON c.tenant_id = m.tenant_id AND c.id = m.id
                    WHERE m.tenant_id = '$TENANT' ORDER BY random() LIMIT 100000) TO STDOUT" >"$OUT/customers.csv"
  log "Citus: distributing in place (CREATE EXTENSION citus, add the workers, migrate again)"
  psql_db -c "CREATE EXTENSION citus" -c "SELECT citus_set_coordinator_host('127.0.0.1', $PG_PORT)" >/dev/null
  for port in "${CITUS_PORTS[@]:1}"; do psql_db -c "SELECT citus_add_node('127.0.0.1', $port)" >/dev/null; done
  t0=$(now_ms)
  ConnectionStrings__Smartbis=$APP_CS ConnectionStrings__SmartbisMigrations=$CS ASPNETCORE_ENVIRONMENT=Production \
    Smartbis__Smtp__Host=127.0.0.1 Smartbis__Hangfire__Workers=0 dotnet "$APP_DLL" migrate >>"$OUT/citus-migrate.log" 2>&1 ||
    { tail -20 "$OUT/citus-migrate.log"; die "Distributing in place failed"; }
  result citus_distribute "$(($(now_ms) - t0))" "$(psql_db -c "SELECT count(*) FROM pg_dist_partition")"
  psql_db -c "VACUUM ANALYZE" >/dev/null
  rm -f "$OUT/staff.cookie"
  start_app
  tool sessions "$BASE" "$OUT/state.json" "$CS" "$OUT" >/dev/null
  curl -fs -o /dev/null -H "X-Forwarded-Proto: https" -H "Cookie: $(cat "$OUT/staff.cookie")" "$BASE/app?range=7d"
  # As the owner: on a cluster an INSERT … SELECT from the coordinator's local bench.members is pulled to the coordinator and
  # COPYed into the shard, which row-level security refuses for the app's role.
  pgbench_run citus_base_purchase 32 purchase.sql smartbis
  wrk_run citus_purchase 32 purchase.lua
  wrk_run citus_balance 64 balance.lua
  tool overview "$BASE" "$OUT" "$OUT/state.json" "$OVERVIEW_RUNS" | sed "s/^overview_/citus_overview_/" >>"$RESULTS"
  stop_app
fi
result total_seconds "$(($(date +%s) - START))"

log "Writing $REPORT"
bash bench/report.sh "$RESULTS" "$QUICK" "$CUSTOMERS" "$ENTRIES" "$DURATION" "$EMAILS" "$PG_BIN" >"$REPORT"
log "Done in $(($(date +%s) - START)) s"
