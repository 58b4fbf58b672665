"""The list of 方面 a pasted notice asks the writer to be checked against, and the sentence
it came from.

A notice introduces its list with a lead-in (对照/围绕/重点从/查摆/检视/聚焦/在 … 方面, or a
colon) and ends it with a tail (等N个方面存在的差距和不足); the items are separated by
；, by 、 or by numbering, and an item may hold a ， of its own ("带头严守政治纪律和政治规矩，
维护党的团结统一").

A notice may hold several lists: one for the 支部委员会 and one for each 党员, the 方面 to be
checked beside the 五个带头 asked of everyone, a list of key tasks. Each list is read with
whom it addresses (the last 支部委员会/班子/党员/班子成员… before it) and whether it is a
list to be checked against (对照/检视/查摆…); the writer's role then picks one. When the
role does not settle it, the reading says it is unsure and keeps the others to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.core import text as grammar
from assistant.core.types import Role
from assistant.ingest.lines import clean_pasted
from assistant.ingest.parse import dimension_name, strip_numbering

# The words that open the enumeration; the last one before the list counts ("对照党章…，
# 逐一查找自身在政治信仰、党员意识…等6个方面": the list follows 在).
# 在 and 从 count only as words of their own, not inside 存在/从严治党/从中.
_LEAD = re.compile(r"对照|围绕|重点从|查摆|检视|聚焦|自身在|(?<![存所现实])在(?!于)|从(?![严而中事政])")
# What closes it: "等方面", "等6个方面", "六个方面", "方面存在的差距和不足".
# A list named by its count also ends it, quoted or after 等: 政治纪律、…、生活纪律“六项纪律”;
# an unquoted count inside an item is a name ("落实中央八项规定精神").
_TAIL = re.compile(r"等?(?:[一二三四五六七八九十\d几]+个)?方面|等[“\"]?[一二三四五六七八九十\d]+项[^，。；、]{0,4}[”\"]?"
                   r"|[“\"][一二三四五六七八九十\d]+项[^，。；、”\"]{0,4}[”\"]")
# "对照以下三个方面：（一）…；（二）…" / "聚焦以下几个方面深入查摆问题：1.…": the items follow the colon.
_INTRODUCED = re.compile(r"(?:方面|以下|如下)[^：:，。]{0,12}[：:]")
_SENTENCE = re.compile(r"[^。！!\n]+")
# An item's name may keep its explanation: the 2022 items run to 46 characters
# ("带头学习贯彻习近平新时代中国特色社会主义思想，坚持用党的创新理论武装头脑、指导实践、推动工作").
MAX_ITEM = 50
# An enumeration with no tail ("重点对照政治纪律、组织纪律、…、生活纪律，逐条查找"): at least this
# many short names run on with 、 after a lead-in. Fewer, or longer, are documents or demands.
INLINE_MIN, INLINE_MAX_NAME = 4, 10


# Whom a list addresses: the last of these before it. 支部委员会 and 领导班子 write as one
# body; 党员, 班子成员 and 领导干部 each for themselves.
_AUDIENCE = re.compile(r"支部委员会|支委会|支委班子|支部班子|班子成员|党员领导干部|领导干部|每名党员|"
                       r"全体党员|党员|个人|领导班子|党组|党委(?!员)|班子")
_COLLECTIVE = {"支部委员会", "支委会", "支委班子", "支部班子", "领导班子", "党组", "党委", "班子"}
# A list the writer is to be checked against says so; a list of tasks or of general
# requirements does not.
_CHECK = re.compile(r"对照|检视|查摆|剖析|检查|查找|查改|检讨")
_TASKS = re.compile(r"(?:重点|主要)任务|工作安排|会议议程|方法步骤")
# A clause opened by an audience after ； starts the next list ("…等5个方面；党员围绕…").
_NEXT_AUDIENCE = re.compile(rf"[；;](?=\s*(?:{_AUDIENCE.pattern}))")


@dataclass
class NoticeList:
    dimensions: list[str]
    sentence: str  # where the list was read, as the notice has it
    audience: Role | None = None  # whom it addresses: 班子 (a 支部委员会 too) or 个人 (a 党员 too)
    checks: bool = True  # the notice asks for a check against it, not tasks or requirements
    unsure: bool = False  # the notice holds other lists and the role did not settle which
    others: list[NoticeList] = field(default_factory=list)  # those other lists, to show


def _clean(item: str) -> str:
    item = re.sub(r"^在(?=.+方面)", "", strip_numbering(item.strip()))  # "在政治信仰方面": 政治信仰
    item = _TAIL.split(item)[0].strip()
    item = re.sub(r"^[一二三四五六七八九十]是", "", item)
    # a clause the notice elides ("深刻领悟…") or a long explanation is not the item's name
    clauses = [c for c in re.split(r"[，,]", item) if c.strip() and not re.search(r"[…．.]{1,}\s*$", c)]
    joined = "，".join(clauses)
    item = joined if len(joined) <= MAX_ITEM else clauses[0]
    item = re.sub(r"等$", "", _unquote(item.strip(" 。，,；;：:")))
    return _unquote(dimension_name(strip_numbering(item)).strip(" "))


def _unquote(item: str) -> str:
    """Quotes at the edges that pair with nothing inside go; a pair closed at the end stays
    ("坚决做到“两个维护”")."""
    item = item.strip("\"'")
    while item.startswith("“") and "”" not in item[1:]:
        item = item[1:]
    while item.endswith("”") and "“" not in item[:-1]:
        item = item[:-1]
    if item.startswith("“") and item.endswith("”") and item.count("“") == 1:
        item = item[1:-1]  # the whole item quoted
    return item.strip()


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
        # "强化政治忠诚、提高政治能力，固本培元、增强党性，…": when most ，-parts hold a 、
        # pair, the ， separates the items.
        by_comma = [p for p in re.split(r"[，,]", body) if p.strip()]
        if len(by_comma) >= 2 and 2 * sum("、" in p for p in by_comma) >= len(by_comma):
            parts = by_comma
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


def _after_colon(sentence: str) -> list[str]:
    m = _INTRODUCED.search(sentence)
    items = _items(sentence[m.end():]) if m else []
    return items if len(items) >= 2 else []


def _inline(sentence: str) -> list[str]:
    """A run of short names after a lead-in, closed by the clause's end and by no tail:
    "重点对照政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律，逐条查找差距不足"."""
    for lead in reversed(list(_LEAD.finditer(sentence))):
        clause = re.split(r"[，,：:；;]", sentence[lead.end():])[0]
        names = [n.strip() for n in clause.split("、")]
        if (len(names) >= INLINE_MIN and all(1 < len(n) <= INLINE_MAX_NAME for n in names)
                and not any(re.search(r"[《》]|党章|准则|条例|规定|办法|讲话|精神", n) for n in names)):
            return [_clean(n) for n in names]
    return []


def _from_sentence(sentence: str) -> list[str]:
    daitou, introduced = _daitou(sentence)
    if daitou and introduced:
        return daitou
    introduced_list = _after_colon(sentence)
    if introduced_list:
        return introduced_list
    # "要带头学习，带头查摆问题，重点对照…等六个方面": 带头 in passing is no list when the
    # sentence enumerates its 方面 as well
    other = _fangmian(sentence) or _inline(sentence)
    return other if len(other) > len(daitou) else daitou


def _numbered_runs(text: str) -> list[tuple[int, NoticeList]]:
    """Lists the notice numbers on lines of their own, each run of such lines one list,
    with the offset where it starts."""
    runs: list[tuple[int, list[str]]] = []
    offset, previous_hit = 0, False
    for line in text.split("\n"):
        stripped = line.strip()
        hit = bool(stripped and grammar.marker(stripped, grammar.HEADING_STYLES)
                   and ("方面" in stripped or strip_numbering(stripped).startswith("带头")))
        if hit and previous_hit:
            runs[-1][1].append(stripped)
        elif hit:
            runs.append((offset, [stripped]))
        if stripped:
            previous_hit = hit
        offset += len(line) + 1
    out = []
    for start, hits in runs:
        items = [_clean(re.split(r"[。：:]", ln)[0]) for ln in hits]
        items = [i for i in dict.fromkeys(items) if 1 < len(i) <= MAX_ITEM]
        if len(items) >= 2:
            out.append((start, NoticeList(items, "\n".join(hits))))
    return out


def _sentence_lists(text: str) -> list[tuple[int, NoticeList]]:
    out = []
    for m in _SENTENCE.finditer(text):
        start = m.start()
        for part in _NEXT_AUDIENCE.split(m.group(0)):
            items = _from_sentence(part)
            if items:
                out.append((start, NoticeList(items, part.strip())))
            start += len(part) + 1
    return out


def _addressed(before: str, found: NoticeList) -> tuple[Role | None, bool]:
    """Whom a list addresses (the last audience word before its first item, in its sentence
    or the text since the list before it) and whether it asks for a check (a check verb
    there too)."""
    first = found.dimensions[0][:6]
    at = found.sentence.find(first)
    lead = found.sentence[:at] if at >= 0 else ""
    words = list(_AUDIENCE.finditer(before + "\n" + lead))
    audience = None
    if words:
        audience = Role.BANZI if words[-1].group(0) in _COLLECTIVE else Role.GEREN
    checks = bool(_CHECK.search(before[-60:] + found.sentence)) and not _TASKS.search(before[-40:] + lead)
    return audience, checks


# 个人 and the older 支部 (a 党员 at a 组织生活会) write for themselves; 班子 (a 支部委员会 at
# a 组织生活会) as one body.
_SELF = (Role.GEREN, Role.ZHIBU)


def _fits(found: NoticeList, role: Role | None) -> bool:
    if role is None or found.audience is None:
        return True
    return (found.audience in _SELF) == (role in _SELF)


def read_notice(text: str, role: Role | str | None = None) -> NoticeList | None:
    """The list of 方面 the notice asks `role` (班子/个人/支部) to be checked against, where it
    was read, and the notice's other lists when the choice is not certain; None when the
    notice has no list."""
    if not (text or "").strip():
        return None
    role = Role(role) if role else None
    # Notices are pasted from web pages and PDFs, and passed on in traditional characters.
    text = grammar.simplified(clean_pasted(text))
    found = sorted(_numbered_runs(text) + _sentence_lists(text), key=lambda x: x[0])
    lists: list[NoticeList] = []
    after_previous = 0  # whom a list addresses is said after the list before it
    for start, notice_list in found:
        if any(notice_list.dimensions == seen.dimensions for seen in lists):
            continue
        before = text[max(after_previous, start - 120):start]
        notice_list.audience, notice_list.checks = _addressed(before, notice_list)
        if lists and not re.search(r"[。！!]", before):
            # Only headings since the list before ("（二）党员个人"): one heading above
            # both ("一、对照检查内容") asked for the check.
            notice_list.checks = notice_list.checks or lists[-1].checks
        lists.append(notice_list)
        after_previous = start + len(notice_list.sentence)
    if not lists:
        return None
    # Not addressed to someone else first; among those a list to check against before
    # requirements or tasks; then one addressed to this writer before one addressed to no
    # one in particular; then the notice's order (sorted() is stable).
    ranked = sorted(lists, key=lambda f: (not _fits(f, role), not f.checks,
                                          f.audience is None and role is not None))
    best = ranked[0]
    rivals = [f for f in ranked[1:] if _fits(f, role) and f.checks == best.checks
              and (f.audience is None) == (best.audience is None)]
    best.others = [f for f in lists if f is not best]
    # The only list is the list, whoever it addresses (a 班子成员 at a 民主生活会 is checked
    # against the 班子's 方面).
    best.unsure = bool(best.others) and (bool(rivals) or not _fits(best, role) or not best.checks)
    return best
