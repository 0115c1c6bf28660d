"""The layering, enforced: models ← lexicon ← extractors | checkers ← service; the product never
imports samples/ (the generator stays independent of what it measures, and the other way round).

A static scan of every import statement (module level and inside functions), plus the promise of
issue 15 checked at run time: importing the rules loads no image or OCR library.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "lexicon", "extractors", "checkers", "service", "samples")
# What each package may import of the project's own packages.
ALLOWED = {
    "models": {"models"},
    "lexicon": {"models", "lexicon"},
    "extractors": {"models", "lexicon", "extractors"},
    "checkers": {"models", "lexicon", "checkers"},
    "service": {"models", "lexicon", "extractors", "checkers", "service"},
    # The generator draws on models (truth, report shapes) only, never on what reads or judges.
    "samples": {"models", "samples"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


@pytest.mark.parametrize("package", PACKAGES)
def test_layers(package: str) -> None:
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top in PACKAGES and top not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_importing_the_rules_loads_no_image_or_ocr_library() -> None:
    code = ("import sys, checkers, lexicon.sentences, lexicon.roles; "
            "print(sorted(m for m in ('cv2', 'onnxruntime', 'fitz', 'pymupdf', 'numpy', 'openvino') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
