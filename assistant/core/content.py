"""The drafter's domain data (assistant/data/*.yaml) as typed, validated objects.

Every file is read through a pydantic schema with `extra="forbid"`: a misspelt key, an
unknown topic id or an unknown writer kind is an error at start-up and in the tests, never a
rule that silently does nothing.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The reviewed domain data ships inside the package (assistant/data).
DATA = Path(__file__).resolve().parents[1] / "data"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The base of every data schema, also of the files other stages read (parse, audit rules).
Schema = _Data
M = TypeVar("M", bound=BaseModel)
# Every data file read through `load`: the data test checks that none in DATA goes unread.
LOADED: set[str] = set()


def read_yaml(path: Path) -> dict:
    data = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping at the top")
    return data


def load(model: type[M], name: str) -> M:
    """DATA/<name> validated by its schema."""
    LOADED.add(name)
    return model.model_validate(read_yaml(DATA / name))


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


class PostRule(_Data):
    match: str
    powers: tuple[Power, ...]
    rank: str
    scope: str


class Voice(_Data):
    主体: str
    我们: str
    范围: str
    集体: str


class RoleKinds(_Data):
    democratic: WriterKind
    branch: WriterKind


class Powers(_Data):
    班子: tuple[Power, ...]
    支部委员会: tuple[Power, ...]
    党员: tuple[Power, ...]
    posts: tuple[PostRule, ...]
    default: dict[str, str]


class Writers(_Data):
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


class UnitType(_Data):
    id: str
    match: tuple[str, ...]
    party_org: str
    vocabulary: tuple[str, ...] = ()

    @field_validator("match")
    @classmethod
    def _regexes(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for p in v:
            re.compile(p)
        return v


class OrgRule(_Data):
    match: str
    org: str


class Units(_Data):
    version: int
    default: str
    types: tuple[UnitType, ...]
    party_org_words: tuple[str, ...]
    party_orgs: tuple[OrgRule, ...] = ()
    self_names: tuple[tuple[str, str], ...] = ()

    @model_validator(mode="after")
    def _default_known(self) -> "Units":
        if self.default not in {t.id for t in self.types}:
            raise ValueError(f"units.yaml: default {self.default!r} is not a type")
        return self

    def ids(self) -> set[str]:
        return {t.id for t in self.types}


# --- topics ------------------------------------------------------------------------------


class Topic(_Data):
    id: str
    name: str
    descriptor: str
    keywords: tuple[str, ...]


class Topics(_Data):
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


class NamedPattern(_Data):
    name: str
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _regex(cls, v: str) -> str:
        re.compile(v)
        return v


class Hygiene(_Data):
    version: int
    concrete: tuple[NamedPattern, ...]
    named_numbers: tuple[str, ...]
    misconduct: tuple[str, ...]
    prevent: tuple[str, ...]
    blame_system: tuple[str, ...]
    others_subject: str
    formulas: tuple[str, ...]


# --- the phrase bank ---------------------------------------------------------------------


class Tagged(_Data):
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

    @field_validator("judgement")
    @classmethod
    def _one_sentence(cls, v: str) -> str:
        if not v.endswith("。") or v.count("。") != 1:
            raise ValueError(f"a judgement is one sentence ending in 。: {v!r}")
        return v


class Remedy(Tagged):
    """A commitment that answers one problem fact, written into the measure for its cause."""

    about: tuple[str, ...]
    horizon: str = Field(description="short | medium | annual | ongoing: when it can be done")
    text: str = Field(description="uses {fact} and {by}; one or two clauses, ends with 。")

    @field_validator("horizon")
    @classmethod
    def _horizon(cls, v: str) -> str:
        if v not in ("short", "medium", "annual", "ongoing"):
            raise ValueError(f"unknown horizon {v!r}")
        return v


class TopicBank(_Data):
    topic: str
    problems: tuple[ProblemEntry, ...]
    remedies: tuple[Remedy, ...] = ()


class Root(_Data):
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


class CauseBank(_Data):
    roots: tuple[Root, ...]
    causes: tuple[CauseEntry, ...]
    measures: tuple[MeasureEntry, ...]


class Bank(_Data):
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


# --- loading -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def writers() -> Writers:
    return load(Writers, "writers.yaml")


@lru_cache(maxsize=1)
def units() -> Units:
    return load(Units, "units.yaml")


@lru_cache(maxsize=1)
def topics() -> Topics:
    return load(Topics, "topics.yaml")


@lru_cache(maxsize=1)
def hygiene() -> Hygiene:
    return load(Hygiene, "hygiene.yaml")


@lru_cache(maxsize=1)
def bank() -> Bank:
    folder = DATA / "bank"
    tbs = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.stem == "causes":
            continue
        tbs[path.stem] = load(TopicBank, f"bank/{path.name}")
    cb = load(CauseBank, "bank/causes.yaml")
    b = Bank(topics=tbs, roots=cb.roots, causes=cb.causes, measures=cb.measures)
    _check_bank(b, topics(), units())
    return b


# --- facts: kinds, prototypes, where each 方面 stands ------------------------------------


class FactKindName(str, Enum):
    PROBLEM = "problem"
    PROGRESS = "progress"
    CONTEXT = "context"


class Cue(_Data):
    kind: FactKindName
    weight: float
    why: str
    pattern: str
    # span: problem words inside this progress cue's match do not count; fact: none in the line
    covers: str = ""

    @field_validator("pattern")
    @classmethod
    def _regex(cls, v: str) -> str:
        re.compile(v)
        return v


class NegatedBad(_Data):
    negators: str
    between: str
    bad: str
    weight: float
    why: str


class Change(_Data):
    down: str
    up: str
    weight: float
    why_progress: str
    why_problem: str


class Shortfall(_Data):
    target: str
    done: str
    weight: float
    why: str


class CountedWork(_Data):
    pattern: str
    weight: float
    why: str


class FactRules(_Data):
    version: int
    negated_bad: NegatedBad
    bad_quantities: str
    change: Change
    shortfall: Shortfall
    counted_work: CountedWork
    cues: tuple[Cue, ...]
    topic_cues: tuple[TopicCue, ...] = ()


class FactPrototypes(_Data):
    version: int
    kinds: dict[FactKindName, tuple[str, ...]] = {}
    topics: dict[str, tuple[str, ...]]


class TopicCue(_Data):
    """Reviewed knowledge of what a line evidences, beyond its words' meaning: misconduct
    of someone the writer oversees evidences 管党治党, not the writer's own discipline."""

    topic: str
    weight: float
    why: str
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _regex(cls, v: str) -> str:
        re.compile(v)
        return v


