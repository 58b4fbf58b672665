"""Structure retrieval and offline drafting on the real index and model."""

import re

import pytest
from support import SIX

from assistant.core import content
from assistant.core.types import Request, Role, StructureSource
from assistant.draft.drafter import Drafter, voice_ok
from assistant.draft.render import to_markdown, to_text
from assistant.draft.structure import choose_structure, dimensions_from_notice

FACTS = [
    "干部职工反映院内停车难，早高峰车位不够",
    "3号楼充电桩坏了两个月没有及时修",
    "今年有2次理论学习中心组学习因出差缺席",
]


@pytest.fixture(scope="module")
def drafter(corpus_index, corpus_settings):
    return Drafter(corpus_settings, corpus_index)


def req(**kw) -> Request:
    base = dict(role=Role.GEREN, unit="区教育局", post="办公室主任", year=2023,
                meeting="专题民主生活会", facts=FACTS)
    base.update(kw)
    return Request(**base)


# --- structure ---------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.GEREN, Role.BANZI])
def test_2023_theme_education_gets_the_six_dimensions_for_both_roles(role):
    s = choose_structure(Request(role=role, year=2023, meeting="专题民主生活会"))
    assert s.dimensions == SIX and s.source == StructureSource.REGISTRY and not s.guess


def test_2024_gets_four_and_2025_five_daitou():
    s24 = choose_structure(Request(role=Role.BANZI, year=2024, meeting="民主生活会"))
    s25 = choose_structure(Request(role=Role.GEREN, year=2025, meeting="民主生活会"))
    assert len(s24.dimensions) == 4 and all(d.startswith("带头") for d in s24.dimensions)
    assert s24.dimensions[0] == "带头严守政治纪律和政治规矩、维护党的团结统一"
    assert len(s25.dimensions) == 5 and s25.dimensions[-1] == "带头坚决扛起管党治党责任"


def test_a_pasted_notice_wins_over_the_registry():
    notice = ("各党支部：经研究，2025年度民主生活会重点对照以下方面检视剖析：一是带头强化政治忠诚，深刻领悟…；"
              "二是带头学用新思想；三是带头为民办实事。请认真准备。")
    s = choose_structure(Request(role=Role.GEREN, year=2025, notice=notice))
    assert s.source == StructureSource.NOTICE
    assert s.dimensions == ["带头强化政治忠诚", "带头学用新思想", "带头为民办实事"]
    assert dimensions_from_notice("要求围绕理论学习、政治素质、能力本领、担当作为等四个方面查摆问题。") == \
        ["理论学习", "政治素质", "能力本领", "担当作为"]


def test_the_users_own_list_wins_over_everything():
    s = choose_structure(Request(year=2025, dimensions=["甲方面", "乙方面"], notice="一是带头甲；二是带头乙"))
    assert s.source == StructureSource.USER and s.dimensions == ["甲方面", "乙方面"]


def test_an_unknown_year_is_labelled_a_guess():
    s = choose_structure(Request(role=Role.BANZI, year=2026, meeting="民主生活会"))
    assert s.guess and s.source == StructureSource.GUESS
    assert "2026" in s.reason and "仅供参考" in s.reason
    assert len(s.dimensions) == 5  # the latest known list, 2025's


def test_a_year_between_registry_entries_is_voted_from_the_corpus(corpus_index):
    s = choose_structure(Request(role=Role.BANZI, year=2022, meeting="民主生活会"),
                         corpus_materials=corpus_index.materials_list())
    assert s.source == StructureSource.CORPUS and s.guess
    assert s.dimensions == SIX  # seed 000, 2022年度, same role


def test_with_no_registry_the_materials_of_the_year_itself_decide():
    """Lists change by year: one material of the year asked for outvotes three older ones,
    and a 组织生活会 takes its list only from 组织生活会 materials."""
    new = ["带头强化政治忠诚", "带头增强党性", "带头担当作为"]
    old = ["理论学习", "政治素质", "工作作风"]
    members = ["政治信仰", "党员意识", "作用发挥"]
    stored = ([{"year": 2020 + i, "role": "个人", "meeting": "民主生活会", "dimensions": "|".join(old)} for i in range(3)]
              + [{"year": 2025, "role": "班子", "meeting": "民主生活会", "dimensions": "|".join(new)},
                 {"year": 2021, "role": "个人", "meeting": "组织生活会", "dimensions": "|".join(members)}])
    s = choose_structure(Request(role=Role.GEREN, year=2025, meeting="民主生活会"), registry=[], corpus_materials=stored)
    assert s.source == StructureSource.CORPUS and s.dimensions == new
    s = choose_structure(Request(role=Role.GEREN, year=2025, meeting="组织生活会"), registry=[], corpus_materials=stored)
    assert s.dimensions == members


