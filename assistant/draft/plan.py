"""The plan every composer follows: the structure, the writer, each fact understood and
placed, and what each 方面 is about. The user sees the facts part of it before the draft."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assistant.core import content
from assistant.core.types import Fact, FactKind, Request, Structure
from assistant.draft.facts import (
    FactReader,
    dimension_weights,
    kind_unsure,
    read_facts,
    split_facts,
)
from assistant.draft.last_year import RepeatChecker
from assistant.draft.structure import choose_structure, load_registry
from assistant.draft.writer import Writer, make_writer
from assistant.ingest.vectors import Vectors

__all__ = ["DimensionPlan", "Plan", "Vectors", "make_plan", "split_facts"]

# A topic with at least this weight in a 方面 is what the 方面 is about: its judgements may
# be drafted there without a fact.
MAIN_TOPIC = 0.75


@dataclass
class DimensionPlan:
    name: str
    weights: dict[str, float]  # topic id -> how directly the 方面 covers it
    facts: list[Fact] = field(default_factory=list)  # the problem facts placed here
    # last year's problems not yet solved: (old text, this year's facts about it)
    carried: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def topics(self) -> list[str]:
        """Its topics, most direct first."""
        return [t for t, w in sorted(self.weights.items(), key=lambda kv: -kv[1]) if w > 0]

    @property
    def main_topics(self) -> list[str]:
        best = max(self.weights.values(), default=0.0)
        return [t for t in self.topics if self.weights[t] >= min(MAIN_TOPIC, best)]

    @property
    def fact_texts(self) -> list[str]:
        return [f.text for f in self.facts]


@dataclass
class Plan:
    request: Request
    structure: Structure
    writer: Writer
    facts: list[Fact]
    dimensions: list[DimensionPlan]
    owner: str = "corpus"  # whose uploaded materials may be drawn on, besides the corpus
    checker: RepeatChecker | None = None  # last year's sentences, not to be repeated

    def of_kind(self, kind: FactKind) -> list[Fact]:
        return [f for f in self.facts if f.kind == kind]

    @property
    def preamble_facts(self) -> list[Fact]:
        """Progress for the preamble's account of the year: only what is surely progress."""
        return [f for f in self.facts if f.destination == "preamble" and not kind_unsure(f)]

    @property
    def unsure_progress(self) -> list[Fact]:
        """Read as progress, but not surely: the preamble asks the user instead of claiming it."""
        return [f for f in self.facts if f.destination == "preamble" and kind_unsure(f)]


def unmatched_note(plan: "Plan") -> str:
    """A 方面 whose name no rule of dimension_topics.yaml reads (a notice's new wording) is
    about no topic, so no fact is placed under it: the writer is told, and can move facts
    there in the plan, rather than find it drafted without any."""
    names = [d.name for d in plan.dimensions if not d.weights]
    if not names or len(names) == len(plan.dimensions) == 1:
        return ""
    quoted = "".join(f"“{n}”" for n in names)
    return (f"{quoted}这一方面的名称没能对应到查摆的主题，事实不会自动归入这里；"
            "如果有事实属于这一方面，请在事实清单里把它移过来。")


def make_plan(req: Request, vec: Vectors, corpus_materials: list[dict], user_registry=None,
              carried: list[tuple[str, list[str]]] | None = None, rectified: set[str] | None = None,
              reader: FactReader | None = None) -> Plan:
    """`carried`: last year's open problems to draft again in new words, with this year's
    facts about them; `rectified`: progress facts that answer last year's problems."""
    structure = choose_structure(req, registry=load_registry(user_registry), corpus_materials=corpus_materials)
    names = structure.dimensions
    facts = read_facts(req, names, vec, reader, rectified=rectified)
    weights = dimension_weights(names, vec) if names else np.zeros((0, 0))
    ids = content.topics().ids()
    dims = [DimensionPlan(name=n, weights={ids[t]: float(weights[d, t]) for t in range(len(ids)) if weights[d, t] > 0})
            for d, n in enumerate(names)]
    carried = carried or []
    in_carried = {f for _, fs in carried for f in fs}
    for f in facts:
        if f.destination == "problems" and f.dimension in names and f.text not in in_carried:
            dims[names.index(f.dimension)].facts.append(f)
    if names and carried:
        # A problem that persists goes where this year's fact about it goes (the user sees
        # that in the plan); one with no fact this year goes by what it was about.
        reader = reader or FactReader(vec)
        probs = reader.topics([t for t, _ in carried])
        placed = {f.text: f.dimension for f in facts if f.dimension in names}
        for k, row in enumerate(probs):
            old, persist = carried[k]
            groups: dict[str, list[str]] = {}
            for f in persist:  # facts about it in two 方面 make it an item in each
                groups.setdefault(placed.get(f) or names[int((weights @ row).argmax())], []).append(f)
            if not groups:
                groups[names[int((weights @ row).argmax())]] = []
            for name, fs in groups.items():
                dims[names.index(name)].carried.append((old, fs))
    writer = make_writer(req, [f.text for f in facts])
    return Plan(request=req, structure=structure, writer=writer, facts=facts, dimensions=dims)
