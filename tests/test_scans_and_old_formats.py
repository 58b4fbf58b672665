"""What users have on their desk besides a .docx: old .doc and WPS files (converted by the
LibreOffice that `make setup` installs), scanned PDFs and phone photos (read by the offline
OCR), each made here in the test, then read into the same material tree."""

from __future__ import annotations

import difflib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from builders import (
    _add_abstract,
    _add_num,
    _docx_bytes,
    _level,
    _numbered,
    photographed,
    render_page,
    scanned_pdf,
)
from docx import Document
from PIL import ImageFilter
from support import NET_HOOK, ROOT

from assistant.core.errors import InputError
from assistant.core.types import SectionKind
from assistant.ingest import load_office
from assistant.ingest.load import load_bytes, load_file
from assistant.ingest.parse import parse_material

PAGE_1 = [
    "某县卫生健康局领导班子2023年度主题教育专题民主生活会对照检查材料",
    "一、存在的主要问题",
    "（一）在理论学习方面。学习贯彻习近平新时代中国特色社会主义思想不够深入，满足于读原文、记笔记，"
    "联系实际思考不够。比如，全年集中学习12次，其中3次只是传达文件。",
    "（二）在担当作为方面。推进重点工作劲头不足，比如医共体建设今年只有2个卫生院完成信息系统对接，"
    "进度落后于全市平均水平。",
]
PAGE_2 = [
    "二、原因剖析",
    "（一）理想信念有所弱化。对加强理论武装的重要性认识不足，存在重业务轻学习的倾向。",
    "三、整改措施",
    "（一）强化理论武装。坚持每月集中学习不少于1次，2024年6月底前完成专题研讨。",
]


def accuracy(read: str, printed: list[str]) -> float:
    """Share of the printed characters read right (white space aside)."""
    a, b = "".join(read.split()), "".join("".join(printed).split())
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


# ---------------------------------------------------------------- .doc / .wps

def _numbered_docx() -> bytes:
    document = Document()
    _add_abstract(document, 100, _level(0, "chineseCounting", "%1、")
                  + _level(1, "chineseCounting", "（%2）", extra='<w:suff w:val="nothing"/>'))
    num_id = _add_num(document, 100)
    document.add_paragraph("某区教育局党组2024年度民主生活会对照检查材料")
    _numbered(document, "存在的主要问题", num_id, 0)
    _numbered(document, "在理论学习方面。学习不够深入。比如，全年读原著只有2本。", num_id, 1)
    _numbered(document, "在担当作为方面。攻坚克难勇气不足。", num_id, 1)
    _numbered(document, "原因剖析", num_id, 0)
    _numbered(document, "理想信念有所弱化。", num_id, 1)
    _numbered(document, "整改措施", num_id, 0)
    _numbered(document, "加强理论学习。", num_id, 1)
    return _docx_bytes(document)


@pytest.fixture(scope="module")
def old_word_file(tmp_path_factory) -> bytes:
    """A Word 97-2003 .doc written by LibreOffice from a .docx whose headings Word numbers."""
    soffice = load_office.soffice()
    assert soffice, "LibreOffice is missing: `make test` installs it (Makefile, system target)"
    work = tmp_path_factory.mktemp("doc")
    (work / "材料.docx").write_bytes(_numbered_docx())
    subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(work / "out"), str(work / "材料.docx")],
                   check=True, capture_output=True, timeout=300)
    data = (work / "out" / "材料.doc").read_bytes()
    assert data.startswith(load_office.OLE_MAGIC)  # really the old binary format
    return data


