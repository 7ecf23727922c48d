"""Reporting's API lists that grow with the programme, paged by key (ADRs 0035 and 0071): accepted
usage by report and grant, area reports by id. Following ``next`` returns every row once, in key
order, whatever the filter; ``previous`` walks back the same rows; each page costs the queries
the first costs, however deep and however much data; the deprecated ``?page=N`` still answers the
numbered page with its count in the old order. On PostgreSQL, with the tables counted as on the
national set, each filter's page is read by an index, never by walking every usage line."""

import base64
import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devolve.accounts.models import User
from devolve.core.testing.plans import national_plans
from devolve.grants.models import Grant
from devolve.grants.tests.factories import GrantFactory
from devolve.reporting.models import AreaReport, ReportStatus, UsageLine
from devolve.reporting.tests.factories import World

D = datetime.date
pytestmark = pytest.mark.django_db

Row = tuple[Any, ...]


def _accepted_usage(world: World, *, draft: AreaReport | None = None) -> None:
    """Every area report accepted but ``draft``, each with a line per grant of its area, the
    lines written report by report backwards and grant by grant backwards (so their ids run
    against the pages' order)."""
    AreaReport.objects.exclude(pk=getattr(draft, "pk", None)).update(
        status=ReportStatus.ACCEPTED,
        first_submitted_on=D(2024, 7, 5),
        submitted_on=D(2024, 7, 5),
        accepted_on=D(2024, 7, 20),
    )
    grants = list(Grant.objects.order_by("-pk"))
    for number, report in enumerate(AreaReport.objects.order_by("-pk")):
        for grant in grants:
            if grant.zone_id == report.zone_id:
                UsageLine.objects.get_or_create(
                    report=report, grant=grant, defaults={"cases_received": number}
                )


def _usage_row(row: dict[str, Any]) -> Row:
    return (row["annual_list"], row["period_start"], row["grant"], row["cases_received"])


def _walk(client: Client, path: str, query: dict[str, Any]) -> tuple[list[Any], list[int], str]:
    """Every row the list gives, following ``next`` from the first page; each page's query
    count; the address of the last page."""
    rows: list[Any] = []
    counts: list[int] = []
    following: str | None = f"{path}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
    last = following
    while following:
        with CaptureQueriesContext(connection) as page:
            answer = client.get(following)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert "count" not in body
        rows += body["results"]
        counts.append(len(page.captured_queries))
        last, following = following, body["next"]
    return rows, counts, str(last)


def _walk_back(client: Client, last: str) -> list[Any]:
    """Every row from the last page back to the first, following ``previous``."""
    pages: list[list[Any]] = []
    preceding: str | None = last
    while preceding:
        body = client.get(preceding).json()
        pages.insert(0, body["results"])
        preceding = body["previous"]
    return [row for page in pages for row in page]


def _expected_usage(**filters: Any) -> list[Row]:
    lines = (
        UsageLine.objects.filter(report__status=ReportStatus.ACCEPTED, **filters)
        .select_related("report__cycle__annual_list__batch")
        .order_by("report_id", "grant_id")
    )
    return [
        (
            line.report.cycle.annual_list.key,
            line.report.cycle.period_start.isoformat(),
            line.grant_id,
            line.cases_received,
        )
        for line in lines
    ]


USAGE = "/api/v1/usage/"


def test_usage_is_paged_by_report_and_grant_every_line_once(
    client: Client, world: World, office_user: User
) -> None:
    """Two lines a page, unfiltered and by each filter the list offers: every accepted line
    once, a report's lines together by grant, the filter kept from page to page, the same rows
    walking back; every page of every walk costs as many queries as the first page did before
    most lines were written."""
    client.force_login(office_user)
    draft = world.area_report(world.q3)
    period = world.q2.period_start.isoformat()
    walks = (
        ({}, {}),
        ({"zone": world.zone.slug}, {"report__zone": world.zone}),
        ({"period_start": period}, {"report__cycle": world.q2}),
        ({"annual_list": world.annual_list.key}, {}),
        ({"matter": world.power.matter.key}, {"grant__entry__matter": world.power.matter}),
        (
            {"zone": world.zone.slug, "period_start": period},
            {"report__zone": world.zone, "report__cycle": world.q2},
        ),
    )
    _accepted_usage(world, draft=draft)
    few = UsageLine.objects.count()
    first_pages = [_walk(client, USAGE, {"page_size": 2, **query})[1][0] for query, _ in walks]
    extra = GrantFactory(entry=world.late_power, zone=world.other_zone, effective=True)
    _accepted_usage(world, draft=draft)
    UsageLine.objects.filter(report=draft).update(cases_received=99)  # never listed
    assert UsageLine.objects.count() > few

    for (query, filters), first_page in zip(walks, first_pages, strict=True):
        walked, counts, last = _walk(client, USAGE, {"page_size": 2, **query})

        expected = _expected_usage(**filters)
        assert [_usage_row(row) for row in walked] == expected, query
        assert len(expected) > 2, query  # more than one page
        assert set(counts) == {first_page}, query
        assert [_usage_row(row) for row in _walk_back(client, last)] == expected, query
    every = _expected_usage()
    assert any(row[2] == extra.pk for row in every)
    assert all(row[3] != 99 for row in every)
    # Anonymous readers page the same lines.
    client.logout()
    walked, _counts, _last = _walk(client, USAGE, {"page_size": 3})
    assert [_usage_row(row) for row in walked] == every


