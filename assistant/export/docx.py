"""A material's outline -> .docx laid out as an official document (GB/T 9704-2012).

The input is an Outline (core.types): the title, the writer's line, and every paragraph
with its level (part heading "一、", second-level heading "（一）" possibly with its text on
the same line, body). A plain text is read into one first (export.outline.from_text).
Every character of it (whitespace aside) ends up in the document, in order; formatting
never adds or drops text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from assistant.core.text import PART_HEAD, SUB_HEAD
from assistant.core.types import Outline
from assistant.export.outline import from_text

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"

# Sizes in points: 二号, 三号, 四号.
TITLE_PT = 22
BODY_PT = 16
PAGE_NUMBER_PT = 14
LINE_PT = 28  # fixed line pitch: 22 lines to the page

PAGE_W_TWIPS, PAGE_H_TWIPS = 11906, 16838  # A4
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
# The page number's dash line sits 7 mm below the type area (bottom margin 35 mm), and a
# 四号 line is about 6.4 mm tall, so the footer ends about 21.6 mm above the page edge.
FOOTER_DISTANCE_MM = 21.6

_HEADING_ALONE_MAX = 40
_HEADING_CUT_MAX = 60


@dataclass
class DocHeader:
    """The optional line under the title: unit, post and name of the writer."""

    unit: str = ""
    name: str = ""
    post: str = ""

    def line(self) -> str:
        who = f"{self.unit}{self.post}"
        return "　".join(p for p in (who, self.name) if p)


def mm_to_twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


# --- splitting the text ------------------------------------------------------------------


def split_heading(line: str, prefix_len: int) -> tuple[str, str]:
    """A numbered line -> (heading, text after it on the same line). A short line is all
    heading; a long one is cut after its first 。/： (or after "方面，"); a long line with
    no such cut near its start is body text numbered by hand: ("", line)."""
    has_more = re.search(r"(?:[。！？：:]|方面[，,])[^。！？：:”’）)]", line)
    if len(line) <= _HEADING_ALONE_MAX and not has_more:
        return line, ""
    rest = line[prefix_len:]
    ends = [i for i in (rest.find(c) for c in "。：:") if i >= 0]
    cut = min(ends) + 1 if ends else None
    m = re.search(r"方面[。：:，,]", rest)
    if m and (cut is None or m.end() <= cut):
        cut = m.end()
    if cut is None or cut > _HEADING_CUT_MAX:
        return "", line
    return line[: prefix_len + cut], line[prefix_len + cut :]


# --- XML helpers ------------------------------------------------------------------------


def _fonts_element(face: str) -> OxmlElement:
    rfonts = OxmlElement("w:rFonts")
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attr}"), face)
    # Curly quotes and dashes are ambiguous in width; the hint makes Word and WPS draw them
    # with the Chinese face, as full-width marks.
    rfonts.set(qn("w:hint"), "eastAsia")
    return rfonts


def _size_elements(pt: float) -> list[OxmlElement]:
    out = []
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(int(pt * 2)))
        out.append(el)
    return out


def _add_run(paragraph, text: str, face: str, pt: float):
    run = paragraph.add_run(text)
    rpr = run._r.get_or_add_rPr()
    for child in list(rpr):
        rpr.remove(child)
    # Schema order inside rPr: rFonts … sz, szCs.
    rpr.append(_fonts_element(face))
    for el in _size_elements(pt):
        rpr.append(el)
    return run


def _format(paragraph, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True,
            after_pt: float = 0, outline: int | None = None, keep_next: bool = False) -> None:
    pf = paragraph.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(0)
    pf.space_after = Pt(after_pt)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.widow_control = True
    if keep_next:
        pf.keep_with_next = True
    pf.first_line_indent = Pt(BODY_PT * 2) if indent else Pt(0)
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    # firstLineChars wins in Word and WPS and follows the font size; the twips value is for
    # readers that ignore it.
    ind.set(qn("w:firstLineChars"), "200" if indent else "0")
    if outline is not None:
        paragraph._p.get_or_add_pPr().get_or_add_outlineLvl().set(qn("w:val"), str(outline))


# --- document setup ---------------------------------------------------------------------


def _strip_theme_fonts(root) -> None:
    for rfonts in root.iter(qn("w:rFonts")):
        for attr in list(rfonts.attrib):
            if attr.endswith(("Theme", "theme")):
                del rfonts.attrib[attr]


def _set_defaults(doc) -> None:
    """docDefaults as the body text, so anything Word adds later looks right too; theme
    fonts out of every style, or Word and WPS fall back to the theme's Latin face."""
    styles = doc.styles.element
    _strip_theme_fonts(styles)
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    rpr.append(_fonts_element(BODY_FONT))
    for el in _size_elements(BODY_PT):
        rpr.append(el)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(LINE_PT * 20))
    spacing.set(qn("w:lineRule"), "exact")
    ppr.append(spacing)


