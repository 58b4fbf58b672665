"""Audit: what a strict reviewer would mark in a 对照检查材料, as Findings in reading order.

The phrase lists, term lists and thresholds are data (data/audit_rules.yaml); this module
only applies them. Each finding says where it is ("存在的问题 / （三）在能力本领方面 /
第2条"), what is wrong and what to do, in Chinese.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import yaml

from assistant.core.content import DATA
from assistant.core.text import cn_int, segment
from assistant.core.types import (
    Dimension,
    Finding,
    Item,
    Material,
    Request,
    Role,
    Section,
    SectionKind,
    Severity,
)
from assistant.draft.structure import Meeting, load_registry, match_registry
from assistant.ingest.parse import parse_material, strip_numbering

SECTION_LABELS = {
    SectionKind.RECTIFICATION: "整改落实情况",
    SectionKind.PROBLEMS: "存在的问题",
    SectionKind.CAUSES: "原因剖析",
    SectionKind.MEASURES: "整改措施",
}
_CN = "一二三四五六七八九十"
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_CLAUSE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
# Whole-document findings sort before everything else.
_TOP = -1


@lru_cache(maxsize=1)
def _rules() -> dict:
    return yaml.safe_load((DATA / "audit_rules.yaml").read_text("utf-8"))


def rule_catalogue() -> dict[str, tuple[Severity, str]]:
    """Every rule id with its default severity and Chinese name."""
    return {k: (Severity(v["severity"]), v["name"]) for k, v in _rules()["rules"].items()}


# --- where things are ------------------------------------------------------------------


@dataclass
class _Piece:
    start: int
    text: str
    location: str
    section: Section | None = None
    dim: Dimension | None = None
    item: Item | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _short(text: str, n: int = 24) -> str:
    text = text.strip().rstrip("。.：:；;，,")
    return text if len(text) <= n else text[:n] + "…"


def section_label(sec: Section) -> str:
    if sec.kind in SECTION_LABELS:
        return SECTION_LABELS[sec.kind]
    return _short(strip_numbering(sec.heading), 16) or "正文"


def dimension_label(sec: Section, dim: Dimension) -> str:
    label = section_label(sec)
    return f"{label} / {_short(dim.heading)}" if dim.heading else label


def item_label(sec: Section, dim: Dimension, item: Item) -> str:
    return f"{dimension_label(sec, dim)} / 第{item.order + 1}条"


class _Layout:
    """Material.text() cut into the pieces it is made of, each with its Chinese location,
    so that a character offset found by any rule maps back to a place in the document."""

    def __init__(self, m: Material) -> None:
        self.pieces: list[_Piece] = []
        self._starts: dict[int, int] = {}
        self._ends: dict[int, int] = {}
        pos = 0

        def add(text: str, location: str, node, **kw) -> None:
            nonlocal pos
            if not text:
                return
            self.pieces.append(_Piece(pos, text, location, **kw))
            self._starts.setdefault(id(node), pos)
            pos += len(text) + 1  # the "\n" Material.text() joins with

        add(m.title, "标题", m)
        add(m.preamble, "前言", m)
        for s in m.sections:
            self._starts.setdefault(id(s), pos)
            add(s.heading, section_label(s), s, section=s)
            add(s.intro, section_label(s), s, section=s)
            for d in s.dimensions:
                self._starts.setdefault(id(d), pos)
                add(d.heading, dimension_label(s, d), d, section=s, dim=d)
                add(d.intro, dimension_label(s, d), d, section=s, dim=d)
                for i in d.items:
                    add(i.text, item_label(s, d, i), i, section=s, dim=d, item=i)
                self._ends[id(d)] = pos
            self._ends[id(s)] = pos
        self.text = "\n".join(p.text for p in self.pieces)

    def at(self, offset: int) -> _Piece:
        for p in self.pieces:
            if p.start <= offset < p.end + 1:
                return p
        return self.pieces[-1]

    def start(self, node) -> int:
        return self._starts.get(id(node), 0)

    def end(self, node) -> int:
        return self._ends.get(id(node), len(self.text))

    def text_of(self, sec: Section) -> str:
        return "\n".join(p.text for p in self.pieces if p.section is sec)


class _Report:
    def __init__(self) -> None:
        self._rows: list[tuple[int, int, Finding]] = []
        self._catalogue = rule_catalogue()

    def add(self, rule: str, pos: int, location: str, message: str, suggestion: str = "",
            excerpt: str = "", severity: Severity | str | None = None) -> None:
        sev = Severity(severity) if severity else self._catalogue[rule][0]
        f = Finding(rule=rule, severity=sev, location=location, message=message,
                    suggestion=suggestion, excerpt=excerpt)
        self._rows.append((pos, len(self._rows), f))

    def findings(self) -> list[Finding]:
        return [f for _, _, f in sorted(self._rows, key=lambda r: (r[0], r[1]))]


# --- shared helpers ----------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace spans with spaces, keeping every other offset where it was."""
    chars = list(text)
    for a, b in spans:
        for k in range(a, b):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)


