"""Schemas of who writes (writers.yaml), for which unit (units.yaml), about what (topics.yaml),
with which sentences (bank/) and what they must not say (hygiene.yaml)."""

from __future__ import annotations

import re
from enum import Enum

from pydantic import Field, field_validator, model_validator

from assistant.core.schemas import Regex, Schema

# --- writers -----------------------------------------------------------------------------


class WriterKind(str, Enum):
    """Who speaks in the material: the role the user picks, resolved by the meeting."""

    BANZI = "班子"  # a leadership group at its 民主生活会
    MEMBER = "班子成员"  # one member of it, writing their personal material
    PARTY_MEMBER = "党员"  # a party member at a 组织生活会
    BRANCH = "支部委员会"  # a branch committee's own material at a 组织生活会

    @property
    def collective(self) -> bool:
        return self in (WriterKind.BANZI, WriterKind.BRANCH)


ALL_WRITERS = tuple(WriterKind)


class Power(str, Enum):
    LEAD = "领导"
    OVERSEE = "分管"
    SUPERVISE = "督办"
    APPOINT = "选拔任用"
    OFFICE = "科室"
    BRANCH = "支部"


class PostRule(Schema):
    match: str
    powers: tuple[Power, ...]
    rank: str
    scope: str


class Voice(Schema):
    主体: str
    我们: str
    范围: str
    集体: str


class RoleKinds(Schema):
    democratic: WriterKind
    branch: WriterKind


class Powers(Schema):
    班子: tuple[Power, ...]
    支部委员会: tuple[Power, ...]
    党员: tuple[Power, ...]
    posts: tuple[PostRule, ...]
    default: dict[str, str]


class Writers(Schema):
    version: int
    kinds: dict[str, RoleKinds]
    voice: dict[WriterKind, Voice]
    powers: Powers
    needs: dict[Power, tuple[str, ...]]
    topic_priors: dict[WriterKind, dict[str, float]] = {}

    @model_validator(mode="after")
    def _complete(self) -> "Writers":
        missing = set(WriterKind) - set(self.voice)
        if missing:
            raise ValueError(f"writers.yaml: no voice for {sorted(m.value for m in missing)}")
        for rule in self.powers.posts:
            re.compile(rule.match)
        return self


# --- units -------------------------------------------------------------------------------


class UnitType(Schema):
    id: str
    match: tuple[Regex, ...]
    party_org: str
    vocabulary: tuple[str, ...] = ()


class OrgRule(Schema):
    match: str
    org: str


class StaffTerms(Schema):
    """What a kind of unit calls its people: a school's are 教职工 and 党员教师, not the
    机关's 干部职工 and 党员干部."""

    match: Regex = Field(description="searched in the unit's name")
    terms: dict[str, str]


class Units(Schema):
    version: int
    default: str
    types: tuple[UnitType, ...]
    party_org_words: tuple[str, ...]
    party_orgs: tuple[OrgRule, ...] = ()
    self_names: tuple[tuple[str, str], ...] = ()
    staff_terms: tuple[StaffTerms, ...] = ()

    @model_validator(mode="after")
    def _default_known(self) -> "Units":
        if self.default not in {t.id for t in self.types}:
            raise ValueError(f"units.yaml: default {self.default!r} is not a type")
        return self

    def ids(self) -> set[str]:
        return {t.id for t in self.types}


# --- topics ------------------------------------------------------------------------------


class Topic(Schema):
    id: str
    name: str
    descriptor: str
    keywords: tuple[str, ...]


class Topics(Schema):
    version: int
    topics: tuple[Topic, ...]

    @model_validator(mode="after")
    def _unique(self) -> "Topics":
        ids = [t.id for t in self.topics]
        if len(ids) != len(set(ids)):
            raise ValueError("topics.yaml: duplicate topic id")
        return self

    def ids(self) -> list[str]:
        return [t.id for t in self.topics]

    def get(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)


# --- hygiene -----------------------------------------------------------------------------


class NamedPattern(Schema):
    name: str
    pattern: Regex


class Hygiene(Schema):
    version: int
    concrete: tuple[NamedPattern, ...]
    named_numbers: tuple[str, ...]
    misconduct: tuple[str, ...]
    prevent: tuple[str, ...]
    blame_system: tuple[str, ...]
    others_subject: str
    formulas: tuple[str, ...]


