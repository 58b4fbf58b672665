"""The browser UI (Gradio Blocks). It only calls the Workspace; nothing here drafts.

Every user gets an owner id kept in their browser (encrypted localStorage, key on disk so a
server restart can still read it); their drafts live on disk under that id. Each handler
loads the record from disk and saves it back, so a reload or restart loses nothing.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import gradio as gr

from assistant.app.store import DraftRecord, browser_secret, new_owner
from assistant.app.workspace import SECTION_LABELS, Workspace
from assistant.core.errors import InputError
from assistant.core.settings import Settings
from assistant.core.types import Request, Role
from assistant.draft.facts import split_facts
from assistant.draft.structure import load_registry

MEETINGS = ["民主生活会", "专题民主生活会", "组织生活会", "专题组织生活会"]
UNSURE = 0.7  # a fact's kind read with less certainty than this is marked for the user to check
FACTS_HINT = "本年度工作中的具体情况、群众意见、问题事例，一行一条。例如：\n干部职工反映食堂午餐排队时间长\n院内充电桩坏了两个月没修\n有2次中心组学习因出差缺席"
CHAT_HINT = "例如：我是区教育局办公室主任，帮我写2023年主题教育的个人对照检查，今年食堂排队时间长、充电桩坏了没及时修"
CSS = """
.gradio-container {max-width: 1500px !important}
#doc-title h2 {margin: 0.2em 0}
footer {display: none !important}
"""
# System fonts only: the default theme would fetch web fonts from a CDN.
FONTS = ["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "sans-serif"]


def _theme() -> gr.themes.Base:
    return gr.themes.Default(font=FONTS, font_mono=["Menlo", "Consolas", "monospace"])


def _count(text: str) -> int:
    return len(re.sub(r"\s", "", text))


class UI:
    def __init__(self, settings: Settings, workspace: Workspace) -> None:
        self.settings = settings
        self.ws = workspace
        self.store = workspace.store
        self.registry = load_registry(settings.data_dir / "meetings.yaml")

    # --- loading and showing a record ----------------------------------------------
    def _record(self, owner: str, rid: str) -> DraftRecord:
        rec = self.store.load(owner, rid) if owner and rid else None
        return rec or self.ws.new_record(owner)

    def _history(self, owner: str, current: str):
        records = self.store.list(owner) if owner else []
        choices = [(r.label, r.id) for r in records]
        return gr.update(choices=choices, value=current if any(c[1] == current for c in choices) else None)

    def _view(self, rec: DraftRecord):
        """Every display component's value, in the order of self.view_outputs."""
        req = rec.request
        draft = rec.draft
        texts = rec.texts
        title = f"## {draft.title}" if draft else "## 尚未生成初稿\n在左侧填写信息后点击“生成初稿”，或直接在对话框里说明需求。"
        full = self.ws.full_text(rec)
        dims = "\n".join(draft.structure.dimensions) if draft else "\n".join(req.dimensions)
        dim_choices = [(f"（{n + 1}）{d.name}", f"problems:{n}") for n, d in enumerate(draft.problems)] if draft else []
        has_rect = bool(draft and draft.rectification)
        notes = ""
        if draft:
            notes = f"**方面清单来源**：{draft.structure.reason}" + ("（推测，请核对）" if draft.structure.guess else "")
        return [
            rec.id,
            req.role.value,
            req.unit,
            req.post,
            req.year,
            req.meeting,
            req.notice,
            dims,
            "\n".join(req.facts),
            notes,
            [{"role": t.role, "content": t.content} for t in rec.chat],
            title,
            f"全文 {_count(full)} 字" if full else "",
            texts.get("preamble", ""),
            gr.update(value=texts.get("rectification", ""), visible=has_rect),
            texts.get("problems", ""),
            texts.get("causes", ""),
            texts.get("measures", ""),
            full,
            gr.update(choices=dim_choices, value=dim_choices[0][1] if dim_choices else None),
            self._sources(rec),
            self._repeats(rec),
            self.ws.last_year_summary(rec),
            rec.last_year_role or None,
            rec.last_year_year,
            *self._fact_view(rec),
        ]

    def _fact_view(self, rec: DraftRecord):
        """The fact plan: each fact, its kind, where it went and why; and the pickers."""
        facts = rec.draft.facts if rec.draft else []
        rows = [[f.text, f.kind.label + ("（把握不大，请确认）" if f.kind_score < UNSURE and not f.user_set else ""),
                 f.label, f.kind_reason if f.destination != "problems" else f.reason] for f in facts]
        texts = [f.text for f in facts]
        targets = self.ws.fact_targets(rec)
        return [
            gr.update(value=rows or [["（生成初稿后，这里列出每条具体情况的归类）", "", "", ""]]),
            gr.update(choices=texts, value=texts[0] if texts else None),
            gr.update(choices=targets, value=None),
        ]

    def _repeats(self, rec: DraftRecord) -> str:
        if not rec.last_year:
            return "上传上年度材料后，这里列出与上年度材料相近的句子。"
        if not rec.repeats:
            return "已与上年度材料逐句比对，没有发现相近的句子。" if rec.draft else ""
        rows = ["| 部分 | 本年度句子 | 上年度相近句子 | 相似度 | 字面重合 |", "|---|---|---|---|---|"]
        for r in rec.repeats:
            clean = lambda t: t.replace("|", "｜")
            rows.append(f"| {SECTION_LABELS.get(r.key, r.key)} | ⚠ {clean(r.new)} | {clean(r.old)} | "
                        f"{r.cosine:.2f} | {r.overlap:.0%} |")
        return f"**发现 {len(rec.repeats)} 处与上年度材料相近的句子，建议改写：**\n\n" + "\n".join(rows)

    def _sources(self, rec: DraftRecord) -> str:
        if not rec.draft:
            return "生成初稿后，这里列出每段文字的依据：您提供的事实、本产品的素材库，以及可供对照阅读的往年材料。"
        lines = ["文字由素材库和您提供的事实写成；往年材料是其他单位的文字，只用来确定方面和主题，列在这里供您对照阅读，没有照搬。", ""]

        def describe(p) -> str:
            refs = []
            for s in p.sources:
                if s.kind == "fact":
                    refs.append(f"您提供的事实：{s.text[:40]}")
                elif s.kind in ("reference", "corpus"):
                    refs.append(f"参考往年材料：{s.source or '语料'}（{s.year or '?'}年）")
                elif s.kind == "llm":
                    refs.append("大模型")
                elif s.kind == "lastyear":
                    refs.append("上年度材料")
            if any(s.kind == "phrasebank" for s in p.sources):
                refs.insert(0, "素材库")
            return "；".join(dict.fromkeys(refs))

        for dim in rec.draft.problems:
            lines.append(f"**{dim.heading}**")
            lines += [f"- {p.marker or '·'} {describe(p)}" for p in dim.items]
        lines.append("**原因剖析**")
        lines += [f"- {p.title}：{describe(p)}" for p in rec.draft.causes]
        lines.append("**整改措施**")
        lines += [f"- {p.title}：{describe(p)}" for p in rec.draft.measures]
        return "\n".join(lines)

    # --- handlers -------------------------------------------------------------------
    def on_load(self, owner: str, last: str):
        owner = owner or new_owner()
        rec = self._record(owner, last)
        if not last or rec.id != last:
            latest = self.store.latest(owner)
            rec = latest or rec
        return [owner, rec.id, *self._view(rec), self._history(owner, rec.id)]

    def _request_from(self, role, unit, post, year, meeting, notice, dims, facts) -> Request:
        return Request(
            role=Role(role or "个人"), unit=(unit or "").strip(), post=(post or "").strip(),
            year=int(year) if year else None, meeting=meeting or "民主生活会", notice=notice or "",
            dimensions=[d.strip() for d in (dims or "").splitlines() if d.strip()],
            facts=split_facts(facts or ""),
        )

    def on_request_input(self, owner, rid, role, unit, post, year, meeting, notice, dims, facts):
        """Saves the request as it is typed, so a reload keeps it."""
        if not owner:
            return gr.update()
        try:
            req = self._request_from(role, unit, post, year, meeting, notice, dims, facts)
        except ValueError:
            return gr.update()
        return self.ws.save_request(owner, rid, req).id

    def on_structure(self, role, unit, post, year, meeting, notice, dims, facts):
        """The 方面 list and, before any draft, how each fact will be used."""
        req = self._request_from(role, unit, post, year, meeting, notice, "", facts)
        plan = self.ws.preview(req)
        s = plan.structure
        note = f"**方面清单来源**：{s.reason}" + ("（推测，请核对）" if s.guess else "")
        rows = [[f.text, f.kind.label, f.label, f.reason or f.kind_reason] for f in plan.facts]
        return "\n".join(s.dimensions), note, gr.update(value=rows or [["（没有填写具体情况：事例处将留【待补充】）", "", "", ""]])

    def on_known(self, label):
        for m in self.registry:
            if m.label == label:
                return m.year, m.kind, "\n".join(m.dimensions), f"**方面清单来源**：{m.source}"
        return gr.update(), gr.update(), gr.update(), gr.update()

    def on_draft(self, owner, rid, role, unit, post, year, meeting, notice, dims, facts):
        rec = self._record(owner, rid)
        req = self._request_from(role, unit, post, year, meeting, notice, dims, facts)
        if req.year is None:
            from assistant.draft.structure import default_year

            req = req.model_copy(update={"year": default_year()})
        rec.chat.append(_turn("user", "按左侧信息生成初稿"))
        last = None
        for rec, _msg in self.ws.draft(rec, req):
            view = [*self._view(rec), self._history(owner, rec.id)]
            yield _changed(last, view)
            last = view

    def on_chat(self, owner, rid, message):
        message = (message or "").strip()
        rec = self._record(owner, rid)
        if not message:
            yield ["", *self._view(rec), self._history(owner, rec.id)]
            return
        last = None
        for rec, _reply in self.ws.chat(rec, message):
            view = [*self._view(rec), self._history(owner, rec.id)]
            # The input is cleared once, and unchanged values are not sent again: what the
            # user types or edits while a draft streams must not be overwritten.
            yield [gr.update() if last else "", *_changed(last, view)]
            last = view

    def on_edit(self, key: str):
        def handler(owner, rid, text):
            rec = self.ws.edit(owner, rid, key, text or "") if owner and rid else None
            if rec is None or rec.draft is None:
                return gr.update(), gr.update()
            full = self.ws.full_text(rec)
            return full, f"全文 {_count(full)} 字"

        return handler

    def on_regenerate(self, key: str | None):
        def handler(owner, rid, chosen=None):
            rec = self._record(owner, rid)
            target = key or chosen
            if rec.draft is not None and target:
                rec, msg = self.ws.regenerate(rec, target)
                rec.chat.append(_turn("assistant", msg))
                self.store.save(rec)
            return [*self._view(rec), self._history(owner, rec.id)]

        return handler

    def on_export(self, fmt: str):
        def handler(owner, rid):
            rec = self._record(owner, rid)
            try:
                return gr.update(value=str(self.ws.export(rec, fmt)), visible=True)
            except InputError as e:
                gr.Warning(e.message)
                return gr.update()

        return handler

    def on_upload(self, owner, rid, path):
        rec = self._record(owner, rid)
        if not path:
            return [*self._view(rec), self._history(owner, rec.id)]
        try:
            data = Path(path).read_bytes()
            rec, _summary = self.ws.upload_last_year(rec, Path(path).name, data)
        except InputError as e:
            gr.Warning(e.user_message)
        except OSError:
            gr.Warning("读取上传的文件失败，请重新上传。")
        return [*self._view(rec), self._history(owner, rec.id)]

    def on_last_meta(self, owner, rid, role, year):
        rec = self.ws.set_last_year_meta(owner, rid, role or "", int(year) if year else None) if owner and rid else None
        return self.ws.last_year_summary(rec) if rec else gr.update()

    def on_revise(self, owner, rid, role, unit, post, year, meeting, notice, dims, facts):
        rec = self._record(owner, rid)
        if not rec.last_year:
            gr.Warning("请先上传上年度材料。")
            yield [*self._view(rec), self._history(owner, rec.id)]
            return
        yield from self.on_draft(owner, rid, role, unit, post, year, meeting, notice, dims, facts)

    def on_audit(self, owner, rid):
        from assistant.review.audit import summary

        rec = self._record(owner, rid)
        findings = self.ws.audit(rec)
        if not rec.draft:
            return "生成初稿后可以检查。"
        icon = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}
        lines = [f"**审核结果：{summary(findings)}**（按组织部门审核材料的常见要求逐项检查，修改后可再次检查）", ""]
        for f in findings:
            lines.append(f"- {icon.get(f.severity.value, '')} **{f.location}**：{f.message}"
                         + (f" 建议：{f.suggestion}" if f.suggestion else ""))
        return "\n".join(lines)

    def on_move_fact(self, owner, rid, fact, target):
        rec = self._record(owner, rid)
        if not fact or not target:
            gr.Warning("请先选择一条事实和要调整到的位置。")
            return [*self._view(rec), self._history(owner, rec.id)]
        rec, msg = self.ws.move_fact(rec, fact, target)
        rec.chat.append(_turn("assistant", msg))
        self.store.save(rec)
        return [*self._view(rec), self._history(owner, rec.id)]

    def on_check_repeats(self, owner, rid):
        rec = self.ws.check_repeats(self._record(owner, rid))
        return self._repeats(rec)

    def on_open(self, owner, chosen):
        rec = self._record(owner, chosen or "")
        return [rec.id, *self._view(rec), self._history(owner, rec.id)]

    def on_new(self, owner):
        rec = self.ws.new_record(owner)
        return [rec.id, *self._view(rec), self._history(owner, "")]

    # --- settings -------------------------------------------------------------------
    def _llm_file(self) -> Path:
        return self.settings.data_dir / "llm.json"

    def on_save_llm(self, enabled, provider, url, model, key, timeout, request: gr.Request | None = None):
        if not _local(request):
            return "", "只能在运行本程序的电脑上修改或测试大模型设置。"
        data = {"enabled": bool(enabled), "provider": provider, "base_url": (url or "").strip(),
                "model": (model or "").strip(), "timeout": float(timeout or 60)}
        old = self._read_llm()
        data["api_key"] = key.strip() if key and key.strip() else old.get("api_key", "")
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        path = self._llm_file()
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        os.chmod(path, 0o600)
        self.ws.use_llm(data if data["enabled"] else None)
        state = "已启用大模型模式" if data["enabled"] and data["base_url"] else "使用离线模式（默认）"
        return "", f"已保存。{state}。密钥{'已保存（不显示）' if data['api_key'] else '未设置'}。"

    def _read_llm(self) -> dict:
        try:
            return json.loads(self._llm_file().read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def on_test_llm(self, provider, url, model, key, timeout, request: gr.Request | None = None):
        if not _local(request):
            return "只能在运行本程序的电脑上修改或测试大模型设置。"
        saved = self._read_llm()
        url = (url or "").strip()
        # The saved key goes only to the saved endpoint, never to a URL typed in to test.
        saved_key = saved.get("api_key", "") if url == saved.get("base_url") else ""
        data = {"provider": provider, "base_url": url, "model": (model or "").strip(),
                "api_key": (key or "").strip() or saved_key, "timeout": float(timeout or 20)}
        return self.ws.test_llm(data)

    # --- layout ---------------------------------------------------------------------
    def build(self) -> gr.Blocks:
        secret = browser_secret(self.settings.data_dir)
        saved_llm = self._read_llm()
        if saved_llm.get("enabled"):
            self.ws.use_llm(saved_llm)
        with gr.Blocks(title="对照 · 对照检查材料起草助手", analytics_enabled=False) as demo:
            owner = gr.BrowserState("", storage_key="duizhao-owner", secret=secret)
            last = gr.BrowserState("", storage_key="duizhao-last-draft", secret=secret)
            rid = gr.State("")
            gr.Markdown("# 对照 · 对照检查材料起草助手\n在本机运行，材料不出本机（配置大模型服务后，起草内容会发送给该服务）。")
            with gr.Tabs():
                with gr.Tab("起草", id="draft"):
                    with gr.Row():
                        with gr.Column(scale=5):
                            with gr.Accordion("基本信息", open=True):
                                role = gr.Radio(["个人", "班子", "支部"], value="个人", label="角色",
                                                info="班子：代表领导班子；个人：班子成员个人；支部：组织生活会党员个人")
                                with gr.Row():
                                    unit = gr.Textbox(label="单位", placeholder="例如：区教育局", elem_id="req-unit")
                                    post = gr.Textbox(label="职务", placeholder="例如：办公室主任", elem_id="req-post")
                                with gr.Row():
                                    year = gr.Number(label="会议年度", precision=0, value=None, elem_id="req-year")
                                    meeting = gr.Dropdown(MEETINGS, value="民主生活会", label="会议类型", elem_id="req-meeting")
                                known = gr.Dropdown([m.label for m in self.registry], value=None,
                                                    label="已收录的会议（选择后自动填写年度、类型和方面）")
                                notice = gr.Textbox(label="通知原文（可选）", lines=3,
                                                    placeholder="粘贴上级通知，可自动识别其中的方面清单")
                                with gr.Row():
                                    dims = gr.Textbox(label="方面清单（一行一个，可修改）", lines=6, elem_id="req-dims")
                                dims_note = gr.Markdown()
                                facts = gr.Textbox(label="本年度具体情况", lines=6, placeholder=FACTS_HINT, elem_id="req-facts")
                                with gr.Row():
                                    b_structure = gr.Button("识别方面和事实归类", elem_id="btn-structure")
                                    b_draft = gr.Button("生成初稿", variant="primary", elem_id="btn-draft")
                            chatbot = gr.Chatbot(label="对话", height=380, buttons=["copy"], elem_id="chat",
                                                 feedback_options=None, placeholder="在下面输入您的需求或修改意见。")
                            with gr.Row():
                                chat_in = gr.Textbox(show_label=False, placeholder=CHAT_HINT, scale=5, elem_id="chat-input")
                                b_send = gr.Button("发送", scale=1, elem_id="btn-send")
                        with gr.Column(scale=7):
                            title = gr.Markdown(elem_id="doc-title")
                            count = gr.Markdown(elem_id="doc-count")
                            with gr.Accordion("事实归类（每条具体情况写在哪里，可调整）", open=True):
                                fact_table = gr.Dataframe(headers=["具体情况", "类型", "写在", "理由"],
                                                          interactive=False, wrap=True, elem_id="fact-plan")
                                with gr.Row():
                                    fact_pick = gr.Dropdown([], label="选择一条具体情况", scale=3, elem_id="fact-pick")
                                    fact_target = gr.Dropdown([], label="调整为", scale=3, elem_id="fact-target")
                                    b_move = gr.Button("调整并重写相关部分", scale=1, elem_id="btn-move-fact")
                            boxes = {}
                            regen = {}
                            for key, label in SECTION_LABELS.items():
                                boxes[key] = gr.Textbox(label=label, lines=4, max_lines=40, interactive=True,
                                                        buttons=["copy"], elem_id=f"sec-{key}",
                                                        visible=key != "rectification")
                                if key == "problems":
                                    with gr.Row():
                                        dim_pick = gr.Dropdown([], label="选择方面", scale=3, elem_id="dim-pick")
                                        regen[key] = gr.Button("重新生成该方面", scale=1, elem_id="regen-problems")
                                elif key != "rectification":
                                    regen[key] = gr.Button(f"重新生成{label}", size="sm", elem_id=f"regen-{key}")
                            with gr.Accordion("全文（可整体复制）", open=False):
                                full = gr.Textbox(label="全文", lines=12, max_lines=60, interactive=False,
                                                  buttons=["copy"], elem_id="full-text")
                            with gr.Row():
                                b_docx = gr.Button("导出 Word", elem_id="export-docx")
                                b_md = gr.Button("导出 Markdown", elem_id="export-md")
                                b_txt = gr.Button("导出文本", elem_id="export-txt")
                            export_file = gr.File(label="导出文件", visible=False, interactive=False, elem_id="export-file")
                            with gr.Accordion("审核清单", open=False):
                                audit_md = gr.Markdown("生成初稿后，点“按审核要求检查”。", elem_id="audit")
                                b_audit = gr.Button("按审核要求检查", size="sm", elem_id="btn-audit")
                            with gr.Accordion("与上年度材料相近的句子", open=True):
                                repeats = gr.Markdown(elem_id="repeats")
                                b_repeats = gr.Button("重新比对", size="sm", elem_id="btn-repeats")
                            with gr.Accordion("参考来源", open=False):
                                sources = gr.Markdown(elem_id="sources")
                            with gr.Row():
                                history = gr.Dropdown([], label="以前的稿子", scale=3, elem_id="history")
                                b_open = gr.Button("打开", scale=1, elem_id="btn-open")
                                b_new = gr.Button("新建", scale=1, elem_id="btn-new")
                with gr.Tab("上年度材料", id="last-year"):
                    gr.Markdown("上传上年度的对照检查材料（.docx、.txt、.md、.pdf）。系统会识别其中查摆的问题，"
                                "对照“起草”页中本年度的具体情况生成“上年度整改落实情况”，并在起草时避免与上年度材料雷同。"
                                "上传的材料只加入您自己的检索库，其他用户看不到。")
                    upload = gr.File(label="上年度材料", file_types=[".docx", ".txt", ".md", ".pdf"],
                                     type="filepath", elem_id="upload-last")
                    last_summary = gr.Markdown(elem_id="last-summary")
                    with gr.Row():
                        last_role = gr.Radio(["班子", "个人", "支部"], label="上年度材料的角色（识别有误时更正）")
                        last_year_box = gr.Number(label="上年度材料的年度", precision=0)
                    b_revise = gr.Button("据此起草今年的材料", variant="primary", elem_id="btn-revise")
                    gr.Markdown("起草使用“起草”页填写的本年度会议、角色和具体情况。")
                with gr.Tab("设置", id="settings"):
                    gr.Markdown("默认离线起草，不需要大模型。配置兼容 OpenAI 接口的服务（DeepSeek、通义千问、智谱、Kimi、vLLM、Ollama 等）后，可改用大模型起草；失败时自动改用离线方式。")
                    llm_on = gr.Checkbox(value=bool(saved_llm.get("enabled")), label="启用大模型模式")
                    llm_provider = gr.Radio(["openai", "ollama"], value=saved_llm.get("provider", "openai"),
                                            label="接口类型", info="openai：兼容 OpenAI 的 /v1 接口；ollama：Ollama 原生接口")
                    llm_url = gr.Textbox(value=saved_llm.get("base_url", ""), label="服务地址",
                                         placeholder="例如：http://127.0.0.1:11434/v1")
                    llm_model = gr.Textbox(value=saved_llm.get("model", ""), label="模型名称", placeholder="例如：qwen2.5:7b")
                    llm_key = gr.Textbox(value="", label="API 密钥", type="password",
                                         placeholder="已保存（不显示）" if saved_llm.get("api_key") else "没有可留空")
                    llm_timeout = gr.Number(value=saved_llm.get("timeout", 60), label="超时（秒）")
                    with gr.Row():
                        b_save_llm = gr.Button("保存设置", variant="primary")
                        b_test_llm = gr.Button("测试连接")
                    llm_status = gr.Markdown()

            req_inputs = [role, unit, post, year, meeting, notice, dims, facts]
            view = [rid, role, unit, post, year, meeting, notice, dims, facts, dims_note, chatbot, title, count,
                    boxes["preamble"], boxes["rectification"], boxes["problems"], boxes["causes"],
                    boxes["measures"], full, dim_pick, sources, repeats, last_summary, last_role, last_year_box,
                    fact_table, fact_pick, fact_target]
            with_history = [*view, history]

            demo.load(self.on_load, [owner, last], [owner, last, *with_history])
            rid.change(lambda r: r, rid, last, show_progress="hidden")
            # .change, not .input: in this Gradio version .input did not reach the server
            # from these components in the browser. .change also fires on the app's own
            # updates; the handlers save only what differs from the saved version.
            for comp in req_inputs:
                comp.change(self.on_request_input, [owner, rid, *req_inputs], rid,
                            trigger_mode="always_last", show_progress="hidden")
            known.change(self.on_known, known, [year, meeting, dims, dims_note])
            b_structure.click(self.on_structure, req_inputs, [dims, dims_note, fact_table])
            b_draft.click(self.on_draft, [owner, rid, *req_inputs], with_history)
            for trigger in (b_send.click, chat_in.submit):
                trigger(self.on_chat, [owner, rid, chat_in], [chat_in, *with_history])
            for key, box in boxes.items():
                box.change(self.on_edit(key), [owner, rid, box], [full, count],
                           trigger_mode="always_last", show_progress="hidden")
            for key, button in regen.items():
                if key == "problems":
                    button.click(self.on_regenerate(None), [owner, rid, dim_pick], with_history)
                else:
                    button.click(self.on_regenerate(key), [owner, rid], with_history)
            for fmt, button in (("docx", b_docx), ("md", b_md), ("txt", b_txt)):
                button.click(self.on_export(fmt), [owner, rid], export_file)
            upload.upload(self.on_upload, [owner, rid, upload], with_history)
            for comp in (last_role, last_year_box):
                comp.change(self.on_last_meta, [owner, rid, last_role, last_year_box], last_summary)
            b_revise.click(self.on_revise, [owner, rid, *req_inputs], with_history)
            b_repeats.click(self.on_check_repeats, [owner, rid], repeats)
            b_move.click(self.on_move_fact, [owner, rid, fact_pick, fact_target], with_history)
            b_audit.click(self.on_audit, [owner, rid], audit_md)
            b_open.click(self.on_open, [owner, history], [rid, *view, history])
            b_new.click(self.on_new, owner, [rid, *view, history])
            # Not part of the public API: settings change only from the page, on this machine.
            b_save_llm.click(self.on_save_llm, [llm_on, llm_provider, llm_url, llm_model, llm_key, llm_timeout],
                             [llm_key, llm_status], api_visibility="private")
            b_test_llm.click(self.on_test_llm, [llm_provider, llm_url, llm_model, llm_key, llm_timeout], llm_status,
                             api_visibility="private")
        return demo


def _local(request: gr.Request | None) -> bool:
    """True for a call from this machine (or a direct call, as in tests)."""
    if request is None or request.client is None:
        return True
    return request.client.host in ("127.0.0.1", "::1", "localhost")


def _changed(previous: list | None, current: list) -> list:
    """`current`, with gr.update() (no change) wherever it equals the previous update."""
    if previous is None:
        return current
    return [gr.update() if _same(a, b) else b for a, b in zip(previous, current)]


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # values that do not compare (arrays): treat as changed
        return False


def _turn(role: str, content: str):
    from assistant.app.store import ChatTurn

    return ChatTurn(role=role, content=content)


def launch(settings: Settings, workspace: Workspace, *, prevent_thread_lock: bool = False):
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    demo = UI(settings, workspace).build()
    demo.queue(default_concurrency_limit=4)
    return demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        theme=_theme(),
        css=CSS,
        footer_links=[],
        show_error=True,
        prevent_thread_lock=prevent_thread_lock,
        max_file_size=f"{settings.max_upload_mb}mb",
        quiet=True,
    )
