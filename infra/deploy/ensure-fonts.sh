#!/usr/bin/env bash
# Reports render Chinese with Noto CJK (the PDF renderer, typst, finds them among the system
# fonts). Installs Debian's fonts-noto-cjk when no Noto CJK font is present.
set -euo pipefail
if fc-list 2>/dev/null | grep -i "noto.*cjk" >/dev/null; then
  exit 0
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "installing fonts-noto-cjk" >&2
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fontconfig fonts-noto-cjk >/dev/null
fc-list | grep -i "noto.*cjk" >/dev/null || { echo "fonts-noto-cjk could not be installed" >&2; exit 1; }
