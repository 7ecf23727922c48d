"""An edition from draft to published grants, an entrustment signed, and next year's edition
derived, changed, diffed and published over it."""

import datetime

import pytest

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.grants import services as grant_services
from devolve.grants.models import Grant
from devolve.grants.selectors import get_take_up_matrix
from devolve.matters import services as list_services
from devolve.matters.models import AnnualList, AuthorizationMode, ListEntry
from devolve.matters.selectors import count_entries, get_edition_diff
from devolve.matters.tests.factories import DepartmentFactory, MatterFactory
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

D = datetime.date


def mode(code: str) -> AuthorizationMode:
    return AuthorizationMode.objects.get(code=code)


@pytest.mark.django_db
def test_a_list_is_published_carried_into_areas_and_succeeded(office_user: User) -> None:
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    east, west = ZoneFactory(slug="east"), ZoneFactory(slug="west")
    for zone in (east, west):
        BatchMembershipFactory(batch=batch, zone=zone, joined_on=D(2023, 1, 1))
    justice = DepartmentFactory(code="justice")
    law_firms = MatterFactory(competent_department=justice)
    legal_aid = MatterFactory(competent_department=justice)
    tax_support = MatterFactory(support=True, competent_department=justice)

    first = list_services.create_annual_list(year=2023, batch=batch, created_by=office_user)
    delegated = list_services.add_list_entry(
        annual_list=first,
        matter=law_firms,
        mode=mode("delegate"),
        granting_department=justice,
        added_by=office_user,
    )
    entrusted = list_services.add_list_entry(
        annual_list=first,
        matter=legal_aid,
        mode=mode("entrust"),
        granting_department=justice,
        receiving_areas=[east],
        added_by=office_user,
    )
    list_services.add_list_entry(
        annual_list=first,
        matter=tax_support,
        mode=mode("support"),
        granting_department=justice,
        added_by=office_user,
    )
    list_services.submit_annual_list_for_review(annual_list=first, submitted_by=office_user)
    list_services.approve_annual_list(
        annual_list=first,
        approved_by=office_user,
        approved_on=D(2023, 3, 1),
        document_number="川改办〔2023〕1号",
    )
    grant_services.publish_annual_list(
        annual_list=first, published_on=D(2023, 3, 10), published_by=office_user
    )

    grants = {(grant.entry_id, grant.zone.slug): grant for grant in Grant.objects.all()}
    assert sorted(
        (entry_id, slug, grant.status) for (entry_id, slug), grant in grants.items()
    ) == sorted(
        [
            (delegated.pk, "east", "awaiting_effect"),
            (delegated.pk, "west", "awaiting_effect"),
            (entrusted.pk, "east", "awaiting_agreement"),
            (entrusted.pk + 1, "east", "effective"),
            (entrusted.pk + 1, "west", "effective"),
        ]
    )
    assert grants[(delegated.pk, "east")].effective_on == D(2023, 4, 9)  # 30 days after publication

    assert grant_services.activate_due_grants(on=D(2023, 4, 8), activated_by=SYSTEM) == 0
    assert grant_services.activate_due_grants(on=D(2023, 4, 9), activated_by=SYSTEM) == 2
    effective = Grant.objects.get(entry=delegated, zone=east)
    # 30 working days from Sun 9 Apr 2023 on China's calendar: Labour Day (29 Apr–3 May) is off
    # and Sun 23 Apr and Sat 6 May are adjusted working days.
    assert (effective.status, effective.handover_due_on) == ("effective", D(2023, 5, 22))

    agreement_grant = Grant.objects.get(entry=entrusted, zone=east)
    grant_services.sign_entrustment_agreement(
        grant=agreement_grant,
        number="川司委〔2023〕7号",
        signed_on=D(2023, 4, 1),
        starts_on=D(2023, 4, 3),
        ends_on=D(2025, 4, 2),
        signed_by=office_user,
    )
    agreement_grant.refresh_from_db()
    assert (agreement_grant.status, agreement_grant.effective_on) == ("effective", D(2023, 4, 3))

    second = list_services.derive_annual_list(predecessor=first, year=2024, created_by=office_user)
    carried = {entry.matter_id: entry for entry in second.entries.all()}
    list_services.update_list_entry(
        entry=carried[law_firms.pk],
        mode=mode("entrust"),
        updated_by=office_user,
        reason="The law requires the department to keep the decision.",
    )
    list_services.withdraw_list_entry(
        entry=carried[tax_support.pk], withdrawn_by=office_user, reason="Fiscal reform completed."
    )
    diff = get_edition_diff(old=first, new=second)
    assert diff.counts == {"added": 0, "removed": 1, "modified": 1, "unchanged": 1}
    (modified,) = diff.of_kind("modified")
    assert [(change.field, change.before, change.after) for change in modified.changes] == [
        ("mode", "delegate", "entrust")
    ]
    assert modified.reason == "The law requires the department to keep the decision."
    assert count_entries(annual_list=second).entries == 2

    list_services.submit_annual_list_for_review(annual_list=second, submitted_by=office_user)
    list_services.approve_annual_list(
        annual_list=second,
        approved_by=office_user,
        approved_on=D(2024, 2, 1),
        document_number="川改办〔2024〕1号",
    )
    grant_services.publish_annual_list(
        annual_list=second, published_on=D(2024, 2, 5), published_by=office_user
    )

    first.refresh_from_db()
    assert first.status == AnnualList.Status.SUPERSEDED
    continued = Grant.objects.get(entry__annual_list=second, entry__matter=legal_aid, zone=east)
    assert (continued.status, continued.previous_grant) == ("effective", agreement_grant)
    assert Grant.objects.get(pk=agreement_grant.pk).status == "superseded"
    recalled = Grant.objects.filter(entry__annual_list=first, entry__matter=tax_support)
    assert sorted(recalled.values_list("status", flat=True)) == ["recalled", "recalled"]
    matrix = get_take_up_matrix(annual_list=second)
    assert [zone.slug for zone in matrix.zones] == ["east", "west"]
    assert [
        [cell.status if cell else None for cell in matrix.row(entry)] for entry in matrix.entries
    ] == [
        ["effective", "effective"],
        ["effective", None],
    ]
    assert ListEntry.objects.get(annual_list=second, matter=tax_support).change == "withdrawn"
