"""Logging: one line per request and per failure, to stderr and data/logs/duizhao.log.

Lines carry the action, ids, counts and durations, never the user's text, file contents or
keys: the materials are internal documents and the log is read by the office's IT person."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGGER = "duizhao"
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def setup(data_dir: Path, stderr_level: int = logging.INFO) -> None:
    """Once per process: stderr (the CLI keeps it to warnings, its own output is there), and
    a rotating file under data_dir/logs with every line."""
    root = logging.getLogger(LOGGER)
    if root.handlers:
        return
    root.setLevel(logging.INFO)
    root.propagate = False
    err = logging.StreamHandler()
    err.setLevel(stderr_level)
    err.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(err)
    try:
        (data_dir / "logs").mkdir(parents=True, exist_ok=True)
        file = RotatingFileHandler(data_dir / "logs" / "duizhao.log", maxBytes=2_000_000,
                                   backupCount=3, encoding="utf-8")
        file.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(file)
    except OSError as exc:  # a read-only data dir must not stop the app
        root.warning("log file unavailable: %s", type(exc).__name__)


def get(name: str) -> logging.Logger:
    return logging.getLogger(f"{LOGGER}.{name}")


@contextmanager
def request(log: logging.Logger, action: str, **ids: object) -> Iterator[None]:
    """One line when the action ends: its ids and duration, or the failure's type."""
    start = time.perf_counter()
    tags = " ".join(f"{k}={v}" for k, v in ids.items())
    try:
        yield
    except Exception as exc:
        log.warning("%s failed %s error=%s after=%.2fs", action, tags, type(exc).__name__,
                    time.perf_counter() - start)
        raise
    log.info("%s ok %s took=%.2fs", action, tags, time.perf_counter() - start)


def logged(log: logging.Logger, action: str):
    """Decorator form of `request` for service methods, generators included; the draft id is
    taken from a `record` argument (anything with an `id`) or a `draft_id` argument."""
    import functools
    import inspect

    def ids(args, kwargs) -> dict:
        for a in (*args, *kwargs.values()):
            if hasattr(a, "id") and hasattr(a, "owner"):
                return {"draft": a.id}
        return {"draft": kwargs["draft_id"]} if "draft_id" in kwargs else {}

    def wrap(fn):
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen(*args, **kwargs):
                with request(log, action, **ids(args[1:], kwargs)):
                    yield from fn(*args, **kwargs)
            return gen

        @functools.wraps(fn)
        def plain(*args, **kwargs):
            with request(log, action, **ids(args[1:], kwargs)):
                return fn(*args, **kwargs)
        return plain

    return wrap