# --- drafting ----------------------------------------------------------------------

def problems_of(draft, name):
    return "".join(i.marker + i.text for d in draft.problems if d.name == name for i in d.items)


def test_personal_draft_has_the_structure_facts_in_place_and_one_voice(drafter):
    d = drafter.draft(req())
    assert [p.name for p in d.problems] == SIX
    text = to_text(d)
    assert "停车难" in problems_of(d, "工作作风") and "充电桩" in problems_of(d, "工作作风")
    assert "中心组学习因出差缺席" in problems_of(d, "理论学习")
    assert voice_ok(text, Role.GEREN), "a 个人 draft must not speak as 班子"
    # dimensions with no fact get a visible placeholder, never an invented case
    for name in ("政治素质", "能力本领", "担当作为", "廉洁自律"):
        assert "【待补充" in problems_of(d, name)
    for dim in d.problems:
        assert 1 <= len(dim.items) <= 3
    assert re.search(r"一是.+二是", problems_of(d, "工作作风"), re.S)


def test_collective_draft_speaks_as_the_group(drafter):
    d = drafter.draft(req(role=Role.BANZI))
    text = to_text(d)
    assert voice_ok(text, Role.BANZI), "a 班子 draft must not speak as one person"
    assert "我代表领导班子" in d.preamble.text
    assert d.title.startswith("区教育局党组领导班子")  # the unit names its party organisation


def test_causes_and_measures_answer_what_was_drafted(drafter):
    d = drafter.draft(req())
    assert 3 <= len(d.causes) <= 4
    covered = {name for c in d.causes for name in c.answers}
    assert covered == set(SIX), "every dimension's problems have a cause"
    assert len(d.measures) == len(d.causes)
    assert [m.answers[0] for m in d.measures] == [c.title for c in d.causes]
    for m in d.measures:  # concrete commitments: how often or by when
        assert re.search(r"\d|每[年季月周]|年底|年内", m.text)


def test_no_sentence_is_used_twice(drafter):
    d = drafter.draft(req())
    sents = [s for s in re.split(r"[。；]", to_text(d)) if len(s) > 12 and "【待补充" not in s]
    dupes = {s for s in sents if sents.count(s) > 1}
    assert not dupes


def test_same_request_same_draft_and_regenerate_gives_a_variant(drafter):
    r = req()
    a, b = drafter.draft(r), drafter.draft(r)
    assert to_text(a) == to_text(b)
    c = drafter.regenerate(a, "problems:1")
    assert [i.text for i in c.problems[1].items] != [i.text for i in a.problems[1].items]
    assert c.problems[0] == a.problems[0] and c.causes == a.causes
    assert c.problems[1].name == "政治素质" and c.problems[1].items


def test_a_second_variant_does_not_read_the_users_facts_again(drafter, monkeypatch):
    """Regenerating waits for nothing already read: the facts and every 方面's query for past
    materials (made of its facts) were encoded the first time, and the same past materials
    are listed again."""
    facts = ["全年到基层调研只有2次，调研报告写得空", "单位公务用车管理台账记录不全"]
    r = req(facts=facts)
    first = drafter.draft(r)
    texts: list[str] = []
    model = drafter.index.embeddings
    for name in ("embed_query", "embed_queries", "embed_documents"):
        call = getattr(model, name)
        monkeypatch.setattr(model, name, lambda x, _call=call: (texts.extend([x] if isinstance(x, str) else x),
                                                               _call(x))[1])
    again = drafter.draft(r, variant=1)
    plan, _ = drafter.plan(r)
    queries = [f"{d.name}：{'；'.join(d.fact_texts)}" for d in plan.dimensions if d.facts]
    assert len(queries) == 2
    assert not set(texts) & set(facts + queries)
    refs = [[s.text for s in dim.items[0].sources if s.kind == "reference"] for dim in again.problems]
    assert any(refs)
    assert refs == [[s.text for s in dim.items[0].sources if s.kind == "reference"] for dim in first.problems]


