"""`casecheck check`: outputs on a good file; exit 2, one line and nothing written on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from extractors.ingest import has_text_layer
from models.report import REPORT_SCHEMA, Report
from service.cli import main

FIXED = Path(__file__).resolve().parent.parent / "samples" / "fixed"
BORN_DIGITAL = FIXED / "demo-503-000.pdf"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service.cli", *args], capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)


def test_check_born_digital_writes_contract_report(tmp_path: Path) -> None:
    result = run_cli("check", str(BORN_DIGITAL), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    report_path = tmp_path / "out" / "demo-503-000.report.json"
    data = json.loads(report_path.read_text(encoding="utf-8"))
    assert data["schema"] == REPORT_SCHEMA
    report = Report.model_validate(data)
    truth = json.loads(BORN_DIGITAL.with_suffix(".truth.json").read_text(encoding="utf-8"))
    assert report.pages == truth["pages"] and len(report.page_types) == report.pages
    assert report.page_types == truth["page_types"]
    # Pages with a text layer are read, not OCR'd: only the image-only pages (an ID-card copy) are.
    image_only = sum(1 for page in pymupdf.open(BORN_DIGITAL) if not has_text_layer(page))
    assert report.timing is not None and report.timing.ocr_pages == image_only < report.pages
    decision = next(d for d in report.documents if d.type == "decision")
    assert decision.number == truth["case"]["decision_number"]
    assert str(report_path) in result.stdout
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".part")]


def _bad_inputs(tmp: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    files["not a PDF"] = tmp / "notes.pdf"
    files["not a PDF"].write_text("这不是PDF文件\n", encoding="utf-8")
    files["empty"] = tmp / "empty.pdf"
    files["empty"].write_bytes(b"")
    src = pymupdf.open(BORN_DIGITAL)
    files["encrypted"] = tmp / "locked.pdf"
    src.save(files["encrypted"], encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    data = BORN_DIGITAL.read_bytes()
    files["truncated"] = tmp / "cut.pdf"
    files["truncated"].write_bytes(data[: len(data) // 2])
    files["zero pages"] = tmp / "zero.pdf"
    files["zero pages"].write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n")
    files["missing"] = tmp / "nowhere.pdf"
    return files


@pytest.mark.parametrize("kind", ["not a PDF", "empty", "encrypted", "truncated", "zero pages", "missing"])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, kind: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    bad = _bad_inputs(tmp_path)[kind]
    before = bad.read_bytes() if bad.exists() else None
    out = tmp_path / "out"
    code = main(["check", str(bad), "-o", str(out), "--workers", "1"])
    captured = capsys.readouterr()
    assert code == 2
    lines = [ln for ln in captured.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and bad.name in lines[0], captured.err
    assert not out.exists() or not any(out.iterdir())
    if before is not None:
        assert bad.read_bytes() == before  # the original is never touched


def test_five_hundred_blank_pages(tmp_path: Path) -> None:
    doc = pymupdf.open()
    for _ in range(500):
        doc.new_page()
    pdf = tmp_path / "blank.pdf"
    doc.save(pdf)
    out = tmp_path / "out"
    assert main(["check", str(pdf), "-o", str(out), "-q"]) == 0
    report = Report.model_validate_json((out / "blank.report.json").read_text(encoding="utf-8"))
    assert report.pages == 500 and len(report.page_types) == 500
    assert report.timing is not None and report.timing.ocr_pages == 0  # nothing drawn: nothing to OCR
    assert set(report.page_types) == {"other"}


def test_check_prints_findings_and_records_the_rule_pack(tmp_path: Path) -> None:
    defective = FIXED / "demo-503-000.pdf"
    truth = json.loads(defective.with_suffix(".truth.json").read_text(encoding="utf-8"))
    pack = Path(__file__).resolve().parent.parent / "checkers" / "packs" / "example_province.toml"
    result = run_cli("check", str(defective), "-o", str(tmp_path), "--rules", str(pack))
    assert result.returncode == 0, result.stderr
    report = Report.model_validate_json((tmp_path / "demo-503-000.report.json").read_text(encoding="utf-8"))
    assert report.rule_pack == "example-province"
    assert set(truth["defects"]) <= {f.code for f in report.findings}
    from service.outputs.common import archive_numbers, shown_message

    numbers = archive_numbers(report)
    assert numbers, "demo-503 carries stamped page numbers: the lines below name pages by them"
    for finding in report.findings:
        # Printed with its page references as the 自查单 gives them (卷内第N页（PDF第M页）).
        assert shown_message(finding, numbers) in result.stdout
        assert f"[{finding.kind}] {finding.category}：" in result.stdout
        assert finding.evidence and all(1 <= e.page <= report.pages for e in finding.evidence)
    assert "卷内第" in result.stdout and "自查单：" in result.stdout


def test_bad_rule_pack_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "province.toml"
    bad.write_text('[procedures."一般程序"]\nrequired = ["decision", "legal_reveiw"]\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("check", str(BORN_DIGITAL), "-o", str(out), "--rules", str(bad))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "legal_reveiw" in result.stderr
    assert not out.exists()


def test_rules_lists_every_code_with_its_row_and_basis(capsys: pytest.CaptureFixture[str]) -> None:
    from samples.defects import ALL_CODES

    assert main(["rules"]) == 0
    listed = capsys.readouterr().out
    for code in ALL_CODES:
        family = code if code in listed else code.rsplit(".", 1)[0] + ".<type>"
        assert family in listed, code
    assert "行政处罚法" in listed and "合法性" in listed and "规范性" in listed


def test_output_folder_that_is_a_file_exits_2_before_reading(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "out"
    taken.write_text("an archivist's notes", encoding="utf-8")
    assert main(["check", str(BORN_DIGITAL), "-o", str(taken), "-q"]) == 2
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "is a file" in lines[0]
    assert taken.read_text(encoding="utf-8") == "an archivist's notes"


def test_precision_is_checked_and_handed_to_the_page_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """--precision goes to CASECHECK_OCR_PRECISION (the page workers inherit it); a wrong value is
    one line and exit 2 before anything is read."""
    import os

    from service import cli

    # Recorded, then removed: whatever the CLI sets is undone after the test.
    monkeypatch.setenv("CASECHECK_OCR_PRECISION", "")
    monkeypatch.delenv("CASECHECK_OCR_PRECISION")
    with pytest.raises(SystemExit) as stopped:
        main(["check", str(BORN_DIGITAL), "-o", str(tmp_path / "bad"), "--precision", "rec=int4"])
    assert stopped.value.code == 2 and "int4" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()
    seen: list[str | None] = []

    def settings_only(args: object) -> int:  # the check itself stands aside: only the settings matter
        cli._ocr_runtime(args)  # type: ignore[arg-type]
        seen.append(os.environ.get("CASECHECK_OCR_PRECISION"))
        return 0

    monkeypatch.setattr(cli, "cmd_check", settings_only)
    for value in ("det=bf16,rec=f32", "auto"):
        main(["check", str(BORN_DIGITAL), "-o", str(tmp_path / "out"), "--precision", value])
    assert seen == ["det=bf16,rec=f32", "auto"]
