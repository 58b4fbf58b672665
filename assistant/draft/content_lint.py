"""Reads the whole phrase bank as a reviewer would: every entry, filled for every writer it
is tagged for, against the hygiene rules. Its tags must be honest (a sentence about 食堂 is
tagged 机关事务, one that needs 分管 says so), problems and causes state no number, event or
misconduct, causes blame no system, the voice fits, the era words fit the years, and nothing
copies a run of another unit's material. `python -m assistant.draft.content_lint` prints what it
finds; the tests require it to find nothing.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from assistant.core import content
from assistant.core.content import Power, WriterKind, year_refs
from assistant.draft import hygiene
from assistant.draft.writer import Writer

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Problem:
    entry: str
    writer: str
    message: str

    def __str__(self) -> str:
        return f"{self.entry} [{self.writer}]: {self.message}"


def _writer(kind: WriterKind, unit_type: str, year: int | None) -> Writer:
    org = next(t.party_org for t in content.units().types if t.id == unit_type)
    scope = {"班子成员": "分管领域"}.get(kind.value, "")
    return Writer(kind=kind, unit="本单位", post="", unit_type=unit_type, party_org=org, rank="",
                  scope=scope, powers=frozenset(Power), year=year)


def _years(entry) -> list[int | None]:
    return [entry.years[0], entry.years[1]] if entry.years else [None]


def _bound_terms_ok(text: str, entry) -> list[str]:
    out = []
    for b in year_refs().bound_terms:
        if b.term in text:
            lo, hi = entry.years or (1900, 2999)
            spans = [(x.from_, x.to) for x in year_refs().bound_terms if x.term == b.term]
            if not any(a <= lo and hi <= z for a, z in spans):
                out.append(f"“{b.term}”只属于{spans}，条目年份应在此范围内（years）")
    return list(dict.fromkeys(out))


def _entries(files: list[Path] | None):
    """Every entry of the bank, or of the given bank files only (each read on its own, so a
    file being written elsewhere does not stop the check of another)."""
    if not files:
        yield from content.bank().entries()
        return
    for path in files:
        data = content.read_yaml(path)
        if path.stem == "causes":
            cb = content.CauseBank.model_validate(data)
            yield from (("cause", c) for c in cb.causes)
            yield from (("measure", m) for m in cb.measures)
        else:
            tb = content.TopicBank.model_validate(data)
            if tb.topic not in content.topics().ids():
                raise ValueError(f"{path.name}: unknown topic {tb.topic}")
            yield from (("problem", p) for p in tb.problems)
            yield from (("remedy", r) for r in tb.remedies)


def lint(corpus_dir: Path | None = None, files: list[Path] | None = None) -> list[Problem]:
    corpus_dir = corpus_dir or ROOT / "corpus"
    corpus = hygiene.Corpus.of([p.read_text("utf-8") for p in sorted(corpus_dir.glob("*.txt"))])
    out: list[Problem] = []
    for kind, e in _entries(files):
        template = {
            "problem": lambda: e.judgement + e.detail,
            "remedy": lambda: e.text.replace("{fact}", "“〇〇”").replace("{by}", "次年6月底"),
            "cause": lambda: e.title + "。" + e.detail,
            "measure": lambda: e.title + "。" + e.detail,
        }[kind]()
        # Tags are read off the template: {范围} or {主体} fill in what the writer is, and
        # era words come from {大会精神} only for the right year.
        raw = re.sub(r"\{\w+\}", "", template)
        utype = e.units[0] if e.units else content.units().default
        entry_add = lambda msg: out.append(Problem(e.id, "全部", msg))
        missing = hygiene.needs_of(raw) - set(e.needs)
        if missing:
            entry_add(f"需要职权 {sorted(p.value for p in missing)}，应标注 needs")
        for msg in _bound_terms_ok(raw, e):
            entry_add(msg)
        foreign = hygiene.foreign_words(raw, utype, allowed_types=e.units)
        if foreign:
            entry_add(f"用了其他类型单位的工作（{'、'.join(foreign)}），应标注 units")
        for run in corpus.copied(raw):
            entry_add(f"与语料重复 {len(run)} 字：{run}")
        for wk in e.writers:
            for year in _years(e):
                w = _writer(wk, utype, year)
                text = w.fill(template)
                add = lambda msg: out.append(Problem(e.id, wk.value, msg))
                if "{" in text:
                    add(f"未知的占位符：{text[text.index('{'):][:12]}")
                if kind in ("problem", "cause"):
                    for h in hygiene.concrete_hits(text):
                        add(f"陈述了具体事实（{h}），事例只能来自用户")
                    for h in hygiene.misconduct_hits(text):
                        add(f"陈述了违纪违规行为（{h}）")
                if kind == "cause":
                    for h in hygiene.blames_system(text):
                        add(f"原因归咎于客观或体制（{h}）")
                if kind in ("measure", "remedy"):
                    for h in hygiene.misconduct_hits(text):
                        add(f"措施中出现违纪违规行为且不是防范的对象（{h}）")
                for v in hygiene.voice_errors(text, wk):
                    add(v)
    # one problem a writer+entry, in order
    seen, unique = set(), []
    for p in out:
        if (p.entry, p.writer, p.message) not in seen:
            seen.add((p.entry, p.writer, p.message))
            unique.append(p)
    return unique


def main() -> int:
    files = [Path(a) for a in sys.argv[1:]]
    problems = lint(files=files or None)
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
