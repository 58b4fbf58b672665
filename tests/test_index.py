"""The index: one record per item, idempotent, replaceable, persistent across processes."""

import json
import shutil
import subprocess
import sys

import pytest
from support import CORPUS, ROOT

from assistant.ingest.corpus import Failed, ingest_paths, read_material
from assistant.ingest.index import Index


def run_cli(env, *args, check=True):
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_one_record_per_item_with_metadata(corpus_index):
    items = list(corpus_index.live_items())
    assert len(items) == 102  # every item of the five seeds, no fixed-size chunks
    by_source = {}
    for m in items:
        by_source.setdefault(m["source"], []).append(m)
    personal = by_source["2023_个人_主题教育专题民主生活会_机关党支部书记.txt"]
    assert {m["role"] for m in personal} == {"个人"}
    assert {m["year"] for m in personal} == {2023}
    theory = [m for m in personal if m["section_kind"] == "problems" and m["dimension"] == "理论学习"]
    assert [m["item_order"] for m in theory] == [0, 1]
    assert theory[0]["text"].startswith("一是理论武装不深不透")


def test_search_ranks_parking_and_dining_items_first(corpus_index):
    from assistant.draft.retrieve import search_items

    hits = search_items(corpus_index, "停车难 用餐难", k=3)
    assert "停车难" in hits[0].text and ("用餐" in hits[0].text or "用餐" in hits[1].text)
    assert all("停车难" in h.text or "用餐" in h.text or "就餐" in h.text for h in hits[:3])


def test_search_filters_by_role_and_section(corpus_index):
    hits = corpus_index.search("理论学习不够深入", k=5, role="个人", section="causes")
    assert hits and all(h.meta["role"] == "个人" and h.meta["section_kind"] == "causes" for h in hits)



def test_a_narrow_filter_after_a_wide_one_still_finds_the_nearest_items(corpus_index):
    """The fetch size follows how many hits the same filters kept before; a filter that keeps
    almost nothing must still get its k nearest items, exactly as a full scan ranks them."""
    import numpy as np

    query = "停车难 用餐难 充电桩"
    vec = np.asarray(corpus_index.embeddings.embed_query(query))
    got = corpus_index.items.get(include=["embeddings", "metadatas"])
    personal_causes = [(float(np.dot(vec, e)), m["text"]) for e, m in zip(got["embeddings"], got["metadatas"])
                       if m["role"] == "个人" and m["section_kind"] == "causes"]
    expected = [t for _, t in sorted(personal_causes, reverse=True)[:3]]
    assert len(personal_causes) >= 3
    for _ in range(3):  # a filter that keeps most hits teaches a small fetch
        corpus_index.search(query, k=3)
    hits = corpus_index.search(query, k=3, role="个人", section="causes")
    assert [h.text for h in hits] == expected

def test_reingest_changes_nothing(index):
    first = list(ingest_paths([CORPUS], index))
    ids_before = sorted(index.items.get(include=[])["ids"])
    second = list(ingest_paths([CORPUS], index))
    assert all(r.unchanged and r.added == 0 for r in second)
    assert sorted(index.items.get(include=[])["ids"]) == ids_before
    assert sum(r.items for r in first) == len(ids_before)


def test_new_version_of_a_file_replaces_its_records(index, tmp_path):
    src = CORPUS / "2023_个人_主题教育专题民主生活会_机关党支部书记.txt"
    f = tmp_path / src.name
    shutil.copy(src, f)
    list(ingest_paths([f], index))
    text = f.read_text("utf-8").replace("（六）廉洁自律方面。从严治党招数不多。", "（六）廉洁自律方面。一是新加的问题。二是另一条新问题。")
    f.write_text(text, "utf-8")
    (r,) = list(ingest_paths([f], index))
    assert not r.unchanged and r.removed > 0
    live = list(index.live_items())
    assert len(live) == r.items == len(index.items.get(include=[])["ids"])
    texts = {m["text"] for m in live}
    assert "一是新加的问题。" in texts
    assert not any("从严治党招数不多" in t for t in texts)