def _excerpt(text: str, start: int, end: int, pad: int = 12) -> str:
    a, b = max(0, start - pad), min(len(text), end + pad)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


@lru_cache(maxsize=1)
def _term_patterns() -> list[tuple[re.Pattern, str, str, Severity | None, str]]:
    """(pattern, rule id, right form, severity or None for the rule's, why) for every
    political term's wrong forms, count variants first."""
    cfg = _rules()["terms"]
    nums, cls = cfg["numerals"], cfg["classifiers"]
    out = []
    for entry in cfg["list"]:
        term = entry["term"]
        if entry.get("count_variants", True) and any(c in nums for c in term):
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
        for wrong in entry.get("misspelt", []):
            out.append((re.compile(re.escape(wrong)), "terms.form", term, None, "写法有误"))
        for form in entry.get("forms", []):
            out.append((re.compile(form["pattern"]), "terms.form", form["right"],
                        Severity(form["severity"]), form["why"]))
    return out


@lru_cache(maxsize=1)
def _all_terms_pattern() -> re.Pattern:
    """Every political term, right or wrong, so fact detection can ignore their counts."""
    alts = [p.pattern for p, *_ in _term_patterns()]
    alts += [re.escape(e["term"]) for e in _rules()["terms"]["list"]]
    return re.compile("|".join(f"(?:{a})" for a in alts))


def _facts(text: str) -> list[tuple[str, str]]:
    """(kind, words) for every fact in text: numbers, dates, places, named work items."""
    cfg = _rules()["concrete"]
    text = re.sub(cfg["placeholder"], lambda m: " " * len(m.group(0)), text)
    text = _all_terms_pattern().sub(lambda m: " " * len(m.group(0)), text)
    generic = set(cfg["generic"])
    out = []
    for fact in cfg["facts"]:
        for m in re.finditer(fact["pattern"], text):
            words = m.group(0)
            if any(words.endswith(g) or words == g for g in generic):
                continue
            out.append((fact["name"], words))
    return out


def _sentences(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(text)) if s]


# --- expected dimensions -------------------------------------------------------------


def _reference(m: Material, expected: list[str] | None, registry: list[Meeting] | None
               ) -> tuple[list[str] | None, str]:
    if expected is not None:
        return list(expected), f"按给定的方面清单核对：{'；'.join(expected)}。"
    if m.year is None:
        return None, "未能判断材料年度，无法确定应对照的方面清单，只检查各方面是否有内容。可指定年度或方面清单后再查。"
    role = m.role or Role.GEREN
    meeting = m.meeting or ("组织生活会" if role == Role.ZHIBU else "民主生活会")
    found = match_registry(registry if registry is not None else load_registry(),
                           Request(role=role, year=m.year, meeting=meeting))
    if found is None:
        return None, (f"未收录{m.year}年度{role.value}{meeting}的方面清单，只检查各方面是否有内容。"
                      "可指定方面清单后再查。")
    return list(found.dimensions), f"按{found.label}的方面清单核对：{'；'.join(found.dimensions)}。"


