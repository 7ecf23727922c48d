"""Hand-written SQL returning the numbers each benchmarked page shows: the floor a page's time is
compared with (issue 19, "the ratio to a raw SQL query returning the same numbers").

Each function takes a DB-API cursor and what the page was asked for, runs SQL written here (no
ORM, no model method) and returns plain numbers, folded as the page's selector folds them, so
``tests/test_benchmarks.py`` can check on the demo that they equal what the selector computes: a
raw query that drifts from the page fails there, not silently here. The SQL is the portable subset
SQLite and PostgreSQL share (CTEs, CASE, ``UNION ALL``, window functions, ``LIKE ... ESCAPE``),
but for one expression, a date's year, written for each (``_TREATED_FROM``).
"""

import datetime
from decimal import Decimal
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


# A batch's first treated year (``rules.first_treated_year``): the year of the day before it
# began, plus one. The one expression the two engines write differently.
_TREATED_FROM = {
    "postgresql": "CAST(EXTRACT(YEAR FROM b.starts_on - 1) AS INTEGER) + 1",
    "sqlite": "CAST(strftime('%%Y', b.starts_on, '-1 day') AS INTEGER) + 1",
}
GROWTH_RATE, ZONE, PROVINCE = "growth_rate", "zone", "province"


def economy(
    cursor: Any, *, on: datetime.date, province: str
) -> dict[tuple[str, int], tuple[Any, ...]]:
    """``/economy/``: for each growth indicator and batch, the headline the page shows: the
    batch's first treated year, its pilot areas' simple mean growth that year (each zone counted
    in the batch it first joined, its latest release by ``on``), the province's (``province``, a
    division code) and the gap, and whether a figure in it is simulated
    (``get_headlines``, the same as ``get_headline_comparison(...).headlines``). The page shows
    no stored evaluation figure, only links to each evaluation's page. One query, reading each
    batch's zones' observations of its headline year only (ranking every growth observation of
    those years first took 0.76 s at national scale, this 5 ms), as the page's selector does
    (with the weights and every pilot area's first treated year) and keeps the result until an
    input changes (``core.derived``)."""
    treated_from = _TREATED_FROM[cursor.db.vendor]
    rows = _rows(
        cursor,
        f"""WITH batches AS (
            SELECT b.id, b.number, {treated_from} AS year FROM regions_batch b
        ), cohort AS (
            SELECT m.zone_id, m.batch_id FROM regions_batchmembership m
            WHERE NOT EXISTS (
                SELECT 1 FROM regions_batchmembership e WHERE e.zone_id = m.zone_id
                AND (e.joined_on < m.joined_on OR (e.joined_on = m.joined_on AND e.id < m.id)))
        ), zones AS (
            SELECT o.indicator_id, b.number, b.year, o.value, o.is_simulated,
                ROW_NUMBER() OVER (
                    PARTITION BY o.indicator_id, o.zone_id, o.division_id, o.year
                    ORDER BY o.vintage DESC, o.id DESC) AS release_rank
            FROM batches b JOIN cohort c ON c.batch_id = b.id
            JOIN indicators_observation o ON o.zone_id = c.zone_id AND o.year = b.year
            JOIN indicators_indicator i ON i.id = o.indicator_id
            WHERE i.kind = %(growth)s AND o.subject_kind = %(zone)s AND o.quarter IS NULL
                AND o.vintage <= %(on)s
        ), pilots AS (
            SELECT indicator_id, number, year, AVG(value) AS mean,
                MAX(CASE WHEN is_simulated THEN 1 ELSE 0 END) AS simulated
            FROM zones WHERE release_rank = 1 GROUP BY indicator_id, number, year
        ), province AS (
            SELECT o.indicator_id, o.year, o.value, o.is_simulated,
                ROW_NUMBER() OVER (
                    PARTITION BY o.indicator_id, o.zone_id, o.division_id, o.year
                    ORDER BY o.vintage DESC, o.id DESC) AS release_rank
            FROM indicators_observation o
            JOIN indicators_indicator i ON i.id = o.indicator_id
            JOIN regions_division d ON d.id = o.division_id
            WHERE i.kind = %(growth)s AND d.level = %(province_kind)s AND d.code = %(province)s
                AND o.subject_kind = %(province_kind)s AND o.quarter IS NULL
                AND o.vintage <= %(on)s AND o.year IN (SELECT year FROM batches)
        )
        SELECT i.code, p.number, p.year, p.mean, r.value, p.mean - r.value,
            p.simulated, r.is_simulated
        FROM pilots p JOIN indicators_indicator i ON i.id = p.indicator_id
        LEFT JOIN province r ON r.indicator_id = p.indicator_id AND r.year = p.year
            AND r.release_rank = 1""",  # noqa: S608
        {
            "growth": GROWTH_RATE,
            "on": on,
            "zone": ZONE,
            "province_kind": PROVINCE,
            "province": province,
        },
    )

    def figure(value: Any) -> float | None:
        return None if value is None else float(value)

    return {
        (code, number): (
            year,
            figure(mean),
            figure(province_value),
            figure(gap),
            bool(simulated) or bool(province_simulated),
        )
        for code, number, year, mean, province_value, gap, simulated, province_simulated in rows
    }


