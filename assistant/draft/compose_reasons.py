"""Causes (原因剖析) and measures (整改措施), offline.

Causes: 3-4 roots in the writer's own thinking, all different, chosen so that together they
explain every 方面 drafted (each root `explains` topics; a 方面 is explained by a root that
covers its topics or its facts'). Measures: one for each cause, from the same root, and in it
a commitment for each problem fact of the 方面 that cause explains, with a date that fits
the fact (a yearly figure is answered within the year).
"""

from __future__ import annotations

import random
import re

import numpy as np

from assistant.core import content
from assistant.core.types import DimensionDraft, Paragraph, SourceRef
from assistant.draft import candidates
from assistant.draft.candidates import Cand
from assistant.draft.plan import Plan
from assistant.ingest.vectors import Vectors

JITTER = 0.02
# The causes of one root differ in what they say (改革创新的勇气 and 管党治党的责任 are both
# 责任担当); e5 puts them within ~0.02 of each 方面, no more than the jitter, so the nearness to
# the 方面 a cause would explain counts in standard deviations within its root.
CAUSE_FOCUS = 0.03
# A remedy none of whose words the fact uses must have a case this near the fact (e5 puts
# most lines of the genre above 0.8); otherwise the plain commitment of compose.yaml is used.
# On the labelled facts of eval/heldout5-6 (with the bank's cases), 0.90 nearly halves the
# commitments that answer another problem (137 of 251 before the cases, 75 after) for fewer
# that fit (109 -> 96); 80 get the plain commitment, 20 of them where nothing in the bank
# fits. A plain commitment the writer can sharpen is better than one that answers something else.
REMEDY_FIT = 0.90
REMEDY_JITTER = 0.1  # in standard deviations of fit: reorders near-equals between variants


def _fresh(pool: list[Cand], plan: Plan, used) -> list[Cand]:
    return candidates.without_repeats([c for c in pool if used.fresh(c.text)], plan.checker)


def _dimension_topics(plan: Plan, problems: list[DimensionDraft]) -> list[dict[str, float]]:
    """For each drafted 方面: what its problems are about, as shares that sum to 1 — the
    topics of the items drafted, a fact's own topic counting double (it is what the writer
    will be asked about)."""
    out = []
    for p in problems:
        dim = next(d for d in plan.dimensions if d.name == p.name)
        topics: dict[str, float] = {}
        for item in p.items:
            topics[item.topic] = topics.get(item.topic, 0.0) + (2.0 if item.facts else 1.0)
        for f in dim.facts:
            for t in f.topics[:1]:
                topics[t] = topics.get(t, 0.0) + 1.0
        if not topics:
            topics = {t: dim.weights[t] for t in dim.main_topics}
        total = sum(topics.values()) or 1.0
        out.append({t: w / total for t, w in topics.items()})
    return out


def _z_within(x: np.ndarray, groups: list[str]) -> np.ndarray:
    """x in standard deviations within each group."""
    out = np.zeros_like(x)
    for g in set(groups):
        idx = [i for i, h in enumerate(groups) if h == g]
        out[idx] = candidates.zscore(x[idx])
    return out


def causes(vec: Vectors, plan: Plan, problems: list[DimensionDraft], rng: random.Random, used) -> list[Paragraph]:
    problems = [p for p in problems if p.items] or problems
    if not problems:
        return []
    bank = content.bank()
    pool = _fresh(candidates.causes(plan.writer), plan, used)
    if not pool:
        return []
    pv = candidates.embed(vec, pool)
    dv = vec.queries([f"{p.name}：" + "".join(i.text[:60] for i in p.items) for p in problems])
    sims = pv @ dv.T  # causes x 方面
    topics = _dimension_topics(plan, problems)
    roots = {r.id: set(r.explains) for r in bank.roots}
    cover = np.array([[sum(w for t, w in topics[d].items() if t in roots[c.topic]) for d in range(len(problems))]
                      for c in pool])
    want = 3 if len(problems) <= 4 else 4
    jitter = np.array([rng.uniform(0, JITTER) for _ in pool])
    chosen: list[int] = []
    explained = np.zeros(len(problems))
    while len(chosen) < want:
        taken_roots = {pool[i].topic for i in chosen}
        owed = np.maximum(cover - explained[None, :], 0)  # causes x 方面: what each would explain anew
        gain = owed.sum(axis=1)
        # among the causes of one root (they explain the same topics), the one whose words are
        # nearest the 方面 it would explain, not the one nearest all of them
        focus = (owed * sims).sum(axis=1) / (gain + 1e-6)
        score = gain + CAUSE_FOCUS * _z_within(focus, [c.topic for c in pool]) + jitter
        for i, c in enumerate(pool):
            if i in chosen or c.topic in taken_roots:
                score[i] = -np.inf
        if not np.isfinite(score.max()):
            break
        i = int(score.argmax())
        chosen.append(i)
        explained = np.maximum(explained, cover[i])
    answers: dict[int, list[str]] = {i: [] for i in chosen}
    for d, p in enumerate(problems):
        best = max(chosen, key=lambda i: (cover[i, d], sims[i, d]))
        answers[best].append(p.name)
    out = []
    for i in chosen:
        c = pool[i]
        dims = answers[i] or [problems[int(sims[i].argmax())].name]
        tie = rng.choice(content.frames().cause_tieback).format(dims="、".join(dims))
        used.add(c.text)
        out.append(Paragraph(title=c.title, text=c.body + tie, sources=[SourceRef(kind="phrasebank", text=c.entry.id)],
                             answers=dims, topic=c.topic))
    return out


