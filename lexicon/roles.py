"""Signing labels and the roles they ask for: who signs a record, a form or a receipt.

A signing label is printed text that asks for a hand (签名, 签字或盖章) or names who signs (被检查人：,
送达人：, a 负责人意见 cell). `find_labels` finds them in a page's lines; `label_role` says whose
hand the label asks for (DOMAIN §5): the party, the recipient, an agent receiving for the
recipient (代收人), a witness, the server (送达人), officers, the recorder, a leader approving a
form, the legal reviewer, the handling officer. Some rows are never required: the 代收人 row of a
送达回证 is empty whenever the recipient signs himself, the 见证人 row whenever nobody refused.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from models.case import SignRole, TextLine

# Who signs a record or form. A role word is a signing label when a colon or a 签名-word follows
# it, or when it fills a cell of a ruled form; in running text (执法人员卢东杰…) it is not.
SIGN_ROLES = (
    "被检查人", "被检查单位", "被询问人", "被调查人", "当事人", "委托代理人", "代理人", "现场负责人",
    "执法人员", "调查人员", "调查人", "检查人", "询问人", "记录人", "记录员", "受送达人", "送达人",
    "收件人", "签收人", "代收人", "见证人", "承办人", "经办人", "审核人", "审批人", "复核人", "核对人",
    "主持人", "听证员", "参会人员", "参加人员", "出席人员", "立卷人", "采样人", "监测人", "提取人",
    "陪同人", "负责人", "批准人", "汇报人", "拍摄人", "制作人", "填表人", "签发人", "提供人", "复印人",
    "证明人", "确认人", "委托人", "受托人", "法定代表人", "授权代表", "缴款人",
    # Report sign-off rows (监测报告: 编制：… 审核：… 批准：…) — only with a colon.
    "编制", "审核", "批准", "复核", "校核", "审定", "签发",
)
# Roles that only ever sign, never get a typed name on the form: what follows them is taken as
# handwriting unless clearly print.
HAND_ROLES = {"送达人", "见证人", "收件人", "签收人", "代收人", "立卷人", "审批人", "审核人", "核对人", "提供人",
              "缴款人", "复核人", "批准人"}
SIGN_WORDS = ("签名或盖章", "签字或盖章", "签名并盖章", "签名（盖章）", "签名(盖章)", "签章", "签名", "签字",
              "盖章", "签收", "捺印")
_ROLE_ONLY_RE = re.compile(r"[\s:：]")
_ROLE_RE = "|".join(sorted(map(re.escape, SIGN_ROLES), key=len, reverse=True))
_WORD_RE = "|".join(sorted(map(re.escape, SIGN_WORDS), key=len, reverse=True))
_LABEL_RE = re.compile(
    rf"(?P<role>{_ROLE_RE})?\s*(?P<word>[（(]?\s*(?:{_WORD_RE})\s*[）)]?)?\s*(?P<colon>[:：])?")
# A line holding neither a role nor a sign word has no label: skipped before `_LABEL_RE`, whose
# parts are all optional and so match at every character.
_ROLE_OR_WORD_RE = re.compile(f"{_ROLE_RE}|{_WORD_RE}")
_SHORT_ROLES = {"编制", "审核", "批准", "复核", "校核", "审定", "签发"}
# A sign word in running text (拒绝签名, 已签收, 签名的) is no label.
_NARRATIVE_BEFORE = set("绝未后已请予并于应须需经为")
_NARRATIVE_AFTER = set("。，,；;、的了日期时")
_HAND_OPINION_START = re.compile(r"^(同意|拟|建议|按|经)")
# A page with more label-like spans than any form has is not a form (a word list, a hostile
# file): its labels are not looked at, which keeps the zone search linear in practice.
MAX_LABELS_PER_PAGE = 150


@dataclass(frozen=True)
class SignLabel:
    """A signing label found on a page: its text, line and approximate x extent."""

    text: str
    line: int  # index into the page's lines
    x0: float  # points
    x1: float
    opinion_cell: bool  # 承办人意见, 负责人审批意见: a form cell holding an opinion and a signature
    sign_word: bool  # says 签名/签字/盖章…: what follows is meant to be handwritten
    rest: str  # the line's text after the label

    @property
    def hand_only(self) -> bool:
        """Whether what follows the label is meant to be handwritten."""
        return self.sign_word or self.opinion_cell or _ROLE_ONLY_RE.sub("", self.text) in HAND_ROLES


def char_weights(text: str) -> list[float]:
    """Relative widths: CJK and full-width characters are about twice as wide as Latin ones."""
    return [0.55 if ord(ch) < 0x2E80 and ch != " " else 1.0 for ch in text]


def _span_x(line: TextLine, cumulative: list[float], i: int, j: int) -> tuple[float, float]:
    """Approximate x extent (points) of characters i..j of a line, from cumulative widths."""
    total = cumulative[-1] or 1.0
    x0, x1 = line.bbox[0], line.bbox[2]
    return x0 + (x1 - x0) * cumulative[i] / total, x0 + (x1 - x0) * cumulative[j] / total


def find_labels(lines: list[TextLine]) -> list[SignLabel]:
    """Signing labels in OCR or text-layer lines, with their approximate x extent (points).

    Linear in the text: character widths are summed once per line. A page holding more than
    `MAX_LABELS_PER_PAGE` labels is no form and yields none.
    """
    out: list[SignLabel] = []
    for li, line in enumerate(lines):
        text = line.text
        stripped = text.strip()
        if len(stripped) <= 12 and stripped.endswith("意见") and line.confidence >= 0.85 and \
                not _HAND_OPINION_START.match(stripped):
            out.append(SignLabel(stripped, li, line.bbox[0], line.bbox[2], True, False, ""))
            continue
        if not _ROLE_OR_WORD_RE.search(text):
            continue
        cumulative: list[float] | None = None
        for m in _LABEL_RE.finditer(text):
            role, word, colon = m.group("role"), m.group("word"), m.group("colon")
            if not (role or word):
                continue
            start, end = m.start(), m.end()
            before = text[start - 1] if start > 0 else ""
            after = text[end] if end < len(text) else ""
            head = text[:start].rstrip()
            if word:
                if before in _NARRATIVE_BEFORE or after in _NARRATIVE_AFTER:
                    continue
            elif role in _SHORT_ROLES:
                # 审核/批准 are everyday words; only 审核： at the start of a field is a label.
                if not colon or (len(head) > 2 and not head.endswith(("：", ":", " "))):
                    continue
            elif not colon and (text[end:].strip() or head):
                # A bare role word is a label only alone on its line (a form's label cell), not
                # inside running text (执法人员卢东杰…, …分局的执法人员).
                continue
            if cumulative is None:
                cumulative = [0.0, *itertools.accumulate(char_weights(text))]
            x0, x1 = _span_x(line, cumulative, start, end)
            out.append(SignLabel(m.group(0).strip(), li, x0, x1, False, bool(word), text[end:]))
            if len(out) > MAX_LABELS_PER_PAGE:
                return []
    return out


# -- whose hand a label asks for ------------------------------------------------------------------

ROLE_NAMES: dict[str, str] = {
    "party": "当事人（被检查人/被询问人）", "recipient": "受送达人", "agent": "代收人", "witness": "见证人",
    "server": "送达人", "officer": "执法人员", "recorder": "记录人", "leader": "负责人", "reviewer": "法制审核人员",
    "handler": "承办人", "other": "其他签名人", "unknown": "签名人",
}

# Checked in this order: the first that matches the label's own words (and the words printed just
# before it on its line) decides. 被检查单位负责人签名 is the party, not a leader; 受送达人（收件人）
# the recipient; 代收人签名或盖章及代收理由 an agent, never the recipient.
_ROLE_PATTERNS: tuple[tuple[SignRole, re.Pattern[str]], ...] = (
    ("agent", re.compile(r"代收")),
    # A row for the reason of a refusal (受送达人拒收理由) is filled only on a refusal.
    ("other", re.compile(r"拒收|拒签|拒绝")),
    ("witness", re.compile(r"见证|在场人|证明人")),
    ("server", re.compile(r"(?<!受)送达人|送件人|投递人")),
    ("recipient", re.compile(r"受送达|收件人|签收人|收到人|接收人")),
    ("party", re.compile(r"被检查|被询问|被调查|当事人|现场负责人|委托代理人|代理人|法定代表人|授权代表|"
                         r"被勘察|被采样|陪同人|委托人|缴款人|业主")),
    ("recorder", re.compile(r"记录人|记录员")),
    ("reviewer", re.compile(r"法制|审核人|审核意见|复核")),
    ("handler", re.compile(r"承办|经办")),
    ("officer", re.compile(r"执法人员|检查人|调查人|询问人|勘察人|执法证")),
    ("leader", re.compile(r"负责人|领导|局长|审批|批准|签发|主任|科长|集体讨论")),
    ("other", re.compile(r"立卷人|采样人|监测人|提取人|拍摄人|制作人|填表人|提供人|复印人|确认人|汇报人|"
                         r"主持人|听证员|听证人|参会|参加人|出席|编制|校核|审定|受托人|核对人|填发|送样人|收样人|"
                         r"监督")),
)
LEADER_OPINION = re.compile(r"^(?!承办|法制|部门|科|室|机构|经办|审核)\S{0,8}(负责人|领导|局长)\S{0,4}(审批|审核)?意见$"
                             r"|^(负责人|领导)?审批意见$|^审批人")


def label_role(label: str, before: str = "") -> SignRole:
    """Whose hand a signing label asks for, from its words and the words just before it.

    `before` is the text printed before the label on its line since the previous label
    (被检查单位（人） before 签字：); the label's own words win over it. A bare 签名： with nothing
    before it is `unknown`: whose zone it is cannot be told from the words alone.
    """
    own = re.sub(r"\s+", "", label)
    if LEADER_OPINION.search(own):
        return "leader"
    for words in (own, re.sub(r"\s+", "", before)[-14:] + own):
        for role, pattern in _ROLE_PATTERNS:
            if pattern.search(words):
                return role
    return "unknown"


def optional_role(role: str) -> bool:
    """Rows that are filled only when something happened: 代收人 (the recipient did not sign
    himself), 见证人 (a refusal or 留置送达). Never required on their own."""
    return role in ("agent", "witness")
