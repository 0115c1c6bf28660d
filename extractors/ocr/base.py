"""The OCR engine interface: an engine turns a page image into upright text lines.

Engines are chosen by name through `extractors.ocr.get_engine` (configuration, not code edits).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from pydantic import BaseModel, Field

from models.case import TextLine
from models.errors import SetupError


class OcrReading(BaseModel):
    """The text of one page image, read upright.

    `rotation` is how far the given image is turned counter-clockwise from upright (0/90/180/270);
    `lines` are in pixels of the upright image, whose size is `width` x `height`, in reading order.
    """

    rotation: int = 0
    width: int
    height: int
    lines: list[TextLine] = Field(default_factory=list)


class OcrEngine(Protocol):
    """Reads a page image (RGB, uint8, H x W x 3) that may be scanned sideways or upside-down.

    An engine may also define `cache_key() -> dict`: what decides its output besides the image
    (models, language, runtime, precision); `engine_cache_key` gives a default for engines without.
    """

    name: str

    def read(self, image: np.ndarray) -> OcrReading: ...


def engine_cache_key(engine: OcrEngine) -> dict[str, Any]:
    """What decides `engine`'s output besides the image, as plain JSON values.

    The engine's own `cache_key()` when it has one; otherwise its name and class and every public
    attribute that is plain data: numbers, strings, settings dataclasses and pydantic models, and
    model files (by name and size). Thread counts are left out (they change speed, not text);
    loaded sessions, pools and other live objects are left out (their files stand for them).
    """
    custom = getattr(engine, "cache_key", None)
    if callable(custom):
        return dict(custom())
    key: dict[str, Any] = {"engine": engine.name, "class": f"{type(engine).__module__}.{type(engine).__qualname__}"}
    for name, value in sorted(vars(engine).items()):
        if name.startswith("_") or "thread" in name:
            continue
        described = _plain(value)
        if described is not None:
            key[name] = described
    return key


@functools.lru_cache(maxsize=32)
def _digest_of(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.blake2b(digest_size=8)
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """A short content digest of a model file: two files of one name and size (a model with its
    weights rounded, say) must not share cached readings. Hashed once per process per file."""
    stat = path.stat()
    return _digest_of(path.resolve(), stat.st_size, stat.st_mtime_ns)


def _plain(value: object) -> Any:
    """`value` as JSON data for a cache key, or None when it is a live object with no plain form."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Path):
        return {"file": value.name, "bytes": value.stat().st_size, "digest": file_digest(value)} \
            if value.is_file() else str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if "thread" not in f.name}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_plain(v) for v in items]
    return None


def upright(image: np.ndarray, rotation: int) -> np.ndarray:
    """The image turned back to upright, given it is turned `rotation` degrees counter-clockwise."""
    # np.rot90 turns counter-clockwise; undo a CCW turn of r with a CW turn of r.
    return np.ascontiguousarray(np.rot90(image, k=-(rotation // 90) % 4))


class OcrUnavailable(SetupError, RuntimeError):
    """An OCR engine cannot be used here (package, binary, language data or model files missing).

    The message is one line saying what is missing, so a CLI can show it as is.
    """
