"""Public pages: figures computed from the registry, both languages, dates, filters, partials."""

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains
from time_machine import TimeMachineFixture

from devolve.demo import sichuan
from devolve.demo.testing import seeded_demo
from devolve.matters.models import Matter
from devolve.matters.tests.factories import DepartmentFactory, MatterFactory, matter_type
from devolve.regions.models import Batch, Zone
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)

TODAY = datetime.date(2025, 6, 1)
BEFORE_BATCH_2 = datetime.date(2024, 6, 1)
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _today(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(
        datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=ZoneInfo("Asia/Shanghai")),
        tick=False,
    )


@pytest.fixture
def demo(db: None) -> None:
    seeded_demo(with_users=False)


def _url(name: str, *, language: str = "zh-hans", **kwargs: object) -> str:
    with translation.override(language):
        return reverse(f"portal:{name}", kwargs=kwargs or None)


def _zone_slugs(response: HttpResponse) -> list[str]:
    """Slugs of the pilot-area rows as rendered (each row carries ``data-zone``)."""
    return re.findall(r'data-zone="([^"]+)"', response.content.decode())


def _html_lang(response: HttpResponse) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match is not None, "the page has no <html lang>"
    return match.group(1)


@dataclass(frozen=True)
class SmallRegistry:
    """Three pilot areas in two batches, plus a zone that has never been a pilot."""

    first_batch: Batch
    second_batch: Batch
    chengdu_new_area: Zone
    chengdu_unconfirmed_etdz: Zone
    zigong_high_tech_zone: Zone
    chengdu_candidate: Zone


@pytest.fixture
def small_registry(db: None) -> SmallRegistry:
    first_batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    second_batch = BatchFactory(number=2, starts_on=datetime.date(2024, 12, 2))
    chengdu_new_area = ZoneFactory(
        slug="alpha-new-area", kind=Zone.Kind.NEW_AREA, level=Zone.Level.NATIONAL
    )
    chengdu_unconfirmed_etdz = ZoneFactory(slug="beta-etdz", kind=Zone.Kind.ETDZ, level="")
    zigong_high_tech_zone = ZoneFactory(
        slug="gamma-high-tech-zone",
        kind=Zone.Kind.HIGH_TECH_ZONE,
        level=Zone.Level.PROVINCIAL,
        prefecture=prefecture("510300"),
    )
    chengdu_candidate = ZoneFactory(
        slug="delta-candidate", kind=Zone.Kind.NEW_AREA, level=Zone.Level.NATIONAL
    )
    BatchMembershipFactory(batch=first_batch, zone=chengdu_new_area)
    BatchMembershipFactory(batch=second_batch, zone=chengdu_unconfirmed_etdz)
    BatchMembershipFactory(batch=first_batch, zone=zigong_high_tech_zone)
    return SmallRegistry(
        first_batch=first_batch,
        second_batch=second_batch,
        chengdu_new_area=chengdu_new_area,
        chengdu_unconfirmed_etdz=chengdu_unconfirmed_etdz,
        zigong_high_tech_zone=zigong_high_tech_zone,
        chengdu_candidate=chengdu_candidate,
    )


# Overview ---------------------------------------------------------------------------------------


def test_overview_shows_the_demo_programme_figures(client: Client, demo: None) -> None:
    response = client.get(_url("overview"))

    assert response.status_code == 200
    shape = response.context["shape"]
    assert (shape.batches, shape.pilot_areas, shape.prefectures_covered) == (2, 18, 14)
    assert (shape.new_areas_included, shape.new_areas_total) == (5, 5)
    assert shape.prefectures_total == 21
    assert shape.areas_per_batch == {1: 9, 2: 9}
    assert list(shape.areas_per_prefecture.items())[:3] == [
        ("510100", 3),
        ("510700", 2),
        ("511500", 2),
    ]
    assert shape.areas_per_prefecture == Counter(
        zone.prefecture_code for zone in sichuan.ZONES if zone.batch is not None
    )
    assertInHTML(
        '<tr class="govuk-table__row" data-prefecture="510100"><td class="govuk-table__cell">'
        '<a class="govuk-link" href="/prefectures/510100/">成都市</a></td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">3</td></tr>',
        response.content.decode(),
    )
    assertInHTML(
        '<span class="app-figure" data-figure="batches">2</span>', response.content.decode()
    )
    assertInHTML(
        '<span class="app-figure" data-figure="pilot-areas">18</span>', response.content.decode()
    )
    assertInHTML(
        '<span class="app-figure" data-figure="prefectures-covered">14</span>',
        response.content.decode(),
    )
    assertInHTML(
        '<span class="app-figure" data-figure="new-areas">5/5</span>', response.content.decode()
    )


