"""The document as the user sees it: the texts of its parts, the 方面 blocks inside the
problems, the whole material as one outline, and a whole material (edited in Word/WPS)
split back into its parts."""

from __future__ import annotations

import re

from assistant.app.store import DraftRecord
from assistant.core.errors import InputError
from assistant.core.text import (
    PART_HEAD,
    SENTENCE,
    SUB_HEAD,
    cn_number,
    is_heading_line,
    marker,
    marker_end,
)
from assistant.core.types import Outline, Role
from assistant.export.outline import build

SECTION_LABELS = {
    "preamble": "前言",
    "rectification": "上年度整改落实情况",
    "problems": "存在的主要问题",
    "causes": "原因剖析",
    "measures": "整改措施",
}
_DIM_HEAD = re.compile(SUB_HEAD.pattern, re.M)


def split_dimension_blocks(text: str) -> tuple[str, list[str]]:
    """Problems text -> (text before the first heading, one block per （N） heading)."""
    starts = [m.start() for m in _DIM_HEAD.finditer(text)]
    if not starts:
        return text, []
    head = text[: starts[0]]
    blocks = [text[s:e].rstrip("\n") for s, e in zip(starts, starts[1:] + [len(text)])]
    return head, blocks


def join_dimension_blocks(head: str, blocks: list[str]) -> str:
    return head + "\n\n".join(blocks)


def section_parts(text: str) -> list[str]:
    """A part's text as the page shows it, block by block: one per （N） heading (a 方面, a
    cause, a measure), and the text before the first heading, if any, as a block of its own."""
    head, blocks = split_dimension_blocks(text)
    head = head.strip("\n")
    return ([head] if head.strip() else []) + blocks


def replace_part(text: str, i: int, new: str, *, rest: bool = False) -> str | None:
    """`text` with block i (as section_parts counts) replaced by `new`, or with `rest` the
    blocks from i on (a box that shows them all); the other blocks stay as they are. An empty
    `new` removes the block. None when there is no block i."""
    parts = section_parts(text)
    if not 0 <= i < len(parts):
        return None
    new = new.strip("\n")
    end = len(parts) if rest else i + 1
    if "\n\n".join(parts[i:end]) == new:
        return text
    parts[i:end] = [new]
    return "\n\n".join(p for p in parts if p.strip())


def put_dimension(texts: dict[str, str], draft, d: int, *, fresh: bool = False) -> None:
    """Write 方面 d of the draft into the problems text, leaving the other 方面 blocks as the
    user has them; `fresh` starts the problems text anew (the first 方面 of a new draft)."""
    dim = draft.problems[d]
    block = "\n".join([dim.heading] + [p.marker + p.text for p in dim.items])
    head, blocks = split_dimension_blocks("" if fresh else texts.get("problems", ""))
    if d < len(blocks):
        blocks[d] = block
    elif d == len(blocks):
        blocks.append(block)
    else:
        from assistant.draft.render import section_text

        texts["problems"] = section_text(draft, "problems")
        return
    texts["problems"] = join_dimension_blocks(head, blocks)


def append_items(texts: dict[str, str], d: int, items: list[str]) -> bool:
    """Add items (their text, without marker) at the end of 方面 d as the user has it, numbered
    on from the block's last "X是"; the block's other lines stay exactly as they are. False
    when the problems text has no such 方面 any more (the user removed it)."""
    head, blocks = split_dimension_blocks(texts.get("problems", ""))
    if d >= len(blocks) or not items:
        return False
    numbers = [m[1] for m in (marker(ln, ("shi",)) for ln in blocks[d].split("\n")) if m]
    n = max(numbers, default=0)
    lines = [f"{cn_number(n + k)}是{text}" for k, text in enumerate(items, 1)]
    blocks[d] = "\n".join([blocks[d].rstrip("\n"), *lines])
    texts["problems"] = join_dimension_blocks(head, blocks)
    return True


class MoveError(InputError):
    """A move the text does not allow: nothing or more than one item holds the words."""


def _renumber(block: str) -> str:
    """The block's "X是" items numbered 一是, 二是… in order, their text as it is: what a
    writer would fix by hand after taking an item out."""
    lines, n = [], 0
    for line in block.split("\n"):
        if marker(line, ("shi",)):
            n += 1
            line = f"{cn_number(n)}是" + line[marker_end(line, ("shi",)):]
        lines.append(line)
    return "\n".join(lines)


def move_item(texts: dict[str, str], snippet: str, d: int) -> tuple[int, str]:
    """Move the one problem item that holds `snippet` to the end of 方面 d, as the user has
    both blocks: it is numbered on there, and the items left behind are numbered again.
    Returns the 方面 it came from and the item's text. A heading is never moved."""
    head, blocks = split_dimension_blocks(texts.get("problems", ""))
    if d >= len(blocks):
        raise MoveError("文稿中已经没有这个方面")
    hits = [(b, i, line) for b, block in enumerate(blocks) for i, line in enumerate(block.split("\n"))
            if snippet in line and not is_heading_line(line)]
    if not hits:
        raise MoveError(f"存在的问题中没有找到含“{snippet}”的条目")
    if len(hits) > 1:
        raise MoveError(f"有 {len(hits)} 条含“{snippet}”，请多说几个字，指明是哪一条")
    b, i, line = hits[0]
    item = line[marker_end(line, ("shi",)):].strip()
    if b == d:
        return b, item
    lines = blocks[b].split("\n")
    del lines[i]
    blocks[b] = _renumber("\n".join(lines))
    texts["problems"] = join_dimension_blocks(head, blocks)
    append_items(texts, d, [item])
    return b, item


