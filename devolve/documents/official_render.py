"""An ``OfficialDocument`` laid out as GB/T 9704-2012 asks, as PDF (WeasyPrint) and DOCX.

Sizes: 2号 = 22 pt (title), 3号 = 16 pt (body, 附件 mark), 4号 = 14 pt (page numbers); body lines
are 1/22 of the 225 mm type area. The attachment table uses 五号 (10.5 pt) to fit the page width.
"""

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt

from devolve.documents import docx_writer
from devolve.documents.fonts import FontPlan, FontRole
from devolve.documents.official import BLANK, OfficialDocument, chinese_date
from devolve.documents.pdf import render_pdf

TYPE_AREA_WIDTH_PT = 156 / 25.4 * 72
LINE_MM = 225 / 22
BODY_PT = 16
TITLE_PT = 22
PAGE_NUMBER_PT = 14
TABLE_PT = 10.5
MARK_MAX_PT = 36


def mark_size(document: OfficialDocument) -> float:
    """The 发文机关标志's size: as large as 36 pt, small enough for one line of the type area."""
    characters = len(document.header_mark)
    return round(min(MARK_MAX_PT, TYPE_AREA_WIDTH_PT * 0.95 / max(characters, 1)), 1)


def colophon(document: OfficialDocument, fonts: FontPlan) -> str:
    blanks = "、".join(document.missing_fields)
    text = f"（本文件由已存储的数据生成，数据截至{chinese_date(document.as_of)}。"
    if blanks:
        text += f"{blanks}未记录，留空待填。"
    if fonts.is_degraded:
        text += f"字体：{fonts.description}。"
    text += "".join(document.notes)
    return text + "）"


def metadata(document: OfficialDocument, fonts: FontPlan) -> dict[str, str]:
    return {
        "subject": f"{document.subject_key}; as of {document.as_of.isoformat()}",
        "keywords": f"as-of={document.as_of.isoformat()}; fonts={fonts.description}",
        "created": f"{document.as_of.isoformat()}T00:00:00Z",
    }


def official_pdf(document: OfficialDocument, fonts: FontPlan) -> bytes:
    context = {
        "document": document,
        "attachments": [
            (document.attachment_label(index), attachment)
            for index, attachment in enumerate(document.attachments, start=1)
        ],
        "fonts": {role.value: fonts.css(role) for role in FontRole},
        "mark_size": mark_size(document),
        "blank": BLANK,
        "metadata": metadata(document, fonts),
        "colophon": colophon(document, fonts),
    }
    return render_pdf(
        template="documents/official_document.html", context=context, language="zh-hans"
    )


def _paragraph_format(paragraph: object, *, first_line_indent: float | None = None) -> None:
    format_ = paragraph.paragraph_format  # type: ignore[attr-defined]
    format_.space_before = Pt(0)
    format_.space_after = Pt(0)
    format_.line_spacing = Mm(LINE_MM)
    if first_line_indent is not None:
        format_.first_line_indent = Pt(first_line_indent)


