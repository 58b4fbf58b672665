"""The text grammar of the genre, in one place: Chinese word segmentation, numerals and the
numbering of headings and items."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

# Heading numbering of the genre: "一、" (a part), "（一）" (a 方面, a cause, a measure).
CN_DIGITS = "一二三四五六七八九十"
CN_NUM = f"[{CN_DIGITS}]{{1,3}}"
PART_HEAD = re.compile(rf"^{CN_NUM}[、．.]")
SUB_HEAD = re.compile(rf"^[（(]{CN_NUM}[）)]")

# Every numbering marker real materials use, by style, the number in group "n". Written by
# hand in Word, materials mix these, so readers of a heading try them in this order.
MARKERS: dict[str, re.Pattern[str]] = {
    "cn": re.compile(rf"^\s*(?P<n>{CN_NUM})\s*[、.．]"),  # 一、
    "cn_paren": re.compile(rf"^\s*[（(]\s*(?P<n>{CN_NUM})\s*[）)]"),  # （一）
    "num_paren": re.compile(r"^\s*[（(]\s*(?P<n>\d{1,2})\s*[）)]"),  # （1）
    "num_dot": re.compile(r"^\s*(?P<n>\d{1,2})\s*[.．](?!\d)"),  # 1.  (not 1.5)
    "num_dun": re.compile(r"^\s*(?P<n>\d{1,2})\s*、"),  # 1、
    "shi": re.compile(rf"^\s*(?P<n>{CN_NUM})是"),  # 一是 opens an item
    "di": re.compile(rf"^\s*第(?P<n>{CN_NUM})[，,、：:]"),  # 第一，
}
# "第一部分" opens a part in some materials, like "一、".
PART_WORD = re.compile(rf"^\s*第(?P<n>{CN_NUM})部分[、，,：:\s]?")
# What a user types before a line of a list: a bullet or a number ("- ", "1.", "1)", "（1）", "一、").
LIST_BULLET = re.compile(rf"^\s*(?:[-*•·]|\d+[.、．)]|[（(]\d+[）)]|{CN_NUM}[、.．])\s*")
# Heading styles (not item markers) a 方面 name may carry.
HEADING_STYLES = ("cn", "cn_paren", "num_paren", "num_dot", "num_dun")
# An item marker inside a paragraph: 一是 / 第一， at its start or after a sentence end.
INLINE_ITEM = re.compile(rf"(?:(?<=^)|(?<=[。；;！!？?]))\s*((?:{CN_NUM}是)|(?:第{CN_NUM}[，,、：:]))")

# A sentence ends at 。！？ (or a line break); a clause also at ；. Readers that compare
# wording use clauses, readers that count sentences use sentences.
SENTENCE_ENDS = "。！？!?"
CLAUSE_ENDS = SENTENCE_ENDS + "；;"
SENTENCE = re.compile(rf"[^{SENTENCE_ENDS}\n]+[{SENTENCE_ENDS}]?")
CLAUSE = re.compile(rf"[^{CLAUSE_ENDS}\n]+[{CLAUSE_ENDS}]?")


def sentences(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in SENTENCE.finditer(text)) if s]


def clauses(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in CLAUSE.finditer(text)) if s]


def marker(line: str, styles: tuple[str, ...] | None = None) -> tuple[str, int] | None:
    """The numbering style and number a heading or item starts with: "（三）…" -> ("cn_paren", 3)."""
    for style in styles or MARKERS:
        m = MARKERS[style].match(line)
        if m:
            v = m.group("n")
            n = int(v) if v.isdigit() else cn_int(v)
            return (style, n) if n else None
    return None


def marker_end(line: str, styles: tuple[str, ...] | None = None) -> int:
    """Where the line's leading numbering marker ends; 0 without one."""
    for style in styles or MARKERS:
        m = MARKERS[style].match(line)
        if m:
            return m.end()
    return 0


def is_heading_line(line: str) -> bool:
    """A line that is all heading: "一、存在的主要问题", "（一）在理论学习方面"; not a run-on
    "（一）理想信念有所松懈。…" whose text follows on the same line."""
    line = line.strip()
    head = PART_HEAD.match(line) or SUB_HEAD.match(line)
    return bool(head) and len(line) - head.end() <= 40 and "。" not in line[head.end():]


def strip_marker(line: str, styles: tuple[str, ...] | None = None) -> str:
    """The line without its leading numbering marker (one marker, of the given styles)."""
    for style in styles or MARKERS:
        m = MARKERS[style].match(line)
        if m:
            return line[m.end():].strip()
    return line.strip()


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# A simplified text has a few characters t2s would still change (a name, a rare form);
# a traditional one has many.
TRADITIONAL_MIN_CHANGED = 5
TRADITIONAL_MIN_SHARE = 0.02


def simplified(text: str) -> str:
    """The text in simplified characters when it is written in traditional ones (OpenCC's
    t2s, phrase tables included); any other text comes back exactly as it is."""
    if not text:
        return text
    out = _t2s().convert(text)
    if len(out) != len(text):
        return text  # never a length-changing rewrite of the user's text
    changed = sum(a != b for a, b in zip(text, out))
    cjk = sum("\u4e00" <= c <= "\u9fff" for c in text) or 1
    return out if changed >= TRADITIONAL_MIN_CHANGED and changed / cjk >= TRADITIONAL_MIN_SHARE else text


def segment(text: str) -> list[str]:
    """jieba's segmentation of the text."""
    return _jieba().lcut(text)


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一."""
    import cn2an

    return cn2an.an2cn(n)


def cn_int(s: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十一 -> 21: the numerals of headings and items; None for any
    other text."""
    import cn2an

    if not re.fullmatch(CN_NUM, s or ""):
        return None
    try:
        return int(cn2an.cn2an(s, "strict"))
    except ValueError:
        return None
