"""load -> parse -> index for files and folders, with progress events for any front end."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.core.errors import InputError
from assistant.core.settings import Settings
from assistant.core.types import Material
from assistant.ingest.index import Index, IngestResult
from assistant.ingest.load import SUPPORTED, load_file
from assistant.ingest.parse import parse_material

SUFFIXES = set(SUPPORTED)


@dataclass
class Failed:
    source: str
    message: str


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders walked for the formats we read, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            out.append(p)
    return out


def read_material(path: Path, settings: Settings, **overrides) -> Material:
    loaded = load_file(path, max_bytes=settings.max_upload_mb * 1024 * 1024)
    material = parse_material(loaded.text, source=path.name, **overrides)
    material.warnings.extend(loaded.notes)
    return material


def ingest_paths(
    paths: Iterable[Path],
    index: Index,
    *,
    owner: str = "corpus",
    on_file: Callable[[Path], None] | None = None,
) -> Iterator[IngestResult | Failed]:
    """Yields one result per file, in order; a bad file is reported and the others go on.
    Files are written settings.ingest_batch at a time (Index.ingest_many)."""
    batch: list[Material | Failed] = []

    def flush() -> Iterator[IngestResult | Failed]:
        written = iter(index.ingest_many([m for m in batch if isinstance(m, Material)], owner=owner))
        yield from (m if isinstance(m, Failed) else next(written) for m in batch)
        batch.clear()

    for path in discover(paths):
        if on_file:
            on_file(path)
        try:
            batch.append(read_material(path, index.settings))
        except InputError as e:
            batch.append(Failed(path.name, e.user_message))
        if len(batch) >= max(1, index.settings.ingest_batch):
            yield from flush()
    yield from flush()
