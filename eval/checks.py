"""What a 组织部 reviewer marks in a draft, counted: each check reads the typed draft against
the scenario's expectations and the evaluation's own word lists (eval/lexicon.yaml, written
apart from the drafter's data). The only project data used is the list of fixed political
formulas, which the issue says is kept as data, and the corpus itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.core.types import Draft, FactKind

from .scenario import Scenario, lexicon

ROOT = Path(__file__).resolve().parent.parent
RUN = 20  # a run of this many characters shared with another unit's material is copied
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_CLAUSE_START = r"(?:^|(?<=[，。；：！？\n]))"
_DEFICIT = re.compile(r"不|没|未|无|少|缺|差|低|慢|只有|仅有|不到|不足|偏|滞后|坏|长|难|拖|漏|错|弱|松|软|乱|[只仅][^，。；]{0,12}?[0-9０-９一二两三四五六七八九十半]|一部分")
# "都参加了，但自己没再读原文": what was done is conceded, and the lack follows it
_BUT = re.compile(r"^(?:但|但是|却|可是|然而|不过)")


def squash(s: str) -> str:
    return _PUNCT.sub("", s)


@dataclass
class Result:
    """Counts for one scenario, and what was found, for the report."""

    id: str
    structure_ok: bool = True
    facts: int = 0
    placed: int = 0
    kinds_ok: int = 0
    # facts with labels in fit_labels.yaml: (fitting, labelled) for judgements and commitments
    judgement_fit: tuple[int, int] = (0, 0)
    commitment_fit: tuple[int, int] = (0, 0)
    # problem facts shown with "也可能属于…": all of them, and the misplaced ones whose named
    # alternative is the expected 方面 (the writer is pointed at the right place)
    hints: int = 0
    misplaced: int = 0
    misplaced_hinted: int = 0
    issues: dict[str, list[str]] = field(default_factory=dict)

    def add(self, metric: str, what: str) -> None:
        self.issues.setdefault(metric, []).append(what)

    def count(self, metric: str) -> int:
        return len(self.issues.get(metric, []))


METRICS = {
    "leak": "外单位内容",
    "misconduct": "编造违纪",
    "invented": "编造数字事件",
    "voice": "口吻身份",
    "era": "年代提法",
    "contradiction": "判断事例矛盾",
    "progress_as_problem": "成效写成问题",
    "problem_as_progress": "问题写成成效",
    "duplicate_cause": "原因重复",
    "system_blame": "原因归咎客观",
    "copied": "照搬语料",
    "lost_fact": "有事实却留空",
    "measure": "措施问题",
    "must": "必含/禁用词",
}


def sections(d: Draft) -> dict[str, str]:
    return {
        "preamble": d.preamble.text if d.preamble else "",
        "rectification": "\n".join(p.text for p in d.rectification),
        "problems": "\n".join(i.marker + i.text for dim in d.problems for i in dim.items),
        "causes": "\n".join(f"{c.title}。{c.text}" for c in d.causes),
        "measures": "\n".join(f"{m.title}。{m.text}" for m in d.measures),
    }


def _mask(text: str, keep: list[str]) -> str:
    for k in sorted((k for k in keep if k), key=len, reverse=True):
        text = text.replace(k, "〇")
    return text


@lru_cache(maxsize=1)
def _corpus_runs() -> set[str]:
    runs: set[str] = set()
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        s = squash(p.read_text("utf-8"))
        runs.update(s[i : i + RUN] for i in range(len(s) - RUN + 1))
    return runs


@lru_cache(maxsize=1)
def _formulas() -> list[str]:
    import yaml

    data = yaml.safe_load((ROOT / "assistant" / "data" / "hygiene.yaml").read_text("utf-8"))
    return sorted(data["formulas"], key=len, reverse=True)


def copied_runs(text: str) -> list[str]:
    text = _mask(text, _formulas())
    s, runs, out, i = squash(text), _corpus_runs(), [], 0
    while i <= len(s) - RUN:
        if s[i : i + RUN] in runs:
            j = i + RUN
            while j < len(s) and s[j - RUN + 1 : j + 1] in runs:
                j += 1
            out.append(s[i:j])
            i = j
        else:
            i += 1
    return out


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def unit_type(unit: str) -> str | None:
    for name, pattern in lexicon()["unit_types"]:
        if re.search(pattern, unit):
            return name
    return None


def _pairs(s: str) -> set[str]:
    s = squash(s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


@lru_cache(maxsize=1)
def fit_labels() -> dict[tuple[str, str], dict]:
    import yaml

    data = yaml.safe_load((Path(__file__).parent / "fit_labels.yaml").read_text("utf-8"))
    return {(row["scenario"], row["fact"]): row for row in data["facts"]}


def _bank_refs(p) -> list[str]:
    return [x.text for x in p.sources if x.kind == "phrasebank"]


def fit(s: Scenario, d: Draft, r: Result) -> None:
    """Judgements and commitments against a reader's labels (fit_labels.yaml): a judgement is
    counted where its fact is under the expected 方面; a plain commitment fits where the
    reader found nothing in the bank that does."""
    labels = fit_labels()
    expected = {f.text: f.dimension for f in s.expect.facts}
    jf = jt = cf = ct = 0
    for dim in d.problems:
        for item in dim.items:
            for f in item.facts:
                row = labels.get((s.id, f))
                if row and row["judgements"] and expected.get(f) == dim.name:
                    jt += 1
                    jf += _bank_refs(item)[0] in row["judgements"]
    for m in d.measures:
        for f, ref in zip(m.facts, _bank_refs(m)[1:]):
            row = labels.get((s.id, f))
            if row:
                ct += 1
                cf += (not row["commitments"]) if ref == "fallback" else ref in row["commitments"]
    r.judgement_fit, r.commitment_fit = (jf, jt), (cf, ct)


def check(s: Scenario, d: Draft) -> Result:
    lex = lexicon()
    r = Result(id=s.id)
    fit(s, d, r)
    req = s.request
    user_text = " ".join([req.unit, req.post, s.last_year, *[f.text for f in s.expect.facts]])
    facts = [f.text for f in s.expect.facts]
    sec = sections(d)
    whole = "\n".join(sec.values()) + d.title + d.closing
    # The user's own words and the 方面 names (the notice's words) are never a copy or a leak.
    # Last year's material is quoted a clause at a time (the rectification report names each
    # old problem), so it is masked clause by clause, not as one whole text.
    old_clauses = [c.strip() for c in re.split(r"[，,。；;：:\n]", s.last_year) if len(c.strip()) >= 4]
    own_words = facts + [s.last_year] + old_clauses + s.expect.dimensions
    masked = {k: _mask(v, own_words) for k, v in sec.items()}
    personal = req.role != "班子"
    branch = "组织生活会" in req.meeting
    party_member = personal and branch
    junior = party_member or (personal and bool(re.search(lex["junior_posts"], req.post)))

    # --- structure and placement -------------------------------------------------------
    r.structure_ok = d.structure.dimensions == s.expect.dimensions
    got = {f.text: f for f in d.facts}
    for e in s.expect.facts:
        r.facts += 1
        f = got.get(e.text)
        if f is None:
            r.add("lost_fact", f"事实没有被读入：{e.text}")
            continue
        if f.kind.value == e.kind:
            r.kinds_ok += 1
        if e.kind == "problem":
            ok = f.kind == FactKind.PROBLEM and e.accepts(f.dimension)
        elif e.kind == "progress":
            ok = f.kind == FactKind.PROGRESS and (e.goes_to == "either" or f.destination == e.goes_to)
        else:
            ok = f.kind == FactKind.CONTEXT
        r.placed += ok
        if f.kind == FactKind.PROBLEM and f.alternative:
            r.hints += 1
        if e.kind == "problem" and f.kind == FactKind.PROBLEM and not ok:
            r.misplaced += 1
            r.misplaced_hinted += e.accepts(f.alternative)
        if not ok:
            r.add("placement", f"{e.text} → {f.kind.label}/{f.dimension or f.destination}（应为 {e.kind}/{e.dimension or e.goes_to}）")
        if e.kind == "problem" and f.kind == FactKind.PROBLEM:
            where = next((dim for dim in d.problems if dim.name == f.dimension), None)
            if where is None or not any(e.text in i.text for i in where.items):
                r.add("lost_fact", f"问题事实没有写进“{f.dimension}”：{e.text}")
        if e.kind == "problem" and e.text in re.sub(r"【[^】]*】", "", sec["preamble"]):
            # told as the year's achievement; asking about it (【请确认…】) is no claim
            r.add("problem_as_progress", f"问题写进了前言的成效：{e.text}")
        if e.kind == "progress":
            for key in ("problems", "measures"):
                if e.text in sec[key]:
                    # misread as a problem, or (a defect of drafting) read right and still used
                    how = "读成了问题" if f.kind != FactKind.PROGRESS else "读对了却仍写成问题"
                    r.add("progress_as_problem", f"成效出现在{key}（{how}）：{e.text}")

    # --- content ------------------------------------------------------------------------
    own = unit_type(req.unit)
    plain = _mask(whole, facts)
    tokens = set(_jieba().lcut(plain))
    for utype, words in lex["unit_vocab"].items():
        if utype == own:
            continue
        for w in map(str, words):
            # a two-character word counts only as a word (中考, not 岗位中考虑)
            found = w in tokens if len(w) == 2 else w in plain
            if found and w not in user_text:
                r.add("leak", f"{w}（{utype}）")
    for w in s.expect.must_not:
        if w in _mask(whole, facts + [s.last_year]):
            r.add("must", f"不应出现：{w}")
    for w in s.expect.must:
        if w not in whole:
            r.add("must", f"应出现：{w}")
    for key in ("preamble", "problems", "causes", "rectification"):
        for w in lex["misconduct"]:
            if w in masked[key]:
                r.add("misconduct", f"{key}：{w}")
    for key in ("problems", "causes"):
        for sentence in re.split(r"(?<=[。；])", masked[key]):
            plain = re.sub(r"【[^】]*】", "", sentence)
            if re.search(r"[0-9０-９]|[一二三四五六七八九十两]+(?:次|名|项|件|人|天|万元|个月|起)", plain):
                r.add("invented", f"{key}：{plain.strip()[:40]}")
    for term, (lo, hi) in lex["era_terms"].items():
        if term in _mask(whole, facts + [s.last_year]) and not lo <= (req.year or 2025) <= hi:
            r.add("era", f"{term}（{lo}—{hi}）")

    # --- voice and powers -----------------------------------------------------------------
    body = _mask("\n".join(sec[k] for k in ("problems", "causes", "measures")), facts)
    if personal:
        if re.search(r"我们(?![党国])", body):
            r.add("voice", "个人材料用了“我们”")
        for m in re.finditer(_CLAUSE_START + r"(?:领导班子|党组班子|党委班子|班子)(?!成员)", body):
            r.add("voice", f"个人材料以班子为主语：{body[m.start():m.start() + 12]}")
        for w in lex["others_criticism"]:
            if w in _mask(sec["problems"], facts):
                r.add("voice", f"批评他人：{w}")
    else:
        allowed = r"我(?=代表|局|单位|市|县|区|镇|院|校|为群众办实事|国|省|委|乡|社区|村|中心|公司|们|党)"
        text = re.sub(r"自我|“[^”]*”", "", body)
        for m in re.finditer(r"我|本人", text):
            if m.group(0) == "本人":
                r.add("voice", "班子材料用了“本人”")
            elif not re.match(allowed, text[m.start():m.start() + 8]):
                r.add("voice", f"班子材料用了“我”：{text[max(0, m.start() - 6):m.start() + 6]}")
    if party_member:
        for w in lex["party_member_forbidden"]:
            if w in body:
                r.add("voice", f"党员材料写了“{w}”")
    if junior:
        for w in lex["junior_forbidden"] + lex["junior_measure_forbidden"]:
            if w in body:
                r.add("voice", f"超出职权：{w}")

    # --- judgement and case -----------------------------------------------------------
    # A contradiction: the judgement says X is lacking, and the case shows X done — a
    # clause of the fact that names X, says it was done (只读了原文, 全部参加, 坚持…), and
    # names no shortfall. A case that is a progress fact contradicts any judgement.
    progress = {e.text for e in s.expect.facts if e.kind == "progress"}
    for dim in d.problems:
        for item in dim.items:
            for f in item.facts:
                judgement = item.text.split("。")[0]
                if f in progress:
                    continue  # counted as 成效写成问题
                said, case = judgement, f
                for name in lex["contradiction_names"]:  # a campaign's name names nothing done
                    said, case = said.replace(name, "〇"), case.replace(name, "〇")
                for m in re.finditer(r"([\u4e00-\u9fff]{2,8}?)(?:少|不够|不足|不深|不多|欠缺)", said):
                    obj = m.group(1)
                    keys = [obj[i:i + 2] for i in range(len(obj) - 1)]
                    # a pair across 的 ("的主" of 组织生活的主动性) names nothing
                    keys = [k for k in keys if "的" not in k and not any(k in st for st in lex["contradiction_stop"])]
                    # a book's title is a name, not what was done ("只读了《…》的前三个专题")
                    clauses = re.split(r"[，,；;。]", re.sub(r"《[^》]*》", "《》", case))
                    # "已整改6个，还有2个没有整改到位": another clause names the same X with a
                    # shortfall, so the case does bear the judgement out
                    if any(any(k in c for k in keys) and _DEFICIT.search(c) for c in clauses):
                        continue
                    for ci, clause in enumerate(clauses):
                        done = re.search(lex["done_markers"], clause)
                        conceded = any(_BUT.match(c.strip()) and _DEFICIT.search(c) for c in clauses[ci + 1:])
                        if done and not conceded and any(k in clause for k in keys) and not _DEFICIT.search(clause):
                            r.add("contradiction", f"“{judgement}”却以“{f}”为例")
                            break

    # --- causes and measures ----------------------------------------------------------
    titles = [c.title for c in d.causes]
    for i, a in enumerate(titles):
        for b in titles[i + 1:]:
            same_root = any(any(w in a for w in g) and any(w in b for w in g) for g in lex["cause_roots"])
            pa, pb = _pairs(a), _pairs(b)
            if same_root or (pa and pb and len(pa & pb) / len(pa | pb) >= 0.5):
                r.add("duplicate_cause", f"{a} / {b}")
    for c in d.causes:
        for w in lex["system_blame"]:
            if w in c.title + c.text:
                r.add("system_blame", f"{c.title}：{w}")
    if len(d.measures) < len(d.causes):
        r.add("measure", f"原因{len(d.causes)}条，措施只有{len(d.measures)}条")
    seen: set[str] = set()
    for m in d.measures:
        for sentence in re.findall(r"[^。；]{12,}", m.text):
            if sentence in seen:
                r.add("measure", f"措施重复：{sentence[:20]}")
            seen.add(sentence)
    for e in s.expect.facts:
        if e.kind != "problem":
            continue
        for sentence in re.findall(r"[^。]*" + re.escape(e.text) + r"[^。]*", sec["measures"]):
            if re.search(r"全年|年度|收入|指标|营收|利润", e.text) and re.search(r"[36]月底", sentence):
                r.add("measure", f"全年性的问题限期几个月整改：{e.text}")

    for key, text in sec.items():
        for run in copied_runs(_mask(text, own_words)):
            r.add("copied", f"{key}：{run}")
    return r
