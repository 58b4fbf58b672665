"""Operations on the document's parts: insert an item into a 方面, replace a 方面, delete
sentences; each applied under the store's lock to the newest saved text, so writers running
at once (a stream, a chat command, the user's typing) lose nothing."""

from __future__ import annotations

import threading

import pytest

from assistant.app import history
from assistant.app.document import (
    MoveError,
    Removal,
    append_items,
    move_item,
    put_dimension,
    remove_sentences,
    replace_part,
    section_parts,
    split_dimension_blocks,
)
from assistant.app.store import DraftRecord, DraftStore
from assistant.app.workspace import Act, Workspace
from assistant.core.settings import Settings
from assistant.core.text import cn_number
from assistant.core.types import (
    DimensionDraft,
    Draft,
    Paragraph,
    Request,
    Structure,
    StructureSource,
)

OWNER = "owner_documentops01"
NAMES = ["理论学习", "工作作风", "廉洁自律", "担当作为"]


def _draft() -> Draft:
    req = Request(unit="县教育局", year=2025)
    return Draft(request=req, title="材料", structure=Structure(dimensions=NAMES, source=StructureSource.USER, reason=""),
                 problems=[DimensionDraft(name=n, heading=f"（{'一二三四'[i]}）在{n}方面",
                                          items=[Paragraph(marker="一是", text=f"{n}做得不够。")])
                           for i, n in enumerate(NAMES)])


def _texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    draft = _draft()
    for d in range(len(NAMES)):
        put_dimension(texts, draft, d, fresh=d == 0)
    return texts


def test_move_takes_one_item_to_another_dimension_and_numbers_both_again():
    texts = _texts()
    texts["problems"] = texts["problems"].replace(
        "一是工作作风做得不够。", "一是工作作风做得不够。\n二是食堂排队要半小时，我改过的。\n三是会多文多。")
    others = [b for i, b in enumerate(split_dimension_blocks(texts["problems"])[1]) if i not in (1, 2)]
    came_from, item = move_item(texts, "食堂排队", 2)
    assert (came_from, item) == (1, "食堂排队要半小时，我改过的。")
    _, blocks = split_dimension_blocks(texts["problems"])
    assert blocks[1].split("\n")[1:] == ["一是工作作风做得不够。", "二是会多文多。"]  # 三是 became 二是
    assert blocks[2].split("\n")[1:] == ["一是廉洁自律做得不够。", "二是食堂排队要半小时，我改过的。"]
    assert [b for i, b in enumerate(blocks) if i not in (1, 2)] == others  # nothing else touched


@pytest.mark.parametrize("snippet,why", [("做得不够", "有 4 条"), ("没有这句话", "没有找到"), ("在理论学习方面", "没有找到")])
def test_move_refuses_what_it_cannot_move_and_changes_nothing(snippet, why):
    texts = _texts()
    before = dict(texts)
    with pytest.raises(MoveError, match=why):
        move_item(texts, snippet, 1)  # several items, none, or only a heading hold the words
    assert texts == before


def test_insert_numbers_on_from_the_users_block_and_touches_nothing_else():
    texts = _texts()
    texts["problems"] = texts["problems"].replace("一是工作作风做得不够。", "一是我改过的。\n二是我加的。")
    assert append_items(texts, 1, ["新的一条。"])
    _, blocks = split_dimension_blocks(texts["problems"])
    assert blocks[1].split("\n")[1:] == ["一是我改过的。", "二是我加的。", "三是新的一条。"]
    assert [b.split("\n")[1] for b in blocks[:1] + blocks[2:]] == ["一是理论学习做得不够。", "一是廉洁自律做得不够。",
                                                                  "一是担当作为做得不够。"]
    assert not append_items(texts, 9, ["没有这个方面。"])


def test_replace_one_dimension_keeps_the_others_as_typed():
    texts = _texts()
    texts["problems"] = texts["problems"].replace("一是廉洁自律做得不够。", "一是我自己写的廉洁问题。")
    new = _draft()
    new.problems[0].items = [Paragraph(marker="一是", text="重写的理论学习。")]
    put_dimension(texts, new, 0)
    _, blocks = split_dimension_blocks(texts["problems"])
    assert blocks[0].endswith("一是重写的理论学习。") and "一是我自己写的廉洁问题。" in blocks[2]


@pytest.mark.parametrize("line,snippet,left,removed", [
    ("一是学习不深。比如，只读了原文。", "原文", "一是学习不深。", ["比如，只读了原文。"]),
    ("二是只读了原文。", "原文", None, ["只读了原文。"]),
    ("（一）在理论学习方面", "理论学习", "（一）在理论学习方面", []),
    ("（一）理想信念有所松懈。放松了学习。", "放松", "（一）理想信念有所松懈。", ["放松了学习。"]),
])
def test_delete_takes_whole_sentences_and_never_a_heading(line, snippet, left, removed):
    found = Removal()
    out = remove_sentences(f"开头。\n{line}\n结尾。", snippet, found)
    assert out.split("\n") == ["开头。", *([left] if left else []), "结尾。"]
    assert found.removed == removed


