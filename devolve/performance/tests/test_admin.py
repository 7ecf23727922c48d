"""The admin shows performance records read-only, and only to those who may read every score."""

from typing import Any

from django.test import Client

from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.performance.models import Score
from devolve.performance.tests import assessed

# The computed assessment and the personas it names, in place of the per-test ones.
assessment, chengdu_score, scheme, edition, office_user, pilot_area_user, justice = (
    assessed.FIXTURES
)


def test_scores_in_the_admin_are_for_the_office_evaluators_and_auditors(
    client: Client, personas: dict[str, Any], chengdu_score: Score
) -> None:
    for persona in ("department", "prefecture", "pilot_area", "evaluator"):
        personas[persona].is_staff = True
        personas[persona].save()
    assert_authorization_matrix(
        client, personas, "get", f"/admin/performance/score/{chengdu_score.pk}/change/",
        allowed={"office", "evaluator", "auditor"},
    )  # fmt: skip
