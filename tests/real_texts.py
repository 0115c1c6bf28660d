"""Loader for the real-text corpus in ``tests/data/real_texts``.

The corpus holds hand-labelled sentences transcribed from published Chinese
environment-bureau penalty documents (``sentences.jsonl``) and printed labels
of signing zones from published enforcement forms (``sign_labels.jsonl``).
Provenance is listed in ``tests/data/real_texts/SOURCES.md``.

The labels were assigned by a human reader of the texts, independently of the
code under test; nothing here imports the extractors or checkers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data" / "real_texts"
SENTENCES_PATH = DATA_DIR / "sentences.jsonl"
SIGN_LABELS_PATH = DATA_DIR / "sign_labels.jsonl"

SENTENCE_CLASSES = (
    "statement_claimed",
    "hearing_requested",
    "hearing_held",
    "waived",
    "right_announced",
    "correction_ordered",
    "period_stated",
    "other",
)
DOC_KINDS = ("decision", "notice", "correction_order", "other")
# Kinds of form a signing zone was read from.
SIGN_DOC_KINDS = (
    "delivery_receipt",  # 送达回证
    "inspection_record",  # 现场检查（勘察）笔录
    "inquiry_record",  # 调查询问笔录
    "hearing_record",  # 听证笔录
    "approval_form",  # 立案/案件处理/结案审批表
    "evidence_list",  # 证据登记保存清单、查封扣押清单
    "sampling_record",  # 采样/监测原始记录
    "review_form",  # 法制审核意见书
    "decision",  # 当场处罚决定书等
    "other",
)
SIGN_ROLES = (
    "party",
    "recipient",
    "agent",
    "witness",
    "server",
    "officer",
    "recorder",
    "inquirer",
    "leader",
    "reviewer",
    "handler",
    "other",
)

Required = bool | str  # True, False or "conditional"


@dataclass(frozen=True)
class RealSentence:
    """One clause-level sentence as published, with its hand label."""

    text: str
    cls: str
    doc_kind: str
    source: str
    bureau: str = ""
    also: tuple[str, ...] = ()
    line: int = 0

    @property
    def labels(self) -> tuple[str, ...]:
        """The main class followed by any secondary ("also") classes."""
        return (self.cls, *self.also)


@dataclass(frozen=True)
class SignLabel:
    """The printed label of one signing zone on a published form."""

    label: str
    role: str
    required: Required
    doc_kind: str
    source: str
    line: int = 0


class RealTextsError(ValueError):
    """A line of the corpus is malformed."""


def _read_jsonl(path: Path) -> list[tuple[int, dict]]:
    rows: list[tuple[int, dict]] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise RealTextsError(f"{path.name}:{lineno}: invalid JSON: {exc}") from exc
            if not isinstance(obj, dict):
                raise RealTextsError(f"{path.name}:{lineno}: expected a JSON object")
            rows.append((lineno, obj))
    return rows


def _str_field(obj: dict, key: str, where: str, *, required: bool = True) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        raise RealTextsError(f"{where}: field {key!r} must be a string")
    if required and not value.strip():
        raise RealTextsError(f"{where}: field {key!r} is empty")
    return value


def load_sentences(path: Path = SENTENCES_PATH) -> list[RealSentence]:
    """Read ``sentences.jsonl`` into typed records, validating every field."""
    out: list[RealSentence] = []
    allowed = {"text", "class", "doc_kind", "source", "bureau", "also"}
    for lineno, obj in _read_jsonl(path):
        where = f"{path.name}:{lineno}"
        extra = set(obj) - allowed
        if extra:
            raise RealTextsError(f"{where}: unknown fields {sorted(extra)}")
        text = _str_field(obj, "text", where)
        cls = _str_field(obj, "class", where)
        if cls not in SENTENCE_CLASSES:
            raise RealTextsError(f"{where}: unknown class {cls!r}")
        doc_kind = _str_field(obj, "doc_kind", where)
        if doc_kind not in DOC_KINDS:
            raise RealTextsError(f"{where}: unknown doc_kind {doc_kind!r}")
        source = _str_field(obj, "source", where)
        bureau = _str_field(obj, "bureau", where, required=False)
        also_raw = obj.get("also", [])
        if not isinstance(also_raw, list) or not all(isinstance(a, str) for a in also_raw):
            raise RealTextsError(f"{where}: 'also' must be a list of strings")
        for extra_cls in also_raw:
            if extra_cls not in SENTENCE_CLASSES or extra_cls in ("other", cls):
                raise RealTextsError(f"{where}: bad 'also' class {extra_cls!r}")
        if len(set(also_raw)) != len(also_raw):
            raise RealTextsError(f"{where}: repeated 'also' class")
        out.append(
            RealSentence(
                text=text,
                cls=cls,
                doc_kind=doc_kind,
                source=source,
                bureau=bureau,
                also=tuple(also_raw),
                line=lineno,
            )
        )
    return out


def load_sign_labels(path: Path = SIGN_LABELS_PATH) -> list[SignLabel]:
    """Read ``sign_labels.jsonl`` into typed records, validating every field."""
    out: list[SignLabel] = []
    allowed = {"label", "role", "required", "doc_kind", "source"}
    for lineno, obj in _read_jsonl(path):
        where = f"{path.name}:{lineno}"
        extra = set(obj) - allowed
        if extra:
            raise RealTextsError(f"{where}: unknown fields {sorted(extra)}")
        label = _str_field(obj, "label", where)
        role = _str_field(obj, "role", where)
        if role not in SIGN_ROLES:
            raise RealTextsError(f"{where}: unknown role {role!r}")
        required = obj.get("required")
        if not (isinstance(required, bool) or required == "conditional"):
            raise RealTextsError(f"{where}: 'required' must be true, false or \"conditional\"")
        doc_kind = _str_field(obj, "doc_kind", where)
        if doc_kind not in SIGN_DOC_KINDS:
            raise RealTextsError(f"{where}: unknown doc_kind {doc_kind!r}")
        source = _str_field(obj, "source", where)
        out.append(
            SignLabel(
                label=label,
                role=role,
                required=required,
                doc_kind=doc_kind,
                source=source,
                line=lineno,
            )
        )
    return out
