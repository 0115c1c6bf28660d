"""Draw a plausible, defect-free 一般程序 case: parties, officers, a timeline and 文号."""

from __future__ import annotations

import datetime as dt
import random

from samples import catalog
from samples.spec import Agency, CaseSpec, Party, Person, Procedure, Style
from samples.timeline import add_days_to_workday, add_workdays, next_workday

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
CHINESE_DIGITS = "〇一二三四五六七八九"


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(catalog.GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(catalog.SURNAMES) + given


def credit_code(rng: random.Random, region: str) -> str:
    """An 18-character 统一社会信用代码 with valid check characters (GB 32100, GB 11714)."""
    org = [rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY"[:10] + "ABCDEFGHJKLMN") for _ in range(8)]
    values = [int(c, 36) for c in org]
    check = 11 - sum(v * w for v, w in zip(values, ORG_WEIGHTS, strict=True)) % 11
    org.append("X" if check == 10 else "0" if check == 11 else str(check))
    body = "91" + region + "".join(org)
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return body + CREDIT_CHARS[(31 - total % 31) % 31]


def id_number(rng: random.Random, region: str, born: dt.date) -> str:
    body = region + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def chinese_date(day: dt.date) -> str:
    """二〇二四年五月十一日: the year digit by digit, month and day as numbers."""

    def small(n: int) -> str:
        if n < 10:
            return CHINESE_DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[ones] if ones else "")

    return "".join(CHINESE_DIGITS[int(c)] for c in str(day.year)) + f"年{small(day.month)}月{small(day.day)}日"


def arabic_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def make_agency(rng: random.Random) -> Agency:
    city, province, code, region, branches = rng.choice(catalog.CITIES)
    branch = ""
    if branches and rng.random() < 0.55:
        branch, sub, region = rng.choice(branches)
        name = f"{city}生态环境局{branch}分局"
        code = code + sub
    else:
        name = f"{city}生态环境局"
    road = rng.choice(catalog.ROADS)
    return Agency(
        name=name,
        seal_name=name,
        city=city,
        county=branch,
        province=province,
        code=code,
        region=region,
        address=f"{city}{road}{rng.randint(1, 300)}号",
        phone=f"0{rng.randint(700, 999)}-{rng.randint(2000000, 8999999)}",
        bank=rng.choice(catalog.BANKS) + city.rstrip("市州") + "分行",
        account="".join(str(rng.randrange(10)) for _ in range(19)),
    )


def make_party(rng: random.Random, agency: Agency) -> Party:
    place = agency.county or agency.city.rstrip("市州")
    rep = person_name(rng)
    born = dt.date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))
    if rng.random() < 0.82:
        industry, _ = rng.choice(catalog.INDUSTRIES)
        name = f"{place}{rng.choice(catalog.SHOP_NAMES)}{industry}{rng.choice(catalog.COMPANY_SUFFIX)}"
        kind, code, label = "company", credit_code(rng, agency.region), "法定代表人"
    else:
        shop = rng.choice(catalog.INDIVIDUAL_SHOPS)
        name = f"{place}{rng.choice(catalog.SHOP_NAMES)}{shop}"
        kind, code, label = "individual", credit_code(rng, agency.region).replace("91", "92", 1), "经营者"
    manager = rep if rng.random() < 0.35 else person_name(rng)
    return Party(
        name=name,
        kind=kind,
        credit_code=code,
        legal_rep=rep,
        rep_label=label,
        address=f"{agency.city}{agency.county}{rng.choice(catalog.PARKS)}"
        f"{rng.choice(catalog.ROADS)}{rng.randint(1, 99)}号",
        phone=f"1{rng.choice('3589')}{rng.randrange(10 ** 9):09d}",
        site_manager=manager,
        site_title="法定代表人" if manager == rep else rng.choice(["生产厂长", "环保负责人", "安全环保主管", "副总经理"]),
        id_number=id_number(rng, agency.region, born),
    )


def make_officers(rng: random.Random, agency: Agency) -> tuple[list[Person], Person]:
    prefix = agency.region[:4] + f"{rng.randint(0, 99):02d}"
    names: set[str] = set()
    while len(names) < 4:
        names.add(person_name(rng))
    people = [Person(n, prefix + f"{rng.randint(1, 999):03d}") for n in sorted(names)]
    rng.shuffle(people)
    officers = people[:3] if rng.random() < 0.2 else people[:2]
    recorder = officers[1] if rng.random() < 0.7 else people[3]
    return officers, recorder


