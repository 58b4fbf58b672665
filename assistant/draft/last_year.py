"""Revision from last year's material: what became of each old problem, and which new
sentences say again what last year said.

An old problem counts as rectified when one of this year's facts is about it (near in
meaning, not sharing keywords) and reports progress; when a fact about it reports that it
persists, it is carried forward with that fact as its case; with no fact it is reported
as still open and carried forward too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.core import content
from assistant.core import text as grammar
from assistant.core.text import segment
from assistant.core.types import (
    FactKind,
    Material,
    Paragraph,
    Role,
    SectionKind,
    SourceRef,
)
from assistant.ingest.vectors import Vectors

# When a new sentence is a near-copy of one of last year's. Overlap is the share of the new
# sentence's character pairs found in the old one; cosine is e5's, which alone is too
# generous in this genre (two unrelated sentences about study can reach 0.95), so a high
# cosine counts only with some shared wording, or when it is nearly identical.
REPEAT_OVERLAP = 0.6
REPEAT_COSINE = 0.98
REPEAT_COSINE_WITH_OVERLAP = (0.95, 0.45)
# Sentences sharing less wording than this are never near-copies, so they are not embedded:
# the check stays cheap enough to run on every candidate sentence.
PREFILTER_OVERLAP = 0.3
# A fact is about an old problem when it is clearly nearer to it than to the others, and
# either very near in meaning, or near and about the same topics (facts.FactReader) or with
# much of the same wording. e5 puts most sentences of this genre above 0.85, so nearness
# alone would tie a fact about elevators to last year's problem about inspections.
MATCH_COSINE = 0.90
MATCH_MARGIN = 0.015
NEAR_COSINE = 0.86
NEAR_MARGIN = 0.015
# Last year's problems are all in the genre's words, so e5 often puts a fact within a hair of
# two of them ("走访困难退役军人家庭63户" vs "深入退役军人家中走访不够" and "实地核查少"): a
# word that names a thing and is shared (退役军人, 走访) tells them apart. Each one (up to
# three) adds this much to the fact's nearness to that problem before the nearest is chosen.
# On the quality suite's 93 progress facts with a last year's material, 83 -> 88 went where
# a reviewer expects (rectification or the preamble), with 0.01-0.015 alike.
WORD_BONUS = 0.01
SAME_TOPICS = 0.5  # shared topic probability mass
SAME_WORDING = 0.3  # share of the fact's character pairs found in the old problem


rules = content.revision_rules

@dataclass
class OldProblem:
    dimension: str
    judgement: str
    text: str


@dataclass
class Progress:
    problem: OldProblem
    status: str  # rectified | partial | open
    done: list[str] = field(default_factory=list)  # this year's progress facts about it
    persist: list[str] = field(default_factory=list)  # this year's problem facts about it

    @property
    def facts(self) -> list[str]:
        return self.done + self.persist


@dataclass
class Repeat:
    key: str  # the section of the new draft
    new: str
    old: str
    cosine: float
    overlap: float


def old_problems(material: Material) -> list[OldProblem]:
    sec = material.section(SectionKind.PROBLEMS)
    out = []
    for dim in sec.dimensions if sec else []:
        for item in dim.items:
            judgement = item.judgement.rstrip("。；;，,") or item.body[:40]
            out.append(OldProblem(dimension=dim.name, judgement=judgement, text=item.body))
    if not out:  # not a material but its list, as writers paste it
        out = [OldProblem(dimension=d, judgement=re.split(r"[，,]", p)[0], text=p)
               for d, p in listed_problems(material.text())]
    return out


# "查摆的问题：一是学习不够系统；二是…", run on in one paragraph. The marker of grammar.INLINE_ITEM,
# without its sentence end before: a pasted list opens its first item after a colon.
_RUN_ON = re.compile(rf"{grammar.CN_NUM}是")


# An excerpt's item that opens with its 方面 ("1.理论学习方面：中心组学习…", "（三）在勇于担责
#方面。高标准农田…"): the 方面 is where the problem was, the rest is the problem.
_DIMENSION_LEAD = re.compile(r"^(?:在)?([^：:。，,；;]{2,30}?方面)[：:。，,]\s*(?=\S)")
_BARE_DIMENSION = re.compile(r"^(?:在)?[^：:。，,；;]{2,30}?方面[：:。，,]?$")


def listed_problems(text: str) -> list[tuple[str, str]]:
    """Last year's problems given as a bare list, as (方面, problem): numbered lines (一、 /
    1. / （一）), or a 一是…二是… run; each item to its first ；/。 after the 方面 it may open
    with. [] when the text is no such list."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    numbered = [i for i, ln in enumerate(lines) if grammar.marker(ln, grammar.HEADING_STYLES)]
    if len(numbered) >= 2:
        parts = []
        for i in numbered:
            part = grammar.strip_marker(lines[i], grammar.HEADING_STYLES)
            # a 方面 on a line of its own (as a parsed heading is): its problem is the next line
            if _BARE_DIMENSION.match(part) and i + 1 < len(lines) and i + 1 not in numbered:
                part = f"{part.rstrip('：:。，, ')}：{lines[i + 1]}"
            parts.append(part)
    else:
        runs = list(_RUN_ON.finditer(text))
        if len(runs) < 2:
            return []
        parts = [text[a.end():b.start() if b else len(text)] for a, b in zip(runs, [*runs[1:], None])]
    out = []
    for p in parts:
        p = p.strip()
        lead = _DIMENSION_LEAD.match(p)
        dimension = lead.group(1) if lead else ""
        p = re.split(r"[；;。\n]", p[lead.end():] if lead else p)[0].strip(" ，,：:")
        if len(p) > 3:
            out.append((dimension, p))
    return out


