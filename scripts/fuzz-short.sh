#!/usr/bin/env bash
# Runs every Fuzz* target of the root package briefly (FUZZTIME each,
# default 10s), one after the other: go test -fuzz takes one target at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-10s}"
targets=$(go test -list '^Fuzz' . | grep '^Fuzz' || true)
if [ -z "$targets" ]; then
  echo "no fuzz targets found"; exit 1
fi
for target in $targets; do
  echo "== fuzz $target ($fuzztime)"
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" .
done
