"""Records of a case file: 笔录, 调查报告, 陈述申辩/听证, 集体讨论 and evidence pages.

Each builder turns a `CaseSpec` and a `DocPlan` into `PageLayout`s (DOMAIN.md §1, §5). All
randomness comes from the `rng` passed in, except facts two documents of one case must agree on
(the inspection's hours, which the photos repeat; the hearing's host and hour, which notice and
record share): those come from a `random.Random` seeded by the case itself.

Hand roles used: party, officer, recorder, witness, host, attendee, monitor.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass

from samples import catalog
from samples.casegen import arabic_date, id_number, person_name
from samples.fonts import text_width
from samples.layout import Hand, PageLayout, Text, wrap
from samples.plan import (
    BODY_W,
    MARGIN_L,
    MARGIN_R,
    DocPlan,
    fmt_date,
    ink,
    new_page,
    officer_line,
    short_date,
)
from samples.spec import CaseSpec, Person

Color = tuple[int, int, int]
Item = tuple  # ("p", text, indent) | ("hand", label, text, role, color) | ("break",)
Tok = tuple  # ("t", text) printed | ("s", name, role, color) signature | ("h", text, role, color) handwriting

TOP = 62.0
BOTTOM = 780.0  # lowest line top on pages without a signature foot
FOOT_TOP = 700.0  # records keep their text above this and sign below it
BOX_BOTTOM = 800.0
PAGE_NO_Y = 784.0
UPPER = "零壹贰叁肆伍陆柒捌玖"
DIRS = "东南西北"
A4_CX = (MARGIN_L + MARGIN_R) / 2


def rmb_upper(amount: int) -> str:
    """大写金额 of a whole number of yuan: 52120 -> 伍万贰仟壹佰贰拾元整, 1005000 -> 壹佰万零伍仟元整."""
    if amount < 0 or amount >= 10**12:
        raise ValueError(f"amount out of range: {amount}")
    if amount == 0:
        return "零元整"
    digits = str(amount)
    out: list[str] = []
    zero = False
    for i, ch in enumerate(digits):
        pos = len(digits) - 1 - i
        if ch == "0":
            zero = True
        else:
            if zero and out:
                out.append("零")
            zero = False
            out.append(UPPER[int(ch)] + ("", "拾", "佰", "仟")[pos % 4])
        if pos % 4 == 0 and pos and int(digits[max(0, i - 3): i + 1]):
            out.append(("", "万", "亿")[pos // 4])
    return "".join(out) + "元整"


def fine_text(amount: int) -> str:
    return f"罚款人民币{rmb_upper(amount)}（¥{amount}元）"


# -- shared helpers ------------------------------------------------------------------------------


@dataclass
class _St:
    body: str
    title: str
    ts: float  # title size
    bs: float  # body size
    tb: float  # table size
    sh: float  # signature height


def _style(spec: CaseSpec, rng: random.Random) -> _St:
    return _St(spec.style.body_face, spec.style.title_face, rng.choice((18.0, 20.0, 22.0)),
               rng.choice((10.5, 11.0, 11.0, 12.0)), rng.choice((10.0, 10.5, 11.0)), rng.choice((16.0, 18.0, 20.0)))


class _Pens:
    """One pen per person per document."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._by: dict[str, Color] = {}

    def __call__(self, who: str) -> Color:
        if who not in self._by:
            self._by[who] = ink(self._rng)
        return self._by[who]


def _tw(s: str, size: float, face: str) -> float:
    return text_width(s, size, face)


@functools.lru_cache(maxsize=16384)
def _lines(s: str, width: float, size: float, face: str, indent: int = 0) -> tuple[str, ...]:
    """`layout.wrap`, cached: templates wrap the same cells again for every size test."""
    return tuple(wrap(s, width, size, face, indent=indent))


def _fixed(spec: CaseSpec, tag: str) -> random.Random:
    """Randomness two documents must share, seeded by the case (not by the document's rng)."""
    return random.Random(f"{spec.name}|{spec.seed}|{tag}")


def _hm(minutes: int) -> str:
    return f"{minutes // 60}时{minutes % 60}分"


def _span(day: dt.date | None, start: int, end: int) -> str:
    if day is None:
        return "     年    月    日    时    分至    时    分"
    return f"{arabic_date(day)}{_hm(start)}至{_hm(end)}"


def _window(spec: CaseSpec, key: str, kind: str, day: dt.date | None) -> tuple[int, int]:
    """Start and end minute of a record; inspection mornings, same-day inquiries in the afternoon."""
    r = _fixed(spec, f"{kind}|{key}")
    if kind == "inspection":
        a = r.randint(510, 630)
        return a, a + r.randint(35, 100)
    if kind == "inquiry":
        afternoon = r.randint(840, 950)
        same_day = day is not None and day == spec.dates.get("inspection")
        a = afternoon if same_day or r.random() < 0.5 else r.randint(520, 640)
        return a, a + r.randint(40, 95)
    if kind == "hearing":
        a = r.choice((540, 570, 870, 900))
        return a, a + r.randint(70, 150)
    a = r.choice((r.randint(540, 650), r.randint(870, 960)))
    return a, a + r.randint(25, 60)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _hand_date(day: dt.date, rng: random.Random) -> str:
    return short_date(day) if rng.random() < 0.5 else arabic_date(day)


def _recorder(spec: CaseSpec, key: str) -> Person:
    """The recorder; with the one-officer defect a second officer must not appear as recorder."""
    if key in spec.defects.one_officer and spec.recorder in spec.officers[1:]:
        return spec.officers[0]
    return spec.recorder


def _absent(spec: CaseSpec, doc: DocPlan, role: str) -> bool:
    return spec.defects.unsigned.get(doc.key) == role


def _business(spec: CaseSpec) -> str:
    """What the party does, as a record says it: 建筑陶瓷砖的生产, 汽车维修."""
    for industry, product in catalog.INDUSTRIES:
        if industry in spec.party.name:
            return f"{product}的生产"
    trades = {"汽车修理厂": "汽车维修", "洗车场": "车辆清洗", "养殖场": "生猪养殖", "石材加工厂": "石材加工",
              "塑料加工作坊": "塑料制品加工", "木材加工厂": "木材加工", "砖厂": "烧结砖生产"}
    for shop, trade in trades.items():
        if shop in spec.party.name:
            return trade
    return "产品生产"


def _person_facts(idn: str, on: dt.date | None) -> tuple[str, int]:
    born = dt.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    on = on or born.replace(year=born.year + 40)
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return ("男" if int(idn[16]) % 2 else "女"), age


def _title(page: PageLayout, spec: CaseSpec, st: _St, title: str, *, agency_line: bool, y: float = TOP) -> float:
    if agency_line:
        size = st.ts - 4
        page.centered(y, spec.agency.name, size, st.title)
        y += size * 1.8
    page.title_bbox = page.centered(y, title, st.ts, st.title).bbox
    return y + st.ts * 1.9


def _table(page: PageLayout, x: float, y: float, rows: list[list[tuple[str, float]]], size: float, face: str,
           *, pad: float = 4.0, leading: float = 1.3, min_h: float = 0.0, center: bool = False,
           ) -> tuple[float, list[list[tuple[float, float, float, float]]]]:
    """Ruled rows of (text, width) cells, each row as tall as its longest cell; returns bottom and cells."""
    cells: list[list[tuple[float, float, float, float]]] = []
    page.line(x, y, x + sum(w for _, w in rows[0]), y)
    for row in rows:
        wrapped = [_lines(t, w - 2 * pad, size, face) or ("",) for t, w in row]
        h = max(min_h, 2 * pad + size * 1.15 + (max(len(ls) for ls in wrapped) - 1) * size * leading)
        cx = x
        boxes = []
        for (_, w), ls in zip(row, wrapped, strict=True):
            ty = y + (h - size * 1.15 - (len(ls) - 1) * size * leading) / 2
            for i, ln in enumerate(ls):
                if ln:
                    tx = cx + (w - _tw(ln, size, face)) / 2 if center else cx + pad
                    page.text(tx, ty + i * size * leading, ln, size, face)
            page.line(cx, y, cx, y + h)
            boxes.append((cx, y, cx + w, y + h))
            cx += w
        page.line(cx, y, cx, y + h)
        page.line(x, y + h, cx, y + h)
        cells.append(boxes)
        y += h
    return y, cells


def _fields(page: PageLayout, y: float, rows: list[list[tuple[str, str]]], st: _St, *, underline: bool,
            x0: float = MARGIN_L, x1: float = MARGIN_R, pitch: float | None = None) -> float:
    """Header lines `label：value` (underlined like a form when asked); crowded rows split."""
    size, face = st.bs, st.body
    pitch = pitch or size * 2.0
    width = x1 - x0

    def need(pair: tuple[str, str]) -> float:
        return _tw(f"{pair[0]}：", size, face) + max(_tw(pair[1], size, face), 40.0) + 16

    for row in rows:
        groups = [row] if sum(need(p) for p in row) <= width else [[p] for p in row]
        for grp in groups:
            total = sum(need(p) for p in grp)
            x, tall = x0, 1
            for lab, val in grp:
                w = need((lab, val)) * width / total
                label = f"{lab}：" if lab else ""
                lw = _tw(label, size, face)
                if label:
                    page.text(x, y, label, size, face)
                lines = _lines(val, w - lw - 12, size, face) or ("",)
                for i, ln in enumerate(lines):
                    ly = y + i * pitch
                    if ln:
                        page.text(x + lw + 4, ly, ln, size, face)
                    if underline:
                        page.line(x + lw, ly + size * 1.3, x + w - 8, ly + size * 1.3, 0.5)
                tall = max(tall, len(lines))
                x += w
            y += tall * pitch
    return y


def _header_table(page: PageLayout, y: float, rows: list[list[tuple[str, str]]], st: _St,
                  x0: float = MARGIN_L, x1: float = MARGIN_R) -> float:
    """A ruled header: label cells (first column aligned) and value cells."""
    size, face = st.tb, st.body
    first = max(_tw(r[0][0], size, face) for r in rows) + 14
    trows = []
    for row in rows:
        labels = [first] + [_tw(lab, size, face) + 12 for lab, _ in row[1:]]
        rest = (x1 - x0) - sum(labels)
        weights = [max(_tw(v, size, face), 60.0) for _, v in row]
        cells: list[tuple[str, float]] = []
        for (lab, val), lw, wt in zip(row, labels, weights, strict=True):
            cells += [(lab, lw), (val, rest * wt / sum(weights))]
        trows.append(cells)
    return _table(page, x0, y, trows, size, face, min_h=size * 2.2)[0]


class _Flow:
    """Running text over pages; ruled flows draw a rule under every line and down to the bottom."""

    def __init__(self, doc: DocPlan, st: _St, *, bottom: float = BOTTOM, pitch: float | None = None,
                 ruled: bool = False, cont: Callable[[PageLayout], float] | None = None) -> None:
        self.doc, self.st, self.bottom, self.ruled, self.cont = doc, st, bottom, ruled, cont
        self.pitch = pitch or st.bs * 1.8
        self.pages: list[PageLayout] = [new_page(doc)]
        self.y = TOP

    @property
    def page(self) -> PageLayout:
        return self.pages[-1]

    def _rule(self, y: float) -> None:
        self.page.line(MARGIN_L, y + self.st.bs * 1.4, MARGIN_R, y + self.st.bs * 1.4, 0.45)

    def rules_to_bottom(self) -> None:
        y = self.y
        while self.ruled and y + self.st.bs * 1.5 <= self.bottom:
            self._rule(y)
            y += self.pitch

    def break_page(self) -> None:
        self.rules_to_bottom()
        self.pages.append(new_page(self.doc))
        self.y = self.cont(self.page) if self.cont else TOP

    def ensure(self, h: float) -> None:
        if self.y + h > self.bottom:
            self.break_page()

    def para(self, s: str, *, indent: int = 2, size: float | None = None, x0: float = MARGIN_L,
             x1: float = MARGIN_R, face: str | None = None) -> None:
        size = size or self.st.bs
        face = face or self.st.body
        for ln in _lines(s, x1 - x0, size, face, indent):
            self.ensure(size * 1.5)
            first = ln.startswith("\0")
            self.page.text(x0 + (size * indent if first else 0), self.y, ln.lstrip("\0"), size, face)
            if self.ruled:
                self._rule(self.y)
            self.y += self.pitch

    def hand_line(self, label: str, text: str, role: str, color: Color, height: float = 15.0) -> None:
        """A printed label followed by words the signer wrote (被检查人意见：以上笔录已阅，情况属实)."""
        size = self.st.bs
        self.ensure(max(self.pitch, height + 10))
        x = MARGIN_L + (0 if label else size * 2)
        if label:
            self.page.text(MARGIN_L, self.y, label, size, self.st.body)
            x += _tw(label, size, self.st.body) + 4
        if text:
            self.page.hand(x, self.y + size * 1.15 - height + 3, text, height, kind="hand", color=color, role=role)
        if self.ruled:
            self._rule(self.y)
        self.y += max(self.pitch, height + 10)

    def signature_line(self, label: str, toks: list[Tok], *, x: float = MARGIN_L) -> float:
        self.ensure(self.st.sh + 14)
        end = _draw_tokens(self.page, x, self.y, [("t", label), *toks] if label else toks, self.st, self.st.bs)
        self.y += max(self.pitch, self.st.sh + 10)
        return end


