"""Shared fixtures: the real model (built once into .cache/, as `make run` builds it into
data/), real persistent Chroma stores in temp dirs, and the corpus ingested once."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from support import CORPUS, ROOT, VECTORS, child_env


@pytest.fixture(scope="session")
def model_path() -> str:
    from assistant.ingest.embedding_model import build_model_folder

    return str(build_model_folder(ROOT / ".cache" / "test-model"))


@pytest.fixture(scope="session")
def embeddings(model_path):
    from assistant.core.settings import Settings
    from assistant.ingest.embedding_model import load_embeddings

    return load_embeddings(Settings(embedding_model=model_path))


@pytest.fixture
def settings(tmp_path, model_path):
    from assistant.core.settings import Settings

    return Settings(data_dir=tmp_path / "data", embedding_model=model_path, cache_dir=VECTORS)


@pytest.fixture
def index(settings, embeddings):
    from assistant.ingest.index import Index

    return Index(settings, embeddings=embeddings)


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory, model_path):
    from assistant.core.settings import Settings

    return Settings(data_dir=tmp_path_factory.mktemp("corpus-data"), embedding_model=model_path, cache_dir=VECTORS)


@pytest.fixture(scope="session")
def corpus_index(corpus_settings, embeddings):
    """The five seeds ingested once; tests must not write to it."""
    from assistant.draft.drafter import Drafter
    from assistant.ingest.corpus import ingest_paths
    from assistant.ingest.index import Index

    idx = Index(corpus_settings, embeddings=embeddings)
    results = list(ingest_paths([CORPUS], idx))
    assert len(results) == 5
    Drafter(corpus_settings, idx).warm_up()  # the bank's vectors, shared by every drafter after
    return idx


@pytest.fixture
def cli_env(settings, model_path) -> dict[str, str]:
    return child_env(settings.data_dir, model_path)
