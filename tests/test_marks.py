"""Seals and signatures found by image analysis (extractors.marks).

Synthetic pages check the detectors' physics (a red ring is a seal, a printed box is not);
generated case files with injected defects check that a signature is found where it was
written and not where it was left out, and that an unsealed decision shows no seal.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest

from extractors import marks
from extractors.ocr.base import upright
from models.case import Mark, TextLine
from models.truth import PageTruth, Truth
from samples import ink
from samples.generate import Options, generate

DPI = 150
PPP = 72.0 / DPI  # points per pixel
PX_PER_MM = DPI / 25.4
FIXED = Path(__file__).resolve().parents[1] / "samples" / "fixed"


def blank_page() -> np.ndarray:
    """An A4 page at 150 dpi: slightly off-white paper, a few lines of black 'print'."""
    img = np.full((1754, 1241, 3), (246, 244, 240), np.uint8)
    for i in range(12):
        y = 200 + 40 * i
        cv2.putText(img, "The quick brown fox jumps over the lazy dog 12345", (120, y),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.9, (25, 25, 25), 2, cv2.LINE_AA)
    return img


def draw_seal(img: np.ndarray, cx: int, cy: int, diameter_mm: float, color: tuple[int, int, int]) -> None:
    """A seal as a stamp prints it: ring, arc of 'characters', a star; multiplied like ink."""
    r = int(diameter_mm / 2 * PX_PER_MM)
    layer = np.zeros(img.shape[:2], np.uint8)
    cv2.circle(layer, (cx, cy), r - 4, 255, 7, cv2.LINE_AA)
    for k in range(12):  # blocky glyphs along the upper arc
        a = math.radians(-160 + 140 * k / 11)
        gx, gy = int(cx + 0.72 * r * math.cos(a)), int(cy + 0.72 * r * math.sin(a))
        cv2.rectangle(layer, (gx - 9, gy - 9), (gx + 9, gy + 9), 255, 3)
    star = np.array([(cx + 0.25 * r * math.cos(math.radians(-90 + 72 * k * 2)),
                      cy + 0.25 * r * math.sin(math.radians(-90 + 72 * k * 2))) for k in range(5)], np.int32)
    cv2.fillPoly(layer, [star], 255)
    a = layer.astype(np.float32)[..., None] / 255.0
    factor = 1.0 - a + a * np.asarray(color, np.float32) / 255.0
    img[:] = np.clip(img.astype(np.float32) * factor, 0, 255).astype(np.uint8)


def centre_mm(mark: Mark) -> tuple[float, float]:
    return ((mark.bbox[0] + mark.bbox[2]) / 2 / 72 * 25.4, (mark.bbox[1] + mark.bbox[3]) / 2 / 72 * 25.4)


def render_page(pdf: Path, index: int, rotation: int = 0) -> np.ndarray:
    with pymupdf.open(pdf) as doc:
        pix = doc[index].get_pixmap(dpi=DPI, colorspace=pymupdf.csRGB, alpha=False)
        img = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, 3).copy()
    return upright(img, rotation)


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def to_grey(img: np.ndarray) -> np.ndarray:
    g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    return np.repeat(g[..., None], 3, axis=2)


# -- synthetic seals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("color", [(205, 30, 40), (230, 120, 130), (180, 40, 90)],
                         ids=["red", "faint-pink", "crimson"])
def test_red_ring_is_a_seal(color: tuple[int, int, int]) -> None:
    img = blank_page()
    draw_seal(img, 800, 500, 42.0, color)
    found = marks.find_seals(img, PPP)
    assert len(found) == 1
    seal = found[0]
    assert seal.kind == "seal" and seal.label is None
    cx, cy = centre_mm(seal)
    assert abs(cx - 800 / PX_PER_MM) < 2.5 and abs(cy - 500 / PX_PER_MM) < 2.5
    width_mm = (seal.bbox[2] - seal.bbox[0]) / 72 * 25.4
    assert 38 < width_mm < 46
    assert seal.confidence >= 0.7


def test_seal_half_off_the_page_is_found() -> None:
    img = blank_page()
    draw_seal(img, img.shape[1] - 60, 900, 42.0, (205, 30, 40))  # a 骑缝章 at the edge
    assert len(marks.find_seals(img, PPP)) == 1


def test_overlapping_seals_are_two() -> None:
    img = blank_page()
    draw_seal(img, 600, 700, 42.0, (205, 30, 40))
    draw_seal(img, 600 + int(30 * PX_PER_MM), 700 + int(8 * PX_PER_MM), 42.0, (200, 40, 60))
    found = marks.find_seals(img, PPP)
    assert len(found) == 2
    assert all(38 < (m.bbox[2] - m.bbox[0]) / 72 * 25.4 < 46 for m in found)


def test_black_print_is_not_a_seal() -> None:
    img = blank_page()
    # A printed box with text in it, seal-sized, and a printed ring: print, not stamps.
    cv2.rectangle(img, (300, 900), (540, 1040), (20, 20, 20), 3)
    cv2.putText(img, "NOTE", (340, 990), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (20, 20, 20), 3)
    cv2.rectangle(img, (700, 900), (900, 1100), (20, 20, 20), -1)  # a filled block
    assert marks.find_seals(img, PPP) == []
    assert marks.find_seals(to_grey(img), PPP) == []


def test_red_fingerprint_and_small_red_marks_are_not_seals() -> None:
    img = blank_page()
    rng = random.Random(3)
    fp = ink.fingerprint(rng, diameter_px=int(18 * PX_PER_MM))
    a = np.asarray(fp, np.float32)[..., 3:4] / 255
    col = np.asarray(fp, np.float32)[..., :3] / 255
    y, x = 1200, 600
    region = img[y:y + fp.height, x:x + fp.width].astype(np.float32)
    img[y:y + fp.height, x:x + fp.width] = np.clip(region * (1 - a + a * col), 0, 255).astype(np.uint8)
    cv2.putText(img, "0012", (1000, 1650), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (190, 35, 45), 2)  # red page number
    assert marks.find_seals(img, PPP) == []


def test_grey_scan_seal_is_a_grey_ring() -> None:
    img = blank_page()
    draw_seal(img, 700, 600, 42.0, (205, 30, 40))
    grey = to_grey(img)
    assert marks.is_grayscale(grey) and not marks.is_grayscale(img)
    found = marks.find_seals(grey, PPP)
    assert len(found) == 1
    cx, cy = centre_mm(found[0])
    assert abs(cx - 700 / PX_PER_MM) < 3 and abs(cy - 600 / PX_PER_MM) < 3


def test_resolution_does_not_matter() -> None:
    img = blank_page()
    draw_seal(img, 800, 500, 40.0, (205, 30, 40))
    big = cv2.resize(img, (img.shape[1] * 2, img.shape[0] * 2), interpolation=cv2.INTER_LINEAR)  # 300 dpi
    a, b = marks.find_seals(img, PPP), marks.find_seals(big, PPP / 2)
    assert len(a) == len(b) == 1
    assert all(abs(u - v) < 6 for u, v in zip(a[0].bbox, b[0].bbox, strict=True))


# -- scanned sample pages --------------------------------------------------------------------------


def _truth(pdf: Path) -> Truth:
    return Truth.model_validate_json(pdf.with_suffix(".truth.json").read_text("utf-8"))


def _pages_with(truth: Truth, want_seal: bool) -> list[PageTruth]:
    return [p for p in truth.page_info
            if not p.blank and any(m.kind in ("seal", "bank_stamp") for m in p.marks) == want_seal]


def test_seal_on_scanned_sample_page() -> None:
    pdf = FIXED / "demo-500-000.pdf"
    truth = _truth(pdf)
    with_seal = _pages_with(truth, True)
    assert with_seal
    for info in with_seal[:3]:
        img = render_page(pdf, info.page - 1, info.rotation)
        want = next(m for m in info.marks if m.kind in ("seal", "bank_stamp"))
        found = marks.find_seals(img, PPP)
        assert any(overlaps(f.bbox, want.bbox) for f in found), f"page {info.page}"
        # The same page scanned in grey keeps a seal.
        assert any(overlaps(f.bbox, want.bbox) for f in marks.find_seals(to_grey(img), PPP)), f"grey {info.page}"


def test_no_seal_on_scanned_pages_without_one() -> None:
    pdf = FIXED / "demo-500-000.pdf"
    truth = _truth(pdf)
    for info in _pages_with(truth, False)[:6]:
        img = render_page(pdf, info.page - 1, info.rotation)
        assert marks.find_seals(img, PPP) == [], f"page {info.page}"


# -- signatures ------------------------------------------------------------------------------------


def test_labels_in_lines() -> None:
    def line(text: str, y: float = 700) -> TextLine:
        return TextLine(text=text, bbox=(72, y, 72 + 12 * len(text), y + 16), confidence=0.99)

    found = {lab.text for ln in ("被询问人签名：", "执法人员（签名）：", "记录人：钱磊飞", "承办人意见", "签名：",
                                 "受送达人签名或盖章")
             for lab in marks.find_labels([line(ln)])}
    assert {"被询问人签名：", "执法人员（签名）：", "记录人：", "承办人意见", "签名：", "受送达人签名或盖章"} <= found
    # Running text is no label: a sentence about signing, a role named mid-sentence.
    for text in ("听证笔录交当事人阅读核对，无误后签名。", "执法人员卢东杰、钱磊飞向被检查人出示了执法证件",
                 "受送达人拒绝签收，已将文书留置于受送达人住所", "问：我们是生态环境局的执法人员"):
        assert marks.find_labels([line(text)]) == [], text


def test_signature_next_to_label_synthetic() -> None:
    """Blue handwriting after 签名： is a signature; the empty zone after the other label is not."""
    img = np.full((1754, 1241, 3), (247, 246, 243), np.uint8)
    rng = random.Random(5)
    sig = ink.signature("王小明", rng, height_px=int(19 / PPP))
    a = np.asarray(sig, np.float32)[..., 3:4] / 255
    col = np.asarray(sig, np.float32)[..., :3] / 255
    x, y = int(160 / PPP), int(695 / PPP)
    region = img[y:y + sig.height, x:x + sig.width].astype(np.float32)
    img[y:y + sig.height, x:x + sig.width] = np.clip(region * (1 - a + a * col), 0, 255).astype(np.uint8)
    # The printed labels (the test stands in for OCR with their boxes).
    lines = [TextLine(text="当事人签名：", bbox=(72, 700, 150, 716), confidence=0.99),
             TextLine(text="记录人签名：", bbox=(72, 760, 150, 776), confidence=0.99),
             TextLine(text="以上笔录共两页，经核对无误。这是一行正文，用来定出正文的字高。", bbox=(72, 600, 500, 616),
                      confidence=0.99)]
    for bbox in ((72, 700, 150, 716), (72, 760, 150, 776)):
        cv2.putText(img, "XXXXXX", (int(bbox[0] / PPP), int(bbox[3] / PPP)), cv2.FONT_HERSHEY_SIMPLEX, 1.0,
                    (20, 20, 20), 2)
    found = marks.find_signatures(img, lines, PPP)
    assert [m.label for m in found] == ["当事人签名："]
    assert found[0].bbox[0] >= 150 - 2 and found[0].bbox[1] < 720
    # Grey scan of the same page: same verdict.
    assert [m.label for m in marks.find_signatures(to_grey(img), lines, PPP)] == ["当事人签名："]


def test_a_red_name_stamp_answers_a_signing_label() -> None:
    """签名或盖章: a small red name stamp in the zone is the signer's mark; an agency seal is not."""
    img = np.full((1754, 1241, 3), (247, 246, 243), np.uint8)
    lines = [TextLine(text="负责人签名或盖章：", bbox=(72, 700, 170, 716), confidence=0.99),
             TextLine(text="记录人签名：", bbox=(72, 760, 150, 776), confidence=0.99),
             TextLine(text="以上笔录共两页，经核对无误。这是一行正文，用来定出正文的字高。", bbox=(72, 600, 500, 616),
                      confidence=0.99)]
    x0, y0 = int(190 / PPP), int(696 / PPP)
    side = int(12 * PX_PER_MM)  # a 12 mm square name stamp, ink multiplied in red
    layer = np.zeros(img.shape[:2], np.uint8)
    cv2.rectangle(layer, (x0, y0), (x0 + side, y0 + side), 255, 4)
    cv2.putText(layer, "WM", (x0 + 10, y0 + side - 20), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 255, 4)
    a = layer.astype(np.float32)[..., None] / 255.0
    img[:] = np.clip(img * (1 - a + a * np.asarray((220, 40, 40), np.float32) / 255.0), 0, 255).astype(np.uint8)
    found = marks.find_signatures(img, lines, PPP)
    assert [m.label for m in found] == ["负责人签名或盖章："]
    # An agency seal pressed over the same row is no one's signature.
    sealed = np.full_like(img, (247, 246, 243))
    draw_seal(sealed, int(260 / PPP), int(708 / PPP), 42, (220, 40, 40))
    assert marks.find_signatures(sealed, lines, PPP) == []


