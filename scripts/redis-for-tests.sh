# shellcheck shell=bash
# Source this file (". scripts/redis-for-tests.sh") to get a throwaway Redis
# for the tests of policy/redisstore: it installs Debian's redis-server if
# missing, starts one on 127.0.0.1 at a random free port, persisting nothing,
# in a temporary directory, and exports WABSP_REDIS_URL. The server is
# stopped when the sourcing shell exits (or by calling wabsp_redis_stop).

wabsp_redis_start() {
  local sudo=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    $sudo apt-get update && $sudo apt-get install -y redis-server || return 1
  fi

  WABSP_REDIS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wabsp-redis.XXXXXX") || return 1
  local port tries
  for tries in $(seq 1 30); do
    port=$(( (RANDOM << 15 | RANDOM) % 40000 + 20000 ))
    # Something already answering on the port is not ours.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
      --dir "$WABSP_REDIS_DIR" --daemonize yes \
      --pidfile "$WABSP_REDIS_DIR/redis.pid" --logfile "$WABSP_REDIS_DIR/redis.log" || continue
    local i
    for i in $(seq 1 50); do
      if [ -s "$WABSP_REDIS_DIR/redis.pid" ] && kill -0 "$(cat "$WABSP_REDIS_DIR/redis.pid")" 2>/dev/null \
        && [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; then
        export WABSP_REDIS_URL="redis://127.0.0.1:$port/0"
        echo "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on $WABSP_REDIS_URL"
        return 0
      fi
      sleep 0.1
    done
    wabsp_redis_stop
    WABSP_REDIS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wabsp-redis.XXXXXX") || return 1
  done
  echo "could not start redis-server after $tries attempts" >&2
  return 1
}

wabsp_redis_stop() {
  if [ -n "${WABSP_REDIS_DIR:-}" ] && [ -d "$WABSP_REDIS_DIR" ]; then
    if [ -s "$WABSP_REDIS_DIR/redis.pid" ]; then
      kill "$(cat "$WABSP_REDIS_DIR/redis.pid")" 2>/dev/null || true
    fi
    rm -rf "$WABSP_REDIS_DIR"
  fi
  unset WABSP_REDIS_URL
}

wabsp_redis_start || return 1 2>/dev/null || exit 1
# Chain onto any EXIT trap the sourcing script already set.
trap "wabsp_redis_stop; $(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT$/\1/")" EXIT
