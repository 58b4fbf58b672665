"""Builds the pipeline once and launches the UI on it."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assistant.core import log
from assistant.core.settings import Settings

LOG = log.get("server")


def build_workspace(settings: Settings, *, ingest_corpus: bool = True):
    from assistant.app.data_check import check_all
    from assistant.app.store import DraftStore
    from assistant.app.workspace import Workspace
    from assistant.draft.drafter import Drafter
    from assistant.ingest.index import Index

    check_all()  # a broken data file or a missing prompt stops here, with the file named
    index = Index(settings)
    drafter = Drafter(settings, index)
    workspace = Workspace(settings, drafter, DraftStore(settings.drafts_dir))
    if ingest_corpus:
        prepare(settings, workspace)
    return workspace


def prepare(settings: Settings, workspace) -> None:
    """What the store needs before drafting: the corpus folder in, older uploads re-tagged."""
    ingest_corpus_dir(settings, workspace.drafter.index)
    if moved := workspace.retag_uploads():
        LOG.info("uploads stored again under their store ids: %d", moved)


def ingest_corpus_dir(settings: Settings, index) -> None:
    """The corpus folder into the store; unchanged files are skipped without loading the model."""
    from assistant.ingest.corpus import Failed, ingest_paths

    if not settings.corpus_dir.exists():
        return
    failed = 0
    for result in ingest_paths([settings.corpus_dir], index):
        if isinstance(result, Failed):
            failed += 1
            LOG.warning("corpus file not ingested: %s (%s)", Path(result.source).name, result.message)
            print(f"语料文件未能导入：{result.source}（{result.message}）")
    LOG.info("corpus ingested failed=%d", failed)


def start(settings: Settings):
    """The workspace, and the job that readies it: the corpus in, the model loaded, the
    phrase bank embedded. The server runs the job once the page serves; until it is done,
    whatever needs the model waits for it (and the page says so)."""
    # One thread a model call: the app runs up to 4 requests at once (settings.app_torch_threads).
    settings = settings.model_copy(update={"encoder_threads": settings.app_torch_threads})
    workspace = build_workspace(settings, ingest_corpus=False)
    workspace.loaded.clear()

    def load() -> None:
        # The store (Chroma, the corpus check) and the model load side by side: each waits
        # on its own files and native code much of the time.
        with ThreadPoolExecutor(1, thread_name_prefix="duizhao-store") as beside:
            store = beside.submit(prepare, settings, workspace)
            workspace.drafter.warm_up()
            store.result()  # its failure is the loading job's

    return workspace, load


def main() -> None:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    settings = Settings()
    log.setup(settings.data_dir)
    workspace, load = start(settings)
    from assistant.app.ui import launch

    def serving() -> None:
        print(f"对照已启动：http://{settings.host}:{settings.port}（模型正在后台加载）")
        workspace.start_loading(load)

    launch(settings, workspace, serving=serving)
