"""`make eval`: draft every scenario offline on the real model and index, and print what a
reviewer would mark, as one table.

    python -m eval.run                 # all scenarios
    python -m eval.run --only 03_*     # some
    python -m eval.run --show 03_city-eco-env-director-2025   # one draft and its findings
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = ROOT / ".cache"

# The targets of issue 10: the rates at least this, every count zero.
TARGETS = {"placement": 0.95, "kind": 0.95}


def drafter():
    from assistant.core.settings import Settings
    from assistant.draft.drafter import Drafter
    from assistant.ingest.corpus import ingest_paths
    from assistant.ingest.embedding_model import build_model_folder
    from assistant.ingest.index import Index

    model = build_model_folder(CACHE / "test-model")
    settings = Settings(data_dir=CACHE / "eval-data", embedding_model=str(model), cache_dir=CACHE / "vectors")
    index = Index(settings)
    for _ in ingest_paths([ROOT / "corpus"], index):
        pass
    d = Drafter(settings, index)
    d.warm_up()
    return d


def run_one(d, s):
    from assistant.core.types import Request, Role
    from assistant.draft.drafter import Context
    from assistant.ingest.parse import parse_material

    r = s.request
    req = Request(role=Role(r.role), unit=r.unit, post=r.post, year=r.year, meeting=r.meeting,
                  dimensions=r.dimensions, notice=r.notice, facts=[f.text for f in s.expect.facts])
    ctx = Context(last_year=parse_material(s.last_year)) if s.last_year.strip() else None
    return d.draft(req, ctx=ctx)


def evaluate(pattern: str = "*", show: str | None = None, out=sys.stdout, folder: str = "scenarios",
             d=None) -> tuple[list, bool]:
    from . import checks, scenario

    scenarios = scenario.load(show or pattern, folder)
    if not scenarios:
        raise SystemExit(f"没有找到场景：{show or pattern}")
    d = d or drafter()
    results = []
    started = time.time()
    for s in scenarios:
        draft = run_one(d, s)
        res = checks.check(s, draft)
        results.append(res)
        if show:
            from assistant.draft.explain import plan_lines
            from assistant.draft.render import to_text

            print("\n".join(plan_lines(draft.facts, draft.structure.dimensions)), file=out)
            print("-" * 60, file=out)
            print(to_text(draft), file=out)
    ok = report(results, time.time() - started, out, title=FOLDERS[folder])
    return results, ok


FOLDERS = {"scenarios": "开发集（eval/scenarios）", "heldout": "留出集（eval/heldout，从未用来调整起草）",
           # heldout2 was blind for its first run only (placement 79.4%, kind 93.3%); its misread
           # kinds were then studied to find the general readings they lacked.
           "heldout2": "第二留出集（eval/heldout2，2026-12-02 新写；首次运行后用来查找读错类型的原因）",
           # heldout3 likewise: blind for its first run (placement 81.6%, kind 94.1%), then studied.
           "heldout3": "第三留出集（eval/heldout3，2026-12-02 另写；首次运行后用来查找读错的原因）",
           # heldout4 was blind through the stop it was written in (placement 79.5%, kind 96.0%),
           # then studied in the next.
           "heldout4": "第四留出集（eval/heldout4，2026-12-02 写成；首次运行后用来查找读错的原因）",
           # heldout5's first run, before anything was changed for it: placement 79.3%, kind
           # 97.0%, 成效写成问题 6, 外单位内容 1, 照搬语料 1 (its 方面 lists were checked
           # while it was written; two notice readings were mended then). Second run, after
           # heldout4 was studied and before any of heldout5's own failures were looked at:
           # placement 80.5%, kind 97.0%. Then all of its failures were studied.
           "heldout5": "第五留出集（eval/heldout5，2026-12-02 晚些时候写成；首次运行后用来查找读错的原因）",
           # heldout6's first run (placement 84.0%, kind 96.9%, 成效写成问题 4) came after every
           # drafting change but the two 2019 list rules mended just after it. Its failures were
           # seen then (a run of all sets printed them); one of them was then mended as a class
           # (enforcement counts that rise are progress: 成效写成问题 4 -> 0).
           "heldout6": "第六留出集（eval/heldout6，2026-12-02 最后写成；首次运行后只按一类读错（执法数量增加）作了修改）",
           # heldout7 was written by a helper who saw neither the drafter nor the other sets, and was
           # first run after every drafting change of its stop (the bank's cases among them):
           # placement 82.0% (146/178), kind 93.3% (166/178), 成效写成问题 14 (7 facts, each in
           # problems and measures), 判断事例矛盾 3, 问题写成成效 1, 年代提法 1, 必含 1 (2024's
           # 反面典型案例剖析, which the draft names for the writer to add but does not write).
           # Its failures were then read.
           "heldout7": "第七留出集（eval/heldout7，2026-12-02 夜间写成；首次运行后用来查找读错的原因）",
           # heldout8 was written by a helper who read only domain.md, dimension_topics.md and
           # eval/scenario.py, and was first run before anything was changed for it.
           "heldout8": "第八留出集（eval/heldout8，2026-12-03 写成）",
           # heldout9 was written by a helper who read only domain.md, dimension_topics.md and
           # eval/scenario.py, after the topic reader learned words (2026-12-03). First run:
           # placement 86.1% (155/180), kind 96.1% (173/180), 问题写成成效 1; the code before
           # that stop's reading changes scored 85.0% on it. Then its failures were read: the
           # kind misreads (形式主义 told as counts) and last year's excerpts whose items open
           # with their 方面 were mended as classes.
           "heldout9": "第九留出集（eval/heldout9，2026-12-03 写成；首次运行后用来查找读错的原因）"}


def report(results, seconds: float, out=sys.stdout, targets: dict | None = None, title: str = "",
           details: bool = True) -> bool:
    from .checks import METRICS

    targets = targets or TARGETS
    facts = sum(r.facts for r in results)
    placed = sum(r.placed for r in results)
    kinds = sum(r.kinds_ok for r in results)
    structure = sum(r.structure_ok for r in results)
    placement, kind = placed / max(facts, 1), kinds / max(facts, 1)
    rows = [("方面清单正确", f"{structure}/{len(results)}", structure == len(results)),
            ("事实归类准确率", f"{placement:.1%}（{placed}/{facts}）", placement >= targets["placement"]),
            ("事实类型准确率", f"{kind:.1%}（{kinds}/{facts}）", kind >= targets["kind"])]
    for key, name in METRICS.items():
        n = sum(r.count(key) for r in results)
        rows.append((name, str(n), n == 0))
    # where a reader labelled which judgements and commitments fit (eval/fit_labels.yaml)
    for name, attr in (("判断句贴切（人工标注）", "judgement_fit"), ("整改承诺贴切（人工标注）", "commitment_fit")):
        good, total = (sum(getattr(r, attr)[i] for r in results) for i in (0, 1))
        if total:
            rows.append((name, f"{good / total:.1%}（{good}/{total}）", None))
    misplaced = sum(r.misplaced for r in results)
    if misplaced:
        hinted, hints = sum(r.misplaced_hinted for r in results), sum(r.hints for r in results)
        rows.append(("错归的问题已提示应归方面", f"{hinted}/{misplaced}（共提示 {hints} 条）", None))
    print(f"\n质量评估{('：' + title) if title else ''}：{len(results)} 个场景，{facts} 条事实，用时 {seconds:.0f} 秒\n", file=out)
    print("| 指标 | 结果 | 达标 |\n|---|---|---|", file=out)
    for name, value, ok in rows:
        print(f"| {name} | {value} | {'—' if ok is None else '✓' if ok else '✗'} |", file=out)
    bad = [r for r in results if r.issues or not r.structure_ok]
    if bad and details:
        print("\n未达标的场景：", file=out)
        for r in bad:
            print(f"- {r.id}" + ("（方面清单不对）" if not r.structure_ok else ""), file=out)
            for key, items in r.issues.items():
                for what in items[:6]:
                    print(f"    [{METRICS.get(key, '归类')}] {what}", file=out)
    return all(ok is not False for _, _, ok in rows)


def main() -> int:
    ap = argparse.ArgumentParser(description="对照的起草质量评估")
    ap.add_argument("--only", default="*", help="只评估文件名匹配的场景，如 03_*")
    ap.add_argument("--show", help="显示一个场景的事实归类和全文")
    ap.add_argument("--set", choices=[*FOLDERS, "all"], default="all",
                    help="开发集、某个留出集或全部（默认全部，最后加一张合计表）")
    args = ap.parse_args()
    folders = list(FOLDERS) if args.set == "all" else [args.set]
    d = drafter()
    oks, every = [], []
    started = time.time()
    for folder in folders:
        if args.show and not list((HERE / folder).glob(f"{args.show}.yaml")):
            continue
        results, ok = evaluate(args.only, args.show, folder=folder, d=d)
        oks.append(ok)
        every += results
    if len(folders) > 1 and not args.show:
        # the targets hold across all scenarios, not set by set
        oks.append(report(every, time.time() - started, title="全部场景（开发集和所有留出集合计）", details=False))
    return 0 if all(oks) else 1


if __name__ == "__main__":
    sys.exit(main())
