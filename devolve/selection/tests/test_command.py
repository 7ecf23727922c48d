"""``devolve select ROUND``: the stored result as JSON (the API's document) or as a table."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from devolve.core.actors import SYSTEM
from devolve.selection.models import RoundResult
from devolve.selection.selectors import RESULT_SCHEMA, result_document
from devolve.selection.services import score_round
from devolve.selection.tests.factories import make_round

pytestmark = pytest.mark.django_db


def _run(*arguments: str) -> str:
    output = StringIO()
    call_command("select", *arguments, stdout=output)
    return output.getvalue()


def test_json_output_is_the_stored_result_document() -> None:
    small = make_round()
    result = score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    by_key = json.loads(_run(small.selection_round.slug, "--json"))
    by_id = json.loads(_run(str(small.selection_round.pk), "--json"))

    assert by_key == by_id == json.loads(json.dumps(result_document(result)))
    assert by_key["schema"] == RESULT_SCHEMA
    assert sorted(by_key["choice"]["chosen"]) == sorted(result.chosen)
    assert [row["rank"] for row in by_key["candidates"]] == [1, 2, 3, 4, 5, 6]
    assert set(by_key) == {
        "schema", "round", "computed_at", "input_fingerprint", "weights", "constraints",
        "candidates", "excluded", "choice", "sensitivity",
    }  # fmt: skip


def test_the_table_lists_every_candidate_by_rank() -> None:
    small = make_round()
    result = score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    lines = _run(small.selection_round.slug).splitlines()

    ranked = [line.split()[-1] for line in lines if line[:4].strip().isdigit()]
    assert ranked == [row["zone"] for row in result.candidates]
    assert lines[-1] == f"input fingerprint {result.input_fingerprint}"


def test_score_stores_a_result_first() -> None:
    small = make_round()

    document = json.loads(_run(small.selection_round.slug, "--score", "--json"))

    assert document["input_fingerprint"] == RoundResult.objects.get().input_fingerprint


def test_an_unknown_or_unscored_round_is_an_error() -> None:
    small = make_round()

    with pytest.raises(CommandError, match="no selection round"):
        _run("atlantis")
    with pytest.raises(CommandError, match="has not been scored"):
        _run(small.selection_round.slug)
