#!/usr/bin/env bash
# Renders bench/run.sh's results (a TSV of "name<TAB>fields…") as docs/performance.md on stdout.
# Usage: report.sh RESULTS QUICK CUSTOMERS ENTRIES DURATION EMAILS PG_BIN
set -euo pipefail
RESULTS=$1 QUICK=$2 CUSTOMERS=$3 ENTRIES=$4 DURATION=$5 EMAILS=$6 PG_BIN=$7
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

get() { awk -F'\t' -v n="$1" -v f="$2" '$1 == n {v = $f} END {print v}' "$RESULTS"; } # NAME FIELD (2 = first value)
num() { awk -v v="$1" 'BEGIN {printf "%.0f", v}'; }
fmt() { # a whole number with thousands separators
  [[ -n $1 ]] || { printf '—'; return; }
  printf '%.0f' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'
}
ms() { [[ -n $1 ]] && printf '%s ms' "$1" || printf '—'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0 && a != "") printf "%.0f%%", 100 * a / b; else print "—"}'; }
holds() { # VALUE OP LIMIT → **yes** / **no** (no value: not measured, **no**)
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v == "") { print "**no** (not measured)"; exit }
    ok = (op == "<") ? (v + 0 < l + 0) : (v + 0 >= l + 0)
    print ok ? "**yes**" : "**no**" }'
}
# A wrk row whose every request failed has no latency: treat its percentiles as not measured.
lat() { local n=$1 f=$2; [[ $(get "$n" 6) == "$(get "$n" 7)" ]] && return 0; get "$n" "$f"; }

scale="$(fmt "$CUSTOMERS") customers of the large tenant, $(fmt "$(get "gen_step_$ENTRIES" 2)") of its ledger entries"
mode=$([[ $QUICK == 1 ]] && echo "\`./bench/run.sh --quick\` (smoke scale)" || echo "\`./bench/run.sh\` (full scale)")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo)
pgv=$("$PG_BIN/postgres" --version | awk '{print $3}')
# The 1-minute load average sampled every 15 s during the run (run.sh writes it beside the results).
LOADS=${BENCH_LOAD_FILE:-$(dirname "$RESULTS")/load}
if [[ -s $LOADS ]]; then
  machine=$(awk '{s += $2; if ($2 > m) m = $2; n++} END {printf "the load average, sampled every 15 s during the run, was %.1f on average (peak %.1f), counting the benchmark'"'"'s own processes (64 waiting connections make a load of tens); whether anything else ran is said under \"Read this first\"", s / n, m}' "$LOADS")
else
  machine="the load of the machine during the run was not recorded"
fi

cat <<EOF
# Performance

