"""Staff lists brought onto the one list mechanism: each pages with a count in a fixed number of
queries, and filters as its API does."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from devolve.accounts.models import User
from devolve.assessments.models import AssessmentRound
from devolve.assessments.tests.factories import AssessmentRoundFactory
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.models import AnnualList, ListImport
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory
from devolve.selection.models import SelectionRound

pytestmark = pytest.mark.django_db


def _url(name: str) -> str:
    with translation.override("en"):
        return reverse(f"dashboards:{name}")


def test_the_assessment_rounds_page_in_a_fixed_number_of_queries(
    client: Client, office_user: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    AssessmentRoundFactory.create_batch(60, annual_list=AnnualListFactory(published=True))
    client.force_login(office_user)

    with django_assert_max_num_queries(12):
        response = client.get(_url("assessment_round_list"), {"per_page": "25", "page": "2"})

    assert response.context["count"] == 60
    assert len(response.context["table"].page.object_list) == 25
    assert "data-list-pager" in response.content.decode()


def test_the_assessment_rounds_filter_as_the_api_does(client: Client, office_user: User) -> None:
    edition = AnnualListFactory(published=True, year=2023)
    wanted = AssessmentRoundFactory(annual_list=edition, status=AssessmentRound.Status.SCORING)
    AssessmentRoundFactory(annual_list=edition)
    AssessmentRoundFactory(annual_list=AnnualListFactory(published=True, year=2025))
    client.force_login(office_user)
    query = {"year": "2023", "status": "scoring"}

    page = client.get(_url("assessment_round_list"), query)
    api = client.get("/api/v1/assessment-rounds/", query)

    assert [row.record for row in page.context["table"].paginated_rows] == [wanted]
    assert [item["id"] for item in api.json()["results"]] == [wanted.pk]


def test_the_editions_page_in_a_fixed_number_of_queries(
    client: Client, office_user: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for year in range(2030, 2090):
        AnnualListFactory(year=year)
    client.force_login(office_user)

    with django_assert_max_num_queries(12):
        response = client.get(_url("annual_list_list"), {"per_page": "25", "page": "2"})

    assert response.context["count"] == AnnualList.objects.count()
    assert len(response.context["table"].page.object_list) == 25
    assert "data-list-pager" in response.content.decode()


def test_the_editions_filter_as_the_api_does(client: Client, office_user: User) -> None:
    wanted = AnnualListFactory(year=2031)
    AnnualListFactory(year=2032)
    client.force_login(office_user)

    page = client.get(_url("annual_list_list"), {"year": "2031"})
    api = client.get("/api/v1/annual-lists/", {"year": "2031"})

    assert [row.record for row in page.context["table"].paginated_rows] == [wanted]
    assert [item["key"] for item in api.json()["results"]] == [wanted.key]


def test_the_import_page_pages_editions_and_imports_in_fixed_queries(
    client: Client,
    office_user: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    editions = [AnnualListFactory(year=year) for year in range(2030, 2090)]
    ListImport.objects.bulk_create(
        ListImport(
            annual_list=edition, original_name=f"{edition.year}.xlsx", created_by=office_user
        )
        for edition in editions
    )
    client.force_login(office_user)

    with django_assert_max_num_queries(14):
        response = client.get(
            _url("list_import_list"), {"per_page": "25", "editions-per_page": "25"}
        )

    html = response.content.decode()
    assert response.context["count"] == 60
    assert response.context["editions"].list_state.count == AnnualList.objects.count()
    assert "editions-page=2" in html
    assert "?per_page=25&amp;editions-per_page=25&amp;page=2" in html


def _selection_rounds(count: int) -> list[SelectionRound]:
    return SelectionRound.objects.bulk_create(
        SelectionRound(
            slug=f"round-{number}",
            year=2030 + number % 5,
            title_zh=f"第{number}轮遴选",
            title_en=f"Round {number}",
            batch_number=number + 3,
            candidates_as_of=datetime.date(2030, 1, 1),
            selection_size=3,
        )
        for number in range(count)
    )


def test_the_selection_rounds_page_in_a_fixed_number_of_queries(
    client: Client, office_user: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    _selection_rounds(60)
    client.force_login(office_user)

    with django_assert_max_num_queries(12):
        response = client.get(_url("selection_round_list"), {"per_page": "25", "page": "2"})

    assert response.context["count"] == SelectionRound.objects.count()
    assert len(response.context["table"].page.object_list) == 25
    assert "data-list-pager" in response.content.decode()


def test_the_selection_rounds_filter_as_the_api_does(client: Client, office_user: User) -> None:
    rounds = _selection_rounds(5)
    client.force_login(office_user)

    page = client.get(_url("selection_round_list"), {"year": "2032"})
    api = client.get("/api/v1/selection-rounds/", {"year": "2032"})

    assert [row.record.slug for row in page.context["table"].paginated_rows] == [rounds[2].slug]
    assert [item["slug"] for item in api.json()["results"]] == [rounds[2].slug]


def test_what_is_owed_pages_each_list_in_a_fixed_number_of_queries(
    client: Client, office_user: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    entry = ListEntryFactory(annual_list=AnnualListFactory(published=True))
    GrantFactory.create_batch(60, entry=entry, effective=True)
    client.force_login(office_user)

    with django_assert_max_num_queries(16):
        response = client.get(_url("grant_owed_list"), {"handovers-per_page": "25"})

    handovers = response.context["handovers"]
    assert handovers.list_state.count == 60
    assert len(handovers.page.object_list) == 25
    assert "handovers-page=2" in response.content.decode()


def test_grants_by_area_page_and_download_in_a_fixed_number_of_queries(
    client: Client, office_user: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    entry = ListEntryFactory(annual_list=AnnualListFactory(published=True))
    GrantFactory.create_batch(60, entry=entry, effective=True)
    client.force_login(office_user)

    with django_assert_max_num_queries(14):
        response = client.get(_url("grant_area_overview"), {"per_page": "25", "sort": "-total"})
    download = client.get(_url("grant_area_overview"), {"export": "csv"})

    assert response.context["count"] == 60
    assert len(response.context["table"].page.object_list) == 25
    assert "data-list-pager" in response.content.decode()
    assert len(download.content.decode("utf-8-sig").strip().splitlines()) == 61


def test_grants_by_area_shows_an_area_with_nothing_overdue(
    client: Client, office_user: User
) -> None:
    GrantFactory(entry=ListEntryFactory(annual_list=AnnualListFactory(published=True)))
    client.force_login(office_user)

    response = client.get(_url("grant_area_overview"))

    assert response.status_code == 200
    assert 'data-overdue="0"' in response.content.decode()
