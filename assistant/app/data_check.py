"""Every data file and prompt read through its schema at start-up: a misspelt key, an unknown
topic id or a missing prompt stops the app with the file named, instead of a rule that
silently does nothing. The tests call the same check."""

from __future__ import annotations

from pathlib import Path

from assistant.core import content


def check_all(data: Path | None = None) -> list[str]:
    """Loads every reviewed file; returns the names read. Raises ValueError for a file that
    does not match its schema, or for a file in data/ that nothing reads (a dead file is a
    rule nobody applies)."""
    from assistant.draft import prompts
    from assistant.draft.structure import load_registry
    from assistant.ingest.parse import section_kind
    from assistant.review.audit import rule_catalogue

    for loader in (content.writers, content.units, content.topics, content.hygiene, content.bank,
                   content.fact_rules, content.fact_prototypes, content.dimension_topics,
                   content.frames, content.year_refs, content.revision_rules):
        loader()
    section_kind("")  # parse_rules.yaml
    load_registry()  # meetings.yaml
    rule_catalogue()  # audit_rules.yaml
    prompts.check()
    folder = data or content.DATA
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*.yaml")}
    unread = sorted(present - content.LOADED)
    if unread:
        raise ValueError(f"数据文件没有任何模块读取（请删除或接入）：{'、'.join(unread)}")
    return sorted(content.LOADED)
