import datetime
from decimal import Decimal

import factory

from devolve.accounts.models import User
from devolve.core.actors import SystemActor
from devolve.indicators import services
from devolve.indicators.models import EvaluationRun, Indicator, Observation, SubjectKind
from devolve.regions.models import Batch, Zone
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory


class IndicatorFactory(factory.django.DjangoModelFactory[Indicator]):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda number: f"indicator-{number}")
    name_zh = factory.Sequence(lambda number: f"指标{number}")
    name_en = factory.Sequence(lambda number: f"Indicator {number}")
    unit_zh = "%"
    unit_en = "%"
    price_basis = Indicator.PriceBasis.REAL
    kind = Indicator.Kind.GROWTH_RATE


class ZoneObservationFactory(factory.django.DjangoModelFactory[Observation]):
    class Meta:
        model = Observation

    indicator = factory.SubFactory(IndicatorFactory)
    subject_kind = SubjectKind.ZONE
    zone = factory.SubFactory(ZoneFactory)
    division = None
    year = 2023
    value = Decimal("7.5")
    vintage = datetime.date(2024, 2, 20)
    source = "Test release"


VINTAGE = datetime.date(2026, 2, 20)
YEARS = range(2017, 2026)
EFFECT = Decimal("2.0")


def staggered_panel(*, never_treated: int = 3) -> tuple[Indicator, Batch]:
    """Three zones in batch 1 (2023), three in batch 2 (first full year 2025) and
    ``never_treated`` zones never in a batch; growth = 6 + zone premium + year shock, plus
    ``EFFECT`` once treated."""
    growth = IndicatorFactory(code="growth")
    first = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    second = BatchFactory(number=2, starts_on=datetime.date(2024, 12, 2))
    zones: list[tuple[Zone, int | None]] = []
    for index in range(3):
        zones.append(
            (BatchMembershipFactory(batch=first, zone=ZoneFactory(slug=f"b1-{index}")).zone, 2023)
        )
        zones.append(
            (BatchMembershipFactory(batch=second, zone=ZoneFactory(slug=f"b2-{index}")).zone, 2025)
        )
    zones.extend((ZoneFactory(slug=f"never-{index}"), None) for index in range(never_treated))
    observations = []
    for position, (zone, cohort) in enumerate(zones):
        for year in YEARS:
            shock = Decimal((year * 7 + position * 3) % 5) / 10
            value = Decimal(6) + Decimal(position) / 2 + shock + (year % 3) * Decimal("0.4")
            if cohort is not None and year >= cohort:
                value += EFFECT
            observations.append(
                Observation(indicator=growth, subject_kind=SubjectKind.ZONE, zone=zone,
                            year=year, value=value, vintage=VINTAGE, source="Test")
            )  # fmt: skip
    Observation.objects.bulk_create(observations)
    return growth, first


def run_on(
    growth: Indicator, batch: Batch, user: User | SystemActor, **overrides: object
) -> EvaluationRun:
    arguments: dict[str, object] = {
        "indicator": growth, "batch": batch, "outcome": EvaluationRun.Outcome.VALUE,
        "as_of": VINTAGE, "first_year": YEARS[0], "last_year": YEARS[-1], "bootstrap": 199,
        "created_by": user,
    }  # fmt: skip
    arguments.update(overrides)
    return services.run_evaluation(**arguments)
