"""A small builder of typed case files for the checkers' unit tests: no PDF, no OCR.

A case file is a list of `DocSpec`s, one per document, each with the lines printed on its pages.
`build_case` lays them out one after another, numbers the pages, and makes the model the
reader would have made: the document's 文号 and date as `FieldValue`s pointing at the line they
were read from, signature marks answering the signing labels that `extractors.marks.find_labels`
finds on the page, a seal pressed over the closing date, the stamped 卷内页码.

`clean_specs()` is a sound 一般程序 case (宜春市生态环境局, 2024): every required document, dated
in a lawful order, numbered consistently, each served document with its receipt, signed, sealed,
two officers on each record. A test takes it, injects one defect (`spec(specs, "decision").date =
…`), builds and checks it.

Line templates: `{number}` and `{date}` are the document's own 文号 and date as printed (a line
whose placeholder has nothing to show is left out: nothing was read there); `{served}` on a
receipt is the served document's title and 文号.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from checkers import RULES, CaseView, CheckResult, RulePack, check_case, load_pack
from extractors.zones import sign_zones
from lexicon.roles import find_labels
from lexicon.text import squeeze
from models.case import (
    CaseFile,
    Document,
    DocumentFields,
    FieldValue,
    Mark,
    PageAnalysis,
    PageText,
    TextLine,
)
from models.report import BBox, CaseFields, DocumentType, Finding

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN_L, MARGIN_R, TOP, STEP, LINE_H = 72.0, 523.0, 72.0, 26.0, 14.0
UNNUMBERED = ("cover", "toc", "archive_note")  # no 卷内页码 on these (DOMAIN §3)

AGENCY = "宜春市生态环境局"
PARTY = "宜春某某化工有限公司"
PARTY_REP = "王某某"
OFFICERS = (("刘明", "36090415012"), ("李华", "36090415027"))
CASE_NUMBER = "宜环立〔2024〕31号"
CAUSE = "未按规定设置危险废物识别标志"


# -- lines ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class L:
    """One printed line: its text, where it stands, and whether it shares the previous line's row."""

    text: str
    align: Literal["left", "centre", "right"] = "left"
    x: float | None = None  # left edge, overrides `align`
    row: bool = False  # on the same row as the line before it


def centre(text: str) -> L:
    return L(text, align="centre")


def right(text: str) -> L:
    return L(text, align="right")


def beside(text: str, x: float = 380.0) -> L:
    """Text on the same row as the line before it, starting at `x` (a date after a signing label)."""
    return L(text, x=x, row=True)


def text_width(text: str) -> float:
    """Printed width in points: CJK glyphs about 12 pt, digits and Latin about 6.5 pt."""
    return sum(6.5 if ord(c) < 0x2E80 else 12.0 for c in text)


def layout(lines: list[L], confidence: float = 0.97) -> list[TextLine]:
    """Lines on a page, top to bottom, as the reader returns them."""
    out: list[TextLine] = []
    y = TOP - STEP
    for line in lines:
        if not line.row:
            y += STEP
        width = text_width(line.text)
        if line.x is not None:
            x0 = line.x
        elif line.align == "centre":
            x0 = (PAGE_W - width) / 2
        elif line.align == "right":
            x0 = MARGIN_R - width
        else:
            x0 = MARGIN_L
        out.append(TextLine(text=line.text, bbox=(round(x0, 1), y, round(x0 + width, 1), y + LINE_H),
                            confidence=confidence))
    return out


def cn_date(day: dt.date) -> str:
    """2024年5月28日, as outgoing documents print it."""
    return f"{day.year}年{day.month}月{day.day}日"


# -- documents -----------------------------------------------------------------------------------

