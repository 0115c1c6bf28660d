#!/usr/bin/env bash
# Look at a filled 自查单 as it prints: DOCX -> PDF (LibreOffice headless) -> PNG per page.
#   ./scripts/preview_sheet.sh OUT/NAME.自查单.docx [PNG_DIR]
# Installs LibreOffice Writer (no GUI) on first use; not needed to run casecheck or its tests.
set -euo pipefail
cd "$(dirname "$0")/.."
docx="$1"
outdir="${2:-$(dirname "$docx")/preview}"
if ! command -v soffice >/dev/null 2>&1; then
  echo "preview: installing libreoffice-writer-nogui (once)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    libreoffice-writer-nogui >/dev/null
fi
mkdir -p "$outdir"
# A private profile: a second soffice (or a desktop one) must not block the conversion.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$outdir" "$docx" >/dev/null
pdf="$outdir/$(basename "${docx%.docx}").pdf"
pdftoppm -r 80 -png "$pdf" "${pdf%.pdf}"
ls "$outdir"
