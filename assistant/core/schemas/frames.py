"""Schemas of how sentences are framed (compose.yaml), the words of each year
(year_refs.yaml) and last year's material (revise.yaml)."""

from __future__ import annotations

from pydantic import Field, model_validator

from assistant.core.schemas import Schema
from assistant.core.schemas.writing import WriterKind

# --- frames ------------------------------------------------------------------------------


class CaseFrames(Schema):
    personal: tuple[str, ...]
    collective: tuple[str, ...]


class Frames(Schema):
    version: int
    case: CaseFrames
    more_case: tuple[str, ...]
    missing_case: str
    missing_problem: str
    carried: str
    cause_tieback: tuple[str, ...]
    fallback_remedy: dict[str, str]
    deadlines: dict[str, str]
    annual_words: tuple[str, ...]
    urgent_words: tuple[str, ...] = ()
    titles: dict[WriterKind, str]
    closing: dict[WriterKind, str]
    progress_lead: str
    progress_lead_dated: str
    period_words: tuple[str, ...]
    unsure_progress: str
    openers: dict[WriterKind, tuple[str, ...]]

    @model_validator(mode="after")
    def _complete(self) -> "Frames":
        for name in ("titles", "closing", "openers"):
            missing = set(WriterKind) - set(getattr(self, name))
            if missing:
                raise ValueError(f"compose.yaml: {name} lacks {sorted(m.value for m in missing)}")
        return self


# --- year references and last year's material -------------------------------------------


class YearEntry(Schema):
    congress: str
    campaign: str


class BoundTerm(Schema):
    term: str
    from_: int = Field(alias="from")
    to: int


class YearRefs(Schema):
    """year_refs.yaml: what a meeting of each year studies, and the words bound to an era."""

    years: dict[int, YearEntry]
    bound_terms: tuple[BoundTerm, ...]


class RevisionRules(Schema):
    """revise.yaml: how last year's problems are reported and which sentences repeat them."""

    progress_words: tuple[str, ...]
    persist_words: tuple[str, ...]
    rectified: str
    partial: str
    partial_default: str
    open: str
    no_material: str
    formulas: tuple[str, ...]
    generic_words: tuple[str, ...]

    def status_text(self, status: str) -> str:
        return {"rectified": self.rectified, "partial": self.partial, "open": self.open}[status]
