"""Every public page and download answers an anonymous read with an ETag and a Last-Modified date,
and a repeat still matching them with 304 and no body, in one query; a recorded write, the next
day, a release, another language or another cookie make the answer new; a signed-in user gets no
validators (ADR 0076)."""

import csv
import datetime
import io

import pytest
import time_machine
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from devolve.accounts.tests.factories import UserFactory
from devolve.core import validators
from devolve.core.testing.queries import assert_queries
from devolve.grants.models import Grant
from devolve.grants.tests.factories import GrantFactory
from devolve.portal.tests.holding_fixtures import Holdings, build_holdings

EDITION = {"year": 2024, "batch": 7, "edition": 1}
# Each public route, with the arguments the holdings give it.
PAGES: dict[str, dict[str, object]] = {
    "overview": {},
    "pilot_area_list": {},
    "batch_detail": {"number": 7},
    "matter_list": {},
    "annual_list_list": {},
    "annual_list_detail": EDITION,
    "annual_list_diff": EDITION,
    "annual_list_diff_xlsx": EDITION,
    "annual_list_take_up": EDITION,
    "annual_list_take_up_csv": EDITION,
    "annual_list_take_up_xlsx": EDITION,
    "annual_list_notice": {**EDITION, "file_format": "pdf"},
    "zone_detail": {"slug": "alpha"},
    "search": {},
    "data_page": {},
    "bulk_download": {},
    "publication_feed": {},
    "dataset_download": {"identifier": "grants", "fmt": "csv"},
    "economy_overview": {},
    "performance_list": {},
}


@pytest.fixture
def holdings(db: None) -> Holdings:
    return build_holdings()


def _url(name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"portal:{name}", kwargs=PAGES[name])


def _settled(client: Client, url: str) -> HttpResponseBase:
    """The answer to ``url`` once ``client`` holds the cookies the page sets (a CSRF token) and a
    read of it no longer writes anything (a notice is written on its first download)."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["ETag"]
    assert response["Last-Modified"]
    return response


def _fresh(client: Client, url: str) -> tuple[str, str]:
    response = _settled(client, url)
    return response["ETag"], response["Last-Modified"]


def _rename(holdings: Holdings) -> str:
    """A recorded write that changes what the edition's pages say: the kept matter renamed."""
    holdings.kept.name_en = holdings.kept.name_zh = "Renamed matter 改名事项"
    holdings.kept.save()
    return "Renamed matter"


@pytest.mark.parametrize("name", list(PAGES))
def test_each_public_page_answers_a_matching_repeat_with_304_until_a_write(
    client: Client,
    holdings: Holdings,
    name: str,
) -> None:
    url = _url(name)
    etag, last_modified = _fresh(client, url)
    with assert_queries(1):  # the data version: the view does not run
        again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert (again["ETag"], again["Last-Modified"]) == (etag, last_modified)
    assert {"Cookie", "Accept-Language"} <= {name.strip() for name in again["Vary"].split(",")}
    # A cache without cookies revalidating by date.
    dated = Client().get(url, headers={"if-modified-since": last_modified})
    assert dated.status_code == 304

    _rename(holdings)
    after = client.get(url, headers={"if-none-match": etag})
    assert after.status_code == 200
    assert after["ETag"] != etag
    assert b"".join(after.streaming_content if after.streaming else [after.content])


@pytest.mark.parametrize(
    "name", ["annual_list_detail", "annual_list_take_up", "annual_list_take_up_csv", "zone_detail"]
)
def test_after_a_write_the_old_validator_gets_the_new_content(
    client: Client, holdings: Holdings, name: str
) -> None:
    url = _url(name)
    before = _settled(client, url)
    renamed = _rename(holdings)
    assert renamed.encode() not in before.content
    after = client.get(url, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert renamed.encode() in after.content


def test_a_new_grant_is_in_the_open_data_under_the_old_validator(
    client: Client, holdings: Holdings
) -> None:
    url = _url("dataset_download")
    before = _settled(client, url)
    entry = holdings.new_grants[0].entry
    grant = GrantFactory(entry=entry, zone=holdings.beta, status=Grant.Status.EFFECTIVE)
    after = client.get(url, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert _held(after) == _held(before) | {(grant.entry.matter.key, grant.zone.slug)}


def _held(response: HttpResponseBase) -> set[tuple[str, str]]:
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    return {(row["matter_key"], row["zone_key"]) for row in rows if row["status"] == "effective"}


def test_the_chinese_and_english_home_pages_have_their_own_validators(
    client: Client, holdings: Holdings
) -> None:
    chinese = client.get("/")
    english = client.get("/en/")
    assert chinese.status_code == english.status_code == 200
    assert chinese["ETag"] != english["ETag"]
    assert client.get("/en/", headers={"if-none-match": chinese["ETag"]}).status_code == 200


def test_the_query_string_is_part_of_the_validator(client: Client, holdings: Holdings) -> None:
    url = _url("annual_list_detail")
    plain = _settled(client, url)
    filtered = client.get(url, {"kind": "support"}, headers={"if-none-match": plain["ETag"]})
    assert filtered.status_code == 200
    assert filtered["ETag"] != plain["ETag"]


def test_a_page_with_another_csrf_cookie_is_answered_in_full(
    client: Client, holdings: Holdings
) -> None:
    url = _url("overview")
    etag, _ = _fresh(client, url)
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    client.cookies["csrftoken"] = "x" * 32
    rotated = client.get(url, headers={"if-none-match": etag})
    assert rotated.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in rotated.content
    # A date alone cannot tell the cookies apart: it is not trusted with cookies.
    dated = client.get(url, headers={"if-modified-since": rotated["Last-Modified"]})
    assert dated.status_code == 200


def test_the_next_day_makes_every_validator_new(client: Client, holdings: Holdings) -> None:
    url = _url("overview")
    today = timezone.localtime()
    with time_machine.travel(today, tick=False):
        first = Client().get(url)
    with time_machine.travel(today + datetime.timedelta(days=1), tick=False):
        tomorrow = Client().get(url, headers={"if-none-match": first["ETag"]})
    assert tomorrow.status_code == 200
    assert tomorrow["Last-Modified"] != first["Last-Modified"]


def test_a_release_makes_every_validator_new(
    client: Client, holdings: Holdings, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _url("annual_list_detail")
    etag, _ = _fresh(client, url)
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    _code, changed = validators.code_version()
    monkeypatch.setattr(validators, "code_version", lambda: ("another release", changed))
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_the_code_version_reads_the_templates() -> None:
    code, changed = validators.code_version()
    assert len(code) == 32
    template = validators.Path(validators.__file__).parents[1] / "templates" / "base.html"
    assert changed >= template.stat().st_mtime


def test_a_signed_in_user_gets_no_validators_and_no_304(client: Client, holdings: Holdings) -> None:
    url = _url("annual_list_detail")
    anonymous = Client().get(url)
    client.force_login(UserFactory())
    signed_in = client.get(url, headers={"if-none-match": anonymous["ETag"]})
    assert signed_in.status_code == 200
    assert not signed_in.has_header("ETag")
    assert not signed_in.has_header("Last-Modified")
    assert "Cookie" in signed_in["Vary"]