def test_overview_queries_do_not_grow_with_batches(
    client: Client, small_registry: SmallRegistry
) -> None:
    with CaptureQueriesContext(connection) as two_batches:
        client.get(_url("overview"))
    third = BatchFactory(number=3, starts_on=datetime.date(2025, 6, 1))
    BatchMembershipFactory(batch=third, zone=small_registry.chengdu_candidate)

    with CaptureQueriesContext(connection) as three_batches:
        response = client.get(_url("overview"))

    assert response.context["shape"].areas_per_batch == {1: 2, 2: 1, 3: 1}
    assert [batch for batch, _count in response.context["per_batch"]] == [
        small_registry.first_batch,
        small_registry.second_batch,
        third,
    ]
    assert len(three_batches.captured_queries) == len(two_batches.captured_queries)


def test_overview_figures_follow_a_different_registry(
    client: Client, small_registry: SmallRegistry
) -> None:
    response = client.get(_url("overview"))

    shape = response.context["shape"]
    chengdu = small_registry.chengdu_new_area.prefecture
    zigong = small_registry.zigong_high_tech_zone.prefecture
    assert (shape.batches, shape.pilot_areas, shape.prefectures_covered) == (2, 3, 2)
    assert shape.areas_per_prefecture == {chengdu.code: 2, zigong.code: 1}
    assert shape.areas_per_batch == {
        small_registry.first_batch.number: 2,
        small_registry.second_batch.number: 1,
    }
    # The candidate is a new area outside the pilot, so one of two new areas is included.
    assert (shape.new_areas_included, shape.new_areas_total) == (1, 2)
    assert shape.by_level == {"national": 1, "provincial": 1, "unconfirmed": 1}
    assert shape.by_kind == {"etdz": 1, "high_tech_zone": 1, "new_area": 1}
    assertInHTML(
        '<span class="app-figure" data-figure="pilot-areas">3</span>', response.content.decode()
    )
    assertInHTML(
        '<span class="app-figure" data-figure="new-areas">1/2</span>', response.content.decode()
    )


def test_overview_figures_change_when_a_zone_joins_a_batch(
    client: Client, small_registry: SmallRegistry
) -> None:
    BatchMembershipFactory(batch=small_registry.second_batch, zone=small_registry.chengdu_candidate)

    shape = client.get(_url("overview")).context["shape"]

    assert (shape.pilot_areas, shape.new_areas_included, shape.new_areas_total) == (4, 2, 2)
    assert shape.areas_per_prefecture[small_registry.chengdu_candidate.prefecture.code] == 3


@pytest.mark.parametrize(
    ("language", "html_lang", "chengdu_name"),
    [("zh-hans", "zh-hans", "成都市"), ("en", "en", "Chengdu")],
)
def test_overview_is_served_in_each_language(
    client: Client, demo: None, language: str, html_lang: str, chengdu_name: str
) -> None:
    url = _url("overview", language=language)

    response = client.get(url)

    assert url == ("/" if language == "zh-hans" else "/en/")
    assert _html_lang(response) == html_lang
    chengdu_url = _url("prefecture_detail", language=language, code="510100")
    assertInHTML(
        f'<a class="govuk-link" href="{chengdu_url}">{chengdu_name}</a>',
        response.content.decode(),
    )


def test_unprefixed_address_stays_chinese_whatever_the_browser_prefers(
    client: Client, demo: None
) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert _html_lang(response) == "zh-hans"


def test_overview_on_a_date_before_the_second_batch_counts_the_first_batch_only(
    client: Client, demo: None
) -> None:
    response = client.get(_url("overview"), {"on": BEFORE_BATCH_2.isoformat()})

    shape = response.context["shape"]
    assert response.context["on"] == BEFORE_BATCH_2
    assert response.context["date_error"] is None
    assert (shape.batches, shape.pilot_areas, shape.areas_per_batch) == (1, 9, {1: 9})
    assertInHTML(
        '<span class="app-figure" data-figure="pilot-areas">9</span>', response.content.decode()
    )


