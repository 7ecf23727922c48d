"""Reads of grants: the take-up matrix, scoping by persona, overdue handovers and agreements due
for renewal."""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from pytest_django import DjangoAssertNumQueries

from devolve.accounts.models import User
from devolve.core.testing.plans import national_plans
from devolve.grants import selectors
from devolve.grants.models import Grant
from devolve.grants.tables import grant_title
from devolve.grants.tests.factories import EntrustmentAgreementFactory, GrantFactory
from devolve.matters.models import AnnualList, Department
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory, mode
from devolve.regions.models import Batch
from devolve.regions.tests.factories import BatchFactory, ZoneFactory, prefecture

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def batch() -> Batch:
    return BatchFactory(number=1)


@pytest.fixture
def published(batch: Batch) -> AnnualList:
    return AnnualListFactory(batch=batch, year=2024, published=True)


# --- take-up matrix -------------------------------------------------------------------------


@pytest.fixture
def matrix_world(published: AnnualList, justice: Department, finance: Department) -> dict[str, Any]:
    """Three areas in two prefectures; a delegated power to all, an entrusted power to two, a
    support matter to all, and a withdrawn entry."""
    deyang = ZoneFactory(slug="a-deyang", prefecture=prefecture("510600"))
    east = ZoneFactory(slug="east")
    west = ZoneFactory(slug="west")
    delegated = ListEntryFactory(
        annual_list=published,
        sequence=1,
        matter=MatterFactory(competent_department=justice),
        mode=mode("delegate"),
    )
    entrusted = ListEntryFactory(
        annual_list=published,
        sequence=2,
        matter=MatterFactory(competent_department=justice),
        mode=mode("entrust"),
        all_areas=False,
    )
    supported = ListEntryFactory(
        annual_list=published,
        sequence=3,
        matter=MatterFactory(support=True, competent_department=finance),
        mode=mode("support"),
    )
    withdrawn = ListEntryFactory(annual_list=published, sequence=4, change="withdrawn")
    grants = {
        ("delegated", "east"): GrantFactory(entry=delegated, zone=east, effective=True),
        ("delegated", "west"): GrantFactory(entry=delegated, zone=west),
        ("delegated", "deyang"): GrantFactory(entry=delegated, zone=deyang, handed_over=True),
        ("entrusted", "east"): GrantFactory(entry=entrusted, zone=east, awaiting_agreement=True),
        ("entrusted", "deyang"): GrantFactory(entry=entrusted, zone=deyang, effective=True),
        ("supported", "east"): GrantFactory(entry=supported, zone=east, effective=True),
        ("supported", "west"): GrantFactory(entry=supported, zone=west, effective=True),
        ("supported", "deyang"): GrantFactory(entry=supported, zone=deyang, recalled=True),
    }
    GrantFactory(zone=east)  # another edition's grant
    return {
        "zones": {"east": east, "west": west, "deyang": deyang},
        "entries": {
            "delegated": delegated,
            "entrusted": entrusted,
            "supported": supported,
            "withdrawn": withdrawn,
        },
        "grants": grants,
    }


def cells(matrix: selectors.TakeUpMatrix) -> list[list[str | None]]:
    return [
        [cell.status if cell else None for cell in matrix.row(entry)] for entry in matrix.entries
    ]


def test_the_matrix_has_live_entries_by_areas(
    published: AnnualList, matrix_world: dict[str, Any]
) -> None:
    zones, entries, grants = (
        matrix_world["zones"],
        matrix_world["entries"],
        matrix_world["grants"],
    )

    matrix = selectors.get_take_up_matrix(annual_list=published)

    assert matrix.annual_list == published
    assert matrix.entries == [entries["delegated"], entries["entrusted"], entries["supported"]]
    # Chengdu (510100) before Deyang (510600), then by key within a prefecture.
    assert matrix.zones == [zones["east"], zones["west"], zones["deyang"]]
    assert matrix.row(entries["entrusted"]) == [
        grants[("entrusted", "east")],
        None,
        grants[("entrusted", "deyang")],
    ]
    assert cells(matrix) == [
        ["effective", "awaiting_effect", "handed_over"],
        ["awaiting_agreement", None, "effective"],
        ["effective", "effective", "recalled"],
    ]
    assert matrix.status_counts == {
        "effective": 4,
        "awaiting_effect": 1,
        "handed_over": 1,
        "awaiting_agreement": 1,
        "recalled": 1,
    }


