"""The audit: each rule on a material made to break it, a clean material, the five seeds,
and the CLI."""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml
from pydantic import ValidationError
from support import CORPUS, ROOT

from assistant.core.content import DATA
from assistant.core.types import Finding, Severity
from assistant.ingest.parse import parse_material
from assistant.review.audit import (
    audit_material,
    audit_text,
    match_score,
    rule_catalogue,
    summary,
)
from assistant.review.audit.rules import REPORTED, AuditRules

# A 2023 主题教育 personal material written to pass: six dimensions in the notice's order,
# a case with facts in each, causes that name the problems, measures that name the causes.
CLEAN = """2023年主题教育专题民主生活会个人对照检查材料
按照区委《关于开好2023年主题教育专题民主生活会的通知》要求，我围绕会议主题，认真学习习近平新时代中国特色社会主义思想，与分管科室12名同志逐一谈心谈话，征求到意见建议8条，对照理论学习、政治素质、能力本领、担当作为、工作作风、廉洁自律六个方面查摆问题、剖析原因、明确措施。现作个人对照检查如下：
一、存在的主要问题
（一）在理论学习方面
一是理论学习系统性不强。学习以完成规定篇目为主，原著原文读得少，对党的创新理论的体系把握不全。比如，2023年上半年中心组集中学习6次，我只在1次学习中作了交流发言，自学笔记不足1万字。
（二）在政治素质方面
一是政治判断力不够强。对分管领域的意识形态风险研判不足，遇到敏感舆情反应偏慢。比如，2023年5月机关食堂涨价引发网上议论，我在2天后才组织回应，错过了主动解释的时机。
（三）在能力本领方面
一是数字化管理本领不足。对新的管理平台学得不深，推动工作信息化办法不多。比如，“智慧后勤”平台项目上线3个月，我分管的公务用车模块使用率只有40%。
（四）在担当作为方面
一是攻坚克难的劲头不足。对历史遗留的难题习惯于等条件、等政策。比如，机关大院停车位缺口约60个的问题，我牵头研究过2次，至今没有拿出可行方案。
（五）在工作作风方面
一是调查研究不深入。下基层听汇报多、看现场少。比如，2023年我到基层调研8次，其中5次只召开座谈会，没有到服务窗口实地查看。
（六）在廉洁自律方面
一是监督管理偏松。对分管科室的廉政风险点提醒不经常。比如，2023年10月公务用车加油卡专项检查中，发现2辆车的加油记录不规范，我只作了口头提醒。
二、原因剖析
（一）理论学习的自觉性不强。把理论学习当作任务来完成，满足于读过、学过，原著原文读得少，学习笔记和交流发言少，理论学习与分管工作结合不紧。
（二）政治判断力的锤炼不够。对意识形态风险研判的重要性认识不足，遇到敏感舆情习惯于等一等、看一看，主动回应的意识不强。
（三）攻坚克难的担当不足。面对停车位缺口、管理平台推广等难题，怕担风险、怕出问题，宁可等条件成熟再动手。
（四）监督管理的责任压得不实。对廉政风险点提醒不经常，发现加油记录不规范等问题只作口头提醒，没有跟进整改。
三、整改措施
（一）强化理论学习的自觉性。每周自学原著原文4小时以上，每季度在中心组学习中交流发言1次，年底前完成学习笔记2万字。
（二）锤炼政治判断力。每月研判一次分管领域的意识形态风险，敏感舆情在24小时内组织回应。
（三）增强攻坚克难的担当。2024年3月底前拿出停车位缺口的解决方案，6月底前把管理平台公务用车模块使用率提高到90%。
（四）压实监督管理责任。每半年对分管科室廉政风险点提醒一次，对加油记录不规范等问题建立台账、跟进整改。
"""

PROBLEMS = "存在的问题"
DIM3 = f"{PROBLEMS} / （三）在能力本领方面"


def run(text: str, **kw) -> list[Finding]:
    return audit_text(text, **kw)


