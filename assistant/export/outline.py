"""The material's outline (core.types.Outline): built from its parts, read from a plain
text that came from elsewhere, and written back out as text or Markdown.

Within a part the user's own text decides the layout below the part heading: a line that
opens with "（一）" is a second-level heading (its text may run on), every other line is
body. That rule lives here only; the docx writer and the Markdown writer take the levels
as given.
"""

from __future__ import annotations

import re

from assistant.core.text import PART_HEAD, SUB_HEAD, is_heading_line
from assistant.core.types import Outline, OutlineLine

# A blank line, however many, ends a block.
_BLOCK_BREAK = re.compile(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*)+")


def body_lines(text: str) -> list[list[OutlineLine]]:
    """The text of one part (or the preamble) -> its blocks of lines."""
    blocks = []
    for chunk in _BLOCK_BREAK.split(text.replace("\r\n", "\n").replace("\r", "\n").strip()):
        lines = [OutlineLine(text=ln, level=2 if SUB_HEAD.match(ln.strip()) else 0)
                 for ln in chunk.split("\n") if ln.strip()]
        if lines:
            blocks.append(lines)
    return blocks


def build(title: str, parts: list[tuple[str, str]], *, byline: str = "", closing: str = "") -> Outline:
    """The outline of a material whose parts are known: (part heading, its text) in order,
    the preamble with heading ""."""
    blocks: list[list[OutlineLine]] = []
    for heading, text in parts:
        if heading.strip():
            blocks.append([OutlineLine(text=heading.strip(), level=1)])
        blocks += body_lines(text)
    if closing.strip():
        blocks.append([OutlineLine(text=closing.strip())])
    return Outline(title=title.strip(), byline=byline.strip(), blocks=blocks)


def _looks_like_title(line: str) -> bool:
    return (
        len(line) <= 60
        and not line.endswith(("。", "；", "：", ":", "，", ";"))
        and not PART_HEAD.match(line)
        and not SUB_HEAD.match(line)
    )


def from_text(text: str, *, byline: str = "") -> Outline:
    """A material that arrives as plain text (a file given to `export`): the title on the
    first line, "一、" part headings, "（一）" second-level headings, body paragraphs.
    Every line of it stays, in order."""
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if ln]
    title = lines.pop(0) if lines and _looks_like_title(lines[0]) else ""
    level = [1 if PART_HEAD.match(ln) else 2 if SUB_HEAD.match(ln) else 0 for ln in lines]
    blocks = [[OutlineLine(text=ln, level=lv)] for ln, lv in zip(lines, level)]
    return Outline(title=title, byline=byline.strip(), blocks=blocks)


def to_text(outline: Outline) -> str:
    head = [p for p in (outline.title, outline.byline) if p]
    blocks = ["\n".join(line.text for line in block) for block in outline.blocks]
    return "\n\n".join(head + blocks) + "\n" if head or blocks else ""


def to_markdown(outline: Outline) -> str:
    out = [f"# {outline.title}"] if outline.title else []
    if outline.byline:
        out.append(outline.byline)
    for block in outline.blocks:
        rows = []
        for line in block:
            if line.level == 1:
                rows.append(f"## {line.text}")
            elif line.level == 2 and is_heading_line(line.text):  # a run-on one stays a paragraph
                rows.append(f"### {line.text}")
            else:
                rows.append(line.text)
        out.append("\n".join(rows))
    return "\n\n".join(out) + "\n" if out else ""