# WPS 文字 saves .wps in the same compound binary format as Word 97; the converter reads it
# by its content, so the .doc written above under a .wps name is such a file.
@pytest.mark.parametrize("name", ["去年的材料.doc", "金山文档.wps", "其实是doc.docx"])
def test_doc_and_wps_are_read_with_their_numbering(old_word_file: bytes, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(old_word_file)

    loaded = load_file(path)

    assert loaded.text.split("\n") == [
        "某区教育局党组2024年度民主生活会对照检查材料",
        "一、存在的主要问题",
        "（一）在理论学习方面。学习不够深入。比如，全年读原著只有2本。",
        "（二）在担当作为方面。攻坚克难勇气不足。",
        "二、原因剖析",
        "（一）理想信念有所弱化。",
        "三、整改措施",
        "（一）加强理论学习。",
    ]
    material = parse_material(loaded.text, source=name)
    problems = material.section(SectionKind.PROBLEMS)
    assert [d.name for d in problems.dimensions] == ["理论学习", "担当作为"]
    assert material.year == 2024


def test_docx_renamed_doc_is_read_as_docx() -> None:
    loaded = load_bytes("改了扩展名.doc", _numbered_docx())
    assert loaded.kind == "docx" and loaded.text.split("\n")[1] == "一、存在的主要问题"


def test_without_libreoffice_the_message_says_how_to_install(old_word_file, monkeypatch) -> None:
    monkeypatch.setattr(load_office, "soffice", lambda: None)
    with pytest.raises(InputError) as caught:
        load_bytes("去年的材料.doc", old_word_file)
    message = caught.value.user_message
    assert "LibreOffice" in message and "make setup" in message and "另存为 .docx" in message


# ---------------------------------------------------------------- scans and photos

def test_scanned_pdf_is_read_by_ocr_with_progress() -> None:
    heard: list[tuple[int, int]] = []
    data = scanned_pdf([render_page(PAGE_1), render_page(PAGE_2)])

    loaded = load_bytes("扫描件.pdf", data, progress=lambda done, total: heard.append((done, total)))

    assert heard == [(0, 2), (1, 2), (2, 2)]
    assert loaded.kind == "ocr" and "文字识别（2 页）" in loaded.notes[0]
    # Lines wrapped at the page's margin are one paragraph again, each as printed.
    assert loaded.text.split("\n") == PAGE_1 + PAGE_2
    material = parse_material(loaded.text, source="扫描件.pdf")
    assert [d.name for d in material.section(SectionKind.PROBLEMS).dimensions] == ["理论学习", "担当作为"]
    assert material.section(SectionKind.CAUSES) and material.section(SectionKind.MEASURES)


def test_photo_of_a_printout_is_read() -> None:
    loaded = load_bytes("手机拍的.jpg", photographed(render_page(PAGE_1)))
    assert accuracy(loaded.text, PAGE_1) >= 0.97, loaded.text
    assert loaded.text.split("\n")[1] == "一、存在的主要问题"
    assert "比如，全年集中学习12次" in loaded.text


def test_a_blurred_line_is_kept_and_listed_for_checking() -> None:
    page = render_page(PAGE_1)
    line_height = int(30 * 1.6)
    band = (0, 90 + line_height * 3 - 8, page.width, 90 + line_height * 4 + 8)  # the 4th line
    page.paste(page.crop(band).filter(ImageFilter.GaussianBlur(3.5)), band)
    png = io.BytesIO()
    page.save(png, "PNG")

    loaded = load_bytes("模糊.png", png.getvalue())

    note = loaded.notes[0]
    assert "识别把握不大" in note
    listed = note.split("请特别核对：")[1]
    # The blurred line is listed (what was read of it), the clean ones are not.
    assert "学习12次" in listed and "存在的主要问题" not in listed
    assert "全年" in loaded.text and "传达文件" in loaded.text  # nothing dropped around it


def test_unreadable_image_is_a_chinese_message() -> None:
    with pytest.raises(InputError) as caught:
        load_bytes("坏图.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert "无法打开图片" in caught.value.user_message


def test_ocr_models_ship_in_the_wheel_and_nothing_is_fetched(tmp_path: Path) -> None:
    """The OCR reads a page in a fresh process with an empty home directory (no model cache
    to fall back on) while every network look-up and connection is logged: none happens."""
    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    assert sorted(p.suffix for p in models.iterdir()) == [".onnx"] * 3
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(NET_HOOK, "utf-8")
    netlog = tmp_path / "net.log"
    netlog.write_text("")
    page = tmp_path / "page.png"
    render_page(PAGE_1[:2]).save(page)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS"))}
    env.update(PYTHONPATH=f"{hook_dir}{os.pathsep}{ROOT}", DUIZHAO_NETLOG=str(netlog), HOME=str(tmp_path / "home"),
               XDG_CACHE_HOME=str(tmp_path / "home" / ".cache"))
    code = "import sys; from assistant.ingest.load import load_file; print(load_file(sys.argv[1]).text)"
    done = subprocess.run([sys.executable, "-c", code, str(page)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == PAGE_1[:2]
    assert netlog.read_text("utf-8") == ""
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("*.onnx"))


def test_conversion_leaves_no_profile_or_temp_files(old_word_file: bytes, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    load_bytes("去年的材料.doc", old_word_file)
    assert list(tmp_path.iterdir()) == []