def _set_page(section) -> None:
    section.page_width = Twips(PAGE_W_TWIPS)
    section.page_height = Twips(PAGE_H_TWIPS)
    section.top_margin = Twips(mm_to_twips(MARGINS_MM["top"]))
    section.bottom_margin = Twips(mm_to_twips(MARGINS_MM["bottom"]))
    section.left_margin = Twips(mm_to_twips(MARGINS_MM["left"]))
    section.right_margin = Twips(mm_to_twips(MARGINS_MM["right"]))
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    section.header_distance = Mm(15)
    section.gutter = Twips(0)


def _page_field(paragraph) -> None:
    """A PAGE field: begin, instruction, separate, a cached "1", end."""

    def fld(kind: str):
        run = _add_run(paragraph, "", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    fld("begin")
    run = _add_run(paragraph, "", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run._r.append(instr)
    fld("separate")
    _add_run(paragraph, "1", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    fld("end")


def _footer_paragraph(footer, *, odd: bool) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    pf = p.paragraph_format
    # Odd pages on the right, even pages on the left, one character in from the edge.
    pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    pf.first_line_indent = Pt(0)
    pf.right_indent = Pt(PAGE_NUMBER_PT) if odd else Pt(0)
    pf.left_indent = Pt(0) if odd else Pt(PAGE_NUMBER_PT)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    _add_run(p, "— ", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    _page_field(p)
    _add_run(p, " —", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)


def _set_footers(doc) -> None:
    doc.settings.odd_and_even_pages_header_footer = True  # w:evenAndOddHeaders
    section = doc.sections[0]
    _footer_paragraph(section.footer, odd=True)
    _footer_paragraph(section.even_page_footer, odd=False)


# --- the text ---------------------------------------------------------------------------


def _add_numbered(doc, line: str, pattern: re.Pattern, face: str, outline: int) -> None:
    prefix = pattern.match(line)
    head, rest = split_heading(line, prefix.end() if prefix else 0)
    p = doc.add_paragraph()
    _format(p, outline=outline if head else None, keep_next=bool(head) and not rest)
    if head:
        _add_run(p, head, face, BODY_PT)
    if rest:
        _add_run(p, rest, BODY_FONT, BODY_PT)


def build_document(source: Outline | str, *, header: DocHeader | None = None):
    """The python-docx Document for an outline, or for a plain text with `header` as the
    writer's line (see export_docx)."""
    outline = source if isinstance(source, Outline) else from_text(source, byline=header.line() if header else "")
    doc = Document()
    _set_defaults(doc)
    _set_page(doc.sections[0])
    if outline.title:
        p = doc.add_paragraph()
        _format(p, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                after_pt=0 if outline.byline else LINE_PT)
        _add_run(p, outline.title, TITLE_FONT, TITLE_PT)
    if outline.byline:
        p = doc.add_paragraph()
        _format(p, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after_pt=LINE_PT)
        _add_run(p, outline.byline, H2_FONT, BODY_PT)
    for line in outline.lines():
        text = line.text.strip()
        if line.level == 1:
            _add_numbered(doc, text, PART_HEAD, H1_FONT, 0)
        elif line.level == 2:
            _add_numbered(doc, text, SUB_HEAD, H2_FONT, 1)
        else:
            p = doc.add_paragraph()
            _format(p)
            _add_run(p, text, BODY_FONT, BODY_PT)
    _set_footers(doc)
    _strip_theme_fonts(doc.element)
    _strip_theme_fonts_in_parts(doc)
    return doc


def _strip_theme_fonts_in_parts(doc) -> None:
    """The template's stylesWithEffects.xml (read by Word 2010) is a plain part; its theme
    fonts go too, so no reader finds a theme face anywhere."""
    from lxml import etree

    for part in doc.part.package.iter_parts():
        if not str(part.partname).endswith("stylesWithEffects.xml") or not hasattr(part, "_blob"):
            continue
        root = etree.fromstring(part.blob)
        _strip_theme_fonts(root)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def export_docx(source: Outline | str, path: Path, *, header: DocHeader | None = None) -> Path:
    """Write an outline (or a plain text, see build_document) as a .docx in the
    official-document layout; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_document(source, header=header).save(str(path))
    return path
