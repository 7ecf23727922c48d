"""Hand-written SQL returning the numbers each benchmarked page shows: the floor a page's time is
compared with (issue 19, "the ratio to a raw SQL query returning the same numbers").

Each function takes a DB-API cursor and what the page was asked for, runs SQL written here (no
ORM, no model method) and returns plain numbers, folded as the page's selector folds them, so
``tests/test_benchmarks.py`` can check on the demo that they equal what the selector computes: a
raw query that drifts from the page fails there, not silently here. The SQL is the portable subset
SQLite and PostgreSQL share (CTEs, CASE, ``UNION ALL``).
"""

import datetime
from typing import Any

# The values the SQL compares with (the models' choices; written out so no ORM is imported).
WITHDRAWN = "withdrawn"
POWER, SUPPORT = "power", "support"
OWED = ("draft", "returned")
ACCEPTED, RETURNED = "accepted", "returned"
PAGE_SIZE = 50  # a list page's default rows (core.lists.DEFAULT_PAGE_SIZE), the grants API's

_PILOT_AREAS = """
    SELECT z.id, z.slug, z.kind, z.level, p.code AS prefecture, b.number AS batch
    FROM regions_zone z
    JOIN regions_batchmembership m ON m.zone_id = z.id
        AND m.joined_on <= %(on)s AND (m.left_on IS NULL OR m.left_on > %(on)s)
    JOIN regions_batch b ON b.id = m.batch_id
    JOIN regions_division p ON p.id = z.prefecture_id
"""


def _rows(cursor: Any, sql: str, params: dict[str, Any] | list[Any]) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params)
    return [tuple(row) for row in cursor.fetchall()]


def portal_overview(cursor: Any, *, on: datetime.date) -> dict[str, dict[Any, int]]:
    """``/``: the pilot areas on ``on`` by batch, prefecture, level and kind
    (``get_programme_shape``)."""
    rows = _rows(
        cursor,
        f"""WITH pilot AS ({_PILOT_AREAS})
        SELECT 'batch', CAST(batch AS TEXT), COUNT(*) FROM pilot GROUP BY batch
        UNION ALL SELECT 'prefecture', prefecture, COUNT(*) FROM pilot GROUP BY prefecture
        UNION ALL SELECT 'level', COALESCE(NULLIF(level, ''), 'unconfirmed'), COUNT(*)
            FROM pilot GROUP BY COALESCE(NULLIF(level, ''), 'unconfirmed')
        UNION ALL SELECT 'kind', kind, COUNT(*) FROM pilot GROUP BY kind""",  # noqa: S608
        {"on": on},
    )
    shape: dict[str, dict[Any, int]] = {"batch": {}, "prefecture": {}, "level": {}, "kind": {}}
    for facet, key, count in rows:
        shape[facet][int(key) if facet == "batch" else key] = count
    return shape


def pilot_area_list(cursor: Any, *, on: datetime.date) -> tuple[int, list[str]]:
    """``/pilot-areas/``: how many pilot areas, and the first page's, by prefecture and key."""
    count = _rows(cursor, f"SELECT COUNT(*) FROM ({_PILOT_AREAS}) pilot", {"on": on})[0][0]  # noqa: S608
    page = _rows(
        cursor,
        f"SELECT slug FROM ({_PILOT_AREAS}) pilot ORDER BY prefecture, slug LIMIT {PAGE_SIZE}",  # noqa: S608
        {"on": on},
    )
    return count, [slug for (slug,) in page]


def edition(cursor: Any, *, annual_list_id: int) -> dict[str, Any]:
    """An edition's page: its live entries by kind and mode and its withdrawn ones
    (``count_entries``)."""
    totals = _rows(
        cursor,
        """SELECT
            SUM(CASE WHEN e.change <> %(withdrawn)s THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.change <> %(withdrawn)s AND m.kind = %(power)s THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.change <> %(withdrawn)s AND m.kind = %(support)s THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.change = %(withdrawn)s THEN 1 ELSE 0 END)
        FROM matters_listentry e JOIN matters_matter m ON m.id = e.matter_id
        WHERE e.annual_list_id = %(edition)s""",
        {"withdrawn": WITHDRAWN, "power": POWER, "support": SUPPORT, "edition": annual_list_id},
    )[0]
    by_mode = _rows(
        cursor,
        """SELECT a.code, COUNT(*) FROM matters_listentry e
        JOIN matters_authorizationmode a ON a.id = e.mode_id
        WHERE e.annual_list_id = %(edition)s AND e.change <> %(withdrawn)s
        GROUP BY a.code ORDER BY a.code""",
        {"withdrawn": WITHDRAWN, "edition": annual_list_id},
    )
    entries, powers, support, withdrawn = (int(total or 0) for total in totals)
    return {
        "entries": entries,
        "powers": powers,
        "support": support,
        "withdrawn": withdrawn,
        "by_mode": dict(by_mode),
    }


