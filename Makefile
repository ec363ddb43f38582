# Shortcuts for the commands the README names; each is also runnable by hand.
.PHONY: test ci bench

# The README's test command. The browser test (examples/embedded-signup) skips
# without a chromium binary and the policy/redisstore tests without
# WABSP_REDIS_URL; `make ci` runs them too.
test:
	go test -race ./...

# Everything CI runs: gofmt, vet, staticcheck, the examples, a short fuzz, and
# every test on the oldest and newest supported Go, installing chromium and
# redis-server with apt where missing (needs root).
ci:
	bash .ci/run

# Every benchmark against its net/http and encoding/json baselines, about 12
# minutes; see BENCHMARKS.md.
bench:
	bash scripts/bench.sh
