"""The one error type users see, with a message in Chinese."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A file or text the product cannot use; `message` is shown to the user as is."""

    def __init__(self, message: str, source: str | Path | None = None) -> None:
        self.message = message
        self.source = str(source) if source is not None else None
        super().__init__(f"{self.source}：{message}" if self.source else message)

    @property
    def user_message(self) -> str:
        return str(self)


def human_size(n: int) -> str:
    """A size as users read it: 3.2 MB, 512 KB."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            value = f"{n / scale:.1f}".removesuffix(".0")
            return f"{value} {unit}"
    return f"{n} 字节"
