"""The user's edits survive the actions that run beside them: a draft still streaming, a
regenerate or chat command working from a copy loaded before the edit."""

from __future__ import annotations

import pytest

from assistant.app.store import DraftStore
from assistant.app.workspace import (
    Workspace,
    join_dimension_blocks,
    split_dimension_blocks,
)
from assistant.core.types import Request, Role
from assistant.draft.drafter import Drafter

OWNER = "owner_mergemergemerge"


@pytest.fixture(scope="module")
def workspace(corpus_settings, corpus_index, tmp_path_factory):
    store = DraftStore(tmp_path_factory.mktemp("merge") / "drafts")
    return Workspace(corpus_settings, Drafter(corpus_settings, corpus_index), store)


def _request() -> Request:
    return Request(role=Role.GEREN, unit="县教育局", post="办公室主任", year=2025, meeting="民主生活会",
                   facts=["全年到基层学校调研只有3次，多数时候听汇报", "公务用车使用登记有时事后补填"])


def test_an_edit_typed_while_the_draft_streams_is_kept(workspace):
    record = workspace.new_record(OWNER, _request())
    mine = "这是我自己改写的前言，一个字也不能丢。"
    stream = workspace.draft(record, _request())
    edited = False
    for rec, _ in stream:
        if not edited and rec.texts.get("preamble"):
            # the browser saves the edit as its own event, between two streamed sections
            assert workspace.edit(OWNER, rec.id, "preamble", mine) is not None
            edited = True
    assert edited, "the stream never wrote a preamble"
    saved = workspace.store.load(OWNER, record.id)
    assert saved.texts["preamble"] == mine
    assert record.texts["preamble"] == mine  # what the screen shows after the stream
    assert saved.texts.get("problems") and saved.texts.get("measures")  # the rest was drafted
    assert mine in workspace.full_text(saved)


def test_a_command_from_a_copy_loaded_before_an_edit_keeps_the_edit(workspace):
    record = workspace.new_record(OWNER, _request())
    for _ in workspace.draft(record, _request()):
        pass
    stale = workspace.store.load(OWNER, record.id)  # what the chat handler loaded
    head, blocks = split_dimension_blocks(stale.texts["problems"])
    assert len(blocks) >= 2
    first = blocks[0].split("\n")[0] + "\n一是我自己补写的一条问题，写得很具体。"
    workspace.edit(OWNER, record.id, "problems", join_dimension_blocks(head, [first] + blocks[1:]))
    list(workspace.chat(stale, f"重写 {stale.draft.problems[1].name}"))
    saved = workspace.store.load(OWNER, record.id)
    assert "我自己补写的一条问题" in saved.texts["problems"]
    assert "我自己补写的一条问题" in stale.texts["problems"]  # and the screen shows it
    assert saved.chat[-1].content.startswith("已重新生成")


def test_one_more_item_keeps_the_users_edits_in_that_dimension(workspace):
    record = workspace.new_record(OWNER, _request())
    for _ in workspace.draft(record, _request()):
        pass
    head, blocks = split_dimension_blocks(record.texts["problems"])
    lines = blocks[0].split("\n")
    assert len(lines) >= 3, "the first 方面 needs two items to edit"
    # the writer rewrites the first item and deletes the second
    mine = [lines[0], "一是我自己改写的这一条，写得更具体。", *lines[3:]]
    workspace.edit(OWNER, record.id, "problems", join_dimension_blocks(head, ["\n".join(mine)] + blocks[1:]))
    edited = workspace.store.load(OWNER, record.id)
    before = edited.texts["problems"]
    name = edited.draft.problems[0].name
    *_, (rec, reply) = workspace.chat(edited, f"给{name}再加一条")
    assert "增加一条" in reply, reply
    saved = workspace.store.load(OWNER, record.id)
    _, after = split_dimension_blocks(saved.texts["problems"])
    new_lines = after[0].split("\n")
    assert new_lines[: len(mine)] == mine  # the edit as typed, the deleted item not back
    assert len(new_lines) == len(mine) + 1 and new_lines[-1].startswith(("二是", "三是", "四是"))
    assert after[1:] == blocks[1:]  # the other 方面 untouched
    workspace.undo(OWNER, record.id)
    assert workspace.store.load(OWNER, record.id).texts["problems"] == before


