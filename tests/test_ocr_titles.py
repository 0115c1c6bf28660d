"""After degradation, OCR still reads the title of (nearly) every document's first page.

The title region comes from the truth (turned upright with the truth's rotation: finding the
orientation is the pipeline's job, not this test's); RapidOCR with its bundled PP-OCR models
reads it. A title counts as read when a stretch of the OCR text matches it at ≥ 85%.
"""

from __future__ import annotations

import difflib
import logging
import re
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PIL import Image

from models.truth import Truth

log = logging.getLogger(__name__)


def _norm(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    return text.translate(str.maketrans("()［］", "（）[]"))


def title_read(title: str, ocr_text: str) -> bool:
    title, text = _norm(title), _norm(ocr_text)
    if title in text:
        return True
    n = len(title)
    best = max((difflib.SequenceMatcher(None, title, text[i:i + n]).ratio()
                for i in range(max(1, len(text) - n + 1))), default=0.0)
    return best >= 0.85


def test_title_matcher() -> None:
    assert title_read("行政处罚决定书", "宜春市生态环境局 行政处罚决定 书")
    assert title_read("现场检查（勘察）笔录", "现场检查(勘察)笔录")
    assert not title_read("行政处罚决定书", "送达回证")


@pytest.fixture(scope="module")
def ocr():  # type: ignore[no-untyped-def]
    rapidocr = pytest.importorskip("rapidocr")
    return rapidocr.RapidOCR(params={"Global.log_level": "error"})


def test_ocr_reads_document_titles(scanned_corpus: list[tuple[Path, Truth]], ocr) -> None:  # type: ignore[no-untyped-def]
    total = read = 0
    misses: list[str] = []
    for pdf_path, truth in scanned_corpus:
        with pymupdf.open(pdf_path) as pdf:
            for doc in truth.documents:
                info = truth.page_info[doc.pages[0] - 1]
                if info.blank or info.title_bbox is None or not doc.title:
                    continue
                dpi = info.dpi or 200
                pix = pdf[info.page - 1].get_pixmap(dpi=dpi)
                img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
                if info.rotation:
                    img = img.rotate(-info.rotation, expand=True)  # undo the counter-clockwise feed
                scale = dpi / 72
                x0, y0, x1, y1 = info.title_bbox
                # Generous margins: skew moves the title a few points off its upright box.
                crop = img.crop((max(0, round((x0 - 40) * scale)), max(0, round((y0 - 14) * scale)),
                                 min(img.width, round((x1 + 40) * scale)), min(img.height, round((y1 + 14) * scale))))
                result = ocr(np.asarray(crop))
                text = "".join(result.txts or ())
                total += 1
                if title_read(doc.title, text):
                    read += 1
                else:
                    misses.append(f"{pdf_path.name} p{info.page} {doc.title!r} -> {text!r}")
    rate = read / total
    print(f"\nOCR read {read}/{total} document titles ({rate:.1%})")
    for miss in misses:
        print("  missed:", miss)
    assert total >= 100
    assert rate >= 0.95, misses
