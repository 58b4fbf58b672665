"""The user's facts, understood: what kind of line each is, what it is about, and which 方面
it goes under, each with a reason the user can read and overrule.

Kind and topic are decided with the e5 model against labelled prototype facts
(data/fact_prototypes.yaml), plus the reviewed cues in data/fact_rules.yaml for what the model
reads poorly (negation: "全年没有缺席" is progress). The 方面 follows from the topics through
data/dimension_topics.yaml, so one fact lands where reviewers expect it under any year's list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import content
from .vectors import Vectors
from .types import Fact, FactKind, Request

# How much the prototypes' vote counts next to the cues: the difference between the best
# kind's nearest prototypes and this kind's, times this. A cue is worth about 1; a prototype
# margin of 0.03 cosine (clearly nearer) about 0.3.
PROTOTYPE_WEIGHT = 10.0
TOP_K = 3  # prototypes per kind or topic that vote
TOPIC_TEMPERATURE = 0.015  # cosine differences this large make a topic clearly likelier
KEYWORD_BONUS = 0.006  # a topic's keyword in the fact, per word (up to three)
DIMENSION_TEMPERATURE = 0.08


def split_facts(text: str) -> list[str]:
    """One fact a line (or a ；-separated clause); numbering and bullets removed."""
    out = []
    for line in re.split(r"[\n；;]", text or ""):
        line = re.sub(r"^\s*(?:[-*•·]|\d+[.、．)]|[（(]\d+[）)]|[一二三四五六七八九十]+[、.．])\s*", "", line).strip()
        if line:
            out.append(line.rstrip("。.，,"))
    return list(dict.fromkeys(out))


@dataclass
class KindReading:
    kind: FactKind
    reason: str
    scores: dict[FactKind, float]


@lru_cache(maxsize=1)
def _cues():
    r = content.fact_rules()
    return [(FactKind(c.kind.value), c.weight, c.why, re.compile(c.pattern)) for c in r.cues]


@lru_cache(maxsize=1)
def _negated():
    n = content.fact_rules().negated_bad
    return re.compile(f"{n.negators}.{{0,{n.window}}}?{n.bad}"), n.weight, n.why


def cue_scores(fact: str) -> tuple[dict[FactKind, float], dict[FactKind, str]]:
    """What the reviewed cues say about a fact's kind, and the strongest cue's reason."""
    scores = {k: 0.0 for k in FactKind}
    why: dict[FactKind, tuple[float, str]] = {}
    pattern, weight, reason = _negated()
    covered: list[tuple[int, int]] = []
    for m in pattern.finditer(fact):
        scores[FactKind.PROGRESS] += weight
        why[FactKind.PROGRESS] = (weight, reason)
        covered.append(m.span())
    matches = [(k, w, y, m.span()) for k, w, y, p in _cues() for m in p.finditer(fact)]
    # A problem word inside a progress phrase (投诉量下降, 零投诉) is part of the progress.
    covered += [span for k, _, _, span in matches if k == FactKind.PROGRESS]
    for kind, w, y, (a, b) in matches:
        if kind == FactKind.PROBLEM and any(a < e and s < b for s, e in covered):
            continue
        scores[kind] += w
        if w > why.get(kind, (0, ""))[0]:
            why[kind] = (w, y)
    return scores, {k: v[1] for k, v in why.items()}


class FactReader:
    """Reads facts with the e5 model and the reviewed cues; the prototypes are embedded once
    per process (the Vectors cache)."""

    def __init__(self, vec: Vectors) -> None:
        self.vec = vec
        protos = content.fact_prototypes()
        self.kind_names = [FactKind(k.value) for k in protos.kinds]
        self.kind_texts = [list(v) for v in protos.kinds.values()]
        self.topic_ids = content.topics().ids()
        self.topic_texts = [list(protos.topics[t]) for t in self.topic_ids]

    def warm_up(self) -> None:
        self.vec.queries([t for ts in self.kind_texts + self.topic_texts for t in ts])

    def _nearest(self, fv: np.ndarray, groups: list[list[str]]) -> np.ndarray:
        """facts x groups: the mean cosine of each fact to the group's nearest prototypes."""
        out = np.zeros((len(fv), len(groups)), dtype=np.float32)
        for g, texts in enumerate(groups):
            sims = fv @ self.vec.queries(texts).T
            k = min(TOP_K, sims.shape[1])
            out[:, g] = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
        return out

    def kinds(self, facts: list[str]) -> list[KindReading]:
        if not facts:
            return []
        near = self._nearest(self.vec.queries(facts), self.kind_texts)
        out = []
        for f, fact in enumerate(facts):
            cues, why = cue_scores(fact)
            vote = {k: PROTOTYPE_WEIGHT * float(near[f, i] - near[f].max()) for i, k in enumerate(self.kind_names)}
            total = {k: cues[k] + vote.get(k, -1.0) for k in FactKind}
            kind = max(total, key=total.get)
            reason = why.get(kind) or f"与“{kind.label}”类的表述最接近"
            out.append(KindReading(kind, reason, total))
        return out

    def topics(self, facts: list[str]) -> np.ndarray:
        """facts x topics: how much each fact is about each topic (rows sum to 1)."""
        if not facts:
            return np.zeros((0, len(self.topic_ids)))
        near = self._nearest(self.vec.queries(facts), self.topic_texts)
        topics = content.topics().topics
        hits = np.array([[min(3, sum(w in f for w in t.keywords)) for t in topics] for f in facts], dtype=np.float32)
        logits = (near + KEYWORD_BONUS * hits) / TOPIC_TEMPERATURE
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)


