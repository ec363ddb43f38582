#!/usr/bin/env bash
# Installs Debian's chromium package for the browser end-to-end test of
# examples/embedded-signup, unless a Chromium binary is already on PATH.
# Idempotent: a second run does nothing.
set -euo pipefail

for bin in chromium chromium-browser; do
  if command -v "$bin" >/dev/null 2>&1; then
    echo "chromium present: $(command -v "$bin")"
    exit 0
  fi
done

if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium: run as root (apt-get install needs it)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
command -v chromium
