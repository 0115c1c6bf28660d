"""bf16 by default only where this machine has shown it reads what f32 reads (`extractors.ocr.bf16`).

The check's process is replaced by stand-ins here (this machine has no bf16 arithmetic); the
comparison itself runs for real with OpenVINO in f32 against f32, and the bf16 probe
(`tests/test_ocr_bf16_probe.py`) runs real bf16 where the CPU has it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from extractors.ocr import bf16, runtime
from extractors.ocr.base import OcrUnavailable
from extractors.ocr.bf16 import Bf16Verdict, bf16_verified, bf16_where_shown, verdict_path
from extractors.ocr.runtime import resolve_choice


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (runtime.RUNTIME_ENV, runtime.DEVICE_ENV, runtime.PRECISION_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(runtime.CACHE_ENV, str(tmp_path / "cache"))


@pytest.fixture
def models() -> dict[str, Path]:
    from extractors.ocr.rapid import find_model

    try:
        return {kind: find_model(kind) for kind in ("det", "rec", "cls")}
    except OcrUnavailable:
        pytest.skip("rapidocr's bundled models are not installed")


class Checks:
    """A stand-in for the check's process: counts its runs, gives a set verdict."""

    def __init__(self, verdict: Bf16Verdict) -> None:
        self.verdict = verdict
        self.runs = 0

    def __call__(self, models: dict[str, Path]) -> Bf16Verdict:
        self.runs += 1
        return self.verdict.model_copy()


def _bf16_cpu(monkeypatch: pytest.MonkeyPatch, verdict: Bf16Verdict) -> Checks:
    checks = Checks(verdict)
    monkeypatch.setattr(bf16, "cpu_has_bf16", lambda: True)
    monkeypatch.setattr(bf16, "run_check", checks)
    return checks


GOOD = Bf16Verdict(ok=True, reason="bf16 read 99.97% of f32's 328 characters", agreement=0.9997)


def test_a_shown_bf16_is_taken_once_checked_and_remembered(monkeypatch: pytest.MonkeyPatch,
                                                             models: dict[str, Path]) -> None:
    checks = _bf16_cpu(monkeypatch, GOOD)
    choice = bf16_where_shown(resolve_choice("openvino", "cpu"), models)
    assert (choice.precision_of("det"), choice.precision_of("rec"), choice.precision_of("cls")) == ("bf16", "bf16", "f32")
    assert checks.runs == 1
    kept = json.loads(verdict_path(choice.cache_dir, models).read_text("utf-8"))
    assert kept["ok"] is True and kept["checked_at"]
    # The next process (a page worker, the next check) reads the verdict: no second check.
    assert bf16_where_shown(resolve_choice("openvino", "cpu"), models).precision_of("rec") == "bf16"
    assert checks.runs == 1


@pytest.mark.parametrize("verdict", [
    Bf16Verdict(ok=False, reason="the bf16 check ended with -11: Segmentation fault"),
    Bf16Verdict(ok=False, reason="bf16 read 93.10% of f32's 328 characters", agreement=0.931),
])
def test_a_crash_or_a_different_reading_keeps_f32_and_is_not_asked_again(
        monkeypatch: pytest.MonkeyPatch, models: dict[str, Path], verdict: Bf16Verdict,
        caplog: pytest.LogCaptureFixture) -> None:
    checks = _bf16_cpu(monkeypatch, verdict)
    with caplog.at_level("WARNING", logger="extractors.ocr.bf16"):
        choice = bf16_where_shown(resolve_choice("openvino", "cpu"), models)
    assert set(choice.precision.values()) == {"f32"}
    assert "bf16 not used" in caplog.text and verdict.reason in caplog.text
    bf16_where_shown(resolve_choice("openvino", "cpu"), models)
    assert checks.runs == 1


