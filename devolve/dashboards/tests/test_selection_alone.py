"""Selection pages on rounds of their own, without the scored round that every test of
``test_selection.py`` shares: the office checks a file and imports it, and a round without enough
values is refused scoring, the failure shown on its page; a round is scored in the background,
its progress shown."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from devolve.accounts.models import User
from devolve.dashboards.tests.test_selection import _url
from devolve.selection.models import CandidateValue, RoundResult, ScoringRun
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


def test_the_office_scores_from_the_page_and_sees_its_progress_then_the_result(
    client: Client, office_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    small = make_round()
    client.force_login(office_user)
    slug = small.selection_round.slug
    detail = _url("selection_round_detail", slug=slug)

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(_url("selection_round_score", slug=slug))

    assertRedirects(response, detail, fetch_redirect_response=False)
    assert len(queued) == 1
    assert not RoundResult.objects.exists()
    page = client.get(detail)
    assertContains(page, "Scoring has started; this page shows its progress and outcome.")
    assertContains(page, 'id="scoring-progress" aria-live="polite" data-status="queued"')
    assertContains(page, "Waiting to start")
    assertNotContains(page, 'data-testid="round-score"')  # one run at a time
    polled = client.get(detail, headers={"HX-Request": "true", "HX-Target": "scoring-progress"})
    assertContains(polled, 'data-status="queued"')
    assertNotContains(polled, "<html")  # the region alone

    run = ScoringRun.objects.get()
    run.status, run.rows_done, run.rows_total = "running", 10, 20  # as the worker reports it
    run.save()
    assertContains(client.get(detail), "10 of 20 sensitivity runs done")
    assertContains(client.get(detail), 'data-rows-done="10" data-rows-total="20"')
    run.status, run.rows_done, run.rows_total = "queued", 0, 0
    run.save()

    queued[0]()  # the worker runs the task
    polled = client.get(detail, headers={"HX-Request": "true", "HX-Target": "scoring-progress"})
    assert polled.headers["HX-Refresh"] == "true"  # finished: the whole page changes
    page = client.get(detail)
    assertContains(page, 'data-status="scored"')
    assertContains(page, 'data-testid="round-score"')
    assert ScoringRun.objects.get().result == RoundResult.objects.get()


def test_a_refused_scoring_is_shown_on_the_page_and_stores_nothing(
    client: Client, office_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    small = make_round(with_values=False)
    client.force_login(office_user)
    slug = small.selection_round.slug

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("selection_round_score", slug=slug))
    response = client.get(_url("selection_round_detail", slug=slug))

    assertContains(response, 'data-status="failed"')
    assertContains(response, 'id="scoring-error" data-code="no_candidates"')
    assertContains(response, "Fewer than two candidates have every value")
    assertContains(response, "nothing was stored")
    assert not RoundResult.objects.exists()
    small.selection_round.refresh_from_db()
    assert small.selection_round.status == "draft"
    # Stored as a code: the Chinese page reads it in Chinese.
    chinese = client.get(_url("selection_round_detail", language="zh-hans", slug=slug))
    assertNotContains(chinese, "Fewer than two candidates have every value")
    assertContains(chinese, 'data-code="no_candidates"')


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
