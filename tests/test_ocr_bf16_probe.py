"""bf16 on a CPU that computes it (AMX / AVX512-BF16): does it read what f32 reads, how much faster?

Issue 20 measured OpenVINO bf16 at 2-3x f32 on such a CPU, but the default precision stays f32
until bf16 is shown to keep the text read. This machine (the developers' 2-core AVX2 box) cannot
run bf16, so the probe runs where CI's CPU can: it reads scanned pages of the bundled demo file
with the same engine in f32 and in bf16, in a process of its own (a runtime that crashes on bf16
is reported, xfailed, not fatal to the suite), and prints, at the end of the test report, the
share of f32's characters bf16 also read and both timings (the figures go into the issue notes). It
asserts only that both readings ran and read text: not a timed test, and no accuracy bar that
would block CI over a precision that is not the default.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pymupdf
import pytest

from extractors.ocr import bf16, runtime

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "samples" / "fixed" / "demo-500-000.pdf"
PAGES = (1, 3, 4, 5, 6, 8, 9, 10)


def _pages() -> list[np.ndarray]:
    images = []
    with pymupdf.open(DEMO) as doc:
        for number in PAGES:
            pix = doc[number - 1].get_pixmap(dpi=150, colorspace=pymupdf.csRGB, alpha=False)
            images.append(np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, 3).copy())
    return images


def _read(engine, images: list[np.ndarray]) -> tuple[list[str], float]:  # type: ignore[no-untyped-def]
    engine.read(images[0])  # warm-up: first inference compiles kernels
    texts, seconds = [], []
    for image in images:
        started = time.process_time()
        reading = engine.read(image)
        seconds.append(time.process_time() - started)
        texts.append("".join("".join(line.text.split()) for line in reading.lines))
    return texts, statistics.median(seconds)


def measure() -> dict[str, object]:
    """Read the probe pages with OpenVINO in f32 and in bf16 (run in a process of its own)."""
    from extractors.ocr.rapid import RapidOcrEngine

    images = _pages()
    f32 = RapidOcrEngine(threads=1, runtime="openvino", device="cpu", precision="f32")
    f32_texts, f32_s = _read(f32, images)
    bf16 = RapidOcrEngine(threads=1, runtime="openvino", device="cpu", precision="bf16")
    bf16_texts, bf16_s = _read(bf16, images)
    return {"f32": f32_texts, "bf16": bf16_texts, "f32_s": f32_s, "bf16_s": bf16_s,
            "f32_label": f32.runtime_label(), "bf16_label": bf16.runtime_label()}


def test_bf16_reads_what_f32_reads(tmp_path: Path, probe_report: list[str]) -> None:
    if not bf16.cpu_has_bf16() or not runtime.openvino_importable():
        pytest.skip("this CPU has no bf16 arithmetic (AMX / AVX512-BF16), or OpenVINO is missing")
    # A process of its own: a runtime that crashes compiling bf16 must not take the suite with it.
    script = "import json; from tests.test_ocr_bf16_probe import measure; print(json.dumps(measure()))"
    env = {**os.environ, runtime.CACHE_ENV: str(tmp_path)}
    env.pop("CASECHECK_OCR_REPLAY", None)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1][:200]
        probe_report.append(f"bf16 probe: the reading process ended with {done.returncode}: {last}")
        pytest.xfail(f"bf16 reading did not complete ({done.returncode}): {last}")
    got = json.loads(done.stdout.strip().splitlines()[-1])
    f32_texts, bf16_texts = got["f32"], got["bf16"]
    assert sum(map(len, f32_texts)) > 1000 and sum(map(len, bf16_texts)) > 1000
    common = sum(sum((Counter(a) & Counter(b)).values()) for a, b in zip(f32_texts, bf16_texts, strict=True))
    agreement = common / sum(map(len, f32_texts))
    extra = 1 - common / sum(map(len, bf16_texts))
    same_pages = sum(a == b for a, b in zip(f32_texts, bf16_texts, strict=True))
    f32_s, bf16_s = got["f32_s"], got["bf16_s"]
    probe_report.append(
        f"bf16 probe ({got['bf16_label']} vs {got['f32_label']}, {len(f32_texts)} scanned pages, 1 thread): "
        f"bf16 read {agreement:.2%} of f32's {sum(map(len, f32_texts))} characters, {extra:.2%} others; "
        f"{same_pages}/{len(f32_texts)} pages identical; engine CPU s/page f32 {f32_s:.3f}, bf16 {bf16_s:.3f} "
        f"({f32_s / max(bf16_s, 1e-9):.2f}x)")
