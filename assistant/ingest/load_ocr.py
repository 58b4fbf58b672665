"""Scanned PDFs and photos: pages rendered with pypdfium2, read offline by RapidOCR (its
Chinese PP-OCR models ship inside the rapidocr-onnxruntime wheel, so nothing is fetched),
the recognised boxes put back into lines and the lines into paragraphs.

A line the recogniser is unsure of is kept in the text and listed for the user to check:
dropping it would lose a sentence, and guessing would invent one.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import median

from assistant.core.errors import InputError
from assistant.ingest.lines import Line, is_noise, rejoin

LOG = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
# Below this recogniser score a line is listed for the user to check. Clean print scores
# 0.95 and above; a blurred or skewed line drops under 0.9 as characters start to be wrong.
LOW_CONFIDENCE = 0.9
# Pages are rendered at 150 dpi (PDF points are 1/72 inch): body text (三号/四号) is 30-45
# pixels high there, which the recogniser reads as well as at 200 dpi, and detection takes
# about half the time (bench/RESULTS.md, section 5).
RENDER_SCALE = 150 / 72
# Photos are scaled down to this many pixels on the long side first: a phone's 4,000-pixel
# photo takes four times as long and reads no better.
MAX_SIDE = 2400

Progress = Callable[[int, int], None]


@dataclass
class OcrText:
    text: str
    pages: int
    uncertain: list[str] = field(default_factory=list)

    def note(self) -> str:
        """What the user should know about this text, in one sentence or two."""
        out = f"这是扫描件或图片，已离线做文字识别（{self.pages} 页），请核对识别结果。"
        if self.uncertain:
            shown = "；".join(f"“{u}”" for u in self.uncertain[:8])
            more = f"等 {len(self.uncertain)} 行" if len(self.uncertain) > 8 else ""
            out += f"以下各行识别把握不大，请特别核对：{shown}{more}。"
        return out


@dataclass(frozen=True)
class _Box:
    text: str
    score: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def ocr_pdf(data: bytes, source: str, progress: Progress | None = None) -> OcrText:
    return _read_pages(_pdf_pages(data, source), source, progress)


def ocr_image(data: bytes, source: str, progress: Progress | None = None) -> OcrText:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
        image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        raise InputError("无法打开图片（文件可能已损坏，或不是 PNG/JPG 图片）", source) from None
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    return _read_pages((1, iter([image])), source, progress)


def _pdf_pages(data: bytes, source: str) -> tuple[int, Iterator]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise InputError("无法读取 PDF（文件可能已损坏或设置了密码），请重新导出 PDF 后再试", source) from None

    def pages():
        try:
            for page in pdf:
                yield page.render(scale=RENDER_SCALE, grayscale=True).to_pil().convert("RGB")
        finally:
            pdf.close()

    return len(pdf), pages()


def _read_pages(pages: tuple[int, Iterable], source: str, progress: Progress | None) -> OcrText:
    import numpy as np

    total, images = pages
    engine = _engine(source)
    lines: list[Line] = []
    uncertain: list[str] = []
    if progress:
        progress(0, total)
    for done, image in enumerate(images, 1):
        result, _elapse = engine(np.asarray(image), use_cls=False)
        page_lines, page_uncertain = _page_lines(_boxes(result or []))
        lines += page_lines
        uncertain += page_uncertain
        if progress:
            progress(done, total)
    text = rejoin(lines)
    if not any(ch.isalnum() for ch in text):
        raise InputError("没有识别出文字（扫描件可能太模糊或是空白页），请换一份更清晰的扫描件再试", source)
    LOG.info("ocr pages=%d lines=%d uncertain=%d", total, len(lines), len(uncertain))
    return OcrText(text=text, pages=total, uncertain=uncertain)


@lru_cache(maxsize=1)
def _cached_engine():
    from rapidocr_onnxruntime import RapidOCR

    # Lines scored down to 0.2 are kept (and listed for checking): below its default 0.5
    # RapidOCR drops a blurred line without a word, and the user would never know.
    # One line per recognition batch: a batch is padded to its widest line, and on two
    # cores batches of one read a page in about half the time of the default six. The
    # angle classifier is off: a page is upright once its EXIF orientation is applied.
    return RapidOCR(text_score=0.2, rec_batch_num=1, use_cls=False)


def _engine(source: str):
    try:
        return _cached_engine()
    except ImportError:
        # opencv, which RapidOCR loads, needs the system's GL, GLib and X11 libraries.
        raise InputError("文字识别组件无法加载（缺少系统库 libgl1、libglib2.0-0、libsm6、libxext6），"
                         "请运行 make setup 或请管理员安装后再试", source) from None


def _boxes(result: list) -> list[_Box]:
    out = []
    for points, text, score in result:
        text = str(text).strip()
        if not text:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        out.append(_Box(text, float(score), min(xs), max(xs), min(ys), max(ys)))
    return out


def _page_lines(boxes: list[_Box]) -> tuple[list[Line], list[str]]:
    """The page's boxes as visual lines in reading order; a line ends its paragraph when it
    stops short of the right margin or the next line is indented (a new paragraph's two
    characters). Also the lines the recogniser was unsure of."""
    rows: list[list[_Box]] = []
    for box in sorted(boxes, key=lambda b: b.middle):
        row = rows[-1] if rows else None
        # Boxes whose vertical middles are within half a line of each other share a line.
        if row and abs(box.middle - median(b.middle for b in row)) < 0.5 * box.height:
            row.append(box)
        else:
            rows.append([box])
    rows = [sorted(row, key=lambda b: b.left) for row in rows]
    texts = ["".join(b.text for b in row) for row in rows]
    keep = [i for i, t in enumerate(texts) if not is_noise(t)]
    rows, texts = [rows[i] for i in keep], [texts[i] for i in keep]
    if not rows:
        return [], []
    char = median(b.height for row in rows for b in row)
    margin_left = min(row[0].left for row in rows)
    margin_right = max(row[-1].right for row in rows)
    lines, uncertain = [], []
    for i, row in enumerate(rows):
        short = row[-1].right < margin_right - 1.5 * char
        next_indented = i + 1 < len(rows) and rows[i + 1][0].left > margin_left + 1.2 * char
        lines.append(Line(texts[i], short or next_indented))
        if min(b.score for b in row) < LOW_CONFIDENCE:
            uncertain.append(texts[i])
    return lines, uncertain
