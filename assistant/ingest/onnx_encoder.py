"""The bundled e5 model on onnxruntime: the same weights as the sentence-transformers folder,
exported once to ONNX beside them. Loading it takes about a second, where importing torch,
transformers and sentence-transformers takes four or five: most of the app's cold start.

Its vectors agree with sentence-transformers' at cosine 0.9999 (tests/test_embedding_model.py
checks this, and that retrieval ranks the same); `DUIZHAO_ENCODER=torch` goes back to
sentence-transformers.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

ONNX_FILE = Path("onnx") / "model.onnx"
# A batch's padded size: 32 texts of 128 tokens. Longer texts go in smaller batches (a 512-token
# text in batches of 8); the time per text hardly changes, the memory peak falls by half.
TOKENS_PER_BATCH = 4096
EXPORT_VERSION = 2  # bump when the export below changes: folders then export again
WORD_EMBEDDINGS = "inner.embeddings.word_embeddings.weight"


def onnx_path(folder: Path) -> Path:
    return folder / ONNX_FILE


def _marker(folder: Path) -> Path:
    return folder / "onnx" / "export.json"


def has_onnx(folder: Path) -> bool:
    try:
        marker = json.loads(_marker(folder).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("export_version") == EXPORT_VERSION and onnx_path(folder).exists()


def export_onnx(folder: Path) -> Path:
    """Export the folder's BERT to onnx/model.onnx (once; a few seconds, and torch is needed
    only here). Written into a temporary file and moved into place, so a killed export
    leaves nothing half-written."""
    if has_onnx(folder):
        return onnx_path(folder)
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()

    class Hidden(torch.nn.Module):
        """input ids and mask in, last hidden states out: pooling is done outside."""

        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    out = onnx_path(folder)
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(".export-*"):  # left by an export that was killed
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".export-", suffix=".onnx")
    os.close(fd)
    try:
        ids = torch.ones((2, 8), dtype=torch.long)
        axes = {0: "batch", 1: "tokens"}
        with torch.no_grad():
            torch.onnx.export(Hidden(model), (ids, torch.ones_like(ids)), tmp, input_names=["input_ids", "attention_mask"],
                              output_names=["hidden"], opset_version=17, dynamo=False,
                              dynamic_axes={"input_ids": axes, "attention_mask": axes, "hidden": axes})
        _half_word_embeddings(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _marker(folder).write_text(json.dumps({"export_version": EXPORT_VERSION}), "utf-8")
    return out


def _half_word_embeddings(path: str) -> None:
    """Store the word-embedding table (250k tokens x 384, four fifths of the model) as float16
    and widen the rows a text uses back to float32 after the lookup; every layer still
    computes in float32. The file falls from 470 to 280 MB and the loaded model by 300 MiB;
    vectors move by under 1e-5 in cosine (a tie two millionths apart may swap places)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(path)
    graph = model.graph
    table = next(i for i in graph.initializer if i.name == WORD_EMBEDDINGS)
    at, lookup = next((k, n) for k, n in enumerate(graph.node) if n.op_type == "Gather" and n.input[0] == WORD_EMBEDDINGS)
    half = numpy_helper.from_array(numpy_helper.to_array(table).astype(np.float16), WORD_EMBEDDINGS)
    graph.initializer.remove(table)
    graph.initializer.append(half)
    wide = lookup.output[0]
    lookup.output[0] = wide + "_half"
    graph.node.insert(at + 1, helper.make_node("Cast", [wide + "_half"], [wide], to=TensorProto.FLOAT, name="word_embeddings_float"))
    onnx.save(model, path)


class OnnxEmbeddings(Embeddings):
    """e5 on onnxruntime: the folder's tokenizer and prompts, mean pooling, unit length, as
    the sentence-transformers folder defines them. Texts are encoded in batches sorted by
    length, so a batch wastes little on padding."""

    def __init__(self, folder: Path, *, batch_size: int = 32, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(folder)
        st = json.loads((folder / "config_sentence_transformers.json").read_text("utf-8"))
        self.prompts = {k: v or "" for k, v in st.get("prompts", {}).items()}
        self.max_tokens = json.loads((folder / "sentence_bert_config.json").read_text("utf-8")).get("max_seq_length", 512)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_tokens)
        self.pad_id = self.tokenizer.token_to_id("<pad>") or 0
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(0, threads)  # 0: onnxruntime's default, one per core
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(onnx_path(folder)), options, providers=["CPUExecutionProvider"])
        self.batch_size = batch_size

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        encoded = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        rows: list[np.ndarray | None] = [None] * len(texts)
        for batch in self._batches(order, [len(e.ids) for e in encoded]):
            width = max(len(encoded[i].ids) for i in batch)
            ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                n = len(encoded[i].ids)
                ids[row, :n] = encoded[i].ids
                mask[row, :n] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            for row, i in enumerate(batch):
                rows[i] = pooled[row] / np.linalg.norm(pooled[row])
        return np.stack(rows).astype(np.float32)

    def _batches(self, order: list[int], lengths: list[int]):
        """Up to batch_size texts, and no more tokens than TOKENS_PER_BATCH once padded: the
        attention of a batch grows with its width squared, and onnxruntime keeps the peak."""
        batch: list[int] = []
        for i in order:  # shortest first, so the newest text sets the width
            if batch and (len(batch) >= self.batch_size or (len(batch) + 1) * lengths[i] > TOKENS_PER_BATCH):
                yield batch
                batch = []
            batch.append(i)
        if batch:
            yield batch

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        prefix = self.prompts.get("passage") or self.prompts.get("document", "")
        return self._encode([prefix + t for t in texts]).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0].tolist()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Many queries in one batch (langchain's interface has only one at a time)."""
        return self._encode([self.prompts.get("query", "") + t for t in texts])
