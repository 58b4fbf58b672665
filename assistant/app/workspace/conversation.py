"""The chat: each message understood as a command (app/chat.py) and carried out on the
saved record; in LLM mode a change request goes to the model, anything else gets a reply."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.app import chat
from assistant.app.document import (
    SECTION_LABELS,
    Removal,
    append_items,
    move_item,
    move_paragraph,
    put_dimension,
    remove_sentences,
)
from assistant.app.store import DraftRecord
from assistant.app.workspace.core import LOG, Act
from assistant.core.errors import InputError
from assistant.core.log import logged
from assistant.core.types import FactChoice, FactKind, dimension_of
from assistant.draft.structure import default_year


class ConversationMixin:
    """Chat messages on a saved draft."""

    @logged(LOG, "chat")
    def chat(self, record: DraftRecord, message: str) -> Iterator[tuple[DraftRecord, str]]:
        """Answer one chat message; streams when it drafts."""
        self._say(record, "user", message)
        dims = record.draft.structure.dimensions if record.draft else []
        cmd = chat.parse_command(message, dims, record.draft is not None)
        try:
            if cmd.kind == "draft":
                req, wants = chat.extract_request(message, record.request)
                if not wants and not req.facts and record.draft is None and req == record.request:
                    reply = ("请告诉我您的角色（班子或个人）、单位和职务、会议年度和类型，以及今年工作中的具体情况。"
                             "例如：“我是区教育局办公室主任，帮我写2023年主题教育的个人对照检查，今年食堂排队时间长、充电桩坏了没及时修。”")
                    self._say(record, "assistant", reply)
                    self._commit(record)
                    yield record, reply
                    return
                if req.year is None:
                    req = req.model_copy(update={"year": default_year()})
                yield from self.draft(record, req)
                return
            if cmd.kind == "role":
                req = record.request.model_copy(update={"role": cmd.role})
                self._say(record, "assistant", f"好的，按{cmd.role.value}口吻重新起草。")
                yield from self.draft(record, req)
                return
            if cmd.kind in ("regenerate", "add_item", "add_fact", "move") and not cmd.target:
                reply = "没有找到要修改的部分，请说出方面名称，如“重写 理论学习”。\n\n" + chat.HELP
            elif cmd.kind == "regenerate":
                record, reply = self.regenerate(record, cmd.target, Act("对话指令"))
            elif cmd.kind == "add_item":
                record, reply = self._add_item(record, cmd.target)
            elif cmd.kind == "add_fact":
                record, reply = self._add_fact(record, cmd.text, cmd.target)
            elif cmd.kind == "move":
                record, reply = self.move(record, cmd.text, cmd.target)
            elif cmd.kind == "help" and getattr(self.drafter, "llm", None) is not None and record.draft is not None:
                if not chat.is_change_request(message):
                    reply = chat.NOT_A_CHANGE
                else:
                    key = self._llm_target(message, dims)
                    yield record, f"将按您的要求修改“{SECTION_LABELS.get(key, key)}”，其他部分不动，请稍候……"
                    record, reply = self._llm_revise(record, message, dims)
            elif cmd.kind == "delete":
                reply = self._preview_delete(record, cmd.text)
            elif cmd.kind == "confirm_delete" and record.pending_delete:
                record, found = self.delete(record, record.pending_delete)
                reply = self._deleted(record, record.pending_delete, found)
            elif cmd.kind == "confirm_delete":
                reply = "现在没有等待确认的删除。要删去某句话，请先说“删掉 某句话”。"
            else:
                reply = chat.HELP
        except (InputError, ValueError, KeyError, IndexError) as e:
            reply = f"这条指令没能完成（{e}）。\n\n" + chat.HELP
        if cmd.kind != "delete":
            record.pending_delete = ""  # a preview holds only until the next message
        self._say(record, "assistant", reply)
        self._commit(record, fields=("pending_delete",))
        yield record, reply

    def _preview_delete(self, record: DraftRecord, snippet: str) -> str:
        """What "删掉…" would remove from the newest saved text, shown before anything goes;
        the snippet waits for 确认删除."""
        saved = self.store.load(record.owner, record.id) or record
        found = self.removals(dict(saved.texts), snippet)  # a copy: nothing changes yet
        removed = [(key, s) for key, r in found.items() for s in r.removed]
        record.pending_delete = snippet.strip() if removed else ""
        if not removed:
            return self._deleted(record, snippet, found)
        lines = [f"将删去 {len(removed)} 处含“{snippet}”的句子："]
        lines += [f"- 〔{SECTION_LABELS.get(key, key)}〕{s}" for key, s in removed]
        lines.append("回复“确认删除”后删去；不删就继续说别的，文稿不会改动。")
        return "\n".join(lines)

    @staticmethod
    def removals(texts: dict[str, str], snippet: str) -> dict[str, Removal]:
        """What removing every sentence that holds the snippet takes out of each part (the
        texts are changed in place); what "删掉…" previews and then does."""
        found: dict[str, Removal] = {}
        for key, text in texts.items():
            removal = Removal()
            new = remove_sentences(text, snippet, removal)
            if removal.removed or removal.headings:
                found[key] = removal
            if removal.removed:
                texts[key] = new
        return found

    @logged(LOG, "delete")
    def delete(self, record: DraftRecord, snippet: str) -> tuple[DraftRecord, dict[str, Removal]]:
        """Remove every sentence that holds the snippet from the newest saved texts (under
        the lock, so an edit typed meanwhile stays); what went, part by part."""
        snippet = snippet.strip()
        found: dict[str, Removal] = {}

        def apply(texts: dict[str, str]) -> None:
            found.clear()
            found.update(self.removals(texts, snippet))

        if snippet:
            self._commit(record, act=Act(f"删除“{snippet[:20]}”"), apply=apply)
        return record, found

    def _deleted(self, record: DraftRecord, snippet: str, found: dict) -> str:
        """What "删掉…" removed, sentence by sentence, so the user sees it and can undo it."""
        removed = [(key, s) for key, r in found.items() for s in r.removed]
        headings = [h for r in found.values() for h in r.headings]
        if not removed and not headings:
            return f"文稿中没有找到“{snippet}”。"
        lines = []
        if removed:
            lines.append(f"已删去 {len(removed)} 处含“{snippet}”的句子：")
            lines += [f"- 〔{SECTION_LABELS.get(key, key)}〕{s}" for key, s in removed]
            lines.append("如需恢复，点“撤销”。")
        if headings:
            lines.append(f"标题“{'、'.join(headings)}”不会删除。要去掉整个方面，请把该方面的框清空。")
        return "\n".join(lines)

    def move(self, record: DraftRecord, snippet: str, target: str) -> tuple[DraftRecord, str]:
        """Move the one problem item holding `snippet` to another 方面: in the text as the
        user has it (under the lock, numbered on there and again where it left) and in the
        typed draft. A user fact in it becomes the user's choice of 方面, so a redraft keeps
        it where they put it."""
        d = dimension_of(target)
        if d is None or record.draft is None:
            return record, "请指明移到哪个方面，如“把食堂那条移到工作作风”。"
        snippet = snippet.strip()
        name = record.draft.problems[d].name
        moved: dict[str, object] = {}

        def apply(texts: dict[str, str]) -> None:
            moved["from"], moved["item"] = move_item(texts, snippet, d)

        new, para = move_paragraph(record.draft, snippet, d)
        before = (record.draft, record.request)
        record.draft = new
        if para is not None and para.facts:
            keep = [c for c in record.request.choices if c.text not in para.facts]
            record.request = record.request.model_copy(update={"choices": keep + [
                FactChoice(text=f, kind=FactKind.PROBLEM, dimension=name) for f in para.facts]})
        try:
            self._commit(record, fields=("draft", "request"), act=Act(f"移动“{snippet[:20]}”"), apply=apply)
        except InputError:
            record.draft, record.request = before
            raise
        source = record.draft.problems[moved["from"]].name
        if moved["from"] == d:
            return record, f"这一条已经在“{name}”方面，没有移动。"
        return record, (f"已把“{str(moved['item'])[:30]}…”从“{source}”移到“{name}”（加在末尾，"
                        f"“{source}”的条目已重新编号）。如需恢复，点“撤销”。")

    def _llm_target(self, message: str, dims: list[str]) -> str:
        target = chat.resolve_target(message, dims) or "problems"
        return "problems" if target.startswith("problems") else target

    def _llm_revise(self, record: DraftRecord, message: str, dims: list[str]) -> tuple[DraftRecord, str]:
        """LLM mode: any request about a section rewrites that section as asked."""
        from assistant.draft.drafter import _failure_reason

        key = self._llm_target(message, dims)
        try:
            new = self.drafter.llm.revise_text(record.request, record.texts.get(key, ""), message)
        except Exception as e:  # the endpoint failed: the document stays as it is
            return record, f"大模型暂时不可用（{_failure_reason(e)}），文稿未改动。也可以使用离线指令：\n\n" + chat.HELP
        record.texts[key] = new
        self._commit(record, [key], act=Act("对话指令"))
        return record, f"已按您的要求修改“{SECTION_LABELS.get(key, key)}”。不满意可以点“撤销”。"

    def _add_item(self, record: DraftRecord, target: str) -> tuple[DraftRecord, str]:
        d = dimension_of(target)
        if d is None:
            return record, "目前只能给“存在的问题”中的某个方面加条目，如“给工作作风再加一条”。"
        new = self.drafter.add_item(record.draft, d, self.context(record))
        if not self._append(record, new, d):
            return record, f"“{new.problems[d].name}”方面没有找到可以再加的内容，请换个说法或补充一条事实。"
        return record, f"已在“{new.problems[d].name}”方面增加一条（加在末尾，您在这个方面的修改都保留）。"

    def _add_fact(self, record: DraftRecord, fact: str, target: str) -> tuple[DraftRecord, str]:
        d = dimension_of(target)
        if d is None:
            return record, "请指明写进哪个方面，如“把食堂排队时间长写进工作作风”。"
        new = self.drafter.add_fact(record.draft, fact, d, self.context(record))
        if not self._append(record, new, d):
            return record, f"没能把“{fact}”写成“{new.problems[d].name}”方面的一条，请换个说法。"
        return record, f"已把“{fact}”作为事例写进“{new.problems[d].name}”（加在该方面末尾）。"

    def _append(self, record: DraftRecord, new, d: int) -> bool:
        """The items the drafter added to 方面 d, appended to that 方面 as the user has it
        now (under the lock): the user's edits there, and what they deleted, stay as they are."""
        added = [p.text for p in new.problems[d].items[len(record.draft.problems[d].items):]]
        if not added:
            return False
        record.draft = new

        def apply(texts: dict[str, str]) -> None:
            if not append_items(texts, d, added):  # the 方面 is gone from the text: write it back whole
                put_dimension(texts, new, d)

        self._commit(record, fields=("draft",), act=Act("对话指令"), apply=apply)
        return True

