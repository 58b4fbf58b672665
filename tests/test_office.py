"""The office deployment: sign-in (DUIZHAO_LOGIN=1) guards the page, its config and every API
route; each account sees only its own drafts whatever id a request sends; only an admin changes
the LLM settings; a disabled account stops at once; accounts are managed with `users`; and a
backup restores onto a fresh data dir."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from support import CORPUS, ROOT, child_env, free_port, start_app, stop_server

from assistant.app.accounts import Accounts, account_owner
from assistant.app.store import browser_secret

CHROMIUM = "/usr/bin/chromium"
PASSWORDS = {"alice": "alice-pass-1", "bob": "bob-pass-22"}


def users(env: dict[str, str], *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "users", *args],
                          input=password + "\n" if password is not None else None,
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def office(tmp_path_factory, model_path):
    """One app with sign-in on: alice a user, bob an admin, both made with the `users` command."""
    data_dir = tmp_path_factory.mktemp("office") / "data"
    env = child_env(data_dir, model_path, DUIZHAO_LOGIN="1")
    assert users(env, "add", "alice", "--password-stdin", password=PASSWORDS["alice"]).returncode == 0
    added = users(env, "add", "bob", "--admin", "--password-stdin", password=PASSWORDS["bob"])
    assert added.returncode == 0 and "管理员" in added.stdout
    port = free_port()
    proc = start_app(port, env, timeout=300)
    yield {"url": f"http://127.0.0.1:{port}/", "data_dir": data_dir, "env": env}
    stop_server(proc)


def client(url: str, who: str | None):
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from gradio_client import Client

    auth = (who, PASSWORDS[who]) if who else None
    return Client(url, auth=auth, verbose=False, analytics_enabled=False)


def status(url: str, *, data: bytes | None = None) -> int:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def shown(c, endpoint: str, *args) -> dict:
    """What the page would show after calling `endpoint`, by the labels of its outputs."""
    api = c.view_api(return_format="dict", print_info=False)["named_endpoints"][endpoint]
    outputs = c.predict(*args, api_name=endpoint)
    return {r["label"]: v.get("value") if isinstance(v, dict) else v for r, v in zip(api["returns"], outputs)}


@pytest.mark.slow
def test_nothing_answers_before_sign_in(office):
    url = office["url"]
    assert status(url + "config") == 401
    join = json.dumps({"data": [], "fn_index": 0, "session_hash": "anon"}).encode()
    assert status(url + "gradio_api/queue/join", data=join) == 401
    assert status(url + "gradio_api/info") == 401
    with urllib.request.urlopen(url, timeout=30) as r:  # a browser opening the app is sent to sign in
        page = r.read().decode("utf-8", "replace")
        assert r.url.endswith("/login") and "用户名" in page
    for leak in ("req-facts", "本年度具体情况", "on_draft", "gradio_api_info"):  # nothing of the app
        assert leak not in page
    from gradio_client.exceptions import AuthenticationError

    with pytest.raises(AuthenticationError):
        client(url, None)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from gradio_client import Client

    with pytest.raises(AuthenticationError, match="(?i)invalid credentials"):
        Client(url, auth=("alice", "wrong-password"), verbose=False, analytics_enabled=False)


@pytest.mark.slow
def test_an_account_sees_only_its_own_drafts_whatever_id_it_sends(office):
    url, data_dir = office["url"], office["data_dir"]
    secret = browser_secret(data_dir)
    alice_dir = data_dir / "drafts" / account_owner("alice", secret)
    a = client(url, "alice")
    # Alice's page sends some browser id; her draft is kept under her account all the same.
    a.predict("forged_browser_id_aaaa", "个人", "甲县统计局", "办公室主任", 2025, "民主生活会", "", "",
              "甲县统计局食堂排队时间长", api_name="/on_request_input")
    saved = list(alice_dir.glob("*.json"))
    assert len(saved) == 1 and "甲县统计局" in saved[0].read_text("utf-8")
    assert not (data_dir / "drafts" / "forged_browser_id_aaaa").exists()
    rid = saved[0].stem
    assert shown(a, "/on_load", "another_id_bbbbbbbbbb", rid)["单位"] == "甲县统计局"

    b = client(url, "bob")
    alice_owner = account_owner("alice", secret)
    from gradio_client.exceptions import AppError

    page = shown(b, "/on_load", alice_owner, rid)
    assert "单位" in page and "甲县统计局" not in json.dumps(page, ensure_ascii=False)
    try:  # the list of drafts bob was shown does not hold alice's: refused, or bob's own page
        page = shown(b, "/on_open", alice_owner, rid)
    except AppError:
        page = {}
    assert "甲县统计局" not in json.dumps(page, ensure_ascii=False)
    b.predict(alice_owner, "个人", "乙区教育局", "", 2025, "民主生活会", "", "", "", api_name="/on_request_input")
    assert not any("乙区教育局" in p.read_text("utf-8") for p in alice_dir.glob("*.json"))

    # A disabled account is stopped on its next call, not at the next restart.
    assert users(office["env"], "disable", "alice").returncode == 0
    with pytest.raises(Exception, match="401"):
        a.predict("x", rid, api_name="/on_load")
    assert users(office["env"], "enable", "alice").returncode == 0
    assert shown(a, "/on_load", "x", rid)["单位"] == "甲县统计局"


@pytest.mark.slow
def test_in_the_browser_a_user_signs_in_sees_only_their_own_and_signs_out(office):
    import playwright.sync_api as playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get install chromium)")
    a = client(office["url"], "alice")
    a.predict("x", "个人", "丙市财政局", "", 2025, "民主生活会", "", "", "丙市财政局食堂排队", api_name="/on_request_input")
    outside: list[str] = []

    def route(r):
        if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(locale="zh-CN")
        page.route("**/*", route)
        page.goto(office["url"])
        page.locator("input[type=password]").wait_for(timeout=60000)
        assert page.locator("#req-facts").count() == 0
        page.get_by_label("用户名").fill("bob")
        page.get_by_label("密码").fill("not-bobs-password")
        page.get_by_role("button", name="登录").click()
        page.get_by_text("用户名或密码不对").wait_for(timeout=30000)
        page.get_by_label("用户名").fill("bob")
        page.get_by_label("密码").fill(PASSWORDS["bob"])
        page.get_by_role("button", name="登录").click()
        page.locator("#req-unit textarea, #req-unit input").first.wait_for(timeout=60000)
        page.wait_for_timeout(2000)  # the load event fills in bob's latest draft
        # Bob's page holds nothing of alice's draft, made just before through the API.
        assert "丙市财政局" not in page.locator("body").inner_text()
        assert page.locator("#req-unit textarea, #req-unit input").first.input_value() != "丙市财政局"
        page.get_by_text("退出登录").click()
        page.locator("input[type=password]").wait_for(timeout=30000)
        page.goto(office["url"])  # signed out: the app is not shown again
        page.locator("input[type=password]").wait_for(timeout=30000)
        assert page.locator("#req-facts").count() == 0
        browser.close()
    assert not outside, outside


def test_only_an_admin_changes_the_llm_settings_when_sign_in_is_on(settings):
    from assistant.app.llm_settings import settings_file
    from assistant.app.store import DraftStore
    from assistant.app.ui import UI
    from assistant.app.ui.handlers import NOT_ADMIN
    from assistant.app.workspace import Workspace

    settings = settings.model_copy(update={"login": True})
    accounts = Accounts(settings.data_dir)
    accounts.add("alice", "alice-pass-1")
    accounts.add("bob", "bob-pass-22", admin=True)
    ui = UI(settings, Workspace(settings, None, DraftStore(settings.drafts_dir)))
    here = SimpleNamespace(host="127.0.0.1")
    alice, bob = (SimpleNamespace(username=n, client=here) for n in ("alice", "bob"))
    # On this very machine, but not an admin: refused.
    assert ui.on_save_llm(True, "openai", "http://127.0.0.1:9/v1", "m", "sk-a", 10, request=alice) == ("", NOT_ADMIN)
    assert ui.on_test_llm("openai", "http://127.0.0.1:9/v1", "m", "sk-a", 10, request=alice) == NOT_ADMIN
    assert not settings_file(settings).exists()
    _, said = ui.on_save_llm(False, "openai", "http://127.0.0.1:9/v1", "m", "sk-b", 10,
                             request=SimpleNamespace(username="bob", client=SimpleNamespace(host="10.0.0.7")))
    assert said.startswith("已保存") and json.loads(settings_file(settings).read_text())["base_url"].endswith("/v1")
    accounts.set_disabled("bob", True)
    assert ui.on_test_llm("openai", "http://127.0.0.1:9/v1", "m", "", 10, request=bob) == NOT_ADMIN


def test_accounts_keep_hashes_only_in_an_owner_only_file(tmp_path, cli_env):
    env = dict(cli_env, DUIZHAO_DATA_DIR=str(tmp_path / "data"))
    assert users(env, "add", "张三", "--password-stdin", password="zhang-san-pw").returncode == 0
    short = users(env, "add", "李四", "--password-stdin", password="short")
    assert short.returncode != 0 and "密码至少 8 位" in short.stderr
    again = users(env, "add", "张三", "--password-stdin", password="another-pw")
    assert again.returncode != 0 and "已存在" in again.stderr
    path = tmp_path / "data" / "accounts.sqlite"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"zhang-san-pw" not in path.read_bytes()
    accounts = Accounts(tmp_path / "data")
    assert accounts.verify("张三", "zhang-san-pw") and not accounts.verify("张三", "zhang-san-pX")
    assert not accounts.verify("王五", "zhang-san-pw")
    assert users(env, "reset", "张三", "--password-stdin", password="new-password").returncode == 0
    assert accounts.verify("张三", "new-password") and not accounts.verify("张三", "zhang-san-pw")
    assert users(env, "disable", "张三").returncode == 0
    assert not accounts.verify("张三", "new-password")
    listed = users(env, "list").stdout
    assert "张三\t已停用" in listed
    assert "没有用户" in users(env, "disable", "赵六").stderr


def test_backup_restores_onto_a_fresh_data_dir(tmp_path, settings, index, cli_env):
    from assistant.app.llm_settings import LLMSettings
    from assistant.app.store import DraftRecord, DraftStore
    from assistant.core.settings import Settings
    from assistant.core.types import Request
    from assistant.ingest.corpus import ingest_paths
    from assistant.ingest.index import Index

    seed = sorted(CORPUS.iterdir())[0]
    assert len(list(ingest_paths([seed], index))) == 1
    store = DraftStore(settings.drafts_dir)
    store.save(DraftRecord(owner="owner_backup_aaaa", request=Request(unit="丙镇党委", facts=["丙镇食堂排队"])))
    Accounts(settings.data_dir).add("alice", "alice-pass-1", admin=True)
    LLMSettings(settings, SimpleNamespace(use_llm=lambda e: None)).save(
        True, "openai", "http://127.0.0.1:9/v1", "m", "sk-kept", 10, local=True)
    secret = browser_secret(settings.data_dir)

    env = dict(cli_env)
    done = subprocess.run([sys.executable, "-m", "assistant", "backup", str(tmp_path / "bak")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "bak").stat().st_mode) == 0o700

    fresh = tmp_path / "fresh"
    env_fresh = dict(cli_env, DUIZHAO_DATA_DIR=str(fresh))
    back = subprocess.run([sys.executable, "-m", "assistant", "restore", str(tmp_path / "bak")],
                          capture_output=True, text=True, env=env_fresh, cwd=ROOT, timeout=300)
    assert back.returncode == 0, back.stderr
    restored = Settings(data_dir=fresh, embedding_model=settings.embedding_model, cache_dir=settings.cache_dir)
    assert browser_secret(fresh) == secret
    assert [r.request.unit for r in DraftStore(restored.drafts_dir).list("owner_backup_aaaa")] == ["丙镇党委"]
    assert Accounts(fresh).verify("alice", "alice-pass-1") and Accounts(fresh).get("alice").admin
    assert json.loads((fresh / "llm.json").read_text())["api_key"] == "sk-kept"
    assert stat.S_IMODE((fresh / "llm.json").stat().st_mode) == 0o600
    again = Index(restored)
    assert [m["source"] for m in again.materials_list()] == [seed.name]
    assert again.search("理论学习", k=1)

    # A second restore onto it is refused without --force, and with it keeps what was there.
    refused = subprocess.run([sys.executable, "-m", "assistant", "restore", str(tmp_path / "bak")],
                             capture_output=True, text=True, env=env_fresh, cwd=ROOT, timeout=300)
    assert refused.returncode != 0 and "--force" in refused.stderr
    # A damaged backup restores nothing.
    draft_file = next((tmp_path / "bak" / "drafts").rglob("*.json"))
    draft_file.write_text(draft_file.read_text("utf-8").replace("丙镇", "丁镇"), "utf-8")
    broken = subprocess.run([sys.executable, "-m", "assistant", "restore", str(tmp_path / "bak"), "--force"],
                            capture_output=True, text=True, env=env_fresh, cwd=ROOT, timeout=300)
    assert broken.returncode != 0 and "损坏" in broken.stderr
    assert [r.request.unit for r in DraftStore(restored.drafts_dir).list("owner_backup_aaaa")] == ["丙镇党委"]


def test_uploads_are_kept_under_a_keyed_id_and_older_ones_are_moved_to_it(tmp_path, settings, index):
    """The shared store never shows an owner id, and another user's structure, retrieval and
    search never see an upload; uploads stored by an older version are moved to the keyed id."""
    from assistant.app.store import DraftRecord, DraftStore
    from assistant.app.workspace import Workspace
    from assistant.draft.drafter import Drafter
    from assistant.ingest.load import load_file
    from assistant.ingest.parse import parse_material

    seed = sorted(CORPUS.iterdir())[0]
    text = load_file(seed).text
    ws = Workspace(settings, Drafter(settings, index), DraftStore(settings.drafts_dir))
    owner = "owner_old_upload_aaaa"
    rec = DraftRecord(owner=owner, last_year=text, last_year_name="去年.docx")
    ws.store.save(rec)
    # As an older version stored it: under the owner id itself.
    index.ingest(parse_material(text, source=f"{owner}:去年.docx"), owner=owner)
    assert ws.retag_uploads() == 1
    ledger = index.ledger(fresh=True).values()
    assert not any(owner in json.dumps(m, ensure_ascii=False) for m in ledger)
    tag = ws.store_id(owner)
    assert [m["source"] for m in index.materials_list(tag)] == [f"{tag}:去年.docx"]
    assert index.materials_list() == [] and index.materials_list(ws.store_id("owner_someone_else")) == []
    assert index.search("理论学习", k=3) == [] and index.search("理论学习", k=3, owner=tag)
    assert ws.retag_uploads() == 0


def test_behind_a_trusted_proxy_the_header_names_the_user_and_a_disabled_one_is_refused(settings):
    from assistant.app.accounts import Identity

    identity = Identity(settings.data_dir, login=False, header="X-Remote-User")
    assert identity.login  # a header turns sign-in on: no request acts for a browser's own id
    asked = lambda name: SimpleNamespace(headers={"X-Remote-User": name} if name else {})  # noqa: E731
    assert identity.header_user(asked("carol")) == "carol"
    assert identity.header_user(asked("")) is None
    # The proxy's users need no account here; one made here can be disabled or made admin.
    assert identity.owner("anything", "carol") == account_owner("carol", identity.secret)
    identity.accounts.add("carol", "carol-pass-1", admin=True)
    assert identity.is_admin("carol")
    identity.accounts.set_disabled("carol", True)
    assert identity.header_user(asked("carol")) is None and not identity.is_admin("carol")
    with pytest.raises(Exception, match="停用"):
        identity.owner("anything", "carol")
