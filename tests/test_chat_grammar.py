"""The chat grammar: each command the offline mode understands, and messages that are not
commands (which never change the document, in LLM mode either)."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.app import chat
from assistant.app.store import DraftRecord, DraftStore
from assistant.app.workspace import Workspace
from assistant.core.settings import Settings
from assistant.core.types import Draft, Request, Role, Structure, StructureSource

DIMS = ["理论学习", "工作作风", "廉洁自律"]


@pytest.mark.parametrize("message,kind,target,text", [
    ("重写 理论学习", "regenerate", "problems:0", ""),
    ("把工作作风重写一下", "regenerate", "problems:1", ""),
    ("换一个说法 原因剖析", "regenerate", "causes", ""),
    ("给工作作风再加一条", "add_item", "problems:1", ""),
    ("在廉洁自律方面增加一条", "add_item", "problems:2", ""),
    ("把食堂排队时间长写进工作作风", "add_fact", "problems:1", "食堂排队时间长"),
    ("删掉 多数时候听汇报", "delete", "", "多数时候听汇报"),
    ("确认删除", "confirm_delete", "", ""),
    ("确认。", "confirm_delete", "", ""),
    ("把食堂排队那条移到工作作风", "move", "problems:1", "食堂排队"),
    ("把“公车私用”挪到廉洁自律方面", "move", "problems:2", "公车私用"),
    ("个人改成班子", "role", "", ""),
])
def test_each_command(message, kind, target, text):
    cmd = chat.parse_command(message, DIMS, has_draft=True)
    assert (cmd.kind, cmd.target, cmd.text) == (kind, target, text)


def test_role_command_carries_the_role():
    assert chat.parse_command("改成个人", DIMS, has_draft=True).role == Role.GEREN


@pytest.mark.parametrize("message", ["今天天气怎么样", "你好", "谢谢", "这份材料大概多少字合适？"])
def test_messages_that_are_not_commands(message):
    assert chat.parse_command(message, DIMS, has_draft=True).kind == "help"
    assert not chat.is_change_request(message)


@pytest.mark.parametrize("message", ["把原因剖析写得更深刻一些", "整改措施太空了，具体一些", "前言精简一下"])
def test_change_requests_in_free_words(message):
    assert chat.is_change_request(message)


def test_before_a_draft_a_message_is_a_request_to_draft():
    assert chat.parse_command("重写 理论学习", DIMS, has_draft=False).kind == "draft"


def test_a_target_that_is_not_in_the_draft_is_empty():
    assert chat.parse_command("重写 组织生活", DIMS, has_draft=True).target == ""


class _LLMDrafter:
    """The Workspace's view of a drafter in LLM mode: a chat model that rewrites a section."""

    def __init__(self, reply: str):
        self.llm = self
        self.model = FakeListChatModel(responses=[reply])
        self.calls = 0

    def revise_text(self, request, text, message):
        self.calls += 1
        return self.model.invoke(message).content


@pytest.fixture
def ws(tmp_path) -> Workspace:
    settings = Settings(data_dir=tmp_path / "data")
    return Workspace(settings, _LLMDrafter("（一）改写后的原因。"), DraftStore(settings.drafts_dir))


def _record(ws) -> DraftRecord:
    req = Request(unit="县教育局", year=2025)
    rec = DraftRecord(owner="owner_chatchatchat", request=req, draft=Draft(
        request=req, structure=Structure(dimensions=DIMS, source=StructureSource.USER, reason="")))
    rec.texts = {"problems": "（一）理论学习方面\n一是学习不深。", "causes": "（一）原来的原因。"}
    return ws.store.save(rec)


def test_llm_mode_answers_a_message_that_is_not_a_change(ws):
    rec = _record(ws)
    replies = [reply for _, reply in ws.chat(rec, "今天天气怎么样")]
    assert replies == [chat.NOT_A_CHANGE] and ws.drafter.calls == 0
    saved = ws.store.load(rec.owner, rec.id)
    assert saved.texts == {"problems": "（一）理论学习方面\n一是学习不深。", "causes": "（一）原来的原因。"}


def test_llm_mode_says_what_it_will_change_then_changes_only_that(ws):
    rec = _record(ws)
    replies = [reply for _, reply in ws.chat(rec, "把原因剖析写得更深刻一些")]
    assert replies[0].startswith("将按您的要求修改“原因剖析”") and "已按您的要求修改“原因剖析”" in replies[-1]
    saved = ws.store.load(rec.owner, rec.id)
    assert saved.texts["causes"] == "（一）改写后的原因。"
    assert saved.texts["problems"] == "（一）理论学习方面\n一是学习不深。"
    rec, _ = ws.undo(rec.owner, rec.id)  # one undo away
    assert rec.texts["causes"] == "（一）原来的原因。"
