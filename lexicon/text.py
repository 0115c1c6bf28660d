"""Text and geometry helpers shared by the field extractors: folding OCR variants, joined text
that remembers which line each character came from, and boxes for parts of a line.

Everything here is length-preserving where it says so, so that a match found in the folded
text can be cut out of the original text and located on the page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat

from models.case import FieldValue, TextLine
from models.report import BBox

CJK = "\u4e00-\u9fff"


def _fold_table() -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # ２０２４ → 2024, （ → (
    table.update({ord(c): " " for c in "\u3000\u00a0\u2002\u2003\u2009\u200b"})
    # Kangxi radicals and compatibility ideographs some OCR models emit for 日, 月, 十…
    for code in [*range(0x2E80, 0x2FE0), *range(0xF900, 0xFB00)]:
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Full-width ASCII to ASCII, odd spaces to a space, radicals to ideographs; same length."""
    return text.translate(_FOLD)


# Any whitespace: `\s` on str patterns is the test `str.isspace` makes (Py_UNICODE_ISSPACE).
_ANY_SPACE_RE = re.compile(r"\s")


def compact(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, and for each kept character its index in `text`."""
    if _ANY_SPACE_RE.search(text) is None:
        return text, list(range(len(text)))  # most lines: nothing to drop, no per-character loop
    kept = [(i, c) for i, c in enumerate(text) if not c.isspace()]
    return "".join(c for _, c in kept), [i for i, _ in kept]


def union(boxes: Iterable[BBox]) -> BBox | None:
    boxes = list(boxes)
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _weight(ch: str) -> float:
    # CJK glyphs are about twice as wide as digits and Latin letters in these fonts.
    if ch.isspace():
        return 0.5
    return 0.55 if ord(ch) < 0x2E80 else 1.0


def sub_bbox(line: TextLine, start: int, end: int) -> BBox:
    """The part of a line's box that holds text[start:end], estimated from glyph widths."""
    text = line.text
    if not text or (start <= 0 and end >= len(text)):
        return line.bbox
    weights = [_weight(c) for c in text]
    total = sum(weights) or 1.0
    x0, y0, x1, y1 = line.bbox
    left = x0 + (x1 - x0) * sum(weights[:max(start, 0)]) / total
    right = x0 + (x1 - x0) * sum(weights[:min(end, len(text))]) / total
    return (round(left, 2), y0, round(max(right, left + 1), 2), y1)


def v_overlap(a: TextLine, b: TextLine) -> float:
    """Vertical overlap of two boxes as a share of the smaller height."""
    top, bottom = max(a.y0, b.y0), min(a.y1, b.y1)
    return max(0.0, bottom - top) / max(min(a.height, b.height), 1e-6)


def same_row(a: TextLine, b: TextLine) -> bool:
    return v_overlap(a, b) >= 0.5


def right_neighbour(lines: Sequence[TextLine], i: int, max_gap_heights: float = 4.0,
                    candidates: Iterable[int] | None = None) -> int | None:
    """The nearest box to the right of line i on the same row, if close enough."""
    a = lines[i]
    best: tuple[float, int] | None = None
    for j in candidates if candidates is not None else range(len(lines)):
        b = lines[j]
        if j == i or b.x0 < a.x1 - 0.3 * a.height or not same_row(a, b):
            continue
        gap = b.x0 - a.x1
        if gap <= max_gap_heights * max(a.height, b.height) and (best is None or gap < best[0]):
            best = (gap, j)
    return best[1] if best else None


def _rows(lines: Sequence[TextLine]) -> list[list[int]]:
    """For each line, the lines whose vertical extent meets its own (row candidates)."""
    order = sorted(range(len(lines)), key=lambda k: lines[k].y0)
    near: list[list[int]] = [[] for _ in lines]
    for pos, i in enumerate(order):
        a = lines[i]
        for j in order[pos + 1:]:
            if lines[j].y0 > a.y1:
                break
            near[i].append(j)
            near[j].append(i)
    return near


def row_after(lines: Sequence[TextLine], i: int) -> list[int]:
    """Every box to the right of line i on its row, left to right (a table row's later cells).

    Loose on height: a label sits mid-cell while the cell's text starts at its top."""
    a = lines[i]
    found = [j for j, b in enumerate(lines) if j != i and v_overlap(a, b) >= 0.25 and b.x0 >= a.x1 - 0.3 * a.height]
    return sorted(found, key=lambda j: lines[j].x0)


@dataclass
class Joined:
    """Lines of one page joined into one string; each character knows its line and offset."""

    page: int
    lines: list[TextLine]
    text: str = ""  # original characters
    folded: str = ""
    owner: list[tuple[int, int]] = field(default_factory=list)  # (line position in `lines`, offset) or (-1, -1)

    @classmethod
    def of(cls, page: int, lines: Sequence[TextLine], sep: str | Sequence[str] = "") -> Joined:
        """Lines joined with `sep`, or with seps[k] put before line k (seps[0] unused)."""
        seps = [sep] * len(lines) if isinstance(sep, str) else list(sep)
        parts: list[str] = []
        owner: list[tuple[int, int]] = []
        for k, line in enumerate(lines):
            if k and seps[k]:
                parts.append(seps[k])
                owner.extend([(-1, -1)] * len(seps[k]))
            parts.append(line.text)
            owner.extend(zip(repeat(k), range(len(line.text))))  # (k, offset) per character, in C
        text = "".join(parts)
        return cls(page=page, lines=list(lines), text=text, folded=fold(text), owner=owner)

    def lines_of(self, start: int, end: int) -> list[int]:
        return sorted({self.owner[i][0] for i in range(max(start, 0), min(end, len(self.owner)))
                       if self.owner[i][0] >= 0})

    def bbox(self, start: int, end: int) -> BBox | None:
        boxes = []
        for k in self.lines_of(start, end):
            offs = [self.owner[i][1] for i in range(start, end) if self.owner[i][0] == k]
            boxes.append(sub_bbox(self.lines[k], min(offs), max(offs) + 1))
        return union(boxes)

    def confidence(self, start: int, end: int) -> float:
        confs = [self.lines[k].confidence for k in self.lines_of(start, end)]
        return min(confs) if confs else 0.0

    def value(self, value: str, start: int, end: int, *, penalty: float = 1.0) -> FieldValue:
        """A FieldValue for text[start:end] with the given normalised value."""
        conf = max(0.0, min(1.0, self.confidence(start, end) * penalty))
        return FieldValue(value=value, page=self.page, bbox=self.bbox(start, end),
                          raw=self.text[start:end].strip(), confidence=round(conf, 3))


def windows(lines: Sequence[TextLine]) -> list[list[int]]:
    """Runs of lines whose text may continue into each other: cells of one row (left to right)
    and a line wrapped onto the next. Single lines are not included."""
    runs: list[list[int]] = []
    near = _rows(lines)
    for i in range(len(lines)):
        run = [i]
        while len(run) < 5:
            nxt = right_neighbour(lines, run[-1], candidates=near[run[-1]])
            if nxt is None or nxt in run:
                break
            run.append(nxt)
        if len(run) > 1:
            runs.append(run)
        if i + 1 < len(lines):
            a, b = lines[i], lines[i + 1]
            below = b.y0 >= a.center[1] and b.y0 - a.y1 <= 1.5 * max(a.height, b.height)
            if below and not same_row(a, b):
                runs.append([i, i + 1])
    return runs


_SPACE_RE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Whitespace removed (labels and names are often letter-spaced: 当 事 人, 案    号)."""
    return _SPACE_RE.sub("", text)


# A finder reads joined text and yields (start, end, value, confidence factor).
Finder = Callable[[Joined], Iterable[tuple[int, int, str, float]]]


def scan_lines(lines: Sequence[TextLine], page: int, finder: Finder, join_penalty: float = 0.95
               ) -> list[tuple[int, FieldValue]]:
    """Run a finder over each line, then over runs of lines (row cells, wrapped lines) for values
    that only read whole across a boundary; a longer joined reading replaces a partial one.
    Returns (index of the line the value starts on, value) in reading order."""
    items: list[tuple[int, int, int, FieldValue]] = []  # (line, start, end, value)
    for i, line in enumerate(lines):
        joined = Joined.of(page, [line])
        for s, e, value, factor in finder(joined):
            items.append((i, s, e, joined.value(value, s, e, penalty=factor)))
    for run in windows(lines):
        joined = Joined.of(page, [lines[k] for k in run])
        for s, e, value, factor in finder(joined):
            covered = joined.lines_of(s, e)
            if len(covered) < 2:
                continue
            first = run[covered[0]]
            s_off = joined.owner[s][1]
            clash = [it for it in items if it[0] == first and it[1] < len(lines[first].text) and it[2] > s_off]
            if any(it[3].value == value for it in clash):
                continue
            items = [it for it in items if it not in clash]
            items.append((first, s_off, len(lines[first].text), joined.value(value, s, e, penalty=factor * join_penalty)))
    items.sort(key=lambda it: (it[0], it[1]))
    return [(it[0], it[3]) for it in items]