def _tok_w(tok: Tok, st: _St, size: float) -> float:
    if tok[0] == "t":
        return _tw(tok[1], size, st.body)
    return Hand(0, 0, tok[1], st.sh if tok[0] == "s" else 13.0, "sign" if tok[0] == "s" else "hand").bbox[2]


def _draw_tokens(page: PageLayout, x: float, y: float, toks: list[Tok], st: _St, size: float) -> float:
    """Printed words and ink along one line whose text top is `y`; returns the x after the last one."""
    for tok in toks:
        if tok[0] == "t":
            page.text(x, y, tok[1], size, st.body)
        else:
            h = st.sh if tok[0] == "s" else 13.0
            page.hand(x, y + size * 1.15 - h + 3, tok[1], h, kind="sign" if tok[0] == "s" else "hand",
                      color=tok[3], role=tok[2])
        x += _tok_w(tok, st, size) + 5
    return x


def _foot(page: PageLayout, st: _St, groups: list[list[Tok]], pno: int, total: int, *, rule: bool,
          pn_fmt: str, top: float = FOOT_TOP) -> None:
    """The signature foot of a record page: groups packed into rows, then 第X页 共Y页."""
    size = min(st.bs, 11.0)
    if rule:
        page.line(MARGIN_L, top, MARGIN_R, top, 0.6)
    rows: list[list[list[Tok]]] = []
    used: list[float] = []
    for g in groups:
        w = sum(_tok_w(t, st, size) + 5 for t in g)
        if rows and used[-1] + 22 + w <= BODY_W:
            rows[-1].append(g)
            used[-1] += 22 + w
        else:
            rows.append([g])
            used.append(w)
    y = top + 12
    for row in rows[:3]:
        x = MARGIN_L
        for g in row:
            x = _draw_tokens(page, x, y, g, st, size) + 17
        y += 24
    page.centered(PAGE_NO_Y, pn_fmt.format(p=pno, t=total), size, st.body)


# -- the record engine (笔录) ---------------------------------------------------------------------


@dataclass
class _Record:
    spec: CaseSpec
    doc: DocPlan
    st: _St
    variant: str  # table | lines | box
    agency_line: bool
    header: list[list[tuple[str, str]]]
    cont: bool  # continuation pages repeat the title with （续页）
    underline: bool
    foot_top: float = FOOT_TOP
    loose: float = 1.0  # line pitch multiplier (long records on widely ruled paper)


def _lay_record(rec: _Record, items: list[Item]) -> list[PageLayout]:
    st, box = rec.st, rec.variant == "box"
    ruled = rec.variant == "table"

    def cont(page: PageLayout) -> float:
        y = TOP
        if box:
            page.rect(MARGIN_L - 10, 50, MARGIN_R + 10, BOX_BOTTOM)
        if rec.cont:
            page.centered(y, f"{rec.doc.title}（续页）", st.bs + 1, st.title)
            y += (st.bs + 1) * 2.2
        return y

    flow = _Flow(rec.doc, st, bottom=rec.foot_top - 6, pitch=st.bs * (2.0 if ruled else 1.8) * rec.loose, ruled=ruled,
                 cont=cont)
    page = flow.page
    y = _title(page, rec.spec, st, rec.doc.title, agency_line=rec.agency_line)
    if box:
        page.rect(MARGIN_L - 10, y - 8, MARGIN_R + 10, BOX_BOTTOM)
        y += 4
    if ruled:
        y = _header_table(page, y, rec.header, st) + 6
    else:
        y = _fields(page, y, rec.header, st, underline=rec.underline)
    flow.y = y + 2
    for item in items:
        if item[0] == "p":
            flow.para(item[1], indent=item[2])
        elif item[0] == "hand":
            flow.hand_line(item[1], item[2], item[3], item[4])
        elif item[0] == "break":
            flow.break_page()
    flow.rules_to_bottom()
    return flow.pages


def _text_end(page: PageLayout) -> float:
    return max((op.y for op in page.ops if isinstance(op, Text | Hand)), default=TOP)


def _fit(rec: _Record, make: Callable[[int, bool], list[Item]], k: int, kmin: int, kmax: int,
         target: int, lo: int, fill: float = 0.0) -> list[PageLayout]:
    """Lay the record out with k optional items, moving k until the page count meets `target`.

    Once there, more items go in while the page count holds and the last page's text ends above
    `fill` (a y), so the last page is not left holding just the closing line.
    """
    pages = _lay_record(rec, make(k, False))
    while len(pages) < target and k < kmax:
        k += 1
        pages = _lay_record(rec, make(k, False))
    while len(pages) > target and k > kmin:
        k -= 1
        pages = _lay_record(rec, make(k, False))
    while k < kmax and _text_end(pages[-1]) < fill:
        more = _lay_record(rec, make(k + 1, False))
        if len(more) != len(pages):
            break
        k, pages = k + 1, more
    if len(pages) < lo:
        pages = _lay_record(rec, make(k, True))
    return pages


def _choose(opt: list[tuple[int, Item | list[Item]]], k: int) -> list[Item]:
    """Items in their order, keeping optional ones whose rank < k (rank -1 = always)."""
    out: list[Item] = []
    for rank, it in opt:
        if rank < k:
            out += it if isinstance(it, list) else [it]
    return out


def _ordered(rng: random.Random, seq: list[tuple[bool, Item | list[Item]]],
             ) -> list[tuple[int, Item | list[Item]]]:
    """Keep the given order; optional entries get a random keep-rank, required ones rank -1."""
    ranks = list(range(sum(1 for optional, _ in seq if optional)))
    rng.shuffle(ranks)
    it = iter(ranks)
    return [(next(it) if optional else -1, item) for optional, item in seq]


def _merge(items: list[Item], limits: list[int]) -> list[Item]:
    """Join consecutive narrative sentences ("s" items) into paragraphs of roughly `limits` characters."""
    out: list[Item] = []
    cur, j = "", 0
    for it in items:
        if it[0] == "s":
            cur += it[1]
            if len(cur) >= limits[j % len(limits)]:
                out.append(("p", cur, 2))
                cur, j = "", j + 1
            continue
        if cur:
            out.append(("p", cur, 2))
            cur, j = "", j + 1
        out.append(it)
    if cur:
        out.append(("p", cur, 2))
    return out


def _record_foot_groups(party_label: str, party_name: str, day: dt.date | None, pens: _Pens,
                        officers_label: str, officers: list[tuple[str, str]], recorder_label: str,
                        recorder: Person, rng: random.Random) -> Callable[[str], list[list[Tok]]]:
    """Foot groups for a page; `how` is "signed", "absent" (defect) or "refused" (note + witness)."""
    pdate = _hand_date(day, rng) if day else ""
    witness = person_name(rng)
    witness_org = rng.choice(("（村委会）", "（园区管委会）", "（社区工作人员）", ""))
    note_printed = rng.random() < 0.5

    def groups(how: str) -> list[list[Tok]]:
        party: list[Tok] = [("t", party_label)]
        if how == "signed":
            party += [("s", party_name, "party", pens(party_name))]
            if pdate:
                party.append(("h", pdate, "party", pens(party_name)))
        elif how == "refused":
            party += [("t", "（当事人拒绝签名）")] if note_printed else [
                ("h", "当事人拒绝签名", "recorder", pens(recorder.name))]
            party += [("t", "见证人："), ("s", witness, "witness", pens(witness))]
            if witness_org:
                party.append(("t", witness_org))
        offs: list[Tok] = [("t", officers_label)] + [("s", n, "officer", pens(n)) for n, _ in officers]
        rec: list[Tok] = [("t", recorder_label), ("s", recorder.name, "recorder", pens(recorder.name))]
        return [party, offs, rec]

    return groups


def _finish_record(rec: _Record, pages: list[PageLayout], groups: Callable[[str], list[list[Tok]]],
                   rng: random.Random) -> list[PageLayout]:
    spec, doc = rec.spec, rec.doc
    total = len(pages)
    refused = rng.randrange(total) if rng.random() < 0.1 else -1
    pn_fmt = rng.choice(("第{p}页 共{t}页", "第 {p} 页  共 {t} 页", "共{t}页 第{p}页"))
    for i, page in enumerate(pages):
        how = "signed"
        if i == total - 1 and _absent(spec, doc, "party"):
            how = "absent"
        elif i == refused:
            how = "refused"
        _foot(page, rec.st, groups(how), i + 1, total, rule=rec.variant != "lines", pn_fmt=pn_fmt,
              top=rec.foot_top)
    return pages


def _drop_closing(spec: CaseSpec, doc: DocPlan) -> bool:
    return _absent(spec, doc, "party")


# -- 1. 现场检查（勘察）笔录 ------------------------------------------------------------------------

# (sentence, violations it would contradict, whether it belongs after the findings)
_INSPECT_FILLER: list[tuple[str, tuple[str, ...], bool]] = [
    ("检查时，该单位处于正常生产状态，{line}正在运行，车间内有作业人员约{n}人。", (), False),
    ("该单位原辅材料堆放于厂区{dir}侧原料仓库内，仓库地面已硬化，四周设有围挡。", ("dust",), False),
    ("现场查看，该单位建有{fac}一套，检查时处于运行状态，运行记录基本完整。", ("facility_idle", "vocs"), False),
    ("该单位设有废水排放口{m}个、雨水排放口1个，各排放口均已设置环境保护图形标志牌。", ("water_bypass",), False),
    ("厂区实行雨污分流，检查时雨水沟内未见明显污水。", ("water_bypass",), False),
    ("执法人员查阅了该单位{ledger}，台账记录至{prev}。", (), False),
    ("该单位已取得排污许可证，证书编号为{permit}，现场未见许可证正本悬挂。", ("permit_none", "eia_unbuilt", "eia_acceptance"),
     False),
    ("该单位于{year}年编制了建设项目环境影响报告表，并取得了审批部门的批复。", ("eia_unbuilt",), False),
    ("一般工业固体废物暂存于厂区{dir}侧固废暂存间内，暂存间设有防雨顶棚。", (), False),
    ("危险废物贮存间位于厂区{dir}侧，面积约{area}平方米，地面做了防渗处理并设有导流沟。", ("hazwaste_storage",), False),
    ("厂区主要道路已硬化，车辆出入口设有冲洗平台。", ("dust",), False),
    ("检查期间，{manager}全程陪同，并对执法人员提出的问题作了说明。", (), True),
    ("执法人员对现场情况进行了拍照取证，共拍摄照片{n}张。", (), True),
    ("执法人员使用执法记录仪对检查过程进行了全程录像。", (), True),
    ("该单位废水总排口自动监测设备运行正常，数据已与生态环境部门联网。", ("auto_monitor", "water_bypass"), False),
    ("车间内共有主要生产设备{m}台（套），检查时{m2}台正在运行。", (), False),
    ("据现场负责人介绍，该单位现有员工约{staff}人，实行{shift}工作制。", (), False),
    ("该单位厂界{dir}侧约{dist}米处有{near}。", (), False),
    ("该单位废气经收集后通过{h}米高排气筒排放，排气筒已设置采样平台和采样口。", ("vocs", "facility_idle"), False),
    ("执法人员查看了该单位用电记录，上月用电量约{kwh}千瓦时。", (), False),
    ("该单位已制定突发环境事件应急预案，并报生态环境部门备案。", (), False),
    ("该单位厂区大门朝{dir}，门口设有企业名称标识牌，厂区占地面积约{area2}亩。", (), False),
    ("厂区内主要建有生产车间{m}栋、原料仓库1栋、成品仓库1栋及办公楼1栋。", (), False),
    ("生产车间内地面基本整洁，设备布置较为紧凑，车间门窗检查时处于{door}状态。", (), False),
    ("现场查看了该单位的原辅材料，主要为{mat}，堆放整齐，未见明显洒落。", ("dust",), False),
    ("该单位生产用水取自{water}，生活污水经化粪池处理后{sewer}。", ("water_bypass",), False),
    ("该单位锅炉（导热油炉）使用{fuel}作为燃料，检查时处于运行状态。", (), False),
    ("厂区{dir}侧设有事故应急池一座，容积约{pool}立方米，池内无积水。", (), False),
    ("现场查看了该单位的环保设施运行记录，记录填写人为{manager}，最近一次记录日期为{prev}。", (), False),
    ("该单位设有环保管理机构，配备兼职环保管理人员{m2}名。", (), False),
    ("执法人员查看了该单位危险废物转移联单，最近一次转移时间为{prev}，接收单位为有资质的处置企业。",
     ("hazwaste_storage",), False),
    ("现场检查时，该单位厂界外未闻到明显异味。", ("vocs", "noise"), False),
    ("检查过程中，执法人员对厂区周边环境进行了巡查，周边沟渠未见明显异常。", ("water_bypass",), False),
    ("执法人员对现场检查中发现的问题逐项向现场负责人作了说明，现场负责人表示认可。", (), True),
    ("执法人员告知该单位，如对本次检查有异议，可以在本笔录上注明。", (), True),
    ("本次检查持续约{minutes}分钟，检查过程中该单位予以配合，未发现阻挠检查的情况。", (), True),
    ("执法人员向现场负责人宣传了生态环境保护法律法规，要求其落实企业环境保护主体责任。", (), True),
    ("现场未发现其他明显的环境违法行为。", (), True),
    ("执法人员要求该单位在三个工作日内提供营业执照、法定代表人身份证明及相关环保手续复印件。", (), True),
]