def test_usage_answers_a_cursor_it_did_not_give_with_404(
    client: Client, world: World, office_user: User
) -> None:
    _accepted_usage(world)
    client.force_login(office_user)
    for position in ("p=12", "p=a~1", "p=1~2~3"):
        cursor = base64.b64encode(position.encode()).decode()
        answer = client.get(USAGE, {"cursor": cursor})
        assert (answer.status_code, answer.json()["code"]) == (404, "not_found"), position


def test_a_numbered_usage_page_is_still_answered_with_its_count(
    client: Client, world: World, office_user: User
) -> None:
    """Deprecated overlap: ``?page=N`` keeps the numbered page, its count and the old order
    (edition, period, area, entry)."""
    _accepted_usage(world)
    client.force_login(office_user)

    body = client.get(USAGE, {"page": 1, "page_size": 500}).json()

    old_order = sorted(_expected_usage(), key=lambda row: (row[0], row[1]))
    assert body["count"] == len(old_order)
    assert sorted(_usage_row(row) for row in body["results"]) == sorted(old_order)
    assert [_usage_row(row)[:2] for row in body["results"]] == [row[:2] for row in old_order]


AREA_REPORTS = reverse("api:area-report-list")


@pytest.mark.parametrize(
    ("persona", "query", "filters"),
    [
        ("office", {}, {}),
        ("office", {"status": "accepted"}, {"status": "accepted"}),
        ("office", {"zone": "zigong-test-zone"}, {"zone__slug": "zigong-test-zone"}),
        ("office", {"prefecture": "510300"}, {"zone__prefecture__code": "510300"}),
        ("pilot_area", {}, "own"),
        ("prefecture", {}, "own"),
    ],
)
def test_area_reports_are_paged_by_key_every_report_once(
    client: Client,
    world: World,
    personas: dict[str, User],
    persona: str,
    query: dict[str, str],
    filters: dict[str, str] | str,
) -> None:
    """Keyset pages of two reports: every report the user's scope and the filter keep, once,
    in id order, the same walking back, each page in as many queries as the first."""
    user = personas[persona]
    client.force_login(user)
    _accepted_usage(world, draft=world.area_report(world.q3))
    if filters == "own":
        assert user.zone_id or user.prefecture_id
        filters = (
            {"zone": user.zone_id} if user.zone_id else {"zone__prefecture": user.prefecture_id}
        )
    expected = list(AreaReport.objects.filter(**filters).order_by("pk").values_list("pk", "status"))

    walked, counts, last = _walk(client, AREA_REPORTS, {"page_size": 2, **query})

    assert [(row["id"], row["status"]) for row in walked] == expected
    assert len(expected) > 2
    assert len(set(counts)) == 1
    assert [row["id"] for row in _walk_back(client, last)] == [pk for pk, _status in expected]
    lines = dict(
        UsageLine.objects.values("report").annotate(n=Count("pk")).values_list("report", "n")
    )
    assert {row["id"]: row["line_count"] for row in walked} == {
        pk: lines.get(pk, 0) for pk, _status in expected
    }


def test_a_numbered_area_report_page_is_still_answered_with_its_count(
    client: Client, world: World, office_user: User
) -> None:
    """Deprecated overlap: ``?page=N`` keeps the numbered page, its count and the old order
    (cycle, prefecture, area)."""
    client.force_login(office_user)

    body = client.get(AREA_REPORTS, {"page": 1, "page_size": 3}).json()

    old_order = AreaReport.objects.order_by(*AreaReport._meta.ordering)
    assert body["count"] == old_order.count()
    assert [row["id"] for row in body["results"]] == [report.pk for report in old_order[:3]]


# The national set's rows (docs/operations/scaling.md): the planner is told these counts, so
# the test's few rows do not make walking every line look cheap.
NATIONAL_ROWS = {
    "reporting_usageline": 10_000_000,
    "reporting_areareport": 22_222,
    "reporting_reportingcycle": 427,
    "grants_grant": 304_199,
    "matters_listentry": 5_818,
    "matters_matter": 5_818,
    "regions_zone": 2_700,
}


# Columns whose few values in the test would tell the planner that a filter on one keeps half
# the rows: without statistics it takes one value to keep 0.5 % of them, near the national
# set's one area in 366 or one period in 61.
UNKNOWN_SPREAD = {
    "reporting_areareport": ("zone_id", "cycle_id", "status"),
    "reporting_reportingcycle": ("period_start", "annual_list_id"),
    "reporting_usageline": ("report_id", "grant_id"),
    "grants_grant": ("entry_id", "zone_id"),
    "matters_listentry": ("matter_id", "annual_list_id"),
}


