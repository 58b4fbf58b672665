"""Start-up in a real browser: the page serves while the model still loads behind it, and a
request made then says that the model is loading, waits, and is drafted once it is loaded.

The server runs in this process (as `python app.py` builds it: server.start, then launch),
so the test can hold the real loading job back until it has seen the page wait."""

from __future__ import annotations

import threading

import pytest
from support import CORPUS, VECTORS, free_port
from test_ui_browser import Page, browser  # noqa: F401 (the real chromium, as the other browser tests have it)

pytestmark = pytest.mark.slow  # a real server and a real browser


def test_the_page_serves_before_the_model_and_a_request_waits_for_it(tmp_path, model_path, browser):  # noqa: F811
    from assistant.app import server
    from assistant.app.ui import launch
    from assistant.core.settings import Settings

    settings = Settings(data_dir=tmp_path / "data", embedding_model=model_path, cache_dir=VECTORS,
                        corpus_dir=CORPUS, port=free_port())
    workspace, load = server.start(settings)
    gate = threading.Event()

    def held() -> None:
        gate.wait(300)
        load()  # the real job: the corpus in, the model loaded, the phrase bank embedded

    demo = launch(settings, workspace, serving=lambda: workspace.start_loading(held), block=False)
    try:
        ui = Page(browser, f"http://127.0.0.1:{settings.port}/")
        assert not workspace.loaded.is_set()  # the page is up, the model is not
        ui.page.locator("#chat-input textarea").fill("帮我写2025年度民主生活会班子对照检查，单位会议室预约经常冲突")
        ui.page.locator("#btn-send").click()
        ui.page.get_by_text("正在加载模型", exact=False).first.wait_for(timeout=60000)
        ui.page.wait_for_timeout(1000)
        assert not ui.part("problems").strip()  # nothing drafted before the model is there
        gate.set()
        problems = ui.wait_part("problems", "会议室预约经常冲突", timeout=300)
        assert "（一）" in problems
        ui.close()
    finally:
        gate.set()
        workspace.wait_loaded()
        demo.close()
