"""What the page shows of a record: its markdown, table and dropdown values, in the order
of the layout's view outputs. Nothing here changes a record."""

from __future__ import annotations

import re

import gradio as gr

from assistant.app.markdown import md_text
from assistant.app.store import ChatTurn, DraftRecord, DraftStore
from assistant.app.workspace import SECTION_LABELS, Workspace
from assistant.draft.explain import placement_note
from assistant.draft.facts import kind_unsure
from assistant.draft.structure import extra_sections_note


def count(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def count_label(full: str) -> str:
    """The length line under the title."""
    return f"全文 {count(full)} 字" if full else ""


def history(store: DraftStore, owner: str, current: str):
    records = store.list(owner) if owner else []
    choices = [(r.label, r.id) for r in records]
    return gr.update(choices=choices, value=current if any(c[1] == current for c in choices) else None)


def structure_note(structure) -> str:
    """Where the 方面 list came from, as the page shows it under the list."""
    extra = extra_sections_note(structure)
    return (f"**方面清单来源**：{md_text(structure.reason)}" + ("（推测，请核对）" if structure.guess else "")
            + (f"\n\n**另需补写**：{md_text(extra)}" if extra else ""))


def view(ws: Workspace, rec: DraftRecord) -> list:
    """Every display component's value, in the order of the layout's `view`."""
    req = rec.request
    draft = rec.draft
    texts = rec.texts
    title = f"## {md_text(draft.title)}" if draft else "## 尚未生成初稿\n在左侧填写信息后点击“生成初稿”，或直接在对话框里说明需求。"
    full = ws.full_text(rec)
    dims = "\n".join(draft.structure.dimensions) if draft else "\n".join(req.dimensions)
    has_rect = bool(draft and draft.rectification)
    notes = ""
    if draft:
        notes = structure_note(draft.structure)
    return [
        rec.id,
        req.role.value,
        req.unit,
        req.post,
        req.year,
        req.meeting,
        req.notice,
        dims,
        "\n".join(req.facts),
        notes,
        [{"role": t.role, "content": t.content} for t in rec.chat],
        title,
        count_label(full),
        texts.get("preamble", ""),
        gr.update(value=texts.get("rectification", ""), visible=has_rect),
        texts.get("problems", ""),
        texts.get("causes", ""),
        texts.get("measures", ""),
        full,
        sources(rec),
        repeats(rec),
        ws.last_year_summary(rec),
        rec.last_year_role or None,
        rec.last_year_year,
        *fact_view(ws, rec),
        *versions(ws, rec),
    ]


def versions(ws: Workspace, rec: DraftRecord) -> list:
    """The version pickers: the current version, and the one before it to compare with."""
    choices = ws.versions(rec)
    cur = rec.versions[rec.head] if rec.head is not None and rec.head < len(rec.versions) else None
    before = cur.parent if cur is not None else None
    return [gr.update(choices=choices, value=cur.n if cur else None),
            gr.update(choices=choices, value=before)]


def unreadable(store: DraftStore, owner: str) -> str:
    """Drafts that could not be read: listed with the reason, never hidden."""
    bad = store.scan(owner)[1] if owner else []
    if not bad:
        return ""
    lines = [f"- {md_text(u.file)}：{md_text(u.reason)}（文件仍保留在原处）" for u in bad]
    return "**以下稿子无法打开：**\n" + "\n".join(lines)


def fact_rows(facts) -> list[list[str]]:
    """One row a fact: its text, kind, where it goes and why, with what the writer should check."""
    return [[f.text, f.kind.label + ("（把握不大，请确认）" if kind_unsure(f) else ""),
             f.label + (f"（{note}）" if (note := placement_note(f)) else ""),
             f.kind_reason if f.destination != "problems" else f.reason] for f in facts]


def fact_view(ws: Workspace, rec: DraftRecord) -> list:
    """The fact plan: each fact, its kind, where it went and why; and the pickers."""
    facts = rec.draft.facts if rec.draft else []
    rows = fact_rows(facts)
    texts = [f.text for f in facts]
    targets = ws.fact_targets(rec)
    return [
        gr.update(value=rows or [["（生成初稿后，这里列出每条具体情况的归类）", "", "", ""]]),
        gr.update(choices=texts, value=texts[0] if texts else None),
        gr.update(choices=targets, value=None),
    ]


def repeats(rec: DraftRecord) -> str:
    if not rec.last_year:
        return "上传上年度材料后，这里列出与上年度材料相近的句子。"
    if not rec.repeats:
        return "已与上年度材料逐句比对，没有发现相近的句子。" if rec.draft else ""
    rows = ["| 部分 | 本年度句子 | 上年度相近句子 | 相似度 | 字面重合 |", "|---|---|---|---|---|"]
    for r in rec.repeats:
        rows.append(f"| {SECTION_LABELS.get(r.key, r.key)} | ⚠ {md_text(r.new)} | {md_text(r.old)} | "
                    f"{r.cosine:.2f} | {r.overlap:.0%} |")
    return f"**发现 {len(rec.repeats)} 处与上年度材料相近的句子，建议改写：**\n\n" + "\n".join(rows)


def describe(p) -> str:
    """What one paragraph was written from, in the user's words."""
    refs = []
    for s in p.sources:
        if s.kind == "fact":
            refs.append(f"您提供的事实：{md_text(s.text[:40])}")
        elif s.kind in ("reference", "corpus"):
            refs.append(f"参考往年材料：{md_text(s.source or '语料')}（{s.year or '?'}年）")
        elif s.kind == "llm":
            refs.append("大模型")
        elif s.kind == "lastyear":
            refs.append("上年度材料")
        elif s.kind == "user":
            refs.append(s.text)
    if any(s.kind == "phrasebank" for s in p.sources):
        refs.insert(0, "素材库")
    return "；".join(dict.fromkeys(refs))


def sources(rec: DraftRecord) -> str:
    if not rec.draft:
        return "生成初稿后，这里列出每段文字的依据：您提供的事实、本产品的素材库，以及可供对照阅读的往年材料。"
    lines = ["文字由素材库和您提供的事实写成；往年材料是其他单位的文字，只用来确定方面和主题，列在这里供您对照阅读，没有照搬。", ""]
    for dim in rec.draft.problems:
        lines.append(f"**{md_text(dim.heading)}**")
        lines += [f"- {p.marker or '·'} {describe(p)}" for p in dim.items]
    lines.append("**原因剖析**")
    lines += [f"- {md_text(p.title)}：{describe(p)}" for p in rec.draft.causes]
    lines.append("**整改措施**")
    lines += [f"- {md_text(p.title)}：{describe(p)}" for p in rec.draft.measures]
    return "\n".join(lines)


def audit(findings, has_draft: bool) -> str:
    from assistant.review.audit import summary

    if not has_draft:
        return "生成初稿后可以检查。"
    icon = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}
    lines = [f"**审核结果：{summary(findings)}**（按组织部门审核材料的常见要求逐项检查，修改后可再次检查）", ""]
    for f in findings:
        lines.append(f"- {icon.get(f.severity.value, '')} **{md_text(f.location)}**：{md_text(f.message)}"
                     + (f" 建议：{md_text(f.suggestion)}" if f.suggestion else ""))
    return "\n".join(lines)


def changed(previous: list | None, current: list) -> list:
    """`current`, with gr.update() (no change) wherever it equals the previous update."""
    if previous is None:
        return current
    return [gr.update() if same(a, b) else b for a, b in zip(previous, current)]


def same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # values that do not compare (arrays): treat as changed
        return False


def turn(role: str, content: str) -> ChatTurn:
    return ChatTurn(role=role, content=content)
