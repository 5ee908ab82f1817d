#!/usr/bin/env bash
# The test suite needs programs from Debian that pip cannot provide:
#  - chromium: the browser tests drive Debian's Chromium (Playwright cannot download its own);
#  - libreoffice (calc, no GUI): the export tests prove that LibreOffice opens our Excel files;
#  - WeasyPrint's libraries (Pango, HarfBuzz) and a font: the PDF reports (also needed at run time);
#  - poppler-utils: the report tests read the PDFs back with pdftotext.
#  - postgresql (initdb, pg_ctl): the fault tests start a private, throwaway cluster and crash
#    it (utils/tests/private_postgres.py); the shared server is never touched.
#  - gettext (xgettext, msgmerge, msgcat, msgattrib): `make messages` and its test
#    (utils/tests/test_makemessages.py).
# Install what is missing; fail loudly when that is impossible, so that a run never silently
# skips those tests.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium fonts-dejavu-core)
command -v libreoffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v msgattrib >/dev/null 2>&1 || missing+=(gettext)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
have_initdb() {
  [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ] && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
have_initdb || missing+=(postgresql)
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
command -v pdftotext >/dev/null 2>&1 || { echo "pdftotext still missing after install" >&2; exit 1; }
have_initdb || { echo "PostgreSQL's initdb still missing after install" >&2; exit 1; }
