"""Revision from last year's material, in the three forms users bring it in."""

import json
import re
import subprocess
import sys

import pytest
from builders import _add_abstract, _add_num, _docx_bytes, _level, _numbered, _pdf
from docx import Document
from support import ROOT

from assistant.app.store import DraftStore
from assistant.app.workspace import Workspace
from assistant.core.types import Request, Role, SectionKind
from assistant.draft.drafter import Context, Drafter
from assistant.draft.last_year import (
    REPEAT_OVERLAP,
    RepeatChecker,
    material_sentences,
    old_problems,
    overlap,
)
from assistant.draft.render import section_text
from assistant.ingest.load import load_file
from assistant.ingest.parse import parse_material

TITLE = "2022年度民主生活会个人对照检查材料"
PREAMBLE = "根据通知要求，我认真查摆问题，现作个人对照检查如下。"
LAST_YEAR = {
    "理论学习": ["理论学习缺乏系统性。中心组学习多次因公缺席，自学时间得不到保证，学习笔记记得少。"],
    "工作作风": [
        "为民服务解难不够到位。干部职工反映院内充电桩多处损坏，维修更换不及时，缺乏长效管理。",
        "调查研究不够深入。下基层调研次数少，听汇报多、走一线少，对基层困难掌握不全面。",
    ],
    "廉洁自律": ["廉洁风险防控有薄弱环节。公务用车管理登记不规范，节假日监督检查次数不够。"],
}
CAUSES = ["理想信念有所弱化。对理论学习重视不够，放松了主观世界改造。"]
MEASURES = ["强化理论武装。每周自学4小时以上，每月参加中心组学习1次。"]
FACTS = [
    "今年更换了全部充电桩，并建立了每周巡检和报修制度",
    "今年有3次中心组学习因出差缺席",
    "会议室预约经常冲突，干部反映多次",
]


def plain_lines() -> list[str]:
    """The material as lines with its numbering written out."""
    out = [TITLE, PREAMBLE, "一、存在的主要问题"]
    cn = "一二三四五六"
    for n, (dim, items) in enumerate(LAST_YEAR.items()):
        out.append(f"（{cn[n]}）在{dim}方面")
        out += [f"{cn[k]}是{t}" for k, t in enumerate(items)]
    out += ["二、原因剖析"] + [f"（{cn[k]}）{t}" for k, t in enumerate(CAUSES)]
    out += ["三、整改措施"] + [f"（{cn[k]}）{t}" for k, t in enumerate(MEASURES)]
    return out


def as_docx(path):
    """Headings numbered by Word, not in the text."""
    doc = Document()
    doc.add_paragraph(TITLE)
    doc.add_paragraph(PREAMBLE)
    _add_abstract(doc, 1, _level(0, "chineseCounting", "%1、") + _level(1, "chineseCounting", "（%2）"))
    num = _add_num(doc, 1)
    cn = "一二三四五六"
    _numbered(doc, "存在的主要问题", num, 0)
    for dim, items in LAST_YEAR.items():
        _numbered(doc, f"在{dim}方面", num, 1)
        for k, t in enumerate(items):
            doc.add_paragraph(f"{cn[k]}是{t}")
    _numbered(doc, "原因剖析", num, 0)
    for t in CAUSES:
        _numbered(doc, t, num, 1)
    _numbered(doc, "整改措施", num, 0)
    for t in MEASURES:
        _numbered(doc, t, num, 1)
    path.write_bytes(_docx_bytes(doc))


def as_gbk(path):
    path.write_bytes("\n".join(plain_lines()).encode("gbk"))


def as_pdf(path):
    path.write_bytes(_pdf([plain_lines()]))


FORMS = {"docx": as_docx, "txt": as_gbk, "pdf": as_pdf}


@pytest.fixture(scope="module")
def drafter(corpus_index, corpus_settings):
    return Drafter(corpus_settings, corpus_index)


