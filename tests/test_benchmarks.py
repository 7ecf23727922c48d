"""The analytics benchmarks run end to end at a tiny size, so a change to the maths they call
(such as classic entropy weights refusing zeros) or to an oracle package shows here rather than
halfway through ``make bench``."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from benchmarks import did, raw, selection


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


# The raw SQL the page benchmarks compare each page with (benchmarks/raw.py) must return the
# numbers the page shows: checked here on the whole demo against each page's selector, so a raw
# query that drifts from its page fails.


@pytest.fixture(scope="module")
def _demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    from django.db import transaction

    from devolve.demo.testing import full_demo

    with django_db_blocker.unblock(), transaction.atomic():
        full_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def cursor(_demo: None, db: None) -> Iterator[Any]:
    with connection.cursor() as opened:
        yield opened


def test_the_raw_overview_counts_the_pilot_areas_as_the_portal_does(cursor: Any) -> None:
    from devolve.demo.testing import DEMO_DAY
    from devolve.regions.selectors import get_programme_shape

    shape = get_programme_shape(on=DEMO_DAY)
    counted = raw.portal_overview(cursor, on=DEMO_DAY)

    assert shape.pilot_areas > 0
    assert counted == {
        "batch": shape.areas_per_batch,
        "prefecture": shape.areas_per_prefecture,
        "level": shape.by_level,
        "kind": shape.by_kind,
    }


def test_the_raw_pilot_area_list_is_the_lists_count_and_first_page(cursor: Any) -> None:
    from devolve.demo.testing import DEMO_DAY
    from devolve.regions.selectors import list_pilot_areas

    areas = list_pilot_areas(on=DEMO_DAY)

    assert raw.pilot_area_list(cursor, on=DEMO_DAY) == (
        areas.count(),
        [zone.slug for zone in areas[: raw.PAGE_SIZE]],
    )


def test_the_raw_edition_and_take_up_counts_are_the_selectors(cursor: Any) -> None:
    from devolve.grants.selectors import get_take_up_selection
    from devolve.matters.models import AnnualList
    from devolve.matters.selectors import count_entries

    editions = list(AnnualList.objects.order_by("pk"))
    assert any(edition.entries.exists() for edition in editions)
    for edition in editions:
        counts = count_entries(annual_list=edition)
        selection = get_take_up_selection(annual_list=edition)

        assert raw.edition(cursor, annual_list_id=edition.pk) == {
            "entries": counts.entries,
            "powers": counts.powers,
            "support": counts.support,
            "withdrawn": counts.withdrawn,
            "by_mode": counts.by_mode,
        }, edition.key
        assert raw.take_up(cursor, annual_list_id=edition.pk) == {
            "status_counts": selection.status_counts,
            "areas": len(selection.zones),
            "entries": selection.entries.count(),
        }, edition.key


def test_the_raw_grants_page_is_the_apis_page_by_key(cursor: Any, client: Any) -> None:
    import base64

    from devolve.grants.models import Grant

    keys = list(Grant.objects.order_by("pk").values_list("pk", flat=True))
    after = keys[len(keys) // 2]
    cursor_text = base64.b64encode(f"p={after}".encode()).decode()
    for start, query in ((0, {}), (after, {"cursor": cursor_text})):
        shown = client.get("/api/v1/grants/", query, HTTP_ACCEPT="application/json").json()

        assert raw.grants_page(cursor, after=start) == [
            (row["id"], row["zone"], row["status"]) for row in shown["results"]
        ]
        assert len(shown["results"]) == raw.PAGE_SIZE


def test_the_raw_completeness_and_overview_are_the_offices(cursor: Any) -> None:
    from devolve.demo.testing import DEMO_DAY
    from devolve.performance.overview import Overview
    from devolve.reporting.selectors import completeness

    def tallies(by: Any) -> dict[str, tuple[int, ...]]:
        return {
            row.key: (
                row.expected, row.submitted, row.submitted_on_time, row.accepted, row.returned,
                row.overdue,
            )
            for row in completeness(by=by, on=DEMO_DAY)
        }  # fmt: skip

    expected = {by: tallies(by) for by in ("area", "prefecture", "department")}
    overview = Overview.of(on=DEMO_DAY)

    assert all(expected.values())
    assert raw.completeness(cursor, on=DEMO_DAY) == expected
    assert raw.staff_overview(cursor, on=DEMO_DAY) == {
        "completeness": expected,
        "overdue": len(overview.overdue),
    }
    assert overview.overdue  # the demo has reports owed, so the count is tested


def test_the_raw_change_log_is_the_audit_pages_first_page(cursor: Any) -> None:
    from benchmarks.pages import history_tables
    from devolve.core.changelog import ChangeCriteria, list_changes

    shown = list(list_changes(ChangeCriteria())[: raw.PAGE_SIZE])

    assert raw.audit_events(cursor, history_tables=history_tables()) == [
        (row["log_source"], row["log_record_id"]) for row in shown
    ]


def test_the_raw_economy_headlines_are_the_comparisons(cursor: Any) -> None:
    from django.conf import settings

    from devolve.demo.testing import DEMO_DAY
    from devolve.indicators.selectors import get_headline_comparison, list_growth_indicators
    from devolve.regions.selectors import list_batches

    expected = {}
    for indicator in list_growth_indicators():
        comparison = get_headline_comparison(indicator=indicator, as_of=DEMO_DAY)
        for batch in list_batches():
            if (headline := comparison.headlines.get(batch.number)) is not None:
                expected[(indicator.code, batch.number)] = (
                    headline.year,
                    headline.pilot_mean,
                    headline.province,
                    headline.gap,
                    headline.row.simulated,
                )

    counted = raw.economy(cursor, on=DEMO_DAY, province=settings.PROGRAMME_PROVINCE_CODE)

    assert expected
    assert counted.keys() == expected.keys()
    for key, figures in expected.items():  # the database sums decimals, the selector floats
        assert counted[key] == pytest.approx(figures, rel=1e-9), key


# One character, every kind and more than a page; two terms scoring 150 (every term in a title);
# terms of three characters and more (SQLite's FTS5 index); a title starting with the query;
# wildcards to be taken literally.
@pytest.mark.parametrize("text", ["区", "区  成都", "firm law", "法律", "%_"])
def test_the_raw_search_is_the_public_search_pages_first_page(cursor: Any, text: str) -> None:
    from devolve.core.search import parse_query
    from devolve.search.results import search

    shown = search(parse_query(text))

    assert shown.page.total or text == "%_"
    assert raw.search(cursor, text=text) == {
        "hits": [(hit.kind, hit.pk, hit.score) for hit in shown.page.hits],
        "by_kind": shown.page.by_kind,
    }


def test_the_raw_area_report_lines_are_the_report_pages_first_page(cursor: Any) -> None:
    from devolve.reporting.models import AreaReport
    from devolve.reporting.selectors import list_usage_lines

    reports = list(AreaReport.objects.filter(lines__isnull=False).distinct().order_by("pk"))
    assert reports
    for report in reports:
        lines = list_usage_lines(report=report)

        assert raw.area_report_lines(cursor, report_id=report.pk) == (
            lines.count(),
            [
                (
                    line.grant_id,
                    line.cases_received,
                    line.cases_completed,
                    line.average_handling_days,
                    line.promised_limit_days,
                )
                for line in lines[: raw.PAGE_SIZE]
            ],
        ), report.pk
