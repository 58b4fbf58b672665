"""One block of the causes or the measures drafted again (a 方面 is one 方面 key: core.regenerate)."""

from __future__ import annotations

from assistant.app.document import SECTION_LABELS, replace_part, section_parts
from assistant.app.draft_sync import read_titled
from assistant.app.store import DraftRecord
from assistant.app.workspace.core import LOG, Act
from assistant.core.log import logged
from assistant.core.text import marker
from assistant.draft.render import titled


class BlocksMixin:
    @logged(LOG, "regenerate")
    def regenerate_block(self, record: DraftRecord, key: str, i: int) -> tuple[DraftRecord, str]:
        """Block i of the causes (measures) replaced by another cause (measure) the drafter
        writes for this draft: one that no other block already states. The other blocks stay
        as the user has them; one 撤销 brings the old block back."""
        label = SECTION_LABELS.get(key, key)
        if record.draft is None:
            return record, "还没有初稿，请先生成初稿。"
        blocks = section_parts(record.texts.get(key, ""))
        if key not in ("causes", "measures") or not 0 <= i < len(blocks):
            return record, f"没有找到“{label}”的这一段。"
        new = getattr(self.drafter.regenerate(record.draft, key, self.context(record)), key)
        taken = {read_titled(b).title for j, b in enumerate(blocks) if j != i}
        numbered = marker(blocks[i], ("cn_paren",))
        n = numbered[1] if numbered else i + 1
        fresh = [p for p in new if titled(n, p) != blocks[i] and p.title.rstrip("。") not in taken]
        if not fresh:
            return record, f"没有写出与其他各条不同的新内容，“{label}”第{i + 1}段没有改动。"
        # the one on the same point as the old block first (its title), else the first new one
        chosen = next((p for p in fresh if p.title.rstrip("。") == read_titled(blocks[i]).title), fresh[0])
        text = titled(n, chosen)
        tree = record.draft.model_copy(deep=True)  # its sources come with it into the tree
        paragraphs = getattr(tree, key)
        if i < len(paragraphs):
            paragraphs[i] = chosen
        record.draft = tree

        def apply(texts: dict[str, str]) -> None:
            texts[key] = replace_part(texts.get(key, ""), i, text) or texts.get(key, "")

        self._commit(record, fields=("draft",), act=Act("重新生成"), apply=apply)
        return record, f"已重新生成“{label}”第{i + 1}段。不满意可以点“撤销”。"

