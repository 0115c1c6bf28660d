#!/usr/bin/env bash
# One command for a fresh machine: system packages, the Python environment, then a demo run.
#   ./scripts/setup.sh            install everything and run the main job on a bundled sample
#   ./scripts/setup.sh --no-demo  install only (what CI uses)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  fonts-noto-cjk          # printed text: Noto Sans/Serif CJK SC
  fonts-arphic-ukai       # handwriting (楷体-like)
  fonts-arphic-uming      # 宋体-like TrueType, embeddable in born-digital PDFs
  fonts-wqy-zenhei        # 黑体-like TrueType
  tesseract-ocr
  tesseract-ocr-chi-sim
  poppler-utils           # pdftoppm, for looking at pages as PNG
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'

if [ "${1:-}" != "--no-demo" ]; then
  echo "setup: checking the bundled sample samples/fixed/demo-500-000.pdf (a scanned case file)"
  .venv/bin/casecheck check samples/fixed/demo-500-000.pdf -o out/demo
  echo "setup: done. In out/demo: demo-500-000.report.json, demo-500-000.自查单.docx, demo-500-000.annotated.pdf; more samples: samples/fixed/"
fi
