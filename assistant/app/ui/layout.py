"""The page: the gr.Blocks layout and which handler each event calls.

Without sign-in, every user gets an owner id kept in their browser (encrypted localStorage, key
on disk so a server restart can still read it); with sign-in (DUIZHAO_LOGIN=1, sign_in.py) the
signed-in account decides the owner and the browser's id counts for nothing (Handlers._who).
Drafts live on disk under the owner id. Each handler loads the record from disk and saves it
back, so a reload or restart loses nothing.
"""

from __future__ import annotations

import os

import gradio as gr

from assistant.app.store import browser_secret
from assistant.app.ui import parts
from assistant.app.ui.handlers import Handlers
from assistant.app.workspace import SECTION_LABELS, Workspace
from assistant.core.settings import Settings
from assistant.ingest.load import SUPPORTED

MEETINGS = ["民主生活会", "专题民主生活会", "组织生活会", "专题组织生活会"]
PROVIDERS = ["openai", "ollama"]  # what make_chat_model tells apart (anything but ollama is openai)
FACTS_HINT = "本年度工作中的具体情况、群众意见、问题事例，一行一条。例如：\n干部职工反映食堂午餐排队时间长\n院内充电桩坏了两个月没修\n有2次中心组学习因出差缺席"
CHAT_HINT = "例如：我是区教育局办公室主任，帮我写2023年主题教育的个人对照检查，今年食堂排队时间长、充电桩坏了没及时修"
CSS = """
.gradio-container {max-width: 1500px !important}
#doc-title h2 {margin: 0.2em 0}
.dz-diff {width: 100%; border-collapse: collapse}
.dz-diff td {vertical-align: top; width: 50%; padding: 2px 6px; border-bottom: 1px solid #eee}
.dz-changed td {background: #fffbe6}
.dz-del {background: #ffe0e0; color: #a00}
.dz-ins {background: #e0ffe0; color: #060; text-decoration: none}
footer {display: none !important}
"""
# System fonts only: the default theme would fetch web fonts from a CDN.
FONTS = ["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "sans-serif"]


def _theme() -> gr.themes.Base:
    return gr.themes.Default(font=FONTS, font_mono=["Menlo", "Consolas", "monospace"])


class UI(Handlers):
    """The browser UI (Gradio Blocks). It only calls the Workspace; nothing here drafts."""

    @staticmethod
    def _slots(key: str) -> tuple[list, list, list]:
        """A part's boxes, one per block, each with its notes (sources, flags) and its
        regenerate button; hidden until a block fills them."""
        texts, side, buttons = [], [], []
        for i in range(parts.SLOTS[key]):
            texts.append(gr.Textbox(label=f"第{i + 1}段", lines=3, max_lines=30, interactive=True, visible=False,
                                    buttons=["copy"], elem_id=f"{key}-{i}"))
            with gr.Row():
                side.append(gr.Markdown(visible=False, elem_id=f"{key}-{i}-notes"))
                buttons.append(gr.Button("重新生成该方面" if key == "problems" else "重新生成这一条", size="sm",
                                         scale=0, visible=False, elem_id=f"regen-{key}-{i}"))
        return texts, side, buttons

    # --- layout ---------------------------------------------------------------------
    def build(self) -> gr.Blocks:
        secret = browser_secret(self.settings.data_dir)
        llm = self.llm.apply()
        # Uploads and exports Gradio keeps in its cache are removed after an hour (and all
        # of them when the server restarts): they are the office's internal materials.
        with gr.Blocks(title="对照 · 对照检查材料起草助手", analytics_enabled=False,
                       delete_cache=(3600, 3600)) as demo:
            owner = gr.BrowserState("", storage_key="duizhao-owner", secret=secret)
            last = gr.BrowserState("", storage_key="duizhao-last-draft", secret=secret)
            rid = gr.State("")
            gr.Markdown("# 对照 · 对照检查材料起草助手\n在本机运行，材料不出本机（配置大模型服务后，起草内容会发送给该服务）。")
            if self.identity.login and not self.identity.header:
                # HTML, not Markdown: Gradio opens Markdown links in a new tab.
                gr.HTML('<a href="logout" target="_self">退出登录</a>', elem_id="sign-out")
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
                                notice = gr.Textbox(label="通知原文（可选）", lines=3, elem_id="req-notice",
                                                    placeholder="粘贴上级通知（网页、PDF 中复制的均可），可自动识别其中的方面清单")
                                with gr.Row():
                                    dims = gr.Textbox(label="方面清单（一行一个，可修改）", lines=6, elem_id="req-dims")
                                dims_note = gr.Markdown(elem_id="dims-note")
                                notice_lists = gr.Radio([], label="通知中有几份清单，无法确定用哪一份：点选即换用",
                                                        visible=False, elem_id="notice-lists")
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
                            boxes, regen, slots = {}, {}, {}
                            for key, label in SECTION_LABELS.items():
                                if key not in parts.SLOTS:
                                    boxes[key] = gr.Textbox(label=label, lines=4, max_lines=40, interactive=True,
                                                            buttons=["copy"], elem_id=f"sec-{key}",
                                                            visible=key != "rectification")
                                    if key != "rectification":
                                        regen[key] = gr.Button(f"重新生成{label}", size="sm", elem_id=f"regen-{key}")
                                    continue
                                # Each 方面 / cause / measure is a box of its own, edited in place.
                                gr.Markdown(f"**{label}**", elem_id=f"head-{key}")
                                slots[key] = self._slots(key)
                                with gr.Accordion(f"{label}（整段，可整体复制）", open=False):
                                    boxes[key] = gr.Textbox(label=label, lines=4, max_lines=60, interactive=False,
                                                            buttons=["copy"], elem_id=f"sec-{key}")
                                if key != "problems":
                                    regen[key] = gr.Button(f"重新生成{label}", size="sm", elem_id=f"regen-{key}")
                            with gr.Accordion("全文（可整体复制）", open=False):
                                full = gr.Textbox(label="全文", lines=12, max_lines=60, interactive=False,
                                                  buttons=["copy"], elem_id="full-text")
                            with gr.Row():
                                b_docx = gr.Button("导出 Word", elem_id="export-docx")
                                b_md = gr.Button("导出 Markdown", elem_id="export-md")
                                b_txt = gr.Button("导出文本", elem_id="export-txt")
                            export_file = gr.File(label="导出文件", visible=False, interactive=False, elem_id="export-file")
                            with gr.Row():
                                b_undo = gr.Button("撤销", size="sm", elem_id="btn-undo")
                                b_redo = gr.Button("重做", size="sm", elem_id="btn-redo")
                            with gr.Accordion("历史版本", open=False, elem_id="history-versions"):
                                gr.Markdown("每次修改（打字、重新生成、对话指令、导入修改稿）都保存为一个版本，"
                                            "恢复旧版本不会删除任何版本。")
                                with gr.Row():
                                    ver_a = gr.Dropdown([], label="历史版本", scale=3, elem_id="versions")
                                    ver_b = gr.Dropdown([], label="与此版本比较", scale=3, elem_id="versions-b")
                                with gr.Row():
                                    b_diff = gr.Button("比较两个版本", size="sm", elem_id="btn-diff")
                                    b_restore = gr.Button("恢复此版本", size="sm", elem_id="btn-restore")
                                diff_view = gr.HTML(elem_id="diff-view")
                                doc_import = gr.File(label="导入修改稿（在 Word/WPS 中改过的 .docx、.doc、.wps 或 .txt）",
                                                     file_types=[".docx", ".doc", ".wps", ".txt", ".md"], type="filepath",
                                                     elem_id="import-edited")
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
                            broken = gr.Markdown(elem_id="unreadable")
                with gr.Tab("上年度材料", id="last-year"):
                    gr.Markdown("上传上年度的对照检查材料（.docx、.doc、.wps、.txt、.md、.pdf，或扫描件、照片 .png/.jpg，"
                                "扫描件在本机离线识别文字）。系统会识别其中查摆的问题，"
                                "对照“起草”页中本年度的具体情况生成“上年度整改落实情况”，并在起草时避免与上年度材料雷同。"
                                "上传的材料只加入您自己的检索库，其他用户看不到。")
                    upload = gr.File(label="上年度材料", file_types=list(SUPPORTED),
                                     type="filepath", elem_id="upload-last")
                    last_summary = gr.Markdown(elem_id="last-summary")
                    with gr.Row():
                        last_role = gr.Radio(["班子", "个人", "支部"], label="上年度材料的角色（识别有误时更正）")
                        last_year_box = gr.Number(label="上年度材料的年度", precision=0)
                    b_revise = gr.Button("据此起草今年的材料", variant="primary", elem_id="btn-revise")
                    gr.Markdown("起草使用“起草”页填写的本年度会议、角色和具体情况。")
                with gr.Tab("设置", id="settings"):
                    gr.Markdown("默认离线起草，不需要大模型。配置兼容 OpenAI 接口的服务（DeepSeek、通义千问、智谱、Kimi、vLLM、Ollama 等）后，可改用大模型起草；失败时自动改用离线方式。")
                    llm_on = gr.Checkbox(value=llm.enabled, label="启用大模型模式")
                    llm_provider = gr.Radio(PROVIDERS, value=llm.provider if llm.provider in PROVIDERS else "openai",
                                            label="接口类型", info="openai：兼容 OpenAI 的 /v1 接口；ollama：Ollama 原生接口")
                    llm_url = gr.Textbox(value=llm.base_url, label="服务地址",
                                         placeholder="例如：http://127.0.0.1:11434/v1")
                    llm_model = gr.Textbox(value=llm.model, label="模型名称", placeholder="例如：qwen2.5:7b")
                    llm_key = gr.Textbox(value="", label="API 密钥", type="password",
                                         placeholder="已保存（不显示）" if llm.api_key.get_secret_value() else "没有可留空")
                    llm_timeout = gr.Number(value=llm.timeout, label="超时（秒）")
                    with gr.Row():
                        b_save_llm = gr.Button("保存设置", variant="primary")
                        b_test_llm = gr.Button("测试连接")
                    llm_status = gr.Markdown()

            req_inputs = [role, unit, post, year, meeting, notice, dims, facts]
            view = [rid, role, unit, post, year, meeting, notice, dims, facts, dims_note, chatbot, title, count,
                    boxes["preamble"], boxes["rectification"], boxes["problems"], boxes["causes"],
                    boxes["measures"], full, sources, repeats, last_summary, last_role, last_year_box,
                    fact_table, fact_pick, fact_target, ver_a, ver_b]
            for key, (texts, side, buttons) in slots.items():
                view += texts + side + buttons
            with_history = [*view, history, broken]
            part_boxes = {id(b) for texts, _, _ in slots.values() for b in texts}
            self.part_positions = {k for k, c in enumerate(with_history) if id(c) in part_boxes}

            demo.load(self.on_load, [owner, last], [owner, last, *with_history])
            rid.change(lambda r: r, rid, last, show_progress="hidden")
            # .change, not .input: in this Gradio version .input did not reach the server
            # from these components in the browser. .change also fires on the app's own
            # updates; the handlers save only what differs from the saved version.
            for comp in req_inputs:
                comp.change(self.on_request_input, [owner, rid, *req_inputs], rid,
                            trigger_mode="always_last", show_progress="hidden")
            known.change(self.on_known, known, [year, meeting, dims, dims_note])
            b_structure.click(self.on_structure, req_inputs, [dims, dims_note, fact_table, notice_lists])
            notice_lists.input(self.on_pick_list, notice_lists, dims)
            b_draft.click(self.on_draft, [owner, rid, *req_inputs], with_history)
            for trigger in (b_send.click, chat_in.submit):
                trigger(self.on_chat, [owner, rid, chat_in], [chat_in, *with_history])
            for key, box in boxes.items():
                if key not in slots:
                    box.change(self.on_edit(key), [owner, rid, box], [full, count],
                               trigger_mode="always_last", show_progress="hidden")
            for key, (texts, side, buttons) in slots.items():
                for i, box in enumerate(texts):
                    box.change(self.on_part_edit(key, i), [owner, rid, box], [full, count, boxes[key], *texts, *side],
                               trigger_mode="always_last", show_progress="hidden")
                for i, button in enumerate(buttons):
                    button.click(self.on_regenerate_part(key, i), [owner, rid], with_history)
            for key, button in regen.items():
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
            b_open.click(self.on_open, [owner, history], [rid, *with_history])
            b_new.click(self.on_new, owner, [rid, *with_history])
            b_undo.click(self.on_undo, [owner, rid], with_history)
            b_redo.click(self.on_redo, [owner, rid], with_history)
            b_restore.click(self.on_restore, [owner, rid, ver_a], with_history)
            b_diff.click(self.on_diff, [owner, rid, ver_b, ver_a], diff_view)
            doc_import.upload(self.on_import, [owner, rid, doc_import], [*with_history, diff_view, audit_md])
            # Not part of the public API: settings change only from the page, on this machine.
            b_save_llm.click(self.on_save_llm, [llm_on, llm_provider, llm_url, llm_model, llm_key, llm_timeout],
                             [llm_key, llm_status], api_visibility="private")
            b_test_llm.click(self.on_test_llm, [llm_provider, llm_url, llm_model, llm_key, llm_timeout], llm_status,
                             api_visibility="private")
        return demo


def launch(settings: Settings, workspace: Workspace, serving=None, block: bool = True):
    """Serve the page; `serving` runs once it is listening (the server loads the model then,
    so that loading does not slow the page's own start). `block=False` returns the running
    app instead of serving until stopped (bench/ measures the start this way)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    serving = serving or (lambda: None)
    ui = UI(settings, workspace)
    demo = ui.build()
    demo.queue(default_concurrency_limit=4)
    looks = {"theme": _theme(), "css": CSS, "footer_links": [], "show_error": True,
             "max_file_size": f"{settings.max_upload_mb}mb"}
    identity = ui.identity
    if identity.header or not identity.login:
        # A header identity only behind a proxy that sets the header itself and strips it
        # from what clients send.
        extra = {"auth_dependency": identity.header_user} if identity.header else {}
        demo.launch(server_name=settings.host, server_port=settings.port, quiet=True, prevent_thread_lock=True,
                    **extra, **looks)
        serving()
        return demo.block_thread() if block else demo
    import uvicorn

    from assistant.app.ui.sign_in import sign_in_app

    if not identity.accounts.all():
        print("已开启登录，但还没有账号：请先运行 .venv/bin/python -m assistant users add 用户名 --admin")
    app, sessions = sign_in_app(identity, settings.session_hours)
    app = gr.mount_gradio_app(app, demo, path="/", auth_dependency=sessions.user, **looks)
    serving()
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
