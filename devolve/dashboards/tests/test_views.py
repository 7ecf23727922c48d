"""Staff pages: who may open them, refused input writes nothing, changes leave history."""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertRedirects

from devolve.accounts.models import User
from devolve.core.changelog import Change, ChangeCriteria, ChangeLog, FieldChange
from devolve.core.models import AuditEvent
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.database import database_state
from devolve.dashboards.views import registry
from devolve.grants.models import Grant
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.models import Department, ListEntry, Matter
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory
from devolve.regions.models import BatchMembership, Zone
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)
from devolve.reporting.tests.factories import build_world

EVERY_SIGNED_IN_PERSONA = {
    "office",
    "department",
    "other_department",
    "prefecture",
    "pilot_area",
    "evaluator",
    "auditor",
}


def _url(name: str, *, language: str = "zh-hans", **kwargs: object) -> str:
    with translation.override(language):
        return reverse(f"dashboards:{name}", kwargs=kwargs or None)


@pytest.fixture
def justice_matter(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice, name_zh="律师事务所设立审批")


@pytest.fixture
def finance_matter(finance: Department) -> Matter:
    return MatterFactory(competent_department=finance, name_zh="非营利组织免税资格认定")


def _matter_form(matter: Matter, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": matter.code,
        "name_zh": matter.name_zh,
        "name_en": matter.name_en,
        "kind": matter.kind,
        "matter_type": matter.matter_type_id or "",
        "competent_department": matter.competent_department_id,
        "legal_basis": matter.legal_basis,
        "reason": "",
    }
    values.update(changes)
    return values


def _zone_form(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "slug": "new-zone",
        "name_zh": "新开发区",
        "name_en": "New Zone",
        "kind": Zone.Kind.ETDZ,
        "level": Zone.Level.PROVINCIAL,
        "prefecture_code": "510100",
        "established_on": "",
        "reason": "Registered for selection",
    }
    values.update(changes)
    return values


# Authorization matrix ---------------------------------------------------------------------------


def test_dashboard_home_is_open_to_every_signed_in_persona(
    client: Client, personas: dict[str, User | None]
) -> None:
    assert_authorization_matrix(
        client, personas, "get", _url("dashboard_home"), allowed=EVERY_SIGNED_IN_PERSONA
    )


@pytest.mark.parametrize("name", ["zone_create", "batch_membership_create"])
def test_registry_forms_are_open_to_the_office_only(
    client: Client, personas: dict[str, User | None], name: str
) -> None:
    assert_authorization_matrix(client, personas, "get", _url(name), allowed={"office"})


def test_audit_log_is_open_to_office_and_auditor(
    client: Client, personas: dict[str, User | None]
) -> None:
    assert_authorization_matrix(
        client, personas, "get", _url("audit_event_list"), allowed={"office", "auditor"}
    )


def test_matter_edit_is_open_to_office_and_the_owning_department(
    client: Client, personas: dict[str, User | None], justice_matter: Matter
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "get",
        _url("matter_edit", pk=justice_matter.pk),
        allowed={"office", "department"},
    )


def test_matter_edit_post_is_refused_to_everyone_but_office_and_the_owning_department(
    client: Client,
    personas: dict[str, User | None],
    office_user: User,
    justice_matter: Matter,
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        _url("matter_edit", pk=justice_matter.pk),
        allowed={"office", "department"},
        allowed_status=302,
        data=_matter_form(justice_matter, name_zh="律师事务所设立许可", reason="Renamed"),
        tracked=[Matter],
    )

    justice_matter.refresh_from_db()
    assert justice_matter.name_zh == "律师事务所设立许可"
    # The office changed it; the department then sent the same values, which change nothing.
    assert [event.actor for event in AuditEvent.objects.filter(action="matter.updated")] == [
        office_user
    ]


def test_zone_create_post_is_refused_to_everyone_but_the_office(
    client: Client, personas: dict[str, User | None], office_user: User
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        _url("zone_create"),
        allowed={"office"},
        allowed_status=302,
        data=_zone_form(),
        tracked=[Zone],
    )

    zone = Zone.objects.get(slug="new-zone")
    assert AuditEvent.objects.get(action="zone.registered").actor == office_user
    assert zone.history.get().history_user == office_user


