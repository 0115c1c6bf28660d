"""The OCR replay cache the suite runs with (`CASECHECK_OCR_REPLAY`), and the one uncached OCR read.

`./scripts/test.sh` replays OCR from a cache; `test_uncached_ocr_smoke` is the read that always
goes to the real engine, whatever the environment says. The replay must be transparent: the same
readings, and the same page analysis (seal re-reads included), with and without it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pymupdf
import pytest

import extractors.ocr as ocr
from extractors.ingest import PageReader, ReadOptions
from extractors.ocr import OcrReading, available_engines, get_engine
from extractors.ocr.base import engine_cache_key
from extractors.ocr.replay import REPLAY_ENV, ReplayEngine
from models.case import CaseFile, TextLine
from samples.generate import Options
from service.pipeline import read_cases

FIXED = Path(__file__).resolve().parents[1] / "samples" / "fixed"
DEMO = FIXED / "demo-500-000.pdf"  # page 3: a decision's first page; page 4: its seal over the date


def _render(page: int, dpi: int = 150) -> np.ndarray:
    with pymupdf.open(DEMO) as doc:
        pix = doc[page - 1].get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
        return np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, 3).copy()


@pytest.fixture(scope="module")
def decision_page() -> np.ndarray:
    return _render(3)


@pytest.fixture
def no_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REPLAY_ENV, raising=False)


# -- the real engine, never replayed ----------------------------------------------------------------
@pytest.mark.uncached_ocr
def test_uncached_ocr_smoke(no_replay: None, decision_page: np.ndarray) -> None:
    """The one OCR read the fast suite always does for real: the bundled engine on a rendered scan."""
    assert available_engines()["rapidocr"], "rapidocr and its bundled models are a core dependency"
    engine = get_engine("rapidocr")
    assert not isinstance(engine, ReplayEngine)
    reading = engine.read(decision_page)
    text = "".join(line.text for line in reading.lines).replace(" ", "")
    assert reading.rotation == 0 and len(reading.lines) >= 10
    assert "行政处罚决定书" in text
    assert all(0.3 <= line.confidence <= 1.0 for line in reading.lines)


# -- transparency on the real engine ------------------------------------------------------------
def test_replayed_reading_equals_the_engines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             decision_page: np.ndarray) -> None:
    monkeypatch.setenv(REPLAY_ENV, str(tmp_path))
    engine = get_engine("rapidocr")
    assert isinstance(engine, ReplayEngine) and get_engine("rapidocr") is engine
    first = engine.read(decision_page)  # read and stored
    again = engine.read(decision_page)  # replayed from disk
    assert (engine.misses, engine.hits) == (1, 1)
    assert len(list(tmp_path.rglob("*.json"))) == 1
    direct = engine.engine.read(decision_page)
    assert first.lines and again == first == direct
    assert [ln.bbox for ln in again.lines] == [ln.bbox for ln in direct.lines]  # floats exact


def test_page_analysis_is_the_same_with_and_without_replay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole page reader on a sealed page: the main read and the re-reads under the seal."""
    options = ReadOptions(engine="rapidocr")

    def analyse():  # type: ignore[no-untyped-def]
        with pymupdf.open(DEMO) as doc:
            return PageReader(options).read(doc, 3)

    monkeypatch.delenv(REPLAY_ENV, raising=False)
    plain = analyse()
    monkeypatch.setenv(REPLAY_ENV, str(tmp_path))
    stored = analyse()
    replayed = analyse()
    engine = get_engine("rapidocr")
    assert isinstance(engine, ReplayEngine)
    assert plain.seals, "page 4 of the demo carries a seal"
    assert engine.misses >= 2, "the re-read under the seal goes through the replay too"
    assert engine.hits == engine.misses  # the second pass read nothing afresh
    assert plain.model_dump() == stored.model_dump() == replayed.model_dump()


def test_replay_is_off_unless_asked(no_replay: None) -> None:
    assert not isinstance(get_engine("rapidocr"), ReplayEngine)


# -- the key, on a stand-in engine ------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Settings:
    min_score: float = 0.3
    precision: str = "fp32"


class _CountingEngine:
    """Answers every image with a line giving its mean pixel value; counts real reads."""

    name = "counting"

    def __init__(self, threads: int = 1, model: Path | None = None, runtime: str = "onnxruntime",
                 **settings: object) -> None:
        self.threads = threads
        self.runtime = runtime
        self.model_files = {"rec": model}
        self.settings = _Settings(**settings)  # type: ignore[arg-type]
        self._session = object()  # a live object: not part of the key
        self.reads = 0

    def read(self, image: np.ndarray) -> OcrReading:
        self.reads += 1
        value = float(image.mean())
        return OcrReading(width=image.shape[1], height=image.shape[0],
                          lines=[TextLine(text=f"{value:.6f}", bbox=(0.1, 0.2, 1 / 3, 2 / 3), confidence=0.5)])


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(ocr._FACTORIES, "counting", _CountingEngine)
    monkeypatch.setenv(REPLAY_ENV, str(tmp_path / "replay"))
    yield
    ocr.clear_cache()


def _image(value: int = 200) -> np.ndarray:
    return np.full((40, 60, 3), value, np.uint8)


