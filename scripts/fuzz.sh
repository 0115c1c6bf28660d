#!/usr/bin/env bash
# The longer fuzz run (issue 17): N seeded hostile PDFs through `casecheck check` (one process per
# file), `casecheck watch --once` and a running `casecheck serve`, with the real OCR engine.
# Checks: no traceback, no 500, exit 0 or 2 only, every file accounted for exactly once by the
# watcher, no original changed, peak resident memory of any one process <= 1.5 GB.
# Prints a JSON report and OK/FAIL; exits 1 on any problem (the work folder is then kept).
#
#   scripts/fuzz.sh [N=100] [SEED=20261203]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
exec "$PYTHON" -m tests.test_fuzz "${1:-100}" ${2:+"$2"}
