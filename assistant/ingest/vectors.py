"""Embeddings with a cache: the phrase bank, prototypes and 方面 names are embedded once,
then every request reuses them. e5 wants query and passage prefixes kept apart, so the two
are cached apart. One cache per model in a process (`shared`), and the texts that are the
same for every user can be kept on disk (`save`/`load`) so a restart does not embed them
again."""

from __future__ import annotations

import hashlib
import os
import tempfile
import weakref
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

# By the embeddings object's id (langchain's embeddings are pydantic models: not hashable),
# with a weak reference to tell a live object from a new one at a reused address.
_SHARED: "dict[int, tuple[weakref.ref, Vectors]]" = {}


def shared(embeddings: Embeddings) -> "Vectors":
    """The process's cache for this model: every drafter on the same model shares it."""
    entry = _SHARED.get(id(embeddings))
    if entry is not None and entry[0]() is embeddings:
        return entry[1]
    v = Vectors(embeddings)
    key = id(embeddings)
    _SHARED[key] = (weakref.ref(embeddings, lambda _, k=key, d=_SHARED: d.pop(k, None)), v)
    return v


def embed_queries(embeddings: Embeddings, texts: list[str]):
    """Many queries in one batch where the model allows it (langchain embeds queries one at
    a time, which is several times slower for the prototypes and the phrase bank)."""
    if len(texts) > 1:
        own = getattr(embeddings, "embed_queries", None)
        if own is not None:
            return own(texts)
        client, kwargs = getattr(embeddings, "_client", None), getattr(embeddings, "query_encode_kwargs", None)
        if client is not None and kwargs is not None:
            return client.encode(texts, **kwargs)
    return [embeddings.embed_query(t) for t in texts]


def _key(prefix: str, text: str) -> str:
    return prefix + hashlib.sha1(text.encode("utf-8")).hexdigest()


class Vectors:
    def __init__(self, embeddings: Embeddings) -> None:
        self.embeddings = embeddings
        self._q: dict[str, np.ndarray] = {}
        self._p: dict[str, np.ndarray] = {}
        self._disk: dict[str, np.ndarray] = {}  # from `load`, by kind and hash of the text
        self._loaded: set[Path] = set()
        self.embedded = 0  # texts the model was asked for, not found in memory or on disk

    def _fill(self, cache: dict[str, np.ndarray], prefix: str, texts: list[str], embed) -> None:
        todo = []
        for t in dict.fromkeys(texts):
            if t in cache:
                continue
            stored = self._disk.get(_key(prefix, t))
            if stored is not None:
                cache[t] = stored
            else:
                todo.append(t)
        if todo:
            self.embedded += len(todo)
            for t, v in zip(todo, embed(todo)):
                cache[t] = np.asarray(v, dtype=np.float32)

    def queries(self, texts: list[str]) -> np.ndarray:
        self._fill(self._q, "q", texts, lambda todo: embed_queries(self.embeddings, todo))
        return np.stack([self._q[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        self._fill(self._p, "p", texts, self.embeddings.embed_documents)
        return np.stack([self._p[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def load(self, path: Path) -> int:
        """Vectors saved by `save` for the same model; returns how many were read."""
        if path in self._loaded:
            return len(self._disk)
        self._loaded.add(path)
        data = load_npz(path)
        if not data or "keys" not in data or "vectors" not in data:
            return 0  # no cache yet, or a damaged one: embed again
        self._disk.update(zip((str(k) for k in data["keys"]), data["vectors"]))
        return len(self._disk)

    def save(self, path: Path) -> None:
        """Write what is cached now. Call it after warming up, before any user's text is
        embedded: only the texts that are the same for everyone belong on disk."""
        entries = dict(self._disk)
        entries.update({_key("q", t): v for t, v in self._q.items()})
        entries.update({_key("p", t): v for t, v in self._p.items()})
        if entries:
            save_npz(path, keys=np.array(list(entries)), vectors=np.stack(list(entries.values())))


def save_npz(path: Path, **arrays) -> None:
    """Arrays into `path`, written whole or not at all (a temporary file moved into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".npz-", suffix=".npz")
    os.close(fd)
    try:
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load_npz(path: Path) -> dict[str, np.ndarray] | None:
    """What `save_npz` wrote, or None when there is no such file or it is damaged."""
    try:
        with np.load(path) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError, KeyError):
        return None


def cache_path(settings) -> Path:
    """Where the vectors of the bank and prototypes are kept between runs; the model and parser
    versions are in the name, so vectors of two models never mix."""
    from assistant.ingest.index import collection_suffix

    return (settings.cache_dir or settings.data_dir / "cache") / f"vectors-{collection_suffix(settings)}.npz"
