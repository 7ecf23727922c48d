"""The staff edition page of a published edition: each entry's grants as the grants themselves
read, and a number of queries that does not grow with the entries, areas and changes shown."""

from collections.abc import Sequence

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from devolve.accounts.models import User
from devolve.core.testing.queries import query_count
from devolve.grants.models import Grant
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.models import AnnualList, ListEntry
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory
from devolve.regions.models import Zone
from devolve.regions.tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db

# Each area's grant in another status (the factory's traits keep each status's dates valid).
TRAITS: list[dict[str, bool]] = [{"effective": True}, {}, {"awaiting_agreement": True}]


def published_edition(*, entries: int, areas: int) -> AnnualList:
    """A published edition whose every entry reaches ``areas`` areas, with grants in several
    statuses, and whose second entry changed its receiving areas (named by slug)."""
    edition = AnnualListFactory(published=True)
    zones = [
        ZoneFactory(name_en=f"Area <{number}>", name_zh=f"园区{number}") for number in range(areas)
    ]
    for number in range(entries):
        changed = number == 1
        entry = ListEntryFactory(
            annual_list=edition,
            change=ListEntry.Change.MODIFIED if changed else ListEntry.Change.ADDED,
            changed_fields=(
                {"receiving_areas": [[zones[0].slug], [zone.slug for zone in zones]]}
                if changed
                else {}
            ),
        )
        for place, zone in enumerate(reversed(zones)):
            GrantFactory(entry=entry, zone=zone, **TRAITS[place % len(TRAITS)])
    return edition


def grant_address(grant: Grant) -> str:
    return reverse("dashboards:grant_detail", kwargs={"pk": grant.pk})


def grant_list(grants: Sequence[Grant]) -> str:
    """The list of an entry's grants as the page showed it when each grant was read with its
    area as a model object (the slow path: one ``reverse`` and display label per grant)."""
    items = "".join(
        f'<li><a class="govuk-link" href="{grant_address(grant)}" data-grant="{grant.pk}">'
        f"{escape(str(grant.zone))}</a>: {escape(grant.get_status_display())}</li>"
        for grant in grants
    )
    return f'<ul class="govuk-list govuk-body-s">{items}</ul>'


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_entry_lists_its_grants_as_they_read_by_area_order(
    client: Client, office_user: User, language: str
) -> None:
    edition = published_edition(entries=2, areas=3)
    client.force_login(office_user)
    with translation.override(language):
        page = reverse("dashboards:annual_list_detail", kwargs={"pk": edition.pk})

        content = client.get(page).content.decode()

        for entry in ListEntry.objects.filter(annual_list=edition):
            grants = list(Grant.objects.filter(entry=entry).select_related("zone"))
            assert len(grants) == 3
            assert grant_list(grants) in content


def test_a_modified_entry_names_the_areas_it_changed(client: Client, office_user: User) -> None:
    edition = published_edition(entries=2, areas=2)
    zones = list(Zone.objects.filter(name_en__startswith="Area").order_by("name_en"))
    client.force_login(office_user)
    with translation.override("en"):
        page = reverse("dashboards:annual_list_detail", kwargs={"pk": edition.pk})

    response = client.get(page)

    before, after = escape(zones[0].name_en), ", ".join(escape(zone.name_en) for zone in zones)
    assert f"{before} → {after}</span>" in response.content.decode()


def _queries(client: Client, edition: AnnualList) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboards:annual_list_detail", kwargs={"pk": edition.pk}))
    assert response.status_code == 200
    return query_count(captured)


def test_the_page_reads_as_many_queries_for_many_entries_and_areas_as_for_one(
    client: Client, office_user: User
) -> None:
    client.force_login(office_user)
    small = published_edition(entries=2, areas=1)
    _queries(client, small)  # the session and the site's first reads

    few = _queries(client, small)
    many = _queries(client, published_edition(entries=6, areas=4))

    assert many == few
