"""A person's review of a report (CONTRACT.md, `casecheck.review/1`), kept beside the report.

The machine's report is never edited: the review records what a 自查员 decided about each
finding (`decisions`, by finding id), the header fields they corrected, the problems they added
in rows no rule judges, the 整改 per row, who signed and when, and the history of every change.
`validate_against` checks a review against the report it belongs to.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.errors import InputError
from models.report import CATEGORIES, CaseFields, Category, FindingKind, Report

REVIEW_SCHEMA = "casecheck.review/1"

ReviewStatus = Literal["machine", "in_review", "reviewed"]
DecisionKind = Literal["confirmed", "dismissed", "review"]

# How the page, the sheet and the 统计表 name a status.
STATUS_NAMES: dict[str, str] = {"machine": "机器初查", "in_review": "复核中", "reviewed": "已复核"}
DECISION_NAMES: dict[str, str] = {"confirmed": "确认", "dismissed": "排除", "review": "改为待核实"}
# The header fields a person may correct: those of the report's `case`.
CASE_FIELD_NAMES: tuple[str, ...] = tuple(CaseFields.model_fields)


class Decision(BaseModel):
    decision: DecisionKind
    reason: str = ""


class AddedProblem(BaseModel):
    """A problem a person found that no rule reports (a 主体资格 or 法律使用 defect, say)."""

    category: Category
    kind: FindingKind
    message: str = Field(min_length=1)
    suggestion: str = ""
    pages: list[int] = Field(default_factory=list)

    @field_validator("pages")
    @classmethod
    def _pages_positive(cls, pages: list[int]) -> list[int]:
        if any(p < 1 for p in pages):
            raise ValueError("pages are 1-based")
        return sorted(set(pages))


class Remedy(BaseModel):
    """整改情况 of one row of the sheet and whether it is complete (是否完成整改)."""

    done: str = ""
    complete: bool = False


class HistoryEntry(BaseModel):
    at: str  # ISO date-time with offset
    by: str
    what: str


class Review(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    schema_: str = Field(default=REVIEW_SCHEMA, alias="schema")
    sha256: str
    status: ReviewStatus = "machine"
    reviewer: str | None = None
    updated: str | None = None
    decisions: dict[str, Decision] = Field(default_factory=dict)
    fields: dict[str, str | list[str] | None] = Field(default_factory=dict)
    added: list[AddedProblem] = Field(default_factory=list)
    remedy: dict[str, Remedy] = Field(default_factory=dict)
    self_checker: str | None = None
    reported_on: str | None = None  # ISO date
    history: list[HistoryEntry] = Field(default_factory=list)

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)


class ReviewError(InputError, ValueError):
    """A review that does not fit its report (exit 2, HTTP 422): `problems` holds each one whole,
    the message the first ones on one line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def finding_ids(report: Report) -> set[str]:
    return {f.id for f in [*report.findings, *report.review] if f.id}


def validate_against(review: Review, report: Report) -> None:
    """Raise `ReviewError` unless every id, row and field the review names is the report's."""
    problems: list[str] = []
    if review.schema_ != REVIEW_SCHEMA:
        problems.append(f"schema must be {REVIEW_SCHEMA}, not {review.schema_}")
    if review.sha256 != report.sha256:
        problems.append("sha256 is not the report's: this review belongs to another file")
    known = finding_ids(report)
    for finding_id, decision in review.decisions.items():
        if finding_id not in known:
            problems.append(f"decisions: no finding {finding_id} in the report")
        elif decision.decision == "dismissed" and not decision.reason.strip():
            problems.append(f"decisions: dismissing {finding_id} needs a reason")
    for name, value in review.fields.items():
        if name not in CASE_FIELD_NAMES:
            problems.append(f"fields: no case field {name}")
        elif (name == "officers") != isinstance(value, list) and value is not None:
            problems.append(f"fields: {name} must be {'a list of names' if name == 'officers' else 'text'}")
    for row in review.remedy:
        if row not in CATEGORIES:
            problems.append(f"remedy: no row {row} on the sheet")
    if review.reported_on:
        import datetime as dt

        try:
            dt.date.fromisoformat(review.reported_on)
        except ValueError:
            problems.append(f"reported_on: {review.reported_on} is not a date (YYYY-MM-DD)")
    for n, added in enumerate(review.added, 1):
        if report.pages and any(p > report.pages for p in added.pages):
            problems.append(f"added[{n}]: the file has {report.pages} pages")
    if problems:
        raise ReviewError(problems)
