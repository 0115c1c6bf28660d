"""What a reader sees of the rules is Chinese: each rule's title, its legal basis as official
citations (《中华人民共和国行政处罚法》第五十四条), each finding code's title; `casecheck rules`
prints them one block per rule, /api/meta gives the page the codes' titles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checkers import RULES
from checkers.base import CODE_TITLES, Hit, code_title, code_titles, concrete_codes, rule
from samples.defects import ALL_CODES
from service.cli import main

ROOT = Path(__file__).resolve().parents[1]

# The laws the rules cite, with the number of articles each has (an article beyond it is a typo).
LAWS = {
    "《中华人民共和国行政处罚法》": 86,  # 2021 revision
    "《中华人民共和国民事诉讼法》": 306,  # 2023 amendment
    "《生态环境行政处罚办法》（生态环境部令第30号）": 92,
    "《环境行政处罚办法》（环境保护部令第8号）": 82,  # 2010, the arrangement archives still follow
}
STANDARD = "《党政机关公文格式》（GB/T 9704-2012）"
NUMERAL = "[一二三四五六七八九十百零]+"
CITATION = re.compile(rf"^(?P<law>《[^《》]+》(?:（[^（）]+）)?)第(?P<article>{NUMERAL})条"
                      rf"(?:第{NUMERAL}款)?(?:第{NUMERAL}项)?$")
CLAUSE = re.compile(r"^(?P<law>《[^《》]+》（GB/T \d+-\d{4}）)(?P<clause>\d+(?:\.\d+)+)$")
ASCII_LETTER = re.compile(r"[A-Za-z]")


def cn_number(text: str) -> int:
    """一 .. 三百零六 -> 1 .. 306 (the numerals articles are written in)."""
    digits = dict(zip("零一二三四五六七八九", range(10), strict=True))
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        else:
            unit = {"十": 10, "百": 100}[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def test_cn_number_reads_article_numbers() -> None:
    assert [cn_number(t) for t in ("一", "十", "十五", "二十八", "五十四", "一百零六", "三百")] == \
        [1, 10, 15, 28, 54, 106, 300]


def test_every_rule_has_a_chinese_title_and_a_basis() -> None:
    assert len(RULES) == 19
    for r in RULES:
        assert r.title and r.basis, r.name
        assert re.fullmatch(r"[\u4e00-\u9fff（）、]+", r.title), (r.name, r.title)
    assert len({r.title for r in RULES}) == len(RULES)  # two rules, two names


def test_every_basis_item_is_an_official_citation_of_a_known_law() -> None:
    cited = 0
    for r in RULES:
        for item in r.basis:
            if (m := CITATION.match(item)) is not None:
                assert m["law"] in LAWS, (r.name, item)
                assert 1 <= cn_number(m["article"]) <= LAWS[m["law"]], (r.name, item)
            else:
                m = CLAUSE.match(item)
                assert m is not None and m["law"] == STANDARD, (r.name, item)
            cited += 1
        assert len(set(r.basis)) == len(r.basis), r.name
    assert cited >= len(RULES)


def test_no_ascii_letters_in_titles_or_bases() -> None:
    for r in RULES:
        assert not ASCII_LETTER.search(r.title), r.title
        for item in r.basis:
            # The standard's own designation (GB/T) is the one place Latin letters belong.
            assert not ASCII_LETTER.search(item.replace("GB/T", "")), item
    for title in code_titles().values():
        assert not ASCII_LETTER.search(title), title


def test_known_rules_cite_the_articles_the_domain_gives() -> None:
    basis = {r.name: r.basis for r in RULES}
    assert "《中华人民共和国行政处罚法》第五十四条第二款" in basis["required_documents"]  # 立案
    assert "《中华人民共和国民事诉讼法》第八十七条" in basis["service_receipts"]  # 送达回证
    assert "《中华人民共和国行政处罚法》第四十二条第一款" in basis["officers"]  # 不得少于两人
    assert "《中华人民共和国行政处罚法》第五十九条第二款" in basis["seals"]  # 决定书必须盖章
    assert "《中华人民共和国行政处罚法》第六十条" in basis["case_overdue"]  # 九十日
    assert "《党政机关公文格式》（GB/T 9704-2012）7.2.5" in basis["number_malformed"]  # 发文字号


def test_the_decorator_refuses_a_rule_without_title_or_basis() -> None:
    before = len(RULES)

    def check(view):
        """A rule for the test."""
        return iter(())

    with pytest.raises(TypeError):
        rule("pages.numbering", title="", basis=("《中华人民共和国行政处罚法》第四十七条",))(check)
    with pytest.raises(TypeError):
        rule("pages.numbering", title="卷内页码不连续", basis=())(check)
    with pytest.raises(TypeError):
        rule("pages.numbering")(check)  # type: ignore[call-arg]
    assert len(RULES) == before


def test_every_code_a_rule_emits_has_a_chinese_title() -> None:
    titles = code_titles()
    for code in ALL_CODES:
        assert titles[code] == code_title(code) != code, code
        assert re.search(r"[\u4e00-\u9fff]", titles[code]), code
    for r in RULES:
        for declared in r.codes:
            assert declared in titles and all(c in titles for c in concrete_codes(declared))
    concrete = {c: t for c, t in titles.items() if "<type>" not in c}
    assert len(set(concrete.values())) == len(concrete)  # no two codes read alike
    assert set(CODE_TITLES) <= set(titles)


def test_code_titles_name_the_document_type() -> None:
    assert code_title("number.malformed.decision") == "行政处罚决定书文号格式不规范"
    assert code_title("missing.service_receipt.notice") == "缺少行政处罚事先告知书的送达回证"
    assert code_title("missing.decision") == "卷内缺少行政处罚决定书"
    assert code_title("number.malformed.<type>") == "文号格式不规范"
    assert code_title("officers.insufficient") == "执法人员少于两人"
    # A code no rule declares is shown as it is, not given a made-up name.
    assert code_title("party.inconsistent") == "party.inconsistent"
    assert code_title("missing.no_such_type") == "missing.no_such_type"


def test_a_hit_code_is_among_the_titled_codes() -> None:
    # What run_rules receives from a rule carries a code the title map knows.
    hit = Hit(code="seal.missing.decision", message="", suggestion="")
    assert code_titles()[hit.code] == "行政处罚决定书未加盖印章"


# -- casecheck rules ----------------------------------------------------------------------------

CODE_TOKEN = re.compile(r"\b[a-z_]+(?:\.(?:[a-z_]+|<type>))+")


def test_rules_prints_one_chinese_block_per_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    blocks = out.split("\n规则：")[1:]
    assert [b.splitlines()[0] for b in blocks] == [r.title for r in RULES]
    for header in ("问题代码", "问题名称", "自查单栏目", "问题类型", "法律依据"):
        assert out.count(header) == len(RULES), header
    assert "《中华人民共和国行政处罚法》第五十四条第二款" in out and "art" not in out
    for line in out.splitlines():
        # Only the 问题代码 column and the standard's designation are Latin.
        rest = CODE_TOKEN.sub("", line).replace("GB/T", "")
        assert not ASCII_LETTER.search(rest), line
    assert "文号格式不规范" in out and "缺少文书的送达回证" in out


def test_rules_json_keeps_the_machine_readable_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rule_pack"] == "national"
    assert [r["name"] for r in data["rules"]] == [r.name for r in RULES]
    for entry, r in zip(data["rules"], RULES, strict=True):
        assert entry["title"] == r.title and entry["basis"] == list(r.basis) and entry["family"] == r.family
        assert entry["codes"]
        for code in entry["codes"]:
            assert code["kind"] in ("合法性", "规范性") and code["category"] and code["title"] == code_title(code["code"])


# -- the page -----------------------------------------------------------------------------------

def test_api_meta_gives_the_codes_titles(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from service.web.app import create_app
    from service.web.settings import ServeSettings

    app = create_app(ServeSettings(data_dir=tmp_path / "data", workers=1))
    client = TestClient(app, base_url="http://127.0.0.1:8000")  # no lifespan: no workers started
    meta = client.get("/api/meta").json()
    assert meta["codes"]["number.malformed.decision"] == "行政处罚决定书文号格式不规范"
    assert set(ALL_CODES) <= set(meta["codes"])


def test_the_page_shows_the_title_with_the_code_as_tooltip() -> None:
    script = (ROOT / "service" / "web" / "static" / "app.js").read_text(encoding="utf-8")
    assert "meta.codes[code]" in script
    assert 'text: codeTitle(finding.code), title: finding.code' in script
    assert 'text: finding.code' not in script.replace("codeTitle(finding.code)", "")
