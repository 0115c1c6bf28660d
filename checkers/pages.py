"""Page numbering: the file's own 卷内页码 run 1, 2, 3… over every page with content."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from checkers.base import DOUBTFUL, SURE, Hit, rule
from checkers.context import CaseView
from models.case import PageAnalysis
from models.doctypes import DOC_TYPES

# Cover, 卷内目录 and 备考表 carry no page number (archival practice, DOMAIN §3).
UNNUMBERED_TYPES = tuple(t for t, s in DOC_TYPES.items() if not s.paginated)


def _content_pages(view: CaseView) -> list[PageAnalysis]:
    return [p for p in view.case.pages if p.type not in UNNUMBERED_TYPES and not p.blank]


def _nearly_empty(page: PageAnalysis) -> bool:
    # A blank back the reader did not recognise (show-through, a speck) is rightly unnumbered.
    return sum(len(line.text.strip()) for line in page.text.lines) < 12


@rule("pages.numbering", title="卷内页码不连续",
      basis=(
          "《中华人民共和国行政处罚法》第四十七条",
          "《环境行政处罚办法》（环境保护部令第8号）第六十八条",
      ))
def page_numbering(view: CaseView) -> Iterator[Hit]:
    """The file's page numbers are missing, skip, repeat or run backwards.

    档案 practice for 卷内文件 (DOMAIN §3, S12): every page with content numbered consecutively in
    Arabic numerals; 评查 tables deduct for 未编页码号或页码号混乱. A number read once out of line
    while its neighbours agree is more likely misread than misstamped: that is for review.
    """
    pages = _content_pages(view)
    numbered = [(i, p) for i, p in enumerate(pages) if p.archive_number is not None]
    if len(pages) >= 5 and len(numbered) == 0:
        yield Hit(
            code="pages.numbering",
            message="卷内未读出任何页码",
            suggestion="卷内有内容的页面应逐页用阿拉伯数字编写页码（正面右下角、背面左下角）",
            evidence=[view.evidence(pages[0].page)],
            level=DOUBTFUL,
        )
        return
    if len(numbered) < 3:
        return
    offsets = [p.archive_number - i for i, p in numbered]  # type: ignore[operator]
    # A number out of line while the numbers either side of it agree was misread (or misstamped
    # once): a question for a person. The rest must run on without a break.
    odd: set[int] = set()
    for k in range(len(numbered)):
        neighbours = [offsets[j] for j in (k - 1, k + 1) if 0 <= j < len(numbered)]
        if k in (0, len(numbered) - 1) and len(numbered) >= 3:
            j = 1 if k == 0 else len(numbered) - 2
            jj = 2 if k == 0 else len(numbered) - 3
            neighbours = [offsets[j]] if offsets[j] == offsets[jj] else []
        if neighbours and all(o == neighbours[0] for o in neighbours) and offsets[k] != neighbours[0]:
            odd.add(k)
    for k in sorted(odd):
        _, page = numbered[k]
        yield Hit(
            code="pages.numbering",
            message=f"第{page.page}页页码读作{page.archive_number}，与前后页码不连续，请核对",
            suggestion="核对该页页码；编错的应更正页码及卷内目录页号",
            evidence=[view.evidence(page.page, page.archive_number_bbox, str(page.archive_number))],
            level=DOUBTFUL,
        )
    kept = [(i, p, o) for k, ((i, p), o) in enumerate(zip(numbered, offsets, strict=True)) if k not in odd]
    for (i_prev, prev, o_prev), (i_here, here, o_here) in itertools.pairwise(kept):
        if o_here == o_prev:
            continue
        assert prev.archive_number is not None and here.archive_number is not None
        between = pages[i_prev + 1:i_here]
        delta = o_here - o_prev
        if between and delta == -len(between):
            # Pages between two consecutive numbers: they were left unnumbered.
            if all(_nearly_empty(p) for p in between):
                continue
            where = "、".join(f"第{p.page}页" for p in between)
            message = f"{where}未编页码（前后页码为{prev.archive_number}、{here.archive_number}）"
            evidence = [view.evidence(p.page) for p in between]
        elif delta > 0:
            message = f"卷内页码由{prev.archive_number}跳至{here.archive_number}（第{prev.page}页至第{here.page}页）"
            evidence = [view.evidence(here.page, here.archive_number_bbox, str(here.archive_number))]
        elif here.archive_number == prev.archive_number:
            message = f"卷内页码{here.archive_number}重复（第{prev.page}页和第{here.page}页）"
            evidence = [view.evidence(q.page, q.archive_number_bbox, str(q.archive_number)) for q in (prev, here)]
        else:
            message = f"卷内页码由{prev.archive_number}倒退为{here.archive_number}（第{here.page}页）"
            evidence = [view.evidence(here.page, here.archive_number_bbox, str(here.archive_number))]
        yield Hit(
            code="pages.numbering",
            message=message,
            suggestion="按卷内文件排列顺序逐页连续编写页码，不得漏编、重编或跳号，并相应更正卷内目录页号",
            evidence=evidence,
            level=SURE,
        )
