"""The reviewed cues of data/fact_rules.yaml, applied to one line: what they say about its
kind (negation, the direction of a change, a shortfall against a target, the cue patterns) and
about its topics. The learned readings are in facts.py; these are what the model cannot see."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.core import content
from assistant.core.types import FactKind


@lru_cache(maxsize=1)
def _cues():
    r = content.fact_rules()
    return [(FactKind(c.kind.value), c.weight, c.why, re.compile(c.pattern), c.covers) for c in r.cues]


@lru_cache(maxsize=1)
def _special():
    r = content.fact_rules()
    n, c = r.negated_bad, r.change
    negated = re.compile(f"{n.negators}{n.between}{n.bad}")
    return negated, re.compile(c.down), re.compile(c.up), re.compile(r.bad_quantities), re.compile(r.counted_work.pattern)


# Just before a progress cue, a word that makes it no progress: "只完成了12所", "仅建成4个" (what
# only was done is a shortfall; 不仅…还… adds, it does not restrict), "应完成8部", "计划建成
# 3个" (what is to be done is a target, not work done), and "没有入选", "未能建成" (not done).
NOT_DONE = re.compile("只|(?<!不)仅|才|应|需|须|拟|计划|预计|力争|争取|没有|未能|没能|(?<!从)未")
# "已整改完成11个，还有3个没有整改到位": what remains after the results is a shortcoming of
# its own, so a campaign's results cover the line only up to it; so does what the results
# were made of ("查处6起，其中3起是巡察发现的，日常监督没有发现").
REMAINDER = re.compile("还有|仍有|尚有|但是|但|却|仍然|仍|其中|都是|全是")


def _remainder(fact: str, after: int) -> int:
    m = REMAINDER.search(fact, after)
    return m.start() if m else len(fact)


# What a change verb's clause says before it when it names no subject of its own: a
# comparison (同比, 比上年…) or a share, not the thing that changed.
COMPARED = re.compile(r"同比|环比|分别|均|都|也|又|(?:比|较)(?:上年|去年|上一年|同期|往年)?|[0-9０-９.%％]+")
SUBJECT = re.compile(r"[\u4e00-\u9fff]{2}")


DELIBERATE = re.compile("压减|精简|撤并")  # not 压缩: "学习压缩成半小时" is a shortfall
# What enforcement did ("查处非法采砂案件23起，比上年多9起"): its count is work, so more is more
# work done and fewer is less, whatever bad thing it counts.
# How long it took is not a count ("平均办结时间从15天缩短到6天"): a shorter time is progress.
ENFORCED = re.compile("(?:查处|查办|立案处罚|立案查处|处罚|破获|侦破|追回|收缴|办结|清理|整治)(?!时间|时长|周期|用时|天数)")


def _clause_start(fact: str, at: int) -> int:
    return max(fact.rfind(p, 0, at) for p in "，。；,;") + 1


# A problem word in the name of a rule or a book ("纪律处分条例", 《…》) is not a problem. Only
# the names that hold one: a looser pattern ("…规定") swallowed "没有在规定时间内完成".
TITLE = re.compile(r"《[^》]*》|(?:纪律)?处分条例|问责条例")


_MAGNITUDE = {"千": 1e3, "万": 1e4, "亿": 1e8}


def _amount(fact: str, m: re.Match) -> float:
    """The number a match read, with the magnitude written after it ("1.2万亩" is 12000)."""
    return float(m.group(1)) * _MAGNITUDE.get(fact[m.end(1):m.end(1) + 1], 1.0)


def cue_scores(fact: str) -> tuple[dict[FactKind, float], dict[FactKind, str]]:
    """What the reviewed cues say about a fact's kind, and the strongest cue's reason."""
    r = content.fact_rules()
    negated, down, up, bad, counted = _special()
    scores = {k: 0.0 for k in FactKind}
    why: dict[FactKind, tuple[float, str]] = {}
    covered: list[tuple[int, int]] = []  # progress spans: problem words inside do not count

    def add(kind: FactKind, weight: float, reason: str, span=None) -> None:
        scores[kind] += weight
        if weight > why.get(kind, (0, ""))[0]:
            why[kind] = (weight, reason)
        if span is not None and kind == FactKind.PROGRESS:
            covered.append(span)

    for m in negated.finditer(fact):
        add(FactKind.PROGRESS, r.negated_bad.weight, r.negated_bad.why, m.span())
    # The direction of a change decides, by what changes: fewer complaints is progress,
    # lower income a problem.
    quoted = [q.span() for q in re.finditer(r"“[^”]*”", fact)]  # a goal or slogan quoted: "进入全市前三"
    for pattern, lowering in ((down, True), (up, False)):
        for m in pattern.finditer(fact):
            if any(a <= m.start() < b for a, b in quoted):
                continue
            start = _clause_start(fact, m.start())
            if not SUBJECT.search(COMPARED.sub("", fact[start:m.start()])) and start > 0:
                start = _clause_start(fact, start - 1)  # "…发案214起，同比上升12%"
            ends = [i for i in (fact.find(p, m.end()) for p in "，。；,;") if i >= 0]
            clause = fact[start:min(ends, default=len(fact))]  # what changes is in the clause
            if re.match("[成为到至]", fact[m.end():m.end() + 1]) or m.group()[-1] in "到至":
                clause = fact[start:m.start()]  # "压缩成半小时传达文件": after 成 is the new state
            # a deliberate cut (压减, 精简) is work done, whatever was cut
            counts_bad = bool(bad.search(clause)) and not ENFORCED.search(clause)
            good = lowering == counts_bad or bool(lowering and DELIBERATE.match(m.group()))
            kind = FactKind.PROGRESS if good else FactKind.PROBLEM
            # a bad thing that fell is what was fixed: its words (投诉量降到…) are no problem
            span = (start, min(ends, default=len(fact))) if good else None
            add(kind, r.change.weight, r.change.why_progress if good else r.change.why_problem, span)
    sf = r.shortfall
    target = re.search(sf.target, fact)
    # what was reached is told after the target ("计划开工3200套，实际开工2650套")
    done = re.compile(sf.done).search(fact, target.end() if target else 0)
    # a share of a task (完成年度任务的68%), or less than the target given in the same line
    share = re.search(r"完成[^，。；]{0,10}的\s*([0-9.]+)\s*[%％]", fact)
    short = None  # what was reached, read as short of the target: no work done to count
    if (share and float(share.group(1)) < 100) or (
            done and target and not done.group(2) and _amount(fact, done) < _amount(fact, target)):
        add(FactKind.PROBLEM, sf.weight, sf.why)
        short = share.span() if share and float(share.group(1)) < 100 else done.span()
    matches = [(k, w, y, m.span(), c) for k, w, y, p, c in _cues() for m in p.finditer(fact)
               if k != FactKind.PROGRESS or not (NOT_DONE.search(fact[max(0, m.start() - 2):m.start()])
                                                 or (short and m.start() < short[1] and short[0] < m.end()))]
    covered += [span if c == "span" else (0, _remainder(fact, span[1])) for k, _, _, span, c in matches
                if k == FactKind.PROGRESS and c]
    covered += [t.span() for t in TITLE.finditer(fact)]
    for kind, w, y, (a, b), _ in matches:
        if kind == FactKind.PROBLEM and any(a < e and s < b for s, e in covered):
            continue
        add(kind, w, y)
    if scores[FactKind.PROBLEM] == 0 and scores[FactKind.CONTEXT] == 0 and counted.search(fact):
        add(FactKind.PROGRESS, r.counted_work.weight, r.counted_work.why)
    return scores, {k: v[1] for k, v in why.items()}


@lru_cache(maxsize=1)
def _topic_cues():
    return [(c.topics, re.compile(c.pattern)) for c in content.fact_rules().topic_cues]


def topic_boosts(fact: str, ids: list[str]) -> dict[int, float]:
    """Log-factors by topic: the strongest cue for a topic counts, and a cue against it
    (a negative weight) counts as well."""
    up: dict[int, float] = {}
    down: dict[int, float] = {}
    for topics, pattern in _topic_cues():
        if not pattern.search(fact):
            continue
        for topic, weight in topics.items():
            i = ids.index(topic)
            if weight >= 0:
                up[i] = max(up.get(i, 0.0), weight)
            else:
                down[i] = min(down.get(i, 0.0), weight)
    return {i: up.get(i, 0.0) + down.get(i, 0.0) for i in set(up) | set(down)}
