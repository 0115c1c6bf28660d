"""Score `extractors.marks` (seals, signatures) against generated case files with ground truth.

    .venv/bin/python -m scripts.eval_marks /tmp/mset /tmp/mbd [--ocr-cache /tmp/marks_ocr] [--no-signatures]

For every page: seal presence (a truth seal or bank stamp vs a found seal), split colour/grey/
born-digital; for every truth signature mark, whether a found signature overlaps it; found
signatures that overlap no truth ink are false positives. OCR lines (needed for signing labels)
are cached per page, because OCR is far slower than the mark finders measured here.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.ingest import text_layer_lines
from extractors.marks import find_marks_in_pdf_page, find_seals, find_signatures
from extractors.ocr.base import upright
from models.case import Mark, TextLine
from models.truth import PageTruth, Truth

log = logging.getLogger("eval_marks")

DPI = 150
SEAL_KINDS = ("seal", "bank_stamp")
INK_KINDS = ("signature", "handwriting")


def render(page: pymupdf.Page, rotation: int, dpi: int = DPI) -> np.ndarray:
    """The page raster turned upright, RGB uint8."""
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, 3)
    return upright(img, rotation)


class Ocr:
    """Upright OCR lines in points, from the project's engine if present, else RapidOCR."""

    def __init__(self, cache: Path | None, cached_only: bool = False) -> None:
        self.cache = cache
        self.cached_only = cached_only
        self._engine = None
        self._rapid = None
        self.seconds = 0.0
        if cache:
            cache.mkdir(parents=True, exist_ok=True)

    def _read(self, img: np.ndarray) -> list[tuple[str, list[float], float]]:
        if self._engine is None and self._rapid is None:
            try:
                from extractors.ocr import get_engine  # type: ignore[attr-defined]

                self._engine = get_engine()
            except Exception:  # any failure means: use RapidOCR directly
                from rapidocr import RapidOCR

                self._rapid = RapidOCR(params={"Global.log_level": "error"})
        if self._engine is not None:
            reading = self._engine.read(img)
            return [(ln.text, list(ln.bbox), ln.confidence) for ln in reading.lines]
        r = self._rapid(img)
        out: list[tuple[str, list[float], float]] = []
        if r.boxes is None:
            return out
        for box, txt, score in zip(r.boxes, r.txts, r.scores, strict=True):
            b = np.asarray(box)
            out.append((txt, [float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 0].max()),
                              float(b[:, 1].max())], float(score)))
        return out

    def lines(self, key: str, img: np.ndarray, ppp: float) -> list[TextLine] | None:
        path = self.cache / f"{key}.json" if self.cache else None
        if self.cached_only and not (path and path.exists()):
            return None
        if path and path.exists():
            raw = json.loads(path.read_text())
        else:
            t0 = time.perf_counter()
            raw = self._read(img)
            self.seconds += time.perf_counter() - t0
            if path:
                path.write_text(json.dumps(raw, ensure_ascii=False))
        return [TextLine(text=t, bbox=tuple(v * ppp for v in b), confidence=min(1.0, max(0.0, c)))
                for t, b, c in raw]


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Intersection over the smaller box's area."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / max(small, 1e-6)


