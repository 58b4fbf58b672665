"""What every command-line command shares: the consoles, the settings (data files checked,
logging set up) and the way a command fails."""

from __future__ import annotations

import typer
from rich.console import Console

from assistant.core import log
from assistant.core.settings import Settings

console = Console()
err = Console(stderr=True)


def load_settings() -> Settings:
    import logging

    from assistant.app.data_check import check_all

    settings = Settings()
    log.setup(settings.data_dir, stderr_level=logging.WARNING)
    check_all()
    return settings


def fail(message: str) -> None:
    err.print(f"[red]错误：[/red]{message}")
    raise typer.Exit(2)
