"""New, structurally valid materials made by recombining the corpus's items.

The five seed files are parsed; each generated material takes its dimension list from the
registry (or a seed), and for every dimension picks items from the pools of different seeds,
then writes them out as a material the parser reads back the same way: a title line, a
preamble, 一、/二、/三、 sections and （一）（二） headings, one item a line. Role, year and
unit vary. Used by the benchmarks (bench/run_all.py) and the robustness tests.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

CN = "一二三四五六七八九十"
UNITS = ["区教育局", "市统计局", "县卫生健康局", "区机关事务中心", "市住建局", "区财政局", "县农业农村局",
         "市交通运输局", "区民政局", "县文化和旅游局", "市生态环境局", "区人社局", "街道办事处", "市医保局"]
POSTS = ["办公室主任", "局长", "副局长", "党组书记", "科长", "主任"]
# (year, meeting, theme word in the title)
MEETINGS = [
    (2016, "民主生活会", "“两学一做”学习教育"), (2017, "民主生活会", ""), (2018, "民主生活会", ""),
    (2022, "民主生活会", ""), (2023, "专题民主生活会", "主题教育"), (2024, "民主生活会", ""),
    (2025, "民主生活会", ""),
]


@dataclass
class Pools:
    problems: dict[str, list[str]]  # dimension name -> item bodies (markers stripped)
    any_problem: list[str]
    causes: list[tuple[str, list[str]]]  # (title, item bodies)
    measures: list[tuple[str, list[str]]]
    dim_lists: dict[int, list[list[str]]]  # year -> dimension lists seen in seeds/registry


def _body(item) -> str:
    text = item.text[len(item.marker):] if item.marker else item.text
    return re.sub(r"\s*\n\s*", "", text).strip()


def load_pools(corpus: Path = CORPUS) -> Pools:
    from assistant.core.settings import Settings
    from assistant.core.types import SectionKind
    from assistant.draft.structure import load_registry
    from assistant.ingest.corpus import discover, read_material

    settings = Settings()
    problems: dict[str, list[str]] = defaultdict(list)
    causes, measures = [], []
    dim_lists: dict[int, list[list[str]]] = defaultdict(list)
    for path in discover([corpus]):
        m = read_material(path, settings)
        for sec in m.sections:
            for dim in sec.dimensions:
                bodies = [b for b in (_body(i) for i in dim.items) if len(b) >= 10]
                if not bodies:
                    continue
                if sec.kind == SectionKind.PROBLEMS and dim.name:
                    problems[dim.name] += bodies
                elif sec.kind == SectionKind.CAUSES:
                    causes.append((dim.name or "思想认识有所放松", bodies))
                elif sec.kind == SectionKind.MEASURES:
                    measures.append((dim.name or "持续加强理论武装", bodies))
        sec = m.section(SectionKind.PROBLEMS)
        if sec and m.year:
            dim_lists[m.year].append([d.name for d in sec.dimensions if d.name])
    for meeting in load_registry():
        for year in range(meeting.year, meeting.until + 1):
            dim_lists[year].append(list(meeting.dimensions))
    any_problem = [b for bodies in problems.values() for b in bodies]
    return Pools(dict(problems), any_problem, causes, measures, dict(dim_lists))


@dataclass
class Generated:
    name: str
    text: str
    year: int
    role: str
    unit: str
    dimensions: list[str]
    n_items: int  # items the parser should find in all sections


def _items(rng: random.Random, bodies: list[str], n: int) -> list[str]:
    picked = rng.sample(bodies, min(n, len(bodies)))
    if len(picked) == 1:
        return picked
    return [f"{CN[k]}是{b}" for k, b in enumerate(picked)]


def generate(n: int, seed: int = 7, pools: Pools | None = None) -> list[Generated]:
    pools = pools or load_pools()
    rng = random.Random(seed)
    out = []
    for i in range(n):
        year, meeting, theme = rng.choice(MEETINGS)
        role = rng.choice(["班子", "个人"])
        unit = rng.choice(UNITS)
        dims = rng.choice(pools.dim_lists.get(year) or [l for ls in pools.dim_lists.values() for l in ls])
        who = "领导班子" if role == "班子" else f"{rng.choice(POSTS)}个人"
        title = f"{year}年{unit}{theme}{meeting}{who}对照检查材料"
        lead = "下面，我代表领导班子作对照检查。" if role == "班子" else "现作个人对照检查如下。"
        lines = [
            title,
            f"按照上级关于开好{year}年度{meeting}的通知要求，{unit}紧扣会议主题，认真开展学习研讨，"
            f"广泛征求意见，深入查摆{'、'.join(dims)}等方面存在的问题，深刻剖析原因，明确整改措施。{lead}",
            "一、存在的主要问题",
        ]
        n_items = 0
        for k, name in enumerate(dims):
            # Items of this dimension from the seeds that have it, else from any seed.
            pool = pools.problems.get(name) or pools.any_problem
            items = _items(rng, pool, rng.randint(1, 3))
            lines.append(f"（{CN[k]}）在{name}方面")
            lines += items
            n_items += len(items)
        lines.append("二、产生问题的原因")
        for k, (t, bodies) in enumerate(rng.sample(pools.causes, min(3, len(pools.causes)))):
            lines.append(f"（{CN[k]}）{t}")
            items = _items(rng, bodies, 1)
            lines += items
            n_items += len(items)
        lines.append("三、整改措施")
        for k, (t, bodies) in enumerate(rng.sample(pools.measures, min(3, len(pools.measures)))):
            lines.append(f"（{CN[k]}）{t}")
            items = _items(rng, bodies, rng.randint(1, 2))
            lines += items
            n_items += len(items)
        name = f"gen{i:04d}_{year}_{role}_{unit}.txt"
        out.append(Generated(name, "\n".join(lines) + "\n", year, role, unit, list(dims), n_items))
    return out


def write(materials: list[Generated], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for g in materials:
        p = folder / g.name
        p.write_text(g.text, "utf-8")
        paths.append(p)
    return paths


def check(g: Generated):
    """Parse a generated material back; raise if its structure did not survive."""
    from assistant.core.types import SectionKind
    from assistant.ingest.parse import parse_material

    m = parse_material(g.text, source=g.name)
    got = [d.name for d in m.section(SectionKind.PROBLEMS).dimensions]
    assert got == g.dimensions, (g.name, got, g.dimensions)
    assert m.year == g.year and m.role.value == g.role, (g.name, m.year, m.role)
    n = sum(1 for _ in m.items())
    assert n == g.n_items, (g.name, n, g.n_items)
    return m
