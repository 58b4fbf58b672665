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


@pytest.mark.parametrize("notice,expected", [
    (LEADERS_2024, ["带头严守政治纪律和政治规矩，维护党的团结统一", "带头增强党性、严守纪律、砥砺作风",
                    "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新", "带头履行全面从严治党政治责任"]),
    (MEMBERS, SIX_MEMBER),
    # "五个方面" over six items: the items are trusted, not the count
    ("党员要对照五个方面查摆问题，一是政治信仰方面，二是党员意识方面，三是理论学习方面，四是能力本领方面，"
     "五是作用发挥方面，六是纪律作风方面。", SIX_MEMBER),
    ("会议重点查摆以下方面：\n（一）政治信仰方面\n（二）党员意识方面\n（三）理论学习方面\n", SIX_MEMBER[:3]),
    # 带头 in passing is no list when the sentence enumerates its 方面
    ("党员领导干部要带头学习，带头查摆问题，重点对照政治信仰、党员意识、理论学习、能力本领、作用发挥、纪律作风"
     "等六个方面进行检视。", SIX_MEMBER),
    ("带头强化政治忠诚、提高政治能力，带头固本培元、增强党性，带头敬畏人民、敬畏组织、敬畏法纪",
     ["带头强化政治忠诚、提高政治能力", "带头固本培元、增强党性", "带头敬畏人民、敬畏组织、敬畏法纪"]),
])
def test_the_list_without_lead_ins_or_tails(notice, expected):
    assert read_notice(notice).dimensions == expected


def test_a_notice_without_a_list_gives_none():
    assert read_notice("本次民主生活会的主题是深入学习贯彻习近平新时代中国特色社会主义思想，请认真准备。") is None
    assert read_notice("") is None


def test_the_user_is_told_which_sentence_the_list_came_from():
    s = choose_structure(Request(role=Role.GEREN, year=2024,
                                 meeting="组织生活会", notice="请各支部认真准备。" + MEMBERS))
    assert s.source == StructureSource.NOTICE and s.dimensions == SIX_MEMBER
    assert "依据" in s.reason and "逐一查找自身在政治信仰" in s.reason and "请各支部认真准备" not in s.reason
