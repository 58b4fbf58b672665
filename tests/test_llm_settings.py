"""One source of LLM settings: what the settings page saves in <data_dir>/llm.json is what
`draft --llm` uses; a DUIZHAO_LLM_* variable overrides the file field by field; with
neither, drafting is offline. And the page's key policy, now in the service."""

import json
import os
import stat
import subprocess
import sys
from types import SimpleNamespace

import pytest
from support import ROOT, llm_stub, openai_stream

from assistant.app.llm_settings import (
    NOT_LOCAL,
    LLMSettings,
    effective,
    effective_settings,
    settings_file,
)
from assistant.core.settings import LLM_FIELDS, Settings

LLM_ENV = [f"DUIZHAO_{f.upper()}" for f in LLM_FIELDS]
FACTS = "干部职工反映食堂午餐排队时间长\n"


@pytest.fixture(autouse=True)
def no_llm_env(monkeypatch):
    """The developer's own DUIZHAO_LLM_* must not decide these tests."""
    for name in LLM_ENV:
        monkeypatch.delenv(name, raising=False)


class Recorder:
    """The part of the Workspace the settings service drives."""

    def __init__(self):
        self.used = []
        self.tested = []

    def use_llm(self, data):
        self.used.append(data)

    def test_llm(self, data):
        self.tested.append(data)
        return "tested"


