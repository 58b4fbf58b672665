"""Builds the pipeline once and launches the UI on it."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.core import log
from assistant.core.settings import Settings

LOG = log.get("server")


def build_workspace(settings: Settings, *, ingest_corpus: bool = True):
    from assistant.app.data_check import check_all
    from assistant.app.store import DraftStore
    from assistant.app.workspace import Workspace
    from assistant.draft.drafter import Drafter
    from assistant.ingest.corpus import Failed, ingest_paths
    from assistant.ingest.index import Index

    check_all()  # a broken data file or a missing prompt stops here, with the file named
    index = Index(settings)
    if ingest_corpus and settings.corpus_dir.exists():
        failed = 0
        for result in ingest_paths([settings.corpus_dir], index):  # unchanged files are skipped
            if isinstance(result, Failed):
                failed += 1
                LOG.warning("corpus file not ingested: %s (%s)", Path(result.source).name, result.message)
                print(f"语料文件未能导入：{result.source}（{result.message}）")
        LOG.info("corpus ingested failed=%d", failed)
    drafter = Drafter(settings, index)
    workspace = Workspace(settings, drafter, DraftStore(settings.drafts_dir))
    if moved := workspace.retag_uploads():
        LOG.info("uploads stored again under their store ids: %d", moved)
    return workspace


def main() -> None:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    settings = Settings()
    log.setup(settings.data_dir)
    if settings.app_torch_threads > 0:
        import torch

        torch.set_num_threads(settings.app_torch_threads)
    workspace = build_workspace(settings)
    # Load the model and embed the phrase bank now, not on the first user's first click.
    workspace.drafter.warm_up()
    from assistant.app.ui import launch

    print(f"对照已启动：http://{settings.host}:{settings.port}")
    launch(settings, workspace)