def _plans(sql: list[str]) -> list[str]:
    """The plans of ``sql`` with the tables as large as on a national set (``national_plans``),
    sequential and bitmap scans off (on tables this small the planner prefers them)."""
    plans, _holding = national_plans(
        [(statement, None) for statement in sql],
        rows=NATIONAL_ROWS,
        unknown_spread=UNKNOWN_SPREAD,
        off=("enable_seqscan", "enable_bitmapscan"),
    )
    return plans


def _page_queries(client: Client, address: str, table: str) -> list[str]:
    """The statements a request of ``address`` reads ``table`` with."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return [query["sql"] for query in queries.captured_queries if f'FROM "{table}"' in query["sql"]]


def _scans(plan: str, table: str) -> list[tuple[str, str]]:
    """Each scan of ``table`` in ``plan``: its line and the condition under it ('' if none)."""
    lines = [line.strip(" ->") for line in plan.splitlines()]
    return [
        (line, lines[at + 1] if at + 1 < len(lines) and "Cond:" in lines[at + 1] else "")
        for at, line in enumerate(lines)
        if f" on {table} " in f"{line} " and "Scan" in line
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_usage_pages_read_lines_by_an_index_whatever_the_filter(
    client: Client, world: World, office_user: User
) -> None:
    """Planned as on the national set (10 M lines, 22,222 reports; a filter keeps a few of
    them): the unfiltered pages walk the index of the lines' report and grant from the cursor
    on, stopping after a page; a page filtered by area, period or edition reads the lines of
    the reports the filter keeps by the lines' report, report by report, never walking the
    lines of other reports (what made one area's page take 3.5 s in line-id order, ADR 0035);
    by matter, the lines of its grants. No plan reads the lines whole."""
    _accepted_usage(world)
    client.force_login(office_user)
    period = world.q2.period_start.isoformat()
    second = client.get(USAGE, {"page_size": 2}).json()["next"]
    by_report = r"Index Cond: \(+report_id = reporting_areareport\.id\b"
    cases = [
        (f"{USAGE}?page_size=2", r"^$"),
        (second, r"^Index Cond: \(ROW\(report_id, grant_id\) > ROW\("),
        (f"{USAGE}?zone={world.zone.slug}", by_report),
        (f"{USAGE}?period_start={period}", by_report),
        (f"{USAGE}?zone={world.zone.slug}&period_start={period}", by_report),
        (f"{USAGE}?annual_list={world.annual_list.key}", by_report),
        (f"{USAGE}?matter={world.power.matter.key}", r"grant_id = grants_grant\.id\b"),
    ]
    statements = [_page_queries(client, address, "reporting_usageline") for address, _ in cases]
    assert [len(found) for found in statements] == [1] * len(cases)

    plans = _plans([found[0] for found in statements])

    for (address, condition), plan in zip(cases, plans, strict=True):
        scans = _scans(plan, "reporting_usageline")
        assert len(scans) == 1, plan
        scan, cond = scans[0]
        assert scan.startswith("Index Scan using "), (address, plan)
        assert re.search(condition, cond), (address, plan)
        if condition == r"^$" or "ROW" in condition:  # a walk: in the keyset's own index
            assert scan.startswith("Index Scan using usage_line_one_per_grant "), plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_area_report_pages_read_reports_by_an_index(
    client: Client, world: World, personas: dict[str, User]
) -> None:
    """Planned as on the national set: the first and a deep page of the office's list read
    the reports' primary key from the cursor on; a pilot area's and a prefecture's pages (and
    the area and cycle filters) read their reports by the index of the area or cycle; the page's
    lines are counted by the lines' report index, for the page's reports only."""
    _accepted_usage(world)
    client.force_login(personas["office"])
    deep = client.get(AREA_REPORTS, {"page_size": 2}).json()["next"]
    addresses = [
        (
            personas["office"],
            f"{AREA_REPORTS}?page_size=2",
            r"^Index Scan using reporting_areareport_pkey",
        ),
        (personas["office"], deep, r"^Index Scan using reporting_areareport_pkey"),
        (personas["office"], f"{AREA_REPORTS}?zone={world.other_zone.slug}", r"zone_id"),
        (personas["office"], f"{AREA_REPORTS}?cycle={world.q2.pk}", r"cycle"),
        (personas["pilot_area"], AREA_REPORTS, r"zone_id"),
        (personas["prefecture"], AREA_REPORTS, r"zone_id"),
    ]
    statements = []
    for user, address, _index in addresses:
        client.force_login(user)
        statements.append(_page_queries(client, address, "reporting_areareport"))
    assert [len(found) for found in statements] == [1] * len(addresses)
    counted = _page_queries(client, AREA_REPORTS, "reporting_usageline")

    plans = _plans([found[0] for found in statements] + counted)

    for (_user, address, index), plan in zip(addresses, plans, strict=False):
        scans = _scans(plan, "reporting_areareport")
        assert len(scans) == 1, plan
        assert re.search(index, scans[0][0]), (address, plan)
        assert "Seq Scan" not in plan, plan
    ((scan, cond),) = _scans(plans[-1], "reporting_usageline")
    assert re.match(r"Index (Only )?Scan using ", scan), plans[-1]
    assert re.match(r"Index Cond: \(report_id = ANY ", cond), plans[-1]
