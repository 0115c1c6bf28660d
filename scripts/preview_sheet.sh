#!/usr/bin/env bash
# Look at an output as it prints: a 自查单 (.docx) or a 统计表 (.xlsx) -> PDF (LibreOffice
# headless) -> PNG per page.
#   ./scripts/preview_sheet.sh OUT/NAME.自查单.docx [PNG_DIR]
#   ./scripts/preview_sheet.sh OUT/案卷自查情况统计表.xlsx [PNG_DIR]
# Installs LibreOffice Writer/Calc (no GUI) on first use; not needed to run casecheck or its tests.
set -euo pipefail
cd "$(dirname "$0")/.."
input="$1"
outdir="${2:-$(dirname "$input")/preview}"
case "$input" in
  *.docx) package=libreoffice-writer-nogui ;;
  *.xlsx) package=libreoffice-calc-nogui ;;
  *) echo "preview: give a .docx or an .xlsx" >&2; exit 2 ;;
esac
if ! dpkg -s "$package" >/dev/null 2>&1; then
  echo "preview: installing $package (once)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$package" >/dev/null
fi
mkdir -p "$outdir"
# A private profile, so a second soffice (or a desktop one) does not block the conversion; an
# ASCII copy of the input, since pdftoppm mangles CJK names.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
name="preview.${input##*.}"
cp "$input" "$work/$name"
soffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf --outdir "$work" "$work/$name" >/dev/null 2>&1
stem="$(basename "${input%.*}")"
cp "$work/preview.pdf" "$outdir/$stem.pdf"
pdftoppm -r 80 -png "$work/preview.pdf" "$outdir/$stem"
ls "$outdir"
