"""The document's blocks on the page: each 方面 of 存在的主要问题, each cause and each measure in
a box of its own, with what it was written from and what a reviewer would mark beside it.

A block is what `section_parts` cuts a part's saved text into, so a box always shows the text
as saved (the user's edits included), never a re-rendering of the typed draft."""

from __future__ import annotations

import gradio as gr

from assistant.app.document import section_parts
from assistant.app.markdown import md_text
from assistant.app.store import DraftRecord
from assistant.app.ui.views import describe
from assistant.core.text import SUB_HEAD
from assistant.draft.render import section_text
from assistant.review.audit.layout import short

# Boxes laid out per part. The genre has at most 6-7 方面, 5 causes and 6-8 measures; a text
# with more blocks than boxes shows the rest in the last box, so nothing is ever hidden.
SLOTS = {"problems": 10, "causes": 8, "measures": 10}
FLAG_ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}


def blocks(rec: DraftRecord, key: str) -> list[str]:
    """The blocks of a part as the page shows them: the last box takes any overflow."""
    parts = section_parts(rec.texts.get(key, "")) if rec.draft else []
    n = SLOTS[key]
    return parts if len(parts) <= n else [*parts[: n - 1], "\n\n".join(parts[n - 1:])]


def drafted(rec: DraftRecord) -> set[str]:
    """Every block as the drafter wrote it: what a stream may put on the screen."""
    if rec.draft is None:
        return set()
    return {p for key in SLOTS for p in section_parts(section_text(rec.draft, key))}


def dimension_at(rec: DraftRecord, i: int) -> int | None:
    """The planned 方面 that box i of the problems holds (its place among the heading
    blocks); None for a box that holds none, or one the user added or renamed."""
    if rec.draft is None:
        return None
    parts = blocks(rec, "problems")
    if not 0 <= i < len(parts):
        return None
    headed = [k for k, p in enumerate(parts) if SUB_HEAD.match(p)]
    d = headed.index(i) if i in headed else None
    planned = rec.draft.structure.dimensions
    # Only a 方面 the drafter planned can be drafted again (not one the user added or renamed).
    if d is None or d >= len(rec.draft.problems) or d >= len(planned) or rec.draft.problems[d].name != planned[d]:
        return None
    return d


def _paragraphs(rec: DraftRecord, key: str, part: str) -> list:
    """The draft's paragraphs a block was written from (matched by heading or title)."""
    first = part.split("\n", 1)[0]
    if key == "problems":
        return [p for dim in rec.draft.problems if dim.heading == first.strip() for p in dim.items]
    paras = rec.draft.causes if key == "causes" else rec.draft.measures
    return [p for p in paras if p.title and p.title.rstrip("。") in first]


def _located_in(location: str, part: str) -> bool:
    """Whether an audit finding's location ("原因剖析 / （一）理想信念有所松懈 / 第1条") is in
    this block: the block begins with the heading the location names (maybe shortened)."""
    names = location.split(" / ")
    return len(names) > 1 and bool(names[1]) and part.startswith(names[1].removesuffix("…"))


def notes(rec: DraftRecord, key: str, part: str, findings) -> str:
    """Beside a block: what it was written from, and the audit's findings located in it."""
    lines = []
    refs = [r for p in _paragraphs(rec, key, part) for r in describe(p).split("；") if r]
    if refs:
        lines.append("依据：" + "；".join(dict.fromkeys(refs)))
    mine = [f for f in findings if _located_in(f.location, part)]
    for rule in dict.fromkeys(f.rule for f in mine):
        same = [f for f in mine if f.rule == rule]
        more = f"（同类提示共{len(same)}条）" if len(same) > 1 else ""
        lines.append(f"{FLAG_ICON.get(same[0].severity.value, '')} {md_text(same[0].message)}{more}")
    return "\n\n".join(lines)


def values(rec: DraftRecord, findings) -> list:
    """Per part, in the layout's order: each box, each box's notes, each box's regenerate
    button."""
    out: list = []
    for key in SLOTS:
        boxes, side, buttons = part(rec, key, findings)
        out += boxes + side + buttons
    return out


def part(rec: DraftRecord, key: str, findings) -> tuple[list, list, list]:
    """One part's boxes, their notes and their regenerate buttons."""
    parts = blocks(rec, key)
    boxes, side, buttons = [], [], []
    for i in range(SLOTS[key]):
        shown = i < len(parts)
        text = parts[i] if shown else ""
        label = short(text.split("\n", 1)[0].split("。", 1)[0], 30) if shown and SUB_HEAD.match(text) else f"第{i + 1}段"
        boxes.append(gr.update(value=text, visible=shown, label=label))
        side.append(gr.update(value=notes(rec, key, text, findings) if shown else "", visible=shown))
        again = dimension_at(rec, i) is not None if key == "problems" else bool(SUB_HEAD.match(text))
        buttons.append(gr.update(visible=shown and again))
    return boxes, side, buttons


def box_value(update) -> str | None:
    """The text a box update carries (None for "no change")."""
    return update.get("value") if isinstance(update, dict) else None
