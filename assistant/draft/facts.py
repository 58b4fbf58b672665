"""The user's facts, understood: what kind of line each is, what it is about, and which 方面
it goes under, each with a reason the user can read and overrule.

Kind and topic are decided with the e5 model against labelled prototype facts
(data/fact_prototypes.yaml), plus the reviewed cues in data/fact_rules.yaml for what the model
reads poorly (negation: "全年没有缺席" is progress; applied in fact_cues.py). The 方面 follows from the topics through
data/dimension_topics.yaml, so one fact lands where reviewers expect it under any year's list.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.core import content
from assistant.core import text as grammar
from assistant.core.types import Fact, FactKind, Request
from assistant.draft import fact_cues, fact_models
from assistant.draft.fact_cues import cue_scores, topic_boosts
from assistant.draft.fact_models import KINDS, LexModel, Probe, softmax
from assistant.ingest.vectors import Vectors

TOP_K = 3  # prototypes per kind or topic that vote
TOPIC_TEMPERATURE = 0.01  # cosine differences this large make a topic clearly likelier
KEYWORD_BONUS = 0.006  # a topic's keyword in the fact, per word (up to three)
DIMENSION_TEMPERATURE = 0.08
# In one list a topic's home is the 方面 where it is most central; elsewhere it counts this
# much of its weight (工作作风 hosts 为民服务 in 2023; 担当作为 hosts 能力 only where no
# 能力本领 exists).
AWAY_FROM_HOME = 0.7
# How much a reviewed kind cue adds to the kind model's log-odds, beyond what the model makes
# of it as a feature. Chosen on eval/scenarios only: with the cues of 2026-12-02 kind accuracy
# is flat from 0.8 to 1.2 there, and 1.0 sits in the middle of that plateau.
CUE_LOGIT = 1.0
# A kind read with less certainty than this is shown for the user to check, and a progress
# line so read is not written up as an achievement until they have (it may be a problem).
UNSURE_KIND = 0.7
# A placement less certain than this names the runner-up 方面 for the user to check. Over
# every eval set's problem facts (2026-12-03, after the topic model read words too; kinds as
# given): 96 of 1,229 fall below 0.8; 31 of them are among the 67 misplaced, and for 21 of
# those the runner-up is the 方面 the scenario expects. At 0.7 it is 59 flagged and 18
# misplaced caught, at 0.9 140 and 37: 0.8 asks the writer about one fact in thirteen and
# points at nearly half of the misplacements.
UNSURE_PLACEMENT = 0.8
# Cue weight for another kind that makes a reading contested (one cue of the 1.0-1.4 class).
CONTESTED = 1.0


def kind_unsure(f: Fact) -> bool:
    """Shown for the user to check (below UNSURE_KIND, and not a kind the user chose)."""
    return f.kind_score < UNSURE_KIND and not f.user_set


def split_facts(text: str) -> list[str]:
    """One fact a line (or a ；-separated clause); numbering and bullets removed. Lines are
    never joined: facts of about the same length look like a hard-wrapped paragraph, and
    two facts run together would be placed as one."""
    out = []
    for line in re.split(r"[\n；;]", text or ""):
        line = grammar.LIST_BULLET.sub("", line).strip()
        if line:
            out.append(line.rstrip("。.，,"))
    return list(dict.fromkeys(out))


@dataclass
class KindReading:
    kind: FactKind
    reason: str
    scores: dict[FactKind, float]


class FactReader:
    """Reads facts with the e5 model and the reviewed cues; the prototypes are embedded once
    per process (the Vectors cache)."""

    def __init__(self, vec: Vectors, cache: Path | None = None) -> None:
        """`cache`: a file name prefix under which the trained models are kept between runs
        (training them is a few seconds of every start-up)."""
        self.vec = vec
        self.cache = cache
        protos = content.fact_prototypes()
        self.kind_names = [FactKind(k.value) for k in protos.kinds]
        self.kind_texts = [list(v) for v in protos.kinds.values()]
        self.topic_ids = content.topics().ids()
        self.topic_texts = [list(protos.topics[t]) for t in self.topic_ids]
        self._probe: Probe | None = None
        self._topic_model: LexModel | None = None
        self._kind_model: LexModel | None = None

    def warm_up(self) -> None:
        self.vec.queries([t for ts in self.kind_texts + self.topic_texts for t in ts])
        self.probe()
        self.topic_model()
        self.kind_model()

    def _nearest(self, fv: np.ndarray, groups: list[list[str]]) -> np.ndarray:
        """facts x groups: the mean cosine of each fact to the group's nearest prototypes."""
        out = np.zeros((len(fv), len(groups)), dtype=np.float32)
        for g, texts in enumerate(groups):
            sims = fv @ self.vec.queries(texts).T
            k = min(TOP_K, sims.shape[1])
            out[:, g] = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
        return out

    def kinds(self, facts: list[str]) -> list[KindReading]:
        """Each fact's kind, by a model trained on the labelled prototypes over three readings
        of a line: its meaning (e5), its characters (what it says, word by word: 只有, 没有,
        达到…) and the reviewed cues of fact_rules.yaml."""
        if not facts:
            return []
        model = self.kind_model()
        probs = model.predict(self.vec.queries(facts), facts)
        out = []
        for fact, p in zip(facts, probs):
            cues, why = cue_scores(fact)
            # The model learned from prototypes, most of which carry no cue, so it trusts
            # characters over cues; a reviewed cue also counts on its own, as log-odds.
            logits = np.log(p) + CUE_LOGIT * np.array([cues[k] for k in KINDS])
            p = softmax(logits[None, :])[0]
            kind = KINDS[int(p.argmax())]
            reason = why.get(kind) or f"与“{kind.label}”类的表述最接近"
            scores = {k: float(p[i]) for i, k in enumerate(KINDS)}
            # the reviewed cues say otherwise, and clearly: however sure the model is, the
            # reading is one for the user to check
            if max((cues[k] for k in KINDS if k != kind), default=0.0) >= CONTESTED:
                scores[kind] = min(scores[kind], UNSURE_KIND - 0.01)
            out.append(KindReading(kind, reason, scores))
        return out

    def kind_model(self) -> "LexModel":
        if self._kind_model is None:
            texts = [t for ts in self.kind_texts for t in ts]
            labels = np.array([KINDS.index(k) for k, ts in zip(self.kind_names, self.kind_texts) for _ in ts])
            self._kind_model = self._trained("kinds", texts, labels, LexModel.load, lambda: LexModel.train(
                self.vec.queries(texts), texts, labels, len(KINDS), cues=True))
        return self._kind_model

    def _trained(self, what: str, texts: list[str], labels: np.ndarray, load, train):
        """The model kept for these lines, or one trained now (and kept)."""
        path = self._kept(what, texts, labels)
        model = load(path) if path else None
        if model is None:
            model = train()
            if path:
                model.save(path)
        return model

    def _kept(self, what: str, texts: list[str], labels: np.ndarray) -> Path | None:
        """Where a model trained on these lines is kept: named by everything it is learned
        from (this module's code, the reviewed cues, the lines and their labels, the model
        the vectors come from), so a change to any of them trains it again."""
        if self.cache is None:
            return None
        h = hashlib.sha1(Path(__file__).read_bytes())
        h.update(Path(fact_cues.__file__).read_bytes())
        h.update(Path(fact_models.__file__).read_bytes())
        h.update((content.DATA / "fact_rules.yaml").read_bytes())
        h.update("\n".join(texts).encode("utf-8"))
        h.update(labels.astype(np.int64).tobytes())
        return self.cache.with_name(f"{self.cache.stem}-{what}-{h.hexdigest()[:16]}.npz")

    def topics(self, facts: list[str]) -> np.ndarray:
        """facts x topics: how much each fact is about each topic (rows sum to 1). Three
        readings of the prototypes, averaged — the nearest ones (k-NN), a linear probe on the
        e5 vectors, and one on the vectors with the line's words (LexModel) — then the
        reviewed topic cues of fact_rules.yaml. The words tell what e5 blurs: 只完成 and
        停工 are work not done whatever the field, 支委 is the committee itself."""
        if not facts:
            return np.zeros((0, len(self.topic_ids)))
        fv = self.vec.queries(facts)
        near = self._nearest(fv, self.topic_texts)
        topics = content.topics().topics
        hits = np.array([[min(3, sum(w in f for w in t.keywords)) for t in topics] for f in facts], dtype=np.float32)
        knn = softmax((near + KEYWORD_BONUS * hits) / TOPIC_TEMPERATURE)
        p = (knn + self.probe().predict(fv) + self.topic_model().predict(fv, facts)) / 3
        for f, fact in enumerate(facts):
            for i, boost in topic_boosts(fact, self.topic_ids).items():
                p[f, i] *= np.exp(boost)
        return p / p.sum(axis=1, keepdims=True)

    def _topic_lines(self) -> tuple[list[str], np.ndarray]:
        texts = [t for ts in self.topic_texts for t in ts]
        return texts, np.array([i for i, ts in enumerate(self.topic_texts) for _ in ts])

    def probe(self) -> "Probe":
        if self._probe is None:
            texts, labels = self._topic_lines()
            self._probe = self._trained("topics", texts, labels, Probe.load, lambda: Probe.train(
                self.vec.queries(texts), labels, len(self.topic_ids)))
        return self._probe

    def topic_model(self) -> "LexModel":
        if self._topic_model is None:
            texts, labels = self._topic_lines()
            self._topic_model = self._trained("topic-words", texts, labels, LexModel.load, lambda: LexModel.train(
                self.vec.queries(texts), texts, labels, len(self.topic_ids)))
        return self._topic_model


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
        # Where two 方面 cover a topic at the same weight, its home is the one of which it is
        # the larger share (2022: 担当作为 is all of "履职尽责、担当作为" but one of several in
        # "为民造福"); a tie that stays a tie keeps both.
        share = w / np.maximum(w.sum(axis=1, keepdims=True), 1e-9)
        central = np.where(w >= w.max(axis=0, keepdims=True), share, -1.0)
        w = np.where(central >= central.max(axis=0, keepdims=True) - 1e-6, w, w * AWAY_FROM_HOME)
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
    name = grammar.strip_marker(name, grammar.HEADING_STYLES)
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
    from assistant.draft.writer import writer_kind

    priors = content.writers().topic_priors.get(writer_kind(req.role, req.meeting), {})
    for tid, factor in priors.items():
        probs[:, reader.topic_ids.index(tid)] *= factor
    probs /= probs.sum(axis=1, keepdims=True)
    weights = dimension_weights(dimensions, vec) if dimensions else np.zeros((0, probs.shape[1]))
    topics = content.topics().topics
    out = []
    for f, text in enumerate(facts):
        order = np.argsort(-probs[f])
        top_ids = [topics[i].id for i in order[:3] if probs[f, i] >= 0.1] or [topics[order[0]].id]
        fact = Fact(text=text, kind=kinds[f].kind, kind_reason=kinds[f].reason, topics=top_ids,
                    kind_score=round(kinds[f].scores[kinds[f].kind], 3))
        choice = req.choice(text)
        if choice and choice.kind:
            fact.kind, fact.kind_reason, fact.user_set = choice.kind, "您指定的类型", True
        if fact.kind == FactKind.PROBLEM and dimensions:
            scores = weights @ probs[f]
            d = int(scores.argmax())
            soft = np.exp((scores - scores.max()) / DIMENSION_TEMPERATURE)
            fact.dimension, fact.score = dimensions[d], float(soft[d] / soft.sum())
            if fact.score < UNSURE_PLACEMENT and len(dimensions) > 1:
                fact.alternative = dimensions[int(np.argsort(-scores)[1])]
            t = topics[int(order[0])]
            kw = next((k for k in t.keywords if k in text), "")
            fact.reason = f"讲的是{t.name}" + (f"（{kw}）" if kw else "") + f"，归入“{dimensions[d]}”"
            if choice and choice.dimension in dimensions:
                fact.dimension, fact.reason, fact.user_set = choice.dimension, "您指定的方面", True
                fact.alternative = None
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
