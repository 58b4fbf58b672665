"""Index: one Chroma record per item, plus one record per material.

The materials collection is the ledger: a material's record (with the hash of its text) is
written only after all of its items are in, and items whose hash no longer matches their
material's record are ignored by readers. So a material is either fully in or fully out,
even when ingest is killed half-way, and re-ingesting an unchanged file embeds nothing.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.core.settings import Settings
from assistant.core.types import Material, SectionKind

PARSER_VERSION = "1"
# Other processes (app workers, a CLI ingest) write to a shared Chroma server. A search that
# meets an item its ledger does not account for (a material ingested or re-ingested
# elsewhere) reads that one material's record again; the materials list is read whole again.
# Each at most this often, so items a killed ingest left behind (never in the ledger) cost
# one small read a second, and a large store's ledger (600 ms at 5,000 materials) is not
# read on every request.
LEDGER_REFRESH_S = 1.0
# Each record stores the item with its dimension name in front, so a query about a 方面
# finds its items; the metadata keeps the bare text for display.
ITEMS = "items"
MATERIALS = "materials"


class LazyEmbeddings(Embeddings):
    """Loads the model on first use: an unchanged corpus is checked without loading torch."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._inner: Embeddings | None = None
        self._lock = threading.Lock()  # the server loads it in the background; a request may ask too

    @property
    def inner(self) -> Embeddings:
        if self._inner is None:
            with self._lock:
                if self._inner is None:
                    from assistant.ingest.embedding_model import load_embeddings

                    self._inner = load_embeddings(self._settings)
        return self._inner

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def embed_queries(self, texts: list[str]):
        from assistant.ingest.vectors import embed_queries

        return embed_queries(self.inner, texts)


def collection_suffix(settings: Settings) -> str:
    """Model and parser version in the collection name, so vectors of two models never mix."""
    from assistant.ingest.embedding_model import BUILD_VERSION

    bundled = f"bundled-e5-small-q4-v{BUILD_VERSION}"
    key = f"{settings.embedding_model or bundled}|{PARSER_VERSION}"
    return hashlib.sha256(key.encode()).hexdigest()[:10]