@pytest.mark.parametrize("malformed", ["2024-13-45", "yesterday", "2024/06/01"])
def test_overview_with_a_malformed_date_says_so_and_shows_today(
    client: Client, demo: None, malformed: str
) -> None:
    response = client.get(_url("overview", language="en"), {"on": malformed})

    assert response.status_code == 200
    assert response.context["on"] == TODAY
    assert response.context["shape"].pilot_areas == 18
    assertContains(
        response,
        f'<p class="govuk-error-message" role="alert">“{malformed}” is not a date '
        "(use YYYY-MM-DD); showing today.</p>",
        html=True,
    )


def test_overview_without_a_date_shows_no_error(client: Client, demo: None) -> None:
    response = client.get(_url("overview"))

    assert response.context["on"] == TODAY
    assertNotContains(response, "govuk-error-message")


# Pilot area list --------------------------------------------------------------------------------


def test_pilot_area_list_shows_pilot_areas_only(
    client: Client, small_registry: SmallRegistry
) -> None:
    response = client.get(_url("pilot_area_list"))

    assert response.status_code == 200
    assert _zone_slugs(response) == [
        small_registry.chengdu_new_area.slug,
        small_registry.chengdu_unconfirmed_etdz.slug,
        small_registry.zigong_high_tech_zone.slug,
    ]
    assert response.context["count"] == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"batch": "1"}, ["chengdu_new_area", "zigong_high_tech_zone"]),
        ({"batch": "2"}, ["chengdu_unconfirmed_etdz"]),
        ({"prefecture": "510100"}, ["chengdu_new_area", "chengdu_unconfirmed_etdz"]),
        ({"prefecture": "510300"}, ["zigong_high_tech_zone"]),
        ({"kind": "new_area"}, ["chengdu_new_area"]),
        ({"kind": "high_tech_zone"}, ["zigong_high_tech_zone"]),
        ({"level": "national"}, ["chengdu_new_area"]),
        ({"level": "provincial"}, ["zigong_high_tech_zone"]),
        ({"level": "unconfirmed"}, ["chengdu_unconfirmed_etdz"]),
        ({"batch": "1", "prefecture": "510100"}, ["chengdu_new_area"]),
        ({"kind": "industrial_park"}, []),
    ],
)
def test_pilot_area_list_filters(
    client: Client, small_registry: SmallRegistry, query: dict[str, str], expected: list[str]
) -> None:
    response = client.get(_url("pilot_area_list"), query)

    assert _zone_slugs(response) == [getattr(small_registry, name).slug for name in expected]
    assert response.context["count"] == len(expected)


def test_pilot_area_list_on_a_date_before_the_second_batch(client: Client, demo: None) -> None:
    response = client.get(_url("pilot_area_list"), {"on": BEFORE_BATCH_2.isoformat()})

    first_batch_slugs = set(
        Zone.objects.filter(memberships__batch__number=1).values_list("slug", flat=True)
    )
    assert len(first_batch_slugs) == 9
    assert set(_zone_slugs(response)) == first_batch_slugs
    assertContains(response, 'data-count="9"')


def test_pilot_area_list_with_a_malformed_date_says_so_and_lists_today(
    client: Client, demo: None
) -> None:
    response = client.get(_url("pilot_area_list", language="en"), {"on": "2024-02-30"})

    assert response.context["on"] == TODAY
    assert response.context["count"] == 18
    assertContains(
        response,
        '<p class="govuk-error-message" role="alert">“2024-02-30” is not a date '
        "(use YYYY-MM-DD); showing today.</p>",
        html=True,
    )


def test_pilot_area_list_leaves_out_a_zone_between_two_memberships(
    client: Client, small_registry: SmallRegistry
) -> None:
    """A zone that left its batch and rejoins later is not a pilot area in the gap."""
    zone = small_registry.chengdu_candidate
    BatchMembershipFactory(
        batch=small_registry.first_batch,
        zone=zone,
        joined_on=datetime.date(2023, 1, 1),
        left_on=datetime.date(2024, 1, 1),
    )
    BatchMembershipFactory(
        batch=small_registry.second_batch, zone=zone, joined_on=datetime.date(2025, 1, 1)
    )

    response = client.get(_url("pilot_area_list"), {"on": BEFORE_BATCH_2.isoformat()})

    assert _zone_slugs(response) == [
        small_registry.chengdu_new_area.slug,
        small_registry.zigong_high_tech_zone.slug,
    ]


