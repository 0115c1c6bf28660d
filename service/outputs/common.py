"""What the self-check sheet, the annotated PDF and the statistics table say, read from a report.

The report is the source of truth; these helpers word it the way a self-checker writes the form:
dates as 2024年5月11日, pages as 第3、5–7页, findings per row of the sheet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from models.doctypes import type_name
from models.report import CATEGORIES, DocumentRecord, Finding, Report

# A header value the file does not show, and one it shows but could not be read: not the same.
NOT_IN_FILE = "（卷内未见）"
UNREAD = "（未能识读）"


def cn_date(iso: str | None) -> str | None:
    """2024-05-11 -> 2024年5月11日; None stays None, anything unparsable is returned as is."""
    if not iso:
        return None
    # Also 2024/5/11, 2024.5.11 and 2024年5月11日 as a person types them (系统填报时间).
    typed = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", iso)
    try:
        day = dt.date(*(int(part) for part in typed.groups())) if typed else dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.year}年{day.month}月{day.day}日"


def page_list(pages: Iterable[int], numbers: Sequence[int | None] = ()) -> str:
    """[3, 5, 6, 7] -> 第3、5–7页 (runs of three or more joined by a dash); with the file's
    卷内页码 (`archive_numbers`), the stamped numbers first: 卷内第1、3–5页（PDF第3、5–7页）."""
    pages = list(pages)
    if _numbered(numbers):
        stamped = [p for p in sorted(set(pages)) if _number(p, numbers) is not None]
        bare = [p for p in sorted(set(pages)) if _number(p, numbers) is None]
        parts = []
        if stamped:
            parts.append(f"卷内{_plain_list(_number(p, numbers) for p in stamped)}（PDF{_plain_list(stamped)}）")
        if bare:
            parts.append(f"PDF{_plain_list(bare)}")
        return "、".join(parts)
    return _plain_list(pages)


def page_ref(page: int, numbers: Sequence[int | None] = ()) -> str:
    """One page as a reader of the paper file finds it: 卷内第4页（PDF第6页） where its stamped
    number was read, PDF第6页 where it was not, 第6页 in a file whose numbers are the PDF's order."""
    return page_list([page], numbers)


def page_span(first: int, last: int, numbers: Sequence[int | None] = ()) -> str:
    """A document's pages: 第3–4页, or 卷内第1–2页（PDF第3–4页） where both ends' numbers were read."""
    def span(a: int, b: int) -> str:
        return f"第{a}页" if b <= a else f"第{a}–{b}页"

    if not _numbered(numbers):
        return span(first, last)
    a, b = _number(first, numbers), _number(max(first, last), numbers)
    if a is not None and b is not None and b - a == max(first, last) - first:
        return f"卷内{span(a, b)}（PDF{span(first, last)}）"
    return f"PDF{span(first, last)}"


def archive_numbers(report: Report) -> list[int | None]:
    """The 卷内页码 of each PDF page (None where not known), as page references give them: the
    runs of stamped numbers read one after another (`page_number_runs`), so a single misread
    number does not send a reader to the wrong sheet. Empty where the numbers are the PDF's order."""
    numbers: list[int | None] = [None] * report.pages
    for first, last, number in page_number_runs(report):
        for page in range(first, min(last, report.pages) + 1):
            numbers[page - 1] = number + page - first
    return numbers if _numbered(numbers) else []


def _number(page: int, numbers: Sequence[int | None]) -> int | None:
    return numbers[page - 1] if 1 <= page <= len(numbers) else None


def _numbered(numbers: Sequence[int | None]) -> bool:
    """Whether some stamped number differs from its PDF page: else the PDF's order says it all."""
    return any(n is not None and n != i for i, n in enumerate(numbers, 1))


# A page reference in a checker's message (PDF pages): 第6页, 第3–4页; not one already 卷内.
_PAGE_REF = re.compile(r"(?<!卷内)(?<!PDF)第(\d+)(?:[–-](\d+))?页")