def official_docx(document: OfficialDocument, fonts: FontPlan) -> bytes:
    fangsong = fonts.family(FontRole.FANGSONG)
    xiaobiaosong = fonts.family(FontRole.XIAOBIAOSONG)
    heiti = fonts.family(FontRole.HEITI)
    songti = fonts.family(FontRole.SONGTI)
    word = Document()
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # The page number's line starts 7 mm below the type area.
    section.footer_distance = Mm(35 - 7 - 6)
    word.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
    docx_writer.add_page_number(odd, songti, PAGE_NUMBER_PT)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
    docx_writer.add_page_number(even, songti, PAGE_NUMBER_PT)

    normal = word.styles["Normal"]
    normal.font.name = fangsong
    normal.font.size = Pt(BODY_PT)

    mark = word.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark.paragraph_format.space_before = Mm(35 - LINE_MM)
    docx_writer.add_text(
        mark, document.header_mark, xiaobiaosong, mark_size(document), bold=True,
        color=docx_writer.RED,
    )  # fmt: skip
    number = word.add_paragraph()
    _paragraph_format(number)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.space_before = Mm(2 * LINE_MM)
    docx_writer.add_text(number, document.document_number or BLANK, fangsong, BODY_PT)
    docx_writer.bottom_border(number)

    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Mm(2 * LINE_MM)
    title.paragraph_format.space_after = Mm(LINE_MM)
    docx_writer.add_text(title, document.title, xiaobiaosong, TITLE_PT, bold=True)

    addressees = word.add_paragraph()
    _paragraph_format(addressees)
    docx_writer.add_text(addressees, document.addressee_line, fangsong, BODY_PT)
    for text in document.paragraphs:
        paragraph = word.add_paragraph()
        _paragraph_format(paragraph, first_line_indent=2 * BODY_PT)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        docx_writer.add_text(paragraph, text, fangsong, BODY_PT)
    for index, line in enumerate(document.attachment_lines):
        paragraph = word.add_paragraph()
        _paragraph_format(paragraph, first_line_indent=2 * BODY_PT if index == 0 else None)
        if index == 0:
            paragraph.paragraph_format.space_before = Mm(LINE_MM)
        else:
            paragraph.paragraph_format.left_indent = Pt(5 * BODY_PT)
        docx_writer.add_text(paragraph, line, fangsong, BODY_PT)
    for index, line in enumerate((document.signature, document.signed_on_text)):
        paragraph = word.add_paragraph()
        _paragraph_format(paragraph)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(4 * BODY_PT)
        if index == 0:
            paragraph.paragraph_format.space_before = Mm(2 * LINE_MM)
        docx_writer.add_text(paragraph, line, fangsong, BODY_PT)

    for index, attachment in enumerate(document.attachments, start=1):
        label = word.add_paragraph()
        _paragraph_format(label)
        label.add_run().add_break(WD_BREAK.PAGE)
        docx_writer.add_text(label, document.attachment_label(index), heiti, BODY_PT)
        heading = word.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        heading.paragraph_format.space_before = Mm(LINE_MM)
        heading.paragraph_format.space_after = Mm(LINE_MM / 2)
        docx_writer.add_text(heading, attachment.title, xiaobiaosong, TITLE_PT, bold=True)
        columns = len(attachment.columns)
        table = word.add_table(rows=1, cols=columns)
        table.style = word.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0]
        docx_writer.repeat_as_header(header)
        for cell, text in zip(header.cells, attachment.columns, strict=True):
            docx_writer.set_cell_text(cell, text, heiti, TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
            docx_writer.shade(cell, "F2F2F2")
        for table_section in attachment.sections:
            if table_section.heading:
                row = table.add_row()
                docx_writer.keep_row_together(row)
                merged = row.cells[0].merge(row.cells[-1])
                docx_writer.set_cell_text(merged, table_section.heading, heiti, TABLE_PT)
            for cells in table_section.rows:
                row = table.add_row()
                docx_writer.keep_row_together(row)
                for position, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
                    docx_writer.set_cell_text(
                        cell,
                        text,
                        fangsong,
                        TABLE_PT,
                        align=WD_ALIGN_PARAGRAPH.CENTER if position == 0 else None,
                    )
        usable = Mm(156)
        for position, width in enumerate(attachment.widths):
            for cell in table.columns[position].cells:
                cell.width = int(usable * width / 100)
        if attachment.note:
            note = word.add_paragraph()
            docx_writer.add_text(note, attachment.note, fangsong, TABLE_PT)
    colophon_paragraph = word.add_paragraph()
    colophon_paragraph.paragraph_format.space_before = Mm(6)
    docx_writer.add_text(colophon_paragraph, colophon(document, fonts), fangsong, 9)
    details = metadata(document, fonts)
    docx_writer.fixed_metadata(
        word,
        title=document.title,
        subject=details["subject"],
        keywords=details["keywords"],
        comments=_("Fonts: %(fonts)s") % {"fonts": fonts.description},
        as_of=document.as_of,
        author=document.issuing_authority or "Devolve",
    )
    return docx_writer.to_bytes(word)
