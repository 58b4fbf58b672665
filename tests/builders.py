"""Builders of real test files, shared by the tests and bench/: .docx with Word's automatic
numbering (python-docx and its oxml), minimal text PDFs written by hand, and printed pages
rendered to images with a CJK font (what a scanner or a phone gives)."""

from __future__ import annotations

import io

from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

W_NS = nsdecls("w")


def _add_abstract(document: DocumentObject, abstract_id: int, levels_xml: str) -> None:
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {W_NS} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels_xml}</w:abstractNum>'
    )
    # The schema wants every w:abstractNum before the first w:num.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)


def _level(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}<w:lvlJc w:val="left"/></w:lvl>'
    )


def _add_num(document: DocumentObject, abstract_id: int, start_override: int | None = None) -> int:
    num = document.part.numbering_part.element.add_num(abstract_id)
    if start_override is not None:
        num.add_lvlOverride(ilvl=0).add_startOverride(start_override)
    return int(num.numId)


def _numbered(document: DocumentObject, text: str, num_id: int, ilvl: int) -> None:
    paragraph = document.add_paragraph(text)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def _docx_bytes(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf(pages: list[list[str]]) -> bytes:
    """A minimal text PDF: a Type0/Identity-H font whose ToUnicode CMap maps one CID per
    character; no glyphs are embedded (extraction does not need them)."""
    chars = sorted({ch for page in pages for line in page for ch in line})
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    bfchar = "\n".join(f"<{cid[ch]:04X}> <{ord(ch):04X}>" for ch in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{len(chars)} beginbfchar\n{bfchar}\nendbfchar\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    )
    widths = " ".join("1000" for _ in chars)
    n_pages = len(pages)
    font, cidfont, descriptor, tounicode = 3, 4, 5, 6
    first_page = 7  # each page is followed by its content stream
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: (
            "<< /Type /Pages /Kids ["
            + " ".join(f"{first_page + 2 * i} 0 R" for i in range(n_pages))
            + f"] /Count {n_pages} >>"
        ).encode(),
        font: (
            "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
            f"/DescendantFonts [{cidfont} 0 R] /ToUnicode {tounicode} 0 R >>"
        ).encode(),
        cidfont: (
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {descriptor} 0 R /DW 1000 /W [1 [{widths}]] "
            "/CIDToGIDMap /Identity >>"
        ).encode(),
        descriptor: (
            b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 "
            b"/FontBBox [0 -140 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
            b"/CapHeight 700 /StemV 80 >>"
        ),
        tounicode: _stream(cmap.encode()),
    }
    for i, page in enumerate(pages):
        page_obj, content_obj = first_page + 2 * i, first_page + 2 * i + 1
        ops = ["BT", "/F1 12 Tf 14 TL 72 770 Td"]
        for line in page:
            ops.append("<" + "".join(f"{cid[ch]:04X}" for ch in line) + "> Tj T*")
        ops.append("ET")
        objects[page_obj] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content_obj} 0 R >>"
        ).encode()
        objects[content_obj] = _stream("\n".join(ops).encode())
    return _assemble(objects)


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _assemble(objects: dict[int, bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


# Debian's fonts-noto-cjk, which `make test` installs with chromium.
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"


def render_page(paragraphs: list[str], *, size: int = 30, width: int = 1240, indent: bool = True,
                height: int | None = None):
    """A printed A4-like page: each paragraph wrapped at the margin, its first line indented
    by two characters (as 公文 are), headings (一、 / 标题) not indented. A PIL image."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(CJK_FONT, size, index=2)  # index 2: Simplified Chinese
    margin, line_gap = 90, int(size * 1.6)
    room = width - 2 * margin
    rows: list[tuple[int, str]] = []
    for k, text in enumerate(paragraphs):
        lead = 2 * size if indent and k > 0 and not text.startswith(tuple("一二三四五六七八九十")) else 0
        line = ""
        for ch in text:  # a line takes characters while the next still fits, as Word's does
            if font.getlength(line + ch) > room - lead:
                rows.append((lead, line))
                line, lead = "", 0
            line += ch
        rows.append((lead, line))
    image = Image.new("RGB", (width, height or margin * 2 + line_gap * len(rows)), "white")
    draw = ImageDraw.Draw(image)
    for n, (lead, text) in enumerate(rows):
        draw.text((margin + lead, margin + n * line_gap), text, font=font, fill="black")
    return image


def photographed(image, angle: float = 1.2, quality: int = 70) -> bytes:
    """The page as a phone photo of a printout: slightly turned, on greyish paper, with
    noise and JPEG compression."""
    import io as _io

    import numpy as np
    from PIL import Image

    turned = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=(235, 232, 225))
    pixels = np.asarray(turned).astype(np.int16)
    rng = np.random.default_rng(7)
    pixels = pixels * 0.9 + 15 + rng.normal(0, 6, pixels.shape)
    out = _io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=quality)
    return out.getvalue()


def scanned_pdf(images) -> bytes:
    """A scanned PDF: each page only an image, no text layer."""
    import io as _io

    out = _io.BytesIO()
    first, *rest = [im.convert("RGB") for im in images]
    first.save(out, "PDF", resolution=150, save_all=True, append_images=rest)
    return out.getvalue()
