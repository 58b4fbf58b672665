"""Reading the list of 方面 out of a notice as published: lead-ins and tails dropped, items
split where the notice separates them (never on a ， inside an item), and the sentence it
was read from named to the user."""

import pytest

from assistant.core.types import Request, Role, StructureSource
from assistant.draft.notice import read_notice
from assistant.draft.structure import choose_structure

LEADERS_2024 = ("各位党员领导干部要带头进行个人对照检查，重点围绕以下4个方面查摆问题：带头严守政治纪律和政治规矩，"
                "维护党的团结统一；带头增强党性、严守纪律、砥砺作风；带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新；"
                "带头履行全面从严治党政治责任等方面存在的差距和不足。会前要广泛征求意见。")
MEMBERS = ("对照党章规定的党员条件和党员义务，秉持实事求是的原则，逐一查找自身在政治信仰、党员意识、理论学习、"
           "能力本领、作用发挥、纪律作风等6个方面的差距。")
SIX_MEMBER = ["政治信仰", "党员意识", "理论学习", "能力本领", "作用发挥", "纪律作风"]


# A 组织生活会 notice with the 支部委员会's list and then the 党员's, in one sentence.
BRANCH_THEN_MEMBERS = (
    "各党支部要认真开好2024年度组织生活会。支部委员会要围绕带头严守政治纪律和政治规矩、带头增强党性提高本领、"
    "带头践行宗旨为民造福、带头真抓实干担当作为、带头履行管党治党责任等5个方面进行对照检查；党员要对照党章规定的"
    "党员条件和义务，围绕政治信仰、党员意识、理论学习、能力本领、作用发挥、纪律作风等6个方面查找差距。")
BRANCH_FIVE = ["带头严守政治纪律和政治规矩", "带头增强党性提高本领", "带头践行宗旨为民造福", "带头真抓实干担当作为",
               "带头履行管党治党责任"]
# The 方面 to be checked, beside 五个带头 asked of the members and a list of key tasks.
SIX_BESIDE_FIVE = (
    "会议以学习贯彻习近平新时代中国特色社会主义思想为主题，紧扣主题教育目标任务，重点从学习贯彻党的创新理论、"
    "加强党性修养、提高能力本领、履职尽责、为民服务、廉洁自律六个方面进行检视剖析。班子成员要做到“五个带头”："
    "带头深化理论学习；带头严守政治纪律；带头担当作为；带头为民服务；带头廉洁自律。会议的重点任务：一是深入学习领会，"
    "二是认真征求意见，三是开展谈心谈话。")
SIX_2023 = ["学习贯彻党的创新理论", "加强党性修养", "提高能力本领", "履职尽责", "为民服务", "廉洁自律"]
# Each audience's list numbered on lines of its own.
NUMBERED_TWO = ("一、对照检查内容\n（一）支部委员会对照检查\n1.在学习贯彻党的创新理论方面\n2.在履行管党治党责任方面\n"
                "3.在联系服务群众方面\n（二）党员个人对照检查\n1.在政治信仰方面\n2.在党员意识方面\n3.在作用发挥方面\n")
# Items that hold a 、 pair, separated by ，.
COMMA_ITEMS = ("市委要求，各级领导班子要紧扣主题，深入查摆在强化政治忠诚、提高政治能力，固本培元、增强党性，敬畏人民、"
               "敬畏组织、敬畏法纪，干事创业、担当作为，落实全面从严治党政治责任等5个方面的问题。")
# Named by their count, not by 方面 (党纪学习教育, 2024).
SIX_DISCIPLINES = ("按照党纪学习教育安排，各党支部召开专题组织生活会。党员要结合学习《中国共产党纪律处分条例》，对照政治纪律、"
                   "组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律“六项纪律”，查摆自身存在的问题。")
# A stated count (三个) over four numbered items after a colon.
COLON_NUMBERED = "支部班子和党员要对照以下三个方面：（一）理想信念方面；（二）宗旨意识方面；（三）纪律作风方面；（四）担当作为方面。"
# "以下几个方面…：1.在…方面；2.…" run on in one paragraph.
RUN_ON_NUMBERED = ("民主生活会要聚焦以下几个方面深入查摆问题：1.在学习贯彻党的创新理论方面；2.在加强党性修养方面；"
                   "3.在联系服务群众方面。")
# Passed on in traditional characters.
TRADITIONAL = "黨員要對照黨章，逐一查找自身在政治信仰、黨員意識、理論學習、能力本領、作用發揮、紀律作風等6個方面的差距。"


