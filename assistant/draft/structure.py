"""Which dimensions (方面/带头) to draft, and why.

Order of trust: the user's own list; a list taken from a pasted notice; the registry entry
for the meeting; the list most materials nearest to the request use; and, for a year the
registry does not know yet, the latest known list, labelled a guess.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError, field_validator

from assistant.core.content import Schema, WriterKind, load
from assistant.core.types import Request, Role, Structure, StructureSource
from assistant.draft.notice import read_notice
from assistant.draft.writer import is_branch_meeting, writer_kind


@dataclass(frozen=True)
class Meeting:
    id: str
    year: int
    until: int
    kind: str
    writers: tuple[WriterKind, ...]
    theme: str
    dimensions: tuple[str, ...]
    confirmed: bool
    source: str
    extra_sections: tuple[str, ...] = field(default=())
    local: bool = False  # a local variant: listed for the user, never chosen by itself
    fallback: bool = False  # a common form for when the year's list is not known

    @property
    def label(self) -> str:
        years = f"{self.year}—{self.until}" if self.until != self.year else f"{self.year}"
        if self.until >= 2099:
            years = f"{self.year}年以来"
        who = "、".join(w.value for w in self.writers)
        return f"{years}年度{self.kind}（{who}：{self.theme}）".replace("年以来年度", "年以来")


class MeetingEntry(Schema):
    """One entry of meetings.yaml (bundled, or the user's own in <data_dir>)."""

    id: str
    year: int
    until: int | None = None
    kind: str = "民主生活会"
    writers: tuple[WriterKind, ...] | None = None
    roles: tuple[str, ...] | None = None  # an older file's 班子/个人/支部, read for the kind
    theme: str = ""
    dimensions: tuple[str, ...]
    confirmed: bool = True
    source: str | None = None
    extra_sections: tuple[str, ...] = ()
    local: bool = False
    fallback: bool = False

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, v):
        return str(v)

    def meeting(self, default_source: str) -> Meeting:
        writers = self.writers or tuple(
            dict.fromkeys(writer_kind(r, self.kind) for r in (self.roles or ("班子", "个人"))))
        return Meeting(
            id=self.id, year=self.year, until=self.until or self.year, kind=self.kind, writers=writers,
            theme=self.theme, dimensions=self.dimensions, confirmed=self.confirmed,
            source=self.source or default_source, extra_sections=self.extra_sections,
            local=self.local, fallback=self.fallback,
        )


class MeetingFile(Schema):
    meetings: tuple[MeetingEntry, ...] = ()


def _read_user_meetings(path: Path) -> list[Meeting]:
    """The user's own meetings.yaml; a field we cannot read is named in the error."""
    try:
        entries = MeetingFile.model_validate(yaml.safe_load(path.read_text("utf-8")) or {}).meetings
    except ValidationError as e:
        raise ValueError(f"{path.name}：会议清单有无法识别或不合格式的字段：{_first_error(e)}") from e
    return [m.meeting(path.name) for m in entries]


def _first_error(e: ValidationError) -> str:
    err = e.errors()[0]
    return f"{'.'.join(str(x) for x in err['loc'])}（{err['msg']}）"


@lru_cache(maxsize=1)
def _bundled() -> tuple[Meeting, ...]:
    return tuple(m.meeting("meetings.yaml") for m in load(MeetingFile, "meetings.yaml").meetings)


def load_registry(user_file: Path | None = None) -> list[Meeting]:
    """The bundled registry, then the user's entries (same id replaces)."""
    merged = {m.id: m for m in _bundled()}
    if user_file and user_file.exists():
        merged.update({m.id: m for m in _read_user_meetings(user_file)})
    return sorted(merged.values(), key=lambda m: (m.year, m.id))


def _writer_ok(m: Meeting, req: Request) -> bool:
    return writer_kind(req.role, req.meeting) in m.writers


def _kind_rank(m: Meeting, kind: str) -> int:
    """0: the same kind; 1: the same family (专题民主生活会 ~ 民主生活会); 2: another family
    (a 组织生活会 never takes a 民主生活会 list)."""
    kind = kind or "民主生活会"
    if m.kind == kind:
        return 0
    if is_branch_meeting(m.kind) == is_branch_meeting(kind):
        return 1
    return 2


def _candidates(registry: list[Meeting], req: Request) -> list[Meeting]:
    return [m for m in registry if not m.local and _writer_ok(m, req) and _kind_rank(m, req.meeting) < 2]


def match_registry(registry: list[Meeting], req: Request) -> Meeting | None:
    """The list for the request's year, writer and meeting: a list of the year itself over a
    common form that spans many years, then the same kind over the same family (a 2023
    支部委员会 writing for its 组织生活会 gets that year's 主题教育 list, labelled as such)."""
    if req.year is None:
        return None
    found = [m for m in _candidates(registry, req) if m.year <= req.year <= m.until]
    if not found:
        return None
    return min(found, key=lambda m: (m.fallback, _kind_rank(m, req.meeting), m.until - m.year))


# --- a list from a pasted notice ---------------------------------------------------------

_ROLE_WORDS = {Role.BANZI: "班子（或支部委员会）", Role.GEREN: "个人", Role.ZHIBU: "党员个人"}


def extra_sections_note(structure) -> str:
    """What the year's notices ask for beyond the 方面 (2024: 主题教育整改落实情况, 反面典型
    案例剖析). They rest on the unit's own cases and rectification, so the draft does not write
    them: the writer is told, on the page and in the CLI, so the material is not handed in
    without them."""
    if not structure.extra_sections:
        return ""
    names = "".join(f"“{n}”" for n in structure.extra_sections)
    return f"这一年度的通知还要求写{names}，要用本单位的案例和整改情况，初稿没有代写，请按通知补上。"


