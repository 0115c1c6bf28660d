"""Field extraction from the text of case-file documents: 文号, dates, party, officers, service
details, and the case-level fields built from them. Pure string work over read lines; the parsing
of 文号 and dates themselves is vocabulary (`lexicon/`)."""

from extractors.fields.case import case_fields
from extractors.fields.documents import extract_fields

__all__ = ["case_fields", "extract_fields"]
