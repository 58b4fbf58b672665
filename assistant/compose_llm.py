"""The LLM composer: the same plan and sections as offline, written by a chat model.

Retrieved corpus items and phrase-bank findings go in as quoted reference data; the
system prompt holds the rules. Any failure raises, and the drafter then writes that section
offline and tells the user, so an endpoint that times out never costs the draft.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from . import prompts
from .compose_offline import OfflineComposer, Used
from .parse import split_items
from .plan import Plan
from .render import cn_number, dimension_heading
from .settings import Settings
from .types import DimensionDraft, Paragraph, Role, SourceRef
from .voice import campaign, congress

REFUSALS = ("抱歉", "无法协助", "不能提供", "I can't", "I cannot", "as an AI")


class LLMError(RuntimeError):
    """The model answered, but not with something usable (a refusal, an empty reply)."""


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
    name = "llm"

    def __init__(self, model: BaseChatModel, offline: OfflineComposer,
                 on_token: Callable[[str], None] | None = None) -> None:
        self.model = model
        self.offline = offline  # for retrieval only: what the model sees as references
        self.on_token = on_token
        self.require_finish = type(model).__module__.startswith(("langchain_openai", "langchain_ollama"))

    def _system(self, plan: Plan) -> str:
        return self._system_for(plan.request)

    def _system_for(self, r) -> str:
        return prompts.render(
            "system", role=r.role.value, role_label=_role_label(r.role), meeting=r.meeting,
            year=r.year or "本", congress=congress(r.year), campaign=campaign(r.year),
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

    def _references(self, plan: Plan, query: str, section: str, k: int = 4) -> list[str]:
        cands = self.offline._corpus(plan, query, section, k * 2)
        return [c.text for c in cands[:k]]

    def preamble(self, plan: Plan, rng: random.Random) -> Paragraph:
        r = plan.request
        text = self._ask(plan, prompts.render(
            "preamble", role=r.role.value, unit=r.unit, post=r.post,
            dimensions=plan.structure.dimensions))
        return Paragraph(text=text, sources=[SourceRef(kind="llm", text="preamble")])

    def problems(self, plan: Plan, d: int, rng: random.Random, used: Used) -> DimensionDraft:
        dim = plan.dimensions[d]
        r = plan.request
        refs = self._references(plan, f"{dim.name}：{'；'.join(dim.facts)}", "problems")
        reply = self._ask(plan, prompts.render(
            "problems", dimension=dim.name, n_items=min(3, max(2, len(dim.facts))),
            facts=dim.facts, unit=r.unit, post=r.post, references=refs, avoid=[]))
        pieces = [(m, t.strip()) for m, t in split_items(reply.replace("\n", "")) if t.strip()]
        items = [(m, t[len(m):]) for m, t in pieces if m]
        if not items:
            raise LLMError("模型返回的格式无法识别")
        out = []
        for n, (_, body) in enumerate(items, 1):
            facts = [f for f in dim.facts if f in body]
            used.add(body)
            out.append(Paragraph(
                marker=f"{cn_number(n)}是" if len(items) > 1 else "", text=body,
                sources=[SourceRef(kind="llm", text=self.model.__class__.__name__)]
                + [SourceRef(kind="corpus", text=t) for t in refs[:2]],
                facts=facts, topic=dim.topics[0].id if dim.topics else ""))
        return DimensionDraft(name=dim.name, heading=dimension_heading(d + 1, dim.name), items=out)

    def causes(self, plan: Plan, problems: list[DimensionDraft], rng: random.Random, used: Used) -> list[Paragraph]:
        text = "\n".join(f"{p.heading}\n" + "\n".join(i.marker + i.text for i in p.items) for p in problems)
        refs = self._references(plan, "；".join(p.name for p in problems), "causes")
        reply = self._ask(plan, prompts.render(
            "causes", problems=text, n_causes=3 if len(problems) <= 4 else 4, references=refs))
        out = []
        for title, body in _titled_lines(reply):
            answers = [p.name for p in problems if p.name in body or p.name in title]
            out.append(Paragraph(title=title, text=body, answers=answers or [p.name for p in problems],
                                 sources=[SourceRef(kind="llm", text="causes")]))
        if not out:
            raise LLMError("模型返回的格式无法识别")
        return out

    def measures(self, plan: Plan, causes: list[Paragraph], problems: list[DimensionDraft],
                 rng: random.Random, used: Used) -> list[Paragraph]:
        facts = [f for p in problems for i in p.items for f in i.facts]
        reply = self._ask(plan, prompts.render(
            "measures", causes=[f"{c.title}。{c.text}" for c in causes], facts=facts))
        out = []
        for k, (title, body) in enumerate(_titled_lines(reply)):
            cause = causes[min(k, len(causes) - 1)].title if causes else ""
            out.append(Paragraph(title=title, text=body, answers=[cause],
                                 facts=[f for f in facts if f in body],
                                 sources=[SourceRef(kind="llm", text="measures")]))
        if not out:
            raise LLMError("模型返回的格式无法识别")
        return out


def _titled_lines(reply: str) -> list[tuple[str, str]]:
    """'（一）标题。正文' lines -> (标题, 正文)."""
    out = []
    for block in re.split(r"\n(?=[（(][一二三四五六七八九十]+[）)])", reply.strip()):
        m = re.match(r"^\s*[（(][一二三四五六七八九十]+[）)]\s*([^。\n]+)[。\n]?(.*)$", block.strip(), re.S)
        if m:
            out.append((m.group(1).strip(), m.group(2).strip().replace("\n", "")))
    return out


def _role_label(role: Role) -> str:
    return {"班子": "领导班子", "个人": "党员领导干部个人", "支部": "党员个人"}[role.value]
