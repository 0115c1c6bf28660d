"""Scoring a report against the generator's truth: the figures the accuracy suites assert."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.report import Report
from models.truth import Truth

KEY_TYPES = ("notice", "decision")


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.rate:.1%} ({self.right}/{self.total})"


@dataclass
class Score:
    page_types: Tally = field(default_factory=Tally)
    spans_tp: int = 0
    spans_pred: int = 0
    spans_true: int = 0
    numbers: Tally = field(default_factory=Tally)  # notice and decision 文号, exact
    dates: Tally = field(default_factory=Tally)  # notice and decision dates, exact
    seals: Tally = field(default_factory=Tally)  # sealed right on documents that need a seal
    signatures: Tally = field(default_factory=Tally)
    # The case's own fields (the 自查单's header), each exact, where the truth has one.
    case_fields: Tally = field(default_factory=Tally)
    misses: list[str] = field(default_factory=list)  # what went wrong, for the log

    @property
    def span_f1(self) -> float:
        if not self.spans_pred or not self.spans_true:
            return 1.0 if self.spans_pred == self.spans_true else 0.0
        precision = self.spans_tp / self.spans_pred
        recall = self.spans_tp / self.spans_true
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def add(self, report: Report, truth: Truth) -> None:
        name = truth.file
        for i, (got, want) in enumerate(zip(report.page_types, truth.page_types, strict=False)):
            self.page_types.add(got == want)
            if got != want:
                self.misses.append(f"{name} p{i + 1}: type {got} != {want}")
        predicted = {(d.type, tuple(d.pages)) for d in report.documents}
        true = {(d.type, tuple(d.pages)) for d in truth.documents}
        self.spans_tp += len(predicted & true)
        self.spans_pred += len(predicted)
        self.spans_true += len(true)
        for missing in sorted(true - predicted, key=lambda s: s[1]):
            self.misses.append(f"{name}: span {missing} not found")
        by_span = {(d.type, tuple(d.pages)): d for d in report.documents}
        for want in truth.documents:
            got = by_span.get((want.type, tuple(want.pages)))
            if want.type in KEY_TYPES:
                self.numbers.add(got is not None and got.number == want.number)
                self.dates.add(got is not None and got.date == want.date)
                if got is None or got.number != want.number:
                    self.misses.append(f"{name}: {want.type} number {got.number if got else '-'} != {want.number}")
                if got is None or got.date != want.date:
                    self.misses.append(f"{name}: {want.type} date {got.date if got else '-'} != {want.date}")
            if want.sealed is not None:
                self.seals.add(got is not None and got.sealed == want.sealed)
                if got is None or got.sealed != want.sealed:
                    self.misses.append(f"{name}: {want.type} {want.pages} sealed "
                                       f"{got.sealed if got else '-'} != {want.sealed}")
            if want.signed is not None:
                self.signatures.add(got is not None and got.signed == want.signed)
        for key, want_value in truth.case.model_dump().items():
            if want_value in (None, []):
                continue
            got_value = getattr(report.case, key)
            self.case_fields.add(got_value == want_value)
            if got_value != want_value:
                self.misses.append(f"{name}: case {key} {got_value!r} != {want_value!r}")

    def summary(self) -> str:
        return (f"page types {self.page_types}; spans F1 {self.span_f1:.3f} "
                f"({self.spans_tp} right of {self.spans_pred} found, {self.spans_true} true); "
                f"notice/decision numbers {self.numbers}; dates {self.dates}; "
                f"seals {self.seals}; signatures {self.signatures}; case fields {self.case_fields}")


@dataclass
class CodeTally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class FindingScore:
    """Findings against the codes each file's truth carries: per code, a file counts once.

    A code found in a file that carries it is a true positive; found where the file does not
    carry it, a false positive; carried but not found, a false negative. Review items do not
    count either way (they are questions for a person, not findings).
    """

    codes: dict[str, CodeTally] = field(default_factory=dict)
    clean_files: int = 0
    clean_with_findings: list[str] = field(default_factory=list)
    review_items: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, report: Report, truth: Truth) -> None:
        found = {f.code for f in report.findings}
        want = set(truth.defects)
        self.review_items += len(report.review)
        if not want:
            self.clean_files += 1
            if found:
                self.clean_with_findings.append(f"{truth.file}: {', '.join(sorted(found))}")
        for code in found | want:
            tally = self.codes.setdefault(code, CodeTally())
            if code in found and code in want:
                tally.tp += 1
            elif code in found:
                tally.fp += 1
                detail = "; ".join(f.message for f in report.findings if f.code == code)
                self.misses.append(f"{truth.file}: false {code}: {detail}")
            else:
                tally.fn += 1
                queued = [f.message for f in report.review if f.code == code]
                self.misses.append(f"{truth.file}: missed {code}" + (f" (in review: {queued[0]})" if queued else ""))

    def table(self) -> str:
        rows = [f"{'code':44} {'TP':>3} {'FP':>3} {'FN':>3} {'prec':>6} {'recall':>6}"]
        for code in sorted(self.codes):
            t = self.codes[code]
            rows.append(f"{code:44} {t.tp:3d} {t.fp:3d} {t.fn:3d} {t.precision:6.0%} {t.recall:6.0%}")
        tp = sum(t.tp for t in self.codes.values())
        fp = sum(t.fp for t in self.codes.values())
        fn = sum(t.fn for t in self.codes.values())
        overall = CodeTally(tp, fp, fn)
        rows.append(f"{'all codes':44} {tp:3d} {fp:3d} {fn:3d} {overall.precision:6.0%} {overall.recall:6.0%}")
        rows.append(f"clean files: {self.clean_files}, with findings: {len(self.clean_with_findings)}; "
                    f"review items: {self.review_items}")
        return "\n".join(rows)
