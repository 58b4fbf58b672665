"""The fact plan in words: each fact under its 方面 (or as progress, or context), with its
kind and the reason, for the CLI's --explain and the UI's fact list."""

from __future__ import annotations

from assistant.core.types import Fact, FactKind
from assistant.draft.facts import kind_unsure


def plan_lines(facts: list[Fact], dimensions: list[str]) -> list[str]:
    if not facts:
        return ["没有提供具体情况：各方面的事例处留【待补充】，请补充后重新生成。"]
    out = []
    for name in dimensions:
        here = [f for f in facts if f.destination == "problems" and f.dimension == name]
        if here:
            out.append(f"【{name}】")
            out += [f"  · {f.text}（问题；{f.reason}；把握度 {f.score:.0%}" + ("；类型把握不大，请确认" if kind_unsure(f) else "")
                    + (f"；{note}" if (note := placement_note(f)) else "") + "）" for f in here]
    groups = (("rectification", "【上年度整改落实情况】"), ("preamble", "【成效：写进前言】"), ("context", "【背景：不写成事例】"))
    for dest, title in groups:
        here = [f for f in facts if f.destination == dest]
        if here:
            out.append(title)
            out += [f"  · {f.text}（{f.kind.label}；{f.kind_reason}" + ("；把握不大，请确认" if kind_unsure(f) else "") + "）"
                    for f in here]
    return out


def placement_note(f: Fact) -> str:
    """Where a problem fact may belong instead, when its 方面 was a close call."""
    if f.alternative and not f.user_set and f.destination == "problems":
        return f"也可能属于“{f.alternative}”，请确认"
    return ""


def kind_of(label: str) -> FactKind:
    """'问题' / '成效' / '背景' -> the kind."""
    return next(k for k in FactKind if k.label == label)
