"""Retrieval over the index: nearest items by meaning, re-ranked by the words they share
with the query (no Chinese cross-encoder ships offline; see models.md)."""

from __future__ import annotations

import re

from assistant.core.text import segment
from assistant.ingest.index import Hit, Index

# Weight of the lexical share next to cosine similarity (which spans about 0.7-0.95 for
# this model on this genre, so a full lexical match moves an item a few places, no more).
LEXICAL_WEIGHT = 0.15
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """Words of the query worth matching: jieba words of two or more characters."""
    terms: list[str] = []
    for chunk in _PUNCT.split(query):
        if not chunk:
            continue
        words = [w for w in segment(chunk) if len(w) >= 2]
        terms += words or [chunk]
    return list(dict.fromkeys(terms))


def lexical_share(terms: list[str], text: str) -> float:
    if not terms:
        return 0.0
    return sum(1 for t in terms if t in text) / len(terms)


def search_items(
    index: Index,
    query: str,
    *,
    k: int = 5,
    role: str | None = None,
    section: str | None = None,
) -> list[Hit]:
    pool = index.search(query, k=max(k * 6, 30), role=role, section=section)
    terms = query_terms(query)
    for h in pool:
        h.score = h.score + LEXICAL_WEIGHT * lexical_share(terms, h.text)
    pool.sort(key=lambda h: h.score, reverse=True)
    return pool[:k]
