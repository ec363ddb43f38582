#!/usr/bin/env bash
# Benchmarks of the webhook Inbox (inbox/redisinbox/bench_test.go) in
# interleaved rounds: each round runs every benchmark once, so that drift of
# a shared machine hits the receivers compared alike, and the summary takes
# the median of the rounds. Needs a Redis: WABSP_REDIS_URL, or a throwaway
# one from scripts/redis-for-tests.sh. Not for CI: a few minutes.
#
#   scripts/bench-inbox.sh              # ROUNDS=5
#   ROUNDS=3 scripts/bench-inbox.sh
#   SKIP_TOGETHER=1 scripts/bench-inbox.sh   # without BenchmarkIngestAndWorkers (~1 minute a round)
#   BENCH_LOCK=/path/to/lock scripts/bench-inbox.sh   # each run under flock, on a shared machine
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${ROUNDS:-5}"
out="${BENCH_OUT:-$(mktemp "${TMPDIR:-/tmp}/wabsp-bench-inbox.XXXXXX")}"
if [ -z "${WABSP_REDIS_URL:-}" ]; then
  # shellcheck source=redis-for-tests.sh
  source scripts/redis-for-tests.sh
fi
bin=$(mktemp "${TMPDIR:-/tmp}/redisinbox.test.XXXXXX")
go test -c -o "$bin" ./inbox/redisinbox
echo "cpus: $(nproc); $(go version); load before: $(uptime)"
bench() {
  if [ -n "${BENCH_LOCK:-}" ]; then
    flock "$BENCH_LOCK" "$bin" -test.run '^$' "$@"
  else
    "$bin" -test.run '^$' "$@"
  fi
}
for r in $(seq 1 "$rounds"); do
  echo "== round $r (raw output: $out)"
  # Run from the package directory, where the test finds ../../testdata.
  (
    cd inbox/redisinbox
    # Anchored: "Ingest" alone would also match BenchmarkIngestAndWorkers.
    bench -test.bench '^BenchmarkIngest$/message_text' -test.benchtime 3000x
    bench -test.bench '^BenchmarkIngest$/statuses_1000' -test.benchtime 300x
    bench -test.bench '^BenchmarkIngestHalfCapacity$' -test.benchtime 3000x
    bench -test.bench '^BenchmarkWorkers$/message_text' -test.benchtime 2000x
    bench -test.bench '^BenchmarkWorkers$/statuses_1000' -test.benchtime 30x
    if [ -z "${SKIP_TOGETHER:-}" ]; then
      # Ingest and workers in one process: each case sends for 3 s.
      bench -test.bench '^BenchmarkIngestAndWorkers$' -test.benchtime 1x
    fi
  ) | grep '^Benchmark' | tee -a "$out"
done
rm -f "$bin"
echo "load after: $(uptime)"
echo
echo "median of $rounds rounds:"
# For each benchmark and each metric (value followed by its unit), the
# median over the rounds.
awk '{
  name = $1; sub(/-[0-9]+$/, "", name)
  if (!(name in seen)) { seen[name] = 1; order[++n] = name }
  for (i = 3; i < NF; i += 2) {
    key = name SUBSEP $(i+1)
    if (!(key in cnt)) { units[name] = units[name] " " $(i+1) }
    vals[key, ++cnt[key]] = $i
  }
}
END {
  for (k = 1; k <= n; k++) {
    name = order[k]; line = name
    split(substr(units[name], 2), us, " ")
    for (u = 1; u in us; u++) {
      key = name SUBSEP us[u]; m = cnt[key]
      for (i = 1; i <= m; i++) a[i] = vals[key, i] + 0
      for (i = 2; i <= m; i++) { v = a[i]; j = i - 1; while (j > 0 && a[j] > v) { a[j+1] = a[j]; j-- } a[j+1] = v }
      med = (m % 2) ? a[(m+1)/2] : (a[m/2] + a[m/2+1]) / 2
      line = line sprintf("  %g %s", med, us[u])
    }
    print line
  }
}' "$out"
