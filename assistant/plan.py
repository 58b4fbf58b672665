"""The plan both composers follow: the structure, what each dimension is about, and which
of the user's facts belongs to which dimension."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from langchain_core.embeddings import Embeddings

from .phrasebank import Bank, Topic, keyword_hits, load_bank
from .structure import choose_structure, load_registry
from .types import Request, Structure

DATA = Path(__file__).parent / "data"
# A topic word found in the text counts as much as this much cosine similarity.
KEYWORD_BONUS = 0.04


class Vectors:
    """Embeddings with a per-process cache; e5 wants query/passage prefixes kept apart."""

    def __init__(self, embeddings: Embeddings) -> None:
        self.embeddings = embeddings
        self._q: dict[str, np.ndarray] = {}
        self._p: dict[str, np.ndarray] = {}

    def queries(self, texts: list[str]) -> np.ndarray:
        for t in texts:
            if t not in self._q:
                self._q[t] = np.asarray(self.embeddings.embed_query(t), dtype=np.float32)
        return np.stack([self._q[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._p]
        if todo:
            for t, v in zip(todo, self.embeddings.embed_documents(todo)):
                self._p[t] = np.asarray(v, dtype=np.float32)
        return np.stack([self._p[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


@dataclass
class DimensionPlan:
    name: str
    topics: list[Topic]  # best first
    margins: list[float] = field(default_factory=list)  # how far each is behind the first
    facts: list[str] = field(default_factory=list)
    fact_topics: list[Topic] = field(default_factory=list)  # each fact's own best topic
    # last year's problems not yet solved: (old text, this year's facts about it)
    carried: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class Plan:
    request: Request
    structure: Structure
    dimensions: list[DimensionPlan]
    bank: Bank
    context: str  # the user's unit, post and facts, to judge what fits their work
    owner: str = "corpus"  # whose uploaded materials may be drawn on, besides the corpus
    checker: object | None = None  # revise.RepeatChecker against last year's sentences


def split_facts(text: str) -> list[str]:
    """One fact a line; numbering and bullets removed."""
    out = []
    for line in re.split(r"[\n；;]", text):
        line = re.sub(r"^\s*(?:[-*•·]|\d+[.、．)]|[（(]\d+[）)])\s*", "", line).strip()
        if line:
            out.append(line.rstrip("。.，,"))
    return out


def _topic_scores(vec: Vectors, bank: Bank, texts: list[str]) -> np.ndarray:
    """texts x topics: cosine to the topic's descriptor, plus a bonus per topic word."""
    if not texts:
        return np.zeros((0, len(bank.topics)))
    sims = vec.queries(texts) @ vec.passages([t.descriptor for t in bank.topics]).T
    hits = np.array([[keyword_hits(t, x) for t in bank.topics] for x in texts], dtype=np.float32)
    return sims + KEYWORD_BONUS * np.minimum(hits, 3)


RULE_BONUS = 0.3  # a topic named by a rule ranks above any the embedding proposes


@lru_cache(maxsize=1)
def _dimension_rules() -> list[tuple[list[str], list[str]]]:
    raw = yaml.safe_load((DATA / "dimension_topics.yaml").read_text("utf-8"))
    return [(r["words"], r["topics"]) for r in raw["rules"]]


def dimension_topic_scores(vec: Vectors, bank: Bank, names: list[str]) -> np.ndarray:
    scores = _topic_scores(vec, bank, names)
    index = {t.id: n for n, t in enumerate(bank.topics)}
    for row, name in enumerate(names):
        for words, topics in _dimension_rules():
            if any(w in name for w in words):
                for k, tid in enumerate(topics):
                    if tid in index:
                        col = index[tid]
                        scores[row, col] = max(scores[row, col], 1.0 + RULE_BONUS - 0.01 * k)
    return scores


def assign_facts(dim_scores: np.ndarray, fact_scores: np.ndarray) -> list[int]:
    """Each fact goes to the dimension that ranks the fact's topics highest.

    Ranks, not raw scores: a dimension named after a topic scores that topic far above the
    rest (its words are in the name), which would let it pull in facts that are only
    loosely about it. The sum of a topic's rank for the fact and for the dimension picks the
    pair both agree on; the scores only break ties. The fact's rank counts double: a fact
    is concrete and about one thing, a dimension is broad and shares topics."""
    rank_d = np.argsort(np.argsort(-dim_scores, axis=1), axis=1)
    rank_f = np.argsort(np.argsort(-fact_scores, axis=1), axis=1)
    rel_d = dim_scores - dim_scores.max(axis=1, keepdims=True)
    rel_f = fact_scores - fact_scores.max(axis=1, keepdims=True)
    out = []
    for f in range(len(fact_scores)):
        combined = -(2 * rank_f[f][None, :] + rank_d) + (rel_f[f][None, :] + rel_d)
        out.append(int(combined.max(axis=1).argmax()))
    return out


def make_plan(req: Request, vec: Vectors, corpus_materials: list[dict], user_registry=None,
              carried: list[tuple[str, list[str]]] | None = None, skip_facts: set[str] | None = None) -> Plan:
    """`carried`: last year's open problems to draft again in new words; `skip_facts`:
    facts that report a fix (they go into the rectification section, not the problems)."""
    bank = load_bank()
    structure = choose_structure(
        req, registry=load_registry(user_registry), corpus_materials=corpus_materials
    )
    names = structure.dimensions
    dim_scores = dimension_topic_scores(vec, bank, names)
    dims = []
    for n, name in enumerate(names):
        order = np.argsort(-dim_scores[n])
        top = dim_scores[n][order[0]]
        dims.append(DimensionPlan(name=name, topics=[bank.topics[i] for i in order[:3]],
                                  margins=[float(top - dim_scores[n][i]) for i in order[:3]]))
    carried = carried or []
    in_carried = {f for _, fs in carried for f in fs}
    facts = [f for f in req.facts if f not in (skip_facts or set()) and f not in in_carried]
    if names and facts:
        fact_scores = _topic_scores(vec, bank, facts)
        for f, d in enumerate(assign_facts(dim_scores, fact_scores)):
            dims[d].facts.append(facts[f])
            dims[d].fact_topics.append(bank.topics[int(fact_scores[f].argmax())])
    if names and carried:
        old_scores = _topic_scores(vec, bank, [t for t, _ in carried])
        for k, d in enumerate(assign_facts(dim_scores, old_scores)):
            dims[d].carried.append(carried[k])
    context = " ".join([req.unit, req.post, *req.facts])
    return Plan(request=req, structure=structure, dimensions=dims, bank=bank, context=context)


def best_topic(vec: Vectors, bank: Bank, text: str) -> Topic:
    return bank.topics[int(_topic_scores(vec, bank, [text])[0].argmax())]
