"""The lists inside public detail pages (a batch's pilot areas, a prefecture's zones, a zone's
batches, a matter's editions) on the one list mechanism: each pages, counts and downloads by
itself, and a download format it does not offer is named, not ignored."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from pytest_django.asserts import assertContains

from devolve.core.lists import DEFAULT_PAGE_SIZE
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def _csv_lines(response: Any) -> list[str]:
    lines: list[str] = response.content.decode("utf-8-sig").strip().splitlines()
    return lines


def test_a_batch_downloads_all_its_pilot_areas(client: Client) -> None:
    batch = BatchFactory(number=7)
    members = BatchMembershipFactory.create_batch(DEFAULT_PAGE_SIZE + 1, batch=batch)
    members[0].is_illustrative = True
    members[0].save()

    with translation.override("en"):
        page = client.get(f"/en/batches/{batch.number}/")
        download = client.get(f"/en/batches/{batch.number}/", {"export": "csv"})

    assertContains(page, 'data-figure="batch-members">51</dd>')
    assertContains(page, "data-list-pager")
    lines = _csv_lines(download)
    assert lines[0] == "Pilot area,Prefecture,Joined,Left"
    assert len(lines) == DEFAULT_PAGE_SIZE + 2
    assert f"{members[0].zone.name_en},".lower() in "\n".join(lines).lower()


def test_a_zone_downloads_its_batches_apart_from_its_grants(client: Client) -> None:
    zone = ZoneFactory()
    BatchMembershipFactory(
        zone=zone,
        batch=BatchFactory(number=8, starts_on=datetime.date(2023, 1, 1)),
        left_on=datetime.date(2024, 1, 1),
        left_reason="Merged into another zone.",
    )

    page = client.get(f"/en/zones/{zone.slug}/")
    download = client.get(f"/en/zones/{zone.slug}/", {"memberships-export": "csv"})
    refused = client.get(f"/en/zones/{zone.slug}/", {"memberships-export": "pdf"})

    assertContains(page, "1 Jan 2024 — Merged into another zone.")
    assert _csv_lines(download)[1] == "Batch 8,2023-01-01,2024-01-01 — Merged into another zone."
    assert refused.status_code == 200
    assertContains(refused, "“pdf” is not a download format (use csv, xlsx).")


def test_a_matter_lists_its_editions_and_marks_a_superseded_one(client: Client) -> None:
    matter = MatterFactory()
    old = AnnualListFactory(superseded=True, year=2023)
    ListEntryFactory(annual_list=old, matter=matter)
    ListEntryFactory(annual_list=AnnualListFactory(published=True, year=2024), matter=matter)

    page = client.get(f"/en/matters/{matter.key}/")
    download = client.get(f"/en/matters/{matter.key}/", {"entries-export": "csv"})

    assert page.context["entries"].list_state.count == 2
    assertContains(page, '<strong class="govuk-tag govuk-tag--grey">Superseded</strong>', 1)
    assert _csv_lines(download)[0].startswith("Edition,No.,Mode,")
    assert len(_csv_lines(download)) == 3


def test_a_prefecture_downloads_its_zones(client: Client) -> None:
    zone = ZoneFactory(is_illustrative=True)

    download = client.get(f"/en/prefectures/{zone.prefecture.code}/", {"export": "csv"})

    assert _csv_lines(download)[0] == "Zone,Kind,Level,Pilot area"
    assert f"{zone.name_en},Economic and technological development zone,Provincial,no" in (
        _csv_lines(download)
    )
