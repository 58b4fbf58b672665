"""Versions of a saved draft: each change kept, undo/redo, restore, diff, concurrent writers,
and saved files of an older format or damaged ones."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from assistant.app import history
from assistant.app.store import SCHEMA_VERSION, DraftRecord, DraftStore
from assistant.app.workspace import Workspace
from assistant.core.settings import Settings
from assistant.core.types import (
    DimensionDraft,
    Draft,
    Paragraph,
    Request,
    Structure,
    StructureSource,
)

OWNER = "owner_historyhistory"
# draft_v1.json was saved by the store as of commit 653d442 (format 1, before versions).
FIXTURES = Path(__file__).parent / "data"


@pytest.fixture
def ws(tmp_path) -> Workspace:
    settings = Settings(data_dir=tmp_path / "data")
    return Workspace(settings, None, DraftStore(settings.drafts_dir))


def _drafted(ws: Workspace) -> DraftRecord:
    """A record as a finished draft leaves it: texts of every part, one version."""
    req = Request(unit="县教育局", year=2025)
    rec = DraftRecord(owner=OWNER, request=req, draft=Draft(
        request=req, title="2025年度民主生活会个人对照检查材料",
        structure=Structure(dimensions=["理论学习"], source=StructureSource.USER, reason="")))
    rec.texts = {"preamble": "前言第一句。前言第二句。", "problems": "（一）理论学习方面\n一是学习不深。",
                 "measures": "一是加强学习。"}
    history.record(rec, {}, "起草", "起草:1", {})
    return ws.store.save(rec)


def test_each_edit_is_a_version_and_undo_redo_walk_them(ws, monkeypatch):
    rec = _drafted(ws)
    clock = [1000.0]
    monkeypatch.setattr(history.time, "time", lambda: clock[0])
    texts = ["前言改一。", "前言改二。", "前言改三。"]
    for t in texts:
        clock[0] += history.EDIT_WINDOW + 1  # apart in time: each its own version
        ws.edit(OWNER, rec.id, "preamble", t)
    saved = ws.store.load(OWNER, rec.id)
    assert [v.what for v in saved.versions] == ["起草", "编辑", "编辑", "编辑"]
    assert saved.versions[-1].summary == "修改了：前言"
    for expected in ("前言改二。", "前言改一。", "前言第一句。前言第二句。"):
        rec, msg = ws.undo(OWNER, rec.id)
        assert rec.texts["preamble"] == expected, msg
    rec, msg = ws.undo(OWNER, rec.id)  # nothing before the first draft
    assert "最早" in msg and rec.texts["preamble"] == "前言第一句。前言第二句。"
    rec, _ = ws.redo(OWNER, rec.id)
    assert rec.texts["preamble"] == "前言改一。"
    assert ws.store.load(OWNER, rec.id).texts["preamble"] == "前言改一。"  # saved, not only shown
    # a new edit after undo: redo is gone, the undone versions stay in the history
    ws.edit(OWNER, rec.id, "measures", "一是加强学习，每月一次。")
    rec, msg = ws.redo(OWNER, rec.id)
    assert "没有可以重做" in msg and len(rec.versions) == 5


def test_quick_typing_in_one_section_is_one_version(ws, monkeypatch):
    rec = _drafted(ws)
    clock = [1000.0]
    monkeypatch.setattr(history.time, "time", lambda: clock[0])
    for t in ("前", "前言", "前言新写"):
        clock[0] += 2
        ws.edit(OWNER, rec.id, "preamble", t)
    saved = ws.store.load(OWNER, rec.id)
    assert len(saved.versions) == 2 and saved.versions[-1].texts["preamble"] == "前言新写"
    ws.edit(OWNER, rec.id, "measures", "一是改了措施。")  # another section: another version
    assert len(ws.store.load(OWNER, rec.id).versions) == 3


def test_restore_appends_and_keeps_what_was_there(ws):
    rec = _drafted(ws)
    ws.edit(OWNER, rec.id, "problems", "（一）理论学习方面\n一是我改写的问题。")
    rec, msg = ws.restore(OWNER, rec.id, 0)
    assert rec.texts["problems"] == "（一）理论学习方面\n一是学习不深。"
    assert [v.what for v in rec.versions] == ["起草", "编辑", "恢复"]
    assert rec.versions[1].texts["problems"].endswith("我改写的问题。")  # still there
    rec, _ = ws.undo(OWNER, rec.id)
    assert rec.texts["problems"].endswith("我改写的问题。")


def test_diff_marks_the_changed_sentence_only(ws):
    rec = _drafted(ws)
    rec = ws.edit(OWNER, rec.id, "preamble", "前言第一句。前言第二句改了。")
    out = ws.diff(rec, 0, 1)
    assert "- 前言第二句。" in out and "+ 前言第二句改了。" in out and "第一句" not in out
    page = ws.diff(rec, 0, 1, as_html=True)
    assert '<del class="dz-del">前言第二句。</del>' in page
    assert '<ins class="dz-ins">前言第二句改了。</ins>' in page
    assert "相同" in ws.diff(rec, 1, 1)


def test_concurrent_writers_lose_nothing(ws):
    rec = _drafted(ws)
    keys = [f"extra{i}" for i in range(8)]

    def write(key):
        for n in range(10):
            ws.edit(OWNER, rec.id, key, f"{key}第{n}次。")

    threads = [threading.Thread(target=write, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = ws.store.load(OWNER, rec.id)
    assert all(saved.texts[k] == f"{k}第9次。" for k in keys)
    assert saved.texts["preamble"] == "前言第一句。前言第二句。"


def test_a_draft_saved_by_the_previous_format_loads_with_its_text_as_version_0(ws):
    old = json.loads((FIXTURES / "draft_v1.json").read_text("utf-8"))
    owner = old["owner"]
    folder = ws.store.root / owner
    folder.mkdir(parents=True)
    assert "schema_version" not in old and "versions" not in old  # really the old format
    (folder / f"{old['id']}.json").write_text(json.dumps(old, ensure_ascii=False), "utf-8")
    rec = ws.store.load(owner, old["id"])
    assert rec is not None and rec.schema_version == SCHEMA_VERSION
    assert rec.texts == old["texts"] and rec.versions[0].texts == old["texts"] and rec.head == 0
    key = next(iter(old["texts"]))
    ws.edit(owner, rec.id, key, "升级后改的。")
    rec, _ = ws.undo(owner, rec.id)
    assert rec.texts == old["texts"]


def test_an_unreadable_draft_is_listed_with_its_reason_and_kept(ws):
    good = _drafted(ws)
    folder = ws.store.root / OWNER
    (folder / "aaaaaaaaaaaaaaaa.json").write_text('{"id": "aaaaaaaaaaaaaaaa", "owner": "', "utf-8")
    newer = good.model_dump(mode="json") | {"id": "bbbbbbbbbbbbbbbb", "schema_version": SCHEMA_VERSION + 1}
    (folder / "bbbbbbbbbbbbbbbb.json").write_text(json.dumps(newer), "utf-8")
    records, bad = ws.store.scan(OWNER)
    assert [r.id for r in records] == [good.id]
    reasons = {Path(u.file).name: u.reason for u in bad}
    assert "损坏" in reasons["aaaaaaaaaaaaaaaa.json"]
    assert "更新版本" in reasons["bbbbbbbbbbbbbbbb.json"]
    assert (folder / "aaaaaaaaaaaaaaaa.json").exists() and (folder / "bbbbbbbbbbbbbbbb.json").exists()


def test_the_command_line_lists_shows_and_diffs_versions(ws, monkeypatch):
    from typer.testing import CliRunner

    from assistant.app.cli import app

    rec = _drafted(ws)
    ws.edit(OWNER, rec.id, "measures", "一是加强学习，每月一次。")
    monkeypatch.setenv("DUIZHAO_DATA_DIR", str(ws.settings.data_dir))
    run = CliRunner().invoke
    listed = run(app, ["versions", "list", rec.id])
    assert listed.exit_code == 0 and "第 1 版" in listed.output and "（当前）" in listed.output
    shown = run(app, ["versions", "show", rec.id, "0"])
    assert "【整改措施】\n一是加强学习。" in shown.output
    diffed = run(app, ["versions", "diff", rec.id, "0", "1"])
    assert "- 一是加强学习。" in diffed.output and "+ 一是加强学习，每月一次。" in diffed.output
    assert run(app, ["versions", "list"]).output.count(rec.id) == 1
    missing = run(app, ["versions", "show", "nosuchdraft0000", "0"])
    assert missing.exit_code == 1


def test_a_docx_edited_in_word_comes_back_as_a_version_with_its_changes(ws):
    import docx

    from assistant.core.errors import InputError

    rec = _drafted(ws)
    rec = ws.edit(OWNER, rec.id, "causes", "（一）理想信念有所放松。对学习重视不够。")
    path = ws.export(rec, "docx")
    doc = docx.Document(str(path))
    hits = [p for p in doc.paragraphs if "一是学习不深。" in p.text]
    assert len(hits) == 1
    for run in hits[0].runs:
        run.text = run.text.replace("一是学习不深。", "一是学习不深不透，笔记只有三千字。")
    edited = ws.settings.data_dir / "修改稿.docx"
    doc.save(str(edited))
    before = ws.store.load(OWNER, rec.id)
    rec, message = ws.import_edited(before, edited.name, edited.read_bytes())
    assert "改动了 1 句" in message and "第 2 版" in message and "审核" in message, message + ws.diff(rec, 1, 2)
    assert rec.texts["problems"] == "（一）理论学习方面\n一是学习不深不透，笔记只有三千字。"
    assert rec.texts["preamble"] == before.texts["preamble"]  # title and the unchanged parts as they were
    assert rec.texts["causes"] == before.texts["causes"]
    assert rec.versions[-1].what == "导入修改稿" and rec.versions[-1].summary == "修改了：存在的主要问题"
    rec, _ = ws.undo(OWNER, rec.id)
    assert rec.texts["problems"] == "（一）理论学习方面\n一是学习不深。"
    # a file that is not this material: a clear message, nothing changed
    other = docx.Document()
    other.add_paragraph("会议通知：请于周五前报送材料。")
    stray = ws.settings.data_dir / "通知.docx"
    other.save(str(stray))
    with pytest.raises(InputError, match="没有找到"):
        ws.import_edited(rec, stray.name, stray.read_bytes())
    assert ws.store.load(OWNER, rec.id).texts == rec.texts


def test_typing_a_change_and_typing_it_back_leaves_no_version(ws):
    rec = _drafted(ws)
    ws.edit(OWNER, rec.id, "preamble", "前言第一句。前言第二句。多打的")
    rec = ws.edit(OWNER, rec.id, "preamble", "前言第一句。前言第二句。")
    assert [v.what for v in rec.versions] == ["起草"] and rec.head == 0


def test_an_older_screen_sent_back_while_a_draft_streams_keeps_the_newer_blocks(ws):
    import time

    rec = _drafted(ws)
    three = "（一）理论学习方面\n一是学习不深。\n\n（二）工作作风方面\n一是调研少。\n\n（三）廉洁自律方面\n一是用车不规范。"
    ws.edit(OWNER, rec.id, "problems", three)
    ws._streamed[rec.id] = time.time()  # a draft is writing its 方面 now
    # the page echoes the state it showed after the first 方面: nothing is lost
    ws.edit(OWNER, rec.id, "problems", "（一）理论学习方面\n一是学习不深。")
    assert ws.store.load(OWNER, rec.id).texts["problems"] == three
    # the user edited the first 方面 on that older screen: the edit and the later 方面 both stay
    ws.edit(OWNER, rec.id, "problems", "（一）理论学习方面\n一是学习不深，我改的。")
    assert ws.store.load(OWNER, rec.id).texts["problems"] == three.replace("学习不深。", "学习不深，我改的。")


def test_delete_shows_what_it_will_remove_waits_for_yes_keeps_headings_and_is_one_undo_away(ws):
    rec = _drafted(ws)
    ws.edit(OWNER, rec.id, "problems", "（一）理论学习方面\n一是学习不深。比如，多数时候听汇报。\n二是多数时候听汇报。")
    rec = ws.store.load(OWNER, rec.id)
    before = dict(rec.texts)
    *_, (rec, reply) = ws.chat(rec, "删掉 多数时候听汇报")
    assert "将删去 2 处" in reply and "〔存在的主要问题〕比如，多数时候听汇报。" in reply and "确认删除" in reply
    assert ws.store.load(OWNER, rec.id).texts == before  # shown, not yet removed
    # anything else said in between drops the preview: a later "确认" removes nothing
    list(ws.chat(ws.store.load(OWNER, rec.id), "谢谢"))
    *_, (rec, reply) = ws.chat(ws.store.load(OWNER, rec.id), "确认")
    assert "没有等待确认的删除" in reply and ws.store.load(OWNER, rec.id).texts == before
    list(ws.chat(ws.store.load(OWNER, rec.id), "删掉 多数时候听汇报"))
    *_, (rec, reply) = ws.chat(ws.store.load(OWNER, rec.id), "确认删除")
    assert "已删去 2 处" in reply and "撤销" in reply
    saved = ws.store.load(OWNER, rec.id)
    assert saved.texts["problems"] == "（一）理论学习方面\n一是学习不深。"  # 一是 kept, the empty 二是 gone
    *_, (rec, reply) = ws.chat(saved, "删掉 理论学习")
    assert "不会删除" in reply and ws.store.load(OWNER, rec.id).texts["problems"].startswith("（一）理论学习方面")
    ws.undo(OWNER, rec.id)
    assert ws.store.load(OWNER, rec.id).texts == before


def test_move_by_chat_keeps_edits_records_the_choice_and_is_one_undo_away(ws):
    req = Request(unit="县教育局", year=2025, facts=["食堂排队要半小时"])
    items = [[Paragraph(marker="一是", text="学习不深。"),
              Paragraph(marker="二是", text="服务意识不强。比如，食堂排队要半小时。", facts=["食堂排队要半小时"])],
             [Paragraph(marker="一是", text="廉洁意识不强。")]]
    rec = DraftRecord(owner=OWNER, request=req, draft=Draft(
        request=req, title="材料", structure=Structure(dimensions=["理论学习", "廉洁自律"], source=StructureSource.USER, reason=""),
        problems=[DimensionDraft(name=n, heading=f"（{c}）在{n}方面", items=i)
                  for n, c, i in zip(["理论学习", "廉洁自律"], "一二", items)]))
    rec.texts = {"problems": "（一）在理论学习方面\n一是学习不深。\n二是服务意识不强。比如，食堂排队要半小时。"
                             "\n\n（二）在廉洁自律方面\n一是我刚改过的一条。"}
    history.record(rec, {}, "起草", "起草:1", {})
    rec = ws.store.save(rec)
    before = dict(rec.texts)
    *_, (rec, reply) = ws.chat(rec, "把食堂排队那条移到廉洁自律")
    assert "从“理论学习”移到“廉洁自律”" in reply and "撤销" in reply
    saved = ws.store.load(OWNER, rec.id)
    assert saved.texts["problems"] == ("（一）在理论学习方面\n一是学习不深。\n\n（二）在廉洁自律方面\n一是我刚改过的一条。"
                                       "\n二是服务意识不强。比如，食堂排队要半小时。")
    assert saved.request.choice("食堂排队要半小时").dimension == "廉洁自律"  # a redraft keeps it there
    assert [len(d.items) for d in saved.draft.problems] == [1, 2]
    *_, (rec, reply) = ws.chat(saved, "把“不”那条移到廉洁自律")  # two items hold "不"
    assert "请多说几个字" in reply and ws.store.load(OWNER, rec.id).texts == saved.texts
    ws.undo(OWNER, rec.id)
    assert ws.store.load(OWNER, rec.id).texts == before


def test_delete_from_a_stale_copy_keeps_an_edit_saved_meanwhile(ws):
    rec = _drafted(ws)
    stale = ws.store.load(OWNER, rec.id)  # what the chat handler loaded
    ws.edit(OWNER, rec.id, "measures", "一是加强学习。二是我刚刚补写的措施。")
    ws.delete(stale, "前言第二句")
    saved = ws.store.load(OWNER, rec.id)
    assert saved.texts["preamble"] == "前言第一句。"
    assert saved.texts["measures"] == "一是加强学习。二是我刚刚补写的措施。"
    assert stale.texts["measures"] == saved.texts["measures"]  # the screen shows it too


def test_old_export_folders_are_removed_at_the_next_export(ws):
    import os
    import time

    rec = _drafted(ws)
    first = ws.export(rec, "txt")
    old = time.time() - 3600
    os.utime(first.parent, (old, old))
    second = ws.export(rec, "md")
    assert not first.parent.exists() and second.exists()
