"""The phrase bank (assistant/data/phrasebank.yaml) as typed data, and topic matching."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Problem:
    judgement: str
    detail: str
    case_hint: str


@dataclass(frozen=True)
class Titled:
    title: str
    detail: str


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    problems: tuple[Problem, ...]
    causes: tuple[Titled, ...]
    measures: tuple[Titled, ...]

    @property
    def descriptor(self) -> str:
        """What the topic is about, as one text to embed."""
        return f"{self.name}：{'、'.join(self.aliases)}；{'、'.join(self.keywords)}"


@dataclass(frozen=True)
class Bank:
    topics: tuple[Topic, ...]
    general_causes: tuple[Titled, ...]
    general_measures: tuple[Titled, ...]
    openers: dict[str, tuple[str, ...]]

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)


def _titled(rows) -> tuple[Titled, ...]:
    return tuple(Titled(r["title"], r["detail"]) for r in rows or [])


@lru_cache(maxsize=1)
def load_bank(path: Path = DATA / "phrasebank.yaml") -> Bank:
    raw = yaml.safe_load(path.read_text("utf-8"))
    topics = tuple(
        Topic(
            id=t["id"],
            name=t["name"],
            aliases=tuple(t.get("aliases", [])),
            keywords=tuple(t.get("keywords", [])),
            problems=tuple(
                Problem(p["judgement"], p["detail"], p.get("case_hint", "具体事例"))
                for p in t.get("problems", [])
            ),
            causes=_titled(t.get("causes")),
            measures=_titled(t.get("measures")),
        )
        for t in raw["topics"]
    )
    general = raw.get("general", {})
    return Bank(
        topics=topics,
        general_causes=_titled(general.get("causes")),
        general_measures=_titled(general.get("measures")),
        openers={k: tuple(v) for k, v in general.get("openers", raw.get("openers", {})).items()},
    )


def keyword_hits(topic: Topic, text: str) -> int:
    """How many of the topic's words (name, aliases, keywords) occur in the text."""
    words = {topic.name, *topic.aliases, *topic.keywords}
    return sum(1 for w in words if w and w in text)
