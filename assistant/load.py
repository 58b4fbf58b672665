"""Turn an uploaded file (.txt .md .docx .pdf) into plain text, one paragraph per line.

Every way a file can be unusable ends in `InputError` with a Chinese message; library
exceptions never reach the user.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from charset_normalizer import CharsetMatch, from_bytes

from .errors import InputError

if TYPE_CHECKING:
    from lxml.etree import _Element

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
    return InputError(f"文件过大（{_human_size(size)}），上限为 {_human_size(max_bytes)}", source)


def _human_size(n: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            value = f"{n / scale:.1f}".removesuffix(".0")
            return f"{value} {unit}"
    return f"{n} 字节"


# ---------------------------------------------------------------- plain text

# Materials come from Chinese offices: UTF-8 (with or without BOM) or GBK/GB18030, the
# latter from Notepad or WPS on Windows; UTF-16/32 only ever with a BOM (Notepad "Unicode").
_EXPECTED_CODECS = ["utf_8", "gb18030", "utf_16", "utf_32"]
# UTF-16 LE/BE and UTF-32 BE (UTF-32 LE starts like UTF-16 LE): text that may hold NULs.
_UTF_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_GB_FAMILY = {"gbk", "gb2312", "cp936", "gb18030"}
# Chaos is a ratio in [0, 1] and candidates at or above the threshold are dropped.
_NO_CHAOS_LIMIT = 1.01
# Control characters (other than whitespace), private-use code points and lone
# surrogates do not occur in prose; random bytes that happen to decode are full of them.
_BAD_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ud800-\udfff]")
# Share of such characters above which decoded "text" is really binary.
_MAX_BAD_RATIO = 0.05
# Ideographs and CJK/full-width punctuation.
_CHINESE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def _decode_text(data: bytes, source: str) -> tuple[str, str]:
    if not data.strip():
        raise InputError("文件为空（只有空白，没有文字）", source)
    has_bom = data.startswith(_UTF_BOMS)
    if b"\x00" in data and not has_bom:
        raise InputError("看起来是二进制文件，不是文本", source)
    decoded = _detect(data)
    if decoded is None:
        if _control_byte_ratio(data) > 0.01:
            raise InputError("看起来是二进制文件，不是文本", source)
        raise InputError("无法识别文字编码，请用记事本打开后另存为 UTF-8 编码再试", source)
    text, encoding = decoded
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("文件为空（只有空白，没有文字）", source)
    if _bad_char_ratio(text) > _MAX_BAD_RATIO:
        raise InputError("看起来是二进制文件，不是文本", source)
    return text, encoding


def _detect(data: bytes) -> tuple[str, str] | None:
    """Decode with the encoding charset-normalizer finds, biased to what materials use.

    charset-normalizer ranks candidates by a "chaos" score that counts full-width
    punctuation as noise, so on short Chinese texts (a title, a heading, a 30-character
    note) its unrestricted guess is often Big5/CP949/Johab for GBK bytes, or GB18030
    mojibake for punctuation-heavy UTF-8. So:

    1. Ask it only about the expected codecs (`cp_isolation`) and accept any candidate
       that decodes (no chaos cut-off: between these few codecs the question is which
       one, not whether the text looks like prose; a lone "：" or "以XXX" scores 100%).
    2. Among those candidates prefer UTF-8 when it has a BOM or decodes to three-byte
       sequences, as Chinese does: GBK bytes practically never form those, while the
       GB18030 grammar accepts most UTF-8 byte runs.
    3. The library stops at a chaos-free UTF-8 reading, so when UTF-8 wins with only
       two-byte sequences (GBK 学习 = D1 A7 CF B0 is also UTF-8 "ѧϰ"), ask it about
       GB18030 alone and prefer that if it reads as Chinese. The cost: a UTF-8 file
       whose only non-ASCII letters are Latin/Greek/Cyrillic may read as GB18030; such
       a file is no 对照检查材料 anyway.
    4. Only when none of the expected codecs decodes, take the library's unrestricted
       best guess (e.g. Big5 or Shift-JIS), with its default chaos threshold.
    """
    candidates = list(
        from_bytes(data, cp_isolation=_EXPECTED_CODECS, threshold=_NO_CHAOS_LIMIT)
    )
    candidates.sort(key=lambda m: not _utf8_evidence(m))  # stable: library order otherwise
    if candidates and candidates[0].encoding == "utf_8" and not _utf8_evidence(candidates[0]):
        if not str(candidates[0]).isascii():
            gb = from_bytes(data, cp_isolation=["gb18030"], threshold=_NO_CHAOS_LIMIT).best()
            if gb is not None and _looks_chinese(str(gb)):
                candidates.insert(0, gb)
    for match in candidates:
        decoded = _decode_match(data, match)
        if decoded is not None:
            return decoded
    fallback = from_bytes(data).best()
    return _decode_match(data, fallback) if fallback is not None else None


def _utf8_evidence(match: CharsetMatch) -> bool:
    return match.encoding == "utf_8" and (
        match.bom or any(ord(ch) >= 0x800 for ch in str(match))
    )


def _looks_chinese(text: str) -> bool:
    return _CHINESE.search(text) is not None


def _decode_match(data: bytes, match: CharsetMatch) -> tuple[str, str] | None:
    encoding = match.encoding
    if encoding in _GB_FAMILY:
        # GB18030 is a superset of GB2312 and GBK: the same bytes decode the same, and
        # characters outside GBK that some editors emit still decode.
        encoding = "gb18030"
    if encoding == "utf_8" and data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf_8_sig"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    # utf_16/utf_32 consume their BOM; a GB18030 BOM (84 31 95 33) decodes to U+FEFF.
    return text.removeprefix("\ufeff"), encoding.replace("_", "-")


def _control_byte_ratio(data: bytes) -> float:
    controls = sum(1 for b in data if b < 0x20 and b not in b"\t\n\r\x0b\x0c\x1a\x1b")
    return controls / len(data)


def _bad_char_ratio(text: str) -> float:
    return len(_BAD_CHARS.findall(text)) / len(text)


# ---------------------------------------------------------------- .docx

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC = _w("p"), _w("tbl"), _w("tr"), _w("tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
_T, _TAB, _BR, _CR, _NB_HYPHEN = _w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")
_VAL = _w("val")
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
            f"Word 文档解压后过大（{_human_size(total)}），文件可能已损坏或是异常构造的文件",
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


# ---- Word automatic numbering


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
_CN_NUM = "一二三四五六七八九十"
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