def _name_key(name: str) -> str:
    key = _PUNCT.sub("", strip_numbering(name))
    if key.startswith("在") and "方面" in key:
        key = key[1:]
    return re.sub(r"(方面|存在的问题|存在问题)$", "", key)


def match_score(expected: str, heading_name: str) -> float:
    """1.0 when one name contains the other (punctuation aside), else the share of
    characters they have in common (with repeats) over the longer name."""
    a, b = _name_key(expected), _name_key(heading_name)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    return sum((Counter(a) & Counter(b)).values()) / max(len(a), len(b))


# --- rules ------------------------------------------------------------------------------


def _check_sections(m: Material, lay: _Layout, rep: _Report) -> None:
    for kind, name in _rules()["coverage"]["required_sections"].items():
        sec = m.section(SectionKind(kind))
        if sec is None:
            rep.add("coverage.missing_section", _TOP, "全文", f"缺少“{name}”部分。",
                    f"按“一、存在的主要问题　二、原因剖析　三、整改措施”的结构补写“{name}”，"
                    "章节标题用“一、”“二、”编号并单独成行。")
        elif not sec.dimensions and not sec.intro:  # headings below it are judged one by one
            rep.add("coverage.empty_dimension", lay.start(sec), section_label(sec),
                    f"“{name}”部分只有标题，没有内容。", f"补写“{name}”的具体内容。",
                    excerpt=sec.heading)


def _check_dimensions(m: Material, lay: _Layout, rep: _Report, expected: list[str] | None) -> None:
    probs = m.section(SectionKind.PROBLEMS)
    if probs is None:
        return
    label = section_label(probs)
    dims = [d for d in probs.dimensions if d.heading or d.items]
    for d in dims:
        if not d.items:
            rep.add("coverage.empty_dimension", lay.start(d), dimension_label(probs, d),
                    f"“{d.name or _short(d.heading)}”方面下没有查摆任何问题。",
                    "每个方面至少写1至3条问题，每条包括问题判断、具体表现和“比如……”的事例。",
                    excerpt=d.heading)
    for sec in (m.section(SectionKind.CAUSES), m.section(SectionKind.MEASURES)):
        for d in sec.dimensions if sec else []:
            if d.heading and not d.items and not d.intro:
                rep.add("coverage.bare_heading", lay.start(d), dimension_label(sec, d),
                        "这一条只有标题，没有展开。",
                        "在标题后写出具体内容：原因要说清对应哪些问题，措施要写明做什么、多久做一次、何时完成。",
                        excerpt=d.heading)
    if not expected:
        return
    threshold = _rules()["coverage"]["min_char_overlap"]
    named = [d for d in dims if d.heading]
    taken: dict[int, str] = {}  # id(dimension) -> expected name it answers
    matched: list[tuple[str, Dimension | None]] = []
    for want in expected:
        best, best_score = None, 0.0
        for d in named:
            if id(d) in taken:
                continue
            score = max(match_score(want, d.name), match_score(want, d.heading))
            if score > best_score:
                best, best_score = d, score
        if best is not None and best_score >= threshold:
            taken[id(best)] = want
            matched.append((want, best))
        else:
            matched.append((want, None))
    for n, (want, d) in enumerate(matched):
        if d is not None:
            continue
        later = [x for _, x in matched[n + 1:] if x is not None]
        pos = lay.start(later[0]) if later else lay.end(probs)
        rep.add("coverage.missing_dimension", pos, label,
                f"缺少“{want}”方面（按通知应为第{n + 1}个方面）。",
                f"补写“{_heading_for(n + 1, want)}”，查摆1至3条问题并附具体事例。")
    order = [x for _, x in matched if x is not None]
    positions = [named.index(x) for x in order]
    for k in range(1, len(order)):
        if positions[k] < max(positions[:k]):
            d = order[k]
            rep.add("coverage.order", lay.start(d), dimension_label(probs, d),
                    f"“{taken[id(d)]}”方面的位置与通知顺序不一致（通知中排第{expected.index(taken[id(d)]) + 1}个，"
                    f"材料中排第{positions[k] + 1}个）。",
                    "按通知列出的顺序排列各方面，序号随之调整。", excerpt=d.heading)
    for d in named:
        want = taken.get(id(d))
        if want is None:
            rep.add("coverage.extra_dimension", lay.start(d), dimension_label(probs, d),
                    f"“{d.name or _short(d.heading)}”不在本次会议的方面清单中。",
                    "确认通知是否要求该方面；如不要求，可并入相近方面或删去。", excerpt=d.heading)
            continue
        if _name_key(want) not in _name_key(d.heading):
            rep.add("coverage.wording", lay.start(d), dimension_label(probs, d),
                    f"标题“{_short(d.heading, 30)}”与通知的表述“{want}”不一致。",
                    f"方面标题宜照录通知原文，改为“{_heading_for(_order_number(d.heading) or 1, want)}”。",
                    excerpt=d.heading)