@pytest.fixture(scope="module")
def scanned_defect_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    """One scanned case whose inspection record lacks the party's signature and whose decision
    lacks its seal."""
    out = tmp_path_factory.mktemp("marks-scan")
    generate(out, 1, seed=5, options=Options(
        born_digital_ratio=0.0, defects=("signature.missing.inspection_record", "seal.missing.decision")))
    pdf = next(out.glob("*.pdf"))
    return pdf, _truth(pdf)


@pytest.fixture(scope="module")
def digital_defect_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("marks-digital")
    generate(out, 1, seed=5, options=Options(born_digital_ratio=1.0, defects=("signature.missing.filing_approval",)))
    pdf = next(out.glob("*.pdf"))
    return pdf, _truth(pdf)


def _ocr_lines(img: np.ndarray) -> list[TextLine]:
    from extractors.ocr import get_engine
    from extractors.ocr.base import OcrUnavailable

    try:
        reading = get_engine().read(img)
    except OcrUnavailable as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"no OCR engine: {exc}")
    return [TextLine(text=ln.text, bbox=tuple(v * PPP for v in ln.bbox), confidence=ln.confidence)
            for ln in reading.lines]


def test_unsealed_decision_has_no_seal_sealed_notice_has(scanned_defect_case: tuple[Path, Truth]) -> None:
    pdf, truth = scanned_defect_case
    decision = next(d for d in truth.documents if d.type == "decision")
    assert decision.sealed is False
    for n in range(decision.pages[0], decision.pages[1] + 1):
        info = truth.page_info[n - 1]
        assert marks.find_seals(render_page(pdf, n - 1, info.rotation), PPP) == [], f"page {n}"
    sealed = [p for p in _pages_with(truth, True)][:2]
    for info in sealed:
        assert marks.find_seals(render_page(pdf, info.page - 1, info.rotation), PPP), f"page {info.page}"


