"""Public annual list pages: editions, entries with filters, the diff of two editions and the
take-up matrix, with their downloads. Figures are checked exactly against editions built through
the services (list_fixtures.py)."""

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pytest_django.asserts import assertContains, assertNotContains

from devolve.core.actors import SYSTEM
from devolve.core.testing.database import read_again
from devolve.matters.models import AnnualList
from devolve.portal.tests import list_fixtures
from devolve.portal.tests.list_fixtures import (
    LEGAL_AID_REASON,
    ListCycle,
    build_correction,
    build_list_cycle,
)

HTMX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def _cycle_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[ListCycle]:
    """The list cycle, built once for the module in a transaction rolled back at its end; each
    test runs in a savepoint inside it (``db``) and gets the cycle read again (``read_again``).
    Every test here uses it: the tests on data of their own are in
    ``test_annual_list_views_alone.py``."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_list_cycle()
        transaction.set_rollback(True)


@pytest.fixture
def cycle(_cycle_once: ListCycle, db: None) -> ListCycle:
    return read_again(_cycle_once)


def _url(name: str, *, language: str = "en", query: str = "", **kwargs: Any) -> str:
    with translation.override(language):
        url = reverse(f"portal:{name}", kwargs=kwargs or None)
    return f"{url}?{query}" if query else url


def _edition_url(name: str, *, year: int = 2024, edition: int = 1, **options: Any) -> str:
    return _url(name, year=year, batch=1, edition=edition, **options)


def _text(response: HttpResponse) -> str:
    return response.content.decode()


def _attributes(response: HttpResponse, name: str) -> list[str]:
    return re.findall(rf'{name}="([^"]*)"', _text(response))


def _figure(response: HttpResponse, name: str) -> str:
    match = re.search(rf'data-figure="{re.escape(name)}">([^<]*)<', _text(response))
    assert match is not None, f"no figure {name!r}"
    return match.group(1)


def _fact(response: HttpResponse, name: str) -> str:
    match = re.search(rf'data-fact="{name}">(.*?)</dd>', _text(response), re.DOTALL)
    assert match is not None, f"no fact {name!r}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def _matrix(response: HttpResponse) -> dict[int, list[str | None]]:
    """Entry number → the status in each area's cell (None where the entry does not reach it)."""
    rows = re.findall(r'data-entry="(\d+)">(.*?)</tr>', _text(response), re.DOTALL)
    matrix = {}
    for sequence, row in rows:
        cells = re.findall(r'app-take-up__cell[^"]*">(.*?)</td>', row, re.DOTALL)
        matrix[int(sequence)] = [
            (match.group(1) if (match := re.search(r'data-status="(\w+)"', cell)) else None)
            for cell in cells
        ]
    return matrix


def _zones(response: HttpResponse) -> list[str]:
    return re.findall(
        r'<th scope="col" class="govuk-table__header" data-zone="([^"]+)"', _text(response)
    )


def _workbook_rows(response: HttpResponse) -> dict[str, list[list[Any]]]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


# --- URLs -----------------------------------------------------------------------------------------


def test_edition_urls_are_human_keys_with_no_segment_for_edition_one(cycle: ListCycle) -> None:
    correction = build_correction(cycle)
    with translation.override("zh-hans"):
        assert cycle.second.get_absolute_url() == "/lists/2024/batch-1/"
        assert correction.get_absolute_url() == "/lists/2024/batch-1/e2/"
        assert _edition_url("annual_list_diff", language="zh-hans") == "/lists/2024/batch-1/diff/"
    with translation.override("en"):
        assert cycle.first.get_absolute_url() == "/en/lists/2023/batch-1/"
    assert (
        _edition_url("annual_list_take_up_csv", edition=2)
        == "/en/lists/2024/batch-1/e2/take-up.csv"
    )
    assert _edition_url("annual_list_diff_xlsx") == "/en/lists/2024/batch-1/diff.xlsx"


def test_edition_one_has_no_second_address(client: Client, cycle: ListCycle) -> None:
    assert client.get("/en/lists/2024/batch-1/e1/").status_code == 404
    assert client.get("/en/lists/2024/batch-1/e01/").status_code == 404


