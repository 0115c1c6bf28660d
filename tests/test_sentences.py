"""Sentence meaning: a right announced, a waiver and an actual claim are told apart.

The hand-written cases below are the shapes real decisions print; the real published sentences
(tests/data/real_texts, collected and labelled by someone who had not read this code) are scored
in `test_real_sentences`.
"""

from __future__ import annotations

import pytest

from lexicon.sentences import classify, first_of, key_phrase

CASES = [
    ("告知你公司有权进行陈述和申辩。", "right_announced"),
    ("你单位对我局拟作出的行政处罚有陈述、申辩的权利。", "right_announced"),
    ("你单位可在收到本告知书之日起五个工作日内向我局提出听证申请，逾期未提出的，视为放弃听证权利。", "right_announced"),
    ("你公司在规定期限内未进行陈述申辩也未申请听证。", "waived"),
    ("当事人在法定期限内既未提出陈述申辩，也未申请听证。", "waived"),
    ("当事人书面声明放弃陈述申辩和听证的权利。", "waived"),
    ("当事人于2024年5月15日提出陈述申辩，称其已整改。", "statement_claimed"),
    ("你单位提交了书面陈述申辩材料。", "statement_claimed"),
    ("当事人陈述申辩称其不知情。", "statement_claimed"),
    ("你单位申请听证，我局于2024年5月20日依法举行了听证。", "hearing_held"),
    ("责令你单位立即改正违法行为。", "correction_ordered"),
    ("如不服本决定，可在收到本决定书之日起六十日内申请行政复议。", "period_stated"),
]


@pytest.mark.parametrize(("sentence", "cls"), CASES)
def test_classes(sentence: str, cls: str) -> None:
    assert cls in classify(sentence)


def test_an_announced_right_followed_by_a_waiver_claims_no_statement() -> None:
    """The reading that produced false missing.statement_record findings on real files."""
    text = "告知你公司有权进行陈述和申辩。你公司在规定期限内未进行陈述申辩也未申请听证。"
    assert first_of(text, "statement_claimed") is None
    assert first_of(text, "hearing_held") is None
    assert first_of(text, "waived") is not None


def test_a_claim_is_found_and_its_words_given_as_evidence() -> None:
    text = "我局于2024年5月10日告知你单位拟作出的处罚，你单位在规定期限内提出了陈述、申辩意见，经复核，我局不予采纳。"
    sentence = first_of(text, "statement_claimed")
    assert sentence is not None
    assert key_phrase(sentence, "statement_claimed").startswith("提出了陈述")


def test_announcement_and_claim_words_alone_are_not_a_claim() -> None:
    for s in ("你单位可在规定期限内提出陈述申辩。", "如要求听证，应在收到本告知书后五日内提出。"):
        got = classify(s)
        assert "statement_claimed" not in got and "hearing_requested" not in got, (s, got)