def test_a_notice_item_no_fact_can_reach_is_pointed_out(drafter):
    """An item of a notice in words no rule reads gets no fact on its own: the writer is told
    which one, so it is not handed in empty unnoticed; a list the drafter reads says nothing."""
    from assistant.draft.structure import load_registry

    year = next(m for m in load_registry() if m.year == 2025)
    dims = list(year.dimensions) + ["带头守好“责任田”、种好“试验田”"]
    d = drafter.draft(req(year=2025, meeting="民主生活会", dimensions=dims))
    assert any("“带头守好“责任田”、种好“试验田””" in n and "移过来" in n for n in d.notes)
    # and its heading is not left standing over nothing
    assert [p.text for p in d.problems[-1].items] == ["【待补充：这一方面查摆出的具体问题和事例】"]
    assert "【待补充：这一方面查摆出的具体问题和事例】" in to_text(d)
    assert not any("没能对应到查摆的主题" in n for n in drafter.draft(req()).notes)


def test_year_bound_and_unit_bound_text_stays_out(drafter):
    old = to_text(drafter.draft(req(year=2017, meeting="民主生活会")))
    assert "二十大" not in old and "二十届" not in old and "主题教育" not in old
    new = to_text(drafter.draft(req(year=2024, meeting="民主生活会")))
    assert "主题教育" not in new and "两学一做" not in new
    for text in (old, new):
        assert "机关事务" not in text and "XXX" not in text and "**" not in text


def test_each_paragraph_says_where_it_came_from(drafter):
    d = drafter.draft(req())
    for dim in d.problems:
        for p in dim.items:
            assert p.sources and p.sources[0].kind in {"corpus", "phrasebank"}
            assert all(f in p.text for f in p.facts)
    md = to_markdown(d)
    assert md.startswith("# ") and "## 一、存在的主要问题" in md and "### （一）在理论学习方面" in md


def test_a_progress_line_read_without_certainty_is_asked_about_not_claimed(drafter):
    """Written up as the year's achievement, a problem misread as progress is the worst line a
    draft can hold: a line read as progress without certainty is put to the writer instead."""
    import random

    sure, doubtful = "建成社区党群服务中心3个", "全年窗口零投诉，但被市里通报批评2次"
    reading = drafter.reader.kinds([doubtful])[0]
    assert reading.scores[reading.kind] < 0.7  # the cues say both: contested, whatever the model says
    plan, _ = drafter.plan(Request(role=Role.BANZI, unit="某区民政局", year=2024, facts=[sure, doubtful]))
    for f in plan.facts:  # as the reader might have it: both progress, the second unsure
        f.kind, f.destination = f.kind.PROGRESS, "preamble"
        f.kind_score = 0.95 if f.text == sure else 0.5
    text = drafter.offline.preamble(plan, random.Random(0)).text
    assert f"一年来，{sure}" in text
    assert f"【请确认是否属于成效：{doubtful}】" in text and text.count(doubtful) == 1


def test_the_draft_does_not_say_a_thing_twice_where_a_reader_would_hear_it(drafter):
    """A progress line that names its own year is not led by "一年来" ("一年来，全年…"); the
    closing words of a case ("这说明我在这方面做得还不够") are read out once a draft, not after
    case after case."""
    facts = ["全年党费按月交纳，没有一次拖欠", "今年支部组织的主题党日我请假了3次", "网上有人歪曲党史，我没有当面反驳",
             "新上线的统计系统我还不会用", "学习强国积分排在支部最后", "结对的2户困难户全年只走访了1次",
             "下班后经常和朋友打牌到深夜"]
    d = drafter.draft(Request(role=Role.GEREN, unit="某县供销社机关党支部", post="科员", year=2024, meeting="组织生活会",
                              facts=facts))
    text = to_text(d)
    assert facts[0] in d.preamble.text and "一年来，全年" not in text
    cases = [i.text for p in d.problems for i in p.items if i.facts]
    assert len(cases) >= 5
    for frame in content.frames().case.personal[1:]:
        tail = frame.split("{fact}")[1].strip("，。")
        assert text.count(tail) <= 1, tail
