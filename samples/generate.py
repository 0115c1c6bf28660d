"""Generate realistic scanned case files with ground truth.

    python -m samples.generate --out DIR --cases N --seed S

writes NAME.pdf and NAME.truth.json for each case. The same seed gives the same files.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from samples.assemble import assemble
from samples.casegen import make_case
from samples.defects import ALL_CODES, compatible, inject
from samples.render import check_fonts, render_born_digital, render_scanned
from samples.truth import build_truth

log = logging.getLogger("samples.generate")


@dataclass(frozen=True)
class Options:
    born_digital_ratio: float = 0.2
    clean_ratio: float = 0.25
    severity: tuple[float, float] = (0.15, 0.75)
    dpi: int | None = None
    defects: tuple[str, ...] | None = None  # force these codes on every case ("" = clean)
    max_jpeg_quality: int | None = None  # cap, for small committed demo files
    # Codes wanted per defective file: None draws one or two (mostly two); an int asks that many,
    # so a small corpus can carry every code several times (the checkers' end-to-end suite).
    codes_per_file: int | None = None
    grayscale: bool | None = None  # force grey or colour scans (None: drawn, about 20% grey)


def case_seed(seed: int, index: int) -> int:
    # Independent of how many cases are asked for and of worker scheduling.
    return random.Random(f"casecheck-{seed}-{index}").getrandbits(48)


def defect_plan(seed: int, cases: int, options: Options) -> list[list[str]]:
    """Codes per case: every code appears once per cycle, a quarter of the files stay clean.

    With `codes_per_file` set, each defective file takes that many mutually compatible codes,
    the least used first, so every code is spread as evenly as the touch-sets allow.
    """
    if options.defects is not None:
        return [list(options.defects)] * cases
    rng = random.Random(f"defects-{seed}")
    cycle: list[str] = []
    used = dict.fromkeys(ALL_CODES, 0)
    plans: list[list[str]] = []
    for _ in range(cases):
        if rng.random() < options.clean_ratio:
            plans.append([])
            continue
        wanted: list[str] = []
        if options.codes_per_file:
            ranked = sorted(ALL_CODES, key=lambda c: (used[c], rng.random()))
            for code in ranked:
                if len(wanted) == options.codes_per_file:
                    break
                if compatible(code, wanted):
                    wanted.append(code)
                    used[code] += 1
            plans.append(wanted)
            continue
        for _ in range(2 if rng.random() < 0.6 else 1):
            if not cycle:
                cycle = list(ALL_CODES)
                rng.shuffle(cycle)
            fits = [c for c in reversed(cycle) if compatible(c, wanted)]
            if fits:
                cycle.remove(fits[0])
                wanted.append(fits[0])
        plans.append(wanted)
    return plans


def generate_case(out: Path, name: str, seed: int, codes: list[str], options: Options) -> tuple[str, int, list[str]]:
    # A case drawn without what a code needs (e.g. a hearing, whose discussion record is itself an
    # internal approval) is redrawn, deterministically, until every asked-for code fits.
    for attempt in range(50):
        rng = random.Random(seed if attempt == 0 else f"{seed}-{attempt}")
        spec = make_case(rng, name, seed)
        spec.style.born_digital = rng.random() < options.born_digital_ratio
        if spec.style.born_digital:
            # Born-digital files embed fonts; only TrueType faces subset (see samples.fonts).
            spec.style.body_face = rng.choice(("ming", "kai", "ming"))
            spec.style.title_face = rng.choice(("zenhei", "ming"))
        applied = inject(spec, codes, rng)
        if len(applied) == len(codes):
            break
    else:
        log.warning("%s: %s did not fit any drawn case", name, ", ".join(set(codes) - set(applied)))
    assembly = assemble(spec, rng, blank_backs=not spec.style.born_digital)
    corner = spec.style.numbered_at
    if spec.style.born_digital:
        pdf, rendered = render_born_digital(assembly.pages, assembly.archive_numbers, corner, rng)
    else:
        severity = rng.uniform(*options.severity)
        pdf, rendered = render_scanned(assembly.pages, assembly.archive_numbers, corner, rng,
                                       severity=severity, dpi=options.dpi, max_quality=options.max_jpeg_quality,
                                       grayscale=options.grayscale)
    truth = build_truth(assembly, rendered, file=f"{name}.pdf", pdf=pdf)
    _write_atomic(out / f"{name}.pdf", pdf)
    _write_atomic(out / f"{name}.truth.json", truth.to_json().encode("utf-8"))
    return name, truth.pages, applied


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def generate(out: Path, cases: int, seed: int, options: Options = Options(), *, workers: int = 1,
             prefix: str = "case", plans: list[list[str]] | None = None) -> list[tuple[str, int, list[str]]]:
    """Write `cases` files into `out`; `plans` (codes per case) overrides the drawn defect mix."""
    out.mkdir(parents=True, exist_ok=True)
    check_fonts()
    plans = plans or defect_plan(seed, cases, options)
    jobs = [(out, f"{prefix}-{seed}-{i:03d}", case_seed(seed, i), plans[i], options) for i in range(cases)]
    results: list[tuple[str, int, list[str]]] = []
    started = time.monotonic()
    if workers <= 1:
        for i, job in enumerate(jobs, 1):
            results.append(generate_case(*job))
            _progress(i, cases, started)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, result in enumerate(pool.map(generate_case, *zip(*jobs, strict=True)), 1):
                results.append(result)
                _progress(i, cases, started)
    return results


def _progress(done: int, total: int, started: float) -> None:
    if not sys.stderr.isatty():
        log.info("generated %d/%d case files", done, total)
        return
    rate = (time.monotonic() - started) / done
    bar = "#" * (30 * done // total)
    sys.stderr.write(f"\r[{bar:<30}] {done}/{total} files, ETA {rate * (total - done):.0f} s")
    if done == total:
        sys.stderr.write("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for NAME.pdf and NAME.truth.json")
    parser.add_argument("--cases", type=int, required=True, help="how many case files")
    parser.add_argument("--seed", type=int, required=True, help="the same seed gives the same files")
    parser.add_argument("--workers", type=int, default=1, help="parallel processes (default 1)")
    parser.add_argument("--born-digital", type=float, default=0.2, metavar="RATIO",
                        help="share of files with a text layer instead of scanned images (default 0.2)")
    parser.add_argument("--clean", type=float, default=0.25, metavar="RATIO",
                        help="share of files with no defect (default 0.25)")
    parser.add_argument("--defects", default=None, metavar="CODES",
                        help="comma-separated finding codes forced on every file ('' for clean files); "
                             f"known: {', '.join(ALL_CODES)}")
    parser.add_argument("--codes-per-file", type=int, default=None, metavar="N",
                        help="codes per defective file, least used first (default: one or two, drawn)")
    parser.add_argument("--dpi", type=int, default=None, help="scan resolution (default: 150 or 200, drawn)")
    parser.add_argument("--prefix", default="case", help="file name prefix (default: case)")
    parser.add_argument("--max-jpeg-quality", type=int, default=None, metavar="Q",
                        help="cap the scans' JPEG quality (smaller files)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    forced = None
    if args.defects is not None:
        forced = tuple(c for c in args.defects.split(",") if c)
        unknown = [c for c in forced if c not in ALL_CODES]
        if unknown:
            parser.error(f"unknown finding code(s): {', '.join(unknown)}")
    options = Options(born_digital_ratio=args.born_digital, clean_ratio=args.clean, dpi=args.dpi, defects=forced,
                      max_jpeg_quality=args.max_jpeg_quality, codes_per_file=args.codes_per_file)
    results = generate(args.out, args.cases, args.seed, options, workers=args.workers, prefix=args.prefix)
    for name, pages, codes in results:
        print(f"{args.out / name}.pdf\t{pages} pages\t{','.join(codes) or 'clean'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
