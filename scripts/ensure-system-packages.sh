#!/usr/bin/env bash
# The test suite needs two programs from Debian that pip cannot provide:
#  - chromium: the browser tests drive Debian's Chromium (Playwright cannot download its own);
#  - libreoffice (calc, no GUI): the export tests prove that LibreOffice opens our Excel files.
# Install what is missing; fail loudly when that is impossible, so that a run never silently
# skips those tests.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium fonts-dejavu-core)
command -v libreoffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages for the test suite: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Cannot install ${missing[*]}: not root and no sudo. Install them with apt-get." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ -x "$CHROMIUM" ] || { echo "chromium still missing after install" >&2; exit 1; }
command -v libreoffice >/dev/null 2>&1 || { echo "libreoffice still missing after install" >&2; exit 1; }
