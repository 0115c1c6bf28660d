"""OCR engine layer: orientation, titles, blank backs, engine selection and refusal.

Uses the committed colour scan `samples/fixed/demo-500-000.pdf` (page 3: a decision, upright;
page 7: scanned sideways; page 12: a blank back with show-through) rendered at 150 dpi, the
resolution the reader uses. Pages are turned with np.rot90 to cover every orientation.
"""

from __future__ import annotations

import difflib
import itertools
import re
import time
from pathlib import Path

import numpy as np
import pymupdf
import pytest

from extractors.ocr import OcrReading, OcrUnavailable, available_engines, get_engine, resolve_name
from extractors.ocr.base import upright
from extractors.ocr.common import looks_blank, reading_order, turn_points
from extractors.ocr.paddle import find_models, paddle_problem
from models.case import TextLine
from models.truth import Truth

FIXED = Path(__file__).resolve().parents[1] / "samples" / "fixed"
DEMO = FIXED / "demo-500-000.pdf"


def _render(pdf: Path, page: int, dpi: int = 150) -> np.ndarray:
    with pymupdf.open(pdf) as doc:
        pix = doc[page - 1].get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
        return np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, 3).copy()


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(str.maketrans("()", "（）"))


def _contains(text: str, wanted: str, ratio: float = 0.85) -> bool:
    """`wanted` occurs in `text`, allowing a character or so of OCR error."""
    text, wanted = _norm(text), _norm(wanted)
    if wanted in text:
        return True
    n = len(wanted)
    return any(difflib.SequenceMatcher(None, wanted, text[i:i + n]).ratio() >= ratio
               for i in range(max(1, len(text) - n + 1)))


def _text(reading: OcrReading) -> str:
    return "\n".join(line.text for line in reading.lines)