class DimensionRule(_Data):
    words: tuple[str, ...]
    topics: dict[str, float]


class DimensionTopics(_Data):
    version: int
    dimensions: dict[str, dict[str, float]]
    rules: tuple[DimensionRule, ...]


def _known_topics(where: str, ids) -> None:
    unknown = set(ids) - set(topics().ids())
    if unknown:
        raise ValueError(f"{where}: unknown topic ids {sorted(unknown)}")


@lru_cache(maxsize=1)
def fact_rules() -> FactRules:
    r = load(FactRules, "fact_rules.yaml")
    _known_topics("fact_rules.yaml", [c.topic for c in r.topic_cues])
    return r


@lru_cache(maxsize=1)
def fact_prototypes() -> FactPrototypes:
    """fact_prototypes.yaml, with the topic lines of any fact_prototypes_*.yaml added."""
    merged_kinds: dict = {}
    merged_topics: dict[str, list[str]] = {}
    for path in sorted(DATA.glob("fact_prototypes*.yaml")):
        p = load(FactPrototypes, path.name)
        _known_topics(path.name, p.topics)
        for k, lines in p.kinds.items():
            merged_kinds.setdefault(k, []).extend(lines)
        for t, lines in p.topics.items():
            merged_topics.setdefault(t, []).extend(lines)
    p = FactPrototypes(version=1, kinds={k: tuple(dict.fromkeys(v)) for k, v in merged_kinds.items()},
                       topics={t: tuple(dict.fromkeys(v)) for t, v in merged_topics.items()})
    missing = set(topics().ids()) - set(p.topics)
    if missing:
        raise ValueError(f"fact_prototypes.yaml: no prototypes for topics {sorted(missing)}")
    return p


@lru_cache(maxsize=1)
def dimension_topics() -> DimensionTopics:
    d = load(DimensionTopics, "dimension_topics.yaml")
    for name, weights in d.dimensions.items():
        _known_topics(f"dimension_topics.yaml: {name}", weights)
    for rule in d.rules:
        _known_topics(f"dimension_topics.yaml: rule {rule.words}", rule.topics)
    return d


# --- frames ------------------------------------------------------------------------------


class CaseFrames(_Data):
    personal: tuple[str, ...]
    collective: tuple[str, ...]


class Frames(_Data):
    version: int
    case: CaseFrames
    more_case: tuple[str, ...]
    missing_case: str
    carried: str
    cause_tieback: tuple[str, ...]
    fallback_remedy: dict[str, str]
    deadlines: dict[str, str]
    annual_words: tuple[str, ...]
    titles: dict[WriterKind, str]
    closing: dict[WriterKind, str]
    progress_lead: str
    openers: dict[WriterKind, tuple[str, ...]]

    @model_validator(mode="after")
    def _complete(self) -> "Frames":
        for name in ("titles", "closing", "openers"):
            missing = set(WriterKind) - set(getattr(self, name))
            if missing:
                raise ValueError(f"compose.yaml: {name} lacks {sorted(m.value for m in missing)}")
        return self


@lru_cache(maxsize=1)
def frames() -> Frames:
    return load(Frames, "compose.yaml")


# --- year references and last year's material -------------------------------------------


class YearEntry(_Data):
    congress: str
    campaign: str


class BoundTerm(_Data):
    term: str
    from_: int = Field(alias="from")
    to: int


class YearRefs(_Data):
    """year_refs.yaml: what a meeting of each year studies, and the words bound to an era."""

    years: dict[int, YearEntry]
    bound_terms: tuple[BoundTerm, ...]


@lru_cache(maxsize=1)
def year_refs() -> YearRefs:
    return load(YearRefs, "year_refs.yaml")


class RevisionRules(_Data):
    """revise.yaml: how last year's problems are reported and which sentences repeat them."""

    progress_words: tuple[str, ...]
    persist_words: tuple[str, ...]
    rectified: str
    partial: str
    partial_default: str
    open: str
    formulas: tuple[str, ...]
    generic_words: tuple[str, ...]

    def status_text(self, status: str) -> str:
        return {"rectified": self.rectified, "partial": self.partial, "open": self.open}[status]


@lru_cache(maxsize=1)
def revision_rules() -> RevisionRules:
    return load(RevisionRules, "revise.yaml")
