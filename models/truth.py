"""Ground truth of a generated case file, shaped like the report so one scorer compares both."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from models.report import BBox, CaseFields, DocumentRecord, DocumentType

TRUTH_SCHEMA = "casecheck.truth/1"


class Mark(BaseModel):
    """Ink on a page: a signature, handwriting, a seal, a bank stamp or an archive page number.

    Boxes are in PDF points of the upright page (before any sideways/upside-down scan turn).
    """

    kind: str
    bbox: BBox
    role: str = ""
    text: str = ""


class PageTruth(BaseModel):
    page: int = Field(ge=1)
    type: DocumentType
    document: int  # index into `documents`
    archive_number: int | None  # the stamped 卷内页码; None on cover, toc, 备考表 and blank backs
    blank: bool = False
    born_digital: bool = False
    rotation: int = 0  # the scan is the upright page turned counter-clockwise by this many degrees
    dpi: int | None = None
    skew_deg: float = 0.0
    grayscale: bool = False
    title_bbox: BBox | None = None  # upright-page points, on a document's first page
    number_bbox: BBox | None = None
    marks: list[Mark] = Field(default_factory=list)


class Truth(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    schema_: str = Field(default=TRUTH_SCHEMA, alias="schema")
    file: str
    sha256: str
    pages: int
    page_types: list[DocumentType]
    documents: list[DocumentRecord]
    case: CaseFields
    defects: list[str]  # the finding codes this file carries; [] for a clean file
    born_digital: bool
    seed: int
    page_info: list[PageTruth]

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)
