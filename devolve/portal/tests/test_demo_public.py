"""The public side after the full demo seed: the issue's "done when" checks, with every expected
figure read from the database (the demo's size is not fixed here)."""

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from frictionless import validate

from devolve.demo.seed import SeedReport
from devolve.demo.testing import full_demo
from devolve.grants.models import Grant
from devolve.grants.selectors import get_take_up_matrix
from devolve.grants.tables import grant_title
from devolve.matters.models import AnnualList, Matter
from devolve.performance.selectors import (
    list_assessment_score_items,
    list_published_assessments,
    list_ranking,
    list_scheme_items,
)

TIANFU = "tianfu-new-area"


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[SeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        report = full_demo()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def demo(_seeded_once: SeedReport, db: None) -> SeedReport:
    return _seeded_once


def _url(name: str, *, language: str, **kwargs: object) -> str:
    with translation.override(language):
        return reverse(f"portal:{name}", kwargs=kwargs or None)


def _current_edition_of(slug: str) -> AnnualList:
    return (
        AnnualList.objects.filter(
            status=AnnualList.Status.PUBLISHED, entries__grants__zone__slug=slug
        )
        .distinct()
        .get()
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_tianfu_page_lists_as_many_powers_as_the_take_up_grid_filtered_to_tianfu(
    client: Client, demo: SeedReport, language: str
) -> None:
    current = _current_edition_of(TIANFU)
    grid = client.get(
        _url(
            "annual_list_take_up", language=language, year=current.year, batch=current.batch.number
        ),
        {"zone": TIANFU, "kind": "power"},
    ).content.decode()
    rows = re.search(r'data-rows="(\d+)"', grid)
    assert rows is not None
    grid_rows = int(rows.group(1))
    page = client.get(_url("zone_detail", language=language, slug=TIANFU), {"kind": "power"})
    html = page.content.decode()
    shown = re.search(
        r'<section id="held-grants">\s*<p class="govuk-body" data-count="(\d+)"', html
    )
    assert shown is not None
    assert int(shown.group(1)) == grid_rows
    assert (
        len(
            re.findall(
                r'<tr [^>]*data-kind="power"',
                html.split('id="held-grants"')[1].split("</section>")[0],
            )
        )
        == grid_rows
    )
    assert f'data-figure="powers" data-edition="{current.key}">{grid_rows}<' in html
    assert (
        grid_rows
        == Grant.objects.filter(
            zone__slug=TIANFU, entry__annual_list=current, entry__matter__kind="power"
        ).count()
    )
    assert grid_rows > 0


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "律师"), ("en", "律师"), ("en", "law firm")]
)
def test_a_search_finds_the_law_firm_matter_in_both_languages(
    client: Client, demo: SeedReport, language: str, text: str
) -> None:
    law_firms = Matter.objects.get(name_zh="律师事务所及分所设立、变更、注销审批")
    response = client.get(_url("search", language=language), {"q": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-key="{law_firms.key}"' in html
    with translation.override(language):
        name = law_firms.name_zh if language == "zh-hans" else law_firms.name_en
        assert f'href="{law_firms.get_absolute_url()}">{name}</a>' in html


def test_the_bulk_zip_of_the_demo_validates_against_its_datapackage(
    client: Client, demo: SeedReport, tmp_path: Path
) -> None:
    response = client.get(reverse("portal:bulk_download"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["resource", "type", "note"])[:5]
    grants = (tmp_path / "grants.csv").read_text().splitlines()
    assert (
        len(grants) - 1
        == Grant.objects.filter(entry__annual_list__status__in=["published", "superseded"]).count()
    )


def test_anonymous_api_reads_of_published_grants_match_the_public_grid(
    client: Client, demo: SeedReport
) -> None:
    current = _current_edition_of(TIANFU)
    grid = client.get(
        _url("annual_list_take_up", language="en", year=current.year, batch=current.batch.number)
    ).content.decode()
    # The grid shows a page of entries; its summary counts every cell of the edition.
    grid_statuses = Counter(
        {
            status: int(count)
            for status, count in re.findall(r'data-figure="([a-z_]+)">(\d+)<', grid)
            if int(count)
        }
    )
    api = client.get("/api/v1/grants/", {"annual_list": current.key, "page_size": 500})
    assert api.status_code == 200
    body = api.json()
    assert body["next"] is None
    assert len(body["results"]) == sum(grid_statuses.values())
    assert Counter(grant["status"] for grant in body["results"]) == grid_statuses
    tianfu = client.get(
        "/api/v1/grants/", {"annual_list": current.key, "zone": TIANFU, "page_size": 500}
    ).json()
    grid_tianfu = client.get(
        _url("annual_list_take_up", language="en", year=current.year, batch=current.batch.number),
        {"zone": TIANFU},
    ).content.decode()
    rows = re.search(r'data-rows="(\d+)"', grid_tianfu)
    assert rows is not None
    assert len(tianfu["results"]) == int(rows.group(1))


def _rows(html: str, start: str, key: str) -> dict[str, list[str]]:
    """The rows of the first table after ``start``: each row's ``key`` attribute → its cells'
    text, a cell holding a status tag read as the status."""
    table = html.split(start, 1)[1].split("<table", 1)[1].split("</table>", 1)[0]
    rows: dict[str, list[str]] = {}
    for row in re.findall(rf"<tr [^>]*{key}=\"([^\"]+)\"[^>]*>(.*?)</tr>", table, re.S):
        name, body = row
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", body, re.S)
        rows[name] = [
            status.group(1)
            if (status := re.search(r'data-status="([a-z_]+)"', cell))
            else unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip())
            for cell in cells
        ]
    return rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_ranking_pages_show_every_stored_score_and_point(
    client: Client, demo: SeedReport, language: str
) -> None:
    assessments = list(list_published_assessments())
    assert assessments
    for assessment in assessments:
        address = _url(
            "performance_ranking", language=language, year=assessment.year,
            scheme=assessment.scheme.code,
        )  # fmt: skip
        html = client.get(address).content.decode()
        scores = list(list_ranking(assessment=assessment))
        items = list_scheme_items(scheme=assessment.scheme)
        points = {
            (row.score_id, row.item_id): row
            for row in list_assessment_score_items(assessment=assessment)
        }
        with translation.override(language):
            ranking = _rows(html, 'id="ranking-chart-data"', "data-subject")
            shown_points = _rows(html, "</h2>", "data-subject")
            for score in scores:
                assert ranking[score.subject_key] == [
                    str(score.rank), str(score.subject), str(score.total),
                    str(score.get_tier_display()),
                ]  # fmt: skip
                cells = [points.get((score.pk, item.pk)) for item in items]
                assert shown_points[score.subject_key] == [
                    str(score.subject),
                    *("—" if cell is None else str(cell.points) if cell.outcome == "scored"
                      else str(translation.gettext("no data")) for cell in cells),
                    str(score.total),
                ]  # fmt: skip
        assert len(ranking) == len(scores) == len(shown_points)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_take_up_grid_shows_what_every_grant_read_one_by_one_says(
    client: Client, demo: SeedReport, language: str
) -> None:
    """The slow path the grid replaced: every grant of each published edition read as a model
    object, its area with it, counted and described in Python. The grid's counts, its areas and
    each cell's status and title (page after page) are theirs."""
    for edition in AnnualList.objects.filter(status=AnnualList.Status.PUBLISHED):
        grants = list(
            Grant.objects.filter(entry__annual_list=edition).select_related(
                "entry", "zone", "zone__prefecture"
            )
        )
        assert grants
        address = _url(
            "annual_list_take_up", language=language, year=edition.year, batch=edition.batch.number
        )
        with translation.override(language):
            expected_cells = {
                (str(grant.entry.sequence), grant.zone.slug): (grant.status, grant_title(grant))
                for grant in grants
                if grant.entry.change != "withdrawn"
            }
        areas = sorted({grant.zone for grant in grants}, key=lambda z: (z.prefecture.code, z.slug))
        counted = Counter(grant.status for grant in grants)
        shown: dict[tuple[str, str], tuple[str, str]] = {}
        number = 1
        while True:
            html = client.get(address, {"page": str(number)}).content.decode()
            grid = html.split('id="take-up-matrix"', 1)[1]
            zones = re.findall(
                r'<th scope="col" class="govuk-table__header" data-zone="([^"]+)"', grid
            )
            for sequence, row in re.findall(r'data-entry="(\d+)">(.*?)</tr>', grid, re.S):
                cells = re.findall(r'app-take-up__cell">(.*?)</td>', row, re.S)
                assert len(cells) == len(zones)
                for slug, cell in zip(zones, cells, strict=True):
                    tag = re.search(r'data-status="(\w+)" title="([^"]*)"', cell)
                    if tag is not None:
                        shown[(sequence, slug)] = (tag.group(1), unescape(tag.group(2)))
            if 'rel="next"' not in grid:
                break
            number += 1
        figures = dict(re.findall(r'data-figure="(\w+)">(\d+)<', grid))

        assert zones == [zone.slug for zone in areas]
        assert shown == expected_cells
        assert figures == {status: str(counted[status]) for status in Grant.Status.values}


def test_the_take_up_grid_shows_every_grant_of_the_edition(
    client: Client, demo: SeedReport
) -> None:
    current = _current_edition_of(TIANFU)
    matrix = get_take_up_matrix(annual_list=current)
    address = _url(
        "annual_list_take_up", language="en", year=current.year, batch=current.batch.number
    )
    shown: dict[str, list[str]] = {}
    number = 1
    while True:
        html = client.get(address, {"page": str(number)}).content.decode()
        shown.update(_rows(html, 'id="take-up-matrix"', "data-entry"))
        if 'rel="next"' not in html.split('id="take-up-matrix"', 1)[1]:
            break
        number += 1
    assert re.findall(r'data-zone="([^"]+)"', html) == [zone.slug for zone in matrix.zones]
    for entry in matrix.entries:
        assert shown[str(entry.sequence)][5:] == [
            grant.status if grant else "—" for grant in matrix.row(entry)
        ]
    assert len(shown) == len(matrix.entries) > 50
