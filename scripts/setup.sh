#!/usr/bin/env bash
# One command for a fresh machine: system packages, the Python environment, then a demo run.
#   ./scripts/setup.sh                      install everything and run the main job on a bundled sample
#   ./scripts/setup.sh --no-demo            install only (what CI uses)
#   ./scripts/setup.sh --no-demo --runtime  what running casecheck needs, without the test tools (the Dockerfile)
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO=1
RUNTIME_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --no-demo) DEMO=0 ;;
    --runtime) RUNTIME_ONLY=1 ;;
    *) echo "setup: unknown option $arg (--no-demo, --runtime)" >&2; exit 2 ;;
  esac
done

# What casecheck needs to run (the Dockerfile installs these through this script too).
APT_PACKAGES=(
  fonts-noto-cjk          # printed text: Noto Sans/Serif CJK SC
  fonts-arphic-ukai       # handwriting (楷体-like)
  fonts-arphic-uming      # 宋体-like TrueType, embeddable in born-digital PDFs
  fonts-wqy-zenhei        # 黑体-like TrueType
  tesseract-ocr
  tesseract-ocr-chi-sim
)
# What the tests and the tools around them need.
DEV_APT_PACKAGES=(
  poppler-utils           # pdftoppm, for looking at pages as PNG
  chromium                # the web page's end-to-end test (Playwright drives /usr/bin/chromium; no browser download)
)
if [ "$RUNTIME_ONLY" -eq 0 ]; then
  APT_PACKAGES+=("${DEV_APT_PACKAGES[@]}")
fi

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
if [ "$RUNTIME_ONLY" -eq 1 ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e .
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
fi

if [ "$DEMO" -eq 1 ]; then
  echo "setup: checking the bundled sample samples/fixed/demo-500-000.pdf (a scanned case file)"
  .venv/bin/casecheck check samples/fixed/demo-500-000.pdf -o out/demo
  echo "setup: done. In out/demo: demo-500-000.report.json, demo-500-000.自查单.docx, demo-500-000.annotated.pdf; more samples: samples/fixed/"
fi
