"""Visual lines back into paragraphs, for every source that breaks text at the page width:
a text PDF, an OCR'd page, text pasted from a PDF or a web page.

Each source says where a line ends a paragraph by what it knows (a PDF line's width, an
OCR box's right edge and the next line's indent); the rules the sources share are here:
a line that ends a sentence or clause ends its paragraph, a line that starts like a heading
or an item starts one, and page numbers and site boilerplate are no part of the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.core import text as grammar

PARAGRAPH_END = "。！？!?：:；;…"
SENTENCE_END = "。！？!?…"
_TRAILING_CLOSERS = "”’\"'」』）)》〉】]"
_CN_NUM = grammar.CN_DIGITS
HEADING_START = re.compile(
    rf"^(?:[{_CN_NUM}]+\s*[、．.]"
    rf"|[（(]\s*(?:[{_CN_NUM}]+|\d+)\s*[）)]"
    rf"|\d+\s*(?:[.．](?!\d)|、)"
    rf"|[\u2460-\u2473]"
    rf"|[{_CN_NUM}]是"
    rf"|第[{_CN_NUM}\d]+[，,、：:])"
)
PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–－\s]*$"
)
# Lines a web page or a PDF viewer adds around an article: where it came from, when it was
# posted, how often read, the navigation trail and the page's own buttons. They are never a
# sentence of the material, so a line that is only this is dropped.
_BOILERPLATE = re.compile(
    r"^(?:(?:来源|信息来源|文章来源|作者|发布时间|发布日期|责任编辑|点击数|浏览次数|"
    r"阅读次数|访问量|字号|【?字体】?)\s*[：:].{0,60}"
    r"|(?:当前位置|您现在的位置|您的位置|所在位置)\s*[：:].*"
    r"|(?:首页|网站首页)\s*[>＞»/›].*"
    r"|(?:【?(?:打印本页|打印|关闭窗口|关闭|返回顶部|分享到|收藏|大|中|小)】?\s*)+"
    r"|(?:上一篇|下一篇)\s*[：:].*)$"
)


@dataclass(frozen=True)
class Line:
    """A visual line and whether its source says a paragraph ends after it."""

    text: str
    ends: bool = False


def width(line: str) -> int:
    """Display width: a CJK character counts two, as on the page."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def ends_sentence(line: str, ends: str = PARAGRAPH_END) -> bool:
    stripped = line.rstrip(_TRAILING_CLOSERS)
    return bool(stripped) and stripped[-1] in ends


def is_noise(line: str) -> bool:
    """A page number or a web page's boilerplate line."""
    return bool(PAGE_NUMBER.match(line) or _BOILERPLATE.match(line))


def rejoin(lines: list[Line], ends: str = PARAGRAPH_END) -> str:
    """One paragraph per output line: a line is joined to the next unless it ends with one
    of `ends`, its source says it ends a paragraph, or the next starts like a heading."""
    paragraphs: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        if current and _latin(current[-1]) and _latin(line.text[0]):
            current += " "  # Latin words wrapped across lines keep their space
        current += line.text
        nxt = lines[i + 1].text if i + 1 < len(lines) else None
        if nxt is None or line.ends or ends_sentence(line.text, ends) or HEADING_START.match(nxt):
            paragraphs.append(current)
            current = ""
    return "\n".join(paragraphs)


# A hard-wrapped paste has lines cut at one full width, some of them mid-sentence. Text
# typed one paragraph per line has at most one line at its widest, so it is left as it is.
_MIN_FULL = 2
_WIDTH_SLACK = 2  # a half-width character or a compressed punctuation mark
_MIN_PAGE_WIDTH = 40  # 20 CJK characters: a page (or a web column) is wider


def clean_pasted(text: str) -> str:
    """Text pasted from a PDF or a web page: page numbers and boilerplate lines removed and,
    when the text is hard-wrapped at a page width, the wrapped lines joined back into their
    paragraphs (full-width indents stripped). Text with neither comes back unchanged."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stripped = [ln.replace("\xa0", " ").strip() for ln in raw]  # str.strip() takes \u3000 too
    noise = [bool(ln) and is_noise(ln) for ln in stripped]
    kept = [ln for ln, drop in zip(stripped, noise) if ln and not drop]
    if not kept:
        return text  # nothing but noise is still what the user gave: theirs to judge
    widest = max(width(ln) for ln in kept)
    full = [ln for ln in kept if width(ln) >= widest - _WIDTH_SLACK]
    if widest >= _MIN_PAGE_WIDTH and len(full) >= _MIN_FULL and not all(map(ends_sentence, full)):
        # A full line ending in ；or ： is one clause of a list run on across lines (a
        # notice's items); only a sentence's end or a short line ends a paragraph here.
        return rejoin([Line(ln, width(ln) < widest - _WIDTH_SLACK) for ln in kept], ends=SENTENCE_END)
    if any(noise):
        return "\n".join(line for line, drop in zip(raw, noise) if not drop)
    return text


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
