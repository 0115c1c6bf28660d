"""Labelled values: 当事人：某某公司, a table row 受送达人 | 某某公司, a form cell whose value is
handwritten a little below its label. Labels are matched letter-spaced or not (当 事 人, 案    号)
on folded text, so full-width and ASCII colons and brackets read alike.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lexicon.text import CJK, Joined, fold, row_after, same_row, squeeze, sub_bbox, union, v_overlap
from models.case import FieldValue, PageText, TextLine

# What ends a value inside a line: a wide gap or the next "label：".
_NEXT_LABEL = re.compile(rf"\s{{2,}}|\s(?=[{CJK}]{{2,8}}\s*:)|(?<=\S)(?=[{CJK}]{{2,7}}\s*:)")
_LINE_LABEL = re.compile(rf"^\s*[{CJK}()]{{2,10}}\s*:")


@functools.lru_cache(maxsize=256)
def label_pattern(*labels: str) -> re.Pattern[str]:
    """A pattern for any of `labels`, letter-spaced or not, at the start of a line or cell
    or after a gap or punctuation; longest labels first so 送达文书名称及文号 beats 送达文书."""
    alts = "|".join(r"\s*".join(re.escape(c) for c in lab) for lab in sorted(labels, key=len, reverse=True))
    return re.compile(rf"(?:^|(?<=[\s:;,.()。；，、]))(?:{alts})")


_AFTER = re.compile(r"\s*(?:\([^()]{0,8}\))?\s*[:]?\s*")


@dataclass
class LabelHit:
    """A label found on a page and the value that goes with it."""

    page: PageText
    index: int  # line holding the label
    label_start: int
    label_end: int  # after the label, its (…) qualifier and colon
    colon: bool
    value: str = ""  # original text of the value, stripped
    cells: list[int] = field(default_factory=list)  # lines holding the value
    inline_start: int = -1  # where the value starts in the label's own line, -1 if elsewhere

    @property
    def line(self) -> TextLine:
        return self.page.lines[self.index]

    def field_value(self, value: str, penalty: float = 1.0) -> FieldValue:
        lines = self.page.lines
        boxes = []
        for k in self.cells:
            if k == self.index and self.inline_start >= 0:
                boxes.append(sub_bbox(lines[k], self.inline_start, len(lines[k].text)))
            else:
                boxes.append(lines[k].bbox)
        conf = min((lines[k].confidence for k in self.cells), default=self.line.confidence)
        return FieldValue(value=value, page=self.page.page, bbox=union(boxes) or self.line.bbox, raw=self.value,
                          confidence=round(max(0.0, min(1.0, conf * penalty)), 3))


def _inline_value(text: str, start: int) -> tuple[int, int]:
    """The value's span in a line after its label: up to a wide gap or the next label."""
    m = _NEXT_LABEL.search(text, start + 1) if start < len(text) else None
    end = m.start() if m else len(text)
    return start, end


def find_labels(page: PageText, pattern: re.Pattern[str], *, reject: re.Pattern[str] | None = None,
                need_colon: bool = False, continuation: int = 0, max_x_share: float = 1.0) -> list[LabelHit]:
    """Every occurrence of a label on the page with its value (inline, else the next cells of its
    row), in reading order. `reject` is tried on the text right after the label (签名, 意见…);
    `continuation` lets a value run onto that many following lines of the same column."""
    hits: list[LabelHit] = []
    lines = page.lines
    for i, line in enumerate(lines):
        folded = fold(line.text)
        for m in pattern.finditer(folded):
            after = folded[m.end():]
            if reject and reject.match(after):
                continue
            if line.x0 + (line.x1 - line.x0) * m.start() / max(len(folded), 1) > max_x_share * page.width:
                continue
            tail = _AFTER.match(folded, m.end())
            end = tail.end() if tail else m.end()
            colon = ":" in folded[m.end():end]
            rest_start, rest_end = _inline_value(folded, end)
            rest = line.text[rest_start:rest_end].strip()
            spaced = m.end() < len(folded) and folded[m.end()].isspace()
            if need_colon and not (colon or spaced) and (rest or folded[end:].strip()):
                continue  # prose that starts with the label word (执法人员汪某向…, 当事人无正当理由…)
            hit = LabelHit(page=page, index=i, label_start=m.start(), label_end=end, colon=colon)
            if rest:
                hit.value, hit.cells, hit.inline_start = rest, [i], rest_start
            elif not folded[end:].strip():
                cells = row_after(lines, i)
                if cells:
                    first = _cell_top(lines, i, cells[0])
                    hit.value, hit.cells = lines[first].text.strip(), [first]
            if hit.cells and continuation:
                _continue(hit, continuation)
            hits.append(hit)
    return hits


