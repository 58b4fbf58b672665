"""Drafting: request -> plan -> sections, streamed one at a time, for any composer.

The offline composer is the default. An LLM composer drafts the same sections from the same
plan; when it fails on a section (time-out, error, refusal) that section is drafted offline
and a note says so, so the user never ends up with nothing.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from assistant.core import content
from assistant.core import text as grammar
from assistant.core.settings import Settings
from assistant.core.types import (
    DimensionDraft,
    Draft,
    FactKind,
    Material,
    Paragraph,
    Request,
    Role,
    dimension_key,
    dimension_of,
)
from assistant.draft.compose_offline import OfflineComposer, Used
from assistant.draft.facts import FactReader
from assistant.draft.plan import Plan, make_plan, unmatched_note
from assistant.draft.structure import default_year, extra_sections_note
from assistant.draft.writer import make_writer
from assistant.ingest.index import Index
from assistant.ingest.vectors import cache_path, shared


class Composer(Protocol):
    name: str

    def problems(self, plan: Plan, d: int, rng: random.Random, used: Used) -> DimensionDraft: ...
    def causes(self, plan: Plan, problems: list[DimensionDraft], rng: random.Random, used: Used) -> list[Paragraph]: ...
    def measures(self, plan: Plan, causes: list[Paragraph], problems: list[DimensionDraft], rng: random.Random, used: Used) -> list[Paragraph]: ...
    def preamble(self, plan: Plan, rng: random.Random) -> Paragraph: ...


@dataclass
class Context:
    """Who is drafting and from what: their own uploaded materials may be drawn on (never
    another user's), and last year's material shapes the rectification section."""

    owner: str = "corpus"
    last_year: Material | None = None


@dataclass
class DraftEvent:
    """One step of a streamed draft: `key` names the section now complete."""

    key: str  # structure | preamble | problems:<n> | causes | measures | note | done
    draft: Draft
    message: str = ""


def _seed(req: Request, variant: int, key: str, base: int) -> int:
    h = hashlib.sha256(f"{req.model_dump_json()}|{variant}|{key}|{base}".encode()).hexdigest()
    return int(h[:12], 16)


def title_for(req: Request) -> str:
    w = make_writer(req, [])
    unit = req.unit or ""
    # a unit given as its committee (某中学党支部委员会, 某社区支委会) is named once, not twice
    branch = (unit if unit.endswith(("委员会", "支委会")) else unit + "委员会" if unit.endswith(("支部", "总支"))
              else unit + "党支部委员会" if unit else "支部委员会")
    # 县财政局党组领导班子…; a unit that names its organisation already (某镇党委) keeps it
    org = "" if not unit or any(o in unit for o in content.units().party_org_words) else w.party_org
    return content.frames().titles[w.kind].format(
        unit=unit, org=org, branch=branch, year=req.year or "", meeting=req.meeting
    ).replace("年度年度", "年度").strip()


def closing_for(req: Request) -> str:
    return content.frames().closing[make_writer(req, []).kind]


class Drafter:
    """Holds what drafting needs across requests: the index, the cached vectors, settings."""

    def __init__(self, settings: Settings, index: Index, chat_model=None, on_token=None) -> None:
        """`chat_model`: a langchain chat model for LLM mode (tests pass fakes here);
        None drafts offline."""
        self.settings = settings
        self.index = index
        self.vec = shared(index.embeddings)
        self.vec.load(cache_path(settings))  # the bank's vectors from an earlier run, if any
        self.reader = FactReader(self.vec, cache=cache_path(settings))
        self.offline = OfflineComposer(index, self.vec)
        self.llm: Composer | None = None
        if chat_model is not None:
            from assistant.draft.compose_llm import LLMComposer

            self.llm = LLMComposer(chat_model, self.offline, on_token=on_token)

    @classmethod
    def from_settings(cls, settings: Settings, index: Index, *, use_llm: bool = False, on_token=None) -> "Drafter":
        """Offline unless asked for LLM mode and an endpoint is configured."""
        if use_llm and settings.llm_base_url:
            from assistant.draft.compose_llm import make_chat_model

            return cls(settings, index, make_chat_model(settings), on_token=on_token)
        return cls(settings, index)

    def warm_up(self, *, load_model: bool = True) -> int:
        """Embed the phrase bank and the prototypes once, before the first user waits, and
        keep them on disk for the next start. `load_model`: load the model as well even when
        every vector is on disk (the server does: a user's facts need it). Returns how many
        texts had to be embedded."""
        from assistant.draft.candidates import warm_up

        path = cache_path(self.settings)
        self.vec.load(path)
        if load_model:
            self.index.embeddings.embed_query("预热")
            grammar.segment("预热")  # jieba reads its dictionary once: half a second
        before = self.vec.embedded
        warm_up(self.vec)
        self.reader.warm_up()
        if self.vec.embedded > before:
            try:
                self.vec.save(path)
            except OSError:
                pass  # a read-only data dir costs a slower start, nothing else
        return self.vec.embedded - before

    def plan(self, req: Request, ctx: Context | None = None) -> tuple[Plan, list]:
        """The plan, and last year's problems with what became of them (empty without)."""
        from assistant.draft import last_year

        ctx = ctx or Context()
        if req.year is None:
            req = req.model_copy(update={"year": default_year()})
        user_registry = self.settings.data_dir / "meetings.yaml"
        materials = self.index.materials_list(ctx.owner)
        progress, carried, rectified, checker = [], [], set(), None
        if ctx.last_year is not None:
            kinds = {f: k.kind for f, k in zip(req.facts, self.reader.kinds(req.facts))}
            for c in req.choices:
                if c.kind and c.text in kinds:
                    kinds[c.text] = c.kind
            progress = last_year.match_progress(last_year.old_problems(ctx.last_year), req.facts, self.vec, kinds,
                                             topics=self.reader.topics)
            # a problem this year's facts show unsolved goes again into this year's problems,
            # with those facts as cases; one nothing is said about is only asked about in the
            # rectification section (the draft cannot know it persists); every progress fact
            # about an old problem is reported there, never as a case
            carried = [(p.problem.text, p.persist) for p in progress if p.persist]
            rectified = {f for p in progress for f in p.done}
            checker = last_year.RepeatChecker(last_year.material_sentences(ctx.last_year), self.vec)
        plan = make_plan(req, self.vec, materials, user_registry, carried=carried, rectified=rectified,
                         reader=self.reader)
        plan.owner = ctx.owner
        plan.checker = checker
        return plan, progress

    def _rng(self, req: Request, variant: int, key: str) -> random.Random:
        return random.Random(_seed(req, variant, key, self.settings.seed))

    def _run(self, key: str, draft: Draft, offline_call, llm_call):
        """A section from the LLM when configured, else (or on its failure) offline."""
        if self.llm is None:
            return offline_call(), None
        try:
            return llm_call(), None
        except Exception as e:  # any failure of the endpoint falls back, never loses the draft
            from assistant.draft.compose_llm import LLMRejected

            reason = _failure_reason(e)
            if isinstance(e, LLMRejected):
                return offline_call(), f"“{key}”部分大模型写的内容没有通过检查（{reason}），已改用离线方式生成。"
            return offline_call(), f"“{key}”部分大模型生成失败（{reason}），已改用离线方式生成。"

    def stream(self, req: Request, variant: int = 0, ctx: Context | None = None) -> Iterator[DraftEvent]:
        from assistant.draft import last_year

        plan, progress = self.plan(req, ctx)
        req = plan.request
        draft = Draft(request=req, structure=plan.structure, title=title_for(req), variant=variant,
                      facts=plan.facts, closing=closing_for(req))
        if plan.structure.guess:
            draft.notes.append(plan.structure.reason)
        if plan.structure.extra_sections:
            draft.notes.append(extra_sections_note(plan.structure))
        if note := unmatched_note(plan):
            draft.notes.append(note)
        yield DraftEvent("structure", draft, plan.structure.reason)
        used = Used()
        composer = self.llm or self.offline

        def section(key, offline_fn, llm_fn):
            result, note = self._run(key, draft, offline_fn, llm_fn)
            if note:
                draft.notes.append(note)
            return result

        rng = self._rng(req, variant, "preamble")
        draft.preamble = section("前言", lambda: self.offline.preamble(plan, rng),
                                 lambda: composer.preamble(plan, rng))
        yield DraftEvent("preamble", draft)
        draft.rectification = last_year.rectification_section(progress, req.role)
        if draft.rectification:
            yield DraftEvent("rectification", draft, last_year.progress_summary(progress) if progress else "")
        for d in range(len(plan.dimensions)):
            rng = self._rng(req, variant, dimension_key(d))
            dim = section(plan.dimensions[d].name, lambda: self.offline.problems(plan, d, rng, used),
                          lambda: composer.problems(plan, d, rng, used))
            self._refer(plan, d, dim)
            draft.problems.append(dim)
            yield DraftEvent(f"problems:{d}", draft)
        rng = self._rng(req, variant, "causes")
        draft.causes = section("原因剖析", lambda: self.offline.causes(plan, draft.problems, rng, used),
                               lambda: composer.causes(plan, draft.problems, rng, used))
        yield DraftEvent("causes", draft)
        rng = self._rng(req, variant, "measures")
        draft.measures = section(
            "整改措施",
            lambda: self.offline.measures(plan, draft.causes, draft.problems, rng, used),
            lambda: composer.measures(plan, draft.causes, draft.problems, rng, used),
        )
        yield DraftEvent("measures", draft)
        yield DraftEvent("done", draft)

    def draft(self, req: Request, variant: int = 0, ctx: Context | None = None) -> Draft:
        last = None
        for ev in self.stream(req, variant, ctx):
            last = ev.draft
        assert last is not None
        return last

    def _refer(self, plan: Plan, d: int, dim: DimensionDraft) -> None:
        """Past materials on the same 方面, listed with the first item for the writer to read."""
        if dim.items:
            refs = self.offline.references(plan, d)
            dim.items[0].sources += [r for r in refs if r not in dim.items[0].sources]

    def _used(self, draft: Draft) -> Used:
        used = Used()
        for dim in draft.problems:
            for p in dim.items:
                used.add(p.text)
        for p in draft.causes + draft.measures:
            used.add(p.text)
        return used

    def _one_more(self, draft: Draft, d: int, fact: str | None, ctx: Context | None = None) -> Draft:
        """The dimension keeps its items and gains one, written around `fact` if any."""
        from assistant.draft.facts import read_facts

        req = draft.request
        if fact is not None:
            choice = [c for c in req.choices if c.text != fact]
            choice.append(FactChoiceOf(fact, FactKind.PROBLEM, draft.problems[d].name))
            req = req.model_copy(update={"facts": list(dict.fromkeys([*req.facts, fact])), "choices": choice})
        plan, _ = self.plan(req, ctx)
        only = []
        if fact is not None:
            only = [f for f in read_facts(req, plan.structure.dimensions, self.vec, self.reader) if f.text == fact]
        new = draft.model_copy(deep=True)
        new.request = req
        new.facts = plan.facts
        new.variant = draft.variant + 1
        rng = self._rng(req, new.variant, f"more:{d}:{len(new.problems[d].items)}")
        extra = self.offline.problems(plan, d, rng, self._used(draft), min_items=1, only_facts=only)
        if extra.items:
            new.problems[d].items = _renumber(new.problems[d].items + extra.items[:1])
        return new

    def add_item(self, draft: Draft, d: int, ctx: Context | None = None) -> Draft:
        return self._one_more(draft, d, None, ctx)

    def add_fact(self, draft: Draft, fact: str, d: int, ctx: Context | None = None) -> Draft:
        return self._one_more(draft, d, fact, ctx)

    def regenerate(self, draft: Draft, key: str, ctx: Context | None = None) -> Draft:
        """Draft one section again as a new variant; the rest stays as it is."""
        plan, progress = self.plan(draft.request, ctx)
        req = plan.request
        variant = draft.variant + 1
        used = self._used(draft)
        new = draft.model_copy(deep=True)
        new.variant = variant
        rng = self._rng(req, variant, key)
        d = dimension_of(key)
        if d is not None:
            for p in draft.problems[d].items:  # its own old sentences may not come back either
                used.add(p.text)
            new.problems[d] = self.offline.problems(plan, d, rng, used)
            self._refer(plan, d, new.problems[d])
        elif key == "causes":
            new.causes = self.offline.causes(plan, new.problems, rng, used)
        elif key == "measures":
            new.measures = self.offline.measures(plan, new.causes, new.problems, rng, used)
        elif key == "preamble":
            new.preamble = self.offline.preamble(plan, rng)
        elif key == "rectification":
            from assistant.draft import last_year

            new.rectification = last_year.rectification_section(progress, req.role)
        else:
            raise KeyError(key)
        return new


    def redraft(self, draft: Draft, req: Request, ctx: Context | None = None) -> tuple[Draft, list[str]]:
        """After the user moved a fact or changed its kind: the plan again, and only the
        parts whose facts changed drafted again (the user's edits elsewhere stay). Returns
        the new draft and the keys of the parts drafted again."""
        plan, progress = self.plan(req, ctx)
        # The draft's 方面 follow the user's text (draft_sync): a 方面 they renamed is still
        # the planned one; one they added or removed means the plan no longer lines up.
        if plan.structure.dimensions != draft.structure.dimensions or len(draft.problems) != len(plan.dimensions):
            return self.draft(req, draft.variant + 1, ctx), ["all"]
        new = draft.model_copy(deep=True, update={"request": plan.request, "facts": plan.facts,
                                                  "variant": draft.variant + 1})
        changed: list[str] = []
        for d, dp in enumerate(plan.dimensions):
            want = sorted(dp.fact_texts + [f for _, fs in dp.carried for f in fs])
            have = sorted(f for i in draft.problems[d].items for f in i.facts)
            if want != have:
                used = self._used(new.model_copy(update={"problems": [p for n, p in enumerate(new.problems) if n != d]}))
                new.problems[d] = self.offline.problems(plan, d, self._rng(req, new.variant, f"problems:{d}"), used)
                self._refer(plan, d, new.problems[d])
                changed.append(f"problems:{d}")
        if changed:
            used = self._used(new.model_copy(update={"measures": []}))
            new.measures = self.offline.measures(plan, new.causes, new.problems,
                                                 self._rng(req, new.variant, "measures"), used)
            changed.append("measures")
        if sorted(f.text for f in plan.preamble_facts) != sorted(draft.preamble.facts if draft.preamble else []):
            new.preamble = self.offline.preamble(plan, self._rng(req, new.variant, "preamble"))
            changed.append("preamble")
        if progress:
            from assistant.draft import last_year

            rect = last_year.rectification_paragraphs(progress)
            if [p.text for p in rect] != [p.text for p in draft.rectification]:
                new.rectification = rect
                changed.append("rectification")
        return new, changed


def FactChoiceOf(text: str, kind: FactKind | None, dimension: str | None):
    from assistant.core.types import FactChoice

    return FactChoice(text=text, kind=kind, dimension=dimension)


def _renumber(items: list[Paragraph]) -> list[Paragraph]:
    from assistant.core.text import cn_number

    return [p.model_copy(update={"marker": f"{cn_number(n)}是" if len(items) > 1 else ""})
            for n, p in enumerate(items, 1)]


def _failure_reason(e: Exception) -> str:
    from assistant.draft.compose_llm import LLMError

    if isinstance(e, LLMError):
        return str(e)
    name = type(e).__name__.lower()
    if "timeout" in name or "timed out" in str(e).lower():
        return "连接超时"
    if "connection" in name or "connect" in str(e).lower():
        return "无法连接到服务"
    if "refus" in str(e).lower():
        return "模型拒绝回答"
    return f"{type(e).__name__}"


def voice_ok(text: str, role: Role, meeting: str = "民主生活会") -> bool:
    """The text speaks with its writer's voice only (hygiene.voice_errors, the one rule)."""
    from assistant.draft.hygiene import voice_errors
    from assistant.draft.writer import writer_kind

    return not voice_errors(text, writer_kind(role, meeting))
