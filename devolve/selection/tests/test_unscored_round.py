"""A round that has not been scored, without the scored round that every test of
``test_api.py`` and ``test_decisions.py`` shares: it has no result to show and cannot be
decided."""

import pytest
from django.test import Client
from django.urls import reverse

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.errors import DomainError
from devolve.selection.tests.factories import make_round
from devolve.selection.tests.test_decisions import _record

pytestmark = pytest.mark.django_db


def test_an_unscored_round_has_no_result(client: Client, office_user: User) -> None:
    small = make_round()
    client.force_login(office_user)

    response = client.get(
        reverse("api:selection-round-result", kwargs={"key": small.selection_round.slug})
    )

    assert response.status_code == 404


def test_an_unscored_round_cannot_be_decided() -> None:
    small = make_round()
    office = UserFactory(role=User.Role.OFFICE)

    with pytest.raises(DomainError) as refused:
        _record(small, ["alpha"], office, reasons="Because.")

    assert refused.value.code == "not_scored"