def test_overview_leaves_out_a_zone_between_two_memberships(
    client: Client, small_registry: SmallRegistry
) -> None:
    zone = small_registry.chengdu_candidate
    BatchMembershipFactory(
        batch=small_registry.first_batch,
        zone=zone,
        joined_on=datetime.date(2023, 1, 1),
        left_on=datetime.date(2024, 1, 1),
    )
    BatchMembershipFactory(
        batch=small_registry.second_batch, zone=zone, joined_on=datetime.date(2025, 1, 1)
    )
    client.raise_request_exception = False

    response = client.get(_url("overview"), {"on": BEFORE_BATCH_2.isoformat()})

    assert response.status_code == 200
    assert response.context["shape"].pilot_areas == 2


def test_batch_filter_uses_the_membership_active_on_the_date(
    client: Client, small_registry: SmallRegistry
) -> None:
    """A zone that moved from batch 1 to batch 2 is listed under batch 1 before the move."""
    zone = small_registry.chengdu_candidate
    moved_on = small_registry.second_batch.starts_on
    BatchMembershipFactory(batch=small_registry.first_batch, zone=zone, left_on=moved_on)
    BatchMembershipFactory(batch=small_registry.second_batch, zone=zone, joined_on=moved_on)

    in_second_batch = client.get(
        _url("pilot_area_list"), {"on": BEFORE_BATCH_2.isoformat(), "batch": "2"}
    )
    in_first_batch = client.get(
        _url("pilot_area_list"), {"on": BEFORE_BATCH_2.isoformat(), "batch": "1"}
    )

    assert _zone_slugs(in_second_batch) == []
    assert _zone_slugs(in_first_batch) == [
        small_registry.chengdu_new_area.slug,
        zone.slug,
        small_registry.zigong_high_tech_zone.slug,
    ]


