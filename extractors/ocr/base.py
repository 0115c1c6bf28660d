"""The OCR engine interface: an engine turns a page image into upright text lines.

Engines are chosen by name through `extractors.ocr.get_engine` (configuration, not code edits).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from pydantic import BaseModel, Field

from models.case import TextLine


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
    """Reads a page image (RGB, uint8, H x W x 3) that may be scanned sideways or upside-down."""

    name: str

    def read(self, image: np.ndarray) -> OcrReading: ...


def upright(image: np.ndarray, rotation: int) -> np.ndarray:
    """The image turned back to upright, given it is turned `rotation` degrees counter-clockwise."""
    # np.rot90 turns counter-clockwise; undo a CCW turn of r with a CW turn of r.
    return np.ascontiguousarray(np.rot90(image, k=-(rotation // 90) % 4))


class OcrUnavailable(RuntimeError):
    """An OCR engine cannot be used here (package, binary, language data or model files missing).

    The message is one line saying what is missing, so a CLI can show it as is.
    """
