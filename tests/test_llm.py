"""LLM mode: langchain's fake chat model, and the real OpenAI client against a local HTTP
server speaking the chat-completions wire format (streaming), including a time-out."""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import SecretStr
from support import SIX, llm_stub, ollama_stream, openai_json, openai_stream, task_of

from assistant.core.settings import Settings
from assistant.core.types import Request, Role
from assistant.draft import prompts
from assistant.draft.compose_llm import make_chat_model
from assistant.draft.drafter import Drafter
from assistant.draft.render import to_text

FACTS = ["干部职工反映院内停车难", "今年有2次理论学习中心组学习因出差缺席"]


def req(**kw):
    base = dict(role=Role.GEREN, unit="区教育局", post="办公室主任", year=2023,
                meeting="专题民主生活会", facts=FACTS)
    base.update(kw)
    return Request(**base)


def canned(task: str) -> str:
    """What a well-behaved model answers for each task of ours."""
    if "【任务：preamble】" in task:
        return "根据通知要求，我认真开展学习研讨，广泛征求意见。现作个人对照检查如下。"
    if "【任务：problems】" in task:
        dim = task.split("请写“")[1].split("”")[0]
        fact = next((f for f in FACTS if f in task), "【待补充：具体事例】")
        return f"一是{dim}上要求不够严。表现为标准不高。比如，{fact}。\n二是{dim}上用力不够。表现为抓得不实。比如，【待补充：具体事例】。"
    if "【任务：causes】" in task:
        return "（一）理论学习有所放松。理论学习、政治素质方面的问题，根源在此。\n（二）宗旨意识有所淡化。工作作风、能力本领方面的问题，根源在此。\n（三）纪律意识不够牢固。担当作为、廉洁自律方面的问题，根源在此。"
    if "【任务：revise】" in task:
        return "（一）理想信念有所动摇。改写后更深刻的剖析。\n（二）宗旨意识有所淡化。改写后的第二条。"
    if "【任务：measures】" in task:
        return "（一）强化理论武装。每月自学不少于8小时。\n（二）践行宗旨意识。每季度走访基层2次。\n（三）严守纪律规矩。2024年6月底前完成自查。"
    return ""


@pytest.fixture(scope="module")
def base_settings(corpus_settings):
    return corpus_settings


def test_every_prompt_renders_with_its_declared_variables():
    values = dict(role="个人", role_label="个人", meeting="民主生活会", year=2023, congress="党的二十大精神",
                  campaign="主题教育", unit="区教育局", post="主任", dimensions=["理论学习"], dimension="理论学习",
                  n_items=2, facts=["事实一"], references=["参考一"], avoid=[], problems="问题", n_causes=3,
                  causes=["原因一"], instruction="改得更深刻", text="（一）原文。", powers_note="", progress=["成效一"],
                  writer="班子成员", collective=False, subject="我")
    assert set(prompts.names()) >= {"system", "preamble", "problems", "causes", "measures", "revise"}
    for name in prompts.names():
        declared = prompts.variables(name)
        text = prompts.render(name, **{k: values[k] for k in declared})
        assert text and "{{" not in text


def test_a_missing_prompt_is_an_error_not_a_silent_offline_draft(tmp_path):
    for name in prompts.REQUIRED[:-1]:
        (tmp_path / f"{name}.md").write_text("x", "utf-8")
    prompts.check()  # the shipped folder is complete
    with pytest.raises(prompts.MissingPrompt, match="revise.md"):
        prompts.check(tmp_path)


def test_fake_chat_model_drafts_every_section(corpus_index, base_settings):
    n_calls = 1 + len(SIX) + 2
    model = FakeListChatModel(responses=[canned(t) for t in _tasks(corpus_index, base_settings)][:n_calls])
    d = Drafter(base_settings, corpus_index, chat_model=model).draft(req())
    assert [p.name for p in d.problems] == SIX
    assert d.preamble.text.endswith("现作个人对照检查如下。")
    assert "比如，干部职工反映院内停车难" in to_text(d)
    assert [c.title for c in d.causes][0] == "理论学习有所放松"
    assert len(d.measures) == 3 and not d.notes


def _tasks(corpus_index, settings):
    """The prompts the drafter will send, in order, by recording them with a parrot."""
    from langchain_core.language_models.fake_chat_models import ParrotFakeChatModel

    seen = []

    class Recorder(ParrotFakeChatModel):
        def _generate(self, messages, stop=None, run_manager=None, **kw):
            seen.append(messages[-1].content)
            from langchain_core.messages import AIMessage
            from langchain_core.outputs import ChatGeneration, ChatResult
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=canned(messages[-1].content)))])

    Drafter(settings, corpus_index, chat_model=Recorder()).draft(req())
    return seen


