"""Selection pages on rounds of their own, without the scored round that every test of
``test_selection.py`` shares: the office checks a file and imports it, and a round without enough
values is refused scoring with a message."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from devolve.accounts.models import User
from devolve.dashboards.tests.test_selection import _url
from devolve.selection.models import CandidateValue, RoundResult
from devolve.selection.tests.factories import make_round


def test_the_office_checks_a_file_then_imports_it(client: Client, office_user: User) -> None:
    small = make_round(with_values=False)
    client.force_login(office_user)
    url = _url("selection_round_import", slug=small.selection_round.slug)

    def upload(content: str) -> SimpleUploadedFile:
        return SimpleUploadedFile("values.csv", content.encode())

    checked = client.post(url, {"upload": upload("zone,indicator,value\nalpha,grp,abc\n"),
                                "action": "check"})  # fmt: skip
    assertContains(checked, 'data-error-code="non_numeric"')
    assertContains(checked, 'data-valid="false"')
    # The check stays for the pager's links (GETs), sorted on the server
    assertContains(client.get(url, {"errors-sort": "-row"}), 'data-error-code="non_numeric"')
    refused = client.post(url, {"upload": upload("zone,indicator,value\nalpha,grp,abc\n"),
                                "action": "apply"})  # fmt: skip
    assertContains(refused, "nothing was imported")
    assertContains(refused, 'data-error-code="non_numeric"')
    assert CandidateValue.objects.count() == 0

    applied = client.post(url, {"upload": upload("zone,indicator,value\nalpha,grp,5\n"),
                                "action": "apply"})  # fmt: skip

    assertRedirects(applied, _url("selection_round_detail", slug=small.selection_round.slug))
    assertNotContains(client.get(url), "data-error-code")  # the import ends the check
    assert CandidateValue.objects.get().value == 5.0


def test_the_office_scores_from_the_page_and_sees_a_refusal_as_a_message(
    client: Client, office_user: User
) -> None:
    small = make_round(with_values=False)
    client.force_login(office_user)

    response = client.post(_url("selection_round_score", slug=small.selection_round.slug),
                           follow=True)  # fmt: skip

    assertContains(response, "Fewer than two candidates have every value", status_code=200)
    assert not RoundResult.objects.exists()


def test_a_checked_files_errors_read_in_the_readers_language(
    client: Client, office_user: User
) -> None:
    """The candidate importer's errors are codes too (ADR 0041): a file checked on the Chinese
    page keeps its errors in the session, and the English page reads them in English."""
    small = make_round(with_values=False)
    client.force_login(office_user)
    slug = small.selection_round.slug
    content = b"zone,indicator,value\nalpha,grp,abc\n"

    client.post(
        _url("selection_round_import", language="zh-hans", slug=slug),
        {"upload": SimpleUploadedFile("values.csv", content), "action": "check"},
    )
    english = client.get(_url("selection_round_import", slug=slug))
    chinese = client.get(_url("selection_round_import", language="zh-hans", slug=slug))

    assertContains(english, "“abc” is not a number.")
    assertNotContains(english, "不是数字")
    # The cell, in Latin letters, is marked as English on the Chinese page.
    assertContains(chinese, '“<span lang="en">abc</span>”不是数字。', html=False)
    assertNotContains(chinese, "is not a number")
