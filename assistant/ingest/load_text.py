"""Plain text files: which encoding (UTF-8, with or without BOM, GBK/GB18030), decided by
charset-normalizer, and whether the bytes are text at all."""

from __future__ import annotations

import re

from charset_normalizer import CharsetMatch, from_bytes

from assistant.core.errors import InputError

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
