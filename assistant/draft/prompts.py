"""Prompt templates (assistant/prompts/*.md, Jinja2), rendered strictly: a missing variable
is an error here, not a hole in what the model reads.

The templates ship inside the package (package data), so an installed wheel has them; the
top-level `prompts` is a link to the same folder for reviewers."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import meta

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROMPTS),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # plain text for a model, not HTML
    )


# Every prompt LLM mode needs; one missing is an error at start, not a silent offline draft.
REQUIRED = ("system", "preamble", "problems", "causes", "measures", "revise")


class MissingPrompt(RuntimeError):
    pass


def check(folder: Path | None = None) -> None:
    folder = folder or PROMPTS
    missing = [n for n in REQUIRED if not (folder / f"{n}.md").is_file()]
    if missing:
        raise MissingPrompt(f"缺少大模型提示词文件：{'、'.join(f'{n}.md' for n in missing)}（应在 {folder}）")


def names() -> list[str]:
    return sorted(p.stem for p in PROMPTS.glob("*.md"))


def variables(name: str) -> set[str]:
    env = _env()
    source = env.loader.get_source(env, f"{name}.md")[0]
    return meta.find_undeclared_variables(env.parse(source))


def render(name: str, **values) -> str:
    return _env().get_template(f"{name}.md").render(**values).strip()
