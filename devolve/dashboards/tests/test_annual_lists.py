"""Staff pages for editions: who may open them, each form's happy path, each refusal shown with
nothing written, and the entries table swapped in by HTMX."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from devolve.accounts.models import User
from devolve.core.models import AuditEvent
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.grants import services as grant_services
from devolve.grants.models import Grant, Publication
from devolve.matters import services as list_services
from devolve.matters.models import AnnualList, AuthorizationMode, Department, ListEntry, Matter
from devolve.matters.tests.factories import MatterFactory
from devolve.regions.models import Batch, Zone
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

D = datetime.date


def url(name: str, *, language: str = "en", **kwargs: object) -> str:
    with translation.override(language):
        return reverse(f"dashboards:{name}", kwargs=kwargs or None)


def mode(code: str) -> AuthorizationMode:
    return AuthorizationMode.objects.get(code=code)


def writes() -> tuple[int, int, int, int]:
    """Counts that any write would change: editions, entries, grants, audit events."""
    return (
        AnnualList.objects.count(),
        ListEntry.objects.count(),
        Grant.objects.count(),
        AuditEvent.objects.count(),
    )


def form_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200
    return dict(response.context["form"].errors)


@pytest.fixture
def batch(db: None) -> Batch:
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    for slug in ("east", "west"):
        BatchMembershipFactory(batch=batch, zone=ZoneFactory(slug=slug), joined_on=D(2023, 1, 1))
    return batch


@pytest.fixture
def law_firms(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice, name_en="Law firm approval")


@pytest.fixture
def tax_support(justice: Department) -> Matter:
    return MatterFactory(support=True, competent_department=justice, name_en="Tax support")


@pytest.fixture
def draft(office_user: User, batch: Batch) -> AnnualList:
    return list_services.create_annual_list(year=2025, batch=batch, created_by=office_user)


@pytest.fixture
def entry(
    office_user: User, draft: AnnualList, law_firms: Matter, justice: Department
) -> ListEntry:
    return list_services.add_list_entry(
        annual_list=draft,
        matter=law_firms,
        mode=mode("delegate"),
        granting_department=justice,
        added_by=office_user,
    )


def publish(annual_list: AnnualList, office_user: User, *, on: datetime.date) -> AnnualList:
    list_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=office_user)
    list_services.approve_annual_list(
        annual_list=annual_list,
        approved_by=office_user,
        approved_on=on,
        document_number="川改办〔2025〕1号",
    )
    return grant_services.publish_annual_list(
        annual_list=annual_list, published_on=on, published_by=office_user
    )


@pytest.fixture
def derived(office_user: User, draft: AnnualList, entry: ListEntry) -> AnnualList:
    """Next year's draft, carrying ``entry`` forward as kept."""
    publish(draft, office_user, on=D(2025, 3, 1))
    return list_services.derive_annual_list(predecessor=draft, year=2026, created_by=office_user)


# Authorization matrix ---------------------------------------------------------------------------

EDITION_PAGES = [
    "annual_list_detail",
    "annual_list_derive",
    "annual_list_retitle",
    "annual_list_submit",
    "annual_list_return",
    "annual_list_approve",
    "annual_list_publish",
    "list_entry_create",
]
ENTRY_PAGES = ["list_entry_update", "list_entry_withdraw", "list_entry_remove"]
READ_BY_AUDITORS = {"annual_list_list", "annual_list_detail"}


@pytest.mark.parametrize("name", ["annual_list_list", "annual_list_create"])
def test_edition_index_pages_are_open_to_the_office_and_for_reading_to_auditors(
    client: Client, personas: dict[str, User | None], name: str
) -> None:
    allowed = {"office", "auditor"} if name in READ_BY_AUDITORS else {"office"}
    assert_authorization_matrix(client, personas, "get", url(name), allowed=allowed)


@pytest.mark.parametrize("name", EDITION_PAGES)
def test_edition_pages_are_open_to_the_office_and_for_reading_to_auditors(
    client: Client, personas: dict[str, User | None], draft: AnnualList, name: str
) -> None:
    allowed = {"office", "auditor"} if name in READ_BY_AUDITORS else {"office"}
    assert_authorization_matrix(client, personas, "get", url(name, pk=draft.pk), allowed=allowed)