def dimension_weights(names: list[str], vec: Vectors) -> np.ndarray:
    """dimensions x topics: how directly each 方面 covers each topic. Registry names have
    reviewed weights; other names get the rules whose words they contain, and every topic no
    方面 covers goes, at half weight, to the 方面 whose name the e5 model finds nearest."""
    dt = content.dimension_topics()
    ids = content.topics().ids()
    w = np.zeros((len(names), len(ids)), dtype=np.float32)
    for d, name in enumerate(names):
        known = dt.dimensions.get(_bare(name)) or dt.dimensions.get(name)
        rows = [known] if known else [r.topics for r in dt.rules if any(x in name for x in r.words)]
        for row in rows:
            for tid, weight in row.items():
                w[d, ids.index(tid)] = max(w[d, ids.index(tid)], weight)
    if names:
        uncovered = [t for t in range(len(ids)) if w[:, t].max() < 0.5]
        if uncovered:
            topics = content.topics().topics
            sims = vec.queries(names) @ vec.passages([f"{topics[t].name}：{topics[t].descriptor}" for t in uncovered]).T
            for j, t in enumerate(uncovered):
                d = int(sims[:, j].argmax())
                w[d, t] = max(w[d, t], 0.5)
    return w


def _bare(name: str) -> str:
    """'（一）在理论学习方面' -> '理论学习'."""
    name = re.sub(r"^[（(][一二三四五六七八九十\d]+[）)]|^[一二三四五六七八九十\d]+[、.．]", "", name.strip())
    return re.sub(r"^在|方面$|方面。$", "", name).strip("。 ")


def read_facts(req: Request, dimensions: list[str], vec: Vectors, reader: FactReader | None = None,
               rectified: set[str] | None = None) -> list[Fact]:
    """Each of the request's facts, with its kind, topics and 方面. `rectified`: progress
    facts that answer one of last year's problems (they go to the rectification report).
    The user's own choices (request.choices) win over what the drafter read."""
    reader = reader or FactReader(vec)
    facts = list(dict.fromkeys(f for f in req.facts if f.strip()))
    if not facts:
        return []
    kinds = reader.kinds(facts)
    probs = reader.topics(facts)
    weights = dimension_weights(dimensions, vec) if dimensions else np.zeros((0, probs.shape[1]))
    topics = content.topics().topics
    out = []
    for f, text in enumerate(facts):
        order = np.argsort(-probs[f])
        top_ids = [topics[i].id for i in order[:3] if probs[f, i] >= 0.1] or [topics[order[0]].id]
        fact = Fact(text=text, kind=kinds[f].kind, kind_reason=kinds[f].reason, topics=top_ids)
        choice = req.choice(text)
        if choice and choice.kind:
            fact.kind, fact.kind_reason, fact.user_set = choice.kind, "您指定的类型", True
        if fact.kind == FactKind.PROBLEM and dimensions:
            scores = weights @ probs[f]
            d = int(scores.argmax())
            soft = np.exp((scores - scores.max()) / DIMENSION_TEMPERATURE)
            fact.dimension, fact.score = dimensions[d], float(soft[d] / soft.sum())
            t = topics[int(order[0])]
            kw = next((k for k in t.keywords if k in text), "")
            fact.reason = f"讲的是{t.name}" + (f"（{kw}）" if kw else "") + f"，归入“{dimensions[d]}”"
            if choice and choice.dimension in dimensions:
                fact.dimension, fact.reason, fact.user_set = choice.dimension, "您指定的方面", True
            fact.destination = "problems"
        elif fact.kind == FactKind.PROBLEM:
            fact.destination, fact.reason = "problems", "没有方面清单"
        elif fact.kind == FactKind.PROGRESS:
            if rectified and text in rectified:
                fact.destination, fact.reason = "rectification", "回应了上年度查摆的问题，写进整改落实情况"
            else:
                fact.destination, fact.reason = "preamble", "是一年来的成效，写进前言，不作为问题"
        else:
            fact.destination, fact.reason = "context", "是背景情况，用来把握口吻和职责，不写成事例"
        out.append(fact)
    return out
