"""Signing zones with roles: the reader records whose hand each label asks for; the signature rule
judges by role. Each class of false finding seen on bureaus' real forms has a test here."""

from __future__ import annotations

import pytest

from extractors.zones import sign_zones
from lexicon.roles import find_labels, label_role, optional_role
from models.case import Mark, PageAnalysis, PageText
from tests.case_builder import (
    L,
    beside,
    build_case,
    check,
    clean_specs,
    codes,
    layout,
    receipt,
    spec,
)


@pytest.mark.parametrize(("label", "before", "role"), [
    ("受送达人（收件人）签名或盖章", "", "recipient"),
    ("收件人签名或盖章：", "", "recipient"),
    ("代收人签名或盖章及代收理由", "", "agent"),
    ("代收人（签名）：", "", "agent"),
    ("见证人签名：", "", "witness"),
    ("送达人签名：", "", "server"),
    ("被检查人签名：", "", "party"),
    ("签字：", "被检查单位（人）", "party"),
    ("检查人签字：", "被检查单位（人）签字：", "officer"),
    ("记录人签字：", "检查人签字：", "recorder"),
    ("被询问人（签名）", "", "party"),
    ("被检查单位负责人签名", "", "party"),
    ("负责人审批意见", "", "leader"),
    ("分管领导意见", "", "leader"),
    ("法制审核意见", "", "reviewer"),
    ("承办人意见", "", "handler"),
    ("签名：", "", "unknown"),
])
def test_label_roles(label: str, before: str, role: str) -> None:
    assert label_role(label, before) == role


def test_optional_rows() -> None:
    assert optional_role("agent") and optional_role("witness")
    assert not optional_role("recipient") and not optional_role("party")


def _page(lines: list[L], marks: list[Mark] | None = None, seals: list[Mark] | None = None) -> PageAnalysis:
    text = PageText(page=1, width=595, height=842, source="ocr", lines=layout(lines))
    return PageAnalysis(text=text, signatures=marks or [], seals=seals or [])


def _ink_after(page: PageAnalysis, label: str) -> Mark:
    lab = next(lb for lb in find_labels(page.text.lines) if lb.text.strip() == label)
    row = page.text.lines[lab.line]
    return Mark(kind="signature", bbox=(lab.x1 + 6, row.y0 - 4, lab.x1 + 60, row.y1 + 4), confidence=0.85,
                label=lab.text)


def test_foot_line_with_three_labels_gives_each_its_own_zone() -> None:
    """被检查单位（人）签字：… 检查人签字：… 记录人签字：… on one line: the party's ink answers the party."""
    lines = [L("现场检查（勘察）笔录"), L("检查情况：……"),
             L("被检查单位（人）签字："), beside("检查人签字：", 250), beside("记录人签字：", 420)]
    page = _page(lines)
    party_ink = _ink_after(page, "签字：")
    page.signatures.append(party_ink)
    zones = {z.role: z for z in sign_zones(page)}
    assert zones["party"].state == "ink"
    assert zones["officer"].state == "empty"
    assert zones["recorder"].state == "empty"


def test_receipt_zones_have_roles_and_optional_rows() -> None:
    lines = [L("送达回证"), L("受送达人（收件人）签名或盖章："), L("代收人签名或盖章及代收理由："),
             L("见证人签名："), L("送达人签名：")]
    zones = {z.role: z for z in sign_zones(_page(lines))}
    assert set(zones) == {"recipient", "agent", "witness", "server"}
    assert zones["agent"].required is False and zones["witness"].required is False
    assert zones["recipient"].required is True


def test_a_unit_stamp_answers_a_sign_or_stamp_row() -> None:
    page = _page([L("送达回证"), L("受送达人（收件人）签名或盖章：")])
    row = page.text.lines[1]
    page.seals.append(Mark(kind="seal", bbox=(row.x1 + 10, row.y0 - 40, row.x1 + 120, row.y1 + 40), confidence=0.9))
    [zone] = sign_zones(page)
    assert zone.role == "recipient" and zone.state == "stamp"


# -- the rule over whole cases ---------------------------------------------------------------------

def _standard_receipt(served_spec, agent_signed: bool, recipient_signed: bool):
    """The national table: recipient row, an (empty) 代收人 row, 见证人, 送达人."""
    r = receipt(served_spec, served_spec.date)
    r.pages[0][6:8] = [L("受送达人（收件人）签名或盖章："), beside("{date}"), L("代收人签名或盖章及代收理由："),
                       L("见证人签名：")]
    signed = ["送达人签名："]
    if recipient_signed:
        signed.append("签名或盖章：")  # read as its own label, the role from 受送达人（收件人） before it
    if agent_signed:
        signed.append("代收人签名或盖章")
    r.signed = signed
    return r


def _case_with_receipt(agent_signed: bool, recipient_signed: bool):
    specs = clean_specs()
    decision = spec(specs, "decision")
    i = next(k for k, s in enumerate(specs) if s.type == "service_receipt" and s.serves is decision)
    specs[i] = _standard_receipt(decision, agent_signed, recipient_signed)
    return build_case(specs)


