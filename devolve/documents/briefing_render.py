"""The briefing as PDF (WeasyPrint) and as DOCX whose headings use Word's own Heading styles, so
the navigation pane shows the outline. Both embed the same chart images and tables."""

import base64
import io

from django.utils import formats
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from devolve.core.actions import render_text
from devolve.documents import docx_writer
from devolve.documents.briefing import Briefing
from devolve.documents.charts import Chart, render_png
from devolve.documents.fonts import FontPlan, FontRole
from devolve.documents.pdf import render_pdf

Images = dict[str, bytes]


def draw_charts(briefing: Briefing, fonts: FontPlan) -> Images:
    return {
        chart.key: render_png(chart, fonts)
        for section in briefing.sections
        for chart in section.charts
    }


def as_of_line(briefing: Briefing) -> str:
    return _("Data as of %(day)s. Built from the stored data only.") % {
        "day": formats.date_format(briefing.as_of, "DATE_FORMAT")
    }


def notes(briefing: Briefing, fonts: FontPlan) -> list[str]:
    lines = [render_text(note) for note in briefing.notes]
    if fonts.is_degraded:
        lines.append(_("Fonts: %(fonts)s") % {"fonts": fonts.description})
    return lines


def _metadata(briefing: Briefing, fonts: FontPlan) -> dict[str, str]:
    return {
        "subject": f"briefing {briefing.period.key}; as of {briefing.as_of.isoformat()}",
        "keywords": f"as-of={briefing.as_of.isoformat()}; fonts={fonts.description}",
        "created": f"{briefing.as_of.isoformat()}T00:00:00Z",
    }


def briefing_pdf(briefing: Briefing, fonts: FontPlan, images: Images, language: str) -> bytes:
    def charts_of(charts: tuple[Chart, ...]) -> list[tuple[Chart, str]]:
        return [(chart, base64.b64encode(images[chart.key]).decode()) for chart in charts]

    context = {
        "briefing": briefing,
        "sections": [(section, charts_of(section.charts)) for section in briefing.sections],
        "fonts": {role.value: fonts.css(role) for role in FontRole},
        "as_of_line": as_of_line(briefing),
        "notes": notes(briefing, fonts),
        "metadata": _metadata(briefing, fonts),
    }
    return render_pdf(template="documents/briefing.html", context=context, language=language)


def briefing_docx(briefing: Briefing, fonts: FontPlan, images: Images) -> bytes:
    body = fonts.family(FontRole.FANGSONG)
    heading = fonts.family(FontRole.HEITI)
    word = Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(30)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    docx_writer.add_page_number(footer, fonts.family(FontRole.SONGTI), 12)
    docx_writer.set_style_font(word.styles["Normal"], body, 12)
    docx_writer.set_style_font(word.styles["Title"], fonts.family(FontRole.XIAOBIAOSONG), 22)
    docx_writer.set_style_font(word.styles["Heading 1"], heading, 16)
    docx_writer.set_style_font(word.styles["Heading 2"], fonts.family(FontRole.KAITI), 13)
    title = word.add_heading(briefing.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line = word.add_paragraph(as_of_line(briefing))
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for number, part in enumerate(briefing.sections, start=1):
        word.add_heading(f"{number}. {part.heading}", level=1)
        for text in part.paragraphs:
            paragraph = word.add_paragraph(text)
            paragraph.paragraph_format.first_line_indent = Pt(24)
        for table in part.tables:
            word.add_heading(table.title, level=2)
            grid = word.add_table(rows=1, cols=len(table.columns))
            grid.style = word.styles["Table Grid"]
            docx_writer.repeat_as_header(grid.rows[0])
            for cell, text in zip(grid.rows[0].cells, table.columns, strict=True):
                docx_writer.set_cell_text(cell, text, heading, 9)
                docx_writer.shade(cell, "F2F2F2")
            for cells in table.rows:
                row = grid.add_row()
                docx_writer.keep_row_together(row)
                for cell, text in zip(row.cells, cells, strict=True):
                    docx_writer.set_cell_text(cell, text, body, 9)
        for chart in part.charts:
            word.add_picture(io.BytesIO(images[chart.key]), width=Mm(150))
            word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in notes(briefing, fonts):
        word.add_paragraph(text)
    details = _metadata(briefing, fonts)
    docx_writer.fixed_metadata(
        word,
        title=briefing.title,
        subject=details["subject"],
        keywords=details["keywords"],
        comments=_("Fonts: %(fonts)s") % {"fonts": fonts.description},
        as_of=briefing.as_of,
    )
    return docx_writer.to_bytes(word)
