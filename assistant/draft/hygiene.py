"""Content hygiene: what a sentence may say for this writer, in this unit and year.

One set of checks, used three ways: on the phrase bank (a test reads every entry), on the
offline composer's choices, and on what an LLM sends back. The lists are data
(data/hygiene.yaml, units.yaml, writers.yaml, year_refs.yaml); this module applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.core import content
from assistant.core.content import Power, WriterKind
from assistant.draft.voice import fits_year

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_CLAUSE = re.compile(r"[^，。；！？,;!?\n]+")
RUN = 20  # a run of this many characters shared with another unit's material is a copy


def squash(text: str) -> str:
    """Text without punctuation and spaces, for comparing wording."""
    return _PUNCT.sub("", text)


def mask(text: str, facts: list[str]) -> str:
    """The text with the user's own facts blanked: they may say anything."""
    for f in sorted(facts, key=len, reverse=True):
        if f:
            text = text.replace(f, "〇" * min(len(f), 2))
    return text


@lru_cache(maxsize=1)
def _concrete() -> list[tuple[str, re.Pattern]]:
    return [(p.name, re.compile(p.pattern)) for p in content.hygiene().concrete]


@lru_cache(maxsize=1)
def _others() -> re.Pattern:
    return re.compile(content.hygiene().others_subject)


def concrete_hits(text: str) -> list[str]:
    """What in the text states a number, a date or an event: '数量：3次'."""
    text = re.sub(r"【[^】]*】", "", text)
    out = []
    for name, pat in _concrete():
        for m in pat.finditer(_without_formula_numbers(text)):
            out.append(f"{name}：{m.group(0)}")
    return out


def _without_formula_numbers(text: str) -> str:
    """Names with a number in them (八项规定, 两个确立, 三会一课) taken out: they count nothing."""
    for name in sorted(content.hygiene().named_numbers, key=len, reverse=True):
        text = text.replace(name, "〇")
    return text


def misconduct_hits(text: str) -> list[str]:
    """Misconduct the text states, except as something to prevent (严禁公车私用)."""
    h = content.hygiene()
    out = []
    for clause in _CLAUSE.findall(text):
        for term in h.misconduct:
            if term in clause and not any(p in clause for p in h.prevent):
                out.append(term)
    return list(dict.fromkeys(out))


def blames_system(text: str) -> list[str]:
    return [w for w in content.hygiene().blame_system if w in text]


def criticises_others(text: str) -> bool:
    return bool(_others().search(text))


def foreign_words(text: str, unit_type: str, own_words: frozenset[str] = frozenset(),
                  allowed_types: tuple[str, ...] = ()) -> list[str]:
    """Words of another kind of unit's work (食堂, 排污, 学校…) that the user never used.
    A word two kinds share (村民: a 乡镇 and a 村) is foreign to neither."""
    mine = {w for t in content.units().types if t.id == unit_type or t.id in allowed_types for w in t.vocabulary}
    out = []
    for t in content.units().types:
        if t.id == unit_type or t.id in allowed_types:
            continue
        out += [w for w in t.vocabulary if w in text and w not in own_words and w not in mine]
    return list(dict.fromkeys(out))


def unit_types_of(text: str) -> set[str]:
    """The unit types whose vocabulary the text uses."""
    return {t.id for t in content.units().types if any(w in text for w in t.vocabulary)}


def needs_of(text: str) -> set[Power]:
    """The powers a sentence assumes its writer has."""
    return {p for p, words in content.writers().needs.items() if any(w in text for w in words)}


# The collective voice as the subject of a clause: 我们…, 班子…, 领导班子… at a clause's start.
_SELF_COLLECTIVE = re.compile(r"(?:^|[，。；：！？\n])(?:我们|领导班子|党组班子|班子(?!成员))")
_CLAUSE_END = "，。；：！？\n"
_SELF_PERSONAL = re.compile(r"(?<![自本])我(?![们国省市区县局委院校镇乡处科所中办单党为代])|本人|我个人")


