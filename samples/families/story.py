"""The facts of one generated case: bureau, party, officers, dates, 文号, family choices, defects.

Everything a form prints comes from here, so the forms stay pure layout. The timeline is built
on working days (chinese_calendar) so that a clean case is clean by DOMAIN.md §4: notice after
filing, decision after the statement/hearing period counted from the notice's service, decision
served within 7 working days, payment and closing after the decision, all inside one year.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from chinese_calendar import find_workday, is_workday
from pydantic import BaseModel, Field

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟谭廖汪"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉玲斌宇浩凯鹏飞红波宁琳峰春海亮志国新东晨俊雪梅蓉云松林"


class Bureau(BaseModel):
    name: str  # 常德市生态环境局澧县分局
    code: str  # 机关代字 stem: 澧环
    city_government: str  # where 行政复议 goes
    court: str
    bank: str
    address: str


BUREAUS: tuple[Bureau, ...] = (
    Bureau(name="常德市生态环境局澧县分局", code="澧环", city_government="常德市人民政府",
           court="澧县人民法院", bank="中国农业银行澧县支行", address="澧县澧阳街道澧州路88号"),
    Bureau(name="盘锦市生态环境局", code="盘环", city_government="盘锦市人民政府",
           court="盘锦市兴隆台区人民法院", bank="中国工商银行盘锦分行", address="盘锦市兴隆台区市府大路1号"),
    Bureau(name="岳阳市生态环境局汨罗分局", code="岳汨环", city_government="岳阳市人民政府",
           court="汨罗市人民法院", bank="中国建设银行汨罗支行", address="汨罗市归义镇建设北路12号"),
    Bureau(name="遂宁市生态环境局", code="遂环", city_government="遂宁市人民政府",
           court="遂宁市船山区人民法院", bank="中国银行遂宁分行", address="遂宁市船山区遂州北路6号"),
    Bureau(name="湘西土家族苗族自治州生态环境局", code="州环", city_government="湘西土家族苗族自治州人民政府",
           court="花垣县人民法院", bank="中国农业银行吉首分行", address="吉首市乾州街道世纪大道3号"),
    Bureau(name="肇庆市生态环境局高要分局", code="肇环高", city_government="肇庆市人民政府",
           court="肇庆市高要区人民法院", bank="中国工商银行肇庆高要支行", address="肇庆市高要区南岸府前大街9号"),
    Bureau(name="衡阳市生态环境局", code="衡环", city_government="衡阳市人民政府",
           court="衡阳市蒸湘区人民法院", bank="中国建设银行衡阳分行", address="衡阳市蒸湘区船山大道22号"),
    Bureau(name="郑州市生态环境局", code="郑环", city_government="郑州市人民政府",
           court="郑州市中原区人民法院", bank="中国银行郑州分行", address="郑州市中原区桐柏路16号"),
)


class Violation(BaseModel):
    cause: str  # 案由
    fact: str  # what the officers saw
    violated: str  # 违反条款
    basis: str  # 处罚依据
    correction: str  # 责令改正内容
    fine_low: int
    fine_high: int


VIOLATIONS: tuple[Violation, ...] = (
    Violation(cause="未按照规定使用有机废气污染防治设施",
              fact="注塑车间正常生产，配套的两级活性炭吸附装置未开启运行，有机废气经车间窗户无组织排放",
              violated="《中华人民共和国大气污染防治法》第四十五条",
              basis="《中华人民共和国大气污染防治法》第一百零八条第（一）项",
              correction="立即停止违法行为，正常使用有机废气污染防治设施", fine_low=20000, fine_high=80000),
    Violation(cause="建设项目未依法报批环境影响评价文件擅自开工建设",
              fact="该项目未依法报批环境影响报告表，已于检查前开工建设，主体厂房及生产线已基本建成",
              violated="《中华人民共和国环境影响评价法》第二十五条",
              basis="《中华人民共和国环境影响评价法》第三十一条第一款",
              correction="立即停止项目建设，依法报批环境影响评价文件", fine_low=30000, fine_high=90000),
    Violation(cause="易产生扬尘的物料未采取有效覆盖措施",
              fact="厂区东侧露天堆放煤矸石约六十吨，未密闭，未设置围挡，亦未采取有效覆盖措施",
              violated="《中华人民共和国大气污染防治法》第七十二条第一款",
              basis="《中华人民共和国大气污染防治法》第一百一十七条第（一）项",
              correction="立即对露天堆放的物料采取密闭或者覆盖措施", fine_low=10000, fine_high=40000),
    Violation(cause="危险废物贮存场所未按规定设置识别标志",
              fact="废机油、废油桶等危险废物贮存于仓库一角，贮存场所未设置危险废物识别标志",
              violated="《中华人民共和国固体废物污染环境防治法》第七十七条",
              basis="《中华人民共和国固体废物污染环境防治法》第一百一十二条第一款第（一）项",
              correction="立即按照规定设置危险废物识别标志", fine_low=100000, fine_high=150000),
    Violation(cause="超过水污染物排放标准排放水污染物",
              fact="废水总排口正在排放，现场采样监测显示化学需氧量浓度超过排放标准",
              violated="《中华人民共和国水污染防治法》第十条",
              basis="《中华人民共和国水污染防治法》第八十三条第（二）项",
              correction="立即停止超标排放水污染物", fine_low=100000, fine_high=200000),
)

COMPANY_STEMS = ("恒锋", "华达", "鑫源", "佳和", "瑞通", "德润", "金泰", "宏远", "嘉禾", "顺发", "昌盛", "新宇")
COMPANY_TRADES = ("新材料", "机械模具", "塑料制品", "五金制品", "建材", "环保科技", "食品", "化工", "家具", "包装材料")


class Officer(BaseModel):
    name: str
    cert: str  # 执法证号


class Party(BaseModel):
    name: str
    credit_code: str
    legal_rep: str
    address: str
    phone: str
    contact: str  # 现场负责人 / 被询问人
    contact_role: str


# Defect codes this generator can plant (the CONTRACT codes a reviewer would write down).
DEFECT_KINDS: tuple[str, ...] = (
    "missing.investigation_report",
    "missing.closing_approval",
    "missing.filing_approval",
    "missing.service_receipt.notice",
    "missing.service_receipt.decision",
    "signature.missing.inspection_record",
    "signature.missing.inquiry_record",
    "signature.missing.service_receipt",
    "seal.missing.decision",
    "number.malformed.decision",
    "number.malformed.notice",
    "date.order",
    "date.statement_period",
    "officers.insufficient",
)
# Pairs that touch the same thing and would change each other's meaning.
_CLASHES = {
    frozenset({"missing.service_receipt.decision", "date.order"}),
    frozenset({"missing.service_receipt.notice", "date.statement_period"}),
    frozenset({"missing.service_receipt.decision", "signature.missing.service_receipt"}),
    frozenset({"missing.service_receipt.notice", "signature.missing.service_receipt"}),
    frozenset({"date.order", "date.statement_period"}),
    frozenset({"missing.filing_approval", "date.order"}),
    frozenset({"number.malformed.decision", "number.malformed.notice"}),
}


class Families(BaseModel):
    """Which layout family each document type is drawn in (independent choices)."""

    cover: str
    toc: str
    approval: str  # filing / internal / closing approval forms
    legal_review: str
    inspection: str
    inquiry: str
    outgoing: str  # notice, decision, correction order
    receipt: str  # 送达回证 layout
    evidence: str
    misc: str  # investigation report, payment receipt, archive note
    order: str  # chronological / law2010 (决定书+回证 first)

    def closing_family(self) -> str:
        """The 结案审批表 follows the bureau's approval family."""
        return self.approval


