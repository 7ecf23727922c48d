"""A published edition's public page heads its entries by section, as the published list does."""

import re

import pytest
from django.test import Client
from django.utils import translation

from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory

pytestmark = pytest.mark.django_db


def test_support_matters_follow_the_powers_under_their_own_heading(client: Client) -> None:
    edition = AnnualListFactory(published=True)
    support = ListEntryFactory(annual_list=edition, sequence=1, matter=MatterFactory(support=True))
    power = ListEntryFactory(annual_list=edition, sequence=2)

    with translation.override("zh-hans"):
        html = client.get(f"/lists/{edition.key}/").content.decode()

    found = re.findall(r'data-section>\s*<th[^>]*>([^<]+)</th>|data-entry="(\d+)"', html)
    assert [heading.strip() or int(sequence) for heading, sequence in found] == [
        "一、省级授权事项",
        power.sequence,
        "二、省级支持事项",
        support.sequence,
    ]
