"""The order of a case file's content documents, shared by both family sets."""

from __future__ import annotations

from samples.families.canvas import Rendered


def in_archive_order(order: str, correction_with_notice: bool, receipts: dict[str, Rendered | None],
                     missing: set[str], *, investigation: list[Rendered | None], correction: Rendered,
                     notice: Rendered, before_notice: list[Rendered | None], after_notice: list[Rendered | None],
                     decision: Rendered, closing: list[Rendered | None]) -> list[Rendered]:
    """The content documents in the file's archive order (chronological, or the 决定书 and its
    回证 first, as 办法2010 art69 binds it), each receipt after what it serves; the 责改 with the
    investigation unless served with the notice; missing types left out."""
    def served(doc: Rendered, key: str) -> list[Rendered | None]:
        return [doc, receipts.get(key)]

    investigation_part = list(investigation)
    if correction_with_notice:
        notice_part = [correction, *served(notice, "notice")]
    else:
        investigation_part += served(correction, "correction_order")
        notice_part = served(notice, "notice")
    middle = [*before_notice, *notice_part, *after_notice]
    if order == "law2010":
        docs = [*served(decision, "decision"), *investigation_part, *middle, *closing]
    else:
        docs = [*investigation_part, *middle, *served(decision, "decision"), *closing]
    return [d for d in docs if d is not None and d.type not in missing]
