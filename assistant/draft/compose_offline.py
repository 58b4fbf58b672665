"""The offline composer: writes from the phrase bank and the user's facts, no LLM.

Fact first: for each problem fact placed under a 方面, it picks the judgement that fits the
fact (by meaning and by the words a fact about it uses, never one the fact contradicts) and
writes the fact in as the case. 方面 without facts get judgements of their own topics with a
visible 【待补充】 where the case goes. Other units' materials are never copied: the corpus
chose the structure and the topics; the wording is the bank's and the user's. Randomness is
seeded, so a request always gives the same draft and a new variant number another one.
"""

from __future__ import annotations

import random
import re

import numpy as np

from assistant.core import content
from assistant.core import text as grammar
from assistant.core.text import cn_number, segment
from assistant.core.types import DimensionDraft, Fact, Paragraph, SourceRef
from assistant.draft import candidates
from assistant.draft.candidates import Cand, about_hits
from assistant.draft.compose_reasons import causes as draft_causes
from assistant.draft.compose_reasons import measures as draft_measures
from assistant.draft.plan import DimensionPlan, Plan
from assistant.draft.render import dimension_heading
from assistant.ingest.index import Index
from assistant.ingest.vectors import Vectors

JITTER = 0.02  # enough to reorder near-equals between variants, not to pick a poor fit
# Two judgements this close say the same thing ("参加组织生活的主动性不够强" and "…的投入度还
# 不够"). Over the bank's pairs the near-copies sit above 0.96; at 0.93 one pair in six was
# kept apart, "健康文明的生活方式" from "遵守作息制度" among them.
SAME_IDEA = 0.96
ABOUT_BONUS = 0.03  # per word of the judgement's `about` found in the fact (up to three)
# When a fact chooses its judgement (candidates.fit, in standard deviations over the pool):
# how much the 方面's weight for the judgement's topic and the fact's own topic add, the
# variant's jitter, and the margin by which a fresh judgement must fit better than one
# already chosen for another fact to get an item of its own.
FIT_TOPIC, FIT_OWN_TOPIC, FIT_JITTER, ATTACH_MARGIN = 0.3, 1.2, 0.1, 0.5
MIN_ITEMS, MAX_ITEMS = 2, 4
# A judgement's `detail` describes how the shortcoming shows ("有时认为工作间隙看看手机…"). Beside
# the writer's own case it is a second account of their conduct, true only if the judgement is
# about that case; otherwise the writer would read out conduct they never reported (a reviewer
# of 2026-12-03 circled it in every draft). So with a case, the detail stays only where the
# case uses this many of the judgement's `about` words. On the labelled facts of
# eval/heldout5-6, judgements so backed fit their fact 29 times in 42; all chosen, 122 in 251.
DETAIL_WITH_CASE = 2
_DEFICIT = re.compile(r"不|没|未|无|少|缺|差|低|慢|只有|仅有|不到|不足|偏|滞后|坏|长|难|拖|漏|错|弱|松|软|乱")
# A clause that says a thing was done in full ("支部党员大会都参加了", "全部按时上交"): with the
# main word of what a judgement says is lacking, it shows that done, whatever the lack's
# qualifier (按时参加 is gainsaid by 都参加了 too).
_DONE_IN_FULL = r"(?:都|全部|全都|每次|坚持|按时)[^，,；;。]{0,3}?"  # then the word done


def norm(s: str) -> str:
    return re.sub(r"[\s，。、；：,.;:！？“”\"'（）()]", "", s)


