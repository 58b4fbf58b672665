"""Draft -> text in the genre's numbering: 一、 （一） 一是…."""

from __future__ import annotations

from assistant.core.text import cn_number
from assistant.core.types import Draft, Paragraph


def dimension_heading(n: int, name: str) -> str:
    """The 方面 heading as the genre writes it: （一）在理论学习方面."""
    if name.startswith("在") or name.endswith("方面"):
        return f"（{cn_number(n)}）{name}"
    return f"（{cn_number(n)}）在{name}方面"


def section_titles(draft: Draft) -> list[tuple[str, str]]:
    """(key, heading) of the sections the draft has, numbered in order."""
    keys = []
    if draft.rectification:
        meeting = "组织生活会" if "组织生活会" in draft.request.meeting else "民主生活会"
        keys.append(("rectification", f"上年度{meeting}整改落实情况"))
    keys += [("problems", "存在的主要问题"), ("causes", "原因剖析"), ("measures", "整改措施")]
    return [(k, f"{cn_number(n)}、{t}") for n, (k, t) in enumerate(keys, 1)]


def titled(n: int, p: Paragraph) -> str:
    title = p.title.rstrip("。")
    return f"（{cn_number(n)}）{title}。{p.text}" if title else p.text


def section_text(draft: Draft, key: str) -> str:
    """One section's body as plain text, paragraphs separated by blank lines."""
    if key == "preamble":
        return draft.preamble.text if draft.preamble else ""
    if key == "rectification":
        return "\n\n".join(titled(n, p) for n, p in enumerate(draft.rectification, 1))
    if key == "problems":
        blocks = []
        for dim in draft.problems:
            lines = [dim.heading]
            lines += [f"{p.marker}{p.text}" for p in dim.items]
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)
    if key == "causes":
        return "\n\n".join(titled(n, p) for n, p in enumerate(draft.causes, 1))
    if key == "measures":
        return "\n\n".join(titled(n, p) for n, p in enumerate(draft.measures, 1))
    raise KeyError(key)


def to_text(draft: Draft) -> str:
    parts = [draft.title, section_text(draft, "preamble")]
    for key, heading in section_titles(draft):
        parts.append(heading)
        parts.append(section_text(draft, key))
    parts.append(draft.closing)
    return "\n\n".join(p for p in parts if p) + "\n"


def to_markdown(draft: Draft) -> str:
    parts = [f"# {draft.title}", section_text(draft, "preamble")]
    for key, heading in section_titles(draft):
        parts.append(f"## {heading}")
        if key == "problems":
            for dim in draft.problems:
                parts.append(f"### {dim.heading}")
                parts += [f"{p.marker}{p.text}" for p in dim.items]
        else:
            parts.append(section_text(draft, key))
    parts.append(draft.closing)
    return "\n\n".join(p for p in parts if p) + "\n"
