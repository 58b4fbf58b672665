"""The list of 方面 a pasted notice asks the writer to be checked against, and the sentence
it came from.

A notice introduces its list with a lead-in (对照/围绕/重点从/查摆/检视/聚焦/在 … 方面, or a
colon) and ends it with a tail (等N个方面存在的差距和不足); the items are separated by
；, by 、 or by numbering, and an item may hold a ， of its own ("带头严守政治纪律和政治规矩，
维护党的团结统一"). What the notice numbers on its own lines wins; otherwise the first
sentence that holds such a list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core import text as grammar
from assistant.ingest.lines import clean_pasted
from assistant.ingest.parse import dimension_name, strip_numbering

# The words that open the enumeration; the last one before the list counts ("对照党章…，
# 逐一查找自身在政治信仰、党员意识…等6个方面": the list follows 在).
_LEAD = re.compile(r"对照|围绕|重点从|查摆|检视|聚焦|自身在|在|从")
# What closes it: "等方面", "等6个方面", "六个方面", "方面存在的差距和不足".
_TAIL = re.compile(r"等?(?:[一二三四五六七八九十\d]+个)?方面")
_SENTENCE = re.compile(r"[^。！!\n]+")
MAX_ITEM = 40


@dataclass
class NoticeList:
    dimensions: list[str]
    sentence: str  # where the list was read, as the notice has it


def _clean(item: str) -> str:
    item = _TAIL.split(item)[0].strip()
    item = re.sub(r"^[一二三四五六七八九十]是", "", item)
    # a clause the notice elides ("深刻领悟…") or a long explanation is not the item's name
    clauses = [c for c in re.split(r"[，,]", item) if c.strip() and not re.search(r"[…．.]{1,}\s*$", c)]
    joined = "，".join(clauses)
    item = joined if len(joined) <= MAX_ITEM else clauses[0]
    item = re.sub(r"等$", "", item.strip(" 。，,；;：:“”\"'"))
    return dimension_name(strip_numbering(item)).strip("“”\"' ")


def _items(body: str) -> list[str]:
    """Split on ；, else on numbering run on in the sentence (一是…二是…), else on 、 — never
    on a ， inside an item."""
    if re.search(r"[；;]", body):
        parts = re.split(r"[；;]", body)
    elif len(re.findall(r"[一二三四五六七八九十]是", body)) >= 2:
        parts = re.split(r"[一二三四五六七八九十]是", body)
    elif len(re.findall(r"[（(][一二三四五六七八九十\d]+[）)]", body)) >= 2:
        parts = re.split(r"[（(][一二三四五六七八九十\d]+[）)]", body)
    else:
        parts = re.split(r"[、]", body)
    out = [_clean(p) for p in parts]
    return [p for p in dict.fromkeys(out) if 1 < len(p) <= MAX_ITEM]


def _daitou(sentence: str) -> tuple[list[str], bool]:
    """The 带头… items of a sentence, and whether a colon introduces them."""
    if sentence.count("带头") < 2:
        return [], False
    second = sentence.find("带头", sentence.find("带头") + 1)
    colon = max(sentence.rfind("：", 0, second), sentence.rfind(":", 0, second))
    body = sentence[colon + 1:] if colon >= 0 else sentence[sentence.find("带头"):]
    if not re.search(r"[；;]", body):  # "带头…，带头…": each 带头 starts an item
        body = re.sub(r"[，,、](?=带头)", "；", body)
    items = [i for i in _items(body) if i.startswith("带头")]
    return (items if len(items) >= 2 else []), colon >= 0


def _fangmian(sentence: str) -> list[str]:
    """The items before "等…方面", after the last lead-in or colon; or a 一是…二是… run."""
    runs = list(re.finditer(r"[一二三四五六七八九十]是", sentence))
    if len(runs) >= 2:  # "一是政治信仰方面，二是党员意识方面…"
        items = _items(sentence[runs[0].start():])
        return items if len(items) >= 2 else []
    tail = _TAIL.search(sentence)
    if not tail:
        return []
    head = sentence[: tail.start()]
    leads = list(_LEAD.finditer(head))
    colon = max(head.rfind("："), head.rfind(":"))
    start = max(leads[-1].end() if leads else 0, colon + 1)
    items = _items(head[start:])
    return items if len(items) >= 2 else []


def _from_sentence(sentence: str) -> list[str]:
    daitou, introduced = _daitou(sentence)
    if daitou and introduced:
        return daitou
    # "要带头学习，带头查摆问题，重点对照…等六个方面": 带头 in passing is no list when the
    # sentence enumerates its 方面 as well
    other = _fangmian(sentence)
    return other if len(other) > len(daitou) else daitou


def _numbered_lines(text: str) -> NoticeList | None:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    hits = [ln for ln in lines if grammar.marker(ln, grammar.HEADING_STYLES)
            and ("方面" in ln or strip_numbering(ln).startswith("带头"))]
    items = [_clean(re.split(r"[。：:]", ln)[0]) for ln in hits]
    items = [i for i in dict.fromkeys(items) if 1 < len(i) <= MAX_ITEM]
    return NoticeList(items, "\n".join(hits)) if len(items) >= 2 else None


def read_notice(text: str) -> NoticeList | None:
    """The notice's list of 方面 and where it was read; None when it has none."""
    if not (text or "").strip():
        return None
    # Notices are pasted from web pages and PDFs, and passed on in traditional characters.
    text = grammar.simplified(clean_pasted(text))
    found = _numbered_lines(text)
    if found:
        return found
    for m in _SENTENCE.finditer(text):
        items = _from_sentence(m.group(0))
        if items:
            return NoticeList(items, m.group(0).strip())
    return None