def test_batch_membership_create_post_is_refused_to_everyone_but_the_office(
    client: Client, personas: dict[str, User | None], office_user: User
) -> None:
    batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    zone = ZoneFactory(slug="joining-zone")

    assert_authorization_matrix(
        client,
        personas,
        "post",
        _url("batch_membership_create"),
        allowed={"office"},
        allowed_status=302,
        data={"zone": zone.slug, "batch": batch.number, "joined_on": "2023-03-01"},
        tracked=[BatchMembership],
    )

    membership = BatchMembership.objects.get(zone=zone)
    assert (membership.batch, membership.joined_on) == (batch, datetime.date(2023, 3, 1))
    assert AuditEvent.objects.get(action="batch_membership.added").actor == office_user


# Dashboard home ---------------------------------------------------------------------------------


def test_dashboard_home_lists_only_the_departments_own_matters(
    client: Client, department_user: User, justice_matter: Matter, finance_matter: Matter
) -> None:
    client.force_login(department_user)

    response = client.get(_url("dashboard_home"))

    assert [row.record for row in response.context["changeable_matters"].rows] == [justice_matter]
    assert response.context["can_manage_registry"] is False
    assert response.context["can_view_audit"] is False


def test_dashboard_home_lists_every_matter_for_the_office(
    client: Client, office_user: User, justice_matter: Matter, finance_matter: Matter
) -> None:
    client.force_login(office_user)

    response = client.get(_url("dashboard_home"))

    assert {row.record for row in response.context["changeable_matters"].rows} == {
        justice_matter,
        finance_matter,
    }
    assert response.context["can_manage_registry"] is True
    assert response.context["can_view_audit"] is True


# Zone create ------------------------------------------------------------------------------------


def test_zone_create_registers_the_zone_and_goes_to_its_page(
    client: Client, office_user: User
) -> None:
    client.force_login(office_user)

    response = client.post(_url("zone_create"), _zone_form())

    zone = Zone.objects.get(slug="new-zone")
    assertRedirects(response, zone.get_absolute_url())
    assert (zone.name_zh, zone.kind, zone.prefecture) == (
        "新开发区",
        Zone.Kind.ETDZ,
        prefecture("510100"),
    )
    history = zone.history.get()
    assert (history.history_user, history.history_change_reason) == (
        office_user,
        "Registered for selection",
    )


@pytest.mark.parametrize(
    ("prefecture_code", "message"),
    [
        ("510099", "510099 is not a valid GB/T 2260 division code."),
        ("910100", "910100 is not a valid GB/T 2260 division code."),
        ("513500", "There is no prefecture-level division with code 513500."),
        ("510000", "There is no prefecture-level division with code 510000."),
    ],
)
def test_zone_create_with_a_bad_prefecture_code_shows_why_and_writes_nothing(
    client: Client, office_user: User, prefecture_code: str, message: str
) -> None:
    client.force_login(office_user)

    response = client.post(
        _url("zone_create", language="en"), _zone_form(prefecture_code=prefecture_code)
    )

    assert response.status_code == 200
    assertContains(response, message)
    assert Zone.objects.filter(slug="new-zone").exists() is False
    assert AuditEvent.objects.count() == 0


def test_zone_create_shows_a_prefecture_error_beside_the_prefecture_code(
    client: Client, office_user: User
) -> None:
    client.force_login(office_user)

    response = client.post(_url("zone_create", language="en"), _zone_form(prefecture_code="513500"))

    assert response.context["form"].errors == {
        "prefecture_code": ["There is no prefecture-level division with code 513500."]
    }


def test_zone_create_with_a_taken_slug_shows_why_and_writes_nothing(
    client: Client, office_user: User
) -> None:
    existing = ZoneFactory(slug="new-zone", name_zh="已有开发区")
    client.force_login(office_user)

    response = client.post(_url("zone_create", language="en"), _zone_form())

    assert response.status_code == 200
    assert response.context["form"].errors == {"slug": ["Zone with this Key already exists."]}
    assertContains(response, "Zone with this Key already exists.")
    assert list(Zone.objects.filter(slug="new-zone")) == [existing]
    existing.refresh_from_db()
    assert existing.name_zh == "已有开发区"
    assert AuditEvent.objects.count() == 0


