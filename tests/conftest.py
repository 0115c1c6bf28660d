"""Shared fixtures: generated corpora are made once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.case import CaseFile
from models.truth import Truth
from samples.generate import Options, generate
from service.pipeline import read_cases


def load_truths(folder: Path) -> list[tuple[Path, Truth]]:
    return [(p.with_name(p.name.replace(".truth.json", ".pdf")), Truth.model_validate(json.loads(p.read_text("utf-8"))))
            for p in sorted(folder.glob("*.truth.json"))]


@pytest.fixture(scope="session")
def scanned_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Truth]]:
    """Eight scanned case files with the default mix of clean and defective files."""
    out = tmp_path_factory.mktemp("scanned")
    generate(out, 8, seed=20240511, options=Options(born_digital_ratio=0.0), workers=2)
    return load_truths(out)


@pytest.fixture(scope="session")
def born_digital_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Truth]]:
    out = tmp_path_factory.mktemp("digital")
    generate(out, 6, seed=7, options=Options(born_digital_ratio=1.0), workers=2)
    return load_truths(out)


# The pipeline accuracy suite (and the checkers' end-to-end suite) share one corpus and one OCR
# pass: OCR is the expensive part of CI.
PIPELINE_CORPUS_CASES = 40
PIPELINE_CORPUS_SEED = 20241125
# Three codes per defective file, the least used first: every finding code appears in the corpus,
# most of them two or three times, so the checkers' per-code figures mean something.
PIPELINE_CORPUS_OPTIONS = Options(born_digital_ratio=0.0, clean_ratio=0.2, codes_per_file=3)


@pytest.fixture(scope="session")
def pipeline_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Truth, CaseFile]]:
    """Forty scanned case files, some clean, the rest with defects, each read by the pipeline."""
    out = tmp_path_factory.mktemp("pipeline")
    generate(out, PIPELINE_CORPUS_CASES, seed=PIPELINE_CORPUS_SEED, options=PIPELINE_CORPUS_OPTIONS, workers=2)
    truths = load_truths(out)
    cases = read_cases([pdf for pdf, _ in truths], workers=2)
    corpus = []
    for (pdf, truth), case in zip(truths, cases, strict=True):
        assert not isinstance(case, str), case
        corpus.append((pdf, truth, case))
    return corpus