def _says(fact: str, words: list[str]) -> bool:
    return any(w in fact for w in words)


def match_progress(problems: list[OldProblem], facts: list[str], vec: Vectors,
                   kinds: dict[str, FactKind] | None = None, topics=None) -> list[Progress]:
    """What became of each old problem. A fact about it (near in meaning) that reports
    progress makes it rectified; one that reports a problem makes it carried forward with
    that fact. `kinds`: each fact's kind as read by the drafter (facts.py); without them the
    old word lists decide. Context facts are about the writer, never about a problem.
    `topics`: texts -> topic probabilities (facts.FactReader.topics), to tell a fact about
    the same thing from one merely near in wording."""
    out = [Progress(p, "open") for p in problems]
    if not problems or not facts:
        return out
    sims = vec.queries(facts) @ vec.passages([p.text for p in problems]).T
    same = None
    if topics is not None:
        pf, po = topics(facts), topics([p.text for p in problems])
        same = np.minimum(pf[:, None, :], po[None, :, :]).sum(axis=2)
    r = rules()
    for f, fact in enumerate(facts):
        words = np.array([len(shared_words(fact, p.text)) for p in problems])
        score = sims[f] + WORD_BONUS * np.minimum(words, 3)
        order = np.argsort(-score)
        best = int(order[0])
        margin = float(score[best] - (score[order[1]] if len(order) > 1 else 0.0))
        cos = float(sims[f, best])
        about_it = ((same is not None and same[f, best] >= SAME_TOPICS)
                    or overlap(fact, problems[best].text) >= SAME_WORDING
                    or bool(words[best]))
        if not ((cos >= MATCH_COSINE and margin >= MATCH_MARGIN)
                or (cos >= NEAR_COSINE and margin >= NEAR_MARGIN and about_it)):
            continue
        kind = (kinds or {}).get(fact)
        if kind == FactKind.CONTEXT:
            continue
        entry = out[best]
        if kind is not None:
            progress = kind == FactKind.PROGRESS
        else:
            progress = _says(fact, r.progress_words) and not _says(fact, r.persist_words)
        (entry.done if progress else entry.persist).append(fact)
        entry.status = "partial" if entry.persist else "rectified"
    return out


def shared_words(a: str, b: str) -> set[str]:
    """Words two texts share that name a thing (充电桩, 中心组, 大班额), not the genre's
    common words (反映, 问题, 工作)."""
    generic = set(rules().generic_words)
    words = lambda t: {w for w in segment(t) if len(w) >= 2 and w not in generic and not re.search(r"\d", w)}
    return words(a) & words(b)


def rectification_section(progress: list[Progress], role: Role) -> list[Paragraph]:
    """上年度整改落实情况: last year's problems one by one; for a 班子 (or a 支部委员会) whose
    last year's material was not given, the section is there and asks for it, as the genre
    expects it of them; for an individual, nothing without the material."""
    if progress:
        return rectification_paragraphs(progress)
    if role == Role.BANZI:
        return [Paragraph(text=rules().no_material, topic="open")]
    return []


