"""The structure parser on the five real materials and on the shapes real materials take."""

import pytest
from support import CORPUS, SIX, squash

from assistant.core.types import Role, SectionKind
from assistant.ingest.parse import parse_material

# From ../shared/domain.md, "Dimension sets seen".
SEEDS = {
    "2022_班子_民主生活会_区机关事务中心.txt": (2022, Role.BANZI, SIX),
    "2023_班子_主题教育专题民主生活会_机关事务.txt": (2023, Role.BANZI, SIX),
    "2023_个人_主题教育专题民主生活会_机关党支部书记.txt": (2023, Role.GEREN, SIX),
    "2022_班子_民主生活会_市局管理处.txt": (2022, Role.BANZI, ["政治定力", "组织原则", "履行主职主业", "作风和廉洁自律"]),
    "2016_班子_民主生活会_环保局.txt": (2016, Role.BANZI, ["理想信念", "纪律规矩", "作风建设", "担当作为", "组织生活", "从严治党"]),
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_dimensions_role_year(name):
    year, role, dims = SEEDS[name]
    m = parse_material((CORPUS / name).read_text("utf-8"), source=name)
    problems = m.section(SectionKind.PROBLEMS)
    assert problems is not None
    assert [d.name for d in problems.dimensions] == dims
    assert m.role == role
    assert m.year == year
    assert all(d.items for d in problems.dimensions), "no dimension left without items"
    assert m.section(SectionKind.CAUSES) is not None
    assert m.section(SectionKind.MEASURES) is not None


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_character_is_kept(name):
    text = (CORPUS / name).read_text("utf-8")
    m = parse_material(text, source=name)
    assert squash(m.text()) == squash(text)


def test_year_and_role_come_from_the_text_not_only_the_file_name():
    text = (CORPUS / "2022_班子_民主生活会_区机关事务中心.txt").read_text("utf-8")
    m = parse_material(text, source="whatever.txt")
    assert m.year == 2022 and m.role == Role.BANZI
    m = parse_material(text, source="whatever.txt", year=2021, role="个人")
    assert m.year == 2021 and m.role == Role.GEREN


def test_seed_000_skipping_numbering_and_inline_items():
    text = (CORPUS / "2022_班子_民主生活会_区机关事务中心.txt").read_text("utf-8")
    m = parse_material(text)
    assert [s.kind for s in m.sections] == [SectionKind.PROBLEMS, SectionKind.CAUSES, SectionKind.MEASURES]
    assert m.title == ""  # this one has none; the first line is the preamble
    theory = m.sections[0].dimensions[0]
    assert theory.heading == "（一）在理论学习方面。"
    assert [i.marker for i in theory.items] == ["一是", "二是"]
    assert theory.items[0].judgement == "深钻细研还不够透。"
    ability = m.sections[0].dimensions[2]
    assert ability.items[1].examples[0].startswith("比如，某次视频会议时")
    # heading alone vs inline: the causes are their own (一) titles
    assert [d.name for d in m.sections[1].dimensions] == ["理论学习有所松懈", "党性锻炼有所放松", "宗旨意识不牢固"]


def test_personal_heading_as_written_is_kept_beside_its_normal_name():
    text = (CORPUS / "2023_个人_主题教育专题民主生活会_机关党支部书记.txt").read_text("utf-8")
    dim = parse_material(text).sections[0].dimensions[3]
    assert dim.heading == "（四）担当作用方面。"
    assert dim.name == "担当作为"


MADE_UP = """关于2024年度民主生活会个人对照检查材料
根据通知要求，本人认真查摆问题，现作个人对照检查。
一、上年度民主生活会整改落实情况
上年度查摆的3个问题已整改2个。
二、存在的问题
(一)在带头严守政治纪律和政治规矩方面
1、学习不够系统。比如，全年缺席2次中心组学习。
2、调研不够深入。
（二）在带头增强党性方面：一是党性锻炼不经常。二是批评不够大胆，例如，在支部会上很少提出批评意见。
（1）这是另一种编号的条目。
三、原因剖析
1.理想信念有所弱化。说明文字。
2.宗旨意识有所淡化。
四、整改措施
以下是措施：
第一，每周自学4小时以上。第二，每月调研2次。
"""


def test_made_up_material_with_mixed_numbering():
    m = parse_material(MADE_UP)
    assert m.title.startswith("关于2024年度")
    assert m.year == 2024 and m.role == Role.GEREN and m.meeting == "民主生活会"
    kinds = [s.kind for s in m.sections]
    assert kinds == [SectionKind.RECTIFICATION, SectionKind.PROBLEMS, SectionKind.CAUSES, SectionKind.MEASURES]
    problems = m.sections[1]
    assert [d.name for d in problems.dimensions] == ["带头严守政治纪律和政治规矩", "带头增强党性"]
    first = problems.dimensions[0]
    assert [i.marker for i in first.items] == ["1、", "2、"]
    assert first.items[0].examples == ["比如，全年缺席2次中心组学习。"]
    second = problems.dimensions[1]
    assert [i.marker for i in second.items] == ["一是", "二是", "（1）"]
    assert second.items[1].examples[0].startswith("例如，在支部会上")
    assert [d.name for d in m.sections[2].dimensions] == ["理想信念有所弱化", "宗旨意识有所淡化"]
    measures = m.sections[3]
    assert measures.intro == "以下是措施："
    assert [i.marker for i in measures.dimensions[0].items] == ["第一，", "第二，"]
    assert squash(m.text()) == squash(MADE_UP)


def test_text_without_structure_is_kept_whole_with_a_warning():
    text = "这是一段没有任何章节结构的文字。\n它只是两行话，没有标题。"
    m = parse_material(text)
    assert m.sections == []
    assert squash(m.text()) == squash(text)
    assert any("未识别出" in w for w in m.warnings)


def test_full_width_and_half_width_forms_and_crlf():
    text = "一．存在问题\r\n(二)  理论学习方面。一是学得不深。\r\n二、原因\r\n（一）学风不正。"
    m = parse_material(text)
    assert m.sections[0].kind == SectionKind.PROBLEMS
    assert m.sections[0].dimensions[0].name == "理论学习"
    assert m.sections[1].kind == SectionKind.CAUSES


WRITTEN = """2025年度民主生活会个人对照检查材料

根据通知要求，我认真学习，广泛征求意见，现作个人对照检查。

一、存在的主要问题

（一）在带头强化政治忠诚、提高政治能力方面

一是学用结合不够紧。比如，全年中心组学习12次，我结合分管工作研讨只有2次。

二是政治鉴别力不够强。【待补充：具体事例】

（二）在带头干事创业、担当作为方面

一是抓落实的韧劲不足。比如，推进校园食堂明厨亮灶，全县只完成了12所。

二、原因剖析

（一）理论武装不够深入。满足于读过、学过。

三、整改措施

（一）强化理论武装。每月结合分管工作研讨1次以上。
"""


def _tree(m):
    return [(s.kind, [(d.name, [i.text for i in d.items]) for d in s.dimensions]) for s in m.sections]


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_what_the_product_writes_it_reads_back_into_the_same_tree(fmt, tmp_path):
    """Our own .md (## and ### headings) and .docx exports parse as the plain text does, so
    that `audit` of an exported file finds every part."""
    from assistant.export.docx import export_docx
    from assistant.export.outline import from_text, to_markdown, to_text
    from assistant.ingest.load import load_file

    outline = from_text(WRITTEN)
    plain = parse_material(to_text(outline))
    assert [s.kind for s in plain.sections] == [SectionKind.PROBLEMS, SectionKind.CAUSES, SectionKind.MEASURES]
    assert [d.name for d in plain.sections[0].dimensions] == ["带头强化政治忠诚、提高政治能力", "带头干事创业、担当作为"]
    if fmt == "md":
        path = tmp_path / "材料.md"
        path.write_text(to_markdown(outline), encoding="utf-8")
    else:
        path = export_docx(outline, tmp_path / "材料.docx")
    back = parse_material(load_file(path).text)
    assert back.title == plain.title == "2025年度民主生活会个人对照检查材料"
    assert _tree(back) == _tree(plain)


def test_headings_that_share_a_line_with_their_text_at_every_level():
    text = ("2024年度组织生活会个人对照检查材料\n按照支部安排，现将个人情况报告如下。\n"
            "一、存在的主要问题：1、政治思想意识不够强。学习不够主动。2、工作作风不够扎实。比如，下基层少。\n"
            "二、原因剖析：理想信念有所松懈。\n"
            "三、整改措施：（一）加强学习。每周学习2小时。（二）改进作风。每月下基层2次。\n")
    m = parse_material(text)
    assert [(s.kind, s.heading) for s in m.sections] == [
        (SectionKind.PROBLEMS, "一、存在的主要问题："), (SectionKind.CAUSES, "二、原因剖析："),
        (SectionKind.MEASURES, "三、整改措施：")]
    problems, causes, measures = m.sections
    assert [d.name for d in problems.dimensions] == ["政治思想意识不够强", "工作作风不够扎实"]
    assert "比如，下基层少。" in problems.dimensions[1].items[0].text
    assert "理想信念有所松懈。" in causes.dimensions[0].items[0].text
    assert [d.name for d in measures.dimensions] == ["加强学习", "改进作风"]


def test_traditional_characters_are_read_as_simplified_and_the_original_kept():
    traditional = ("2024年度民主生活會個人對照檢查材料\n"
                   "一、存在的主要問題\n（一）在帶頭增強黨性、嚴守紀律、砥礪作風方面\n"
                   "一是學習不夠深入。比如，全年只參加黨組中心組學習8次。\n"
                   "二、原因剖析\n（一）理想信念有所鬆懈。\n三、整改措施\n（一）加強理論學習。\n")
    m = parse_material(traditional)
    assert [s.kind for s in m.sections] == [SectionKind.PROBLEMS, SectionKind.CAUSES, SectionKind.MEASURES]
    assert m.sections[0].dimensions[0].name == "带头增强党性、严守纪律、砥砺作风"
    assert m.year == 2024 and m.role == Role.GEREN
    assert m.original == traditional and any("繁体" in w for w in m.warnings)
    simple = parse_material("一、存在的主要问题\n（一）在理论学习方面\n一是乾隆年间的著作读得少。\n")
    assert simple.original == "" and simple.sections[0].dimensions[0].items[0].text == "一是乾隆年间的著作读得少。"


def test_a_notice_in_traditional_characters_gives_its_list_in_simplified():
    from assistant.draft.structure import dimensions_from_notice

    notice = "會議重點查擺以下方面：\n一、帶頭強化政治忠誠、提高政治能力方面\n二、帶頭固本培元、增強黨性方面\n"
    assert dimensions_from_notice(notice) == ["带头强化政治忠诚、提高政治能力", "带头固本培元、增强党性"]


BODY = "一、存在的主要问题\n（一）在政治信仰方面\n一是学习不够深入。\n二、原因剖析\n（一）理想信念有所弱化。\n三、整改措施\n（一）加强学习。\n"


@pytest.mark.parametrize("head,role", [
    # a 支部委员会's own material is the 班子's at its 组织生活会
    ("机关第一党支部委员会2024年度组织生活会对照检查材料\n按照机关党委通知要求，支委会认真查摆问题。", Role.BANZI),
    # the title says only 党支部; the preamble and the voice say it is the committee
    ("机关第一党支部2024年度组织生活会对照检查材料\n我代表支部委员会作对照检查。一年来，我们坚持三会一课。", Role.BANZI),
    # a 党员's: the title says 党员, or only the voice tells
    ("2024年度组织生活会党员对照检查材料\n按照支部要求，我认真查摆问题。", Role.GEREN),
    ("2024年度组织生活会对照检查材料\n按照支部要求，我认真学习了党章，对照党员标准查找自身差距，我在工作中还存在不足。", Role.GEREN),
    ("2024年度组织生活会对照检查材料\n按照支部安排，我们认真学习，班子成员逐一谈心谈话，支委会研究确定了问题清单。", Role.BANZI),
    # nothing says whose it is: left for the user, not guessed from the meeting
    ("2024年度组织生活会对照检查材料\n按照要求，认真查摆问题如下。", None),
])
def test_role_from_title_preamble_and_voice(head, role):
    assert parse_material(head + "\n" + BODY).role == role
