"""OCR of scans and photos (part of `make bench`): the seed materials' own text printed to
pages with a CJK font (tests/builders.py), saved as a scanned PDF and as phone photos, then
read back by the upload's OCR loaders. Speed in seconds per page, accuracy as
1 - edit distance / printed characters (white space aside)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

PAGES_PER_MATERIAL = 2
LINES_PER_PAGE = 22  # an A4 page of 公文 holds 22 lines


def _pages(text: str, per_line: int = 31) -> list[list[str]]:
    """The material's paragraphs, cut into pages of LINES_PER_PAGE printed lines."""
    pages, page, used = [], [], 0
    for para in (p for p in text.split("\n") if p.strip()):
        need = len(para) // per_line + 1
        if used + need > LINES_PER_PAGE and page:
            pages.append(page)
            page, used = [], 0
        page.append(para)
        used += need
    return pages + ([page] if page else [])


def _accuracy(read: str, printed: str) -> tuple[int, int]:
    from rapidfuzz.distance import Levenshtein

    a, b = "".join(read.split()), "".join(printed.split())
    return Levenshtein.distance(a, b), len(b)


def bench_ocr(log=print) -> dict:
    from builders import photographed, render_page, scanned_pdf

    from assistant.ingest.load_ocr import _cached_engine, ocr_image, ocr_pdf

    t = time.perf_counter()
    _cached_engine()
    engine_s = time.perf_counter() - t
    rows = {"scanned PDF": [0.0, 0, 0, 0, 0], "phone photo (JPEG, turned 1.2°)": [0.0, 0, 0, 0, 0]}
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        pages = _pages(path.read_text("utf-8"))[:PAGES_PER_MATERIAL]
        images = [render_page(p) for p in pages]
        printed = "".join("".join(p) for p in pages)
        log(f"ocr {path.name}: {len(pages)} pages")
        t = time.perf_counter()
        loaded = ocr_pdf(scanned_pdf(images), "scan.pdf")
        row = rows["scanned PDF"]
        row[0] += time.perf_counter() - t
        errors, chars = _accuracy(loaded.text, printed)
        row[1] += len(pages)
        row[2] += errors
        row[3] += chars
        row[4] += len(loaded.uncertain)
        row = rows["phone photo (JPEG, turned 1.2°)"]
        for image, page in zip(images, pages):
            t = time.perf_counter()
            loaded = ocr_image(photographed(image), "photo.jpg")
            row[0] += time.perf_counter() - t
            errors, chars = _accuracy(loaded.text, "".join(page))
            row[1] += 1
            row[2] += errors
            row[3] += chars
            row[4] += len(loaded.uncertain)
    return {"engine_s": engine_s, "rows": rows}


def ocr_section(r: dict) -> str:
    L = ["## 5. OCR: scanned PDFs and photos", "",
         "The five seed materials, up to two pages each, printed with Noto Serif CJK at 30 px on a "
         "1,240-px-wide page (about 31 characters a line) and read back by the loaders an upload goes through (`ocr_pdf`, `ocr_image`): "
         "rendering (pypdfium2, 150 dpi) or decoding, RapidOCR (onnxruntime, the models inside the "
         "rapidocr-onnxruntime wheel), lines back into paragraphs. Photos are the same pages turned 1.2°, on "
         "greyish paper with noise, saved as JPEG at quality 70. Character accuracy = 1 - Levenshtein distance / "
         "printed characters, white space aside.", "",
         f"Loading the OCR engine: {r['engine_s']:.1f} s (once per process).", "",
         "| input | pages | s/page | characters | character accuracy | lines listed for checking |",
         "|---|---:|---:|---:|---:|---:|"]
    for name, (secs, pages, errors, chars, flagged) in r["rows"].items():
        L.append(f"| {name} | {pages} | {secs / pages:.2f} | {chars:,} | {100 * (1 - errors / chars):.2f}% | {flagged} |")
    L += ["", "- **Speed** is bound by the recogniser (onnxruntime on 2 cores): detection runs once per page, "
          "recognition once per line, so a page's time follows its number of lines. Rendering a page and "
          "rejoining lines are a few per cent of it.", ""]
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    print(ocr_section(bench_ocr()))
