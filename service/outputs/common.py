"""What the self-check sheet, the annotated PDF and the statistics table say, read from a report.

The report is the source of truth; these helpers word it the way a self-checker writes the form:
dates as 2024年5月11日, pages as 第3、5–7页, findings per row of the sheet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from models.report import CATEGORIES, DocumentRecord, Finding, Report

# A header value the file does not show, and one it shows but could not be read: not the same.
NOT_IN_FILE = "（卷内未见）"
UNREAD = "（未能识读）"


def cn_date(iso: str | None) -> str | None:
    """2024-05-11 -> 2024年5月11日; None stays None, anything unparsable is returned as is."""
    if not iso:
        return None
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.year}年{day.month}月{day.day}日"


def page_list(pages: Iterable[int]) -> str:
    """[3, 5, 6, 7] -> 第3、5–7页 (runs of three or more joined by a dash)."""
    ordered = sorted(set(pages))
    if not ordered:
        return ""
    parts: list[str] = []
    start = prev = ordered[0]
    for p in [*ordered[1:], None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        if prev - start >= 2:
            parts.append(f"{start}–{prev}")
        else:
            parts.extend(str(x) for x in range(start, prev + 1))
        if p is not None:
            start = prev = p
    return f"第{'、'.join(parts)}页"


def finding_pages(finding: Finding) -> list[int]:
    return sorted({e.page for e in finding.evidence})


def describe(finding: Finding) -> str:
    """The finding's message, its pages named when the message does not already name them all."""
    pages = finding_pages(finding)
    named = set(int(n) for n in re.findall(r"(\d+)", "".join(re.findall(r"第[\d、–\-,，]+页", finding.message))))
    if pages and not set(pages) <= named:
        return f"{finding.message}（{page_list(pages)}）"
    return finding.message


def by_category(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    """The findings under each of the sheet's twelve rows, in the sheet's order."""
    rows: dict[str, list[Finding]] = {c: [] for c in CATEGORIES}
    for f in findings:
        rows[f.category].append(f)
    return rows


def has_kind(report: Report, kind: str) -> bool:
    return any(f.kind == kind for f in report.findings)


def _docs(report: Report, doc_type: str) -> list[DocumentRecord]:
    return [d for d in report.documents if d.type == doc_type]


def header_value(report: Report, value: str | None, doc_type: str) -> str:
    """A header cell: the value read, else why there is none (no such document, or not read)."""
    if value:
        return value
    return UNREAD if _docs(report, doc_type) else NOT_IN_FILE


def unread_items(report: Report) -> list[str]:
    """What the file should show but could not be read, per document: for 备注."""
    items: list[str] = []
    for d in report.documents:
        for _field, why in d.unreadable.items():
            name = d.title or d.type
            items.append(f"《{name}》（{page_list(range(d.pages[0], d.pages[1] + 1))}）：{why}")
    return items


def review_items(report: Report) -> list[str]:
    """Findings the rules were not sure of, for a person to confirm: for 备注."""
    return [describe(f) for f in report.review]