FAMILY_CHOICES: dict[str, tuple[str, ...]] = {
    "cover": ("cover_grid", "cover_plain", "cover_archive"),
    "toc": ("toc_national", "toc_numbered", "toc_compact"),
    "approval": ("appr_national2016", "appr_chain5", "appr_namestamp"),
    "legal_review": ("lr_opinion_letter", "lr_table", "lr_checklist"),
    "inspection": ("rec_foot", "rec_margin", "rec_body"),
    "inquiry": ("rec_foot", "rec_margin", "rec_body"),
    "outgoing": ("out_gongwen", "out_titleline", "out_numberfirst"),
    "receipt": ("rcpt_national2016", "rcpt_courtstyle", "rcpt_multirow"),
    "evidence": ("ev_photo_sheets", "ev_grouped", "ev_itemised"),
    "misc": ("misc_a", "misc_b", "misc_c"),
    "order": ("chronological", "law2010"),
}


class Story(BaseModel):
    seed: int
    index: int
    bureau: Bureau
    party: Party
    violation: Violation
    officers: list[Officer]  # two (or three) officers of the case
    record_officers: list[Officer]  # who appear on the records (one when officers.insufficient)
    leader_unit: str  # 承办机构负责人
    leader_legal: str  # 法制审核人
    leader_deputy: str  # 分管领导
    leader_chief: str  # 主要负责人
    witness: str  # 见证人 for 留置 / refusals
    witness_unit: str
    fine: int
    hearing: bool  # the notice offers a hearing (较大数额)
    stated_days: int  # the statement period the notice states
    statement_made: bool  # the party made 陈述申辩 (a 陈述申辩笔录 is in the file)
    # Dates (ISO strings)
    inspection: date
    filing: date
    inquiry: date
    correction: date
    correction_service: date
    monitoring: date
    investigation: date
    legal_review: date
    approval: date
    notice: date
    notice_service: date
    statement: date | None
    decision: date
    decision_service: date
    decision_posted: date | None
    payment: date
    closing: date
    archived: date
    # Numbers (canonical, as a clean file prints them)
    case_number: str
    notice_number: str
    decision_number: str
    correction_number: str
    # Service methods per served document
    notice_method: str  # 直接送达 / 留置送达 / 邮寄送达 / 代收
    decision_method: str
    correction_method: str
    correction_with_notice: bool  # one 送达回证 lists 告知书 and 责令改正决定书 together
    inspection_refused: bool  # the party refused to sign the inspection record (noted, witness)
    families: Families
    defects: list[str] = Field(default_factory=list)
    date_order_variant: str = ""  # which impossible order a date.order defect plants
    malformed_variant: str = ""  # empty_year / no_hao / halfwidth

    @property
    def year(self) -> int:
        return self.decision.year

    def bank_line(self) -> str:
        return f"{self.bureau.bank}（户名：{self.bureau.name[:3]}财政局非税收入汇缴结算户）"