def _heading_for(n: int, name: str) -> str:
    from assistant.draft.render import dimension_heading

    return dimension_heading(n, name)


def _order_number(heading: str) -> int | None:
    m = re.match(r"^\s*[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]", heading)
    if m:
        return cn_int(m.group(1))
    m = re.match(r"^\s*(\d{1,2})", heading)
    return int(m.group(1)) if m else None


def _number_of(heading: str) -> tuple[str, int] | None:
    """The numbering style and number a heading or item marker starts with."""
    for style, pat in (
        ("cn", r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．]"),
        ("cn_paren", r"^\s*[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]"),
        ("num_paren", r"^\s*[（(]\s*(\d{1,2})\s*[）)]"),
        ("num", r"^\s*(\d{1,2})\s*[.．、]"),
        ("shi", r"^\s*([一二三四五六七八九十]{1,3})是"),
        ("di", r"^\s*第([一二三四五六七八九十]{1,3})[，,、：:]"),
    ):
        m = re.match(pat, heading)
        if m:
            v = m.group(1)
            n = int(v) if v.isdigit() else cn_int(v)
            return (style, n) if n else None
    return None


def _check_structure(m: Material, lay: _Layout, rep: _Report) -> None:
    if not m.title:
        rep.add("structure.title", 0, "标题", "材料没有标题（首行应为标题）。",
                "在首行加标题，如“" + (f"{m.year}年度" if m.year else "") +
                (m.meeting or "民主生活会") + (f"{m.role.value}" if m.role else "") + "对照检查材料”。")

    def sequence(nodes: list[tuple[str, object]], where) -> None:
        expect, style = 1, None
        for text, node in nodes:
            got = _number_of(text)
            if got is None:
                continue
            if style is None:
                style = got[0]
            elif got[0] != style:
                continue  # another style numbers another level
            if got[1] != expect:
                rep.add("structure.numbering", lay.start(node), where(node),
                        f"序号不连续：此处应为第{expect}个，写成了“{_short(text, 8)}”。",
                        "按顺序重新编号（一、二、三……；（一）（二）……；一是、二是……）。",
                        excerpt=_short(text, 20))
                return
            expect += 1

    sequence([(s.heading, s) for s in m.sections if s.heading], lambda s: section_label(s))
    for s in m.sections:
        sequence([(d.heading, d) for d in s.dimensions if d.heading],
                 lambda d, s=s: dimension_label(s, d))
        for d in s.dimensions:
            sequence([(i.marker, i) for i in d.items if i.marker],
                     lambda i, s=s, d=d: item_label(s, d, i))


