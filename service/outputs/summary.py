"""The batch's summary for an auditor: one self-contained HTML page and its charts as PNGs.

`write_summary` writes `OUT/summary.html` (Chinese, CSS inline, nothing fetched from elsewhere)
and the charts it shows into `OUT/summary/`: problems of legality (合法性) and of standard
(规范性), findings by the sheet's twelve rows, by finding code and by agency. Its tables give the
same figures, the cases worst first (most 合法性 findings, then 规范性) with relative links to each
case's outputs, the files that could not be checked with the reason, and duplicate files.

The page is rendered from compact `CaseEntry` digests, not from reports, so an archive of
thousands of cases never holds every report in memory. Every text is escaped; every file is
written atomically, the charts before the page that shows them.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from models.doctypes import type_name
from models.report import CATEGORIES, Report
from service.outputs import write_atomic
from service.outputs.common import archive_numbers, describe

log = logging.getLogger(__name__)

SUMMARY_NAME = "summary.html"
CHARTS_DIR = "summary"
OUTPUT_LABELS = {"report": "报告", "sheet": "自查单", "annotated": "标注PDF"}
# Fonts with the Chinese glyphs the chart labels need, the first found is used.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC",
             "Noto Sans CJK JP", "Noto Serif CJK SC")
CJK_FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                  "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
TOP_CODES = 20  # the codes chart shows the commonest; the table lists them all
TOP_AGENCIES = 15
UNKNOWN_AGENCY = "（未识别机构）"


@dataclass(frozen=True)
class FindingDigest:
    code: str
    category: str
    kind: str  # 合法性 | 规范性
    message: str


@dataclass
class CaseEntry:
    """One distinct case file of the archive as the summary needs it."""

    relative: str  # the PDF's path inside the archive
    status: Literal["done", "failed", "pending"]
    pages: int = 0
    party: str = ""
    decision_number: str = ""
    agency: str = ""
    findings: list[FindingDigest] = field(default_factory=list)
    review: int = 0
    outputs: dict[str, str] = field(default_factory=dict)  # kind -> path relative to the summary
    error: str = ""
    duplicates: list[str] = field(default_factory=list)  # other archive paths, the same bytes
    review_status: str = "机器初查"  # 机器初查 / 复核中 / 已复核: whether a person has reviewed the findings

    @classmethod
    def from_report(cls, relative: str, report: Report, outputs: dict[str, str],
                    duplicates: Sequence[str] = ()) -> CaseEntry:
        case = report.case
        numbers = archive_numbers(report)  # pages as 卷内第4页（PDF第6页）, as the other outputs give them
        return cls(relative=relative, status="done", pages=report.pages, party=case.party or "",
                   decision_number=case.decision_number or "", agency=case.agency or "",
                   findings=[FindingDigest(f.code, f.category, f.kind, describe(f, numbers)) for f in report.findings],
                   review=len(report.review), outputs=outputs, duplicates=list(duplicates))

    @property
    def legality(self) -> int:
        return sum(1 for f in self.findings if f.kind == "合法性")

    @property
    def standard(self) -> int:
        return len(self.findings) - self.legality


@dataclass
class SummaryMeta:
    """What the page's head says: the archive, when, and this run's own figures."""

    archive: str
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    run: list[tuple[str, str]] = field(default_factory=list)  # label -> value
    statistics: str | None = None  # the 统计表, relative to the summary


# -- what a finding code is called --------------------------------------------------------------
# A reader sees what kind of problem it is; the code (the rules' own name) is secondary text.
_FIXED_NAMES = {
    "date.order": "文书日期先后顺序不当", "date.statement_period": "陈述申辩期限不足",
    "date.service_late": "文书送达超过期限", "date.case_overdue": "案件办理超过期限",
    "number.inconsistent": "文号前后不一致", "number.duplicate": "不同文书使用同一文号",
    "officers.insufficient": "执法人员少于两人", "pages.numbering": "卷内页码不连续",
}
_TYPED_NAMES = {  # family -> wording around the document type's Chinese name
    "missing.service_receipt": "缺少{}的送达回证", "missing": "卷内缺少{}", "date.missing": "{}未注明日期",
    "number.missing": "{}未编文号", "number.malformed": "{}文号格式不规范", "number.year_mismatch": "{}文号年份不符",
    "seal.missing": "{}未盖印章", "signature.missing": "{}缺少签名",
}


def problem_name(code: str, category: str = "") -> str:
    """A finding code in Chinese: missing.service_receipt.decision -> 缺少行政处罚决定书的送达回证."""
    if code in _FIXED_NAMES:
        return _FIXED_NAMES[code]
    for family in sorted(_TYPED_NAMES, key=len, reverse=True):  # the longest family first
        if code.startswith(family + ".") and "." not in code[len(family) + 1:]:
            return _TYPED_NAMES[family].format(type_name(code[len(family) + 1:]))
    family = ".".join(code.split(".")[:2])
    if family in _FIXED_NAMES:
        return _FIXED_NAMES[family]
    return f"{category or '其他'}问题"


# -- figures --------------------------------------------------------------------------------------
@dataclass
class Figures:
    """The counts every chart and table is drawn from."""

    done: list[CaseEntry]
    failed: list[CaseEntry]
    pending: list[CaseEntry]
    duplicates: list[tuple[str, str]]  # (duplicate, the file it repeats)
    by_category: dict[str, Counter[str]]  # category -> kind -> findings
    category_cases: Counter[str]
    by_code: Counter[str]
    code_cases: Counter[str]
    code_info: dict[str, FindingDigest]  # code -> its first finding (category, kind, a message)
    agencies: dict[str, Counter[str]]  # agency -> cases, legality_cases, standard_cases, legality, standard

    @classmethod
    def of(cls, entries: Iterable[CaseEntry]) -> Figures:
        entries = list(entries)
        figures = cls(done=[e for e in entries if e.status == "done"],
                      failed=[e for e in entries if e.status == "failed"],
                      pending=[e for e in entries if e.status == "pending"],
                      duplicates=[(d, e.relative) for e in entries for d in e.duplicates],
                      by_category={c: Counter() for c in CATEGORIES}, category_cases=Counter(),
                      by_code=Counter(), code_cases=Counter(), code_info={}, agencies={})
        for entry in figures.done:
            figures._add(entry)
        return figures

    def _add(self, entry: CaseEntry) -> None:
        for f in entry.findings:
            self.by_category.setdefault(f.category, Counter())[f.kind] += 1
            self.by_code[f.code] += 1
            self.code_info.setdefault(f.code, f)
        self.category_cases.update({f.category for f in entry.findings})
        self.code_cases.update({f.code for f in entry.findings})
        agency = self.agencies.setdefault(entry.agency or UNKNOWN_AGENCY, Counter())
        agency.update(cases=1, legality_cases=int(entry.legality > 0), standard_cases=int(entry.standard > 0),
                      legality=entry.legality, standard=entry.standard)

    @property
    def worst_first(self) -> list[CaseEntry]:
        return sorted(self.done, key=lambda e: (-e.legality, -e.standard, -e.review, e.relative))

    def overview(self) -> list[tuple[str, int]]:
        legality = sum(e.legality for e in self.done)
        standard = sum(e.standard for e in self.done)
        return [
            ("案卷（不计重复文件）", len(self.done) + len(self.failed) + len(self.pending)),
            ("已检查", len(self.done)),
            ("未能检查", len(self.failed)),
            *([("未完成", len(self.pending))] if self.pending else []),
            ("重复文件（未重复检查）", len(self.duplicates)),
            ("页数", sum(e.pages for e in self.done)),
            ("有合法性问题的案卷", sum(1 for e in self.done if e.legality)),
            ("有规范性问题的案卷", sum(1 for e in self.done if e.standard)),
            ("未发现问题的案卷", sum(1 for e in self.done if not e.findings)),
            ("合法性问题（项）", legality),
            ("规范性问题（项）", standard),
            ("待人工核实（项）", sum(e.review for e in self.done)),
        ]


# -- charts ---------------------------------------------------------------------------------------
def _cjk_font() -> str | None:
    """A font family with Chinese glyphs matplotlib can use, or None (labels then show boxes)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    for path in CJK_FONT_FILES:  # installed after matplotlib built its font cache
        if Path(path).is_file():
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    log.warning("no font with Chinese glyphs found (install fonts-noto-cjk): chart labels may not read")
    return None


