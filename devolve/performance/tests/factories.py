"""Factories for performance schemes (groups and items), assessments and manual inputs.

A scheme from ``SchemeFactory`` is a draft with no groups; ``IndicatorItemFactory`` adds a
weighted, linear-to-target item to a new group. Whole worked schemes with computed scores come
from ``worlds`` (through the services), which is what most tests want.
"""

import datetime
from decimal import Decimal

import factory

from devolve.performance.models import (
    Appeal,
    IndicatorGroup,
    IndicatorItem,
    ManualInput,
    PerformanceAssessment,
    Scheme,
    Score,
    Tier,
)
from devolve.regions.tests.factories import ZoneFactory


class SchemeFactory(factory.django.DjangoModelFactory[Scheme]):
    class Meta:
        model = Scheme

    code = factory.Sequence(lambda number: f"scheme-{number}")
    name_zh = factory.Sequence(lambda number: f"第{number}号考核方案")
    name_en = factory.Sequence(lambda number: f"Scheme {number}")
    subject_type = "prefecture"
    excellent_from = Decimal(90)
    good_from = Decimal(80)
    pass_from = Decimal(60)


class IndicatorGroupFactory(factory.django.DjangoModelFactory[IndicatorGroup]):
    class Meta:
        model = IndicatorGroup

    scheme = factory.SubFactory(SchemeFactory)
    sequence = factory.Sequence(lambda number: number + 1)
    name_zh = factory.Sequence(lambda number: f"一级指标{number}")
    name_en = factory.Sequence(lambda number: f"Group {number}")
    weight = Decimal(100)


class IndicatorItemFactory(factory.django.DjangoModelFactory[IndicatorItem]):
    """A weighted item scored linearly from 0 points at the floor to full points at the target."""

    class Meta:
        model = IndicatorItem

    group = factory.SubFactory(IndicatorGroupFactory)
    sequence = factory.Sequence(lambda number: number + 1)
    code = factory.Sequence(lambda number: f"item-{number}")
    name_zh = factory.Sequence(lambda number: f"二级指标{number}")
    name_en = factory.Sequence(lambda number: f"Item {number}")
    weight = Decimal(100)
    measure = IndicatorItem.Measure.MANUAL
    rule = IndicatorItem.Rule.LINEAR_TO_TARGET
    floor = Decimal(0)
    target = Decimal(100)


class PerformanceAssessmentFactory(factory.django.DjangoModelFactory[PerformanceAssessment]):
    """A draft assessment of 2024 under a new scheme, appeals open in spring 2025."""

    class Meta:
        model = PerformanceAssessment

    scheme = factory.SubFactory(SchemeFactory)
    year = 2024
    appeal_opens_on = datetime.date(2025, 3, 1)
    appeal_closes_on = datetime.date(2025, 3, 15)


class ScoreFactory(factory.django.DjangoModelFactory[Score]):
    """A new pilot area's score of 80 (tier "good") in a draft assessment, ranked first."""

    class Meta:
        model = Score

    assessment = factory.SubFactory(PerformanceAssessmentFactory)
    scheme = factory.SelfAttribute("assessment.scheme")
    zone = factory.SubFactory(ZoneFactory)
    subject_key = factory.SelfAttribute("zone.slug")
    weighted_points = Decimal(80)
    bonus_points = Decimal(0)
    deduction_points = Decimal(0)
    total = Decimal(80)
    tier = Tier.GOOD
    rank = 1
    computed_at = factory.LazyFunction(
        lambda: datetime.datetime(2025, 2, 1, 9, 0, tzinfo=datetime.UTC)
    )


class ManualInputFactory(factory.django.DjangoModelFactory[ManualInput]):
    """A value the office entered by hand for a new pilot area, with its evidence."""

    class Meta:
        model = ManualInput

    assessment = factory.SubFactory(PerformanceAssessmentFactory)
    item = factory.SubFactory(
        IndicatorItemFactory, group__scheme=factory.SelfAttribute("...assessment.scheme")
    )
    zone = factory.SubFactory(ZoneFactory)
    subject_key = factory.SelfAttribute("zone.slug")
    value = Decimal("42.5")
    evidence = "Statistical yearbook, table 3."


class AppealFactory(factory.django.DjangoModelFactory[Appeal]):
    """A pending appeal against one item of a new score."""

    class Meta:
        model = Appeal

    score = factory.SubFactory(ScoreFactory)
    item = factory.SubFactory(
        IndicatorItemFactory, group__scheme=factory.SelfAttribute("...score.scheme")
    )
    grounds = "The yearbook's figure was revised."
    filed_on = datetime.date(2025, 3, 5)
