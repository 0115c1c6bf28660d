"""The typed domain model that every stage of casecheck shares (pure data, no I/O)."""

from models.report import (
    DOCUMENT_TYPES,
    REPORT_SCHEMA,
    CaseFields,
    Category,
    DocumentRecord,
    DocumentType,
    Evidence,
    Finding,
    FindingKind,
    Report,
    Timing,
)

__all__ = [
    "DOCUMENT_TYPES",
    "REPORT_SCHEMA",
    "CaseFields",
    "Category",
    "DocumentRecord",
    "DocumentType",
    "Evidence",
    "Finding",
    "FindingKind",
    "Report",
    "Timing",
]
