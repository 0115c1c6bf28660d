"""Shared fixtures: generated corpora are made once per test session, and kept between sessions.

Generating the corpora and reading them (OCR) is most of the suite's time, and the result only
changes with the code that makes it. So, unless CASECHECK_TEST_CACHE=off (`./scripts/test.sh
--full` sets it), both are kept under $CASECHECK_TEST_CACHE or ~/.cache/casecheck-tests, outside
the repository, so that CI's fresh clones on the same machine share it:

- corpus/<name>-<key>/: a generated corpus, keyed by its seed, count and options and by the
  generator's inputs (samples/ but its committed demo files, models/, the fonts, the versions
  of the packages that draw); each session works on a copy in its temporary folder;
- cases/<key>/<sha256>.json: a generated file as the pipeline read it (the CaseFile), keyed by
  the PDF's bytes and the reader's inputs (models/, lexicon/, extractors/, service/*.py, the
  OCR settings in the environment, the packages that read); kept only when the JSON gives back
  exactly the model that was read.
- ocr-replay/: readings of `extractors.ocr.replay`, when CASECHECK_OCR_REPLAY points there
  (`./scripts/test.sh` does).

Entries are written to a temporary and renamed, so concurrent sessions never see half of one;
entries unused for PRUNE_DAYS are removed at the start of a session.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from models.case import CaseFile
from models.truth import Truth
from samples.generate import Options, generate
from service.pipeline import read_cases

log = logging.getLogger("tests.cache")

ROOT = Path(__file__).resolve().parents[1]
CACHE_ENV = "CASECHECK_TEST_CACHE"
DEFAULT_CACHE = Path("~/.cache/casecheck-tests")
PRUNE_DAYS = 14
USED_MARK = ".used"  # touched whenever an entry is used; pruning goes by its age

_DRAWING_PACKAGES = ("pymupdf", "pillow", "numpy", "opencv-python-headless", "chinesecalendar", "fonttools",
                     "pydantic")
_READING_PACKAGES = (*_DRAWING_PACKAGES, "rapidocr", "onnxruntime", "openvino", "pytesseract", "paddleocr",
                     "paddlepaddle")
_FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/arphic"),
              Path("/usr/share/fonts/truetype/wqy"))


def load_truths(folder: Path) -> list[tuple[Path, Truth]]:
    return [(p.with_name(p.name.replace(".truth.json", ".pdf")), Truth.model_validate(json.loads(p.read_text("utf-8"))))
            for p in sorted(folder.glob("*.truth.json"))]


# -- the cache --------------------------------------------------------------------------------------
def test_cache_root() -> Path | None:
    """Where corpora and read cases are kept between sessions; None when CASECHECK_TEST_CACHE=off."""
    raw = os.environ.get(CACHE_ENV, "").strip()
    if raw.lower() in {"off", "0", "no", "false"}:
        return None
    return Path(raw or DEFAULT_CACHE).expanduser()


test_cache_root.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def _files_digest(digest: Any, files: Iterable[Path]) -> None:
    for path in sorted(files):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(ROOT).as_posix().encode() if path.is_relative_to(ROOT) else str(path).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")


def _versions(packages: Iterable[str]) -> dict[str, str]:
    found = {}
    for package in packages:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def _py_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")]


_source_keys: dict[str, str] = {}


def generator_key() -> str:
    """What a generated corpus depends on besides its arguments."""
    if "generator" not in _source_keys:
        digest = hashlib.sha256()
        samples = [p for p in (ROOT / "samples").rglob("*") if "fixed" not in p.relative_to(ROOT / "samples").parts]
        _files_digest(digest, samples + _py_files("models"))
        fonts = sorted(f"{p}:{p.stat().st_size}" for folder in _FONT_DIRS if folder.is_dir()
                       for p in folder.rglob("*") if p.is_file())
        digest.update(json.dumps({"fonts": fonts, "packages": _versions(_DRAWING_PACKAGES)}, sort_keys=True).encode())
        _source_keys["generator"] = digest.hexdigest()
    return _source_keys["generator"]


def reader_key() -> str:
    """What the pipeline's reading of a PDF depends on besides its bytes."""
    if "reader" not in _source_keys:
        from extractors.ocr import resolve_name

        digest = hashlib.sha256()
        _files_digest(digest, _py_files("models", "lexicon", "extractors") + list((ROOT / "service").glob("*.py")))
        # OCR settings from the environment (engine, runtime...), but not threads or the replay folder.
        settings = {k: v for k, v in os.environ.items()
                    if k.startswith("CASECHECK_OCR_") and k not in {"CASECHECK_OCR_THREADS", "CASECHECK_OCR_REPLAY"}}
        digest.update(json.dumps({"engine": resolve_name(), "env": settings, "packages": _versions(_READING_PACKAGES)},
                                 sort_keys=True).encode())
        _source_keys["reader"] = digest.hexdigest()
    return _source_keys["reader"]


