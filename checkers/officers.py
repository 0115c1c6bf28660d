"""Officers: every inspection and inquiry record is made by at least two enforcement officers."""

from __future__ import annotations

from collections.abc import Iterator

from checkers.base import Hit, level_if, rule
from checkers.context import CaseView
from lexicon.text import squeeze


@rule("officers.insufficient", title="执法人员少于两人",
      basis=(
          "《中华人民共和国行政处罚法》第四十二条第一款",
          "《中华人民共和国行政处罚法》第五十五条第一款",
      ))
def officers(view: CaseView) -> Iterator[Hit]:
    """Fewer than two enforcement officers on an inspection or inquiry record.

    行政处罚法 art42: 行政处罚应当由具有行政执法资格的执法人员实施。执法人员不得少于两人，法律另有
    规定的除外; art55 (出示执法证件); 办法2010 art28. A veto item in every 评查 table.
    """
    for doc in view.docs("inspection_record", "inquiry_record"):
        names = {squeeze(v.value) for v in doc.fields.lists.get("officers", [])}
        ids = {squeeze(v.value) for v in doc.fields.lists.get("officer_ids", [])}
        if len(names) >= 2 or len(ids) >= 2:
            continue
        if not names:
            continue  # not read (fields.unreadable says so): unknown is not wrong
        # 一人询问，一人记录: a recorder with an 执法证号 is the second officer (DOMAIN §5: two
        # distinct officer names with 执法证号; 记录人 may be one of them); one without is not.
        recorders = {squeeze(v.value) for v in doc.fields.lists.get("recorders", [])} - names
        recorder_ids = {squeeze(v.value) for v in doc.fields.lists.get("recorder_ids", [])} - ids
        if recorders and recorder_ids:
            continue
        first = doc.fields.lists["officers"][0]
        # Two names OCR ran together (张三李四) read as one long name: a question, not a finding.
        merged = len(squeeze(first.value)) >= 4
        low = first.confidence < 0.85 or merged
        yield Hit(
            code="officers.insufficient",
            message=f"{view.name(doc)}仅载明执法人员{'、'.join(sorted(names))}一人",
            suggestion="调查取证应由两名以上执法人员进行，笔录应载明执法人员姓名及执法证号并由其签名",
            evidence=[view.value_evidence(first)],
            level=level_if(not low),
        )
