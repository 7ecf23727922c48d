"""PDF from a Django template through WeasyPrint: A4, fonts from the font plan.

Templates reference nothing outside themselves (charts are embedded as ``data:`` URIs), so a
document needs no network and no static files.
"""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(*, template: str, context: dict[str, Any], language: str) -> bytes:
    """Render ``template`` in ``language`` and lay it out as PDF.

    The template's ``dcterms.created`` meta should carry the data's as-of day rather than the
    clock, so the same inputs give the same metadata.
    """
    from weasyprint import HTML  # heavy import (Pango through cffi): only when a PDF is made

    with translation.override(language):
        html = render_to_string(template, {**context, "language": language})
    pdf: bytes = HTML(string=html, base_url=".").write_pdf()
    return pdf
