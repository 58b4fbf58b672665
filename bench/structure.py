"""Structure on materials neither side has seen: ours vs the LangChain recipe, with the
registry and with it emptied (issue 14, item 6).

The held-out materials are the previous-year materials of the quality suite's scenarios
(eval/scenarios, eval/heldout, eval/heldout2): written for this project apart from corpus/,
each with its year, role and 方面 headings. Leave one out: every material is asked for from
a store that holds the corpus and all the other held-out materials, never itself. The
expected answer is the material's own list of 方面 as its headings name them.

Ours: `choose_structure` with the stored materials' records, as shipped (the registry first)
and with an empty registry (the vote of the nearest stored materials of the same year, role
and meeting). Theirs: the 方面 headings found, in rank order, in the recipe's top-4 chunks
for "{year}年{meeting} {role} 对照检查 方面", its own chunks of the material left out.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("scenarios", "heldout", "heldout2")  # heldout3 stays blind: it is run once, by eval


@dataclass
class HeldOut:
    name: str
    text: str
    year: int
    role: str
    meeting: str
    expected: list[str]


def held_out_materials() -> list[HeldOut]:
    """The suite's previous-year materials that parse into at least two 方面 with a role."""
    from assistant.core.types import SectionKind
    from assistant.ingest.parse import parse_material
    from eval import scenario

    out = []
    for folder in FOLDERS:
        for s in scenario.load("*", folder):
            if not s.last_year.strip():
                continue
            m = parse_material(s.last_year)
            problems = m.section(SectionKind.PROBLEMS)
            dims = [d.name for d in problems.dimensions] if problems else []
            role = m.role.value if m.role else s.request.role
            year = m.year or (s.request.year - 1 if s.request.year else None)
            if len(dims) >= 2 and year:
                meeting = m.meeting or s.request.meeting
                # named as corpus/ names its files, so that the store knows its year and role
                name = f"{year}_{role}_{meeting}_留出{len(out) + 1:02d}.txt"
                out.append(HeldOut(name, s.last_year, year, role, meeting, dims))
    return out


def compare(emb, settings_for, model: str) -> dict:
    """Exact-list hits for ours (with and without the registry) and theirs, leave one out."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.core.types import Request, Role
    from assistant.draft.structure import choose_structure, load_registry
    from assistant.ingest.corpus import discover, ingest_paths
    from assistant.ingest.index import Index
    from assistant.ingest.parse import dimension_name
    from bench.run_all import SEPARATORS, headings_in_chunks

    held = held_out_materials()
    folder = Path(tempfile.mkdtemp(prefix="duizhao-bench-heldout-"))
    for h in held:
        (folder / h.name).write_text(h.text, "utf-8")
    files = discover([ROOT / "corpus"]) + sorted(folder.glob("*.txt"))

    index = Index(settings_for(Path(tempfile.mkdtemp()), model), embeddings=emb)
    list(ingest_paths(files, index))
    records = index.materials_list()

    docs = [Document(page_content=p.read_text("utf-8"), metadata={"source": p.name}) for p in files]
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50, separators=SEPARATORS,
                                              keep_separator="end")
    client = chromadb.PersistentClient(path=tempfile.mkdtemp(), settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma.from_documents(splitter.split_documents(docs), emb, client=client, collection_name="heldout_rag",
                                  collection_metadata={"hnsw:space": "cosine"})

    registry = load_registry()
    # the same name with ， or 、 between its halves is the same 方面
    norm = lambda names: [dimension_name(n).replace("，", "、") for n in names]  # noqa: E731
    cases = []
    for h in held:
        others = [r for r in records if Path(str(r.get("source", ""))).name != h.name]
        req = Request(role=Role(h.role), year=h.year, meeting=h.meeting)
        query = f"{h.year}年{h.meeting} {h.role} 对照检查 方面"
        top = store.similarity_search(query, k=4, filter={"source": {"$ne": h.name}})
        expected = norm(h.expected)
        cases.append({
            "name": h.name, "year": h.year, "role": h.role, "expected": expected,
            "ours": norm(choose_structure(req, registry=registry, corpus_materials=others).dimensions),
            "ours_corpus": norm(choose_structure(req, registry=[], corpus_materials=others).dimensions),
            "theirs": norm(headings_in_chunks([d.page_content for d in top])),
            # could the corpus vote find it at all: another stored material with the same list
            "findable": any(norm(str(r.get("dimensions", "")).split("|")) == expected for r in others),
        })
    return {"cases": cases}


def section(res: dict) -> list[str]:
    cases = res["cases"]
    n = len(cases)
    hit = lambda key: sum(c[key] == c["expected"] for c in cases)  # noqa: E731
    findable = [c for c in cases if c["findable"]]
    fhit = lambda key: sum(c[key] == c["expected"] for c in findable)  # noqa: E731
    L = ["### Structure on held-out materials (leave one out)\n",
         f"{n} previous-year materials of the quality suite (eval/scenarios, heldout, heldout2: written apart "
         "from corpus/), each asked for from a store holding the corpus and the other held-out materials, never "
         "itself. Right = the material's own list of 方面, exactly, in order. \"Findable\" = another stored "
         "material has that exact list, so a corpus vote could find it.\n",
         "| | ours, registry as shipped | ours, registry emptied | LangChain recipe |",
         "|---|---:|---:|---:|",
         f"| right list, all {n} | {hit('ours')}/{n} | {hit('ours_corpus')}/{n} | {hit('theirs')}/{n} |",
         f"| right list, the {len(findable)} findable | {fhit('ours')}/{len(findable)} | "
         f"{fhit('ours_corpus')}/{len(findable)} | {fhit('theirs')}/{len(findable)} |",
         ""]
    return L