# --- The editions ---------------------------------------------------------------------------------


def test_list_of_editions_shows_published_and_superseded_with_counts(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(_url("annual_list_list"))

    assert response.status_code == 200
    assert _attributes(response, "data-edition") == ["2024/batch-1", "2023/batch-1"]
    assert _attributes(response, "data-status") == ["published", "superseded"]
    rows = re.findall(r'data-edition="([^"]+)".*?</tr>', _text(response), re.DOTALL)
    assert rows == ["2024/batch-1", "2023/batch-1"]
    text = _text(response)
    newer, older = text.split('data-edition="2024/batch-1"')[1].split('data-edition="2023/batch-1"')
    cells = lambda row: re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row, re.DOTALL)  # noqa: E731
    # Edition, year, batch, edition number, status, published, document, entries, powers, support.
    assert [cell.strip() for cell in cells(newer)[1:]] == [
        "2024", "Batch 1", "1", "Published", "5 Feb 2024",
        '<span lang="zh-Hans">川改办〔2024〕1号</span>', "4", "3", "1",
    ]  # fmt: skip
    assert [cell.strip() for cell in cells(older)[1:]] == [
        "2023", "Batch 1", "1", "Superseded", "10 Mar 2023",
        '<span lang="zh-Hans">川改办〔2023〕1号</span>', "4", "3", "1",
    ]  # fmt: skip
    assert "illustrative" not in cells(newer)[0]
    assert "illustrative" in cells(older)[0]
    assert 'href="/en/lists/2024/batch-1/"' in newer
    assertContains(response, 'data-count="2"')
    assertNotContains(response, "2025/batch-1")


def test_list_of_editions_does_not_query_per_edition(client: Client, cycle: ListCycle) -> None:
    with CaptureQueriesContext(connection) as two_editions:
        client.get(_url("annual_list_list"))
    build_correction(cycle)
    with CaptureQueriesContext(connection) as three_editions:
        response = client.get(_url("annual_list_list"))

    assert len(_attributes(response, "data-edition")) == 3
    assert len(three_editions) == len(two_editions)


def test_list_of_editions_in_chinese(client: Client, cycle: ListCycle) -> None:
    response = client.get(_url("annual_list_list", language="zh-hans"))

    assertContains(response, '<html lang="zh-hans"')
    assertContains(response, "2024年第一批清单")
    assertContains(response, 'href="/lists/2023/batch-1/"')


# --- One edition ----------------------------------------------------------------------------------


def test_edition_page_shows_its_facts_and_computed_counts(client: Client, cycle: ListCycle) -> None:
    response = client.get(_edition_url("annual_list_detail"))

    assert response.status_code == 200
    assert (
        _figure(response, "entries"),
        _figure(response, "powers"),
        _figure(response, "support"),
    ) == (
        "4",
        "3",
        "1",
    )
    assertContains(response, "1 entry withdrawn from the previous edition")
    assert re.findall(r"<li>([^<]+): <span data-figure=\"mode\">(\d+)</span>", _text(response)) == [
        ("Delegate", "1"),
        ("Entrust", "2"),
        ("Support", "1"),
    ]
    assert _fact(response, "status") == "Published"
    assert _fact(response, "document-number") == "川改办〔2024〕1号"
    assert _fact(response, "approved-on") == "1 Feb 2024"
    assert _fact(response, "published-on") == "5 Feb 2024"
    assert _fact(response, "predecessor") == "2023 list (2023/batch-1)"
    assertContains(response, 'href="/en/lists/2023/batch-1/"')
    assert _fact(response, "delegation-effective") == "30 days after publication (6 Mar 2024)"
    assert _fact(response, "handover-days") == "30 working days after the grant takes effect"
    assert _fact(response, "renewal-warning-days") == "15 days before an entrustment agreement ends"
    assertContains(response, list_fixtures.MEETING_EN)
    assertContains(response, 'href="/en/lists/2024/batch-1/diff/"')
    assertContains(response, 'href="/en/lists/2024/batch-1/take-up/"')


