"""The user's text read back into the typed draft, so that what reads the draft (the sources
beside each block, the fact plan, regeneration, the LLM prompts) sees the document as the
user has it, never the drafter's first version.

The texts stay the document; this keeps the tree in step with them. A paragraph the user kept
or changed a little keeps what it was written from; one they wrote themselves says so."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from assistant.app.document import section_parts, split_dimension_blocks
from assistant.app.store import DraftRecord
from assistant.core.text import marker_end
from assistant.core.types import DimensionDraft, Draft, Paragraph, SourceRef
from assistant.ingest.parse import dimension_name

KEYS = ("preamble", "rectification", "problems", "causes", "measures")
# How alike an edited paragraph must be to the drafted one to still count as written from the
# same sources: a changed word or sentence keeps them, a rewrite does not.
KEPT = 0.6
WRITTEN = SourceRef(kind="user", text="您自己写的文字")


def sync_record(record: DraftRecord, before: dict[str, str] | None = None, keys: Iterable[str] = ()) -> None:
    """Bring record.draft in step with record.texts: the parts whose text differs from
    `before`, and `keys` whatever they hold."""
    if record.draft is None:
        return
    changed = {k for k in KEYS if before is not None and record.texts.get(k, "") != before.get(k, "")}
    for key in KEYS:
        if key in changed or key in keys:
            sync(record.draft, key, record.texts.get(key, ""))


def sync(draft: Draft, key: str, text: str) -> None:
    """One part of the draft rebuilt from its text."""
    if key == "preamble":
        draft.preamble = _carried(Paragraph(text=text.strip()), [draft.preamble] if draft.preamble else [])
    elif key == "problems":
        # Text before the first 方面 heading stays in the text only: a 方面's place in the tree
        # is its place among the headings, as put_dimension counts.
        _, blocks = split_dimension_blocks(text)
        draft.problems = [_dimension(block, n, draft.problems) for n, block in enumerate(blocks)]
    else:
        old = getattr(draft, key)
        setattr(draft, key, [_carried(read_titled(block), old) for block in _paragraphs(text)])


def _paragraphs(text: str) -> list[str]:
    """Numbered paragraphs ("（一）…") as section_parts cuts them; without numbering (上年度整改
    落实情况 is written so), one per blank-line-separated paragraph, as render joins them."""
    if split_dimension_blocks(text)[1]:
        return section_parts(text)
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def _dimension(block: str, n: int, old: list[DimensionDraft]) -> DimensionDraft:
    heading, *lines = block.split("\n")
    heading = heading.strip()
    was = next((d for d in old if d.heading == heading), old[n] if n < len(old) else None)
    items: list[Paragraph] = []
    for line in (ln for ln in lines if ln.strip()):
        cut = marker_end(line, ("shi",))
        if cut or not items:
            items.append(Paragraph(marker=line[:cut], text=line[cut:]))
        else:  # a line the user broke off an item: still that item
            items[-1].text += "\n" + line
    olds = was.items if was else []
    name = was.name if was and was.heading == heading else dimension_name(heading) or heading
    return DimensionDraft(name=name, heading=heading, items=[_carried(p, olds) for p in items])


def read_titled(block: str) -> Paragraph:
    """"（一）理想信念有所松懈。对…" -> title and text, as render.titled writes them."""
    cut = marker_end(block, ("cn_paren",))
    body = block[cut:]
    title, dot, rest = body.partition("。")
    if not cut or not dot or len(title) > 40:
        return Paragraph(text=block)
    return Paragraph(title=title, text=rest)


def _carried(new: Paragraph, old: list[Paragraph]) -> Paragraph:
    """`new` with the sources, facts and links of the old paragraph it was edited from; a
    paragraph like none of the old ones is the user's own."""
    def alike(p: Paragraph) -> float:
        return SequenceMatcher(None, p.title + p.text, new.title + new.text, autojunk=False).ratio()

    best = max(old, key=alike, default=None)
    if best is None or alike(best) < KEPT:
        return new.model_copy(update={"sources": [WRITTEN]})
    # An edit is not marked as such: undo must give back the tree as it was, and the history
    # already says what the user changed.
    return new.model_copy(update={"sources": best.sources, "facts": best.facts, "answers": best.answers,
                                  "topic": best.topic})