# Search (``search.results``, public): each kind's table, the columns a term may match, the
# columns its score reads as titles, the column whose length orders equal scores, and what else
# a row needs to be public.
PUBLIC_EDITION = ("published", "superseded")
_PUBLIC = "a.status IN (%(published)s, %(superseded)s)"
_SEARCHED = {
    "matter": (
        "matters_matter t",
        ("name_zh", "name_en", "code", "key", "legal_basis"),
        ("name_zh", "name_en", "code"),
        "name_zh",
        "",
    ),
    "area": (
        "regions_zone t",
        ("name_zh", "name_en", "slug", "management_committee_zh", "management_committee_en"),
        ("name_zh", "name_en", "slug"),
        "name_zh",
        "",
    ),
    "edition": (
        "matters_annuallist t",
        ("title_zh", "title_en", "document_number", "approving_meeting_zh", "approving_meeting_en"),
        ("title_zh", "title_en", "document_number"),
        "title_zh",
        "t.status IN (%(published)s, %(superseded)s)",
    ),
    "department": (
        "matters_department t",
        ("name_zh", "name_en", "code"),
        ("name_zh", "name_en", "code"),
        "name_zh",
        "",
    ),
    "agreement": (
        "grants_entrustmentagreement t",
        ("number", "entrusted_body", "document"),
        ("number", "document"),
        "number",
        f"""EXISTS (SELECT 1 FROM grants_grant g
            JOIN matters_listentry e ON e.id = g.entry_id
            JOIN matters_annuallist a ON a.id = e.annual_list_id
            WHERE g.id = t.grant_id AND {_PUBLIC})""",  # noqa: S608
    ),
    "filing": (
        "grants_grant t JOIN matters_listentry e ON e.id = t.entry_id"
        " JOIN matters_annuallist a ON a.id = e.annual_list_id",
        ("supervision_document",),
        ("supervision_document",),
        "supervision_document",
        f"t.supervision_document <> '' AND {_PUBLIC}",
    ),
}
SEARCH_PAGE_SIZE = 20  # search.results.PER_PAGE
SEARCH_TERMS = 8  # core.search.MAX_TERMS


