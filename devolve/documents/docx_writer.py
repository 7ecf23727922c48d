"""What python-docx does not say directly: East Asian fonts, page-number fields, header rows that
repeat on every page, cell shading and borders, and metadata that depends on the data only.

python-docx has no API for these, so they are written as the WordprocessingML elements Word
itself writes (ECMA-376 part 1: ``w:rFonts/@w:eastAsia``, ``w:fldSimple``, ``w:tblHeader``).
"""

import datetime
import io

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

RED = RGBColor(0xE6, 0x00, 0x12)


def set_run_font(run: Run, family: str, size: float | None = None, *, bold: bool = False) -> Run:
    """Use ``family`` for Latin and East Asian text alike (Word picks ``eastAsia`` for CJK)."""
    run.font.name = family
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), family)
    if size is not None:
        run.font.size = Pt(size)
    run.font.bold = bold
    return run


def add_text(
    paragraph: Paragraph,
    text: str,
    family: str,
    size: float,
    *,
    bold: bool = False,
    color: RGBColor | None = None,
) -> Run:
    run = set_run_font(paragraph.add_run(text), family, size, bold=bold)
    if color is not None:
        run.font.color.rgb = color
    return run


def add_page_number(paragraph: Paragraph, family: str, size: float) -> None:
    """``— N —`` with N a PAGE field that Word updates."""
    add_text(paragraph, "— ", family, size)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    add_text(paragraph, " —", family, size)


def repeat_as_header(row: _Row) -> None:
    """Mark a table row as a header row, repeated at the top of each page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def keep_row_together(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    properties.append(element)


def shade(cell: _Cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def bottom_border(
    paragraph: Paragraph, *, color: str = "E60012", eighths_of_a_point: int = 18
) -> None:
    """A rule under the paragraph, as wide as the type area (the 版头's red separator)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(eighths_of_a_point))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    properties.append(borders)


def set_cell_text(
    cell: _Cell,
    text: str,
    family: str,
    size: float,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> None:
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    add_text(paragraph, text, family, size, bold=bold)


def fixed_metadata(
    document: DocumentObject,
    *,
    title: str,
    subject: str,
    keywords: str,
    comments: str,
    as_of: datetime.date,
    author: str = "Devolve",
) -> None:
    """Core properties that depend on the data only (the as-of day, not the clock)."""
    stamp = datetime.datetime.combine(as_of, datetime.time(), tzinfo=datetime.UTC)
    properties = document.core_properties
    properties.title = title
    properties.subject = subject
    properties.keywords = keywords
    properties.comments = comments
    properties.author = author
    properties.last_modified_by = author
    properties.created = stamp
    properties.modified = stamp
    properties.revision = 1


def to_bytes(document: DocumentObject) -> bytes:
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def set_style_font(style: object, family: str, size: float) -> None:
    """A paragraph style's font for Latin and East Asian text, black (Word's heading styles are
    blue by default)."""
    font = style.font  # type: ignore[attr-defined]
    font.name = family
    font.size = Pt(size)
    font.color.rgb = RGBColor(0, 0, 0)
    properties = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), family)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
