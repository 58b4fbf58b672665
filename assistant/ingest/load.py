"""Turn an uploaded file (.txt .md .docx .pdf) into plain text, one paragraph per line.

Every way a file can be unusable ends in `InputError` with a Chinese message; library
exceptions never reach the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.core.errors import InputError, human_size
from assistant.ingest.load_docx import _docx_text
from assistant.ingest.load_pdf import _pdf_text
from assistant.ingest.load_text import _decode_text

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SUPPORTED = (".txt", ".md", ".docx", ".pdf")
_SUPPORTED_TEXT = " ".join(SUPPORTED)


@dataclass(frozen=True)
class LoadedText:
    text: str
    source: str
    kind: str  # "txt" | "md" | "docx" | "pdf"
    encoding: str | None  # codec used for txt/md; None for docx/pdf


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedText:
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
    return load_bytes(source, data, max_bytes=max_bytes)


def load_bytes(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedText:
    """Load an upload given its file name (or path) and content; dispatch on the suffix."""
    source = name
    suffix = _check_suffix(name, source)
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes, source)
    if not data:
        raise InputError("文件为空", source)
    if suffix in (".txt", ".md"):
        text, encoding = _decode_text(data, source)
        return LoadedText(text, source, suffix[1:], encoding)
    if suffix == ".docx":
        return LoadedText(_docx_text(data, source), source, "docx", None)
    return LoadedText(_pdf_text(data, source), source, "pdf", None)


def load_plain(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A file the user wrote to give us lines of text (facts, a notice): read as text
    whatever its name (事实, facts.list, 通知.txt), a .docx or .pdf by its loader. An empty
    file is no text, not an error: a request may have no facts."""
    path = Path(path)
    if path.suffix.lower() in (".docx", ".pdf"):
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
    return _decode_text(data, source)[0]


def _check_suffix(name: str, source: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in SUPPORTED:
        return suffix
    if suffix == ".doc":
        raise InputError(".doc 旧格式请先用 Word 或 WPS 另存为 .docx 后再试", source)
    if suffix == ".wps":
        raise InputError(".wps 格式请先用 WPS 另存为 .docx 后再试", source)
    if not suffix:
        raise InputError(f"文件没有扩展名，无法判断类型，支持 {_SUPPORTED_TEXT}", source)
    raise InputError(f"不支持的文件类型 {suffix}，支持 {_SUPPORTED_TEXT}", source)


def _too_large(size: int, max_bytes: int, source: str) -> InputError:
    return InputError(f"文件过大（{human_size(size)}），上限为 {human_size(max_bytes)}", source)
