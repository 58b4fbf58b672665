"""The LLM composer: the same plan and sections as offline, written by a chat model.

The prompt carries each fact with its 方面 and kind (from the plan), the phrase bank's
wording as quoted reference data (other units' materials are never sent: they are not ours
to copy), and the rules in the system prompt. Any failure raises — an endpoint that times
out, or an answer the hygiene checks refuse — and the drafter then writes that section
offline and tells the user why.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.core import content
from assistant.core import text as grammar
from assistant.core.content import Power, WriterKind
from assistant.core.settings import Settings
from assistant.core.text import cn_number
from assistant.core.types import DimensionDraft, FactKind, Paragraph, SourceRef
from assistant.draft import candidates, hygiene, prompts
from assistant.draft.compose_offline import OfflineComposer, Used
from assistant.draft.plan import Plan
from assistant.draft.render import dimension_heading
from assistant.draft.voice import campaign, congress
from assistant.draft.writer import make_writer
from assistant.ingest.parse import split_items

REFUSALS = ("抱歉", "无法协助", "不能提供", "I can't", "I cannot", "as an AI")


class LLMError(RuntimeError):
    """The model answered, but not with something usable (a refusal, an empty reply)."""


class LLMRejected(LLMError):
    """The model's text failed the hygiene checks: a case the user never gave, a number or
    misconduct nobody reported, the wrong voice, another unit's work."""


def make_chat_model(settings: Settings) -> BaseChatModel:
    """A chat model for the configured endpoint; imported only when one is configured."""
    if not settings.llm_base_url:
        raise LLMError("未配置大模型服务地址")
    if settings.llm_provider == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError as e:  # pragma: no cover - depends on the install
            raise LLMError("使用 Ollama 原生接口需要安装 langchain-ollama") from e
        return ChatOllama(base_url=settings.llm_base_url, model=settings.llm_model,
                          client_kwargs={"timeout": settings.llm_timeout})
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model or "default",
        api_key=settings.llm_api_key.get_secret_value() or "not-needed",
        timeout=settings.llm_timeout,
        max_retries=0,  # the offline fallback is the retry
        streaming=True,
        temperature=0.7,
    )


