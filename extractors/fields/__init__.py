"""Field extraction from the text of case-file documents: 文号, dates, party, officers, service
details, and the case-level fields built from them. Pure string work over read lines."""

from extractors.fields.case import case_fields
from extractors.fields.dates import find_dates, parse_date
from extractors.fields.documents import extract_fields
from extractors.fields.numbers import NumberParts, find_numbers, normalize_number, parse_number

__all__ = [
    "NumberParts",
    "case_fields",
    "extract_fields",
    "find_dates",
    "find_numbers",
    "normalize_number",
    "parse_date",
    "parse_number",
]