@pytest.mark.parametrize(("runtime_name", "precision", "env"), [
    ("onnxruntime", None, ""),  # ONNX Runtime's CPU provider has no bf16 path here
    ("openvino", "f32", ""),  # asked for by argument
    ("openvino", None, "f32"),  # asked for by the environment
    ("openvino", None, "det=bf16"),  # asked for per model: exactly that, nothing checked
])
def test_no_check_where_a_precision_was_asked_or_the_runtime_has_no_bf16(
        monkeypatch: pytest.MonkeyPatch, models: dict[str, Path], runtime_name: str, precision: str | None,
        env: str) -> None:
    checks = _bf16_cpu(monkeypatch, GOOD)
    if env:
        monkeypatch.setenv(runtime.PRECISION_ENV, env)
    asked = resolve_choice(runtime_name, "cpu", precision)
    assert bf16_where_shown(asked, models) == asked
    assert checks.runs == 0


def test_auto_is_the_same_as_asking_nothing(monkeypatch: pytest.MonkeyPatch, models: dict[str, Path]) -> None:
    checks = _bf16_cpu(monkeypatch, GOOD)
    monkeypatch.setenv(runtime.PRECISION_ENV, "auto")
    assert bf16_where_shown(resolve_choice("openvino", "cpu"), models).precision_of("det") == "bf16"
    assert checks.runs == 1


def test_no_check_on_a_cpu_without_bf16(monkeypatch: pytest.MonkeyPatch, models: dict[str, Path]) -> None:
    checks = _bf16_cpu(monkeypatch, GOOD)
    monkeypatch.setattr(bf16, "cpu_has_bf16", lambda: False)
    choice = resolve_choice("openvino", "cpu")
    assert bf16_where_shown(choice, models) == choice
    assert checks.runs == 0


def test_other_model_files_are_checked_again(monkeypatch: pytest.MonkeyPatch, models: dict[str, Path],
                                             tmp_path: Path) -> None:
    checks = _bf16_cpu(monkeypatch, GOOD)
    cache = tmp_path / "ov"
    assert bf16_verified(cache, models)
    own = tmp_path / "own-rec.onnx"
    own.write_bytes(models["rec"].read_bytes()[:-1] + b"\0")  # same name and size, other bytes
    other = {**models, "rec": own.rename(tmp_path / models["rec"].name)}
    assert verdict_path(cache, other) != verdict_path(cache, models)
    assert bf16_verified(cache, other)
    assert checks.runs == 2


def test_the_check_process_reports_a_crash_as_a_verdict(monkeypatch: pytest.MonkeyPatch,
                                                        models: dict[str, Path]) -> None:
    """A check that dies (a runtime's segfault) gives a verdict, never an exception."""
    script = "import os; os.abort()"
    real_run = bf16.subprocess.run

    def dying(command: list[str], **kwargs: object):  # type: ignore[no-untyped-def]
        return real_run([sys.executable, "-c", script], **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(bf16.subprocess, "run", dying)
    verdict = bf16._run_check(models)
    assert not verdict.ok and "ended with" in verdict.reason


@pytest.mark.skipif(not runtime.openvino_importable(), reason="OpenVINO is not installed")
def test_the_comparison_runs_for_real(models: dict[str, Path]) -> None:
    """The check's own reading, with OpenVINO f32 against f32 (this CPU has no bf16): it reads the
    built-in pages and agrees with itself; asking bf16 where it runs f32 is a negative verdict."""
    same = bf16.measure(models, candidate="f32")
    assert same.ok and same.agreement == 1.0, same.reason
    if not bf16.cpu_has_bf16():
        refused = bf16.measure(models)
        assert not refused.ok and "does not compute" in refused.reason


def test_no_check_where_no_verdict_can_be_kept(monkeypatch: pytest.MonkeyPatch, models: dict[str, Path],
                                               tmp_path: Path) -> None:
    """A cache folder that cannot be made: f32, unchecked (each process would check again)."""
    checks = _bf16_cpu(monkeypatch, GOOD)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", "utf-8")
    assert not bf16_verified(blocked / "ov", models)
    assert not bf16_verified(None, models)
    assert checks.runs == 0
