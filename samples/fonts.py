"""Fonts from Debian's CJK packages, as single-face files MuPDF and PIL can load.

MuPDF takes the first face of a TrueType collection, which for Noto CJK is the Japanese one;
the simplified-Chinese face is extracted once into a cache folder (no network involved).
Born-digital files embed only TrueType faces, because MuPDF subsets those but not CFF fonts.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pymupdf

log = logging.getLogger(__name__)

NOTO = Path("/usr/share/fonts/opentype/noto")
ARPHIC = Path("/usr/share/fonts/truetype/arphic")
WQY = Path("/usr/share/fonts/truetype/wqy")


@dataclass(frozen=True)
class Face:
    key: str
    path: Path
    index: int  # face index inside a .ttc
    truetype: bool  # glyf outlines: MuPDF can subset it, so it may be embedded


FACES: dict[str, Face] = {
    "song": Face("song", NOTO / "NotoSerifCJK-Regular.ttc", 2, False),
    "song_bold": Face("song_bold", NOTO / "NotoSerifCJK-Bold.ttc", 2, False),
    "hei": Face("hei", NOTO / "NotoSansCJK-Regular.ttc", 2, False),
    "hei_bold": Face("hei_bold", NOTO / "NotoSansCJK-Bold.ttc", 2, False),
    "ming": Face("ming", ARPHIC / "uming.ttc", 0, True),
    "kai": Face("kai", ARPHIC / "ukai.ttc", 0, True),
    "zenhei": Face("zenhei", WQY / "wqy-zenhei.ttc", 0, True),
}

# What a printed document uses for body text and titles; born-digital files use the TrueType set.
BODY_FACES = ("song", "ming", "song", "hei", "kai")
TITLE_FACES = ("song_bold", "hei_bold", "hei", "song_bold")
EMBEDDABLE_BODY = ("ming", "kai", "zenhei")
EMBEDDABLE_TITLE = ("zenhei", "ming")


class FontMissingError(RuntimeError):
    pass


def cache_dir() -> Path:
    root = os.environ.get("CASECHECK_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "casecheck"
    )
    path = Path(root) / "fonts"
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.cache
def face_file(key: str) -> Path:
    """A file holding exactly this face, extracting it from its collection on first use."""
    face = FACES[key]
    if not face.path.exists():
        raise FontMissingError(
            f"font {face.path} is missing: run scripts/setup.sh (it installs the CJK font packages)"
        )
    if face.index == 0 and face.truetype:
        return face.path
    target = cache_dir() / f"{face.path.stem}-{face.index}.otf"
    if not target.exists():
        from fontTools.ttLib import TTCollection

        log.info("extracting face %d of %s into %s", face.index, face.path, target)
        collection = TTCollection(str(face.path))
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        os.close(fd)
        collection.fonts[face.index].save(tmp)
        os.replace(tmp, target)  # atomic, so parallel generators never see half a font
    return target


@functools.cache
def mupdf_font(key: str) -> pymupdf.Font:
    return pymupdf.Font(fontfile=str(face_file(key)))


@functools.lru_cache(maxsize=65536)
def advance(ch: str, key: str) -> float:
    """Advance width of one character at size 1 (cached: MuPDF's text_length is slow per call)."""
    return mupdf_font(key).text_length(ch, fontsize=1.0)


def text_width(text: str, size: float, key: str) -> float:
    # Advances are additive for these fonts (no kerning in CJK text), so sum cached ones.
    return size * sum(advance(ch, key) for ch in text)
