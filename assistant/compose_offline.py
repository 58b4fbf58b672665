"""The offline composer: drafts from the corpus and the phrase bank, no LLM.

For each dimension it ranks corpus items and phrase-bank findings by how near they are to
the dimension and the user's facts, keeps only sentences that fit the writer's year, unit
and voice, and writes each fact in as the concrete case; where no fact fits it leaves a
visible 【待补充】. Causes are chosen to cover the problems drafted, measures to answer the
causes. Randomness is seeded, so a request always gives the same draft and a new variant
number gives another valid one.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from .index import Index
from .parse import find_examples
from .phrasebank import Titled
from .plan import DimensionPlan, Plan, Vectors
from .render import cn_number, dimension_heading
from .types import DimensionDraft, Paragraph, Role, SourceRef
from .voice import fill, fits_unit, fits_year, has_blank, to_role

DATA = Path(__file__).parent / "data"
JITTER = 0.03  # enough to reorder near-equals between variants, not to pick a poor fit
SAME_IDEA = 0.93  # two judgements this close say the same thing
DETAIL_MAX = 170
MIN_ITEMS, MAX_ITEMS = 2, 3
OWN_BONUS = 0.03
TOPIC_MARGIN = 0.03  # a second topic this close to the first is the dimension's too


@lru_cache(maxsize=1)
def frames() -> dict:
    return yaml.safe_load((DATA / "compose.yaml").read_text("utf-8"))


def neutral(template: str) -> str:
    """A phrase-bank template with its placeholders dropped, for embedding."""
    return re.sub(r"\{[^{}]+\}", "", template)


def warm_up(vec: Vectors, bank) -> None:
    """Embed every phrase-bank entry once, at start-up, instead of on a user's first draft."""
    texts = [t.descriptor for t in bank.topics]
    for t in bank.topics:
        texts += [neutral(p.judgement + p.detail) for p in t.problems]
        texts += [neutral(c.title + c.detail) for c in (*t.causes, *t.measures)]
    texts += [neutral(c.title + c.detail) for c in (*bank.general_causes, *bank.general_measures)]
    vec.passages(texts)


def sentences(text: str) -> list[str]:
    return [s for s in re.findall(r"[^。！？；;!?]+[。！？；;!?]?", text) if s.strip()]


def norm(s: str) -> str:
    return re.sub(r"[\s，。、；：,.;:！？“”\"'（）()]", "", s)


@dataclass
class Candidate:
    judgement: str
    detail: str
    hint: str
    topic: str
    ref: SourceRef
    score: float = 0.0
    template: str = ""  # a phrase-bank entry before filling, the same for every user
    vector: np.ndarray | None = None  # a corpus item's vector as stored in the index

    @property
    def text(self) -> str:
        return self.judgement + self.detail

    @property
    def embed(self) -> str:
        """What to embed for ranking: the unfilled template where there is one, so its
        vector is computed once for all users and units."""
        return self.template or self.text