def test_writers_at_once_lose_nothing(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    ws = Workspace(settings, None, DraftStore(settings.drafts_dir))
    rec = DraftRecord(owner=OWNER, request=_draft().request, draft=_draft(), texts=_texts())
    rec.texts["preamble"] = "前言。要删的一句。"
    history.record(rec, {}, "起草", "起草:1", {})
    rec = ws.store.save(rec)

    def insert(d: int) -> None:
        for n in range(5):
            stale = ws.store.load(OWNER, rec.id)  # each writer works from its own copy
            ws._commit(stale, act=Act("对话指令"),
                       apply=lambda texts, d=d, n=n: append_items(texts, d, [f"{NAMES[d]}新增第{n}条。"]))

    threads = [threading.Thread(target=insert, args=(d,)) for d in range(len(NAMES))]
    threads.append(threading.Thread(target=lambda: ws.delete(ws.store.load(OWNER, rec.id), "要删的一句")))
    threads.append(threading.Thread(target=lambda: [ws.edit(OWNER, rec.id, "measures", f"措施第{n}稿。")
                                                    for n in range(5)]))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = ws.store.load(OWNER, rec.id)
    _, blocks = split_dimension_blocks(saved.texts["problems"])
    for d, name in enumerate(NAMES):
        assert [f"{name}新增第{n}条。" in blocks[d] for n in range(5)] == [True] * 5
        assert blocks[d].split("\n")[-1].startswith("六是")
    assert saved.texts["preamble"] == "前言。" and saved.texts["measures"] == "措施第4稿。"


def test_each_block_is_its_own_box_and_an_edit_replaces_only_that_block():
    text = _texts()["problems"]
    blocks = section_parts(text)
    assert [b.split("\n")[0] for b in blocks] == [f"（{'一二三四'[i]}）在{n}方面" for i, n in enumerate(NAMES)]
    assert "\n\n".join(blocks) == text  # the boxes together are the part, character for character
    mine = blocks[1] + "\n二是我补写的一条。"
    out = replace_part(text, 1, mine)
    assert section_parts(out) == [blocks[0], mine, *blocks[2:]]
    assert replace_part(text, 1, blocks[1] + "\n") == text  # the box sending back what it shows
    assert replace_part(text, 9, "多出来的") is None
    # text before the first heading is a block of its own; a text without headings is one block
    assert section_parts("总的看，问题有三。\n\n" + text)[0] == "总的看，问题有三。"
    assert section_parts("没有标题的一段。\n第二行。") == ["没有标题的一段。\n第二行。"]
    # emptying a box removes its block; typing a heading into a box makes two blocks of it
    assert section_parts(replace_part(text, 0, "")) == blocks[1:]
    split = replace_part(text, 3, blocks[3] + "\n（五）在新加的方面\n一是新的一条。")
    assert len(section_parts(split)) == 5
    # a box that shows every block from 2 on (the page's last box) replaces them all, once
    tail = "\n\n".join(blocks[2:]) + "我改的。"
    assert section_parts(replace_part(text, 2, tail, rest=True)) == [*blocks[:2], *section_parts(tail)]
    assert replace_part(text, 2, "\n\n".join(blocks[2:]), rest=True) == text


def test_block_edits_from_many_boxes_at_once_lose_nothing(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    ws = Workspace(settings, None, DraftStore(settings.drafts_dir))
    rec = DraftRecord(owner=OWNER, request=_draft().request, draft=_draft(), texts=_texts())
    history.record(rec, {}, "起草", "起草:1", {})
    rec = ws.store.save(rec)
    blocks = section_parts(rec.texts["problems"])

    def type_into(d: int) -> None:  # each box sends its growing text, as a browser does
        for n in range(6):
            ws.edit_part(OWNER, rec.id, "problems", d, blocks[d] + "".join(f"第{k}字" for k in range(n + 1)))

    threads = [threading.Thread(target=type_into, args=(d,)) for d in range(len(NAMES))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = ws.store.load(OWNER, rec.id)
    assert section_parts(saved.texts["problems"]) == [b + "第0字第1字第2字第3字第4字第5字" for b in blocks]
    # each typed state is a change of the part; typing within a minute is one version
    assert [v.what for v in saved.versions] == ["起草", "编辑"]


def test_an_edit_is_read_back_into_the_typed_draft_and_undo_takes_it_back(tmp_path):
    from assistant.app.draft_sync import WRITTEN
    from assistant.core.types import SourceRef

    settings = Settings(data_dir=tmp_path / "data")
    ws = Workspace(settings, None, DraftStore(settings.drafts_dir))
    draft = _draft()
    fact = SourceRef(kind="fact", text="食堂排队要半小时")
    for dim in draft.problems:
        dim.items[0].sources = [fact]
        dim.items[0].facts = ["食堂排队要半小时"]
    rec = DraftRecord(owner=OWNER, request=draft.request, draft=draft, texts=_texts())
    history.record(rec, {}, "起草", "起草:1", {})
    rec = ws.store.save(rec)
    blocks = section_parts(rec.texts["problems"])
    # the writer changes a word in the second 方面's item, adds an item of their own, and
    # renames the fourth 方面
    mine = blocks[1].replace("做得不够", "做得还不够") + "\n二是会议室预约经常冲突，是我补写的。"
    ws.edit_part(OWNER, rec.id, "problems", 1, mine)
    ws.edit_part(OWNER, rec.id, "problems", 3, blocks[3].replace("在担当作为方面", "在干事创业方面"))
    tree = ws.store.load(OWNER, rec.id).draft.problems
    assert [d.name for d in tree] == ["理论学习", "工作作风", "廉洁自律", "干事创业"]
    changed, added = tree[1].items
    assert changed.text == "工作作风做得还不够。" and changed.sources == [fact]
    assert changed.facts == ["食堂排队要半小时"]  # still written from that fact
    assert (added.marker, added.text, added.sources, added.facts) == (
        "二是", "会议室预约经常冲突，是我补写的。", [WRITTEN], [])
    assert tree[0].items[0].sources == [fact]  # untouched 方面: as drafted
    # the tree renders back to the text the user has, character for character
    from assistant.draft.render import section_text

    saved = ws.store.load(OWNER, rec.id)
    assert section_text(saved.draft, "problems") == saved.texts["problems"]
    ws.undo(OWNER, rec.id)
    ws.undo(OWNER, rec.id)
    tree = ws.store.load(OWNER, rec.id).draft.problems
    assert [len(d.items) for d in tree] == [1, 1, 1, 1] and tree[1].items[0].sources == [fact]
    assert tree[3].name == "担当作为"


def test_causes_and_measures_are_read_back_title_and_text():
    from assistant.app.draft_sync import WRITTEN, sync
    from assistant.draft.render import section_text

    draft = _draft()
    draft.causes = [Paragraph(title="理想信念有所松懈。", text="对理论学习重视不够。")]
    text = section_text(draft, "causes") + "\n\n（二）党性修养有所放松。我自己写的原因。"
    sync(draft, "causes", text)
    assert [(p.title, p.text) for p in draft.causes] == [("理想信念有所松懈", "对理论学习重视不够。"),
                                                        ("党性修养有所放松", "我自己写的原因。")]
    assert draft.causes[1].sources == [WRITTEN] and section_text(draft, "causes") == text
    # 上年度整改落实情况 has no numbering: a paragraph per blank line, as it is rendered
    draft.rectification = [Paragraph(text="针对上年度查摆的“学习不深”问题，已整改。"), Paragraph(text="针对…，仍需努力。")]
    text = section_text(draft, "rectification") + "\n\n我补写的一段。"
    sync(draft, "rectification", text)
    assert [p.sources for p in draft.rectification][2] == [WRITTEN] and len(draft.rectification) == 3
    assert section_text(draft, "rectification") == text


def test_the_last_box_holds_every_block_beyond_the_boxes_and_its_edit_duplicates_none(tmp_path):
    from assistant.app.ui import parts
    from assistant.app.ui.handlers import Handlers

    settings = Settings(data_dir=tmp_path / "data")
    ws = Workspace(settings, None, DraftStore(settings.drafts_dir))
    n = parts.SLOTS["problems"]
    many = "\n\n".join(f"（{cn_number(k)}）在第{k}个方面\n一是第{k}条。" for k in range(1, n + 3))
    rec = DraftRecord(owner=OWNER, request=_draft().request, draft=_draft(), texts={"problems": many})
    history.record(rec, {}, "起草", "起草:1", {})
    rec = ws.store.save(rec)
    shown = parts.blocks(rec, "problems")
    assert len(shown) == n and shown[-1].count("方面") == 3  # nothing hidden
    Handlers(settings, ws).on_part_edit("problems", n - 1)(OWNER, rec.id, shown[-1] + "我补的一句。")
    saved = section_parts(ws.store.load(OWNER, rec.id).texts["problems"])
    assert len(saved) == n + 2 and saved[-1].endswith("我补的一句。")
    assert saved[:-1] == section_parts(many)[:-1]
