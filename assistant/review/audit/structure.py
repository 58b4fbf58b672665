"""The skeleton of a material: its title, the three required sections, the numbering of
headings and items, and its 方面 against the list the meeting's notice gives (the meeting
registry, or the list the user gives)."""

from __future__ import annotations

import re
from collections import Counter

from assistant.core.text import marker
from assistant.core.types import Dimension, Material, Request, Role, SectionKind
from assistant.draft.render import dimension_heading
from assistant.draft.structure import Meeting, load_registry, match_registry
from assistant.ingest.parse import strip_numbering
from assistant.review.audit.layout import (
    PUNCT,
    TOP,
    Layout,
    Report,
    dimension_label,
    item_label,
    section_label,
    short,
)
from assistant.review.audit.rules import audit_rules

# The numbering styles a sequence is read in; 1. and 1、 number the same level.
_SAME_STYLE = {"num_dot": "num", "num_dun": "num"}


# --- expected dimensions -------------------------------------------------------------


def reference(m: Material, expected: list[str] | None, registry: list[Meeting] | None
              ) -> tuple[list[str] | None, str]:
    """The 方面 the material should have, and the note that says where the list came from."""
    if expected is not None:
        return list(expected), f"按给定的方面清单核对：{'；'.join(expected)}。"
    if m.year is None:
        return None, "未能判断材料年度，无法确定应对照的方面清单，只检查各方面是否有内容。可指定年度或方面清单后再查。"
    role = m.role or Role.GEREN
    meeting = m.meeting or ("组织生活会" if role == Role.ZHIBU else "民主生活会")
    found = match_registry(registry if registry is not None else load_registry(),
                           Request(role=role, year=m.year, meeting=meeting))
    if found is None:
        return None, (f"未收录{m.year}年度{role.value}{meeting}的方面清单，只检查各方面是否有内容。"
                      "可指定方面清单后再查。")
    return list(found.dimensions), f"按{found.label}的方面清单核对：{'；'.join(found.dimensions)}。"


def _name_key(name: str) -> str:
    key = PUNCT.sub("", strip_numbering(name))
    if key.startswith("在") and "方面" in key:
        key = key[1:]
    return re.sub(r"(方面|存在的问题|存在问题)$", "", key)


def match_score(expected: str, heading_name: str) -> float:
    """1.0 when one name contains the other (punctuation aside), else the share of
    characters they have in common (with repeats) over the longer name."""
    a, b = _name_key(expected), _name_key(heading_name)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    return sum((Counter(a) & Counter(b)).values()) / max(len(a), len(b))


# --- sections and 方面 ---------------------------------------------------------------


def check_sections(m: Material, lay: Layout, rep: Report) -> None:
    for kind, name in audit_rules().coverage.required_sections.items():
        sec = m.section(kind)
        if sec is None:
            rep.add("coverage.missing_section", TOP, "全文", f"缺少“{name}”部分。",
                    f"按“一、存在的主要问题　二、原因剖析　三、整改措施”的结构补写“{name}”，"
                    "章节标题用“一、”“二、”编号并单独成行。")
        elif not sec.dimensions and not sec.intro:  # headings below it are judged one by one
            rep.add("coverage.empty_dimension", lay.start(sec), section_label(sec),
                    f"“{name}”部分只有标题，没有内容。", f"补写“{name}”的具体内容。",
                    excerpt=sec.heading)


