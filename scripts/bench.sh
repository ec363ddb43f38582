#!/usr/bin/env bash
# Runs every benchmark of the module (root package, policy, policy/redisstore)
# with -benchmem, COUNT (10) runs of BENCHTIME (1s) each, one package at a
# time, and prints a Markdown summary: medians, and each benchmark beside the
# baselines measured next to it (scripts/benchsummary). Ten runs, because on
# a shared 2-core machine single runs of the loopback benchmarks vary by
# 20-40%: the medians are what the report quotes. Not for CI: it takes
# minutes. The raw output is kept in $BENCH_OUT (for benchstat).
#
#   scripts/bench.sh                     # COUNT=10 BENCHTIME=1s, about 12 minutes
#   COUNT=3 BENCHTIME=200ms BENCH='Onboard|EmbeddedSignup' scripts/bench.sh
#   scripts/bench.sh decoders            # only the JSON decoder comparison
#
# The decoder comparison (benchmarks/, a module of its own so the SDK gains
# no dependency) decodes the webhook fixtures with json.Valid, encoding/json,
# go-json-experiment/json, goccy/go-json, bytedance/sonic and DecodeWebhook,
# then the signed request path, in ROUNDS (9) interleaved rounds of TARGET
# (300ms) each, and prints medians of per-round ratios. It runs last.
#
# The Redis benchmarks need WABSP_REDIS_URL; when it is unset the script
# starts a throwaway redis-server with scripts/redis-for-tests.sh (set
# BENCH_NO_REDIS=1 to skip them instead).
set -euo pipefail
cd "$(dirname "$0")/.."

decoders() {
  echo "== decoder comparison: benchmarks/ (go run . -rounds ${ROUNDS:-9} -target ${TARGET:-300ms})"
  (cd benchmarks && go run . -rounds "${ROUNDS:-9}" -target "${TARGET:-300ms}")
}
if [ "${1:-}" = "decoders" ]; then
  decoders
  exit 0
fi

count="${COUNT:-10}"
benchtime="${BENCHTIME:-1s}"
pattern="${BENCH:-.}"
out="${BENCH_OUT:-$(mktemp "${TMPDIR:-/tmp}/wabsp-bench.XXXXXX")}"

if [ -z "${WABSP_REDIS_URL:-}" ] && [ -z "${BENCH_NO_REDIS:-}" ]; then
  # shellcheck source=redis-for-tests.sh
  source scripts/redis-for-tests.sh || echo "no Redis: the Redis benchmarks will be skipped" >&2
fi

echo "== machine"
echo "cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "$(go version)"
echo "load before: $(uptime)"
echo "== go test -run '^\$' -bench '$pattern' -benchmem -count $count -benchtime $benchtime -p 1 ./...  (raw output: $out)"
start=$(date +%s)
# -p 1: packages one after the other, so no benchmark shares the CPUs with
# another package's.
go test -run '^$' -bench "$pattern" -benchmem -count "$count" -benchtime "$benchtime" -p 1 -timeout 60m ./... | tee "$out" | grep -E '^(ok|FAIL|---|panic)' || true
echo "load after: $(uptime); took $(( $(date +%s) - start ))s"
if grep -q '^FAIL' "$out"; then
  echo "some benchmarks failed; see $out" >&2
  exit 1
fi
echo
go run ./scripts/benchsummary < "$out"
echo
decoders
