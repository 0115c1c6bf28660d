"""What each document type of CONTRACT.md is: one specification per type, in one registry.

Classification reads the title patterns, the field reader what each type carries and where its
date is, the rules the traits (which documents are outgoing, numbered, dated, sealed, served,
signed), the outputs and the web page the Chinese names. Adding a type means adding its spec
here and its code to `models.report.DocumentType` (a test holds the two together).

Pure data: no I/O, nothing imported from the layers above.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from models.report import Category

# Which date a document carries, as the reader finds it and the rules read it.
DateKind = Literal[
    "signing",  # the closing date of an outgoing 文书 (成文日期), not dates cited in its body
    "record_start",  # the time a record (笔录) was taken: 检查时间, 询问时间…
    "approval",  # the 负责人's approval on a form (审批表)
    "receipt",  # the recipient's date on a 送达回证 (民事诉讼法 art87: the service date)
    "payment",  # the payment date on a 缴款书
    "filing",  # the 立案日期 a cover records
    "archiving",  # the 立卷时间 of a 备考表
    "material",  # a photo's 拍摄时间, a copy's 核对 date: the latest one on the page
    "none",  # no date of its own (卷内目录)
]

# How the reader finds that date: steps tried in order until one gives a date (extractors'
# `document_date`): the closing date, a date on a labelled line (`date_labels`), the first date
# in the header, the 负责人 approval rows, the latest date standing alone, the first date read,
# and a receipt's own reading (送达时间, else the recipient's signing date).
DateStep = Literal["closing", "labelled", "header", "leader", "last_alone", "first", "receipt"]

# How a document is laid out, which decides where the reader looks: a letter (发文: 文号 under
# the title, the party in the salutation, a dated closing), a record (笔录: its officers named in
# the header), a form (审批表), a receipt, a report, material (copies, photos), an archive page.
Layout = Literal["letter", "record", "form", "receipt", "report", "material", "archive"]

# The named values a document's reader can fill (`DocumentFields`), besides its number and date:
FieldName = Literal[
    "number",  # its own 文号 in the header (a form that prints the 立案号: that number)
    "party",  # 当事人
    "cause",  # 案由
    "case_name",  # 案件名称
    "case_number",  # 立案号 as a form prints it
    "closing_date",  # 结案日期
    "filing_date",  # 立案日期 as a later form restates it
    "decision_number",  # the 决定书文号 a later document cites
    "notice_number",  # the 告知书文号 a decision cites
    "penalty",  # 处罚内容
    "amount",  # the sum paid
    "officers",  # 执法人员 and their 执法证号, as a record's header names them
    "officers_in_prose",  # 承办人 named in a report's text
    "served",  # what a receipt serves, to whom, how and when
    "case_type",  # 案件类型
    "agency",  # the issuing agency
]

# The lines a record's time is printed on.
RECORD_TIME_LABELS = ("检查时间", "勘察时间", "勘验时间", "检查（勘察）时间", "现场检查时间", "询问时间", "调查时间",
                      "听证时间", "陈述时间", "申辩时间", "陈述申辩时间", "讨论时间", "会议时间", "时间")

Trait = Literal["outgoing", "numbered", "dated", "sealed", "served", "signed", "paginated", "step"]


class DocTypeSpec(BaseModel):
    """One document type: its names, how its title reads, its traits and what is read from it."""

    model_config = ConfigDict(frozen=True)

    code: str  # the CONTRACT `type`
    name: str  # the full Chinese name: how messages call it when its own title was not read
    short: str  # the short name (决定书)
    # Title patterns (regular expressions over a title with spaces and punctuation removed),
    # tried by rank: a lower rank first, so specific titles come before generic ones (立案审批表
    # before 审批表, 事先告知书 before 决定书).
    titles: tuple[str, ...]
    title_rank: int
    # How many characters besides the matched words a title of this type may carry, beyond the
    # classifier's allowance (captions of evidence run long), and how much more or less
    # title-like its lines count (evidence words also occur in table headers).
    title_slack: int = 0
    title_bias: float = 0.0
    # Words by which a document left unclassified (`other`) may still be one of this type: a
    # rule missing it then asks a person instead of being sure.
    title_words: tuple[str, ...] = ()
    layout: Layout
    # Traits.
    outgoing: bool = False  # issued by the agency to the party (发文)
    numbered: bool = False  # must carry a 文号 (GB/T 9704 §7.2.5)
    dated: bool = False  # must carry its own date (成文日期)
    sealed: bool = False  # bears the agency's seal or a bank's stamp; elsewhere `sealed` is null
    served: bool = False  # served on the party, with a 送达回证
    signed: bool = False  # signed by people (records, forms, receipts); elsewhere `signed` is null
    paginated: bool = True  # carries a 卷内页码 (not the cover, 卷内目录, 备考表: DOMAIN §3)
    step: bool = False  # a step of the procedure: its date lies within months of the others'
    # Its date: which one, how it is found, and the labels it is printed after.
    date: DateKind
    date_steps: tuple[DateStep, ...]
    date_labels: tuple[str, ...] = ()
    date_is: FieldName | None = None  # the named value its date also is (a cover's 立案日期)
    fields: tuple[FieldName, ...]
    # The labels its party is printed after (被检查单位, 受送达人…), where they are not those of its
    # layout (a letter's 当事人 block or salutation, a form's 当事人/单位名称 row).
    party_labels: tuple[str, ...] = ()
    sheet_row: Category  # the 自查单 row its findings belong to unless the rule pack says otherwise
    missing_advice: str | None = None  # what to do when the procedure needs it and it is absent

    def has(self, trait: Trait) -> bool:
        return bool(getattr(self, trait))


_SPECS = (
    DocTypeSpec(
        code="cover", name="卷宗封面", short="封面", titles=("卷宗", "案卷", "封面"), title_rank=180,
        title_words=("封面", "案卷", "卷宗"), layout="archive", paginated=False,
        date="filing", date_steps=("labelled",), date_labels=("立案日期", "立案时间"), date_is="filing_date",
        fields=("party", "cause", "case_name", "case_number", "closing_date", "decision_number", "case_type",
                "agency"),
        sheet_row="案卷归档",
        missing_advice="补制卷宗封面，写明案件名称、文号、立案和结案日期、保管期限及卷内件数页数",
    ),
    DocTypeSpec(
        code="toc", name="卷内目录", short="目录", titles=("卷内(文件)?目录", "案卷目录"), title_rank=10,
        title_words=("目录",), layout="archive", paginated=False,
        date="none", date_steps=(), fields=("party", "decision_number"), sheet_row="案卷归档",
        missing_advice="补制卷内目录，逐件登记序号、文号、责任者、题名、日期和页号",
    ),
    DocTypeSpec(
        code="filing_approval", name="立案审批表", short="立案审批表",
        titles=("立案(审批|登记|呈批|决定)", "案件来源登记", "受理登记"), title_rank=60,
        title_words=("立案",), layout="form", signed=True, step=True,
        date="approval", date_steps=("labelled", "leader", "last_alone"),
        date_labels=("立案日期", "立案时间", "批准立案日期"), date_is="filing_date",
        fields=("number", "case_number", "party", "cause", "case_name", "case_type", "agency"),
        sheet_row="执法程序",
        missing_advice="补充立案审批表，并由负责人审批；未经立案即调查处罚的，应核查程序合法性",
    ),
    DocTypeSpec(
        code="inspection_record", name="现场检查（勘察）笔录", short="现场检查笔录",
        titles=("现场(检查|勘察|勘验|监察|调查)", "勘[察验]笔录", "检查笔录", "监察记录", "检查记录"), title_rank=160,
        title_words=("检查", "勘察", "勘验", "笔录"), layout="record", signed=True, step=True,
        date="record_start", date_steps=("labelled", "header", "last_alone"), date_labels=RECORD_TIME_LABELS,
        fields=("party", "officers"), sheet_row="现场笔录",
        party_labels=("被检查单位", "被检查人", "检查对象", "被检查单位（人）", "被检查单位名称", "被勘察单位", "当事人",
                      "单位名称"),
        missing_advice="补充现场检查（勘察）笔录或调查询问笔录，笔录应由两名以上执法人员制作并经当事人签名",
    ),
    DocTypeSpec(
        code="inquiry_record", name="调查询问笔录", short="询问笔录", titles=("询问笔录", "调查笔录", "询问"),
        title_rank=140, layout="record", signed=True, step=True,
        date="record_start", date_steps=("labelled", "header", "last_alone"), date_labels=RECORD_TIME_LABELS,
        fields=("party", "officers"), sheet_row="现场笔录",
        party_labels=("工作单位", "单位", "被询问人单位", "所在单位", "当事人"),
    ),
    DocTypeSpec(
        code="evidence", name="证据材料", short="证据",
        titles=("照片", "图片", "影像", "截图", "示意图", "监测报告", "检测报告", "监测数据", "检验报告", "营业执照",
                "身份证", "授权委托", "委托书", "采样", "取证", "证据", "登记保存", "复印件", "许可证", "批复",
                "情况说明", "说明材料", "证明", "承诺书", "报告单", "鉴定", "清单", "台账", "备案", "材料", "资料",
                "合同", "协议", "发票", "证书", "执照", "环评", "报告表", "报告书", "登记证"),
        title_rank=80, title_slack=6, title_bias=-0.05,
        title_words=("照片", "证据", "监测", "检测", "执照", "身份证"), layout="material",
        # Photos carry 拍摄时间; copies the provider's 核对无误 date, the latest on the page (a
        # licence's 成立日期 or an ID card's birth date are older).
        date="material", date_steps=("labelled", "last_alone", "first"),
        date_labels=("拍摄时间", "截图时间", "采样时间", "监测时间", "检测时间", "报告日期", "提取时间", "取证时间",
                     "签发日期"),
        fields=("party",), sheet_row="事实证据",
        missing_advice="补充证明违法事实的证据材料（现场照片、监测报告、主体资格证明等）并附说明",
    ),
    DocTypeSpec(
        code="investigation_report", name="案件调查报告", short="调查报告",
        titles=("调查(终结)?报告", "案件调查", "调查处理报告"), title_rank=150,
        title_words=("调查报告", "终结报告", "调查终结"), layout="report", signed=True, step=True,
        date="signing", date_steps=("closing",),
        fields=("party", "cause", "penalty", "officers_in_prose", "agency"), sheet_row="调查报告",
        missing_advice="补充案件调查报告，写明违法事实、证据、处罚依据和裁量理由，由承办人签名",
    ),
    DocTypeSpec(
        code="correction_order", name="责令改正违法行为决定书", short="责令改正决定书",
        titles=("责令.{0,6}改正", "改正违法行为", "限期整改", "责令停止"), title_rank=100,
        title_words=("责令", "改正"), layout="letter",
        outgoing=True, numbered=True, dated=True, sealed=True, served=True, step=True,
        date="signing", date_steps=("closing",), fields=("number", "party", "penalty", "agency"),
        sheet_row="执法程序",
    ),
    DocTypeSpec(
        code="legal_review", name="法制审核意见", short="法制审核", titles=("法制(审核|审查)",), title_rank=70,
        title_words=("法制审核", "法制审查"), layout="form", signed=True, step=True,
        date="approval", date_steps=("leader", "last_alone"), fields=("party", "case_name", "agency"),
        sheet_row="执法程序",
        missing_advice="补充法制审核意见书；依法须经法制审核的案件，未经审核不得作出决定",
    ),
    DocTypeSpec(
        code="internal_approval", name="行政处罚审批表", short="审批表",
        titles=("审批表", "审查表", "呈批表", "集体(讨论|审议|研究)", "审议记录", "讨论记录", "处理意见", "审批单"),
        title_rank=130, title_words=("审批表", "审查表", "集体讨论", "审议"), layout="form", signed=True, step=True,
        date="approval", date_steps=("labelled", "leader", "last_alone"),
        date_labels=("讨论时间", "会议时间", "时间", "审批日期"),
        fields=("party", "cause", "case_name", "case_number", "penalty", "case_type", "agency"),
        sheet_row="内部审批表",
        missing_advice="补充行政处罚审批表（或集体讨论记录），由负责人审批签名并注明日期",
    ),
    DocTypeSpec(
        code="notice", name="行政处罚事先告知书", short="告知书",
        titles=("事先.{0,6}告知", "听证告知", "处罚告知", "告知书"), title_rank=110,
        title_words=("告知书",), layout="letter",
        outgoing=True, numbered=True, dated=True, sealed=True, served=True, step=True,
        date="signing", date_steps=("closing",), fields=("number", "party", "penalty", "agency"),
        sheet_row="执法程序",
        missing_advice="补充行政处罚事先告知书及其送达回证；未告知即作出处罚决定的，应依法纠正",
    ),
    DocTypeSpec(
        code="statement_record", name="陈述申辩笔录", short="陈述申辩笔录",
        titles=("陈述", "申辩", "听证(笔录|通知|申请|报告|会)", "听证"), title_rank=120,
        title_words=("陈述", "申辩", "听证"), layout="letter", signed=True, step=True,
        date="record_start", date_steps=("labelled", "closing"), date_labels=RECORD_TIME_LABELS,
        fields=("number", "party", "cause", "penalty", "officers"), sheet_row="相关记录",
    ),
    DocTypeSpec(
        code="decision", name="行政处罚决定书", short="决定书", titles=("处罚决定书", "决定书"), title_rank=170,
        title_words=("决定书",), layout="letter",
        outgoing=True, numbered=True, dated=True, sealed=True, served=True, step=True,
        date="signing", date_steps=("closing",),
        fields=("number", "party", "notice_number", "penalty", "case_type", "agency"), sheet_row="执法文书",
        missing_advice="补充行政处罚决定书及其送达回证",
    ),
    DocTypeSpec(
        code="service_receipt", name="送达回证", short="送达回证",
        titles=("送达回[证执单]", "邮寄送达", "送达证明", "送达凭证"), title_rank=30, layout="receipt",
        signed=True, step=True, date="receipt", date_steps=("receipt",),
        fields=("party", "served"), sheet_row="送达回证",
        party_labels=("受送达人", "受送达单位", "受送达人名称"),
    ),
    DocTypeSpec(
        code="payment_receipt", name="罚没款缴款凭证", short="缴款凭证",
        titles=("缴款(凭证|书|单)", "罚没款", "非税收入", "银行回单", "缴税", "收款收据", "缴费凭证", "回单"),
        title_rank=40, title_words=("缴款", "罚没", "回单"), layout="receipt", sealed=True, step=True,
        date="payment", date_steps=("labelled", "first"),
        date_labels=("缴款日期", "交款日期", "填制日期", "填发日期", "开票日期", "交易日期", "入账日期", "日期"),
        fields=("party", "decision_number", "amount"), sheet_row="相关记录",
        party_labels=("缴款人全称", "缴款人", "缴款单位", "付款人全称", "付款人", "缴款人名称"),
    ),
    DocTypeSpec(
        code="closing_approval", name="结案审批表", short="结案审批表", titles=("结案(审批|报告|登记|呈批)",),
        title_rank=50, title_words=("结案",), layout="form", signed=True, step=True,
        date="approval", date_steps=("leader", "last_alone"),
        fields=("party", "case_name", "case_number", "filing_date", "decision_number", "penalty", "case_type",
                "agency"),
        sheet_row="案卷归档",
        missing_advice="补充结案审批表，写明执行情况并由负责人审批",
    ),
    DocTypeSpec(
        code="archive_note", name="备考表", short="备考表", titles=("备考表",), title_rank=20,
        title_words=("备考",), layout="archive", signed=True, paginated=False,
        date="archiving", date_steps=("labelled", "last_alone"), date_labels=("立卷时间", "立卷日期"),
        fields=("party",), sheet_row="案卷归档",
        missing_advice="补制备考表，写明本卷件数、页数及立卷人、检查人和立卷时间",
    ),
    DocTypeSpec(
        # Documents outside the list: what their titles name is known (查封扣押, 催告, 移送…),
        # the type is not one the rules check.
        code="other", name="其他材料", short="其他材料",
        titles=("查封", "扣押", "强制执行", "催告", "撤销", "移送", "不予立案"), title_rank=90, layout="material",
        date="signing", date_steps=("closing",), fields=("number", "party"), sheet_row="其他",
    ),
)

DOC_TYPES: dict[str, DocTypeSpec] = {s.code: s for s in _SPECS}
OTHER = DOC_TYPES["other"]


def spec(doc_type: str, registry: Mapping[str, DocTypeSpec] = DOC_TYPES) -> DocTypeSpec:
    """The spec of a type; for a type the registry does not list, `other`'s (never raises)."""
    return registry.get(doc_type) or registry.get("other") or OTHER


def type_name(doc_type: str) -> str:
    """The Chinese name of a type, for a reader: `其他材料` for a type not listed."""
    return spec(doc_type).name


def type_names(registry: Mapping[str, DocTypeSpec] = DOC_TYPES) -> dict[str, str]:
    """Every type's Chinese name by code (the web page's table)."""
    return {code: s.name for code, s in registry.items()}


def types_with(trait: Trait, registry: Mapping[str, DocTypeSpec] = DOC_TYPES) -> tuple[str, ...]:
    """The codes of the types that have a trait, in CONTRACT order."""
    return tuple(code for code, s in registry.items() if s.has(trait))


def by_title_rank(registry: Mapping[str, DocTypeSpec] = DOC_TYPES) -> tuple[DocTypeSpec, ...]:
    """The specs with title patterns in the order classification tries them."""
    return tuple(sorted((s for s in registry.values() if s.titles), key=lambda s: s.title_rank))