def _quote(sentence: str, limit: int = 60) -> str:
    where = sentence.replace("\n", " ")
    return where if len(where) <= limit else where[:limit] + "…"


def dimensions_from_notice(text: str) -> list[str]:
    """The 方面 enumeration of a notice, in its order; [] when none is found."""
    found = read_notice(text)
    return found.dimensions if found else []


# --- the corpus vote ------------------------------------------------------------------


def vote_from_corpus(materials: list[dict], req: Request) -> tuple[list[str], list[dict]]:
    """The dimension list most materials of the nearest year use, weighted by role and
    meeting; returns the list and the materials that voted for it. Lists change by year, so
    only the materials nearest the request's year vote (a material of unknown year only when
    none is dated): three older materials do not outvote one of the year itself."""
    votes: dict[tuple[str, ...], float] = defaultdict(float)
    voters: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    listed = [m for m in materials if len([d for d in (m.get("dimensions") or "").split("|") if d]) >= 2]
    # a 民主生活会 material's list is no list for a 组织生活会, nor the reverse
    listed = [m for m in listed if is_branch_meeting(m.get("meeting") or "") == is_branch_meeting(req.meeting or "")]
    if req.year:
        dated = [m for m in listed if m.get("year")]
        if dated:
            nearest = min(abs(int(m["year"]) - req.year) for m in dated)
            listed = [m for m in dated if abs(int(m["year"]) - req.year) == nearest]
    for m in listed:
        dims = tuple(d for d in (m.get("dimensions") or "").split("|") if d)
        weight = 1.0 if m.get("role") == req.role.value else 0.5
        if req.meeting and m.get("meeting") and m["meeting"] == req.meeting:
            weight *= 1.5
        votes[dims] += weight
        voters[dims].append(m)
    if not votes:
        return [], []
    best = max(votes, key=lambda d: votes[d])
    return list(best), voters[best]


def default_year(today: datetime.date | None = None) -> int:
    """The 年度 a writer means when they give none. Meetings run from December to February:
    from October on, this year's is being prepared; before that, last year's."""
    today = today or datetime.date.today()
    return today.year if today.month >= 10 else today.year - 1


def choose_structure(
    req: Request,
    *,
    registry: list[Meeting] | None = None,
    corpus_materials: list[dict] | None = None,
) -> Structure:
    registry = registry if registry is not None else load_registry()
    if req.year is None:
        req = req.model_copy(update={"year": default_year()})
    if req.dimensions:
        dims = [d.strip() for d in req.dimensions if d.strip()]
        return Structure(dimensions=dims, source=StructureSource.USER, reason="使用您给出的方面清单。")
    from_notice = read_notice(req.notice, req.role)
    if from_notice:
        reason = f"从您粘贴的通知中识别出 {len(from_notice.dimensions)} 个方面（依据：“{_quote(from_notice.sentence)}”）。"
        if from_notice.unsure:
            others = "；".join(f"“{_quote(o.sentence, 40)}”" for o in from_notice.others)
            reason += (f"通知中还有另外 {len(from_notice.others)} 份清单（{others}），无法确定哪一份是要求"
                       f"{_ROLE_WORDS[req.role]}对照的，请核对；可在“方面清单”下改选。")
        return Structure(
            dimensions=from_notice.dimensions,
            source=StructureSource.NOTICE,
            reason=reason,
            guess=from_notice.unsure,
            alternatives=[o.dimensions for o in from_notice.others] if from_notice.unsure else [],
        )
    meeting = match_registry(registry, req)
    if meeting:
        note = "" if meeting.confirmed else "（该清单未经通知原文核实，请对照通知确认）"
        return Structure(
            dimensions=list(meeting.dimensions),
            source=StructureSource.REGISTRY,
            reason=f"按{meeting.label}的方面清单{note}。来源：{meeting.source}。",
            guess=not meeting.confirmed,
            meeting_id=meeting.id,
            extra_sections=list(meeting.extra_sections),
        )
    cands = [m for m in _candidates(registry, req) if not m.fallback]
    latest = max(cands, key=lambda m: (-_kind_rank(m, req.meeting), m.until), default=None)
    if req.year and latest and req.year > latest.until:
        return Structure(
            dimensions=list(latest.dimensions),
            source=StructureSource.GUESS,
            reason=(
                f"暂未收录{req.year}年度的方面清单（通知可能尚未下发），先按最近的"
                f"{latest.label}清单起草，仅供参考。收到通知后请粘贴通知或直接修改方面清单。"
            ),
            guess=True,
            meeting_id=latest.id,
        )
    dims, voters = vote_from_corpus(corpus_materials or [], req)
    if dims:
        names = "、".join(f"{v.get('year') or '?'}年{v.get('role')}材料" for v in voters[:3])
        return Structure(
            dimensions=dims,
            source=StructureSource.CORPUS,
            reason=f"登记表中没有该年度会议，按语料中最接近的材料（{names}）的方面结构起草，请核对。",
            guess=True,
        )
    pool = _candidates(registry, req) or [m for m in registry if not m.local]
    nearest = min(pool, key=lambda m: (abs(m.year - (req.year or m.year)), m.fallback), default=None)
    if nearest is None:
        return Structure(dimensions=[], source=StructureSource.GUESS, reason="没有可用的方面清单，请手动输入。", guess=True)
    return Structure(
        dimensions=list(nearest.dimensions),
        source=StructureSource.GUESS,
        reason=f"没有找到匹配的会议，先按{nearest.label}的清单起草，仅供参考，请核对。",
        guess=True,
        meeting_id=nearest.id,
    )


