"""Page classification: which document type a page belongs to and whether it starts a document.

The strongest cue on a case-file page is its printed title (行政处罚决定书, 送达回证, …): short,
centred, larger than body text, near the top. `TitleClassifier` finds such lines, matches them
against the titles real archives use (each type's patterns in models/doctypes.py), and reports a page with none as a
continuation. The splitter then uses archive page numbers and the 卷内目录 to settle the rest.
Classifiers sit behind the small `PageClassifier` interface so another (e.g. a trained model)
can be configured instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from lexicon.dates import cn_small
from models.case import PageText, TextLine
from models.doctypes import DOC_TYPES, DocTypeSpec, by_title_rank
from models.report import BBox


@dataclass(frozen=True)
class TitlePattern:
    """One type's titles as the classifier tries them (models.doctypes: patterns, slack, bias)."""

    doc_type: str
    pattern: re.Pattern[str]
    slack: int
    bias: float


@lru_cache(maxsize=8)
def _lexicon(registry: tuple[DocTypeSpec, ...]) -> tuple[TitlePattern, ...]:
    specs = by_title_rank({s.code: s for s in registry})
    return tuple(TitlePattern(s.code, re.compile("|".join(s.titles)), s.title_slack, s.title_bias) for s in specs)


def title_lexicon(types: Mapping[str, DocTypeSpec] = DOC_TYPES) -> tuple[TitlePattern, ...]:
    """The title patterns of a registry, in the order they are tried: the first match wins."""
    if types is DOC_TYPES:
        return _DEFAULT_LEXICON
    return _lexicon(tuple(types.values()))


_DEFAULT_LEXICON = _lexicon(tuple(DOC_TYPES.values()))


_PUNCT = re.compile(r"[\s　·•.,，。:：;；_\-—~～]+")
_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "（", "]": "）", "【": "（", "】": "）"})
# A cited title 《…》, a copy's certification stamp: they name documents without being titles.
_NOT_A_TITLE = re.compile(r"^《|与原件|核对无误|核无误")
_CONTINUATION = re.compile(r"续页|（续）|续表|\(续\)")
_PAGE_OF = re.compile(r"第\s*([0-9一二三四五六七八九十]+)\s*页\s*[,，]?\s*共\s*([0-9一二三四五六七八九十]+)\s*页")


def title_key(text: str) -> str:
    """A line as compared with the lexicon: no spaces or punctuation, one kind of bracket."""
    return _PUNCT.sub("", text.translate(_BRACKETS))


_AGENCY_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,12}?(生态环境|环境保护|环保)(局|厅)([\u4e00-\u9fff]{1,8}?分局)?")


def match_title(text: str, types: Mapping[str, DocTypeSpec] = DOC_TYPES) -> str | None:
    """The document type a title names, or None."""
    key = title_key(text)
    for entry in title_lexicon(types):
        if entry.pattern.search(key):
            return entry.doc_type
    return None


@dataclass(frozen=True)
class TitleHit:
    doc_type: str
    text: str
    bbox: BBox
    score: float  # 0..1: how title-like the line is (position, size, centring, shortness)
    continuation: bool = False  # "(续页)": the title of a document's later page


@dataclass(frozen=True)
class PageClass:
    """What the classifier says of one page."""

    doc_type: str | None  # None: no title; the page continues whatever came before
    confidence: float
    starts: bool  # a new document begins on this page
    title: str | None = None
    title_bbox: BBox | None = None
    # Further titles lower on the same page: documents that share the page (type, text, bbox).
    more: tuple[TitleHit, ...] = ()
    page_of: tuple[int, int] | None = None  # "第2页 共3页"


class PageClassifier(Protocol):
    def classify(self, text: PageText) -> PageClass: ...


def _cn_int(text: str) -> int | None:
    try:
        return int(text) if text.isdigit() else cn_small(text)
    except KeyError:
        return None


def page_of(text: PageText) -> tuple[int, int] | None:
    """The document's own page counter ("第2页 共3页") if the page prints one."""
    for line in text.lines:
        m = _PAGE_OF.search(line.text.replace(" ", ""))
        if m:
            n, total = _cn_int(m.group(1)), _cn_int(m.group(2))
            if n and total and 1 <= n <= total <= 99:
                return n, total
    return None