def _other_row(lines: Sequence[TextLine], j: int, label: int) -> bool:
    """Whether line j has something on its left on its own row other than our label: then it
    is a cell of another row of the table (案件来源 | 上级交办 above 案由 | …)."""
    b = lines[j]
    return any(k not in (j, label) and lines[k].x1 <= b.x0 + 2 and v_overlap(lines[k], b) >= 0.25
               for k in range(len(lines)))


def _cell_top(lines: Sequence[TextLine], label: int, cell: int) -> int:
    """The first line of a wrapped cell whose label sits level with a later line of it."""
    me = lines[label]
    while True:
        c = lines[cell]
        above = [j for j, b in enumerate(lines)
                 if b.y1 <= c.y0 + 0.3 * b.height and c.y0 - b.y1 <= 0.9 * b.height
                 and abs(b.x0 - c.x0) <= max(10.0, 0.8 * b.height) and b.center[1] >= me.y0 - 1.5 * me.height
                 and not _LINE_LABEL.match(fold(b.text)) and not _other_row(lines, j, label)]
        if not above:
            return cell
        cell = max(above, key=lambda k: lines[k].y1)


def _continue(hit: LabelHit, limit: int) -> None:
    """Extend a value onto following lines that sit under it in the same column (a wrapped cell)."""
    lines = hit.page.lines
    last = hit.cells[-1]
    x_start = sub_bbox(lines[last], hit.inline_start, len(lines[last].text))[0] if hit.inline_start >= 0 \
        else lines[last].x0
    for _ in range(limit):
        below = [j for j, b in enumerate(lines)
                 if b.y0 >= lines[last].y1 - 0.3 * b.height and b.y0 - lines[last].y1 <= 0.9 * b.height
                 and abs(b.x0 - x_start) <= max(10.0, 0.8 * b.height) and not same_row(b, lines[last])]
        if not below:
            return
        j = min(below, key=lambda k: lines[k].y0)
        if _LINE_LABEL.match(fold(lines[j].text)) or _other_row(lines, j, hit.index):
            return
        hit.cells.append(j)
        hit.value += lines[j].text.strip()
        last = j


def first_value(pages: Sequence[PageText], pattern: re.Pattern[str], *, valid: re.Pattern[str] | None = None,
                **kw: object) -> LabelHit | None:
    """The first label with a non-empty value (that `valid` accepts) on the given pages."""
    for page in pages:
        for hit in find_labels(page, pattern, **kw):  # type: ignore[arg-type]
            if hit.value and (valid is None or valid.search(hit.value)):
                return hit
    return None


def region_joined(hit: LabelHit, extra_lines: int = 0) -> Joined:
    """The label's line from the label on, its row's later cells and up to `extra_lines` lines
    below, joined with newlines (for lists that wrap: officers and their 执法证号)."""
    lines = hit.page.lines
    idx = [hit.index, *row_after(lines, hit.index)]
    k = hit.index
    for _ in range(extra_lines):
        nxt = k + 1
        while nxt < len(lines) and nxt in idx:
            nxt += 1
        if nxt >= len(lines):
            break
        b = lines[nxt]
        if b.y0 - lines[k].y1 > 1.2 * b.height:
            break
        label = _LINE_LABEL.match(fold(b.text))
        if label and not re.search("证号|执法证", squeeze(label.group(0))):
            break
        idx.append(nxt)
        k = nxt
    first = lines[hit.index]
    cut = TextLine(text=first.text[hit.label_end:], bbox=sub_bbox(first, hit.label_end, len(first.text)),
                   confidence=first.confidence)
    return Joined.of(hit.page.page, [cut, *(lines[j] for j in idx[1:])], sep="\n")


def left_labels(page: PageText, max_share: float = 0.36) -> list[int]:
    """Lines that look like the label column of a ruled form: short, on the left."""
    out = []
    for i, line in enumerate(page.lines):
        text = squeeze(line.text)
        if 2 <= len(text) <= 12 and line.x1 <= max_share * page.width and re.search(f"[{CJK}]", text):
            out.append(i)
    return out


def band(page: PageText, index: int) -> tuple[float, float]:
    """The vertical band of a form row whose label is line `index`: halfway to the labels above
    and below (a label sits in the middle of its cell; handwriting lands anywhere in it)."""
    lines = page.lines
    me = lines[index]
    column = [i for i in left_labels(page) if abs(lines[i].x0 - me.x0) < 0.2 * page.width or i == index]
    cy = me.center[1]
    above = [lines[i].center[1] for i in column if lines[i].center[1] < cy - 0.6 * me.height]
    below = [lines[i].center[1] for i in column if lines[i].center[1] > cy + 0.6 * me.height]
    top = (max(above) + cy) / 2 if above else me.y0 - 2 * me.height
    bottom = (min(below) + cy) / 2 if below else me.y1 + 4 * me.height
    return top, bottom
