"""What the words say: 见人见事 cases and their facts, the balance of the parts, praise
before a problem, empty phrases, political terms, the writer's voice and leftover
placeholders."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.core.text import sentences
from assistant.core.types import Material, Role, SectionKind, Severity
from assistant.review.audit.layout import (
    TOP,
    Layout,
    Report,
    blank,
    dimension_label,
    excerpt,
    item_label,
    short,
    squash,
)
from assistant.review.audit.rules import audit_rules

# --- facts and political terms -----------------------------------------------------------


@lru_cache(maxsize=1)
def _term_patterns() -> list[tuple[re.Pattern, str, str, Severity | None, str]]:
    """(pattern, rule id, right form, severity or None for the rule's, why) for every
    political term's wrong forms, count variants first."""
    cfg = audit_rules().terms
    nums, cls = cfg.numerals, cfg.classifiers
    out = []
    for entry in cfg.entries:
        term = entry.term
        if entry.count_variants and any(c in nums for c in term):
            parts, prev_num = [], False
            for c in term:
                if c in nums:
                    parts.append(f"[{nums}]")
                    prev_num = True
                    continue
                parts.append(f"[{cls}]" if prev_num and c in cls else re.escape(c))
                prev_num = False
            pat = re.compile(f"(?<![{nums}])" + "".join(parts))
            out.append((pat, "terms.count", term, None, "数字或量词有误"))
        for wrong in entry.misspelt:
            out.append((re.compile(re.escape(wrong)), "terms.form", term, None, "写法有误"))
        for form in entry.forms:
            out.append((re.compile(form.pattern), "terms.form", form.right, form.severity, form.why))
    return out


@lru_cache(maxsize=1)
def _all_terms_pattern() -> re.Pattern:
    """Every political term, right or wrong, so fact detection can ignore their counts."""
    alts = [p.pattern for p, *_ in _term_patterns()]
    alts += [re.escape(e.term) for e in audit_rules().terms.entries]
    return re.compile("|".join(f"(?:{a})" for a in alts))


def facts(text: str) -> list[tuple[str, str]]:
    """(kind, words) for every fact in text: numbers, dates, places, named work items."""
    cfg = audit_rules().concrete
    text = re.sub(cfg.placeholder, lambda m: " " * len(m.group(0)), text)
    text = _all_terms_pattern().sub(lambda m: " " * len(m.group(0)), text)
    generic = set(cfg.generic)
    out = []
    for fact in cfg.facts:
        for m in re.finditer(fact.pattern, text):
            words = m.group(0)
            if any(words.endswith(g) or words == g for g in generic):
                continue
            out.append((fact.name, words))
    return out


def _problem_items(m: Material):
    probs = m.section(SectionKind.PROBLEMS)
    for d in probs.dimensions if probs else []:
        for i in d.items:
            yield probs, d, i


# --- checks ------------------------------------------------------------------------------


def check_concrete(m: Material, lay: Layout, rep: Report) -> None:
    probs = m.section(SectionKind.PROBLEMS)
    if probs is None:
        return
    placeholder = re.compile(audit_rules().concrete.placeholder)
    for d in probs.dimensions:
        if not d.items:
            continue
        name = d.name or short(d.heading) or "该部分"
        where = dimension_label(probs, d)
        cases = [e for i in d.items for e in i.examples]
        real = [e for e in cases if squash(placeholder.sub("", e)).strip("比如例如譬如诸如，,：:。")]
        if not real:
            why = "事例还是待补充标记" if cases else "只有概括性表述，没有“比如……”的具体事例"
            rep.add("concrete.no_case", lay.start(d), where, f"“{name}”方面{why}。",
                    "至少补一个见人见事的事例：“比如，＿年＿月，在＿＿工作中，……（数字、地点、具体事项）”。"
                    "事实请据实填写，不要编造。", excerpt=cases[0] if cases else "")
            continue
        if not any(facts(e) for e in real):
            rep.add("concrete.vague_case", lay.start(d), where,
                    f"“{name}”方面的事例没有数字、时间、地点或具体工作名称，仍是概括性表述。",
                    "把事例写实：哪一次、什么时间、哪项工作（……工程/项目/活动/制度）、涉及多少人或多少次。",
                    excerpt=short(real[0], 60))


def check_balance(m: Material, lay: Layout, rep: Report) -> None:
    cfg = audit_rules().balance
    total = len(squash(lay.text))
    if not total:
        return
    core = sum(len(squash(lay.text_of(s))) for s in m.sections
               if s.kind in (SectionKind.PROBLEMS, SectionKind.CAUSES))
    share = core / total
    if m.section(SectionKind.PROBLEMS) and share < cfg.min_problem_cause_share:
        rep.add("balance.ratio", TOP, "全文",
                f"问题查摆和原因剖析只占全文的{share:.0%}（{core}/{total}字），少于一半。",
                "压缩前言、整改落实情况和措施中的套话，充实问题的具体表现和事例、原因的深层剖析。")
    if m.role is None:
        return
    lo, hi = cfg.length[m.role]
    if total < lo:
        rep.add("balance.length", TOP, "全文",
                f"全文约{total}字，{m.role.value}对照检查材料通常不少于{lo}字。",
                "重点充实各方面问题的具体表现和事例，原因剖析要联系问题逐条深挖。")
    elif total > hi:
        rep.add("balance.length", TOP, "全文",
                f"全文约{total}字，{m.role.value}对照检查材料通常不超过{hi}字，篇幅偏长。",
                "删去重复的表述和泛泛的套话，保留具体问题和事例。")


def check_style(m: Material, lay: Layout, rep: Report) -> None:
    cfg = audit_rules().praise_first
    patterns = [re.compile(p) for p in cfg.patterns]
    skip = tuple(cfg.skip_sentences_starting_with)
    phrases = sorted(audit_rules().empty_phrases, key=len, reverse=True)
    for s, d, i in _problem_items(m):
        where = item_label(s, d, i)
        opening = [x for x in sentences(i.body)[: cfg.opening_sentences] if not x.startswith(skip)]
        for sentence in opening:
            # 虽然…但… inside a case tells what happened; only the writer's own framing counts.
            sentence = re.split(r"比如|例如|譬如|诸如", sentence)[0]
            hit = next((p.search(sentence) for p in patterns if p.search(sentence)), None)
            if hit:
                rep.add("style.praise_first", lay.start(i), where,
                        "问题条目以自我肯定开头（先扬后抑），冲淡了问题。",
                        "删去“虽然……但……”“在……的同时”一类铺垫，开门见山写问题及其表现。",
                        excerpt=short(hit.group(0), 50))
                break
        used = next((p for p in phrases if p in i.judgement), None)
        if used and not facts(i.text):
            rep.add("style.empty_phrase", lay.start(i), where,
                    f"问题判断用“{used}”这类套话收尾，整条没有具体表现和事实支撑。",
                    "把判断写具体（哪里不够、差在哪），并补上具体表现和事例，避免以套话作结论。",
                    excerpt=short(i.judgement, 50))


def check_terms(m: Material, lay: Layout, rep: Report) -> None:
    ignore = tuple(audit_rules().terms.ignore_counts)
    text = lay.text
    seen: list[tuple[int, int]] = []
    for pat, rule, right, severity, why in _term_patterns():
        for hit in pat.finditer(text):
            wrong = hit.group(0)
            if wrong == right or (wrong.startswith(ignore) and not right.startswith(ignore)):
                continue
            a, b = hit.span()
            if any(a < y and x < b for x, y in seen):
                continue
            seen.append((a, b))
            rep.add(rule, a, lay.at(a).location, f"“{wrong}”{why}，规范表述为“{right}”。",
                    f"改为“{right}”。", excerpt=excerpt(text, a, b), severity=severity)


def _unquoted(text: str) -> str:
    spans = []
    for pair in audit_rules().voice.quotes:
        o, c = pair[0], pair[1]
        spans += [(x.start(), x.end()) for x in re.finditer(f"{re.escape(o)}[^{re.escape(c)}\\n]{{0,80}}{re.escape(c)}", text)]
    return blank(text, spans)


# The voice each role must not use: (rule, pattern in voice, message, suggestion).
_WRONG_VOICE = {
    Role.BANZI: ("voice.first_person", "banzi_first_person",
                 "班子对照检查材料用了第一人称单数“{words}”（{n}处），口吻应是领导班子。",
                 "改用“班子”“领导班子”“我们”等集体口吻（开头“我代表领导班子”除外）。"),
    Role.GEREN: ("voice.collective", "geren_collective",
                 "个人对照检查材料用了集体口吻“{words}”（{n}处），像是在替班子检查。",
                 "个人材料用“我”的口吻查摆自身问题，把自己摆进去；说到班子时写明是班子的事，不要代替个人剖析。"),
}
_WRONG_VOICE[Role.ZHIBU] = _WRONG_VOICE[Role.GEREN]


def check_voice(m: Material, lay: Layout, rep: Report) -> None:
    if m.role not in _WRONG_VOICE:
        return
    rule, pattern, message, suggestion = _WRONG_VOICE[m.role]
    text = _unquoted(lay.text)
    hits = [x.span() for x in re.finditer(getattr(audit_rules().voice, pattern), text)]
    for piece, spans in lay.per_piece(hits):
        words = "、".join(dict.fromkeys(lay.text[a:b] for a, b in spans))
        rep.add(rule, spans[0][0], piece.location, message.format(words=words, n=len(spans)),
                suggestion, excerpt=excerpt(lay.text, *spans[0]))


def check_placeholders(m: Material, lay: Layout, rep: Report) -> None:
    hits: list[tuple[int, int]] = []
    for ph in audit_rules().placeholders:
        for x in re.finditer(ph.pattern, lay.text):
            a, b = x.span()
            if not any(a < y and c < b for c, y in hits):
                hits.append((a, b))
    hits.sort()
    for piece, spans in lay.per_piece(hits):
        words = "、".join(dict.fromkeys(lay.text[a:b] for a, b in spans))
        rep.add("placeholder.leftover", spans[0][0], piece.location,
                f"有{len(spans)}处占位符未填写：{short(words, 40)}。",
                "用真实的单位名称、数字、事例替换占位符；没有把握的事实向有关部门核实，不要编造。",
                excerpt=excerpt(lay.text, *spans[0]))