def test_same_image_is_read_once_across_engine_instances(counting: None) -> None:
    engine = get_engine("counting")
    first = engine.read(_image())
    ocr.clear_cache()  # a new process: a new engine, the same folder
    engine = get_engine("counting")
    assert engine.read(_image()) == first
    assert engine.engine.reads == 0 and engine.hits == 1
    assert engine.read(_image(201)).lines[0].text == "201.000000"  # another image is read
    assert engine.engine.reads == 1


def test_key_follows_options_runtime_and_models_not_threads(counting: None, tmp_path: Path) -> None:
    model = tmp_path / "rec.onnx"
    model.write_bytes(b"x" * 10)
    base = get_engine("counting", model=model)
    image = _image()
    path = base.path_for(image)
    assert get_engine("counting", model=model, threads=4).path_for(image) == path
    assert get_engine("counting", model=model, min_score=0.5).path_for(image) != path
    assert get_engine("counting", model=model, precision="int8").path_for(image) != path
    assert get_engine("counting", model=model, runtime="openvino").path_for(image) != path
    assert get_engine("counting").path_for(image) != path  # another model file
    assert base.path_for(_image(201)) != path
    assert base.path_for(image[:, :30]) != path  # the same bytes count only with the same shape
    key = engine_cache_key(base.engine)
    assert key["model_files"]["rec"]["file"] == "rec.onnx" and key["model_files"]["rec"]["bytes"] == 10
    # Same name and size, other bytes (a model with its weights rounded): another key.
    other = tmp_path / "other" / "rec.onnx"
    other.parent.mkdir()
    other.write_bytes(b"y" * 10)
    assert get_engine("counting", model=other).path_for(image) != path
    assert "threads" not in key and "_session" not in key


def test_engine_defined_key_is_used(counting: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_CountingEngine, "cache_key", lambda self: {"engine": "counting", "v": 2}, raising=False)
    assert engine_cache_key(_CountingEngine()) == {"engine": "counting", "v": 2}


def test_damaged_entry_is_read_again_and_replaced(counting: None) -> None:
    engine = get_engine("counting")
    image = _image()
    engine.read(image)
    path = engine.path_for(image)
    path.write_bytes(b'{"rotation": 0, "wid')  # cut short (a full disk, a killed writer)
    assert engine.read(image).lines[0].text == "200.000000"
    assert engine.engine.reads == 2
    assert OcrReading.model_validate_json(path.read_bytes()).lines[0].text == "200.000000"
    assert not [p for p in path.parent.iterdir() if p.suffix == ".tmp"]  # no temporaries left


def test_other_attributes_reach_the_engine(counting: None) -> None:
    engine = get_engine("counting")
    assert isinstance(engine, ReplayEngine)
    assert engine.runtime == "onnxruntime" and engine.settings == _Settings()


# -- the corpus and read-case cache of tests/conftest.py ------------------------------------------
def test_generated_corpus_is_made_once_and_each_session_gets_a_copy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    import tests.conftest as cache

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    made: list[Path] = []
    real_generate = cache.generate

    def counting_generate(out: Path, *args: object, **kwargs: object) -> object:
        made.append(out)
        return real_generate(out, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "generate", counting_generate)
    options = Options(born_digital_ratio=1.0)
    first = cache.generated_corpus(tmp_path_factory, "tiny", 1, seed=3, options=options)
    (first / "case-3-000.pdf").write_bytes(b"a test scribbling on its copy")
    second = cache.generated_corpus(tmp_path_factory, "tiny", 1, seed=3, options=options)
    assert len(made) == 1 and second != first
    fresh = tmp_path / "fresh"
    real_generate(fresh, 1, seed=3, options=options)
    names = sorted(p.name for p in fresh.iterdir())
    assert names == ["case-3-000.pdf", "case-3-000.truth.json"]
    assert sorted(p.name for p in second.iterdir()) == names
    assert all((second / n).read_bytes() == (fresh / n).read_bytes() for n in names)

    cache.generated_corpus(tmp_path_factory, "tiny", 1, seed=4, options=options)  # another seed
    assert len(made) == 2
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    cache.generated_corpus(tmp_path_factory, "tiny", 1, seed=3, options=options)
    assert len(made) == 3 and made[-1].parent != tmp_path / "cache" / "corpus"


def test_read_cases_are_kept_by_content_and_come_back_equal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    import tests.conftest as cache

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    folder = cache.generated_corpus(tmp_path_factory, "tiny-read", 2, seed=5, options=Options(born_digital_ratio=1.0))
    pdfs = sorted(folder.glob("*.pdf"))
    read: list[Path] = []

    def counting_read(paths: list[Path]) -> list[CaseFile | str]:
        read.extend(paths)
        return read_cases(paths, workers=1)

    fresh = cache.read_corpus(pdfs, counting_read)
    assert read == pdfs and all(isinstance(case, CaseFile) for case in fresh)
    again = cache.read_corpus(pdfs, counting_read)
    assert read == pdfs  # nothing read the second time
    assert again == fresh
    pdfs[1].write_bytes(pdfs[1].read_bytes() + b"\n% another version\n")  # other bytes: read again
    cache.read_corpus(pdfs, counting_read)
    assert read == [*pdfs, pdfs[1]]