class Score:
    def __init__(self) -> None:
        self.seal = Counter()  # (group, tp/fp/fn/tn)
        self.sig = Counter()
        # Wall time, and CPU time of this process (a fairer figure on a busy machine).
        # "scan" is find_seals + find_signatures on one scanned page.
        self.times: dict[str, list[float]] = {"seal": [], "sig": [], "scan": [], "pdf": []}
        self.cpu: dict[str, list[float]] = {"seal": [], "sig": [], "scan": [], "pdf": []}
        self.misses: list[str] = []

    def seal_page(self, group: str, truth: PageTruth, found: list[Mark], where: str) -> None:
        want = any(m.kind in SEAL_KINDS for m in truth.marks)
        got = bool(found)
        key = {(True, True): "tp", (False, True): "fp", (True, False): "fn", (False, False): "tn"}[(want, got)]
        self.seal[(group, key)] += 1
        if key in ("fp", "fn"):
            self.misses.append(f"seal {key} {where} {[m.bbox for m in found]}")

    def signatures(self, group: str, truth: PageTruth, found: list[Mark], where: str) -> None:
        sigs = [m for m in truth.marks if m.kind == "signature"]
        ink = [m for m in truth.marks if m.kind in INK_KINDS]
        for m in sigs:
            hit = any(overlap(m.bbox, f.bbox) > 0.3 for f in found)
            self.sig[(group, "tp" if hit else "fn")] += 1
            if not hit:
                self.misses.append(f"sig fn {where} {m.role} {m.text} {[round(v) for v in m.bbox]}")
        for f in found:
            if not any(overlap(f.bbox, m.bbox) > 0.2 for m in ink):
                self.sig[(group, "fp")] += 1
                self.misses.append(f"sig fp {where} {f.label} {[round(v) for v in f.bbox]} {f.confidence:.2f}")

    def report(self) -> None:
        print("seal presence per page")
        groups = sorted({g for g, _ in self.seal})
        for g in [*groups, "all"]:
            c = Counter()
            for (gg, k), n in self.seal.items():
                if g in ("all", gg):
                    c[k] += n
            n = sum(c.values())
            if not n:
                continue
            prec = c["tp"] / max(1, c["tp"] + c["fp"])
            rec = c["tp"] / max(1, c["tp"] + c["fn"])
            acc = (c["tp"] + c["tn"]) / n
            print(f"  {g:<12} pages {n:4d}  tp {c['tp']:3d} fp {c['fp']:3d} fn {c['fn']:3d} tn {c['tn']:4d}  "
                  f"precision {prec:.3f} recall {rec:.3f} right {acc:.3f}")
        if self.sig:
            print("signatures (a truth signature is found when a found one overlaps it; a false positive "
                  "overlaps no truth ink)")
        for g in [*sorted({g for g, _ in self.sig}), "all"]:
            s = Counter()
            for (gg, k), n in self.sig.items():
                if g in ("all", gg):
                    s[k] += n
            if s:
                print(f"  {g:<12} truth {s['tp'] + s['fn']:5d}  found {s['tp']:5d}  recall "
                      f"{s['tp'] / max(1, s['tp'] + s['fn']):.3f}  false positives {s['fp']}")
        for kind, table in (("wall", self.times), ("cpu", self.cpu)):
            for name, ts in table.items():
                if ts:
                    print(f"{kind} time {name}: mean {statistics.mean(ts) * 1000:.1f} ms  p95 "
                          f"{sorted(ts)[int(0.95 * (len(ts) - 1))] * 1000:.1f} ms  max {max(ts) * 1000:.1f} ms "
                          f"over {len(ts)} pages")

    def timed(self, name: str, fn: Callable[..., list[Mark]], *args: object) -> list[Mark]:
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn(*args)
        self.times[name].append(time.perf_counter() - t0)
        self.cpu[name].append(time.process_time() - c0)
        return out


def evaluate(files: list[Path], ocr: Ocr | None, score: Score) -> None:
    for pdf_path in files:
        truth = Truth.model_validate_json(pdf_path.with_suffix(".truth.json").read_text())
        doc = pymupdf.open(pdf_path)
        for info, page in zip(truth.page_info, doc, strict=True):
            where = f"{pdf_path.stem}:{info.page}"
            if info.born_digital:
                lines = text_layer_lines(page)
                marks = score.timed("pdf", find_marks_in_pdf_page, page, lines)
                score.seal_page("born_digital", info, [m for m in marks if m.kind == "seal"], where)
                score.signatures("born_digital", info, [m for m in marks if m.kind == "signature"], where)
                continue
            img = render(page, info.rotation)
            ppp = 72.0 / DPI
            seals = score.timed("seal", find_seals, img, ppp)
            score.seal_page("grey" if info.grayscale else "colour", info, seals, where)
            if ocr is not None:
                lines = ocr.lines(f"{pdf_path.stem}-{info.page}-{DPI}", img, ppp)
                if lines is None:
                    continue
                sigs = score.timed("sig", find_signatures, img, lines, ppp)
                score.signatures("grey" if info.grayscale else "colour", info, sigs, where)
                for table in (score.times, score.cpu):
                    table["scan"].append(table["seal"][-1] + table["sig"][-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path, help="folders (or PDFs) with NAME.pdf + NAME.truth.json")
    ap.add_argument("--ocr-cache", type=Path, default=Path("/tmp/marks_ocr_cache"))
    ap.add_argument("--no-signatures", action="store_true", help="seals only (no OCR needed)")
    ap.add_argument("--cached-only", action="store_true", help="signatures only on pages with cached OCR")
    ap.add_argument("--misses", action="store_true", help="list every miss and false positive")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    files: list[Path] = []
    for d in args.dirs:
        files += [d] if d.suffix == ".pdf" else sorted(d.glob("*.pdf"))
    score = Score()
    evaluate(files, None if args.no_signatures else Ocr(args.ocr_cache, args.cached_only), score)
    if args.misses:
        for m in score.misses:
            print(m)
    score.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