@pytest.mark.parametrize("filters", [{}, {"status": "effective"}, {"zone_slug": "west"}])
def test_pages_of_the_selection_are_the_whole_matrix_cut_by_entries(
    published: AnnualList,
    matrix_world: dict[str, Any],
    filters: dict[str, str],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """The selection's entries, areas and counts are the whole matrix's, and the cells read for
    two entries at a time are its rows, in one query each."""
    whole = selectors.get_take_up_matrix(annual_list=published, **filters)

    with django_assert_num_queries(2):
        selection = selectors.get_take_up_selection(annual_list=published, **filters)
    entries = list(selection.entries)

    assert entries == whole.entries
    assert selection.zones == whole.zones
    assert selection.status_counts == whole.status_counts
    for start in range(0, len(entries), 2):
        page = entries[start : start + 2]
        with django_assert_num_queries(1):
            cells = selection.cells_of(page)
        assert [[cells.get((entry.pk, zone.pk)) for zone in whole.zones] for entry in page] == [
            [_as_cell(grant) for grant in whole.row(entry)] for entry in page
        ]


def _as_cell(grant: Grant | None) -> selectors.GrantCell | None:
    """The grant's status and dates, as a page's cell holds them."""
    if grant is None:
        return None
    return selectors.GrantCell(
        *(getattr(grant, name) for name in selectors.CELL_FIELDS if name not in CELL_KEYS)
    )


CELL_KEYS = ("entry_id", "zone_id")


NATIONAL_GRANTS = 300_000


def _plan(sql: str, parameters: Any, *settings: str) -> str:
    """The plan of ``sql`` with the given planner settings off, the grants counted as many as on
    a national set (``national_plans``): what earlier modules left in the table must not choose
    the plan."""
    (plan,), _holding = national_plans(
        [(sql, parameters)], rows={"grants_grant": NATIONAL_GRANTS}, off=settings
    )
    return plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize("filters", [{}, {"status": "effective"}, {"kind": "power"}])
def test_the_grid_counts_an_editions_grants_from_their_index_alone(
    published: AnnualList, matrix_world: dict[str, Any], filters: dict[str, str]
) -> None:
    """The grid's columns and counts come from one grouped query that reads the edition's
    grants by entry from the index on entry, area and status alone: it grows with the edition,
    not with every grant of the programme (a sequential scan of the grants, measured at 210 ms
    for the areas and 100 ms for the counts on a national set). Without sequential scans (the
    test tables are too small for the planner to prefer an index), with the grants counted as
    many as on a national set (on a table this small the planner may as well walk every grant
    in the grouping's order), the plan reads the grants by the edition's entries from the index
    on entry, area and status alone: an index that lacked a column the query reads, or a query
    that read another column (``COUNT(id)``), would need the table's rows."""
    grants, _entries = selectors._take_up_rows(
        annual_list=published,
        department_code=None,
        zone_slug=None,
        status=filters.get("status"),
        kind=filters.get("kind"),
    )
    counted = selectors.count_by_area_and_status(grants)
    sql, parameters = selectors.area_status_rows(grants).query.sql_with_params()

    plan = _plan(sql, parameters, "enable_seqscan", "enable_bitmapscan")

    assert sum(counted.values()) == len(list(grants))
    lines = [line.strip(" ->") for line in plan.splitlines()]
    grant_scans = [at for at, line in enumerate(lines) if " on grants_grant" in line]
    assert grant_scans, plan
    for at in grant_scans:
        assert lines[at].startswith(
            "Index Only Scan using grant_entry_zone_status on grants_grant"
        ), plan
        assert re.match(r"Index Cond: \(+entry_id = ", lines[at + 1]), plan


def test_the_matrix_filters_by_department(
    published: AnnualList, matrix_world: dict[str, Any]
) -> None:
    matrix = selectors.get_take_up_matrix(annual_list=published, department_code="finance")

    assert matrix.entries == [matrix_world["entries"]["supported"]]
    assert cells(matrix) == [["effective", "effective", "recalled"]]


def test_the_matrix_filters_by_kind(published: AnnualList, matrix_world: dict[str, Any]) -> None:
    entries = matrix_world["entries"]

    powers = selectors.get_take_up_matrix(annual_list=published, kind="power")
    support = selectors.get_take_up_matrix(annual_list=published, kind="support")

    assert (powers.entries, support.entries) == (
        [entries["delegated"], entries["entrusted"]],
        [entries["supported"]],
    )
    assert powers.status_counts == {
        "effective": 2,
        "awaiting_effect": 1,
        "handed_over": 1,
        "awaiting_agreement": 1,
    }


def test_the_matrix_filters_by_area(published: AnnualList, matrix_world: dict[str, Any]) -> None:
    zones, entries = matrix_world["zones"], matrix_world["entries"]

    matrix = selectors.get_take_up_matrix(annual_list=published, zone_slug="west")

    assert (matrix.zones, matrix.entries) == (
        [zones["west"]],
        [entries["delegated"], entries["supported"]],
    )
    assert cells(matrix) == [["awaiting_effect"], ["effective"]]


def test_the_matrix_filters_by_status(published: AnnualList, matrix_world: dict[str, Any]) -> None:
    zones, entries = matrix_world["zones"], matrix_world["entries"]

    matrix = selectors.get_take_up_matrix(annual_list=published, status="effective")

    assert matrix.entries == [entries["delegated"], entries["entrusted"], entries["supported"]]
    assert matrix.zones == [zones["east"], zones["west"], zones["deyang"]]
    assert cells(matrix) == [
        ["effective", None, None],
        [None, None, "effective"],
        ["effective", "effective", None],
    ]


def test_filters_combine(published: AnnualList, matrix_world: dict[str, Any]) -> None:
    matrix = selectors.get_take_up_matrix(
        annual_list=published, department_code="justice", status="effective", zone_slug="a-deyang"
    )
    assert (matrix.entries, cells(matrix)) == (
        [matrix_world["entries"]["entrusted"]],
        [["effective"]],
    )


def test_an_unpublished_edition_has_rows_but_no_areas(batch: Batch) -> None:
    draft = AnnualListFactory(batch=batch, year=2025)
    entry = ListEntryFactory(annual_list=draft)

    matrix = selectors.get_take_up_matrix(annual_list=draft)

    assert (matrix.entries, matrix.zones, matrix.cells, matrix.status_counts) == (
        [entry],
        [],
        {},
        {},
    )


def render_matrix(matrix: selectors.TakeUpMatrix) -> list[Any]:
    """What the matrix page and its downloads show: row labels, column labels and each cell's
    status and dates (``grants.tables.TakeUpMatrixTable``)."""
    header = [(zone.slug, zone.prefecture.code, str(zone)) for zone in matrix.zones]
    rows = [
        (
            entry.sequence,
            entry.matter.code,
            entry.mode.code,
            entry.granting_department.code,
            [(cell.status, grant_title(cell)) if cell else None for cell in matrix.row(entry)],
        )
        for entry in matrix.entries
    ]
    return [header, rows, matrix.status_counts]


@pytest.mark.parametrize(("entries", "zones"), [(2, 2), (6, 5)])
def test_the_matrix_takes_three_queries_whatever_its_size(
    published: AnnualList,
    entries: int,
    zones: int,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    areas = [ZoneFactory() for _ in range(zones)]
    for _ in range(entries):
        entry = ListEntryFactory(annual_list=published)
        for zone in areas:
            GrantFactory(entry=entry, zone=zone, effective=True)

    with django_assert_max_num_queries(3):
        rendered = render_matrix(selectors.get_take_up_matrix(annual_list=published))

    assert (len(rendered[0]), len(rendered[1]), rendered[2]) == (
        zones,
        entries,
        {"effective": entries * zones},
    )


# --- scoping --------------------------------------------------------------------------------


@pytest.fixture
def scoped_grants(
    published: AnnualList,
    justice: Department,
    finance: Department,
    pilot_area_user: User,
) -> dict[str, Grant]:
    own_zone = pilot_area_user.zone
    chengdu_zone = ZoneFactory(slug="chengdu-other")
    deyang_zone = ZoneFactory(slug="deyang", prefecture=prefecture("510600"))
    justice_entry = ListEntryFactory(
        annual_list=published, matter=MatterFactory(competent_department=justice)
    )
    finance_entry = ListEntryFactory(
        annual_list=published, matter=MatterFactory(competent_department=finance)
    )
    return {
        "justice_own": GrantFactory(entry=justice_entry, zone=own_zone),
        "justice_chengdu": GrantFactory(entry=justice_entry, zone=chengdu_zone),
        "finance_deyang": GrantFactory(entry=finance_entry, zone=deyang_zone, recalled=True),
        "finance_own": GrantFactory(entry=finance_entry, zone=own_zone, effective=True),
    }


ALL_GRANTS = ["justice_own", "justice_chengdu", "finance_deyang", "finance_own"]


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("office_user", ALL_GRANTS),
        ("auditor", ALL_GRANTS),
        ("evaluator", ALL_GRANTS),
        ("department_user", ["justice_own", "justice_chengdu"]),
        ("other_department_user", ["finance_deyang", "finance_own"]),
        ("prefecture_user", ["justice_own", "justice_chengdu", "finance_own"]),
        ("pilot_area_user", ["justice_own", "finance_own"]),
    ],
)
def test_list_grants_visible_to(
    request: pytest.FixtureRequest,
    scoped_grants: dict[str, Grant],
    persona: str,
    visible: list[str],
) -> None:
    user = request.getfixturevalue(persona)
    assert set(selectors.list_grants_visible_to(user=user)) == {
        scoped_grants[name] for name in visible
    }


