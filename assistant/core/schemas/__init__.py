"""The schemas of the domain data (assistant/data), by what the data is about; core/content.py
reads the files through them. Every schema forbids unknown keys and is frozen: a misspelt key
is an error at start-up, never a rule that silently does nothing."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compiles(v: str) -> str:
    re.compile(v)
    return v


# A regular expression kept as text: one that does not compile is an error when the file loads.
Regex = Annotated[str, AfterValidator(_compiles)]
