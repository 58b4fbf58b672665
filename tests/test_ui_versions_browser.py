"""One living document in a real browser: an edit typed into a 方面 while the draft streams survives
reload and export; undo three times and redo once land on the right text; the diff marks the
changed sentence; a .docx edited in Word comes back as a version."""

from __future__ import annotations

import json
import threading

import pytest
from docx import Document
from support import (
    child_env,
    free_port,
    llm_stub,
    openai_stream,
    start_app,
    stop_server,
    task_of,
)
from test_ui_browser import ARGS, CHROMIUM, Page

pytestmark = pytest.mark.slow  # a real server and a real browser


@pytest.fixture(scope="module")
def model():
    """A model endpoint on the real wire that holds two answers until the test lets them go:
    the second 方面 (the draft is mid-stream, however fast the machine, while the writer types)
    and the measures (the draft's last step, so that it can end while keys are on their way).
    Its answers are empty, so each part is then written offline (the fallback)."""
    gates = {"second": threading.Event(), "measures": threading.Event()}
    asked = []

    def reply(request):
        task = task_of(request)
        if "【任务：problems】" in task:
            asked.append(request)
            if len(asked) == 2:
                gates["second"].wait(120)
        if "【任务：measures】" in task:
            gates["measures"].wait(120)
        return openai_stream("", model=request["body"]["model"])

    with llm_stub(reply) as stub:
        stub.gates = gates
        yield stub


@pytest.fixture(scope="module")
def server(tmp_path_factory, model_path, model):
    data_dir = tmp_path_factory.mktemp("ui-versions")
    # the settings page's saved switch: draft with the model above
    (data_dir / "llm.json").write_text(json.dumps({
        "enabled": True, "provider": "openai", "base_url": f"{model.url}/v1", "model": "stub-model",
        "timeout": 150}), "utf-8")
    port = free_port()
    proc = start_app(port, child_env(data_dir, model_path), timeout=180)
    yield {"url": f"http://127.0.0.1:{port}/", "gates": model.gates}
    stop_server(proc)


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _edit(ui: Page, elem_id: str, text: str) -> None:
    ui.box(elem_id).fill(text)
    ui.page.wait_for_timeout(2500)  # saved as typed (the change event reaches the server)


def _export(ui: Page, path):
    p = ui.page
    p.locator("#export-docx").click()
    link = p.locator("#export-file a").first
    link.wait_for(timeout=60000)
    with p.expect_download() as dl:
        link.click()
    dl.value.save_as(path)
    return path


def test_edit_while_streaming_undo_redo_diff_and_word_round_trip(server, browser, tmp_path):
    ui = Page(browser, server["url"])
    p = ui.page
    p.get_by_label("个人", exact=True).check()
    ui.box("req-unit").fill("区教育局")
    p.locator("#req-year input").fill("2023")
    # enough facts that the six 方面 take a while to write, so the edit lands mid-stream
    ui.box("req-facts").fill("有2次中心组学习因出差缺席\n干部职工反映食堂午餐排队时间长\n全年到基层学校调研只有3次\n"
                             "公务用车使用登记有时事后补填\n会议室预约经常冲突\n督办的3项工作超期未办结\n"
                             "对科室同志的谈心谈话只有2次\n学习笔记大多是摘抄，心得体会写得少")
    p.locator("#btn-draft").click()

    # type into the first 方面 as soon as its text shows (what a writer types into), key by key,
    # while the model still writes the second; let it go halfway through, so the rest of the
    # draft streams in while the writer types; then let the last step go and type on, so the
    # draft ends (and takes in the edits) while keys are still on their way to the server
    gates = server["gates"]
    first = p.locator("#problems-0 textarea")
    p.wait_for_function("() => (document.querySelector('#problems-0 textarea') || {}).value?.startsWith('（一）')",
                        timeout=180000, polling=50)
    assert not p.locator("#problems-1 textarea").is_visible() and not p.locator("#measures-0 textarea").is_visible()
    first.click()
    p.keyboard.press("Control+End")
    p.keyboard.type("【边生成", delay=30)
    gates["second"].set()
    p.keyboard.type("边改", delay=60)
    p.locator("#causes-0 textarea").wait_for(timeout=120000)  # all 方面 and the causes are in
    assert not p.locator("#measures-0 textarea").is_visible()
    gates["measures"].set()
    p.keyboard.type("的一句，一直改到初稿写完以后】", delay=60)
    ui.wait_part("measures", "（三）")
    p.locator("#chat").get_by_text("初稿已生成").first.wait_for(timeout=120000)
    assert p.locator("#problems-5 textarea").is_visible()  # the other 方面 came after the edit
    p.wait_for_timeout(2500)  # the last keys saved
    typed = ui.text("problems-0")
    assert typed.endswith("【边生成边改的一句，一直改到初稿写完以后】") and typed.startswith("（一）")
    ui.open()  # reload: the edit is on disk, not only on the screen
    assert ui.text("problems-0") == typed
    body = "\n".join(par.text for par in Document(_export(ui, tmp_path / "a.docx")).paragraphs)
    assert "【边生成边改的一句，一直改到初稿写完以后】" in body
    typed = ui.text("sec-preamble")

    # three edits, three undos, one redo
    causes, measures = ui.part("causes"), ui.part("measures")
    _edit(ui, "sec-preamble", typed + "第二次修改前言。")
    _edit(ui, "causes-1", ui.text("causes-1") + "原因里我加的一句。")
    _edit(ui, "measures-0", ui.text("measures-0") + "措施里我加的一句。")
    assert "原因里我加的一句。" in ui.part("causes") and "措施里我加的一句。" in ui.part("measures")
    for _ in range(3):
        p.locator("#btn-undo").click()
        p.wait_for_timeout(2000)
    assert ui.text("sec-preamble") == typed
    assert ui.part("causes") == causes and ui.part("measures") == measures
    p.locator("#btn-redo").click()
    ui.wait_text("sec-preamble", "第二次修改前言。", timeout=30)
    assert ui.part("causes") == causes
    ui.open()
    assert ui.text("sec-preamble") == typed + "第二次修改前言。" and ui.part("causes") == causes

    # the diff of the current version against the one before marks the changed sentence
    p.locator("#history-versions").get_by_text("历史版本").first.click()
    p.locator("#btn-diff").click()
    ins = p.locator("#diff-view ins.dz-ins").first
    ins.wait_for(timeout=30000)
    assert "第二次修改前言" in ins.inner_text()
    ui.shot("07-history.png")

    # Word round trip: export, edit a sentence in the .docx, import it back
    path = _export(ui, tmp_path / "b.docx")
    doc = Document(path)
    para = next(x for x in doc.paragraphs if "第二次修改前言。" in x.text)
    for run in para.runs:
        run.text = run.text.replace("第二次修改前言。", "在Word里改过的一句。")
    doc.save(path)
    p.locator("#import-edited input[type=file]").set_input_files(str(path))
    ui.wait_text("sec-preamble", "在Word里改过的一句。", timeout=120)
    p.locator("#chat").get_by_text("已导入修改稿").first.wait_for(timeout=60000)
    p.locator("#diff-view ins.dz-ins").filter(has_text="在Word里改过的一句").first.wait_for(timeout=30000)
    p.locator("#versions input").first.click()
    options = p.get_by_role("option").all_inner_texts()
    assert any("导入修改稿" in o and "当前" in o for o in options), options
    ui.close()
