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

# Editor-authored drawings (Inkscape, Sodipodi, Illustrator metadata): the Debian openclipart package, pinned.
deb_version="1:0.18+dfsg-19"
if [ ! -d debian/openclipart ]; then
  mkdir -p debian/download
  if ! (cd debian/download && apt-get download "openclipart-svg=${deb_version}" >/dev/null 2>&1); then
    apt-get update >/dev/null 2>&1 || true
    (cd debian/download && apt-get download "openclipart-svg=${deb_version}")
  fi
  dpkg-deb -x debian/download/openclipart-svg_*.deb debian/extract
  mv debian/extract/usr/share/openclipart/svg debian/openclipart
  rm -rf debian/extract debian/download
fi
touch .complete
