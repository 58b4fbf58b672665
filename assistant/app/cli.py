"""Command line: `python -m assistant …`. A thin adapter over the pipeline modules."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from assistant.core import log
from assistant.core.errors import InputError
from assistant.core.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="对照：对照检查材料起草助手")
console = Console()
err = Console(stderr=True)

SECTION_NAMES = {
    "rectification": "整改落实情况",
    "problems": "存在的问题",
    "causes": "原因剖析",
    "measures": "整改措施",
    "other": "其他",
}


def _settings() -> Settings:
    import logging

    from assistant.app.data_check import check_all

    settings = Settings()
    log.setup(settings.data_dir, stderr_level=logging.WARNING)
    check_all()
    return settings


def _fail(message: str) -> None:
    err.print(f"[red]错误：[/red]{message}")
    raise typer.Exit(2)


def material_json(material) -> dict:
    """The JSON shape outside checks read; extra keys may be added, never removed."""
    return {
        "title": material.title,
        "role": material.role.value if material.role else None,
        "year": material.year,
        "meeting": material.meeting,
        "theme": material.theme,
        "source": material.source,
        "preamble": material.preamble,
        "warnings": material.warnings,
        "sections": [
            {
                "kind": s.kind.value,
                "heading": s.heading,
                "intro": s.intro,
                "dimensions": [
                    {
                        "heading": d.heading,
                        "name": d.name,
                        "order": d.order,
                        "intro": d.intro,
                        "items": [
                            {
                                "text": i.text,
                                "marker": i.marker,
                                "judgement": i.judgement,
                                "examples": i.examples,
                            }
                            for i in d.items
                        ],
                    }
                    for d in s.dimensions
                ],
            }
            for s in material.sections
        ],
    }


@app.command()
def parse(
    file: Path,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    year: Annotated[Optional[int], typer.Option(help="指定年度")] = None,
    role: Annotated[Optional[str], typer.Option(help="指定角色：班子/个人/支部")] = None,
):
    """解析一份材料，显示其结构（章节、方面、问题条目、事例）。"""
    from assistant.ingest.corpus import read_material

    try:
        m = read_material(file, _settings(), year=year, role=role)
    except InputError as e:
        _fail(e.user_message)
    if as_json:
        print(json.dumps(material_json(m), ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{m.title or '（无标题）'}[/bold]")
    console.print(
        f"年度：{m.year or '未知'}  角色：{m.role.value if m.role else '未知'}  "
        f"会议：{m.meeting or '未知'}  主题：{m.theme or '—'}"
    )
    for s in m.sections:
        console.print(f"\n[bold]{s.heading or '（无标题章节）'}[/bold]  〔{SECTION_NAMES[s.kind.value]}〕")
        for d in s.dimensions:
            label = d.name or "（未分方面）"
            console.print(f"  {label}  —  {len(d.items)} 条")
            for i in d.items:
                mark = "★" if i.examples else " "
                console.print(f"    {mark} {i.marker}{i.judgement[:40]}")
    for w in m.warnings:
        console.print(f"[yellow]提示：{w}[/yellow]")


@app.command()
def ingest(paths: list[Path]):
    """把文件或文件夹中的材料解析后存入检索库（未变化的文件自动跳过）。"""
    from assistant.ingest.corpus import Failed, discover, ingest_paths
    from assistant.ingest.index import Index

    settings = _settings()
    files = discover(paths)
    if not files:
        _fail("没有找到可导入的材料（支持 .txt .md .docx .pdf）。")
    index = Index(settings)
    results = []
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        console=err, transient=True,
    ) as bar:
        task = bar.add_task("导入材料", total=len(files))
        for r in ingest_paths(files, index, on_file=lambda p: bar.update(task, description=f"导入 {p.name}")):
            results.append(r)
            bar.advance(task)
    failed = 0
    for r in results:
        if isinstance(r, Failed):
            failed += 1
            console.print(f"[red]✗ {r.source}：{r.message}[/red]")
        elif r.unchanged:
            console.print(f"· {r.source}：{r.items} 条，未变化")
        else:
            console.print(f"✓ {r.source}：{r.items} 条（新增 {r.added}，移除 {r.removed}）")
    ok = len(results) - failed
    console.print(f"共 {len(results)} 份材料，成功 {ok} 份，失败 {failed} 份。")
    if failed and not ok:
        raise typer.Exit(1)


@app.command()
def stats():
    """检索库统计：材料数、条目数，按年度、角色、章节分列。"""
    from assistant.ingest.index import Index

    index = Index(_settings())
    mats = index.materials_list()
    items = list(index.live_items())
    console.print(f"材料 {len(mats)} 份，条目 {len(items)} 条")
    for label, key, rows in (
        ("按年度", "year", mats),
        ("按角色", "role", mats),
        ("按章节（条目）", "section_kind", items),
    ):
        counts = Counter(str(r.get(key) or "未知") for r in rows)
        shown = "  ".join(
            f"{SECTION_NAMES.get(k, k)}：{v}" for k, v in sorted(counts.items())
        )
        console.print(f"{label}：{shown}")


@app.command()
def search(
    query: str,
    role: Annotated[Optional[str], typer.Option(help="只看 班子/个人/支部 的材料")] = None,
    section: Annotated[
        Optional[str], typer.Option(help="rectification/problems/causes/measures/other")
    ] = None,
    k: Annotated[int, typer.Option("-k", help="返回条数")] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
):
    """在检索库中查找与查询最相近的条目。"""
    from assistant.draft.retrieve import search_items
    from assistant.ingest.index import Index

    index = Index(_settings())
    hits = search_items(index, query, k=k, role=role, section=section)
    if as_json:
        print(json.dumps([{"text": h.text, "score": round(h.score, 4), **h.meta} for h in hits],
                         ensure_ascii=False, indent=2))
        return
    if not hits:
        console.print("没有找到相关条目。检索库为空时请先运行：python -m assistant ingest corpus")
    for n, h in enumerate(hits, 1):
        m = h.meta
        console.print(
            f"[bold]{n}. {h.score:.3f}[/bold]  {m.get('year') or '?'} {m.get('role')} · "
            f"{SECTION_NAMES.get(m.get('section_kind', ''), '')} · {m.get('dimension') or '—'} · {m.get('source')}"
        )
        console.print(f"   {h.text[:160]}")


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
            _fail(e.user_message)

    dims = [d for d in re.split(r"[,，、;；\n]", dimensions or "") if d.strip()]
    try:
        return Request(role=role, unit=unit, post=post, year=year, meeting=meeting, theme=theme,
                       facts=split_facts(read(facts_file)), dimensions=dims, notice=read(notice_file))
    except ValueError:
        _fail(f"角色应为 班子、个人 或 支部，收到：{role}")


@app.command()
def structure(
    role: Annotated[str, typer.Option(help="班子/个人/支部")] = "个人",
    year: Annotated[Optional[int], typer.Option(help="会议年度，如 2025")] = None,
    meeting: Annotated[str, typer.Option(help="民主生活会/专题民主生活会/组织生活会")] = "民主生活会",
    notice_file: Annotated[Optional[Path], typer.Option(help="通知文本文件，从中提取方面清单")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
):
    """给出本次会议应对照的方面清单，并说明来源。"""
    from assistant.draft.structure import choose_structure, load_registry
    from assistant.ingest.index import Index

    req = _request(role, "", "", year, meeting, "", None, None, notice_file)
    settings = _settings()
    s = choose_structure(req, registry=load_registry(settings.data_dir / "meetings.yaml"),
                         corpus_materials=Index(settings).materials_list())
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
    from assistant.draft.drafter import Drafter
    from assistant.draft.render import to_markdown, to_text
    from assistant.ingest.index import Index

    req = _request(role, unit, post, year, meeting, theme, facts_file, dimensions, notice_file)
    settings = _settings()
    if llm:
        from assistant.app.llm_settings import effective_settings

        settings = effective_settings(settings)  # the settings page's file, DUIZHAO_LLM_* over it
        if not settings.llm_base_url:
            err.print("[yellow]未配置大模型服务（“设置”页或 DUIZHAO_LLM_BASE_URL），改用离线方式生成。[/yellow]")
    drafter = Drafter.from_settings(settings, Index(settings), use_llm=llm)
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
    from assistant.draft.drafter import Drafter
    from assistant.ingest.index import Index

    req = _request(role, unit, post, year, meeting, "", facts_file, dimensions, notice_file)
    settings = _settings()
    drafter = Drafter(settings, Index(settings))
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
        return load_file(file).text
    except InputError as e:
        _fail(e.user_message)


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

    from assistant.core.types import Role
    from assistant.draft.structure import load_registry
    from assistant.review.audit import audit_text, summary

    text = _load_text(file)
    if role is not None and role not in {r.value for r in Role}:
        _fail(f"角色应为 班子、个人 或 支部，收到：{role}")
    registry = load_registry(_settings().data_dir / "meetings.yaml")
    findings = audit_text(text, role=role, year=year, meeting=meeting, registry=registry)
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
    from assistant.export.docx import DocHeader, export_docx

    text = _load_text(file)
    if not text.strip():
        _fail(f"{file}：文件中没有文字")
    header = DocHeader(unit=unit, name=name, post=post) if (unit or name or post) else None
    try:
        out = export_docx(text, docx, header=header)
    except OSError:
        _fail(f"{docx}：无法写入（请检查路径和权限，或先关闭正在打开该文件的 Word/WPS）")
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
    from assistant.draft.drafter import Context, Drafter
    from assistant.draft.last_year import RepeatChecker, material_sentences
    from assistant.draft.render import section_text, to_markdown, to_text
    from assistant.ingest.corpus import read_material
    from assistant.ingest.index import Index

    settings = _settings()
    try:
        last = read_material(last_year_file, settings)
    except InputError as e:
        _fail(e.user_message)
    if not last.sections:
        _fail(f"{last_year_file.name}：没有识别出章节结构，请确认这是一份对照检查材料。")
    role = role or (last.role.value if last.role else "个人")
    req = _request(role, unit, post, year or ((last.year or 2024) + 1), meeting, "", facts_file, None, notice_file)
    drafter = Drafter(settings, Index(settings))
    with console.status("正在起草……") if fmt != "json" else _nullcontext():
        result = drafter.draft(req, ctx=Context(last_year=last))
    checker = RepeatChecker(material_sentences(last), drafter.vec)
    keys = ["preamble", "problems", "causes", "measures"]
    repeats = checker.repeats({k: section_text(result, k) for k in keys})
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


def main() -> None:
    app()
