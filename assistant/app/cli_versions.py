"""`versions`: the history of a saved draft on the command line — list, show, diff, undo
and restore — through the same service as the browser."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from assistant.app.cli_common import load_settings
from assistant.app.store import DraftRecord, DraftStore
from assistant.app.workspace import SECTION_LABELS, Workspace

app = typer.Typer(no_args_is_help=True, help="草稿的历史版本：列出、查看、比较、恢复")
err = Console(stderr=True)
ORDER = ["preamble", "rectification", "problems", "causes", "measures"]


def _workspace() -> Workspace:
    settings = load_settings()
    return Workspace(settings, None, DraftStore(settings.drafts_dir))


def _record(ws: Workspace, draft_id: str) -> DraftRecord:
    record = ws.store.find(draft_id)
    if record is None:
        err.print(f"[red]没有找到草稿 {draft_id}（用 versions list 查看已保存的草稿）[/red]")
        raise typer.Exit(1)
    return record


@app.command("list")
def list_(draft_id: Annotated[str, typer.Argument(help="草稿编号；不填则列出全部草稿")] = ""):
    """列出已保存的草稿，或一份草稿的全部版本（最新在前）。"""
    ws = _workspace()
    if not draft_id:
        for owner in ws.store.owners():
            records, bad = ws.store.scan(owner)
            for r in records:
                print(f"{r.id}\t{r.label}\t{len(r.versions)} 个版本")
            for u in bad:
                print(f"无法读取\t{u.file}\t{u.reason}")
        return
    record = _record(ws, draft_id)
    for label, _ in ws.versions(record):
        print(label)


@app.command()
def show(draft_id: str, n: Annotated[int, typer.Argument(help="版本号")]):
    """打印某个版本的全文（按前言、整改情况、问题、原因、措施的顺序）。"""
    ws = _workspace()
    record = _record(ws, draft_id)
    if not 0 <= n < len(record.versions):
        err.print(f"[red]没有第 {n} 版（共 {len(record.versions)} 个版本）[/red]")
        raise typer.Exit(1)
    texts = record.versions[n].texts
    for key in ORDER + sorted(set(texts) - set(ORDER)):
        if texts.get(key, "").strip():
            print(f"【{SECTION_LABELS.get(key, key)}】\n{texts[key].strip()}\n")


@app.command()
def diff(draft_id: str, a: int, b: int):
    """比较两个版本：- 原句，+ 新句，只列出改动的句子。"""
    ws = _workspace()
    print(ws.diff(_record(ws, draft_id), a, b))


@app.command()
def restore(draft_id: str, n: int):
    """恢复到某个版本（作为新版本保存，原来的内容仍在历史中）。"""
    ws = _workspace()
    record = _record(ws, draft_id)
    _, message = ws.restore(record.owner, record.id, n)
    print(message)
