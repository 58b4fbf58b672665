"""A quality scenario: a request as a user gives it, and what a 组织部 reviewer expects of
the draft (eval/scenarios/*.yaml). Written apart from the drafter's own data: nothing in
assistant/data may be written to pass one of these."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

HERE = Path(__file__).resolve().parent


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScenarioRequest(_M):
    role: str
    unit: str = ""
    post: str = ""
    year: int | None = None
    meeting: str = "民主生活会"
    dimensions: list[str] = Field(default_factory=list)
    notice: str = ""


class ExpectedFact(_M):
    text: str
    kind: str  # problem | progress | context
    dimension: str | None = None
    also: list[str] = Field(default_factory=list)
    goes_to: str = "either"  # progress: rectification | preamble | either

    def accepts(self, dimension: str | None) -> bool:
        return dimension is not None and (dimension == self.dimension or dimension in self.also)


class Expectations(_M):
    dimensions: list[str]
    facts: list[ExpectedFact] = Field(default_factory=list)
    must_not: list[str] = Field(default_factory=list)
    must: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dimensions_known(self) -> "Expectations":
        for f in self.facts:
            for d in [f.dimension, *f.also]:
                if d is not None and d not in self.dimensions:
                    raise ValueError(f"{f.text}: {d} is not one of the expected 方面")
        return self


class Scenario(_M):
    id: str
    title: str
    request: ScenarioRequest
    last_year: str = ""
    expect: Expectations


def load(pattern: str = "*", folder: str = "scenarios") -> list[Scenario]:
    """The scenarios of a folder: `scenarios` (the suite the drafter is developed against)
    or `heldout` (written apart and never used to tune the drafter)."""
    out = []
    for path in sorted((HERE / folder).glob(f"{pattern}.yaml")):
        s = Scenario.model_validate(yaml.safe_load(path.read_text("utf-8")))
        if s.id != path.stem:
            raise ValueError(f"{path.name}: id {s.id} does not match the file name")
        out.append(s)
    return out


def lexicon() -> dict:
    return yaml.safe_load((HERE / "lexicon.yaml").read_text("utf-8"))
