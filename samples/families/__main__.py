"""python -m samples.families OUT --cases N --seed S [--scanned-ratio R] [--start K] [--set a|b]"""

from __future__ import annotations

import argparse
import logging
import random
import sys
from pathlib import Path

from samples.families.build import build_case

log = logging.getLogger("samples.families")


def is_scanned(seed: int, index: int, ratio: float) -> bool:
    return ratio > 0 and random.Random(f"families-scan:{seed}:{index}").random() < ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.families", description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--cases", type=int, default=12)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--start", type=int, default=0, help="index of the first case (to extend a corpus)")
    parser.add_argument("--scanned-ratio", type=float, default=0.0,
                        help="share of cases printed and scanned (image pages, no text layer)")
    parser.add_argument("--set", dest="family_set", choices=("a", "b"), default="a",
                        help="which set of template families: a (the first), b (second layouts, files famb-*)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for index in range(args.start, args.start + args.cases):
        truth = build_case(args.seed, index, args.out, scanned=is_scanned(args.seed, index, args.scanned_ratio),
                           family_set=args.family_set)
        log.info("%s: %d pages, %s, defects %s", truth.file, truth.pages,
                 "born-digital" if truth.born_digital else "scanned", truth.defects or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