def this_year(role=Role.GEREN) -> Request:
    return Request(role=role, unit="区教育局", post="办公室主任", year=2023,
                   meeting="专题民主生活会", facts=FACTS)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_last_year_parses_right_in_every_form(form, tmp_path):
    path = tmp_path / f"去年.{form}"
    FORMS[form](path)
    m = parse_material(load_file(path).text, source=path.name)
    assert m.year == 2022 and m.role == Role.GEREN
    problems = m.section(SectionKind.PROBLEMS)
    assert [d.name for d in problems.dimensions] == list(LAST_YEAR)
    assert [len(d.items) for d in problems.dimensions] == [1, 2, 1]
    assert m.section(SectionKind.CAUSES) and m.section(SectionKind.MEASURES)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_rectification_and_carry_forward(form, tmp_path, drafter):
    path = tmp_path / f"去年.{form}"
    FORMS[form](path)
    last = parse_material(load_file(path).text, source=path.name)
    d = drafter.draft(this_year(), ctx=Context(last_year=last))

    # one entry per old problem, in order
    olds = old_problems(last)
    assert len(d.rectification) == len(olds) == 4
    assert [p.answers[0] for p in d.rectification] == [o.judgement for o in olds]
    by_problem = {p.answers[0]: p.text for p in d.rectification}
    # the fix is in this year's facts: reported as rectified, with the fact
    charging = by_problem["为民服务解难不够到位"]
    assert "更换了全部充电桩" in charging and "仍需持续用力" not in charging
    # still happening this year: not rectified, carried forward with this year's fact
    study = by_problem["理论学习缺乏系统性"]
    assert "仍需持续用力" in study and "3次中心组学习" in study
    # nothing about it this year: open, a placeholder for the user and no claim either way
    car = by_problem["廉洁风险防控有薄弱环节"]
    assert "【待补充：整改成效" in car and "仍需持续用力" not in car and "进展" not in car

    problems = section_text(d, "problems")
    assert "上年度已查摆这一问题" in problems  # carried forward
    # what nothing this year is about is not repeated as this year's problem
    assert "廉洁风险防控有薄弱环节" not in problems
    theory = section_text(d, "problems").split("（二）")[0]
    assert "3次中心组学习因出差缺席" in theory
    # the fix is not a problem this year
    assert "更换了全部充电桩" not in problems


@pytest.mark.parametrize("pasted", [
    "2022年度查摆的问题：一是理论学习缺乏系统性，中心组学习多次缺席；二是干部职工反映院内充电桩多处损坏，"
    "维修更换不及时；三是公务用车管理登记不规范。",
    "去年查摆的问题\n1.理论学习缺乏系统性，中心组学习多次缺席\n2.干部职工反映院内充电桩多处损坏，维修更换不及时\n"
    "3.公务用车管理登记不规范",
    # an excerpt whose items open with their 方面: the problem is what follows it
    "去年对照检查材料（节选）\n1.理论学习方面：理论学习缺乏系统性，中心组学习多次缺席。\n"
    "2.工作作风方面：干部职工反映院内充电桩多处损坏，维修更换不及时。\n3.廉洁自律方面：公务用车管理登记不规范。",
    "（一）在理论学习方面。理论学习缺乏系统性，中心组学习多次缺席。\n（二）在工作作风方面。干部职工反映院内充电桩"
    "多处损坏，维修更换不及时。\n（三）在廉洁自律方面。公务用车管理登记不规范。",
])
def test_last_years_problems_pasted_as_a_bare_list_are_reported_on(pasted, drafter):
    """Writers paste last year's list, not the whole material: each item is still an old
    problem, the one this year's fact fixed is reported rectified with it."""
    d = drafter.draft(this_year(), ctx=Context(last_year=parse_material(pasted)))
    assert len(d.rectification) == 3
    by_problem = {p.answers[0]: p.text for p in d.rectification}
    assert not any(a.endswith("方面") for a in by_problem)  # a problem, not its heading
    charging = next(t for a, t in by_problem.items() if "充电桩" in a)
    assert "更换了全部充电桩" in charging and "仍需持续用力" not in charging
    assert "更换了全部充电桩" not in section_text(d, "problems")


def test_no_sentence_of_the_new_draft_is_a_near_copy_of_last_years(tmp_path, drafter):
    """Near-copy: the thresholds in assistant/revise.py (and the README)."""
    as_gbk(tmp_path / "去年.txt")
    last = parse_material(load_file(tmp_path / "去年.txt").text)
    d = drafter.draft(this_year(), ctx=Context(last_year=last))
    checker = RepeatChecker(material_sentences(last), drafter.vec)
    texts = {k: section_text(d, k) for k in ("preamble", "problems", "causes", "measures")}
    assert checker.repeats(texts) == []


def test_a_seed_as_last_year_is_not_copied_even_though_it_is_in_the_corpus(drafter):
    """The hardest case: last year's material is itself in the index, so retrieval finds
    its sentences first; none may come back."""
    text = (ROOT / "corpus" / "2022_班子_民主生活会_区机关事务中心.txt").read_text("utf-8")
    last = parse_material(text)
    req = this_year(Role.BANZI).model_copy(update={"unit": "区机关事务服务中心"})
    d = drafter.draft(req, ctx=Context(last_year=last))
    old = material_sentences(last)
    for key in ("problems", "causes", "measures"):
        for sentence in re.split(r"(?<=[。；])", section_text(d, key)):
            if len(sentence) > 12 and "上年度" not in sentence:
                assert max(overlap(sentence, o) for o in old) < REPEAT_OVERLAP, sentence


