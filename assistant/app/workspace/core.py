"""The workspace's core: saved records, drafting, edits, regeneration, the fact plan,
review and export. Every change is saved before it is shown, so nothing is lost."""

from __future__ import annotations

import functools
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel

from assistant.app import history, service
from assistant.app.document import (
    SECTION_LABELS,
    merge_screen_blocks,
    outline,
    put_dimension,
    replace_part,
)
from assistant.app.draft_sync import KEYS as SYNCED
from assistant.app.draft_sync import sync_record
from assistant.app.store import ChatTurn, DraftRecord, DraftStore
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
    dimension_of,
)
from assistant.draft.drafter import Drafter
from assistant.draft.render import section_text, section_titles
from assistant.draft.structure import default_year
from assistant.export.outline import to_text

LOG = get_logger("workspace")
# How long after a draft last wrote a 方面 the page may still send back an older state of the box.
STREAM_ECHO = 60.0
DRAFTING = "起草"

PROGRESS_TARGET = "成效（写进前言或整改情况，不作为问题）"
CONTEXT_TARGET = "背景（不写成事例）"


class WorkspaceCore:
    """The core the other parts of the Workspace (last_year, conversation, versions) build on."""

    def __init__(self, settings: Settings, drafter: Drafter, store: DraftStore) -> None:
        self.settings = settings
        self.offline = drafter
        self.drafter = drafter
        self.store = store
        self._streamed: dict[str, float] = {}  # record id -> when a draft last wrote a 方面 into it
        # Set once the model and the corpus are ready; the server clears it while it loads
        # them behind the page (start_loading), so the page serves in seconds.
        self.loaded = threading.Event()
        self.loaded.set()

    # --- start-up -------------------------------------------------------------------
    def start_loading(self, job: Callable[[], None]) -> threading.Thread:
        """Run `job` (ingest the corpus, load the model) in the background; whatever needs
        the model waits for it (`wait_loaded`). A failed job is logged and let through: the
        model then loads on first use, and that use reports what is wrong."""
        self.loaded.clear()

        def run() -> None:
            try:
                job()
            except Exception:  # noqa: BLE001 — shown to the user by the first use
                LOG.exception("background loading failed")
            finally:
                self.loaded.set()

        t = threading.Thread(target=run, name="duizhao-loading", daemon=True)
        t.start()
        return t

    def wait_loaded(self) -> None:
        self.loaded.wait()

    # --- LLM mode -------------------------------------------------------------------
    def _llm_settings(self, data: dict) -> Settings:
        from assistant.app.llm_settings import from_dict

        return from_dict(data).apply_to(self.settings)

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

    # --- records --------------------------------------------------------------------
    def new_record(self, owner: str, request: Request | None = None) -> DraftRecord:
        return DraftRecord(owner=owner, request=request or Request())

    def preview(self, req: Request):
        """The plan of a request before drafting: its structure and how each fact is read."""
        if req.year is None:
            req = req.model_copy(update={"year": default_year()})
        self.wait_loaded()
        return self.drafter.plan(req)[0]

    def _say(self, record: DraftRecord, role: str, content: str) -> None:
        record.chat.append(ChatTurn(role=role, content=content))

    def note(self, record: DraftRecord, content: str) -> DraftRecord:
        """The assistant's word on an action the page started, added to the chat."""
        self._say(record, "assistant", content)
        return self._commit(record)

    def _commit(self, record: DraftRecord, texts=(), fields=(), act: Act | None = None,
                apply: Callable[[dict[str, str]], None] | None = None, resync=()) -> DraftRecord:
        """Save what an action changed (the named fields and section texts, and its new chat
        turns) onto the newest saved record, under its lock; then bring the in-memory record
        up to date with it. An edit the user saved meanwhile (say, while a draft streams) is
        kept, never overwritten by this action's older copy. `apply` changes the saved texts
        in place under the lock (a 方面 spliced into the newest problems text). The typed
        draft follows the texts that changed, and the parts in `resync` (draft_sync), except
        while a draft streams: its own steps set the tree."""
        texts = list(texts)
        act = act or Act("修改")

        def change(saved: DraftRecord):
            before = dict(saved.texts)
            for name in fields:
                value = getattr(record, name)
                # a copy: syncing the saved tree must not change the caller's draft (move_fact
                # goes on writing the other 方面 of the same new draft)
                setattr(saved, name, value.model_copy(deep=True) if isinstance(value, BaseModel) else value)
            for key in texts:
                saved.texts[key] = record.texts[key]
            if apply:
                apply(saved.texts)
            if act.what != DRAFTING or resync:
                sync_record(saved, before, resync)
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
        self.wait_loaded()
        act = Act(DRAFTING)
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
                now = time.time()
                # only drafts streamed within the window matter; the server runs for months
                self._streamed = {k: t for k, t in self._streamed.items() if now - t < STREAM_ECHO}
                self._streamed[record.id] = now
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
        drafted = record.draft
        self._commit(record, resync=SYNCED)  # edits typed while it streamed, into the saved tree
        # The last step is shown with the tree as the drafter wrote it: the page tells the
        # user's blocks by their text not being the drafter's (ui/handlers._streamed), and a
        # half-saved edit read into the tree would pass for the drafter's and be sent back
        # over the keys typed after it. The saved record has the edits.
        record.draft = drafted
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

        def new_text(saved: str, streaming: bool) -> str:
            # The page sends back each streamed state of the box; one with fewer 方面 than
            # saved is an older screen: its blocks count, the newer 方面 are kept.
            return merge_screen_blocks(text, saved) if key == "problems" and streaming else text

        return self._edit(owner, draft_id, key, new_text)

    @logged(LOG, "edit")
    def edit_part(self, owner: str, draft_id: str, key: str, i: int, text: str, *,
                  rest: bool = False) -> DraftRecord | None:
        """The user's edit of block i of a section (a 方面, a cause, a measure: section_parts),
        spliced into the newest saved text, so the other blocks stay as saved; with `rest`,
        the edit is of block i and all after it (the page's last box holds any overflow)."""

        def new_text(saved: str, streaming: bool) -> str | None:
            if streaming and not text.strip():
                return None  # the page emptying a block a fresh draft has not reached, not the user
            return replace_part(saved, i, text, rest=rest)

        return self._edit(owner, draft_id, key, new_text)

    def _edit(self, owner: str, draft_id: str, key: str, new_text) -> DraftRecord | None:
        def change(record: DraftRecord):
            streaming = time.time() - self._streamed.get(draft_id, 0.0) < STREAM_ECHO
            new = new_text(record.texts.get(key, ""), streaming)
            if record.draft is None or new is None or record.texts.get(key, "") == new:
                return False
            before = dict(record.texts)
            record.texts[key] = new
            if not streaming:  # a draft still streaming sets the tree; it is synced at its end
                sync_record(record, before)
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

    # --- review ---------------------------------------------------------------------
    @logged(LOG, "audit")
    def audit(self, record: DraftRecord):
        """What a strict reviewer would mark in the current text (edits included)."""
        r = record.request
        dims = record.draft.structure.dimensions if record.draft else None
        return service.audit(self.settings, self.full_text(record), role=r.role, year=r.year,
                             meeting=r.meeting, expected_dimensions=dims)

    def full_text(self, record: DraftRecord) -> str:
        """The whole material as one text, as the page copies it (no writer's line)."""
        doc = outline(record, byline=False)
        return to_text(doc) if doc else ""

    @logged(LOG, "export")
    def export(self, record: DraftRecord, fmt: str) -> Path:
        """The material as a file in a fresh temporary folder, named after its title; the
        .docx carries the writer's line under the title (a personal material)."""
        doc = outline(record, byline=fmt == "docx")
        if doc is None:
            raise InputError("还没有可导出的文稿")
        name = re.sub(r"[\\/:*?\"<>|\s]+", "_", record.draft.title or "对照检查材料")[:60]
        sweep_exports()
        path = service.export(doc, Path(tempfile.mkdtemp(prefix=EXPORT_PREFIX)) / f"{name}.{fmt}", fmt)
        self.store.update(record.owner, record.id, lambda r: setattr(r, "exported", r.head))
        return path


# An export is written to its own temporary folder, which the web page hands to the browser
# (Gradio copies the file into its own cache, cleared by the Blocks' delete_cache). Folders
# older than this are removed at the next export: long past any download, short enough that
# a sensitive material does not sit in /tmp for days.
EXPORT_PREFIX = "duizhao-export-"
EXPORT_KEEP_S = 600


def sweep_exports(now: float | None = None) -> int:
    """Remove this product's export folders older than EXPORT_KEEP_S; how many."""
    import shutil

    now = time.time() if now is None else now
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{EXPORT_PREFIX}*"):
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > EXPORT_KEEP_S:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue  # another process removed it first
    return removed


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
    return {"preamble": "已写好前言", "rectification": "已写好上年度整改落实情况", "causes": "已写好原因剖析",
            "measures": "已写好整改措施", "done": "完成"}.get(key, key)

