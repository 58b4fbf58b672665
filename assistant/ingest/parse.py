"""Structure parser: plain text of a past material -> the typed tree in `types`.

Materials are written by hand in Word, so numbering styles mix and skip. The parser works
line by line and never drops text: whatever it cannot place is kept in the nearest node
(preamble, a section's or a dimension's intro, or the last item), so that
`Material.text()` holds every character of the input (whitespace aside).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from assistant.core import text as grammar
from assistant.core.content import Schema, load
from assistant.core.types import Dimension, Item, Material, Role, Section, SectionKind

# 一、 二． or 第一部分 (but not 一是, which opens an item)
_LEVEL1 = (grammar.MARKERS["cn"], grammar.PART_WORD)
# Second-level styles, in the forms real materials use; which one is the 方面 level is
# decided per section by the first one seen (see _Parser._heading_style).
_LEVEL2 = ("cn_paren", "num_paren", "num_dot", "num_dun")
_SENTENCE_END = grammar.CLAUSE_ENDS
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_FILENAME_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# A heading alone on its line is short; a longer line is a heading with its text inline.
_HEADING_MAX = 40


class _SectionKindRule(Schema):
    kind: SectionKind
    any: tuple[str, ...]


class _Theme(Schema):
    keyword: str
    theme: str


class _Rules(Schema):
    """parse_rules.yaml: how headings, cases, roles and meetings are recognised."""

    section_kinds: tuple[_SectionKindRule, ...]
    dimension_aliases: dict[str, str]
    example_markers: tuple[str, ...]
    short_example_followers: tuple[str, ...]
    role_titles: dict[Role, tuple[str, ...]]
    role_hints: dict[Role, tuple[str, ...]]
    role_voice: dict[Role, tuple[str, ...]]
    meeting_kinds: tuple[str, ...]
    themes: tuple[_Theme, ...]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    return load(_Rules, "parse_rules.yaml")


def section_kind(heading: str) -> SectionKind:
    for rule in _rules().section_kinds:
        if any(w in heading for w in rule.any):
            return rule.kind
    return SectionKind.OTHER


def strip_numbering(heading: str) -> str:
    m = _level1(heading)
    rest = heading[m.end():] if m else heading
    for style in _LEVEL2:
        rest = grammar.MARKERS[style].sub("", rest.lstrip(), count=1)
    return rest.strip()


def _level1(line: str) -> re.Match | None:
    for pat in _LEVEL1:
        m = pat.match(line)
        if m:
            return m
    return None


def dimension_name(heading: str) -> str:
    """'（一）在理论学习方面。' -> '理论学习'; '（四）担当作用方面。' -> '担当作为'."""
    name = strip_numbering(heading).strip(" \t。.：:；;，,")
    if name.startswith("在") and "方面" in name:
        name = name[1:]
    name = re.sub(r"(存在的问题|存在问题)$", "", name)
    name = re.sub(r"方面$", "", name).strip(" 。：:，,")
    return _rules().dimension_aliases.get(name, name)


def _split_heading(line: str, prefix_len: int) -> tuple[str, str]:
    """A numbered line -> (heading, inline text after it)."""
    if len(line) <= _HEADING_MAX and not re.search(rf"[{_SENTENCE_END}：:]\S", line):
        return line, ""
    rest = line[prefix_len:]
    m = re.search(r"方面[。：:，,]", rest)
    ends = [i for i in (rest.find(c) for c in "。：:") if i >= 0]
    cut = min(ends) + 1 if ends else None
    if m and (cut is None or m.end() <= cut):
        cut = m.end()
    if cut is None or cut > 60:
        return line, line  # no heading shape: the caller keeps the line as text
    return line[: prefix_len + cut], line[prefix_len + cut :]


def split_items(paragraph: str) -> list[tuple[str, str]]:
    """'一是…。二是…' -> [('一是', '一是…。'), ('二是', '二是…')]; text before the first marker
    comes back with marker ''."""
    starts = [(m.start(1), m.group(1)) for m in grammar.INLINE_ITEM.finditer(paragraph)]
    if not starts:
        return [("", paragraph)]
    out: list[tuple[str, str]] = []
    if paragraph[: starts[0][0]].strip():
        out.append(("", paragraph[: starts[0][0]]))
    for n, (pos, mark) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(paragraph)
        out.append((mark, paragraph[pos:end]))
    return out


MAX_EXAMPLES = 8  # per item: more is not a material, and scanning must stay linear


@lru_cache(maxsize=1)
def _example_start() -> re.Pattern:
    rules = _rules()
    alts = [re.escape(w) for w in rules.example_markers]
    alts += ["如" + re.escape(f) for f in rules.short_example_followers]
    return re.compile(rf"(?:(?<=^)|(?<=[{_SENTENCE_END}，,：:\s]))(?:{'|'.join(alts)})")


_EXAMPLE_END = re.compile(r"[。！？!?]")


def find_examples(text: str) -> list[str]:
    """比如/例如… spans, each to its sentence end; the next is looked for after it ends."""
    out: list[str] = []
    pos = 0
    start = _example_start()
    while len(out) < MAX_EXAMPLES:
        m = start.search(text, pos)
        if not m:
            break
        end = _EXAMPLE_END.search(text, m.start())
        stop = end.end() if end else len(text)
        out.append(text[m.start() : stop].strip())
        pos = max(stop, m.end())
    return out


def _judgement(body: str) -> str:
    m = re.search(rf"[{_SENTENCE_END}]", body)
    return (body[: m.end()] if m else body).strip()


def _make_item(marker: str, text: str, order: int) -> Item:
    body = text.strip()[len(marker) :]
    return Item(
        text=text.strip(),
        marker=marker,
        judgement=_judgement(body),
        examples=find_examples(body),
        order=order,
    )


def _level2_style(line: str) -> tuple[str, int] | None:
    for style in _LEVEL2:
        m = grammar.MARKERS[style].match(line)
        if m:
            after = line[m.end():]
            return style, m.end() + len(after) - len(after.lstrip())
    return None


class _Parser:
    def __init__(self) -> None:
        self.preamble: list[str] = []
        self.sections: list[Section] = []
        self.style: str | None = None  # the numbering style of 方面 in the current section

    # --- placing text -------------------------------------------------------------
    def _section(self) -> Section:
        if not self.sections:
            # 方面 headings with no 一、 above them: the material starts at its problems.
            self.sections.append(Section(heading="", kind=SectionKind.OTHER, order=0))
        return self.sections[-1]

    def _dimension(self) -> Dimension:
        sec = self._section()
        if not sec.dimensions:
            sec.dimensions.append(Dimension(order=0))
        return sec.dimensions[-1]

    def add_section(self, heading: str) -> None:
        self.sections.append(
            Section(heading=heading, kind=section_kind(heading), order=len(self.sections))
        )
        self.style = None

    def add_dimension(self, heading: str) -> None:
        sec = self._section()
        sec.dimensions.append(
            Dimension(heading=heading, name=dimension_name(heading), order=len(sec.dimensions))
        )

    def add_paragraph(self, para: str, *, item_marker: str = "") -> None:
        if not self.sections:
            self.preamble.append(para)
            return
        sec = self.sections[-1]
        pieces = [(item_marker, para)] if item_marker else split_items(para)
        for marker, text in pieces:
            if not sec.dimensions and not marker:
                sec.intro = _join(sec.intro, text)
                continue
            dim = self._dimension()
            if marker:
                dim.items.append(_make_item(marker, text, len(dim.items)))
            elif dim.items and dim.items[-1].marker:
                # A plain paragraph after 一是/二是 items continues the last of them.
                last = dim.items[-1]
                dim.items[-1] = _make_item(last.marker, last.text + "\n" + text, last.order)
            elif not dim.items and dim.heading and _is_lead_in(text):
                dim.intro = _join(dim.intro, text)
            else:
                dim.items.append(_make_item("", text, len(dim.items)))

    def finish(self) -> None:
        # A section with no headings and no 一是 markers is still made of items: its
        # paragraphs become items of one unnamed dimension, but a "…如下：" lead-in stays.
        for sec in self.sections:
            if sec.dimensions or not sec.intro:
                continue
            paras = sec.intro.split("\n")
            lead = [p for p in paras[:1] if _is_lead_in(p)]
            body = paras[len(lead) :]
            if body and sec.kind != SectionKind.OTHER:
                sec.intro = "\n".join(lead)
                sec.dimensions.append(
                    Dimension(order=0, items=[_make_item("", p, n) for n, p in enumerate(body)])
                )

    # --- reading lines ------------------------------------------------------------
    def feed(self, line: str) -> None:
        m1 = _level1(line)
        if m1 and not grammar.MARKERS["shi"].match(line):
            heading, rest = _split_heading(line, m1.end())
            if len(heading) <= 60 and heading != rest:
                self.add_section(heading)
                if rest.strip():  # "一、存在的主要问题：1、…": the 方面 heading may follow on the line
                    self.feed(rest.strip())
                return
        found = _level2_style(line)
        if found:
            style, plen = found
            if self.style is None and self.sections:
                self.style = style
            if style == self.style or not self.sections:
                heading, rest = _split_heading(line, plen)
                if heading != rest:
                    self.add_dimension(heading)
                    if rest.strip():
                        self.add_paragraph(rest)
                    return
            else:
                # Another numbering style below the 方面 level numbers items.
                self.add_paragraph(line, item_marker=line[:plen].strip())
                return
        self.add_paragraph(line)


def _is_lead_in(text: str) -> bool:
    t = text.strip()
    return t.endswith(("：", ":")) and len(t) < 80


def _join(a: str, b: str) -> str:
    return f"{a}\n{b}" if a else b


def _looks_like_title(line: str) -> bool:
    t = line.strip()
    return (
        0 < len(t) <= 60
        and not t.endswith(("。", "；", "：", ":", "，"))
        and not _level1(t)
        and _level2_style(t) is None
    )


def _infer_year(title: str, preamble: str, source: str | None) -> int | None:
    for text in (title, preamble[:300]):
        m = _YEAR.search(text)
        if m:
            return int(m.group(1))
    if source:
        m = _FILENAME_YEAR.search(Path(source).name)
        if m:
            return int(m.group(1))
    return None


def _infer_role(title: str, preamble: str, source: str | None, body: str = "") -> Role | None:
    """班子 or 个人 from the title's words, the preamble's phrases, then the text's voice
    (parse_rules.yaml); the file name last."""
    rules = _rules()
    for role in (Role.GEREN, Role.BANZI):
        if any(w in title for w in rules.role_titles[role]):
            return role
    for role in (Role.GEREN, Role.BANZI):
        if any(h in preamble for h in rules.role_hints[role]):
            return role
    text = "\n".join((title, preamble, body))
    voice = {role: sum(len(re.findall(p, text)) for p in rules.role_voice[role]) for role in (Role.GEREN, Role.BANZI)}
    if voice[Role.GEREN] != voice[Role.BANZI]:
        louder = max(voice, key=voice.get)
        # One side must clearly carry it: more than twice the other's count.
        if voice[louder] > 2 * voice[min(voice, key=voice.get)]:
            return louder
    if source:
        name = Path(source).name
        for role in Role:
            if role.value in name:
                return role
    return None


def _infer_meeting(title: str, preamble: str) -> str | None:
    for text in (title, preamble):
        for kind in _rules().meeting_kinds:
            if kind in text:
                return kind
    return None


def _infer_theme(title: str, preamble: str) -> str | None:
    for text in (title, preamble):
        for t in _rules().themes:
            if t.keyword in text:
                return t.theme
    return None


_MD_HEADING = re.compile(r"^#{1,6}\s+")
_RUN_ON_HEAD = re.compile(r"(?<=[。；;！!])(?=(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})[、.．](?![0-9])|[（(](?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})[）)])")


def parse_material(
    text: str,
    *,
    source: str | None = None,
    year: int | None = None,
    role: Role | str | None = None,
    meeting: str | None = None,
    theme: str | None = None,
) -> Material:
    """Parse a material. Explicit year/role/meeting/theme win over what the text says; the
    file name (e.g. 2016_班子_….txt) is the last resort for year and role."""
    given, text = text, grammar.simplified(text)
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    # Markdown's heading marks (our own .md export: "## 一、…", "### （一）…") are layout, not text
    lines = [_MD_HEADING.sub("", ln) for ln in lines if ln]
    # Items run on in one paragraph ("…不够强。2、工作作风…"): each numbered one starts a line.
    lines = [part.strip() for ln in lines for part in _RUN_ON_HEAD.split(ln) if part.strip()]
    title = ""
    if len(lines) > 1 and _looks_like_title(lines[0]):
        title, lines = lines[0], lines[1:]
    parser = _Parser()
    for line in lines:
        parser.feed(line)
    parser.finish()
    preamble = "\n".join(parser.preamble)
    material = Material(
        title=title,
        preamble=preamble,
        sections=parser.sections,
        source=source,
        year=year or _infer_year(title, preamble, source),
        role=Role(role) if role else _infer_role(title, preamble, source, "\n".join(lines)),
        meeting=meeting or _infer_meeting(title, preamble),
        theme=theme or _infer_theme(title, preamble),
    )
    material.warnings.extend(_warnings(material))
    if text != given:
        material.original = given
        material.warnings.append("原文是繁体字，已按简体字识别；原文保留不变。")
    return material


def _warnings(m: Material) -> list[str]:
    out = []
    if not m.sections:
        out.append("未识别出“一、存在的问题”“二、原因剖析”等章节标题，全文暂作为前言保存。")
    elif m.section(SectionKind.PROBLEMS) is None:
        out.append("未找到“存在的问题”部分。")
    if m.year is None:
        out.append("未能从标题或前言中判断年度，可手动指定。")
    if m.role is None:
        out.append("未能判断是班子材料还是个人材料，可手动指定。")
    return out