@pytest.mark.parametrize("name", ENTRY_PAGES)
def test_entry_pages_are_open_to_the_office_only(
    client: Client, personas: dict[str, User | None], entry: ListEntry, name: str
) -> None:
    target = url(name, pk=entry.annual_list_id, entry_pk=entry.pk)
    assert_authorization_matrix(client, personas, "get", target, allowed={"office"})


def test_starting_a_draft_is_refused_to_everyone_but_the_office(
    client: Client, personas: dict[str, User | None], batch: Batch, office_user: User
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("annual_list_create"),
        allowed={"office"},
        allowed_status=302,
        data=_edition_form(batch),
    )

    assert [event.actor for event in AuditEvent.objects.filter(action="annual_list.created")] == [
        office_user
    ]


def test_the_office_retitles_a_derived_draft_from_its_page(
    client: Client, office_user: User, derived: AnnualList
) -> None:
    client.force_login(office_user)
    page = client.get(url("annual_list_detail", pk=derived.pk))
    assertContains(page, 'data-testid="edition-retitle"')

    empty = client.post(url("annual_list_retitle", pk=derived.pk), {"title_zh": "", "title_en": ""})
    saved = client.post(
        url("annual_list_retitle", pk=derived.pk),
        {"title_zh": "2026年度第一批集成授权事项清单", "title_en": ""},
    )

    assert form_errors(empty) == {"title_zh": ["Give the edition its Chinese title."]}
    assertRedirects(saved, url("annual_list_detail", pk=derived.pk))
    derived.refresh_from_db()
    assert derived.title_zh == "2026年度第一批集成授权事项清单"
    with translation.override("zh-hans"):
        assert str(derived) == "2026年度第一批集成授权事项清单"


def test_a_published_edition_offers_no_title_change_and_refuses_one(
    client: Client, office_user: User, derived: AnnualList
) -> None:
    published = derived.predecessor
    assert published is not None
    client.force_login(office_user)
    before = published.title_zh

    page = client.get(url("annual_list_detail", pk=published.pk))
    refused = client.post(url("annual_list_retitle", pk=published.pk), {"title_zh": "改名"})

    assertNotContains(page, 'data-testid="edition-retitle"')
    assert form_errors(refused) == {
        "__all__": [
            f"{published} is Published; only a draft can change. Return an edition in review to "
            "draft first; derive a new edition to correct a published one."
        ]
    }
    published.refresh_from_db()
    assert published.title_zh == before


def test_an_entry_of_another_edition_is_404(
    client: Client, office_user: User, entry: ListEntry, batch: Batch
) -> None:
    other = list_services.create_annual_list(year=2030, batch=batch, created_by=office_user)
    client.force_login(office_user)

    response = client.get(url("list_entry_update", pk=other.pk, entry_pk=entry.pk))

    assert response.status_code == 404


def test_a_missing_edition_is_404(client: Client, office_user: User) -> None:
    client.force_login(office_user)

    assert client.get(url("annual_list_detail", pk=999_999)).status_code == 404


# Editions: list, create, derive -----------------------------------------------------------------


def _edition_form(batch: Batch, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "year": 2025,
        "batch": batch.number,
        "edition": 1,
        "title_zh": "2025年赋权清单",
        "title_en": "2025 list",
        "delegation_effective_days": 30,
        "handover_working_days": 30,
        "renewal_warning_days": 15,
    }
    values.update(changes)
    return values


def test_the_list_shows_drafts_with_their_entry_counts(
    client: Client, auditor: User, draft: AnnualList, entry: ListEntry
) -> None:
    client.force_login(auditor)

    response = client.get(url("annual_list_list"))

    rows = [row.record for row in response.context["table"].paginated_rows]
    assert [(row, row.entry_count) for row in rows] == [(draft, 1)]
    assertContains(response, 'data-status="draft"')
    assertNotContains(response, url("annual_list_create"))


def test_starting_a_draft_records_it_and_opens_its_page(
    client: Client, office_user: User, batch: Batch
) -> None:
    client.force_login(office_user)

    response = client.post(url("annual_list_create"), _edition_form(batch))

    annual_list = AnnualList.objects.get()
    assertRedirects(response, url("annual_list_detail", pk=annual_list.pk))
    assert (annual_list.key, annual_list.status, annual_list.title_en) == (
        "2025/batch-1",
        "draft",
        "2025 list",
    )
    assert AuditEvent.objects.get(action="annual_list.created").actor == office_user