def move_paragraph(draft, snippet: str, d: int):
    """The typed draft with the one problem item holding `snippet` moved to the end of 方面 d
    (markers numbered again in both), and that item; the draft unchanged and None when no
    single item of the typed draft holds it (the user wrote it in by hand)."""
    hits = [(b, i) for b, dim in enumerate(draft.problems) for i, p in enumerate(dim.items) if snippet in p.text]
    if len(hits) != 1 or hits[0][0] == d:
        return draft, None
    b, i = hits[0]
    new = draft.model_copy(deep=True)
    item = new.problems[b].items.pop(i)
    new.problems[d].items.append(item)
    for dim in (new.problems[b], new.problems[d]):
        shi = [p for p in dim.items if p.marker.endswith("是")]
        for k, p in enumerate(shi, 1):
            p.marker = f"{cn_number(k)}是"
    return new, item


def merge_screen_blocks(screen: str, saved: str) -> str:
    """The problems text as a page showed it while 方面 were still being written, merged with
    what is saved: the page's blocks as they are (the user's edits), then the saved blocks it
    had not received yet."""
    head, shown = split_dimension_blocks(screen)
    _, kept = split_dimension_blocks(saved)
    if len(shown) >= len(kept):
        return screen
    return join_dimension_blocks(head, shown + kept[len(shown):])


class Removal:
    """What "删掉…" took out of one part's text, and the headings it left alone."""

    def __init__(self) -> None:
        self.removed: list[str] = []
        self.headings: list[str] = []


def remove_sentences(text: str, snippet: str, found: Removal) -> str:
    """The text without the sentences that hold `snippet`. A heading is never removed (the
    方面 stays; the user deletes a whole 方面 by hand), and an item's marker ("一是", "（二）")
    stays with what is left of its line; a line left empty goes."""
    out = []
    for line in text.split("\n"):
        if snippet not in line:
            out.append(line)
            continue
        if is_heading_line(line):
            found.headings.append(line.strip())
            out.append(line)
            continue
        start = marker_end(line)
        rest = []
        for m in SENTENCE.finditer(line[start:]):
            (found.removed if snippet in m.group(0) else rest).append(m.group(0).strip())
        if "".join(rest).strip():
            out.append(line[:start] + "".join(rest))
    return "\n".join(out)


def header_line(record: DraftRecord) -> str:
    """A personal material names its writer under the title; a 班子 one has the unit in it."""
    from assistant.export.docx import DocHeader

    r = record.request
    if r.role == Role.BANZI or not (r.unit or r.post or r.name):
        return ""
    return DocHeader(unit=r.unit, name=r.name, post=r.post).line()


def split_document(text: str, record: DraftRecord) -> dict[str, str]:
    """The text of a whole material (as exported, then edited in Word/WPS) -> the texts of its
    parts, laid out as the drafter lays them out. Part headings are found by their words
    ("一、存在的主要问题", "三、整改措施"), so renumbered or reworded headings still count."""
    from assistant.core.types import SectionKind
    from assistant.ingest.parse import section_kind

    kinds = {SectionKind.RECTIFICATION: "rectification", SectionKind.PROBLEMS: "problems",
             SectionKind.CAUSES: "causes", SectionKind.MEASURES: "measures"}
    skip_top = {record.draft.title.strip(), header_line(record)} if record.draft else set()
    closing = record.draft.closing.strip() if record.draft else ""
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n") if ln.strip()]
    if closing and lines and lines[-1] == closing:
        lines.pop()
    parts: dict[str, list[str]] = {"preamble": []}
    key = "preamble"
    for ln in lines:
        if key == "preamble" and not parts["preamble"] and ln in skip_top:
            continue
        kind = section_kind(ln) if PART_HEAD.match(ln) and len(ln) <= 40 else SectionKind.OTHER
        if kind in kinds:
            key = kinds[kind]
            parts.setdefault(key, [])
            continue
        parts[key].append(ln)
    if len(parts) == 1:
        raise InputError("没有找到“一、存在的主要问题”“二、原因剖析”等标题，无法对应到文稿的各部分。"
                         "请上传由对照导出、在 Word/WPS 中修改过的文件。")
    out = {}
    for key, paras in parts.items():
        if key == "problems":  # a 方面 heading opens a block; its items follow line by line
            blocks: list[list[str]] = []
            for ln in paras:
                if SUB_HEAD.match(ln) or not blocks:
                    blocks.append([ln])
                else:
                    blocks[-1].append(ln)
            out[key] = "\n\n".join("\n".join(b) for b in blocks)
        else:
            out[key] = "\n\n".join(paras)
    return out


def outline(record: DraftRecord, *, byline: bool = True) -> Outline | None:
    """The material as it goes out: the draft's title and part headings, the user's text of
    each part, the closing; None before there is a draft."""
    from assistant.draft.render import section_titles

    draft = record.draft
    if draft is None:
        return None
    parts = [("", record.texts.get("preamble", ""))]
    parts += [(heading, record.texts.get(key, "")) for key, heading in section_titles(draft)]
    return build(draft.title, parts, byline=header_line(record) if byline else "", closing=draft.closing)