def test_pilot_area_list_answers_htmx_with_the_table_partial_only(
    client: Client, small_registry: SmallRegistry
) -> None:
    response = client.get(
        _url("pilot_area_list"),
        {"prefecture": "510100"},
        headers={**HTMX, "HX-Target": "pilot-areas-table"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith('<section id="pilot-areas-table"')
    assert "<html" not in content
    assert 'name="prefecture"' not in content
    assert _zone_slugs(response) == [
        small_registry.chengdu_new_area.slug,
        small_registry.chengdu_unconfirmed_etdz.slug,
    ]


def test_pilot_area_list_answers_htmx_for_another_target_with_the_page(
    client: Client, small_registry: SmallRegistry
) -> None:
    response = client.get(_url("pilot_area_list"), headers={**HTMX, "HX-Target": "main-content"})

    assert _html_lang(response) == "zh-hans"
    assertContains(response, '<section id="pilot-areas-table"', count=1)


def test_pilot_area_list_marks_illustrative_zones(
    client: Client, small_registry: SmallRegistry
) -> None:
    zone = small_registry.zigong_high_tech_zone
    Zone.objects.filter(pk=zone.pk).update(is_illustrative=True)

    response = client.get(_url("pilot_area_list", language="en"))

    assertContains(response, '<strong class="govuk-tag govuk-tag--yellow">', count=1)
    assertInHTML(
        f'<a class="govuk-link" href="{_url("zone_detail", language="en", slug=zone.slug)}">'
        f"{zone.name_en}</a>"
        ' <strong class="govuk-tag govuk-tag--yellow">illustrative</strong>',
        response.content.decode(),
    )


# Zone, batch and prefecture pages ----------------------------------------------------------------


def test_zone_detail_shows_the_zone_and_its_memberships(
    client: Client, small_registry: SmallRegistry
) -> None:
    zone = small_registry.chengdu_new_area

    response = client.get(_url("zone_detail", slug=zone.slug))

    assert response.status_code == 200
    assert response.context["zone"] == zone
    assert [row.record for row in response.context["memberships"].paginated_rows] == list(
        zone.memberships.all()
    )
    assert response.context["is_pilot_today"] is True
    assertContains(
        response,
        f'<span lang="zh-Hans">{zone.name_zh}</span> · <span lang="en">{zone.name_en}</span>',
        html=True,
    )
    assertNotContains(response, "data-illustrative")


def test_zone_detail_of_a_zone_outside_the_pilot(
    client: Client, small_registry: SmallRegistry
) -> None:
    response = client.get(
        _url("zone_detail", language="en", slug=small_registry.chengdu_candidate.slug)
    )

    assert response.context["is_pilot_today"] is False
    assert response.context["memberships"].list_state.count == 0
    assertContains(response, "This zone has never been in a pilot batch.")


def test_zone_detail_shows_the_english_name_under_en(
    client: Client, small_registry: SmallRegistry
) -> None:
    zone = small_registry.chengdu_new_area

    response = client.get(_url("zone_detail", language="en", slug=zone.slug))

    assert _html_lang(response) == "en"
    assertInHTML(f'<h1 class="govuk-heading-xl">{zone.name_en}</h1>', response.content.decode())


def test_zone_detail_marks_an_illustrative_zone(client: Client, db: None) -> None:
    zone = ZoneFactory(slug="invented-zone", is_illustrative=True, source="Name invented.")

    response = client.get(_url("zone_detail", language="en", slug=zone.slug))

    assertInHTML(
        '<p class="app-illustrative" data-illustrative="zone">Illustrative: some values of this '
        'record were invented for the demo. <span lang="en">Name invented.</span></p>',
        response.content.decode(),
    )


def test_batch_detail_lists_its_members(client: Client, demo: None) -> None:
    batch = Batch.objects.get(number=2)

    response = client.get(_url("batch_detail", number=batch.number))

    assert response.status_code == 200
    assert response.context["batch"] == batch
    rows = [row.record for row in response.context["table"].paginated_rows]
    assert [membership.zone for membership in rows] == list(
        Zone.objects.filter(memberships__batch=batch).order_by("prefecture__code", "slug")
    )
    assert response.context["count"] == 9
    assert response.context["prefecture_count"] == 9
    assertInHTML(
        '<dd class="govuk-summary-list__value" data-figure="batch-members">9</dd>',
        response.content.decode(),
    )


def test_batch_detail_marks_an_illustrative_batch(client: Client, db: None) -> None:
    batch = BatchFactory(number=3, is_illustrative=True, source="Start date invented.")
    plain_batch = BatchFactory(number=4)

    illustrative = client.get(_url("batch_detail", language="en", number=batch.number))
    plain = client.get(_url("batch_detail", number=plain_batch.number))

    assertInHTML(
        '<p class="app-illustrative" data-illustrative="batch">Illustrative: a date of this '
        'batch was invented for the demo. <span lang="en">Start date invented.</span></p>',
        illustrative.content.decode(),
    )
    assertNotContains(plain, "data-illustrative")


def test_prefecture_detail_lists_zones_and_which_are_pilot_areas(
    client: Client, small_registry: SmallRegistry
) -> None:
    chengdu = small_registry.chengdu_new_area.prefecture

    response = client.get(_url("prefecture_detail", code=chengdu.code))

    assert response.status_code == 200
    assert response.context["prefecture"] == chengdu
    assert [row.record for row in response.context["table"].paginated_rows] == [
        small_registry.chengdu_new_area,
        small_registry.chengdu_unconfirmed_etdz,
        small_registry.chengdu_candidate,
    ]
    assert response.context["pilot_slugs"] == {
        small_registry.chengdu_new_area.slug,
        small_registry.chengdu_unconfirmed_etdz.slug,
    }


def test_prefecture_detail_marks_illustrative_zones(client: Client, demo: None) -> None:
    response = client.get(_url("prefecture_detail", language="en", code="510400"))

    panzhihua_zone = Zone.objects.get(slug="panzhihua-high-tech-zone")
    assert panzhihua_zone.is_illustrative is True
    zone_url = _url("zone_detail", language="en", slug=panzhihua_zone.slug)
    assertInHTML(
        f'<a class="govuk-link" href="{zone_url}">{panzhihua_zone.name_en}</a>'
        ' <strong class="govuk-tag govuk-tag--yellow">illustrative</strong>',
        response.content.decode(),
    )


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("zone_detail", {"slug": "no-such-zone"}),
        ("batch_detail", {"number": 9}),
        ("prefecture_detail", {"code": "513500"}),
        ("prefecture_detail", {"code": "510000"}),
        ("prefecture_detail", {"code": "abc"}),
    ],
)
def test_detail_pages_answer_404_for_unknown_keys(
    client: Client, small_registry: SmallRegistry, name: str, kwargs: dict[str, object]
) -> None:
    response = client.get(_url(name, **kwargs))

    assert response.status_code == 404


