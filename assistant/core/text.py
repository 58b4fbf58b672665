"""The text grammar of the genre, in one place: Chinese word segmentation, numerals and the
numbering of headings and items."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

# Heading numbering of the genre: "一、" (a part), "（一）" (a 方面, a cause, a measure).
CN_NUM = "[一二三四五六七八九十]{1,3}"
PART_HEAD = re.compile(rf"^{CN_NUM}[、．.]")
SUB_HEAD = re.compile(rf"^[（(]{CN_NUM}[）)]")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


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
