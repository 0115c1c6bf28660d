"""Benchmark the OCR engines on generated scanned case files: speed, orientation, character accuracy.

    .venv/bin/python scripts/bench_ocr.py                          # rapidocr, 40 pages, 2 runs
    .venv/bin/python scripts/bench_ocr.py --engines rapidocr,tesseract --pages 12 --runs 1
    .venv/bin/python scripts/bench_ocr.py --turns 24               # + orientation on 24 pages x 4 turns
    .venv/bin/python scripts/bench_ocr.py --runtime openvino,onnxruntime --precision f32,bf16
                                                                   # rapidocr per runtime x precision

The set is generated once into --out (scanned only) with the printed text of every page kept in
a `<name>.text.json` sidecar, so recognition can be scored: character recall / precision are
multiset overlaps of the page's printed characters (NFKC, no whitespace) with what was read.
Handwriting, seals and stamped page numbers are not in the printed text, so precision < 1 is normal.

Seconds are per page: wall clock and process CPU time (the CPU figure is the steadier one on a
shared machine). The median over pages is taken per run, then the median over runs is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.truth import Truth


@dataclass
class Page:
    pdf: str
    number: int
    rotation: int
    blank: bool
    dpi: int | None
    text: str  # printed characters of the page (layout Text ops), whitespace removed
    image: np.ndarray | None = field(default=None, repr=False)


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def generate_set(out: Path, cases: int, seed: int) -> None:
    """Scanned case files plus a `.text.json` sidecar holding each page's printed text."""
    import samples.generate as gen

    captured: dict[int, list[str]] = {}
    original = gen.render_scanned

    def capture(layouts, numbers, corner, rng, **kwargs):  # type: ignore[no-untyped-def]
        texts = ["".join(op.text for op in layout.ops if type(op).__name__ == "Text") for layout in layouts]
        captured[len(captured)] = texts
        return original(layouts, numbers, corner, rng, **kwargs)

    gen.render_scanned = capture  # type: ignore[assignment]
    try:
        results = gen.generate(out, cases, seed, gen.Options(born_digital_ratio=0.0), workers=1)
    finally:
        gen.render_scanned = original  # type: ignore[assignment]
    for i, (name, _pages, _codes) in enumerate(results):
        (out / f"{name}.text.json").write_text(json.dumps(captured[i], ensure_ascii=False), "utf-8")


def load_pages(folder: Path, dpi: int) -> list[Page]:
    pages: list[Page] = []
    for truth_path in sorted(folder.glob("*.truth.json")):
        truth = Truth.model_validate_json(truth_path.read_text("utf-8"))
        pdf_path = truth_path.with_name(truth.file)
        text_path = truth_path.with_name(truth.file.replace(".pdf", ".text.json"))
        texts = json.loads(text_path.read_text("utf-8")) if text_path.exists() else [""] * truth.pages
        with pymupdf.open(pdf_path) as doc:
            for info, page in zip(truth.page_info, doc, strict=True):
                if info.born_digital:
                    continue
                pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
                image = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, 3).copy()
                pages.append(Page(truth.file, info.page, info.rotation, info.blank, info.dpi,
                                  _norm(texts[info.page - 1]), image))
    return pages


def char_scores(truth: str, read: str) -> tuple[float, float]:
    """(recall, precision) of the multiset of characters read against the printed ones."""
    t, r = Counter(truth), Counter(read)
    common = sum((t & r).values())
    return (common / max(1, sum(t.values())), common / max(1, sum(r.values())))


def pick(pages: list[Page], count: int) -> list[Page]:
    """`count` pages spread evenly over the set, blank backs and turned scans included as they come."""
    if count >= len(pages):
        return pages
    step = len(pages) / count
    return [pages[int(i * step)] for i in range(count)]


class RapidOcrAsIs:
    """Plain `rapidocr.RapidOCR` with the given params, for comparison (no page orientation)."""

    def __init__(self, name: str, params: dict[str, object]) -> None:
        from rapidocr import RapidOCR

        self.name = name
        self.ocr = RapidOCR(params={"Global.log_level": "error", **params})

    def read(self, image: np.ndarray):  # type: ignore[no-untyped-def]
        from extractors.ocr import OcrReading
        from models.case import TextLine

        out = self.ocr(np.ascontiguousarray(image[:, :, ::-1]))
        lines = []
        if getattr(out, "txts", None):
            for box, text, score in zip(out.boxes, out.txts, out.scores, strict=True):
                xs, ys = [p[0] for p in box], [p[1] for p in box]
                lines.append(TextLine(text=text, bbox=(min(xs), min(ys), max(xs), max(ys)),
                                      confidence=min(1.0, max(0.0, float(score)))))
        return OcrReading(rotation=0, width=image.shape[1], height=image.shape[0], lines=lines)


BASELINES: dict[str, dict[str, object]] = {
    "rapidocr-as-is": {},
    "rapidocr-as-is-fast": {"Global.use_cls": False, "Det.limit_type": "max", "Det.limit_side_len": 1024},
}


def make_engine(name: str, threads: int | None):  # type: ignore[no-untyped-def]
    # "rapidocr@openvino/bf16": the rapidocr engine on that runtime and precision.
    name, _, variant = name.partition("@")
    if variant:
        runtime, _, precision = variant.partition("/")
        from extractors.ocr.rapid import RapidOcrEngine

        return RapidOcrEngine(threads=threads, runtime=runtime, precision=precision or None)
    if name in BASELINES:
        params = dict(BASELINES[name])
        if threads:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
        return RapidOcrAsIs(name, params)
    from extractors.ocr import get_engine

    return get_engine(name, **({"threads": threads} if threads and name == "rapidocr" else {}))


