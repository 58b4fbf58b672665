"""The fact plan from the command line: `plan --json`, `draft --explain`, and facts files
as users bring them (empty, without an extension)."""

import json
import subprocess
import sys

import pytest
from support import ROOT

pytestmark = pytest.mark.slow  # each test starts the CLI in a subprocess

FACTS = "全年到村里调研只有5次\n学习笔记达到3万字\n分管财务和后勤\n"


def cli(args, env, timeout=600):
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout)


def test_plan_json_lists_each_fact_with_kind_place_and_reason(tmp_path, cli_env):
    facts = tmp_path / "facts.txt"
    facts.write_text(FACTS, "utf-8")
    p = cli(["plan", "--role", "个人", "--unit", "某镇", "--post", "副镇长", "--year", "2024",
             "--facts-file", str(facts), "--json"], cli_env)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    by_text = {f["text"]: f for f in data["facts"]}
    assert by_text["全年到村里调研只有5次"]["kind"] == "problem"
    assert by_text["全年到村里调研只有5次"]["dimension"] == "带头增强党性、严守纪律、砥砺作风"
    assert by_text["全年到村里调研只有5次"]["reason"]
    assert by_text["学习笔记达到3万字"]["kind"] == "progress"
    assert by_text["分管财务和后勤"]["destination"] == "context"
    assert data["writer"]["party_org"] == "党委" and "分管" in data["writer"]["powers"]


def test_draft_explain_prints_the_plan_before_the_draft(tmp_path, cli_env):
    facts = tmp_path / "facts.txt"
    facts.write_text(FACTS, "utf-8")
    p = cli(["draft", "--role", "个人", "--year", "2024", "--facts-file", str(facts), "--explain", "--format", "txt"],
            cli_env)
    assert p.returncode == 0, p.stderr
    assert "【带头增强党性、严守纪律、砥砺作风】" in p.stderr and "全年到村里调研只有5次（问题" in p.stderr
    assert "【成效：写进前言】" in p.stderr and "【背景：不写成事例】" in p.stderr
    assert "比如，全年到村里调研只有5次" in p.stdout


@pytest.mark.parametrize("name,content", [("empty.txt", b""), ("blank.txt", b"\n  \n"), ("facts", FACTS.encode("gbk"))])
def test_a_facts_file_is_text_whatever_its_name_and_may_be_empty(tmp_path, cli_env, name, content):
    facts = tmp_path / name
    facts.write_bytes(content)
    p = cli(["draft", "--role", "班子", "--unit", "县财政局", "--year", "2025", "--facts-file", str(facts),
             "--format", "json"], cli_env)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert [len(x["items"]) >= 2 for x in d["problems"]] == [True] * 5
    problems = "".join(i["text"] for x in d["problems"] for i in x["items"])
    if content.strip():
        assert "比如，全年到村里调研只有5次" in problems
    else:
        assert problems.count("【待补充") >= 10 and not d["facts"]