@dataclass
class DocSpec:
    """One document before it is placed in the file."""

    type: DocumentType
    title: str
    pages: list[list[L]]
    number: str | None = None  # its own 文号
    number_raw: str | None = None  # what is printed where the 文号 stands, when not `number`
    date: str | None = None  # ISO; its own date
    date_raw: str | None = None  # what is printed where the date stands, when not cn_date(date)
    values: dict[str, str | tuple[str, str]] = field(default_factory=dict)  # name -> value or (value, raw)
    lists: dict[str, list[str]] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    signed: list[str] = field(default_factory=list)  # signing labels answered by a signature
    sealed: bool | None = None  # True: a seal over the closing date; False: looked for, none
    serves: DocSpec | None = None  # a receipt's served document
    cites: str | None = None  # the 文号 a receipt cites, when not the served document's
    confidence: float = 0.97  # how surely its lines and fields were read
    grayscale: bool = False  # scanned without colour
    seal_confidence: float = 0.9

    @property
    def shown_date(self) -> str | None:
        if self.date_raw is not None:
            return self.date_raw
        return cn_date(dt.date.fromisoformat(self.date)) if self.date else None

    @property
    def shown_number(self) -> str | None:
        return self.number_raw if self.number_raw is not None else self.number

    @property
    def cited_number(self) -> str | None:
        if self.cites is not None:
            return self.cites
        return self.serves.number if self.serves else None

    def move(self, iso: str) -> None:
        """Give the document another date (printed the usual way)."""
        self.date, self.date_raw = iso, None


def spec(specs: list[DocSpec], doc_type: str, n: int = 0) -> DocSpec:
    """The n-th document of a type."""
    return [s for s in specs if s.type == doc_type][n]


def receipt_of(specs: list[DocSpec], doc_type: str) -> DocSpec:
    """The receipt serving the (first) document of a type."""
    served = spec(specs, doc_type)
    return next(s for s in specs if s.type == "service_receipt" and s.serves is served)


def drop(specs: list[DocSpec], *types: str) -> list[DocSpec]:
    """The case without every document of these types (and without the receipts serving them)."""
    gone = [s for s in specs if s.type in types]
    return [s for s in specs if s not in gone and (s.serves is None or s.serves not in gone)]


# -- the clean case ------------------------------------------------------------------------------

def _officers_line() -> str:
    return "  ".join(f"{name} 执法证号：{no}" for name, no in OFFICERS)


def _officer_lists() -> dict[str, list[str]]:
    return {"officers": [n for n, _ in OFFICERS], "officer_ids": [no for _, no in OFFICERS]}


def outgoing(doc_type: DocumentType, title: str, number: str, date: str, body: list[L],
             closing_page: list[L] | None = None) -> DocSpec:
    """An outgoing 文书: agency, title, 文号, party, body; agency and date bottom-right under the seal.
    With `closing_page`, the body fills the first page and the closing stands on a second."""
    head = [centre(AGENCY), centre(title), centre("{number}"), L(f"{PARTY}：")]
    closing = [right(AGENCY), right("{date}")]
    pages = [head + body + closing] if closing_page is None else [head + body, closing_page + closing]
    return DocSpec(doc_type, title, pages, number=number, date=date, sealed=True,
                   values={"party": PARTY})


def receipt(served: DocSpec, date: str) -> DocSpec:
    """A 送达回证 for `served`, signed by the recipient who wrote the date beside the signature."""
    return DocSpec(
        "service_receipt", "送达回证",
        [[centre(AGENCY), centre("送达回证"),
          L("送达文书名称及文号：{served}"),
          L(f"受送达人：{PARTY}"),
          L("送达地点：宜春市袁州区某某工业园8号"),
          L("送达方式：直接送达"),
          L("收件人签名或盖章："), beside("{date}"),
          L("送达人签名："),
          L("备注：")]],
        date=date, serves=served, signed=["收件人签名或盖章：", "送达人签名："],
        values={"service_method": "直接送达", "recipient": PARTY},
    )


