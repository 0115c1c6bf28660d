"""The one text sanitiser: what may reach XML (docx, xlsx, HTML, PDF annotations), logs and terminals.

Text comes from places nobody controls: a broken ToUnicode map in a PDF's text layer yields
U+0000…U+001F, a file name may hold ESC (a terminal colour code), a newline (a forged log line)
or U+FFFE. XML 1.0 forbids U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, lone surrogates and
U+FFFE/U+FFFF outright (python-docx and openpyxl raise on them), and a terminal acts on C0/C1
controls. Two strengths:

- `xml_safe`: what an XML document may hold (tab, newline and carriage return kept, the forbidden
  characters dropped): for the outputs' text, which may be multi-line;
- `printable`: one line for a log or a terminal (every control character and line break shown as
  a visible escape, e.g. `\\x1b`, `\\n`), so a name can neither forge a line nor colour the screen.

`clean_json` applies `xml_safe` to every string of a JSON-like structure (a report's dump).
"""

from __future__ import annotations

import re
from typing import Any

# XML 1.0 (§2.2 Char) forbidden code points, plus lone surrogates (not encodable in UTF-8).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# For one line on a terminal: C0 and C1 controls, DEL, line and paragraph separators, bidi
# overrides (which reorder what a reader sees), and the XML-forbidden set.
_NOT_PRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                            "\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (tab, LF and CR are kept)."""
    return _XML_FORBIDDEN.sub("", text) if _XML_FORBIDDEN.search(text) else text


def has_forbidden(text: str) -> bool:
    return _XML_FORBIDDEN.search(text) is not None


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, limit: int | None = None) -> str:
    """`text` as one visible line: controls and line breaks escaped (`\\x1b`, `\\x0a`), optionally
    cut to `limit` characters."""
    text = _NOT_PRINTABLE.sub(_escape, str(text))
    if limit is not None and len(text) > limit:
        text = text[: max(1, limit - 1)] + "…"
    return text


def safe_file_name(name: str) -> str:
    """A name for a file we write: no control, bidi or XML-forbidden character (they would colour a
    terminal listing the folder or break a log line), never empty."""
    cleaned = _NOT_PRINTABLE.sub("", name).strip()
    return cleaned or "case"


def fit_name_bytes(stem: str, budget: int) -> str:
    """`stem` cut (at a character boundary) to at most `budget` bytes of UTF-8."""
    data = stem.encode("utf-8")
    if len(data) <= budget:
        return stem
    return data[: max(1, budget)].decode("utf-8", errors="ignore") or "case"


def clean_json(value: Any) -> Any:
    """Every string in a JSON-like structure (dicts, lists, strings, scalars) made `xml_safe`;
    keys too. Returns the same object when nothing needed cleaning."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {clean_json(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean_json(v) for v in value)
    return value
