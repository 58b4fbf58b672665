"""Audit: what a strict reviewer would mark in a 对照检查材料, as Findings in reading order.

The phrase lists, term lists and thresholds are data (data/audit_rules.yaml); this package
only applies them. Each finding says where it is ("存在的问题 / （三）在能力本领方面 /
第2条"), what is wrong and what to do, in Chinese.

The pipeline, one rule family a module:
- rules: the schema of data/audit_rules.yaml, loaded once; every rule's id, severity, name.
- layout: where things are (the material's text cut into located pieces) and the report
  that keeps findings in reading order.
- structure: title, required sections, numbering, the 方面 against the meeting's list.
- wording: 见人见事 cases, balance, praise first, empty phrases, political terms, voice,
  placeholders.
- duplicates: repeated sentences, causes answering problems and measures answering causes.
"""

from __future__ import annotations

from collections import Counter

from assistant.core.types import Finding, Material, Role, Severity
from assistant.draft.structure import Meeting
from assistant.ingest.parse import parse_material
from assistant.review.audit.duplicates import check_duplicates, check_links, key_words
from assistant.review.audit.layout import (
    SECTION_LABELS,
    TOP,
    Layout,
    Report,
    dimension_label,
    item_label,
    section_label,
)
from assistant.review.audit.rules import rule_catalogue
from assistant.review.audit.structure import (
    check_dimensions,
    check_sections,
    check_structure,
    match_score,
    reference,
)
from assistant.review.audit.wording import (
    check_balance,
    check_concrete,
    check_placeholders,
    check_style,
    check_terms,
    check_voice,
)

__all__ = [
    "SECTION_LABELS",
    "audit_material",
    "audit_text",
    "dimension_label",
    "item_label",
    "key_words",
    "match_score",
    "rule_catalogue",
    "section_label",
    "summary",
]

# In this order; a finding's place in the report is its place in the document, and the
# order here only breaks ties.
_CHECKS = (
    check_sections,
    check_structure,
    check_concrete,
    check_balance,
    check_style,
    check_terms,
    check_voice,
    check_placeholders,
    check_duplicates,
    check_links,
)


def audit_material(material: Material, expected_dimensions: list[str] | None = None, *,
                   registry: list[Meeting] | None = None) -> list[Finding]:
    """Findings in reading order (whole-document ones first). When expected_dimensions is
    None the meeting registry gives the list for the material's role/year/meeting; when it
    has none, only emptiness is checked."""
    lay = Layout(material)
    rep = Report()
    expected, note = reference(material, expected_dimensions, registry)
    rep.add("coverage.reference", TOP, "全文", note)
    for check in _CHECKS:
        check(material, lay, rep)
    check_dimensions(material, lay, rep, expected)
    return rep.findings()


def audit_text(text: str, *, role: Role | str | None = None, year: int | None = None,
               meeting: str | None = None, expected_dimensions: list[str] | None = None,
               registry: list[Meeting] | None = None) -> list[Finding]:
    """Parse `text` and audit it; explicit role/year/meeting win over what the text says."""
    material = parse_material(text, role=role, year=year, meeting=meeting)
    return audit_material(material, expected_dimensions, registry=registry)


def summary(findings: list[Finding]) -> str:
    """'3 个错误，5 个提醒' (and '，2 条说明' when there are notes)."""
    n = Counter(f.severity for f in findings)
    if not n[Severity.ERROR] and not n[Severity.WARNING]:
        return "未发现问题" + (f"（{n[Severity.INFO]} 条说明）" if n[Severity.INFO] else "")
    out = f"{n[Severity.ERROR]} 个错误，{n[Severity.WARNING]} 个提醒"
    return out + (f"，{n[Severity.INFO]} 条说明" if n[Severity.INFO] else "")
