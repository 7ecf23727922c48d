"""Database constraints of grants and entrustment agreements, and their model methods."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation

from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.grants.tests.factories import EntrustmentAgreementFactory, GrantFactory
from devolve.matters.models import ListEntry
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import ListEntryFactory
from devolve.regions.models import Zone
from devolve.regions.tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def constraint_errors(instance: models.Model) -> list[tuple[str | None, str]]:
    """The (code, English message) of each constraint ``instance`` breaks."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            instance.validate_constraints()
        return [
            (error.code, error.messages[0]) for error in caught.value.error_dict[NON_FIELD_ERRORS]
        ]


def refused_by_database(model: type[models.Model], **fields: Any) -> None:
    before = model._default_manager.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        model._default_manager.create(**fields)
    assert model._default_manager.count() == before


@pytest.fixture
def entry() -> ListEntry:
    return ListEntryFactory()


@pytest.fixture
def zone() -> Zone:
    return ZoneFactory()


def grant_fields(entry: ListEntry, zone: Zone, **fields: Any) -> dict[str, Any]:
    return {"entry": entry, "zone": zone, "status": "awaiting_effect", **fields}


# --- Grant ----------------------------------------------------------------------------------


def test_one_grant_per_entry_and_area(entry: ListEntry, zone: Zone) -> None:
    Grant.objects.create(**grant_fields(entry, zone))

    refused_by_database(Grant, **grant_fields(entry, zone, status="awaiting_agreement"))
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            Grant(**grant_fields(entry, zone)).validate_constraints()
        assert [
            (error.code, error.messages[0]) for error in caught.value.error_dict[NON_FIELD_ERRORS]
        ] == [("unique_together", "Grant with this List entry and Pilot area already exists.")]


def test_an_unknown_status_is_refused(entry: ListEntry, zone: Zone) -> None:
    refused_by_database(Grant, **grant_fields(entry, zone, status="suspended"))


@pytest.mark.parametrize("status", ["effective", "handed_over"])
def test_an_effective_grant_records_its_date(entry: ListEntry, zone: Zone, status: str) -> None:
    fields = grant_fields(entry, zone, status=status, effective_on=None)
    if status == "handed_over":
        fields["handed_over_on"] = D(2024, 5, 6)

    refused_by_database(Grant, **fields)
    assert (None, "An effective grant records the day it took effect.") in constraint_errors(
        Grant(**fields)
    )


def test_a_handed_over_grant_records_the_handover(entry: ListEntry, zone: Zone) -> None:
    fields = grant_fields(entry, zone, status="handed_over", effective_on=D(2024, 4, 9))

    refused_by_database(Grant, **fields)
    assert constraint_errors(Grant(**fields)) == [
        (None, "Constraint “grant_handed_over_has_date” is violated.")
    ]


@pytest.mark.parametrize("effective_on", [D(2024, 4, 10), None])
def test_handover_comes_on_or_after_the_effective_date(
    entry: ListEntry, zone: Zone, effective_on: datetime.date | None
) -> None:
    fields = grant_fields(entry, zone, effective_on=effective_on, handed_over_on=D(2024, 4, 9))

    refused_by_database(Grant, **fields)
    assert constraint_errors(Grant(**fields)) == [
        ("dates_out_of_order", "Handover cannot come before the grant takes effect.")
    ]


def test_handover_on_the_effective_date_is_accepted(entry: ListEntry, zone: Zone) -> None:
    grant = Grant.objects.create(
        **grant_fields(
            entry,
            zone,
            status="handed_over",
            effective_on=D(2024, 4, 9),
            handed_over_on=D(2024, 4, 9),
        )
    )
    assert Grant.objects.get() == grant


@pytest.mark.parametrize("status", ["recalled", "superseded"])
def test_an_ended_grant_records_when(entry: ListEntry, zone: Zone, status: str) -> None:
    fields = grant_fields(entry, zone, status=status, ended_on=None)

    refused_by_database(Grant, **fields)
    assert constraint_errors(Grant(**fields)) == [
        (None, "Constraint “grant_ended_has_date” is violated.")
    ]


def test_a_grant_is_continued_by_one_grant_at_most(entry: ListEntry) -> None:
    previous = GrantFactory()
    GrantFactory(entry=entry, previous_grant=previous)

    refused_by_database(Grant, **grant_fields(entry, ZoneFactory(), previous_grant=previous))