@pytest.mark.parametrize("notice,role,expected", [
    (BRANCH_THEN_MEMBERS, "班子", BRANCH_FIVE),
    (BRANCH_THEN_MEMBERS, "支部", SIX_MEMBER),  # the older 支部 is a 党员 at a 组织生活会
    (BRANCH_THEN_MEMBERS, "个人", SIX_MEMBER),
    (SIX_BESIDE_FIVE, "班子", SIX_2023),
    (SIX_BESIDE_FIVE, "个人", SIX_2023),
    (NUMBERED_TWO, "班子", ["学习贯彻党的创新理论", "履行管党治党责任", "联系服务群众"]),
    (NUMBERED_TWO, "个人", ["政治信仰", "党员意识", "作用发挥"]),
    (COMMA_ITEMS, "班子", ["强化政治忠诚、提高政治能力", "固本培元、增强党性", "敬畏人民、敬畏组织、敬畏法纪",
                          "干事创业、担当作为", "落实全面从严治党政治责任"]),
    (TRADITIONAL, "个人", SIX_MEMBER),
    (SIX_DISCIPLINES, "个人", ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律"]),
    (COLON_NUMBERED, "个人", ["理想信念", "宗旨意识", "纪律作风", "担当作为"]),
    (RUN_ON_NUMBERED, "班子", ["学习贯彻党的创新理论", "加强党性修养", "联系服务群众"]),
    (LEADERS_2024, "个人", ["带头严守政治纪律和政治规矩，维护党的团结统一", "带头增强党性、严守纪律、砥砺作风",
                          "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新", "带头履行全面从严治党政治责任"]),
])
def test_the_list_the_notice_asks_of_this_role(notice, role, expected):
    found = read_notice(notice, role)
    assert found.dimensions == expected
    assert not found.unsure


@pytest.mark.parametrize("notice", [BRANCH_THEN_MEMBERS, NUMBERED_TWO])
def test_without_a_role_the_reading_is_unsure_and_keeps_the_other_list(notice):
    found = read_notice(notice)
    assert found.unsure and len(found.others) == 1
    assert {tuple(found.dimensions), tuple(found.others[0].dimensions)} >= {tuple(found.dimensions)}
    assert found.others[0].dimensions != found.dimensions


def test_an_unsure_choice_is_said_and_the_other_list_offered():
    s = choose_structure(Request(role=Role.BANZI, year=2024, meeting="民主生活会",
                                 notice="请认真准备。\n" + NUMBERED_TWO.replace("支部委员会", "").replace("党员个人", "")))
    assert s.source == StructureSource.NOTICE and s.guess
    assert "另外 1 份清单" in s.reason and "改选" in s.reason
    assert s.alternatives and s.alternatives[0] != s.dimensions


@pytest.mark.parametrize("notice,role,expected", [
    (MEMBERS, "个人", SIX_MEMBER),
    # "五个方面" over six items: the items are trusted, not the count
    ("党员要对照五个方面查摆问题，一是政治信仰方面，二是党员意识方面，三是理论学习方面，四是能力本领方面，"
     "五是作用发挥方面，六是纪律作风方面。", "个人", SIX_MEMBER),
    ("会议重点查摆以下方面：\n（一）政治信仰方面\n（二）党员意识方面\n（三）理论学习方面\n", "个人", SIX_MEMBER[:3]),
    # 带头 in passing is no list when the sentence enumerates its 方面
    ("党员领导干部要带头学习，带头查摆问题，重点对照政治信仰、党员意识、理论学习、能力本领、作用发挥、纪律作风"
     "等六个方面进行检视。", "个人", SIX_MEMBER),
    ("带头强化政治忠诚、提高政治能力，带头固本培元、增强党性，带头敬畏人民、敬畏组织、敬畏法纪", "班子",
     ["带头强化政治忠诚、提高政治能力", "带头固本培元、增强党性", "带头敬畏人民、敬畏组织、敬畏法纪"]),
    # a count inside an item is part of its name, not the count that closes a list
    ("对照以下方面检视剖析：带头强化政治忠诚；带头锲而不舍落实中央八项规定精神，持续改进作风；带头担当作为。", "班子",
     ["带头强化政治忠诚", "带头锲而不舍落实中央八项规定精神，持续改进作风", "带头担当作为"]),
    # a quote closed at the item's end stays with its pair
    ("对照以下方面检视剖析：带头强化政治忠诚、提高政治能力，坚决做到“两个维护”；带头增强党性；带头担当作为。", "班子",
     ["带头强化政治忠诚、提高政治能力，坚决做到“两个维护”", "带头增强党性", "带头担当作为"]),
    ("党员对照政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律“六项纪律”查找差距。", "个人",
     ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律"]),
])
def test_the_list_without_lead_ins_or_tails(notice, role, expected):
    assert read_notice(notice, role).dimensions == expected


SIX_NAMES = ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律"]
# The 2022 items, each with its explanation; the first two run past 40 characters.
ITEMS_2022 = ["带头深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”",
              "带头学习贯彻习近平新时代中国特色社会主义思想，坚持用党的创新理论武装头脑、指导实践、推动工作",
              "带头贯彻落实党中央决策部署，做到令行禁止、落实见效"]


@pytest.mark.parametrize("notice,expected", [
    # a list run on with 、 and closed by the clause, with no "等…方面" or count after it
    ("党员要认真学习条例，重点对照政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律，逐条查找差距不足。",
     SIX_NAMES),
    # long items keep their explanation, as each of the others does
    ("班子成员要重点围绕以下3个方面进行对照检查：" + "；".join(ITEMS_2022) + "等方面存在的差距和不足。", ITEMS_2022),
])
def test_lists_as_notices_also_write_them(notice, expected):
    assert read_notice(notice, "个人").dimensions == expected


@pytest.mark.parametrize("notice", [
    "会前要认真对照党章、准则、条例、总书记重要讲话精神，广泛征求意见。",  # documents to read, not 方面
    "对照要求，认真准备、广泛征求意见、深入谈心谈话、撰写对照检查材料。",  # steps, and longer than names
    "重点对照政治纪律、组织纪律、廉洁纪律，查找差距。",  # three short names could be anything
])
def test_a_run_of_documents_or_steps_is_no_list(notice):
    assert read_notice(notice, "个人") is None


def test_a_notice_without_a_list_gives_none():
    assert read_notice("本次民主生活会的主题是深入学习贯彻习近平新时代中国特色社会主义思想，请认真准备。") is None
    assert read_notice("") is None


def test_the_user_is_told_which_sentence_the_list_came_from():
    s = choose_structure(Request(role=Role.GEREN, year=2024,
                                 meeting="组织生活会", notice="请各支部认真准备。" + MEMBERS))
    assert s.source == StructureSource.NOTICE and s.dimensions == SIX_MEMBER
    assert "依据" in s.reason and "逐一查找自身在政治信仰" in s.reason and "请各支部认真准备" not in s.reason
