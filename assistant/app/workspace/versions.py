"""Versions of a saved draft: the list, undo, redo, restore, the diff of two versions and
the import of the material as the user edited it in Word/WPS."""

from __future__ import annotations

from assistant.app import history
from assistant.app.document import SECTION_LABELS, split_document
from assistant.app.draft_sync import sync_record
from assistant.app.markdown import md_text
from assistant.app.store import DraftRecord
from assistant.app.workspace.core import LOG, Act
from assistant.core.errors import InputError
from assistant.core.log import logged


class VersionsMixin:
    """Undo, redo, restore, diff and the Word round trip of a saved draft."""

    def versions(self, record: DraftRecord) -> list[tuple[str, int]]:
        """(label, n) of every version, newest first, the current one marked."""
        return [(history.label(v, record.head), v.n) for v in reversed(record.versions)]

    @logged(LOG, "undo")
    def undo(self, owner: str, draft_id: str) -> tuple[DraftRecord | None, str]:
        return self._move(owner, draft_id, history.undo)

    @logged(LOG, "redo")
    def redo(self, owner: str, draft_id: str) -> tuple[DraftRecord | None, str]:
        return self._move(owner, draft_id, history.redo)

    @logged(LOG, "restore")
    def restore(self, owner: str, draft_id: str, n: int) -> tuple[DraftRecord | None, str]:
        return self._move(owner, draft_id, lambda r: history.restore(r, n, SECTION_LABELS))

    def _move(self, owner: str, draft_id: str, step) -> tuple[DraftRecord | None, str]:
        said = []

        def change(record: DraftRecord):
            before = dict(record.texts)
            said.append(step(record))
            sync_record(record, before)

        record = self.store.update(owner, draft_id, change)
        return record, (said[0] if said else "没有找到这份草稿。")

    def diff(self, record: DraftRecord, a: int, b: int, *, as_html: bool = False) -> str:
        """Version a against version b, sentence by sentence."""
        n = len(record.versions)
        if not (0 <= a < n and 0 <= b < n):
            return "请选择两个已有的版本。"
        order = ["preamble", "rectification", "problems", "causes", "measures"]
        rows = history.diff(record.versions[a].texts, record.versions[b].texts, order, SECTION_LABELS)
        return history.diff_html(rows) if as_html else history.diff_text(rows)

    @logged(LOG, "import_edited")
    def import_edited(self, record: DraftRecord, name: str, data: bytes,
                      progress=None) -> tuple[DraftRecord, str]:
        """The material as the user edited it in Word/WPS, back as a new version; what changed
        since it was exported, and the audit run again on it."""
        from assistant.ingest.load import load_bytes

        if record.draft is None:
            raise InputError("还没有初稿，无法导入修改稿。请先生成初稿并导出。")
        loaded = load_bytes(name, data, max_bytes=self.settings.max_upload_mb * 1024 * 1024, progress=progress)
        texts = split_document(loaded.text, record)
        self._commit(record)
        base = record.exported if record.exported is not None else record.head
        for key, text in texts.items():
            record.texts[key] = text
        self._commit(record, list(texts), act=Act("导入修改稿"))
        if base is None or record.head == base:
            changes = "与导出时相比没有改动"
        else:
            rows = history.diff(record.versions[base].texts, record.texts, list(SECTION_LABELS), SECTION_LABELS)
            n = sum(1 for _, sec in rows for r in sec if r[0] != "equal")
            changes = f"与导出时的第 {base} 版相比改动了 {n} 句（见“历史版本”中的比较）"
        findings = self.audit(record)
        # The file's name and what OCR read go into the chat's Markdown: as text only.
        return record, (f"已导入修改稿《{md_text(name)}》，保存为第 {record.head} 版；{changes}。"
                        f"重新审核发现 {len(findings)} 处需要注意。" + md_text("".join(loaded.notes)))

