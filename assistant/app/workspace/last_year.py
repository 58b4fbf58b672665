"""Last year's material: read, shown, kept as this user's corpus, and compared with this
year's text sentence by sentence."""

from __future__ import annotations

import functools

from assistant.app import service
from assistant.app.accounts import store_owner
from assistant.app.markdown import md_text
from assistant.app.store import DraftRecord, RepeatView, browser_secret
from assistant.app.workspace.core import LOG
from assistant.core.errors import InputError
from assistant.core.log import logged
from assistant.draft.drafter import Context


@functools.cache
def _secret(data_dir) -> str:
    """The server's secret, read once per data dir rather than on every draft."""
    return browser_secret(data_dir)


class LastYearMixin:
    """Last year's material of a saved draft, and the check against it."""

    @logged(LOG, "upload_last_year")
    def upload_last_year(self, record: DraftRecord, name: str, data: bytes,
                         progress=None) -> tuple[DraftRecord, str]:
        """Read last year's material, show what was understood, and add it to this user's
        own corpus (theirs only) so their voice and unit are drawn on first. `progress(done,
        total)` hears of each page of a scan."""
        from assistant.draft.last_year import old_problems
        from assistant.ingest.load import load_bytes
        from assistant.ingest.parse import parse_material

        loaded = load_bytes(name, data, max_bytes=self.settings.max_upload_mb * 1024 * 1024, progress=progress)
        material = parse_material(loaded.text, source=name)
        # a material, or at least last year's list of problems (一是…二是…, numbered lines)
        if not material.sections and not old_problems(material):
            raise InputError("没有识别出“存在的问题”等章节，也没有识别出“一是……二是……”或逐行编号的问题清单，"
                             "请确认这是一份对照检查材料或去年查摆的问题清单", name)
        record.last_year = loaded.text
        record.last_year_name = name
        record.last_year_role = material.role.value if material.role else record.request.role.value
        record.last_year_year = material.year
        record.last_year_notes = list(loaded.notes)
        tag = self.store_id(record.owner)
        if material.sections:  # a bare list has no structure or voice to draw on
            indexed = material.model_copy(update={"source": f"{tag}:{name}"})
            self.offline.index.ingest(indexed, owner=tag)
        self._commit(record, fields=("last_year", "last_year_name", "last_year_role", "last_year_year",
                                     "last_year_notes"))
        return record, self.last_year_summary(record)

    def retag_uploads(self) -> int:
        """Uploads stored by an older version under the owner id itself are stored again under
        the owner's store id, and the old copies removed (run once at start). Returns how many."""
        from assistant.ingest.index import SHARED

        index = self.offline.index
        old = {m.get("source", "") for m in index.ledger(fresh=True).values()
               if m.get("owner", SHARED) != SHARED and not str(m.get("owner")).startswith("u_")}
        for owner in self.store.owners() if old else []:
            for record in self.store.list(owner):
                material = self.last_year_material(record)
                if material is not None and f"{owner}:{record.last_year_name}" in old:
                    tag = self.store_id(owner)
                    index.ingest(material.model_copy(update={"source": f"{tag}:{record.last_year_name}"}), owner=tag)
        for source in old:
            index.remove(source)
        return len(old)

    def last_year_material(self, record: DraftRecord):
        from assistant.ingest.parse import parse_material

        if not record.last_year:
            return None
        return parse_material(record.last_year, source=record.last_year_name,
                              role=record.last_year_role or None, year=record.last_year_year)

    def set_last_year_meta(self, owner: str, draft_id: str, role: str, year: int | None) -> DraftRecord | None:
        def change(record: DraftRecord):
            if not record.last_year or (record.last_year_role, record.last_year_year) == (role, year):
                return False
            record.last_year_role, record.last_year_year = role, year

        return self.store.update(owner, draft_id, change)

    def last_year_summary(self, record: DraftRecord) -> str:
        from assistant.core.types import SectionKind
        from assistant.draft.last_year import old_problems

        m = self.last_year_material(record)
        if m is None:
            return "尚未上传上年度材料。"
        problems = old_problems(m)
        sec = m.section(SectionKind.PROBLEMS)
        dims = [d.name for d in sec.dimensions] if sec else []
        # Everything shown here was read from the user's file: shown as text, never as Markdown.
        lines = [
            f"**{md_text(record.last_year_name)}**：{md_text(m.title) or '（无标题）'}",
            f"- 角色：{m.role.value if m.role else '未识别'}；年度：{m.year or '未识别'}（如有误请在下方更正）",
            f"- 方面（{len(dims)} 个）：{md_text('、'.join(dims)) or '未识别'}",
            f"- 查摆的问题（{len(problems)} 条）：",
        ]
        lines += [f"  {n}. " + (f"〔{md_text(p.dimension)}〕" if p.dimension else "") + md_text(p.judgement)
                  for n, p in enumerate(problems, 1)]
        lines += [f"- 提示：{md_text(w)}" for w in [*record.last_year_notes, *m.warnings]]
        return "\n".join(lines)

    def store_id(self, owner: str) -> str:
        """The id this owner's uploads carry in the store: not the owner id, which is their
        key to their drafts, and which anyone who can read a shared Chroma server would see."""
        return store_owner(owner, _secret(self.settings.data_dir))

    def context(self, record: DraftRecord) -> Context:
        return Context(owner=self.store_id(record.owner), last_year=self.last_year_material(record))

    def check_repeats(self, record: DraftRecord) -> DraftRecord:
        """Every sentence of the current text against last year's (thresholds: draft/last_year.py)."""
        m = self.last_year_material(record)
        if m is None:
            record.repeats = []
            return record
        record.repeats = [RepeatView(**r.__dict__) for r in service.repeats(self.drafter, m, record.texts)]
        self._commit(record, fields=("repeats",))
        return record