def cli_draft(tmp_path, env, **extra):
    facts = tmp_path / "facts.txt"
    facts.write_text(FACTS, "utf-8")
    env = {k: v for k, v in env.items() if k not in LLM_ENV} | extra
    return subprocess.run([sys.executable, "-m", "assistant", "draft", "--llm", "--role", "个人", "--year", "2024",
                           "--facts-file", str(facts), "--format", "txt"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def files_holding(data_dir, secret: str) -> list[str]:
    return [p.name for p in data_dir.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


@pytest.mark.slow  # runs the CLI in a subprocess against a stub endpoint
def test_what_the_settings_page_saves_is_what_draft_llm_uses(tmp_path, settings, cli_env):
    key = "sk-page-123"
    with llm_stub(lambda r: openai_stream("根据通知要求，现作个人对照检查如下。")) as stub:
        status = LLMSettings(settings, Recorder()).save(True, "openai", f"{stub.url}/v1", "page-model", key, 10,
                                                        local=True)
        p = cli_draft(tmp_path, cli_env)
    assert p.returncode == 0, p.stderr
    assert stub.requests, "draft --llm did not use the endpoint saved by the settings page"
    assert {(r["auth"], r["body"]["model"]) for r in stub.requests} == {(f"Bearer {key}", "page-model")}
    assert key not in status + p.stdout + p.stderr
    assert files_holding(settings.data_dir, key) == ["llm.json"]  # not in the log, not in a draft


@pytest.mark.slow
def test_an_env_variable_overrides_the_file_field_by_field(tmp_path, settings, cli_env, monkeypatch):
    service = LLMSettings(settings, Recorder())
    service.save(True, "openai", "http://127.0.0.1:9/v1", "file-model", "sk-file-456", 10, local=True)
    with llm_stub(lambda r: openai_stream("根据通知要求，现作个人对照检查如下。")) as stub:
        p = cli_draft(tmp_path, cli_env, DUIZHAO_LLM_BASE_URL=f"{stub.url}/v1")
    assert p.returncode == 0, p.stderr
    # The address is the variable's, the model (not set there) the file's; the key saved for
    # the file's address is never sent to another one.
    assert stub.requests
    assert {r["body"]["model"] for r in stub.requests} == {"file-model"}
    assert not any("sk-file-456" in (r["auth"] or "") for r in stub.requests)

    monkeypatch.setenv("DUIZHAO_LLM_MODEL", "env-model")
    monkeypatch.setenv("DUIZHAO_LLM_API_KEY", "sk-env-789")
    from_env = Settings(data_dir=settings.data_dir)
    config = effective(from_env)
    assert (config.base_url, config.model, config.api_key.get_secret_value(), config.timeout) == \
        ("http://127.0.0.1:9/v1", "env-model", "sk-env-789", 10.0)
    assert config.enabled and "sk-env-789" not in repr(config)
    # The page shows that the environment wins, and a save never writes the variable's key to disk.
    status = LLMSettings(from_env, Recorder()).save(True, "openai", "http://127.0.0.1:9/v1", "m", "", 10, local=True)
    assert "DUIZHAO_LLM_MODEL" in status and "sk-env-789" not in status
    assert json.loads(settings_file(settings).read_text("utf-8"))["api_key"] == "sk-file-456"


def test_nothing_configured_means_offline(tmp_path, settings, index, cli_env):
    from assistant.draft.drafter import Drafter

    config = effective(settings)
    assert not config.enabled and not config.base_url
    assert Drafter.from_settings(effective_settings(settings), index, use_llm=True).llm is None
    ws = Recorder()
    LLMSettings(settings, ws).apply()
    assert ws.used == []  # the web app stays offline too
    # Saved with the switch off: the web app stays offline.
    LLMSettings(settings, ws).save(False, "openai", "http://127.0.0.1:9/v1", "m", "", 10, local=True)
    assert ws.used == [None]


@pytest.mark.slow
def test_draft_llm_without_settings_says_so_and_drafts_offline(tmp_path, cli_env):
    p = cli_draft(tmp_path, cli_env)
    assert p.returncode == 0, p.stderr
    assert "改用离线方式生成" in p.stderr and "比如，干部职工反映食堂午餐排队时间长" in p.stdout


def test_only_this_machine_may_save_or_test_and_the_key_stays_hidden(settings):
    from assistant.app.store import DraftStore
    from assistant.app.ui import UI
    from assistant.app.workspace import Workspace

    ui = UI(settings, Workspace(settings, None, DraftStore(settings.drafts_dir)))
    remote = SimpleNamespace(client=SimpleNamespace(host="192.168.1.20"))
    assert ui.on_save_llm(True, "openai", "http://x/v1", "m", "sk-x", 10, request=remote) == ("", NOT_LOCAL)
    assert ui.on_test_llm("openai", "http://x/v1", "m", "sk-x", 10, request=remote) == NOT_LOCAL
    assert not settings_file(settings).exists()

    ws = Recorder()
    service = LLMSettings(settings, ws)
    status = service.save(True, "openai", " http://127.0.0.1:9/v1 ", "m", " sk-kept ", None, local=True)
    assert "sk-kept" not in status and "已启用大模型模式" in status and "密钥已保存（不显示）" in status
    assert stat.S_IMODE(os.stat(settings_file(settings)).st_mode) == 0o600
    assert ws.used[-1] == {"provider": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "m",
                           "api_key": "sk-kept", "timeout": 60.0}
    service.save(True, "openai", "http://127.0.0.1:9/v1", "m2", "", 30, local=True)  # an empty key keeps it
    assert effective(settings).api_key.get_secret_value() == "sk-kept"
    # The saved key goes to the saved address only.
    service.test("openai", "http://127.0.0.1:9/v1", "m", "", 5, local=True)
    service.test("openai", "http://127.0.0.1:8/v1", "m", "", 5, local=True)
    assert [t["api_key"] for t in ws.tested] == ["sk-kept", ""]


def test_a_new_address_saved_with_an_empty_key_box_drops_the_old_key(settings):
    ws = Recorder()
    service = LLMSettings(settings, ws)
    service.save(True, "openai", "http://127.0.0.1:9/v1", "m", "sk-for-nine", 10, local=True)
    status = service.save(True, "openai", "http://10.0.0.7:8000/v1", "m", "", 10, local=True)
    assert "已清除" in status and "sk-for-nine" not in status
    assert effective(settings).api_key.get_secret_value() == ""
    assert ws.used[-1]["base_url"] == "http://10.0.0.7:8000/v1" and ws.used[-1]["api_key"] == ""
    assert "sk-for-nine" not in settings_file(settings).read_text("utf-8")
    # back to the first address: the key is not remembered either, it must be typed again
    service.save(True, "openai", "http://127.0.0.1:9/v1", "m", "", 10, local=True)
    assert effective(settings).api_key.get_secret_value() == ""


def test_the_browser_secret_is_created_owner_only(tmp_path, monkeypatch):
    from assistant.app.store import browser_secret

    created = []
    real_open = os.open

    def watch(path, flags, mode=0o777, *a, **k):
        fd = real_open(path, flags, mode, *a, **k)
        created.append(stat.S_IMODE(os.fstat(fd).st_mode))  # the mode at the moment it exists
        return fd

    monkeypatch.setattr(os, "open", watch)
    secret = browser_secret(tmp_path)
    assert created == [0o600]
    assert browser_secret(tmp_path) == secret
    assert stat.S_IMODE(os.stat(tmp_path / "browser_secret").st_mode) == 0o600