def bench_engine(name: str, pages: list[Page], runs: int, threads: int | None) -> dict[str, object]:
    started = time.perf_counter()
    engine = make_engine(name, threads)
    load_s = time.perf_counter() - started
    engine.read(pages[0].image)  # warm-up: first inference allocates
    wall_runs, cpu_runs = [], []
    rotation_ok = rotation_total = blank_ok = blank_total = 0
    recalls, precisions = [], []
    for run in range(runs):
        walls, cpus = [], []
        for page in pages:
            t0, c0 = time.perf_counter(), time.process_time()
            reading = engine.read(page.image)
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
            if run:
                continue
            text = _norm("".join(line.text for line in reading.lines))
            if page.blank:
                blank_total += 1
                blank_ok += int(not reading.lines)
            else:
                rotation_total += 1
                rotation_ok += int(reading.rotation == page.rotation)
                if page.text:
                    rec, prec = char_scores(page.text, text)
                    recalls.append(rec)
                    precisions.append(prec)
        wall_runs.append(statistics.median(walls))
        cpu_runs.append(statistics.median(cpus))
    label = getattr(engine, "runtime_label", None)
    return {
        "engine": f"{name} [{label()}]" if callable(label) and "@" in name else name,
        "pages": len(pages), "load_s": load_s,
        "wall_s": statistics.median(wall_runs), "cpu_s": statistics.median(cpu_runs),
        "wall_mean_s": statistics.mean(wall_runs),
        "rotation": f"{rotation_ok}/{rotation_total}", "blank": f"{blank_ok}/{blank_total}",
        "recall": statistics.mean(recalls) if recalls else float("nan"),
        "precision": statistics.mean(precisions) if precisions else float("nan"),
    }


def bench_turns(name: str, pages: list[Page], threads: int | None) -> tuple[int, int, list[str]]:
    """Orientation on text pages turned by 0/90/180/270 on top of their scan rotation."""
    engine = make_engine(name, threads)
    ok = total = 0
    misses: list[str] = []
    for page in pages:
        for k in range(4):
            image = np.ascontiguousarray(np.rot90(page.image, k))  # np.rot90 turns counter-clockwise
            expected = (page.rotation + 90 * k) % 360
            got = engine.read(image).rotation
            total += 1
            ok += int(got == expected)
            if got != expected:
                misses.append(f"{page.pdf} p{page.number} +{90 * k}: got {got}, want {expected}")
    return ok, total, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/tmp/casecheck-ocrbench"))
    parser.add_argument("--cases", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pages", type=int, default=40, help="scanned pages timed (spread over the set)")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--dpi", type=int, default=150, help="render resolution handed to the engine")
    parser.add_argument("--engines", default="rapidocr",
                        help=f"comma-separated: rapidocr, tesseract, paddleocr, {', '.join(BASELINES)}")
    parser.add_argument("--runtime", default="", help="rapidocr on each of these runtimes (openvino, onnxruntime)")
    parser.add_argument("--precision", default="", help="... and each of these precisions (f32, bf16, det=bf16)")
    parser.add_argument("--threads", type=int, default=0, help="inference threads (0: CASECHECK_OCR_THREADS or all cores)")
    parser.add_argument("--turns", type=int, default=0, help="also test orientation on N text pages x 4 turns")
    args = parser.parse_args()

    if not any(args.out.glob("*.text.json")):
        print(f"generating {args.cases} scanned case files into {args.out} ...", flush=True)
        generate_set(args.out, args.cases, args.seed)
    pages = load_pages(args.out, args.dpi)
    chosen = pick(pages, args.pages)
    text_pages = [p for p in pages if not p.blank]
    print(f"{len(pages)} scanned pages in {args.out}; timing {len(chosen)} "
          f"({sum(p.blank for p in chosen)} blank, {sum(p.rotation != 0 for p in chosen)} turned), "
          f"{args.runs} run(s), {args.dpi} dpi, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")

    rows = []
    names = [n.strip() for n in args.engines.split(",") if n.strip()]
    if args.runtime:
        names = [f"rapidocr@{rt.strip()}" + (f"/{pr.strip()}" if pr.strip() else "")
                 for rt in args.runtime.split(",") for pr in (args.precision.split(",") if args.precision else [""])]
    for name in names:
        rows.append(bench_engine(name, chosen, args.runs, args.threads or None))
        row = rows[-1]
        all_rot = sum(1 for p in text_pages if p.rotation)
        print(f"  {name}: done ({all_rot} turned text pages in the whole set)", flush=True)
        if args.turns:
            ok, total, misses = bench_turns(name, pick(text_pages, args.turns), args.threads or None)
            row["turns"] = f"{ok}/{total}"
            for miss in misses:
                print(f"    orientation miss: {miss}")

    header = (f"{'engine':<28} {'pages':>5} {'load s':>7} {'wall s/pg':>9} {'cpu s/pg':>8} "
              f"{'rotation':>9} {'turns':>9} {'blank':>6} {'recall':>7} {'precision':>9}")
    print()
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['engine']:<28} {r['pages']:>5} {r['load_s']:>7.2f} {r['wall_s']:>9.3f} {r['cpu_s']:>8.3f} "
              f"{r['rotation']:>9} {r.get('turns', '-'):>9} {r['blank']:>6} {r['recall']:>7.3f} {r['precision']:>9.3f}")
    print(f"\nload average now {os.getloadavg()[0]:.1f} (wall times grow with other load on the machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