@pytest.mark.parametrize(
    "persona",
    [
        "office_user",
        "auditor",
        "evaluator",
        "department_user",
        "prefecture_user",
        "pilot_area_user",
    ],
)
def test_an_inactive_user_sees_no_grant(
    request: pytest.FixtureRequest, scoped_grants: dict[str, Grant], persona: str
) -> None:
    user = request.getfixturevalue(persona)
    user.is_active = False
    user.save()
    assert list(selectors.list_grants_visible_to(user=user)) == []


def test_get_grant(scoped_grants: dict[str, Grant]) -> None:
    grant = scoped_grants["justice_own"]
    assert selectors.get_grant(pk=grant.pk) == grant
    assert selectors.get_grant(pk=max(g.pk for g in scoped_grants.values()) + 1) is None


# --- overdue handovers ----------------------------------------------------------------------


def test_list_overdue_handovers(
    published: AnnualList, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    entry = ListEntryFactory(annual_list=published)
    later = GrantFactory(entry=entry, effective=True, handover_due_on=D(2024, 5, 20))
    earlier = GrantFactory(entry=entry, effective=True, handover_due_on=D(2024, 5, 10))
    GrantFactory(entry=entry, effective=True, handover_due_on=D(2024, 5, 21))  # due today
    GrantFactory(entry=entry, effective=True, handover_due_on=D(2024, 6, 1))
    GrantFactory(entry=entry, effective=True, handover_due_on=None)  # support: no handover
    GrantFactory(entry=entry, handed_over=True, handover_due_on=D(2024, 5, 1))
    GrantFactory(entry=entry, recalled=True, handover_due_on=D(2024, 5, 1))
    GrantFactory(entry=entry, handover_due_on=D(2024, 5, 1))  # still awaiting effect

    with django_assert_num_queries(1):
        rows = [
            (grant, grant.zone.prefecture.code, grant.entry.matter.code)
            for grant in selectors.list_overdue_handovers(on=D(2024, 5, 21))
        ]

    assert [row[0] for row in rows] == [earlier, later]


# --- agreements due for renewal -------------------------------------------------------------


@pytest.fixture
def warned_list(batch: Batch) -> AnnualList:
    return AnnualListFactory(batch=batch, year=2024, published=True, renewal_warning_days=15)


def agreement_on(annual_list: AnnualList, ends_on: datetime.date, **grant_fields: Any) -> Any:
    entry = ListEntryFactory(annual_list=annual_list, mode=mode("entrust"))
    grant = GrantFactory(entry=entry, **{"effective": True, **grant_fields})
    return EntrustmentAgreementFactory(grant=grant, ends_on=ends_on)


def test_list_agreements_expiring_in_their_warning_period(warned_list: AnnualList) -> None:
    on = D(2026, 3, 1)
    last_day = agreement_on(warned_list, D(2026, 3, 16))  # 15 days ahead: first warned day
    today = agreement_on(warned_list, D(2026, 3, 1))
    middle = agreement_on(warned_list, D(2026, 3, 8))
    agreement_on(warned_list, D(2026, 3, 17))  # not yet
    agreement_on(warned_list, D(2026, 2, 28))  # expired
    agreement_on(warned_list, D(2026, 3, 5), recalled=True)
    agreement_on(warned_list, D(2026, 3, 5), superseded=True)
    renewed = agreement_on(warned_list, D(2026, 3, 5))
    renewal = EntrustmentAgreementFactory(
        grant=renewed.grant, renews=renewed, ends_on=D(2028, 3, 5)
    )

    assert selectors.list_agreements_expiring(on=on) == [today, middle, last_day]
    assert selectors.list_agreements_expiring(on=D(2028, 2, 18)) == []
    assert selectors.list_agreements_expiring(on=D(2028, 2, 19)) == [renewal]


def test_each_edition_sets_its_own_warning_period(batch: Batch) -> None:
    short = AnnualListFactory(batch=batch, year=2024, published=True, renewal_warning_days=5)
    long = AnnualListFactory(batch=batch, year=2025, published=True, renewal_warning_days=30)
    agreement_on(short, D(2026, 3, 20))
    warned = agreement_on(long, D(2026, 3, 20))

    assert selectors.list_agreements_expiring(on=D(2026, 3, 1)) == [warned]


def test_an_agreement_carried_into_the_next_edition_still_warns(
    batch: Batch, warned_list: AnnualList
) -> None:
    """Publishing the next edition continues the grant (the old one is superseded); the
    agreement signed for it is still running and still needs renewing in time."""
    agreement = agreement_on(warned_list, D(2026, 3, 10))
    old = agreement.grant
    old.status, old.ended_on = Grant.Status.SUPERSEDED, D(2025, 3, 5)
    old.save()
    following = AnnualListFactory(
        batch=batch, year=2025, published=True, predecessor=warned_list, renewal_warning_days=15
    )
    GrantFactory(
        entry=ListEntryFactory(
            annual_list=following, matter=old.entry.matter, mode=mode("entrust")
        ),
        zone=old.zone,
        effective=True,
        previous_grant=old,
    )

    assert selectors.list_agreements_expiring(on=D(2026, 3, 1)) == [agreement]


@pytest.mark.parametrize("size", [2, 8])
def test_list_agreements_expiring_in_fixed_queries(
    warned_list: AnnualList, size: int, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for day in range(size):
        agreement_on(warned_list, D(2026, 3, 2 + day))

    with django_assert_max_num_queries(1):
        rows = [
            (agreement.number, agreement.grant.zone.slug, agreement.entrusting_department.code)
            for agreement in selectors.list_agreements_expiring(on=D(2026, 3, 1))
        ]

    assert len(rows) == size
