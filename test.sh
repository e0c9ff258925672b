#!/usr/bin/env bash
# Build Smartbis and run every test project (unit, integration, browser).
# Installs what the tests need when it is missing: PostgreSQL server binaries (the tests start
# their own throwaway cluster unless SMARTBIS_TEST_PG is set), Chromium (browser tests) and
# python3-aiosmtpd (the tests' SMTP sink).
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter "FullyQualifiedName~Cashback".
# ./test.sh --long runs the load test (tests/Smartbis.Tests/Reliability/LoadHeldTests.cs) for three minutes
# instead of fifteen seconds.
set -euo pipefail
if [[ ${1:-} == --long ]]; then
  export SMARTBIS_LOAD_SECONDS=${SMARTBIS_LOAD_SECONDS:-180}
  shift
fi
cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/lib.sh

command -v dotnet >/dev/null 2>&1 ||
  die "Install the .NET 10 SDK: https://dotnet.microsoft.com/download, then run ./test.sh again."

# First usable Chromium: an explicit SMARTBIS_CHROMIUM, Debian's package, or the one
# preinstalled on GitHub's Ubuntu runners (also /usr/bin/chromium).
find_chromium() {
  local candidate
  for candidate in "${SMARTBIS_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [[ -n $candidate && -x $candidate ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

missing=()
pg_bin_dir >/dev/null || missing+=(postgresql)
if ! find_chromium >/dev/null; then
  # Ubuntu has no "chromium" package, only "chromium-browser".
  if grep -qx 'ID=ubuntu' /etc/os-release 2>/dev/null; then missing+=(chromium-browser); else missing+=(chromium); fi
fi
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
ensure_packages "${missing[@]}"

SMARTBIS_CHROMIUM=$(find_chromium) || die "Chromium is still missing after installing it."
export SMARTBIS_CHROMIUM
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

config=${CONFIGURATION:-Release}
if [[ ${CI:-} == true ]]; then
  # CI logs: plain build output, and per-test lines only for failures.
  build_output=(-tl:off -v:minimal)
  test_logger="console;verbosity=minimal"
else
  build_output=(-v:minimal)
  test_logger="console;verbosity=normal"
fi

log "Building Smartbis.sln ($config)"
dotnet build Smartbis.sln -c "$config" --nologo "${build_output[@]}"

# -m:1 runs the test projects one after another (they each start a PostgreSQL and a browser);
# the hang timeout makes a stuck test fail with a dump instead of hanging CI forever.
log "Running tests"
rm -rf TestResults # so the totals below count this run only
status=0
dotnet test Smartbis.sln -c "$config" --no-build -m:1 \
  --blame-hang-timeout 10m --blame-hang-dump-type mini \
  --logger "$test_logger" --logger trx --results-directory TestResults \
  "$@" || status=$?

# The benchmark harness, end to end at smoke scale (issue 9): it must run and write a report with every scenario row.
# Not an xunit test: on 2 cores it takes 5-10 minutes, too much for the suite's 15-minute budget (docs/performance.md).
# Its figures are not asserted. It runs with the whole suite only (no arguments); SMARTBIS_BENCH_SMOKE=0 skips it.
bench_status=0
if [[ ${SMARTBIS_BENCH_SMOKE:-1} != 0 && $# -eq 0 ]]; then
  log "Running the benchmark harness at smoke scale (./bench/run.sh --quick)"
  mkdir -p TestResults
  if BENCH_REPORT=$PWD/TestResults/performance-quick.md ./bench/run.sh --quick >TestResults/bench-quick.log 2>&1 &&
    bench/check-report.sh TestResults/performance-quick.md; then
    log "Benchmark harness: report written with every scenario (TestResults/performance-quick.md)"
  else
    bench_status=1
    tail -n 40 TestResults/bench-quick.log >&2
    log "Benchmark harness FAILED; see TestResults/bench-quick.log"
  fi
fi

# dotnet test prints one summary per test project; end with the totals over all of them.
count() { # one numeric attribute of the <Counters> element, 0 when absent
  local n
  n=$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters")
  echo "${n:-0}"
}
total=0 passed=0 failed=0
for trx in TestResults/*.trx; do
  [[ -f $trx ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" || true)
  total=$((total + $(count total))) passed=$((passed + $(count passed))) failed=$((failed + $(count failed)))
done
echo
if ((status == 0)); then result=PASSED; else result="FAILED (dotnet test exit code $status)"; fi
echo "Tests $result: $total total, $passed passed, $failed failed, $((total - passed - failed)) not run."
if ((bench_status != 0)); then echo "Benchmark harness smoke run FAILED."; status=1; fi
exit "$status"
