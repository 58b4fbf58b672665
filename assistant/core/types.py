"""The document tree every stage passes on: Material -> Section -> Dimension -> Item."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field


class Role(str, Enum):
    BANZI = "班子"
    GEREN = "个人"
    ZHIBU = "支部"


class SectionKind(str, Enum):
    RECTIFICATION = "rectification"  # 上年度整改落实情况
    PROBLEMS = "problems"  # 存在的主要问题
    CAUSES = "causes"  # 原因剖析
    MEASURES = "measures"  # 整改措施
    OTHER = "other"


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Item(_Node):
    """One finding, cause or measure: "一是…" or a paragraph of its own."""

    text: str = Field(description="the item as written, marker included")
    marker: str = Field("", description="一是 / 二是 / 1. … when the item had one")
    judgement: str = Field("", description="its first sentence, the judgement")
    examples: list[str] = Field(default_factory=list, description="比如/例如… sentences")
    order: int = 0

    @property
    def body(self) -> str:
        return self.text[len(self.marker) :]


class Dimension(_Node):
    """A subsection: a 方面 in the problems, a cause or a measure title elsewhere."""

    heading: str = Field("", description="as written, numbering included; empty when implicit")
    name: str = Field("", description="normalized name, e.g. 理论学习")
    order: int = 0
    intro: str = ""
    items: list[Item] = Field(default_factory=list)


class Section(_Node):
    heading: str = ""
    kind: SectionKind = SectionKind.OTHER
    order: int = 0
    intro: str = ""
    dimensions: list[Dimension] = Field(default_factory=list)


class Material(_Node):
    title: str = ""
    year: int | None = None
    role: Role | None = None
    meeting: str | None = Field(None, description="民主生活会 / 专题民主生活会 / 组织生活会")
    theme: str | None = None
    preamble: str = ""
    sections: list[Section] = Field(default_factory=list)
    source: str | None = None
    warnings: list[str] = Field(default_factory=list, description="what the parser could not make out, in Chinese")
    original: str = Field("", description="the text as given, when it was in traditional characters and is read as simplified")

    def pieces(self) -> list[str]:
        """Every stored fragment in reading order; together they are the input text."""
        out = [self.title, self.preamble]
        for s in self.sections:
            out += [s.heading, s.intro]
            for d in s.dimensions:
                out += [d.heading, d.intro]
                out += [i.text for i in d.items]
        return [p for p in out if p]

    def text(self) -> str:
        return "\n".join(self.pieces())

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def items(self):
        """(section, dimension, item) for every item, in order."""
        for s in self.sections:
            for d in s.dimensions:
                for i in d.items:
                    yield s, d, i


# --- what the user asks for, and what the drafter gives back ---------------------------


class FactKind(str, Enum):
    PROBLEM = "problem"  # a shortcoming: a "比如…" case under its 方面
    PROGRESS = "progress"  # already improved: the rectification report or the preamble
    CONTEXT = "context"  # who the writer is and what they do: shapes the wording only

    @property
    def label(self) -> str:
        return {"problem": "问题", "progress": "成效", "context": "背景"}[self.value]


class FactChoice(_Node):
    """The user's own decision about one of their facts; it wins over the drafter's."""

    text: str
    kind: FactKind | None = None
    dimension: str | None = Field(None, description="the 方面 it goes under, for a problem")


class Request(_Node):
    """A drafting request: who writes, for which meeting, with which facts."""

    role: Role = Role.GEREN
    unit: str = ""
    post: str = ""
    year: int | None = None
    meeting: str = "民主生活会"
    theme: str = ""
    dimensions: list[str] = Field(default_factory=list, description="the user's own list wins")
    notice: str = Field("", description="pasted 通知 text, to take the list from")
    facts: list[str] = Field(default_factory=list, description="one concrete fact a line")
    name: str = Field("", description="the writer's name, for the header only")
    choices: list[FactChoice] = Field(default_factory=list, description="facts the user moved or re-kinded")

    def choice(self, fact: str) -> FactChoice | None:
        return next((c for c in self.choices if c.text == fact), None)


class StructureSource(str, Enum):
    USER = "user"
    NOTICE = "notice"
    REGISTRY = "registry"
    CORPUS = "corpus"
    GUESS = "guess"


class Structure(_Node):
    dimensions: list[str]
    source: StructureSource
    reason: str = Field(description="where the list came from, in Chinese, for the user")
    guess: bool = False
    meeting_id: str | None = None
    extra_sections: list[str] = Field(default_factory=list)
    alternatives: list[list[str]] = Field(
        default_factory=list, description="the notice's other lists, for the user to pick from when unsure")


class Fact(_Node):
    """One line the user gave, understood: what kind of line it is, what it is about, and
    where it goes, each with the reason shown to the user."""

    text: str = Field(description="as the user wrote it: numbers, dates and names verbatim")
    kind: FactKind
    kind_reason: str = ""
    kind_score: float = Field(1.0, description="how sure the reading of its kind is (0-1)")
    topics: list[str] = Field(default_factory=list, description="topic ids, best first")
    dimension: str | None = Field(None, description="the 方面 a problem fact goes under")
    score: float = Field(0.0, description="how clearly it belongs there (0-1)")
    alternative: str | None = Field(None, description="the other 方面 it may belong to, where the reading is close "
                                    "(shown for the user to check; None when sure or set by the user)")
    reason: str = Field("", description="one line, in Chinese, why it goes there")
    destination: str = Field("", description="problems | rectification | preamble | context")
    user_set: bool = Field(False, description="the user moved it or changed its kind")

    @property
    def label(self) -> str:
        where = {"problems": f"问题 · {self.dimension}", "rectification": "上年度整改落实情况",
                 "preamble": "前言（一年来的工作）", "context": "背景（不写入事例）"}
        return where.get(self.destination, self.destination)


class SourceRef(_Node):
    """Where a paragraph drew from: a corpus item, the phrase bank, or the user's own fact."""

    kind: str = Field(description="corpus | phrasebank | fact | llm | lastyear | user")
    text: str
    source: str = ""
    year: int | None = None