def test_failing_model_falls_back_offline_per_section_and_says_so(corpus_index, base_settings):
    class Broken(FakeListChatModel):
        def _call(self, *a, **kw):
            raise TimeoutError("timed out")

        def _stream(self, *a, **kw):
            raise TimeoutError("timed out")

    d = Drafter(base_settings, corpus_index, chat_model=Broken(responses=["x"])).draft(req())
    assert [p.name for p in d.problems] == SIX and all(p.items for p in d.problems)
    assert d.causes and d.measures and d.preamble.text
    assert any("离线" in n and "超时" in n for n in d.notes)


def test_refusal_falls_back(corpus_index, base_settings):
    model = FakeListChatModel(responses=["抱歉，我无法协助完成这个请求。"] * 20)
    d = Drafter(base_settings, corpus_index, chat_model=model).draft(req())
    assert all(p.items for p in d.problems)
    assert any("拒绝" in n for n in d.notes)


# --- the real client on the real wire ------------------------------------------------

def answering(answer=canned, delay=0.0):
    """An OpenAI-compatible model saying answer(task) to each task, after `delay` seconds:
    streamed in several chunks, as a real server streams, or whole when not asked to stream."""

    def reply(request):
        body = request["body"]
        if body.get("stream"):
            return openai_stream(answer(task_of(request)), model=body["model"], piece=7, delay=delay)
        return openai_json(answer(task_of(request)), model=body["model"], delay=delay)

    return reply


@pytest.fixture
def stub():
    with llm_stub(answering(), protocol="HTTP/1.0") as server:
        yield server


def llm_settings(base, server, timeout=20.0):
    return base.model_copy(update={
        "llm_base_url": f"{server.url}/v1", "llm_model": "stub-model",
        "llm_api_key": SecretStr("sk-test-123"), "llm_timeout": timeout})


def test_openai_wire_streaming(corpus_index, base_settings, stub):
    settings = llm_settings(base_settings, stub)
    tokens = []
    drafter = Drafter.from_settings(settings, corpus_index, use_llm=True, on_token=tokens.append)
    d = drafter.draft(req())
    assert "比如，干部职工反映院内停车难" in to_text(d) and not d.notes
    assert len(tokens) > 20  # it arrived in pieces
    first = stub.requests[0]
    assert first["path"] == "/v1/chat/completions" and first["body"]["stream"] is True
    assert first["auth"] == "Bearer sk-test-123" and first["body"]["model"] == "stub-model"
    problems_req = next(r for r in stub.requests if "【任务：problems】" in r["body"]["messages"][-1]["content"])
    system = problems_req["body"]["messages"][0]["content"]
    assert problems_req["body"]["messages"][0]["role"] == "system" and "以个人口吻" in system
    assert "<<<参考资料" in problems_req["body"]["messages"][-1]["content"]


def test_the_plan_goes_to_the_model_and_an_invented_case_comes_back_refused(corpus_index, base_settings, stub):
    """The prompt carries each fact with its 方面 and kind; a case the user never gave (here a
    confession of misconduct) is caught by the same hygiene checks and that 方面 is drafted
    offline, with a note saying why."""
    progress = "全年学习笔记达到2万字"

    def inventing(task: str) -> str:
        if "【任务：problems】" in task and "“廉洁自律”" in task:
            return ("一是执行八项规定不够严格。比如，今年有3次公务接待超标准，还有1次公车私用。\n"
                    "二是廉洁意识有所放松。比如，【待补充：具体事例】。")
        return canned(task)

    stub.reply = answering(inventing)
    drafter = Drafter.from_settings(llm_settings(base_settings, stub), corpus_index, use_llm=True)
    d = drafter.draft(req(facts=[*FACTS, progress]))
    text = to_text(d)
    assert "公车私用" not in text and "超标准" not in text
    assert any("廉洁自律" in n and "离线" in n and "事例不是您提供的事实" in n for n in d.notes)
    assert [p.name for p in d.problems] == SIX and all(p.items for p in d.problems)
    theory = next(r["body"]["messages"][-1]["content"] for r in stub.requests
                  if "【任务：problems】" in r["body"]["messages"][-1]["content"] and "“理论学习”" in r["body"]["messages"][-1]["content"])
    assert "今年有2次理论学习中心组学习因出差缺席" in theory.split("不要把成效写成问题")[0]  # its fact, under its 方面
    assert progress in theory.split("不要把成效写成问题")[1]  # and the progress, as what must not be a problem
    assert progress not in "".join(i.text for p in d.problems for i in p.items)


