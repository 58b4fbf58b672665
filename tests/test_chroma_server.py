"""One office, many writers: a real Chroma server on loopback (`chroma run` from the venv),
and the pipeline pointed at it with DUIZHAO_CHROMA_HOST/PORT as an office would deploy it:
ingest of the corpus, a search, an offline draft, and two writers ingesting at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support import CORPUS, ROOT, SIX, child_env, free_port, start_server, stop_server

pytestmark = pytest.mark.slow


def chroma_cli() -> str:
    exe = Path(sys.executable).parent / "chroma"
    return str(exe) if exe.exists() else shutil.which("chroma") or "chroma"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    path = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    proc = start_server([chroma_cli(), "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
                        f"http://127.0.0.1:{port}/api/v2/heartbeat", path / "server.log", env=env, cwd=None,
                        timeout=60)
    yield {"port": port, "proc": proc, "path": path}
    stop_server(proc, timeout=20)


@pytest.fixture(scope="module")
def server_settings(chroma_server, tmp_path_factory, model_path):
    from assistant.core.settings import Settings

    return Settings(data_dir=tmp_path_factory.mktemp("office-data"), embedding_model=model_path,
                    chroma_host="127.0.0.1", chroma_port=chroma_server["port"])


def test_settings_from_environment_point_at_the_server(monkeypatch, chroma_server):
    from assistant.core.settings import Settings

    monkeypatch.setenv("DUIZHAO_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("DUIZHAO_CHROMA_PORT", str(chroma_server["port"]))
    s = Settings()
    assert (s.chroma_host, s.chroma_port) == ("127.0.0.1", chroma_server["port"])


def test_ingest_search_and_draft_against_the_server(server_settings, embeddings, chroma_server):
    from assistant.core.types import Request, Role
    from assistant.draft.drafter import Drafter
    from assistant.draft.retrieve import search_items
    from assistant.ingest.corpus import Failed, ingest_paths
    from assistant.ingest.index import Index

    index = Index(server_settings, embeddings=embeddings)
    results = list(ingest_paths([CORPUS], index))
    assert len(results) == 5 and not any(isinstance(r, Failed) for r in results)
    # The local persistent store was not used: the server holds everything.
    assert not server_settings.chroma_dir.exists()
    # What the server holds is what another client sees.
    other = Index(server_settings, embeddings=embeddings)
    assert len(other.materials_list()) == 5
    assert sum(1 for _ in other.live_items()) == sum(r.items for r in results)
    # The files the server keeps are in its own --path.
    assert (chroma_server["path"] / "db" / "chroma.sqlite3").exists()

    # Re-ingest from the other client: unchanged, nothing embedded.
    again = list(ingest_paths([CORPUS], other))
    assert all(r.unchanged for r in again)

    hits = search_items(other, "食堂 用餐 服务保障", k=5, role="班子")
    assert len(hits) == 5 and all(h.meta["role"] == "班子" for h in hits)

    req = Request(role=Role.GEREN, unit="区教育局", post="办公室主任", year=2023, meeting="专题民主生活会",
                  facts=["干部职工反映食堂午餐排队时间长"])
    draft = Drafter(server_settings, other).draft(req)
    assert [d.name for d in draft.problems] == SIX
    assert all(d.items for d in draft.problems) and draft.causes and draft.measures
    assert any("食堂午餐排队时间长" in p.text for d in draft.problems for p in d.items)


def test_two_writers_at_once(server_settings, embeddings, tmp_path):
    """Two workstations ingest different materials into the one server at the same time;
    afterwards each material is complete, and both see all of them."""
    from assistant.ingest.corpus import ingest_paths
    from assistant.ingest.index import Index
    from bench.materials import generate, write

    made = generate(6, seed=11)
    a = write(made[:3], tmp_path / "a")
    b = write(made[3:], tmp_path / "b")
    errors: list[BaseException] = []

    def writer(paths):
        try:
            list(ingest_paths(paths, Index(server_settings, embeddings=embeddings), owner="office"))
        except BaseException as e:  # reported below, in the test's thread
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(p,)) for p in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    index = Index(server_settings, embeddings=embeddings)
    by_source = {m["source"]: m for m in index.materials_list(owner="office")}
    live: dict[str, int] = {}
    for meta in index.live_items():
        live[meta["source"]] = live.get(meta["source"], 0) + 1
    for g in made:
        assert g.name in by_source
        assert live[g.name] == by_source[g.name]["n_items"] == g.n_items


def test_a_running_index_sees_what_another_process_ingests_without_restart(server_settings, embeddings,
                                                                           chroma_server, model_path, tmp_path):
    """Two app processes each hold an Index (with its own ledger) on the office's Chroma
    server; a CLI ingest in a third process adds a material and re-ingests a changed one. Both
    running Indexes find both at once (no restart), and never the replaced version's items."""
    from assistant.ingest.index import LEDGER_REFRESH_S, Index

    apps = [Index(server_settings, embeddings=embeddings) for _ in range(2)]
    known = {m["source"] for m in apps[0].materials_list()}
    assert {m["source"] for m in apps[1].materials_list()} == known
    folder = tmp_path / "new"
    folder.mkdir()
    material = ("{unit}2024年度民主生活会对照检查材料\n一、存在的主要问题\n（一）在理论学习方面\n"
                "一是{text}。\n二、原因剖析\n（一）理想信念有所弱化。\n三、整改措施\n（一）加强理论学习。\n")
    (folder / "水务局班子.txt").write_text(material.format(unit="某县水务局领导班子", text="防汛物资台账三年未盘点"), "utf-8")
    env = child_env(tmp_path / "cli-data", model_path, DUIZHAO_CHROMA_HOST="127.0.0.1",
                    DUIZHAO_CHROMA_PORT=str(chroma_server["port"]))

    def cli_ingest():
        done = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(folder)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]

    cli_ingest()
    time.sleep(LEDGER_REFRESH_S)
    for running in apps:
        hits = running.search("防汛物资台账三年未盘点", k=3)
        assert hits and "防汛物资台账" in hits[0].text
        assert {m["source"] for m in running.materials_list()} == known | {"水务局班子.txt"}

    (folder / "水务局班子.txt").write_text(material.format(unit="某县水务局领导班子", text="河长制巡河记录补记"), "utf-8")
    cli_ingest()
    time.sleep(LEDGER_REFRESH_S)
    for running in apps:
        texts = [h.text for h in running.search("防汛物资台账 河长制巡河记录", k=10)]
        assert any("河长制巡河记录补记" in t for t in texts)
        assert not any("防汛物资台账" in t for t in texts)
