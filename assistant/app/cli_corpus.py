"""The corpus on the command line: parse a material, ingest files into the index, its
statistics, and search it."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn

from assistant.app.cli_common import console, err, fail, load_settings
from assistant.core.errors import InputError
from assistant.ingest.load import SUPPORTED_TEXT

SECTION_NAMES = {
    "rectification": "整改落实情况",
    "problems": "存在的问题",
    "causes": "原因剖析",
    "measures": "整改措施",
    "other": "其他",
}


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


def parse(
    file: Path,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    year: Annotated[Optional[int], typer.Option(help="指定年度")] = None,
    role: Annotated[Optional[str], typer.Option(help="指定角色：班子/个人/支部")] = None,
):
    """解析一份材料，显示其结构（章节、方面、问题条目、事例）。"""
    from assistant.ingest.corpus import read_material

    try:
        m = read_material(file, load_settings(), year=year, role=role)
    except InputError as e:
        fail(e.user_message)
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


def ingest(paths: list[Path]):
    """把文件或文件夹中的材料解析后存入检索库（未变化的文件自动跳过）。"""
    from assistant.ingest.corpus import Failed, discover, ingest_paths
    from assistant.ingest.index import Index

    settings = load_settings()
    files = discover(paths)
    if not files:
        fail(f"没有找到可导入的材料（支持 {SUPPORTED_TEXT}）。")
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


def stats():
    """检索库统计：材料数、条目数，按年度、角色、章节分列。"""
    from assistant.ingest.index import Index

    index = Index(load_settings())
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

    index = Index(load_settings())
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


def warm():
    """预先计算并保存话术库和原型句的向量（`make run` 在启动应用前执行），应用启动后第一次起草不必等待。"""
    from assistant.draft.drafter import Drafter
    from assistant.ingest.index import Index

    settings = load_settings()
    t0 = time.perf_counter()
    # The model loads only if something is not on disk yet; a second run reads and returns.
    embedded = Drafter(settings, Index(settings)).warm_up(load_model=False)
    console.print(f"话术库向量已就绪（新计算 {embedded} 条，用时 {time.perf_counter() - t0:.1f} 秒）。")


def register(app: typer.Typer) -> None:
    for command in (parse, ingest, stats, search, warm):
        app.command()(command)
