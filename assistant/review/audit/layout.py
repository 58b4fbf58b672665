"""Where things are: Material.text() cut into located pieces, the Chinese labels of
sections, 方面 and items, excerpts, and the report that keeps findings in reading order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from assistant.core.types import (
    Dimension,
    Finding,
    Item,
    Material,
    Section,
    SectionKind,
    Severity,
)
from assistant.ingest.parse import strip_numbering
from assistant.review.audit.rules import rule_catalogue

SECTION_LABELS = {
    SectionKind.RECTIFICATION: "整改落实情况",
    SectionKind.PROBLEMS: "存在的问题",
    SectionKind.CAUSES: "原因剖析",
    SectionKind.MEASURES: "整改措施",
}
PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
# Whole-document findings sort before everything else.
TOP = -1


@dataclass
class Piece:
    start: int
    text: str
    location: str
    section: Section | None = None
    dim: Dimension | None = None
    item: Item | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def short(text: str, n: int = 24) -> str:
    text = text.strip().rstrip("。.：:；;，,")
    return text if len(text) <= n else text[:n] + "…"


def section_label(sec: Section) -> str:
    if sec.kind in SECTION_LABELS:
        return SECTION_LABELS[sec.kind]
    return short(strip_numbering(sec.heading), 16) or "正文"


def dimension_label(sec: Section, dim: Dimension) -> str:
    label = section_label(sec)
    return f"{label} / {short(dim.heading)}" if dim.heading else label


def item_label(sec: Section, dim: Dimension, item: Item) -> str:
    return f"{dimension_label(sec, dim)} / 第{item.order + 1}条"


class Layout:
    """Material.text() cut into the pieces it is made of, each with its Chinese location,
    so that a character offset found by any rule maps back to a place in the document."""

    def __init__(self, m: Material) -> None:
        self.pieces: list[Piece] = []
        self._starts: dict[int, int] = {}
        self._ends: dict[int, int] = {}
        pos = 0

        def add(text: str, location: str, node, **kw) -> None:
            nonlocal pos
            if not text:
                return
            self.pieces.append(Piece(pos, text, location, **kw))
            self._starts.setdefault(id(node), pos)
            pos += len(text) + 1  # the "\n" Material.text() joins with

        add(m.title, "标题", m)
        add(m.preamble, "前言", m)
        for s in m.sections:
            self._starts.setdefault(id(s), pos)
            add(s.heading, section_label(s), s, section=s)
            add(s.intro, section_label(s), s, section=s)
            for d in s.dimensions:
                self._starts.setdefault(id(d), pos)
                add(d.heading, dimension_label(s, d), d, section=s, dim=d)
                add(d.intro, dimension_label(s, d), d, section=s, dim=d)
                for i in d.items:
                    add(i.text, item_label(s, d, i), i, section=s, dim=d, item=i)
                self._ends[id(d)] = pos
            self._ends[id(s)] = pos
        self.text = "\n".join(p.text for p in self.pieces)

    def at(self, offset: int) -> Piece:
        for p in self.pieces:
            if p.start <= offset < p.end + 1:
                return p
        return self.pieces[-1]

    def start(self, node) -> int:
        return self._starts.get(id(node), 0)

    def end(self, node) -> int:
        return self._ends.get(id(node), len(self.text))

    def text_of(self, sec: Section) -> str:
        return "\n".join(p.text for p in self.pieces if p.section is sec)

    def per_piece(self, hits: list[tuple[int, int]]) -> Iterator[tuple[Piece, list[tuple[int, int]]]]:
        """Hits grouped by the piece they fall in: (piece, [(start, end), …])."""
        groups: dict[int, list[tuple[int, int]]] = {}
        order: list[int] = []
        for a, b in hits:
            p = self.at(a)
            if p.start not in groups:
                groups[p.start] = []
                order.append(p.start)
            groups[p.start].append((a, b))
        for start in order:
            yield self.at(start), groups[start]


class Report:
    def __init__(self) -> None:
        self._rows: list[tuple[int, int, Finding]] = []
        self._catalogue = rule_catalogue()

    def add(self, rule: str, pos: int, location: str, message: str, suggestion: str = "",
            excerpt: str = "", severity: Severity | str | None = None) -> None:
        sev = Severity(severity) if severity else self._catalogue[rule][0]
        f = Finding(rule=rule, severity=sev, location=location, message=message,
                    suggestion=suggestion, excerpt=excerpt)
        self._rows.append((pos, len(self._rows), f))

    def findings(self) -> list[Finding]:
        return [f for _, _, f in sorted(self._rows, key=lambda r: (r[0], r[1]))]


# --- text helpers ------------------------------------------------------------------------


def squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace spans with spaces, keeping every other offset where it was."""
    chars = list(text)
    for a, b in spans:
        for k in range(a, b):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)


def excerpt(text: str, start: int, end: int, pad: int = 12) -> str:
    a, b = max(0, start - pad), min(len(text), end + pad)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")
