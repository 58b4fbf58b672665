"""Versions of a saved draft: every change to the text kept, undo and redo anywhere, a diff
of any two versions.

A version is the whole text of every section after one change, with when, what made it and
a one-line summary. Versions are only ever appended: undo and redo move the record's `head`
along the versions' parents, and restoring an old version appends a new one, so nothing a
user once had is lost. Changes of one run of an action (a draft streaming section by
section) or quick successive edits of one section are one version, not dozens.
"""

from __future__ import annotations

import difflib
import html
import time
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from assistant.core import text as grammar

if TYPE_CHECKING:
    from assistant.app.store import DraftRecord

# Typing in one section within this many seconds of its last saved edit is one version.
EDIT_WINDOW = 60.0


class Version(BaseModel):
    model_config = ConfigDict(extra="forbid")

    n: int
    time: float = Field(default_factory=time.time)
    what: str = Field(description="what made it: 起草、编辑、重新生成、对话指令、修订、导入、恢复")
    summary: str = ""
    texts: dict[str, str] = Field(default_factory=dict)
    parent: int | None = None
    group: str = Field("", description="one run of an action, or one section's edits")


def record(rec: DraftRecord, before: dict[str, str], what: str, group: str, labels: dict[str, str]) -> None:
    """After a change: a new version when the texts changed, or the open one extended when
    the change continues it (same run of an action, or the same section typed again soon)."""
    if rec.texts == before:
        return
    now = time.time()
    if not rec.versions and any(before.values()):
        # text that was there before any version was kept: keep it, so this change can be undone
        rec.versions.append(Version(n=0, time=now, what="原有内容", texts=dict(before)))
        rec.head = 0
    last = rec.versions[-1] if rec.versions else None
    if (last is not None and group and last.group == group and rec.head == last.n and not rec.redo
            and (not group.startswith("edit:") or now - last.time < EDIT_WINDOW)):
        base = rec.versions[last.parent].texts if last.parent is not None else {}
        if last.parent is not None and rec.texts == base and last.n == len(rec.versions) - 1:
            rec.versions.pop()  # typed and typed back: no version
            rec.head = last.parent
            return
        last.texts, last.time, last.summary = dict(rec.texts), now, _summary(base, rec.texts, labels)
        return
    v = Version(n=len(rec.versions), time=now, what=what, summary=_summary(before, rec.texts, labels),
                texts=dict(rec.texts), parent=rec.head, group=group)
    rec.versions.append(v)
    rec.head = v.n
    rec.redo = []


def _summary(a: dict[str, str], b: dict[str, str], labels: dict[str, str]) -> str:
    changed = [k for k in dict.fromkeys([*a, *b]) if a.get(k, "") != b.get(k, "")]
    names = dict.fromkeys(labels.get(_section(k), k) for k in changed)
    return "修改了：" + "、".join(names) if names else ""


def undo(rec: DraftRecord) -> str:
    cur = _current(rec)
    if cur is None or cur.parent is None:
        return "已经是最早的版本，没有可以撤销的修改。"
    rec.redo.append(cur.n)
    rec.head = cur.parent
    rec.texts = dict(rec.versions[cur.parent].texts)
    return f"已撤销：{cur.what}（{cur.summary or '无改动'}）。"


def redo(rec: DraftRecord) -> str:
    if not rec.redo:
        return "没有可以重做的修改。"
    n = rec.redo.pop()
    rec.head = n
    rec.texts = dict(rec.versions[n].texts)
    return f"已重做：{rec.versions[n].what}（{rec.versions[n].summary or '无改动'}）。"


def restore(rec: DraftRecord, n: int, labels: dict[str, str]) -> str:
    if not 0 <= n < len(rec.versions):
        return f"没有第 {n} 版。"
    before = dict(rec.texts)
    rec.texts = dict(rec.versions[n].texts)
    record(rec, before, "恢复", "", labels)
    rec.versions[-1].summary = f"恢复到第 {n} 版" + (f"（{rec.versions[-1].summary}）" if rec.texts != before else "")
    return f"已恢复到第 {n} 版，原来的内容仍在历史版本中。"


def _current(rec: DraftRecord) -> Version | None:
    if rec.head is None or not 0 <= rec.head < len(rec.versions):
        return None
    return rec.versions[rec.head]


def _section(key: str) -> str:
    return "problems" if key.startswith("problems") else key


def label(v: Version, current: int | None) -> str:
    when = time.strftime("%m-%d %H:%M:%S", time.localtime(v.time))
    mark = "（当前）" if v.n == current else ""
    return f"第 {v.n} 版 · {when} · {v.what}{mark} · {v.summary or '无改动'}"


# --- diff --------------------------------------------------------------------------------


def diff(a: dict[str, str], b: dict[str, str], order: list[str], labels: dict[str, str]
         ) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Per section, the sentence-level rows (tag, old, new): tag is equal, delete, insert
    or replace. Sentences, not lines: a section is one paragraph per 方面 or item."""
    out = []
    for key in [k for k in order if k in a or k in b] + sorted((set(a) | set(b)) - set(order)):
        old, new = grammar.sentences(a.get(key, "")), grammar.sentences(b.get(key, ""))
        rows: list[tuple[str, str, str]] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if tag == "equal":
                rows += [("equal", s, s) for s in old[i1:i2]]
                continue
            left, right = old[i1:i2], new[j1:j2]
            for k in range(max(len(left), len(right))):
                lo = left[k] if k < len(left) else ""
                ro = right[k] if k < len(right) else ""
                rows.append(("replace" if lo and ro else "delete" if lo else "insert", lo, ro))
        out.append((labels.get(_section(key), key), rows))
    return out


def diff_text(sections) -> str:
    """The diff for a terminal: - old / + new, unchanged sentences left out."""
    lines = []
    for name, rows in sections:
        changed = [r for r in rows if r[0] != "equal"]
        if not changed:
            continue
        lines.append(f"== {name} ==")
        for tag, old, new in changed:
            if old:
                lines.append(f"- {old}")
            if new:
                lines.append(f"+ {new}")
    return "\n".join(lines) or "两个版本的文字相同。"


def diff_html(sections) -> str:
    """Side by side: the old version on the left, the new on the right, changes marked."""
    parts = ['<table class="dz-diff"><tr><th>原版本</th><th>新版本</th></tr>']
    any_change = False
    for name, rows in sections:
        if all(r[0] == "equal" for r in rows):
            continue
        any_change = True
        parts.append(f'<tr><td colspan="2" class="dz-diff-sec"><b>{html.escape(name)}</b></td></tr>')
        for tag, old, new in rows:
            o, n = html.escape(old), html.escape(new)
            if tag == "equal":
                parts.append(f"<tr><td>{o}</td><td>{n}</td></tr>")
            else:
                left = f'<del class="dz-del">{o}</del>' if old else ""
                right = f'<ins class="dz-ins">{n}</ins>' if new else ""
                parts.append(f'<tr class="dz-changed"><td>{left}</td><td>{right}</td></tr>')
    parts.append("</table>")
    return "".join(parts) if any_change else "<p>两个版本的文字相同。</p>"
