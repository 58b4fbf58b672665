"""The learned readers of a fact: small linear models over the prototypes' e5 vectors (and,
for LexModel, the line's own characters), trained at start-up and kept on disk by facts.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.core.types import FactKind
from assistant.draft.fact_cues import cue_scores
from assistant.ingest.vectors import load_npz, save_npz


def softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


@dataclass
class Probe:
    """Multinomial logistic regression on the prototypes' e5 vectors: where k-NN follows
    the few nearest lines, the probe weighs every line of a topic. Trained in well under a
    second at start-up; deterministic (no random start)."""

    w: np.ndarray
    b: np.ndarray
    SCALE = 20.0  # e5 vectors are unit length: scale so the logits can separate
    STEPS, RATE, L2 = 600, 0.5, 1e-3

    @classmethod
    def train(cls, x: np.ndarray, y: np.ndarray, classes: int) -> "Probe":
        w = np.zeros((x.shape[1], classes), dtype=np.float32)
        b = np.zeros(classes, dtype=np.float32)
        onehot = np.eye(classes, dtype=np.float32)[y]
        xt = x.T.copy() if hasattr(x, "tocsr") else x.T  # a sparse x: transpose it once
        for _ in range(cls.STEPS):
            p = softmax(cls.SCALE * np.asarray(x @ w) + b)
            w -= cls.RATE * (cls.SCALE * np.asarray(xt @ (p - onehot)) / len(y) + cls.L2 * w)
            b -= cls.RATE * (p - onehot).mean(axis=0)
        return cls(w, b)

    def predict(self, x) -> np.ndarray:
        return softmax(self.SCALE * np.asarray(x @ self.w) + self.b)

    def save(self, path: Path, **extra) -> None:
        try:
            save_npz(path, w=self.w, b=self.b, **extra)
        except OSError:
            pass  # a read-only cache folder only costs the next start

    @classmethod
    def load(cls, path: Path) -> "Probe | None":
        data = load_npz(path)
        return cls(data["w"], data["b"]) if data else None


KINDS = [FactKind.PROBLEM, FactKind.PROGRESS, FactKind.CONTEXT]


def _grams(text: str) -> set[str]:
    """A line's characters, pairs and triples, numbers made one symbol: what it says,
    word by word, whatever the numbers are."""
    t = re.sub(r"[0-9０-９]+(?:\.[0-9]+)?", "0", text)
    return {t[i : i + n] for n in (1, 2, 3) for i in range(len(t) - n + 1)}


@dataclass
class LexModel:
    """A logistic regression over a line's e5 vector and its character n-grams (and, for
    kinds, the reviewed cue scores): the model weighs what each reading is worth. For kinds,
    cross-validated on the prototypes it beats each reading alone (e5 and the cues each near
    three in four, the three together near nine in ten). For topics, five-fold on the topic
    prototypes (2026-12-03): k-NN 0.81, the e5 probe 0.81, this model 0.86, the three
    averaged 0.87."""

    probe: Probe
    vocab: dict[str, int]
    cues: bool  # the kind cue scores as three more columns
    CUE_SCALE = 1.0

    def _features(self, vectors: np.ndarray, texts: list[str]):
        """Sparse: a line has a hundred or so of the ten thousand n-grams, and training on the
        dense matrix took over 20 s of every start-up, most of it reading zeros."""
        from scipy import sparse

        rows, cols = [], []
        for i, t in enumerate(texts):
            hit = sorted(j for g in _grams(t) if (j := self.vocab.get(g)) is not None)
            rows += [i] * len(hit)
            cols += hit
        counts = np.bincount(np.asarray(rows, dtype=np.int64), minlength=len(texts)).astype(np.float32)
        vals = 1.0 / np.maximum(1.0, np.sqrt(counts))[rows] if rows else np.zeros(0, np.float32)
        lex = sparse.csr_matrix((vals.astype(np.float32), (rows, cols)), shape=(len(texts), len(self.vocab)))
        cues = np.array([[cue_scores(t)[0][k] for k in KINDS] for t in texts] if self.cues else
                        np.zeros((len(texts), 0)), dtype=np.float32).reshape(len(texts), -1) * self.CUE_SCALE
        norms = np.sqrt((vectors ** 2).sum(axis=1) + np.asarray(lex.multiply(lex).sum(axis=1)).ravel()
                        + (cues ** 2).sum(axis=1)).astype(np.float32)
        x = sparse.hstack([sparse.csr_matrix(vectors), lex, sparse.csr_matrix(cues)], format="csr")
        return sparse.diags(1.0 / norms) @ x

    @classmethod
    def train(cls, vectors: np.ndarray, texts: list[str], labels: np.ndarray, classes: int,
              cues: bool = False) -> "LexModel":
        from collections import Counter

        counts = Counter(g for t in texts for g in _grams(t))
        vocab = {g: i for i, g in enumerate(sorted(g for g, n in counts.items() if n >= 2))}
        model = cls(Probe(np.zeros(0), np.zeros(0)), vocab, cues)
        model.probe = Probe.train(model._features(vectors, texts), labels, classes)
        return model

    def save(self, path: Path) -> None:
        self.probe.save(path, vocab=np.array(sorted(self.vocab, key=self.vocab.get)), cues=np.array(self.cues))

    @classmethod
    def load(cls, path: Path) -> "LexModel | None":
        data = load_npz(path)
        if not data or "vocab" not in data or "cues" not in data:
            return None
        return cls(Probe(data["w"], data["b"]), {str(g): i for i, g in enumerate(data["vocab"])}, bool(data["cues"]))

    def predict(self, vectors: np.ndarray, texts: list[str]) -> np.ndarray:
        return self.probe.predict(self._features(vectors, texts))
