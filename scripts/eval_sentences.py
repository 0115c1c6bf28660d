"""Score the sentence reading (lexicon.sentences.classify) on the real published sentences of
tests/data/real_texts/sentences.jsonl (labelled by someone who had not read the code).

    python scripts/eval_sentences.py [--misses] [--split held-out|all]

A sentence's label is its `class` plus any `also`; a class is predicted when `classify` returns it.
Per class: precision, recall; the classes the rules rely on (statement_claimed, hearing_held,
waived) are the ones that decide findings. `--split held-out` scores only the documents whose
source hash falls in the held-out fifth (the same split the spaCy comparison uses).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lexicon.sentences import classify  # noqa: E402

DATA = ROOT / "tests" / "data" / "real_texts" / "sentences.jsonl"
CLASSES = ("statement_claimed", "hearing_requested", "hearing_held", "waived", "right_announced",
           "correction_ordered", "period_stated")


def held_out(source: str) -> bool:
    """A fifth of the documents, chosen by the hash of their source: never used to write rules."""
    return int(hashlib.sha256(source.encode()).hexdigest(), 16) % 5 == 0


def load(split: str) -> list[dict]:
    rows = [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]
    if split == "held-out":
        rows = [r for r in rows if held_out(r["source"])]
    elif split == "train":
        rows = [r for r in rows if not held_out(r["source"])]
    return rows


# The reading before lexicon.sentences (checkers/context.py `affirmed` and completeness.py `_CLAIM`
# at commit 6bda539), kept here to measure what the change did.
_OLD_CLAIM = re.compile(r"提出了?(书面)?(的)?陈述[、和及与]?申辩|进行了?陈述[、和及与]?申辩|提交了?(书面)?陈述申辩")
_OLD_HEARING_HELD = re.compile(r"(举行|召开|组织)了?听证(会)?(?!申请)")
_OLD_NEGATION = re.compile(r"未|没有|不|无|放弃")


def _old_affirmed(text: str, pattern: re.Pattern[str]) -> bool:
    for m in pattern.finditer(text):
        start = max(text.rfind(p, 0, m.start()) for p in "，。；,;：:") + 1
        if not _OLD_NEGATION.search(text[start:m.start()]):
            return True
    return False


def old_reading(text: str) -> set[str]:
    out = set()
    if _old_affirmed(text, _OLD_CLAIM):
        out.add("statement_claimed")
    if _old_affirmed(text, _OLD_HEARING_HELD):
        out.add("hearing_held")
    return out


def score(rows: list[dict], predict, misses: bool = False) -> dict[str, tuple[int, int, int]]:
    counts: dict[str, Counter] = {c: Counter() for c in CLASSES}
    for r in rows:
        want = {r["class"], *r.get("also", [])}
        got = predict(r["text"])
        for c in CLASSES:
            if c in got and c in want:
                counts[c]["tp"] += 1
            elif c in got:
                counts[c]["fp"] += 1
                if misses:
                    print(f"FP {c:18} {r['class']:18} {r['text'][:90]}")
            elif c in want:
                counts[c]["fn"] += 1
                if misses:
                    print(f"FN {c:18} {sorted(got)} {r['text'][:90]}")
    return {c: (k["tp"], k["fp"], k["fn"]) for c, k in counts.items()}


def report(name: str, table: dict[str, tuple[int, int, int]]) -> None:
    print(f"\n{name}")
    print(f"{'class':20} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8}")
    for c, (tp, fp, fn) in table.items():
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        print(f"{c:20} {tp:4} {fp:4} {fn:4} {p:10.1%} {r:8.1%}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("all", "held-out", "train"), default="all")
    ap.add_argument("--misses", action="store_true")
    args = ap.parse_args()
    rows = load(args.split)
    print(f"{len(rows)} sentences ({args.split})")
    report("hand-written reading (lexicon.sentences)", score(rows, classify, args.misses))
    old = score(rows, old_reading)
    report("the reading before (statement_claimed and hearing_held only)",
           {c: old[c] for c in ("statement_claimed", "hearing_held")})


if __name__ == "__main__":
    main()
