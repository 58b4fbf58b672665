"""Export to .docx: the GB/T 9704 layout read back from the XML, and the text kept exactly."""

import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import squash

from assistant.core.types import (
    DimensionDraft,
    Draft,
    Paragraph,
    Request,
    Structure,
    StructureSource,
)
from assistant.draft.render import to_text
from assistant.export.docx import DocHeader, build_document, export_docx, split_heading

TEXT = """2023年度专题民主生活会个人对照检查材料

按照区委要求，我认真学习，广泛征求意见，现作个人对照检查。

一、存在的主要问题

（一）在理论学习方面

一是理论学习系统性不强。比如，2023年上半年中心组学习6次，我只发言1次。

（二）在政治素质方面。一是政治判断力不够强。比如，2023年5月食堂涨价引发议论，我2天后才回应。

二、原因剖析

（一）理论学习的自觉性不强。把理论学习当作任务完成，满足于读过、学过。

三、整改措施

（一）持之以恒强化理论学习，提升政治素养。坚持每周自学4小时以上，每月深入基层调研2次以上。

（二）坚持不懈加强党性修养

　　全角空格开头的一段正文，English words and 3.5% 也要保留。
（1）手写的三级序号仍是正文。
"""


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = export_docx(TEXT, tmp_path_factory.mktemp("export") / "材料.docx")
    return path, docx.Document(str(path))


def paragraph_by_start(doc, start: str):
    return next(p for p in doc.paragraphs if p.text.startswith(start))


def run_font(run) -> dict:
    rfonts = run._r.rPr.find(qn("w:rFonts"))
    sz = run._r.rPr.find(qn("w:sz"))
    return {
        "eastAsia": rfonts.get(qn("w:eastAsia")),
        "ascii": rfonts.get(qn("w:ascii")),
        "hAnsi": rfonts.get(qn("w:hAnsi")),
        "cs": rfonts.get(qn("w:cs")),
        "sz": int(sz.get(qn("w:val"))),
    }


def ppr(paragraph, tag: str):
    return paragraph._p.pPr.find(qn(tag))


def test_page_a4_with_the_standard_margins(exported):
    path, doc = exported
    sect = doc.sections[0]._sectPr
    size, mar = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    assert (size.get(qn("w:w")), size.get(qn("w:h"))) == ("11906", "16838")
    assert twips(37) == 2098 and twips(35) == 1984 and twips(28) == 1587 and twips(26) == 1474
    assert int(mar.get(qn("w:top"))) == twips(37)
    assert int(mar.get(qn("w:bottom"))) == twips(35)
    assert int(mar.get(qn("w:left"))) == twips(28)
    assert int(mar.get(qn("w:right"))) == twips(26)


def test_title_centred_in_xiaobiaosong_er_hao(exported):
    _, doc = exported
    title = doc.paragraphs[0]
    assert title.text == "2023年度专题民主生活会个人对照检查材料"
    assert ppr(title, "w:jc").get(qn("w:val")) == "center"
    f = run_font(title.runs[0])
    assert f["eastAsia"] == "方正小标宋简体" and f["sz"] == 44
    assert ppr(title, "w:ind").get(qn("w:firstLineChars")) == "0"


def test_body_fangsong_san_hao_indented_with_exact_28pt_lines(exported):
    _, doc = exported
    for start in ("按照区委要求", "一是理论学习系统性不强", "全角空格开头", "（1）手写"):
        p = paragraph_by_start(doc, start)
        f = run_font(p.runs[0])
        assert f == {"eastAsia": "仿宋_GB2312", "ascii": "仿宋_GB2312", "hAnsi": "仿宋_GB2312",
                     "cs": "仿宋_GB2312", "sz": 32}, start
        ind = ppr(p, "w:ind")
        assert ind.get(qn("w:firstLineChars")) == "200" and ind.get(qn("w:firstLine")) == "640"
        spacing = ppr(p, "w:spacing")
        assert spacing.get(qn("w:line")) == "560" and spacing.get(qn("w:lineRule")) == "exact"
        assert ppr(p, "w:jc").get(qn("w:val")) == "both"


