"""What is said twice and what answers what: sentences repeated across the material, causes
that answer no problem and measures that answer no cause."""

from __future__ import annotations

import re
from collections import Counter

from assistant.core.text import CLAUSE, CN_NUM, segment, strip_marker
from assistant.core.types import Material, Section, SectionKind
from assistant.ingest.parse import strip_numbering
from assistant.review.audit.layout import PUNCT, Layout, Report, short
from assistant.review.audit.rules import audit_rules

# The item markers a clause may open with, left out when clauses are compared.
_CLAUSE_MARKERS = ("shi", "cn_paren", "num_paren", "num_dot", "num_dun")
_ITEM_MARKER = re.compile(f"{CN_NUM}是")  # 一是, anywhere: a marker, not content


def check_duplicates(m: Material, lay: Layout, rep: Report) -> None:
    min_chars = audit_rules().duplicates.min_chars
    first: dict[str, int] = {}
    for x in CLAUSE.finditer(lay.text):
        raw = x.group(0)
        key = PUNCT.sub("", strip_marker(raw.strip(), _CLAUSE_MARKERS))
        if len(key) < min_chars:
            continue
        a = x.start() + (len(raw) - len(raw.lstrip()))
        if key in first:
            rep.add("duplicate.sentence", a, lay.at(a).location,
                    f"这句话与“{lay.at(first[key]).location}”中的一句重复。",
                    "删去重复的一句，或改写成针对本处的具体内容。", excerpt=short(raw, 60))
        else:
            first[key] = a


# --- causes answer problems, measures answer causes ------------------------------------


def _words(text: str) -> list[str]:
    stop = set(audit_rules().link.stopwords)
    text = _ITEM_MARKER.sub(" ", text)
    out = []
    for chunk in re.findall(r"[\u4e00-\u9fff]+", text):
        out += [w for w in segment(chunk) if len(w) >= 2 and w not in stop]
    return out


def key_words(heading: str, body: str) -> tuple[list[str], list[str]]:
    """What a cause or measure is about: its title's words, and the title's words followed
    by the body's most frequent ones (jieba words of two or more Chinese characters,
    stopwords dropped), at most link.max_words in all."""
    head = list(dict.fromkeys(_words(strip_numbering(heading))))
    counts = Counter(_words(body))
    ranked = sorted(counts, key=lambda w: -counts[w])  # stable: ties keep first appearance
    return head, list(dict.fromkeys(head + ranked))[: audit_rules().link.max_words]


def _units(sec: Section):
    """A cause or measure: a titled subsection, or each item when there are no titles (its
    first sentence then stands for the title)."""
    if any(d.heading for d in sec.dimensions):
        for d in sec.dimensions:
            yield d, d.heading, "\n".join([d.intro] + [i.text for i in d.items])
    else:
        for d in sec.dimensions:
            for i in d.items:
                yield i, i.judgement, i.body


def _word_in(word: str, text: str) -> bool:
    if word in text:
        return True
    half = len(word) // 2
    return len(word) >= 4 and (word[:half] in text or word[half:] in text)


def check_links(m: Material, lay: Layout, rep: Report) -> None:
    cfg = audit_rules().link
    pairs = (
        (SectionKind.CAUSES, SectionKind.PROBLEMS, "link.cause", "原因", "问题查摆部分", "前面查摆的问题"),
        (SectionKind.MEASURES, SectionKind.CAUSES, "link.measure", "措施", "原因剖析部分", "剖析的原因"),
    )
    for kind, target_kind, rule, what, target_name, target_desc in pairs:
        sec, target = m.section(kind), m.section(target_kind)
        if sec is None or target is None:
            continue
        target_text = lay.text_of(target)
        for node, heading, body in _units(sec):
            head, words = key_words(heading, body)
            if len(words) < cfg.min_words:
                continue  # too little said to judge
            found = [w for w in words if _word_in(w, target_text)]
            head_found = [w for w in head if _word_in(w, target_text)]
            share = len(found) / len(words)
            head_share = len(head_found) / len(head) if head else 0.0
            # A title that names what it answers is enough; otherwise the body must.
            if head_share >= cfg.min_title_share or share >= cfg.min_share:
                continue
            pos = lay.start(node)
            rep.add(rule, pos, lay.at(pos).location,
                    f"这条{what}与{target_desc}联系不紧：在{target_name}查找了“{'、'.join(words)}”"
                    f"{len(words)}个关键词，只找到{len(found)}个"
                    + (f"（{'、'.join(found)}）" if found else "")
                    + f"，占{share:.0%}（需{cfg.min_share:.0%}）；标题中的关键词"
                    + (f"“{'、'.join(head)}”找到{len(head_found)}个" if head else "为空")
                    + f"（需{cfg.min_title_share:.0%}）。",
                    f"点明这条{what}对应{target_desc}中的哪些（可引用其关键词），"
                    + ("或补查对应的问题。" if what == "原因" else "做到一条原因有一条措施回应。"),
                    excerpt=short(heading or body, 40))