def person(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in taken:
            taken.add(name)
            return name


def _workday_on_or_after(day: date) -> date:
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def _credit_code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91" + str(rng.randint(110000, 659999)) + "".join(rng.choice(alphabet) for _ in range(10))


def _choose_defects(rng: random.Random) -> list[str]:
    if rng.random() < 0.5:
        return []
    count = 1 if rng.random() < 0.6 else 2
    while True:
        picked = rng.sample(DEFECT_KINDS, count)
        if count == 1 or frozenset(picked) not in _CLASHES:
            return sorted(picked)


def make_story(seed: int, index: int, *, families: dict[str, str] | None = None,
               defects: list[str] | None = None, salt: str = "") -> Story:
    """One case, deterministic in (seed, index). `families`/`defects` override the random picks.

    `salt` gives another corpus its own facts for the same (seed, index) (set b: "b"); empty for set a.
    """
    rng = random.Random(f"families{salt}:{seed}:{index}")
    bureau = rng.choice(BUREAUS)
    violation = rng.choice(VIOLATIONS)
    taken: set[str] = set()
    officers = [Officer(name=person(rng, taken), cert=f"{rng.randint(11, 65)}{rng.randint(100000, 999999):06d}"
                        f"{rng.randint(0, 99):02d}") for _ in range(rng.choice((2, 2, 2, 3)))]
    contact = person(rng, taken)
    legal_rep = contact if rng.random() < 0.5 else person(rng, taken)
    stem = rng.choice(COMPANY_STEMS)
    trade = rng.choice(COMPANY_TRADES)
    city = bureau.address[:2]
    party = Party(
        name=f"{city}市{stem}{trade}有限公司" if rng.random() < 0.8 else f"{city}{stem}{trade}厂",
        credit_code=_credit_code(rng),
        legal_rep=legal_rep,
        address=f"{bureau.address[:3]}{rng.choice(('工业园', '经济开发区', '高新区'))}{rng.choice('东西南北')}区"
                f"{rng.randint(1, 30)}号",
        phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
        contact=contact,
        contact_role=rng.choice(("生产负责人", "环保专员", "厂长", "法定代表人")) if contact != legal_rep else "法定代表人",
    )
    chosen = defects if defects is not None else _choose_defects(rng)
    fam = {k: rng.choice(v) for k, v in FAMILY_CHOICES.items()}
    if index < 3:
        # The first three cases of any corpus draw every family of every type once (each type
        # rotated by its own offset, so the combinations still differ).
        fam = {k: v[(index + n) % len(v)] for n, (k, v) in enumerate(FAMILY_CHOICES.items())}
    fam.update(families or {})
    fine_step = 1000
    fine = rng.randint(violation.fine_low // fine_step, violation.fine_high // fine_step) * fine_step
    hearing = fine >= 50000
    stated_days = 5 if hearing else rng.choice((3, 5, 7))

    # Timeline on working days, kept inside one calendar year.
    year = rng.choice((2021, 2022, 2023, 2024, 2025))
    inspection = _workday_on_or_after(date(year, rng.randint(3, 6), rng.randint(1, 28)))
    filing = find_workday(rng.randint(1, 5), inspection)
    inquiry = find_workday(rng.randint(1, 4), filing)
    correction_with_notice = rng.random() < 0.25 and "missing.service_receipt.notice" not in chosen
    monitoring = find_workday(rng.randint(1, 3), inspection)
    investigation = find_workday(rng.randint(3, 8), inquiry)
    legal_review = find_workday(rng.randint(1, 3), investigation)
    approval = find_workday(rng.randint(1, 3), legal_review)
    notice = find_workday(rng.randint(1, 3), approval)
    correction = notice if correction_with_notice else inspection
    notice_service = find_workday(rng.randint(0, 2), notice)
    correction_service = notice_service if correction_with_notice else correction
    period = max(stated_days, 5 if hearing else 0)
    statement_made = rng.random() < 0.25 and "date.statement_period" not in chosen
    statement = find_workday(rng.randint(1, min(2, stated_days)), notice_service) if statement_made else None
    if "date.statement_period" in chosen:
        decision = find_workday(rng.randint(1, max(1, min(period, 5) - 2)), notice_service)
    else:
        decision = find_workday(period + rng.randint(2, 6), notice_service)
    decision_method = rng.choice(("直接送达", "直接送达", "留置送达", "邮寄送达", "代收"))
    notice_method = rng.choice(("直接送达", "直接送达", "直接送达", "邮寄送达", "代收"))
    correction_method = "直接送达"
    if "signature.missing.service_receipt" in chosen:
        decision_method = "直接送达"  # the unsigned receipt is the decision's: no 代收, no 留置 note
    decision_posted = None
    if decision_method == "邮寄送达":
        decision_posted = find_workday(rng.randint(0, 1), decision)
        decision_service = decision_posted + timedelta(days=rng.randint(1, 3))
    else:
        decision_service = find_workday(rng.randint(0, 4), decision)
    payment = decision_service + timedelta(days=rng.randint(2, 12))
    closing = find_workday(rng.randint(2, 10), payment)
    archived = find_workday(rng.randint(1, 8), closing)
    date_order_variant = ""
    if "date.order" in chosen:
        date_order_variant = rng.choice(("service_before_decision", "legal_review_after_decision",
                                         "closing_before_payment"))
        if date_order_variant == "service_before_decision":
            decision_method = rng.choice(("直接送达", "代收"))
            decision_posted = None
            decision_service = decision - timedelta(days=rng.randint(1, 3))
        elif date_order_variant == "legal_review_after_decision":
            legal_review = find_workday(rng.randint(1, 2), decision)
        else:
            closing = payment - timedelta(days=rng.randint(2, 5))
    if "date.statement_period" in chosen and decision_method == "邮寄送达":
        decision_method = "直接送达"
        decision_posted = None
        decision_service = find_workday(rng.randint(0, 3), decision)
    malformed_variant = ""
    if any(code.startswith("number.malformed") for code in chosen):
        malformed_variant = rng.choice(("empty_year", "no_hao", "halfwidth"))

    seq = rng.randint(5, 240)
    dec_seq = seq if rng.random() < 0.5 else seq + rng.randint(-3, 5)
    dec_seq = max(1, dec_seq)
    decision_suffix = rng.choice(("罚", "罚决", "罚字", "罚决字"))
    notice_suffix = {"罚": "罚告", "罚决": "罚告", "罚字": "罚告字", "罚决字": "罚先告字"}[decision_suffix]
    record_officers = officers[:1] if "officers.insufficient" in chosen else officers[:2]
    leaders = [person(rng, taken) for _ in range(4)]
    return Story(
        seed=seed, index=index, bureau=bureau, party=party, violation=violation,
        officers=officers, record_officers=record_officers,
        leader_unit=leaders[0], leader_legal=leaders[1], leader_deputy=leaders[2], leader_chief=leaders[3],
        witness=person(rng, taken), witness_unit=rng.choice(("村民委员会", "社区居民委员会", "园区管委会")),
        fine=fine, hearing=hearing, stated_days=stated_days, statement_made=statement_made,
        inspection=inspection, filing=filing, inquiry=inquiry, correction=correction,
        correction_service=correction_service, monitoring=monitoring, investigation=investigation,
        legal_review=legal_review, approval=approval, notice=notice, notice_service=notice_service,
        statement=statement, decision=decision, decision_service=decision_service,
        decision_posted=decision_posted, payment=payment, closing=closing, archived=archived,
        case_number=f"{bureau.code}{rng.choice(('立', '立字', '立案'))}〔{year}〕{rng.randint(3, 200)}号",
        notice_number=f"{bureau.code}{notice_suffix}〔{year}〕{seq}号",
        decision_number=f"{bureau.code}{decision_suffix}〔{year}〕{dec_seq}号",
        correction_number=f"{bureau.code}{rng.choice(('责改', '责改字', '违改字'))}〔{year}〕{rng.randint(3, 150)}号",
        notice_method=notice_method, decision_method=decision_method, correction_method=correction_method,
        correction_with_notice=correction_with_notice,
        inspection_refused=rng.random() < 0.2 and "signature.missing.inspection_record" not in chosen,
        families=Families(**fam), defects=chosen, date_order_variant=date_order_variant,
        malformed_variant=malformed_variant,
    )


def malformed(number: str, variant: str) -> str:
    """The printed form of a malformed 文号 (what the file truly carries)."""
    head, _, rest = number.partition("〔")
    year, _, tail = rest.partition("〕")
    if variant == "empty_year":
        return f"{head}〔　　〕{tail}"
    if variant == "no_hao":
        return number[:-1] if number.endswith("号") else number
    return f"{head}({year}){tail}"  # half-width parentheses

