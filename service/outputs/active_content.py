"""What a case file may carry that an output never passes on: JavaScript and attached files.

The annotated PDF copies the original's pages, and with them their annotations: a form field's
JavaScript (/AA, /A /JavaScript), launch actions, file-attachment annotations. A reviewer opens
the annotated PDF trusting it as ours, so `strip_active_content` removes them (the pages' visible
content, form values included, is untouched).
"""

from __future__ import annotations

import logging

import pymupdf

log = logging.getLogger(__name__)

_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/ResetForm", "/Rendition",
                   "/GoToE", "/Sound", "/Movie"}


def strip_active_content(doc: pymupdf.Document) -> int:
    """Remove JavaScript, launch/submit actions and attached files from `doc`; how many removed."""
    removed = 0
    for page in doc:
        for annot in list(page.annots(types=[pymupdf.PDF_ANNOT_FILE_ATTACHMENT]) or []):
            page.delete_annot(annot)
            removed += 1
    for xref in range(1, doc.xref_length()):
        try:
            keys = set(doc.xref_get_keys(xref))
        except Exception:  # a stream or a free object: nothing to look at
            continue
        for key in ("AA", "JS", "EmbeddedFiles"):
            if key in keys:
                doc.xref_set_key(xref, key, "null")
                removed += 1
        for key in ("A", "OpenAction"):
            if key in keys and doc.xref_get_key(xref, f"{key}/S")[1] in _ACTIVE_ACTIONS:
                doc.xref_set_key(xref, key, "null")
                removed += 1
        if "Names" in keys:
            for tree in ("JavaScript", "EmbeddedFiles"):
                if doc.xref_get_key(xref, f"Names/{tree}")[0] != "null":
                    doc.xref_set_key(xref, f"Names/{tree}", "null")
                    removed += 1
    if removed:
        log.info("removed %d piece(s) of active content (JavaScript, attachments) from the annotated PDF", removed)
    return removed