def clean_specs() -> list[DocSpec]:
    """A sound 一般程序 case: inspection 4月2日, filing 4月3日, notice 5月10日 (served 5月13日),
    decision 5月28日 (served 5月30日), payment 6月5日, closing 6月12日."""
    cover = DocSpec("cover", "行政处罚案卷", [[
        centre("行政处罚案卷"),
        L(f"案件名称：{PARTY}{CAUSE}案"),
        L("决定书文号：宜环罚〔2024〕15号"),
        L("立案日期：2024年4月3日  结案日期：2024年6月12日"),
        L("保管期限：永久"),
    ]], date="2024-04-03", values={"filing_date": ("2024-04-03", "2024年4月3日")})
    toc = DocSpec("toc", "卷内目录", [[
        centre("卷内目录"),
        L("序号  文号  题名  日期  页号"),
        L("1  宜环立〔2024〕31号  立案审批表  2024.4.3  1"),
        L("2  现场检查（勘察）笔录  2024.4.2  2"),
        L("3  宜环罚〔2024〕15号  行政处罚决定书  2024.5.28  12-13"),
    ]])
    filing = DocSpec("filing_approval", "立案审批表", [[
        centre("立案审批表"),
        L(f"立案号：{CASE_NUMBER}"),
        L("案件来源：现场检查"),
        L(f"当事人：{PARTY}"),
        L(f"案由：{CAUSE}"),
        L("承办人意见"), beside("建议立案调查。", x=200),
        L("负责人审批意见"), beside("同意立案。", x=200),
        right("{date}"),
    ]], number=CASE_NUMBER, date="2024-04-03", signed=["承办人意见", "负责人审批意见"],
        values={"case_number": CASE_NUMBER, "party": PARTY, "cause": CAUSE})
    inspection = DocSpec("inspection_record", "现场检查（勘察）笔录", [[
        centre("现场检查（勘察）笔录"),
        L("检查时间：2024年4月2日9时10分至10时25分"),
        L("检查地点：宜春市袁州区某某工业园8号"),
        L(f"被检查单位：{PARTY}"),
        L(f"现场负责人：{PARTY_REP}  职务：厂长"),
        L(f"执法人员：{_officers_line()}"),
        L(f"记录人：{OFFICERS[1][0]}"),
        L("执法人员出示了执法证件，表明了身份，告知了申请回避的权利。"),
        L("检查情况：该单位危险废物贮存场所未设置危险废物识别标志。"),
        L("被检查人意见：以上笔录已阅，情况属实。"),
        L("被检查人签名："), beside("{date}"),
        L("执法人员签名："),
        L("记录人签名："),
    ]], date="2024-04-02", lists=_officer_lists(),
        signed=["被检查人签名：", "执法人员签名：", "记录人签名："], values={"party": PARTY})
    inquiry = DocSpec("inquiry_record", "调查询问笔录", [[
        centre("调查询问笔录"),
        L("询问时间：2024年4月8日14时00分至15时10分"),
        L("询问地点：宜春市生态环境局执法支队"),
        L(f"被询问人：{PARTY_REP}  单位：{PARTY}  职务：厂长"),
        L(f"询问人：{_officers_line()}"),
        L(f"记录人：{OFFICERS[1][0]}"),
        L("问：我们是宜春市生态环境局执法人员，这是我们的执法证件，你是否看清？"),
        L("答：看清了。"),
        L("问：你单位危险废物贮存场所为何未设置识别标志？"),
        L("答：标志牌损坏后未及时更换。"),
        L("以上笔录我已看过，与我说的相符。"),
        L("被询问人签名："), beside("{date}"),
        L("询问人签名："),
        L("记录人签名："),
    ]], date="2024-04-08", lists=_officer_lists(),
        signed=["被询问人签名：", "询问人签名：", "记录人签名："], values={"party": PARTY})
    evidence = DocSpec("evidence", "现场照片", [[
        centre("现场照片"),
        L("拍摄时间：2024年4月2日9时30分  拍摄人：刘明"),
        L("拍摄地点：宜春某某化工有限公司危险废物贮存间"),
        L("证明对象：危险废物贮存场所未设置识别标志"),
    ]], date="2024-04-02")
    correction = outgoing("correction_order", "责令改正违法行为决定书", "宜环责改〔2024〕3号", "2024-04-03", [
        L("我局于2024年4月2日对你单位进行现场检查，发现你单位危险废物贮存场所未设置危险废物识别标志。"),
        L("你单位的上述行为违反了《中华人民共和国固体废物污染环境防治法》第七十七条第一款的规定。"),
        L("现责令你单位立即改正上述违法行为。"),
        L("如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者六个月内提起行政诉讼。"),
    ])
    correction_receipt = receipt(correction, "2024-04-03")
    report = DocSpec("investigation_report", "案件调查报告", [[
        centre("案件调查报告"),
        L("案件来源：现场检查"),
        L(f"当事人基本情况：{PARTY}，法定代表人{PARTY_REP}。"),
        L("违法事实和证据：当事人危险废物贮存场所未设置识别标志，有现场检查笔录、调查询问笔录、现场照片为证。"),
        L("处罚依据：《中华人民共和国固体废物污染环境防治法》第一百一十二条第一款第一项。"),
        L("拟处罚意见：罚款人民币伍万元整。"),
        L("承办人签名："), beside("{date}"),
    ]], date="2024-05-06", signed=["承办人签名："], values={"party": PARTY})
    approval = DocSpec("internal_approval", "行政处罚审批表", [[
        centre("行政处罚审批表"),
        L(f"当事人：{PARTY}"),
        L(f"案由：{CAUSE}"),
        L("拟处罚内容：罚款人民币伍万元整。"),
        L("承办人意见"), beside("建议按拟处罚内容处理。", x=200),
        L("承办机构意见"), beside("同意。", x=200),
        L("负责人审批意见"), beside("同意。", x=200),
        right("{date}"),
    ]], date="2024-05-08", signed=["承办人意见", "承办机构意见", "负责人审批意见"], values={"party": PARTY})
    review = DocSpec("legal_review", "法制审核意见书", [[
        centre("法制审核意见书"),
        L(f"审核事项：{PARTY}{CAUSE}案"),
        L("审核意见：本案主体认定准确，事实清楚，证据确凿，程序合法，适用法律正确，同意拟处罚意见。"),
        L("审核人签名："), beside("{date}"),
    ]], date="2024-05-09", signed=["审核人签名："])
    notice = outgoing("notice", "行政处罚事先告知书", "宜环罚告〔2024〕12号", "2024-05-10", [
        L("我局于2024年4月2日对你单位进行现场检查，发现你单位危险废物贮存场所未设置危险废物识别标志。"),
        L("依据《中华人民共和国固体废物污染环境防治法》第一百一十二条，我局拟对你单位处以罚款人民币伍万元整。"),
        L("根据《中华人民共和国行政处罚法》第四十五条的规定，你单位可在收到本告知书之日起五日内"),
        L("向我局提出陈述、申辩，逾期视为放弃上述权利。"),
        L("联系人：刘明  联系电话：0795-3251234"),
    ])
    notice_receipt = receipt(notice, "2024-05-13")
    decision = outgoing("decision", "行政处罚决定书", "宜环罚〔2024〕15号", "2024-05-28", [
        L("统一社会信用代码：91360902MA35R7KQ0K"),
        L("一、环境违法事实和证据"),
        L("我局于2024年4月2日对你单位进行现场检查，发现你单位危险废物贮存场所未设置危险废物识别标志。"),
        L("以上事实，有现场检查笔录、调查询问笔录、现场照片等证据为证。"),
        L("我局于2024年5月10日以《行政处罚事先告知书》（宜环罚告〔2024〕12号）告知你单位拟作出的处罚，"),
        L("你单位在规定期限内未提出陈述、申辩意见。"),
    ], closing_page=[
        L("二、行政处罚的依据、种类"),
        L("依据《中华人民共和国固体废物污染环境防治法》第一百一十二条第一款第一项的规定，"),
        L("我局决定对你单位处以罚款人民币伍万元整。"),
        L("三、履行方式和期限"),
        L("你单位应自收到本决定书之日起十五日内将罚款缴至指定银行。"),
        L("四、申请复议或者提起诉讼的途径和期限"),
        L("如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者六个月内提起行政诉讼。"),
    ])
    decision.values["notice_number"] = "宜环罚告〔2024〕12号"
    decision_receipt = receipt(decision, "2024-05-30")
    payment = DocSpec("payment_receipt", "非税收入一般缴款书", [[
        centre("江西省非税收入一般缴款书"),
        L(f"缴款人：{PARTY}"),
        L("金额：伍万元整（¥50000.00）"),
        L(f"执收单位：{AGENCY}"),
        L("缴款日期："), beside("{date}", x=160),
    ]], date="2024-06-05")
    closing = DocSpec("closing_approval", "结案审批表", [[
        centre("结案审批表"),
        L("处罚决定文号：宜环罚〔2024〕15号"),
        L("执行情况：罚款已全额缴纳"),
        L("承办人意见"), beside("建议结案。", x=200),
        L("负责人审批意见"), beside("同意结案。", x=200),
        right("{date}"),
    ]], date="2024-06-12", signed=["承办人意见", "负责人审批意见"])
    note = DocSpec("archive_note", "卷内备考表", [[
        centre("卷内备考表"),
        L("本卷情况说明：本卷共有文件17件，共16页。"),
        L("立卷人：刘明  检查人：李华"),
        L("立卷时间：2024年6月20日"),
    ]], date="2024-06-20")
    return [cover, toc, filing, inspection, inquiry, evidence, correction, correction_receipt, report, approval,
            review, notice, notice_receipt, decision, decision_receipt, payment, closing, note]


