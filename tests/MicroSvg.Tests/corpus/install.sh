#!/usr/bin/env bash
# Installs the pinned real-world SVG corpus used by the render tests into a cache folder outside git.
# Usage: install.sh CACHE_DIR   (idempotent: a finished install leaves CACHE_DIR/.complete)
set -euo pipefail
cache="${1:?usage: install.sh CACHE_DIR}"
if [ -f "$cache/.complete" ]; then exit 0; fi
mkdir -p "$cache"
cd "$cache"
# Pinned packages: icon sets (paths, strokes), flags (gradients, transforms, clip paths), emoji (many colours).
packages=(
  "@mdi/svg@7.4.47"
  "simple-icons@16.37.0"
  "flag-icons@7.5.0"
  "@twemoji/svg@15.0.0"
  "@tabler/icons@3.52.0"
  "bootstrap-icons@1.13.2"
)
[ -f package.json ] || echo '{"name":"microsvg-corpus","version":"1.0.0","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --no-save --loglevel=error "${packages[@]}"
touch .complete