class Paragraph(_Node):
    text: str
    marker: str = ""
    title: str = ""
    sources: list[SourceRef] = Field(default_factory=list)
    facts: list[str] = Field(default_factory=list, description="user facts written into it")
    answers: list[str] = Field(default_factory=list, description="dimensions or causes it answers")
    topic: str = ""


class DimensionDraft(_Node):
    name: str
    heading: str
    items: list[Paragraph] = Field(default_factory=list)


class Draft(_Node):
    request: Request
    structure: Structure
    title: str = ""
    preamble: Paragraph | None = None
    rectification: list[Paragraph] = Field(default_factory=list)
    problems: list[DimensionDraft] = Field(default_factory=list)
    causes: list[Paragraph] = Field(default_factory=list)
    measures: list[Paragraph] = Field(default_factory=list)
    closing: str = Field("", description="the closing formula after the measures")
    notes: list[str] = Field(default_factory=list, description="what the drafter wants the user to know")
    variant: int = 0
    facts: list[Fact] = Field(default_factory=list, description="how each of the user's facts was understood")


# A part of a draft is addressed by a key: "preamble", "causes", "measures", …, or
# "problems:<n>" for the n-th 方面 (0-based). These two functions are the only place the
# key is built and read.
DIMENSION_PREFIX = "problems:"


def dimension_key(d: int) -> str:
    return f"{DIMENSION_PREFIX}{d}"


def dimension_of(key: str) -> int | None:
    """"problems:3" -> 3; None for a key that is not one 方面."""
    if key.startswith(DIMENSION_PREFIX) and key[len(DIMENSION_PREFIX):].isdigit():
        return int(key[len(DIMENSION_PREFIX):])
    return None


# --- the material as it goes out -----------------------------------------------------


class OutlineLine(_Node):
    """One paragraph of the material. `level` is what it is in the layout: 0 body, 1 a part
    heading ("一、存在的主要问题"), 2 a second-level heading ("（一）…", its text may run on)."""

    text: str
    level: int = Field(0, ge=0, le=2)


class Outline(_Node):
    """The material as export writes it: title, the writer's line, then blocks of lines
    (a block is what a blank line separates). Built from the typed draft and the user's
    texts of its parts, so export never has to guess which line is a part heading; only a
    material that comes in as plain text (the CLI's `export FILE`) is read into one."""

    title: str = ""
    byline: str = ""
    blocks: list[list[OutlineLine]] = Field(default_factory=list)

    def lines(self) -> list[OutlineLine]:
        return [line for block in self.blocks for line in block]


# --- review -------------------------------------------------------------------------


class Severity(str, Enum):
    ERROR = "error"  # the reviewer will send it back
    WARNING = "warning"  # the reviewer will likely mark it
    INFO = "info"


class Finding(_Node):
    """One thing a strict reviewer would mark, with where it is and what to do."""

    rule: str = Field(description="stable rule id, e.g. coverage.missing")
    severity: Severity
    location: str = Field(description="section / dimension / paragraph, in Chinese")
    message: str = Field(description="what is wrong, in Chinese")
    suggestion: str = Field("", description="how to fix it, in Chinese")
    excerpt: str = ""