def test_a_dimension_box_typed_into_while_later_ones_stream_keeps_the_edit(workspace):
    from assistant.app.document import section_parts

    record = workspace.new_record(OWNER, _request())
    mine = "一是我在第一个方面里边生成边补写的一条。"
    typed = echoed = False
    for rec, _ in workspace.draft(record, _request()):
        blocks = section_parts(rec.texts.get("problems", ""))
        if not typed and len(blocks) == 1:
            # the box of the first 方面 sends the user's text
            assert workspace.edit_part(OWNER, rec.id, "problems", 0, blocks[0] + "\n" + mine) is not None
            typed = True
        elif typed and not echoed and len(blocks) == 2:
            # the page emptied the hidden box of the second 方面 before it was written; that
            # value arriving late must not remove the 方面 written since
            workspace.edit_part(OWNER, rec.id, "problems", 1, "")
            assert len(section_parts(workspace.store.load(OWNER, rec.id).texts["problems"])) == 2
            echoed = True
    assert typed and echoed, "the stream never stopped after the first and second 方面"
    saved = workspace.store.load(OWNER, record.id)
    blocks = section_parts(saved.texts["problems"])
    assert blocks[0].endswith(mine) and len(blocks) == len(saved.draft.problems) > 1
    assert section_parts(record.texts["problems"]) == blocks  # what the screen is sent at the end
    # the edit typed while it streamed is in the typed draft too, as the user's own item
    tree = saved.draft.problems
    assert tree[0].items[-1].marker + tree[0].items[-1].text == mine and tree[0].items[-1].sources[0].kind == "user"
    assert [d.name for d in tree] == saved.draft.structure.dimensions  # still the planned 方面


def test_moving_a_fact_redrafts_both_dimensions_and_the_tree_matches_the_text(workspace):
    from assistant.app.document import section_parts
    from assistant.draft.render import section_text

    record = workspace.new_record(OWNER, _request())
    for _ in workspace.draft(record, _request()):
        pass
    fact = "全年到基层学校调研只有3次，多数时候听汇报"
    names = record.draft.structure.dimensions
    home = next(n for n, b in enumerate(section_parts(record.texts["problems"])) if fact in b)
    target = next(n for n in range(len(names)) if n != home)
    before = section_parts(record.texts["problems"])
    record, reply = workspace.move_fact(record, fact, f"问题：{names[target]}")
    saved = workspace.store.load(OWNER, record.id)
    after = section_parts(saved.texts["problems"])
    assert [n for n, b in enumerate(after) if fact in b] == [target], reply
    assert all(after[n] == before[n] for n in range(len(names)) if n not in (home, target))
    assert section_text(saved.draft, "problems") == saved.texts["problems"]


def test_one_cause_drafted_again_leaves_the_others_as_the_user_has_them(workspace):
    from assistant.app.document import replace_part, section_parts

    record = workspace.new_record(OWNER, _request())
    for _ in workspace.draft(record, _request()):
        pass
    causes = section_parts(record.texts["causes"])
    assert len(causes) >= 3
    mine = causes[0] + "这是我补写的一句。"
    workspace.edit_part(OWNER, record.id, "causes", 0, mine)
    record = workspace.store.load(OWNER, record.id)
    record, reply = workspace.regenerate_block(record, "causes", 1)
    saved = workspace.store.load(OWNER, record.id)
    after = section_parts(saved.texts["causes"])
    assert reply.startswith("已重新生成“原因剖析”第2段"), reply
    assert after[0] == mine and after[2:] == causes[2:] and after[1] != causes[1]
    assert after[1].startswith("（二）")
    titles = [c.split("。", 1)[0] for c in after]
    assert len(set(titles)) == len(titles)  # not a cause another block already states
    assert all(s.kind != "user" for s in saved.draft.causes[1].sources)  # the drafter's, with its sources
    workspace.undo(OWNER, record.id)
    assert workspace.store.load(OWNER, record.id).texts["causes"] == replace_part(record.texts["causes"], 1, causes[1])