class LLMComposer:
    """Drafts from the same plan as the offline composer. Everything it sends back is read
    with the same hygiene checks (hygiene.section_issues): a case that is not one of the
    user's facts, a number or misconduct nobody reported, the wrong voice, another unit's
    work — and then that section is written offline instead, with a note."""

    name = "llm"

    def __init__(self, model: BaseChatModel, offline: OfflineComposer,
                 on_token: Callable[[str], None] | None = None) -> None:
        prompts.check()
        self.model = model
        self.offline = offline  # for the wording it may use, and nothing else
        self.on_token = on_token
        self.require_finish = type(model).__module__.startswith(("langchain_openai", "langchain_ollama"))

    def _system_for(self, r) -> str:
        w = make_writer(r, [])
        subject = {"班子": "班子", "支部委员会": "支部委员会"}.get(w.kind.value, "我")
        return prompts.render(
            "system", role=w.kind.value, role_label=_role_label(w.kind), meeting=r.meeting,
            year=r.year or "本", congress=congress(r.year), campaign=campaign(r.year),
            collective=w.kind.collective, subject=subject, unit=r.unit,
        )

    def _ask(self, plan: Plan, task: str) -> str:
        return self._ask_as(plan.request, task)

    def revise_text(self, request, text: str, instruction: str) -> str:
        """A section rewritten as the user asked, in free words (LLM mode only)."""
        return self._ask_as(request, prompts.render("revise", instruction=instruction, text=text))

    def _ask_as(self, request, task: str) -> str:
        messages = [SystemMessage(self._system_for(request)), HumanMessage(task)]
        parts = []
        finish = None
        for chunk in self.model.stream(messages):
            meta = getattr(chunk, "response_metadata", None) or {}
            finish = meta.get("finish_reason") or meta.get("done_reason") or finish
            text = chunk.content if isinstance(chunk.content, str) else ""
            if text:
                parts.append(text)
                if self.on_token:
                    self.on_token(text)
        reply = "".join(parts).strip()
        if not reply:
            raise LLMError("模型返回为空")
        # A real endpoint says why it stopped; a connection cut mid-answer looks like a clean
        # end without that, and "length" is a cut too. Test fakes say nothing and are trusted.
        if self.require_finish and finish != "stop":
            raise LLMError("回答不完整（连接中断或被截断）")
        if any(r in reply[:40] for r in REFUSALS):
            raise LLMError("模型拒绝回答")
        return reply

    def _check(self, plan: Plan, text: str, facts: list[str], section: str) -> None:
        known = facts + hygiene.request_words(plan.request, plan.structure.dimensions)
        issues = hygiene.section_issues(text, plan.writer, known, section)
        if issues:
            raise LLMRejected("；".join(dict.fromkeys(issues[:3])))

    def _powers_note(self, plan: Plan) -> str:
        w = plan.writer
        missing = [p.value for p in Power if p not in w.powers]
        if not missing or w.kind.collective:
            return ""
        return f"写作者没有{'、'.join(missing)}的职权，不要写需要这些职权的内容（如“明确责任人”“选拔任用”“督办”）。"

    def preamble(self, plan: Plan, rng: random.Random) -> Paragraph:
        r = plan.request
        progress = [f.text for f in plan.preamble_facts]
        text = self._ask(plan, prompts.render(
            "preamble", role=plan.writer.kind.value if plan.writer.kind.collective else "个人", unit=r.unit,
            post=r.post, dimensions=plan.structure.dimensions, progress=progress))
        self._check(plan, text, progress, "preamble")
        asked = "".join(content.frames().unsure_progress.format(fact=f.text) for f in plan.unsure_progress)
        return Paragraph(text=text + asked, facts=progress, sources=[SourceRef(kind="llm", text="preamble")])

    def problems(self, plan: Plan, d: int, rng: random.Random, used: Used) -> DimensionDraft:
        dim = plan.dimensions[d]
        r = plan.request
        facts = [f.text for f in dim.facts] + [f for _, fs in dim.carried for f in fs]
        refs = [c.title for c in candidates.problems(plan.writer, dim.main_topics)][:8]
        reply = self._ask(plan, prompts.render(
            "problems", dimension=dim.name, n_items=min(4, max(2, len(facts))), facts=facts,
            progress=[f.text for f in plan.of_kind(FactKind.PROGRESS)], unit=r.unit, post=r.post,
            writer=_role_label(plan.writer.kind), powers_note=self._powers_note(plan), references=refs))
        pieces = [(m, t.strip()) for m, t in split_items(reply.replace("\n", "")) if t.strip()]
        items = [(m, t[len(m):]) for m, t in pieces if m]
        if not items:
            raise LLMError("模型返回的格式无法识别")
        self._check(plan, "".join(b for _, b in items), facts, "problems")
        out = []
        for n, (_, body) in enumerate(items, 1):
            here = [f for f in facts if hygiene.is_one_of(body, [f]) and hygiene.squash(f)[:6] in hygiene.squash(body)]
            used.add(body)
            out.append(Paragraph(
                marker=f"{cn_number(n)}是" if len(items) > 1 else "", text=body,
                sources=[SourceRef(kind="llm", text=self.model.__class__.__name__)]
                + [SourceRef(kind="fact", text=f) for f in here],
                facts=here, topic=dim.main_topics[0] if dim.main_topics else ""))
        return DimensionDraft(name=dim.name, heading=dimension_heading(d + 1, dim.name), items=out)

    def causes(self, plan: Plan, problems: list[DimensionDraft], rng: random.Random, used: Used) -> list[Paragraph]:
        text = "\n".join(f"{p.heading}\n" + "\n".join(i.marker + i.text for i in p.items) for p in problems)
        refs = [c.title for c in candidates.causes(plan.writer)][:10]
        reply = self._ask(plan, prompts.render(
            "causes", problems=text, n_causes=3 if len(problems) <= 4 else 4, references=refs))
        out = []
        for title, body in _titled_lines(reply):
            answers = [p.name for p in problems if p.name in body or p.name in title]
            out.append(Paragraph(title=title, text=body, answers=answers or [p.name for p in problems],
                                 sources=[SourceRef(kind="llm", text="causes")]))
        if not out:
            raise LLMError("模型返回的格式无法识别")
        self._check(plan, "".join(c.title + "。" + c.text for c in out), [], "causes")
        return out

    def measures(self, plan: Plan, causes: list[Paragraph], problems: list[DimensionDraft],
                 rng: random.Random, used: Used) -> list[Paragraph]:
        facts = [f for p in problems for i in p.items for f in i.facts]
        reply = self._ask(plan, prompts.render(
            "measures", causes=[f"{c.title}。{c.text}" for c in causes], facts=facts,
            powers_note=self._powers_note(plan)))
        out = []
        for k, (title, body) in enumerate(_titled_lines(reply)):
            cause = causes[min(k, len(causes) - 1)].title if causes else ""
            out.append(Paragraph(title=title, text=body, answers=[cause],
                                 facts=[f for f in facts if f in body],
                                 sources=[SourceRef(kind="llm", text="measures")]))
        if not out:
            raise LLMError("模型返回的格式无法识别")
        self._check(plan, "".join(m.title + "。" + m.text for m in out), facts, "measures")
        return out


def _titled_lines(reply: str) -> list[tuple[str, str]]:
    """'（一）标题。正文' lines -> (标题, 正文)."""
    out = []
    for block in re.split(rf"\n(?=[（(]{grammar.CN_NUM}[）)])", reply.strip()):
        head = grammar.MARKERS["cn_paren"].match(block.strip())
        m = head and re.match(r"^\s*([^。\n]+)[。\n]?(.*)$", block.strip()[head.end():], re.S)
        if m:
            out.append((m.group(1).strip(), m.group(2).strip().replace("\n", "")))
    return out


def _role_label(kind: WriterKind) -> str:
    return {"班子": "领导班子", "班子成员": "领导班子成员个人", "党员": "党员个人", "支部委员会": "党支部委员会"}[kind.value]
