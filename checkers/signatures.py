"""Signatures and seals: the party signs the records, the recipient the receipt, the 负责人 the
approval forms; outgoing decisions, notices and correction orders bear the agency's seal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from checkers.base import Hit, rule
from checkers.context import CaseView
from extractors.marks import find_labels
from lexicon.dates import find_dates
from lexicon.text import fold, squeeze
from models.case import Document, Mark, PageAnalysis, TextLine

# Who a role is on a form or record, by the words of its printed label.
_PARTY = re.compile(r"被检查人|被检查单位|被询问人|被调查人|当事人|现场负责人|委托代理人")
_RECIPIENT = re.compile(r"收件人|签收人|受送达人|代收人")
_LEADER = re.compile(r"^(?!承办|法制|部门|科|室|机构|经办|审核)\S{0,8}(负责人|领导|局长)\S{0,4}(审批|审核)?意见$"
                     r"|^(负责人|领导)?审批意见$|^审批人")
_GENERIC = re.compile(r"^(签名|签字|签章|盖章)")
# A refusal written down (受送达人拒绝签收，已留置…; 当事人拒绝签名): not the printed instruction
# for the case (受送达人拒绝签收的，送达人应注明…), nor a box of a printed list of methods.
_REFUSED = re.compile(r"(拒绝签[名字收]|拒签|拒不签[名字收]?|拒绝在.{0,6}签[名字])(?![的时])")
_LEFT = re.compile(r"留置送达|公告送达")

ROLE_NAMES = {"party": "当事人（被检查人/被询问人）", "recipient": "受送达人", "leader": "负责人"}
ROLE_SUGGEST = {
    "party": "笔录应交当事人核对并逐页签名；当事人拒绝签名的，应注明原因并由见证人签名或录音录像",
    "recipient": "送达回证应由受送达人签名或盖章并记明收到日期；拒收的应依法留置送达并记录",
    "leader": "由负责人在审批栏签署意见、签名并注明日期",
}


@dataclass(frozen=True)
class _RoleLabel:
    page: PageAnalysis
    line: TextLine
    text: str


def _role_labels(view: CaseView, doc: Document, role: str) -> list[_RoleLabel]:
    out: list[_RoleLabel] = []
    for page in view.doc_pages(doc):
        lines = page.text.lines
        if role == "leader":
            for line in lines:
                text = squeeze(fold(line.text))
                if _LEADER.search(text):
                    out.append(_RoleLabel(page, line, text))
            continue
        pattern = _PARTY if role == "party" else _RECIPIENT
        for lab in find_labels(lines):
            text = squeeze(lab.text)
            # The role may stand before the label proper: 被检查单位负责人签名 reads as 负责人签名.
            line_text = squeeze(lines[lab.line].text)
            head = line_text[:line_text.find(text) + len(text)] if text in line_text else text
            if not pattern.search(head[-14:]):
                continue
            # 被检查单位：某公司 in a record's header names the party; a signing label asks for a hand.
            if lab.sign_word or (role == "recipient" and re.search(r"收件人|签收人|代收人", text)):
                out.append(_RoleLabel(page, lines[lab.line], text))
    return out


def _labels_on(page: PageAnalysis) -> list[tuple[TextLine, str]]:
    """The signing labels of a page that say whose hand is asked for (a bare 签名： does not)."""
    out = []
    for lab in find_labels(page.text.lines):
        text = squeeze(lab.text)
        if not _GENERIC.match(text):
            out.append((page.text.lines[lab.line], text))
    for line in page.text.lines:
        text = squeeze(fold(line.text))
        if len(text) <= 12 and text.endswith("意见"):
            out.append((line, text))
    return out


def _belongs(mark: Mark, label: _RoleLabel, page_labels: list[tuple[TextLine, str]]) -> bool:
    """Whether a signature mark answers this label: it names it, or (found after a bare 签名：)
    this is the nearest label beside or above it."""
    mark_label = squeeze(mark.label or "")
    if mark_label == label.text:
        return True
    if mark_label and not _GENERIC.match(mark_label):
        return False
    my = (mark.bbox[1] + mark.bbox[3]) / 2

    def distance(line: TextLine) -> float:
        cy = line.center[1]
        return abs(my - cy) + (20.0 if cy > mark.bbox[3] else 0.0)

    near = min(page_labels, key=lambda lt: distance(lt[0]), default=None)
    return near is not None and near[0] == label.line


def _dated_near(label: _RoleLabel, page_labels: list[tuple[TextLine, str]]) -> bool:
    """A date written in the label's row (a signer's date shows the cell was filled in). The row
    runs halfway to the labels above and below."""
    cy = label.line.center[1]
    above = [ln.center[1] for ln, _ in page_labels if ln.center[1] < cy - 4]
    below = [ln.center[1] for ln, _ in page_labels if ln.center[1] > cy + 4]
    top = (cy + max(above)) / 2 if above else cy - 30
    bottom = (cy + min(below)) / 2 if below else cy + (cy - top)
    row = [ln for ln in label.page.text.lines if top <= ln.center[1] <= bottom and ln.x1 > label.line.x0]
    return bool(find_dates(row, label.page.page))


@rule("signature.missing.<type>")
def signatures(view: CaseView) -> Iterator[Hit]:
    """A signature the document needs is absent: the party on an inspection or inquiry record,
    the recipient on a service receipt, the 负责人 on a filing, penalty or closing approval.

    行政处罚法 art55 (笔录 交当事人核对签名), art57 (负责人审查决定), art61 + 民事诉讼法 art87
    (受送达人签名或盖章), art89 (留置送达: no recipient signature, a witness or video instead);
    办法2010 art43 (拒绝签名 noted by the officers). A label that was not read is not looked at.
    """
    for doc_type, roles in view.pack.signatures.items():
        for doc in view.docs(doc_type):
            text = view.text(doc)
            for role in roles:
                if role == "recipient" and _REFUSED.search(text):
                    continue  # a refusal noted is lawful (民诉法 art89)
                if role == "recipient":
                    # 留置/公告送达 need no recipient signature (民诉法 art89, art95): the method as
                    # read decides; the text only where no method was read.
                    method = doc.fields.values.get("service_method")
                    if method is not None and _LEFT.search(method.value):
                        continue
                    if method is None and re.search(r"已?(将.{0,12})?留置于|已留置", text):
                        continue
                labels = _role_labels(view, doc, role)
                if role == "party":
                    # A refusal noted on a page stands for that page (办法2010 art43).
                    labels = [lab for lab in labels if not _REFUSED.search(squeeze(fold(lab.page.text.text)))]
                if not labels:
                    continue
                unsigned: list[_RoleLabel] = []
                dated = False
                for label in labels:
                    page_labels = _labels_on(label.page)
                    if not any(_belongs(m, label, page_labels) for m in label.page.signatures):
                        unsigned.append(label)
                        # A date in the cell means someone filled it in: a signature may be there unseen.
                        dated = dated or _dated_near(label, page_labels)
                if not unsigned:
                    continue
                # The party signs every page of a record (DOMAIN §5): one page unsigned is a defect.
                confidence = 0.55 if dated else 0.9
                pages = sorted({lab.page.page for lab in unsigned})
                # A one-page document's name already gives its page.
                where = "" if doc.first == doc.last else "、".join(f"第{p}页" for p in pages)
                yield Hit(
                    code=f"signature.missing.{doc.type}",
                    message=f"{view.name(doc)}{where}“{unsigned[0].text}”处未见{ROLE_NAMES[role]}签名",
                    suggestion=ROLE_SUGGEST[role],
                    evidence=[view.evidence(lab.page.page, lab.line.bbox, lab.line.text) for lab in unsigned],
                    confidence=confidence,
                )


@rule("seal.missing.<type>")
def seals(view: CaseView) -> Iterator[Hit]:
    """An outgoing document has no agency seal.

    行政处罚法 art59 ¶2: 行政处罚决定书必须盖有作出行政处罚决定的行政机关的印章; 责令改正 and
    告知书 carry the seal in practice (DOMAIN §5: 合法性 for decisions, 规范性 for notices by
    default; the pack decides). 骑缝章 is never required.
    """
    for doc in view.docs(*view.pack.seals.required):
        if doc.sealed is not False:
            continue
        last = view.page(doc.last)
        closing = next((ln for ln in reversed(last.text.lines) if find_dates([ln], last.page)), None)
        yield Hit(
            code=f"seal.missing.{doc.type}",
            message=f"{view.name(doc)}落款处未见印章",
            suggestion=f"{view.title(doc)}应加盖作出决定的行政机关印章",
            evidence=[view.evidence(doc.last, closing.bbox if closing else None,
                                    closing.text if closing else None)],
            confidence=0.9,
        )
