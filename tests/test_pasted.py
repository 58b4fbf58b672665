"""Text pasted from a PDF or a web page: the hard line breaks a page width made are joined
back, page numbers and the site's boilerplate lines dropped; text typed one line at a time
is left as it is."""

from __future__ import annotations

from pathlib import Path

from assistant.core.types import SectionKind
from assistant.draft.facts import split_facts
from assistant.draft.notice import read_notice
from assistant.ingest.lines import clean_pasted
from assistant.ingest.load import load_file
from assistant.ingest.parse import parse_material


def wrap(paragraph: str, per_line: int = 28) -> list[str]:
    """A paragraph as a PDF viewer copies it: cut every `per_line` characters."""
    return [paragraph[i:i + per_line] for i in range(0, len(paragraph), per_line)]


PARAGRAPHS = [
    "（一）在理论学习方面。学习贯彻习近平新时代中国特色社会主义思想不够深入系统，"
    "满足于读原文、记笔记，联系实际思考不够，运用理论指导实践的能力还有差距。",
    "（二）在担当作为方面。推进重点工作劲头不足，遇到复杂问题习惯于按老办法处理，"
    "比如，医共体建设今年只有2个卫生院完成信息系统对接，进度落后于全市平均水平。",
]


def test_a_material_copied_out_of_a_pdf_gets_its_paragraphs_back(tmp_path: Path) -> None:
    lines = ["某局领导班子2023年度民主生活会对照检查材料", "一、存在的主要问题"]
    lines += wrap(PARAGRAPHS[0]) + ["- 2 -"] + wrap(PARAGRAPHS[1])
    lines += ["二、原因剖析", "（一）理想信念有所弱化。"]
    path = tmp_path / "从PDF复制的.txt"
    path.write_text("\n".join(lines), "utf-8")

    text = load_file(path).text

    assert text.split("\n") == lines[:2] + PARAGRAPHS + lines[-2:]
    problems = parse_material(text).section(SectionKind.PROBLEMS)
    assert [len(d.items) for d in problems.dimensions] == [1, 1]
    assert "比如，医共体建设今年只有2个卫生院完成信息系统对接" in problems.dimensions[1].items[0].text


def test_a_notice_pasted_from_a_web_page_reads_its_list() -> None:
    body = ("各党支部：根据上级要求，现就召开2024年度组织生活会有关事项通知如下。支部委员会对照"
            "检查：带头严守政治纪律和政治规矩；带头增强党性、提高本领；带头践行宗旨、为民造福；"
            "带头真抓实干、担当作为；带头履行管党治党责任等5个方面存在的差距和不足。")
    page = ["当前位置：首页 > 通知公告 > 正文", "关于召开2024年度组织生活会的通知",
            "来源：机关党委　　发布时间：2025-01-06　　浏览次数：326",
            *wrap(body, 30), "【打印本页】【关闭窗口】", "上一篇：关于做好年终总结的通知"]

    found = read_notice("\n".join(page), "班子")  # the 支部委员会 is the 班子 of a 组织生活会

    assert found.dimensions == ["带头严守政治纪律和政治规矩", "带头增强党性、提高本领", "带头践行宗旨、为民造福",
                                "带头真抓实干、担当作为", "带头履行管党治党责任"]
    assert "来源" not in found.sentence and "\n" not in found.sentence


def test_facts_typed_a_line_each_stay_as_typed() -> None:
    # Near-equal lengths, no end punctuation: as a wrapped paragraph looks, and still four facts.
    typed = ("全年到乡镇卫生院调研只有6次，对基层情况掌握不全\n分管科室有1名干部上班时间经常离岗，批评教育不及时\n"
             "推进校园食堂明厨亮灶全县只完成了12所学校\n读原著原文只有2本")
    assert split_facts(typed) == typed.split("\n")


def test_text_without_wraps_or_boilerplate_is_unchanged() -> None:
    text = "一、存在的主要问题\n\u3000\u3000（一）理论学习方面。学习不深。\n二、原因剖析\n"
    assert clean_pasted(text) == text