def test_signature_found_where_signed_not_where_left_out(scanned_defect_case: tuple[Path, Truth]) -> None:
    pdf, truth = scanned_defect_case
    record = next(d for d in truth.documents if d.type == "inspection_record" and d.signed is False)
    # The record's last page is where the party's signature was left out.
    info = truth.page_info[record.pages[1] - 1]
    img = render_page(pdf, info.page - 1, info.rotation)
    lines = _ocr_lines(img)
    found = marks.find_signatures(img, lines, PPP)
    ink_boxes = [m.bbox for m in info.marks if m.kind in ("signature", "handwriting")]
    signatures = [m for m in info.marks if m.kind == "signature"]
    assert signatures and all(any(overlaps(f.bbox, s.bbox) for f in found) for s in signatures)
    # Nothing is found where nothing was written (the party's empty zone).
    assert all(any(overlaps(f.bbox, b) for b in ink_boxes) for f in found), found
    assert not any(f.label and ("被检查" in f.label or "负责人" in f.label or "当事人" in f.label) for f in found)


def test_born_digital_marks(digital_defect_case: tuple[Path, Truth]) -> None:
    from scripts.eval_marks import text_layer_lines

    pdf, truth = digital_defect_case
    filing = next(d for d in truth.documents if d.type == "filing_approval")
    assert filing.signed is False
    with pymupdf.open(pdf) as doc:
        for info, page in zip(truth.page_info, doc, strict=True):
            found = marks.find_marks_in_pdf_page(page, text_layer_lines(page))
            seals = [m for m in found if m.kind == "seal"]
            want_seal = any(m.kind in ("seal", "bank_stamp") for m in info.marks)
            assert bool(seals) == want_seal, f"page {info.page}"
            ink_boxes = [m.bbox for m in info.marks if m.kind in ("signature", "handwriting")]
            for f in found:
                if f.kind == "signature":
                    assert any(overlaps(f.bbox, b) for b in ink_boxes), f"page {info.page}: {f}"
            if info.page == filing.pages[0]:
                labels = [f.label or "" for f in found if f.kind == "signature"]
                assert labels and not any("审批" in lab or "负责人" in lab for lab in labels), labels