@pytest.fixture(scope="module")
def truth() -> Truth:
    return Truth.model_validate_json(DEMO.with_name("demo-500-000.truth.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def rapid():  # type: ignore[no-untyped-def]
    if not available_engines()["rapidocr"]:
        pytest.skip("rapidocr or its bundled models are not installed")
    return get_engine("rapidocr")


@pytest.fixture(scope="module")
def decision_page(truth: Truth) -> np.ndarray:
    info = truth.page_info[2]
    assert info.type == "decision" and info.rotation == 0 and not info.blank
    return _render(DEMO, 3)


@pytest.fixture(scope="module")
def decision_reading(rapid, decision_page: np.ndarray) -> OcrReading:  # type: ignore[no-untyped-def]
    return rapid.read(decision_page)


# -- pure helpers -------------------------------------------------------------------------------
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_turn_points_follow_upright(rotation: int) -> None:
    """A point of the scan lands where `upright` puts that pixel."""
    scan = np.zeros((30, 50), np.uint8)
    scan[7, 11] = 255  # row 7, column 11: pixel centre (11.5, 7.5)
    up = upright(scan, rotation)
    (row,), (col,) = np.nonzero(up)
    x, y = turn_points(np.array([[11.5, 7.5]]), rotation, 50, 30)[0]
    assert (x, y) == pytest.approx((col + 0.5, row + 0.5))


def test_reading_order_rows_then_columns() -> None:
    def line(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
        return TextLine(text=text, bbox=(x0, y0, x1, y1), confidence=0.9)

    lines = [line("c", 300, 52, 400, 80), line("d", 10, 100, 200, 128), line("a", 10, 10, 400, 38),
             line("b", 10, 50, 200, 78)]
    assert [ln.text for ln in reading_order(lines)] == ["a", "b", "c", "d"]


# -- rapidocr -----------------------------------------------------------------------------------
@pytest.mark.parametrize("turn", [0, 1, 2, 3])
def test_rapidocr_finds_orientation_and_reads_title(rapid, decision_page: np.ndarray, decision_reading: OcrReading,  # type: ignore[no-untyped-def]
                                                    turn: int) -> None:
    scan = np.ascontiguousarray(np.rot90(decision_page, turn))  # turned counter-clockwise 90*turn
    reading = rapid.read(scan) if turn else decision_reading
    assert reading.rotation == 90 * turn
    assert (reading.width, reading.height) == (decision_page.shape[1], decision_page.shape[0])
    assert _contains(_text(reading), "行政处罚决定书")
    assert _contains(_text(reading), "宿迁市生态环境局泗洪分局")


def test_rapidocr_lines_are_sane(decision_reading: OcrReading) -> None:
    reading = decision_reading
    assert len(reading.lines) >= 20
    for line in reading.lines:
        x0, y0, x1, y1 = line.bbox
        assert 0 <= x0 < x1 <= reading.width and 0 <= y0 < y1 <= reading.height
        assert 0.0 <= line.confidence <= 1.0 and line.text.strip()
    # Reading order: the title comes before the body, and rows go down the page.
    titles = [i for i, ln in enumerate(reading.lines) if _contains(ln.text, "行政处罚决定书")]
    assert titles and titles[0] < 5
    centres = [ln.center[1] for ln in reading.lines]
    assert sum(b < a - 20 for a, b in itertools.pairwise(centres)) <= 1


def test_rapidocr_reads_a_real_sideways_scan(rapid, truth: Truth) -> None:  # type: ignore[no-untyped-def]
    info = truth.page_info[6]
    assert info.rotation == 90
    reading = rapid.read(_render(DEMO, 7))
    assert reading.rotation == info.rotation
    assert reading.width < reading.height  # an upright A4 page
    title = truth.documents[[d.pages[0] for d in truth.documents].index(7)].title
    assert _contains(_text(reading), title)


def test_recogniser_settles_orientation_when_classifier_is_unsure(
        rapid, decision_page: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """With the classifier's margin out of reach, the recogniser-vote fallback must decide alone."""
    import dataclasses

    engine = rapid
    monkeypatch.setattr(engine, "settings", dataclasses.replace(engine.settings, cls_margin=1.01))
    for turn in (2,):  # upside down: the case the classifier exists for
        scan = np.ascontiguousarray(np.rot90(decision_page, turn))
        bgr = np.ascontiguousarray(scan[:, :, ::-1])
        assert engine.orientation(bgr, engine.det(bgr)) == 90 * turn


def _sealed_closing_page(rotation: int = 0) -> np.ndarray:
    """An A4 page at 150 dpi holding only a closing (agency, date) under a red seal and a page
    number, like the last page of a decision: the sparse page whose seal once turned it sideways."""
    import io
    import random

    from PIL import Image, ImageDraw, ImageFont

    from samples.families.ink import round_seal
    from samples.fonts import face_file

    page = Image.new("RGB", (1241, 1754), (246, 244, 238))
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(face_file("song")), 34)
    draw.text((760, 250), "常德市生态环境局澧县分局", font=font, fill=(25, 25, 25))
    draw.text((880, 300), "2021年8月5日", font=font, fill=(25, 25, 25))
    draw.text((1140, 1660), "2", font=font, fill=(25, 25, 25))
    seal = Image.open(io.BytesIO(round_seal("常德市生态环境局澧县分局", random.Random(3)))).convert("RGBA")
    seal = seal.resize((250, 250))
    page.paste(seal, (880, 170), seal)
    return np.ascontiguousarray(np.rot90(np.asarray(page), rotation // 90))


@pytest.mark.parametrize("rotation", [0, 180])
def test_a_sparse_closing_under_a_seal_reads_upright_and_whole(rapid, rotation: int) -> None:  # type: ignore[no-untyped-def]
    """The seal hid the closing from the detector; its ring text then outvoted the page number
    and the page was read as sideways (fam-16-003 p4: a false 未见成文日期 on a dated decision)."""
    reading = rapid.read(_sealed_closing_page(rotation))
    assert reading.rotation == rotation
    # The closing's two lines are found (read whole by the page reader's re-read without the seal).
    assert any(ln.text.startswith("2021年8月") for ln in reading.lines)
    assert any(ln.text.startswith("常德市") for ln in reading.lines)


def test_red_ink_is_taken_out_only_where_a_page_has_it() -> None:
    from extractors.ocr.rapid import _without_red_ink

    sealed = np.ascontiguousarray(_sealed_closing_page()[:, :, ::-1])  # BGR, as the engine holds it
    plane = _without_red_ink(sealed)
    assert plane is not None and plane.shape == sealed.shape
    seal_centre = plane[300, 1000]  # inside the seal's ring, off the print: paper-light now
    assert seal_centre.min() > 200 and sealed[300, 1000].min() < 150
    assert _without_red_ink(np.full((1754, 1241, 3), 240, np.uint8)) is None
    assert _without_red_ink(np.ascontiguousarray(_render(DEMO, 12)[:, :, ::-1])) is None  # a grey back


def test_a_sparse_closing_under_a_seal_gives_the_page_reader_its_date(rapid, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from extractors.ingest import PageReader, ReadOptions
    from lexicon.dates import parse_date

    image = _sealed_closing_page()
    pdf = tmp_path / "closing.pdf"
    with pymupdf.open() as doc:
        page = doc.new_page(width=595.3, height=841.9)
        pix = pymupdf.Pixmap(pymupdf.csRGB, image.shape[1], image.shape[0], image.tobytes(), False)
        page.insert_image(page.rect, pixmap=pix)
        doc.save(pdf)
    with pymupdf.open(pdf) as doc:
        analysis = PageReader(ReadOptions()).read(doc, 0)
    assert analysis.text.rotation == 0 and analysis.seals
    dates = [d for ln in analysis.text.lines if (d := parse_date(ln.text))]
    assert [str(d) for d in dates] == ["2021-08-05"]
    assert any(_contains(ln.text, "生态环境局") for ln in analysis.text.lines)


def test_lone_digits_are_read(rapid, truth: Truth) -> None:  # type: ignore[no-untyped-def]
    """The table of contents numbers its rows 1, 2, 3...: narrow single digits must survive."""
    assert truth.page_info[1].type == "toc"
    reading = rapid.read(_render(DEMO, 2))
    left = [ln.text for ln in reading.lines if ln.x1 < reading.width * 0.15]
    assert {"1", "2", "3", "4"} <= set(left)


def test_blank_back_gives_no_lines_quickly(rapid, truth: Truth) -> None:  # type: ignore[no-untyped-def]
    assert truth.page_info[11].blank
    image = _render(DEMO, 12)
    assert looks_blank(image)
    started = time.perf_counter()
    reading = rapid.read(image)
    assert time.perf_counter() - started < 0.5
    assert reading.lines == [] and reading.rotation == 0
    assert (reading.width, reading.height) == (image.shape[1], image.shape[0])


def test_text_pages_are_not_blank(truth: Truth) -> None:
    sparse = _render(DEMO, 4)  # the decision's second page: a short closing block
    assert not truth.page_info[3].blank and not looks_blank(sparse)


# -- selection ----------------------------------------------------------------------------------
def test_get_engine_caches_and_reads_env(monkeypatch: pytest.MonkeyPatch, rapid) -> None:  # type: ignore[no-untyped-def]
    assert get_engine("rapidocr") is rapid
    monkeypatch.setenv("CASECHECK_OCR_ENGINE", "rapid")
    assert get_engine() is rapid
    monkeypatch.delenv("CASECHECK_OCR_ENGINE")
    assert resolve_name() == "rapidocr"


def test_unknown_engine_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(OcrUnavailable, match=r"unknown OCR engine 'easyocr'.*rapidocr, tesseract, paddleocr"):
        get_engine("easyocr")
    monkeypatch.setenv("CASECHECK_OCR_ENGINE", "nosuch")
    with pytest.raises(OcrUnavailable, match="nosuch"):
        get_engine()


def test_unavailable_paddle_is_refused_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASECHECK_PADDLE_MODEL_DIR", str(tmp_path))
    monkeypatch.setenv("PADDLE_PDX_CACHE_HOME", str(tmp_path / "pdx"))
    problem = paddle_problem()
    assert problem is not None and "\n" not in problem
    assert available_engines()["paddleocr"] is False
    with pytest.raises(OcrUnavailable) as caught:
        get_engine("paddleocr")
    assert str(caught.value) == problem


def test_paddle_model_folders_are_found_without_paddle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PADDLE_PDX_CACHE_HOME", str(tmp_path / "pdx"))
    for name in ("PP-OCRv5_server_det", "PP-OCRv5_mobile_rec", "PP-LCNet_x1_0_doc_ori", "PP-OCRv5_mobile_det"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "inference.yml").write_text("Global: {}\n")
    models = find_models(tmp_path)
    assert models["det"].name == "PP-OCRv5_mobile_det"  # mobile preferred on CPU
    assert models["rec"].name == "PP-OCRv5_mobile_rec"
    assert models["doc_ori"].name == "PP-LCNet_x1_0_doc_ori"


# -- tesseract ----------------------------------------------------------------------------------
def test_tesseract_reads_a_title(decision_page: np.ndarray) -> None:
    if not available_engines()["tesseract"]:
        pytest.skip("tesseract or its chi_sim language data is not installed")
    engine = get_engine("tesseract")
    top = np.ascontiguousarray(decision_page[: decision_page.shape[0] // 3])  # title block: faster
    reading = engine.read(np.ascontiguousarray(np.rot90(top, 2)))
    assert reading.rotation == 180
    assert _contains(_text(reading), "行政处罚决定书", ratio=0.7)
    assert all(0.0 <= ln.confidence <= 1.0 for ln in reading.lines)


def test_paddle_engine_against_a_stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          decision_page: np.ndarray) -> None:
    """The PaddleOCR 3.x glue (arguments, result fields, orientation) with a stand-in `paddleocr`.

    The real package is not installed here; this pins down what the engine sends and how it reads
    `predict()` results: dict-like, numpy arrays for scores/polygons, and the doc preprocessor's
    upright copy of the page.
    """
    import importlib.machinery
    import sys
    import types

    seen: dict[str, object] = {}

    class FakePaddleOCR:
        def __init__(self, **kwargs: object) -> None:
            seen.update(kwargs)

        def predict(self, image: np.ndarray) -> list[dict[str, object]]:
            page = upright(image, 90)  # "the doc orientation model" turns the sideways scan back
            return [{
                "doc_preprocessor_res": {"angle": 270, "output_img": page},
                "rec_texts": ["行政处罚决定书", "", "低分"],
                "rec_scores": np.array([0.98, 0.9, 0.1]),
                "rec_polys": np.array([[[400, 150], [800, 150], [800, 200], [400, 200]],
                                       [[0, 0], [5, 0], [5, 5], [0, 5]],
                                       [[10, 10], [50, 10], [50, 30], [10, 30]]], dtype=np.int16),
            }]

    for name in ("paddleocr", "paddle"):
        module = types.ModuleType(name)
        module.__spec__ = importlib.machinery.ModuleSpec(name, None)
        monkeypatch.setitem(sys.modules, name, module)
    sys.modules["paddleocr"].PaddleOCR = FakePaddleOCR  # type: ignore[attr-defined]
    for name in ("PP-OCRv5_mobile_det", "PP-OCRv5_mobile_rec", "PP-LCNet_x1_0_doc_ori"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "inference.yml").write_text("Global: {}\n")
    monkeypatch.setenv("CASECHECK_PADDLE_MODEL_DIR", str(tmp_path))
    assert available_engines()["paddleocr"] is True

    from extractors.ocr.paddle import PaddleEngine

    engine = PaddleEngine(threads=1)
    assert seen["text_detection_model_dir"] == str(tmp_path / "PP-OCRv5_mobile_det")
    assert seen["use_doc_orientation_classify"] is True and seen["use_doc_unwarping"] is False
    reading = engine.read(np.ascontiguousarray(np.rot90(decision_page, 1)))
    assert reading.rotation == 90
    assert (reading.width, reading.height) == (decision_page.shape[1], decision_page.shape[0])
    assert [ln.text for ln in reading.lines] == ["行政处罚决定书"]
    assert reading.lines[0].bbox == (400.0, 150.0, 800.0, 200.0)