def test_one_batch_writes_each_material_whole_in_order_and_a_later_file_of_a_name_wins(index, settings, tmp_path):
    """ingest_paths writes materials in batches: results still come one per file, in order,
    a failed file among them; two files named alike in one batch leave only the later one."""
    src = CORPUS / "2023_个人_主题教育专题民主生活会_机关党支部书记.txt"
    for folder, text in (("a", src.read_text("utf-8")),
                         ("b", src.read_text("utf-8").replace("从严治党招数不多", "批次里后来的一条新问题"))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / src.name).write_text(text, "utf-8")
    shutil.copy(CORPUS / "2022_班子_民主生活会_市局管理处.txt", tmp_path / "a" / "管理处.txt")
    (tmp_path / "a" / "坏.docx").write_text("not a zip", "utf-8")
    results = list(ingest_paths([tmp_path / "a", tmp_path / "b"], index))
    assert [r.source for r in results] == [src.name, "坏.docx", "管理处.txt", src.name]
    assert [isinstance(r, Failed) for r in results] == [False, True, False, False]
    live = list(index.live_items())
    texts = {m["text"] for m in live}
    assert any("批次里后来的一条新问题" in t for t in texts) and not any("从严治党招数不多" in t for t in texts)
    assert len(live) == results[2].items + results[3].items == len(index.items.get(include=[])["ids"])
    assert all(r.unchanged for r in index.ingest_many([read_material(tmp_path / "a" / "管理处.txt", settings)]))


def test_half_written_material_is_invisible(index, settings):
    """Items written without their material record (ingest killed) are not served."""
    m = read_material(CORPUS / "2022_班子_民主生活会_市局管理处.txt", settings)
    index.ingest(m)
    index.materials.delete(ids=list(index.ledger()))  # as if the commit never happened
    fresh = Index(settings, embeddings=index.embeddings)
    assert fresh.search("学习方式呆板", k=3) == []
    assert fresh.ingest(m).added > 0  # and the next ingest completes it
    assert fresh.search("学习方式呆板", k=1)[0].meta["dimension"] == "政治定力"


def test_bad_file_is_reported_and_the_rest_go_in(index, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text((CORPUS / "2022_班子_民主生活会_市局管理处.txt").read_text("utf-8"), "utf-8")
    (tmp_path / "bad.docx").write_text("not a zip", "utf-8")
    results = list(ingest_paths([tmp_path], index))
    failed = [r for r in results if isinstance(r, Failed)]
    assert len(failed) == 1 and failed[0].source == "bad.docx" and "docx" in failed[0].message.lower()
    assert len(list(index.live_items())) == 18


@pytest.mark.slow  # a subprocess
def test_persistence_across_processes(cli_env):
    out = run_cli(cli_env, "ingest", str(CORPUS)).stdout
    assert "共 5 份材料，成功 5 份" in out
    again = run_cli(cli_env, "ingest", str(CORPUS)).stdout
    assert again.count("未变化") == 5
    hits = json.loads(run_cli(cli_env, "search", "停车难 用餐难", "-k", "2", "--json").stdout)
    assert "停车难" in hits[0]["text"]
    stats = run_cli(cli_env, "stats").stdout
    assert "材料 5 份，条目 102 条" in stats


@pytest.mark.slow  # a subprocess
def test_parse_cli_json_shape(cli_env):
    out = run_cli(cli_env, "parse", str(CORPUS / "2022_班子_民主生活会_区机关事务中心.txt"), "--json").stdout
    data = json.loads(out)
    assert data["role"] == "班子" and data["year"] == 2022
    kinds = [s["kind"] for s in data["sections"]]
    assert kinds == ["problems", "causes", "measures"]
    dim = data["sections"][0]["dimensions"][2]
    assert dim["name"] == "能力本领" and dim["heading"] == "（三）在能力本领方面。"
    assert dim["items"][1]["examples"][0].startswith("比如，某次视频会议时")
    assert set(dim["items"][0]) >= {"text", "examples"}


@pytest.mark.slow  # a subprocess
def test_parse_cli_bad_file_gives_a_chinese_message(cli_env, tmp_path):
    bad = tmp_path / "材料.docx"
    bad.write_bytes(b"\x00\x01binary")
    proc = run_cli(cli_env, "parse", str(bad), check=False)
    assert proc.returncode == 2
    assert "材料.docx" in proc.stderr and "Traceback" not in proc.stderr