def _check_concrete(m: Material, lay: _Layout, rep: _Report) -> None:
    probs = m.section(SectionKind.PROBLEMS)
    if probs is None:
        return
    placeholder = re.compile(_rules()["concrete"]["placeholder"])
    for d in probs.dimensions:
        if not d.items:
            continue
        name = d.name or _short(d.heading) or "该部分"
        where = dimension_label(probs, d)
        cases = [e for i in d.items for e in i.examples]
        real = [e for e in cases if _squash(placeholder.sub("", e)).strip("比如例如譬如诸如，,：:。") ]
        if not real:
            why = "事例还是待补充标记" if cases else "只有概括性表述，没有“比如……”的具体事例"
            rep.add("concrete.no_case", lay.start(d), where, f"“{name}”方面{why}。",
                    "至少补一个见人见事的事例：“比如，＿年＿月，在＿＿工作中，……（数字、地点、具体事项）”。"
                    "事实请据实填写，不要编造。", excerpt=cases[0] if cases else "")
            continue
        if not any(_facts(e) for e in real):
            rep.add("concrete.vague_case", lay.start(d), where,
                    f"“{name}”方面的事例没有数字、时间、地点或具体工作名称，仍是概括性表述。",
                    "把事例写实：哪一次、什么时间、哪项工作（……工程/项目/活动/制度）、涉及多少人或多少次。",
                    excerpt=_short(real[0], 60))


def _check_balance(m: Material, lay: _Layout, rep: _Report) -> None:
    cfg = _rules()["balance"]
    total = len(_squash(lay.text))
    if not total:
        return
    core = sum(len(_squash(lay.text_of(s))) for s in m.sections
               if s.kind in (SectionKind.PROBLEMS, SectionKind.CAUSES))
    share = core / total
    if m.section(SectionKind.PROBLEMS) and share < cfg["min_problem_cause_share"]:
        rep.add("balance.ratio", _TOP, "全文",
                f"问题查摆和原因剖析只占全文的{share:.0%}（{core}/{total}字），少于一半。",
                "压缩前言、整改落实情况和措施中的套话，充实问题的具体表现和事例、原因的深层剖析。")
    if m.role is None:
        return
    lo, hi = cfg["length"][m.role.value]
    if total < lo:
        rep.add("balance.length", _TOP, "全文",
                f"全文约{total}字，{m.role.value}对照检查材料通常不少于{lo}字。",
                "重点充实各方面问题的具体表现和事例，原因剖析要联系问题逐条深挖。")
    elif total > hi:
        rep.add("balance.length", _TOP, "全文",
                f"全文约{total}字，{m.role.value}对照检查材料通常不超过{hi}字，篇幅偏长。",
                "删去重复的表述和泛泛的套话，保留具体问题和事例。")


def _problem_items(m: Material):
    probs = m.section(SectionKind.PROBLEMS)
    for d in probs.dimensions if probs else []:
        for i in d.items:
            yield probs, d, i


def _check_style(m: Material, lay: _Layout, rep: _Report) -> None:
    cfg = _rules()["praise_first"]
    patterns = [re.compile(p) for p in cfg["patterns"]]
    skip = tuple(cfg["skip_sentences_starting_with"])
    phrases = sorted(_rules()["empty_phrases"], key=len, reverse=True)
    for s, d, i in _problem_items(m):
        where = item_label(s, d, i)
        opening = [x for x in _sentences(i.body)[: cfg["opening_sentences"]] if not x.startswith(skip)]
        for sentence in opening:
            # 虽然…但… inside a case tells what happened; only the writer's own framing counts.
            sentence = re.split(r"比如|例如|譬如|诸如", sentence)[0]
            hit = next((p.search(sentence) for p in patterns if p.search(sentence)), None)
            if hit:
                rep.add("style.praise_first", lay.start(i), where,
                        "问题条目以自我肯定开头（先扬后抑），冲淡了问题。",
                        "删去“虽然……但……”“在……的同时”一类铺垫，开门见山写问题及其表现。",
                        excerpt=_short(hit.group(0), 50))
                break
        used = next((p for p in phrases if p in i.judgement), None)
        if used and not _facts(i.text):
            rep.add("style.empty_phrase", lay.start(i), where,
                    f"问题判断用“{used}”这类套话收尾，整条没有具体表现和事实支撑。",
                    "把判断写具体（哪里不够、差在哪），并补上具体表现和事例，避免以套话作结论。",
                    excerpt=_short(i.judgement, 50))