class Used:
    """Sentences already in the draft: none is used twice."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def fresh(self, text: str) -> bool:
        return all(norm(s) not in self.keys for s in sentences(text) if len(norm(s)) > 6)

    def add(self, text: str) -> None:
        self.keys.update(norm(s) for s in sentences(text) if len(norm(s)) > 6)


class OfflineComposer:
    name = "offline"

    def __init__(self, index: Index, vec: Vectors) -> None:
        self.index = index
        self.vec = vec

    # --- corpus sentences, made fit for this writer ----------------------------------
    def _clean_corpus(self, plan: Plan, text: str) -> tuple[str, str] | None:
        """(judgement, detail) from a corpus item, or None when its judgement does not fit."""
        req = plan.request
        for ex in find_examples(text):
            text = text.replace(ex, "")
        kept = []
        for n, s in enumerate(sentences(text)):
            ok = fits_year(s, req.year) and fits_unit(s, plan.context) and not has_blank(s)
            if not ok and n == 0:
                return None
            if ok:
                kept.append(to_role(s.strip(), req.role))
        if not kept:
            return None
        judgement, detail = kept[0], ""
        if not judgement.endswith(("。", "！", "？")):
            judgement = judgement.rstrip("；;，,") + "。"
        for s in kept[1:]:
            if len(detail) + len(s) > DETAIL_MAX:
                break
            detail += s
        detail = re.sub(r"[；;，,]$", "。", detail)
        return judgement, detail

    def _corpus(self, plan: Plan, query: str, section: str, k: int) -> list[Candidate]:
        out = []
        mine = plan.owner

        def allowed(meta) -> bool:  # the shared corpus and this user's own uploads only
            return meta.get("owner", "corpus") in ("corpus", mine)

        hits = self.index.search(query, k=k, section=section, where=allowed)
        stored = self.index.vectors([h.id for h in hits if h.id])
        for hit in hits:
            meta = hit.meta
            body = meta.get("text", hit.text)[len(meta.get("marker", "")) :]
            cleaned = self._clean_corpus(plan, body)
            if not cleaned:
                continue
            ref = SourceRef(
                kind="corpus", text=meta.get("text", hit.text), source=meta.get("source", ""),
                year=meta.get("year") or None,
            )
            bonus = 0.01 if meta.get("role") == plan.request.role.value else 0.0
            if meta.get("owner") == mine and mine != "corpus":
                bonus += OWN_BONUS  # the user's own voice and unit come first
            vector = np.asarray(stored[hit.id], dtype=np.float32) if hit.id in stored else None
            out.append(Candidate(*cleaned, hint="本单位的具体事例", topic=meta.get("dimension", ""),
                                 ref=ref, score=hit.score + bonus, vector=vector))
        return out

    def _without_repeats(self, plan: Plan, pool: list[Candidate]) -> list[Candidate]:
        """Drop candidates whose judgement says again what last year's material said, and
        the near-copy sentences of the rest (thresholds in revise.py)."""
        if plan.checker is None:
            return pool
        out = []
        for c in pool:
            text, first_ok = plan.checker.clean(c.text)
            if not first_ok or not text.strip():
                continue
            if text != c.text:
                c.detail = text[len(c.judgement):] if text.startswith(c.judgement) else c.detail
            out.append(c)
        return out

    def _vectors(self, pool: list[Candidate]) -> np.ndarray:
        todo = [c.embed for c in pool if c.vector is None]
        fresh = iter(self.vec.passages(todo)) if todo else iter(())
        return np.stack([c.vector if c.vector is not None else next(fresh) for c in pool])

    def _fill(self, plan: Plan, text: str) -> str:
        r = plan.request
        return fill(text, r.role, r.unit, r.year)

    # --- problems -------------------------------------------------------------------
    def problems(self, plan: Plan, d: int, rng: random.Random, used: Used,
                 min_items: int | None = None) -> DimensionDraft:
        dim = plan.dimensions[d]
        want = MIN_ITEMS if min_items is None else min_items
        query = f"{dim.name}：{'；'.join(dim.facts)}" if dim.facts else dim.name
        qv = self.vec.queries([query])[0]
        pool = self._corpus(plan, query, "problems", 24) + self._bank_problems(plan, dim)
        bank = [c for c in pool if c.ref.kind == "phrasebank"]
        if bank:
            sims = self.vec.passages([c.embed for c in bank]) @ qv
            for c, s in zip(bank, sims):
                c.score += float(s)
        pool = self._without_repeats(plan, [c for c in pool if used.fresh(c.text)])
        if not pool:
            return DimensionDraft(name=dim.name, heading=dimension_heading(d + 1, dim.name), items=[])
        pvecs = self._vectors(pool)
        jitter = np.array([rng.uniform(0, JITTER) for _ in pool])
        base = np.array([c.score for c in pool]) + jitter
        chosen: list[int] = []
        cases: list[list[str]] = []

        def pick(scores: np.ndarray) -> int | None:
            for i in np.argsort(-scores):
                i = int(i)
                if i in chosen or not used.fresh(pool[i].text):
                    continue
                if any(float(pvecs[i] @ pvecs[j]) > SAME_IDEA for j in chosen):
                    continue
                return i
            return None

        carried_ids: set[int] = set()
        # Last year's unsolved problems first, said anew: the nearest finding that is not a
        # near-copy, with this year's facts about it as the case.
        if dim.carried:
            ovecs = self.vec.passages([t for t, _ in dim.carried])
            for k, (_, facts_k) in enumerate(dim.carried[:MAX_ITEMS]):
                i = pick(pvecs @ ovecs[k] + 0.5 * base)
                if i is None:
                    break
                chosen.append(i)
                cases.append(list(facts_k))
                carried_ids.add(i)
                used.add(pool[i].text)
        # Then an item for each fact: the finding that fact is a case of.
        facts = dim.facts
        if facts:
            fvecs = self.vec.queries(facts)
            for f, fact in enumerate(facts):
                if len(chosen) == MAX_ITEMS:
                    near = max(range(len(chosen)), key=lambda k: float(pvecs[chosen[k]] @ fvecs[f]))
                    cases[near].append(fact)
                    continue
                i = pick(pvecs @ fvecs[f] + 0.5 * base)
                if i is None:
                    break
                chosen.append(i)
                cases.append([fact])
                used.add(pool[i].text)
        # Then findings for the dimension itself, up to the usual two.
        while len(chosen) < want:
            i = pick(base)
            if i is None:
                break
            chosen.append(i)
            cases.append([])
            used.add(pool[i].text)
        items = []
        for n, (i, facts_here) in enumerate(zip(chosen, cases), 1):
            c = pool[i]
            carried = frames()["carried"] if i in carried_ids else ""
            items.append(
                Paragraph(
                    marker=f"{cn_number(n)}是" if len(chosen) > 1 else "",
                    text=c.judgement + c.detail + carried + self._case_text(facts_here, c.hint, rng),
                    sources=[c.ref] + [SourceRef(kind="fact", text=f) for f in facts_here],
                    facts=facts_here,
                    topic=c.topic,
                )
            )
        return DimensionDraft(name=dim.name, heading=dimension_heading(d + 1, dim.name), items=items)

    def _bank_problems(self, plan: Plan, dim: DimensionPlan) -> list[Candidate]:
        """Findings of the dimension's own topic, and of the next one only when the
        dimension is about both (带头敬畏人民、敬畏组织、敬畏法纪)."""
        topics = [t for r, (t, m) in enumerate(zip(dim.topics[:2], dim.margins[:2]))
                  if r == 0 or m <= TOPIC_MARGIN]
        # A fact about 食堂 under 工作作风 needs the 为民服务 findings to be its case.
        topics += [t for t in dim.fact_topics if t not in topics]
        out = []
        for rank, topic in enumerate(topics):
            for p in topic.problems:
                out.append(Candidate(self._fill(plan, p.judgement), self._fill(plan, p.detail),
                                     p.case_hint, topic.id,
                                     SourceRef(kind="phrasebank", text=p.judgement), 0.02 if rank == 0 else 0.0,
                                     template=neutral(p.judgement + p.detail)))
        return out

    def _case_text(self, facts: list[str], hint: str, rng: random.Random) -> str:
        fr = frames()
        if not facts:
            return fr["missing_case"].format(hint=hint)
        text = rng.choice(fr["case"]).format(fact=facts[0])
        for f in facts[1:]:
            text += rng.choice(fr["more_case"]).format(fact=f)
        return text

    # --- causes ---------------------------------------------------------------------
    def causes(self, plan: Plan, problems: list[DimensionDraft], rng: random.Random, used: Used) -> list[Paragraph]:
        if not problems:
            return []
        dim_texts = [f"{p.name}：" + "".join(i.text[:60] for i in p.items) for p in problems]
        topics = {t.id: t for dp in plan.dimensions for t in dp.topics[:1]}
        pool: list[Candidate] = []
        for t in [*topics.values()]:
            pool += [self._titled_candidate(plan, c, t.id) for c in t.causes]
        pool += [self._titled_candidate(plan, c, "general") for c in plan.bank.general_causes]
        for c in self._corpus(plan, "；".join(p.name for p in problems) + " 原因", "causes", 10):
            if c.topic and len(c.topic) <= 20:
                # a corpus cause's title is its （一） heading; its item is the body
                c.judgement, c.detail = c.topic, c.judgement + c.detail
            pool.append(c)
        pool = self._without_repeats(plan, [c for c in pool if used.fresh(c.text)])
        if not pool:
            return []
        sims = self._vectors(pool) @ self.vec.queries(dim_texts).T
        jitter = np.array([rng.uniform(0, JITTER) for _ in pool])
        want = 3 if len(problems) <= 4 else 4
        chosen: list[int] = []
        best = np.full(len(problems), -1.0)
        while len(chosen) < min(want, len(pool)):
            gains = np.maximum(sims - best[None, :], 0).sum(axis=1) + sims.mean(axis=1) * 0.1 + jitter
            gains[chosen] = -np.inf
            i = int(gains.argmax())
            chosen.append(i)
            best = np.maximum(best, sims[i])
        answers: dict[int, list[str]] = {i: [] for i in chosen}
        for d, p in enumerate(problems):
            answers[max(chosen, key=lambda i: sims[i, d])].append(p.name)
        out = []
        for i in chosen:
            c = pool[i]
            dims = answers[i] or [problems[int(sims[i].argmax())].name]
            tie = rng.choice(frames()["cause_tieback"]).format(dims="、".join(dims))
            used.add(c.text)
            out.append(Paragraph(title=c.judgement, text=c.detail + tie, sources=[c.ref],
                                 answers=dims, topic=c.topic))
        return out

    def _titled_candidate(self, plan: Plan, t: Titled, topic: str) -> Candidate:
        return Candidate(self._fill(plan, t.title), self._fill(plan, t.detail), "", topic,
                         SourceRef(kind="phrasebank", text=t.title), template=neutral(t.title + t.detail))

    # --- measures -------------------------------------------------------------------
    def measures(self, plan: Plan, causes: list[Paragraph], problems: list[DimensionDraft],
                 rng: random.Random, used: Used) -> list[Paragraph]:
        pool: list[Candidate] = []
        for t in plan.bank.topics:
            if t.id == "rectification" and not plan.request.year:
                continue
            pool += [self._titled_candidate(plan, m, t.id) for m in t.measures]
        pool += [self._titled_candidate(plan, m, "general") for m in plan.bank.general_measures]
        pool = self._without_repeats(plan, [c for c in pool if used.fresh(c.text)])
        if not pool or not causes:
            return []
        cause_texts = [f"{c.title}：{c.text[:80]}；" + "、".join(c.answers) for c in causes]
        sims = self.vec.passages([c.embed for c in pool]) @ self.vec.queries(cause_texts).T
        facts_by_dim = {p.name: [f for i in p.items for f in i.facts] for p in problems}
        topics_by_dim = {dp.name: [t.id for t in dp.topics[:1]] for dp in plan.dimensions}
        by = f"{(plan.request.year or 2025) + 1}年6月底"
        out, taken = [], set()
        for k, cause in enumerate(causes):
            scores = sims[:, k] + np.array([rng.uniform(0, JITTER) for _ in pool])
            # The measure should come from the topic of the cause or of the problems it answers.
            near = {cause.topic} | {t for d in cause.answers for t in topics_by_dim.get(d, [])}
            scores += np.array([0.05 if c.topic in near else 0.0 for c in pool])
            for i in taken:
                scores[i] = -np.inf
            i = int(scores.argmax())
            taken.add(i)
            m = pool[i]
            used.add(m.text)
            extra = ""
            facts = [f for d in cause.answers for f in facts_by_dim.get(d, [])][:2]
            for f in facts:
                extra += rng.choice(frames()["fact_measure"]).format(fact=f"“{f}”", by=by)
            out.append(Paragraph(title=m.judgement, text=m.detail + extra, sources=[m.ref],
                                 answers=[cause.title], facts=facts, topic=m.topic))
        return out

    # --- preamble -------------------------------------------------------------------
    def preamble(self, plan: Plan, rng: random.Random) -> Paragraph:
        req = plan.request
        key = "班子" if req.role == Role.BANZI else "个人"
        openers = plan.bank.openers.get(key) or [""]
        meeting = f"{req.year or ''}年度{req.meeting}" if req.year else req.meeting
        text = rng.choice(list(openers))
        text = (text.replace("{会议}", meeting)
                .replace("{通知}", f"上级关于开好{meeting}的通知")
                .replace("{方面}", "、".join(plan.structure.dimensions)))
        return Paragraph(text=self._fill(plan, text), sources=[SourceRef(kind="phrasebank", text="preamble")])
