"""Set b: the facts of a case whose forms follow a second set of real layouts (forms_b_*.py).

A set-b story is a set-a story drawn from its own random stream (`make_story(..., salt="b")`),
then given the set-b families of the five varied types and the set-b variety that set a lacks:
电子送达 (with the party's 送达地址确认书), a hearing actually held (听证通知书 + its 送达回证, 听证笔录,
听证报告), 文号 variants, receipt dates written 2024.3.5 / 2024-03-05 / 二〇二四年三月五日, and the
malformed 文号 forms DOMAIN.md §3 names (第 before the 序号, a two-digit year, half-width square
brackets). The timeline stays clean by DOMAIN.md §4 unless a date defect is planted: the hearing
request within 5 working days of the notice's service, the hearing notice 7+ working days before the
hearing, the decision after the hearing report, served within 7 working days, 90 days, one year.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from chinese_calendar import find_workday

from samples.families.story import Story, make_story, person

# Families of the five types set b varies; the other types keep set a's families.
FAMILY_CHOICES_B: dict[str, tuple[str, ...]] = {
    "receipt": ("rcptb_twocol", "rcptb_listcell", "rcptb_electronic"),
    "inspection": ("recb_checkbox", "recb_officer_table"),
    "inquiry": ("recb_qa_hand", "recb_officer_table"),
    "outgoing": ("outb_redhead", "outb_formtable"),
    "approval": ("apprb_horizontal", "apprb_oa"),
}
ROTATION = max(len(v) for v in FAMILY_CHOICES_B.values())  # cases 0..ROTATION-1 draw every family
MALFORMED_B = ("di", "twodigit", "square")
RECEIPT_DATE_STYLES = ("dot", "dash", "chinese")


class StoryB(Story):
    family_set: str = "b"
    hearing_held: bool = False
    hearing_request: date | None = None  # the party's written request (cited in the hearing notice)
    hearing_notice: date | None = None  # 听证通知书, served the same day
    hearing_day: date | None = None
    hearing_report: date | None = None
    hearing_host: str = ""  # 主持人: not an investigator of the case
    hearing_clerk: str = ""
    hearing_number: str = ""
    email: str = ""  # the address the party confirmed for 电子送达
    consent: date | None = None  # 送达地址确认书 signed (at the inquiry)
    receipt_date_style: str = "dot"


def malformed_b(number: str, variant: str) -> str:
    """The printed form of a set-b malformed 文号 (each one DOMAIN.md §3 calls malformed)."""
    head, _, rest = number.partition("〔")
    year, _, tail = rest.partition("〕")
    if variant == "di":
        if not head.endswith("字"):
            head += "字"
        return f"{head}〔{year}〕第{tail}"  # 宜环罚字〔2024〕第12号
    if variant == "twodigit":
        return f"{head}〔{year[2:]}〕{tail}"  # 宜环罚〔24〕12号
    return f"{head}[{year}]{tail}"  # half-width square brackets


def _decision_chain(story: Story, rng: random.Random, decision: date) -> dict:
    """Service, payment, closing and archiving after a (moved) decision date, as make_story draws them."""
    posted = None
    if story.decision_method == "邮寄送达":
        posted = find_workday(rng.randint(0, 1), decision)
        service = posted + timedelta(days=rng.randint(1, 3))
    elif story.decision_method == "电子送达":
        service = find_workday(rng.randint(0, 2), decision)
    else:
        service = find_workday(rng.randint(0, 4), decision)
    payment = service + timedelta(days=rng.randint(2, 12))
    closing = find_workday(rng.randint(2, 10), payment)
    archived = find_workday(rng.randint(1, 8), closing)
    return {"decision": decision, "decision_posted": posted, "decision_service": service, "payment": payment,
            "closing": closing, "archived": archived}


def make_story_b(seed: int, index: int, *, families: dict[str, str] | None = None,
                 defects: list[str] | None = None) -> StoryB:
    base = make_story(seed, index, defects=defects, salt="b")
    rng = random.Random(f"families-b:{seed}:{index}")
    fam = {k: rng.choice(v) for k, v in FAMILY_CHOICES_B.items()}
    if index < ROTATION:
        fam = {k: v[(index + n) % len(v)] for n, (k, v) in enumerate(FAMILY_CHOICES_B.items())}
    fam.update(families or {})
    data = base.model_dump()
    data["families"] = base.families.model_copy(update=fam).model_dump()
    chosen = base.defects
    taken = {base.party.contact, base.party.legal_rep, base.witness, base.leader_unit, base.leader_legal,
             base.leader_deputy, base.leader_chief, *(o.name for o in base.officers)}
    data["hearing_host"] = person(rng, taken)
    data["hearing_clerk"] = person(rng, taken)
    data["receipt_date_style"] = rng.choice(RECEIPT_DATE_STYLES)
    data["consent"] = base.inquiry
    data["email"] = f"{rng.choice(('hb', 'admin', 'office', 'hse'))}{rng.randint(10, 999)}@" \
                    f"{rng.choice(('163.com', '126.com', 'qq.com', 'sina.com'))}"
    if any(code.startswith("number.malformed") for code in chosen):
        data["malformed_variant"] = rng.choice(MALFORMED_B)
    story = StoryB(**data)

    # 电子送达: the party signed a 送达地址确认书 agreeing to e-mail service (LAP art61 ¶2).
    if fam["receipt"] == "rcptb_electronic":
        story.notice_method = "电子送达"
        if "signature.missing.service_receipt" not in chosen:
            story.decision_method = "电子送达"
            if story.decision_posted is not None:  # a postal service drawn by set a: sent by e-mail that day
                story.decision_service = story.decision_posted
                story.decision_posted = None
    # A receipt listing several documents in one cell: 告知书 and 责令改正决定书 served together.
    if (fam["receipt"] == "rcptb_listcell" and not story.correction_with_notice
            and "missing.service_receipt.notice" not in chosen and rng.random() < 0.7):
        story.correction_with_notice = True
        story.correction = story.notice
        story.correction_service = story.notice_service

    # A hearing requested and held (较大数额罚款): moves the decision after the hearing report.
    quiet = not ({"date.order", "date.statement_period", "missing.service_receipt.notice"} & set(chosen))
    if story.hearing and not story.statement_made and quiet and rng.random() < 0.65:
        request = find_workday(rng.randint(1, 3), story.notice_service)
        notice = find_workday(rng.randint(1, 2), request)
        day = find_workday(rng.randint(8, 10), notice)
        report = find_workday(rng.randint(1, 2), day)
        chain = _decision_chain(story, rng, find_workday(rng.randint(2, 4), report))
        if (chain["decision"] - story.filing).days <= 90 and chain["archived"].year == story.inspection.year:
            for key, value in chain.items():
                setattr(story, key, value)
            story.hearing_held = True
            story.hearing_request, story.hearing_notice = request, notice
            story.hearing_day, story.hearing_report = day, report
            story.hearing_number = f"{story.bureau.code}听〔{notice.year}〕{rng.randint(2, 40)}号"
    return story