def _check_terms(m: Material, lay: _Layout, rep: _Report) -> None:
    ignore = tuple(_rules()["terms"]["ignore_counts"])
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
                    f"改为“{right}”。", excerpt=_excerpt(text, a, b), severity=severity)


def _unquoted(text: str) -> str:
    spans = []
    for pair in _rules()["voice"]["quotes"]:
        o, c = pair[0], pair[1]
        spans += [(x.start(), x.end()) for x in re.finditer(f"{re.escape(o)}[^{re.escape(c)}\\n]{{0,80}}{re.escape(c)}", text)]
    return _blank(text, spans)


def _per_piece(lay: _Layout, hits: list[tuple[int, int]]):
    """Hits grouped by the piece they fall in: (piece, [(start, end), …])."""
    groups: dict[int, list[tuple[int, int]]] = {}
    order: list[int] = []
    for a, b in hits:
        p = lay.at(a)
        if p.start not in groups:
            groups[p.start] = []
            order.append(p.start)
        groups[p.start].append((a, b))
    for start in order:
        yield lay.at(start), groups[start]


def _check_voice(m: Material, lay: _Layout, rep: _Report) -> None:
    cfg = _rules()["voice"]
    text = _unquoted(lay.text)
    if m.role == Role.BANZI:
        hits = [x.span() for x in re.finditer(cfg["banzi_first_person"], text)]
        for piece, spans in _per_piece(lay, hits):
            words = "、".join(dict.fromkeys(lay.text[a:b] for a, b in spans))
            rep.add("voice.first_person", spans[0][0], piece.location,
                    f"班子对照检查材料用了第一人称单数“{words}”（{len(spans)}处），口吻应是领导班子。",
                    "改用“班子”“领导班子”“我们”等集体口吻（开头“我代表领导班子”除外）。",
                    excerpt=_excerpt(lay.text, *spans[0]))
    elif m.role in (Role.GEREN, Role.ZHIBU):
        hits = [x.span() for x in re.finditer(cfg["geren_collective"], text)]
        for piece, spans in _per_piece(lay, hits):
            words = "、".join(dict.fromkeys(lay.text[a:b] for a, b in spans))
            rep.add("voice.collective", spans[0][0], piece.location,
                    f"个人对照检查材料用了集体口吻“{words}”（{len(spans)}处），像是在替班子检查。",
                    "个人材料用“我”的口吻查摆自身问题，把自己摆进去；说到班子时写明是班子的事，不要代替个人剖析。",
                    excerpt=_excerpt(lay.text, *spans[0]))


def _check_placeholders(m: Material, lay: _Layout, rep: _Report) -> None:
    hits: list[tuple[int, int]] = []
    for ph in _rules()["placeholders"]:
        for x in re.finditer(ph["pattern"], lay.text):
            a, b = x.span()
            if not any(a < y and c < b for c, y in hits):
                hits.append((a, b))
    hits.sort()
    for piece, spans in _per_piece(lay, hits):
        words = "、".join(dict.fromkeys(lay.text[a:b] for a, b in spans))
        rep.add("placeholder.leftover", spans[0][0], piece.location,
                f"有{len(spans)}处占位符未填写：{_short(words, 40)}。",
                "用真实的单位名称、数字、事例替换占位符；没有把握的事实向有关部门核实，不要编造。",
                excerpt=_excerpt(lay.text, *spans[0]))


def _check_duplicates(m: Material, lay: _Layout, rep: _Report) -> None:
    min_chars = _rules()["duplicates"]["min_chars"]
    marker = re.compile(r"^(?:[一二三四五六七八九十]{1,3}是|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、])")
    first: dict[str, int] = {}
    for x in _CLAUSE.finditer(lay.text):
        raw = x.group(0)
        key = _PUNCT.sub("", marker.sub("", raw.strip()))
        if len(key) < min_chars:
            continue
        a = x.start() + (len(raw) - len(raw.lstrip()))
        if key in first:
            rep.add("duplicate.sentence", a, lay.at(a).location,
                    f"这句话与“{lay.at(first[key]).location}”中的一句重复。",
                    "删去重复的一句，或改写成针对本处的具体内容。", excerpt=_short(raw, 60))
        else:
            first[key] = a