def rectification_paragraphs(progress: list[Progress]) -> list[Paragraph]:
    r = rules()
    out = []
    for n, p in enumerate(progress, 1):
        done = "；".join(f.rstrip("。") for f in p.done)
        persist = "；".join(f.rstrip("。") for f in p.persist)
        text = r.status_text(p.status).format(problem=p.problem.judgement, facts=done if p.status == "rectified" else persist,
                                  done=f"{done}，" if done else r.partial_default)
        out.append(Paragraph(
            title="", text=text, facts=p.facts, answers=[p.problem.judgement], topic=p.status,
            sources=[SourceRef(kind="lastyear", text=p.problem.text)]
            + [SourceRef(kind="fact", text=f) for f in p.facts],
        ))
    return out


def sentences(text: str) -> list[str]:
    """The clauses worth comparing with another year's: item markers off, placeholders out."""
    out = []
    for s in grammar.clauses(text):
        s = grammar.strip_marker(s, ("shi", "cn_paren"))
        if len(re.sub(r"\W", "", s)) >= 8 and "【待补充" not in s:
            out.append(s)
    return out


def material_sentences(material: Material) -> list[str]:
    return sentences(material.text())


def _pairs(s: str) -> set[str]:
    s = re.sub(r"[\W_]", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def overlap(new: str, old: str) -> float:
    a, b = _pairs(new), _pairs(old)
    return len(a & b) / len(a) if a else 0.0


class RepeatChecker:
    """Last year's sentences, embedded once, to test new sentences against."""

    def __init__(self, old: list[str], vec: Vectors) -> None:
        self.old = old
        self.vec = vec
        self.matrix = vec.passages(old) if old else np.zeros((0, 384), np.float32)

    def nearest(self, new: list[str]) -> list[tuple[str, str, float, float]]:
        """(new, nearest old, cosine, overlap) for each new sentence; cosine is 0 where the
        wording is too different for a near-copy."""
        if not new or not self.old:
            return []
        out = []
        for s in new:
            ov, j = max((overlap(s, o), j) for j, o in enumerate(self.old))
            out.append([s, self.old[j], 0.0, ov])
        # Only the middle band needs the model: below it no repeat, above it a repeat anyway.
        close = [i for i, row in enumerate(out) if PREFILTER_OVERLAP <= row[3] < REPEAT_OVERLAP]
        if close:
            sims = self.vec.passages([new[i] for i in close]) @ self.matrix.T
            for i, row in zip(close, sims):
                j = int(row.argmax())
                out[i][1], out[i][2] = self.old[j], float(row[j])
        return [tuple(r) for r in out]

    def is_repeat(self, cosine: float, ov: float) -> bool:
        cos2, ov2 = REPEAT_COSINE_WITH_OVERLAP
        return ov >= REPEAT_OVERLAP or cosine >= REPEAT_COSINE or (cosine >= cos2 and ov >= ov2)

    def repeats(self, texts: dict[str, str]) -> list[Repeat]:
        out = []
        formulas = rules().formulas
        for key, text in texts.items():
            if key == "rectification":
                continue  # it quotes last year's problems on purpose
            for new, old, cos, ov in self.nearest(sentences(text)):
                if any(f in new for f in formulas):
                    continue  # the genre's fixed formulas are the same every year
                if self.is_repeat(cos, ov):
                    out.append(Repeat(key, new, old, round(cos, 3), round(ov, 3)))
        return out

    def clean(self, text: str) -> tuple[str, bool]:
        """The text without its near-copy sentences; False when its first sentence (the
        judgement) is one, so the whole candidate should go."""
        parts = re.findall(r"[^。！？；]+[。！？；]?", text)
        if not parts:
            return text, True
        checks = self.nearest([p.strip() or p for p in parts])
        kept, first_ok = [], True
        for n, (part, (_, _, cos, ov)) in enumerate(zip(parts, checks)):
            if self.is_repeat(cos, ov) and len(re.sub(r"\W", "", part)) >= 8:
                if n == 0:
                    first_ok = False
                continue
            kept.append(part)
        return "".join(kept), first_ok


def progress_summary(progress: list[Progress]) -> str:
    done = sum(p.status == "rectified" for p in progress)
    part = sum(p.status == "partial" for p in progress)
    open_ = sum(p.status == "open" for p in progress)
    return f"上年度共 {len(progress)} 个问题：已整改 {done} 个，部分整改 {part} 个，整改情况待补充 {open_} 个。"

