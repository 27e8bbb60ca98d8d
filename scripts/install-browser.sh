#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests, unless it is already there.
# Playwright never downloads its own browser here; tests drive /usr/bin/chromium.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
    echo "chromium is missing and we are not root: browser tests will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
