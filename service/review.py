"""A person's review beside the machine's report: stored, applied, recorded, counted.

`NAME.review.json` lies next to `NAME.report.json` (the report is never edited). `apply_review`
makes the `ReviewedCase` every output renders from: the effective findings (dismissed ones left
out, confirmed review items and added problems in their rows), the corrected header fields, and
the sheet's answers — 待复核 until the review's status is `reviewed`, then from what the person
confirmed and added. `record_changes` words each change for the case's history.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from models.report import CATEGORIES, Evidence, Finding, Report
from models.review import (
    DECISION_NAMES,
    STATUS_NAMES,
    HistoryEntry,
    Review,
    ReviewError,
    validate_against,
)

log = logging.getLogger(__name__)

REPORT_SUFFIX = ".report.json"
REVIEW_SUFFIX = ".review.json"
MANUAL_CODE = "manual"  # the code of a problem a person added
PENDING = "待复核"

FIELD_NAMES: dict[str, str] = {
    "case_number": "立案号", "filing_date": "立案时间", "notice_number": "告知书文号",
    "notice_date": "告知书下达时间", "decision_number": "决定书文号", "decision_date": "决定书下达时间",
    "party": "当事人名称", "case_type": "案卷类型", "cause": "案由", "officers": "承办人员",
    "agency": "执法机关",
}


# -- ids ------------------------------------------------------------------------------------------
def numbered(findings: Sequence[Finding], prefix: str) -> list[Finding]:
    """The findings with ids prefix1, prefix2… in their order (the rules' order is deterministic)."""
    return [f.model_copy(update={"id": f"{prefix}{n}"}) for n, f in enumerate(findings, 1)]


def ensure_ids(report: Report) -> Report:
    """A report written before findings had ids gets the ids the same version gives today."""
    if all(f.id for f in report.findings) and all(f.id for f in report.review):
        return report
    return report.model_copy(update={"findings": numbered(report.findings, "F"),
                                     "review": numbered(report.review, "R")})


# -- files ----------------------------------------------------------------------------------------
def review_path(report_path: Path) -> Path:
    """NAME.review.json beside NAME.report.json."""
    report_path = Path(report_path)
    name = report_path.name
    stem = name[: -len(REPORT_SUFFIX)] if name.endswith(REPORT_SUFFIX) else report_path.stem
    return report_path.with_name(stem + REVIEW_SUFFIX)


def empty_review(report: Report) -> Review:
    return Review(sha256=report.sha256)


def load_review(path: Path, report: Report | None = None) -> Review | None:
    """The review at `path`, None when there is none (or it belongs to other bytes than `report`)."""
    path = Path(path)
    if not path.is_file():
        return None
    review = Review.model_validate_json(path.read_bytes())
    if report is not None:
        try:
            validate_against(review, ensure_ids(report))
        except ReviewError as exc:  # another file's, or ids a newer version no longer gives
            log.warning("%s does not fit %s (%s): not applied", path, report.file, exc)
            return None
    return review


def save_review(path: Path, review: Review) -> None:
    """Write the review whole or not at all (the outputs' atomic write)."""
    from service.outputs import write_atomic

    write_atomic(Path(path), review.to_json().encode("utf-8"))


# -- applying -------------------------------------------------------------------------------------
class ReviewedCase(BaseModel):
    """A report as its review leaves it: what every output renders from."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    machine: Report  # the machine's report, ids assigned
    review: Review
    report: Report  # effective: corrected fields, findings as decided, review items still open
    checked_rows: list[str]  # rows some rule of the pack judges; the others are a person's

    @property
    def reviewed(self) -> bool:
        return self.review.status == "reviewed"

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.review.status]

    @property
    def unchecked_rows(self) -> list[str]:
        return [c for c in CATEGORIES if c not in self.checked_rows]

    def count(self, kind: str) -> int:
        return sum(1 for f in self.report.findings if f.kind == kind)

    def answer(self, kind: str) -> str:
        """是否存在合法性/规范性问题: 是 or 否 once reviewed, 待复核 before."""
        if not self.reviewed:
            return PENDING
        return "是" if self.count(kind) else "否"

    @property
    def passed(self) -> bool | None:
        """是否合格: None (待复核) until reviewed."""
        return not self.report.findings if self.reviewed else None

    def remedy_answer(self, kind: str) -> str:
        """是否完成整改 for a kind: 是 when every row holding such a problem has its 整改 done."""
        rows = {f.category for f in self.report.findings if f.kind == kind}
        if not rows:
            return ""
        remedies = self.review.remedy
        if all(row in remedies and remedies[row].complete for row in rows):
            return "是"
        return "否" if self.reviewed else ""

    @property
    def self_checker(self) -> str | None:
        return self.review.self_checker or (self.review.reviewer if self.reviewed else None)

    def pending_reason(self) -> str | None:
        """Why the answers read 待复核: what the machine found and what it left to a person."""
        if self.reviewed:
            return None
        legal, standard = self.count("合法性"), self.count("规范性")
        parts = [f"发现合法性问题{legal}项、规范性问题{standard}项" if legal or standard else "未发现问题"]
        if self.report.review:
            parts.append(f"{len(self.report.review)}项待人工核实")
        if self.unchecked_rows:
            parts.append("、".join(self.unchecked_rows) + "未自动审查")
        if self.machine.rule_errors:
            parts.append(f"{len(self.machine.rule_errors)}条审查规则运行出错，案卷仅部分审查")
        return f"{PENDING}（{self.status_name}）：" + "；".join(parts) + "，须经自查人员复核确认。"

    def review_note(self) -> str | None:
        """For 备注 once reviewed: who signed off, what was dismissed and why, what was added."""
        if not self.reviewed:
            return None
        dismissed = [(fid, d.reason.strip()) for fid, d in self.review.decisions.items() if d.decision == "dismissed"]
        parts = [f"经自查人员{self.self_checker or self.review.reviewer or ''}复核"]
        if dismissed:
            parts.append(f"排除机器初查所列{len(dismissed)}项（" + "；".join(f"{fid}：{why}" for fid, why in dismissed) + "）")
        if self.review.added:
            parts.append(f"人工补充问题{len(self.review.added)}项")
        if self.review.fields:
            parts.append("更正" + "、".join(FIELD_NAMES.get(k, k) for k in self.review.fields))
        return "，".join(parts) + "。"

    def conclusion_lines(self) -> list[str]:
        """For the annotated PDF: who judged which rows, and the review's state."""
        auto = "、".join(self.checked_rows) or "无"
        manual = "、".join(self.unchecked_rows) or "无"
        lines = [f"由规则自动审查的项目：{auto}。", f"未自动审查、须由人工审查的项目：{manual}。"]
        if self.reviewed:
            who = self.self_checker or self.review.reviewer or ""
            on = self.review.reported_on or ""
            lines.insert(0, f"复核状态：已复核（{who}{'，' + on if on else ''}），结论以复核为准。")
        else:
            lines.insert(0, f"复核状态：{self.status_name}，是否存在问题待复核。")
        return lines


def apply_review(report: Report, review: Review | None = None, checked_rows: Iterable[str] | None = None
                 ) -> ReviewedCase:
    """The effective case of `report` under `review` (None: no person yet).

    Findings without a decision stand (the machine was sure); review items without one stay open.
    `checked_rows` are the rows the rule pack judges (default: the national pack's).
    """
    machine = ensure_ids(report)
    review = review or empty_review(machine)
    validate_against(review, machine)
    if checked_rows is None:
        from checkers import load_pack

        checked_rows = {category for category, _kind in load_pack().codes.values()}
    # A rule that failed on this case leaves its rows partly checked: they are a person's.
    rows = set(checked_rows) - {row for err in machine.rule_errors for row in err.categories}
    decisions = review.decisions
    findings: list[Finding] = []
    still_open: list[Finding] = []
    # Undecided, a finding stands (the machine was sure) and a review item stays open.
    for listed, default in ((machine.findings, "confirmed"), (machine.review, "review")):
        for f in listed:
            decision = decisions.get(f.id or "")
            verdict = decision.decision if decision else default
            if verdict == "confirmed":
                findings.append(f)
            elif verdict == "review":
                still_open.append(f)
    for n, added in enumerate(review.added, 1):
        findings.append(Finding(id=f"A{n}", code=MANUAL_CODE, category=added.category, kind=added.kind,
                                message=added.message, suggestion=added.suggestion,
                                evidence=[Evidence(page=p) for p in added.pages]))
    order = {c: i for i, c in enumerate(CATEGORIES)}
    findings.sort(key=lambda f: order[f.category])  # stable: the machine's order within a row
    case = machine.case.model_copy(update=dict(review.fields)) if review.fields else machine.case
    effective = machine.model_copy(update={"findings": findings, "review": still_open, "case": case})
    return ReviewedCase(machine=machine, review=review, report=effective,
                        checked_rows=[c for c in CATEGORIES if c in rows])


# -- history --------------------------------------------------------------------------------------
def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def describe_changes(old: Review, new: Review) -> list[str]:
    """Each change from `old` to `new`, worded for the case's history (Chinese, one line each)."""
    lines: list[str] = []
    for fid in sorted(set(old.decisions) | set(new.decisions), key=_id_order):
        before, after = old.decisions.get(fid), new.decisions.get(fid)
        if after is None:
            lines.append(f"撤销对 {fid} 的决定")
        elif before is None or before != after:
            reason = f"：{after.reason.strip()}" if after.reason.strip() else ""
            lines.append(f"{DECISION_NAMES[after.decision]} {fid}{reason}")
    for name in sorted(set(old.fields) | set(new.fields)):
        before, after = old.fields.get(name), new.fields.get(name)
        if before != after:
            label = FIELD_NAMES.get(name, name)
            lines.append(f"更正{label}：{_text(after)}" if after not in (None, "", [])
                         else f"撤销对{label}的更正")
    old_added = [a.model_dump() for a in old.added]
    new_added = [a.model_dump() for a in new.added]
    for a in new.added:
        if a.model_dump() not in old_added:
            lines.append(f"新增问题（{a.category}·{a.kind}）：{a.message}")
    for a in old.added:
        if a.model_dump() not in new_added:
            lines.append(f"删除新增问题（{a.category}·{a.kind}）：{a.message}")
    for row in CATEGORIES:
        before, after = old.remedy.get(row), new.remedy.get(row)
        if before != after and after is not None:
            lines.append(f"整改情况（{row}）：{after.done or '—'}；{'已完成整改' if after.complete else '未完成整改'}")
        elif before is not None and after is None:
            lines.append(f"清除整改情况（{row}）")
    if old.self_checker != new.self_checker and new.self_checker:
        lines.append(f"自查人员：{new.self_checker}")
    if old.reported_on != new.reported_on and new.reported_on:
        lines.append(f"填报时间：{new.reported_on}")
    if old.status != new.status:
        lines.append(f"状态：{STATUS_NAMES[old.status]} → {STATUS_NAMES[new.status]}")
    return lines


def record_changes(old: Review, new: Review, by: str, at: str | None = None) -> Review:
    """`new` as stored: reviewer, time and history set by the service, not taken from the caller.

    Signing off (status reviewed) fills 自查人员 with the reviewer and the date with today when the
    person left them blank."""
    at = at or now_iso()
    update: dict[str, object] = {}
    if new.status == "reviewed":
        if not new.self_checker:
            update["self_checker"] = by
        if not new.reported_on:
            update["reported_on"] = at[:10]
    candidate = new.model_copy(update=update)
    changes = describe_changes(old, candidate)
    history = list(old.history) + [HistoryEntry(at=at, by=by, what=line) for line in changes]
    return candidate.model_copy(update={"history": history, "reviewer": by if changes else old.reviewer,
                                        "updated": at if changes else old.updated})


def _id_order(finding_id: str) -> tuple[str, int]:
    digits = "".join(ch for ch in finding_id if ch.isdigit())
    return (finding_id.rstrip("0123456789"), int(digits) if digits else 0)


def _text(value: object) -> str:
    return "、".join(value) if isinstance(value, list) else str(value)


# -- field precision ------------------------------------------------------------------------------
class RuleStats(BaseModel):
    code: str
    category: str
    confirmed: int = 0
    dismissed: int = 0
    reasons: list[str] = []

    @property
    def precision(self) -> float | None:
        judged = self.confirmed + self.dismissed
        return round(self.confirmed / judged, 3) if judged else None


def rule_stats(cases: Iterable[tuple[Report, Review]]) -> list[RuleStats]:
    """Per rule (finding code), how often people confirmed and dismissed it over reviewed cases.

    In a case signed off as reviewed, a finding left without a decision counts as confirmed
    (the person let it stand); a review item left open counts as neither."""
    stats: dict[str, RuleStats] = {}
    for report, review in cases:
        if review.status != "reviewed":
            continue
        report = ensure_ids(report)
        for f, default in [*((f, "confirmed") for f in report.findings), *((f, "review") for f in report.review)]:
            decision = review.decisions.get(f.id or "")
            verdict = decision.decision if decision else default
            entry = stats.setdefault(f.code, RuleStats(code=f.code, category=f.category))
            if verdict == "confirmed":
                entry.confirmed += 1
            elif verdict == "dismissed":
                entry.dismissed += 1
                if decision and decision.reason and decision.reason not in entry.reasons:
                    entry.reasons.append(decision.reason)
    return sorted(stats.values(), key=lambda s: (-(s.dismissed), -(s.confirmed), s.code))


def stats_json(stats: Sequence[RuleStats]) -> list[dict[str, object]]:
    return [{**s.model_dump(), "precision": s.precision} for s in stats]


# -- readers for the commands ---------------------------------------------------------------------
def read_review_option(given: str | None, report_path: Path, report: Report) -> Review | None:
    """`render --review FILE` (it must fit the report), else the review beside the report if any."""
    from extractors.ingest import InputError

    if not given:
        return load_review(review_path(report_path), report)
    path = Path(given)
    try:
        review = Review.model_validate_json(path.read_bytes())
        validate_against(review, ensure_ids(report))
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except ReviewError as exc:
        raise InputError(f"{path}: does not fit {report_path.name}: {exc}") from None
    except ValueError as exc:
        raise InputError(f"{path}: not a casecheck review ({' '.join(str(exc).split())[:160]})") from None
    return review


def reviewed_beside(report_path: Path, report: Report) -> ReviewedCase:
    """The report with the review beside it (or none)."""
    return apply_review(report, load_review(review_path(report_path), report))


def service_db(data_dir: str | Path | None = None) -> Path:
    """The service's database: CASECHECK_DB, else DATA/jobs.sqlite3 (DATA: the argument,
    CASECHECK_DATA_DIR, or casecheck-data), as `casecheck serve` finds it."""
    from service.web.settings import ServeSettings

    return ServeSettings.from_env(data_dir=data_dir).db


def service_reviews(db: Path) -> dict[str, tuple[Path, Report, Review]]:
    """Every case of the service with a stored review: sha256 -> (report path, report, review)."""
    from service.jobs import JobStore

    found: dict[str, tuple[Path, Report, Review]] = {}
    if not Path(db).is_file():
        return found
    store = JobStore(Path(db))
    try:
        for job in store.all("done"):
            report_file = Path(job.outputs.get("report", ""))
            path = review_path(report_file)
            if not path.is_file():
                continue
            try:
                report = Report.model_validate_json(report_file.read_bytes())
                review = load_review(path, report)
            except (OSError, ValueError):
                log.warning("%s: review or report unreadable; left out", path, exc_info=True)
                continue
            if review is not None:
                found[job.sha256] = (report_file, report, review)
    finally:
        store.close()
    return found


def cmd_rule_stats(args) -> int:
    """`casecheck rules --stats`: per rule, confirmed and dismissed over the service's reviewed cases."""
    import json
    import sys

    try:
        db = service_db(args.data)
    except ValueError as exc:
        print(f"casecheck: {exc}", file=sys.stderr)
        return 2
    cases = [(report, review) for _path, report, review in service_reviews(db).values()]
    stats = rule_stats(cases)
    reviewed = sum(1 for _r, review in cases if review.status == "reviewed")
    if args.json:
        print(json.dumps({"reviewed_cases": reviewed, "rules": stats_json(stats)}, ensure_ascii=False, indent=2))
        return 0
    print(f"reviewed cases: {reviewed} ({db})")
    if not stats:
        print("no finding has been reviewed yet")
    for s in stats:
        precision = "—" if s.precision is None else f"{s.precision:.0%}"
        print(f"  {s.code:42} {s.category:6} confirmed {s.confirmed:4}  dismissed {s.dismissed:4}  "
              f"precision {precision}")
        for reason in s.reasons[:3]:
            print(f"      排除理由：{reason}")
    return 0


def find_review(report_path: Path, report: Report,
                service: dict[str, tuple[Path, Report, Review]] | None = None) -> tuple[Review, Path] | None:
    """The review that applies to a stored report and the file it is in: the one beside the
    report, else one done in the service for the same content (same SHA-256); None when no
    person has reviewed it."""
    beside = review_path(report_path)
    review = load_review(beside, report)
    if review is not None:
        return review, beside
    if service and report.sha256 in service:
        service_report, _, candidate = service[report.sha256]
        try:
            validate_against(candidate, ensure_ids(report))
            return candidate, review_path(service_report)
        except ReviewError as exc:  # made under another version: its ids may not be these
            log.warning("%s: the service's review does not fit (%s); not used", report.file, exc)
    return None


def review_for_tables(report_path: Path, report: Report,
                      service: dict[str, tuple[Path, Report, Review]] | None = None) -> ReviewedCase:
    """For batch's tables: the report as `find_review`'s review leaves it (none: 机器初查)."""
    found = find_review(report_path, report, service)
    return apply_review(report, found[0] if found else None)


def signed_off(report: Report, by: str | None = None) -> Review:
    """A review signed off with nothing changed: the machine's findings stand, its doubts stay open."""
    return Review(sha256=report.sha256, status="reviewed", reviewer=by, self_checker=by)
