"""The page's event handlers. Each loads the record from disk, calls the Workspace (or the
LLM settings service) and returns what the page shows; nothing here drafts or saves itself."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from assistant.app.accounts import Identity
from assistant.app.llm_settings import NOT_LOCAL, LLMSettings, caller_is_local
from assistant.app.store import DraftRecord, new_owner
from assistant.app.ui import parts, views
from assistant.app.workspace import Workspace
from assistant.core.errors import InputError
from assistant.core.settings import Settings
from assistant.core.types import Request, Role
from assistant.draft.facts import split_facts
from assistant.draft.structure import load_registry

# The notice's lists are offered as one line each, their items joined by this.
LIST_JOIN = "；"
NOT_ADMIN = "只有管理员可以修改大模型设置。"
LOADING = "正在加载模型和语料（每次启动只需一次，通常十几秒），加载完成后自动继续，请稍候……"


class Handlers:
    def __init__(self, settings: Settings, workspace: Workspace) -> None:
        self.settings = settings
        self.ws = workspace
        self.store = workspace.store
        self.llm = LLMSettings(settings, workspace)
        self.registry = load_registry(settings.data_dir / "meetings.yaml")
        self.identity = Identity(settings.data_dir, login=settings.login, header=settings.trusted_user_header)

    def _who(self, owner: str, request: gr.Request | None) -> str:
        """The owner this call acts for. The one place a handler learns it: with login, from
        the signed-in session, never from what the request body says."""
        try:
            return self.identity.owner(owner, getattr(request, "username", None))
        except InputError as e:
            raise gr.Error(e.user_message) from None

    def _settings_denied(self, request: gr.Request | None) -> str:
        """Why this caller may not change the LLM settings ("" if they may)."""
        if self.identity.login:
            return "" if self.identity.is_admin(getattr(request, "username", None)) else NOT_ADMIN
        return "" if _local(request) else NOT_LOCAL

    # --- loading and showing a record ----------------------------------------------
    def _record(self, owner: str, rid: str) -> DraftRecord:
        rec = self.store.load(owner, rid) if owner and rid else None
        return rec or self.ws.new_record(owner)

    def _history(self, owner: str, current: str):
        return views.history(self.store, owner, current)

    def _view(self, rec: DraftRecord) -> list:
        findings = self.ws.audit(rec) if rec.draft else []
        return [*views.view(self.ws, rec), *parts.values(rec, findings)]

    def _page(self, owner: str, rec: DraftRecord) -> list:
        """The record's view and the owner's list of drafts."""
        return [*self._view(rec), self._history(owner, rec.id), views.unreadable(self.store, owner)]

    def _model_ready(self) -> None:
        """Waits, saying so, while the server still loads the model behind the page."""
        if not self.ws.loaded.is_set():
            gr.Info(LOADING, duration=20)
            self.ws.wait_loaded()

    # --- handlers -------------------------------------------------------------------
    def on_load(self, owner: str, last: str, request: gr.Request = None):
        """The browser's id is kept (a new one made for a new browser); with login, the
        account's drafts are shown whatever the browser holds."""
        browser = owner or new_owner()
        owner = self._who(browser, request)
        rec = self._record(owner, last)
        if not last or rec.id != last:
            latest = self.store.latest(owner)
            rec = latest or rec
        return [browser, rec.id, *self._page(owner, rec)]

    def _request_from(self, role, unit, post, year, meeting, notice, dims, facts) -> Request:
        return Request(
            role=Role(role or "个人"), unit=(unit or "").strip(), post=(post or "").strip(),
            year=int(year) if year else None, meeting=meeting or "民主生活会", notice=notice or "",
            dimensions=[d.strip() for d in (dims or "").splitlines() if d.strip()],
            facts=split_facts(facts or ""),
        )

    def on_request_input(self, owner, rid, role, unit, post, year, meeting, notice, dims, facts, request: gr.Request = None):
        """Saves the request as it is typed, so a reload keeps it."""
        owner = self._who(owner, request)
        if not owner:
            return gr.update()
        try:
            req = self._request_from(role, unit, post, year, meeting, notice, dims, facts)
        except ValueError:
            return gr.update()
        return self.ws.save_request(owner, rid, req).id

    def on_structure(self, role, unit, post, year, meeting, notice, dims, facts):
        """The 方面 list and, before any draft, how each fact will be used."""
        self._model_ready()
        req = self._request_from(role, unit, post, year, meeting, notice, "", facts)
        plan = self.ws.preview(req)
        s = plan.structure
        note = views.structure_note(s)
        rows = views.fact_rows(plan.facts)
        lists = [LIST_JOIN.join(d) for d in [s.dimensions, *s.alternatives]] if s.alternatives else []
        return ("\n".join(s.dimensions), note,
                gr.update(value=rows or [["（没有填写具体情况：事例处将留【待补充】）", "", "", ""]]),
                gr.update(choices=lists, value=lists[0] if lists else None, visible=bool(lists)))

    def on_pick_list(self, picked):
        """One of the notice's lists, chosen by the user, into the 方面 box."""
        return "\n".join(picked.split(LIST_JOIN)) if picked else gr.update()

    def on_known(self, label):
        for m in self.registry:
            if m.label == label:
                return m.year, m.kind, "\n".join(m.dimensions), f"**方面清单来源**：{m.source}"
        return gr.update(), gr.update(), gr.update(), gr.update()

    def on_draft(self, owner, rid, role, unit, post, year, meeting, notice, dims, facts, request: gr.Request = None):
        self._model_ready()
        owner = self._who(owner, request)
        rec = self._record(owner, rid)
        req = self._request_from(role, unit, post, year, meeting, notice, dims, facts)
        if req.year is None:
            from assistant.draft.structure import default_year

            req = req.model_copy(update={"year": default_year()})
        rec.chat.append(views.turn("user", "按左侧信息生成初稿"))
        screen = None
        for rec, _msg in self.ws.draft(rec, req):
            out, screen = self._streamed(screen, self._page(owner, rec), rec)
            yield out

    def on_chat(self, owner, rid, message, request: gr.Request = None):
        self._model_ready()
        owner = self._who(owner, request)
        message = (message or "").strip()
        rec = self._record(owner, rid)
        if not message:
            yield ["", *self._page(owner, rec)]
            return
        screen = view = None
        for rec, _reply in self.ws.chat(rec, message):
            # The input is cleared once; see _streamed for what else is (not) sent.
            first = screen is None
            view = self._page(owner, rec)
            out, screen = self._streamed(screen, view, rec)
            yield ["" if first else gr.update(), *out]
        # A command's change to a block the user had edited is shown once the chat is done.
        rest = views.changed(screen, view)
        if screen is not None and any(not views.same(u, gr.update()) for u in rest):
            yield [gr.update(), *rest]

    def _streamed(self, screen: list | None, view: list, rec: DraftRecord) -> tuple[list, list]:
        """What to send while a stream runs, and what the screen then shows. Unchanged values
        are not sent again, and neither is a block box whose saved text is not the drafter's:
        the user typed it, the screen has it, and sending it back could drop the keys they
        typed since."""
        out = views.changed(screen, view)
        if screen is None:
            return out, list(view)
        mine = parts.drafted(rec)
        shown = list(view)
        for k in self.part_positions:
            text = parts.box_value(out[k])
            if text and text not in mine:
                out[k] = gr.update()
                shown[k] = screen[k]
        return out, shown

    def on_edit(self, key: str):
        def handler(owner, rid, text, request: gr.Request = None):
            owner = self._who(owner, request)
            rec = self.ws.edit(owner, rid, key, text or "") if owner and rid else None
            if rec is None or rec.draft is None:
                return gr.update(), gr.update()
            full = self.ws.full_text(rec)
            return full, views.count_label(full)

        return handler

    def on_part_edit(self, key: str, i: int):
        """Box i of a part (a 方面, a cause, a measure): the edit goes into that block only.
        When it changes the blocks themselves (a heading typed or removed), the part's boxes
        are laid out again from what was saved."""

        def handler(owner, rid, text, request: gr.Request = None):
            owner = self._who(owner, request)
            n = parts.SLOTS[key]
            last = i == n - 1  # the last box shows every block from there on
            rec = self.ws.edit_part(owner, rid, key, i, text or "", rest=last) if owner and rid else None
            if rec is None or rec.draft is None:
                return [gr.update()] * (3 + 2 * n)
            full = self.ws.full_text(rec)
            after = parts.blocks(rec, key)
            boxes, side, _ = parts.part(rec, key, self.ws.audit(rec))
            if i < len(after) and after[i] == (text or "").strip("\n"):
                boxes = [gr.update()] * n  # the page already shows it
            return [full, views.count_label(full), rec.texts.get(key, ""), *boxes, *side]

        return handler

    def on_regenerate(self, key: str):
        def handler(owner, rid, request: gr.Request = None):
            self._model_ready()
            owner = self._who(owner, request)
            rec = self._record(owner, rid)
            if rec.draft is not None:
                rec, msg = self.ws.regenerate(rec, key)
                self.ws.note(rec, msg)
            return self._page(owner, rec)

        return handler

    def on_regenerate_part(self, key: str, i: int):
        """Box i of a part drafted again (a 方面, or one cause or measure); the other boxes
        stay as they are."""

        def handler(owner, rid, request: gr.Request = None):
            self._model_ready()
            owner = self._who(owner, request)
            rec = self._record(owner, rid)
            if key == "problems":
                d = parts.dimension_at(rec, i)
                if d is None:
                    gr.Warning("这一段不是初稿中的某个方面，无法重新生成。")
                    return self._page(owner, rec)
                rec, msg = self.ws.regenerate(rec, f"problems:{d}")
            else:
                rec, msg = self.ws.regenerate_block(rec, key, i)
            self.ws.note(rec, msg)
            return self._page(owner, rec)

        return handler

    def on_export(self, fmt: str):
        def handler(owner, rid, request: gr.Request = None):
            owner = self._who(owner, request)
            rec = self._record(owner, rid)
            try:
                return gr.update(value=str(self.ws.export(rec, fmt)), visible=True)
            except InputError as e:
                gr.Warning(e.message)
                return gr.update()

        return handler

    def on_upload(self, owner, rid, path, progress=gr.Progress(), request: gr.Request = None):
        self._model_ready()
        owner = self._who(owner, request)
        rec = self._record(owner, rid)
        if not path:
            return self._page(owner, rec)
        try:
            data = Path(path).read_bytes()
            rec, _summary = self.ws.upload_last_year(rec, Path(path).name, data, progress=_pages(progress))
        except InputError as e:
            gr.Warning(e.user_message)
        except OSError:
            gr.Warning("读取上传的文件失败，请重新上传。")
        return self._page(owner, rec)

    def on_last_meta(self, owner, rid, role, year, request: gr.Request = None):
        owner = self._who(owner, request)
        rec = self.ws.set_last_year_meta(owner, rid, role or "", int(year) if year else None) if owner and rid else None
        return self.ws.last_year_summary(rec) if rec else gr.update()

    def on_revise(self, owner, rid, role, unit, post, year, meeting, notice, dims, facts, request: gr.Request = None):
        self._model_ready()
        owner = self._who(owner, request)
        rec = self._record(owner, rid)
        if not rec.last_year:
            gr.Warning("请先上传上年度材料。")
            yield self._page(owner, rec)
            return
        yield from self.on_draft(owner, rid, role, unit, post, year, meeting, notice, dims, facts, request)

    def on_audit(self, owner, rid, request: gr.Request = None):
        owner = self._who(owner, request)
        rec = self._record(owner, rid)
        findings = self.ws.audit(rec)
        return views.audit(findings, bool(rec.draft))

    def on_move_fact(self, owner, rid, fact, target, request: gr.Request = None):
        self._model_ready()
        owner = self._who(owner, request)
        rec = self._record(owner, rid)
        if not fact or not target:
            gr.Warning("请先选择一条事实和要调整到的位置。")
            return self._page(owner, rec)
        rec, msg = self.ws.move_fact(rec, fact, target)
        self.ws.note(rec, msg)
        return self._page(owner, rec)

    def on_check_repeats(self, owner, rid, request: gr.Request = None):
        self._model_ready()
        owner = self._who(owner, request)
        rec = self.ws.check_repeats(self._record(owner, rid))
        return views.repeats(rec)

    def on_open(self, owner, chosen, request: gr.Request = None):
        owner = self._who(owner, request)
        rec = self._record(owner, chosen or "")
        return [rec.id, *self._page(owner, rec)]

    def on_new(self, owner, request: gr.Request = None):
        owner = self._who(owner, request)
        rec = self.ws.new_record(owner)
        return [rec.id, *self._page(owner, rec)]

    # --- versions -------------------------------------------------------------------
    def _step(self, owner, rid, step):
        rec, msg = step(owner, rid) if owner and rid else (None, "还没有稿子。")
        gr.Info(msg)
        return self._page(owner, rec or self._record(owner, rid))

    def on_undo(self, owner, rid, request: gr.Request = None):
        owner = self._who(owner, request)
        return self._step(owner, rid, self.ws.undo)

    def on_redo(self, owner, rid, request: gr.Request = None):
        owner = self._who(owner, request)
        return self._step(owner, rid, self.ws.redo)

    def on_restore(self, owner, rid, n, request: gr.Request = None):
        owner = self._who(owner, request)
        if n is None:
            gr.Warning("请先在“历史版本”中选择一个版本。")
            return self._page(owner, self._record(owner, rid))
        return self._step(owner, rid, lambda o, r: self.ws.restore(o, r, int(n)))

    def on_diff(self, owner, rid, a, b, request: gr.Request = None):
        owner = self._who(owner, request)
        rec = self._record(owner, rid)
        if a is None or b is None:
            return "<p>请选择两个版本。</p>"
        return self.ws.diff(rec, int(a), int(b), as_html=True)

    def on_import(self, owner, rid, path, progress=gr.Progress(), request: gr.Request = None):
        self._model_ready()
        owner = self._who(owner, request)
        rec = self._record(owner, rid)
        diff, findings = gr.update(), gr.update()
        if path:
            try:
                rec, msg = self.ws.import_edited(rec, Path(path).name, Path(path).read_bytes(),
                                                 progress=_pages(progress))
                self.ws.note(rec, msg)
                gr.Info(msg)
                base = rec.exported if rec.exported is not None else rec.versions[rec.head].parent
                if base is not None:
                    diff = self.ws.diff(rec, base, rec.head, as_html=True)
                findings = views.audit(self.ws.audit(rec), True)
            except InputError as e:
                gr.Warning(e.user_message)
            except OSError:
                gr.Warning("读取上传的文件失败，请重新上传。")
        return [*self._page(owner, rec), diff, findings]

    # --- settings (the LLM settings service decides; these only pass the page on) -----
    def on_save_llm(self, enabled, provider, url, model, key, timeout, request: gr.Request | None = None):
        denied = self._settings_denied(request)
        return "", denied or self.llm.save(enabled, provider, url, model, key, timeout, local=True)

    def on_test_llm(self, provider, url, model, key, timeout, request: gr.Request | None = None):
        denied = self._settings_denied(request)
        return denied or self.llm.test(provider, url, model, key, timeout, local=True)


def _local(request: gr.Request | None) -> bool:
    """True for a call from this machine (or a direct call, as in tests)."""
    return caller_is_local(None if request is None else request.client)


def _pages(progress):
    """A scan's pages as they are read, on the upload's progress bar."""
    return lambda done, total: progress((done, total), desc="正在识别扫描件中的文字", unit="页")
