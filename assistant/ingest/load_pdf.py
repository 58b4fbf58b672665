""".pdf files (text PDFs): pypdf's text, with lines broken by the page width joined back
into paragraphs."""

from __future__ import annotations

import io
import re
import unicodedata

from assistant.core import text as grammar
from assistant.core.errors import InputError

# ---------------------------------------------------------------- .pdf

# pypdf returns the PDF's visual lines, so a paragraph comes back cut at every line end.
# Two lines are joined unless one of these says a paragraph ends between them:
#   1. the line ends a sentence or clause: 。！？：；… (closing quotes/brackets after
#      them are skipped, so 。” also ends);
#   2. the next line starts like a heading or an item: 一、 （一） 1. 1、 (1) ① 一是 第一，;
#   3. the line is clearly shorter than the page's longest line (< 80% of its width):
#      wrapped lines run to the margin, so a short one is a heading or a paragraph's end.
# Lines that are only a page number ("- 3 -", "第 3 页", "3/12") are dropped first, so a
# paragraph broken across pages is joined too.
_PARAGRAPH_END = "。！？!?：:；;…"
_TRAILING_CLOSERS = "”’\"'」』）)》〉】]"
_CN_NUM = grammar.CN_DIGITS
_HEADING_START = re.compile(
    rf"^(?:[{_CN_NUM}]+\s*[、．.]"
    rf"|[（(]\s*(?:[{_CN_NUM}]+|\d+)\s*[）)]"
    rf"|\d+\s*(?:[.．](?!\d)|、)"
    rf"|[\u2460-\u2473]"
    rf"|[{_CN_NUM}]是"
    rf"|第[{_CN_NUM}\d]+[，,、：:])"
)
_PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–－\s]*$"
)
_SHORT_LINE = 0.8


def _pdf_text(data: bytes, source: str) -> str:
    from pypdf import PdfReader  # deferred like python-docx
    from pypdf.errors import DependencyError

    broken = "无法读取 PDF（文件可能已损坏），请重新导出 PDF 后再试"
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("PDF 设置了打开密码，请先去掉密码后再试", source)
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except DependencyError:
        # pypdf needs the optional `cryptography` package for AES-encrypted files.
        raise InputError("PDF 已加密，无法读取，请先去掉加密后再试", source) from None
    except Exception:
        raise InputError(broken, source) from None
    lines: list[tuple[str, bool]] = []
    for page_text in pages:
        lines.extend(_page_lines(page_text))
    text = _join_lines(lines)
    if not any(ch.isalnum() for ch in text):
        raise InputError("PDF 中没有可提取的文字（可能是扫描件），请先做文字识别", source)
    return text


def _page_lines(page_text: str) -> list[tuple[str, bool]]:
    """(line, ends_paragraph_by_width) for one page, page-number lines dropped."""
    page_text = page_text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else " " for ch in page_text
    )
    raw = [line.strip() for line in cleaned.split("\n")]
    out: list[tuple[str, bool]] = []
    lines = [line for line in raw if line and not _PAGE_NUMBER.match(line)]
    widest = max((_width(line) for line in lines), default=0)
    for line in lines:
        out.append((line, _width(line) < _SHORT_LINE * widest))
    return out


def _join_lines(lines: list[tuple[str, bool]]) -> str:
    paragraphs: list[str] = []
    current = ""
    for i, (line, short) in enumerate(lines):
        if current and _is_latin_alnum(current[-1]) and _is_latin_alnum(line[0]):
            current += " "  # Latin words wrapped across lines keep their space
        current += line
        nxt = lines[i + 1][0] if i + 1 < len(lines) else None
        if nxt is None or short or _ends_paragraph(line) or _HEADING_START.match(nxt):
            paragraphs.append(current)
            current = ""
    return "\n".join(paragraphs)


def _is_latin_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _ends_paragraph(line: str) -> bool:
    stripped = line.rstrip(_TRAILING_CLOSERS)
    return bool(stripped) and stripped[-1] in _PARAGRAPH_END


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
