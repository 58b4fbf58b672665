"""Loader: encodings, Word numbering and tables, PDF text, and every unusable input."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from builders import (
    W_NS,
    _add_abstract,
    _add_num,
    _assemble,
    _docx_bytes,
    _level,
    _numbered,
    _pdf,
    _stream,
)
from docx import Document
from docx.oxml import parse_xml
from hypothesis import given, settings
from hypothesis import strategies as st
from support import CORPUS

from assistant.core.errors import InputError
from assistant.ingest.load import LoadedText, load_bytes, load_file

CJK = re.compile(r"[\u4e00-\u9fff]")

SHORT = "（一）在理论学习方面。学习不够深入系统，存在以干代学的现象。"  # 30 characters
LONG = (
    "按照要求，党组班子聚焦会议主题，精心组织了会前自学和集中研讨。\n"
    "一、存在的主要问题\n"
    "（一）在理论学习方面。对党的创新理论学习不够深入系统，存在“以干代学”的现象；"
    "学用结合不够紧密，运用理论指导实践的能力还有差距。\n"
    "（二）在担当作为方面。一是攻坚克难的勇气不足；二是开拓创新的意识不强。\n"
    "二、原因剖析\n"
    "理想信念有所弱化，宗旨意识有所淡化，作风建设有所松懈。\n"
)


# ---------------------------------------------------------------- plain text


@pytest.mark.parametrize("text", [SHORT, LONG], ids=["short", "long"])
@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("gbk"),
        lambda s: s.encode("gb18030"),
        lambda s: s.encode("utf-8"),
        lambda s: s.encode("utf-8-sig"),
        lambda s: s.encode("utf-16"),
    ],
    ids=["gbk", "gb18030", "utf-8", "utf-8-bom", "utf-16-bom"],
)
def test_encodings_give_the_same_text(tmp_path: Path, text: str, encode) -> None:
    assert len(SHORT) == 30
    path = tmp_path / "材料.txt"
    path.write_bytes(encode(text))
    loaded = load_file(path)
    assert loaded.text == text
    assert not loaded.text.startswith("\ufeff")
    assert loaded.kind == "txt"
    assert loaded.source == str(path)


@pytest.mark.parametrize("codec", ["gbk", "gb2312"])
def test_gbk_family_is_decoded_as_gb18030(codec: str) -> None:
    loaded = load_bytes("a.txt", SHORT.encode(codec))
    assert loaded.encoding == "gb18030"
    assert load_bytes("a.txt", SHORT.encode("utf-8")).encoding == "utf-8"
    assert load_bytes("a.txt", SHORT.encode("utf-8-sig")).encoding == "utf-8-sig"


def test_gb18030_only_characters() -> None:
    text = "王䶮同志对照检查：𠮷字、€符号都在。"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    assert load_bytes("a.md", text.encode("gb18030")).text == text


def test_short_lines_of_the_corpus_in_gbk_and_utf8() -> None:
    # Every line of the seed materials (headings of 6 characters included) on its own.
    lines = [
        line
        for f in sorted(CORPUS.glob("*.txt"))
        for line in f.read_text("utf-8").splitlines()
        if line.strip()
    ]
    assert len(lines) > 50
    wrong = []
    for line in lines:
        for codec in ("gbk", "utf-8"):
            try:
                data = line.encode(codec)
            except UnicodeEncodeError:  # a stray NBSP has no GBK code
                continue
            if load_bytes("a.txt", data).text != line:
                wrong.append((codec, line))
    assert wrong == []


@pytest.mark.parametrize(
    "text",
    ["一、存在的主要问题", "（一）", "学习", "二、原因剖析", "同志为", "深刻剖析。", "：", "问题清单 2023"],
)
@pytest.mark.parametrize("codec", ["gbk", "utf-8"])
def test_very_short_texts(text: str, codec: str) -> None:
    assert load_bytes("a.txt", text.encode(codec)).text == text


def test_newlines_are_normalized_and_text_kept() -> None:
    data = "一、标题\r\n  正文第一段。\r第二段。\n\n".encode("gbk")
    assert load_bytes("a.txt", data).text == "一、标题\n  正文第一段。\n第二段。\n\n"


def test_markdown_kind() -> None:
    loaded = load_bytes("notes.MD", "# 一、存在的问题\n正文。".encode())
    assert loaded == LoadedText("# 一、存在的问题\n正文。", "notes.MD", "md", "utf-8")


# ---------------------------------------------------------------- .docx

def test_docx_auto_numbered_headings_and_table(tmp_path: Path) -> None:
    document = Document()
    _add_abstract(
        document,
        100,
        _level(0, "chineseCounting", "%1、")
        # %2 is level 1's own counter: in w:lvlText, %N names level N-1 (so "（%1）" on
        # level 1 would show the level-0 number, as Word does).
        + _level(1, "chineseCounting", "（%2）", extra='<w:suff w:val="nothing"/>'),
    )
    num_id = _add_num(document, 100)
    document.add_paragraph("按照要求，班子成员认真查摆问题。")
    _numbered(document, "存在的主要问题", num_id, 0)
    _numbered(document, "在理论学习方面。学习不够深入。", num_id, 1)
    _numbered(document, "在担当作为方面。攻坚克难勇气不足。", num_id, 1)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "问题"
    table.cell(0, 1).text = "整改措施"
    table.cell(1, 0).text = "学习不深"
    table.cell(1, 1).paragraphs[0].text = "每月集中学习"
    table.cell(1, 1).add_paragraph("专题研讨")
    document.add_paragraph("")  # empty paragraphs are skipped
    _numbered(document, "原因剖析", num_id, 0)
    _numbered(document, "理想信念有所弱化。", num_id, 1)
    _numbered(document, "宗旨意识有所淡化。", num_id, 1)
    document.add_paragraph("　　下一步，我们将认真整改。")
    path = tmp_path / "对照检查.docx"
    path.write_bytes(_docx_bytes(document))

    loaded = load_file(path)

    assert loaded.kind == "docx" and loaded.encoding is None
    assert loaded.text.split("\n") == [
        "按照要求，班子成员认真查摆问题。",
        "一、存在的主要问题",
        "（一）在理论学习方面。学习不够深入。",
        "（二）在担当作为方面。攻坚克难勇气不足。",
        "问题",
        "整改措施",
        "学习不深",
        "每月集中学习",
        "专题研讨",
        "二、原因剖析",
        "（一）理想信念有所弱化。",
        "（二）宗旨意识有所淡化。",
        "下一步，我们将认真整改。",
    ]


def test_docx_merged_and_nested_cells_once_in_order_and_tracked_insertions() -> None:
    document = Document()
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 2))  # one cell over three grid columns
    merged.text = "合并单元格"
    table.cell(1, 0).text = "左"
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内层一"
    inner.cell(0, 1).text = "内层二"
    table.cell(1, 2).text = "右"
    paragraph = document.add_paragraph("原有文字")
    paragraph._p.append(
        parse_xml(
            f'<w:ins {W_NS} w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z">'
            "<w:r><w:t>修订插入</w:t></w:r></w:ins>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del {W_NS} w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z">'
            "<w:r><w:delText>已删除</w:delText></w:r></w:del>"
        )
    )
    assert load_bytes("a.docx", _docx_bytes(document)).text.split("\n") == [
        "合并单元格",
        "左",
        "内层一",
        "内层二",
        "右",
        "原有文字修订插入",
    ]


def test_docx_numbering_inherited_from_style_counts_past_ten() -> None:
    document = Document()
    _add_abstract(document, 101, _level(0, "chineseCountingThousand", "%1、"))
    num_id = _add_num(document, 101)
    style = document.styles["Heading 1"]
    num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_numId().val = num_id
    for i in range(22):
        document.add_paragraph(f"标题{i + 1}", style="Heading 1")
    lines = load_bytes("a.docx", _docx_bytes(document)).text.split("\n")
    assert lines[0] == "一、标题1"
    assert lines[9] == "十、标题10"
    assert lines[10] == "十一、标题11"
    assert lines[19] == "二十、标题20"
    assert lines[20] == "二十一、标题21"


def test_docx_num_id_zero_cancels_style_numbering() -> None:
    document = Document()
    _add_abstract(document, 102, _level(0, "decimal", "%1."))
    num_id = _add_num(document, 102)
    style_num_pr = document.styles["Heading 1"].element.get_or_add_pPr().get_or_add_numPr()
    style_num_pr.get_or_add_numId().val = num_id
    document.add_paragraph("甲", style="Heading 1")
    plain = document.add_paragraph("乙", style="Heading 1")
    plain._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 0
    document.add_paragraph("丙", style="Heading 1")
    assert load_bytes("a.docx", _docx_bytes(document)).text == "1. 甲\n乙\n2. 丙"


@pytest.mark.parametrize(
    ("fmt", "text", "start", "labels"),
    [
        ("decimal", "%1.", 1, ["1. ", "2. ", "3. "]),
        ("decimal", "%1、", 9, ["9、", "10、", "11、"]),
        ("chineseCounting", "第%1条", 1, ["第一条", "第二条", "第三条"]),
        ("japaneseCounting", "%1、", 10, ["十、", "十一、", "十二、"]),
        ("ideographTraditional", "%1、", 1, ["甲、", "乙、", "丙、"]),
        ("upperLetter", "%1.", 25, ["Y. ", "Z. ", "AA. "]),
        ("lowerLetter", "(%1)", 1, ["(a) ", "(b) ", "(c) "]),
        ("upperRoman", "%1.", 3, ["III. ", "IV. ", "V. "]),
        ("lowerRoman", "%1)", 8, ["viii) ", "ix) ", "x) "]),
        ("decimalEnclosedCircle", "%1", 1, ["①", "②", "③"]),
        ("bullet", "\uf0b7", 1, ["", "", ""]),
    ],
)
def test_docx_number_formats(fmt: str, text: str, start: int, labels: list[str]) -> None:
    document = Document()
    _add_abstract(document, 103, _level(0, fmt, text, start=start))
    num_id = _add_num(document, 103)
    for word in ("甲", "乙", "丙"):
        _numbered(document, word, num_id, 0)
    got = load_bytes("a.docx", _docx_bytes(document)).text.split("\n")
    assert got == [label + word for label, word in zip(labels, ("甲", "乙", "丙"))]


def test_docx_multi_level_text_and_restart_by_start_override() -> None:
    document = Document()
    _add_abstract(document, 104, _level(0, "decimal", "%1.") + _level(1, "decimal", "%1.%2"))
    first = _add_num(document, 104)
    continued = _add_num(document, 104)  # same abstractNum, no override: one sequence
    restarted = _add_num(document, 104, start_override=1)
    _numbered(document, "甲", first, 0)
    _numbered(document, "甲一", first, 1)
    _numbered(document, "甲二", first, 1)
    _numbered(document, "乙", continued, 0)
    _numbered(document, "乙一", continued, 1)
    _numbered(document, "重新开始", restarted, 0)
    assert load_bytes("a.docx", _docx_bytes(document)).text.split("\n") == [
        "1. 甲",
        "1.1 甲一",
        "1.2 甲二",
        "2. 乙",
        "2.1 乙一",
        "1. 重新开始",
    ]


# ---------------------------------------------------------------- .pdf


def test_pdf_text_is_extracted_and_wrapped_lines_joined(tmp_path: Path) -> None:
    path = tmp_path / "材料.pdf"
    path.write_bytes(
        _pdf(
            [
                [
                    "一、存在的主要问题",
                    "（一）在理论学习方面。学习不够深入系统，存在以干",
                    "代学的现象。一是学用结合不紧；二是研讨不深入，",
                    "- 1 -",
                ],
                [
                    "理论联系实际不够。",
                    "二、原因剖析",
                    "理想信念有所弱化。",
                ],
            ]
        )
    )
    loaded = load_file(path)
    assert loaded.kind == "pdf" and loaded.encoding is None
    assert loaded.text.split("\n") == [
        "一、存在的主要问题",
        "（一）在理论学习方面。学习不够深入系统，存在以干代学的现象。一是学用结合不紧；"
        "二是研讨不深入，理论联系实际不够。",
        "二、原因剖析",
        "理想信念有所弱化。",
    ]


def test_pdf_heading_followed_by_body_is_not_joined() -> None:
    text = load_bytes(
        "a.pdf",
        _pdf([["三、整改措施", "针对上述问题，班子将从以下方面抓好整改落实，确保取得实效", "（一）加强学习。"]]),
    ).text
    assert text.split("\n") == [
        "三、整改措施",
        "针对上述问题，班子将从以下方面抓好整改落实，确保取得实效",
        "（一）加强学习。",
    ]


# ---------------------------------------------------------------- unusable input


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _pdf_without_text() -> bytes:
    return _assemble(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            4: _stream(b"0 0 m 300 300 l S"),
        }
    )


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_pdf([["保密材料"]]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


RANDOM_WITH_NULS = bytes(range(256)) * 8


@pytest.mark.parametrize(
    ("name", "data", "max_bytes", "expected"),
    [
        ("空.txt", b"", None, "文件为空"),
        ("空白.txt", b"  \r\n\t \n", None, "文件为空"),
        ("全角空白.txt", "\u3000\u3000\n".encode("gbk"), None, "文件为空"),
        ("只有BOM.txt", b"\xef\xbb\xbf", None, "文件为空"),
        ("图片.txt", RANDOM_WITH_NULS, None, "二进制"),
        ("假的.docx", "一、存在的主要问题".encode(), None, "不是 zip 压缩包"),
        ("压缩包.docx", _zip({"readme.txt": b"hello"}), None, "word/document.xml"),
        ("旧格式改名.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, None, "无法转换"),
        ("太大.txt", "一、问题".encode() * 100, 64, "文件过大"),
        ("表格.xls", b"anything", None, "不支持的文件类型 .xls"),
        ("旧版.doc", b"anything", None, "不是有效的 .doc 文件"),
        ("金山.wps", b"anything", None, "不是有效的 .wps 文件"),
        ("没有扩展名", b"anything", None, "扩展名"),
        ("空白扫描件.pdf", _pdf_without_text(), None, "没有识别出文字"),
        ("坏的.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF garbage", None, "PDF"),
        ("加密.pdf", _encrypted_pdf(), None, "密码"),
        ("空白.docx", _docx_bytes(Document()), None, "没有文字"),
    ],
)
def test_unusable_input_raises_chinese_input_error(
    tmp_path: Path, name: str, data: bytes, max_bytes: int | None, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    kwargs = {} if max_bytes is None else {"max_bytes": max_bytes}
    for load in (lambda: load_file(path, **kwargs), lambda: load_bytes(name, data, **kwargs)):
        with pytest.raises(InputError) as caught:
            load()
        error = caught.value
        assert expected in error.message
        assert CJK.search(error.message), error.message
        assert name in error.user_message


def test_too_large_file_is_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "大文件.txt"
    path.write_bytes(b"a" * (3 * 1024 * 1024 + 200 * 1024))

    def no_read(*args, **kwargs):
        raise AssertionError("file was opened")

    monkeypatch.setattr(Path, "open", no_read)
    with pytest.raises(InputError) as caught:
        load_file(path, max_bytes=2 * 1024 * 1024)
    assert caught.value.message == "文件过大（3.2 MB），上限为 2 MB"


def test_missing_file() -> None:
    with pytest.raises(InputError, match="找不到文件"):
        load_file(Path("/nonexistent/材料.txt"))


def test_docx_zip_bomb_is_refused() -> None:
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<" + b" " * (60 * 1024 * 1024) + b"/>",
        }
    )
    assert len(bomb) < 1024 * 1024
    with pytest.raises(InputError, match="解压后过大"):
        load_bytes("炸弹.docx", bomb)


def test_broken_docx_parts_raise_input_error() -> None:
    broken = _zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"})
    with pytest.raises(InputError, match="无法读取 Word 文档"):
        load_bytes("坏的.docx", broken)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_load_or_raise_input_error(data: bytes) -> None:
    try:
        loaded = load_bytes("x.txt", data)
    except InputError as error:
        assert CJK.search(error.message)
    else:
        assert isinstance(loaded, LoadedText)
        assert loaded.text.strip()
        assert "\r" not in loaded.text