def _barh(title: str, labels: Sequence[str], series: dict[str, Sequence[int]], xlabel: str,
          stacked: bool = True) -> bytes:
    """A horizontal bar chart, the first label on top, series stacked or side by side; PNG bytes."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    height = max(2.4, 0.9 + (0.34 if stacked else 0.5) * len(labels))
    fig = Figure(figsize=(8.0, height), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    positions = list(range(len(labels)))[::-1]
    colours = {"合法性": "#c0392b", "规范性": "#e6a23c"}
    left = [0] * len(labels)
    bar = 0.8 if stacked else 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        ys = positions if stacked else [y + 0.4 - bar * (i + 0.5) for y in positions]
        ax.barh(ys, values, height=bar, left=left if stacked else 0, label=name,
                color=colours.get(name, "#3a7bd5"))
        if stacked:
            left = [a + b for a, b in zip(left, values, strict=True)]
        else:
            for y, v in zip(ys, values, strict=True):
                ax.text(v, y, f" {v}", va="center", fontsize=8)
    if stacked:
        for y, total in zip(positions, left, strict=True):
            if total:
                ax.text(total, y, f" {total}", va="center", fontsize=8)
    ax.set_yticks(positions, [_short(label, 22) for label in labels], fontsize=9)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=12)
    ax.set_xlabel(xlabel)
    ax.margins(x=0.12)
    if len(series) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)  # outside: never over a bar
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def render_charts(figures: Figures) -> dict[str, bytes]:
    """The charts as PNG bytes, by file name; {} if matplotlib cannot draw (the tables remain)."""
    try:
        import matplotlib

        font = _cjk_font()
        rc = {"axes.unicode_minus": False}
        if font:
            rc["font.family"] = [font, "DejaVu Sans"]  # type: ignore[assignment]
        with matplotlib.rc_context(rc):
            return _draw(figures)
    except Exception:  # a summary without pictures beats no summary
        log.warning("the summary's charts could not be drawn", exc_info=True)
        return {}


def _draw(figures: Figures) -> dict[str, bytes]:
    done = figures.done
    charts = {"kinds.png": _barh(
        "合法性与规范性问题", ["有问题的案卷", "问题（项）"],
        {"合法性": [sum(1 for e in done if e.legality), sum(e.legality for e in done)],
         "规范性": [sum(1 for e in done if e.standard), sum(e.standard for e in done)]}, "数量",
        stacked=False)}
    categories = list(figures.by_category)
    charts["categories.png"] = _barh(
        "按审查项目（自查单十二项）", categories,
        {kind: [figures.by_category[c][kind] for c in categories] for kind in ("合法性", "规范性")}, "问题（项）")
    if figures.by_code:
        codes = [code for code, _ in figures.by_code.most_common(TOP_CODES)]
        kinds = {code: figures.code_info[code].kind for code in codes}
        charts["codes.png"] = _barh(
            f"按问题类型（前{len(codes)}）", [problem_name(c, figures.code_info[c].category) for c in codes],
            {kind: [figures.by_code[c] if kinds[c] == kind else 0 for c in codes] for kind in ("合法性", "规范性")},
            "问题（项）")
    if figures.agencies:
        ranked = sorted(figures.agencies.items(),
                        key=lambda kv: (-(kv[1]["legality"] + kv[1]["standard"]), -kv[1]["cases"], kv[0]))
        ranked = ranked[:TOP_AGENCIES]
        charts["agencies.png"] = _barh(
            f"按执法机构（前{len(ranked)}）", [name for name, _ in ranked],
            {kind: [c[key] for _, c in ranked] for kind, key in (("合法性", "legality"), ("规范性", "standard"))},
            "问题（项）")
    return charts


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the page -------------------------------------------------------------------------------------
CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px auto;max-width:1200px;color:#222;padding:0 16px}
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;border-bottom:2px solid #3a7bd5;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}th,td{border:1px solid #bbb;padding:4px 8px;vertical-align:top}
th{background:#eef3fb;text-align:center;white-space:nowrap}td{min-width:3.5em}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.legal td:first-child{border-left:4px solid #c0392b}.meta{color:#555;font-size:14px}.bad{color:#c0392b;font-weight:bold}
img{max-width:100%;border:1px solid #ddd;margin:8px 0}.links a{display:block;white-space:nowrap}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:12px}
ul.f{margin:0;padding-left:18px}small.code{color:#888;font-family:monospace}details summary{cursor:pointer;color:#3a7bd5}
"""