Written by $mode on $(date -u '+%Y-%m-%d %H:%M UTC'). Rerun it with \`./bench/run.sh\` (or \`--quick\`); how the harness
works is in [bench/README.md](../bench/README.md).

**Machine:** $(nproc) cores ($cpu), $mem RAM, PostgreSQL $pgv (shared_buffers 1 GB, synchronous_commit on),
.NET $(dotnet --version 2>/dev/null || echo '?'), the app in Release with ASPNETCORE_ENVIRONMENT=Production. The load generator
(wrk / pgbench), the app and PostgreSQL share the same $(nproc) cores; $machine. Figures vary by ±20% between runs:
compare the ratios taken in one run rather than absolute numbers across runs.

**Connection string extras:** ${BENCH_CS_EXTRA:-none} (Npgsql defaults otherwise).

**Data:** $scale, over 12 months across 50 stores, plus $(fmt "$(get gen_small 2)") customers in small tenants.
Each load run lasts $DURATION s.

$(awk '/^## Scale actually run/ {exit} {print}' "$HERE/NOTES.md")

## Scenarios

| scenario | figure | p50 | p95 | p99 | baseline (same run) | app / baseline | app peak memory |
|---|---|---|---|---|---|---|---|
EOF

row() { # NAME LABEL UNIT BASENAME
  local n=$1 label=$2 unit=$3 base=$4
  local rps p50 p95 p99 err mem brow="—" rat="—"
  rps=$(get "$n" 2) p50=$(lat "$n" 3) p95=$(lat "$n" 4) p99=$(lat "$n" 5) err=$(get "$n" 6) mem=$(get "$n" 8)
  if [[ -n $base ]]; then
    brow="pgbench $(fmt "$(get "$base" 2)") tps (p50 $(get "$base" 3), p99 $(get "$base" 5) ms)"
    rat=$(ratio "$rps" "$(get "$base" 2)")
  fi
  local errs=""
  [[ -n $err && $err != 0 ]] && errs=" ($err of $(get "$n" 7) requests failed)"
  echo "| $label | $(fmt "$rps") $unit$errs | $(ms "$p50") | $(ms "$p95") | $(ms "$p99") | $brow | $rat | ${mem:-—} MB |"
}
row purchase "Record purchase, \`POST /api/v1/purchases\`, 32 clients" "req/s" base_purchase
row balance "Balance, \`GET /api/v1/customers/{id}\`, 64 clients" "req/s" base_balance
row portal "Portal home \`/{tenant}/home\`, 64 clients" "req/s" base_balance
row counter "Counter flow: search by phone, then record (Razor handler), 32 clients" "req/s" ""
echo
echo "Baselines: pgbench with the app's own SQL, connected as the app's role with the tenant set in each transaction (row-level"
echo "security applies), time-ordered (v7) keys (bench/pgbench). The purchase baseline does all of the app's SQL work for a"
echo "purchase in the app's round trips (the tenant and the lock bound, the customer with the account locked and the receipt check,"
echo "one batch of the purchase, its entry, its lot, the balance, two events and the idempotency key with its stored response,"
echo "the commit). For comparison:"
echo "the fourth round's baseline (the purchase's four writes only, \`purchase-writes.sql\`) did $(fmt "$(get base_purchase_writes 2)") tps in this run"
echo "(p99 $(ms "$(get base_purchase_writes 5)")), the purchase API $(ratio "$(get purchase 2)" "$(get base_purchase_writes 2)") of it; the first report's"
echo "(random v4 keys, as the owner, which row-level security does not bind) did $(fmt "$(get base_purchase_v4 2)") tps (p99 $(ms "$(get base_purchase_v4 5)")),"
echo "the purchase API $(ratio "$(get purchase 2)" "$(get base_purchase_v4 2)") of it."
echo
warms=""
for n in purchase balance portal counter purchase_8 balance_8; do
  [[ -n $(get "warmup_$n" 2) ]] && warms+="${warms:+, }$n $(get "warmup_$n" 2) s"
done
if [[ -n $warms ]]; then
  echo "Each run came after a warm-up of its own load, in 5 s rounds until two rounds in a row cost the app the same CPU per"
  echo "request within 10% (the JIT's tiers and dynamic PGO settling; at least 20 s, 15 s at smoke scale): $warms."
  echo
fi
echo "At a moderate load (8 clients): record purchase $(fmt "$(get purchase_8 2)") req/s, p50 $(ms "$(lat purchase_8 3)"), p99 $(ms "$(lat purchase_8 5)");"
echo "balance $(fmt "$(get balance_8 2)") req/s, p50 $(ms "$(lat balance_8 3)"), p99 $(ms "$(lat balance_8 5)")."
echo
echo "### Where the time goes (per request, measured during each load run)"
echo
echo "CPU time of the app's process and of all PostgreSQL processes over the run, divided by the requests served; statements"
echo "counted by pg_stat_statements (the CALL that sets the tenant is part of the statement it prefixes), commits by"
echo "pg_stat_database (a read outside a transaction commits too)."
echo
echo "| scenario | app CPU | PostgreSQL CPU | statements | commits |"
echo "|---|---|---|---|---|"
for n in purchase balance portal counter purchase_8 balance_8; do
  [[ -n $(get "$n" 9) ]] && echo "| $n | $(get "$n" 9) ms | $(get "$n" 10) ms | $(get "$n" 11) | $(get "$n" 12) |"
done
echo
echo "The counter figure counts requests (a flow is two: the search page, then the form post answered with a redirect"
echo "to the receipt), so flows per second are half of it. Purchases the counter really recorded in this run (warm-up included,"
echo "counted in the database by their receipt numbers): $(get counter_recorded 2) for $(get counter 7) measured requests."
echo
if [[ -n $(get before_rev 2) ]]; then
  echo "### Before and after, in this run"
  echo
  echo "The same four scenarios on the build of revision $(get before_rev 2) (BENCH_BEFORE), run in this run against the same data right"
  echo "after the current build's (the same warm-up rule, the same length). Rates in requests per second; CPU per request."
  echo
  echo "| scenario | before | after | change | app CPU before → after | PostgreSQL CPU before → after | statements before → after |"
  echo "|---|---|---|---|---|---|---|"
  for n in purchase balance portal counter; do
    b=before_$n
    [[ -n $(get "$b" 2) ]] || continue
    echo "| $n | $(fmt "$(get "$b" 2)") | $(fmt "$(get "$n" 2)") | $(awk -v a="$(get "$n" 2)" -v b="$(get "$b" 2)" 'BEGIN {if (b > 0) printf "×%.2f", a / b}') | $(get "$b" 9) → $(get "$n" 9) ms | $(get "$b" 10) → $(get "$n" 10) ms | $(get "$b" 11) → $(get "$n" 11) |"
  done
  echo
fi

cat <<EOF

### Merchant overview (large tenant, server time of the whole page, median of several loads after a warm-up)

| range | median | slowest |
|---|---|---|
| last 30 days | $(ms "$(get overview_30d 2)") | $(ms "$(get overview_30d 3)") |
| last 12 months | $(ms "$(get overview_12m 2)") | $(ms "$(get overview_12m 3)") |
| one store, 30 days | $(ms "$(get overview_store 2)") | $(ms "$(get overview_store 3)") |

App peak memory while loading them: $(get overview_mem 2) MB.

### Results page (large tenant, a 10% control group, server time of the whole page)

| page | median | slowest |
|---|---|---|
| /app/results (the measurement so far) | $(ms "$(get results_default 2)") | $(ms "$(get results_default 3)") |
| /app/results, 12 months of joining | $(ms "$(get results_12m 2)") | $(ms "$(get results_12m 3)") |
| /app/results/print | $(ms "$(get results_print 2)") | $(ms "$(get results_print 3)") |

The nightly results roll-up of the large tenant (in-process, once): $(ms "$(get results_rollup 2)").

### Segments and campaigns over the large tenant ($(fmt "$CUSTOMERS") customers)

Run in-process with the app's own classes (\`Smartbis.Bench.Tool segments\`): the RFM assignment (first run, then again with
nothing changed), reading the segment counts, a campaign to every member (10% holdout): its preview, its planning, its messages.

| step | wall time | what it did |
|---|---|---|
EOF
for j in segments_assign segments_assign_again segments_counts campaign_preview campaign_plan campaign_messages; do
  echo "| $j | $(get "$j" 2) s | $(get "$j" 3) |"
done
cat <<EOF

### Nightly jobs over the large tenant ($(fmt "$CUSTOMERS") customers)

Run in-process with the app's own classes (\`bench/Smartbis.Bench.Tool jobs\`) on the data as the generator leaves it:
everything up to a day ago already processed, so each job does one night's work (lots due in the last day, vouchers due, …).

| job | wall time | what it did |
|---|---|---|
EOF
for j in release_pending expire issue_vouchers expiring_soon win_back expiring_soon_again win_back_again; do
  echo "| ${j/_again/ (the next night)} | $(get "job_$j" 2) s | $(get "job_$j" 3) |"
done
cat <<EOF

Peak memory of the process running the jobs: $(get jobs_mem 2) MB.

### Message delivery

$(fmt "$EMAILS") queued emails delivered to a local SMTP sink (aiosmtpd) by \`DeliverMessages\`: **$(get deliver 2) messages/s**
($(get deliver 3)); peak memory of that process $(get deliver_mem 2) MB.

### Growth: how cost grows with data

The large tenant's history is generated in three steps; after each, the purchase API (32 clients) and the overview are measured again.

| ledger entries | purchases | record purchase | p99 | overview 30 days | 12 months | one store | daily roll-up after the step |
|---|---|---|---|---|---|---|---|
EOF
for step in $(awk -F'\t' '$1 ~ /^gen_step_/ {sub("gen_step_", "", $1); print $1}' "$RESULTS"); do
  gerr=$(get "growth_${step}_purchase" 6)
  [[ -n $gerr && $gerr != 0 ]] && gerr=" ($gerr of $(get "growth_${step}_purchase" 7) failed)" || gerr=""
  echo "| $(fmt "$(get "gen_step_$step" 2)") | $(fmt "$(get "gen_step_$step" 3)") | $(fmt "$(get "growth_${step}_purchase" 2)") req/s$gerr | $(ms "$(lat "growth_${step}_purchase" 5)") | $(ms "$(get "growth_${step}_overview_30d" 2)") | $(ms "$(get "growth_${step}_overview_12m" 2)") | $(ms "$(get "growth_${step}_overview_store" 2)") | $(ms "$(get "rollup_$step" 2)") |"
done
last=$(awk -F'\t' '$1 ~ /^gen_step_/ {v = $4} END {print v}' "$RESULTS")
cat <<EOF

### Data generation

Set-based SQL inside PostgreSQL (\`bench/sql/generate.sql\`): $(fmt "$(get gen_customers 2)") customers in $(awk -v v="$(get gen_customers 3)" 'BEGIN {printf "%.1f", v / 1000}') s;
the small tenants in $(awk -v v="$(get gen_small 3)" 'BEGIN {printf "%.1f", v / 1000}') s; the large tenant's purchases, credit lots, ledger entries,
vouchers and accounts in $(awk -v v="$last" 'BEGIN {printf "%.1f", v / 1000}') s in all (with VACUUM ANALYZE after each step).
The whole run took $(awk -v v="$(get total_seconds 2)" 'BEGIN {printf "%d min %d s", v / 60, v % 60}').

## Targets (issue 20)

| target | measured | holds |
|---|---|---|
EOF
rat() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0 && a != "") printf "%.3f", a / b}'; }
pr=$(get purchase 2) pb=$(get base_purchase 2) br=$(get balance 2) bb=$(get base_balance 2) por=$(get portal 2) cr=$(get counter 2)
echo "| purchase API ≥ 50% of the fair pgbench baseline (32 clients) | $(ratio "$pr" "$pb") | $(holds "$(rat "$pr" "$pb")" ">=" 0.5) |"
echo "| balance API ≥ 40% of its baseline (64 clients) | $(ratio "$br" "$bb") | $(holds "$(rat "$br" "$bb")" ">=" 0.4) |"
echo "| portal home (median member) ≥ 25% of the balance baseline | $(ratio "$por" "$bb") | $(holds "$(rat "$por" "$bb")" ">=" 0.25) |"
cf=$(awk -v c="$cr" 'BEGIN {if (c != "") printf "%.1f", c / 2}')
echo "| counter flow ≥ 50% of the purchase API's rate | $cf flows/s = $(ratio "$cf" "$pr") | $(holds "$(rat "$cf" "$pr")" ">=" 0.5) |"
echo "| app CPU per purchase ≤ 2 ms | $(ms "$(get purchase 9)") | $(holds "$(get purchase 9)" "<" 2.0001) |"
echo "| purchase p99 < 50 ms at 8 clients | $(ms "$(lat purchase_8 5)") | $(holds "$(lat purchase_8 5)" "<" 50) |"
echo "| balance p99 < 20 ms at 8 clients | $(ms "$(lat balance_8 5)") | $(holds "$(lat balance_8 5)" "<" 20) |"
rmax=$(printf '%s\n' "$(get results_default 2)" "$(get results_12m 2)" "$(get results_print 2)" | sort -g | tail -1)
echo "| results page < 1 s at this scale (issue 18; slowest median of its three loads) | $(ms "$rmax") | $(holds "$rmax" "<" 1000) |"
sc=$(get segments_counts 2)
echo "| segment counts < 1 s (issue 18) | $sc s | $(holds "$sc" "<" 1) |"
sa=$(get segments_assign 2) cp=$(get campaign_plan 2)
echo "| segment assignment < 60 s (issue 18, first run) | $sa s | $(holds "$sa" "<" 60) |"
echo "| campaign planning < 60 s (issue 18) | $cp s | $(holds "$cp" "<" 60) |"
rr=$(awk -v v="$(get results_rollup 2)" 'BEGIN {if (v != "") printf "%.1f", v / 1000}')
echo "| nightly results roll-up < 60 s (first night) | $rr s | $(holds "$rr" "<" 60) |"
cat <<EOF

The targets of the last report (issue 9) that still hold:

| target | measured | holds |
|---|---|---|
EOF
omax=$(printf '%s\n' "$(get overview_30d 2)" "$(get overview_12m 2)" "$(get overview_store 2)" | sort -g | tail -1)
echo "| overview < 300 ms for each range (at $(fmt "$(get "gen_step_$ENTRIES" 2)") entries) | slowest median $(ms "$omax") | $(holds "$omax" "<" 300) |"
jmax=$(for j in release_pending expire issue_vouchers expiring_soon win_back; do get "job_$j" 2; done | sort -g | tail -1)
echo "| each nightly job < 60 s (first night) | slowest $jmax s | $(holds "$jmax" "<" 60) |"
d=$(get deliver 2)
echo "| email delivery ≥ 200 messages/s | $d /s | $(holds "$d" ">=" 200) |"
mmax=$(for n in purchase balance portal counter; do get "$n" 8; done; get overview_mem 2)
mmax=$(printf '%s\n' $mmax | sort -g | tail -1)
echo "| app memory < 500 MB under load (web scenarios and overview) | peak $mmax MB | $(holds "$mmax" "<" 500) |"
echo
echo "The process running the nightly jobs (a whole app host, in the bench tool) peaked at $(get jobs_mem 2) MB; delivery at $(get deliver_mem 2) MB."
echo
if [[ -n $(get citus_purchase 2) ]]; then
  cat <<EOF2
### Citus: the same data on a 3-node cluster on this machine (\`./bench/run.sh --citus\`)

After the single-node scenarios, the run starts a Citus cluster on loopback (a coordinator and two workers, Citus 13.2,
32 shards per table), generates the same data on the coordinator as a plain database, and distributes it in place as
docs/scaling.md describes (\`CREATE EXTENSION citus\`, add the workers, migrate again: $(get citus_distribute 3) tables in
$(ms "$(get citus_distribute 2)")). The app talks to the coordinator; every node runs on the same 2 cores as the app and the load generator.

| scenario | one PostgreSQL | p99 | Citus (coordinator + 2 workers) | p99 | Citus / one |
|---|---|---|---|---|---|
| pgbench purchase transaction, 32 clients | $(fmt "$(get base_purchase 2)") tps | $(ms "$(get base_purchase 5)") | $(fmt "$(get citus_base_purchase 2)") tps | $(ms "$(get citus_base_purchase 5)") | $(ratio "$(get citus_base_purchase 2)" "$(get base_purchase 2)") |
| record purchase (API), 32 clients | $(fmt "$(get purchase 2)") req/s | $(ms "$(lat purchase 5)") | $(fmt "$(get citus_purchase 2)") req/s | $(ms "$(lat citus_purchase 5)") | $(ratio "$(get citus_purchase 2)" "$(get purchase 2)") |
| balance (API), 64 clients | $(fmt "$(get balance 2)") req/s | $(ms "$(lat balance 5)") | $(fmt "$(get citus_balance 2)") req/s | $(ms "$(lat citus_balance 5)") | $(ratio "$(get citus_balance 2)" "$(get balance 2)") |
| overview, last 30 days (median) | $(ms "$(get overview_30d 2)") | | $(ms "$(get citus_overview_30d 2)") | | |
| overview, last 12 months (median) | $(ms "$(get overview_12m 2)") | | $(ms "$(get citus_overview_12m 2)") | | |
| overview, one store (median) | $(ms "$(get overview_store 2)") | | $(ms "$(get citus_overview_store 2)") | | |

Failed requests on the cluster: purchase $(get citus_purchase 6) of $(get citus_purchase 7), balance $(get citus_balance 6) of $(get citus_balance 7).

EOF2
fi
if [[ $QUICK == 1 ]]; then
  echo "_This is a smoke run at small scale: the targets are stated for 1,000,000 customers and 10,000,000 entries._"
  echo
fi
awk '/^## Scale actually run/ {p = 1} p' "$HERE/NOTES.md"
