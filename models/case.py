"""The typed case model every stage shares: what was read on each page, the documents, the case.

Coordinates: every box here is in PDF points of the *upright* page, the page as a reader holds it
after a sideways or upside-down scan has been turned right. `PageText.to_page_bbox` maps a box
back to the page as the PDF displays it, which is what report evidence and annotations use.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.report import BBox, CaseFields, DocumentType

TextSource = Literal["text_layer", "ocr", "empty"]


class TextLine(BaseModel):
    """One line of text and where it sits; confidence 1.0 for a real text layer."""

    model_config = ConfigDict(frozen=True)

    text: str
    bbox: BBox
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def y0(self) -> float:
        return self.bbox[1]

    @property
    def x1(self) -> float:
        return self.bbox[2]

    @property
    def y1(self) -> float:
        return self.bbox[3]

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]

    @property
    def center(self) -> tuple[float, float]:
        return (self.bbox[0] + self.bbox[2]) / 2, (self.bbox[1] + self.bbox[3]) / 2


class PageText(BaseModel):
    """What was read on one page, in reading order (top to bottom, left to right)."""

    page: int = Field(ge=1)  # 1-based
    width: float  # upright page size in points
    height: float
    # The scan is the upright page turned counter-clockwise by this many degrees (0/90/180/270);
    # the reader turned it back before reading. Same convention as the generator's truth.
    rotation: int = 0
    source: TextSource
    lines: list[TextLine] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def to_page_bbox(self, bbox: BBox) -> BBox:
        """An upright-page box as a box on the page as the PDF displays it."""
        x0, y0, x1, y1 = bbox
        w, h = self.width, self.height
        if self.rotation == 90:  # upright top is on the displayed page's left side
            return (y0, w - x1, y1, w - x0)
        if self.rotation == 180:
            return (w - x1, h - y1, w - x0, h - y0)
        if self.rotation == 270:
            return (h - y1, x0, h - y0, x1)
        return bbox


MarkKind = Literal["seal", "signature"]


class Mark(BaseModel):
    """Ink found by image analysis: a red (or grey) round stamp, or handwriting in a signing zone."""

    model_config = ConfigDict(frozen=True)

    kind: MarkKind
    bbox: BBox  # upright-page points
    confidence: float = Field(ge=0.0, le=1.0)
    label: str | None = None  # for a signature, the printed label it answers (签名, 签收人, …)


SignRole = Literal["party", "recipient", "agent", "witness", "server", "officer", "recorder", "leader",
                   "reviewer", "handler", "other", "unknown"]
# ink: handwriting seen; stamp: a personal name stamp (人名章) or seal in the zone; empty: looked at,
# nothing there; unknown: the zone could not be judged (no image to look at).
ZoneState = Literal["ink", "stamp", "empty", "unknown"]


class SignZone(BaseModel):
    """A place on a page where someone is asked to sign, whose it is, and what was found there.

    The reader records every signing label it finds; the rules judge requirements by role from
    these, never by re-reading the page's labels.
    """

    model_config = ConfigDict(frozen=True)

    page: int = Field(ge=1)
    label: str  # the printed label (签名或盖章, 被检查人：, 负责人意见)
    label_bbox: BBox  # the label's line, upright-page points
    role: SignRole
    state: ZoneState
    mark_bbox: BBox | None = None  # the signature or stamp answering the label
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)  # of the state
    dated: bool = False  # a date is written in the zone's row (someone filled the cell in)
    required: bool = True  # False for rows filled only when something happened (代收人, 见证人)


class PageAnalysis(BaseModel):
    """One page after reading, mark finding and classification."""

    text: PageText
    type: DocumentType = "other"
    type_confidence: float = 0.0
    title: str | None = None  # the document title printed on this page, if it starts one
    title_bbox: BBox | None = None
    archive_number: int | None = None  # the stamped or printed 卷内页码, when one was read
    archive_number_bbox: BBox | None = None
    blank: bool = False
    ocr: bool = False  # the page went through the OCR engine
    # A scan without colour: a seal there is grey like the print, so what it covers may be lost.
    # None where there is no scan (a text-layer or empty page).
    grayscale: bool | None = None
    seals: list[Mark] = Field(default_factory=list)
    signatures: list[Mark] = Field(default_factory=list)
    sign_zones: list[SignZone] = Field(default_factory=list)

    @property
    def page(self) -> int:
        return self.text.page


class FieldValue(BaseModel):
    """A value read from the file, with where it was read and how sure the reading is."""

    model_config = ConfigDict(frozen=True)

    value: str  # normalised: ISO date, canonical 文号, a name…
    page: int = Field(ge=1)
    bbox: BBox | None = None  # upright-page points
    raw: str = ""  # the text as read
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)


class DocumentFields(BaseModel):
    """The fields of one document that the checkers and the self-check sheet need."""

    number: FieldValue | None = None  # the document's own 文号
    date: FieldValue | None = None  # the document's date (issue, record or service date)
    # Named values: party, cause, penalty, case_number, filing_date, recipient, service_method,
    # served_title, served_number, served_type, officers (one FieldValue per officer),
    # officer_ids (执法证号)…
    values: dict[str, FieldValue] = Field(default_factory=dict)
    lists: dict[str, list[FieldValue]] = Field(default_factory=dict)
    # What the document should carry but could not be read (field name -> why).
    unreadable: dict[str, str] = Field(default_factory=dict)


class Document(BaseModel):
    """One document of the case file: a span of pages, its type, title and fields."""

    type: DocumentType
    title: str | None = None
    title_bbox: BBox | None = None
    first: int = Field(ge=1)  # 1-based inclusive page span
    last: int = Field(ge=1)
    fields: DocumentFields = Field(default_factory=DocumentFields)
    seals: list[tuple[int, Mark]] = Field(default_factory=list)  # (page, mark)
    signatures: list[tuple[int, Mark]] = Field(default_factory=list)
    signed: bool | None = None
    sealed: bool | None = None

    @property
    def pages(self) -> tuple[int, int]:
        return (self.first, self.last)


class CaseFile(BaseModel):
    """A whole case file as read: the model the checkers run over and the report is made from."""

    file: str
    sha256: str
    pages: list[PageAnalysis]
    documents: list[Document]
    case: CaseFields
    ocr_pages: int = 0
    seconds: float = 0.0