def _words(text: str) -> list[str]:
    stop = set(_rules()["link"]["stopwords"])
    text = re.sub(r"[一二三四五六七八九十]{1,3}是", " ", text)  # item markers are not content
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
    return head, list(dict.fromkeys(head + ranked))[: _rules()["link"]["max_words"]]


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


def _check_links(m: Material, lay: _Layout, rep: _Report) -> None:
    cfg = _rules()["link"]
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
            if len(words) < cfg["min_words"]:
                continue  # too little said to judge
            found = [w for w in words if _word_in(w, target_text)]
            head_found = [w for w in head if _word_in(w, target_text)]
            share = len(found) / len(words)
            head_share = len(head_found) / len(head) if head else 0.0
            # A title that names what it answers is enough; otherwise the body must.
            if head_share >= cfg["min_title_share"] or share >= cfg["min_share"]:
                continue
            pos = lay.start(node)
            rep.add(rule, pos, lay.at(pos).location,
                    f"这条{what}与{target_desc}联系不紧：在{target_name}查找了“{'、'.join(words)}”"
                    f"{len(words)}个关键词，只找到{len(found)}个"
                    + (f"（{'、'.join(found)}）" if found else "")
                    + f"，占{share:.0%}（需{cfg['min_share']:.0%}）；标题中的关键词"
                    + (f"“{'、'.join(head)}”找到{len(head_found)}个" if head else "为空")
                    + f"（需{cfg['min_title_share']:.0%}）。",
                    f"点明这条{what}对应{target_desc}中的哪些（可引用其关键词），"
                    + ("或补查对应的问题。" if what == "原因" else "做到一条原因有一条措施回应。"),
                    excerpt=_short(heading or body, 40))


# --- entry points -------------------------------------------------------------------

_CHECKS = (
    _check_sections,
    _check_structure,
    _check_concrete,
    _check_balance,
    _check_style,
    _check_terms,
    _check_voice,
    _check_placeholders,
    _check_duplicates,
    _check_links,
)


def audit_material(material: Material, expected_dimensions: list[str] | None = None, *,
                   registry: list[Meeting] | None = None) -> list[Finding]:
    """Findings in reading order (whole-document ones first). When expected_dimensions is
    None the meeting registry gives the list for the material's role/year/meeting; when it
    has none, only emptiness is checked."""
    lay = _Layout(material)
    rep = _Report()
    expected, note = _reference(material, expected_dimensions, registry)
    rep.add("coverage.reference", _TOP, "全文", note)
    for check in _CHECKS:
        check(material, lay, rep)
    _check_dimensions(material, lay, rep, expected)
    return rep.findings()


def audit_text(text: str, *, role: Role | str | None = None, year: int | None = None,
               meeting: str | None = None, expected_dimensions: list[str] | None = None,
               registry: list[Meeting] | None = None) -> list[Finding]:
    """Parse `text` and audit it; explicit role/year/meeting win over what the text says."""
    material = parse_material(text, role=role, year=year, meeting=meeting)
    return audit_material(material, expected_dimensions, registry=registry)


def summary(findings: list[Finding]) -> str:
    """'3 个错误，5 个提醒' (and '，2 条说明' when there are notes)."""
    n = Counter(f.severity for f in findings)
    if not n[Severity.ERROR] and not n[Severity.WARNING]:
        return "未发现问题" + (f"（{n[Severity.INFO]} 条说明）" if n[Severity.INFO] else "")
    out = f"{n[Severity.ERROR]} 个错误，{n[Severity.WARNING]} 个提醒"
    return out + (f"，{n[Severity.INFO]} 条说明" if n[Severity.INFO] else "")