def _deadline(plan: Plan, horizon: str, fact: str) -> tuple[str, str]:
    """(horizon, date) for a commitment: a fact about a yearly figure is answered within the
    year, never "by the end of June"; one where people's safety is at stake, soonest."""
    fr = content.frames()
    if horizon in ("short", "medium") and any(w in fact for w in fr.annual_words):
        horizon = "annual"
    elif horizon == "medium" and any(w in fact for w in fr.urgent_words):
        horizon = "short"
    nxt = (plan.request.year or 2025) + 1
    date = fr.deadlines.get(horizon, "").format(next=nxt)
    return horizon, date


def remedy_text(vec: Vectors, plan: Plan, fact: str, topics: list[str], rng: random.Random, used,
                judgement: str = "") -> tuple[str, str]:
    """A commitment answering one problem fact, and where it came from. `judgement`: what
    the fact was written up as (the commitment answers that as well)."""
    pool = [c for c in candidates.remedies(plan.writer, topics) if c.entry.id not in used.ids]
    nxt = (plan.request.year or 2025) + 1
    if pool:
        candidates.embed(vec, pool)
        fv = vec.queries([fact])[0]
        near = candidates.case_similarity(vec, pool, fv)
        scores = candidates.fit(vec, pool, fact) + np.array([rng.uniform(0, REMEDY_JITTER) for _ in pool])
        i = int(scores.argmax())
        best = pool[i]
        if candidates.about_hits(best.entry, fact) or float(near[i]) > REMEDY_FIT:
            used.ids.add(best.entry.id)  # one commitment is not pasted under two facts
            horizon, by = _deadline(plan, best.entry.horizon, fact)
            return _fill_remedy(plan, best.entry.text, fact, by, nxt, horizon), best.entry.id
    horizon = "annual" if any(w in fact for w in content.frames().annual_words) else "medium"
    horizon, by = _deadline(plan, horizon, fact)
    return _fill_remedy(plan, content.frames().fallback_remedy[horizon], fact, by, nxt, horizon), "fallback"


def _fill_remedy(plan: Plan, template: str, fact: str, by: str, nxt: int, horizon: str) -> str:
    if horizon == "ongoing":
        template = re.sub(r"[，,]?\{by\}前?", "", template)
    text = plan.writer.fill(template.replace("{fact}", "\x00").replace("{by}", by).replace("{next}", str(nxt)))
    return text.replace("\x00", f"“{fact}”")


def measures(vec: Vectors, plan: Plan, causes_: list[Paragraph], problems: list[DimensionDraft],
             rng: random.Random, used) -> list[Paragraph]:
    if not causes_:
        return []
    pool = _fresh(candidates.measures(plan.writer), plan, used)
    pv = candidates.embed(vec, pool)
    cv = vec.queries([f"{c.title}：{c.text[:80]}；" + "、".join(c.answers) for c in causes_])
    facts_by_dim = {p.name: [(f, i.topic, i.text[:i.text.find("。") + 1]) for i in p.items for f in i.facts]
                    for p in problems}
    out, taken, answered = [], set(), set()
    for k, cause in enumerate(causes_):
        # the measure that says what this cause says: nearness in standard deviations within a
        # root (raw cosines of one root's measures differ by less than the jitter)
        near = _z_within(pv @ cv[k], [m.topic for m in pool]) if len(pool) else np.zeros(0)
        scores = CAUSE_FOCUS * near + np.array([rng.uniform(0, JITTER) for _ in pool])
        for i, m in enumerate(pool):
            if i in taken:
                scores[i] = -np.inf
            elif m.topic != cause.topic:
                scores[i] -= 1.0  # another root's measure only when this root has none left
        if not len(pool) or not np.isfinite(scores.max()):
            continue
        i = int(scores.argmax())
        taken.add(i)
        m = pool[i]
        used.add(m.text)
        extra, facts, refs = "", [], []
        for d in cause.answers:
            for fact, topic, judgement in facts_by_dim.get(d, []):
                if fact in answered:  # each fact is answered once, in one measure
                    continue
                answered.add(fact)
                own = next((f.topics for f in plan.facts if f.text == fact), [topic])
                text, ref = remedy_text(vec, plan, fact, list(dict.fromkeys([*own[:2], topic])), rng, used, judgement)
                used.add(text)
                extra += text
                facts.append(fact)
                refs.append(SourceRef(kind="phrasebank", text=ref))
        out.append(Paragraph(title=m.title, text=m.body + extra, answers=[cause.title], facts=facts, topic=m.topic,
                             sources=[SourceRef(kind="phrasebank", text=m.entry.id), *refs]))
    return out
