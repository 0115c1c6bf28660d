"""The checkers end to end over thirty generated born-digital case files (text layer, drawn
signatures and seals): a second corpus, cheap to read, that doubles the instances of every
finding code the scanned suite measures.
"""

from __future__ import annotations

import pytest

from checkers import load_pack
from samples.defects import ALL_CODES
from samples.generate import Options
from samples.score import FindingScore
from service.pipeline import build_report
from tests.conftest import generated_corpus, load_truths, read_corpus

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def score(tmp_path_factory: pytest.TempPathFactory) -> FindingScore:
    out = generated_corpus(tmp_path_factory, "digital-findings", 30, seed=77,
                           options=Options(born_digital_ratio=1.0, clean_ratio=0.2, codes_per_file=3))
    truths = load_truths(out)
    cases = read_corpus([pdf for pdf, _ in truths])
    pack = load_pack()
    result = FindingScore()
    for (_, truth), case in zip(truths, cases, strict=True):
        assert not isinstance(case, str), case
        result.add(build_report(case, pack), truth)
    print(f"\nfindings over 30 born-digital files:\n{result.table()}")
    for miss in result.misses:
        print("  ", miss)
    return result


def test_no_findings_on_clean_born_digital_files(score: FindingScore) -> None:
    assert score.clean_files >= 3
    assert not score.clean_with_findings, score.clean_with_findings


def test_born_digital_findings_by_code(score: FindingScore) -> None:
    carried = {code for code, t in score.codes.items() if t.tp + t.fn}
    assert len(carried & set(ALL_CODES)) >= 40  # the 30 files carry nearly every code
    low = {code: (t.tp, t.fp, t.fn) for code, t in score.codes.items() if t.precision < 0.9 or t.recall < 0.9}
    assert not low, low
