#!/usr/bin/env bash
# One command for a fresh machine: system packages, the Python environment, then a demo run.
#   ./scripts/setup.sh                      install everything and run the main job on a bundled sample
#   ./scripts/setup.sh --no-demo            install only (what CI uses)
#   ./scripts/setup.sh --no-demo --runtime  what running casecheck needs, without the test tools (the Dockerfile)
#   ./scripts/setup.sh --bundle DIR         Python packages from an offline bundle (scripts/bundle.sh), no network
#   ./scripts/setup.sh --no-system          leave the system packages alone (installed by an administrator)
# System packages come through apt (Debian, Ubuntu, 统信UOS, 麒麟桌面) or dnf/yum (RHEL, Rocky, openEuler,
# 麒麟服务器 Kylin V10), as root or with sudo; on an intranet, from the distribution's local mirror.
# Python: the first of $PYTHON, python3.13 … python3.10, python3 that is 3.10 or newer (the oldest
# the dependencies and the code allow; pyproject.toml's requires-python).
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO=1
RUNTIME_ONLY=0
SYSTEM=1
BUNDLE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-demo) DEMO=0 ;;
    --runtime) RUNTIME_ONLY=1 ;;
    --no-system) SYSTEM=0 ;;
    --bundle) BUNDLE="${2:?setup: --bundle needs a folder}"; shift ;;
    *) echo "setup: unknown option $1 (--no-demo, --runtime, --no-system, --bundle DIR)" >&2; exit 2 ;;
  esac
  shift
done

# What casecheck needs to run (the Dockerfile installs these through this script too), as
# "Debian package|RPM package(s)".
PACKAGES=(
  "fonts-noto-cjk|google-noto-sans-cjk-ttc-fonts google-noto-serif-cjk-ttc-fonts"  # printed text: Noto Sans/Serif CJK SC
  "fonts-arphic-ukai|cjkuni-ukai-fonts"           # handwriting (楷体-like)
  "fonts-arphic-uming|cjkuni-uming-fonts"         # 宋体-like TrueType, embeddable in born-digital PDFs
  "fonts-wqy-zenhei|wqy-zenhei-fonts"             # 黑体-like TrueType
  "tesseract-ocr|tesseract"
  "tesseract-ocr-chi-sim|tesseract-langpack-chi_sim"
)
# What the tests and the tools around them need.
DEV_PACKAGES=(
  "poppler-utils|poppler-utils"                   # pdftoppm, for looking at pages as PNG
  "chromium|chromium"                             # the web page's end-to-end test (Playwright drives it; no browser download)
  "libreoffice-writer-nogui|libreoffice-writer"   # the 自查单's page-count test (soffice --headless --convert-to pdf)
  "fonts-liberation|liberation-serif-fonts"       # Times New Roman's metrics, so the sheet prints as in Word
)
if [ "$RUNTIME_ONLY" -eq 0 ]; then
  PACKAGES+=("${DEV_PACKAGES[@]}")
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

install_system_packages() {
  local manager="" missing=() entry names name
  if command -v apt-get >/dev/null 2>&1; then manager=apt
  elif command -v dnf >/dev/null 2>&1; then manager=dnf
  elif command -v yum >/dev/null 2>&1; then manager=yum
  else
    echo "setup: neither apt nor dnf/yum found: install by hand the equivalents of:" >&2
    for entry in "${PACKAGES[@]}"; do echo "  ${entry%%|*}" >&2; done
    return 0
  fi
  for entry in "${PACKAGES[@]}"; do
    if [ "$manager" = apt ]; then
      name="${entry%%|*}"
      dpkg -s "$name" >/dev/null 2>&1 || missing+=("$name")
    else
      read -r -a names <<< "${entry#*|}"
      for name in "${names[@]}"; do
        rpm -q "$name" >/dev/null 2>&1 || missing+=("$name")
      done
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing system packages ($manager): ${missing[*]}"
  if [ "$manager" = apt ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    # Noto CJK, tesseract's Chinese data and Chromium are in EPEL on RHEL-like systems; a package
    # the repositories lack is reported, and the rest still installed.
    if ! $SUDO "$manager" install -y -q "${missing[@]}"; then
      echo "setup: some packages were not found; trying them one by one" >&2
      for name in "${missing[@]}"; do
        $SUDO "$manager" install -y -q "$name" >/dev/null 2>&1 || echo "setup: not installed: $name (enable EPEL or install it by hand)" >&2
      done
    fi
  fi
}

if [ "$SYSTEM" -eq 1 ]; then
  install_system_packages
fi

# The oldest Python the dependencies and the code allow (pyproject.toml: requires-python).
PY_MIN_MINOR=10
python_ok() {
  "$1" -c "import sys; sys.exit(0 if sys.version_info >= (3, $PY_MIN_MINOR) else 1)" >/dev/null 2>&1
}
PYTHON_FOUND=""
for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3.10 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
    PYTHON_FOUND="$candidate"
    break
  fi
done
if [ -z "$PYTHON_FOUND" ]; then
  echo "setup: casecheck needs Python 3.$PY_MIN_MINOR or newer (apt: python3.11, dnf: python3.11); found none" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $PYTHON_FOUND ($("$PYTHON_FOUND" --version 2>&1))"
  "$PYTHON_FOUND" -m venv .venv || {
    echo "setup: could not create a venv (Debian/Ubuntu: apt-get install python3-venv)" >&2; exit 1; }
fi
PIP=(.venv/bin/python -m pip -q --disable-pip-version-check)
if [ -n "$BUNDLE" ]; then
  # Offline: the pinned, hash-checked wheels of the bundle; no index is asked.
  "${PIP[@]}" install --no-index --find-links "$BUNDLE/wheels" --require-hashes -r "$BUNDLE/requirements.lock"
  "${PIP[@]}" install --no-index --find-links "$BUNDLE/wheels" --no-deps -e .
  [ "$RUNTIME_ONLY" -eq 1 ] || echo "setup: the bundle holds what casecheck runs with; the test tools (.[dev]) need the network"
else
  "${PIP[@]}" install --upgrade pip
  # The lock first (the versions casecheck is tested with, hash-checked), then casecheck itself.
  if [ -f requirements.lock ]; then
    "${PIP[@]}" install --require-hashes -r requirements.lock
  fi
  if [ "$RUNTIME_ONLY" -eq 1 ]; then
    "${PIP[@]}" install -e .
  else
    "${PIP[@]}" install -e '.[dev]'
  fi
fi

if [ "$DEMO" -eq 1 ]; then
  echo "setup: checking the bundled sample samples/fixed/demo-500-000.pdf (a scanned case file)"
  .venv/bin/casecheck check samples/fixed/demo-500-000.pdf -o out/demo
  echo "setup: done. In out/demo: demo-500-000.report.json, demo-500-000.自查单.docx, demo-500-000.annotated.pdf; more samples: samples/fixed/"
fi