def test_repeat_checker_flags_a_copied_sentence(drafter):
    old = ["对“两个确立”蕴含的历史逻辑、理论逻辑、思想逻辑、实践逻辑的学习贯通、思考领悟还不够深刻。"]
    checker = RepeatChecker(old, drafter.vec)
    flagged = checker.repeats({"problems": "一是对“两个确立”的历史逻辑、理论逻辑和实践逻辑，学习贯通和思考领悟还不深刻。"
                                           "二是调查研究不够深入，听汇报多、走一线少。"})
    assert len(flagged) == 1 and flagged[0].old == old[0] and flagged[0].key == "problems"


def test_workspace_upload_is_the_users_own(tmp_path, corpus_settings, corpus_index, drafter):
    store = DraftStore(tmp_path / "drafts")
    ws = Workspace(corpus_settings, drafter, store)
    mine = ws.new_record("owner_aaaaaaaaaaaa", this_year())
    path = tmp_path / "去年.docx"
    as_docx(path)
    mine, summary = ws.upload_last_year(mine, path.name, path.read_bytes())
    assert "工作作风" in summary and "为民服务解难不够到位" in summary and "2022" in summary
    for _ in ws.draft(mine, this_year()):
        pass
    assert len(mine.draft.rectification) == 4
    assert ws.full_text(mine).count("上年度民主生活会整改落实情况") == 1
    # another user's drafts never draw on it
    other = ws.new_record("owner_bbbbbbbbbbbb", this_year())
    for _ in ws.draft(other, this_year()):
        pass
    used = [s for dim in other.draft.problems for p in dim.items for s in p.sources if s.kind == "corpus"]
    assert all(not s.source.startswith("owner_aaaaaaaaaaaa") for s in used)
    assert not other.draft.rectification


def test_a_leadership_groups_draft_asks_for_last_years_rectification_it_was_not_given(drafter):
    """A 班子 reports last year's rectification almost always: without last year's material the
    section is there, first, and asks for it (nothing claimed); an individual's draft has none."""
    from assistant.draft.render import section_titles, to_text

    banzi = drafter.draft(this_year(Role.BANZI))
    assert section_titles(banzi)[0] == ("rectification", "一、上年度民主生活会整改落实情况")
    body = section_text(banzi, "rectification")
    assert body.startswith("【待补充：上年度查摆问题的整改落实情况") and body.endswith("】")
    assert "二、存在的主要问题" in to_text(banzi)
    again = drafter.regenerate(banzi, "rectification")
    assert section_text(again, "rectification") == body
    assert not drafter.draft(this_year()).rectification


def test_a_pasted_list_uploads_as_last_year_and_other_text_is_refused_in_chinese(tmp_path, corpus_settings, drafter):
    from assistant.core.errors import InputError

    ws = Workspace(corpus_settings, drafter, DraftStore(tmp_path / "drafts"))
    mine = ws.new_record("owner_cccccccccccc", this_year())
    listed = "去年查摆的问题：一是理论学习缺乏系统性；二是干部职工反映院内充电桩多处损坏，维修更换不及时。"
    mine, summary = ws.upload_last_year(mine, "问题清单.txt", listed.encode("gbk"))
    assert "查摆的问题（2 条）" in summary and "充电桩多处损坏" in summary and "〔〕" not in summary
    for _ in ws.draft(mine, this_year()):
        pass
    assert len(mine.draft.rectification) == 2
    with pytest.raises(InputError) as e:
        ws.upload_last_year(mine, "随笔.txt", "今天开了个会，大家谈了谈想法。".encode())
    assert "问题清单" in e.value.user_message
    assert mine.last_year.startswith("去年查摆的问题")  # what was uploaded before is kept


@pytest.mark.slow  # a subprocess
def test_revise_cli(tmp_path, cli_env):
    path = tmp_path / "去年.txt"
    as_gbk(path)
    facts = tmp_path / "facts.txt"
    facts.write_text("\n".join(FACTS), "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "revise", str(path), "--year", "2023", "--meeting", "专题民主生活会",
         "--facts-file", str(facts), "--format", "json"],
        capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["rectification"]) == 4 and data["repeats"] == []
    assert [p["name"] for p in data["problems"]] == ["理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律"]
