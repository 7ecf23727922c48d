"""The analytics benchmarks run end to end at a tiny size, so a change to the maths they call
(such as classic entropy weights refusing zeros) or to an oracle package shows here rather than
halfway through ``make bench``."""

import pytest
from django.db import connection

from benchmarks import did, selection


def test_the_selection_benchmark_runs_at_a_tiny_size(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in {
        "CANDIDATES": 150,
        "INDICATORS": 6,
        "PREFECTURES": 12,
        "CHOSEN": 12,
        "PER_PREFECTURE": 2,
        "SMALL_INSTANCES": 3,
    }.items():
        monkeypatch.setattr(selection, name, value)  # the demo-sized instance needs 9 prefectures

    selection.main()

    printed = capsys.readouterr().out
    assert "entropy + TOPSIS" in printed
    assert "covered 12/12" in printed
    assert "MILP vs brute force" in printed


def test_the_did_benchmark_runs_at_a_tiny_size(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(did, "UNITS", 300)
    monkeypatch.setattr(did, "PERIODS", 12)
    monkeypatch.setattr(did, "COHORTS", {6: 30, 8: 30, 10: 30})
    monkeypatch.setattr(did, "BOOTSTRAP_DRAWS", 49)

    did.main()  # raises if either oracle package disagrees

    printed = capsys.readouterr().out
    assert "diff-diff CS reg" in printed
    assert "csdid ATTgt reg" in printed


@pytest.mark.django_db
def test_the_round_scoring_benchmark_runs_at_a_tiny_size(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks import round_scoring

    for name, value in {
        "CANDIDATES": 80,
        "CRITERIA": 2,
        "INDICATORS_PER_CRITERION": 2,
        "CHOSEN": 21,  # covers Sichuan's 21 prefectures
        "PER_PREFECTURE": 2,
        "RUNS": 10,
    }.items():
        monkeypatch.setattr(round_scoring, name, value)

    round_scoring.main()

    printed = capsys.readouterr().out
    assert "80 candidates x 4 indicators" in printed
    assert "score_round (service)" in printed
    assert "in 13 statements" in printed
    assert "queue_scoring (the request)" in printed  # then the task's body, scored again
    if connection.vendor == "postgresql":
        assert "5 rows written" in printed