def test_heading_fonts(exported):
    _, doc = exported
    h1 = paragraph_by_start(doc, "一、存在的主要问题")
    assert len(h1.runs) == 1 and run_font(h1.runs[0])["eastAsia"] == "黑体"
    assert run_font(h1.runs[0])["sz"] == 32
    assert ppr(h1, "w:outlineLvl").get(qn("w:val")) == "0"
    h2 = paragraph_by_start(doc, "（一）在理论学习方面")
    assert len(h2.runs) == 1 and run_font(h2.runs[0])["eastAsia"] == "楷体_GB2312"
    assert ppr(h2, "w:ind").get(qn("w:firstLineChars")) == "200"


def test_inline_heading_is_kaiti_and_its_text_fangsong(exported):
    _, doc = exported
    p = paragraph_by_start(doc, "（一）持之以恒强化理论学习")
    assert [r.text for r in p.runs] == ["（一）持之以恒强化理论学习，提升政治素养。",
                                        "坚持每周自学4小时以上，每月深入基层调研2次以上。"]
    assert [run_font(r)["eastAsia"] for r in p.runs] == ["楷体_GB2312", "仿宋_GB2312"]
    p = paragraph_by_start(doc, "（二）在政治素质方面")
    assert p.runs[0].text == "（二）在政治素质方面。" and run_font(p.runs[1])["eastAsia"] == "仿宋_GB2312"


def test_every_run_names_all_four_faces_and_no_theme_fonts(exported):
    path, doc = exported
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml", "word/footer2.xml"):
        xml = zipfile.ZipFile(path).read(part).decode("utf-8")
        assert not re.search(r"(asciiTheme|hAnsiTheme|eastAsiaTheme|cstheme)=", xml), part
    for p in doc.paragraphs:
        for r in p.runs:
            f = run_font(r)
            assert f["eastAsia"] and f["eastAsia"] == f["ascii"] == f["hAnsi"] == f["cs"]


def test_document_defaults_are_the_body_face(exported):
    _, doc = exported
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and rfonts.get(qn("w:ascii")) == "仿宋_GB2312"
    assert rpr.find(qn("w:sz")).get(qn("w:val")) == "32"
    assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_page_numbers_outside_corner_odd_right_even_left(exported):
    path, doc = exported
    settings_xml = doc.settings.element
    assert settings_xml.find(qn("w:evenAndOddHeaders")) is not None
    refs = {r.get(qn("w:type")) for r in doc.sections[0]._sectPr.findall(qn("w:footerReference"))}
    assert refs >= {"default", "even"}
    for footer, side in ((doc.sections[0].footer, "right"), (doc.sections[0].even_page_footer, "left")):
        p = footer.paragraphs[0]
        xml = p._p.xml
        assert 'w:fldCharType="begin"' in xml and "PAGE" in xml and 'w:fldCharType="end"' in xml
        assert p.text.startswith("—") and p.text.endswith("—")
        assert ppr(p, "w:jc").get(qn("w:val")) == side
        faces = {run_font(r)["eastAsia"] for r in p.runs}
        sizes = {run_font(r)["sz"] for r in p.runs}
        assert faces == {"宋体"} and sizes == {28}


def test_every_character_is_kept_in_order(exported):
    _, doc = exported
    assert squash("".join(p.text for p in doc.paragraphs)) == squash(TEXT)


def test_header_block_under_the_title(tmp_path):
    header = DocHeader(unit="某区机关事务服务中心", post="党组书记、主任", name="张三")
    doc = docx.Document(str(export_docx(TEXT, tmp_path / "h.docx", header=header)))
    line = doc.paragraphs[1]
    assert line.text == "某区机关事务服务中心党组书记、主任　张三"
    assert ppr(line, "w:jc").get(qn("w:val")) == "center"
    assert run_font(line.runs[0])["eastAsia"] == "楷体_GB2312"
    rest = [p for i, p in enumerate(doc.paragraphs) if i != 1]
    assert squash("".join(p.text for p in rest)) == squash(TEXT)


def test_text_without_a_title_line_starts_with_body(tmp_path):
    text = "按照要求，现将对照检查情况报告如下：\n一、存在的主要问题\n（一）在理论学习方面。一是学习不深。"
    doc = docx.Document(str(export_docx(text, tmp_path / "n.docx")))
    assert run_font(doc.paragraphs[0].runs[0])["eastAsia"] == "仿宋_GB2312"
    assert squash("".join(p.text for p in doc.paragraphs)) == squash(text)