def localize(message: str, numbers: Sequence[int | None] = ()) -> str:
    """A checker's message with its page references given as `page_list` gives them."""
    if not _numbered(numbers):
        return message

    def ref(match: re.Match[str]) -> str:
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last - first > 500:  # not a page span
            return match.group(0)
        return page_span(first, last, numbers) if last > first else page_ref(first, numbers)

    return _PAGE_REF.sub(ref, message)


def shown_message(finding: Finding, numbers: Sequence[int | None] = ()) -> str:
    """A finding's message as every output shows it: page references `localize`d, except in the
    findings about the stamped numbers themselves (their numbers are in question)."""
    return finding.message if finding.code.startswith("pages.") else localize(finding.message, numbers)


def shown_suggestion(finding: Finding, numbers: Sequence[int | None] = ()) -> str:
    return finding.suggestion if finding.code.startswith("pages.") else localize(finding.suggestion, numbers)


def _plain_list(pages: Iterable[int]) -> str:
    """[3, 5, 6, 7] -> 第3、5–7页."""
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


# Findings about the stamped numbers themselves name PDF pages: their numbers are in question.
_OWN_NUMBERS = ("pages.",)


def describe(finding: Finding, numbers: Sequence[int | None] = ()) -> str:
    """The finding's message, its pages named when the message does not already name them all;
    with the file's 卷内页码 (`archive_numbers`), page references give them."""
    if finding.code.startswith(_OWN_NUMBERS):
        numbers = ()
    pages = finding_pages(finding)
    named = set(int(n) for n in re.findall(r"(\d+)", "".join(re.findall(r"第[\d、–\-,，]+页", finding.message))))
    message = localize(finding.message, numbers)
    if pages and not set(pages) <= named:
        return f"{message}（{page_list(pages, numbers)}）"
    return message


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
    numbers = archive_numbers(report)
    for d in report.documents:
        for _field, why in d.unreadable.items():
            name = d.title or type_name(d.type)
            items.append(f"《{name}》（{page_list(range(d.pages[0], d.pages[1] + 1), numbers)}）：{why}")
    return items


def review_items(report: Report) -> list[str]:
    """Findings the rules were not sure of, for a person to confirm: for 备注."""
    numbers = archive_numbers(report)
    return [describe(f, numbers) for f in report.review]


def page_number_runs(report: Report, shortest: int = 3) -> list[tuple[int, int, int]]:
    """Where the PDF's page order and the archive's own numbers (卷内页码) run side by side:
    (first PDF page, last PDF page, 卷内页码 of the first), for runs of at least `shortest` pages
    whose numbers read one after another. A number misread or missing ends a run, so what is
    shown is what the pages themselves say."""
    runs: list[tuple[int, int, int]] = []
    start: int | None = None
    for index, number in enumerate([*report.page_numbers, None]):
        page = index + 1
        if start is not None:
            expected = report.page_numbers[start - 1] + (page - start)  # type: ignore[operator]
            if number == expected:
                continue
            if page - start >= shortest:
                runs.append((start, page - 1, report.page_numbers[start - 1]))  # type: ignore[arg-type]
            start = None
        if number is not None:
            start = page
    # Two runs one offset apart by the same amount: the pages between them (numbers not read)
    # carry the numbers between, so the runs are one.
    merged: list[tuple[int, int, int]] = []
    for first, last, number in runs:
        if merged and merged[-1][2] - merged[-1][0] == number - first:
            merged[-1] = (merged[-1][0], last, merged[-1][2])
        else:
            merged.append((first, last, number))
    return merged


def page_number_note(report: Report) -> str | None:
    """'页码对照：第3–24页即卷内第1–22页' where the two differ, for 备注 and the summary."""
    parts = [f"第{a}–{b}页即卷内第{n}–{n + b - a}页" for a, b, n in page_number_runs(report) if n != a]
    return "页码对照（PDF 页序与卷内页码）：" + "；".join(parts) if parts else None