# --- the phrase bank ---------------------------------------------------------------------


class Tagged(Schema):
    """Who, where and when an entry may be used. Empty `units` and no `years` mean any."""

    id: str
    writers: tuple[WriterKind, ...] = ALL_WRITERS
    units: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    needs: tuple[Power, ...] = ()

    def fits_year(self, year: int | None) -> bool:
        return self.years is None or year is None or self.years[0] <= year <= self.years[1]


class ProblemEntry(Tagged):
    judgement: str = Field(description="one sentence that names the shortcoming, ending in 。")
    detail: str = Field("", description="a general manifestation: no number, event or confession")
    about: tuple[str, ...] = Field(description="words a fact this judgement fits would use")
    lacks: tuple[str, ...] = Field((), description="what the judgement says is missing or wrong")
    hint: str = Field(description="what kind of case the writer should give, for 【待补充】")
    cases: tuple[str, ...] = Field((), description="facts this judgement fits, as writers give them: "
                                   "matched against the user's facts, never written into a draft")

    @field_validator("judgement")
    @classmethod
    def _one_sentence(cls, v: str) -> str:
        if not v.endswith("。") or v.count("。") != 1:
            raise ValueError(f"a judgement is one sentence ending in 。: {v!r}")
        return v


class Remedy(Tagged):
    """A commitment that answers one problem fact, written into the measure for its cause."""

    about: tuple[str, ...]
    cases: tuple[str, ...] = Field((), description="facts this commitment answers, as writers give them: "
                                   "matched against the user's facts, never written into a draft")
    horizon: str = Field(description="short | medium | annual | ongoing: when it can be done")
    text: str = Field(description="uses {fact} and {by}; one or two clauses, ends with 。")

    @field_validator("horizon")
    @classmethod
    def _horizon(cls, v: str) -> str:
        if v not in ("short", "medium", "annual", "ongoing"):
            raise ValueError(f"unknown horizon {v!r}")
        return v


class TopicBank(Schema):
    topic: str
    problems: tuple[ProblemEntry, ...]
    remedies: tuple[Remedy, ...] = ()


class Root(Schema):
    id: str
    name: str
    explains: tuple[str, ...] = Field(description="topics whose problems this root of thinking explains")


class CauseEntry(Tagged):
    root: str
    title: str
    detail: str


class MeasureEntry(Tagged):
    root: str
    title: str
    detail: str


class CauseBank(Schema):
    roots: tuple[Root, ...]
    causes: tuple[CauseEntry, ...]
    measures: tuple[MeasureEntry, ...]


class Bank(Schema):
    topics: dict[str, TopicBank]
    roots: tuple[Root, ...]
    causes: tuple[CauseEntry, ...]
    measures: tuple[MeasureEntry, ...]

    def root(self, root_id: str) -> Root:
        return next(r for r in self.roots if r.id == root_id)

    def entries(self):
        """Every entry with the kind of text it is: problem, remedy, cause, measure."""
        for tb in self.topics.values():
            for p in tb.problems:
                yield "problem", p
            for r in tb.remedies:
                yield "remedy", r
        for c in self.causes:
            yield "cause", c
        for m in self.measures:
            yield "measure", m


def _check_bank(bank: Bank, topics: Topics, units: Units) -> None:
    known_topics = set(topics.ids())
    known_units = units.ids()
    ids: set[str] = set()
    for name, tb in bank.topics.items():
        if tb.topic != name or name not in known_topics:
            raise ValueError(f"bank/{name}.yaml: topic {tb.topic!r} is not in topics.yaml")
    root_ids = {r.id for r in bank.roots}
    for r in bank.roots:
        unknown = set(r.explains) - known_topics
        if unknown:
            raise ValueError(f"bank/causes.yaml: root {r.id} explains unknown topics {sorted(unknown)}")
    for kind, e in bank.entries():
        if e.id in ids:
            raise ValueError(f"phrase bank: duplicate id {e.id}")
        ids.add(e.id)
        bad = set(e.units) - known_units
        if bad:
            raise ValueError(f"phrase bank: {e.id} names unknown unit types {sorted(bad)}")
        if kind in ("cause", "measure") and e.root not in root_ids:
            raise ValueError(f"phrase bank: {e.id} has unknown root {e.root!r}")