# -- building the model --------------------------------------------------------------------------

def _fill(text: str, s: DocSpec) -> str | None:
    """A template line with the document's own values; None where there is nothing to print."""
    if "{number}" in text:
        if s.shown_number is None:
            return None
        text = text.replace("{number}", s.shown_number)
    if "{date}" in text:
        if s.shown_date is None:
            return None
        text = text.replace("{date}", s.shown_date)
    if "{served}" in text:
        if s.serves is None:
            return None
        cited = s.cited_number
        text = text.replace("{served}", s.serves.title + (f"（{cited}）" if cited else ""))
    return text


def _locate(raw: str, where: list[tuple[int, TextLine]], last: bool = False) -> tuple[int, BBox]:
    found = [(page, line.bbox) for page, line in where if raw in line.text]
    if not found:
        raise ValueError(f"{raw!r} is not printed in the document")
    return found[-1] if last else found[0]


def _value(value: str, raw: str, where: list[tuple[int, TextLine]], confidence: float,
           last: bool = False) -> FieldValue:
    page, bbox = _locate(raw, where, last)
    return FieldValue(value=value, page=page, bbox=bbox, raw=raw, confidence=confidence)


def _signature(page: int, lines: list[TextLine], label: str) -> Mark:
    """A signature written after the label `find_labels` reads on the page as `label`."""
    for lab in find_labels(lines):
        if squeeze(lab.text) == squeeze(label):
            row = lines[lab.line]
            x0 = lab.x1 + 6
            return Mark(kind="signature", bbox=(x0, row.y0 - 4, x0 + 70, row.y1 + 4), confidence=0.85,
                        label=lab.text)
    raise ValueError(f"page {page}: no signing label {label!r} among {[lab.text for lab in find_labels(lines)]}")