def _touch(folder: Path) -> None:
    with contextlib.suppress(OSError):  # a read-only cache still serves
        (folder / USED_MARK).touch()


def _publish(temporary: Path, final: Path) -> None:
    """Move a finished temporary folder into place; another session may have published it first."""
    try:
        os.rename(temporary, final)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        if not final.is_dir():
            raise


def prune(root: Path, days: float = PRUNE_DAYS) -> None:
    """Remove cache entries (corpora, case folders, OCR replay key folders) unused for `days`."""
    cutoff = time.time() - days * 86400
    entries = [*root.glob("corpus/*"), *root.glob("cases/*"), *root.glob("ocr-replay/*/*")]
    for entry in entries:
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        mark = entry / USED_MARK
        try:
            used = mark.stat().st_mtime if mark.exists() else entry.stat().st_mtime
        except OSError:
            continue
        if used < cutoff:
            log.info("test cache: removing %s (unused for %d days)", entry, days)
            shutil.rmtree(entry, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _prune_test_cache() -> None:
    root = test_cache_root()
    if root is not None and root.is_dir():
        prune(root)


def generated_corpus(factory: pytest.TempPathFactory, name: str, cases: int, seed: int,
                     options: Options, **kwargs: Any) -> Path:
    """A folder of `cases` generated files (as `samples.generate.generate`), made once and kept.

    The folder returned is this session's own copy: tests may write next to the files.
    """
    out = factory.mktemp(name)
    root = test_cache_root()
    if root is None:
        generate(out, cases, seed=seed, options=options, workers=2, **kwargs)
        return out
    arguments = json.dumps({"name": name, "cases": cases, "seed": seed, "options": repr(options),
                            "kwargs": repr(sorted(kwargs.items())), "generator": generator_key()})
    key = hashlib.sha256(arguments.encode()).hexdigest()[:20]
    stored = root / "corpus" / f"{name}-{key}"
    if not (stored / USED_MARK).is_file():
        stored.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=stored.parent))
        try:
            generate(temporary, cases, seed=seed, options=options, workers=2, **kwargs)
            (temporary / USED_MARK).touch()  # also marks the corpus complete
            _publish(temporary, stored)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    else:
        _touch(stored)
    shutil.copytree(stored, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns(USED_MARK))
    return out


def read_corpus(pdfs: list[Path], read: Callable[[list[Path]], list[CaseFile | str]] | None = None
                ) -> list[CaseFile | str]:
    """`read_cases(pdfs, workers=2)`, with the files read before (same bytes, same reader) kept."""
    read = read or (lambda paths: read_cases(paths, workers=2))
    root = test_cache_root()
    if root is None:
        return read(pdfs)
    folder = root / "cases" / reader_key()[:20]
    folder.mkdir(parents=True, exist_ok=True)
    _touch(folder)
    results: list[CaseFile | str | None] = []
    for pdf in pdfs:
        entry = folder / f"{_sha256(pdf)}.{pdf.name}.json"
        try:
            results.append(CaseFile.model_validate_json(entry.read_bytes()))
        except (OSError, ValueError):
            results.append(None)
    missing = [i for i, result in enumerate(results) if result is None]
    if missing:
        fresh = read([pdfs[i] for i in missing])
        for i, case in zip(missing, fresh, strict=True):
            results[i] = case
            if isinstance(case, CaseFile):
                _store_case(folder / f"{_sha256(pdfs[i])}.{pdfs[i].name}.json", case)
    log.info("test cache: %d of %d read cases reused", len(pdfs) - len(missing), len(pdfs))
    return [r for r in results if r is not None]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _store_case(path: Path, case: CaseFile) -> None:
    data = case.model_dump_json().encode()
    if CaseFile.model_validate_json(data) != case:  # not kept unless it comes back exactly
        log.warning("test cache: %s does not survive JSON; not kept", case.file)
        return
    fd, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(temporary, path)


