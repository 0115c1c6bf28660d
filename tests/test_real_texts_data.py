"""Checks on the hand-labelled real-text corpus (tests/data/real_texts).

These tests check the data only: that it is well-formed, sourced, free of
duplicates and large enough.  They do not run the tool on it.

Two kinds of size check are kept apart:

* ``FLOORS`` are regression floors: the counts the corpus reached when it was
  built.  Falling below them means data was lost.
* ``BRIEF_TARGETS`` are the sizes the corpus was asked to reach (issue 16).
  Where the corpus is still short of a target, the check is marked xfail with
  the shortfall in its reason, so the gap stays visible in every test run.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter

import pytest

from tests.real_texts import (
    DATA_DIR,
    DOC_KINDS,
    SENTENCE_CLASSES,
    SENTENCES_PATH,
    SIGN_DOC_KINDS,
    SIGN_LABELS_PATH,
    SIGN_ROLES,
    load_sentences,
    load_sign_labels,
)

# Asked for by the brief (issue 16, part "Sentences").
BRIEF_TARGETS = {
    "total": 400,
    "documents": 100,
    "sign_labels": 60,
    "statement_claimed": 30,
    "hearing_requested": 30,
    "hearing_held": 10,
    "waived": 30,
    "right_announced": 30,
    "correction_ordered": 30,
    "period_stated": 30,
    "other": 30,
}

# Reached when the corpus was built; lower only if data is removed on purpose.
FLOORS = {
    "total": 406,
    "documents": 150,
    "sign_labels": 34,
    "statement_claimed": 17,
    "hearing_requested": 4,
    "hearing_held": 14,
    "waived": 29,
    "right_announced": 47,
    "correction_ordered": 37,
    "period_stated": 18,
    "other": 240,
}

# Shortfalls known when the corpus was committed (see SOURCES.md).
KNOWN_SHORT = {key for key, target in BRIEF_TARGETS.items() if FLOORS[key] < target}


@pytest.fixture(scope="module")
def sentences():
    return load_sentences()


@pytest.fixture(scope="module")
def sign_labels():
    return load_sign_labels()


def _measure(key, sentences, sign_labels) -> int:
    if key == "total":
        return len(sentences)
    if key == "documents":
        return len({s.source for s in sentences})
    if key == "sign_labels":
        return len({s.label for s in sign_labels})
    return sum(1 for s in sentences if s.cls == key)


# --- well-formedness -------------------------------------------------------


def test_files_exist():
    assert SENTENCES_PATH.is_file()
    assert SIGN_LABELS_PATH.is_file()
    assert (DATA_DIR / "SOURCES.md").is_file()


@pytest.mark.parametrize("path", [SENTENCES_PATH, SIGN_LABELS_PATH], ids=lambda p: p.name)
def test_every_line_is_one_json_object(path):
    with path.open(encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    assert lines, f"{path.name} is empty"
    for lineno, raw in enumerate(lines, start=1):
        assert raw.strip(), f"{path.name}:{lineno}: blank line"
        assert isinstance(json.loads(raw), dict), f"{path.name}:{lineno}"


def test_sentences_load_and_use_known_values(sentences):
    assert sentences
    for s in sentences:
        assert s.cls in SENTENCE_CLASSES
        assert s.doc_kind in DOC_KINDS
        assert s.cls not in s.also
        assert "other" not in s.also


def test_sign_labels_load_and_use_known_values(sign_labels):
    assert sign_labels
    for s in sign_labels:
        assert s.role in SIGN_ROLES
        assert s.doc_kind in SIGN_DOC_KINDS
        assert s.required in (True, False, "conditional")


def test_every_entry_has_a_source(sentences, sign_labels):
    for s in sentences:
        assert s.source.strip(), f"sentences.jsonl:{s.line}: no source"
    for s in sign_labels:
        assert s.source.strip(), f"sign_labels.jsonl:{s.line}: no source"


def test_no_duplicate_sentence_texts(sentences):
    dups = [t for t, n in Counter(s.text for s in sentences).items() if n > 1]
    assert not dups, f"duplicate texts: {dups[:5]}"


def test_no_near_duplicate_sentence_texts(sentences):
    # The same published sentence copied twice (e.g. from a mirror page with
    # extra spaces or half-width brackets) would count twice; catch it.
    def key(text: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))

    dups = [t for t, n in Counter(key(s.text) for s in sentences).items() if n > 1]
    assert not dups, f"near-duplicate texts: {dups[:5]}"


def test_no_duplicate_sign_labels(sign_labels):
    dups = [t for t, n in Counter(s.label for s in sign_labels).items() if n > 1]
    assert not dups, f"duplicate labels: {dups[:5]}"


def test_texts_are_trimmed_single_lines(sentences, sign_labels):
    for s in sentences:
        assert s.text == s.text.strip(), f"sentences.jsonl:{s.line}"
        assert "\n" not in s.text, f"sentences.jsonl:{s.line}"
    for s in sign_labels:
        assert s.label == s.label.strip(), f"sign_labels.jsonl:{s.line}"


_ASCII_CLAUSE_PUNCT = re.compile(r"[\u4e00-\u9fff][,;:][\u4e00-\u9fff]")


def test_sentences_keep_full_width_punctuation(sentences):
    # Published Chinese text separates clauses with ，；： — an ASCII comma
    # between two Chinese characters means the text was not restored.
    bad = [s.line for s in sentences if _ASCII_CLAUSE_PUNCT.search(s.text)]
    assert not bad, f"ASCII clause punctuation on lines {bad[:10]}"


def test_sentences_are_chinese(sentences):
    for s in sentences:
        assert re.search(r"[\u4e00-\u9fff]", s.text), f"sentences.jsonl:{s.line}"


def test_every_source_is_listed_in_sources_md(sentences, sign_labels):
    listing = (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    missing = sorted({s.source for s in sentences} - {src for src in _listed(listing)})
    assert not missing, f"sources missing from SOURCES.md: {missing[:5]}"
    for s in sign_labels:
        assert s.source in listing, f"sign_labels.jsonl:{s.line}: source not in SOURCES.md"


def _listed(listing: str):
    for line in listing.splitlines():
        if line.startswith("|"):
            for cell in line.strip("|").split("|"):
                yield cell.strip()


# --- size ------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(FLOORS))
def test_counts_do_not_fall_below_floor(key, sentences, sign_labels):
    assert _measure(key, sentences, sign_labels) >= FLOORS[key]


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(
            key,
            marks=pytest.mark.xfail(
                reason=f"corpus short of brief target for {key}: {FLOORS[key]} of {BRIEF_TARGETS[key]}",
                strict=False,
            ),
        )
        if key in KNOWN_SHORT
        else key
        for key in sorted(BRIEF_TARGETS)
    ],
)
def test_counts_meet_brief_targets(key, sentences, sign_labels):
    assert _measure(key, sentences, sign_labels) >= BRIEF_TARGETS[key]


def test_class_coverage_counts_also_labels(sentences):
    # Every class appears at least once as a main label or an "also" label.
    seen = {c for s in sentences for c in s.labels}
    assert seen == set(SENTENCE_CLASSES)
