"""Ingest throughput (items/s) against the model's raw encode throughput on the same texts.

Prints figures; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.embedding_model import load_embeddings, load_sentence_transformer  # noqa: E402
from assistant.index import Index, _item_records, material_id, content_hash  # noqa: E402
from assistant.ingest import discover, read_material  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def main(copies: int = 4) -> None:
    base = Settings()
    materials = [read_material(p, base) for p in discover([ROOT / "corpus"])]
    # The same texts the index embeds, copied under new names so each copy is new work.
    texts = []
    for m in materials:
        texts += [t for _, t, _ in _item_records(m, material_id(m.source), content_hash(m), "corpus")]
    print(f"corpus: {len(materials)} materials, {len(texts)} items; runs with {copies} copies")

    model = load_sentence_transformer(base)
    model.encode(texts[:8], prompt_name="passage")  # warm-up
    raw = []
    for _ in range(3):
        t = time.perf_counter()
        model.encode(texts * copies, prompt_name="passage", batch_size=base.embedding_batch_size,
                     normalize_embeddings=True)
        raw.append(len(texts) * copies / (time.perf_counter() - t))
    raw_rate = statistics.median(raw)

    embeddings = load_embeddings(base)
    rates = []
    for run in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), embedding_model=base.embedding_model)
            index = Index(settings, embeddings=embeddings)
            n = 0
            t = time.perf_counter()
            for c in range(copies):
                for m in materials:
                    copy = m.model_copy(update={"source": f"copy{c}-{m.source}"})
                    n += index.ingest(copy).added
            rates.append(n / (time.perf_counter() - t))
    ingest_rate = statistics.median(rates)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), embedding_model=base.embedding_model)
        index = Index(settings, embeddings=embeddings)
        for m in materials:
            index.ingest(m)
        t = time.perf_counter()
        for m in materials:
            index.ingest(m)
        unchanged = time.perf_counter() - t

    print(f"raw encode (sentence-transformers, batch {base.embedding_batch_size}): {raw_rate:7.1f} items/s")
    print(f"ingest (parse done, embed + Chroma write):        {ingest_rate:7.1f} items/s "
          f"({ingest_rate / raw_rate:.0%} of raw encode)")
    print(f"re-ingest of the unchanged corpus:                {unchanged * 1000:7.1f} ms for {len(materials)} materials")


if __name__ == "__main__":
    main()