def voice_errors(text: str, kind: WriterKind) -> list[str]:
    """Where the text speaks with the wrong voice for its writer."""
    t = re.sub(r"“[^”]*”", "", text)  # quoted words (我为群众办实事) are not the voice
    out = []
    if kind.collective:
        out += [f"集体材料用了个人口吻：{m.group(0)}" for m in _SELF_PERSONAL.finditer(t)]
    else:
        subjects = {m.group(0).lstrip(_CLAUSE_END) for m in _SELF_COLLECTIVE.finditer(t)}
        if "我们" in t:
            subjects.add("我们")
        out += [f"个人材料用了集体口吻：{s}" for s in sorted(subjects)]
        if criticises_others(t):
            out.append("个人材料在批评他人")
    if kind == WriterKind.PARTY_MEMBER:
        out += [f"党员材料提到{w}" for w in ("分管", "班子", "督办", "领导责任") if w in t]
    return out


def era_ok(text: str, year: int | None) -> bool:
    return fits_year(text, year)


@dataclass
class Corpus:
    """Every run of RUN characters in other units' materials, to find copied wording."""

    runs: set[str]

    @classmethod
    def of(cls, texts: list[str]) -> "Corpus":
        runs: set[str] = set()
        for t in texts:
            s = squash(t)
            runs.update(s[i : i + RUN] for i in range(len(s) - RUN + 1))
        return cls(runs)

    def copied(self, text: str) -> list[str]:
        """The runs of the text found in the corpus (formulas aside), longest first."""
        for f in content.hygiene().formulas:
            text = text.replace(f, "〇")
        s = squash(text)
        hits, i = [], 0
        while i <= len(s) - RUN:
            if s[i : i + RUN] in self.runs:
                j = i + RUN
                while j < len(s) and s[j - RUN + 1 : j + 1] in self.runs:
                    j += 1
                hits.append(s[i:j])
                i = j
            else:
                i += 1
        return hits


# --- a drafted section, checked as a reviewer reads it ------------------------------------

_CASE = re.compile(r"(?:比如|例如|譬如|又如|再如)[，,：:]?([^。；]*)")


def _pairs(s: str) -> set[str]:
    s = squash(s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def is_one_of(case: str, facts: list[str]) -> bool:
    """A case is one of the user's facts when it carries most of one of them."""
    if "【待补充" in case:
        return True
    cp = _pairs(case)
    return any(squash(f) in squash(case) or (fp := _pairs(f)) and len(fp & cp) / len(fp) >= 0.7 for f in facts)


def request_words(req, dimensions: list[str]) -> list[str]:
    """What the writer told us besides the facts (unit, post, meeting, year, the 方面): the
    draft may say these without it being an invented fact."""
    year = [f"{req.year}年度", f"{req.year}年"] if req.year else []
    return [w for w in (req.unit, req.post, req.meeting, *year, *dimensions) if w]


def section_issues(text: str, writer, facts: list[str], section: str) -> list[str]:
    """What a strict reviewer would refuse in a drafted section, in Chinese: a case that is
    not one of the user's facts, a number or misconduct nobody reported, the wrong voice,
    another unit's work, another era's words, a power the writer lacks, a cause that blames
    the system. `section`: preamble | problems | causes | measures."""
    out = []
    masked = mask(text, facts)
    if section == "problems":
        for m in _CASE.finditer(text):
            if not is_one_of(m.group(1), facts):
                out.append(f"事例不是您提供的事实：{m.group(1)[:30]}")
    if section in ("problems", "causes", "preamble"):
        out += [f"出现了没有提供的具体情况（{h}）" for h in concrete_hits(masked)]
    out += [f"出现了没有报告的违纪违规情况（{h}）" for h in misconduct_hits(masked)]
    if section == "causes":
        out += [f"原因归咎于客观（{h}）" for h in blames_system(text)]
    out += voice_errors(masked, writer.kind)
    foreign = foreign_words(masked, writer.unit_type, writer.own_words)
    if foreign:
        out.append(f"写了其他单位的工作（{'、'.join(foreign)}）")
    if not era_ok(masked, writer.year):
        out.append("用了其他年份的提法")
    lacking = needs_of(masked) - set(writer.powers)
    if lacking:
        out.append(f"写了超出职责的事（{'、'.join(sorted(p.value for p in lacking))}）")
    return out