def test_endpoint_timeout_falls_back_and_keeps_the_draft(corpus_index, base_settings, stub):
    stub.reply = answering(delay=3.0)
    settings = llm_settings(base_settings, stub, timeout=0.5)
    d = Drafter.from_settings(settings, corpus_index, use_llm=True).draft(req())
    assert all(p.items for p in d.problems) and d.causes and d.measures
    assert any("超时" in n for n in d.notes)


def test_no_endpoint_means_offline(corpus_index, base_settings):
    drafter = Drafter.from_settings(base_settings, corpus_index, use_llm=True)
    assert drafter.llm is None
    with pytest.raises(Exception):
        make_chat_model(Settings())


# --- free-form revision in the chat, LLM mode only -----------------------------------

from langchain_core.language_models import SimpleChatModel  # noqa: E402


class Canned(SimpleChatModel):
    """Answers each of our tasks as a well-behaved model would."""

    fail_on: str = ""

    @property
    def _llm_type(self) -> str:
        return "canned"

    def _call(self, messages, stop=None, run_manager=None, **kw) -> str:
        task = messages[-1].content
        if self.fail_on and self.fail_on in task:
            raise TimeoutError("timed out")
        return canned(task)


def workspace_with(model, settings, index, tmp_path):
    from assistant.app.store import DraftStore
    from assistant.app.workspace import Workspace

    return Workspace(settings, Drafter(settings, index, chat_model=model), DraftStore(tmp_path / "drafts"))


def test_llm_mode_chat_revises_a_section_as_asked(corpus_index, base_settings, tmp_path):
    ws = workspace_with(Canned(), base_settings, corpus_index, tmp_path)
    rec = ws.new_record("owner_llmllmllmllm", req())
    for _ in ws.draft(rec, req()):
        pass
    before_problems = rec.texts["problems"]
    *_, (rec, reply) = ws.chat(rec, "把原因剖析写得更深刻一些")
    assert rec.texts["causes"].startswith("（一）理想信念有所动摇。改写后更深刻的剖析。")
    assert rec.texts["problems"] == before_problems and "原因剖析" in reply
    saved = ws.store.load(rec.owner, rec.id)
    assert saved.texts["causes"] == rec.texts["causes"]


def test_llm_revision_failure_leaves_the_document_as_it_was(corpus_index, base_settings, tmp_path):
    ws = workspace_with(Canned(fail_on="【任务：revise】"), base_settings, corpus_index, tmp_path)
    rec = ws.new_record("owner_llmllmllmllm", req())
    for _ in ws.draft(rec, req()):
        pass
    before = dict(rec.texts)
    *_, (rec, reply) = ws.chat(rec, "把原因剖析写得更深刻一些")
    assert rec.texts == before and "大模型暂时不可用" in reply and "重写 理论学习" in reply


# --- Ollama's native API, and the settings page's connection test ----------------------

def test_ollama_native_api(corpus_index, base_settings):
    def ollama(request):
        return ollama_stream(canned(task_of(request)), model=request["body"]["model"], piece=9)

    with llm_stub(ollama, protocol="HTTP/1.0") as server:
        settings = base_settings.model_copy(update={
            "llm_provider": "ollama", "llm_base_url": server.url,
            "llm_model": "qwen2.5:7b", "llm_timeout": 20.0})
        d = Drafter.from_settings(settings, corpus_index, use_llm=True).draft(req())
    assert not d.notes and "比如，干部职工反映院内停车难" in to_text(d)
    assert {r["path"] for r in server.requests} == {"/api/chat"}
    assert server.requests[0]["body"]["model"] == "qwen2.5:7b"


def test_settings_connection_test_reports_without_the_key(corpus_index, base_settings, stub, tmp_path):
    from assistant.app.store import DraftStore
    from assistant.app.workspace import Workspace

    ws = Workspace(base_settings, Drafter(base_settings, corpus_index), DraftStore(tmp_path / "d"))
    ok = ws.test_llm({"provider": "openai", "base_url": f"{stub.url}/v1",
                      "model": "m", "api_key": "sk-secret-987", "timeout": 10})
    assert ok.startswith("连接成功")
    bad = ws.test_llm({"provider": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "m",
                       "api_key": "sk-secret-987", "timeout": 3})
    assert bad.startswith("连接失败") and "sk-secret-987" not in bad