class TitleClassifier:
    """Classifies a page by its printed title."""

    # Titles are short: a body sentence that merely mentions 决定书 is not one.
    max_extra_chars = 10
    min_score = 0.55

    def __init__(self, types: Mapping[str, DocTypeSpec] = DOC_TYPES) -> None:
        self.lexicon = title_lexicon(types)

    def classify(self, text: PageText) -> PageClass:
        hits = self.title_hits(text)
        counter = page_of(text)
        if not hits:
            return PageClass(doc_type=None, confidence=0.0, starts=False, page_of=counter)
        first = hits[0]
        top_limit = text.height * 0.42
        # A document's title sits near the top; one lower down starts a document sharing the page.
        starts = first.bbox[1] <= top_limit and not first.continuation
        if counter and counter[0] > 1:
            starts = False  # a repeated title on page 2 of 3 of the same record
        more = tuple(h for h in hits[1:] if h.bbox[1] > top_limit and h.score >= 0.6 and not h.continuation)
        if not starts and first.bbox[1] > top_limit and first.score >= 0.6 and not first.continuation:
            more = (first, *more)
        return PageClass(
            doc_type=first.doc_type,
            confidence=first.score,
            starts=starts,
            title=first.text,
            title_bbox=first.bbox,
            more=more,
            page_of=counter,
        )

    def title_hits(self, text: PageText) -> list[TitleHit]:
        lines = [ln for ln in text.lines if ln.text.strip()]
        if not lines:
            return []
        body_height = _median([ln.height for ln in lines]) or 10.0
        hits: list[TitleHit] = []
        for i in range(len(lines)):
            for candidate, bbox in self._candidates(lines, i):
                hit = self._score(candidate, bbox, text, body_height)
                if hit:
                    hits.append(hit)
                    break
        hits.sort(key=lambda h: (h.bbox[1], -h.score))
        # Best hit per row: a title and its joined form must not count twice.
        unique: list[TitleHit] = []
        for hit in hits:
            if unique and abs(unique[-1].bbox[1] - hit.bbox[1]) < body_height * 1.2:
                if hit.score > unique[-1].score:
                    unique[-1] = hit
                continue
            unique.append(hit)
        # Real titles score 0.64 and up on generated files; table labels (证明对象) near 0.47.
        return [h for h in unique if h.score >= self.min_score]

    @staticmethod
    def _candidates(lines: list[TextLine], i: int) -> list[tuple[str, BBox]]:
        """The line alone, and joined with the next line when a title wraps (…（听证）/告知书)."""
        line = lines[i]
        out = [(line.text, line.bbox)]
        if i + 1 < len(lines):
            nxt = lines[i + 1]
            gap = nxt.y0 - line.y1
            if 0 <= gap < line.height * 1.2 and abs(nxt.center[0] - line.center[0]) < line.height * 4:
                box = (min(line.x0, nxt.x0), line.y0, max(line.x1, nxt.x1), nxt.y1)
                out.append((line.text + nxt.text, box))
        return out

    def _score(self, candidate: str, bbox: BBox, text: PageText, body_height: float) -> TitleHit | None:
        key = title_key(candidate)
        if len(key) < 2 or len(key) > 30 or _NOT_A_TITLE.search(key):
            return None
        continuation = bool(_CONTINUATION.search(key))
        # The issuing agency printed on the title's line (长治市生态环境局襄垣分局行政处罚决定书) is
        # part of the heading, not extra words.
        core = _AGENCY_PREFIX.sub("", _CONTINUATION.sub("", key))
        entry = None
        match_len = 0
        for candidate_entry in self.lexicon:
            m = candidate_entry.pattern.search(core)
            if m:
                entry, match_len = candidate_entry, len(m.group(0))
                break
        if entry is None:
            return None
        doc_type = entry.doc_type
        extra = len(core) - match_len
        if extra > self.max_extra_chars + entry.slack:
            return None
        if "：" in candidate or ":" in candidate:
            # "送达文书名称：行政处罚决定书" is a field, not a title.
            label, _, value = candidate.replace(":", "：").partition("：")
            if value.strip() or len(label) > 4:
                return None
        x0, y0, x1, y1 = bbox
        height = y1 - y0
        centre_offset = abs((x0 + x1) / 2 - text.width / 2) / max(text.width, 1.0)
        size = min(max(height / body_height - 0.9, 0.0), 1.0)
        centred = 1.0 - min(centre_offset / 0.25, 1.0)
        top = 1.0 - min(y0 / max(text.height, 1.0) / 0.5, 1.0)
        short = 1.0 - min(extra / 12.0, 1.0)
        score = 0.35 * centred + 0.25 * size + 0.2 * top + 0.2 * short
        if entry.bias:
            score += entry.bias  # evidence words also occur in table headers and captions
        return TitleHit(doc_type=doc_type, text=candidate.strip(), bbox=bbox, score=round(score, 3),
                        continuation=continuation)


def _median(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[len(ordered) // 2]
