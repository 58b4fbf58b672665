"""Word's automatic list numbering: the label ("一、", "（二）", "3.") Word shows before a
numbered paragraph, computed from the numbering part as Word does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.etree import _Element

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_VAL = _w("val")

@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = ""
    start: int = 1
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 never
    is_lgl: bool = False
    suffix: str = "tab"
    pstyle: str | None = None


@dataclass
class _Num:
    abstract_id: str
    level_overrides: dict[int, _Level] = field(default_factory=dict)
    start_overrides: dict[int, int] = field(default_factory=dict)


_MAX_LEVELS = 9


class _Numbering:
    """The labels Word draws for numbered paragraphs, computed in document order.

    Counters belong to the abstract numbering, as in Word: two w:num that share an
    abstractNum continue one sequence, and a w:num with w:startOverride restarts it the
    first time that w:num is used.
    """

    def __init__(self, numbering: _Element | None, styles: _Element | None) -> None:
        self._abstracts: dict[str, dict[int, _Level]] = {}
        self._abstract_style_links: dict[str, str] = {}
        self._nums: dict[str, _Num] = {}
        self._styles: dict[str, _Element] = {}
        self._default_style: str | None = None
        self._counters: dict[str, list[int | None]] = {}
        self._used_nums: set[str] = set()
        if styles is not None:
            self._read_styles(styles)
        if numbering is not None:
            self._read_numbering(numbering)

    def _read_styles(self, styles: _Element) -> None:
        for style in styles.iterchildren(_w("style")):
            if style.get(_w("type")) != "paragraph":
                continue
            style_id = style.get(_w("styleId"))
            if style_id is None:
                continue
            self._styles[style_id] = style
            if style.get(_w("default")) in ("1", "true", "on") and self._default_style is None:
                self._default_style = style_id

    def _read_numbering(self, numbering: _Element) -> None:
        for abstract in numbering.iterchildren(_w("abstractNum")):
            abstract_id = abstract.get(_w("abstractNumId"))
            if abstract_id is None:
                continue
            levels: dict[int, _Level] = {}
            for lvl in abstract.iterchildren(_w("lvl")):
                index = _int(lvl.get(_w("ilvl")))
                if index is not None and 0 <= index < _MAX_LEVELS:
                    levels[index] = _read_level(lvl)
            self._abstracts[abstract_id] = levels
            link = _child_val(abstract, "numStyleLink")
            if link:
                self._abstract_style_links[abstract_id] = link
        for num in numbering.iterchildren(_w("num")):
            num_id = num.get(_w("numId"))
            abstract_id = _child_val(num, "abstractNumId")
            if num_id is None or abstract_id is None:
                continue
            entry = _Num(abstract_id)
            for override in num.iterchildren(_w("lvlOverride")):
                index = _int(override.get(_w("ilvl")))
                if index is None or not 0 <= index < _MAX_LEVELS:
                    continue
                start = _int(_child_val(override, "startOverride"))
                if start is not None:
                    entry.start_overrides[index] = start
                lvl = override.find(_w("lvl"))
                if lvl is not None:
                    entry.level_overrides[index] = _read_level(lvl)
            self._nums[num_id] = entry

    def label(self, p: _Element) -> tuple[str | None, str]:
        """Advance the counters for paragraph `p`; return (label or None, w:suff)."""
        found = self._num_and_level(p)
        if found is None:
            return None, "tab"
        num_id, ilvl = found
        num = self._nums.get(num_id)
        if num is None:
            return None, "tab"
        abstract_id = self._resolve_abstract(num.abstract_id)
        levels = dict(self._abstracts.get(abstract_id, {}))
        levels.update(num.level_overrides)
        level = levels.get(ilvl)
        if level is None:
            return None, "tab"

        def start_of(index: int) -> int:
            if index in num.start_overrides:
                return num.start_overrides[index]
            return levels[index].start if index in levels else 1

        counters = self._counters.setdefault(abstract_id, [None] * _MAX_LEVELS)
        if num_id not in self._used_nums:
            self._used_nums.add(num_id)
            for index in num.start_overrides:
                counters[index] = None
        current = counters[ilvl]
        counters[ilvl] = start_of(ilvl) if current is None else current + 1
        for deeper in range(ilvl + 1, _MAX_LEVELS):
            restart = levels[deeper].restart if deeper in levels else None
            # Default: a level restarts whenever any shallower level advances.
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None

        if level.fmt == "bullet":
            return None, level.suffix

        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            if not 0 <= index < _MAX_LEVELS:
                return ""
            value = counters[index]
            if value is None:
                value = start_of(index)
            ref = levels.get(index)
            fmt = ref.fmt if ref is not None else "decimal"
            if level.is_lgl and fmt != "none":
                fmt = "decimal"
            return _format_number(value, fmt)

        label = re.sub(r"%([1-9])", number, level.text).strip()
        return (label or None), level.suffix

    def _num_and_level(self, p: _Element) -> tuple[str, int] | None:
        ppr = p.find(_w("pPr"))
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        num_id = _child_val(num_pr, "numId") if num_pr is not None else None
        ilvl = _int(_child_val(num_pr, "ilvl")) if num_pr is not None else None
        style_id = _child_val(ppr, "pStyle") if ppr is not None else None
        style_id = style_id or self._default_style
        if num_id is None:
            style_num = self._style_numbering(style_id)
            if style_num is None:
                return None
            num_id, style_ilvl = style_num
            if ilvl is None:
                ilvl = style_ilvl
            if ilvl is None:
                ilvl = self._level_linked_to_style(num_id, style_id)
        if num_id == "0":  # explicit "no numbering", also used to cancel a style's list
            return None
        if ilvl is None or not 0 <= ilvl < _MAX_LEVELS:
            ilvl = 0
        return num_id, ilvl

    def _style_numbering(self, style_id: str | None) -> tuple[str, int | None] | None:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            ppr = style.find(_w("pPr"))
            num_pr = ppr.find(_w("numPr")) if ppr is not None else None
            if num_pr is not None:
                num_id = _child_val(num_pr, "numId")
                if num_id is not None:
                    return num_id, _int(_child_val(num_pr, "ilvl"))
            style_id = _child_val(style, "basedOn")
        return None

    def _level_linked_to_style(self, num_id: str, style_id: str | None) -> int | None:
        num = self._nums.get(num_id)
        if num is None or style_id is None:
            return None
        levels = self._abstracts.get(self._resolve_abstract(num.abstract_id), {})
        for index, level in levels.items():
            if level.pstyle == style_id:
                return index
        return None

    def _resolve_abstract(self, abstract_id: str) -> str:
        # An abstractNum with w:numStyleLink holds no levels: they live in the abstractNum
        # of the list style's own w:num.
        seen: set[str] = set()
        while abstract_id in self._abstract_style_links and abstract_id not in seen:
            seen.add(abstract_id)
            style_num = self._style_numbering(self._abstract_style_links[abstract_id])
            if style_num is None or style_num[0] not in self._nums:
                break
            abstract_id = self._nums[style_num[0]].abstract_id
        return abstract_id


def _read_level(lvl: _Element) -> _Level:
    restart = _int(_child_val(lvl, "lvlRestart"))
    start = _int(_child_val(lvl, "start"))
    is_lgl = lvl.find(_w("isLgl"))
    return _Level(
        fmt=_child_val(lvl, "numFmt") or "decimal",
        text=_child_val(lvl, "lvlText") or "",
        start=1 if start is None else start,
        restart=restart,
        is_lgl=is_lgl is not None and is_lgl.get(_VAL) not in ("0", "false", "off"),
        suffix=_child_val(lvl, "suff") or "tab",
        pstyle=_child_val(lvl, "pStyle"),
    )


def _child_val(element: _Element | None, tag: str) -> str | None:
    if element is None:
        return None
    child = element.find(_w(tag))
    return child.get(_VAL) if child is not None else None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def _format_number(n: int, fmt: str) -> str:
    """A counter value as Word writes it in `fmt` (w:numFmt); unknown formats as decimal."""
    if fmt == "none":
        return ""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand", "ideographDigital"):  # fmt: skip
        return _chinese_number(n, _CN_DIGITS, "十")
    if fmt == "chineseLegalSimplified":
        return _chinese_number(n, _CN_LEGAL_DIGITS, "拾")
    if fmt == "ideographTraditional" and n >= 1:
        return _HEAVENLY_STEMS[(n - 1) % 10]
    if fmt in ("upperLetter", "lowerLetter") and n >= 1:
        # Word goes A..Z, then AA..ZZ, AAA..: the letter repeats, it does not carry.
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= n < 4000:
        roman = ""
        for value, symbol in _ROMAN:
            count, n = divmod(n, value)
            roman += symbol * count
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        if 1 <= n <= 20:
            return chr(0x2460 + n - 1)  # ①..⑳
        if 21 <= n <= 35:
            return chr(0x3251 + n - 21)  # ㉑..㉟
        if 36 <= n <= 50:
            return chr(0x32B1 + n - 36)  # ㊱..㊿
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in str(n))
    return str(n)


def _chinese_number(n: int, digits: str, ten: str) -> str:
    """1..99 in Chinese counting (十, 十一, 二十一); anything else in Arabic digits."""
    if 1 <= n <= 9:
        return digits[n]
    if 10 <= n <= 99:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + ten + (digits[ones] if ones else "")
    return str(n)
