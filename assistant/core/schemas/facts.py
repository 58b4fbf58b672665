"""Schemas of how a fact is read: its kind (fact_rules.yaml), the labelled prototypes
(fact_prototypes*.yaml) and which topics each 方面 covers (dimension_topics.yaml)."""

from __future__ import annotations

from enum import Enum

from assistant.core.schemas import Regex, Schema

# --- facts: kinds, prototypes, where each 方面 stands ------------------------------------


class FactKindName(str, Enum):
    PROBLEM = "problem"
    PROGRESS = "progress"
    CONTEXT = "context"


class Cue(Schema):
    kind: FactKindName
    weight: float
    why: str
    pattern: Regex
    # span: problem words inside this progress cue's match do not count; fact: none in the line
    covers: str = ""


class NegatedBad(Schema):
    negators: str
    between: str
    bad: str
    weight: float
    why: str


class Change(Schema):
    down: str
    up: str
    weight: float
    why_progress: str
    why_problem: str


class Shortfall(Schema):
    target: str
    done: str
    weight: float
    why: str


class CountedWork(Schema):
    pattern: Regex
    weight: float
    why: str


class FactRules(Schema):
    version: int
    negated_bad: NegatedBad
    bad_quantities: str
    change: Change
    shortfall: Shortfall
    counted_work: CountedWork
    cues: tuple[Cue, ...]
    topic_cues: tuple[TopicCue, ...] = ()


class FactPrototypes(Schema):
    version: int
    kinds: dict[FactKindName, tuple[str, ...]] = {}
    topics: dict[str, tuple[str, ...]]


class TopicCue(Schema):
    """Reviewed knowledge of what a line evidences, beyond its words' meaning: misconduct
    of someone the writer oversees evidences 管党治党, not the writer's own discipline."""

    topics: dict[str, float]  # topic id -> log-factor (negative: evidence against it)
    why: str
    pattern: Regex


class DimensionRule(Schema):
    words: tuple[str, ...]
    topics: dict[str, float]


class DimensionTopics(Schema):
    version: int
    dimensions: dict[str, dict[str, float]]
    rules: tuple[DimensionRule, ...]