# Batch membership create ------------------------------------------------------------------------


def test_batch_membership_create_adds_the_zone_and_goes_to_the_batch(
    client: Client, office_user: User
) -> None:
    batch = BatchFactory(number=2, starts_on=datetime.date(2024, 12, 2))
    zone = ZoneFactory(slug="joining-zone")
    client.force_login(office_user)

    response = client.post(
        _url("batch_membership_create"),
        {"zone": zone.slug, "batch": batch.number, "joined_on": "2024-12-02", "reason": "Approved"},
    )

    assertRedirects(response, batch.get_absolute_url())
    membership = BatchMembership.objects.get(zone=zone)
    assert membership.history.get().history_user == office_user
    event = AuditEvent.objects.get(action="batch_membership.added")
    assert (event.actor, event.target_id, event.reason) == (
        office_user,
        str(membership.pk),
        "Approved",
    )


def test_batch_membership_create_refuses_an_overlapping_membership(
    client: Client, office_user: User
) -> None:
    first_batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    second_batch = BatchFactory(number=2, starts_on=datetime.date(2024, 12, 2))
    zone = ZoneFactory(slug="pilot-zone", name_zh="试点开发区")
    existing = BatchMembershipFactory(batch=first_batch, zone=zone)
    client.force_login(office_user)

    response = client.post(
        _url("batch_membership_create", language="en"),
        {"zone": zone.slug, "batch": second_batch.number, "joined_on": "2025-01-01"},
    )

    assert response.status_code == 200
    message = (
        f"{zone} is already a pilot area of Batch 1 from 2023-01-01; memberships may not overlap."
    )
    assert response.context["form"].errors == {"joined_on": [message]}
    assertContains(response, message)
    assert list(BatchMembership.objects.all()) == [existing]
    assert AuditEvent.objects.count() == 0


def test_batch_membership_create_refuses_joining_before_the_batch_starts(
    client: Client, office_user: User
) -> None:
    batch = BatchFactory(number=2, starts_on=datetime.date(2024, 12, 2))
    zone = ZoneFactory(slug="early-zone")
    client.force_login(office_user)

    response = client.post(
        _url("batch_membership_create", language="en"),
        {"zone": zone.slug, "batch": batch.number, "joined_on": "2024-12-01"},
    )

    assert response.status_code == 200
    message = "Batch 2 starts on 2024-12-02; a zone cannot join it earlier."
    assert response.context["form"].errors == {"joined_on": [message]}
    assertContains(response, message)
    assert BatchMembership.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_batch_membership_create_refuses_leaving_before_joining(
    client: Client, office_user: User
) -> None:
    batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    zone = ZoneFactory(slug="brief-zone")
    client.force_login(office_user)

    response = client.post(
        _url("batch_membership_create", language="en"),
        {
            "zone": zone.slug,
            "batch": batch.number,
            "joined_on": "2023-06-01",
            "left_on": "2023-06-01",
        },
    )

    assert response.context["form"].errors == {
        "left_on": ["A zone must leave a batch after the day it joined."]
    }
    assert BatchMembership.objects.count() == 0


# Matter edit ------------------------------------------------------------------------------------


def test_matter_edit_by_the_owning_department_saves_with_history_and_audit_event(
    client: Client, department_user: User, justice_matter: Matter
) -> None:
    old_name = justice_matter.name_zh
    client.force_login(department_user)

    response = client.post(
        _url("matter_edit", pk=justice_matter.pk),
        _matter_form(justice_matter, name_zh="律师事务所设立许可", reason="Name in the 2025 list"),
    )

    assertRedirects(response, _url("dashboard_home"))
    justice_matter.refresh_from_db()
    assert justice_matter.name_zh == "律师事务所设立许可"
    latest = justice_matter.history.latest()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        department_user,
        "Name in the 2025 list",
    )
    event = AuditEvent.objects.get(action="matter.updated")
    assert (event.actor, event.target_type, event.target_id, event.reason) == (
        department_user,
        "matters.Matter",
        str(justice_matter.pk),
        "Name in the 2025 list",
    )
    assert event.details == {"name_zh": [old_name, "律师事务所设立许可"]}


