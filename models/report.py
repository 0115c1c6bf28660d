"""The report of CONTRACT.md (`casecheck.report/1`) as pydantic models.

The same shapes serve the generator's ground truth, so one scorer can compare a report with
the truth of the file it came from.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REPORT_SCHEMA = "casecheck.report/1"

DocumentType = Literal[
    "cover",
    "toc",
    "filing_approval",
    "inspection_record",
    "inquiry_record",
    "evidence",
    "investigation_report",
    "correction_order",
    "legal_review",
    "internal_approval",
    "notice",
    "statement_record",
    "decision",
    "service_receipt",
    "payment_receipt",
    "closing_approval",
    "archive_note",
    "other",
]
DOCUMENT_TYPES: tuple[str, ...] = DocumentType.__args__  # type: ignore[attr-defined]

# The twelve 案卷审查 rows of the self-check sheet (附件1 of seed 000), in the sheet's order.
Category = Literal[
    "主体资格",
    "执法程序",
    "事实证据",
    "法律使用",
    "现场笔录",
    "调查报告",
    "内部审批表",
    "执法文书",
    "送达回证",
    "相关记录",
    "案卷归档",
    "其他",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]

FindingKind = Literal["合法性", "规范性"]

BBox = tuple[float, float, float, float]


class Evidence(BaseModel):
    """Where a finding was seen: 1-based page, box in PDF points, the text read there."""

    model_config = ConfigDict(frozen=True)

    page: int = Field(ge=1)
    bbox: BBox | None = None
    text: str | None = None


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    # F1, F2… for findings, R1… for review items, A1… for problems a person added: unique in
    # the report, stable for the same file and version (a review's decisions refer to them).
    id: str | None = None
    code: str
    category: Category
    kind: FindingKind
    message: str
    suggestion: str
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)


class DocumentRecord(BaseModel):
    """One document of the case file: its type, inclusive 1-based page span and key fields."""

    type: DocumentType
    title: str | None = None
    pages: tuple[int, int]
    number: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD; None when absent or unreadable
    signed: bool | None = None
    sealed: bool | None = None
    fields: dict[str, str | list[str] | None] = Field(default_factory=dict)
    # What the document should carry but could not be read: field name -> why (extension).
    unreadable: dict[str, str] = Field(default_factory=dict)


class CaseFields(BaseModel):
    case_number: str | None = None
    filing_date: str | None = None
    notice_number: str | None = None
    notice_date: str | None = None
    decision_number: str | None = None
    decision_date: str | None = None
    party: str | None = None
    case_type: str | None = None
    cause: str | None = None
    officers: list[str] = Field(default_factory=list)
    agency: str | None = None  # the issuing bureau, 常德市生态环境局澧县分局 (extension)


class Timing(BaseModel):
    seconds: float
    ocr_pages: int


class RuleError(BaseModel):
    """A rule that failed while checking this case: its rows were not (fully) judged (extension)."""

    rule: str
    codes: list[str]
    categories: list[Category]  # the sheet rows the rule judges: partly checked on this case
    error: str  # one line, for developers


class Report(BaseModel):
    schema_: str = Field(default=REPORT_SCHEMA, alias="schema")
    file: str
    sha256: str
    pages: int
    page_types: list[DocumentType]
    documents: list[DocumentRecord]
    case: CaseFields
    findings: list[Finding] = Field(default_factory=list)
    review: list[Finding] = Field(default_factory=list)
    rule_pack: str | None = None  # the rule pack the findings were made under (extension)
    # The archive's own page number (卷内页码) read on each page, null where none was read (extension).
    page_numbers: list[int | None] = Field(default_factory=list)
    # Rules that failed on this case (extension): the case counts as partly checked, never clean.
    rule_errors: list[RuleError] = Field(default_factory=list)
    timing: Timing | None = None

    model_config = ConfigDict(populate_by_name=True)

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)