def _seal_over(line: TextLine) -> Mark:
    """A round seal (about 42 mm) centred on the closing date."""
    cx, cy = line.center
    return Mark(kind="seal", bbox=(cx - 60, cy - 60, cx + 60, cy + 60), confidence=0.9)


def _fields(s: DocSpec, where: list[tuple[int, TextLine]]) -> DocumentFields:
    fields = DocumentFields(unreadable=dict(s.unreadable))
    if s.number is not None:
        fields.number = _value(s.number, s.shown_number or s.number, where, s.confidence)
    if s.date is not None:
        fields.date = _value(s.date, s.shown_date or s.date, where, s.confidence, last=True)
    values: dict[str, str | tuple[str, str]] = dict(s.values)
    if s.serves is not None:
        values.setdefault("served_title", s.serves.title)
        values.setdefault("served_type", (s.serves.type, s.serves.title))
        if s.cited_number:
            values.setdefault("served_number", s.cited_number)
    for name, v in values.items():
        value, raw = v if isinstance(v, tuple) else (v, v)
        fields.values[name] = _value(value, raw, where, s.confidence)
    for name, items in s.lists.items():
        fields.lists[name] = [_value(item, item, where, s.confidence) for item in items]
    return fields


def build_case(specs: list[DocSpec], *, case_type: str = "一般程序", file: str = "2024-012.pdf") -> CaseFile:
    """The case model of these documents, laid out in this order from page 1."""
    pages: list[PageAnalysis] = []
    documents: list[Document] = []
    archive = 0
    for s in specs:
        first = len(pages) + 1
        doc_pages: list[PageAnalysis] = []
        for k, printed in enumerate(s.pages):
            number = first + k
            filled = [L(t, line.align, line.x, line.row) for line in printed if (t := _fill(line.text, s)) is not None]
            lines = layout(filled, s.confidence)
            title_line = next((ln for ln in lines if ln.text == s.title), None) if k == 0 else None
            numbered = s.type not in UNNUMBERED
            archive += numbered
            doc_pages.append(PageAnalysis(
                text=PageText(page=number, width=PAGE_W, height=PAGE_H, source="ocr", lines=lines),
                type=s.type, type_confidence=0.95,
                title=s.title if k == 0 else None, title_bbox=title_line.bbox if title_line else None,
                archive_number=archive if numbered else None,
                archive_number_bbox=(530.0, 800.0, 545.0, 812.0) if numbered else None,
                ocr=True, grayscale=s.grayscale,
            ))
        where = [(p.page, line) for p in doc_pages for line in p.text.lines]
        signatures: list[tuple[int, Mark]] = []
        for label in s.signed:
            page = next((p for p in doc_pages if any(squeeze(lab.text) == squeeze(label)
                                                     for lab in find_labels(p.text.lines))), doc_pages[0])
            mark = _signature(page.page, page.text.lines, label)
            page.signatures.append(mark)
            signatures.append((page.page, mark))
        seals: list[tuple[int, Mark]] = []
        if s.sealed:
            last = doc_pages[-1]
            anchor = next((ln for ln in reversed(last.text.lines) if ln.text == s.shown_date),
                          last.text.lines[-1])
            seal = _seal_over(anchor)
            last.seals.append(seal)
            seals.append((last.page, seal))
        title_page = doc_pages[0]
        documents.append(Document(
            type=s.type, title=s.title, title_bbox=title_page.title_bbox, first=first,
            last=first + len(doc_pages) - 1, fields=_fields(s, where), seals=seals, signatures=signatures,
            signed=True if signatures else None, sealed=s.sealed,
        ))
        pages.extend(doc_pages)
    return CaseFile(file=file, sha256="0" * 64, pages=pages, documents=documents,
                    case=_case_fields(specs, case_type), ocr_pages=len(pages))


