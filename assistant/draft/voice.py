"""The year's references: which congress a meeting of that year studies, which campaign it
is part of, and which era-bound words it may use (data/year_refs.yaml)."""

from __future__ import annotations

from assistant.core.content import YearEntry, year_refs


def _year_entry(year: int | None) -> YearEntry:
    """The references of the meeting's year: the latest entry at or before it."""
    years = year_refs().years
    if year is None:
        return years[max(years)]
    known = [y for y in years if y <= year] or [min(years)]
    return years[max(known)]


def congress(year: int | None) -> str:
    return _year_entry(year).congress


def campaign(year: int | None) -> str:
    return _year_entry(year).campaign


def fits_year(text: str, year: int | None) -> bool:
    """False when the text names a congress or campaign of another year."""
    if year is None:
        return True
    spans: dict[str, list[tuple[int, int]]] = {}
    for b in year_refs().bound_terms:
        spans.setdefault(b.term, []).append((b.from_, b.to))
    for term, ranges in spans.items():
        if term in text and not any(lo <= year <= hi for lo, hi in ranges):
            # 十九大 inside 二十大? No: check the longer term is not what matched.
            return False
    return True