def make_number(agency: Agency, kind: str, year: int, seq: int, zi: bool, rng: random.Random) -> str:
    suffixes = {
        "case": ["立", "立案", "立"],
        "notice": ["罚告", "罚先告", "罚告"],
        "decision": ["罚", "罚决", "罚"],
        "correction": ["责改", "违改", "责改"],
        "hearing_notice": ["听告", "听"],
    }
    suffix = rng.choice(suffixes[kind])
    return f"{agency.code}{suffix}{'字' if zi else ''}〔{year}〕{seq}号"


def make_timeline(rng: random.Random, proc: Procedure, year: int) -> dict[str, dt.date]:
    """Dates of every step, in an order and with gaps that break no rule of DOMAIN.md §4."""
    for _ in range(200):
        d: dict[str, dt.date] = {}
        start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 330))
        d["inspection"] = next_workday(start)
        d["filing"] = add_days_to_workday(d["inspection"], rng.randint(0, 9))
        d["inquiry"] = add_days_to_workday(d["filing"], rng.randint(0, 8))
        d["photos"] = d["inspection"]
        d["monitoring"] = add_days_to_workday(d["inspection"], rng.randint(2, 8))
        d["correction"] = add_days_to_workday(d["inspection"], rng.choice((0, 0, 1, 2)))
        d["correction_service"] = add_workdays(d["correction"], rng.choice((0, 0, 1, 2)))
        # An extended case is one whose investigation dragged on (监测、鉴定 and the like).
        report_gap = rng.randint(45, 70) if proc.extension else rng.randint(2, 12)
        d["report"] = add_days_to_workday(max(d["inquiry"], d["monitoring"]), report_gap)
        d["legal_review"] = add_days_to_workday(d["report"], rng.randint(1, 4))
        d["approval"] = add_days_to_workday(d["legal_review"], rng.randint(0, 3))
        d["notice"] = add_days_to_workday(d["approval"], rng.randint(1, 5))
        d["notice_service"] = add_workdays(d["notice"], rng.choice((0, 0, 1, 2, 3)))
        period = add_workdays(d["notice_service"], proc.stated_days)
        if proc.hearing_offered:
            period = max(period, add_workdays(d["notice_service"], 5))
        last = period
        if proc.statement_made:
            d["statement"] = add_workdays(d["notice_service"], rng.randint(1, proc.stated_days))
        if proc.waiver:
            d["waiver"] = add_workdays(d["notice_service"], rng.choice((0, 1)))
        if proc.hearing_held:
            d["hearing_request"] = add_workdays(d["notice_service"], rng.randint(1, 4))
            d["hearing_notice"] = add_workdays(d["hearing_request"], rng.randint(1, 3))
            d["hearing_notice_service"] = add_workdays(d["hearing_notice"], rng.choice((0, 1)))
            d["hearing"] = add_workdays(d["hearing_notice_service"], rng.randint(8, 12))
            last = max(last, d["hearing"])
        if proc.collective:
            d["collective"] = add_workdays(last, rng.randint(1, 4))
            last = d["collective"]
        if proc.waiver and not proc.hearing_held and rng.random() < 0.6:
            d["decision"] = add_workdays(d["waiver"], rng.randint(1, 3))  # early decision, made lawful by the waiver
            if proc.collective:
                d["collective"] = d["waiver"]  # the discussion, too, comes before the decision (LAP art57)
        else:
            d["decision"] = add_workdays(last, rng.randint(1, 12))
        d["decision_service"] = add_workdays(d["decision"], rng.choice((0, 0, 1, 2, 3, 5)))
        d["payment"] = add_days_to_workday(d["decision_service"], rng.randint(1, 14))
        d["closing"] = add_days_to_workday(d["payment"], rng.randint(3, 25))
        d["archive"] = add_days_to_workday(d["closing"], rng.randint(1, 15))
        span = (d["decision"] - d["filing"]).days
        if proc.extension:
            if 95 <= span <= 118:
                d["extension"] = add_days_to_workday(d["filing"], rng.randint(70, 85))
                return d
            continue
        if span <= 85:
            return d
    raise RuntimeError("could not draw a timeline")  # pragma: no cover - 200 draws always suffice


