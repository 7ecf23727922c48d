"""The documents built from the demo: the 2024 batch-1 list notice and the 2024 results notice
as PDF and DOCX, and the 2024 briefing, whose figures equal the pages' figures.

The module restores the seeded demo once (``full_demo``) and builds each document once; each
test runs in a savepoint of that seed.
"""

import datetime
import io
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.core.errors import DomainError
from devolve.demo.testing import full_demo
from devolve.documents.briefing import Briefing, build_briefing, parse_period
from devolve.documents.builders import (
    BuiltDocument,
    build_briefing_document,
    build_list_document,
    build_results_document,
)
from devolve.documents.list_notice import SECTION_TITLES
from devolve.documents.models import DocumentFormat
from devolve.documents.results_notice import build_results_notice
from devolve.documents.tests.pdf_tools import glyph_shapes, page_count, pdf_text, squeezed
from devolve.indicators.models import Indicator
from devolve.matters.list_export import list_title
from devolve.matters.models import AnnualList, ListEntry
from devolve.matters.selectors import count_entries, get_annual_list_by_key, list_entries
from devolve.performance.models import PerformanceAssessment
from devolve.performance.selectors import list_published_assessments, list_ranking

LIST_KEY = "2024/batch-1"
AS_OF = datetime.date(2026, 12, 6)


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        full_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def annual_list(_seeded_once: None, db: None) -> AnnualList:
    found = get_annual_list_by_key(key=LIST_KEY)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def list_pdf(_seeded_once: None, django_db_blocker: Any) -> BuiltDocument:
    with django_db_blocker.unblock():
        annual_list = get_annual_list_by_key(key=LIST_KEY)
        return build_list_document(annual_list=annual_list, file_format=DocumentFormat.PDF)


@pytest.fixture(scope="module")
def list_docx(_seeded_once: None, django_db_blocker: Any) -> BuiltDocument:
    with django_db_blocker.unblock():
        annual_list = get_annual_list_by_key(key=LIST_KEY)
        return build_list_document(annual_list=annual_list, file_format=DocumentFormat.DOCX)


def _entries_by_kind(annual_list: AnnualList) -> dict[str, list[ListEntry]]:
    entries = list(list_entries(annual_list=annual_list, include_withdrawn=False))
    return {
        kind: [entry for entry in entries if entry.matter.kind == kind]
        for kind, _title in SECTION_TITLES
    }


def test_list_pdf_holds_title_attachment_and_every_matter_in_order(
    annual_list: AnnualList, list_pdf: BuiltDocument
) -> None:
    text = squeezed(pdf_text(list_pdf.content))
    counts = count_entries(annual_list=annual_list)
    assert (counts.powers, counts.support) == (8, 102)
    title = list_title(annual_list)
    assert f"关于印发《{title}》的通知" in text
    assert annual_list.document_number in text
    attachment_at = text.index("附件" + title)
    by_kind = _entries_by_kind(annual_list)
    position = attachment_at
    for number, (kind, section_title) in enumerate(SECTION_TITLES, start=1):
        heading = f"{'一二'[number - 1]}、{section_title}（{len(by_kind[kind])}项）"
        position = text.index(heading, position)
        for entry in by_kind[kind]:
            position = text.index(squeezed(entry.matter.name_zh), position + 1)
    assert sum(len(entries) for entries in by_kind.values()) == 110
    assert page_count(list_pdf.content) > 3


def test_list_pdf_repeats_the_table_header_on_every_attachment_page(
    list_pdf: BuiltDocument,
) -> None:
    pages = pdf_text(list_pdf.content).split("\f")
    attachment_pages = [page for page in pages if "省级实施部门" in page]
    later_pages = pages[pages.index(attachment_pages[0]) :]
    assert [page for page in later_pages if page.strip()] == attachment_pages
    assert len(attachment_pages) > 3


def test_list_pdf_numbers_pages_with_dashes(list_pdf: BuiltDocument) -> None:
    pages = [page for page in pdf_text(list_pdf.content).split("\f") if page.strip()]
    for number, page in enumerate(pages, start=1):
        assert f"— {number} —" in page


def test_list_pdf_shows_chinese_characters_not_boxes(list_pdf: BuiltDocument) -> None:
    first = glyph_shapes(list_pdf.content, page=1)
    table = glyph_shapes(list_pdf.content, page=3)
    assert first.characters > 40
    assert first.ratio > 0.8
    assert table.ratio > 0.8