def make_client(settings: Settings):
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def material_id(source: str) -> str:
    """A material is identified by where it came from, so a new version replaces the old."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def content_hash(material: Material) -> str:
    key = f"{PARSER_VERSION}|{material.year}|{material.role}|{material.meeting}|{material.text()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


# Materials ingested from the corpus folder belong to everyone; a user's upload carries that
# user's store id (app/accounts.py) and is seen by that user only.
SHARED = "corpus"


def visible(meta: dict[str, Any], owner: str) -> bool:
    return meta.get("owner", SHARED) in (SHARED, owner)


@dataclass
class IngestResult:
    source: str
    material_id: str
    items: int
    added: int
    removed: int
    unchanged: bool


@dataclass
class Hit:
    text: str
    score: float  # cosine similarity, higher is nearer
    meta: dict[str, Any] = field(default_factory=dict)
    id: str = ""


def _item_records(material: Material, mid: str, chash: str, owner: str):
    for sec, dim, item in material.items():
        meta = {
            "material_id": mid,
            "content_hash": chash,
            "owner": owner,
            "source": material.source or "",
            "title": material.title,
            "year": material.year or 0,
            "role": material.role.value if material.role else "",
            "meeting": material.meeting or "",
            "theme": material.theme or "",
            "section_kind": sec.kind.value,
            "section_order": sec.order,
            "dimension": dim.name,
            "dimension_heading": dim.heading,
            "dimension_order": dim.order,
            "item_order": item.order,
            "marker": item.marker,
            "judgement": item.judgement,
            "has_example": bool(item.examples),
            "text": item.text,
        }
        rid = hashlib.sha256(
            f"{mid}|{chash}|{sec.order}|{dim.order}|{item.order}".encode()
        ).hexdigest()[:24]
        embed_text = f"{dim.name}：{item.text}" if dim.name else item.text
        yield rid, embed_text, meta


def problem_dimensions(material: Material) -> list[str]:
    sec = material.section(SectionKind.PROBLEMS)
    return [d.name for d in sec.dimensions if d.name] if sec else []


@dataclass
class _Pending:
    """A material about to be written: its item records, ledger record and summary text."""

    source: str
    mid: str
    chash: str
    n_items: int
    records: list[tuple[str, str, dict[str, Any]]]
    record: dict[str, Any]
    summary: str

    @classmethod
    def of(cls, material: Material, owner: str) -> _Pending:
        source = material.source or material.title or "未命名材料"
        mid, chash = material_id(source), content_hash(material)
        dims = problem_dimensions(material)
        n_items = sum(1 for _ in material.items())
        record = {
            "material_id": mid, "content_hash": chash, "owner": owner, "source": source,
            "title": material.title, "year": material.year or 0,
            "role": material.role.value if material.role else "", "meeting": material.meeting or "",
            "theme": material.theme or "", "dimensions": "|".join(dims), "n_items": n_items,
        }
        summary = "；".join(filter(None, [material.title, "、".join(dims), material.preamble[:200]])) or source
        return cls(source, mid, chash, n_items, list(_item_records(material, mid, chash, owner)), record, summary)


def _upsert(store, client, ids, vectors, texts, metadatas) -> None:
    """Records with their vectors, in as few calls as the server takes."""
    try:
        size = client.get_max_batch_size()
    except Exception:  # an older server without the call
        size = 1000
    for start in range(0, len(ids), size):
        end = start + size
        store._collection.upsert(ids=ids[start:end], embeddings=vectors[start:end],
                                 documents=texts[start:end], metadatas=metadatas[start:end])


class Index:
    def __init__(self, settings: Settings, embeddings: Embeddings | None = None, client=None):
        self.settings = settings
        self.embeddings = embeddings or LazyEmbeddings(settings)
        self._client = client
        # Chroma is opened on first use: importing and opening it is most of a second, and
        # the server's page should not wait for it (it opens behind the page, with the model).
        self._stores: tuple[Any, Any, Any] | None = None
        self._open_lock = threading.Lock()
        self._ledger: dict[str, dict[str, Any]] | None = None
        self._ledger_read = 0.0
        self._record_read: dict[str, float] = {}
        self._kept_share: dict[tuple, float] = {}  # filters -> share of fetched hits they kept

    def _open(self) -> tuple[Any, Any, Any]:
        if self._stores is None:
            with self._open_lock:
                if self._stores is None:
                    from langchain_chroma import Chroma

                    client = self._client or make_client(self.settings)
                    suffix = collection_suffix(self.settings)
                    meta = {"hnsw:space": "cosine"}
                    items, materials = (Chroma(collection_name=f"duizhao_{kind}_{suffix}", embedding_function=self.embeddings,
                                               client=client, collection_metadata=meta) for kind in (ITEMS, MATERIALS))
                    self._stores = (client, items, materials)
        return self._stores

    @property
    def client(self):
        return self._open()[0]

    @property
    def items(self):
        return self._open()[1]

    @property
    def materials(self):
        return self._open()[2]

    # --- writing --------------------------------------------------------------------
    def ingest(self, material: Material, *, owner: str = SHARED) -> IngestResult:
        return self.ingest_many([material], owner=owner)[0]

    def ingest_many(self, materials: Sequence[Material], *, owner: str = SHARED) -> list[IngestResult]:
        """Several materials in one pass, one result each. Every new text is embedded in one
        call (the model sorts a call's texts by length, so its batches waste little on
        padding) and written in a few large upserts: the per-call cost of Chroma, which grows
        with the store, is paid per batch instead of twice per material. All items go in
        before any of the materials' ledger records, so each material is still fully in or out."""
        ledger = self.ledger()
        results: list[IngestResult | None] = []
        todo: list[tuple[int, _Pending]] = []  # (its place in results, the material)

        def write() -> None:
            for (place, _), result in zip(todo, self._write([t for _, t in todo])):
                results[place] = result
            todo.clear()

        for material in materials:
            pending = _Pending.of(material, owner)
            if ledger.get(pending.mid, {}).get("content_hash") == pending.chash:
                results.append(IngestResult(pending.source, pending.mid, pending.n_items, 0, 0, True))
                continue
            if any(t.mid == pending.mid for _, t in todo):  # a second file of the same name replaces the first
                write()
            todo.append((len(results), pending))
            results.append(None)
        if todo:
            write()
        return [r for r in results if r is not None]

    def _write(self, todo: list[_Pending]) -> list[IngestResult]:
        mids = [t.mid for t in todo]
        got = self.items.get(where={"material_id": {"$in": mids}} if len(mids) > 1 else {"material_id": mids[0]},
                             include=["metadatas"])
        old: dict[str, list[str]] = {}
        for i, m in zip(got["ids"], got["metadatas"]):
            old.setdefault(m.get("material_id", ""), []).append(i)
        records = [r for t in todo for r in t.records]
        vectors = self.embeddings.embed_documents([r[1] for r in records] + [t.summary for t in todo])
        item_vectors, summary_vectors = vectors[:len(records)], vectors[len(records):]
        _upsert(self.items, self.client, [r[0] for r in records], item_vectors, [r[1] for r in records],
                [r[2] for r in records])
        # The commit point: from here on readers see the new items and not the old ones.
        _upsert(self.materials, self.client, mids, summary_vectors, [t.summary for t in todo],
                [t.record for t in todo])
        ledger, out = self.ledger(), []
        for t in todo:
            new_ids = {r[0] for r in t.records}
            stale = [i for i in old.get(t.mid, []) if i not in new_ids]
            if stale:
                self.items.delete(ids=stale)
            ledger[t.mid] = t.record
            out.append(IngestResult(t.source, t.mid, t.n_items, len(t.records), len(stale), False))
        return out

    def remove(self, source: str) -> int:
        mid = material_id(source)
        old = self.items.get(where={"material_id": mid}, include=[])["ids"]
        self.materials.delete(ids=[mid])
        if old:
            self.items.delete(ids=old)
        self.ledger().pop(mid, None)
        return len(old)

    # --- reading --------------------------------------------------------------------
    def ledger(self, fresh: bool = False) -> dict[str, dict[str, Any]]:
        """material_id -> its record, for every material fully in the store; `fresh` reads
        it again from the store unless it was read within LEDGER_REFRESH_S."""
        now = time.monotonic()
        if self._ledger is None or (fresh and now - self._ledger_read > LEDGER_REFRESH_S):
            got = self.materials.get(include=["metadatas"])
            self._ledger = {i: m for i, m in zip(got["ids"], got["metadatas"])}
            self._ledger_read = now
        return self._ledger

    def _live(self, meta: dict[str, Any]) -> bool:
        mid, chash = meta.get("material_id", ""), meta.get("content_hash")
        rec = self.ledger().get(mid)
        if rec is None or rec.get("content_hash") != chash:
            rec = self._reread(mid)  # written by another process since?
        return rec is not None and rec.get("content_hash") == chash

    def _reread(self, mid: str) -> dict[str, Any] | None:
        """One material's ledger record as the store has it now (at most once a second)."""
        ledger, now = self.ledger(), time.monotonic()
        if now - self._record_read.get(mid, -LEDGER_REFRESH_S) >= LEDGER_REFRESH_S:
            self._record_read[mid] = now
            got = self.materials.get(ids=[mid], include=["metadatas"])
            if got["ids"]:
                ledger[mid] = got["metadatas"][0]
            else:
                ledger.pop(mid, None)
        return ledger.get(mid)

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        role: str | None = None,
        section: str | None = None,
        owner: str = SHARED,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[Hit]:
        """Nearest items of the shared corpus and of `owner`'s own uploads. Filters are
        applied to an over-fetched result, not as a Chroma `where`, which is many times
        slower on a large store (see models.md)."""
        vec = self.embeddings.embed_query(query)
        return self.search_by_vector(vec, k, role=role, section=section, owner=owner, where=where)

    def search_by_vector(
        self,
        vec: Sequence[float],
        k: int = 5,
        *,
        role: str | None = None,
        section: str | None = None,
        owner: str = SHARED,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[Hit]:
        def keep(m: dict[str, Any]) -> bool:
            return (
                visible(m, owner)
                and self._live(m)
                and (not role or m.get("role") == role)
                and (not section or m.get("section_kind") == section)
                and (where is None or where(m))
            )

        # Straight to the collection: langchain's wrapper also fetches every document and
        # builds a Document per hit, and counting the store first (to cap the fetch) is a
        # SQLite scan that cost as much as the search itself at 100k items. A fetch that
        # comes back short has seen the whole store. How many to fetch follows the share of
        # hits the same filters kept last time: a Chroma query's cost grows with what it
        # returns, and a filter that keeps one hit in three needs 30 for 5, not 40.
        collection = self.items._collection
        key = (role, section, owner, where is not None)
        share = self._kept_share.get(key, 0.2)
        fetch = max(2 * k, min(8 * k, math.ceil(2 * k / share)))
        hits: list[Hit] = []
        while True:
            got = collection.query(query_embeddings=[list(vec)], n_results=fetch, include=["metadatas", "distances"])
            ids, metas, dists = got["ids"][0], got["metadatas"][0], got["distances"][0]
            hits = [Hit(str(m.get("text", "")), 1.0 - d, dict(m), i) for i, m, d in zip(ids, metas, dists) if keep(m)]
            if ids:
                self._kept_share[key] = max(0.7 * share + 0.3 * len(hits) / len(ids), 0.05)
            if len(hits) >= k or len(ids) < fetch:
                break
            fetch *= 4
        return hits[:k]

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """The stored embeddings of these items: no need to encode them again."""
        if not ids:
            return {}
        got = self.items.get(ids=ids, include=["embeddings"])
        return {i: list(v) for i, v in zip(got["ids"], got["embeddings"])}

    def materials_list(self, owner: str = SHARED) -> list[dict[str, Any]]:
        """The shared corpus's materials and `owner`'s own uploads."""
        ledger = self.ledger(fresh=True)
        mine = (m for m in ledger.values() if visible(m, owner))
        return sorted(mine, key=lambda m: (m.get("year", 0), m.get("source", "")))

    def live_items(self) -> Iterable[dict[str, Any]]:
        got = self.items.get(include=["metadatas"])
        return (m for m in got["metadatas"] if self._live(m))
