"""Command line: `python -m assistant …`: drafting, review and export through the service
layer (app/service.py); the corpus commands are in cli_corpus.py, `versions` in cli_versions.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from assistant.app import cli_corpus, cli_office
from assistant.app.cli_common import console, err, fail, load_settings
from assistant.core.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="对照：对照检查材料起草助手")
cli_corpus.register(app)


def _request(role, unit, post, year, meeting, theme, facts_file, dimensions, notice_file):
    from assistant.core.types import Request
    from assistant.draft.facts import split_facts

    def read(path: Optional[Path]) -> str:
        if path is None:
            return ""
        from assistant.ingest.load import load_plain

        try:
            return load_plain(path)
        except InputError as e:
            fail(e.user_message)

    dims = [d for d in re.split(r"[,，、;；\n]", dimensions or "") if d.strip()]
    try:
        return Request(role=role, unit=unit, post=post, year=year, meeting=meeting, theme=theme,
                       facts=split_facts(read(facts_file)), dimensions=dims, notice=read(notice_file))
    except ValueError:
        fail(f"角色应为 班子、个人 或 支部，收到：{role}")


@app.command()
def structure(
    role: Annotated[str, typer.Option(help="班子/个人/支部")] = "个人",
    year: Annotated[Optional[int], typer.Option(help="会议年度，如 2025")] = None,
    meeting: Annotated[str, typer.Option(help="民主生活会/专题民主生活会/组织生活会")] = "民主生活会",
    notice_file: Annotated[Optional[Path], typer.Option(help="通知文本文件，从中提取方面清单")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
):
    """给出本次会议应对照的方面清单，并说明来源。"""
    from assistant.app import service
    from assistant.ingest.index import Index

    req = _request(role, "", "", year, meeting, "", None, None, notice_file)
    settings = load_settings()
    s = service.structure(settings, req, Index(settings).materials_list())
    if as_json:
        print(json.dumps({"dimensions": s.dimensions, "source": s.source.value, "guess": s.guess,
                          "reason": s.reason, "meeting_id": s.meeting_id}, ensure_ascii=False, indent=2))
        return
    for n, d in enumerate(s.dimensions, 1):
        console.print(f"{n}. {d}")
    console.print(("[yellow]（推测）[/yellow]" if s.guess else "") + s.reason)


@app.command()
def draft(
    role: Annotated[str, typer.Option(help="班子/个人/支部")] = "个人",
    unit: Annotated[str, typer.Option(help="单位名称")] = "",
    post: Annotated[str, typer.Option(help="职务")] = "",
    year: Annotated[Optional[int], typer.Option(help="会议年度")] = None,
    meeting: Annotated[str, typer.Option(help="会议类型")] = "民主生活会",
    theme: Annotated[str, typer.Option(help="会议主题")] = "",
    facts_file: Annotated[Optional[Path], typer.Option(help="本年度具体事实，一行一条")] = None,
    dimensions: Annotated[Optional[str], typer.Option(help="自定义方面清单，用顿号或逗号分隔")] = None,
    notice_file: Annotated[Optional[Path], typer.Option(help="通知文本文件")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md、txt 或 json")] = "md",
    llm: Annotated[bool, typer.Option("--llm", help="使用已配置的大模型服务")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="先列出每条事实的类型和归入的方面（输出到标准错误）")] = False,
):
    """起草一份对照检查材料（默认离线生成，不需要大模型）。"""
    from assistant.app import service
    from assistant.draft.render import to_markdown, to_text

    req = _request(role, unit, post, year, meeting, theme, facts_file, dimensions, notice_file)
    drafter, notes = service.drafter(load_settings(), llm=llm)
    for note in notes:
        err.print(f"[yellow]{note}[/yellow]")
    with console.status("正在起草……") if fmt != "json" else _nullcontext():
        result = drafter.draft(req)
    if explain:
        _explain(result.facts, result.structure.dimensions)
    if fmt == "json":
        print(result.model_dump_json(indent=2))
    else:
        print(to_markdown(result) if fmt == "md" else to_text(result))
    for note in result.notes:
        err.print(f"[yellow]提示：{note}[/yellow]")


def _explain(facts, dimensions: list[str]) -> None:
    """The fact plan, as the user sees it before the draft: each fact under its 方面."""
    from assistant.draft.explain import plan_lines

    for line in plan_lines(facts, dimensions):
        err.print(line, highlight=False, markup=False)


@app.command()
def plan(
    role: Annotated[str, typer.Option(help="班子/个人/支部")] = "个人",
    unit: Annotated[str, typer.Option(help="单位名称")] = "",
    post: Annotated[str, typer.Option(help="职务")] = "",
    year: Annotated[Optional[int], typer.Option(help="会议年度")] = None,
    meeting: Annotated[str, typer.Option(help="会议类型")] = "民主生活会",
    facts_file: Annotated[Optional[Path], typer.Option(help="本年度具体事实，一行一条")] = None,
    dimensions: Annotated[Optional[str], typer.Option(help="自定义方面清单，用顿号或逗号分隔")] = None,
    notice_file: Annotated[Optional[Path], typer.Option(help="通知文本文件")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
):
    """只做起草前的第一步：每条事实是问题、成效还是背景，归入哪个方面，为什么。"""
    from assistant.app import service

    req = _request(role, unit, post, year, meeting, "", facts_file, dimensions, notice_file)
    drafter, _ = service.drafter(load_settings())
    p, _ = drafter.plan(req)
    if as_json:
        data = {"structure": p.structure.model_dump(mode="json"),
                "writer": {"kind": p.writer.kind.value, "unit_type": p.writer.unit_type,
                           "party_org": p.writer.party_org, "rank": p.writer.rank,
                           "powers": sorted(x.value for x in p.writer.powers)},
                "facts": [f.model_dump(mode="json") for f in p.facts]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _explain(p.facts, p.structure.dimensions)


def _nullcontext():
    from contextlib import nullcontext

    return nullcontext()


SEVERITY_NAMES = {"error": "错误", "warning": "提醒", "info": "说明"}
SEVERITY_STYLES = {"error": "red", "warning": "yellow", "info": "cyan"}


def _load_text(file: Path) -> str:
    from assistant.ingest.load import load_file

    try:
        loaded = load_file(file)
    except InputError as e:
        fail(e.user_message)
    for note in loaded.notes:
        err.print(f"提示：{note}")
    return loaded.text


@app.command()
def audit(
    file: Path,
    role: Annotated[Optional[str], typer.Option(help="指定角色：班子/个人/支部")] = None,
    year: Annotated[Optional[int], typer.Option(help="指定年度")] = None,
    meeting: Annotated[Optional[str], typer.Option(help="指定会议类型，如 民主生活会")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
):
    """按审核要求检查一份材料：方面是否齐全、是否见人见事、术语是否规范、口吻、占位符等。"""
    from rich.markup import escape

    from assistant.app import service
    from assistant.core.types import Role
    from assistant.review.audit import summary

    text = _load_text(file)
    if role is not None and role not in {r.value for r in Role}:
        fail(f"角色应为 班子、个人 或 支部，收到：{role}")
    findings = service.audit(load_settings(), text, role=role, year=year, meeting=meeting)
    if as_json:
        print(json.dumps([f.model_dump(mode="json") for f in findings], ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{file.name}[/bold]：{summary(findings)}")
    for sev in ("error", "warning", "info"):
        group = [f for f in findings if f.severity.value == sev]
        if not group:
            continue
        style = SEVERITY_STYLES[sev]
        console.print(f"\n[bold {style}]{SEVERITY_NAMES[sev]}（{len(group)}）[/bold {style}]")
        for n, f in enumerate(group, 1):
            # The material's own words may hold [brackets]; rich must not read them as markup.
            console.print(f"{n}. [bold]{escape(f.location)}[/bold]  〔{f.rule}〕", highlight=False)
            console.print(f"   {f.message}", highlight=False, markup=False)
            if f.excerpt:
                console.print(f"   原文：{f.excerpt}", highlight=False, markup=False)
            if f.suggestion:
                console.print(f"   建议：{f.suggestion}", highlight=False, markup=False)


@app.command()
def export(
    file: Path,
    docx: Annotated[Path, typer.Option("--docx", help="输出的 .docx 文件路径")],
    unit: Annotated[str, typer.Option(help="单位（标题下署名行）")] = "",
    name: Annotated[str, typer.Option(help="姓名（标题下署名行）")] = "",
    post: Annotated[str, typer.Option(help="职务（标题下署名行）")] = "",
):
    """把材料文本导出为公文格式的 Word 文件（A4，仿宋三号，固定行距28磅，页码居外侧）。"""
    from assistant.app import service
    from assistant.export.docx import DocHeader
    from assistant.export.outline import from_text

    text = _load_text(file)
    if not text.strip():
        fail(f"{file}：文件中没有文字")
    outline = from_text(text, byline=DocHeader(unit=unit, name=name, post=post).line())
    try:
        out = service.export(outline, docx, "docx")
    except InputError as e:
        fail(e.user_message)
    console.print(f"已导出：{out}", highlight=False)


@app.command()
def revise(
    last_year_file: Path,
    role: Annotated[Optional[str], typer.Option(help="今年的角色：班子/个人/支部；默认与上年度材料相同")] = None,
    unit: Annotated[str, typer.Option(help="单位名称")] = "",
    post: Annotated[str, typer.Option(help="职务")] = "",
    year: Annotated[Optional[int], typer.Option(help="今年的会议年度")] = None,
    meeting: Annotated[str, typer.Option(help="今年的会议类型")] = "民主生活会",
    facts_file: Annotated[Optional[Path], typer.Option(help="本年度具体事实（含整改成效），一行一条")] = None,
    notice_file: Annotated[Optional[Path], typer.Option(help="今年的通知文本文件")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md、txt 或 json")] = "md",
):
    """读上年度材料，报告整改落实情况，并起草今年的材料（不重复上年度的表述）。"""
    from assistant.app import service
    from assistant.draft.render import to_markdown, to_text
    from assistant.ingest.corpus import read_material

    settings = load_settings()
    try:
        last = read_material(last_year_file, settings)
    except InputError as e:
        fail(e.user_message)
    from assistant.draft.last_year import old_problems

    if not last.sections and not old_problems(last):
        fail(f"{last_year_file.name}：没有识别出章节结构或问题清单，请确认这是一份对照检查材料或去年查摆的问题清单。")
    role = role or (last.role.value if last.role else "个人")
    req = _request(role, unit, post, year or ((last.year or 2024) + 1), meeting, "", facts_file, None, notice_file)
    drafter, _ = service.drafter(settings)
    with console.status("正在起草……") if fmt != "json" else _nullcontext():
        result, repeats = service.revise(drafter, req, last)
    if fmt == "json":
        data = json.loads(result.model_dump_json())
        data["repeats"] = [r.__dict__ for r in repeats]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    print(to_markdown(result) if fmt == "md" else to_text(result))
    err.print(f"与上年度材料相近的句子：{len(repeats)} 处")
    for r in repeats:
        err.print(f"  ⚠ {r.new}\n    上年度：{r.old}（相似度 {r.cosine:.2f}，字面重合 {r.overlap:.0%}）")


from assistant.app.cli_versions import app as versions_app  # noqa: E402 (after the commands above)

app.add_typer(versions_app, name="versions")
cli_office.register(app)


def main() -> None:
    app()
