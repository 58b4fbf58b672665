"""Phrase-bank entries a writer may use: tagged for their kind of writer, unit, year and
powers, and, once filled in their voice, clean by the hygiene checks. Both composers draw
from here; the LLM gets these as the wording it may use."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.core import content
from assistant.core.content import (
    CauseEntry,
    MeasureEntry,
    ProblemEntry,
    Remedy,
    Tagged,
)
from assistant.draft import hygiene
from assistant.draft.writer import Writer
from assistant.ingest.vectors import Vectors


def neutral(template: str) -> str:
    """A template with its placeholders dropped: what is embedded, once for all writers."""
    return re.sub(r"\{[^{}]+\}", "", template)


def usable(entry: Tagged, w: Writer) -> bool:
    """Tagged for this writer, year and powers, and for this kind of unit (or for words the
    user's own text uses)."""
    if w.kind not in entry.writers or not entry.fits_year(w.year) or not w.can(entry.needs):
        return False
    if entry.units and w.unit_type not in entry.units:
        vocab = {x for t in content.units().types if t.id in entry.units for x in t.vocabulary}
        if not vocab & w.own_words:
            return False
    return True


def clean(text: str, w: Writer) -> bool:
    """The filled text fits this writer: era, unit, voice, powers."""
    if not hygiene.era_ok(text, w.year):
        return False
    if hygiene.foreign_words(text, w.unit_type, w.own_words):
        return False
    if hygiene.voice_errors(text, w.kind):
        return False
    return w.can(hygiene.needs_of(text))


@dataclass
class Cand:
    """A bank entry filled for this writer."""

    entry: ProblemEntry | CauseEntry | MeasureEntry | Remedy
    topic: str
    title: str  # judgement or title
    body: str  # detail
    vector: np.ndarray | None = None
    score: float = 0.0

    @property
    def text(self) -> str:
        return self.title + self.body

    @property
    def template(self) -> str:
        e = self.entry
        if isinstance(e, ProblemEntry):
            return neutral(e.judgement + e.detail)
        if isinstance(e, Remedy):
            return neutral(e.text)
        return neutral(e.title + e.detail)


def problems(w: Writer, topic_ids: list[str]) -> list[Cand]:
    bank = content.bank()
    out = []
    for tid in dict.fromkeys(topic_ids):
        tb = bank.topics.get(tid)
        for e in tb.problems if tb else ():
            if usable(e, w):
                c = Cand(e, tid, w.fill(e.judgement), w.fill(e.detail))
                if clean(c.text, w):
                    out.append(c)
    return out


def remedies(w: Writer, topic_ids: list[str]) -> list[Cand]:
    bank = content.bank()
    out = []
    for tid in dict.fromkeys(topic_ids):
        tb = bank.topics.get(tid)
        for e in tb.remedies if tb else ():
            if usable(e, w):
                c = Cand(e, tid, "", e.text)  # filled when the fact and date are known
                if clean(w.fill(neutral_fact(e.text)), w):
                    out.append(c)
    return out


def neutral_fact(text: str) -> str:
    return text.replace("{fact}", "“”").replace("{by}", "").replace("{next}", "")


def causes(w: Writer) -> list[Cand]:
    return [c for c in (Cand(e, e.root, w.fill(e.title), w.fill(e.detail)) for e in content.bank().causes
                        if usable(e, w)) if clean(c.title + "。" + c.body, w)]


def measures(w: Writer) -> list[Cand]:
    return [c for c in (Cand(e, e.root, w.fill(e.title), w.fill(e.detail)) for e in content.bank().measures
                        if usable(e, w)) if clean(c.title + "。" + c.body, w)]


def embed(vec: Vectors, cands: list[Cand]) -> np.ndarray:
    """Each candidate's vector (of its unfilled template, so one embedding serves all)."""
    if not cands:
        return np.zeros((0, 384), np.float32)
    m = vec.passages([c.template for c in cands])
    for c, v in zip(cands, m):
        c.vector = v
    return m


def warm_up(vec: Vectors) -> None:
    """Embed the whole bank once, at start-up, instead of on a user's first draft."""
    texts = []
    for kind, e in content.bank().entries():
        if kind == "problem":
            texts.append(neutral(e.judgement + e.detail))
        elif kind == "remedy":
            texts.append(neutral(e.text))
        else:
            texts.append(neutral(e.title + e.detail))
    vec.passages(texts)


def without_repeats(pool: list[Cand], checker) -> list[Cand]:
    """Candidates whose judgement or title does not say again what last year's material
    said, with their near-copy sentences of last year taken out (revise.RepeatChecker)."""
    if checker is None:
        return pool
    out = []
    for c in pool:
        text, first_ok = checker.clean(c.title + "。" + c.body if c.title and not c.title.endswith("。") else c.text)
        if not first_ok:
            continue
        head = c.title if c.title.endswith("。") else c.title + "。"
        if text.startswith(head):
            c.body = text[len(head):]
        out.append(c)
    return out