class Used:
    """Sentences already in the draft: none is used twice."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.ids: set[str] = set()  # phrase-bank entries used whole (remedies)

    def fresh(self, text: str) -> bool:
        return all(norm(s) not in self.keys for s in grammar.clauses(text) if len(norm(s)) > 6)

    def add(self, text: str) -> None:
        self.keys.update(norm(s) for s in grammar.clauses(text) if len(norm(s)) > 6)


def contradicts(entry, fact: str) -> bool:
    """True when the fact shows done what the judgement says is missing: "研读原著原文少"
    with "只读了原文" (the fact's clause names it with no word of lack), "参加组织生活不够
    经常" with "支部党员大会都参加了" (its main word, done in full)."""
    for lack in entry.lacks:
        words = [w for w in _words(lack) if len(w) > 1] or [lack]
        for clause in re.split(r"[，,；;。、]", fact):
            if _DEFICIT.search(clause):
                continue
            if all(w in clause for w in words) or re.search(_DONE_IN_FULL + re.escape(words[-1]), clause):
                return True
    return False


def _words(text: str) -> list[str]:
    return segment(text)


def case_text(facts: list[str], plan: Plan, hint: str, rng: random.Random, used: "Used | None" = None) -> str:
    """The facts as the item's case. A frame's closing words ("这说明我在这方面做得还不够")
    are said once in a draft: after that the plain "比如，…。" (a reviewer circles the
    same tail read out after case after case)."""
    fr = content.frames()
    if not facts:
        return fr.missing_case.format(hint=hint)
    frames = fr.case.personal if plan.writer.personal else fr.case.collective
    tails = {f: plan.writer.fill(f.replace("{fact}", "")) for f in frames}
    if used is not None:
        frames = [f for f in frames if used.fresh(tails[f])] or list(frames[:1])
    frame = rng.choice(frames)
    if used is not None:
        used.add(tails[frame])
    text = plan.writer.fill(frame.replace("{fact}", "\x00")).replace("\x00", facts[0])
    for f in facts[1:]:
        text += rng.choice(fr.more_case).format(fact=f)
    return text


class OfflineComposer:
    name = "offline"

    def __init__(self, index: Index, vec: Vectors) -> None:
        self.index = index
        self.vec = vec

    # --- candidates -----------------------------------------------------------------
    def _pool(self, plan: Plan, dim: DimensionPlan, used: Used) -> list[Cand]:
        topics = dim.main_topics + [t for f in dim.facts for t in f.topics[:1]]
        topics += [t for t in dim.topics if t not in topics]
        pool = [c for c in candidates.problems(plan.writer, topics) if used.fresh(c.text)]
        pool = candidates.without_repeats(pool, plan.checker)  # nothing last year's material said
        candidates.embed(self.vec, pool)
        return pool

    def references(self, plan: Plan, d: int, k: int = 2) -> list[SourceRef]:
        """Past materials about the same 方面, for the writer to read: never copied in."""
        # Every 方面's query in one batch, kept in the vector cache: the model encodes a
        # batch for less per text than one at a time, and the next 方面, a regenerate or a
        # redraft with the same facts finds its query already encoded.
        queries = [f"{x.name}：{'；'.join(x.fact_texts)}" if x.facts else x.name for x in plan.dimensions]
        vector = self.vec.queries(queries)[d]
        hits = self.index.search_by_vector(vector.tolist(), k=k, section="problems", owner=plan.owner)
        return [SourceRef(kind="reference", text=h.meta.get("text", h.text)[:200], source=h.meta.get("source", ""),
                          year=h.meta.get("year") or None) for h in hits]

    # --- problems -------------------------------------------------------------------
    def problems(self, plan: Plan, d: int, rng: random.Random, used: Used,
                 min_items: int | None = None, only_facts: list[Fact] | None = None) -> DimensionDraft:
        """One 方面. `only_facts`: draft just these facts (an item added from the chat)."""
        dim = plan.dimensions[d]
        facts = dim.facts if only_facts is None else only_facts
        want = MIN_ITEMS if min_items is None else min_items
        pool = self._pool(plan, dim, used)
        heading = dimension_heading(d + 1, dim.name)
        if not pool:
            return DimensionDraft(name=dim.name, heading=heading,
                                  items=[Paragraph(text=content.frames().missing_problem)])
        pv = np.stack([c.vector for c in pool])
        jitter = np.array([rng.uniform(0, JITTER) for _ in pool])
        weight = np.array([dim.weights.get(c.topic, 0.3) for c in pool])
        chosen: list[int] = []
        cases: list[list[str]] = []
        carried_ids: set[int] = set()

        def pick(scores: np.ndarray, banned: set[int] = frozenset()) -> int | None:
            for i in np.argsort(-scores):
                i = int(i)
                if i in chosen or i in banned or not np.isfinite(scores[i]) or not used.fresh(pool[i].text):
                    continue
                if any(float(pv[i] @ pv[j]) > SAME_IDEA for j in chosen):
                    continue
                return i
            return None

        # Last year's unsolved problems first, said anew, with this year's facts about them.
        if only_facts is None and dim.carried:
            ov = self.vec.passages([t for t, _ in dim.carried])
            for k, (_, facts_k) in enumerate(dim.carried[:MAX_ITEMS]):
                # the judgement fits this year's facts first, last year's wording second
                scores = pv @ ov[k] + jitter
                if facts_k:
                    scores = 0.5 * scores + pv @ self.vec.queries(facts_k).mean(axis=0)
                for n, c in enumerate(pool):
                    scores[n] += sum(ABOUT_BONUS * about_hits(c.entry, f) for f in facts_k)
                    if any(contradicts(c.entry, f) for f in facts_k):
                        scores[n] = -np.inf
                i = pick(scores)
                if i is None:
                    break
                chosen.append(i)
                cases.append(list(facts_k))
                carried_ids.add(i)
                used.add(pool[i].text)
        # Then an item for each fact: the judgement this fact is a case of.
        if facts:
            for fact in facts:
                scores = candidates.fit(self.vec, pool, fact.text) + FIT_JITTER * jitter / JITTER
                for n, c in enumerate(pool):
                    scores[n] += FIT_TOPIC * weight[n] + (FIT_OWN_TOPIC if c.topic in fact.topics[:1] else 0.0)
                    if contradicts(c.entry, fact.text):
                        scores[n] = -np.inf
                fresh = pick(scores) if len(chosen) < MAX_ITEMS else None
                if chosen:
                    best_old = max(range(len(chosen)), key=lambda k: scores[chosen[k]])
                    old_score = scores[chosen[best_old]]
                    if fresh is None or (np.isfinite(old_score) and scores[fresh] < old_score - ATTACH_MARGIN):
                        cases[best_old].append(fact.text)
                        continue
                if fresh is None:
                    continue
                chosen.append(fresh)
                cases.append([fact.text])
                used.add(pool[fresh].text)
        # Then judgements for the 方面 itself, up to the usual two, each awaiting a case.
        if len(chosen) < want:
            # what the 方面 is about at its core (its main topics) before what it merely hosts
            qv = self.vec.queries([dim.name])[0]
            core = np.array([0.0 if c.topic in dim.main_topics else -1.0 for c in pool])
            base = pv @ qv + 0.05 * weight + core + jitter
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
            carried = content.frames().carried if i in carried_ids else ""
            backed = not facts_here or max(about_hits(c.entry, f) for f in facts_here) >= DETAIL_WITH_CASE
            items.append(Paragraph(
                marker=f"{cn_number(n)}是" if len(chosen) > 1 else "",
                text=c.title + (c.body if backed else "") + carried + case_text(facts_here, plan, c.entry.hint, rng, used),
                sources=[SourceRef(kind="phrasebank", text=c.entry.id)] + [SourceRef(kind="fact", text=f) for f in facts_here],
                facts=facts_here, topic=c.topic,
            ))
        return DimensionDraft(name=dim.name, heading=heading, items=items)

    # --- causes and measures ----------------------------------------------------------
    def causes(self, plan: Plan, problems: list[DimensionDraft], rng: random.Random, used: Used) -> list[Paragraph]:
        return draft_causes(self.vec, plan, problems, rng, used)

    def measures(self, plan: Plan, causes: list[Paragraph], problems: list[DimensionDraft],
                 rng: random.Random, used: Used) -> list[Paragraph]:
        return draft_measures(self.vec, plan, causes, problems, rng, used)

    # --- preamble -------------------------------------------------------------------
    def preamble(self, plan: Plan, rng: random.Random) -> Paragraph:
        req, w = plan.request, plan.writer
        fr = content.frames()
        meeting = f"{req.year}年度{req.meeting}" if req.year else req.meeting
        text = rng.choice(list(fr.openers[w.kind]))
        text = (text.replace("{会议}", meeting)
                .replace("{通知}", f"上级关于开好{meeting}的通知")
                .replace("{方面}", dimension_list(plan.structure.dimensions)))
        text = w.fill(text)
        done = [f.text for f in plan.preamble_facts]
        asked = [fr.unsure_progress.format(fact=f.text) for f in plan.unsure_progress]
        if done or asked:
            items = done + asked
            dated = items[0].startswith(fr.period_words)
            lead = w.fill((fr.progress_lead_dated if dated else fr.progress_lead)
                          .replace("{会议}", meeting).replace("{items}", "\x00"))
            lead = lead.replace("\x00", "；".join(items))
            # before the closing formula (下面，我代表… / 现作个人对照检查如下。)
            m = re.search(r"(下面，我代表|现作个人对照检查)", text)
            text = text[: m.start()] + lead + text[m.start():] if m else text + lead
        return Paragraph(text=text, facts=done,
                         sources=[SourceRef(kind="phrasebank", text="opener")] + [SourceRef(kind="fact", text=f) for f in done])


def dimension_list(names: list[str]) -> str:
    """The 方面 as a preamble names them: 理论学习、政治素质等方面; long ones quoted."""
    if not names:
        return "会议要求的各个方面"
    if any(len(n) > 8 or "、" in n for n in names):
        return "".join(f"“{n}”" for n in names) + "等方面"
    return "、".join(names) + "等方面"