def test_starting_an_edition_that_exists_shows_why_and_writes_nothing(
    client: Client, office_user: User, draft: AnnualList
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(url("annual_list_create"), _edition_form(draft.batch))

    assert form_errors(response) == {
        "__all__": ["This batch already has this edition of the year's list."]
    }
    assert writes() == before


def test_deriving_carries_the_entries_forward(
    client: Client, office_user: User, draft: AnnualList, entry: ListEntry
) -> None:
    publish(draft, office_user, on=D(2025, 3, 1))
    client.force_login(office_user)

    response = client.post(url("annual_list_derive", pk=draft.pk), {"year": 2026, "edition": 1})

    derived = AnnualList.objects.get(year=2026)
    assertRedirects(response, url("annual_list_detail", pk=derived.pk))
    assert derived.predecessor == draft
    assert [(e.matter_id, e.change) for e in derived.entries.all()] == [(entry.matter_id, "kept")]


def test_deriving_from_a_draft_shows_why_and_writes_nothing(
    client: Client, office_user: User, draft: AnnualList
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(url("annual_list_derive", pk=draft.pk), {"year": 2026, "edition": 1})

    assert form_errors(response) == {
        "__all__": ["Only the published edition can be carried forward."]
    }
    assert writes() == before


# Edition page and its HTMX partial ---------------------------------------------------------------


def test_the_edition_page_shows_its_entries_and_the_actions_of_a_draft(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    client.force_login(office_user)

    response = client.get(url("annual_list_detail", pk=entry.annual_list_id))

    assert [row.record for row in response.context["table"].rows] == [entry]
    actions = response.context["actions"]
    assert (actions.edit_entries, actions.submit, actions.approve, actions.publish) == (
        True,
        True,
        False,
        False,
    )
    assertContains(response, url("list_entry_remove", pk=entry.annual_list_id, entry_pk=entry.pk))
    assertContains(response, 'id="entries-table"')


def test_the_auditor_reads_an_edition_without_its_actions(
    client: Client, auditor: User, entry: ListEntry
) -> None:
    client.force_login(auditor)

    response = client.get(url("annual_list_detail", pk=entry.annual_list_id))

    assert not any(vars(response.context["actions"]).values())
    assertNotContains(response, url("list_entry_create", pk=entry.annual_list_id))


def test_filtering_entries_with_htmx_returns_only_the_table(
    client: Client, office_user: User, derived: AnnualList, tax_support: Matter, justice: Department
) -> None:
    added = list_services.add_list_entry(
        annual_list=derived,
        matter=tax_support,
        mode=mode("support"),
        granting_department=justice,
        added_by=office_user,
    )
    client.force_login(office_user)

    response = client.get(
        url("annual_list_detail", pk=derived.pk),
        {"change": "added"},
        headers={"HX-Request": "true", "HX-Target": "entries-table"},
    )

    assert [row.record for row in response.context["table"].rows] == [added]
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="entries-table"')
    assert "<html" not in content


def test_a_published_edition_links_each_entry_to_its_grants(
    client: Client, office_user: User, draft: AnnualList, entry: ListEntry
) -> None:
    publish(draft, office_user, on=D(2025, 3, 1))
    client.force_login(office_user)

    response = client.get(url("annual_list_detail", pk=draft.pk))

    for grant in Grant.objects.filter(entry=entry):
        assertContains(response, url("grant_detail", pk=grant.pk))
    assert response.context["actions"].derive is True
    assert response.context["actions"].edit_entries is False


# Entries ----------------------------------------------------------------------------------------


def _entry_form(matter: Matter, department: Department, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "matter": matter.pk,
        "mode": mode("entrust").pk,
        "granting_department": department.pk,
        "supervising_department": "",
        "conditions": "Only for firms registered in the area.",
        "notes": "",
        "change_reason": "Asked for by the area.",
    }
    values.update(changes)
    return values


def test_adding_an_entry_for_a_subset_of_areas(
    client: Client, office_user: User, draft: AnnualList, law_firms: Matter, justice: Department
) -> None:
    east = Zone.objects.get(slug="east")
    client.force_login(office_user)

    response = client.post(
        url("list_entry_create", pk=draft.pk),
        _entry_form(law_firms, justice, receiving_areas=[east.pk]),
    )

    assertRedirects(response, url("annual_list_detail", pk=draft.pk))
    entry = ListEntry.objects.get()
    assert (entry.matter, entry.mode.code, entry.all_areas, list(entry.receiving_areas.all())) == (
        law_firms,
        "entrust",
        False,
        [east],
    )
    assert (entry.change, entry.change_reason) == ("added", "Asked for by the area.")


def test_adding_an_entry_with_no_area_ticked_reaches_every_area(
    client: Client, office_user: User, draft: AnnualList, law_firms: Matter, justice: Department
) -> None:
    client.force_login(office_user)

    client.post(url("list_entry_create", pk=draft.pk), _entry_form(law_firms, justice))

    entry = ListEntry.objects.get()
    assert (entry.all_areas, entry.receiving_areas.count()) == (True, 0)


def test_the_entry_form_offers_only_the_batchs_pilot_areas(
    client: Client, office_user: User, draft: AnnualList
) -> None:
    ZoneFactory(slug="outsider")
    client.force_login(office_user)

    response = client.get(url("list_entry_create", pk=draft.pk))

    areas = response.context["form"].fields["receiving_areas"].queryset
    assert sorted(zone.slug for zone in areas) == ["east", "west"]


def test_a_mode_that_does_not_fit_the_matter_is_shown_beside_the_mode(
    client: Client, office_user: User, draft: AnnualList, tax_support: Matter, justice: Department
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(
        url("list_entry_create", pk=draft.pk),
        _entry_form(tax_support, justice, mode=mode("delegate").pk),
    )

    errors = form_errors(response)
    assert list(errors) == ["mode"]
    assert "does not fit" in errors["mode"][0]
    assert writes() == before


def test_adding_to_a_published_edition_shows_why_and_writes_nothing(
    client: Client,
    office_user: User,
    draft: AnnualList,
    entry: ListEntry,
    tax_support: Matter,
    justice: Department,
) -> None:
    publish(draft, office_user, on=D(2025, 3, 1))
    client.force_login(office_user)
    before = writes()

    response = client.post(
        url("list_entry_create", pk=draft.pk),
        _entry_form(tax_support, justice, mode=mode("support").pk),
    )

    (message,) = form_errors(response)["__all__"]
    assert "only a draft can change" in message
    assert writes() == before


def _update_form(entry: ListEntry, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "mode": entry.mode_id,
        "granting_department": entry.granting_department_id,
        "supervising_department": entry.supervising_department_id or "",
        "conditions": entry.conditions,
        "notes": entry.notes,
        "reason": "",
    }
    values.update(changes)
    return values


def test_choosing_no_supervising_department_removes_it(
    client: Client, office_user: User, entry: ListEntry, finance: Department
) -> None:
    entry.supervising_department = finance
    entry.save()
    client.force_login(office_user)

    response = client.post(
        url("list_entry_update", pk=entry.annual_list_id, entry_pk=entry.pk),
        _update_form(entry, supervising_department=""),
    )

    assertRedirects(
        response, url("annual_list_detail", pk=entry.annual_list_id) + f"#entry-{entry.pk}"
    )
    entry.refresh_from_db()
    assert entry.supervising_department is None


def test_an_entry_takes_dates_of_its_own_and_refuses_an_end_before_its_start(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    client.force_login(office_user)
    page = url("list_entry_update", pk=entry.annual_list_id, entry_pk=entry.pk)

    refused = client.post(
        page, _update_form(entry, effective_on="2025-04-01", ends_on="2025-03-31")
    )
    saved = client.post(page, _update_form(entry, effective_on="2025-04-01", ends_on="2027-03-31"))

    assert form_errors(refused) == {"__all__": ["An entry ends after the day it takes effect."]}
    assertRedirects(
        saved, url("annual_list_detail", pk=entry.annual_list_id) + f"#entry-{entry.pk}"
    )
    entry.refresh_from_db()
    assert (entry.effective_on, entry.ends_on) == (
        datetime.date(2025, 4, 1),
        datetime.date(2027, 3, 31),
    )


def test_changing_a_carried_entry_without_a_reason_is_refused_beside_the_reason(
    client: Client, office_user: User, derived: AnnualList
) -> None:
    carried = derived.entries.get()
    client.force_login(office_user)
    before = writes()

    response = client.post(
        url("list_entry_update", pk=derived.pk, entry_pk=carried.pk),
        _update_form(carried, mode=mode("entrust").pk),
    )

    assert form_errors(response) == {"reason": ["Say why the entry changes from last edition."]}
    carried.refresh_from_db()
    assert (carried.mode.code, carried.change) == ("delegate", "kept")
    assert writes() == before


def test_changing_a_carried_entry_with_a_reason_marks_it_modified(
    client: Client, office_user: User, derived: AnnualList
) -> None:
    carried = derived.entries.get()
    client.force_login(office_user)

    response = client.post(
        url("list_entry_update", pk=derived.pk, entry_pk=carried.pk),
        _update_form(carried, mode=mode("entrust").pk, reason="The law keeps the decision."),
    )

    assertRedirects(response, url("annual_list_detail", pk=derived.pk) + f"#entry-{carried.pk}")
    carried.refresh_from_db()
    assert (carried.change, carried.changed_fields, carried.change_reason) == (
        "modified",
        {"mode": ["delegate", "entrust"]},
        "The law keeps the decision.",
    )


def test_the_change_form_starts_from_the_entry(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    client.force_login(office_user)

    response = client.get(url("list_entry_update", pk=entry.annual_list_id, entry_pk=entry.pk))

    assert response.context["form"].initial["mode"] == entry.mode_id


def test_withdrawing_needs_a_reason(client: Client, office_user: User, derived: AnnualList) -> None:
    carried = derived.entries.get()
    client.force_login(office_user)
    before = writes()

    response = client.post(
        url("list_entry_withdraw", pk=derived.pk, entry_pk=carried.pk), {"reason": " "}
    )

    assert form_errors(response) == {"reason": ["Say why the matter is withdrawn."]}
    assert writes() == before


def test_withdrawing_a_carried_entry_keeps_it_marked_withdrawn(
    client: Client, office_user: User, derived: AnnualList
) -> None:
    carried = derived.entries.get()
    client.force_login(office_user)

    response = client.post(
        url("list_entry_withdraw", pk=derived.pk, entry_pk=carried.pk),
        {"reason": "Reform completed."},
    )

    assertRedirects(response, url("annual_list_detail", pk=derived.pk) + f"#entry-{carried.pk}")
    carried.refresh_from_db()
    assert (carried.change, carried.change_reason) == ("withdrawn", "Reform completed.")


def test_withdrawing_an_added_entry_says_to_remove_it(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(
        url("list_entry_withdraw", pk=entry.annual_list_id, entry_pk=entry.pk),
        {"reason": "Not needed."},
    )

    assert form_errors(response) == {
        "__all__": ["This matter is new in the edition; remove it instead."]
    }
    assert writes() == before


def test_removing_an_added_entry_deletes_it(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    client.force_login(office_user)

    response = client.post(
        url("list_entry_remove", pk=entry.annual_list_id, entry_pk=entry.pk),
        {"reason": "Added by mistake."},
    )

    assertRedirects(response, url("annual_list_detail", pk=entry.annual_list_id) + "#entries-table")
    assert not ListEntry.objects.filter(pk=entry.pk).exists()
    assert AuditEvent.objects.get(action="list_entry.removed").reason == "Added by mistake."


def test_removing_a_carried_entry_says_to_withdraw_it(
    client: Client, office_user: User, derived: AnnualList
) -> None:
    carried = derived.entries.get()
    client.force_login(office_user)
    before = writes()

    response = client.post(url("list_entry_remove", pk=derived.pk, entry_pk=carried.pk), {})

    assert form_errors(response) == {
        "__all__": ["This matter continues from last edition; withdraw it with a reason."]
    }
    assert writes() == before


# Workflow: submit, return, approve, publish -----------------------------------------------------


def test_submitting_an_empty_edition_shows_why_and_writes_nothing(
    client: Client, office_user: User, draft: AnnualList
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(url("annual_list_submit", pk=draft.pk))

    assert form_errors(response) == {
        "__all__": ["An edition needs at least one entry before review."]
    }
    assertContains(response, "An edition needs at least one entry before review.")
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert writes() == before


def test_submitting_is_refused_to_a_department_and_changes_nothing(
    client: Client, department_user: User, entry: ListEntry
) -> None:
    client.force_login(department_user)

    response = client.post(url("annual_list_submit", pk=entry.annual_list_id))

    assert response.status_code == 403
    assert AnnualList.objects.get().status == "draft"


def test_submitting_then_returning_to_draft(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    pk = entry.annual_list_id
    client.force_login(office_user)

    assertRedirects(client.post(url("annual_list_submit", pk=pk)), url("annual_list_detail", pk=pk))
    assert AnnualList.objects.get().status == "in_review"
    assertRedirects(
        client.post(url("annual_list_return", pk=pk), {"reason": "One more matter."}),
        url("annual_list_detail", pk=pk),
    )
    assert AnnualList.objects.get().status == "draft"
    assert AuditEvent.objects.get(action="annual_list.returned").reason == "One more matter."


def test_returning_to_draft_needs_a_reason(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    annual_list = entry.annual_list
    list_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=office_user)
    client.force_login(office_user)
    before = writes()

    response = client.post(url("annual_list_return", pk=annual_list.pk), {"reason": ""})

    assert form_errors(response) == {"reason": ["Say why the edition goes back to draft."]}
    assert AnnualList.objects.get().status == "in_review"
    assert writes() == before


def _approval_form(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "approving_meeting_zh": "省委全面深化改革委员会会议",
        "approving_meeting_en": "Provincial reform commission meeting",
        "document_number": "川改办〔2025〕1号",
        "approved_on": "2025-02-20",
    }
    values.update(changes)
    return values


def test_approving_records_the_meeting_number_and_date(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    annual_list = entry.annual_list
    list_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=office_user)
    client.force_login(office_user)

    response = client.post(url("annual_list_approve", pk=annual_list.pk), _approval_form())

    assertRedirects(response, url("annual_list_detail", pk=annual_list.pk))
    annual_list.refresh_from_db()
    assert (
        annual_list.status,
        annual_list.document_number,
        annual_list.approved_on,
        annual_list.approving_meeting_en,
    ) == ("approved", "川改办〔2025〕1号", D(2025, 2, 20), "Provincial reform commission meeting")


def test_approving_without_a_document_number_is_refused_beside_it(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    annual_list = entry.annual_list
    list_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=office_user)
    client.force_login(office_user)
    before = writes()

    response = client.post(
        url("annual_list_approve", pk=annual_list.pk), _approval_form(document_number="")
    )

    assert form_errors(response) == {"document_number": ["Give the approval's document number."]}
    assert AnnualList.objects.get().status == "in_review"
    assert writes() == before


def test_approving_a_draft_is_an_illegal_transition_shown_on_top(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(url("annual_list_approve", pk=entry.annual_list_id), _approval_form())

    assert form_errors(response) == {
        "__all__": ["“Approve” is not possible while the status is “Draft”."]
    }
    assert writes() == before


def _approved(annual_list: AnnualList, office_user: User) -> AnnualList:
    list_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=office_user)
    return list_services.approve_annual_list(
        annual_list=annual_list,
        approved_by=office_user,
        approved_on=D(2025, 2, 20),
        document_number="川改办〔2025〕1号",
    )


def previewed(client: Client, annual_list: AnnualList, day: str) -> dict[str, str]:
    """The publish form as the preview page fills it for ``day``, confirmed."""
    page = client.get(url("annual_list_publish", pk=annual_list.pk), {"published_on": day})
    return {"published_on": day, "preview": page.context["plan"].fingerprint, "confirm": "on"}


def test_the_page_shows_a_publication_under_way_and_polls_until_it_ends(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    annual_list = _approved(entry.annual_list, office_user)
    publication = Publication.objects.create(
        annual_list=annual_list,
        published_on=D(2025, 3, 1),
        status="running",
        rows_done=5,
        rows_total=20,
    )
    client.force_login(office_user)
    page = url("annual_list_detail", pk=annual_list.pk)

    with translation.override("en"):
        response = client.get(page)
    assertContains(response, "5 of 20 grants written")
    assertContains(response, '<progress max="100" value="25"')
    assertContains(response, 'hx-trigger="every 1s"')
    assertNotContains(response, 'data-testid="edition-publish"')  # not twice at once
    polled = client.get(page, headers={"HX-Request": "true", "HX-Target": "publication-progress"})
    assert polled.content.decode().lstrip().startswith('<div id="publication-progress"')
    assertContains(polled, "5 of 20 grants written")

    Publication.objects.filter(pk=publication.pk).update(
        status="failed", error_code="stale_preview", error="The plan changed."
    )
    polled = client.get(page, headers={"HX-Request": "true", "HX-Target": "publication-progress"})
    assert polled.headers["HX-Refresh"] == "true"  # the whole page: status and actions change
    response = client.get(page)
    assertContains(response, 'data-code="stale_preview">The plan changed.</p>')
    assertContains(response, 'data-testid="edition-publish"')  # may be published again


def test_publishing_creates_a_grant_per_receiving_area(
    client: Client,
    office_user: User,
    entry: ListEntry,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The request queues the publication and the task publishes (inline in tests, after
    commit); the edition's page then shows the outcome."""
    annual_list = _approved(entry.annual_list, office_user)
    client.force_login(office_user)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            url("annual_list_publish", pk=annual_list.pk),
            previewed(client, annual_list, "2025-03-01"),
        )

    assert len(queued) == 1
    assertRedirects(response, url("annual_list_detail", pk=annual_list.pk))
    annual_list.refresh_from_db()
    assert (annual_list.status, annual_list.published_on) == ("published", D(2025, 3, 1))
    assert sorted(Grant.objects.values_list("zone__slug", "status")) == [
        ("east", "awaiting_effect"),
        ("west", "awaiting_effect"),
    ]
    page = client.get(url("annual_list_detail", pk=annual_list.pk))
    progress = page.content.decode()
    assert 'id="publication-progress" aria-live="polite" data-status="published"' in progress
    assert "2 grants written" in progress
    assert 'hx-trigger="every 1s"' not in progress


def test_publishing_before_approval_is_refused_beside_the_date(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    annual_list = _approved(entry.annual_list, office_user)
    client.force_login(office_user)
    before = writes()

    response = client.post(
        url("annual_list_publish", pk=annual_list.pk), previewed(client, annual_list, "2025-02-01")
    )

    assert form_errors(response) == {
        "published_on": ["An edition cannot be published before it is approved."]
    }
    assert AnnualList.objects.get().status == "approved"
    assert writes() == before


def test_a_malformed_date_is_a_form_error_and_calls_no_service(
    client: Client, office_user: User, entry: ListEntry
) -> None:
    annual_list = _approved(entry.annual_list, office_user)
    client.force_login(office_user)
    before = writes()

    form = {**previewed(client, annual_list, "2025-03-01"), "published_on": "next week"}
    response = client.post(url("annual_list_publish", pk=annual_list.pk), form)

    assert list(form_errors(response)) == ["published_on"]
    assert writes() == before


def test_the_staff_home_links_editions_for_the_office_with_unpublished_ones_counted(
    client: Client, office_user: User, auditor: User, draft: AnnualList
) -> None:
    client.force_login(office_user)
    work = {item.key: item for item in client.get(url("dashboard_home")).context["pending_work"]}
    assert (work["annual-lists"].url, work["annual-lists"].count) == (url("annual_list_list"), 1)

    client.force_login(auditor)
    response = client.get(url("dashboard_home"))
    assertContains(response, url("annual_list_list"))
    assertNotContains(response, url("annual_list_create"))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "1 = 1 power + 0 support matters; 0 withdrawn",
                "Delegation takes effect 1 day after publication.",
                "Handover is due 1 working day after a grant takes effect.",
                "Agreements are flagged 2 days before they expire.",
            ],
        ),
        (
            "zh-hans",
            [
                "共1项（权力事项1项、支持事项0项）；取消0项",
                "下放事项于公布后1日生效。",
                "授权生效后1个工作日内完成交接。",
                "委托书到期前2日发出提醒。",
            ],
        ),
    ],
)
def test_an_editions_counts_and_timing_take_the_singular_for_one(
    client: Client,
    office_user: User,
    draft: AnnualList,
    entry: ListEntry,
    language: str,
    expected: list[str],
) -> None:
    AnnualList.objects.filter(pk=draft.pk).update(
        delegation_effective_days=1, handover_working_days=1, renewal_warning_days=2
    )
    client.force_login(office_user)

    page = client.get(url("annual_list_detail", language=language, pk=draft.pk))

    text = " ".join(page.content.decode().split())
    for sentence in expected:
        assert sentence in text
