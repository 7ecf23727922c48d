"""Open data: the data page, each dataset in three formats, the bulk ZIP validated by the
``frictionless`` package, the Atom feed, caching headers, and the anonymous API, none of which
shows drafts or reports not yet accepted."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from frictionless import validate

from devolve.grants.models import Grant
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory
from devolve.portal.tests.holding_fixtures import Holdings, build_holdings


@pytest.fixture
def holdings(db: None) -> Holdings:
    world = build_holdings()
    AnnualListFactory(batch=world.batch, year=2025, predecessor=world.new, title_zh="2025年草案")
    return world


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_the_data_page_lists_every_dataset_with_its_identifier_and_licence(
    client: Client, holdings: Holdings
) -> None:
    response = client.get(reverse("portal:data_page"))
    html = response.content.decode()
    for identifier in (
        "editions", "grants", "usage", "matters", "zones", "departments",
        "performance-results", "economic-indicators",
        "edition-2023-batch-7", "edition-2024-batch-7",
    ):  # fmt: skip
        assert f'data-dataset="{identifier}"' in html
    assert "edition-2025-batch-7" not in html  # a draft
    assert 'rel="license"' in html


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_each_edition_downloads_in_three_formats(
    client: Client, holdings: Holdings, fmt: str
) -> None:
    url = reverse("portal:dataset_download", args=["edition-2024-batch-7", fmt])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="edition-2024-batch-7.{fmt}"'
    if fmt == "csv":
        rows = _csv_rows(response.content)
        assert sorted(row["matter_key"] for row in rows) == sorted(
            entry.matter.key for entry in holdings.new.entries.all()
        )
        narrowed = next(row for row in rows if row["matter_key"] == holdings.narrowed.key)
        assert narrowed["receiving_area_keys"] == holdings.beta.slug
    if fmt == "json":
        document = json.loads(response.content)
        assert len(document["rows"]) == holdings.new.entries.count()
        assert document["licence"]["name"] == "CC-BY-4.0"


@pytest.mark.parametrize(
    "identifier",
    ["nothing", "edition-2025-batch-7", "edition-1999-batch-1", "edition-x", "grants.x"],
)
def test_unknown_or_unpublished_datasets_are_404(
    client: Client, holdings: Holdings, identifier: str
) -> None:
    assert client.get(f"/data/{identifier}.csv").status_code == 404
    assert client.get("/data/grants.pdf").status_code == 404


def test_usage_holds_accepted_reports_only(client: Client, holdings: Holdings) -> None:
    rows = _csv_rows(client.get("/data/usage.csv").content)
    assert {row["period_start"] for row in rows} == {"2024-01-01"}
    assert sum(int(row["cases_received"]) for row in rows) == 5 * len(holdings.new_grants)


def test_downloads_carry_etag_and_last_modified_and_answer_304(
    client: Client, holdings: Holdings
) -> None:
    first = client.get("/data/grants.csv")
    assert first["Cache-Control"] == "public, max-age=300"
    assert first.has_header("Last-Modified")
    again = client.get("/data/grants.csv", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    since = client.get("/data/grants.csv", headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304


def test_the_bulk_zip_validates_against_its_datapackage(
    client: Client, holdings: Holdings, tmp_path: Path
) -> None:
    response = client.get(reverse("portal:bulk_download"))
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text())
    names = {resource["name"] for resource in package["resources"]}
    assert {"grants", "usage", "edition-2023-batch-7", "edition-2024-batch-7"} <= names
    assert "edition-2025-batch-7" not in names
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["title_zh"], (resource["name"], field["name"])
            assert field["title_en"], (resource["name"], field["name"])
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["resource", "type", "note"])[:5]


def test_the_feed_lists_publications_and_recalls(client: Client, holdings: Holdings) -> None:
    response = client.get(reverse("portal:publication_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 4  # 2023 published and superseded, 2024 published, a recall
    assert "2025年草案" not in body


# The anonymous API --------------------------------------------------------------------------


def test_anonymous_readers_get_published_grants_with_caching_headers(
    client: Client, holdings: Holdings
) -> None:
    response = client.get("/api/v1/grants/", {"annual_list": holdings.new.key, "page_size": 500})
    assert response.status_code == 200
    body = response.json()
    published = Grant.objects.filter(entry__annual_list=holdings.new)
    assert body["next"] is None  # keyset pages (ADR 0035): one page holds them all
    assert sorted(row["id"] for row in body["results"]) == sorted(
        published.values_list("pk", flat=True)
    )
    assert response["Cache-Control"] == "public, max-age=60"
    again = client.get(
        "/api/v1/grants/",
        {"annual_list": holdings.new.key, "page_size": 500},
        headers={"if-none-match": response["ETag"]},
    )
    assert again.status_code == 304


def test_anonymous_readers_cannot_write_or_read_staff_lists(
    client: Client, holdings: Holdings
) -> None:
    grant = holdings.new_grants[0]
    assert client.post(f"/api/v1/grants/{grant.pk}/recall/", {"reason": "x"}).status_code in {
        401,
        403,
    }
    assert client.get("/api/v1/reporting/area-reports/").status_code in {401, 403}


def test_anonymous_usage_api_shows_accepted_reports_only(
    client: Client, holdings: Holdings
) -> None:
    body = client.get("/api/v1/usage/", {"zone": holdings.alpha.slug}).json()
    assert len(body["results"]) == len(holdings.new_grants)
    assert {row["period_start"] for row in body["results"]} == {"2024-01-01"}
    assert client.get("/api/v1/usage/", {"annual_list": "2099/batch-1"}).json()["results"] == []


def test_a_draft_edition_is_not_readable_anonymously(client: Client, holdings: Holdings) -> None:
    ListEntryFactory(annual_list=holdings.new.successors.get())
    assert client.get("/api/v1/annual-lists/2025/batch-7/").status_code == 404
