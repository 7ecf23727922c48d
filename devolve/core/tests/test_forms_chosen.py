"""The rows a bulk action's list ticked, read from the posted boxes (``core.forms.chosen_ids``).
No DB."""

import pytest
from django import forms
from django.http import QueryDict

from devolve.core.forms import chosen_ids


def _ids(query: str) -> list[int]:
    return chosen_ids(QueryDict(query), "grant", nothing="None ticked.", invalid="Not ids.")


def test_the_ticked_ids_are_read_in_order() -> None:
    assert _ids("grant=3&grant=1&report=9") == [3, 1]


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [("report=9", "nothing_chosen", "None ticked."), ("grant=3&grant=x", "invalid", "Not ids.")],
)
def test_none_ticked_or_a_box_not_an_id_is_the_forms_error(
    query: str, code: str, message: str
) -> None:
    with pytest.raises(forms.ValidationError) as raised:
        _ids(query)
    assert (raised.value.code, raised.value.message) == (code, message)
