"""Builds the pipeline once and launches the UI on it."""

from __future__ import annotations

import os

from .settings import Settings


def build_workspace(settings: Settings, *, ingest_corpus: bool = True):
    from .draft import Drafter
    from .index import Index
    from .ingest import ingest_paths
    from .store import DraftStore
    from .workspace import Workspace

    index = Index(settings)
    if ingest_corpus and settings.corpus_dir.exists():
        for _ in ingest_paths([settings.corpus_dir], index):
            pass  # unchanged files are skipped without loading the model
    drafter = Drafter(settings, index)
    return Workspace(settings, drafter, DraftStore(settings.drafts_dir))


def main() -> None:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    settings = Settings()
    workspace = build_workspace(settings)
    # Load the model and embed the phrase bank now, not on the first user's first click.
    workspace.drafter.warm_up()
    from .ui import launch

    print(f"对照已启动：http://{settings.host}:{settings.port}")
    launch(settings, workspace)
