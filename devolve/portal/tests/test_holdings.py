"""The public page of a pilot area and of a matter: held now, changed and why, used, timeline;
their reads aggregated in SQL with a constant number of queries."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries
from pytest_django.asserts import assertContains, assertNotContains

from devolve.assessments.selectors import with_assessment_behind
from devolve.grants.models import Grant
from devolve.grants.selectors import HoldingChange, list_grant_changes
from devolve.matters.models import Matter
from devolve.portal.tests.holding_fixtures import (
    ADJUST_REASON,
    RECALL_REASON,
    WITHDRAWAL_REASON,
    Holdings,
    build_holdings,
)
from devolve.reporting.selectors import accepted_usage_by_area, accepted_usage_by_period

PAGE_QUERIES = 25


@pytest.fixture
def holdings(db: None) -> Holdings:
    return build_holdings()


def _url(name: str, *, language: str = "en", **kwargs: object) -> str:
    with translation.override(language):
        return reverse(f"portal:{name}", kwargs=kwargs)


def _count(html: str, section: str) -> int:
    match = re.search(rf'<section id="{section}">\s*<p class="govuk-body" data-count="(\d+)"', html)
    assert match is not None, f"no count in #{section}"
    return int(match.group(1))


def _rows(html: str, attribute: str) -> list[str]:
    return re.findall(rf'<tr [^>]*{attribute}="([^"]+)"', html)


# Selectors ----------------------------------------------------------------------------------


def test_changes_name_each_kind_of_change_and_leave_kept_grants_out(holdings: Holdings) -> None:
    changes = {grant.entry.matter_id: grant for grant in list_grant_changes(zone=holdings.alpha)}
    assert {matter: grant.change_kind for matter, grant in changes.items()} == {
        holdings.recalled.pk: HoldingChange.RECALLED,
        holdings.withdrawn.pk: HoldingChange.WITHDRAWN,
        holdings.adjusted.pk: HoldingChange.ADJUSTED,
        holdings.narrowed.pk: HoldingChange.NARROWED,
        holdings.unlisted.pk: HoldingChange.UNLISTED,
    }
    assert changes[holdings.withdrawn.pk].successor_reason == WITHDRAWAL_REASON
    assert changes[holdings.adjusted.pk].successor_reason == ADJUST_REASON
    assert changes[holdings.recalled.pk].end_reason == RECALL_REASON


def test_a_change_carries_the_assessment_behind_it(holdings: Holdings) -> None:
    withdrawn = with_assessment_behind(
        list_grant_changes(zone=holdings.alpha).filter(entry__matter=holdings.withdrawn)
    ).get()
    assert (withdrawn.decision, withdrawn.decision_reason) == ("withdraw", WITHDRAWAL_REASON)
    assert (withdrawn.recommendation, withdrawn.assessed_score) == ("withdraw", 41)
    kept_matter = list_grant_changes(zone=holdings.alpha).filter(entry__matter=holdings.adjusted)
    assert with_assessment_behind(kept_matter).get().decision is None


def test_usage_counts_accepted_reports_only(holdings: Holdings) -> None:
    periods = accepted_usage_by_period(zone=holdings.alpha)
    assert [
        (period.label, period.cases_received, period.cases_completed) for period in periods
    ] == [("2024 Q1", 5 * len(holdings.new_grants), 4 * len(holdings.new_grants))]
    by_area = accepted_usage_by_area(matter=holdings.kept)
    assert [(area.zone_slug, area.cases_received, area.periods) for area in by_area] == [
        ("alpha", 5, 1)
    ]
    assert accepted_usage_by_period(matter=holdings.withdrawn) == []


# The area page ------------------------------------------------------------------------------


def test_area_page_lists_what_the_area_holds_in_the_edition_in_force(
    client: Client, holdings: Holdings
) -> None:
    response = client.get(_url("zone_detail", slug=holdings.alpha.slug))
    html = response.content.decode()
    held = Grant.objects.filter(zone=holdings.alpha, entry__annual_list=holdings.new)
    assert _count(html, "held-grants") == held.count()
    grants = _rows(html, "data-grant")
    assert sorted(grants) == sorted(
        f"{holdings.new.key}:{grant.entry.matter.key}:alpha" for grant in held
    )
    assertContains(
        response, f'data-figure="powers" data-edition="{holdings.new.key}">{held.count()}<'
    )
    # Each matter links to its page; the cases are the accepted quarter's only.
    assertContains(response, holdings.kept.get_absolute_url())
    assertNotContains(response, ">100<")


def test_area_page_shows_an_earlier_edition_when_asked(client: Client, holdings: Holdings) -> None:
    response = client.get(
        _url("zone_detail", slug=holdings.alpha.slug), {"annual_list": holdings.old.key}
    )
    old = Grant.objects.filter(zone=holdings.alpha, entry__annual_list=holdings.old).count()
    assert _count(response.content.decode(), "held-grants") == old


def test_area_page_explains_each_change_with_its_reason_and_assessment(
    client: Client, holdings: Holdings
) -> None:
    response = client.get(_url("zone_detail", slug=holdings.alpha.slug))
    html = response.content.decode()
    assert sorted(re.findall(r'data-change="([a-z]+)"', html)) == sorted(
        ["recalled", "withdrawn", "adjusted", "narrowed", "unlisted"]
    )
    for text in (RECALL_REASON, WITHDRAWAL_REASON, ADJUST_REASON, "2023 assessment"):
        assertContains(response, text)


def test_area_timeline_is_in_date_order(client: Client, holdings: Holdings) -> None:
    html = client.get(_url("zone_detail", slug=holdings.alpha.slug)).content.decode()
    days = re.findall(r'<li data-day="([0-9-]+)">', html)
    assert days == sorted(days)
    assert "2023-01-01" in days  # joined the batch
    assert "2024-03-10" in days  # the 2024 edition published


def test_area_page_queries_do_not_grow_with_the_grants(
    client: Client, db: None, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    small = build_holdings()
    url = _url("zone_detail", slug=small.alpha.slug)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    large = build_holdings(extra_kept=30, batch_number=8, prefix="large-")
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(_url("zone_detail", slug=large.alpha.slug))
    assert _count(response.content.decode(), "held-grants") == len(large.new_grants)
    with CaptureQueriesContext(connection) as many:
        client.get(_url("zone_detail", slug=large.alpha.slug))
    assert len(many) == len(few)


def test_unknown_area_is_404(client: Client, db: None) -> None:
    assert client.get(_url("zone_detail", slug="nowhere")).status_code == 404


# The matter page ----------------------------------------------------------------------------


def test_matter_page_says_where_since_when_in_which_editions_and_how_used(
    client: Client, holdings: Holdings
) -> None:
    response = client.get(holdings.kept.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    entries = response.context["entries"].paginated_rows
    assert [row.record.annual_list.key for row in entries] == [holdings.old.key, holdings.new.key]
    assert html.count(f'data-edition="{holdings.new.key}"') >= 1
    assert _count(html, "held-grants") == 1
    assertContains(response, holdings.alpha.get_absolute_url())
    assertContains(response, "2023-04-09")  # held since the 2023 grant took effect
    by_area = response.context["usage_by_area"].paginated_rows
    assert [(row.record.zone_slug, row.record.cases_received) for row in by_area] == [("alpha", 5)]
    assert [row.record.cases_received for row in response.context["usage"].paginated_rows] == [5]


def test_matter_page_lists_where_it_was_withdrawn(client: Client, holdings: Holdings) -> None:
    response = client.get(holdings.withdrawn.get_absolute_url())
    assertContains(response, 'data-change="withdrawn"')
    assertContains(response, WITHDRAWAL_REASON)


def test_matter_page_queries_do_not_grow(
    client: Client, holdings: Holdings, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(PAGE_QUERIES):
        client.get(holdings.kept.get_absolute_url())


def test_unknown_matter_is_404(client: Client, db: None) -> None:
    assert client.get(_url("matter_detail", key="zzzzzzzz")).status_code == 404


def test_a_matter_keeps_its_page_when_renamed_or_recoded(
    client: Client, holdings: Holdings
) -> None:
    url = holdings.kept.get_absolute_url()
    Matter.objects.filter(pk=holdings.kept.pk).update(code="511X9999", name_zh="改名后的事项")
    assertContains(client.get(url), "改名后的事项")


# Links from lists, grids and diffs -----------------------------------------------------------


def test_lists_grids_and_diffs_link_to_the_matter_and_area_pages(
    client: Client, holdings: Holdings
) -> None:
    edition = {"year": 2024, "batch": holdings.batch.number}
    pages = [
        _url("matter_list"),
        _url("annual_list_detail", **edition),
        _url("annual_list_take_up", **edition),
        _url("annual_list_diff", **edition),
    ]
    for page in pages:
        assertContains(client.get(page), holdings.kept.get_absolute_url())
    assertContains(
        client.get(_url("annual_list_take_up", **edition)), holdings.alpha.get_absolute_url()
    )
    assertContains(
        client.get(_url("annual_list_detail", **edition)), holdings.beta.get_absolute_url()
    )


def test_a_superseded_edition_keeps_its_address_and_names_its_successor(
    client: Client, holdings: Holdings
) -> None:
    edition = {"year": 2023, "batch": holdings.batch.number}
    for page in ("annual_list_detail", "annual_list_take_up"):
        response = client.get(_url(page, **edition))
        assert response.status_code == 200
        assertContains(response, f'data-superseded-by="{holdings.new.key}"')
        assertContains(response, holdings.new.get_absolute_url())
    current = client.get(_url("annual_list_detail", year=2024, batch=holdings.batch.number))
    assertNotContains(current, 'id="superseded"')
