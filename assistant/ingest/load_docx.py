""".docx files: paragraphs in document order (tables included), with the labels of Word's
automatic numbering written into the text, and a guard against zip bombs."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from assistant.core.errors import InputError, human_size
from assistant.ingest.docx_numbering import _MC, _Numbering, _w

if TYPE_CHECKING:
    from lxml.etree import _Element

_P, _TBL, _TR, _TC = _w("p"), _w("tbl"), _w("tr"), _w("tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
_T, _TAB, _BR, _CR, _NB_HYPHEN = _w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")

# ---------------------------------------------------------------- .docx


# Subtrees whose text Word does not show in the paragraph: properties, tracked deletions,
# field codes, text boxes (their own paragraphs, drawn elsewhere) and the duplicate
# fallback rendering of drawings.
_SKIP_IN_PARAGRAPH = {
    _w("pPr"),
    _w("rPr"),
    _w("del"),
    _w("moveFrom"),
    _w("instrText"),
    _w("delText"),
    _w("txbxContent"),
    f"{{{_MC}}}Fallback",
}
_MAIN_PART = re.compile(r"word/document\d*\.xml")
# document.xml alone stays far below this for any real material; a zip bomb does not.
_MAX_PART_BYTES = 50 * 1024 * 1024
# python-docx reads every part into memory, images included.
_MAX_UNPACKED_BYTES = 200 * 1024 * 1024

_NOT_DOCX = "不是有效的 Word 文档（{why}），请用 Word 另存为 .docx 后再试"


def _docx_text(data: bytes, source: str) -> str:
    _check_docx_zip(data, source)
    import docx  # deferred: only .docx uploads pay for importing python-docx

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        # python-docx hands out an empty numbering part when the file has none.
        numbering = _Numbering(document.part.numbering_part.element, document.styles.element)
    except InputError:
        raise
    except Exception:
        raise InputError(
            "无法读取 Word 文档内容（文件可能已损坏），请用 Word 打开后另存为 .docx 再试",
            source,
        ) from None
    lines: list[str] = []
    for p in _iter_paragraphs(body):
        text = _paragraph_text(p)
        label, suffix = numbering.label(p)
        text = text.strip()
        if not text:
            # An empty numbered paragraph still took its number in Word (done above).
            continue
        if label:
            sep = "" if suffix == "nothing" or not label[-1].isascii() else " "
            text = f"{label}{sep}{text}"
        lines.append(text)
    if not lines:
        raise InputError("Word 文档中没有文字", source)
    return "\n".join(lines)


def _check_docx_zip(data: bytes, source: str) -> None:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        # OLE container: a .doc renamed to .docx, or a password-protected .docx.
        raise InputError(
            "不是有效的 Word 文档（实际上是旧版 .doc 格式，或设置了打开密码），"
            "请用 Word 打开，去掉密码后另存为 .docx 再试",
            source,
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise InputError(_NOT_DOCX.format(why=".docx 实际上不是 zip 压缩包"), source) from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(_MAIN_PART.fullmatch(n) for n in names):
        raise InputError(_NOT_DOCX.format(why="压缩包中没有 word/document.xml"), source)
    if any(info.flag_bits & 0x1 for info in infos):
        raise InputError(_NOT_DOCX.format(why="压缩包内容被加密"), source)
    largest = max(info.file_size for info in infos if info.filename.endswith(".xml"))
    total = sum(info.file_size for info in infos)
    if largest > _MAX_PART_BYTES or total > _MAX_UNPACKED_BYTES:
        raise InputError(
            f"Word 文档解压后过大（{human_size(total)}），文件可能已损坏或是异常构造的文件",
            source,
        )


def _iter_paragraphs(container: _Element) -> Iterator[_Element]:
    """Body paragraphs in document order, descending into tables and content controls."""
    for child in container:
        tag = child.tag
        if tag == _P:
            yield child
        elif tag == _TBL:
            # Walking w:tr/w:tc directly (not python-docx's Table.cells) keeps a merged
            # cell once instead of once per grid column it spans.
            # Rows and cells may sit inside w:sdt/w:customXml wrappers, so search the
            # subtree, leaving rows and cells of nested tables to their own cell's turn.
            for row in _owned(child, _TR, _TBL):
                for cell in _owned(row, _TC, _TR):
                    yield from _iter_paragraphs(cell)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _iter_paragraphs(content)
        elif tag == _CUSTOM_XML:
            yield from _iter_paragraphs(child)


def _owned(owner: _Element, tag: str, owner_tag: str) -> Iterator[_Element]:
    for element in owner.iter(tag):
        if next(element.iterancestors(owner_tag), None) is owner:
            yield element


def _paragraph_text(p: _Element) -> str:
    # Not python-docx's Paragraph.text: it only looks at direct w:r/w:hyperlink children
    # and so drops tracked insertions, smart tags, simple fields and inline controls.
    parts: list[str] = []

    def walk(element: _Element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_IN_PARAGRAPH:
                continue
            if tag == _T:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in (_BR, _CR):
                parts.append("\n")
            elif tag == _NB_HYPHEN:
                parts.append("-")
            else:
                walk(child)

    walk(p)
    # A manual line break (Shift+Enter) shows as a new line: keep one paragraph per line.
    return "\n".join(line.strip() for line in "".join(parts).split("\n") if line.strip())
