"""Factories for assessment rounds, the assessment of each grant and the office's decisions.

They build rows directly, as any factory does; tests of the flow (metrics from accepted reports,
scoring, deciding, drafting the next edition) go through the services instead.
"""

import datetime

import factory

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.assessments.models import AssessmentRound, EntryDecision, GrantAssessment
from devolve.assessments.rules import DEFAULT_RUBRIC
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory


class AssessmentRoundFactory(factory.django.DjangoModelFactory[AssessmentRound]):
    """An open round over a published edition's first year, with the default rubric."""

    class Meta:
        model = AssessmentRound

    annual_list = factory.SubFactory(AnnualListFactory, published=True)
    title_zh = factory.Sequence(lambda number: f"第{number}轮定期评估")
    title_en = factory.Sequence(lambda number: f"Regular assessment {number}")
    period_starts_on = datetime.date(2024, 1, 1)
    period_ends_on = datetime.date(2024, 12, 31)
    opened_on = datetime.date(2025, 1, 15)
    rubric = factory.LazyFunction(lambda: [criterion.as_dict() for criterion in DEFAULT_RUBRIC])


class GrantAssessmentFactory(factory.django.DjangoModelFactory[GrantAssessment]):
    """One grant of the round's edition, unscored."""

    class Meta:
        model = GrantAssessment

    round = factory.SubFactory(AssessmentRoundFactory)
    grant = factory.SubFactory(
        GrantFactory,
        entry=factory.SubFactory(
            ListEntryFactory,
            annual_list=factory.SelfAttribute("...round.annual_list"),
        ),
    )
    grant_status = factory.SelfAttribute("grant.status")


class EntryDecisionFactory(factory.django.DjangoModelFactory[EntryDecision]):
    """The office keeps an entry of the round's edition."""

    class Meta:
        model = EntryDecision

    round = factory.SubFactory(AssessmentRoundFactory)
    entry = factory.SubFactory(
        ListEntryFactory, annual_list=factory.SelfAttribute("..round.annual_list")
    )
    recommended = "keep"
    decision = "keep"
    decided_by = factory.SubFactory(UserFactory, role=User.Role.OFFICE)
    decided_on = datetime.date(2025, 2, 20)