def check_dimensions(m: Material, lay: Layout, rep: Report, expected: list[str] | None) -> None:
    probs = m.section(SectionKind.PROBLEMS)
    if probs is None:
        return
    label = section_label(probs)
    dims = [d for d in probs.dimensions if d.heading or d.items]
    for d in dims:
        if not d.items:
            rep.add("coverage.empty_dimension", lay.start(d), dimension_label(probs, d),
                    f"“{d.name or short(d.heading)}”方面下没有查摆任何问题。",
                    "每个方面至少写1至3条问题，每条包括问题判断、具体表现和“比如……”的事例。",
                    excerpt=d.heading)
    for sec in (m.section(SectionKind.CAUSES), m.section(SectionKind.MEASURES)):
        for d in sec.dimensions if sec else []:
            if d.heading and not d.items and not d.intro:
                rep.add("coverage.bare_heading", lay.start(d), dimension_label(sec, d),
                        "这一条只有标题，没有展开。",
                        "在标题后写出具体内容：原因要说清对应哪些问题，措施要写明做什么、多久做一次、何时完成。",
                        excerpt=d.heading)
    if not expected:
        return
    threshold = audit_rules().coverage.min_char_overlap
    named = [d for d in dims if d.heading]
    taken: dict[int, str] = {}  # id(dimension) -> expected name it answers
    matched: list[tuple[str, Dimension | None]] = []
    for want in expected:
        best, best_score = None, 0.0
        for d in named:
            if id(d) in taken:
                continue
            score = max(match_score(want, d.name), match_score(want, d.heading))
            if score > best_score:
                best, best_score = d, score
        if best is not None and best_score >= threshold:
            taken[id(best)] = want
            matched.append((want, best))
        else:
            matched.append((want, None))
    for n, (want, d) in enumerate(matched):
        if d is not None:
            continue
        later = [x for _, x in matched[n + 1:] if x is not None]
        pos = lay.start(later[0]) if later else lay.end(probs)
        rep.add("coverage.missing_dimension", pos, label,
                f"缺少“{want}”方面（按通知应为第{n + 1}个方面）。",
                f"补写“{dimension_heading(n + 1, want)}”，查摆1至3条问题并附具体事例。")
    order = [x for _, x in matched if x is not None]
    positions = [named.index(x) for x in order]
    for k in range(1, len(order)):
        if positions[k] < max(positions[:k]):
            d = order[k]
            rep.add("coverage.order", lay.start(d), dimension_label(probs, d),
                    f"“{taken[id(d)]}”方面的位置与通知顺序不一致（通知中排第{expected.index(taken[id(d)]) + 1}个，"
                    f"材料中排第{positions[k] + 1}个）。",
                    "按通知列出的顺序排列各方面，序号随之调整。", excerpt=d.heading)
    for d in named:
        want = taken.get(id(d))
        if want is None:
            rep.add("coverage.extra_dimension", lay.start(d), dimension_label(probs, d),
                    f"“{d.name or short(d.heading)}”不在本次会议的方面清单中。",
                    "确认通知是否要求该方面；如不要求，可并入相近方面或删去。", excerpt=d.heading)
            continue
        if _name_key(want) not in _name_key(d.heading):
            rep.add("coverage.wording", lay.start(d), dimension_label(probs, d),
                    f"标题“{short(d.heading, 30)}”与通知的表述“{want}”不一致。",
                    f"方面标题宜照录通知原文，改为“{dimension_heading(_order_number(d.heading) or 1, want)}”。",
                    excerpt=d.heading)


def _order_number(heading: str) -> int | None:
    """The number of a 方面 heading: （三） -> 3, 3. or 3、 -> 3."""
    got = marker(heading, ("cn_paren", "num_dot", "num_dun"))
    return got[1] if got else None


# --- title and numbering -------------------------------------------------------------


def _number_of(heading: str) -> tuple[str, int] | None:
    """The numbering style and number a heading or item marker starts with."""
    got = marker(heading)
    return (_SAME_STYLE.get(got[0], got[0]), got[1]) if got else None


def check_structure(m: Material, lay: Layout, rep: Report) -> None:
    if not m.title:
        rep.add("structure.title", 0, "标题", "材料没有标题（首行应为标题）。",
                "在首行加标题，如“" + (f"{m.year}年度" if m.year else "") +
                (m.meeting or "民主生活会") + (f"{m.role.value}" if m.role else "") + "对照检查材料”。")

    def sequence(nodes: list[tuple[str, object]], where) -> None:
        expect, style = 1, None
        for text, node in nodes:
            got = _number_of(text)
            if got is None:
                continue
            if style is None:
                style = got[0]
            elif got[0] != style:
                continue  # another style numbers another level
            if got[1] != expect:
                rep.add("structure.numbering", lay.start(node), where(node),
                        f"序号不连续：此处应为第{expect}个，写成了“{short(text, 8)}”。",
                        "按顺序重新编号（一、二、三……；（一）（二）……；一是、二是……）。",
                        excerpt=short(text, 20))
                return
            expect += 1

    sequence([(s.heading, s) for s in m.sections if s.heading], lambda s: section_label(s))
    for s in m.sections:
        sequence([(d.heading, d) for d in s.dimensions if d.heading],
                 lambda d, s=s: dimension_label(s, d))
        for d in s.dimensions:
            sequence([(i.marker, i) for i in d.items if i.marker],
                     lambda i, s=s, d=d: item_label(s, d, i))