def _fill(rng: random.Random, spec: CaseSpec, day: dt.date | None) -> dict[str, object]:
    prev = (day or dt.date(2024, 1, 10)) - dt.timedelta(days=rng.randint(1, 6))
    code = spec.party.credit_code or "92" + "0" * 16
    return {
        "line": next((ln for ln in catalog.PRODUCTION_LINES if any(ln in f for f in spec.facts)),
                     rng.choice(catalog.PRODUCTION_LINES)), "n": rng.randint(4, 30), "dir": rng.choice(DIRS),
        "fac": rng.choice(("布袋除尘器", "水喷淋塔", "活性炭吸附装置", "污水处理设施（调节池、沉淀池、生化池）",
                           "油烟净化器", "脉冲袋式除尘器")),
        "m": rng.randint(2, 12), "m2": rng.randint(1, 2), "prev": f"{prev.month}月{prev.day}日",
        "ledger": rng.choice(("污染防治设施运行台账", "生产记录台账", "危险废物管理台账", "原辅材料购进台账")),
        "permit": f"{code}{rng.randint(1, 3):03d}{rng.choice('PQRUVWXY')}", "year": (day.year if day else 2024)
        - rng.randint(2, 9), "area": rng.randint(10, 80), "manager": spec.party.site_manager,
        "staff": rng.randint(8, 260), "shift": rng.choice(("单班", "两班", "三班倒")), "dist": rng.randint(60, 900),
        "near": rng.choice(("村庄", "居民点", "农田", "一条小河", "其他企业厂房")), "h": rng.choice((15, 20, 25, 30)),
        "kwh": rng.randint(8, 400) * 100, "area2": rng.randint(5, 120), "door": rng.choice(("敞开", "关闭", "半开")),
        "mat": rng.choice(("各类原料及辅料", "外购的半成品及包装材料", "原料及少量化学助剂")),
        "water": rng.choice(("市政自来水", "园区供水管网", "自备水井")),
        "sewer": rng.choice(("排入园区污水管网", "用于厂区绿化", "由环卫部门定期清运")),
        "fuel": rng.choice(("天然气", "生物质成型燃料", "电")), "pool": rng.choice((50, 100, 150, 200)),
        "minutes": rng.randint(40, 90),
    }


