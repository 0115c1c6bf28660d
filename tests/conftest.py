"""Shared fixtures: generated corpora are made once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.truth import Truth
from samples.generate import Options, generate


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
