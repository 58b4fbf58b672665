"""The audit's data, data/audit_rules.yaml, as a typed schema: every key is known, a
misspelt one is an error when the file is loaded, not a rule that silently does nothing."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, model_validator

from assistant.core.content import NamedPattern, Schema, load
from assistant.core.schemas import Regex
from assistant.core.types import Role, SectionKind, Severity

# Every rule id the checks report: each must have a severity and a name in `rules`.
REPORTED = (
    "coverage.reference", "coverage.missing_section", "coverage.missing_dimension",
    "coverage.order", "coverage.wording", "coverage.extra_dimension",
    "coverage.empty_dimension", "coverage.bare_heading",
    "structure.title", "structure.numbering",
    "concrete.no_case", "concrete.vague_case",
    "balance.ratio", "balance.length",
    "style.praise_first", "style.empty_phrase",
    "terms.count", "terms.form",
    "voice.first_person", "voice.collective",
    "placeholder.leftover",
    "duplicate.sentence",
    "link.cause", "link.measure",
)


class Rule(Schema):
    severity: Severity
    name: str


class Coverage(Schema):
    min_char_overlap: float
    required_sections: dict[SectionKind, str]  # kind -> the name the message uses


class Concrete(Schema):
    facts: tuple[NamedPattern, ...]
    generic: tuple[str, ...]
    placeholder: Regex


class Balance(Schema):
    min_problem_cause_share: float
    length: dict[Role, tuple[int, int]]

    @model_validator(mode="after")
    def _ranges(self) -> "Balance":
        missing = set(Role) - set(self.length)
        if missing:
            raise ValueError(f"balance.length lacks {sorted(r.value for r in missing)}")
        for role, (lo, hi) in self.length.items():
            if lo > hi:
                raise ValueError(f"balance.length.{role.value}: {lo} > {hi}")
        return self


class PraiseFirst(Schema):
    opening_sentences: int
    skip_sentences_starting_with: tuple[str, ...]
    patterns: tuple[Regex, ...]


class TermForm(Schema):
    pattern: Regex
    severity: Severity
    right: str
    why: str


class Term(Schema):
    term: str
    misspelt: tuple[str, ...] = ()
    count_variants: bool = True
    forms: tuple[TermForm, ...] = ()


class Terms(Schema):
    numerals: str
    classifiers: str
    ignore_counts: tuple[str, ...]
    entries: tuple[Term, ...] = Field(alias="list")


class Voice(Schema):
    quotes: tuple[str, ...]  # each an opening and a closing character
    banzi_first_person: Regex
    geren_collective: Regex

    @model_validator(mode="after")
    def _pairs(self) -> "Voice":
        bad = [q for q in self.quotes if len(q) != 2]
        if bad:
            raise ValueError(f"voice.quotes: each is two characters, not {bad}")
        return self


class Duplicates(Schema):
    min_chars: int


class Link(Schema):
    max_words: int
    min_words: int
    min_title_share: float
    min_share: float
    stopwords: tuple[str, ...]


class AuditRules(Schema):
    rules: dict[str, Rule]
    coverage: Coverage
    concrete: Concrete
    balance: Balance
    praise_first: PraiseFirst
    empty_phrases: tuple[str, ...]
    terms: Terms
    voice: Voice
    placeholders: tuple[NamedPattern, ...]
    duplicates: Duplicates
    link: Link

    @model_validator(mode="after")
    def _reported_rules_known(self) -> "AuditRules":
        missing = [r for r in REPORTED if r not in self.rules]
        if missing:
            raise ValueError(f"audit_rules.yaml: rules lacks {missing}, which the audit reports")
        return self


@lru_cache(maxsize=1)
def audit_rules() -> AuditRules:
    return load(AuditRules, "audit_rules.yaml")


def rule_catalogue() -> dict[str, tuple[Severity, str]]:
    """Every rule id with its default severity and Chinese name."""
    return {k: (v.severity, v.name) for k, v in audit_rules().rules.items()}
