"""The actions the web page and the command line share, each written once.

`Workspace` (workspace.py) holds saved drafts and calls these for the work itself; the CLI
calls them directly for a material that lives in a file. Neither front end drafts, audits,
compares with last year or exports in its own way.
"""

from __future__ import annotations

from pathlib import Path

from assistant.core.errors import InputError
from assistant.core.settings import Settings
from assistant.core.types import Draft, Finding, Material, Outline, Request, Structure
from assistant.draft.drafter import Context, Drafter
from assistant.draft.last_year import Repeat, RepeatChecker, material_sentences
from assistant.draft.render import section_text
from assistant.draft.structure import choose_structure, load_registry
from assistant.ingest.index import Index

NO_LLM = "未配置大模型服务（“设置”页或 DUIZHAO_LLM_BASE_URL），改用离线方式生成。"
EXPORT_FORMATS = ("docx", "md", "txt")


def drafter(settings: Settings, *, llm: bool = False) -> tuple[Drafter, list[str]]:
    """A drafter on the local index, with the configured model when `llm`; and what the
    user should know about that choice."""
    notes = []
    if llm:
        from assistant.app.llm_settings import effective_settings

        settings = effective_settings(settings)
        if not settings.llm_base_url:
            notes.append(NO_LLM)
    return Drafter.from_settings(settings, Index(settings), use_llm=llm), notes


def structure(settings: Settings, req: Request, corpus_materials: list) -> Structure:
    """The 方面 of the meeting the request names, and where the list comes from."""
    return choose_structure(req, registry=load_registry(settings.data_dir / "meetings.yaml"),
                            corpus_materials=corpus_materials)


def revise(d: Drafter, req: Request, last: Material, owner: str = Context.owner) -> tuple[Draft, list[Repeat]]:
    """This year's draft written against last year's material, and its sentences that come
    too close to last year's."""
    result = d.draft(req, ctx=Context(owner=owner, last_year=last))
    texts = {k: section_text(result, k) for k in ("preamble", "problems", "causes", "measures")}
    return result, repeats(d, last, texts)


def repeats(d: Drafter, last: Material, texts: dict[str, str]) -> list[Repeat]:
    """Every sentence of `texts` (the parts' texts) against last year's (thresholds: last_year.py)."""
    return RepeatChecker(material_sentences(last), d.vec).repeats(texts)


def audit(settings: Settings, text: str, *, role=None, year: int | None = None, meeting: str | None = None,
          expected_dimensions: list[str] | None = None) -> list[Finding]:
    """What a strict reviewer would mark in a material's text."""
    from assistant.review.audit import audit_text

    if not text.strip():
        return []
    return audit_text(text, role=role, year=year, meeting=meeting, expected_dimensions=expected_dimensions,
                      registry=load_registry(settings.data_dir / "meetings.yaml"))


def export(outline: Outline, path: Path, fmt: str) -> Path:
    """Write the material as .docx (the official layout), .md or .txt."""
    from assistant.export import outline as out

    if fmt not in EXPORT_FORMATS:
        raise InputError(f"不支持的导出格式：{fmt}（可用：{'、'.join(EXPORT_FORMATS)}）")
    if not outline.blocks and not outline.title:
        raise InputError("还没有可导出的文稿")
    path = Path(path)
    try:
        if fmt == "docx":
            from assistant.export.docx import export_docx

            return export_docx(outline, path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(out.to_markdown(outline) if fmt == "md" else out.to_text(outline), "utf-8")
    except OSError as e:
        raise InputError(f"{path}：无法写入（请检查路径和权限，或先关闭正在打开该文件的 Word/WPS）") from e
    return path