def _like(text: str) -> str:
    """``text`` with the characters ``LIKE`` reads as wildcards escaped (by ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(cursor: Any, *, text: str) -> dict[str, Any]:
    """``/search/?q=text`` for the public: the first page of hits of every kind, ranked as
    ``core.search.relevance`` and ``rank_and_page`` rank them, as (kind, id, score), and the hits
    of each kind, in one query. Terms are matched with ``UPPER(column) LIKE``, as the page does
    on PostgreSQL and on SQLite for terms shorter than three characters (longer ones it looks up
    in SQLite's FTS5 index, which finds the same rows)."""
    text = " ".join(text.split())
    terms = tuple(dict.fromkeys(text.split()))[:SEARCH_TERMS]
    params: dict[str, Any] = {
        "published": PUBLIC_EDITION[0],
        "superseded": PUBLIC_EDITION[1],
        "text": text,
        "starts": _like(text) + "%",
        "contains": "%" + _like(text) + "%",
    }
    params |= {f"term{number}": f"%{_like(term)}%" for number, term in enumerate(terms)}

    def like(column: str, param: str) -> str:
        return f"UPPER(t.{column}) LIKE UPPER(%({param})s) ESCAPE '\\'"

    def any_of(conditions: list[str]) -> str:
        return "(" + " OR ".join(conditions) + ")"

    parts = []
    for kind, (table, columns, titles, length, public) in _SEARCHED.items():
        matched = [
            any_of([like(column, f"term{number}") for column in columns])
            for number in range(len(terms))
        ]
        scores = [
            f"WHEN {any_of([f'UPPER(t.{title}) = UPPER(%(text)s)' for title in titles])} THEN 400",
            f"WHEN {any_of([like(title, 'starts') for title in titles])} THEN 300",
            f"WHEN {any_of([like(title, 'contains') for title in titles])} THEN 200",
        ]
        if len(terms) > 1:
            every_term = [
                "(" + " AND ".join(like(title, f"term{n}") for n in range(len(terms))) + ")"
                for title in titles
            ]
            scores.append(f"WHEN {any_of(every_term)} THEN 150")
        where = " AND ".join([*matched, *([public] if public else [])])
        parts.append(
            f"SELECT '{kind}' AS kind, t.id AS id, CASE {' '.join(scores)} ELSE 100 END AS score,"  # noqa: S608
            f" LENGTH(t.{length}) AS length FROM {table} WHERE {where}"
        )
    hits = "\nUNION ALL ".join(parts)
    rows = _rows(
        cursor,
        f"""WITH hits AS ({hits})
        SELECT 'count' AS part, kind, COUNT(*) AS id, 0 AS score, 0 AS length
            FROM hits GROUP BY kind
        UNION ALL SELECT 'hit', kind, id, score, length FROM (
            SELECT kind, id, score, length FROM hits
            ORDER BY score DESC, length, kind, id LIMIT {SEARCH_PAGE_SIZE}) page
        ORDER BY part, score DESC, length, kind, id""",  # noqa: S608
        params,
    )
    return {
        "hits": [(kind, int(pk), int(score)) for part, kind, pk, score, _ in rows if part == "hit"],
        "by_kind": {kind: int(count) for part, kind, count, _, _ in rows if part == "count"},
    }


def area_report_lines(cursor: Any, *, report_id: int) -> tuple[int, list[tuple[Any, ...]]]:
    """An area report's staff page: how many lines, and the first page's figures in the
    edition's order (grant, cases received and completed, average handling days, promised
    limit; ``list_usage_lines``)."""
    count = _rows(
        cursor,
        "SELECT COUNT(*) FROM reporting_usageline WHERE report_id = %(report)s",
        {"report": report_id},
    )[0][0]
    page = _rows(
        cursor,
        f"""SELECT l.grant_id, l.cases_received, l.cases_completed, l.average_handling_days,
            l.promised_limit_days
        FROM reporting_usageline l
        JOIN grants_grant g ON g.id = l.grant_id
        JOIN matters_listentry e ON e.id = g.entry_id
        WHERE l.report_id = %(report)s
        ORDER BY e.sequence, l.id LIMIT {PAGE_SIZE}""",  # noqa: S608
        {"report": report_id},
    )
    # SQLite answers a decimal column as a float: read it back as the decimal it stores.
    return count, [
        (*row[:3], None if row[3] is None else Decimal(str(row[3])), row[4]) for row in page
    ]
