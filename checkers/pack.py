"""Rule packs: the documents each procedure needs, the limits, and each code's row and kind.

The national pack (`packs/national.toml`) is the default. A province's standard is a TOML file
laid over it (`--rules FILE`), naming only what differs.
"""

from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser from PyPI
    import tomli as tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from models.errors import UsageError
from models.report import DOCUMENT_TYPES, Category, FindingKind

PACKS = Path(__file__).parent / "packs"
NATIONAL = PACKS / "national.toml"


class RulePackError(UsageError, ValueError):
    """A rule pack that cannot be read or does not have the expected shape."""


class Limits(BaseModel):
    case_days: int = Field(gt=0)
    extension_days: int = Field(ge=0)
    service_workdays: int = Field(gt=0)
    postal_transit_workdays: int = Field(ge=0)
    hearing_request_workdays: int = Field(gt=0)
    statement_workdays: int = Field(gt=0)
    working_day_max: int = Field(ge=0)


class Procedure(BaseModel):
    required: list[str]
    served: list[str] = Field(default_factory=list)


class Seals(BaseModel):
    required: list[str] = Field(default_factory=list)


class RulePack(BaseModel):
    name: str
    title: str = ""
    # Which confidence levels of the rules' hits are findings; the others go to review.
    finding_levels: list[Literal["sure", "likely", "doubtful"]] = Field(min_length=1)
    limits: Limits
    procedures: dict[str, Procedure]
    signatures: dict[str, list[str]] = Field(default_factory=dict)
    seals: Seals = Field(default_factory=Seals)
    codes: dict[str, tuple[Category, FindingKind]]

    def classify(self, code: str) -> tuple[Category, FindingKind]:
        """The sheet row and kind of a finding code: the full code, else its family."""
        parts = code.split(".")
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            if key in self.codes:
                return self.codes[key]
        raise KeyError(f"rule pack {self.name!r} gives no category for finding code {code!r}")

    def procedure(self, name: str | None) -> Procedure:
        return self.procedures.get(name or "一般程序") or self.procedures["一般程序"]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise RulePackError(f"{path}: rule pack not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulePackError(f"{path}: not a readable TOML rule pack ({exc})") from None


def load_pack(path: Path | str | None = None) -> RulePack:
    """The national pack, with the pack at `path` (if any) laid over it."""
    data = _read(NATIONAL)
    if path is not None:
        data = _merge(data, _read(Path(path)))
    try:
        pack = RulePack.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RulePackError(f"{path or NATIONAL}: {where}: {first['msg']}") from None
    where = path or NATIONAL
    if "一般程序" not in pack.procedures:
        raise RulePackError(f"{where}: the pack must define procedures.一般程序")
    # Every document type a pack names must be a CONTRACT type whose findings have a sheet row.
    named = [(f"procedures.{name}", t) for name, proc in pack.procedures.items() for t in proc.required + proc.served]
    named += [(f"signatures.{t}", t) for t in pack.signatures] + [("seals.required", t) for t in pack.seals.required]
    for key, doc_type in named:
        if doc_type not in DOCUMENT_TYPES:
            raise RulePackError(f"{where}: {key}: unknown document type {doc_type!r}")
    codes = [f"missing.{t}" for _, proc in pack.procedures.items() for t in proc.required]
    codes += [f"missing.service_receipt.{t}" for proc in pack.procedures.values() for t in proc.served]
    codes += [f"signature.missing.{t}" for t in pack.signatures] + [f"seal.missing.{t}" for t in pack.seals.required]
    for code in codes:
        try:
            pack.classify(code)
        except KeyError:
            raise RulePackError(f"{where}: codes: no category and kind for finding code {code!r}") from None
    for doc_type, roles in pack.signatures.items():
        unknown = set(roles) - {"party", "recipient", "leader"}
        if unknown:
            raise RulePackError(f"{where}: signatures.{doc_type}: unknown role(s) {sorted(unknown)}")
    return pack