# -- the corpora ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def scanned_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Truth]]:
    """Eight scanned case files with the default mix of clean and defective files."""
    out = generated_corpus(tmp_path_factory, "scanned", 8, seed=20240511, options=Options(born_digital_ratio=0.0))
    return load_truths(out)


@pytest.fixture(scope="session")
def born_digital_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Truth]]:
    out = generated_corpus(tmp_path_factory, "digital", 6, seed=7, options=Options(born_digital_ratio=1.0))
    return load_truths(out)


# The pipeline accuracy suite (and the checkers' end-to-end suite) share one corpus and one OCR
# pass: OCR is the expensive part of CI.
PIPELINE_CORPUS_CASES = 40
PIPELINE_CORPUS_SEED = 20241125
# Three codes per defective file, the least used first: every finding code appears in the corpus,
# most of them two or three times, so the checkers' per-code figures mean something.
PIPELINE_CORPUS_OPTIONS = Options(born_digital_ratio=0.0, clean_ratio=0.2, codes_per_file=3)


@pytest.fixture(scope="session")
def pipeline_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Truth, CaseFile]]:
    """Forty scanned case files, some clean, the rest with defects, each read by the pipeline."""
    out = generated_corpus(tmp_path_factory, "pipeline", PIPELINE_CORPUS_CASES, seed=PIPELINE_CORPUS_SEED,
                           options=PIPELINE_CORPUS_OPTIONS)
    truths = load_truths(out)
    cases = read_corpus([pdf for pdf, _ in truths])
    corpus = []
    for (pdf, truth), case in zip(truths, cases, strict=True):
        assert not isinstance(case, str), case
        corpus.append((pdf, truth, case))
    return corpus


# -- probes: figures measured where CI runs, printed at the end of the test report -------------
_PROBE_LINES: list[str] = []


@pytest.fixture(scope="session")
def probe_report() -> list[str]:
    """Lines a probe test appends (figures of CI's machine, e.g. bf16 against f32): printed after
    the summary, where CI's log keeps them, whether the tests passed or not."""
    return _PROBE_LINES


def pytest_sessionstart(session: pytest.Session) -> None:
    """Settle before any test whether this machine runs the OCR models in bf16 (a one-off check
    of some seconds where OpenVINO meets a CPU with bf16; nothing elsewhere), so that no test with
    a time limit pays for it; the verdict is printed with the probes."""
    from extractors.ocr import OcrUnavailable, bf16
    from extractors.ocr.runtime import resolve_choice

    try:
        choice = resolve_choice()
    except ValueError:  # a bad CASECHECK_OCR_* setting: the tests that need OCR will say so
        return
    if choice.precision_asked or choice.runtime != "openvino" or choice.device != "cpu" or not bf16.cpu_has_bf16():
        return
    try:
        from extractors.ocr.rapid import find_model

        models = {kind: find_model(kind) for kind in ("det", "rec", "cls")}
    except OcrUnavailable:
        return
    bf16.bf16_where_shown(choice, models)
    verdict = bf16.kept_verdict(choice.cache_dir, models) if choice.cache_dir else None
    if verdict is not None:
        _PROBE_LINES.append(f"bf16 check on this CPU: OCR in {'bf16' if verdict.ok else 'f32'} ({verdict.reason})")


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _PROBE_LINES:
        terminalreporter.section("casecheck probes")
        for line in _PROBE_LINES:
            terminalreporter.write_line(line)