def of(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def one(findings: list[Finding], rule: str) -> Finding:
    hits = of(findings, rule)
    assert len(hits) == 1, (rule, [f.model_dump() for f in findings])
    return hits[0]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def block(text: str, heading: str) -> str:
    """A 方面 heading line and its item line."""
    m = re.search(re.escape(heading) + r"\n[^\n]*\n", text)
    assert m, heading
    return m.group(0)


# --- the clean material ---------------------------------------------------------------


def test_clean_material_has_no_errors_and_only_the_length_warning():
    findings = run(CLEAN)
    assert [f for f in findings if f.severity == Severity.ERROR] == []
    warnings = [f for f in findings if f.severity == Severity.WARNING]
    assert [f.rule for f in warnings] == ["balance.length"], [f.model_dump() for f in warnings]
    ref = one(findings, "coverage.reference")
    assert ref.severity == Severity.INFO and "理论学习；政治素质" in ref.message
    assert summary(findings) == "0 个错误，1 个提醒，1 条说明"


def test_every_rule_has_a_severity_and_a_name():
    cat = rule_catalogue()
    assert len(cat) >= 20
    assert all(isinstance(sev, Severity) and name for sev, name in cat.values())


def test_every_finding_has_a_known_rule_and_chinese_text():
    text = CLEAN.replace("比如，2023年5月", "虽然工作很忙，但").replace("两个", "二个")
    text = text.replace("原因剖析", "原因剖析\n一是XXX。")
    cat = rule_catalogue()
    for f in run(text):
        assert f.rule in cat
        assert re.search(r"[\u4e00-\u9fff]", f.message) and re.search(r"[\u4e00-\u9fff]", f.location)


# --- coverage -------------------------------------------------------------------------


def test_missing_dimension_is_an_error_placed_where_it_belongs():
    text = CLEAN.replace(block(CLEAN, "（四）在担当作为方面"), "")
    text = text.replace("（五）在工作作风方面", "（四）在工作作风方面").replace("（六）在廉洁自律方面", "（五）在廉洁自律方面")
    # A leftover on each side shows where the missing one is placed.
    text = replace_once(text, "推动工作信息化办法不多", "推动XXX工作信息化办法不多")
    text = replace_once(text, "下基层听汇报多", "下基层XXX听汇报多")
    findings = run(text)
    f = one(findings, "coverage.missing_dimension")
    assert f.severity == Severity.ERROR and f.location == PROBLEMS
    assert "担当作为" in f.message and "第4个" in f.message
    assert "（四）在担当作为方面" in f.suggestion
    placed = [(x.rule, x.location) for x in findings if x.rule in ("coverage.missing_dimension", "placeholder.leftover")]
    assert placed == [
        ("placeholder.leftover", f"{DIM3} / 第1条"),
        ("coverage.missing_dimension", PROBLEMS),
        ("placeholder.leftover", f"{PROBLEMS} / （四）在工作作风方面 / 第1条"),
    ]


def test_dimensions_out_of_order_are_a_warning_on_the_one_out_of_place():
    a, b = block(CLEAN, "（二）在政治素质方面"), block(CLEAN, "（三）在能力本领方面")
    text = CLEAN.replace(a + b, b.replace("（三）", "（二）") + a.replace("（二）", "（三）"))
    # Read in the document's order, 能力本领 is the first to come earlier than the notice has it.
    f = one(run(text), "coverage.order")
    assert f.severity == Severity.WARNING
    assert f.location == f"{PROBLEMS} / （二）在能力本领方面"
    assert "能力本领" in f.message and "第3个" in f.message


def test_empty_dimension_is_an_error():
    item = block(CLEAN, "（三）在能力本领方面").split("\n")[1]
    text = replace_once(CLEAN, item + "\n", "")
    f = one(run(text), "coverage.empty_dimension")
    assert f.severity == Severity.ERROR and f.location == DIM3


def test_missing_section_is_an_error():
    start, end = CLEAN.index("二、原因剖析"), CLEAN.index("三、整改措施")
    text = CLEAN[:start] + CLEAN[end:].replace("三、整改措施", "二、整改措施")
    f = one(run(text), "coverage.missing_section")
    assert f.severity == Severity.ERROR and f.location == "全文" and "原因剖析" in f.message
    assert of(run(text), "link.measure") == []  # nothing to answer: not reported twice


def test_section_with_a_heading_only_is_an_error_once():
    start, end = CLEAN.index("二、原因剖析"), CLEAN.index("三、整改措施")
    text = CLEAN[:start] + "二、原因剖析\n" + CLEAN[end:]
    findings = run(text)
    f = one(findings, "coverage.empty_dimension")
    assert f.severity == Severity.ERROR and f.location == "原因剖析" and "只有标题" in f.message
    assert of(findings, "coverage.missing_section") == []


def test_heading_matched_loosely_but_not_verbatim_gets_a_wording_warning():
    text = replace_once(CLEAN, "（四）在担当作为方面", "（四）在担当作用方面")
    findings = run(text)
    assert of(findings, "coverage.missing_dimension") == []  # the parser reads it as 担当作为
    f = one(findings, "coverage.wording")
    assert f.severity == Severity.WARNING and f.location == f"{PROBLEMS} / （四）在担当作用方面"
    assert "（四）在担当作为方面" in f.suggestion


def test_fuzzy_match_by_character_overlap():
    assert match_score("能力本领", "（三）在本领能力方面。") == 1.0
    assert match_score("带头强化政治忠诚、提高政治能力", "在带头强化政治忠诚，提高政治能力方面") == 1.0
    assert match_score("工作作风", "作风建设") == 0.5  # below the 0.6 threshold: not the same
    assert match_score("理论学习", "政治素质") == 0.0


def test_explicit_dimension_list_wins_over_the_registry():
    findings = run(CLEAN, expected_dimensions=["理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律", "学习贯彻党的二十大精神"])
    f = one(findings, "coverage.missing_dimension")
    assert "学习贯彻党的二十大精神" in f.message
    assert "给定的方面清单" in one(findings, "coverage.reference").message


def test_no_registry_entry_checks_emptiness_only():
    text = CLEAN.replace("2023", "2019").replace(block(CLEAN, "（四）在担当作为方面"), "")
    findings = run(text, year=2019)
    assert of(findings, "coverage.missing_dimension") == []
    assert "未收录2019年度" in one(findings, "coverage.reference").message
    empty = replace_once(text, block(text, "（三）在能力本领方面").split("\n")[1] + "\n", "")
    assert one(run(empty, year=2019), "coverage.empty_dimension").location == DIM3


def test_explicit_year_and_role_win_over_the_text():
    findings = run(CLEAN, year=2025)  # the 2025 list: five 带头; 担当作为 is in the fourth
    missing = of(findings, "coverage.missing_dimension")
    assert len(missing) == 4 and not any("担当作为" in f.message for f in missing)
    assert "2025年度" in one(findings, "coverage.reference").message
    banzi = run(CLEAN, role="班子")
    assert "班子对照检查材料通常不少于4000字" in one(banzi, "balance.length").message


def test_bare_cause_heading_is_a_warning():
    text = replace_once(CLEAN, "（二）政治判断力的锤炼不够。对意识形态风险研判的重要性认识不足，遇到敏感舆情习惯于等一等、看一看，主动回应的意识不强。",
                        "（二）政治判断力的锤炼不够。")
    f = one(run(text), "coverage.bare_heading")
    assert f.severity == Severity.WARNING and f.location == "原因剖析 / （二）政治判断力的锤炼不够"


# --- structure ------------------------------------------------------------------------


def test_skipped_section_number_and_missing_title():
    text = CLEAN.replace("二、原因剖析", "三、原因剖析").split("\n", 1)[1]
    findings = run(text, year=2023, role="个人")
    f = one(findings, "structure.numbering")
    assert f.severity == Severity.WARNING and f.location == "原因剖析" and "第2个" in f.message
    t = one(findings, "structure.title")
    assert t.location == "标题" and t.severity == Severity.WARNING


def test_item_numbering_gap():
    text = replace_once(CLEAN, "学习以完成规定篇目为主，", "三是学习以完成规定篇目为主，")
    f = one(run(text), "structure.numbering")
    assert f.location == f"{PROBLEMS} / （一）在理论学习方面 / 第2条" and "第2个" in f.message


# --- 见人见事 ---------------------------------------------------------------------------


def test_dimension_without_a_case_is_a_warning():
    text = replace_once(CLEAN, "比如，“智慧后勤”平台项目上线3个月，我分管的公务用车模块使用率只有40%。", "")
    f = one(run(text), "concrete.no_case")
    assert f.severity == Severity.WARNING and f.location == DIM3
    assert "没有“比如……”" in f.message


def test_placeholder_case_counts_as_missing():
    text = replace_once(CLEAN, "比如，“智慧后勤”平台项目上线3个月，我分管的公务用车模块使用率只有40%。",
                        "比如，【待补充：具体事例】。")
    findings = run(text)
    f = one(findings, "concrete.no_case")
    assert f.location == DIM3 and "待补充" in f.message
    p = one(findings, "placeholder.leftover")
    assert p.severity == Severity.ERROR and p.location == f"{DIM3} / 第1条"


def test_general_case_without_facts_is_vague():
    text = replace_once(CLEAN, "比如，“智慧后勤”平台项目上线3个月，我分管的公务用车模块使用率只有40%。",
                        "比如，在推动工作创新上思路不宽，办法不多。")
    f = one(run(text), "concrete.vague_case")
    assert f.severity == Severity.WARNING and f.location == DIM3
    assert "数字、时间、地点" in f.message


@pytest.mark.parametrize("case", [
    "比如，2023年5月的一次调度会上，我没有拿出意见。",
    "比如，在老旧小区改造工程推进中，我没有到现场。",
    "比如，在北湖街道走访时，群众反映的问题没有跟进。",
    "比如，对《公务用车管理办法》的执行检查不够。",
    "比如，三次调度会我都没有提出具体意见。",
])
def test_each_kind_of_fact_makes_a_case_concrete(case):
    text = replace_once(CLEAN, "比如，“智慧后勤”平台项目上线3个月，我分管的公务用车模块使用率只有40%。", case)
    assert of(run(text), "concrete.vague_case") == []


def test_political_term_counts_are_not_facts():
    text = replace_once(CLEAN, "比如，“智慧后勤”平台项目上线3个月，我分管的公务用车模块使用率只有40%。",
                        "比如，对“两个维护”“四个意识”理解不深。")
    assert one(run(text), "concrete.vague_case").location == DIM3


# --- balance --------------------------------------------------------------------------


def test_problems_and_causes_below_half_is_a_warning():
    padding = "（五）持续跟进整改。" + "坚持把整改落实作为检验成效的标准，定期对照问题清单逐项销号，做到件件有着落、事事有回音。" * 25
    text = CLEAN + padding + "\n"
    f = one(run(text), "balance.ratio")
    assert f.severity == Severity.WARNING and f.location == "全文" and "少于一半" in f.message


def test_length_below_the_role_range_is_a_warning_not_an_error():
    f = one(run(CLEAN), "balance.length")
    assert f.severity == Severity.WARNING and f.location == "全文"
    assert "个人对照检查材料通常不少于3000字" in f.message


# --- style ----------------------------------------------------------------------------


@pytest.mark.parametrize("opening", [
    "一是数字化管理本领不足。虽然参加了3次信息化培训，但对新的管理平台学得不深。",
    "一是数字化管理本领不足。尽管平时注重学习新知识，但对新的管理平台学得不深。",
    "一是在抓好日常管理的同时，也存在数字化管理本领不足的问题。",
    "一是数字化管理本领不足。一直以来我很注重学习，但对新的管理平台学得不深。",
])
def test_praise_before_the_problem_is_a_warning(opening):
    text = replace_once(CLEAN, "一是数字化管理本领不足。对新的管理平台学得不深，推动工作信息化办法不多。",
                        opening + "推动工作信息化办法不多。")
    f = one(run(text), "style.praise_first")
    assert f.severity == Severity.WARNING and f.location == f"{DIM3} / 第1条"


def test_but_inside_a_case_is_not_praise():
    text = replace_once(CLEAN, "比如，“智慧后勤”平台项目上线3个月，",
                        "比如，“智慧后勤”平台项目虽然上线3个月，但")
    assert of(run(text), "style.praise_first") == []


def test_empty_phrase_judgement_with_nothing_concrete_is_a_warning():
    text = replace_once(CLEAN, block(CLEAN, "（三）在能力本领方面").split("\n")[1],
                        "一是数字化管理本领还有差距。推动工作信息化办法不多，学得不深。")
    findings = run(text)
    f = one(findings, "style.empty_phrase")
    assert f.severity == Severity.WARNING and f.location == f"{DIM3} / 第1条" and "还有差距" in f.message
    # The same phrase with a fact in the item is a judgement backed by a case.
    backed = replace_once(CLEAN, "一是数字化管理本领不足。", "一是数字化管理本领还有差距。")
    assert of(run(backed), "style.empty_phrase") == []


# --- political terms ------------------------------------------------------------------


@pytest.mark.parametrize("wrong,right,rule,severity", [
    ("二个维护", "两个维护", "terms.count", Severity.WARNING),
    ("三个自信", "四个自信", "terms.count", Severity.WARNING),
    ("五个意识", "四个意识", "terms.count", Severity.WARNING),
    ("四种意识", "四个意识", "terms.count", Severity.WARNING),
    ("一岗两责", "一岗双责", "terms.count", Severity.WARNING),
    ("三会两课", "三会一课", "terms.count", Severity.WARNING),
    ("两个确定", "两个确立", "terms.form", Severity.WARNING),
    ("二学一做", "两学一做", "terms.count", Severity.WARNING),
    ("八项规定精神", "中央八项规定精神", "terms.form", Severity.WARNING),
    ("习近平新时代中国特色社会主义理论", "习近平新时代中国特色社会主义思想", "terms.form", Severity.ERROR),
])
def test_wrong_political_terms(wrong, right, rule, severity):
    text = replace_once(CLEAN, "对分管领域的意识形态风险研判不足，", f"对“{wrong}”的认识不深，对分管领域的意识形态风险研判不足，")
    f = one(run(text), rule)
    assert f.severity == severity
    assert f.location == f"{PROBLEMS} / （二）在政治素质方面 / 第1条"
    assert f"“{right}”" in f.message and wrong in f.message and right in f.suggestion


def test_right_political_terms_and_look_alikes_are_not_flagged():
    ok = ("深刻领会“两个确立”，增强“四个意识”、坚定“四个自信”、做到“两个维护”，落实“一岗双责”和“第一议题”制度，"
          "坚持“三会一课”，运用“四种形态”，锲而不舍落实中央八项规定精神，贯彻中央“八项规定”，纠治“四风”，"
          "统筹“两个大局”，做一个自信的人，召开会议第二议题，完成电梯三项维护。")
    text = replace_once(CLEAN, "对分管领域的意识形态风险研判不足，", ok)
    findings = run(text)
    assert of(findings, "terms.count") == [] and of(findings, "terms.form") == []


# --- voice ----------------------------------------------------------------------------

BANZI = CLEAN.replace("个人对照检查材料", "班子对照检查材料").replace("现作个人对照检查如下：", "下面，我代表领导班子作对照检查。")


def test_banzi_material_in_the_first_person_singular_is_an_error():
    findings = run(BANZI, role="班子")
    hits = of(findings, "voice.first_person")
    assert hits and all(f.severity == Severity.ERROR for f in hits)
    assert hits[0].location == "前言"  # "我围绕会议主题", not "我代表领导班子"
    assert f"{PROBLEMS} / （一）在理论学习方面 / 第1条" in [f.location for f in hits]


def test_collective_words_are_not_the_first_person():
    text = BANZI.replace("我", "班子").replace("班子代表领导班子", "我代表领导班子")
    text += "我们坚持自我革命，我国、我局、我处的“我为群众办实事”实践活动持续推进。\n"
    assert of(run(text, role="班子"), "voice.first_person") == []


def test_personal_material_in_the_collective_voice_is_a_warning():
    text = replace_once(CLEAN, "一是调查研究不深入。", "一是调查研究不深入。我们下基层少。")
    text = replace_once(text, "（四）监督管理的责任压得不实。", "（四）监督管理的责任压得不实。班子成员对廉政风险重视不够。")
    hits = of(run(text), "voice.collective")
    assert [f.location for f in hits] == [f"{PROBLEMS} / （五）在工作作风方面 / 第1条", "原因剖析 / （四）监督管理的责任压得不实 / 第1条"]
    assert all(f.severity == Severity.WARNING for f in hits)
    # "作为班子成员，我…" is the writer speaking of his post.
    post = replace_once(CLEAN, "一是调查研究不深入。", "一是调查研究不深入。作为班子成员，我下基层少。")
    assert of(run(post), "voice.collective") == []


# --- leftovers ------------------------------------------------------------------------


@pytest.mark.parametrize("placeholder", ["XXX", "××", "**", "【待补充：单位名称】", "某某"])
def test_leftover_placeholders_are_errors(placeholder):
    text = replace_once(CLEAN, "机关大院停车位缺口", f"{placeholder}机关大院停车位缺口")
    f = one(run(text), "placeholder.leftover")
    assert f.severity == Severity.ERROR and f.location == f"{PROBLEMS} / （四）在担当作为方面 / 第1条"
    assert placeholder in f.message


def test_duplicate_sentence_is_a_warning_at_the_second():
    text = replace_once(CLEAN, "（四）监督管理的责任压得不实。对廉政风险点提醒不经常，",
                        "（四）监督管理的责任压得不实。对分管科室的廉政风险点提醒不经常。")
    f = one(run(text), "duplicate.sentence")
    assert f.severity == Severity.WARNING
    assert f.location == "原因剖析 / （四）监督管理的责任压得不实 / 第1条"
    assert f"{PROBLEMS} / （六）在廉洁自律方面 / 第1条" in f.message


# --- links ----------------------------------------------------------------------------


def test_cause_that_answers_no_problem_is_a_warning_that_says_what_it_looked_for():
    text = replace_once(CLEAN, "（三）攻坚克难的担当不足。面对停车位缺口、管理平台推广等难题，怕担风险、怕出问题，宁可等条件成熟再动手。",
                        "（三）家风家教抓得不严。对家属子女的教育提醒不多，亲戚朋友托办事情时碍于情面。")
    f = one(run(text), "link.cause")
    assert f.severity == Severity.WARNING and f.location == "原因剖析 / （三）家风家教抓得不严"
    assert "家风" in f.message and "关键词" in f.message


def test_measure_that_answers_no_cause_is_a_warning():
    text = replace_once(CLEAN, "（四）压实监督管理责任。每半年对分管科室廉政风险点提醒一次，对加油记录不规范等问题建立台账、跟进整改。",
                        "（四）办好职工食堂。丰富菜品种类，延长供餐时间，每季度征求一次就餐意见。")
    f = one(run(text), "link.measure")
    assert f.severity == Severity.WARNING and f.location == "整改措施 / （四）办好职工食堂"


# --- order and summary ----------------------------------------------------------------


def test_findings_come_in_reading_order():
    text = replace_once(CLEAN, "机关大院停车位缺口", "XXX机关大院停车位缺口")
    text = replace_once(text, "自学笔记不足1万字", "自学笔记不足1万字，对“二个维护”理解不深")
    text = replace_once(text, "每月研判一次", "**每月研判一次")
    findings = run(text)
    placed = [f for f in findings if f.location != "全文"]
    assert [f.rule for f in placed] == ["terms.count", "placeholder.leftover", "placeholder.leftover"]
    assert findings.index(placed[0]) > max(i for i, f in enumerate(findings) if f.location == "全文")


def test_summary_counts():
    e = Finding(rule="x", severity=Severity.ERROR, location="全文", message="m")
    w = e.model_copy(update={"severity": Severity.WARNING})
    i = e.model_copy(update={"severity": Severity.INFO})
    assert summary([e, e, e, w, w, w, w, w]) == "3 个错误，5 个提醒"
    assert summary([e, w, i]) == "1 个错误，1 个提醒，1 条说明"
    assert summary([]) == "未发现问题"
    assert summary([i]) == "未发现问题（1 条说明）"


def test_audit_material_accepts_a_parsed_material():
    m = parse_material(CLEAN)
    assert [f.rule for f in audit_material(m)] == [f.rule for f in run(CLEAN)]


# --- the five seeds -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds() -> dict[str, list[Finding]]:
    out = {}
    for path in sorted(CORPUS.glob("*.txt")):
        out[path.name] = audit_material(parse_material(path.read_text("utf-8"), source=path.name))
    for name, findings in out.items():  # shown with -s; the numbers are not asserted
        print(f"\n{name}: {summary(findings)}")
        for f in findings:
            print(f"  [{f.severity.value}] {f.rule} {f.location}: {f.message[:60]}")
    return out


def test_seeds_are_read_without_crashing_and_all_are_short(seeds):
    assert len(seeds) == 5
    for name, findings in seeds.items():
        assert of(findings, "coverage.missing_section") == [], name
        # Only the 2016 one (about 6300 characters) is as long as a 班子 material usually is.
        assert bool(of(findings, "balance.length")) == (not name.startswith("2016")), name


def test_seed_2016_uses_si_zhong_yi_shi_and_is_full_of_xxx(seeds):
    findings = seeds["2016_班子_民主生活会_环保局.txt"]
    f = one(findings, "terms.count")
    assert "“四种意识”" in f.message and "“四个意识”" in f.message
    assert f.location == "整改措施 / （三）增强党性锻炼，落实政治责任 / 第1条"
    assert len(of(findings, "placeholder.leftover")) >= 10
    assert of(findings, "coverage.missing_dimension") == []  # the 两学一做 list, all six there
    assert of(findings, "structure.title")  # it opens with its preamble


def test_seed_2023_personal_heading_and_numbering(seeds):
    findings = seeds["2023_个人_主题教育专题民主生活会_机关党支部书记.txt"]
    f = one(findings, "coverage.wording")
    assert f.location == "存在的问题 / （四）担当作用方面" and "担当作为" in f.message
    n = one(findings, "structure.numbering")
    assert n.location == "原因剖析" and "三、问题产生的原因" in n.excerpt
    assert [f.location for f in of(findings, "concrete.no_case")] == [
        "存在的问题 / （二）政治素质方面", "存在的问题 / （四）担当作用方面", "存在的问题 / （六）廉洁自律方面"]
    assert of(findings, "voice.collective") == []


def test_seed_2023_banzi_praises_itself_first(seeds):
    findings = seeds["2023_班子_主题教育专题民主生活会_机关事务.txt"]
    praise = of(findings, "style.praise_first")
    assert "存在的问题 / （一）在理论学习方面 / 第1条" in [f.location for f in praise]
    assert any("一直以来" in f.excerpt for f in praise)
    assert of(findings, "voice.first_person") == []  # 我代表班子, "我为群众办实事" in quotes
    assert [f.location for f in of(findings, "placeholder.leftover")] == [
        "前言", "存在的问题 / （四）在担当作为方面 / 第1条"]  # the ** for the unit's name


def test_seed_2022_banzi_skips_section_two(seeds):
    findings = seeds["2022_班子_民主生活会_区机关事务中心.txt"]
    assert one(findings, "structure.numbering").location == "原因剖析"
    assert "未收录2022年度" in one(findings, "coverage.reference").message
    assert [f.location for f in of(findings, "concrete.no_case")] == [
        "存在的问题 / （一）在理论学习方面", "存在的问题 / （二）在政治素质方面"]


def test_seed_2022_management_office_opens_with_praise(seeds):
    findings = seeds["2022_班子_民主生活会_市局管理处.txt"]
    assert len(of(findings, "style.praise_first")) >= 3
    assert of(findings, "voice.first_person") == []  # 我处 is the office


# --- the rules file -------------------------------------------------------------------


def rules_copy(tmp_path, old: str, new: str) -> dict:
    """data/audit_rules.yaml with one change, written to tmp_path and read back."""
    text = (DATA / "audit_rules.yaml").read_text("utf-8")
    path = tmp_path / "audit_rules.yaml"
    path.write_text(replace_once(text, old, new), "utf-8")
    return yaml.safe_load(path.read_text("utf-8"))


def test_shipped_audit_rules_validate():
    rules = AuditRules.model_validate(yaml.safe_load((DATA / "audit_rules.yaml").read_text("utf-8")))
    assert set(REPORTED) <= set(rules.rules)
    assert rules.terms.entries and rules.link.min_words <= rules.link.max_words


@pytest.mark.parametrize("old,new,where", [
    ("\nduplicates:\n", "\nduplicate_checks: {min_chars: 12}\nduplicates:\n", "duplicate_checks"),
    ("  min_chars: 12", "  min_char: 12", "duplicates.min_char"),
    ("      misspelt: [两个拥护, 二个拥护]", "      mispelt: [两个拥护, 二个拥护]", "terms.list.3.mispelt"),
])
def test_unknown_or_misspelt_key_in_audit_rules_is_refused(tmp_path, old, new, where):
    data = rules_copy(tmp_path, old, new)
    with pytest.raises(ValidationError) as e:
        AuditRules.model_validate(data)
    assert where in str(e.value) and "Extra inputs are not permitted" in str(e.value)


def test_audit_rules_must_name_every_rule_the_audit_reports(tmp_path):
    data = rules_copy(tmp_path, "  link.measure: {severity: warning, name: 措施与原因对应不上}\n", "")
    with pytest.raises(ValidationError, match="link.measure"):
        AuditRules.model_validate(data)


def test_every_rule_id_in_the_audit_code_is_declared():
    families = {r.split(".")[0] for r in REPORTED}
    folder = ROOT / "assistant" / "review" / "audit"
    used = {m.group(1) for path in folder.glob("*.py")
            for m in re.finditer(r'"([a-z_]+\.[a-z_]+)"', path.read_text("utf-8"))
            if m.group(1).split(".")[0] in families}
    assert used == set(REPORTED)


# --- CLI ------------------------------------------------------------------------------


def run_cli(tmp_path, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), DUIZHAO_DATA_DIR=str(tmp_path / "data"))
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_cli_audit_json(tmp_path):
    path = tmp_path / "材料.txt"
    path.write_text(CLEAN.replace("二个", "两个").replace("（四）在担当作为方面", "（四）在担当作用方面"), "utf-8")
    proc = run_cli(tmp_path, "audit", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {d["rule"] for d in data} >= {"coverage.reference", "coverage.wording", "balance.length"}
    assert set(data[0]) >= {"rule", "severity", "location", "message", "suggestion"}
    text = run_cli(tmp_path, "audit", str(path), "--role", "班子")
    assert text.returncode == 0 and "提醒" in text.stdout and "建议：" in text.stdout
    assert "voice.first_person" in text.stdout


def test_cli_audit_bad_file_and_bad_role(tmp_path):
    proc = run_cli(tmp_path, "audit", str(tmp_path / "没有.txt"))
    assert proc.returncode == 2 and "找不到文件" in proc.stderr.replace("\n", "")
    path = tmp_path / "a.txt"
    path.write_text(CLEAN, "utf-8")
    proc = run_cli(tmp_path, "audit", str(path), "--role", "局长")
    assert proc.returncode == 2 and "角色应为" in proc.stderr.replace("\n", "")