def take_up(cursor: Any, *, annual_list_id: int) -> dict[str, Any]:
    """An edition's take-up grid: its grants by status, the areas they reach and the live
    entries (``get_take_up_selection`` without filters)."""
    by_status = _rows(
        cursor,
        """SELECT g.status, COUNT(*) FROM grants_grant g
        JOIN matters_listentry e ON e.id = g.entry_id
        WHERE e.annual_list_id = %(edition)s GROUP BY g.status ORDER BY g.status""",
        {"edition": annual_list_id},
    )
    areas, entries = _rows(
        cursor,
        """SELECT
            (SELECT COUNT(DISTINCT g.zone_id) FROM grants_grant g
             JOIN matters_listentry e ON e.id = g.entry_id WHERE e.annual_list_id = %(edition)s),
            (SELECT COUNT(*) FROM matters_listentry e
             WHERE e.annual_list_id = %(edition)s AND e.change <> %(withdrawn)s)""",
        {"edition": annual_list_id, "withdrawn": WITHDRAWN},
    )[0]
    return {"status_counts": dict(by_status), "areas": areas, "entries": entries}


def grants_page(cursor: Any, *, after: int) -> list[tuple[int, str, str]]:
    """A page of the grants API by key: the grants after ``after`` in key order, with their
    area's key and status."""
    return _rows(
        cursor,
        f"""SELECT g.id, z.slug, g.status FROM grants_grant g
        JOIN regions_zone z ON z.id = g.zone_id
        WHERE g.id > %(after)s ORDER BY g.id LIMIT {PAGE_SIZE}""",  # noqa: S608
        {"after": after},
    )


_TALLIES = """
    COUNT(*),
    SUM(CASE WHEN r.first_submitted_on IS NOT NULL AND r.first_submitted_on <= %(on)s
        THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.first_submitted_on IS NOT NULL AND r.first_submitted_on <= %(on)s
        AND r.first_submitted_on <= c.due_on THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = %(accepted)s THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = %(returned)s THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status IN (%(draft)s, %(returned)s) AND c.due_on < %(on)s THEN 1 ELSE 0 END)
"""
_GROUPS = {
    "area": ("z.slug", "reporting_areareport", "JOIN regions_zone z ON z.id = r.zone_id"),
    "prefecture": (
        "p.code",
        "reporting_areareport",
        "JOIN regions_zone z ON z.id = r.zone_id JOIN regions_division p ON p.id = z.prefecture_id",
    ),
    "department": (
        "d.code",
        "reporting_departmentreport",
        "JOIN matters_department d ON d.id = r.department_id",
    ),
}


def completeness(cursor: Any, *, on: datetime.date) -> dict[str, dict[str, tuple[int, ...]]]:
    """Reporting completeness: per area, prefecture and department, the reports of cycles due
    by ``on``: expected, submitted, on time, accepted, returned, overdue (``completeness``)."""
    found: dict[str, dict[str, tuple[int, ...]]] = {}
    params = {"on": on, "accepted": ACCEPTED, "returned": RETURNED, "draft": OWED[0]}
    for by, (key, table, joins) in _GROUPS.items():
        rows = _rows(
            cursor,
            f"""SELECT {key}, {_TALLIES} FROM {table} r
            JOIN reporting_reportingcycle c ON c.id = r.cycle_id {joins}
            WHERE c.due_on <= %(on)s GROUP BY {key} ORDER BY {key}""",  # noqa: S608
            params,
        )
        found[by] = {row[0]: tuple(int(value or 0) for value in row[1:]) for row in rows}
    return found


def staff_overview(cursor: Any, *, on: datetime.date) -> dict[str, Any]:
    """The office's overview: completeness per area, prefecture and department, and the
    reports still owed after their due date (``Overview.of``)."""
    overdue = _rows(
        cursor,
        """SELECT
            (SELECT COUNT(*) FROM reporting_areareport r
             JOIN reporting_reportingcycle c ON c.id = r.cycle_id
             WHERE r.status IN (%(draft)s, %(returned)s) AND c.due_on < %(on)s),
            (SELECT COUNT(*) FROM reporting_departmentreport r
             JOIN reporting_reportingcycle c ON c.id = r.cycle_id
             WHERE r.status IN (%(draft)s, %(returned)s) AND c.due_on < %(on)s)""",
        {"on": on, "draft": OWED[0], "returned": RETURNED},
    )[0]
    return {"completeness": completeness(cursor, on=on), "overdue": sum(overdue)}


def audit_events(cursor: Any, *, history_tables: list[str]) -> list[tuple[str, int]]:
    """The change log's first page: the newest audit events and history rows of every table
    with history (``history_tables`` in the change log's order), newest first, ties broken by
    the part (events first, then each table in turn) and the row id, as ``list_changes`` orders
    them; as (source, row id)."""
    parts = [
        "SELECT 'event' AS source, 0 AS part, id AS record_id, occurred_at AS at"
        " FROM core_auditevent"
    ]
    parts += [
        f"SELECT 'history', {number}, history_id, history_date FROM {table}"  # noqa: S608
        for number, table in enumerate(history_tables, start=1)
    ]
    # Each part's newest page first, as the page reads them (ADR 0073): its index serves it.
    parts = [
        f"SELECT * FROM ({part} ORDER BY 4 DESC, 3 DESC LIMIT {PAGE_SIZE}) part{number}"  # noqa: S608
        for number, part in enumerate(parts)
    ]
    union = "\nUNION ALL ".join(parts)
    rows = _rows(
        cursor,
        f"SELECT source, record_id FROM ({union}) log "  # noqa: S608
        f"ORDER BY at DESC, part DESC, record_id DESC LIMIT {PAGE_SIZE}",
        [],
    )
    return [(source, int(record_id)) for source, record_id in rows]