def _case_fields(specs: list[DocSpec], case_type: str) -> CaseFields:
    def first(doc_type: str) -> DocSpec | None:
        return next((s for s in specs if s.type == doc_type), None)

    filing, notice, decision = first("filing_approval"), first("notice"), first("decision")
    return CaseFields(
        case_number=CASE_NUMBER if filing else None,
        filing_date=filing.date if filing else None,
        notice_number=notice.number if notice else None,
        notice_date=notice.date if notice else None,
        decision_number=decision.number if decision else None,
        decision_date=decision.date if decision else None,
        party=PARTY, case_type=case_type, cause=CAUSE,
        officers=[n for n, _ in OFFICERS],
    )


def clean_case() -> CaseFile:
    return build_case(clean_specs())


def doc_of(case: CaseFile, doc_type: str, n: int = 0) -> Document:
    """The n-th document of a type in a built case."""
    return [d for d in case.documents if d.type == doc_type][n]


def page_of(case: CaseFile, doc_type: str, n: int = 0, last: bool = False) -> int:
    """The first (or last) page of the n-th document of a type in a built case."""
    doc = doc_of(case, doc_type, n)
    return doc.last if last else doc.first


def reword(s: DocSpec, old: str, new: str | None) -> None:
    """Print `new` instead of the line `old` (None: leave the line out)."""
    for page in s.pages:
        for i, line in enumerate(page):
            if line.text == old:
                if new is None:
                    del page[i]
                else:
                    page[i] = L(new, line.align, line.x, line.row)
                return
    raise ValueError(f"{s.title}: no line {old!r}")


def renumber(case: CaseFile, numbers: dict[int, int | None]) -> None:
    """Read other 卷内页码 on some pages (page -> number, None: none read)."""
    for page in case.pages:
        if page.page in numbers:
            page.archive_number = numbers[page.page]
            page.archive_number_bbox = None if numbers[page.page] is None else page.archive_number_bbox


# -- running the rules ---------------------------------------------------------------------------

def check(case: CaseFile, pack: RulePack | None = None) -> CheckResult:
    """`check_case`, after running each rule on its own so that a rule that raises fails the test
    (the registry logs and skips a failing rule)."""
    pack = pack or load_pack()
    for page in case.pages:  # the reader's zones, for the marks as the test left them
        page.sign_zones = sign_zones(page)
    view = CaseView(case, pack)
    for r in RULES:
        list(r.check(view))
    return check_case(case, pack)


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def the(findings: list[Finding], code: str) -> Finding:
    """The one finding of this code."""
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, f"expected one {code}, got {[(f.code, f.message) for f in findings]}"
    return found[0]


def pages_of(finding: Finding) -> list[int]:
    return [e.page for e in finding.evidence]
