"""Signing zones: every place on a page where someone is asked to sign, whose hand it asks for,
and whether a signature or a name stamp answers it.

Built from what the page reader already found (its lines, signature marks, seals), so the rules
judge requirements by role from the typed model instead of re-reading labels. Pure geometry over
read lines: no image work here.
"""

from __future__ import annotations

import bisect
import itertools
import re

from lexicon.dates import find_dates
from lexicon.roles import LEADER_OPINION, SignLabel, find_labels, label_role, optional_role
from lexicon.text import fold, same_row, squeeze
from models.case import Mark, PageAnalysis, SignZone, TextLine

# A bare 签名：/签字： says a hand is wanted but not whose.
_GENERIC = re.compile(r"^[（(]?(签名|签字|签章|盖章)")
class _Candidate:
    """A label on a page with its role, before the marks are matched to it."""

    def __init__(self, line: TextLine, text: str, x0: float, x1: float, role: str, hand: bool) -> None:
        self.line = line
        self.text = text
        self.x0 = x0
        self.x1 = x1
        self.role = role
        self.hand = hand  # the label asks for a hand (not a typed header field such as 被检查单位：)
        self.aliases = {text}  # label texts a signature mark may name for this zone
        self.absorbed = False  # the upper line of a two-line label (受送达人 / 签名或盖章)


def _candidates(lines: list[TextLine]) -> list[_Candidate]:
    labels = find_labels(lines)
    out: list[_Candidate] = []
    by_line: dict[int, list[SignLabel]] = {}
    for lab in labels:
        by_line.setdefault(lab.line, []).append(lab)
    taken: set[int] = set()
    for li, labs in by_line.items():
        line = lines[li]
        cursor = 0
        for lab in sorted(labs, key=lambda lb: lb.x0):
            at = line.text.find(lab.text, cursor)
            before = line.text[cursor:at] if at >= 0 else ""
            cursor = at + len(lab.text) if at >= 0 else cursor
            text = squeeze(lab.text)
            role = label_role(text, before)
            # 被检查单位：某公司 in a record's header names the party; a signing label asks for a
            # hand: it says 签名/签字, is an opinion cell, or names a role that only ever signs.
            hand = lab.sign_word or lab.opinion_cell or lab.hand_only
            out.append(_Candidate(line, text, lab.x0, lab.x1, role, hand))
            taken.add(li)
    for li, line in enumerate(lines):
        if li in taken:
            continue
        text = squeeze(fold(line.text))
        if LEADER_OPINION.search(text):
            out.append(_Candidate(line, text, line.x0, line.x1, "leader", True))
    for c in out:
        _join_stacked_label(c, out)
    for c in out:
        _join_column_header(c, out)
    return [c for c in out if not c.absorbed and not _inside_named_zone(c, out)]


def _join_stacked_label(c: _Candidate, candidates: list[_Candidate]) -> None:
    """A label cell printed on two lines (受送达人 / 签名或盖章): the bare sign word below takes the
    role of the role word just above it in the same cell."""
    if c.role != "unknown" or not _GENERIC.match(c.text):
        return
    cy, h = c.line.center[1], max(c.line.height, 8.0)
    above = [o for o in candidates if o is not c and o.role != "unknown" and 0 < cy - o.line.center[1] <= 2.2 * h
             and o.x0 < c.x1 and c.x0 < o.x1]
    if above:
        o = max(above, key=lambda o: o.line.center[1])
        c.aliases |= {o.text, c.text}
        c.role, c.text = o.role, o.text + c.text
        c.aliases.add(c.text)
        if not o.hand:
            o.absorbed = True  # the upper half of this label, not a field of its own


def _join_column_header(c: _Candidate, candidates: list[_Candidate]) -> None:
    """A bare 签名： in a table of opinion columns (承办人意见 | 审核意见 | 审批意见 across the top,
    each cell with its opinion and its own 签名： below): the header of the column it stands in
    gives it its role, and the header's zone is this one (the ink is beside the 签名：, not under
    the header, which is centred in its column)."""
    if c.role != "unknown" or not _GENERIC.match(c.text):
        return
    cy, h = c.line.center[1], max(c.line.height, 8.0)
    above = [o for o in candidates
             if o is not c and o.role != "unknown" and o.hand and 0 < cy - o.line.center[1] <= 10 * h]
    if not above:
        return
    nearest = max(o.line.center[1] for o in above)
    header = sorted((o for o in above if abs(o.line.center[1] - nearest) <= 0.5 * h), key=lambda o: o.x0)
    if len(header) < 2:  # one label above is no row of columns
        return
    centres = [(o.x0 + o.x1) / 2 for o in header]
    bounds = [(a + b) / 2 for a, b in itertools.pairwise(centres)]
    o = header[bisect.bisect(bounds, (c.x0 + c.x1) / 2)]
    c.aliases |= {o.text, c.text}
    c.role, c.text = o.role, o.text + c.text
    c.aliases.add(c.text)
    o.absorbed = True