def test_the_glyph_check_sees_boxes_when_no_chinese_font_is_installed(
    annual_list: AnnualList, tmp_path: Path
) -> None:
    """The control: the same names laid out where fontconfig knows only DejaVu print as boxes."""
    (tmp_path / "fonts.conf").write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{tmp_path}/cache</cachedir>"
        "</fontconfig>"
    )
    names = "".join(
        f"<p>{entry.matter.name_zh}</p>" for entry in list_entries(annual_list=annual_list)[:40]
    )
    script = textwrap.dedent(
        """
        import sys
        from weasyprint import HTML
        sys.stdout.buffer.write(HTML(string=sys.stdin.read()).write_pdf())
        """
    )
    tofu = subprocess.run(  # noqa: S603 — this interpreter on a script written above
        [sys.executable, "-c", script],
        input=f"<html><body style='font-size:16pt'>{names}</body></html>".encode(),
        capture_output=True,
        check=True,
        env={"FONTCONFIG_FILE": str(tmp_path / "fonts.conf"), "PATH": "/usr/bin:/bin"},
    ).stdout
    shapes = glyph_shapes(tofu, page=1)
    assert shapes.characters > 40
    assert shapes.ratio < 0.2


def test_list_docx_holds_the_same_table(annual_list: AnnualList, list_docx: BuiltDocument) -> None:
    document = docx.Document(io.BytesIO(list_docx.content))
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "事项名称", "授权方式", "省级实施部门", "承接区域", "备注"]
    by_kind = _entries_by_kind(annual_list)
    expected: list[list[str]] = []
    for number, (kind, section_title) in enumerate(SECTION_TITLES, start=1):
        heading = f"{'一二'[number - 1]}、{section_title}（{len(by_kind[kind])}项）"
        expected.append([heading] * 6)
        expected.extend(
            [
                str(index),
                entry.matter.name_zh,
                entry.mode.name_zh,
                entry.granting_department.name_zh,
            ]
            for index, entry in enumerate(by_kind[kind], start=1)
        )
    assert [row if len(set(row)) == 1 else row[:4] for row in rows[1:]] == expected
    header_flags = table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert len(header_flags) == 1
    body = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert f"关于印发《{list_title(annual_list)}》的通知" in body
    assert "附件" in body
    assert document.core_properties.created.date() == annual_list.published_on


def test_same_inputs_give_the_same_text(annual_list: AnnualList, list_pdf: BuiltDocument) -> None:
    again = build_list_document(annual_list=annual_list, file_format=DocumentFormat.PDF)
    assert pdf_text(again.content) == pdf_text(list_pdf.content)
    assert again.as_of == annual_list.published_on


@pytest.fixture(scope="module")
def results_pdf(_seeded_once: None, django_db_blocker: Any) -> BuiltDocument:
    with django_db_blocker.unblock():
        return build_results_document(year=2024, file_format=DocumentFormat.PDF)


@pytest.fixture(scope="module")
def briefing(_seeded_once: None, django_db_blocker: Any) -> Briefing:
    with django_db_blocker.unblock():
        return build_briefing(period=parse_period("2024"), as_of=AS_OF)


@pytest.mark.usefixtures("_seeded_once", "db")
def test_results_notice_holds_every_score_tier_and_appeal(results_pdf: BuiltDocument) -> None:
    text = squeezed(pdf_text(results_pdf.content))
    assert "关于2024年度" in text
    assert "目标绩效考核结果的通报" in text
    assessments = list(list_published_assessments().filter(year=2024))
    assert len(assessments) == 2
    for assessment in assessments:
        position = text.index(squeezed(f"{assessment.year}年度{assessment.scheme.name_zh}考核结果"))
        for score in list_ranking(assessment=assessment):
            row = squeezed(
                f"{score.rank}{score.subject}{score.total:.2f}{score.get_tier_display()}"
            )
            position = text.index(row, position)
        appeals = list(assessment.scores.values_list("appeals__decision_reason", flat=True))
        for reason in filter(None, appeals):
            assert squeezed(reason) in text
    assert "申诉处理情况" in text
    assert glyph_shapes(results_pdf.content, page=1).ratio > 0.8


@pytest.mark.usefixtures("_seeded_once", "db")
def test_results_notice_is_refused_while_appeals_are_open() -> None:
    PerformanceAssessment.objects.filter(year=2024).update(status="computed")
    with pytest.raises(DomainError) as refusal:
        build_results_notice(year=2024)
    assert refusal.value.code == "open_to_appeal"


@pytest.mark.usefixtures("_seeded_once", "db")
def test_results_notice_for_a_year_without_assessments_is_refused() -> None:
    with pytest.raises(DomainError) as refusal:
        build_results_notice(year=2019)
    assert refusal.value.code == "no_data"