def _small_draft(request: Request, closing: str = "") -> Draft:
    return Draft(
        request=request,
        structure=Structure(dimensions=["理论学习"], source=StructureSource.USER, reason="测试"),
        title="2025年度民主生活会个人对照检查材料",
        preamble=Paragraph(text="根据通知要求，现作个人对照检查。"),
        problems=[DimensionDraft(name="理论学习", heading="（一）在理论学习方面",
                                 items=[Paragraph(marker="一是", text="学习不深。比如，2025年只发言1次。")])],
        causes=[Paragraph(title="理论学习不够自觉", text="满足于读过、学过。")],
        measures=[Paragraph(title="强化理论学习", text="每周自学4小时以上。")],
        closing=closing,
    )


def test_rendered_draft_exports_exactly(tmp_path):
    text = to_text(_small_draft(Request()))
    doc = docx.Document(str(export_docx(text, tmp_path / "d.docx")))
    assert squash("".join(p.text for p in doc.paragraphs)) == squash(text)
    measure = paragraph_by_start(doc, "（一）强化理论学习")
    assert [run_font(r)["eastAsia"] for r in measure.runs] == ["楷体_GB2312", "仿宋_GB2312"]


@pytest.mark.parametrize("line,prefix,expected", [
    ("（一）在理论学习方面", 3, ("（一）在理论学习方面", "")),
    ("（一）持之以恒强化理论学习，提升政治素养。坚持每周自学。", 3,
     ("（一）持之以恒强化理论学习，提升政治素养。", "坚持每周自学。")),
    ("（一）在理论学习方面，一是学习不深。", 3, ("（一）在理论学习方面，", "一是学习不深。")),
    ("一、存在的主要问题", 2, ("一、存在的主要问题", "")),
    ("（二）" + "很长的一段没有句号的手写正文" * 6, 3, ("", "（二）" + "很长的一段没有句号的手写正文" * 6)),
])
def test_split_heading(line, prefix, expected):
    assert split_heading(line, prefix) == expected


_CHARS = st.sampled_from(list("一二三四五六七八九十（）()、。，：；是在方面学习问题原因措施比如2023年 \u3000abcXYZ“”—"))
_LINE = st.text(_CHARS, min_size=0, max_size=80)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, min_size=1, max_size=12))
def test_any_text_keeps_every_character(lines):
    text = "\n".join(lines)
    doc = build_document(text)
    assert squash("".join(p.text for p in doc.paragraphs)) == squash(text)


def _record_with_edits():
    from assistant.app.store import DraftRecord
    from assistant.draft.render import section_text

    draft = _small_draft(Request(role="个人", unit="县教育局", post="办公室主任", name="李四"),
                         closing="以上对照检查，恳请同志们批评指正。")
    texts = {k: section_text(draft, k) for k in ("preamble", "problems", "causes", "measures")}
    # The writer's own preamble: its second paragraph happens to open with "一、".
    texts["preamble"] = "根据通知要求，现作个人对照检查。\n\n一、今年以来我主要做了三件事，现汇报如下。"
    return DraftRecord(owner="owner_exportexport", request=draft.request, draft=draft, texts=texts)


def test_saved_draft_exports_from_its_parts_not_from_guessing(tmp_path):
    """A paragraph the writer typed is body text wherever it starts; the part headings are
    the draft's own, and the writer's line sits under the title."""
    from assistant.app import service
    from assistant.app.document import outline
    from assistant.export.outline import to_markdown

    record = _record_with_edits()
    doc = docx.Document(str(service.export(outline(record), tmp_path / "m.docx", "docx")))
    texts = [p.text for p in doc.paragraphs]
    assert texts[1] == "县教育局办公室主任　李四"
    mine = paragraph_by_start(doc, "一、今年以来")
    assert ppr(mine, "w:outlineLvl") is None and run_font(mine.runs[0])["eastAsia"] == "仿宋_GB2312"
    part = paragraph_by_start(doc, "一、存在的主要问题")
    assert ppr(part, "w:outlineLvl").get(qn("w:val")) == "0"
    assert texts[-1] == "以上对照检查，恳请同志们批评指正。"
    md = to_markdown(outline(record, byline=False))
    assert "\n一、今年以来" in md and "## 一、存在的主要问题" in md and "### （一）在理论学习方面" in md


def test_export_refuses_an_unknown_format_in_chinese(tmp_path):
    from assistant.app import service
    from assistant.app.document import outline
    from assistant.core.errors import InputError

    with pytest.raises(InputError, match="不支持的导出格式"):
        service.export(outline(_record_with_edits()), tmp_path / "x.pdf", "pdf")
    assert not (tmp_path / "x.pdf").exists()
