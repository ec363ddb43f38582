#!/usr/bin/env bash
# Long fuzzing on demand: every Fuzz* target of the root package for FUZZTIME
# each (default 20m), one after the other (go test -fuzz takes one target at
# a time), with FUZZPARALLEL workers (default 1, so the machine stays usable).
# CI does not run this: plain `go test` replays the committed seed corpus in
# testdata/fuzz/, and a crasher found here belongs there (go test writes it).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-20m}"
parallel="${FUZZPARALLEL:-1}"
targets=$(go test -list '^Fuzz' . | grep '^Fuzz' || true)
if [ -z "$targets" ]; then
  echo "no fuzz targets found"; exit 1
fi
for target in $targets; do
  echo "== fuzz $target ($fuzztime, $parallel workers)"
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -parallel "$parallel" .
done