@pytest.mark.usefixtures("_seeded_once", "db")
def test_briefing_figures_equal_the_pages(briefing: Briefing, client: Client) -> None:
    figures = briefing.figures
    compared = 0

    shape = client.get(reverse("portal:overview"), {"on": briefing.on.isoformat()}).context["shape"]
    for name in ("pilot_areas", "batches", "prefectures_covered", "prefectures_total",
                 "new_areas_included", "new_areas_total"):  # fmt: skip
        assert figures[f"shape.{name}"] == str(getattr(shape, name)), name
        compared += 1

    edition_keys = sorted({key.split(".")[1] for key in figures if key.startswith("edition.")})
    assert edition_keys == [LIST_KEY]
    for key in edition_keys:
        annual_list = get_annual_list_by_key(key=key)
        counts = client.get(annual_list.get_absolute_url()).context["counts"]
        for name in ("entries", "powers", "support"):
            assert figures[f"edition.{key}.{name}"] == str(getattr(counts, name))
            compared += 1
        kwargs = {"year": annual_list.year, "batch": annual_list.batch.number, "edition": 1}
        diff = client.get(reverse("portal:annual_list_diff", kwargs=kwargs)).context["counts"]
        by_kind = {kind: count for kind, _label, count in diff}
        for name in ("added", "modified", "removed"):
            assert figures[f"edition.{key}.{name}"] == str(by_kind[name])
            compared += 1

    take_up_keys = sorted({key.split(".")[1] for key in figures if key.startswith("takeup.")})
    assert take_up_keys
    for key in take_up_keys:
        annual_list = get_annual_list_by_key(key=key)
        kwargs = {"year": annual_list.year, "batch": annual_list.batch.number, "edition": 1}
        summary = client.get(reverse("portal:annual_list_take_up", kwargs=kwargs)).context[
            "summary"
        ]
        for row in summary:
            assert figures[f"takeup.{key}.{row.status}"] == str(row.count)
            compared += 1

    for assessment in list_published_assessments().filter(year=2024):
        kwargs = {"year": 2024, "scheme": assessment.scheme.code}
        scores = client.get(reverse("portal:performance_ranking", kwargs=kwargs)).context["scores"]
        assert scores
        for score in scores:
            key = f"performance.2024.{assessment.scheme.code}.{score.subject_key}"
            assert figures[key] == str(score.total)
            compared += 1

    economy = sorted(key for key in figures if key.startswith("economy.") and key.endswith(".gap"))
    assert len(economy) == 2
    for key in economy:
        _economy, code, batch = key.split(".")[:3]
        indicator = Indicator.objects.get(code=code)
        page = client.get(
            reverse(
                "portal:economy_evaluation_detail",
                kwargs={"indicator": indicator.code, "batch": int(batch)},
            )
        ).context
        prefix = f"economy.{code}.{batch}"
        for name in ("pilot_mean", "province", "gap"):
            assert figures[f"{prefix}.{name}"] == page["headline_figures"][name]
            compared += 1
        if page["run"] is not None and page["run"].headline_allowed:
            assert figures[f"{prefix}.att"] == page["overall"]["att"]
            assert figures[f"{prefix}.ci"] == page["overall"]["ci"]
            compared += 2
    assert compared >= 50


@pytest.mark.usefixtures("_seeded_once", "db")
def test_briefing_pdf_prints_its_figures_with_chinese_glyphs(briefing: Briefing) -> None:
    with translation.override("zh-hans"):
        built = build_briefing_document(
            period_key="2024", file_format=DocumentFormat.PDF, language="zh-hans", as_of=AS_OF
        )
    text = squeezed(pdf_text(built.content))
    for section in briefing.sections:
        assert squeezed(section.heading) in text
    for key in ("shape.pilot_areas", "usage.received", "usage.completed"):
        assert briefing.figures[key] in text
    for key, value in briefing.figures.items():
        if key.startswith("economy.") and key.endswith((".gap", ".att")):
            assert value in text, key
    assert glyph_shapes(built.content, page=1).ratio > 0.8
    assert built.as_of == AS_OF


@pytest.mark.usefixtures("_seeded_once", "db")
def test_briefing_docx_in_english_uses_word_heading_styles() -> None:
    with translation.override("en"):
        built = build_briefing_document(
            period_key="2024", file_format=DocumentFormat.DOCX, language="en", as_of=AS_OF
        )
    document = docx.Document(io.BytesIO(built.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["1. The programme", "2. Editions of the list and their changes",
                            "3. Take-up and handover"]  # fmt: skip
    assert len(headings) == 7
    assert document.paragraphs[0].style.name == "Title"
    assert "briefing report for 2024" in document.paragraphs[0].text
    assert len(document.inline_shapes) >= 4
    assert built.filename == "briefing-2024-en.docx"


@pytest.mark.usefixtures("_seeded_once", "db")
def test_briefing_for_a_year_before_any_list_is_refused() -> None:
    with pytest.raises(DomainError) as refusal:
        build_briefing(period=parse_period("2019"), as_of=AS_OF)
    assert refusal.value.code == "no_data"


@pytest.mark.usefixtures("_seeded_once", "db")
def test_briefing_for_a_period_reads_only_that_period() -> None:
    half = build_briefing(period=parse_period("2024-01-01..2024-06-30"), as_of=AS_OF)
    assert half.on == datetime.date(2024, 6, 30)
    assert half.period.key == "2024-01-01..2024-06-30"
    again = build_briefing(period=parse_period("2024-01-01..2024-06-30"), as_of=AS_OF)
    assert again.figures == half.figures
    assert again.sections == half.sections
