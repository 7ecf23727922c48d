"""An edition's staff page as a long document: its entries in sections (一、省级授权事项,
二、省级支持事项) while in their own order, and an edit that returns the reader to the same page
of the list, at the row they changed."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertRedirects

from devolve.accounts.models import User
from devolve.matters.models import AnnualList, ListEntry, Matter
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory

pytestmark = pytest.mark.django_db

POWERS = 3
SUPPORT = 2


def _url(name: str, *, language: str = "en", **kwargs: object) -> str:
    with translation.override(language):
        return reverse(f"dashboards:{name}", kwargs=kwargs)


@pytest.fixture
def edition() -> AnnualList:
    """A draft whose support matters are numbered between its powers, as an edit leaves them."""
    annual_list = AnnualListFactory()
    for sequence in range(1, POWERS + SUPPORT + 1):
        support = sequence % 2 == 0 and sequence // 2 <= SUPPORT
        ListEntryFactory(
            annual_list=annual_list, sequence=sequence, matter=MatterFactory(support=support)
        )
    return annual_list


def _sections_and_rows(response: Any) -> list[str]:
    """The section headings and the rows' kinds, top to bottom."""
    html = response.content.decode()
    found = re.findall(r'data-section>\s*<th[^>]*>([^<]+)</th>|data-entry="(\d+)"', html)
    kinds = dict(ListEntry.objects.values_list("pk", "matter__kind"))
    return [heading.strip() if heading else kinds[int(pk)] for heading, pk in found]


def test_the_entries_come_in_sections_powers_first(
    client: Client, office_user: User, edition: AnnualList
) -> None:
    client.force_login(office_user)

    response = client.get(_url("annual_list_detail", pk=edition.pk))

    assert _sections_and_rows(response) == [
        "1. Powers granted by the province",
        *[Matter.Kind.POWER] * POWERS,
        "2. Matters the province supports",
        *[Matter.Kind.SUPPORT] * SUPPORT,
    ]


def test_the_sections_are_headed_as_the_published_list_heads_them(
    client: Client, office_user: User, edition: AnnualList
) -> None:
    client.force_login(office_user)

    response = client.get(_url("annual_list_detail", language="zh-hans", pk=edition.pk))

    assertContains(response, "一、省级授权事项")
    assertContains(response, "二、省级支持事项")


def test_sorted_by_a_column_the_rows_mix_and_no_section_is_headed(
    client: Client, office_user: User, edition: AnnualList
) -> None:
    client.force_login(office_user)

    response = client.get(_url("annual_list_detail", pk=edition.pk), {"sort": "-sequence"})

    assert _sections_and_rows(response) == [
        ListEntry.objects.get(annual_list=edition, sequence=sequence).matter.kind
        for sequence in range(POWERS + SUPPORT, 0, -1)
    ]


def test_a_section_is_headed_again_on_the_page_it_continues_on(
    client: Client, office_user: User
) -> None:
    annual_list = AnnualListFactory()
    ListEntryFactory.create_batch(30, annual_list=annual_list)
    client.force_login(office_user)

    second = client.get(_url("annual_list_detail", pk=annual_list.pk), {"page": "2"})

    assert _sections_and_rows(second)[:2] == ["1. Powers granted by the province", "power"]


def test_the_change_link_carries_the_list_as_the_reader_sees_it(
    client: Client, office_user: User, edition: AnnualList
) -> None:
    entry = ListEntry.objects.get(annual_list=edition, sequence=1)
    client.force_login(office_user)

    page = client.get(
        _url("annual_list_detail", pk=edition.pk), {"per_page": "25", "sort": "matter"}
    )

    change = _url("list_entry_update", pk=edition.pk, entry_pk=entry.pk)
    assertContains(page, f'href="{change}?back=per_page%3D25%26sort%3Dmatter"')


def test_saving_an_entry_returns_to_the_same_page_at_its_row(
    client: Client, office_user: User, edition: AnnualList
) -> None:
    entry = ListEntry.objects.get(annual_list=edition, sequence=1)
    client.force_login(office_user)
    change = _url("list_entry_update", pk=edition.pk, entry_pk=entry.pk)
    back = "per_page=25&page=1&sort=matter&export=csv"

    form = client.get(change, {"back": back})
    saved = client.post(
        f"{change}?back=per_page%3D25%26page%3D1%26sort%3Dmatter%26export%3Dcsv",
        {
            "mode": entry.mode_id,
            "granting_department": entry.granting_department_id,
            "notes": "Checked.",
        },
    )

    place = _url("annual_list_detail", pk=edition.pk) + "?per_page=25&page=1&sort=matter"
    shown = place.replace("&", "&amp;")
    assertContains(form, f'href="{shown}#entry-{entry.pk}" class="govuk-back-link"')
    assertContains(form, f'action="{change}?back=')
    assertRedirects(saved, f"{place}#entry-{entry.pk}")
    entry.refresh_from_db()
    assert entry.notes == "Checked."


def test_the_edited_row_is_its_own_anchor(
    client: Client, office_user: User, edition: AnnualList
) -> None:
    entry = ListEntry.objects.get(annual_list=edition, sequence=1)
    client.force_login(office_user)

    response = client.get(_url("annual_list_detail", pk=edition.pk))

    assertContains(response, f'id="entry-{entry.pk}"')