@pytest.mark.parametrize(
    ("status", "active"),
    [
        ("awaiting_effect", True),
        ("awaiting_agreement", True),
        ("effective", True),
        ("handed_over", True),
        ("recalled", False),
        ("superseded", False),
    ],
)
def test_is_active(status: str, active: bool) -> None:
    assert Grant(status=status).is_active is active


def test_active_queryset_leaves_out_ended_grants() -> None:
    live = [
        GrantFactory(),
        GrantFactory(awaiting_agreement=True),
        GrantFactory(effective=True),
        GrantFactory(handed_over=True),
    ]
    GrantFactory(recalled=True)
    GrantFactory(superseded=True)

    assert set(Grant.objects.active()) == set(live)


def test_grant_label_is_matter_to_area() -> None:
    matter = MatterFactory(code="511A0138600000", name_zh="律师事务所设立许可")
    grant = GrantFactory(
        entry=ListEntryFactory(matter=matter), zone=ZoneFactory(name_zh="天府新区")
    )

    with translation.override("zh-hans"):
        assert str(grant) == "511A0138600000 律师事务所设立许可 → 天府新区"


# --- EntrustmentAgreement -------------------------------------------------------------------


def agreement_fields(**fields: Any) -> dict[str, Any]:
    grant = GrantFactory(awaiting_agreement=True)
    return {
        "grant": grant,
        "number": "川司委〔2024〕7号",
        "entrusting_department": grant.entry.granting_department,
        "entrusted_body": "管委会",
        "signed_on": D(2024, 4, 1),
        "starts_on": D(2024, 4, 1),
        "ends_on": D(2026, 3, 31),
        **fields,
    }


def test_an_agreement_number_is_unique() -> None:
    EntrustmentAgreementFactory(number="川司委〔2024〕7号")
    fields = agreement_fields()

    refused_by_database(EntrustmentAgreement, **fields)
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            EntrustmentAgreement(**fields).validate_constraints()
        assert [(error.code, error.messages[0]) for error in caught.value.error_dict["number"]] == [
            ("unique", "Entrustment agreement with this Agreement number already exists.")
        ]


@pytest.mark.parametrize("ends_on", [D(2024, 4, 1), D(2024, 3, 31)])
def test_an_agreement_ends_after_it_starts(ends_on: datetime.date) -> None:
    fields = agreement_fields(ends_on=ends_on)

    refused_by_database(EntrustmentAgreement, **fields)
    assert constraint_errors(EntrustmentAgreement(**fields)) == [
        ("dates_out_of_order", "An agreement's term ends after it starts.")
    ]


def test_an_agreement_entrusts_something() -> None:
    fields = agreement_fields(covers_acceptance=False, covers_review=False, covers_decision=False)

    refused_by_database(EntrustmentAgreement, **fields)
    assert constraint_errors(EntrustmentAgreement(**fields)) == [
        ("empty_scope", "Entrust at least one of acceptance, review or decision.")
    ]


@pytest.mark.parametrize(
    ("acceptance", "review", "decision", "labels"),
    [
        (True, True, True, ["acceptance", "review", "decision"]),
        (True, False, False, ["acceptance"]),
        (False, True, False, ["review"]),
        (False, False, True, ["decision"]),
        (True, False, True, ["acceptance", "decision"]),
    ],
)
def test_a_partial_scope_is_stored_and_labelled(
    acceptance: bool, review: bool, decision: bool, labels: list[str]
) -> None:
    agreement = EntrustmentAgreement.objects.create(
        **agreement_fields(
            covers_acceptance=acceptance, covers_review=review, covers_decision=decision
        )
    )

    with translation.override("en"):
        assert EntrustmentAgreement.objects.get(pk=agreement.pk).scope_labels == labels


def test_an_agreement_is_renewed_once_at_most() -> None:
    old = EntrustmentAgreementFactory()
    EntrustmentAgreementFactory(grant=old.grant, renews=old)

    refused_by_database(
        EntrustmentAgreement,
        **agreement_fields(grant=old.grant, number="川司委〔2024〕99号", renews=old),
    )


def test_agreement_label_is_its_number() -> None:
    assert str(EntrustmentAgreementFactory.build(number="川司委〔2024〕7号")) == "川司委〔2024〕7号"
