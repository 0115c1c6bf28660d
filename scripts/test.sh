#!/usr/bin/env bash
# The project's test command (README and .ci/run both call this).
#
#   ./scripts/test.sh [PYTEST ARGS]          the whole suite, with the test caches: OCR readings
#                                            replayed, generated corpora and their readings kept
#                                            (see tests/conftest.py and extractors/ocr/replay.py)
#   ./scripts/test.sh --full [PYTEST ARGS]   the whole suite with no cache: every corpus generated
#                                            and every page OCR'd afresh (~20 min on 2 cores)
#
# The caches live in $CASECHECK_TEST_CACHE (default ~/.cache/casecheck-tests), outside the
# repository, so CI's fresh clones on one machine share them. Every key includes the code that
# made the entry, so a change reads afresh what it can affect. One OCR read always goes to the
# real engine (tests/test_ocr_replay.py::test_uncached_ocr_smoke).
set -euo pipefail
cd "$(dirname "$0")/.."

full=0
args=()
for arg in "$@"; do
  if [[ "$arg" == "--full" ]]; then full=1; else args+=("$arg"); fi
done

cache="${CASECHECK_TEST_CACHE:-$HOME/.cache/casecheck-tests}"
if [[ $full == 1 || "$cache" == "off" ]]; then
  export CASECHECK_TEST_CACHE=off
  unset CASECHECK_OCR_REPLAY
else
  export CASECHECK_TEST_CACHE="$cache"
  export CASECHECK_OCR_REPLAY="$cache/ocr-replay"
fi
exec .venv/bin/python -m pytest -q --durations=10 ${args[@]+"${args[@]}"}