def make_case(rng: random.Random, name: str, seed: int) -> CaseSpec:
    agency = make_agency(rng)
    party = make_party(rng, agency)
    officers, recorder = make_officers(rng, agency)
    violation = rng.choice(catalog.VIOLATIONS)
    low, high = violation.fine_range
    fine = rng.randrange(low // 1000, high // 1000 + 1) * 1000
    if rng.random() < 0.3:
        fine = rng.randrange(low // 10000, high // 10000 + 1) * 10000 or low
    proc = Procedure()
    proc.hearing_offered = fine >= 50000 if party.kind == "company" else fine >= 10000
    proc.hearing_held = proc.hearing_offered and rng.random() < 0.25
    proc.statement_made = not proc.hearing_held and rng.random() < 0.3
    proc.waiver = not (proc.hearing_held or proc.statement_made) and rng.random() < 0.25
    proc.separate_correction = rng.random() < 0.6
    proc.correction_clause = not proc.separate_correction
    proc.collective = proc.hearing_held or fine >= 200000 or rng.random() < 0.2
    proc.extension = rng.random() < 0.08
    proc.inquiry = rng.random() < 0.85
    proc.stated_days = rng.choice((3, 5, 5, 5, 7))
    proc.notice_method = rng.choice(("直接送达",) * 5 + ("邮寄送达", "留置送达"))
    proc.decision_method = rng.choice(("直接送达",) * 5 + ("邮寄送达", "留置送达"))
    proc.correction_method = rng.choice(("直接送达",) * 6 + ("留置送达",))
    year = rng.randint(2021, 2025)
    dates = make_timeline(rng, proc, year)

    style = Style(
        order=rng.choice(("chronological", "chronological", "decision_first")),
        date_style=rng.choice(("arabic", "arabic", "chinese")),
        body_face=rng.choice(("song", "song", "ming", "kai", "hei")),
        title_face=rng.choice(("song_bold", "hei_bold", "hei", "song_bold")),
        numbered_at=rng.choice(("br", "br", "br", "tr")),
        zi=rng.random() < 0.3,
    )
    zi = style.zi
    notice_seq = rng.randint(1, 160)
    decision_seq = notice_seq if rng.random() < 0.4 else max(1, notice_seq + rng.randint(-6, 6))
    numbers: dict[str, str | None] = {
        "case": make_number(agency, "case", dates["filing"].year, rng.randint(1, 200), zi, rng),
        "notice": make_number(agency, "notice", dates["notice"].year, notice_seq, zi, rng),
        "decision": make_number(agency, "decision", dates["decision"].year, decision_seq, zi, rng),
        "correction": make_number(agency, "correction", dates["correction"].year, rng.randint(1, 90), zi, rng),
    }
    if proc.hearing_held:
        numbers["hearing_notice"] = make_number(agency, "hearing_notice", dates["hearing_notice"].year,
                                                rng.randint(1, 30), zi, rng)
    if rng.random() < 0.15:  # some agencies number cases plainly
        numbers["case"] = f"{dates['filing'].year}-{rng.randint(1, 200):03d}"

    fill = {"n": rng.randint(2, 40), "t": round(rng.uniform(0.2, 12.0), 1), "d": rng.choice((50, 75, 110, 160)),
            "line": rng.choice(catalog.PRODUCTION_LINES)}
    facts = [s.format(**fill) for s in violation.observed]
    evidence_items = list(violation.evidence)
    if party.kind == "company" and "营业执照复印件" not in evidence_items:
        evidence_items.append("营业执照复印件")
    if rng.random() < 0.5:
        evidence_items.append("法定代表人身份证复印件" if party.kind == "company" else "经营者身份证复印件")
    unit_head, chief, reviewer, archivist = (Person(person_name(rng)) for _ in range(4))
    return CaseSpec(
        name=name, seed=seed, agency=agency, party=party, officers=officers, recorder=recorder,
        unit_head=unit_head, chief=chief, legal_reviewer=reviewer, archivist=archivist,
        violation=violation, facts=facts, fine=fine, procedure=proc, style=style, dates=dates,
        numbers=numbers, evidence_items=evidence_items,
    )