def _cn_time(moment: dt.datetime) -> str:
    """2025年4月16日 09:30, as the other outputs write dates."""
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _href(relative: str) -> str:
    """A link to a file beside the summary: each segment percent-encoded, then escaped."""
    return _e(quote(relative.replace("\\", "/"), safe="/"))


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: Sequence[int] = (),
           row_class: Sequence[str] | None = None) -> str:
    """An HTML table; cells are escaped unless they are `Markup`."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cells = "".join(f'<td{" class=n" if j in numeric else ""}>{c if isinstance(c, Markup) else _e(c)}</td>'
                        for j, c in enumerate(row))
        cls = f' class="{row_class[i]}"' if row_class and row_class[i] else ""
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class Markup(str):
    """HTML already escaped (links, lists) that `_table` inserts as it is."""


def _links(entry: CaseEntry) -> Markup:
    return Markup("".join(f'<a href="{_href(entry.outputs[k])}">{label}</a>'
                          for k, label in OUTPUT_LABELS.items() if k in entry.outputs))


def _finding_list(entry: CaseEntry, limit: int = 6) -> Markup:
    items = [f"<li>[{_e(f.kind)}] {_e(f.category)}：{_e(f.message)}</li>" for f in entry.findings[:limit]]
    if len(entry.findings) > limit:
        items.append(f"<li>……另{len(entry.findings) - limit}项，见自查单</li>")
    listed = f'<ul class="f">{"".join(items)}</ul>' if items else "未发现问题"
    return Markup(f'{listed}<small class="code">{_e(entry.review_status)}</small>')


def _named_code(code: str, category: str) -> Markup:
    """The problem in Chinese, its code beneath in small grey type (and as the tooltip)."""
    return Markup(f'<span title="{_e(code)}">{_e(problem_name(code, category))}</span>'
                  f'<br><small class="code">{_e(code)}</small>')


def render_summary(entries: Sequence[CaseEntry], meta: SummaryMeta,
                   charts: Sequence[str] = ()) -> str:
    """The page as text; `charts` are the PNG names present in CHARTS_DIR."""
    f = Figures.of(entries)
    parts = [f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
             f'<meta name="viewport" content="width=device-width,initial-scale=1">'
             f"<title>案卷自查汇总</title><style>{CSS}</style></head><body>",
             "<h1>行政处罚案卷自查汇总</h1>",
             f'<p class="meta">案卷目录：{_e(meta.archive)}<br>生成时间：{_e(_cn_time(meta.generated))}'
             + (f'<br>统计表：<a href="{_href(meta.statistics)}">{_e(meta.statistics)}</a>' if meta.statistics else "")
             + "</p>",
             "<h2>概况</h2>", _table(["项目", "数量"], f.overview(), numeric=[1])]
    if meta.run:
        parts += ["<h2>本次运行</h2>", _table(["项目", "数值"], meta.run, numeric=[1])]
    if charts:
        parts.append('<h2>图表</h2><div class="charts">' + "".join(
            f'<img src="{_href(f"{CHARTS_DIR}/{name}")}" alt="{_e(name)}">' for name in charts) + "</div>")
    parts += ["<h2>按审查项目</h2>", _table(
        ["审查项目", "合法性问题", "规范性问题", "合计", "涉及案卷"],
        [(c, k["合法性"], k["规范性"], k.total(), f.category_cases[c]) for c, k in f.by_category.items()],
        numeric=[1, 2, 3, 4])]
    parts += ["<h2>按问题类型</h2>", _table(
        ["问题类型", "审查项目", "性质", "问题（项）", "涉及案卷", "示例"],
        [(_named_code(code, f.code_info[code].category), f.code_info[code].category, f.code_info[code].kind, n,
          f.code_cases[code], f.code_info[code].message)
         for code, n in f.by_code.most_common()], numeric=[3, 4]) if f.by_code else "<p>未发现问题。</p>"]
    agencies = sorted(f.agencies.items(), key=lambda kv: (-kv[1]["legality"], -kv[1]["standard"], kv[0]))
    parts += ["<h2>按执法机构</h2>", _table(
        ["执法机构", "案卷", "有合法性问题的案卷", "有规范性问题的案卷", "合法性问题", "规范性问题"],
        [(name, c["cases"], c["legality_cases"], c["standard_cases"], c["legality"], c["standard"])
         for name, c in agencies], numeric=[1, 2, 3, 4, 5])]
    worst = f.worst_first
    parts += ["<h2>案卷（问题多者在前）</h2>", _table(
        ["#", "文件", "当事人", "决定书文号", "执法机构", "页数", "合法性", "规范性", "待核实", "问题", "输出"],
        [(i, e.relative, e.party, e.decision_number, e.agency, e.pages, e.legality, e.standard, e.review,
          _finding_list(e), _links(e)) for i, e in enumerate(worst, 1)],
        numeric=[0, 5, 6, 7, 8], row_class=["legal" if e.legality else "" for e in worst])]
    if f.failed or f.pending:
        parts += ["<h2>未能检查的文件</h2>", _table(
            ["文件", "原因"], [(e.relative, e.error or "检查未完成") for e in [*f.failed, *f.pending]])]
    if f.duplicates:
        parts += ["<h2>重复文件</h2><p>内容完全相同（SHA-256 一致）的文件只检查一次，结果见所列原文件。</p>",
                  _table(["文件", "与之相同的文件"], f.duplicates)]
    parts.append("</body></html>")
    return "\n".join(parts)


def write_summary(out: Path, entries: Sequence[CaseEntry], meta: SummaryMeta) -> Path:
    """Write the charts into OUT/summary/ and then OUT/summary.html; the page's path."""
    charts = render_charts(Figures.of(entries))
    for name, png in charts.items():
        write_atomic(out / CHARTS_DIR / name, png)
    target = out / SUMMARY_NAME
    write_atomic(target, render_summary(entries, meta, list(charts)).encode("utf-8"))
    return target
