#!/usr/bin/env bash
# An offline bundle of casecheck for a machine without network (an intranet server): the wheels
# of every pinned dependency for Linux x86_64 and aarch64, casecheck's own wheel, the lock, and an
# install script that asks no index.
#
#   ./scripts/bundle.sh                       dist/casecheck-bundle/ and dist/casecheck-bundle.tar.gz,
#                                             x86_64 and aarch64, for Python 3.11
#   ./scripts/bundle.sh --python 3.10,3.11,3.12 --arch x86_64,aarch64 -o DIR
#   ./scripts/bundle.sh --native              this machine's platform and Python only (quick; the tests)
#   ./scripts/bundle.sh --lock                write requirements.lock again from pyproject.toml (pins
#                                             and hashes, every platform and Python ≥ 3.10, the versions
#                                             of .venv preferred: what the tests ran with)
#
# Built on a machine with network and uv (pip install uv: it resolves the lock for each target,
# which pip download cannot: pip judges markers by the Python running it). Targets glibc 2.28
# (manylinux_2_28: 麒麟 V10, 统信 UOS 20, RHEL 8 and newer).
# On the target: tar xzf casecheck-bundle.tar.gz && casecheck-bundle/install.sh [VENV]
# System packages (fonts, tesseract) come from the distribution: see scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHONS="3.11"
ARCHES="x86_64,aarch64"
OUT="dist/casecheck-bundle"
NATIVE=0
LOCK_ONLY=0
GLIBC_MINOR=28
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PYTHONS="${2:?bundle: --python needs versions, e.g. 3.10,3.11}"; shift ;;
    --arch) ARCHES="${2:?bundle: --arch needs x86_64 and/or aarch64}"; shift ;;
    -o|--out) OUT="${2:?bundle: -o needs a folder}"; shift ;;
    --native) NATIVE=1 ;;
    --lock) LOCK_ONLY=1 ;;
    *) echo "bundle: unknown option $1 (--python, --arch, -o, --native, --lock)" >&2; exit 2 ;;
  esac
  shift
done

PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
UV="$(command -v uv || true)"
[ -z "$UV" ] && [ -x .venv/bin/uv ] && UV=.venv/bin/uv
if [ -z "$UV" ]; then
  echo "bundle: needs uv (pip install uv)" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ "$LOCK_ONLY" -eq 1 ]; then
  # The versions in .venv (tested) are preferred where the Python allows them (3.11 and newer).
  "$PY" -m pip freeze --exclude-editable 2>/dev/null | grep '==' \
    | sed "s/\$/ ; python_full_version >= '3.11'/" > "$work/prefer.txt" || true
  "$UV" pip compile pyproject.toml --universal --python-version 3.10 --generate-hashes --no-header \
    --no-annotate -c "$work/prefer.txt" -o requirements.lock
  echo "bundle: wrote requirements.lock ($(grep -c '==' requirements.lock) pins)"
  exit 0
fi

if [ "$NATIVE" -eq 1 ]; then
  ARCHES="$(uname -m)"
  PYTHONS="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
fi

rm -rf "$OUT"
mkdir -p "$OUT/wheels"
cp requirements.lock "$OUT/"

# casecheck itself, and what installing a source tree needs (setup.sh --bundle: pip install -e .).
"$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$OUT/wheels" . 2>/dev/null \
  || "$PY" -m pip wheel -q --no-deps -w "$OUT/wheels" .
"$PY" -m pip download -q --only-binary=:all: -d "$OUT/wheels" setuptools wheel

# Every platform tag a glibc-2.28 machine accepts, newest first.
platform_args() {
  local arch="$1" minor
  for ((minor = GLIBC_MINOR; minor >= 17; minor--)); do
    printf -- '--platform manylinux_2_%d_%s ' "$minor" "$arch"
  done
  printf -- '--platform manylinux2014_%s --platform linux_%s' "$arch" "$arch"
}

IFS=',' read -r -a arch_list <<< "$ARCHES"
IFS=',' read -r -a python_list <<< "$PYTHONS"
for arch in "${arch_list[@]}"; do
  for version in "${python_list[@]}"; do
    tag="cp${version/./}"
    echo "bundle: wheels for Linux $arch, Python $version"
    # The lock's pins for this target, markers settled (pip download would judge them by the
    # Python running it, not the target's).
    "$UV" pip compile requirements.lock --python-version "$version" \
      --python-platform "${arch}-manylinux_2_${GLIBC_MINOR}" --generate-hashes --no-header --no-annotate \
      --quiet -o "$work/$arch-$version.txt"
    # shellcheck disable=SC2046  # the platform arguments are meant to split
    PIP_CONFIG_FILE=/dev/null "$PY" -m pip download -q --disable-pip-version-check --no-deps --require-hashes \
      --only-binary=:all: $(platform_args "$arch") --python-version "$version" --implementation cp \
      --abi "$tag" --abi abi3 --abi none -r "$work/$arch-$version.txt" -d "$OUT/wheels"
  done
done

cat > "$OUT/install.sh" <<'EOF'
#!/bin/sh
# Install casecheck from this bundle with no network: ./install.sh [VENV] (default: ./casecheck-venv
# beside this folder). PYTHON=python3.11 ./install.sh picks the interpreter (3.10 or newer).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-$here/../casecheck-venv}"
python="${PYTHON:-python3}"
"$python" -m venv "$venv"
# No index at all, whatever pip.conf says: only the wheels here, each checked against the lock's hash.
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/python" -m pip install -q --no-index --find-links "$here/wheels" --require-hashes -r "$here/requirements.lock"
"$venv/bin/python" -m pip install -q --no-index --find-links "$here/wheels" --no-deps "$here"/wheels/casecheck-*.whl
echo "casecheck installed: $venv/bin/casecheck"
echo "System packages it uses (from the distribution's repositories): Noto CJK fonts, tesseract with chi_sim;"
echo "see scripts/setup.sh for their apt and dnf names."
EOF
chmod +x "$OUT/install.sh"
(cd "$OUT" && find wheels -type f -name '*.whl' | sort > MANIFEST && sha256sum requirements.lock install.sh wheels/*.whl > SHA256SUMS)
tar -C "$(dirname "$OUT")" -czf "$OUT.tar.gz" "$(basename "$OUT")"
echo "bundle: $OUT ($(wc -l < "$OUT/MANIFEST") wheels) and $OUT.tar.gz ($(du -h "$OUT.tar.gz" | cut -f1))"
