"""End to end in a real browser (Debian chromium via Playwright) against the real server
started as `python app.py` would be. Any request to a host other than this machine fails
the test: the page must work with the network unplugged.

Set UPDATE_SCREENSHOTS=1 to write the README's screenshots to docs/screenshots/.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from docx import Document
from support import ROOT, SIX, child_env, free_port, start_app, stop_server

pytestmark = pytest.mark.slow  # a real server and a real browser

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory, model_path):
    data_dir = tmp_path_factory.mktemp("ui-data")
    port = free_port()
    proc = start_app(port, child_env(data_dir, model_path), timeout=180)
    info = {"url": f"http://127.0.0.1:{port}/", "data_dir": data_dir, "port": port, "proc": proc}
    yield info
    stop_server(info["proc"])


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A browser tab of one user, that records any request leaving this machine."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1500, "height": 1000},
                                           permissions=["clipboard-read", "clipboard-write"],
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.page.route("**/*", self._route)
        self.url = url
        self.open()

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self):
        self.page.goto(self.url)
        self.page.wait_for_selector("#sec-preamble textarea", timeout=60000)
        # the load event fills the saved draft in, the title with it
        self.page.wait_for_selector("#doc-title h2", timeout=60000)
        self.page.wait_for_timeout(500)

    def box(self, elem_id: str):
        return self.page.locator(f"#{elem_id} textarea").first

    def text(self, elem_id: str) -> str:
        return self.box(elem_id).input_value()

    def wait_text(self, elem_id: str, needle: str, timeout: float = 180):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if needle in self.text(elem_id):
                return self.text(elem_id)
            self.page.wait_for_timeout(500)
        raise AssertionError(f"{needle!r} never appeared in #{elem_id}: {self.text(elem_id)[:200]!r}")

    def blocks(self, key: str) -> list[str]:
        """A part's blocks (each 方面, cause, measure) as its boxes show them, in order. The
        boxes of an update appear one by one: read once the shown ones are the first n."""
        for _ in range(20):
            shown = []
            for i in range(10):
                box = self.page.locator(f"#{key}-{i} textarea")
                shown.append(box.first if box.count() and box.first.is_visible() else None)
            n = sum(b is not None for b in shown)
            if all(shown[:n]):
                return [b.input_value() for b in shown[:n]]
            self.page.wait_for_timeout(300)
        raise AssertionError(f"the boxes of {key} never settled: {[b is not None for b in shown]}")

    def part(self, key: str) -> str:
        """A whole part (存在的主要问题, 原因剖析, 整改措施) as the page shows it."""
        return "\n\n".join(self.blocks(key))

    def block_of(self, key: str, needle: str) -> str:
        """The elem_id of the box of a part that holds `needle`."""
        for i, text in enumerate(self.blocks(key)):
            if needle in text:
                return f"{key}-{i}"
        raise AssertionError(f"no block of {key} holds {needle!r}")

    def wait_part(self, key: str, needle: str, timeout: float = 180) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if needle in (text := self.part(key)):
                return text
            self.page.wait_for_timeout(500)
        raise AssertionError(f"{needle!r} never appeared in {key}: {self.part(key)[:200]!r}")

    def choose(self, elem_id: str, option: str):
        self.page.locator(f"#{elem_id} input").first.click()
        self.page.get_by_role("option", name=option, exact=True).click()

    def shot(self, name: str):
        if os.environ.get("UPDATE_SCREENSHOTS"):
            SHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SHOTS / name), full_page=True)

    def close(self):
        assert not self.outside, f"requests left this machine: {self.outside}"
        self.context.close()


def headings(problems_text: str) -> list[str]:
    import re

    return re.findall(r"^（[一二三四五六七八九十]+）在(.+?)方面$", problems_text, re.M)


def test_fill_draft_edit_copy_export_reload(server, browser, tmp_path):
    ui = Page(browser, server["url"])
    p = ui.page
    p.get_by_label("个人", exact=True).check()
    ui.box("req-unit").fill("区教育局")
    ui.page.locator("#req-post textarea, #req-post input").first.fill("办公室主任")
    p.locator("#req-year input").fill("2023")
    ui.choose("req-meeting", "专题民主生活会")
    ui.box("req-facts").fill("干部职工反映食堂午餐排队时间长\n院内充电桩坏了两个月没修\n有2次中心组学习因出差缺席")
    ui.shot("01-request.png")
    p.locator("#btn-draft").click()
    problems = ui.wait_part("measures", "（三）")  # measures come last
    problems = ui.part("problems")
    assert headings(problems) == SIX
    assert "食堂午餐排队时间长" in problems.split("（五）")[1].split("（六）")[0]
    ui.shot("02-draft.png")

    # edit a paragraph in place; it is saved as typed
    edited = ui.text("sec-preamble") + "【测试修改：这句是我改的】"
    ui.box("sec-preamble").fill(edited)
    p.wait_for_timeout(2500)

    # copy one cause with its own copy button, and the whole part from its box
    p.locator("#causes-0 button[aria-label='Copy'], #causes-0 button[title='Copy']").first.click()
    clip = p.evaluate("navigator.clipboard.readText()")
    assert clip == ui.blocks("causes")[0] and clip.startswith("（一）") and "（二）" not in clip
    p.get_by_text("原因剖析（整段，可整体复制）").click()
    p.locator("#sec-causes button[aria-label='Copy'], #sec-causes button[title='Copy']").first.click()
    clip = p.evaluate("navigator.clipboard.readText()")
    assert clip == ui.part("causes") and "（二）" in clip
    # beside each 方面: what it was written from and what a reviewer would mark
    style = ui.block_of("problems", "（五）")
    assert "您提供的事实：干部职工反映食堂午餐排队时间长" in p.locator(f"#{style}-notes").inner_text()
    assert "待补充" in p.locator("#problems-0-notes").inner_text()

    # export .docx and find the edit in it
    p.locator("#export-docx").click()
    link = p.locator("#export-file a").first
    link.wait_for(timeout=60000)
    with p.expect_download() as dl:
        link.click()
    path = tmp_path / "out.docx"
    dl.value.save_as(path)
    body = "\n".join(par.text for par in Document(path).paragraphs)
    assert "【测试修改：这句是我改的】" in body and "（五）在工作作风方面" in body

    # reload: the draft and the edit are back
    ui.open()
    assert ui.text("sec-preamble") == edited
    assert headings(ui.part("problems")) == SIX
    ui.close()


def test_chat_only_path_and_users_do_not_see_each_other(server, browser):
    ui = Page(browser, server["url"])
    p = ui.page
    p.locator("#chat-input textarea").fill(
        "我是区教育局办公室主任，帮我写2023年主题教育的个人对照检查，今年食堂排队时间长、充电桩坏了没及时修")
    p.locator("#btn-send").click()
    ui.wait_part("measures", "（三）")
    problems = ui.part("problems")
    assert headings(problems) == SIX
    style = problems.split("（五）")[1].split("（六）")[0]
    assert "食堂排队时间长" in style and "充电桩坏了没及时修" in style
    assert ui.page.locator("#req-unit textarea").input_value() == "区教育局"

    # a follow-up revision in the chat, once the draft has finished streaming
    p.locator("#chat").get_by_text("初稿已生成").first.wait_for(timeout=60000)
    # the writer edits the 方面 first: the command adds to it and keeps the edit
    mine = "我在工作作风里亲手改的一句。"
    style_box = ui.block_of("problems", "（五）")
    ui.box(style_box).fill(ui.text(style_box) + mine)
    p.wait_for_timeout(2500)  # saved as typed
    style = ui.part("problems").split("（五）")[1].split("（六）")[0]
    before = len(re.findall(r"^[一二三四五六]是", style, re.M))
    p.locator("#chat-input textarea").fill("给工作作风再加一条")
    p.locator("#btn-send").click()
    p.locator("#chat").get_by_text("已在“工作作风”方面增加一条").first.wait_for(timeout=120000)
    style_after = ui.part("problems").split("（五）")[1].split("（六）")[0]
    assert len(re.findall(r"^[一二三四五六]是", style_after, re.M)) == before + 1
    assert mine in style_after
    # one 方面 drafted again from the button beside it: the writer's 方面 stays as it is
    kept = ui.text(style_box)
    p.locator("#regen-problems-0").click()
    p.locator("#chat").get_by_text("已重新生成").first.wait_for(timeout=120000)
    assert ui.text(style_box) == kept and ui.blocks("problems")[0].startswith("（一）")
    ui.shot("03-chat.png")
    # anything else gets a helpful answer, not silence
    p.locator("#chat-input textarea").fill("今天天气怎么样")
    p.locator("#btn-send").click()
    p.get_by_text("我可以这样帮您修改").last.wait_for(timeout=30000)

    # this user's list of past drafts holds only their own draft
    p.locator("#history input").first.click()
    options = p.get_by_role("option").all_inner_texts()
    assert len(options) == 1
    ui.close()


def test_server_restart_brings_the_work_back(server, browser, model_path):
    ui = Page(browser, server["url"])
    ui.page.locator("#chat-input textarea").fill("帮我写2025年度民主生活会班子对照检查，单位会议室预约混乱")
    ui.page.locator("#btn-send").click()
    ui.wait_part("measures", "（三）")
    before = ui.part("problems")
    stop_server(server["proc"])
    server["proc"] = start_app(server["port"], child_env(server["data_dir"], model_path), timeout=180)
    ui.open()
    assert ui.part("problems") == before
    assert "带头" in before
    ui.close()


def test_upload_last_year_revise_and_see_flagged_sentences(server, browser, tmp_path):
    from test_revise import LAST_YEAR, as_docx

    path = tmp_path / "上年度对照检查材料.docx"
    as_docx(path)
    ui = Page(browser, server["url"])
    p = ui.page
    p.locator("#req-year input").fill("2023")
    ui.choose("req-meeting", "专题民主生活会")
    ui.box("req-facts").fill("今年更换了全部充电桩，并建立了每周巡检和报修制度\n今年有3次中心组学习因出差缺席")
    p.get_by_role("tab", name="上年度材料").click()
    p.locator("#upload-last input[type=file]").set_input_files(str(path))
    p.locator("#last-summary").get_by_text("为民服务解难不够到位").first.wait_for(timeout=60000)
    summary = p.locator("#last-summary").inner_text()
    assert "2022" in summary and "工作作风" in summary
    p.locator("#btn-revise").click()
    p.get_by_role("tab", name="起草").click()
    ui.wait_part("measures", "（三）")
    rect = ui.wait_text("sec-rectification", "上年度查摆")
    assert "更换了全部充电桩" in rect and rect.count("针对上年度查摆") == 4
    assert "没有发现相近的句子" in p.locator("#repeats").inner_text()

    # the user pastes last year's sentence back in: it is flagged, last year's beside it
    copied = LAST_YEAR["工作作风"][0].split("。", 1)[1]
    last = f"problems-{len(ui.blocks('problems')) - 1}"
    ui.box(last).fill(ui.text(last) + "\n" + copied)
    p.wait_for_timeout(2000)
    p.locator("#btn-repeats").click()
    p.locator("#repeats").get_by_text("⚠").first.wait_for(timeout=60000)
    flagged = p.locator("#repeats").inner_text()
    assert "充电桩多处损坏" in flagged and "建议改写" in flagged
    ui.shot("04-revision.png")
    ui.close()


def test_audit_checklist_beside_the_draft(server, browser):
    ui = Page(browser, server["url"])
    p = ui.page
    p.locator("#chat-input textarea").fill("帮我写2024年度民主生活会个人对照检查，我是区教育局办公室主任，会议室预约经常冲突")
    p.locator("#btn-send").click()
    ui.wait_part("measures", "（三）")
    # the reviewer's eye: a mis-numbered political term typed in by the user is caught
    ui.box("causes-0").fill(ui.text("causes-0") + "要增强“三个意识”。")
    # the flag shows up beside the cause as soon as the edit is saved
    p.locator("#causes-0-notes").get_by_text("四个意识").first.wait_for(timeout=30000)
    p.get_by_text("审核清单").click()
    p.locator("#btn-audit").click()
    p.locator("#audit").get_by_text("审核结果").wait_for(timeout=60000)
    report = p.locator("#audit").inner_text()
    assert "三个意识" in report and "四个意识" in report
    assert "待补充" in report  # the placeholders left for the writer are listed
    ui.shot("05-audit.png")
    ui.close()


def block(problems_text: str, name: str) -> str:
    """The text of one 方面 in the problems box."""
    import re

    parts = re.split(r"^（[一二三四五六七八九十]+）在(.+?)方面$", problems_text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2])).get(name, "")


def test_the_fact_plan_is_shown_and_moving_a_fact_redrafts_it_there(server, browser):
    ui = Page(browser, server["url"])
    p = ui.page
    p.get_by_label("个人", exact=True).check()
    ui.box("req-unit").fill("某县统计局")
    ui.page.locator("#req-post textarea, #req-post input").first.fill("副局长")
    p.locator("#req-year input").fill("2023")
    ui.choose("req-meeting", "专题民主生活会")
    fact = "全年到基层调研只有4次，多数时候听汇报"
    ui.box("req-facts").fill(f"{fact}\n学习笔记达到2万字\n分管综合科和办公室")
    # before any draft: how each fact will be used
    p.locator("#btn-structure").click()
    p.locator("#fact-plan").get_by_text("学习笔记达到2万字").first.wait_for(timeout=60000)
    plan = p.locator("#fact-plan").inner_text()
    assert "问题 · 工作作风" in plan and "成效" in plan and "背景" in plan
    p.locator("#btn-draft").click()
    ui.wait_part("measures", "（三）")
    before = ui.part("problems")
    assert fact in block(before, "工作作风") and fact not in block(before, "担当作为")
    ui.shot("06-facts.png")

    ui.choose("fact-pick", fact)
    ui.choose("fact-target", "问题：担当作为")
    p.locator("#btn-move-fact").click()
    p.locator("#chat").get_by_text("重写了").first.wait_for(timeout=120000)
    after = ui.part("problems")
    assert fact in block(after, "担当作为") and fact not in block(after, "工作作风")
    # what did not change stays as it was
    assert block(after, "理论学习") == block(before, "理论学习")
    assert "您指定的方面" in p.locator("#fact-plan").inner_text()
    ui.close()


def test_a_close_call_is_shown_with_the_other_place_to_check(server, browser):
    """Two 方面 of the writer's list cover the same ground: the plan names the other one for
    the fact about it, and not for a fact that plainly belongs to one."""
    ui = Page(browser, server["url"])
    p = ui.page
    p.get_by_label("班子", exact=True).check()
    p.locator("#req-year input").fill("2024")
    ui.box("req-dims").fill("理论学习\n学思想\n廉洁自律")
    ui.box("req-facts").fill("党组中心组今年集中学习只有5次，多是传达文件\n收受过服务对象送的两张购物卡")
    p.locator("#btn-draft").click()
    ui.wait_part("measures", "（")
    plan = p.locator("#fact-plan").inner_text()
    study, gift = plan.index("传达文件"), plan.index("两张购物卡")  # one row each, in the order given
    assert re.search(r"也可能属于“(理论学习|学思想)”，请确认", plan[study:gift]) and "也可能属于" not in plan[gift:]
    ui.close()


def test_a_notice_with_two_lists_shows_both_and_the_pick_fills_the_list(server, browser):
    ui = Page(browser, server["url"])
    p = ui.page
    p.get_by_label("个人", exact=True).check()
    ui.box("req-notice").fill("请各单位认真准备。\n一、对照检查内容\n（一）第一部分\n1.在理论学习方面\n2.在担当作为方面\n"
                              "（二）第二部分\n1.在政治信仰方面\n2.在作用发挥方面\n3.在纪律作风方面")
    p.locator("#btn-structure").click()
    p.locator("#notice-lists").get_by_text("政治信仰；作用发挥；纪律作风").wait_for(timeout=60000)
    assert ui.text("req-dims").split("\n") == ["理论学习", "担当作为"]
    assert "无法确定" in p.locator("#dims-note").inner_text()
    p.locator("#notice-lists").get_by_text("政治信仰；作用发挥；纪律作风").click()
    ui.wait_text("req-dims", "纪律作风", timeout=30)
    assert ui.text("req-dims").split("\n") == ["政治信仰", "作用发挥", "纪律作风"]
    ui.close()


def test_markdown_and_html_in_an_uploaded_title_are_shown_as_text_and_fetch_nothing(server, browser, tmp_path):
    title = "![标](http://203.0.113.5/pixel.png)某局班子2023年度对照检查材料"
    body = ("一、存在的主要问题\n（一）在理论学习方面\n一是学习不够深入<img src=\"http://203.0.113.6/x.png\">。\n"
            "二、原因剖析\n（一）理想信念有所弱化。\n三、整改措施\n（一）加强理论学习。\n")
    path = tmp_path / "去年的材料.txt"
    path.write_text(title + "\n" + body, "utf-8")
    ui = Page(browser, server["url"])
    p = ui.page
    p.get_by_role("tab", name="上年度材料").click()
    p.locator("#upload-last input[type=file]").set_input_files(str(path))
    p.locator("#last-summary").get_by_text("学习不够深入").first.wait_for(timeout=60000)
    p.wait_for_timeout(1500)  # time for any image the page might load
    shown = p.locator("#last-summary").inner_text()
    assert "![标](http://203.0.113.5/pixel.png)" in shown and "<img" in shown
    assert p.locator("#last-summary img").count() == 0
    ui.close()  # asserts that no request left this machine
