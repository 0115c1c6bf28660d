"""The generator's picture of one case: who, what, when, which numbers, and which defects.

Everything a template writes comes from here, so the truth file and the pages agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from samples.catalog import Violation


@dataclass
class Agency:
    name: str  # 宜春市生态环境局 or 宜春市生态环境局高安分局
    seal_name: str
    city: str
    county: str  # the 分局's county, "" for a city bureau
    province: str
    code: str  # 机关代字 prefix: 宜环 / 宜环高
    region: str
    address: str
    phone: str
    bank: str
    account: str


@dataclass
class Party:
    name: str
    kind: str  # company | individual
    credit_code: str | None
    legal_rep: str
    rep_label: str  # 法定代表人 / 经营者 / 负责人
    address: str
    phone: str
    site_manager: str
    site_title: str
    id_number: str


@dataclass
class Person:
    name: str
    cert: str = ""  # 执法证号
    title: str = ""


@dataclass
class Procedure:
    hearing_offered: bool = False
    hearing_held: bool = False
    statement_made: bool = False
    waiver: bool = False  # written 放弃陈述申辩/听证 (LAP art62)
    separate_correction: bool = True
    correction_clause: bool = False  # 责令改正 inside the decision
    extension: bool = False  # 延期审批 (办法2023 art57)
    collective: bool = False
    inquiry: bool = True
    stated_days: int = 5  # the 陈述申辩 period the notice states, in working days
    notice_method: str = "直接送达"
    decision_method: str = "直接送达"
    correction_method: str = "直接送达"


@dataclass
class Style:
    order: str = "chronological"  # or decision_first (办法2010 art69)
    date_style: str = "arabic"  # arabic | chinese: how outgoing documents write dates
    body_face: str = "song"
    title_face: str = "song_bold"
    numbered_at: str = "br"  # where archive page numbers are stamped: br | tr
    born_digital: bool = False
    zi: bool = False  # 机关代字 with 字 (宜环罚字〔2024〕37号)


@dataclass
class Defects:
    """Knobs the defect injector turns; templates read them."""

    codes: list[str] = field(default_factory=list)
    omit: set[str] = field(default_factory=set)  # document keys left out of the file
    unsealed: set[str] = field(default_factory=set)
    unsigned: dict[str, str] = field(default_factory=dict)  # doc key -> role whose signature is absent
    one_officer: set[str] = field(default_factory=set)
    no_number: set[str] = field(default_factory=set)
    no_date: set[str] = field(default_factory=set)
    receipt_cites: dict[str, str] = field(default_factory=dict)  # served key -> number the receipt names
    numbering_fault: str | None = None  # skip | repeat | unnumbered
    claims_statement: bool = False  # decision says statements were made, file has no record


@dataclass
class CaseSpec:
    name: str
    seed: int
    agency: Agency
    party: Party
    officers: list[Person]
    recorder: Person
    unit_head: Person  # 承办机构负责人
    chief: Person  # 负责人 who approves
    legal_reviewer: Person
    archivist: Person
    violation: Violation
    facts: list[str]
    fine: int
    procedure: Procedure
    style: Style
    dates: dict[str, dt.date]
    numbers: dict[str, str | None]
    evidence_items: list[str]
    defects: Defects = field(default_factory=Defects)

    @property
    def case_type(self) -> str:
        return "一般程序"

    def number(self, key: str) -> str | None:
        if key in self.defects.no_number:
            return None
        return self.numbers.get(key)

    def date(self, key: str) -> dt.date | None:
        if key in self.defects.no_date:
            return None
        return self.dates.get(key)