def test_empty_agent_row_is_no_finding_when_the_recipient_signed() -> None:
    assert "signature.missing.service_receipt" not in codes(check(_case_with_receipt(False, True)).findings)


def test_an_agent_signing_answers_the_receipt() -> None:
    assert "signature.missing.service_receipt" not in codes(check(_case_with_receipt(True, False)).findings)


def test_nobody_signing_the_receipt_is_a_finding_naming_the_recipient_row() -> None:
    result = check(_case_with_receipt(False, False))
    # The date written in the row keeps it to review (someone filled the cell in).
    hits = [f for f in result.findings + result.review if f.code == "signature.missing.service_receipt"]
    assert len(hits) == 1
    assert "受送达人" in hits[0].message and "代收人" not in hits[0].evidence[0].text


def test_postal_service_needs_no_recipient_hand() -> None:
    specs = clean_specs()
    decision = spec(specs, "decision")
    i = next(k for k, s in enumerate(specs) if s.type == "service_receipt" and s.serves is decision)
    r = _standard_receipt(decision, False, False)
    r.values["service_method"] = "邮寄送达"
    r.pages[0] = [line if not line.text.startswith("送达方式") else L("送达方式：邮寄送达（EMS 邮件号 1234567890）")
                  for line in r.pages[0]]
    specs[i] = r
    assert "signature.missing.service_receipt" not in codes(check(build_case(specs)).findings)


def test_roles_of_real_published_labels() -> None:
    """The printed labels of bureaus' and courts' published forms (tests/data/real_texts, labelled
    by a reader who had not seen this code): most roles right, and no optional row (代收, 拒收理由,
    见证) ever read as a role whose hand is required."""
    from tests.real_texts import load_sign_labels

    labels = load_sign_labels()
    assert len(labels) >= 30
    right = sum(label_role(lab.label) == lab.role for lab in labels)
    assert right / len(labels) >= 0.8, right
    required_roles = {"party", "recipient", "leader"}
    wrongly_required = [lab.label for lab in labels
                        if lab.required is not True and label_role(lab.label) in required_roles]
    assert not wrongly_required


def test_stacked_label_cell_takes_the_role_above() -> None:
    """受送达人 / 签名或盖章 printed on two lines of one label cell: the zone is the recipient's."""
    lines = [L("送达回证"), L("受送达人"), L("签名或盖章"), L("送达人：")]
    zones = {z.role: z for z in sign_zones(_page(lines))}
    assert zones["recipient"].label == "受送达人签名或盖章"


def _opinion_columns(signed: tuple[bool, bool, bool]) -> PageAnalysis:
    """承办人意见 | 审核意见 | 审批意见 as column headers, centred; in each cell an opinion and a bare
    签名： at the cell's left, with ink beside it where `signed` says."""
    lines = [L("立案审批表"), L("承办人意见", x=121), beside("审核意见", 276), beside("审批意见", 427),
             L("建议立案调查。", x=77), beside("同意承办人意见。", 227), beside("同意立案。", 378),
             L("签名：", x=78), beside("签名：", 228), beside("签名：", 379)]
    page = _page(lines)
    for line, ink in zip([ln for ln in page.text.lines if ln.text == "签名："], signed, strict=True):
        if ink:
            page.signatures.append(Mark(kind="signature", bbox=(line.x1 + 4, line.y0 - 4, line.x1 + 60, line.y1 + 20),
                                        confidence=0.85, label="签名："))
    return page


def test_opinion_columns_give_each_bare_sign_label_its_column_header() -> None:
    """The header is centred over its column, the 签名： and its ink sit at the cell's left: by the
    header's stretch of the row the ink of one column went to the header on its left, and the
    last column (the leader's 审批意见) was called unsigned on every approval form of this layout."""
    zones = {z.role: z for z in sign_zones(_opinion_columns((True, True, True)))}
    assert {role: z.state for role, z in zones.items()} == {"handler": "ink", "reviewer": "ink", "leader": "ink"}
    assert zones["leader"].label == "审批意见签名："


def test_opinion_columns_without_the_leaders_hand() -> None:
    zones = {z.role: z for z in sign_zones(_opinion_columns((True, True, False)))}
    assert {role: z.state for role, z in zones.items()} == {"handler": "ink", "reviewer": "ink", "leader": "empty"}


def test_a_record_without_any_party_zone_goes_to_review() -> None:
    """Signed in the margin under 以上笔录已阅: no printed zone to judge, so a person looks."""
    specs = clean_specs()
    record = spec(specs, "inspection_record")
    record.pages[0] = [line for line in record.pages[0] if not line.text.startswith("被检查人签名")]
    record.signed = [label for label in record.signed if not label.startswith("被检查人")]
    result = check(build_case(specs))
    assert "signature.missing.inspection_record" not in codes(result.findings)
    assert "signature.missing.inspection_record" in codes(result.review)
