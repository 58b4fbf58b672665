""".pdf files (text PDFs): pypdf's text, with lines broken by the page width joined back
into paragraphs."""

from __future__ import annotations

import io
import unicodedata

from assistant.core.errors import InputError
from assistant.ingest.lines import Line, is_noise, rejoin, width

# ---------------------------------------------------------------- .pdf

# pypdf returns the PDF's visual lines, so a paragraph comes back cut at every line end.
# Besides the rules every source shares (ingest/lines.py), a line clearly shorter than the
# page's longest (< 80% of its width) ends its paragraph: wrapped lines run to the margin,
# so a short one is a heading or a paragraph's end. Page-number lines are dropped first, so
# a paragraph broken across pages is joined too.
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
    lines: list[Line] = []
    for page_text in pages:
        lines.extend(_page_lines(page_text))
    text = rejoin(lines)
    # No text layer (a scanned PDF): the caller reads the pages by OCR.
    return text if any(ch.isalnum() for ch in text) else ""


def _page_lines(page_text: str) -> list[Line]:
    """One page's lines, each marked when it is short; page numbers and boilerplate dropped."""
    page_text = page_text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else " " for ch in page_text
    )
    lines = [line.strip() for line in cleaned.split("\n")]
    lines = [line for line in lines if line and not is_noise(line)]
    widest = max((width(line) for line in lines), default=0)
    return [Line(line, width(line) < _SHORT_LINE * widest) for line in lines]
