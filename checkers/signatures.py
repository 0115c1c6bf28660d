"""Signatures and seals: the party signs the records, the recipient the receipt, the 负责人 the
approval forms; outgoing decisions, notices and correction orders bear the agency's seal."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checkers.base import DOUBTFUL, SURE, Hit, level_if, rule
from checkers.context import CaseView
from lexicon.dates import find_dates
from lexicon.roles import ROLE_NAMES
from lexicon.text import fold, squeeze
from models.case import Document, SignZone

# A refusal written down (受送达人拒绝签收，已留置…; 当事人拒绝签名): not the printed instruction
# for the case (受送达人拒绝签收的，送达人应注明…), nor a box of a printed list of methods.
_REFUSED = re.compile(r"(拒绝签[名字收]|拒签|拒不签[名字收]?|拒绝在.{0,6}签[名字])(?![的时])")
# Service without the recipient's own hand: 留置 (a witness or video instead), 公告, 邮寄 (the
# postal receipt is the proof), 电子送达 (the system's record).
_NO_HAND_METHOD = re.compile(r"留置|公告|邮寄|邮政|EMS|快递|挂号|电子送达|传真|电子邮件")
_NO_HAND_TEXT = re.compile(r"已?(将.{0,12})?留置于|已留置|妥投|邮件号|运单号|挂号信|邮寄送达回执")
SIGNED = ("ink", "stamp")

ROLE_SUGGEST = {
    "party": "笔录应交当事人核对并逐页签名；当事人拒绝签名的，应注明原因并由见证人签名或录音录像",
    "recipient": "送达回证应由受送达人签名或盖章并记明收到日期；拒收的应依法留置送达并记录",
    "leader": "由负责人在审批栏签署意见、签名并注明日期",
}


def _recipient_excused(doc: Document, text: str) -> bool:
    """Whether the receipt records service that needs no recipient's hand (民诉法 art89, art90,
    art95): a refusal noted, 留置, 公告, 邮寄 with the postal proof, electronic service. The method as
    read decides; the text only where no method was read."""
    if _REFUSED.search(text):
        return True
    method = doc.fields.values.get("service_method")
    if method is not None:
        return bool(_NO_HAND_METHOD.search(method.value))
    return bool(_NO_HAND_TEXT.search(text))


def _unsigned(zones: list[SignZone], role: str, refused_pages: set[int]) -> tuple[list[SignZone], bool]:
    """The zones of a role left empty where the role's hand is required, and whether the answer
    is uncertain (a zone of unknown role left empty where none of the role was found).

    The party signs every page of a record: a page is answered by any of its party zones. The
    recipient is answered by his own zone or an agent's (代收人 with the reason). A leader's row
    is answered by itself. A zone that could not be judged is not counted either way.
    """
    if role == "recipient":
        wanted = [z for z in zones if z.role == "recipient"]
        if any(z.state in SIGNED for z in zones if z.role in ("recipient", "agent")):
            return [], False
        return [z for z in wanted if z.state == "empty"], False
    wanted = [z for z in zones if z.role == role and z.page not in refused_pages]
    if role == "party":
        pages = {z.page for z in wanted}
        answered = {z.page for z in wanted if z.state in SIGNED}
        unsigned = [z for z in wanted if z.page in pages - answered and z.state == "empty"]
        if not wanted:
            # No zone says it is the party's; a bare 签名： left empty may be it: a person looks.
            unknown = [z for z in zones if z.role == "unknown" and z.page not in refused_pages]
            if unknown and not any(z.state in SIGNED for z in unknown):
                return [z for z in unknown if z.state == "empty"], True
        return unsigned, False
    return [z for z in wanted if z.state == "empty"], False


@rule("signature.missing.<type>", title="应有签名缺失",
      basis=(
          "《中华人民共和国行政处罚法》第五十五条第二款",
          "《中华人民共和国行政处罚法》第五十七条",
          "《中华人民共和国行政处罚法》第六十一条",
          "《中华人民共和国民事诉讼法》第八十七条",
          "《中华人民共和国民事诉讼法》第八十九条",
          "《环境行政处罚办法》（环境保护部令第8号）第四十三条",
      ))
def signatures(view: CaseView) -> Iterator[Hit]:
    """A signature the document needs is absent: the party on an inspection or inquiry record,
    the recipient on a service receipt, the 负责人 on a filing, penalty or closing approval.

    《中华人民共和国行政处罚法》第五十五条（笔录交当事人核对签名）、第五十七条（负责人审查决定）、
    第六十一条及《中华人民共和国民事诉讼法》第八十七条（受送达人签名或盖章）、第八十九条（留置送达：
    见证人或录像代替签名）；《环境行政处罚办法》（2010）第四十三条（拒绝签名的由执法人员注明）。
    The zones come from the reader (their roles from the printed labels): the 代收人 and 见证人 rows
    are never required on their own; a zone that could not be judged is not a finding.
    """
    for doc_type, roles in view.pack.signatures.items():
        for doc in view.docs(doc_type):
            text = view.text(doc)
            pages = view.doc_pages(doc)
            zones = [z for p in pages for z in p.sign_zones]
            # A refusal noted in a record (usually once, at its end) stands for all its pages
            # (办法2010 art43: the officers note it; a witness or a recording may stand beside it).
            refused = {p.page for p in pages} if any(_REFUSED.search(squeeze(fold(p.text.text))) for p in pages) \
                else set()
            for role in roles:
                if role == "recipient" and _recipient_excused(doc, text):
                    continue
                if role == "party" and not refused and not any(z.role in ("party", "unknown") for z in zones):
                    # No zone asks for the party's hand (signed in the margin, under 以上笔录已阅):
                    # whether the party signed cannot be told from the print: a person looks.
                    yield Hit(
                        code=f"signature.missing.{doc.type}",
                        message=f"{view.name(doc)}未见{ROLE_NAMES[role]}签名栏，未能确认其是否逐页签名",
                        suggestion=ROLE_SUGGEST[role],
                        evidence=[view.doc_evidence(doc)],
                        level=DOUBTFUL,
                    )
                    continue
                unsigned, uncertain = _unsigned(zones, role, refused)
                if not unsigned:
                    continue
                # A date in the cell means someone filled it in: a signature may be there unseen
                # (a layout whose signing place the reader does not know, on scans and born-digital
                # pages alike: a column of a table, a cell below the label).
                dated = any(z.dated for z in unsigned)
                level = level_if(not (uncertain or dated))
                where_pages = sorted({z.page for z in unsigned})
                # A one-page document's name already gives its page.
                where = "" if doc.first == doc.last else "、".join(f"第{p}页" for p in where_pages)
                yield Hit(
                    code=f"signature.missing.{doc.type}",
                    message=f"{view.name(doc)}{where}“{unsigned[0].label}”处未见{ROLE_NAMES[role]}签名",
                    suggestion=ROLE_SUGGEST[role],
                    evidence=[view.evidence(z.page, z.label_bbox, z.label) for z in unsigned],
                    level=level,
                )


@rule("seal.missing.<type>", title="文书未加盖印章",
      basis=(
          "《中华人民共和国行政处罚法》第五十九条第二款",
          "《党政机关公文格式》（GB/T 9704-2012）7.3.5",
      ))
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
            level=SURE,
        )
