"""The drafter's domain data (assistant/data/*.yaml) as typed, validated objects: the files
read through their schemas (core/schemas/), once per process.

Every file is read through a pydantic schema with `extra="forbid"`: a misspelt key, an
unknown topic id or an unknown writer kind is an error at start-up and in the tests, never a
rule that silently does nothing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel

from assistant.core.schemas import Schema  # noqa: F401 (the base of every data schema, also of parse and audit rules)
from assistant.core.schemas.facts import (  # noqa: F401 (read as content.<Schema>)
    Change,
    CountedWork,
    Cue,
    DimensionRule,
    DimensionTopics,
    FactKindName,
    FactPrototypes,
    FactRules,
    NegatedBad,
    Shortfall,
    TopicCue,
)
from assistant.core.schemas.frames import (  # noqa: F401 (read as content.<Schema>)
    BoundTerm,
    CaseFrames,
    Frames,
    RevisionRules,
    YearEntry,
    YearRefs,
)
from assistant.core.schemas.writing import (  # noqa: F401 (read as content.<Schema>)
    ALL_WRITERS,
    Bank,
    CauseBank,
    CauseEntry,
    Hygiene,
    MeasureEntry,
    NamedPattern,
    OrgRule,
    PostRule,
    Power,
    Powers,
    ProblemEntry,
    Remedy,
    RoleKinds,
    Root,
    Tagged,
    Topic,
    TopicBank,
    Topics,
    Units,
    UnitType,
    Voice,
    WriterKind,
    Writers,
    _check_bank,
)

# The reviewed domain data ships inside the package (assistant/data).
DATA = Path(__file__).resolve().parents[1] / "data"


M = TypeVar("M", bound=BaseModel)
# Every data file read through `load`: the data test checks that none in DATA goes unread.
LOADED: set[str] = set()


# libyaml's loader where PyYAML has it: the data is read at every start, and the pure
# Python loader took most of the half second the start-up check spends.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> dict:
    data = yaml.load(path.read_text("utf-8"), Loader=_LOADER)  # noqa: S506 — a safe loader
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping at the top")
    return data


def load(model: type[M], name: str) -> M:
    """DATA/<name> validated by its schema."""
    LOADED.add(name)
    return model.model_validate(read_yaml(DATA / name))


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


def _known_topics(where: str, ids) -> None:
    unknown = set(ids) - set(topics().ids())
    if unknown:
        raise ValueError(f"{where}: unknown topic ids {sorted(unknown)}")


@lru_cache(maxsize=1)
def fact_rules() -> FactRules:
    r = load(FactRules, "fact_rules.yaml")
    _known_topics("fact_rules.yaml", [t for c in r.topic_cues for t in c.topics])
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


@lru_cache(maxsize=1)
def frames() -> Frames:
    return load(Frames, "compose.yaml")


@lru_cache(maxsize=1)
def year_refs() -> YearRefs:
    return load(YearRefs, "year_refs.yaml")


@lru_cache(maxsize=1)
def revision_rules() -> RevisionRules:
    return load(RevisionRules, "revise.yaml")