def test_edition_page_lists_every_entry_with_mode_departments_areas_change_and_reason(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(_edition_url("annual_list_detail"))

    assert _attributes(response, "data-entry") == ["1", "2", "3", "4", "5"]
    assert _attributes(response, "data-change") == [
        "modified",
        "modified",
        "kept",
        "withdrawn",
        "added",
    ]
    rows = dict(re.findall(r'data-entry="(\d+)".*?>(.*?)</tr>', _text(response), re.DOTALL))
    cells = {
        sequence: [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        ]
        for sequence, row in rows.items()
    }
    assert cells["1"] == [
        "1",
        "Approval of law firms 511A0000000001",
        "Power",
        "Entrust",
        "Department of Justice",
        "—",
        "All pilot areas of the batch",
        "Modified",
        list_fixtures.LAW_FIRMS_REASON,
    ]
    # Each named area links to its page.
    assert cells["2"][6:] == ["East Zone , West Zone", "Modified", list_fixtures.LEGAL_AID_REASON]
    assert cells["3"][4:8] == [
        "Department of Science",
        "Department of Finance",
        "All pilot areas of the batch",
        "Kept",
    ]
    assert cells["4"][7:] == ["Withdrawn", list_fixtures.TAX_REASON]
    assert cells["5"][6:] == ["North Zone", "Added", list_fixtures.FISCAL_REASON]
    assertContains(response, "5 of 5 entries match the filters.")


def test_edition_page_in_chinese_uses_chinese_names(client: Client, cycle: ListCycle) -> None:
    response = client.get(_edition_url("annual_list_detail", language="zh-hans"))

    assertContains(response, '<html lang="zh-hans"')
    assertContains(response, "律师事务所设立审批")
    assertContains(response, "四川省司法厅")
    assertContains(response, '东区</a>、<a class="govuk-link" href="/zones/')
    assertContains(response, list_fixtures.MEETING_ZH)
    assertNotContains(response, "Department of Justice")
    assert _figure(response, "entries") == "4"


@pytest.mark.parametrize(
    ("query", "entries"),
    [
        ("kind=support", ["4", "5"]),
        ("kind=power", ["1", "2", "3"]),
        ("mode=entrust", ["1", "2"]),
        ("department=finance", ["4", "5"]),
        ("change=modified", ["1", "2"]),
        ("change=withdrawn", ["4"]),
        ("kind=power&mode=delegate", ["3"]),
        ("kind=support&change=kept", []),
    ],
)
def test_entries_filter_by_kind_mode_department_and_change(
    client: Client, cycle: ListCycle, query: str, entries: list[str]
) -> None:
    response = client.get(_edition_url("annual_list_detail", query=query))

    assert _attributes(response, "data-entry") == entries
    assertContains(response, f"{len(entries)} of 5 entries match the filters.")
    # The headline figures describe the edition, whatever the filter.
    assert _figure(response, "entries") == "4"


def test_an_unknown_filter_value_is_reported_and_not_applied(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(_edition_url("annual_list_detail", query="mode=sideways&kind=support"))

    assert response.status_code == 200
    assertContains(response, "govuk-error-message")
    assert _attributes(response, "data-entry") == ["4", "5"]


def test_entries_filter_answers_htmx_with_the_partial_only(
    client: Client, cycle: ListCycle
) -> None:
    url = _edition_url("annual_list_detail", query="kind=support")

    partial = client.get(url, headers={**HTMX, "HX-Target": "entries-table"})
    other_target = client.get(url, headers={**HTMX, "HX-Target": "main-content"})

    assert _text(partial).lstrip().startswith('<section id="entries-table"')
    assert "<html" not in _text(partial)
    assert "data-figure" not in _text(partial)
    assert _attributes(partial, "data-entry") == ["4", "5"]
    assert "<html" in _text(other_target)


def test_the_filter_form_works_without_javascript(client: Client, cycle: ListCycle) -> None:
    response = client.get(_edition_url("annual_list_detail"))

    assertContains(response, 'method="get" action="/en/lists/2024/batch-1/"')
    assertContains(response, 'hx-get="/en/lists/2024/batch-1/" hx-target="#entries-table"')
    assertNotContains(response, "hx-on")


def test_a_correction_has_its_own_page(client: Client, cycle: ListCycle) -> None:
    build_correction(cycle)

    correction = client.get(_edition_url("annual_list_detail", edition=2))
    replaced = client.get(_edition_url("annual_list_detail"))

    assert correction.status_code == 200
    assert _fact(correction, "predecessor") == "2024 list (2024/batch-1)"
    assert _fact(correction, "document-number") == "川改办〔2024〕2号"
    assert _figure(correction, "entries") == "4"
    assert _fact(replaced, "status") == "Superseded (5 Mar 2024)"


@pytest.mark.parametrize(
    "path",
    [
        "/en/lists/2025/batch-1/",  # a draft
        "/en/lists/2025/batch-1/diff/",
        "/en/lists/2025/batch-1/take-up/",
        "/en/lists/2025/batch-1/take-up.csv",
        "/en/lists/2025/batch-1/take-up.xlsx",
        "/en/lists/2025/batch-1/diff.xlsx",
        "/en/lists/2024/batch-2/",  # no such batch
        "/en/lists/2024/batch-1/e3/",  # no such edition
        "/en/lists/2024/batch-1/diff/?against=nonsense",
        "/en/lists/2024/batch-1/diff/?against=2024/batch-x",
        "/en/lists/2024/batch-1/diff/?against=2025/batch-1",  # a draft
        "/en/lists/2024/batch-1/diff.xlsx?against=1999/batch-1",
        "/en/lists/2023/batch-1/diff.xlsx",  # no predecessor and nothing asked for
    ],
)
def test_drafts_and_unknown_editions_are_not_found(
    client: Client, cycle: ListCycle, path: str
) -> None:
    assert client.get(path).status_code == 404


def test_an_approved_but_unpublished_edition_is_not_public(
    client: Client, cycle: ListCycle
) -> None:
    list_fixtures.list_services.submit_annual_list_for_review(
        annual_list=cycle.draft, submitted_by=SYSTEM
    )
    list_fixtures.list_services.approve_annual_list(
        annual_list=cycle.draft,
        approved_by=SYSTEM,
        approved_on=list_fixtures.D(2025, 1, 5),
        document_number="川改办〔2025〕1号",
    )
    assert AnnualList.objects.get(pk=cycle.draft.pk).status == "approved"
    assert client.get("/en/lists/2025/batch-1/").status_code == 404
    assertNotContains(client.get(_url("annual_list_list")), "2025/batch-1")


# --- The diff -------------------------------------------------------------------------------------


def _difference(
    response: HttpResponse, sequence: int
) -> tuple[str, list[tuple[str, str, str]], str]:
    """The kind of one difference, its (field, before, after) rows and its reason."""
    match = re.search(
        rf'data-difference="(\w+)" data-sequence="{sequence}">(.*?)</tr>',
        _text(response),
        re.DOTALL,
    )
    assert match is not None, f"no difference for entry {sequence}"
    rows = re.findall(
        r'data-field="\w+"><span data-value="label">([^<]*)</span>: '
        r'<span data-value="before">(.*?)</span> → <span data-value="after">(.*?)</span></li>',
        match.group(2),
    )
    reason = re.search(r'data-value="reason">(.*?)</span>\s*</td>', match.group(2))
    assert reason is not None
    words = lambda html: re.sub(r"<[^>]+>", "", html)  # noqa: E731 — the text, without lang marks
    return (
        match.group(1),
        [(label, words(before), words(after)) for label, before, after in rows],
        words(reason.group(1)),
    )


def test_diff_against_the_predecessor_counts_and_explains_each_difference(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(_edition_url("annual_list_diff"))

    assert response.status_code == 200
    assert [_figure(response, kind) for kind in ("added", "removed", "modified", "unchanged")] == [
        "1",
        "1",
        "2",
        "1",
    ]
    assertContains(response, '<strong data-edition="old">2023/batch-1</strong>')
    assert _difference(response, 1) == (
        "modified",
        [("Mode", "Delegate", "Entrust")],
        list_fixtures.LAW_FIRMS_REASON,
    )
    assert _difference(response, 2) == (
        "modified",
        [("Receiving areas", "East Zone", "East Zone, West Zone")],
        list_fixtures.LEGAL_AID_REASON,
    )
    assert _difference(response, 4) == (
        "removed",
        [
            ("Mode", "Support", "—"),
            ("Granting department", "Department of Finance", "—"),
            ("Receiving areas", "All pilot areas of the batch", "—"),
        ],
        list_fixtures.TAX_REASON,
    )
    assert _difference(response, 5) == (
        "added",
        [
            ("Mode", "—", "Support"),
            ("Granting department", "—", "Department of Finance"),
            ("Receiving areas", "—", "North Zone"),
        ],
        list_fixtures.FISCAL_REASON,
    )
    unchanged = re.findall(r'data-difference="unchanged" data-sequence="(\d+)">(.*?)</tr>',
                           _text(response), re.DOTALL)  # fmt: skip
    assert [sequence for sequence, _row in unchanged] == ["3"]
    assert "Sci-tech SME confirmation" in unchanged[0][1]
    assert 'href="/en/matters/' in unchanged[0][1]
    assertContains(response, 'href="/en/lists/2024/batch-1/diff.xlsx"')


def test_diff_in_chinese_labels_codes_in_chinese(client: Client, cycle: ListCycle) -> None:
    response = client.get(_edition_url("annual_list_diff", language="zh-hans"))

    assert _difference(response, 1)[1][0][1:] == ("下放", "委托")
    assert _difference(response, 2)[1][0][1:] == ("东区", "东区、西区")


def test_diff_against_any_edition_by_key(client: Client, cycle: ListCycle) -> None:
    correction = build_correction(cycle)

    # The correction against its predecessor: one condition added.
    to_predecessor = client.get(_edition_url("annual_list_diff", edition=2))
    # The correction against the year before: the 2024 changes and the correction together.
    to_2023 = client.get(_edition_url("annual_list_diff", edition=2, query="against=2023/batch-1"))

    assert correction.key == "2024/batch-1/e2"
    assert [
        _figure(to_predecessor, kind) for kind in ("added", "removed", "modified", "unchanged")
    ] == [
        "0",
        "0",
        "1",
        "3",
    ]
    assert _difference(to_predecessor, 3) == (
        "modified",
        [("Conditions", "—", "Only for enterprises registered in the area.")],
        "Correction of a drafting error.",
    )
    assert [_figure(to_2023, kind) for kind in ("added", "removed", "modified", "unchanged")] == [
        "1",
        "1",
        "3",
        "0",
    ]
    assertContains(to_2023, '<option value="2023/batch-1" selected>')
    assertContains(to_2023, 'href="/en/lists/2024/batch-1/e2/diff.xlsx?against=2023%2Fbatch-1"')


def test_a_first_edition_offers_a_choice_instead_of_a_diff(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(_edition_url("annual_list_diff", year=2023))

    assert response.status_code == 200
    assertContains(response, "This edition has no predecessor")
    assertNotContains(response, "data-figure")
    assertContains(response, '<option value="2024/batch-1">')

    reversed_diff = client.get(
        _edition_url("annual_list_diff", year=2023, query="against=2024/batch-1")
    )

    # Seen from 2023, the matter 2024 withdrew is one 2023 has and 2024 added one it lacks.
    assert [
        _figure(reversed_diff, kind) for kind in ("added", "removed", "modified", "unchanged")
    ] == [
        "1",
        "1",
        "2",
        "1",
    ]
    assert _difference(reversed_diff, 1)[1] == [("Mode", "Entrust", "Delegate")]


def test_diff_download_has_the_same_differences_as_the_page(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(_edition_url("annual_list_diff_xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="2024-batch-1-against-2023-batch-1.xlsx"'
    )
    sheets = _workbook_rows(response)
    assert sheets["Summary"] == [
        ["Edition", "2024/batch-1"],
        ["Compared with", "2023/batch-1"],
        ["Added", 1],
        ["Removed", 1],
        ["Modified", 2],
        ["Unchanged", 1],
    ]
    header, *rows = sheets["Differences"]
    assert header == [
        "Change",
        "No.",
        "Matter code",
        "Matter",
        "Field",
        "Before",
        "After",
        "Reason",
    ]
    law_firms = ["Modified", 1, "511A0000000001", "Approval of law firms"]
    legal_aid = ["Modified", 2, "511A0000000002", "Legal aid subsidies"]
    tax = ["Removed", 4, None, "Tax administration support"]
    fiscal = ["Added", 5, None, "Fiscal administration support"]
    finance = "Department of Finance"
    assert rows == [
        [*law_firms, "Mode", "Delegate", "Entrust", list_fixtures.LAW_FIRMS_REASON],
        [*legal_aid, "Receiving areas", "East Zone", "East Zone, West Zone", LEGAL_AID_REASON],
        ["Unchanged", 3, "511A0000000003", "Sci-tech SME confirmation", None, None, None, None],
        [*tax, "Mode", "Support", "—", list_fixtures.TAX_REASON],
        [*tax, "Granting department", finance, "—", list_fixtures.TAX_REASON],
        [*tax, "Receiving areas", "All pilot areas of the batch", "—", list_fixtures.TAX_REASON],
        [*fiscal, "Mode", "—", "Support", list_fixtures.FISCAL_REASON],
        [*fiscal, "Granting department", "—", finance, list_fixtures.FISCAL_REASON],
        [*fiscal, "Receiving areas", "—", "North Zone", list_fixtures.FISCAL_REASON],
    ]


def test_diff_download_in_chinese_and_against_another_key(client: Client, cycle: ListCycle) -> None:
    response = client.get(
        _edition_url(
            "annual_list_diff_xlsx", year=2023, language="zh-hans", query="against=2024/batch-1"
        )
    )

    assert response["Content-Disposition"] == (
        'attachment; filename="2023-batch-1-against-2024-batch-1.xlsx"'
    )
    (summary, differences) = _workbook_rows(response).values()
    assert summary[:2] == [[summary[0][0], "2023/batch-1"], [summary[1][0], "2024/batch-1"]]
    assert differences[1][3:7] == ["律师事务所设立审批", differences[1][4], "委托", "下放"]


# --- The take-up matrix ---------------------------------------------------------------------------

ALL_STATUSES = (
    "awaiting_effect",
    "awaiting_agreement",
    "effective",
    "handed_over",
    "recalled",
    "superseded",
)


def test_take_up_matrix_shows_each_grant_by_entry_and_area(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(_edition_url("annual_list_take_up"))

    assert response.status_code == 200
    assert _zones(response) == ["east", "west", "north"]
    assert _matrix(response) == {
        1: ["handed_over", "effective", "effective"],
        2: ["effective", "awaiting_agreement", None],
        3: ["effective", "effective", "recalled"],
        5: [None, None, "effective"],
    }
    assert {status: _figure(response, status) for status in ALL_STATUSES} == {
        "awaiting_effect": "0",
        "awaiting_agreement": "1",
        "effective": "6",
        "handed_over": "1",
        "recalled": "1",
        "superseded": "0",
    }
    assertContains(response, 'data-rows="4" data-columns="3"')
    assertContains(
        response,
        '<strong class="govuk-tag govuk-tag--teal app-grant" data-status="handed_over" '
        'title="Handed over · effective on 9 Apr 2023 · handover due on 22 May 2023 · '
        'handed over on 10 May 2023">Handed over</strong>',
    )
    assertContains(
        response,
        'data-status="recalled" title="Recalled · effective on 9 Apr 2023 · handover due on '
        '22 May 2023 · ended on 1 Jun 2024">Recalled</strong>',
    )
    assertContains(response, 'class="app-table-scroll app-table-scroll--sticky"')


def test_the_superseded_edition_shows_its_grants_superseded_or_recalled(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(_edition_url("annual_list_take_up", year=2023))

    assert _matrix(response) == {
        1: ["superseded", "superseded", "superseded"],
        2: ["superseded", None, None],
        3: ["superseded", "superseded", "superseded"],
        4: ["recalled", "recalled", "recalled"],
    }


@pytest.mark.parametrize(
    ("query", "zones", "matrix"),
    [
        (
            "status=effective",
            ["east", "west", "north"],
            {
                1: [None, "effective", "effective"],
                2: ["effective", None, None],
                3: ["effective", "effective", None],
                5: [None, None, "effective"],
            },
        ),
        ("zone=north", ["north"], {1: ["effective"], 3: ["recalled"], 5: ["effective"]}),
        ("department=finance", ["north"], {5: ["effective"]}),
        ("kind=power&status=awaiting_agreement", ["west"], {2: ["awaiting_agreement"]}),
        ("kind=support", ["north"], {5: ["effective"]}),
        ("status=superseded", [], {}),
    ],
)
def test_take_up_filters(
    client: Client,
    cycle: ListCycle,
    query: str,
    zones: list[str],
    matrix: dict[int, list[str | None]],
) -> None:
    response = client.get(_edition_url("annual_list_take_up", query=query))

    assert _zones(response) == zones
    assert _matrix(response) == matrix
    statuses = [status for row in matrix.values() for status in row if status]
    for status in ALL_STATUSES:
        assert _figure(response, status) == str(statuses.count(status))


def test_take_up_ignores_an_unknown_filter_value_and_says_so(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(_edition_url("annual_list_take_up", query="status=lost&zone=north"))

    assertContains(response, "govuk-error-message")
    assert _zones(response) == ["north"]


def test_take_up_sends_an_address_of_the_old_area_filter_to_the_zone_filter(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(_edition_url("annual_list_take_up", query="area=north&kind=power"))

    assert response.status_code == 301
    assert response["Location"] == _edition_url(
        "annual_list_take_up", query="kind=power&zone=north"
    )
    assert _zones(client.get(response["Location"])) == ["north"]


def test_take_up_filter_answers_htmx_with_the_partial_only(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(
        _edition_url("annual_list_take_up", query="zone=north"),
        headers={**HTMX, "HX-Target": "take-up-matrix"},
    )

    assert _text(response).lstrip().startswith('<section id="take-up-matrix"')
    assert "<html" not in _text(response)
    assert "<form" not in _text(response)
    assert _zones(response) == ["north"]
    # The downloads follow the filters.
    assertContains(response, 'href="/en/lists/2024/batch-1/take-up.csv?zone=north"')
    assertContains(response, 'href="/en/lists/2024/batch-1/take-up.xlsx?zone=north"')


def test_take_up_csv_has_the_matrix_with_full_status_labels(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(_edition_url("annual_list_take_up_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="take-up-2024-batch-1.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    columns = ["Matter code", "Matter", "Kind", "Mode", "Granting department"]
    law_firms = ["1", "511A0000000001", "Approval of law firms", "Power", "Entrust"]
    legal_aid = ["2", "511A0000000002", "Legal aid subsidies", "Power", "Entrust"]
    sci_tech = ["3", "511A0000000003", "Sci-tech SME confirmation", "Power", "Delegate"]
    fiscal = ["5", "", "Fiscal administration support", "Support matter", "Support"]
    justice, finance = "Department of Justice", "Department of Finance"
    waiting = "Awaiting the entrustment agreement"
    assert rows == [
        ["No.", *columns, "East Zone", "West Zone", "North Zone"],
        [*law_firms, justice, "Handed over", "Effective", "Effective"],
        [*legal_aid, justice, "Effective", waiting, ""],
        [*sci_tech, "Department of Science", "Effective", "Effective", "Recalled"],
        [*fiscal, finance, "", "", "Effective"],
    ]


def test_take_up_xlsx_follows_the_filters_and_the_language(
    client: Client, cycle: ListCycle
) -> None:
    response = client.get(
        _edition_url("annual_list_take_up_xlsx", language="zh-hans", query="kind=power&zone=east")
    )

    assert response["Content-Disposition"] == 'attachment; filename="take-up-2024-batch-1.xlsx"'
    ((_title, rows),) = _workbook_rows(response).items()
    assert [row[0] for row in rows[1:]] == [1, 2, 3]
    assert [row[2] for row in rows[1:]] == [
        "律师事务所设立审批",
        "法律援助补贴发放",
        "科技型中小企业评价确认",
    ]
    assert rows[0][-1] == "东区"
    assert len(rows[0]) == 7
    assert [row[5] for row in rows[1:]] == ["四川省司法厅", "四川省司法厅", "四川省科学技术厅"]
