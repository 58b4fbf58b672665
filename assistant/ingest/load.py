"""Turn an uploaded file into plain text, one paragraph per line: .txt .md .docx .pdf, old
.doc/.wps (through LibreOffice), scanned PDFs and photos (through offline OCR).

Every way a file can be unusable ends in `InputError` with a Chinese message; library
exceptions never reach the user. What the user should check (an OCR'd page) comes back as
notes beside the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.core.errors import InputError, human_size
from assistant.ingest.lines import clean_pasted
from assistant.ingest.load_docx import _docx_text
from assistant.ingest.load_ocr import IMAGE_SUFFIXES, Progress, ocr_image, ocr_pdf
from assistant.ingest.load_office import LEGACY_SUFFIXES, OLE_MAGIC, legacy_word_text
from assistant.ingest.load_pdf import _pdf_text
from assistant.ingest.load_text import _decode_text

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SUPPORTED = (".txt", ".md", ".docx", ".pdf", *LEGACY_SUFFIXES, *IMAGE_SUFFIXES)
SUPPORTED_TEXT = " ".join(SUPPORTED)


@dataclass(frozen=True)
class LoadedText:
    text: str
    source: str
    kind: str  # "txt" | "md" | "docx" | "doc" | "wps" | "pdf" | "ocr"
    encoding: str | None  # codec used for txt/md; None otherwise
    notes: tuple[str, ...] = ()  # what the user should check, e.g. an OCR'd page


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None) -> LoadedText:
    """Read `path` and load it like an upload; the size is checked before reading."""
    path = Path(path)
    source = str(path)
    _check_suffix(path.name, source)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_large(size, max_bytes, source)
        with path.open("rb") as fh:
            # Read one byte past the limit so a file that grew after stat() is still caught.
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError("找不到文件", source) from None
    except IsADirectoryError:
        raise InputError("这是一个文件夹，不是文件", source) from None
    except PermissionError:
        raise InputError("没有读取该文件的权限", source) from None
    except OSError:
        raise InputError("无法读取文件（可能正被其他程序占用或磁盘出错）", source) from None
    return load_bytes(source, data, max_bytes=max_bytes, progress=progress)


def load_bytes(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES,
               progress: Progress | None = None) -> LoadedText:
    """Load an upload given its file name (or path) and content; dispatch on the suffix.
    `progress(done, total)` hears of each page an OCR reads."""
    source = name
    suffix = _check_suffix(name, source)
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes, source)
    if not data:
        raise InputError("文件为空", source)
    if suffix in (".txt", ".md"):
        text, encoding = _decode_text(data, source)
        # A .txt is often text copied out of a PDF or a web page.
        return LoadedText(clean_pasted(text), source, suffix[1:], encoding)
    if suffix in LEGACY_SUFFIXES and data.startswith(b"PK"):
        suffix = ".docx"  # a .docx renamed .doc: read as what it is
    if suffix in LEGACY_SUFFIXES or (suffix == ".docx" and data.startswith(OLE_MAGIC)):
        # A .doc saved under .docx is an old Word file all the same.
        return LoadedText(legacy_word_text(data, source, suffix), source, suffix[1:], None)
    if suffix == ".docx":
        return LoadedText(_docx_text(data, source), source, "docx", None)
    if suffix in IMAGE_SUFFIXES:
        scanned = ocr_image(data, source, progress)
        return LoadedText(scanned.text, source, "ocr", None, (scanned.note(),))
    text = _pdf_text(data, source)
    if text:
        return LoadedText(text, source, "pdf", None)
    # No text layer: a scanned PDF.
    scanned = ocr_pdf(data, source, progress)
    return LoadedText(scanned.text, source, "ocr", None, (scanned.note(),))


def load_plain(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A file the user wrote to give us lines of text (facts, a notice): read as text
    whatever its name (事实, facts.list, 通知.txt), a document or a scan by its loader. An
    empty file is no text, not an error: a request may have no facts."""
    path = Path(path)
    if path.suffix.lower() in SUPPORTED and path.suffix.lower() not in (".txt", ".md"):
        return load_file(path, max_bytes).text
    source = str(path)
    try:
        if path.stat().st_size > max_bytes:
            raise _too_large(path.stat().st_size, max_bytes, source)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("找不到文件", source) from None
    except IsADirectoryError:
        raise InputError("这是一个文件夹，不是文件", source) from None
    except PermissionError:
        raise InputError("没有读取该文件的权限", source) from None
    except OSError:
        raise InputError("无法读取文件（可能正被其他程序占用或磁盘出错）", source) from None
    if not data.strip():
        return ""
    # Kept line for line: facts are one a line (never rejoined, see split_facts) and a
    # notice is cleaned where it is read (draft/notice.py).
    return _decode_text(data, source)[0]


def _check_suffix(name: str, source: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in SUPPORTED:
        return suffix
    if not suffix:
        raise InputError(f"文件没有扩展名，无法判断类型，支持 {SUPPORTED_TEXT}", source)
    raise InputError(f"不支持的文件类型 {suffix}，支持 {SUPPORTED_TEXT}", source)


def _too_large(size: int, max_bytes: int, source: str) -> InputError:
    return InputError(f"文件过大（{human_size(size)}），上限为 {human_size(max_bytes)}", source)
