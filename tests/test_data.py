"""The reviewed data files and prompts: every one read through its schema, none dead."""

from __future__ import annotations

import shutil

import pytest
import yaml
from pydantic import ValidationError

from assistant.app.data_check import check_all
from assistant.core import content
from assistant.draft import prompts
from assistant.draft.structure import load_registry
from assistant.ingest import parse


def test_every_shipped_data_file_is_read_through_a_schema():
    read = check_all()
    on_disk = {p.relative_to(content.DATA).as_posix() for p in content.DATA.rglob("*.yaml")}
    assert set(read) == on_disk


def test_a_data_file_nothing_reads_stops_the_start(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(content.DATA, copy)
    (copy / "forgotten_rules.yaml").write_text("words: [甲, 乙]\n", "utf-8")
    with pytest.raises(ValueError, match="forgotten_rules.yaml"):
        check_all(copy)


def _with(raw: dict, path: list, value) -> dict:
    node = raw
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return raw


@pytest.mark.parametrize("model,name,path", [
    (parse._Rules, "parse_rules.yaml", ["meeting_kind"]),  # misspelt top-level key
    (parse._Rules, "parse_rules.yaml", ["themes", 0, "keywords"]),  # misspelt nested key
    (content.Topics, "topics.yaml", ["topcis"]),
    (content.Frames, "compose.yaml", ["closings"]),
])
def test_a_misspelt_key_is_an_error_not_a_silent_rule(model, name, path):
    raw = content.read_yaml(content.DATA / name)
    model.model_validate(raw)  # the shipped file is fine
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        model.model_validate(_with(raw, path, "x"))


def test_an_unknown_topic_id_in_a_rule_is_an_error(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(content.DATA, copy)
    raw = content.read_yaml(copy / "dimension_topics.yaml")
    name = next(iter(raw["dimensions"]))
    raw["dimensions"][name]["no_such_topic"] = 1.0
    (copy / "dimension_topics.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    monkeypatch.setattr(content, "DATA", copy)
    content.dimension_topics.cache_clear()
    try:
        with pytest.raises(ValueError, match="no_such_topic"):
            content.dimension_topics()
    finally:
        content.dimension_topics.cache_clear()


def test_a_users_meeting_list_with_an_unknown_field_is_refused_in_chinese(tmp_path):
    user = tmp_path / "meetings.yaml"
    user.write_text(yaml.safe_dump({"meetings": [
        {"id": "mine", "year": 2026, "dimensions": ["甲", "乙"], "them": "错拼的主题"}]},
        allow_unicode=True), "utf-8")
    with pytest.raises(ValueError, match="会议清单有无法识别.*them"):
        load_registry(user)
    user.write_text(yaml.safe_dump({"meetings": [
        {"id": "mine", "year": 2026, "dimensions": ["甲", "乙"], "theme": "本单位主题"}]},
        allow_unicode=True), "utf-8")
    assert any(m.id == "mine" and m.theme == "本单位主题" for m in load_registry(user))


def test_a_missing_prompt_is_named(tmp_path):
    for p in prompts.PROMPTS.glob("*.md"):
        if p.stem != "causes":
            shutil.copy(p, tmp_path / p.name)
    with pytest.raises(prompts.MissingPrompt, match="causes.md"):
        prompts.check(tmp_path)


def test_the_phrase_bank_passes_its_own_review():
    """Every entry of the phrase bank, filled for every writer and unit type it allows, keeps
    to its years' vocabulary, its writers' voice and the corpus's words (content_lint, the
    check a change to the bank is reviewed with): a word given a start year elsewhere cannot
    be left in an entry of an earlier year."""
    from assistant.draft.content_lint import lint

    assert [f"{p}" for p in lint()] == []
