"""Voice: the same sentence as 个人 (我) or as 班子 (班子/我们), and the year's references."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from .types import Role

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def _voice() -> dict:
    return yaml.safe_load((DATA / "voice.yaml").read_text("utf-8"))


@lru_cache(maxsize=1)
def year_refs() -> dict:
    return yaml.safe_load((DATA / "year_refs.yaml").read_text("utf-8"))


def to_role(text: str, role: Role) -> str:
    """Rewrite a corpus sentence in the voice of `role`."""
    v = _voice()
    if role == Role.BANZI:
        for old, new in v["to_collective"]:
            text = text.replace(old, new)
        # 我 alone (not 我们, not 自我, not 我国) speaks for one person.
        text = re.sub(r"(?<![自本])我(?![们国省市区县党])", "班子", text)
        return text
    for old, new in v["to_personal"]:
        text = text.replace(old, new)
    return re.sub(r"我我+", "我", text)


def has_collective_voice(text: str) -> bool:
    return any(m in text for m in _voice()["collective_markers"])


def has_personal_voice(text: str) -> bool:
    # 我代表领导班子 is how the principal leader opens a 班子 material: not a personal voice.
    t = re.sub(r"我代表|自我|我国|我省|我市|我区|我县|我们", "", text)
    return "我" in t or any(m in t for m in _voice()["personal_markers"])


def _year_entry(year: int | None) -> dict:
    """The references of the meeting's year: the latest entry at or before it."""
    years = year_refs()["years"]
    if year is None:
        return years[max(years)]
    known = [y for y in years if y <= year] or [min(years)]
    return years[max(known)]


def congress(year: int | None) -> str:
    return _year_entry(year)["congress"]


def campaign(year: int | None) -> str:
    return _year_entry(year)["campaign"]


def fits_year(text: str, year: int | None) -> bool:
    """False when the text names a congress or campaign of another year."""
    if year is None:
        return True
    spans: dict[str, list[tuple[int, int]]] = {}
    for b in year_refs()["bound_terms"]:
        spans.setdefault(b["term"], []).append((b["from"], b["to"]))
    for term, ranges in spans.items():
        if term in text and not any(lo <= year <= hi for lo, hi in ranges):
            # 十九大 inside 二十大? No: check the longer term is not what matched.
            return False
    return True


def fits_unit(text: str, context: str) -> bool:
    """False when the text is about a kind of work (机关事务, 环保…) the user's unit, post
    and facts never mention."""
    return all(t in context for t in year_refs()["unit_terms"] if t in text)


PLACEHOLDER_RE = re.compile(r"XXX|xxx|\*\*|Ｘ{2,}|(?<![A-Za-z])[xX](?=[市省区县局])")


def has_blank(text: str) -> bool:
    """Corpus sentences with the source's own blanks (XXX, **) cannot be reused as they are."""
    return bool(PLACEHOLDER_RE.search(text))


def fill(template: str, role: Role, unit: str, year: int | None) -> str:
    """Fill a phrase-bank sentence's placeholders for this writer and year."""
    personal = role != Role.BANZI
    values = {
        "主体": "我" if personal else "班子",
        "我们": "自己" if personal else "我们",
        "单位": unit or "本单位",
        "党组织": "所在党支部" if personal else "党组",
        "大会精神": congress(year),
        "学习教育": campaign(year),
    }
    return re.sub(r"\{(\S+?)\}", lambda m: values.get(m.group(1), m.group(0)), template)
