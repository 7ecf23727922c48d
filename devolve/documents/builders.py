"""Building a document from a request: find its subject, read the data, lay it out.

Each ``build_*`` reads only stored data through the owning apps' selectors and reports progress
step by step through ``progress(steps_done, steps_total, step)``. Refusals are ``DomainError``s
raised before anything is laid out, so no half-built file ever leaves here.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation

from devolve.core.actions import system_text
from devolve.core.errors import refusal
from devolve.documents.briefing import build_briefing, parse_period
from devolve.documents.briefing_render import briefing_docx, briefing_pdf, draw_charts
from devolve.documents.fonts import FontPlan, plan_fonts
from devolve.documents.list_notice import build_list_notice
from devolve.documents.models import DocumentFormat, DocumentKind
from devolve.documents.official import OfficialDocument
from devolve.documents.official_render import official_docx, official_pdf
from devolve.documents.results_notice import build_results_notice
from devolve.matters.models import AnnualList
from devolve.matters.selectors import get_annual_list_by_key

Progress = Callable[[int, int, str], None]
CONTENT_TYPES = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
}


def no_progress(steps_done: int, steps_total: int, step: str) -> None:
    """The progress reporter of callers that have nobody to tell."""


@dataclass(frozen=True)
class BuiltDocument:
    content: bytes
    filename: str
    content_type: str
    as_of: datetime.date
    fonts: str
    notes: tuple[str, ...]


def get_list_for_notice(subject_key: str) -> AnnualList:
    annual_list = get_annual_list_by_key(key=subject_key)
    if annual_list is None:
        raise refusal("document.unknown_list", "unknown_list", key=subject_key)
    return annual_list


def _lay_out(document: OfficialDocument, fonts: FontPlan, file_format: DocumentFormat) -> bytes:
    if file_format == DocumentFormat.PDF:
        return official_pdf(document, fonts)
    return official_docx(document, fonts)


def _official_notes(document: OfficialDocument, fonts: FontPlan) -> tuple[str, ...]:
    notes = []
    if document.missing_fields:
        notes.append(
            system_text("document.note.not_recorded", fields="、".join(document.missing_fields))
        )
    if fonts.is_degraded:
        notes.append(system_text("document.note.fonts_degraded", fonts=fonts.description))
    return tuple(notes)


def _build_official(
    read: Callable[[], OfficialDocument],
    *,
    reading: str,
    filename: str,
    file_format: DocumentFormat,
    progress: Progress,
) -> BuiltDocument:
    """An official document read by ``read()``, laid out in ``file_format``, in three steps."""
    progress(0, 3, system_text("document.step.fonts"))
    fonts = plan_fonts()
    progress(1, 3, reading)
    document = read()
    progress(2, 3, system_text("document.step.layout"))
    content = _lay_out(document, fonts, file_format)
    progress(3, 3, system_text("document.step.done"))
    return BuiltDocument(
        content=content,
        filename=f"{filename}.{file_format.value}",
        content_type=CONTENT_TYPES[file_format],
        as_of=document.as_of,
        fonts=fonts.description,
        notes=_official_notes(document, fonts),
    )


def build_list_document(
    *, annual_list: AnnualList, file_format: DocumentFormat, progress: Progress = no_progress
) -> BuiltDocument:
    """The notice publishing ``annual_list``, with the list attached (Chinese, as issued)."""
    return _build_official(
        lambda: build_list_notice(annual_list=annual_list),
        reading=system_text("document.step.reading_edition"),
        filename=f"{annual_list.key.replace('/', '-')}-notice",
        file_format=file_format,
        progress=progress,
    )


def parse_year(subject_key: str) -> int:
    try:
        year = int(subject_key.strip())
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:  # the years an edition may have (annual_list_year_plausible)
        raise refusal("document.invalid_year", "invalid_year", key=subject_key)
    return year


def build_results_document(
    *, year: int, file_format: DocumentFormat, progress: Progress = no_progress
) -> BuiltDocument:
    """The notice of ``year``'s published performance results (Chinese, as issued)."""
    return _build_official(
        lambda: build_results_notice(year=year),
        reading=system_text("document.step.reading_scores"),
        filename=f"{year}-performance-results",
        file_format=file_format,
        progress=progress,
    )


def build_briefing_document(
    *,
    period_key: str,
    file_format: DocumentFormat,
    language: str,
    as_of: datetime.date,
    progress: Progress = no_progress,
) -> BuiltDocument:
    """The briefing report for a year or period, in ``language`` (the caller activates it)."""
    period = parse_period(period_key)
    fonts = plan_fonts()
    total = 3 + 7  # fonts, seven sections, charts, layout

    def section_progress(done: int, sections: int, step: str) -> None:
        progress(1 + done, total, step)

    progress(0, total, system_text("document.step.fonts"))
    briefing = build_briefing(period=period, as_of=as_of, progress=section_progress)
    progress(8, total, system_text("document.step.charts"))
    images = draw_charts(briefing, fonts)
    progress(9, total, system_text("document.step.layout"))
    if file_format == DocumentFormat.PDF:
        content = briefing_pdf(briefing, fonts, images, language)
    else:
        content = briefing_docx(briefing, fonts, images)
    progress(10, total, system_text("document.step.done"))
    suffix = "en" if language == "en" else "zh"
    return BuiltDocument(
        content=content,
        filename=f"briefing-{period.key.replace('..', '-to-')}-{suffix}.{file_format.value}",
        content_type=CONTENT_TYPES[file_format],
        as_of=as_of,
        fonts=fonts.description,
        notes=briefing.notes,
    )


def check_subject(*, kind: DocumentKind, subject_key: str, as_of: datetime.date) -> None:
    """Refuse a request whose subject does not exist or cannot have the document, before it is
    queued (the build checks again with the data as it is then)."""
    if kind == DocumentKind.LIST_NOTICE:
        build_list_notice(annual_list=get_list_for_notice(subject_key))
        return
    if kind == DocumentKind.RESULTS_NOTICE:
        build_results_notice(year=parse_year(subject_key))
        return
    if kind == DocumentKind.BRIEFING:
        build_briefing(period=parse_period(subject_key), as_of=as_of)
        return
    raise refusal("document.unknown_kind", "unknown_kind", kind=kind)


def build(
    *,
    kind: DocumentKind,
    subject_key: str,
    file_format: DocumentFormat,
    language: str,
    as_of: datetime.date,
    progress: Progress = no_progress,
) -> BuiltDocument:
    """Build any kind of document from its subject key (the service's and the CLI's entry)."""
    if kind == DocumentKind.LIST_NOTICE:
        return build_list_document(
            annual_list=get_list_for_notice(subject_key),
            file_format=file_format,
            progress=progress,
        )
    if kind == DocumentKind.RESULTS_NOTICE:
        return build_results_document(
            year=parse_year(subject_key), file_format=file_format, progress=progress
        )
    if kind == DocumentKind.BRIEFING:
        with translation.override(language):
            return build_briefing_document(
                period_key=subject_key,
                file_format=file_format,
                language=language,
                as_of=as_of,
                progress=progress,
            )
    raise refusal("document.unknown_kind", "unknown_kind", kind=kind)
