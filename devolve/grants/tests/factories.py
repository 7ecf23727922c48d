import datetime

import factory

from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.matters.models import Department
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory, mode
from devolve.regions.models import Zone
from devolve.regions.tests.factories import ZoneFactory


class GrantFactory(factory.django.DjangoModelFactory[Grant]):
    """A grant of a published edition's entry; ``awaiting_effect`` unless a trait says otherwise."""

    class Meta:
        model = Grant

    entry = factory.SubFactory(
        ListEntryFactory, annual_list=factory.SubFactory(AnnualListFactory, published=True)
    )
    zone = factory.SubFactory(ZoneFactory)
    status = Grant.Status.AWAITING_EFFECT
    effective_on = datetime.date(2024, 4, 9)

    class Params:
        awaiting_agreement = factory.Trait(
            status=Grant.Status.AWAITING_AGREEMENT,
            effective_on=None,
            entry=factory.SubFactory(
                ListEntryFactory,
                annual_list=factory.SubFactory(AnnualListFactory, published=True),
                mode=factory.LazyFunction(lambda: mode("entrust")),
            ),
        )
        effective = factory.Trait(
            status=Grant.Status.EFFECTIVE, handover_due_on=datetime.date(2024, 5, 24)
        )
        handed_over = factory.Trait(
            status=Grant.Status.HANDED_OVER,
            handover_due_on=datetime.date(2024, 5, 24),
            handed_over_on=datetime.date(2024, 5, 6),
        )
        recalled = factory.Trait(
            status=Grant.Status.RECALLED, ended_on=datetime.date(2024, 6, 1), end_reason="audit"
        )
        superseded = factory.Trait(
            status=Grant.Status.SUPERSEDED,
            ended_on=datetime.date(2025, 3, 10),
            end_reason="next edition",
        )


class EntrustmentAgreementFactory(factory.django.DjangoModelFactory[EntrustmentAgreement]):
    class Meta:
        model = EntrustmentAgreement

    grant = factory.SubFactory(GrantFactory, awaiting_agreement=True)
    number = factory.Sequence(lambda number: f"川司委〔2024〕{number + 1}号")
    entrusting_department = factory.LazyAttribute(
        lambda agreement: agreement.grant.entry.granting_department
    )
    entrusted_body = "管委会"
    signed_on = datetime.date(2024, 4, 1)
    starts_on = datetime.date(2024, 4, 1)
    ends_on = datetime.date(2026, 3, 31)


def effective_grant(*, department: Department, zone: Zone, mode_code: str = "delegate") -> Grant:
    """A grant in effect since 9 April 2024, awaiting handover, of a new matter ``department``
    grants to ``zone`` (a support matter has no handover)."""
    entry = ListEntryFactory(
        annual_list=AnnualListFactory(published=True),
        matter=MatterFactory(competent_department=department),
        mode=mode(mode_code),
    )
    return GrantFactory(
        entry=entry, zone=zone, effective=True, effective_on=datetime.date(2024, 4, 9)
    )
