"""The demo's simulated economy runs through the last year released by the seed's day, whatever
that day, without changing the figures of the years before."""

import datetime

import pytest
from django.db.models import Max

from devolve.demo import sichuan_economy
from devolve.demo.seed import SeedReport, seed_registry
from devolve.indicators.models import Observation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("as_of", "last_year"),
    [
        (datetime.date(2026, 12, 6), 2025),
        (datetime.date(2030, 2, 19), 2028),  # 2029's figures come out on 20 February
        (datetime.date(2030, 2, 20), 2029),
    ],
)
def test_the_last_released_year_follows_the_day(as_of: datetime.date, last_year: int) -> None:
    assert sichuan_economy.last_released_year(as_of) == last_year


def test_a_demo_seeded_in_2029_has_its_statistics_through_2028() -> None:
    as_of = datetime.date(2029, 12, 6)
    seed_registry(SeedReport(), as_of=as_of)

    sichuan_economy.seed_economy(SeedReport(), as_of=as_of, with_runs=False)

    growth = Observation.objects.filter(indicator__code=sichuan_economy.GRP_GROWTH)
    assert growth.aggregate(last=Max("year"))["last"] == 2028
    assert growth.filter(year=2028, subject_kind="zone").count() == len(
        sichuan_economy.sichuan.ZONES
    )
    # The sourced figure is untouched by the longer horizon.
    province_2023 = growth.get(year=2023, subject_kind="province")
    assert (province_2023.value, province_2023.is_simulated) == (6, False)


@pytest.mark.parametrize(
    ("treated_from", "last_year", "event_times"),
    [
        (2023, 2025, ["0", "1", "2"]),  # batch 1 on the demo day
        (2025, 2025, ["0"]),  # batch 2, in its first released year
        (2023, 2029, ["0", "1", "2", "3", "4", "5", "6"]),  # batch 1 in a demo seeded in 2030
    ],
)
def test_the_known_effect_holds_in_every_year_since_adoption_up_to_the_last_released(
    treated_from: int, last_year: int, event_times: list[str]
) -> None:
    known = sichuan_economy.SimulatedEconomy().known_effect(
        treated_from=treated_from, last_year=last_year
    )

    assert known["event_times"] == dict.fromkeys(event_times, sichuan_economy.TRUE_EFFECT_PP)
