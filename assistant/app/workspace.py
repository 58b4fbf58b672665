"""The service the UI calls: drafting, chat commands, edits, regeneration and export on a
saved DraftRecord. Every change is saved before it is shown, so nothing is lost."""

from __future__ import annotations

import functools
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from assistant.app import chat, history
from assistant.app.document import (  # noqa: F401 (re-exported for callers of the service)
    SECTION_LABELS,
    as_markdown,
    header_line,
    join_dimension_blocks,
    merge_screen_blocks,
    put_dimension,
    split_dimension_blocks,
    split_document,
)
from assistant.app.store import ChatTurn, DraftRecord, DraftStore, RepeatView
from assistant.core.errors import InputError
from assistant.core.log import get as get_logger
from assistant.core.log import logged
from assistant.core.settings import Settings
from assistant.core.text import cn_number
from assistant.core.types import (
    Draft,
    FactChoice,
    FactKind,
    Request,
    Structure,
    dimension_of,
)
from assistant.draft.drafter import Context, Drafter
from assistant.draft.render import section_text, section_titles
from assistant.draft.structure import choose_structure, default_year, load_registry

LOG = get_logger("workspace")
# How long after a draft last wrote a 方面 the page may still send back an older state of the box.
STREAM_ECHO = 60.0

PROGRESS_TARGET = "成效（写进前言或整改情况，不作为问题）"
CONTEXT_TARGET = "背景（不写成事例）"
class Workspace:
    def __init__(self, settings: Settings, drafter: Drafter, store: DraftStore) -> None:
        self.settings = settings
        self.offline = drafter
        self.drafter = drafter
        self.store = store
        self._streamed: dict[str, float] = {}  # record id -> when a draft last wrote a 方面 into it

    # --- LLM mode -------------------------------------------------------------------
    def _llm_settings(self, data: dict) -> Settings:
        from pydantic import SecretStr

        return self.settings.model_copy(update={
            "llm_provider": data.get("provider") or "openai", "llm_base_url": data.get("base_url", ""),
            "llm_model": data.get("model", ""), "llm_api_key": SecretStr(data.get("api_key", "")),
            "llm_timeout": float(data.get("timeout") or 60)})

    def use_llm(self, data: dict | None) -> None:
        """Switch drafting to the configured endpoint, or back to offline with None."""
        if not data or not data.get("base_url"):
            self.drafter = self.offline
            return
        from assistant.draft.compose_llm import make_chat_model

        settings = self._llm_settings(data)
        self.drafter = Drafter(settings, self.offline.index, make_chat_model(settings))

    def test_llm(self, data: dict) -> str:
        """One short call to the endpoint; the answer says what happened, never the key."""
        from assistant.draft.compose_llm import make_chat_model
        from assistant.draft.drafter import _failure_reason

        if not data.get("base_url"):
            return "请先填写服务地址。"
        try:
            model = make_chat_model(self._llm_settings(data))
            reply = model.invoke("请只回复两个字：成功")
        except Exception as e:  # the user needs a reason, not a traceback
            return f"连接失败：{_failure_reason(e)}。请检查地址、模型名称和密钥。"
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
        return f"连接成功，模型回复：{text.strip()[:50]}"

    # --- last year's material -------------------------------------------------------
    @logged(LOG, "upload_last_year")
    def upload_last_year(self, record: DraftRecord, name: str, data: bytes) -> tuple[DraftRecord, str]:
        """Read last year's material, show what was understood, and add it to this user's
        own corpus (theirs only) so their voice and unit are drawn on first."""
        from assistant.ingest.load import load_bytes
        from assistant.ingest.parse import parse_material

        loaded = load_bytes(name, data, max_bytes=self.settings.max_upload_mb * 1024 * 1024)
        material = parse_material(loaded.text, source=name)
        if not material.sections:
            raise InputError("没有识别出“存在的问题”等章节，请确认这是一份对照检查材料（需要有“一、”“（一）”等标题）", name)
        record.last_year = loaded.text
        record.last_year_name = name
        record.last_year_role = material.role.value if material.role else record.request.role.value
        record.last_year_year = material.year
        indexed = material.model_copy(update={"source": f"{record.owner}:{name}"})
        self.offline.index.ingest(indexed, owner=record.owner)
        self._commit(record, fields=("last_year", "last_year_name", "last_year_role", "last_year_year"))
        return record, self.last_year_summary(record)

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
        lines = [
            f"**{record.last_year_name}**：{m.title or '（无标题）'}",
            f"- 角色：{m.role.value if m.role else '未识别'}；年度：{m.year or '未识别'}（如有误请在下方更正）",
            f"- 方面（{len(dims)} 个）：{'、'.join(dims) or '未识别'}",
            f"- 查摆的问题（{len(problems)} 条）：",
        ]
        lines += [f"  {n}. 〔{p.dimension}〕{p.judgement}" for n, p in enumerate(problems, 1)]
        lines += [f"- 提示：{w}" for w in m.warnings]
        return "\n".join(lines)

    def context(self, record: DraftRecord) -> Context:
        return Context(owner=record.owner, last_year=self.last_year_material(record))

    def check_repeats(self, record: DraftRecord) -> DraftRecord:
        """Every sentence of the current text against last year's (thresholds: revise.py)."""
        from assistant.draft.last_year import RepeatChecker, material_sentences

        m = self.last_year_material(record)
        if m is None:
            record.repeats = []
            return record
        checker = RepeatChecker(material_sentences(m), self.drafter.vec)
        record.repeats = [RepeatView(**r.__dict__) for r in checker.repeats(record.texts)]
        self._commit(record, fields=("repeats",))
        return record

    # --- records --------------------------------------------------------------------
    def new_record(self, owner: str, request: Request | None = None) -> DraftRecord:
        return DraftRecord(owner=owner, request=request or Request())

    def structure(self, req: Request) -> Structure:
        return choose_structure(
            req, registry=load_registry(self.settings.data_dir / "meetings.yaml"),
            corpus_materials=self.drafter.index.materials_list())

    def preview(self, req: Request):
        """The plan of a request before drafting: its structure and how each fact is read."""
        if req.year is None:
            req = req.model_copy(update={"year": default_year()})
        return self.drafter.plan(req)[0]

    def _say(self, record: DraftRecord, role: str, content: str) -> None:
        record.chat.append(ChatTurn(role=role, content=content))

    def note(self, record: DraftRecord, content: str) -> DraftRecord:
        """The assistant's word on an action the page started, added to the chat."""
        self._say(record, "assistant", content)
        return self._commit(record)

    def _commit(self, record: DraftRecord, texts=(), fields=(), act: Act | None = None,
                apply: Callable[[dict[str, str]], None] | None = None) -> DraftRecord:
        """Save what an action changed (the named fields and section texts, and its new chat
        turns) onto the newest saved record, under its lock; then bring the in-memory record
        up to date with it. An edit the user saved meanwhile (say, while a draft streams) is
        kept, never overwritten by this action's older copy. `apply` changes the saved texts
        in place under the lock (a 方面 spliced into the newest problems text)."""
        texts = list(texts)
        act = act or Act("修改")

        def change(saved: DraftRecord):
            before = dict(saved.texts)
            for name in fields:
                setattr(saved, name, getattr(record, name))
            for key in texts:
                saved.texts[key] = record.texts[key]
            if apply:
                apply(saved.texts)
            saved.chat.extend(_new_turns(record.chat, saved.chat))
            history.record(saved, before, act.what, act.group, SECTION_LABELS)

        saved = self.store.update(record.owner, record.id, change)
        if saved is None:  # not saved yet: a new record is saved whole
            if apply:
                apply(record.texts)
            history.record(record, {}, act.what, act.group, SECTION_LABELS)
            saved = self.store.save(record)
        for name in type(record).model_fields:
            setattr(record, name, getattr(saved, name))
        return record

    # --- drafting -------------------------------------------------------------------
    @logged(LOG, "draft")
    def draft(self, record: DraftRecord, req: Request) -> Iterator[tuple[DraftRecord, str]]:
        """Draft section by section; the record is saved after each one."""
        record.request = req
        act = Act("起草")
        for ev in self.drafter.stream(req, ctx=self.context(record)):
            record.draft = ev.draft
            written: list[str] = []
            put = None
            d = dimension_of(ev.key)
            if ev.key == "structure":
                msg = f"将按以下 {len(ev.draft.structure.dimensions)} 个方面起草：" + "、".join(
                    ev.draft.structure.dimensions) + f"。{ev.message}"
                self._say(record, "assistant", msg)
            elif d is not None:  # only this 方面: the user may be editing the ones before it
                put = functools.partial(put_dimension, draft=ev.draft, d=d, fresh=d == 0)
                self._streamed[record.id] = time.time()
                msg = _progress(ev.key, ev.draft)
            else:
                if ev.key in SECTION_LABELS:
                    written = self._sync_texts(record, ev.draft, only=ev.key)
                msg = _progress(ev.key, ev.draft)
            self._commit(record, written, fields=("request", "draft"), act=act, apply=put)
            yield record, msg
        notes = record.draft.notes if record.draft else []
        done = "初稿已生成。可以直接在右侧修改，或告诉我怎么改。" + ("".join(f"\n提示：{n}" for n in notes))
        if record.last_year:
            self.check_repeats(record)
            done += (f"\n与上年度材料相近的句子：{len(record.repeats)} 处（见“与上年度材料相近的句子”）。"
                     if record.repeats else "\n已与上年度材料逐句比对，没有发现相近的句子。")
        self._say(record, "assistant", done)
        self._commit(record)
        yield record, done

    def _sync_texts(self, record: DraftRecord, draft: Draft, only: str | None = None) -> list[str]:
        keys = [only] if only else ["preamble"] + [k for k, _ in section_titles(draft)]
        for key in keys:
            record.texts[key] = section_text(draft, key)
        return keys

    # --- edits ----------------------------------------------------------------------
    @logged(LOG, "edit")
    def edit(self, owner: str, draft_id: str, key: str, text: str) -> DraftRecord | None:
        """The user's edit of one section, applied to the newest saved version."""

        def change(record: DraftRecord):
            new = text
            if key == "problems" and time.time() - self._streamed.get(draft_id, 0.0) < STREAM_ECHO:
                # The page sends back each streamed state of the box; one with fewer 方面 than
                # saved is an older screen: its blocks count, the newer 方面 are kept.
                new = merge_screen_blocks(text, record.texts.get(key, ""))
            if record.draft is None or record.texts.get(key) == new:
                return False
            before = dict(record.texts)
            record.texts[key] = new
            history.record(record, before, "编辑", f"edit:{key}", SECTION_LABELS)

        return self.store.update(owner, draft_id, change)

    def save_request(self, owner: str, draft_id: str, request: Request) -> DraftRecord:
        """The request as the user types it; a new record when there is none yet."""

        def change(record: DraftRecord):
            if record.request == request:
                return False
            record.request = request

        saved = self.store.update(owner, draft_id, change) if draft_id else None
        if saved is None:
            record = self.new_record(owner, request)
            if request == Request():
                return record  # nothing typed yet: no empty drafts in the user's list
            saved = self.store.save(record)
        return saved

    @logged(LOG, "regenerate")
    def regenerate(self, record: DraftRecord, key: str, act: Act | None = None) -> tuple[DraftRecord, str]:
        if record.draft is None:
            return record, "还没有初稿，请先生成初稿。"
        new = self.drafter.regenerate(record.draft, key, self.context(record))
        self._apply(record, new, key, act or Act("重新生成"))
        if record.last_year:
            self.check_repeats(record)
        return record, f"已重新生成“{self.label(record, key)}”。"

    def _apply(self, record: DraftRecord, new: Draft, key: str, act: Act) -> None:
        """Put a regenerated section into the texts, keeping the user's edits elsewhere."""
        record.draft = new
        d = dimension_of(key)
        if d is not None:  # spliced into the newest saved text, under its lock
            self._commit(record, fields=("draft",), act=act,
                         apply=functools.partial(put_dimension, draft=new, d=d))
        else:
            record.texts[key] = section_text(new, key)
            self._commit(record, [key], fields=("draft",), act=act)

    # --- the fact plan ----------------------------------------------------------------
    def fact_targets(self, record: DraftRecord) -> list[str]:
        """Where the user may put a fact: under a 方面 as a problem, as progress, as context."""
        dims = record.draft.structure.dimensions if record.draft else []
        return [f"问题：{d}" for d in dims] + [PROGRESS_TARGET, CONTEXT_TARGET]

    @logged(LOG, "move_fact")
    def move_fact(self, record: DraftRecord, fact: str, target: str) -> tuple[DraftRecord, str]:
        """The user's decision about one fact (another 方面, or another kind); only the parts
        whose facts change are drafted again."""
        if record.draft is None:
            return record, "还没有初稿，请先生成初稿。"
        if fact not in record.request.facts:
            return record, f"没有找到这条事实：{fact}"
        if target.startswith("问题："):
            choice = FactChoice(text=fact, kind=FactKind.PROBLEM, dimension=target.removeprefix("问题："))
        elif target == PROGRESS_TARGET:
            choice = FactChoice(text=fact, kind=FactKind.PROGRESS)
        elif target == CONTEXT_TARGET:
            choice = FactChoice(text=fact, kind=FactKind.CONTEXT)
        else:
            return record, f"无法识别的位置：{target}"
        req = record.request.model_copy(update={
            "choices": [c for c in record.request.choices if c.text != fact] + [choice]})
        new, changed = self.drafter.redraft(record.draft, req, self.context(record))
        record.request = req
        act = Act("调整事实")
        self._commit(record, fields=("request",), act=act)
        if changed == ["all"]:
            record.draft = new
            written = self._sync_texts(record, new)
            self._commit(record, written, fields=("request", "draft"), act=act)
            return record, f"已调整“{fact}”，并按新的归类重新起草。"
        for key in changed:
            self._apply(record, new, key, act)
        record.draft = new
        self._commit(record, fields=("request", "draft"), act=act)
        parts = "、".join(self.label(record, k) for k in changed) or "（无需改动）"
        return record, f"已把“{fact}”调整为“{target}”，重写了：{parts}。"

    def label(self, record: DraftRecord, key: str) -> str:
        if dimension_of(key) is not None and record.draft:
            return record.draft.problems[dimension_of(key)].name
        return SECTION_LABELS.get(key, key)

    @logged(LOG, "delete")
    def delete(self, record: DraftRecord, snippet: str) -> tuple[DraftRecord, int]:
        """Remove every sentence that contains the snippet."""
        snippet = snippet.strip()
        count = 0
        self._commit(record)  # delete from the newest texts
        changed = []
        for key, text in record.texts.items():
            pattern = re.compile(r"[^。！？\n]*" + re.escape(snippet) + r"[^。！？\n]*[。！？]?")
            new, n = pattern.subn("", text)
            if n:
                record.texts[key] = new
                changed.append(key)
                count += n
        if count:
            self._commit(record, changed, act=Act("删除"))
        return record, count

    # --- chat -----------------------------------------------------------------------
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
            if cmd.kind in ("regenerate", "add_item", "add_fact") and not cmd.target:
                reply = "没有找到要修改的部分，请说出方面名称，如“重写 理论学习”。\n\n" + chat.HELP
            elif cmd.kind == "regenerate":
                record, reply = self.regenerate(record, cmd.target, Act("对话指令"))
            elif cmd.kind == "add_item":
                record, reply = self._add_item(record, cmd.target)
            elif cmd.kind == "add_fact":
                record, reply = self._add_fact(record, cmd.text, cmd.target)
            elif cmd.kind == "help" and self.drafter.llm is not None and record.draft is not None:
                if not chat.is_change_request(message):
                    reply = chat.NOT_A_CHANGE
                else:
                    key = self._llm_target(message, dims)
                    yield record, f"将按您的要求修改“{SECTION_LABELS.get(key, key)}”，其他部分不动，请稍候……"
                    record, reply = self._llm_revise(record, message, dims)
            elif cmd.kind == "delete":
                record, n = self.delete(record, cmd.text)
                reply = f"已删去 {n} 处含“{cmd.text}”的句子。" if n else f"文稿中没有找到“{cmd.text}”。"
            else:
                reply = chat.HELP
        except (InputError, ValueError, KeyError, IndexError) as e:
            reply = f"这条指令没能完成（{e}）。\n\n" + chat.HELP
        self._say(record, "assistant", reply)
        self._commit(record)
        yield record, reply

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
        self._apply(record, new, target, Act("对话指令"))
        return record, f"已在“{new.problems[d].name}”方面增加一条。"

    def _add_fact(self, record: DraftRecord, fact: str, target: str) -> tuple[DraftRecord, str]:
        d = dimension_of(target)
        if d is None:
            return record, "请指明写进哪个方面，如“把食堂排队时间长写进工作作风”。"
        new = self.drafter.add_fact(record.draft, fact, d, self.context(record))
        self._apply(record, new, target, Act("对话指令"))
        return record, f"已把“{fact}”作为事例写进“{new.problems[d].name}”。"

    # --- review ---------------------------------------------------------------------
    @logged(LOG, "audit")
    def audit(self, record: DraftRecord):
        """What a strict reviewer would mark in the current text (edits included)."""
        from assistant.review.audit import audit_text

        text = self.full_text(record)
        if not text:
            return []
        r = record.request
        dims = record.draft.structure.dimensions if record.draft else None
        return audit_text(text, role=r.role, year=r.year, meeting=r.meeting, expected_dimensions=dims,
                          registry=load_registry(self.settings.data_dir / "meetings.yaml"))

    # --- versions -------------------------------------------------------------------
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
            said.append(step(record))

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
    def import_edited(self, record: DraftRecord, name: str, data: bytes) -> tuple[DraftRecord, str]:
        """The material as the user edited it in Word/WPS, back as a new version; what changed
        since it was exported, and the audit run again on it."""
        from assistant.ingest.load import load_bytes

        if record.draft is None:
            raise InputError("还没有初稿，无法导入修改稿。请先生成初稿并导出。")
        loaded = load_bytes(name, data, max_bytes=self.settings.max_upload_mb * 1024 * 1024)
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
        return record, (f"已导入修改稿《{name}》，保存为第 {record.head} 版；{changes}。"
                        f"重新审核发现 {len(findings)} 处需要注意。")

    def full_text(self, record: DraftRecord) -> str:
        if record.draft is None:
            return ""
        parts = [record.draft.title, record.texts.get("preamble", "")]
        for key, heading in section_titles(record.draft):
            parts += [heading, record.texts.get(key, "")]
        parts.append(record.draft.closing)
        return "\n\n".join(p.strip() for p in parts if p.strip()) + "\n"

    @logged(LOG, "export")
    def export(self, record: DraftRecord, fmt: str) -> Path:
        text = self.full_text(record)
        if not text:
            raise InputError("还没有可导出的文稿")
        self.store.update(record.owner, record.id, lambda r: setattr(r, "exported", r.head))
        out_dir = Path(tempfile.mkdtemp(prefix="duizhao-export-"))
        name = re.sub(r"[\\/:*?\"<>|\s]+", "_", record.draft.title or "对照检查材料")[:60]
        path = out_dir / f"{name}.{fmt}"
        if fmt == "docx":
            from assistant.export.docx import DocHeader, export_docx

            r = record.request
            header = DocHeader(unit=r.unit, name=r.name, post=r.post) if header_line(record) else None
            export_docx(text, path, header=header)
        elif fmt == "md":
            path.write_text(as_markdown(text), "utf-8")
        elif fmt == "txt":
            path.write_text(text, "utf-8")
        else:
            raise InputError(f"不支持的导出格式：{fmt}")
        return path


class Act:
    """What an action is called in the history, and the run its changes belong to: the
    sections one draft streams are one version."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.group = f"{what}:{uuid.uuid4().hex[:12]}"


def _new_turns(mine: list[ChatTurn], saved: list[ChatTurn]) -> list[ChatTurn]:
    """The turns of `mine` after what it shares with the saved chat."""
    n = 0
    while n < min(len(mine), len(saved)) and mine[n] == saved[n]:
        n += 1
    return mine[n:]


def _progress(key: str, draft: Draft) -> str:
    d = dimension_of(key)
    if d is not None:
        return f"已写好第{cn_number(d + 1)}个方面：{draft.problems[d].name}"
    return {"preamble": "已写好前言", "causes": "已写好原因剖析", "measures": "已写好整改措施",
            "done": "完成"}.get(key, key)