def _inside_named_zone(c: _Candidate, candidates: list[_Candidate]) -> bool:
    """A bare 签名：/签字： printed inside the cell of a named label (收件人签名或盖章 | 签名：____):
    part of that label's zone, not a zone of its own."""
    if c.role != "unknown" or not _GENERIC.match(c.text):
        return False
    cy = c.line.center[1]
    for named in candidates:
        if named is c or named.role == "unknown" or named.x1 > c.x0 + 4:
            continue
        if abs(named.line.center[1] - cy) > 40:
            continue
        between = [o for o in candidates if o is not c and o is not named and named.x1 <= o.x0 < c.x0
                   and abs(o.line.center[1] - cy) <= 12]
        if not between:
            return True
    return False


def _row_band(c: _Candidate, candidates: list[_Candidate]) -> tuple[float, float]:
    """The label's row: halfway to the labels above and below."""
    cy = c.line.center[1]
    above = [o.line.center[1] for o in candidates if o.line.center[1] < cy - 4]
    below = [o.line.center[1] for o in candidates if o.line.center[1] > cy + 4]
    top = (cy + max(above)) / 2 if above else cy - 30
    bottom = (cy + min(below)) / 2 if below else cy + (cy - top)
    return top, bottom


def _x_end(c: _Candidate, candidates: list[_Candidate]) -> float:
    """Where the label's zone ends on its row: at the next label standing on the same row."""
    nxt = [o.x0 for o in candidates if o is not c and same_row(o.line, c.line) and o.x0 > c.x0 + 1]
    return min(nxt, default=float("inf"))


def _owner(mark: Mark, candidates: list[_Candidate]) -> _Candidate | None:
    """The label a signature answers: the one it names, in whose stretch of the row it lies;
    for ink found after a bare 签名：, the nearest label beside or above it, a named one first."""
    mark_label = squeeze(mark.label or "")
    mx, my = (mark.bbox[0] + mark.bbox[2]) / 2, (mark.bbox[1] + mark.bbox[3]) / 2

    def off_stretch(o: _Candidate) -> bool:
        return not (o.x0 - 4 <= mx < _x_end(o, candidates))

    if mark_label and not _GENERIC.match(mark_label):
        named = [o for o in candidates if mark_label in o.aliases]
        return min(named, key=lambda o: (off_stretch(o), abs(my - o.line.center[1])), default=None)

    def distance(o: _Candidate) -> float:
        # A named label first: a bare 签名： beside the ink is no better a guess than the role
        # label a little above it (the old reading, which the accuracy suites were built on).
        cy = o.line.center[1]
        return (abs(my - cy) + (20.0 if cy > mark.bbox[3] else 0.0) + (1000.0 if off_stretch(o) else 0.0)
                + (500.0 if _GENERIC.match(o.text) and o.role == "unknown" else 0.0))

    if not mark_label:
        # Unlabelled ink (placed outside every zone the reader knew) in an opinion cell is the
        # handwritten opinion (同意立案), not the signature below it.
        candidates = [o for o in candidates if not o.text.endswith("意见")]
    best = min(candidates, key=distance, default=None)
    if best is not None and not mark_label and distance(best) > 80.0:
        return None  # ink found by no label (a note in the margin): near none, it answers none
    return best


def _stamp_in_zone(seal: Mark, c: _Candidate, band: tuple[float, float], candidates: list[_Candidate]) -> bool:
    """A seal (a unit's 公章 or a personal name stamp) pressed in the label's row, right of it."""
    cx, cy = (seal.bbox[0] + seal.bbox[2]) / 2, (seal.bbox[1] + seal.bbox[3]) / 2
    return band[0] <= cy <= band[1] and c.x0 - 4 <= cx < _x_end(c, candidates)


def _dated(c: _Candidate, band: tuple[float, float], lines: list[TextLine], page: int) -> bool:
    row = [ln for ln in lines if band[0] <= ln.center[1] <= band[1] and ln.x1 > c.line.x0]
    return bool(find_dates(row, page))


def sign_zones(page: PageAnalysis) -> list[SignZone]:
    """The signing zones of a read page, each with its role and what answers it."""
    lines = page.text.lines
    candidates = _candidates(lines)
    zones: list[SignZone] = []
    judged = page.text.source != "empty"
    owners = {id(m): _owner(m, candidates) for m in page.signatures}
    for c in candidates:
        if not c.hand:
            continue
        band = _row_band(c, candidates)
        mark = next((m for m in page.signatures if owners[id(m)] is c), None)
        seal = None if mark else next((s for s in page.seals if _stamp_in_zone(s, c, band, candidates)), None)
        if mark is not None:
            state, found, conf = "ink", mark.bbox, mark.confidence
        elif seal is not None:
            state, found, conf = "stamp", seal.bbox, seal.confidence
        else:
            state, found, conf = ("empty" if judged else "unknown"), None, 1.0
        zones.append(SignZone(
            page=page.page, label=c.text, label_bbox=c.line.bbox, role=c.role,  # type: ignore[arg-type]
            state=state, mark_bbox=found, confidence=round(conf, 3),  # type: ignore[arg-type]
            # Only a date read from the image can be a hand's; a text layer's dates were typed.
            dated=page.text.source == "ocr" and _dated(c, band, lines, page.page),
            required=not optional_role(c.role),
        ))
    return zones
