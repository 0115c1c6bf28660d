"""Does spaCy earn its place? A spaCy multi-label text classifier trained on the real sentences of
tests/data/real_texts (the four fifths not held out), scored on the held-out fifth against the
hand-written reading (lexicon.sentences) on the same sentences.

    pip install spacy   # not a casecheck dependency: only this experiment needs it
    python scripts/eval_sentences_spacy.py [--epochs 30] [--seed 0]

spacy.blank("zh") segments characters (no model, no download).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_sentences import CLASSES, load, report, score  # noqa: E402

from lexicon.sentences import classify  # noqa: E402


def main() -> None:
    import spacy
    from spacy.training import Example

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    random.seed(args.seed)
    spacy.util.fix_random_seed(args.seed)
    train, test = load("train"), load("held-out")
    nlp = spacy.blank("zh")
    textcat = nlp.add_pipe("textcat_multilabel")
    for c in CLASSES:
        textcat.add_label(c)

    def example(row: dict) -> Example:
        want = {row["class"], *row.get("also", [])}
        return Example.from_dict(nlp.make_doc(row["text"]), {"cats": {c: float(c in want) for c in CLASSES}})

    examples = [example(r) for r in train]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(args.epochs):
        random.shuffle(examples)
        for batch in spacy.util.minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2)

    def predict(text: str) -> set[str]:
        return {c for c, p in nlp(text).cats.items() if p >= 0.5}

    print(f"{len(train)} sentences to train on, {len(test)} held out")
    report("spaCy textcat_multilabel (held-out)", score(test, predict))
    report("hand-written reading (held-out)", score(test, classify))


if __name__ == "__main__":
    main()
