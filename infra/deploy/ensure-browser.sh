#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download is not
# used). Installs it, with CJK fonts so pages render Chinese, when it is missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  exit 0
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "installing chromium and fonts-noto-cjk" >&2
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
command -v chromium >/dev/null || { echo "chromium could not be installed" >&2; exit 1; }
