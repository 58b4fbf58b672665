"""The writer of a material: what kind of writer, in which kind of unit, with which powers,
and how phrase-bank sentences are filled in their voice."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.core import content
from assistant.core.content import Power, WriterKind
from assistant.core.types import Request, Role
from assistant.draft.voice import campaign, congress


def writer_kind(role: Role | str, meeting: str) -> WriterKind:
    """班子 or 个人 resolved by the meeting: at a 组织生活会 the 班子 is the 支部委员会 and a
    个人 is a 党员; the older role 支部 always means a 党员 at a 组织生活会."""
    role = Role(role)
    kinds = content.writers().kinds[role.value]
    return kinds.branch if is_branch_meeting(meeting) else kinds.democratic


def is_branch_meeting(meeting: str) -> bool:
    return "组织生活会" in (meeting or "")


def unit_type(*texts: str) -> str:
    """The kind of unit a name (or, failing that, a post or facts) describes."""
    u = content.units()
    for text in texts:
        if not text:
            continue
        for t in u.types:
            if t.id != u.default and any(re.search(p, text) for p in t.match):
                return t.id
    return u.default


def party_org(unit: str, utype: str) -> str:
    """党组 / 党委 / 党工委 / 党总支 / 党支部: what the unit's own name says, else its type's."""
    u = content.units()
    for word in u.party_org_words:
        if word in unit:
            return word
    for rule in u.party_orgs:
        if re.search(rule.match, unit):
            return rule.org
    return next(t.party_org for t in u.types if t.id == utype)


@dataclass(frozen=True)
class Writer:
    kind: WriterKind
    unit: str
    post: str
    unit_type: str
    party_org: str
    rank: str
    scope: str
    powers: frozenset[Power]
    year: int | None
    # words of other unit types the user's own text uses: sentences with them are theirs
    own_words: frozenset[str] = field(default_factory=frozenset)

    @property
    def personal(self) -> bool:
        return not self.kind.collective

    def can(self, needs) -> bool:
        return all(p in self.powers for p in needs)

    def values(self) -> dict[str, str]:
        v = content.writers().voice[self.kind]
        unit = self_name(self.unit)
        scope = self.scope if self.kind == WriterKind.MEMBER else v.范围
        subject = v.主体
        if self.kind == WriterKind.BANZI:
            subject = f"{self.party_org}班子" if self.party_org in ("党委", "党工委") else "班子"
        return {
            "主体": subject,
            "我们": v.我们,
            "范围": scope.replace("{单位}", unit),
            "集体": v.集体,
            "单位": unit,
            "党组织": self.party_org if self.kind != WriterKind.PARTY_MEMBER else "所在党支部",
            "大会精神": congress(self.year),
            "学习教育": campaign(self.year),
        }

    def fill(self, template: str) -> str:
        values = self.values()
        text = re.sub(r"\{(\w+?)\}", lambda m: values.get(m.group(1), m.group(0)), template)
        for word, own in staff_terms(self.unit or ""):
            text = text.replace(word, own)
        return text


@lru_cache(maxsize=256)
def staff_terms(unit: str) -> tuple[tuple[str, str], ...]:
    """(the bank's word, this unit's word) for its people: 干部职工 -> 教职工 in a school."""
    return tuple((word, own) for rule in content.units().staff_terms if re.search(rule.match, unit)
                 for word, own in rule.terms.items())


def self_name(unit: str) -> str:
    """How a material names its own unit inside a sentence: 我局, 我镇, 我院… (the full
    name belongs in the title, not in every sentence)."""
    u = content.units()
    base = re.sub("(?:" + "|".join(u.party_org_words) + ")(?:委员会)?$", "", unit or "")  # 某镇党委 -> 某镇
    for pattern, short in u.self_names:
        if re.search(pattern, base):
            return short
    return "本单位"


def make_writer(req: Request, facts: list[str] | None = None) -> Writer:
    kind = writer_kind(req.role, req.meeting)
    utype = unit_type(req.unit, req.post)
    w = content.writers()
    if kind == WriterKind.MEMBER:
        rule = next((r for r in w.powers.posts if re.search(r.match, req.post or "")), None)
        rank = rule.rank if rule else w.powers.default["rank"]
        scope = rule.scope if rule else w.powers.default["scope"]
        powers = frozenset(rule.powers if rule else ())
    else:
        rank = kind.value
        scope = ""
        powers = frozenset(getattr(w.powers, kind.value))
    own = " ".join([req.unit, req.post, *(facts if facts is not None else req.facts)])
    words = frozenset(x for t in content.units().types for x in t.vocabulary if x in own)
    return Writer(kind=kind, unit=req.unit, post=req.post, unit_type=utype,
                  party_org=party_org(req.unit, utype), rank=rank, scope=scope, powers=powers,
                  year=req.year, own_words=words)