def build_inspection(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """现场检查（勘察）笔录: 2-4 pages, signed at the foot of every page."""
    st, pens, party = _style(spec, rng), _Pens(rng), spec.party
    title = doc.title or "现场检查笔录"
    verb = "勘察" if "勘察" in title and "检查" not in title else "检查"
    day = doc.date
    start, end = _window(spec, doc.key, "inspection", day)
    officers = officer_line(spec, doc.key)
    recorder = _recorder(spec, doc.key)
    manager = party.site_manager
    mphone = party.phone if manager == party.legal_rep else _phone(rng)
    variant = rng.choice(("table", "lines", "box"))
    names = "、".join(n for n, _ in officers)

    unit = rng.choice(("被检查单位", "被检查人", "检查对象", "被检查单位（人）"))
    rep = party.rep_label if rng.random() < 0.7 or party.kind != "company" else "法定代表人（负责人）"
    place = party.address + rng.choice(("", "", "（厂区内）", "厂区"))
    rows: list[list[tuple[str, str]]] = [[(f"{verb}时间", _span(day, start, end))], [(f"{verb}地点", place)],
                                         [(unit, party.name)]]
    if party.credit_code and rng.random() < 0.4:
        rows.append([("统一社会信用代码", party.credit_code)])
    rows.append([(rep, party.legal_rep), ("联系电话", party.phone)])
    rows.append([("现场负责人", manager), ("职务", party.site_title), ("联系电话", mphone)])
    if verb == "勘察" and rng.random() < 0.6:
        rows.insert(2, [("天气", rng.choice(("晴", "多云", "阴", "小雨")))])
    if variant == "table":
        rows += [[("执法人员", n), ("执法证号", c)] for n, c in officers]
        rows.append([("记录人", recorder.name), ("执法证号", recorder.cert)] if rng.random() < 0.5
                    else [("记录人", recorder.name)])
    else:
        style = rng.randrange(3)
        if style == 0:
            text = "、".join(f"{n}（执法证号：{c}）" for n, c in officers)
        elif style == 1:
            text = "；".join(f"{n}  执法证号：{c}" for n, c in officers)
        else:
            text = f"{names}（执法证号：{'、'.join(c for _, c in officers)}）"
        rows += [[("执法人员", text)], [("记录人", recorder.name)]]
    rec = _Record(spec, doc, st, variant, rng.random() < 0.45, rows, rng.random() < 0.4,
                  variant == "lines" or rng.random() < 0.5)

    # 表明身份, 告知回避
    who = rng.choice(("我们是", "我们是"))
    intro = (f"{who}{spec.agency.name}的执法人员{names if rng.random() < 0.5 else ''}（出示执法证件），"
             f"现依法进行现场{verb}，请予配合。你是否申请回避？")
    style = rng.randrange(3)
    if style == 0:
        head: list[Item] = [("p", "问：" + intro, 0), ("p", "答：" + rng.choice(("不申请。", "不申请回避。")), 0)]
    elif style == 1:
        head = [("p", "执法人员：" + intro, 0), ("p", "被检查人：" + rng.choice(("不申请。", "不申请回避。")), 0)]
    else:
        head = [("p", f"执法人员{names}向被检查人出示了执法证件，表明了身份，告知其依法享有申请回避的权利。"
                      "被检查人表示不申请回避。", 2)]
    head.append(("p", rng.choice((f"{verb}情况：", f"现场{verb}情况：", f"{verb}记录：")), 0))

    fill = _fill(rng, spec, day)
    opening = rng.choice((
        f"经现场{verb}，{party.name}位于{party.address}，主要从事{_business(spec)}。",
        f"{party.name}位于{party.address}，主要从事{_business(spec)}，现场负责人{manager}在场。",
        f"执法人员到达现场时，该单位现场负责人{manager}（{party.site_title}）在场，并陪同{verb}。",
    ))
    usable = [(s.format(**fill), post) for s, bad, post in _INSPECT_FILLER
              if spec.violation.key not in bad and ("环境影响报告表" not in s or party.kind == "company")]
    rng.shuffle(usable)
    before = [s for s, post in usable if not post]
    cut = rng.randint(1, max(1, len(before) - 2))
    fillers = before[:cut] + before[cut:] + [s for s, post in usable if post]
    q_sets: list[Item | list[Item]] = [
        [("p", "问：你单位现在是否正常生产？", 0), ("p", "答：" + rng.choice(("正常生产。", "在生产。")), 0)],
        [("p", f"问：{spec.facts[0]}，这个情况你是否清楚？", 0), ("p", "答：清楚。", 0)],
        [("p", "问：为什么会出现上述情况？", 0),
         ("p", "答：" + rng.choice(("主要是我们管理不到位，对环保要求不够重视。", "这段时间工人换了一批，疏忽了。",
                                   "我们对相关法律法规学习不够。")), 0)],
        [("p", "问：你单位的环保工作由谁负责？", 0), ("p", f"答：由{manager}负责。", 0)],
        [("p", "问：请你单位提供营业执照、环评批复等相关资料。", 0), ("p", "答：好的，我们会尽快提供复印件。", 0)],
        [("p", "问：上述情况存在多长时间了？", 0),
         ("p", "答：" + rng.choice(("大概有半个月了。", "具体时间记不清了。", "没多久，前几天才这样。")), 0)],
        [("p", "问：你单位平时的环保设施由谁维护？", 0),
         ("p", "答：" + rng.choice(("由车间设备员负责维护。", "我们请了第三方公司运维。", "由我负责。")), 0)],
        [("p", "问：你单位近期是否接受过生态环境部门的检查？", 0),
         ("p", "答：" + rng.choice(("去年检查过一次。", "没有。", "今年初检查过。")), 0)],
        [("p", "问：你对今天的检查情况有无异议？", 0), ("p", "答：没有异议。", 0)],
    ]
    rng.shuffle(q_sets)
    q_sets = q_sets[: rng.randint(2, 9)]
    seq: list[tuple[bool, Item | list[Item]]] = [(False, ("s", opening))]
    seq += [(True, ("s", f)) for f in fillers[:cut]]
    seq += [(False, ("s", f + "。")) for f in spec.facts]
    seq += [(True, ("s", f)) for f in fillers[cut:]]
    seq += [(True, q) for q in q_sets]
    seq.append((False, ("s", rng.choice(("执法人员当场责令该单位", "执法人员要求该单位")) + spec.violation.correction + "。")))
    mixed = _ordered(rng, seq)
    n_opt = len(fillers) + len(q_sets)
    limits = [rng.randint(40, 170) for _ in range(12)]
    confirm = rng.choice(("以上笔录已阅，情况属实", "以上笔录已阅，情况属实", "以上笔录我已看过，情况属实", "已阅，属实"))
    op_label = rng.choice(("被检查人意见：", "被检查单位意见：", "当事人意见："))
    blank_note = rng.random() < 0.5
    drop = _drop_closing(spec, doc)
    color = pens(manager)

    def make(k: int, force: bool) -> list[Item]:
        body = _merge(_choose(mixed, k), limits)
        if force:
            body = [*body[:-1], ("break",), *body[-1:]]
        tail: list[Item] = [("p", "（以下空白）", 0)] if blank_note else []
        return head + body + tail + [("hand", op_label, "" if drop else confirm, "party", color)]

    target = rng.choice((2, 2, 3, 3, 4))
    if target == 4:
        rec.loose, st.bs = rng.uniform(1.35, 1.5), 12.0
    pages = _fit(rec, make, n_opt // 2, 0, n_opt, target, 2, rng.uniform(250, 600))
    foot = _record_foot_groups(rng.choice(("被检查人签名：", "被检查人（签名）：", "被检查单位负责人签名：")),
                               manager, day, pens, rng.choice(("执法人员签名：", "执法人员（签名）：", "检查人签名：")),
                               officers, rng.choice(("记录人签名：", "记录人（签名）：")), recorder, rng)
    return _finish_record(rec, pages, foot, rng)


# -- 2. 调查询问笔录 -------------------------------------------------------------------------------


def build_inquiry(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """调查询问笔录 / 询问笔录: 2-3 pages of 问/答 signed at every foot."""
    st, pens, party, vio = _style(spec, rng), _Pens(rng), spec.party, spec.violation
    day = doc.date
    start, end = _window(spec, doc.key, "inquiry", day)
    officers = officer_line(spec, doc.key)
    recorder = _recorder(spec, doc.key)
    names = "、".join(n for n, _ in officers)
    is_rep = party.site_manager == party.legal_rep or rng.random() < 0.55
    if is_rep:
        who, idn, job = party.legal_rep, party.id_number, party.rep_label
        phone = party.phone
        relation = "经营者本人" if party.kind != "company" else rng.choice(("法定代表人", "本单位法定代表人"))
    else:
        who, job = party.site_manager, party.site_title
        born = dt.date(rng.randint(1965, 1998), rng.randint(1, 12), rng.randint(1, 28))
        idn = id_number(rng, spec.agency.region, born)
        phone = _phone(rng)
        relation = rng.choice((f"本单位{job}", "本单位员工", f"员工（{job}）"))
    sex, age = _person_facts(idn, day)
    place = rng.choice((f"{spec.agency.name}询问室", f"{spec.agency.name}{rng.randint(2, 6)}楼办公室",
                        f"{party.name}办公室", f"{party.name}会议室"))
    variant = rng.choice(("table", "lines", "box"))
    lab = {"id": rng.choice(("身份证号码", "公民身份号码", "身份证号")), "org": rng.choice(("工作单位", "单位")),
           "rel": rng.choice(("与当事人关系", "与本案关系")), "ask": rng.choice(("询问人", "询问人", "调查人"))}
    rows: list[list[tuple[str, str]]] = [
        [("询问时间", _span(day, start, end))], [("询问地点", place)],
        [("被询问人", who), ("性别", sex), ("年龄", f"{age}" if rng.random() < 0.5 else f"{age}岁")],
        [(lab["id"], idn)], [(lab["org"], party.name), ("职务", job)], [("联系电话", phone), (lab["rel"], relation)],
    ]
    if variant == "table":
        rows += [[(lab["ask"], n), ("执法证号", c)] for n, c in officers]
        rows.append([("记录人", recorder.name)])
    else:
        certs = "、".join(c for _, c in officers)
        text = (f"{names}（执法证号：{certs}）" if rng.random() < 0.5
                else "；".join(f"{n} 执法证号：{c}" for n, c in officers))
        rows += [[(lab["ask"], text)], [("记录人", recorder.name)]]
    if rng.random() < 0.3:
        rows[4], rows[5] = rows[5], rows[4]
    rec = _Record(spec, doc, st, variant, rng.random() < 0.35, rows, rng.random() < 0.4,
                  variant == "lines" or rng.random() < 0.5)

    inspected = spec.dates.get("inspection")
    when = arabic_date(inspected) if inspected else "此前"
    head: list[Item] = [
        ("p", f"问：我们是{spec.agency.name}的执法人员{names}，这是我们的执法证件（出示执法证件），请你过目。"
              f"现就{party.name}涉嫌{vio.cause}一事向你进行调查询问，请你如实回答。"
              "如认为执法人员与本案有利害关系，你可以申请回避，你是否申请回避？", 0),
        ("p", "答：" + rng.choice(("看清楚了，不申请回避。", "不申请。", "看清楚了，不申请。")), 0),
        ("p", "问：你应当如实回答询问，协助调查，不得阻挠，不得作伪证或者隐匿证据，你听清楚了吗？", 0),
        ("p", "答：" + rng.choice(("听清楚了。", "清楚了。", "明白。")), 0),
    ]
    founded = (day.year if day else 2024) - rng.randint(2, 15)
    facts = "，".join(spec.facts)
    eia = ("没有办理，项目开工前没有报批。" if vio.key == "eia_unbuilt"
           else f"办理了，{founded + 1}年取得了环评批复。")
    permit = "还没有办理排污许可证。" if vio.key == "permit_none" else "已经办理了排污许可手续。"

    def qa(q: str, a: str) -> list[Item]:
        return [("p", "问：" + q, 0), ("p", "答：" + a, 0)]

    decided = "是我决定的。" if who == party.legal_rep else f"是{party.legal_rep}决定的。"
    seq: list[tuple[bool, Item | list[Item]]] = [
        (False, qa("请介绍一下你的基本情况以及你在单位的职务。", f"我叫{who}，是{party.name}的{job}，"
                   + rng.choice(("负责公司的全面工作。", "负责生产和环保方面的工作。", "负责日常生产管理。")))),
        (True, qa("请介绍一下你单位的基本情况。", f"我单位成立于{founded}年，位于{party.address}，{party.rep_label}是"
                  f"{party.legal_rep}，主要从事{_business(spec)}，现有员工约{rng.randint(8, 260)}人。")),
        (True, qa("你单位的主要生产工艺是什么？", rng.choice(("原料进厂后经破碎、混合、成型、烘干等工序制成产品。",
                                                           "主要是来料加工，经过清洗、加工、包装后出厂。",
                                                           "原料经配料、搅拌、成型、烧成后出厂。")))),
        (True, qa("你单位产生的废水（废气）如何处理？", rng.choice(("经处理设施处理后排放。", "经过沉淀后回用，不外排。",
                                                                 "经收集处理后通过排气筒排放。")))),
        (True, qa("你单位是否办理了建设项目环境影响评价手续？", eia)),
        (True, qa("你单位是否办理了排污许可手续？", permit)),
        (True, qa("你单位是否建立了环境管理台账？", rng.choice(("建立了，但是记录不太完整。", "有台账，由专人记录。")))),
        (True, qa("执法人员检查时你是否在场？", rng.choice(("在场。", "我在场，全程陪同。")))),
        (False, qa(f"{when}，我局执法人员对你单位进行现场检查时发现：{facts}。以上情况是否属实？",
                   rng.choice(("属实。", "是的，情况属实。", "属实，我当时在现场。")))),
        (True, qa("现场检查笔录和现场照片你是否看过？内容是否属实？", "看过了，内容属实。")),
        (True, qa("该情况持续了多长时间？", rng.choice(("大概有一个多月了。", f"大约{rng.randint(3, 40)}天。",
                                                         "具体时间记不清了，不长。")))),
        (True, qa("造成上述情况的原因是什么？", rng.choice(("主要是我们对环保工作不够重视，管理不到位。",
                                                           "设备出了问题没有及时维修。",
                                                           "员工操作不规范，我们管理上有疏忽。")))),
        (True, qa("以上违法行为是谁决定的？", rng.choice((decided, "是公司决定的，主要是为了赶工期。")))),
        (False, qa("你是否知道上述行为违反了环境保护法律法规的规定？",
                   rng.choice(("以前不太清楚，现在知道了。", "知道，是我们没做好。",
                               f"现在知道了，违反了{vio.violated}的规定。")))),
        (False, qa("你单位目前整改情况如何？", rng.choice(("已经在整改了，", "正在整改，", "检查后我们马上进行了整改，"))
                   + vio.correction.replace("立即", "") + "。")),
        (True, qa("你单位近三年是否因环境违法行为受过行政处罚？", rng.choice(("没有。", "没有受过处罚。")))),
        (True, qa("你单位上一年度的产值（营业收入）大概是多少？", f"大概{rng.randint(3, 600) * 10}万元。")),
        (True, qa("你对此次违法行为有什么认识？", rng.choice(("认识到了错误，今后一定加强环境管理，遵守法律法规。",
                                                           "我们确实做得不对，愿意接受处理。")))),
        (True, qa("你能否提供营业执照和身份证复印件？", "可以，已经提供给你们了。")),
        (False, qa("你还有什么需要补充的吗？", rng.choice(("没有了，希望从轻处理。", "没有了。", "没有，我们一定认真整改。")))),
    ]
    if rng.random() < 0.6:
        seq.append((False, qa("以上所说是否属实？", "属实。")))
    if not is_rep:
        seq.insert(1, (True, qa("你是否受单位委托接受询问？", "是的，公司委托我来，授权委托书已经提交。")))
    mixed = _ordered(rng, seq)
    n_opt = sum(1 for optional, _ in seq if optional)
    n_core = 2 + len(seq) - n_opt  # the two identity exchanges count too
    confirm = ("以上笔录我已看过，与我说的相符" if rng.random() < 0.7
               else rng.choice(("以上笔录我已看过，和我说的一样", "以上笔录我看过，记录属实")))
    drop = _drop_closing(spec, doc)
    color = pens(who)
    kmin, kmax = max(0, 10 - n_core), min(n_opt, max(0, 20 - n_core))

    def make(k: int, force: bool) -> list[Item]:
        body = _choose(mixed, k)
        if force:
            body = [*body[:-4], ("break",), *body[-4:]]
        return head + body + ([] if drop else [("hand", "", confirm, "party", color)])

    pages = _fit(rec, make, rng.randint(kmin, kmax), kmin, kmax, rng.choice((2, 2, 3)), 2, rng.uniform(200, 600))
    foot = _record_foot_groups(rng.choice(("被询问人签名：", "被询问人（签名）：")), who, day, pens,
                               rng.choice(("询问人签名：", "询问人（签名）：", "执法人员签名：")), officers,
                               rng.choice(("记录人签名：", "记录人（签名）：")), recorder, rng)
    return _finish_record(rec, pages, foot, rng)


# -- 3. 案件调查报告 -------------------------------------------------------------------------------


def _party_block(spec: CaseSpec, rng: random.Random) -> list[str]:
    p = spec.party
    lines = [f"{rng.choice(('当事人', '当事人', '单位名称'))}：{p.name}"]
    if p.credit_code:
        lines.append(f"统一社会信用代码：{p.credit_code}")
    lines.append(f"{p.rep_label}：{p.legal_rep}")
    if p.kind != "company":
        lines.append(f"身份证号码：{p.id_number}")
    lines.append(f"{rng.choice(('地址', '住所', '经营场所'))}：{p.address}")
    if rng.random() < 0.5:
        lines.append(f"联系电话：{p.phone}")
    return lines


def _station(spec: CaseSpec) -> str:
    r = _fixed(spec, "station")
    if r.random() < 0.5:
        return f"{spec.agency.city}生态环境监测站"
    return f"{spec.agency.city.rstrip('市州')}{r.choice(catalog.SHOP_NAMES)}检测技术有限公司"


def _evidence_list(spec: CaseSpec) -> list[str]:
    items = ["现场检查（勘察）笔录"]
    if spec.procedure.inquiry:
        items.append("调查询问笔录")
    items += spec.evidence_items
    return items


def build_investigation_report(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """案件调查报告 / 调查终结报告: 1-3 pages of numbered sections, signed by the 承办人."""
    state = rng.getstate()
    for tighter in (1.0, 0.94, 0.88):
        rng.setstate(state)  # the same draws, laid out tighter, so the signatures keep some text above them
        pages = _report(spec, doc, rng, tighter)
        if len(pages) == 1 or sum(isinstance(op, Text) for op in pages[-1].ops) > 3:
            break
    return pages


def _report(spec: CaseSpec, doc: DocPlan, rng: random.Random, tighter: float) -> list[PageLayout]:
    st, pens, party, vio = _style(spec, rng), _Pens(rng), spec.party, spec.violation
    flow = _Flow(doc, st, bottom=BOTTOM - 10, pitch=st.bs * rng.choice((1.7, 1.8, 1.9)) * tighter)
    y = _title(flow.page, spec, st, doc.title, agency_line=rng.random() < 0.5)
    if rng.random() < 0.5:
        flow.page.text(MARGIN_L, y - 4, f"案由：{vio.cause}", st.bs, st.body)
        y += st.bs * 1.9
    flow.y = y
    d = spec.dates
    insp = d.get("inspection")
    names = "、".join(o.name for o in spec.officers)
    source = rng.choice((f"{arabic_date(insp) if insp else ''}，我局执法人员在日常监督检查中",
                         f"{arabic_date(insp) if insp else ''}，我局执法人员在“双随机、一公开”抽查中",
                         f"我局接到群众举报后，于{arabic_date(insp) if insp else ''}对当事人进行现场检查时"))
    case_no = spec.numbers.get("case")
    filing = d.get("filing")
    sec = ["一、案件来源", "二、当事人基本情况", "三、调查经过", "四、违法事实和证据", "五、处罚依据",
           "六、拟处罚意见"]
    if rng.random() < 0.4:
        sec[3], sec[5] = "四、认定的违法事实及证据", "六、处理意见"
    flow.para(sec[0], indent=0)
    flow.para(f"{source}发现{party.name}涉嫌{vio.cause}，"
              f"经批准于{arabic_date(filing) if filing else '  年  月  日'}立案调查"
              + (f"（立案号：{case_no}）。" if case_no and rng.random() < 0.6 else "。"))
    flow.para(sec[1], indent=0)
    for line in _party_block(spec, rng):
        flow.para(line, indent=2)
    flow.para(sec[2], indent=0)
    steps = [f"{arabic_date(insp) if insp else ''}，执法人员{names}对当事人进行了现场检查，制作了现场检查笔录，"
             "拍摄了现场照片"]
    if spec.procedure.inquiry and d.get("inquiry"):
        steps.append(f"{arabic_date(d['inquiry'])}，对当事人有关人员进行了调查询问，制作了调查询问笔录")
    if "监测报告" in spec.evidence_items and d.get("monitoring"):
        steps.append(f"委托{_station(spec)}进行了监测，{arabic_date(d['monitoring'])}出具了监测报告")
    steps.append("调取了当事人营业执照等主体资格证明材料")
    flow.para("；".join(steps) + "。案件调查已经终结。")
    flow.para(sec[3], indent=0)
    flow.para(f"经查，{'；'.join(spec.facts)}。当事人的上述行为构成{vio.cause}的违法行为。")
    flow.para("以上事实有下列证据证明：", indent=2)
    evidence = _evidence_list(spec)
    for i, item in enumerate(evidence, 1):
        flow.para(f"{i}.{item}{rng.choice(('一份', '', '一组'))}{'；' if i < len(evidence) else '。'}", indent=2)
    flow.para(sec[4], indent=0)
    flow.para(f"当事人的上述行为违反了{vio.violated}的规定。依据{vio.basis}的规定，"
              + rng.choice(("应当予以行政处罚。", "依法应予处罚。")))
    if rng.random() < 0.6:
        flow.para(f"根据《{spec.agency.province}生态环境行政处罚自由裁量基准》，综合考虑当事人违法行为的情节、"
                  "危害后果及整改情况，" + rng.choice(("属一般情形。", "可在法定幅度内从轻处罚。", "属较重情形。")))
    flow.para(sec[5], indent=0)
    flow.para(f"建议责令当事人{vio.correction.replace('立即', '')}，并对当事人处以{fine_text(spec.fine)}的行政处罚。")
    if spec.procedure.hearing_offered and rng.random() < 0.6:
        flow.para("因拟处罚款数额较大，应告知当事人有要求举行听证的权利。")
    flow.y += st.bs
    officers = officer_line(spec, doc.key)
    toks: list[Tok] = ([] if _absent(spec, doc, "officer")
                       else [("s", n, "officer", pens(n)) for n, _ in officers])
    flow.ensure(st.sh + 40)
    x = MARGIN_L + rng.choice((0.0, BODY_W * 0.45))
    flow.signature_line(rng.choice(("承办人：", "承办人（签名）：", "调查人员：")), toks, x=x)
    day = doc.date
    if day is not None and rng.random() < 0.5:
        flow.page.hand(x + 30, flow.y - 6, _hand_date(day, rng), 14, kind="hand",
                       color=pens(officers[0][0]), role="officer")
    else:
        flow.page.text(x + 30, flow.y - 4, fmt_date(spec, day), st.bs, st.body)
    return flow.pages


# -- 4. 陈述申辩 / 放弃声明 / 听证通知书 / 听证笔录 -------------------------------------------------------


def _hearing_people(spec: CaseSpec) -> tuple[str, str, str]:
    """(主持人, 记录员, 委托代理人): made up once per case so notice and record agree."""
    r = _fixed(spec, "hearing-people")
    taken = {o.name for o in spec.officers} | {spec.recorder.name}
    people: list[str] = []
    while len(people) < 3:
        n = person_name(r)
        if n not in taken and n not in people:
            people.append(n)
    return people[0], people[1], people[2]


def _hearing_place(spec: CaseSpec) -> str:
    r = _fixed(spec, "hearing-place")
    return f"{spec.agency.name}{r.choice(('听证室', '三楼会议室', '二楼听证室', '会议室'))}"


def build_statement(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    variant = str(doc.fields.get("variant") or "")
    if not variant:
        title = doc.title
        variant = ("waiver" if "放弃" in title else "hearing_notice" if "通知" in title
                   else "hearing_record" if "听证笔录" in title else "statement")
    builder = {"waiver": _waiver, "hearing_notice": _hearing_notice, "hearing_record": _hearing_record}
    return builder.get(variant, _statement_record)(spec, doc, rng)


def _statement_record(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """陈述申辩笔录: the party argues it has corrected and asks for leniency."""
    st, pens, party, vio = _style(spec, rng), _Pens(rng), spec.party, spec.violation
    day = doc.date
    start, end = _window(spec, doc.key, "statement", day)
    officers = officer_line(spec, doc.key)
    recorder = _recorder(spec, doc.key)
    who = party.legal_rep if rng.random() < 0.6 else party.site_manager
    variant = rng.choice(("table", "lines", "box"))
    rows: list[list[tuple[str, str]]] = [
        [("时间", _span(day, start, end))], [("地点", rng.choice((f"{spec.agency.name}会议室",
                                                                 f"{spec.agency.name}办公室")))],
        [(rng.choice(("陈述申辩人", "当事人")), party.name)],
        [(rng.choice(("到场人员", "陈述人")), who), ("职务", party.rep_label if who == party.legal_rep
                                                      else party.site_title), ("联系电话", party.phone)],
    ]
    if variant == "table":
        rows += [[("承办人", n), ("执法证号", c)] for n, c in officers] + [[("记录人", recorder.name)]]
    else:
        rows += [[("承办人", "、".join(f"{n}（执法证号：{c}）" for n, c in officers))], [("记录人", recorder.name)]]
    rec = _Record(spec, doc, st, variant, rng.random() < 0.4, rows, False, variant == "lines")
    notice_no = spec.number("notice")
    nd = spec.dates.get("notice_service") or spec.dates.get("notice")
    cited = f"《行政处罚事先告知书》（{notice_no}）" if notice_no else "《行政处罚事先告知书》"

    def qa(q: str, a: str) -> list[Item]:
        return [("p", "问：" + q, 0), ("p", "答：" + a, 0)]

    seq: list[tuple[bool, Item | list[Item]]] = [
        (False, qa(f"我们是{spec.agency.name}的执法人员（出示执法证件），今天依法听取你单位的陈述和申辩，"
                   "你是否申请回避？", "不申请。")),
        (False, qa(f"你单位是否收到我局{arabic_date(nd) if nd else ''}送达的{cited}？", "收到了。")),
        (False, qa("你单位对告知书认定的违法事实有无异议？", rng.choice(("对事实没有异议。", "事实没有异议。")))),
        (True, qa("你单位对拟作出的处罚依据有无异议？", "没有异议。")),
        (False, qa("你单位有哪些陈述、申辩意见？",
                   f"我单位在检查后立即进行了整改，{vio.correction.replace('立即', '')}，违法行为已经改正，"
                   "没有造成严重后果。"
                   + rng.choice(("我单位是小微企业，近年经营困难，", "这是初次违法，", "我们认识到了错误，"))
                   + "请求贵局从轻或减轻处罚。")),
        (True, qa("你单位的整改是什么时候完成的？", f"检查后{rng.randint(2, 15)}天内就完成了。")),
        (True, qa("你单位目前生产经营情况如何？", "订单减少，经营比较困难。")),
        (True, qa("你单位有无证据材料提交？", "有，整改前后的照片和整改情况报告各一份。")),
        (True, qa("还有什么需要补充的吗？", "没有了，希望贵局从轻处罚。")),
    ]
    if spec.procedure.hearing_offered:
        seq.insert(4, (True, qa("你单位是否要求举行听证？", "不要求听证。")))
    mixed = _ordered(rng, seq)
    n_opt = sum(1 for optional, _ in seq if optional)
    confirm = rng.choice(("以上笔录我已看过，记录属实", "以上笔录我已看过，与我说的相符"))
    drop = _drop_closing(spec, doc)
    color = pens(who)

    def make(k: int, force: bool) -> list[Item]:
        return _choose(mixed, k) + ([] if drop else [("hand", "", confirm, "party", color)])

    pages = _fit(rec, make, rng.randint(1, n_opt), 0, n_opt, rng.choice((1, 2)), 1, rng.uniform(150, 500))
    foot = _record_foot_groups(rng.choice(("陈述申辩人签名：", "当事人签名：")), who, day, pens,
                               rng.choice(("承办人签名：", "执法人员签名：")), officers, "记录人签名：", recorder, rng)
    return _finish_record(rec, pages, foot, rng)


def _waiver(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """放弃陈述申辩（和听证）权利声明: written by the party, signed, sealed, dated."""
    st, pens, party = _style(spec, rng), _Pens(rng), spec.party
    flow = _Flow(doc, st, pitch=st.bs * 2.0)
    page = flow.page
    flow.y = _title(page, spec, st, doc.title, agency_line=False, y=TOP + rng.uniform(10, 40)) + 10
    flow.para(f"{spec.agency.name}：", indent=0)
    notice_no = spec.number("notice")
    cited = f"《行政处罚事先告知书》（{notice_no}）" if notice_no else "《行政处罚事先告知书》"
    hearing = "、申辩和听证" if spec.procedure.hearing_offered else "和申辩"
    flow.para(f"本单位已收到贵局{cited}，对告知的违法事实、处罚依据及拟处罚内容无异议，"
              f"自愿放弃陈述{hearing}的权利。" if party.kind == "company" else
              f"本人已收到贵局{cited}，对告知的违法事实、处罚依据及拟处罚内容无异议，自愿放弃陈述{hearing}的权利。")
    if rng.random() < 0.6:
        flow.para(rng.choice(("本单位将按照要求认真整改，按时缴纳罚款。", "请贵局依法作出处理。", "特此声明。")))
    flow.y += st.bs * 3
    x = MARGIN_L + BODY_W * rng.uniform(0.42, 0.5)
    absent = _absent(spec, doc, "party")
    page.text(x, flow.y, ("声明单位：" if party.kind == "company" else "声明人：") + party.name, st.bs, st.body)
    flow.y += st.bs * 2.6
    who = party.legal_rep
    toks: list[Tok] = [] if absent else [("s", who, "party", pens(who))]
    label = rng.choice((f"{party.rep_label}（签名）：", "签名：", "声明人签名："))
    _draw_tokens(page, x, flow.y, [("t", label), *toks], st, st.bs)
    flow.y += st.bs * 2.8
    day = doc.date
    if day is not None:
        if rng.random() < 0.7:
            page.hand(x + 20, flow.y, _hand_date(day, rng), 15, kind="hand", color=pens(who), role="party")
        else:
            page.text(x + 20, flow.y, fmt_date(spec, day), st.bs, st.body)
    if party.kind == "company" and not absent:
        page.seal(x + 60 + rng.uniform(-10, 20), flow.y - st.bs * 2.5, rng.choice((110.0, 118.0, 126.0)),
                  agency=party.name, center_text=None)
    return flow.pages


def _hearing_notice(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """听证通知书: an outgoing document with number, hearing time and place, seal over the date."""
    st, party = _style(spec, rng), spec.party
    flow = _Flow(doc, st, pitch=st.bs * rng.choice((1.8, 1.9, 2.0)))
    page = flow.page
    y = _title(page, spec, st, doc.title, agency_line=True)
    if doc.number:
        page.number_bbox = page.centered(y - st.ts * 0.3, doc.number, st.bs, st.body).bbox
        y += st.bs * 2.0
    flow.y = y + 6
    flow.para(f"{party.name}：", indent=0)
    host, clerk, _ = _hearing_people(spec)
    hday = spec.dates.get("hearing")
    start, _ = _window(spec, "hearing", "hearing", hday)
    clock = _hm(start) if rng.random() < 0.6 else f"{'上午' if start < 720 else '下午'}{_hm(start - 720 * (start >= 780))}"
    when = f"{fmt_date(spec, hday)}{clock}" if hday else "    年  月  日"
    req = spec.dates.get("hearing_request")
    flow.para(f"根据你单位{('于' + arabic_date(req)) if req else ''}提出的听证申请，本机关决定于{when}"
              f"在{_hearing_place(spec)}对你单位涉嫌{spec.violation.cause}一案举行听证。"
              f"本次听证由{host}担任主持人，{clerk}担任记录员。")
    flow.para("请你单位法定代表人或者委托代理人（一至二人）准时参加。委托代理人参加听证的，应当在听证举行前提交"
              "由你单位盖章的授权委托书，委托书应当载明委托事项及权限。")
    flow.para("你单位如认为主持人、记录员与本案有直接利害关系，有权申请回避，申请回避应当在听证开始前提出并说明理由。")
    flow.para("当事人无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利。")
    if rng.random() < 0.6:
        flow.para("参加听证时，请携带身份证明、授权委托书及有关证据材料。")
    flow.para("特此通知。")
    flow.para(f"联系人：{spec.officers[0].name}    联系电话：{spec.agency.phone}", indent=2)
    flow.para(f"地址：{spec.agency.address}", indent=2)
    flow.ensure(110)
    flow.y += 40
    name_t = page.right(MARGIN_R - 20, flow.y, spec.agency.name, st.bs, st.body)
    flow.y += st.bs * 2
    date_t = page.right(MARGIN_R - 20 - (name_t.bbox[2] - name_t.bbox[0] - _tw(
        fmt_date(spec, doc.date), st.bs, st.body)) / 2, flow.y, fmt_date(spec, doc.date), st.bs, st.body)
    if doc.key not in spec.defects.unsealed:
        bx = date_t.bbox
        page.seal((bx[0] + bx[2]) / 2 + rng.uniform(-8, 8), (bx[1] + bx[3]) / 2 - rng.uniform(0, 12), 118,
                  spec.agency.seal_name)
    return flow.pages


def _hearing_record(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """听证笔录: two pages; host, clerk, investigators and the party all sign."""
    st, pens, party, vio = _style(spec, rng), _Pens(rng), spec.party, spec.violation
    day = doc.date
    start, end = _window(spec, "hearing", "hearing", day)
    officers = officer_line(spec, doc.key)
    host, clerk, agent = _hearing_people(spec)
    variant = rng.choice(("table", "lines", "box"))
    firm = f"{spec.agency.city.rstrip('市州')}{rng.choice(catalog.SHOP_NAMES)}律师事务所"
    has_agent = rng.random() < 0.6
    rows: list[list[tuple[str, str]]] = [
        [("案由", f"{party.name}涉嫌{vio.cause}案")], [("听证时间", _span(day, start, end))],
        [("听证地点", _hearing_place(spec))], [("主持人", host), ("记录员", clerk)],
    ]
    if variant == "table":
        rows += [[("调查人员", n), ("执法证号", c)] for n, c in officers]
    else:
        rows.append([("调查人员", "、".join(f"{n}（执法证号：{c}）" for n, c in officers))])
    rows.append([("当事人", party.name)])
    rows.append([(party.rep_label, party.legal_rep), ("联系电话", party.phone)])
    if has_agent:
        rows.append([("委托代理人", agent), ("工作单位", firm)])
    rec = _Record(spec, doc, st, variant, rng.random() < 0.4, rows, rng.random() < 0.4, variant == "lines",
                  FOOT_TOP - 18)
    speaker = f"{agent}（代理人）" if has_agent else f"{party.legal_rep}（当事人）"
    names = "、".join(n for n, _ in officers)
    insp = spec.dates.get("inspection")

    def say(who: str, text: str) -> Item:
        return ("p", f"{who}：{text}", 0)

    lead, last = f"调查人员（{officers[0][0]}）", f"调查人员（{officers[-1][0]}）"
    seq: list[tuple[bool, Item | list[Item]]] = [
        (False, say("主持人", f"现在开始听证。我是本次听证的主持人{host}，记录员{clerk}。现在核对当事人及调查人员身份。")),
        (True, say("主持人", "宣布听证纪律：听证参加人应当遵守听证秩序，经主持人允许方可发言，不得喧哗、吵闹。")),
        (True, [say("主持人", "告知当事人在听证中享有陈述、申辩、质证的权利，并负有如实陈述、遵守听证纪律的义务。"
                              "当事人是否听清楚？"), say(speaker, "听清楚了。")]),
        (False, [say("主持人", "根据法律规定，当事人如认为主持人、记录员与本案有直接利害关系，有权申请回避。"
                               "你方是否申请回避？"), say(speaker, "不申请回避。")]),
        (False, say("主持人", "下面由调查人员提出当事人违法的事实、证据和行政处罚建议。")),
        (False, say(lead, f"{arabic_date(insp) if insp else ''}，我局执法人员{names}对{party.name}进行现场检查，"
                          f"发现{'；'.join(spec.facts)}。上述行为违反了{vio.violated}的规定，依据{vio.basis}的规定，"
                          f"建议对当事人处以{fine_text(spec.fine)}。证据有：{'、'.join(_evidence_list(spec))}。")),
        (False, say("主持人", "下面由当事人进行陈述、申辩。")),
        (False, say(speaker, f"对违法事实没有异议，但当事人发现问题后立即整改，{vio.correction.replace('立即', '')}，"
                             "未造成严重环境污染后果，且系初次违法，请求从轻或减轻处罚。")),
        (True, say(speaker, "提交整改前后对比照片一组，证明当事人已经整改到位。")),
        (False, [say("主持人", "下面进行质证。当事人对调查人员出示的证据有无异议？"),
                 say(speaker, rng.choice(("对证据的真实性没有异议。", "对证据没有异议，但对处罚数额有意见。")))]),
        (True, [say("主持人", "调查人员对当事人提交的证据有无异议？"),
                say(lead, "对照片的真实性无异议，但整改行为不影响违法事实的认定。")]),
        (True, [say("主持人", "下面进行辩论。"),
                say(speaker, "当事人系小微企业，经营困难，拟处罚款数额较大，请求在法定幅度内从轻处罚。"),
                say(lead, "本案拟处罚款已综合考虑了当事人的违法情节和整改情况，符合裁量基准的规定。")]),
        (True, [say("主持人", "双方还有无新的证据需要提交？"), say(speaker, "没有了。")]),
        (False, say("主持人", "下面由双方进行最后陈述。")),
        (False, say(last, "坚持原处罚意见。")),
        (False, say(speaker, "请求贵局考虑当事人的整改情况，从轻处罚。")),
        (False, say("主持人", "听证结束。听证笔录交当事人阅读核对，无误后签名。")),
    ]
    mixed = _ordered(rng, seq)
    n_opt = sum(1 for optional, _ in seq if optional)
    drop = _drop_closing(spec, doc)
    signer = agent if has_agent else party.legal_rep
    color = pens(signer)

    def make(k: int, force: bool) -> list[Item]:
        body = _choose(mixed, k)
        if force:
            body = [*body[:-5], ("break",), *body[-5:]]
        return body + ([] if drop else [("hand", "当事人意见：", "以上笔录已阅，无误", "party", color)])

    pages = _fit(rec, make, 0, 0, n_opt, 2, 2, 300.0)
    pdate = _hand_date(day, rng) if day else ""
    recorder = Person(clerk)

    def groups(how: str) -> list[list[Tok]]:
        party_g: list[Tok] = [("t", "当事人（代理人）签名：")]
        if how != "absent":
            party_g += [("s", signer, "party", color)] + ([("h", pdate, "party", color)] if pdate else [])
        return [party_g, [("t", "调查人员签名：")] + [("s", n, "officer", pens(n)) for n, _ in officers],
                [("t", "主持人签名："), ("s", host, "host", pens(host))],
                [("t", "记录员签名："), ("s", recorder.name, "recorder", pens(recorder.name))]]

    total = len(pages)
    pn = rng.choice(("第{p}页 共{t}页", "共{t}页 第{p}页"))
    for i, page in enumerate(pages):
        how = "absent" if i == total - 1 and _absent(spec, doc, "party") else "signed"
        _foot(page, st, groups(how), i + 1, total, rule=variant != "lines", pn_fmt=pn, top=rec.foot_top)
    return pages


# -- 5. 案件集体讨论记录 ---------------------------------------------------------------------------


def build_collective(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """案件集体讨论记录 / 重大案件集体审议记录: attendees, opinions, conclusion, signatures."""
    st, pens, party, vio = _style(spec, rng), _Pens(rng), spec.party, spec.violation
    day = doc.date
    start, _ = _window(spec, doc.key, "collective", day)
    taken = {spec.chief.name, spec.unit_head.name, spec.legal_reviewer.name} | {o.name for o in spec.officers}
    extra_people: list[str] = []
    while len(extra_people) < 6:
        n = person_name(rng)
        if n not in taken and n not in extra_people:
            extra_people.append(n)
    titles = ["副局长", "副局长", "党组成员", "综合执法支队支队长", "总工程师", "办公室主任"]
    attendees = [(spec.chief.name, "局长"), (spec.unit_head.name, "执法支队负责人"),
                 (spec.legal_reviewer.name, "法制审核人员")]
    attendees += list(zip(extra_people[: rng.randint(2, 4)], titles, strict=False))
    clerk = extra_people[5]
    reporter = spec.officers[0].name
    place = rng.choice(("局会议室", "局三楼会议室", "局五楼会议室", "局党组会议室"))
    when = f"{arabic_date(day)}{_hm(start)}" if day else "    年  月  日"
    heads = [("时间", when), ("地点", place), ("主持人", spec.chief.name),
             ("参加人员", "、".join(f"{n}（{t}）" if rng.random() < 0.7 else n for n, t in attendees[1:])),
             ("汇报人", reporter), ("记录人", clerk), ("讨论案件", f"{party.name}{vio.cause}案")]
    flow = _Flow(doc, st, pitch=st.bs * 1.8)
    y = _title(flow.page, spec, st, doc.title, agency_line=rng.random() < 0.5)
    if rng.random() < 0.5:
        y = _table(flow.page, MARGIN_L, y, [[(k, 78.0), (v, BODY_W - 78)] for k, v in heads], st.tb, st.body,
                   min_h=st.tb * 2.3)[0] + 10
    else:
        y = _fields(flow.page, y, [[h] for h in heads], st, underline=False, pitch=st.bs * 1.8) + 4
    flow.y = y
    flow.para(rng.choice(("一、案情汇报", "汇报内容：")), indent=0)
    flow.para(f"承办人{reporter}汇报：{'；'.join(spec.facts)}。当事人的行为违反了{vio.violated}的规定，"
              f"依据{vio.basis}的规定，承办人建议对当事人处以{fine_text(spec.fine)}。"
              + ("当事人在陈述申辩中请求从轻处罚。" if spec.procedure.statement_made else "")
              + ("本案已举行听证，当事人请求从轻处罚。" if spec.procedure.hearing_held else ""))
    flow.para(rng.choice(("二、讨论意见", "讨论意见：")), indent=0)
    opinions = ["本案事实清楚，证据确凿，程序合法，同意承办人意见。", "同意承办人的处罚意见。",
                "案件事实清楚，适用法律正确，裁量适当，同意。", "同意。建议督促当事人按时完成整改。",
                "违法事实清楚，处罚幅度适当，同意。", "同意拟处罚意见，建议加强后续监管。"]
    rng.shuffle(opinions)
    for i, (n, _) in enumerate(attendees[1:]):
        said = ("经法制审核，本案主体认定准确，程序合法，适用法律正确，同意拟处罚意见。"
                if n == spec.legal_reviewer.name else opinions[i % len(opinions)])
        flow.para(f"{n}：{said}", indent=2)
    flow.para(f"{spec.chief.name}：同意大家的意见。", indent=2)
    flow.para(rng.choice(("三、讨论结论", "结论：", "讨论决定：")), indent=0)
    flow.para(f"经集体讨论，{rng.choice(('一致同意', '参会人员一致同意'))}对当事人处以{fine_text(spec.fine)}的行政处罚，"
              f"并责令当事人{vio.correction.replace('立即', '')}。")
    flow.y += st.bs
    absent = _absent(spec, doc, "attendee")
    flow.ensure(st.sh * 3 + 40)
    toks: list[Tok] = [] if absent else [("s", n, "attendee", pens(n)) for n, _ in attendees]
    line1, line2 = toks[:4], toks[4:]
    flow.signature_line(rng.choice(("参加人员签名：", "参会人员签名：")), line1)
    if line2:
        flow.signature_line("", line2, x=MARGIN_L + _tw("参加人员签名：", st.bs, st.body) + 5)
    flow.signature_line("记录人签名：", [("s", clerk, "recorder", pens(clerk))])
    return flow.pages


# -- 6. evidence -----------------------------------------------------------------------------------


def build_evidence(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    title = doc.title
    if "照片" in title:
        return _photos(spec, doc, rng)
    if "监测" in title or "检测报告" in title:
        return _monitoring(spec, doc, rng)
    if "营业执照" in title:
        return _licence(spec, doc, rng)
    if "身份证" in title:
        return _id_card(spec, doc, rng)
    return _generic_evidence(spec, doc, rng)


def _photos(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """现场照片: 1-3 pages, 1-2 photos each, a caption table under or beside each photo."""
    st, pens = _style(spec, rng), _Pens(rng)
    day = doc.date or spec.dates.get("photos")
    start, end = _window(spec, "inspection", "inspection", spec.dates.get("inspection"))
    n_pages = rng.choice((1, 1, 2, 2, 3))
    per_page = [rng.choice((1, 2, 2)) for _ in range(n_pages)]
    side = rng.random() < 0.4
    heading = rng.choice(("现场照片", "照片证据", "现场检查照片", doc.title))
    shooters = [n for n, _ in officer_line(spec, doc.key)]
    sign_shooter = rng.random() < 0.5
    party_sign = rng.random() < 0.4
    spots = ["厂区大门及标识牌", "生产车间全景", "污染防治设施", "排放口", "危险废物贮存间", "原料堆场",
             "厂区雨水排口", "生产设备运行情况"]
    subjects = [f"证明{f}" for f in spec.facts] + [f"证明当事人{rng.choice(spots)}现场情况" for _ in range(6)]
    minutes = sorted(rng.randint(start, end) for _ in range(sum(per_page)))
    pages: list[PageLayout] = []
    k = 0
    for pi, count in enumerate(per_page):
        page = new_page(doc)
        pages.append(page)
        y = TOP
        if pi == 0:
            y = _title(page, spec, st, heading, agency_line=rng.random() < 0.3)
        elif rng.random() < 0.5:
            page.centered(y, f"{heading}（续）", st.bs + 2, st.title)
            y += st.bs * 2.6
        slot = (BOTTOM - y) / count
        for _ in range(count):
            when = f"{arabic_date(day)}{_hm(minutes[k])}" if day else ""
            subject = subjects[k] if k < len(subjects) else "证明现场情况"
            spot = f"{spec.party.name}{rng.choice(spots)}"
            k += 1
            caption = [("拍摄时间", when), ("拍摄地点", spot),
                       ("拍摄人", "" if sign_shooter else "、".join(shooters)),
                       (rng.choice(("证明对象", "证据说明", "证明内容")), subject)]
            if side:
                pw, ph = BODY_W * 0.55, min(slot - 24, 230.0)
                page.photo(MARGIN_L, y, pw, ph)
                tx, tw = MARGIN_L + pw + 10, BODY_W - pw - 10
                rows = [[(lab, 52.0), (val, tw - 52)] for lab, val in caption]
                bottom, cells = _table(page, tx, y, rows, st.tb, st.body, min_h=st.tb * 2.4)
            else:
                pw, ph = BODY_W * rng.uniform(0.75, 0.95), min(slot - 110, 250.0)
                px = MARGIN_L + (BODY_W - pw) / 2
                page.photo(px, y, pw, ph)
                rows = [[(caption[0][0], 64.0), (caption[0][1], BODY_W / 2 - 64), (caption[2][0], 56.0),
                         (caption[2][1], BODY_W / 2 - 56)],
                        [(caption[1][0], 64.0), (caption[1][1], BODY_W - 64)],
                        [(caption[3][0], 64.0), (caption[3][1], BODY_W - 64)]]
                bottom, cells = _table(page, MARGIN_L, y + ph + 8, rows, st.tb, st.body, min_h=st.tb * 2.2)
            if sign_shooter:
                box = cells[2][1] if side else cells[0][3]
                x = box[0] + 6
                for n in shooters:
                    op = page.hand(x, box[1] + 2, n, min(st.sh, box[3] - box[1] - 4), kind="sign",
                                   color=pens(n), role="officer")
                    x = op.bbox[2] + 6
            y = max(bottom, y + ph) + 14
        if party_sign:
            who = spec.party.site_manager
            _draw_tokens(page, MARGIN_L + BODY_W * 0.45, min(y, BOTTOM - 4),
                         [("t", "当事人签名："), ("s", who, "party", pens(who))], st, st.bs)
    return pages


def _readings(spec: CaseSpec, rng: random.Random) -> list[tuple[str, str, str, str, str, bool]]:
    """(点位, 项目, 结果, 限值, 单位, 超标) rows for a monitoring report."""
    by_name = {p[0]: p for p in catalog.POLLUTANTS}
    key = spec.violation.key
    if key == "noise":
        rows = []
        for i, side in enumerate(rng.sample(["东", "南", "西", "北"], rng.randint(2, 4))):
            value = 55.0 + (rng.uniform(3, 15) if i == 0 else rng.uniform(-8, 6))
            rows.append((f"厂界{side}侧外1米", "厂界噪声(夜间)", f"{value:.1f}", "55", "dB(A)", value > 55))
        return rows
    air = ["颗粒物", "二氧化硫", "氮氧化物", "非甲烷总烃"]
    water = ["化学需氧量", "氨氮", "总磷", "pH值"]
    if key == "air_exceed":
        names, exceed, point = rng.sample(air, rng.randint(2, 4)), True, "排气筒出口"
    elif key == "water_bypass":
        names = ["化学需氧量", "氨氮"] if rng.random() < 0.5 else ["氨氮", "化学需氧量"]
        names += rng.sample(["总磷", "pH值"], rng.randint(0, 2))
        exceed, point = True, "暗管出口"
    else:
        pool = rng.choice((air, water))
        names, exceed, point = rng.sample(pool, rng.randint(2, 3)), False, rng.choice(("排气筒出口", "废水总排口"))
    rows = []
    for i, name in enumerate(names):
        _, unit, limit = by_name[name]
        if name == "pH值":
            value = rng.uniform(6.4, 8.6)
            rows.append((point, name, f"{value:.2f}", "6~9", unit, False))
            continue
        over = exceed and i == 0
        value = limit * (rng.uniform(1.2, 3.6) if over else rng.uniform(0.08, 0.8))
        text = f"{value:.1f}" if value >= 10 else f"{value:.2f}" if value >= 1 else f"{value:.3f}"
        rows.append((point, name, text, f"{limit:g}", unit, over))
    return rows


def _monitoring(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """检测报告: CMA mark, report number, sample table, 编制/审核/批准, the lab's seal."""
    st, pens = _style(spec, rng), _Pens(rng)
    station = _station(spec)
    day = doc.date or spec.dates.get("monitoring")
    sampled = spec.dates.get("inspection")
    year = day.year if day else 2024
    number = rng.choice((f"HJJC-{year}-{rng.randint(1, 999):04d}", f"JC{year}{rng.randint(1, 9999):04d}",
                         f"{year}-ZF-{rng.randint(1, 300):03d}"))
    cover = rng.random() < 0.45
    pages: list[PageLayout] = []
    page = new_page(doc)
    pages.append(page)
    # CMA mark in the top-left corner
    page.rect(MARGIN_L, TOP - 6, MARGIN_L + 64, TOP + 30, 1.2)
    page.text(MARGIN_L + 8, TOP - 2, "CMA", 20, st.title)
    page.text(MARGIN_L, TOP + 34, f"{rng.randint(10**11, 10**12 - 1)}", 8.5 if st.tb < 10.5 else 10, st.body)
    word = rng.choice(("检测报告", "检测报告", "监测报告"))
    if cover:
        page.title_bbox = page.centered(230, word, 22, st.title).bbox
        y = 300.0
        rows = [("报告编号", number), ("项目名称", f"{spec.party.name}{rng.choice(('执法监测', '监督性监测', '委托检测'))}"),
                ("委托单位", spec.agency.name), ("受检单位", spec.party.name),
                ("检测类别", rng.choice(("执法监测", "委托检测"))), ("报告日期", fmt_date(spec, day, "arabic"))]
        for lab, val in rows:
            page.text(MARGIN_L + 40, y, f"{lab}：", st.bs + 1, st.body)
            page.text(MARGIN_L + 40 + _tw("报告编号：", st.bs + 1, st.body) + 8, y, val, st.bs + 1, st.body)
            page.line(MARGIN_L + 40 + _tw("报告编号：", st.bs + 1, st.body) + 4, y + (st.bs + 1) * 1.3,
                      MARGIN_R - 30, y + (st.bs + 1) * 1.3, 0.5)
            y += (st.bs + 1) * 2.6
        page.centered(690, station, st.bs + 3, st.title)
        page.seal(A4_CX + rng.uniform(-30, 30), 690, 118, agency=station, center_text="检验检测专用章")
        page = new_page(doc)
        pages.append(page)
        y = TOP + 10
        page.text(MARGIN_L, y, f"报告编号：{number}", st.tb, st.body)
        page.right(MARGIN_R, y, "第2页 共2页", st.tb, st.body)
        y += st.tb * 2.4
        info = [[("受检单位", 64.0), (spec.party.name, BODY_W - 64)],
                [("采样日期", 64.0), (arabic_date(sampled) if sampled else "", BODY_W / 2 - 64), ("分析日期", 64.0),
                 (arabic_date(day) if day else "", BODY_W / 2 - 64)]]
        y = _table(page, MARGIN_L, y, info, st.tb, st.body, min_h=st.tb * 2.3)[0] + 14
    else:
        page.right(MARGIN_R, TOP, f"报告编号：{number}", st.tb, st.body)
        y = _title(page, spec, st, word, agency_line=False, y=TOP + 50)
        info = [[("委托单位", 64.0), (spec.agency.name, BODY_W / 2 - 64), ("检测类别", 64.0),
                 (rng.choice(("执法监测", "委托检测")), BODY_W / 2 - 64)],
                [("受检单位", 64.0), (spec.party.name, BODY_W - 64)],
                [("受检地址", 64.0), (spec.party.address, BODY_W - 64)],
                [("采样日期", 64.0), (arabic_date(sampled) if sampled else "", BODY_W / 2 - 64), ("报告日期", 64.0),
                 (arabic_date(day) if day else "", BODY_W / 2 - 64)]]
        y = _table(page, MARGIN_L, y, info, st.tb, st.body, min_h=st.tb * 2.3)[0] + 14
    page.text(MARGIN_L, y, rng.choice(("检测结果：", "一、检测结果")), st.bs, st.body)
    y += st.bs * 1.9
    readings = _readings(spec, rng)
    widths = [0.2, 0.2, 0.15, 0.15, 0.14, 0.16]
    head = [("采样点位", "检测项目", "检测结果", "标准限值", "单位", "评价")]
    body = [(p, n, v, lim, u, "超标" if over else "达标") for p, n, v, lim, u, over in readings]
    trows = [[(c, BODY_W * w) for c, w in zip(r, widths, strict=True)] for r in head + body]
    y = _table(page, MARGIN_L, y, trows, st.tb, st.body, min_h=st.tb * 2.2, center=True)[0] + 12
    standard = {"noise": "《工业企业厂界环境噪声排放标准》（GB 12348-2008）",
                "water_bypass": "《污水综合排放标准》（GB 8978-1996）"}.get(
        spec.violation.key, "《大气污染物综合排放标准》（GB 16297-1996）")
    over = [r for r in readings if r[5]]
    verdict = (f"所测{'、'.join(dict.fromkeys(r[1] for r in over))}超过{standard}限值要求。" if over
               else f"所测项目均符合{standard}限值要求。")
    for ln in _lines(f"检测结论：{verdict}", BODY_W, st.bs, st.body):
        page.text(MARGIN_L, y, ln, st.bs, st.body)
        y += st.bs * 1.8
    page.text(MARGIN_L, y, "（以下空白）", st.bs, st.body)
    y = max(y + st.bs * 3, 600.0)
    x = MARGIN_L
    for label in ("编制：", "审核：", "批准："):
        n = person_name(rng)
        x = _draw_tokens(page, x, y, [("t", label), ("s", n, "monitor", pens(n))], st, st.bs) + 40
    y += st.bs * 3.2
    date_t = page.right(MARGIN_R - 10, y + st.bs * 1.9, "签发日期：" + fmt_date(spec, day, "arabic"), st.bs, st.body)
    page.right(MARGIN_R - 10, y, station, st.bs, st.body)
    page.seal(date_t.bbox[0] + (date_t.bbox[2] - date_t.bbox[0]) * 0.6, date_t.bbox[1], 112, agency=station,
              center_text="检验检测专用章")
    if not cover:
        page.centered(PAGE_NO_Y, "第1页 共1页", st.tb, st.body)
    return pages



def _copy_attest(page: PageLayout, spec: CaseSpec, doc: DocPlan, st: _St, pens: _Pens, rng: random.Random,
                 y: float, who: str, *, seal: bool) -> None:
    """与原件核对无误 + the provider's signature and date, sometimes the company seal."""
    x = MARGIN_L + rng.uniform(BODY_W * 0.3, BODY_W * 0.45)
    text = rng.choice(("与原件核对无误", "此复印件与原件核对无误", "与原件一致"))
    page.hand(x, y, text, 16, kind="hand", color=pens(who), role="party")
    y += 30
    if not _absent(spec, doc, "party"):
        _draw_tokens(page, x, y, [("t", rng.choice(("提供人：", "签名：", "核对人："))), ("s", who, "party", pens(who))],
                     st, st.bs)
        if doc.date:
            page.hand(x + 150, y + 2, _hand_date(doc.date, rng), 13, kind="hand", color=pens(who), role="party")
        if seal and spec.party.kind == "company":
            page.seal(x + 110 + rng.uniform(-20, 20), y - 6, 104, agency=spec.party.name, center_text=None)


def _licence(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """营业执照复印件: the licence inside a frame, attested as a true copy."""
    st, pens, party = _style(spec, rng), _Pens(rng), spec.party
    page = new_page(doc)
    x0, x1, y0 = MARGIN_L - 6, MARGIN_R + 6, TOP + rng.uniform(0, 40)
    y1 = y0 + rng.uniform(440, 520)
    company = party.kind == "company"
    page.text(x0 + 20, y0 + 20, f"统一社会信用代码 {party.credit_code or ''}", st.tb, st.body)
    page.title_bbox = page.centered(y0 + 44, "营 业 执 照", 22, st.title).bbox
    page.centered(y0 + 74, "（副  本）", st.bs, st.body)
    founded = dt.date((doc.date.year if doc.date else 2024) - rng.randint(2, 18), rng.randint(1, 12), rng.randint(1, 28))
    scope = (f"{_business(spec).replace('的生产', '')}的生产、销售；"
             + rng.choice(("货物进出口；", "普通货物道路运输；", "")) + "（依法须经批准的项目，经相关部门批准后方可开展经营活动）")
    fields = [("名　　称", party.name),
              ("类　　型", rng.choice(("有限责任公司（自然人投资或控股）", "其他有限责任公司", "股份有限公司（非上市）"))
               if company else "个体工商户"),
              (("法定代表人" if company else "经 营 者"), party.legal_rep),
              ("经营范围", scope)]
    right = ([("注册资本", f"{rng.choice((50, 100, 200, 500, 1000, 3000))}万元整")] if company
             else [("组成形式", "个人经营")]) + [
        ("成立日期", f"{founded.year}年{founded.month:02d}月{founded.day:02d}日"),
        ("营业期限", "长期" if rng.random() < 0.5 else f"{founded.year}年{founded.month:02d}月{founded.day:02d}日至长期"),
        (("住　　所" if company else "经营场所"), party.address)]
    y = y0 + 110
    lx, rx, colw = x0 + 24, x0 + (x1 - x0) / 2 + 4, (x1 - x0) / 2 - 34
    size = st.tb
    for col_x, items in ((lx, fields), (rx, right)):
        yy = y
        for lab, val in items:
            page.text(col_x, yy, lab, size, st.body)
            lw = _tw("法定代表人", size, st.body) + 10
            for ln in _lines(val, colw - lw, size, st.body):
                page.text(col_x + lw, yy, ln, size, st.body)
                yy += size * 1.6
            yy += size * 0.9
    page.rect(x0, y0, x1, y1, 1.6)
    page.rect(x0 + 6, y0 + 6, x1 - 6, y1 - 6, 0.6)
    page.rect(x0 + 24, y1 - 110, x0 + 94, y1 - 40, 0.8)  # the QR code block
    page.text(x1 - 190, y1 - 74, f"登记机关  {spec.agency.city}市场监督管理局", size, st.body)
    issued = dt.date(founded.year + rng.randint(0, 1), founded.month, founded.day)
    page.text(x1 - 150, y1 - 50, f"{issued.year}年{issued.month:02d}月{issued.day:02d}日", size, st.body)
    page.text(x0 + 20, y1 - 30, "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", 8.5 if size < 10.5 else 10,
              st.body)
    _copy_attest(page, spec, doc, st, pens, rng, y1 + 40, party.legal_rep, seal=rng.random() < 0.5)
    return [page]


def _id_card(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """身份证复印件: front and back card outlines with their fields, attested as a true copy."""
    st, pens, party = _style(spec, rng), _Pens(rng), spec.party
    page = new_page(doc)
    y = _title(page, spec, st, doc.title, agency_line=False)
    idn = party.id_number
    sex, _ = _person_facts(idn, doc.date)
    w, h = 250.0, 158.0
    x = A4_CX - w / 2 + rng.uniform(-30, 30)
    size = 9.0 if st.tb < 10.5 else 10.0
    # front
    page.rect(x, y, x + w, y + h, 0.9)
    rows = [("姓名", party.legal_rep), ("性别", f"{sex}      民族  汉"),
            ("出生", f"{idn[6:10]}年{int(idn[10:12])}月{int(idn[12:14])}日")]
    yy = y + 16
    for lab, val in rows:
        page.text(x + 14, yy, lab, size, st.body)
        page.text(x + 46, yy, val, size, st.body)
        yy += size * 2.1
    page.text(x + 14, yy, "住址", size, st.body)
    home = (f"{spec.agency.province}{spec.agency.city}{spec.agency.county}{rng.choice(catalog.ROADS)}"
            f"{rng.randint(1, 200)}号" + (f"{rng.randint(1, 12)}栋{rng.randint(1, 6)}单元" if rng.random() < 0.5 else ""))
    for ln in _lines(home, 120, size, st.body):
        page.text(x + 46, yy, ln, size, st.body)
        yy += size * 1.5
    page.text(x + 14, y + h - 24, f"公民身份号码  {idn}", size, st.body)
    page.rect(x + w - 80, y + 18, x + w - 14, y + 102, 0.6)  # portrait area
    # back
    y2 = y + h + 30
    page.rect(x, y2, x + w, y2 + h, 0.9)
    page.text(x + 80, y2 + 30, "中华人民共和国", size + 4, st.title)
    page.text(x + 80, y2 + 56, "居 民 身 份 证", size + 6, st.title)
    term = rng.choice((10, 20, 20))
    issued = (doc.date.year if doc.date else 2024) - rng.randint(1, term - 1)
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    page.text(x + 24, y2 + h - 50, f"签发机关  {spec.agency.city}{spec.agency.county}公安局", size, st.body)
    page.text(x + 24, y2 + h - 28, f"有效期限  {issued}.{m:02d}.{d:02d}-{issued + term}.{m:02d}.{d:02d}", size,
              st.body)
    _copy_attest(page, spec, doc, st, pens, rng, y2 + h + 40, party.legal_rep, seal=rng.random() < 0.3)
    return [page]


def _generic_evidence(spec: CaseSpec, doc: DocPlan, rng: random.Random) -> list[PageLayout]:
    """台账/截图/采样记录/批复/备案 copies: a table or a framed screen, plus who provided it."""
    st, pens, party = _style(spec, rng), _Pens(rng), spec.party
    title = doc.title
    page = new_page(doc)
    day = doc.date or spec.dates.get("inspection")
    year = day.year if day else 2024
    y = _title(page, spec, st, title.replace("复印件", "") if rng.random() < 0.5 else title, agency_line=False)
    size = st.tb
    officers = officer_line(spec, doc.key)
    if "截图" in title:
        x0, x1 = MARGIN_L, MARGIN_R
        platform = ("全国排污许可证管理信息平台-公开端" if "排污许可" in title
                    else f"{spec.agency.province}重点排污单位名录信息公开")
        page.rect(x0, y, x1, y + 330, 1.0)
        page.line(x0, y + 26, x1, y + 26)
        page.text(x0 + 10, y + 7, platform, size, st.body)
        page.rect(x0 + 20, y + 44, x0 + 300, y + 68, 0.6)
        page.text(x0 + 26, y + 50, party.name, size, st.body)
        page.rect(x0 + 310, y + 44, x0 + 370, y + 68, 0.6)
        page.text(x0 + 322, y + 50, "查询", size, st.body)
        yy = y + 90
        if "排污许可" in title:
            for ln in ("查询结果：共0条", f"未查询到“{party.name}”的排污许可证信息。"):
                page.text(x0 + 20, yy, ln, size, st.body)
                yy += size * 2
        else:
            rows = [[("序号", 40.0), ("单位名称", 200.0), ("类别", 90.0), ("所在地", BODY_W - 370)]]
            names = [party.name] + [f"{spec.agency.city.rstrip('市州')}{rng.choice(catalog.SHOP_NAMES)}"
                                    f"{rng.choice(catalog.INDUSTRIES)[0]}有限公司" for _ in range(3)]
            rng.shuffle(names)
            for i, n in enumerate(names, 1):
                rows.append([(str(i), 40.0), (n, 200.0), (rng.choice(("水环境", "大气环境", "水环境")), 90.0),
                             (spec.agency.county or spec.agency.city, BODY_W - 370)])
            _table(page, x0 + 10, yy, [[(t, w * (BODY_W - 20) / BODY_W) for t, w in r] for r in rows], size, st.body)
        page.text(x0 + 10, y + 305, f"http://{rng.choice(('permit.mee.gov.cn', 'www.sthj.gov.cn'))}/…   "
                                    f"{arabic_date(day) if day else ''}", 9.0 if size < 10.5 else 10, st.body)
        y += 350
        page.text(MARGIN_L, y, f"截图时间：{arabic_date(day) if day else ''}", st.bs, st.body)
        y += st.bs * 2.4
        _draw_tokens(page, MARGIN_L, y, [("t", "提取人：")] + [("s", n, "officer", pens(n)) for n, _ in officers],
                     st, st.bs)
        return [page]
    if "台账" in title:
        if "危险废物" in title:
            head = ("日期", "废物名称", "废物代码", "产生量(kg)", "贮存量(kg)", "经办人")
            waste = [("废矿物油", "900-249-08"), ("废活性炭", "900-039-49"), ("废包装桶", "900-041-49")]
        else:
            head = ("日期", "设备名称", "开机时间", "停机时间", "运行情况", "记录人")
            waste = []
        n_rows = rng.randint(8, 16)
        start = (day or dt.date(year, 6, 1)) - dt.timedelta(days=n_rows * 3)
        clerk = person_name(rng)
        body = []
        for i in range(n_rows):
            d = start + dt.timedelta(days=3 * i + rng.randint(0, 2))
            if waste:
                wname, wcode = rng.choice(waste)
                q = rng.randint(5, 200)
                body.append((f"{d.month}/{d.day}", wname, wcode, str(q), str(q + rng.randint(0, 300)), ""))
            else:
                a = rng.randint(7, 9)
                body.append((f"{d.month}/{d.day}", rng.choice(("布袋除尘器", "喷淋塔", "引风机")), f"{a}:{rng.choice(('00', '30'))}",
                             f"{a + rng.randint(8, 10)}:00", rng.choice(("正常", "正常", "正常", "检修")), ""))
        widths = [BODY_W / len(head)] * len(head)
        rows = [[(c, w) for c, w in zip(r, widths, strict=True)] for r in [head, *body]]
        yb, cells = _table(page, MARGIN_L, y, rows, size, st.body, min_h=size * 2.1, center=True)
        for r in cells[1:]:
            bx = r[-1]
            if rng.random() < 0.85:
                page.hand(bx[0] + 8, bx[1] + 2, clerk, min(14.0, bx[3] - bx[1] - 3), kind="sign", color=pens(clerk),
                          role="party")
        _copy_attest(page, spec, doc, st, pens, rng, min(yb + 26, BOTTOM - 60), party.site_manager,
                     seal=rng.random() < 0.5)
        return [page]
    if "采样" in title or "检测记录" in title:
        info = [[("受检单位", 64.0), (party.name, BODY_W - 64)],
                [("采样日期", 64.0), (arabic_date(day) if day else "", BODY_W / 2 - 64), ("天气", 40.0),
                 (rng.choice(("晴", "多云", "阴")), BODY_W / 2 - 40)]]
        y = _table(page, MARGIN_L, y, info, size, st.body, min_h=size * 2.2)[0]
        head = ("样品编号", "采样点位", "采样时间", "样品性状", "检测项目", "备注")
        rows = [head]
        start, _ = _window(spec, "inspection", "inspection", spec.dates.get("inspection"))
        for i in range(rng.randint(3, 6)):
            rows.append((f"S{year % 100:02d}{rng.randint(100, 999)}-{i + 1}", rng.choice(("暗管出口", "总排口", "雨水排口",
                                                                                     "排气筒出口")),
                         _hm(start + 10 * i + rng.randint(0, 8)), rng.choice(("浑浊、微黄", "无色透明", "灰色、有异味", "气态")),
                         rng.choice(("COD、氨氮", "pH、SS", "颗粒物", "COD、总磷")), ""))
        widths = [BODY_W / len(head)] * len(head)
        y = _table(page, MARGIN_L, y, [[(c, w) for c, w in zip(r, widths, strict=True)] for r in rows], size, st.body,
                   min_h=size * 2.2, center=True)[0] + 26
        _draw_tokens(page, MARGIN_L, y, [("t", "采样人：")] + [("s", n, "officer", pens(n)) for n, _ in officers],
                     st, st.bs)
        y += st.bs * 3
        who = party.site_manager
        toks: list[Tok] = [] if _absent(spec, doc, "party") else [("s", who, "party", pens(who))]
        _draw_tokens(page, MARGIN_L, y, [("t", "受检单位陪同人签名："), *toks], st, st.bs)
        return [page]
    # 环评批复 / 项目备案 / anything else: a copy of a letter
    flow = _Flow(doc, st, pitch=st.bs * 1.8)
    flow.pages = [page]
    flow.y = y
    if "备案" in title:
        code = f"{year - rng.randint(1, 4)}-{spec.agency.region}-{rng.randint(10, 99)}-03-{rng.randint(100000, 999999)}"
        lines = [f"项目代码：{code}", f"项目名称：{party.name}{rng.choice(catalog.PRODUCTION_LINES)}建设项目",
                 f"项目单位：{party.name}", f"建设地点：{party.address}",
                 f"建设规模及内容：新建{rng.choice(catalog.PRODUCTION_LINES)}及配套设施，年产{_business(spec).replace('的生产', '')}"
                 f"{rng.randint(1, 50) * 1000}吨（件）。", f"项目总投资：{rng.randint(2, 90) * 100}万元。",
                 "备案机关：" + f"{spec.agency.city}{spec.agency.county}发展和改革局"]
        for ln in lines:
            flow.para(ln, indent=0)
    else:
        gov = f"{spec.agency.city}{'生态环境局' if year - 3 >= 2019 else '环境保护局'}"
        flow.para(f"{gov}关于{party.name}建设项目环境影响报告表的批复", indent=0)
        flow.para(f"{party.name}：", indent=0)
        flow.para(f"你单位报送的建设项目环境影响报告表收悉。经研究，原则同意该报告表结论。项目建设地点位于{party.address}。"
                  "你单位应严格落实报告表提出的各项污染防治措施，项目竣工后应依法开展竣工环境保护验收，验收合格后方可投入生产。")
        flow.para("项目的环境影响评价文件经批准后，项目的性质、规模、地点、采用的生产工艺或者防治污染措施发生重大变动的，"
                  "应当重新报批。")
    flow.y += st.bs * 2
    flow.ensure(90)
    _copy_attest(flow.page, spec, doc, st, pens, rng, flow.y, party.legal_rep, seal=rng.random() < 0.5)
    return flow.pages