def test_matter_edit_by_another_department_is_refused_and_changes_nothing(
    client: Client, other_department_user: User, justice_matter: Matter
) -> None:
    """A department that may not edit the matter at all: a refusal of the person, 403."""
    before = database_state(Matter)
    client.force_login(other_department_user)

    response = client.post(
        _url("matter_edit", pk=justice_matter.pk),
        _matter_form(justice_matter, name_zh="被改名的事项"),
    )

    assert response.status_code == 403
    assert database_state(Matter) == before


def test_matter_edit_cannot_hand_the_matter_to_another_department(
    client: Client, department_user: User, justice_matter: Matter, finance: Department
) -> None:
    """The owning department may edit the matter, only not give it away: a refusal of the
    change it asked for, shown beside the field on the form (200), not a 403 (ADR 0053)."""
    before = database_state(Matter)
    client.force_login(department_user)

    response = client.post(
        _url("matter_edit", language="en", pk=justice_matter.pk),
        _matter_form(justice_matter, competent_department=finance.pk, name_en="Law firms"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "competent_department": ["You may not hand a matter to another department."]
    }
    assert database_state(Matter) == before


def test_the_office_may_hand_a_matter_to_another_department(
    client: Client, office_user: User, justice_matter: Matter, finance: Department
) -> None:
    client.force_login(office_user)

    response = client.post(
        _url("matter_edit", pk=justice_matter.pk),
        _matter_form(justice_matter, competent_department=finance.pk),
    )

    assertRedirects(response, _url("dashboard_home"))
    justice_matter.refresh_from_db()
    assert justice_matter.competent_department == finance
    assert AuditEvent.objects.get(action="matter.updated").actor == office_user


def test_matter_edit_of_a_missing_matter_is_404(client: Client, office_user: User) -> None:
    client.force_login(office_user)

    response = client.get(_url("matter_edit", pk=999_999))

    assert response.status_code == 404


# Audit log --------------------------------------------------------------------------------------


def test_the_change_log_shows_events_and_record_changes(
    client: Client, auditor: User, office_user: User
) -> None:
    client.force_login(office_user)
    client.post(_url("zone_create"), _zone_form())
    client.force_login(auditor)

    response = client.get(_url("audit_event_list"), {"object_type": "regions.Zone"})

    event = AuditEvent.objects.get(action="zone.registered")
    changes = list(response.context["table"].paginated_rows)
    assert [(row.record.source, row.record.action) for row in changes] == [
        ("event", "zone.registered"),
        ("history", "+"),
    ]
    assert {row.record.actor for row in changes} == {office_user.username}
    assert changes[0].record.object_label == "新开发区"
    with translation.override(settings.LANGUAGE_CODE):
        assertContains(response, 'data-action="zone.registered"')
        assertContains(response, str(event.action_label))


def test_the_change_log_filters_by_actor_and_downloads_what_it_shows(
    client: Client, auditor: User, office_user: User
) -> None:
    client.force_login(office_user)
    client.post(_url("zone_create"), _zone_form())
    client.force_login(auditor)

    page = client.get(_url("audit_event_list"), {"actor": office_user.username})
    nobody = client.get(_url("audit_event_list"), {"actor": auditor.username})
    download = client.get(
        _url("audit_event_list"), {"actor": office_user.username, "export": "csv"}
    )

    assert page.context["count"] >= 2
    assert {row.record.actor for row in page.context["table"].paginated_rows} == {
        office_user.username
    }
    assert nobody.context["count"] == 0
    lines = download.content.decode("utf-8-sig").splitlines()
    assert len(lines) == page.context["count"] + 1


def test_the_change_log_names_a_sort_key_it_cannot_use(client: Client, auditor: User) -> None:
    """The log has one order, newest first; a sort key asked for was a server error."""
    client.force_login(auditor)

    response = client.get(_url("audit_event_list", language="en"), {"sort": "no-such-column"})

    assert response.status_code == 200
    assertContains(response, "data-list-problems")
    assertContains(response, "no-such-column")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner estimates")
def test_a_long_change_log_pages_by_an_estimated_count(
    client: Client, auditor: User, office_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "EXACT_COUNT_LIMIT", 0)
    client.force_login(office_user)
    client.post(_url("zone_create"), _zone_form())
    client.force_login(auditor)

    page = client.get(_url("audit_event_list", language="en"))

    assert page.context["list"].count_is_estimate is True
    assertContains(page, f"of about {page.context['count']} rows.")


def test_batch_membership_form_offers_existing_zones_and_batches(
    client: Client, office_user: User
) -> None:
    batch = BatchFactory(number=1)
    zone = ZoneFactory(slug="listed-zone")
    client.force_login(office_user)

    response = client.get(_url("batch_membership_create"))

    form = response.context["form"]
    assert list(form.fields["zone"].queryset) == [zone]
    assert list(form.fields["batch"].queryset) == [batch]


def test_an_object_page_links_to_its_own_history_for_audit_readers(
    client: Client, auditor: User, office_user: User, pilot_area_user: User
) -> None:
    edition = AnnualListFactory(year=2031)
    client.force_login(auditor)

    page = client.get(reverse("dashboards:annual_list_detail", kwargs={"pk": edition.pk}))
    link = (
        reverse("dashboards:audit_event_list")
        + f"?object_type=matters.AnnualList&amp;object_id={edition.pk}"
    )
    assertContains(page, link)
    history = client.get(link.replace("&amp;", "&"))
    assert {row.record.object_id for row in history.context["table"].paginated_rows} == {
        str(edition.pk)
    }

    assert pilot_area_user.zone is not None
    world = build_world(zone=pilot_area_user.zone, department=MatterFactory().competent_department)
    client.force_login(pilot_area_user)
    report_page = client.get(world.area_report(world.q2).get_absolute_url())
    assert report_page.status_code == 200
    assert "data-history-link" not in report_page.content.decode()


def test_the_change_log_page_costs_the_same_queries_however_long_the_log(
    client: Client, auditor: User, office_user: User, django_assert_max_num_queries: Any
) -> None:
    client.force_login(auditor)
    url = _url("audit_event_list")
    with django_assert_max_num_queries(30) as short:
        client.get(url)
    for number in range(80):
        department = Department.objects.create(code=f"extra-{number}", name_zh=f"厅{number}")
        AuditEvent.objects.create(
            actor=office_user,
            action="department.added",
            target_type="matters.Department",
            target_id=str(department.pk),
            target_label=department.name_zh,
        )

    with django_assert_max_num_queries(30) as long:
        response = client.get(url)

    assert response.context["count"] > 160
    # A page costs two queries per record type it shows, whatever the length of the log: the
    # long log's page may show departments and events the short one did not.
    assert len(long.captured_queries) <= len(short.captured_queries) + 4


LABELLED_TYPES = ("regions.BatchMembership", "grants.Grant", "matters.ListEntry")


def _read_a_page_of_labelled_history() -> tuple[int, list[Change]]:
    log = ChangeLog(ChangeCriteria(object_types=LABELLED_TYPES))
    with CaptureQueriesContext(connection) as captured:
        page = log[:50]
    return len(captured.captured_queries), page


def _add_labelled_history(count: int) -> None:
    """Each round: a membership, a grant (created, then changed), and its entry with a
    receiving area added; their labels read related rows."""
    for _ in range(count):
        BatchMembershipFactory()
        grant = GrantFactory()
        grant.status = Grant.Status.EFFECTIVE
        grant.save()
        grant.entry.receiving_areas.add(grant.zone)


def test_change_log_labels_read_related_rows_in_a_fixed_number_of_queries(db: None) -> None:
    """A history row's label and its changed related values (a membership names its zone and
    batch, a grant its entry's matter and its zone) cost no query of their own."""
    _add_labelled_history(1)
    few, _ = _read_a_page_of_labelled_history()
    _add_labelled_history(6)

    many, page = _read_a_page_of_labelled_history()

    assert many == few
    membership = BatchMembership.objects.order_by("pk").last()
    assert membership is not None
    membership_line = next(c for c in page if c.object_type == "regions.BatchMembership")
    assert membership_line.object_label == str(membership)
    grant = Grant.objects.order_by("pk").last()
    assert grant is not None
    entry_line = next(
        c for c in page if c.object_type == "matters.ListEntry" and c.action == "~" and c.fields
    )
    receiving = str(ListEntry._meta.get_field("receiving_areas").verbose_name)
    assert entry_line.fields == [FieldChange(receiving, "—", str(grant.zone))]
    assert entry_line.object_label == str(grant.entry)
