#!/usr/bin/env bash
# Checks that a report written by bench/run.sh has every scenario row (the figures are not judged: they are measured,
# not asserted). Usage: bench/check-report.sh REPORT
set -euo pipefail
report=$1
missing=0
for row in '| Record purchase' '| Balance, `GET /api/v1/customers/{id}`' '| Portal home' '| Counter flow' \
  '| last 30 days |' '| last 12 months |' '| one store, 30 days |' \
  '| release_pending |' '| expire |' '| issue_vouchers |' '| expiring_soon |' '| win_back |' \
  'messages/s' '## Targets (issue 20)' '| purchase API ≥ 50% of the fair pgbench baseline' '### Where the time goes'; do
  if ! grep -qF -- "$row" "$report"; then
    echo "bench report $report: no row \"$row\"" >&2
    missing=1
  fi
done
# Three growth steps, each with a purchase figure.
steps=$(grep -cE '^\| [0-9,]+ \| [0-9,]+ \| [0-9,.]+ req/s' "$report" || true)
if ((steps < 3)); then
  echo "bench report $report: $steps growth rows, expected 3" >&2
  missing=1
fi
exit "$missing"
