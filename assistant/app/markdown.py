"""User text and text read from uploaded files, made safe to show inside the page's
Markdown: every character Markdown acts on is escaped, so a title such as
"![x](http://elsewhere/x.png)" is shown as typed and never makes the browser fetch from
another host; HTML is shown as text too."""

from __future__ import annotations

import re

# What makes Markdown act: links and images (! [ ]), emphasis and code (* _ `), headings
# and tables (# |) and HTML (<). Parentheses and > are left alone: Gradio's renderer shows
# their escapes as typed (it reads \( \) as LaTeX), and without [ ] or < they do nothing.
_ACTIVE = re.compile(r"([\\`*_\[\]<#!|])")


def md_text(text: str) -> str:
    """`text` as literal Markdown: shown exactly, acted on never."""
    return _ACTIVE.sub(r"\\\1", text or "").replace("\n", " ")