def test_overview_counts_illustrative_records_behind_the_figures(
    client: Client, small_registry: SmallRegistry
) -> None:
    Zone.objects.filter(pk=small_registry.chengdu_new_area.pk).update(is_illustrative=True)
    Batch.objects.filter(pk=small_registry.second_batch.pk).update(is_illustrative=True)

    response = client.get(_url("overview", language="en"))

    # The illustrative zone, and the pilot area whose batch has an invented date.
    assert response.context["shape"].illustrative_records == 2
    assertContains(response, "2 records behind these figures hold an illustrative value")


def test_overview_says_nothing_about_illustrative_records_when_there_are_none(
    client: Client, small_registry: SmallRegistry
) -> None:
    response = client.get(_url("overview"))

    assert response.context["shape"].illustrative_records == 0
    assertNotContains(response, "app-illustrative")


# Matter list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmallCatalogue:
    justice_licence: Matter
    justice_support: Matter
    finance_confirmation: Matter


@pytest.fixture
def small_catalogue(db: None) -> SmallCatalogue:
    justice = DepartmentFactory(code="justice", name_zh="四川省司法厅")
    finance = DepartmentFactory(code="finance", name_zh="四川省财政厅")
    return SmallCatalogue(
        justice_licence=MatterFactory(code="511A0000000001", competent_department=justice),
        justice_support=MatterFactory(
            support=True, competent_department=justice, is_illustrative=True
        ),
        finance_confirmation=MatterFactory(
            code="511F0000000002",
            competent_department=finance,
            matter_type=matter_type("confirmation"),
        ),
    )


def _matters_listed(response: HttpResponse) -> list[Matter]:
    return [row.record for row in response.context["table"].rows]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["justice_licence", "justice_support", "finance_confirmation"]),
        ({"department": "justice"}, ["justice_licence", "justice_support"]),
        ({"department": "finance"}, ["finance_confirmation"]),
        ({"matter_type": "confirmation"}, ["finance_confirmation"]),
        ({"matter_type": "licensing"}, ["justice_licence"]),
        ({"kind": "support"}, ["justice_support"]),
        ({"kind": "power"}, ["justice_licence", "finance_confirmation"]),
        ({"code": "511a0000000001"}, ["justice_licence"]),
        ({"department": "finance", "kind": "support"}, []),
    ],
)
def test_matter_list_filters(
    client: Client,
    small_catalogue: SmallCatalogue,
    query: dict[str, str],
    expected: list[str],
) -> None:
    response = client.get(_url("matter_list"), query)

    assert response.status_code == 200
    assert sorted(matter.pk for matter in _matters_listed(response)) == sorted(
        getattr(small_catalogue, name).pk for name in expected
    )
    assert response.context["count"] == len(expected)


def test_matter_list_answers_htmx_with_the_table_partial_only(
    client: Client, small_catalogue: SmallCatalogue
) -> None:
    response = client.get(
        _url("matter_list"),
        {"department": "finance"},
        headers={**HTMX, "HX-Target": "matters-table"},
    )

    content = response.content.decode()
    assert content.strip().startswith('<section id="matters-table"')
    assert "<html" not in content
    assert _matters_listed(response) == [small_catalogue.finance_confirmation]
    assertContains(response, 'data-count="1"')


def test_matter_list_marks_illustrative_matters(
    client: Client, small_catalogue: SmallCatalogue
) -> None:
    response = client.get(_url("matter_list", language="en"))

    assertContains(response, '<strong class="govuk-tag govuk-tag--yellow">', count=1)
    matter = small_catalogue.justice_support
    assertContains(
        response,
        f'<a class="govuk-link" href="{_url("matter_detail", language="en", key=matter.key)}">'
        f'{matter.name_en}</a> <strong class="govuk-tag govuk-tag--yellow">illustrative</strong>',
    )


def test_matter_list_of_the_demo_counts_every_catalogue_matter(client: Client, demo: None) -> None:
    response = client.get(_url("matter_list"))

    assert response.context["count"] == Matter.objects.count() == 13
