"""Annual list services: drafting, deriving, changing entries and moving an edition to approval.

Only the reform office writes editions. Each refusal has a stable code and writes nothing: no
row, no history row, no many-to-many row and no audit event."""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent
from devolve.core.testing.database import assert_refused
from devolve.matters import services
from devolve.matters.models import (
    AnnualList,
    Department,
    ListEntry,
    ListEntrySubItem,
    Matter,
)
from devolve.matters.tests.factories import DepartmentFactory, MatterFactory
from devolve.matters.tests.list_factories import (
    LIST_MODELS,
    AnnualListFactory,
    DemandItemFactory,
    ListEntryFactory,
    mode,
)
from devolve.regions.models import Batch, Zone
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

pytestmark = pytest.mark.django_db

D = datetime.date

NOT_OFFICE = [
    "department_user",
    "other_department_user",
    "prefecture_user",
    "pilot_area_user",
    "evaluator",
    "auditor",
    "inactive_office_user",
]
CARRIED = system_text("list_entry.carried_forward")
NOT_EDITABLE = ["approved", "published", "superseded"]


def refused(code: str, call: Any) -> Any:
    return assert_refused(code, call, *LIST_MODELS)


def event(action: str) -> tuple[Any, ...]:
    recorded = AuditEvent.objects.get(action=action)
    return (
        recorded.actor,
        recorded.reason,
        recorded.target_type,
        recorded.target_id,
        recorded.details,
    )


def latest_history(instance: Any) -> tuple[Any, ...]:
    record = instance.history.first()
    return (record.history_type, record.history_user, record.history_change_reason)


@pytest.fixture
def inactive_office_user(db: None) -> User:
    return UserFactory(username="retired-office", role=User.Role.OFFICE, is_active=False)


@pytest.fixture
def batch() -> Batch:
    return BatchFactory(number=1, starts_on=D(2023, 1, 1))


def member(batch: Batch, slug: str) -> Zone:
    zone = ZoneFactory(slug=slug)
    BatchMembershipFactory(batch=batch, zone=zone, joined_on=D(2023, 1, 1))
    return zone


@pytest.fixture
def east(batch: Batch) -> Zone:
    return member(batch, "east")


@pytest.fixture
def west(batch: Batch) -> Zone:
    return member(batch, "west")


@pytest.fixture
def outsider() -> Zone:
    """A pilot area of another batch."""
    return member(BatchFactory(number=2), "outsider")


@pytest.fixture
def draft(batch: Batch) -> AnnualList:
    return AnnualListFactory(batch=batch, year=2024)


@pytest.fixture
def law_firms(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice, name_en="Approval of law firms")


@pytest.fixture
def legal_aid(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice, name_en="Legal aid")


@pytest.fixture
def tax_support(finance: Department) -> Matter:
    return MatterFactory(support=True, competent_department=finance, name_en="Tax support")


@pytest.fixture
def published_2023(
    batch: Batch,
    east: Zone,
    west: Zone,
    justice: Department,
    finance: Department,
    law_firms: Matter,
    legal_aid: Matter,
    tax_support: Matter,
) -> AnnualList:
    """Three live entries (all areas; east only, with a sub-item; support) and one withdrawn."""
    annual_list = AnnualListFactory(
        batch=batch,
        year=2023,
        published=True,
        approved_on=D(2023, 3, 1),
        published_on=D(2023, 3, 10),
        delegation_effective_days=20,
        handover_working_days=10,
        renewal_warning_days=7,
    )
    ListEntryFactory(
        annual_list=annual_list,
        sequence=1,
        matter=law_firms,
        mode=mode("delegate"),
        supervising_department=finance,
        conditions="after training",
        notes="Tianfu first",
        is_illustrative=True,
    )
    entrusted = ListEntryFactory(
        annual_list=annual_list,
        sequence=2,
        matter=legal_aid,
        mode=mode("both"),
        all_areas=False,
    )
    entrusted.receiving_areas.set([east])
    ListEntrySubItem.objects.create(
        entry=entrusted, matter=MatterFactory(parent=legal_aid), mode=mode("entrust")
    )
    ListEntryFactory(annual_list=annual_list, sequence=3, matter=tax_support, mode=mode("support"))
    ListEntryFactory(
        annual_list=annual_list,
        sequence=4,
        matter=MatterFactory(competent_department=justice),
        change=ListEntry.Change.WITHDRAWN,
        change_reason="suspended",
    )
    return annual_list


@pytest.fixture
def derived(published_2023: AnnualList, office_user: User) -> AnnualList:
    return services.derive_annual_list(
        predecessor=published_2023, year=2024, created_by=office_user
    )


def carried(annual_list: AnnualList, matter: Matter) -> ListEntry:
    return ListEntry.objects.get(annual_list=annual_list, matter=matter)


def add(annual_list: AnnualList, matter: Matter, actor: User | None, **fields: Any) -> ListEntry:
    defaults: dict[str, Any] = {
        "mode": mode("support" if matter.kind == Matter.Kind.SUPPORT else "delegate"),
        "granting_department": matter.competent_department,
    }
    return services.add_list_entry(
        annual_list=annual_list, matter=matter, added_by=actor, **{**defaults, **fields}
    )


# --- create_annual_list ---------------------------------------------------------------------


def test_office_creates_an_empty_draft(office_user: User, batch: Batch) -> None:
    annual_list = services.create_annual_list(
        year=2024,
        batch=batch,
        created_by=office_user,
        title_zh="2024年赋权清单",
        title_en="2024 list",
        delegation_effective_days=15,
        handover_working_days=20,
        renewal_warning_days=10,
        is_illustrative=True,
        source="川改办〔2024〕",
    )

    stored = AnnualList.objects.get()
    assert stored == annual_list
    assert (
        stored.year,
        stored.batch,
        stored.edition,
        stored.status,
        stored.predecessor,
        stored.title_zh,
        stored.title_en,
        stored.delegation_effective_days,
        stored.handover_working_days,
        stored.renewal_warning_days,
        stored.is_illustrative,
        stored.source,
        stored.entries.count(),
    ) == (
        2024,
        batch,
        1,
        AnnualList.Status.DRAFT,
        None,
        "2024年赋权清单",
        "2024 list",
        15,
        20,
        10,
        True,
        "川改办〔2024〕",
        0,
    )
    assert event("annual_list.created") == (
        office_user,
        "",
        "matters.AnnualList",
        str(stored.pk),
        {},
    )
    assert latest_history(stored) == ("+", office_user, system_text("annual_list.created"))


def test_create_uses_the_default_day_counts(office_user: User, batch: Batch) -> None:
    annual_list = services.create_annual_list(year=2024, batch=batch, created_by=office_user)
    assert (
        annual_list.delegation_effective_days,
        annual_list.handover_working_days,
        annual_list.renewal_warning_days,
    ) == (30, 30, 15)


def test_the_system_may_create_an_edition_without_an_actor(batch: Batch) -> None:
    annual_list = services.create_annual_list(year=2024, batch=batch, created_by=SYSTEM)

    assert AuditEvent.objects.get().actor is None
    assert latest_history(annual_list) == ("+", None, system_text("annual_list.created"))


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_creates_an_edition(
    request: pytest.FixtureRequest, persona: str, batch: Batch
) -> None:
    actor = request.getfixturevalue(persona)
    error = refused(
        "not_allowed",
        lambda: services.create_annual_list(year=2024, batch=batch, created_by=actor),
    )
    assert isinstance(error, NotAllowed)


def test_create_refuses_a_second_edition_with_the_same_number(
    office_user: User, draft: AnnualList
) -> None:
    error = refused(
        "duplicate",
        lambda: services.create_annual_list(
            year=draft.year, batch=draft.batch, created_by=office_user
        ),
    )
    assert error.field is None


def test_create_refuses_an_implausible_year(office_user: User, batch: Batch) -> None:
    refused(
        "invalid",
        lambda: services.create_annual_list(year=1999, batch=batch, created_by=office_user),
    )


# --- derive_annual_list ---------------------------------------------------------------------


def test_derive_carries_every_live_entry_forward_as_kept(
    office_user: User,
    published_2023: AnnualList,
    east: Zone,
    finance: Department,
    law_firms: Matter,
    legal_aid: Matter,
    tax_support: Matter,
) -> None:
    annual_list = services.derive_annual_list(
        predecessor=published_2023,
        year=2024,
        created_by=office_user,
        title_en="2024 list",
        source="derived",
    )

    assert (
        annual_list.year,
        annual_list.edition,
        annual_list.batch,
        annual_list.predecessor,
        annual_list.status,
        annual_list.title_en,
        annual_list.delegation_effective_days,
        annual_list.handover_working_days,
        annual_list.renewal_warning_days,
    ) == (2024, 1, published_2023.batch, published_2023, "draft", "2024 list", 20, 10, 7)
    rows = [
        (
            entry.sequence,
            entry.matter,
            entry.mode.code,
            entry.supervising_department,
            entry.all_areas,
            list(entry.receiving_areas.all()),
            entry.conditions,
            entry.notes,
            entry.change,
            entry.change_reason,
            entry.is_illustrative,
            list(entry.predecessor_entries.all()),
        )
        for entry in annual_list.entries.order_by("sequence")
    ]
    assert rows == [
        (
            1,
            law_firms,
            "delegate",
            finance,
            True,
            [],
            "after training",
            "Tianfu first",
            "kept",
            "",
            True,
            [carried(published_2023, law_firms)],
        ),
        (
            2,
            legal_aid,
            "both",
            None,
            False,
            [east],
            "",
            "",
            "kept",
            "",
            False,
            [carried(published_2023, legal_aid)],
        ),
        (
            3,
            tax_support,
            "support",
            None,
            True,
            [],
            "",
            "",
            "kept",
            "",
            False,
            [carried(published_2023, tax_support)],
        ),
    ]
    old_sub_item = carried(published_2023, legal_aid).sub_items.get()
    new_sub_item = carried(annual_list, legal_aid).sub_items.get()
    assert (new_sub_item.matter, new_sub_item.mode) == (old_sub_item.matter, old_sub_item.mode)
    assert event("annual_list.derived") == (
        office_user,
        "",
        "matters.AnnualList",
        str(annual_list.pk),
        {"predecessor": "2023/batch-1", "entries": 3},
    )
    assert latest_history(annual_list) == ("+", office_user, system_text("annual_list.derived"))
    assert [latest_history(entry) for entry in annual_list.entries.order_by("sequence")] == [
        ("+", office_user, CARRIED),
        ("+", office_user, CARRIED),  # holding its receiving areas
        ("+", office_user, CARRIED),
    ]
    carried_aid = carried(annual_list, legal_aid).history.get()
    assert [row.zone for row in carried_aid.receiving_areas.all()] == [east]


def test_derive_writes_in_the_same_queries_however_long_the_edition(
    office_user: User, published_2023: AnnualList, east: Zone
) -> None:
    """Carrying an edition forward is set-based: batched inserts, not statements per entry."""
    with CaptureQueriesContext(connection) as short:
        services.derive_annual_list(predecessor=published_2023, year=2024, created_by=office_user)
    for number in range(12):
        entry = ListEntryFactory(annual_list=published_2023, sequence=100 + number)
        entry.receiving_areas.set([east])

    with CaptureQueriesContext(connection) as long:
        derived = services.derive_annual_list(
            predecessor=published_2023, year=2025, created_by=office_user
        )

    assert derived.entries.count() == 15
    assert len(long.captured_queries) == len(short.captured_queries)


def test_derive_leaves_the_predecessor_untouched(
    office_user: User, published_2023: AnnualList
) -> None:
    before = (
        list(AnnualList.objects.filter(pk=published_2023.pk).values()),
        list(published_2023.entries.order_by("pk").values()),
    )

    services.derive_annual_list(predecessor=published_2023, year=2024, created_by=office_user)

    assert (
        list(AnnualList.objects.filter(pk=published_2023.pk).values()),
        list(published_2023.entries.order_by("pk").values()),
    ) == before


def test_carried_sub_items_have_their_history(
    office_user: User, derived: AnnualList, legal_aid: Matter
) -> None:
    """Every sub-item row has a history row saying who created it and why, as every other row
    a service writes does."""
    sub_item = carried(derived, legal_aid).sub_items.get()
    assert [
        (record.history_type, record.history_user, record.history_change_reason)
        for record in sub_item.history.all()
    ] == [("+", office_user, CARRIED)]


def test_a_correction_is_a_higher_edition_of_the_same_year(
    office_user: User, published_2023: AnnualList
) -> None:
    correction = services.derive_annual_list(
        predecessor=published_2023, year=2023, edition=2, created_by=office_user
    )
    assert (correction.key, correction.entries.count()) == ("2023/batch-1/e2", 3)


@pytest.mark.parametrize("status", ["draft", "in_review", "approved", "superseded"])
def test_derive_needs_the_published_predecessor(
    office_user: User, batch: Batch, status: str
) -> None:
    predecessor = AnnualListFactory(
        batch=batch,
        year=2023,
        **({status: True} if status in {"approved", "superseded"} else {"status": status}),
    )
    ListEntryFactory(annual_list=predecessor)

    refused(
        "wrong_predecessor",
        lambda: services.derive_annual_list(
            predecessor=predecessor, year=2024, created_by=office_user
        ),
    )


@pytest.mark.parametrize(("year", "edition"), [(2022, 1), (2022, 5), (2023, 1)])
def test_a_derived_edition_comes_after_its_predecessor(
    office_user: User, published_2023: AnnualList, year: int, edition: int
) -> None:
    refused(
        "wrong_predecessor",
        lambda: services.derive_annual_list(
            predecessor=published_2023, year=year, edition=edition, created_by=office_user
        ),
    )


def test_a_derived_edition_needs_a_free_number(
    office_user: User, published_2023: AnnualList, derived: AnnualList
) -> None:
    refused(
        "duplicate",
        lambda: services.derive_annual_list(
            predecessor=published_2023, year=derived.year, created_by=office_user
        ),
    )


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_derives_an_edition(
    request: pytest.FixtureRequest, persona: str, published_2023: AnnualList
) -> None:
    actor = request.getfixturevalue(persona)
    refused(
        "not_allowed",
        lambda: services.derive_annual_list(
            predecessor=published_2023, year=2024, created_by=actor
        ),
    )


# --- add_list_entry -------------------------------------------------------------------------


def test_office_adds_an_entry_for_some_areas(
    office_user: User,
    draft: AnnualList,
    law_firms: Matter,
    justice: Department,
    finance: Department,
    east: Zone,
    west: Zone,
) -> None:
    demand = DemandItemFactory(matter=law_firms, zone=east, answered=True)

    entry = services.add_list_entry(
        annual_list=draft,
        matter=law_firms,
        mode=mode("entrust"),
        granting_department=justice,
        supervising_department=finance,
        receiving_areas=[west, east],
        conditions="after training",
        notes="pilot",
        demand_item=demand,
        change_reason="Tianfu asked for it.",
        is_illustrative=True,
        added_by=office_user,
    )

    stored = ListEntry.objects.get()
    assert stored == entry
    assert (
        stored.annual_list,
        stored.sequence,
        stored.matter,
        stored.mode.code,
        stored.granting_department,
        stored.supervising_department,
        stored.all_areas,
        set(stored.receiving_areas.all()),
        stored.conditions,
        stored.notes,
        stored.change,
        stored.change_reason,
        stored.demand_item,
        stored.is_illustrative,
    ) == (
        draft,
        1,
        law_firms,
        "entrust",
        justice,
        finance,
        False,
        {east, west},
        "after training",
        "pilot",
        "added",
        "Tianfu asked for it.",
        demand,
        True,
    )
    assert event("list_entry.added") == (
        office_user,
        "Tianfu asked for it.",
        "matters.ListEntry",
        str(entry.pk),
        {"annual_list": "2024/batch-1", "matter": law_firms.pk, "mode": "entrust"},
    )
    assert latest_history(stored) == ("~", office_user, "Tianfu asked for it.")
    assert stored.history.count() == 2  # the row, then its receiving areas


def test_an_entry_without_areas_reaches_every_area_of_the_batch(
    office_user: User, draft: AnnualList, tax_support: Matter
) -> None:
    entry = add(draft, tax_support, office_user)

    assert (entry.all_areas, list(entry.receiving_areas.all())) == (True, [])
    assert latest_history(entry) == ("+", office_user, system_text("list_entry.added"))
    assert entry.history.count() == 1


def test_an_empty_subset_of_areas_does_not_make_an_entry_that_reaches_no_area(
    office_user: User, draft: AnnualList, tax_support: Matter
) -> None:
    """``update_list_entry`` reads no areas as every area; adding must not read it as none."""
    entry = add(draft, tax_support, office_user, receiving_areas=[])

    assert (entry.all_areas, list(entry.receiving_areas.all())) == (True, [])


def test_entries_are_numbered_after_the_highest_number(
    office_user: User, draft: AnnualList, law_firms: Matter, legal_aid: Matter
) -> None:
    ListEntryFactory(annual_list=draft, sequence=7)

    numbered = add(draft, law_firms, office_user)
    chosen = add(draft, legal_aid, office_user, sequence=3)

    assert (numbered.sequence, chosen.sequence) == (8, 3)


def test_an_edition_in_review_takes_no_entries(
    office_user: User, batch: Batch, law_firms: Matter
) -> None:
    """Review reads what will be approved: a change sends the edition back to draft first."""
    in_review = AnnualListFactory(batch=batch, in_review=True)
    refused("not_editable", lambda: add(in_review, law_firms, office_user))


@pytest.mark.parametrize("status", NOT_EDITABLE)
def test_add_refuses_an_edition_that_is_no_longer_editable(
    office_user: User, batch: Batch, law_firms: Matter, status: str
) -> None:
    annual_list = AnnualListFactory(batch=batch, **{status: True})
    refused("not_editable", lambda: add(annual_list, law_firms, office_user))


@pytest.mark.parametrize(
    ("matter_fixture", "mode_code"),
    [
        ("law_firms", "support"),
        ("tax_support", "delegate"),
        ("tax_support", "entrust"),
        ("tax_support", "both"),
    ],
)
def test_add_refuses_a_mode_that_does_not_fit_the_matter(
    request: pytest.FixtureRequest,
    office_user: User,
    draft: AnnualList,
    matter_fixture: str,
    mode_code: str,
) -> None:
    matter = request.getfixturevalue(matter_fixture)
    error = refused("mode_mismatch", lambda: add(draft, matter, office_user, mode=mode(mode_code)))
    assert error.field == "mode"


def test_add_refuses_an_area_outside_the_batch(
    office_user: User, draft: AnnualList, law_firms: Matter, east: Zone, outsider: Zone
) -> None:
    error = refused(
        "not_a_batch_member",
        lambda: add(draft, law_firms, office_user, receiving_areas=[east, outsider]),
    )
    assert error.field == "receiving_areas"


def test_add_refuses_a_matter_already_in_the_edition(
    office_user: User, draft: AnnualList, law_firms: Matter
) -> None:
    add(draft, law_firms, office_user)
    refused("duplicate", lambda: add(draft, law_firms, office_user, mode=mode("entrust")))


def test_add_refuses_a_number_already_used(
    office_user: User, draft: AnnualList, law_firms: Matter, legal_aid: Matter
) -> None:
    add(draft, law_firms, office_user, sequence=1)
    refused("duplicate", lambda: add(draft, legal_aid, office_user, sequence=1))


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_adds_entries(
    request: pytest.FixtureRequest, persona: str, draft: AnnualList, law_firms: Matter
) -> None:
    actor = request.getfixturevalue(persona)
    refused("not_allowed", lambda: add(draft, law_firms, actor))


# --- update_list_entry ----------------------------------------------------------------------


def test_changing_a_carried_entry_marks_it_modified_field_by_field(
    office_user: User,
    derived: AnnualList,
    law_firms: Matter,
    finance: Department,
    east: Zone,
    west: Zone,
) -> None:
    entry = carried(derived, law_firms)

    updated = services.update_list_entry(
        entry=entry,
        updated_by=office_user,
        reason="The law requires the department to keep the decision.",
        mode=mode("entrust"),
        receiving_areas=[west, east],
        notes="Tianfu first",
        conditions="after an audit",
    )

    stored = ListEntry.objects.get(pk=entry.pk)
    assert (stored.change, stored.change_reason, stored.changed_fields) == (
        "modified",
        "The law requires the department to keep the decision.",
        {
            "mode": ["delegate", "entrust"],
            "all_areas": [True, False],
            "receiving_areas": [[], ["east", "west"]],
            "conditions": ["after training", "after an audit"],
        },
    )
    assert (stored.mode.code, stored.all_areas, set(stored.receiving_areas.all())) == (
        "entrust",
        False,
        {east, west},
    )
    assert updated == stored
    assert event("list_entry.updated") == (
        office_user,
        "The law requires the department to keep the decision.",
        "matters.ListEntry",
        str(entry.pk),
        {},
    )
    assert latest_history(stored) == (
        "~",
        office_user,
        "The law requires the department to keep the decision.",
    )


def test_changing_an_entry_back_makes_it_kept_again(
    office_user: User, derived: AnnualList, legal_aid: Matter, justice: Department
) -> None:
    entry = carried(derived, legal_aid)
    services.update_list_entry(
        entry=entry, updated_by=office_user, reason="try", granting_department=DepartmentFactory()
    )

    services.update_list_entry(
        entry=entry, updated_by=office_user, reason="", granting_department=justice
    )

    stored = ListEntry.objects.get(pk=entry.pk)
    assert (stored.change, stored.change_reason, stored.changed_fields) == ("kept", "", {})


def test_an_update_that_changes_nothing_needs_no_reason(
    office_user: User, derived: AnnualList, law_firms: Matter
) -> None:
    entry = carried(derived, law_firms)

    services.update_list_entry(entry=entry, updated_by=office_user, reason="", notes="Tianfu first")

    assert ListEntry.objects.get(pk=entry.pk).change == "kept"


def test_an_empty_list_of_areas_means_every_area(
    office_user: User, derived: AnnualList, legal_aid: Matter
) -> None:
    entry = carried(derived, legal_aid)

    services.update_list_entry(
        entry=entry, updated_by=office_user, reason="All areas now.", receiving_areas=[]
    )

    stored = ListEntry.objects.get(pk=entry.pk)
    assert (stored.all_areas, list(stored.receiving_areas.all()), stored.changed_fields) == (
        True,
        [],
        {"all_areas": [False, True], "receiving_areas": [["east"], []]},
    )


def test_updating_an_entry_new_in_the_edition_keeps_it_added(
    office_user: User, draft: AnnualList, law_firms: Matter, finance: Department
) -> None:
    entry = add(draft, law_firms, office_user, change_reason="asked for")

    services.update_list_entry(
        entry=entry,
        updated_by=office_user,
        reason="supervision moved",
        supervising_department=finance,
        all_areas=True,
    )

    stored = ListEntry.objects.get(pk=entry.pk)
    assert (stored.change, stored.change_reason, stored.changed_fields) == (
        "added",
        "asked for",
        {},
    )
    assert stored.supervising_department == finance
    assert latest_history(stored) == ("~", office_user, "supervision moved")


def test_none_removes_the_supervising_department_and_leaving_it_out_keeps_it(
    office_user: User, draft: AnnualList, law_firms: Matter, finance: Department
) -> None:
    entry = add(draft, law_firms, office_user, supervising_department=finance)

    services.update_list_entry(entry=entry, updated_by=office_user, reason="", notes="noted")
    assert ListEntry.objects.get(pk=entry.pk).supervising_department == finance

    services.update_list_entry(
        entry=entry, updated_by=office_user, reason="no longer", supervising_department=None
    )
    stored = ListEntry.objects.get(pk=entry.pk)
    assert stored.supervising_department is None
    assert latest_history(stored) == ("~", office_user, "no longer")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_change_from_the_last_edition_needs_a_reason(
    office_user: User, derived: AnnualList, law_firms: Matter, east: Zone, reason: str
) -> None:
    entry = carried(derived, law_firms)
    error = refused(
        "reason_required",
        lambda: services.update_list_entry(
            entry=entry, updated_by=office_user, reason=reason, receiving_areas=[east]
        ),
    )
    assert error.field == "reason"


def test_update_refuses_a_mode_that_does_not_fit(
    office_user: User, derived: AnnualList, tax_support: Matter
) -> None:
    entry = carried(derived, tax_support)
    refused(
        "mode_mismatch",
        lambda: services.update_list_entry(
            entry=entry, updated_by=office_user, reason="why", mode=mode("delegate")
        ),
    )


def test_update_refuses_an_area_outside_the_batch(
    office_user: User, derived: AnnualList, law_firms: Matter, outsider: Zone
) -> None:
    entry = carried(derived, law_firms)
    refused(
        "not_a_batch_member",
        lambda: services.update_list_entry(
            entry=entry, updated_by=office_user, reason="why", receiving_areas=[outsider]
        ),
    )


@pytest.mark.parametrize("status", NOT_EDITABLE)
def test_update_refuses_an_entry_of_a_fixed_edition(
    office_user: User, batch: Batch, status: str
) -> None:
    entry = ListEntryFactory(annual_list=AnnualListFactory(batch=batch, **{status: True}))
    refused(
        "not_editable",
        lambda: services.update_list_entry(
            entry=entry, updated_by=office_user, reason="fix", notes="changed"
        ),
    )


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_updates_entries(
    request: pytest.FixtureRequest, persona: str, derived: AnnualList, law_firms: Matter
) -> None:
    actor = request.getfixturevalue(persona)
    entry = carried(derived, law_firms)
    refused(
        "not_allowed",
        lambda: services.update_list_entry(
            entry=entry, updated_by=actor, reason="fix", notes="changed"
        ),
    )


# --- withdraw_list_entry --------------------------------------------------------------------


def test_withdrawing_a_carried_entry_keeps_it_with_the_reason(
    office_user: User, derived: AnnualList, tax_support: Matter
) -> None:
    entry = carried(derived, tax_support)
    services.update_list_entry(entry=entry, updated_by=office_user, reason="x", notes="changed")

    withdrawn = services.withdraw_list_entry(
        entry=entry, withdrawn_by=office_user, reason="Fiscal reform completed."
    )

    stored = ListEntry.objects.get(pk=entry.pk)
    assert stored == withdrawn
    assert (stored.change, stored.change_reason, stored.changed_fields, stored.is_withdrawn) == (
        "withdrawn",
        "Fiscal reform completed.",
        {},
        True,
    )
    assert event("list_entry.withdrawn") == (
        office_user,
        "Fiscal reform completed.",
        "matters.ListEntry",
        str(entry.pk),
        {},
    )
    assert latest_history(stored) == ("~", office_user, "Fiscal reform completed.")


@pytest.mark.parametrize("reason", ["", "  "])
def test_a_withdrawal_needs_a_reason(
    office_user: User, derived: AnnualList, tax_support: Matter, reason: str
) -> None:
    entry = carried(derived, tax_support)
    refused(
        "reason_required",
        lambda: services.withdraw_list_entry(entry=entry, withdrawn_by=office_user, reason=reason),
    )


def test_an_entry_new_in_the_edition_has_nothing_to_withdraw(
    office_user: User, derived: AnnualList
) -> None:
    entry = add(derived, MatterFactory(), office_user)
    refused(
        "nothing_to_withdraw",
        lambda: services.withdraw_list_entry(entry=entry, withdrawn_by=office_user, reason="no"),
    )


@pytest.mark.parametrize("status", NOT_EDITABLE)
def test_withdraw_refuses_an_entry_of_a_fixed_edition(
    office_user: User, published_2023: AnnualList, law_firms: Matter, status: str
) -> None:
    fixed = AnnualListFactory(
        batch=published_2023.batch, year=2024, predecessor=published_2023, **{status: True}
    )
    entry = ListEntryFactory(annual_list=fixed, matter=law_firms, change="kept")
    entry.predecessor_entries.set([carried(published_2023, law_firms)])
    refused(
        "not_editable",
        lambda: services.withdraw_list_entry(entry=entry, withdrawn_by=office_user, reason="no"),
    )


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_withdraws_entries(
    request: pytest.FixtureRequest, persona: str, derived: AnnualList, tax_support: Matter
) -> None:
    actor = request.getfixturevalue(persona)
    entry = carried(derived, tax_support)
    refused(
        "not_allowed",
        lambda: services.withdraw_list_entry(entry=entry, withdrawn_by=actor, reason="done"),
    )


# --- remove_list_entry ----------------------------------------------------------------------


def test_removing_a_new_entry_deletes_it_and_its_areas(
    office_user: User, draft: AnnualList, law_firms: Matter, east: Zone
) -> None:
    entry = add(draft, law_firms, office_user, receiving_areas=[east])
    entry_pk = entry.pk

    services.remove_list_entry(entry=entry, removed_by=office_user, reason="added by mistake")

    assert ListEntry.objects.filter(pk=entry_pk).exists() is False
    assert ListEntry.receiving_areas.through.objects.count() == 0
    assert event("list_entry.removed") == (
        office_user,
        "added by mistake",
        "matters.ListEntry",
        str(entry_pk),
        {},
    )
    deleted = ListEntry.history.filter(id=entry_pk).first()
    assert (deleted.history_type, deleted.history_user, deleted.history_change_reason) == (
        "-",
        office_user,
        "added by mistake",
    )


def test_removing_without_a_reason_says_so_in_history(
    office_user: User, draft: AnnualList, law_firms: Matter
) -> None:
    entry = add(draft, law_firms, office_user)
    entry_pk = entry.pk

    services.remove_list_entry(entry=entry, removed_by=office_user)

    assert ListEntry.history.filter(id=entry_pk).first().history_change_reason == system_text(
        "list_entry.removed"
    )


def test_a_carried_entry_is_withdrawn_not_removed(
    office_user: User, derived: AnnualList, law_firms: Matter
) -> None:
    entry = carried(derived, law_firms)
    refused(
        "carried_forward",
        lambda: services.remove_list_entry(entry=entry, removed_by=office_user, reason="gone"),
    )


@pytest.mark.parametrize("status", NOT_EDITABLE)
def test_remove_refuses_an_entry_of_a_fixed_edition(
    office_user: User, batch: Batch, status: str
) -> None:
    entry = ListEntryFactory(annual_list=AnnualListFactory(batch=batch, **{status: True}))
    refused(
        "not_editable",
        lambda: services.remove_list_entry(entry=entry, removed_by=office_user, reason="gone"),
    )


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_removes_entries(
    request: pytest.FixtureRequest, persona: str, draft: AnnualList, law_firms: Matter
) -> None:
    actor = request.getfixturevalue(persona)
    entry = ListEntryFactory(annual_list=draft, matter=law_firms)
    refused(
        "not_allowed",
        lambda: services.remove_list_entry(entry=entry, removed_by=actor, reason="gone"),
    )


# --- submit, return, approve ----------------------------------------------------------------


def test_office_submits_a_draft_for_review(office_user: User, draft: AnnualList) -> None:
    ListEntryFactory(annual_list=draft)

    submitted = services.submit_annual_list_for_review(annual_list=draft, submitted_by=office_user)

    stored = AnnualList.objects.get(pk=draft.pk)
    assert (stored.status, submitted.status) == ("in_review", "in_review")
    assert event("annual_list.submitted") == (
        office_user,
        "",
        "matters.AnnualList",
        str(draft.pk),
        {},
    )
    assert latest_history(stored) == ("~", office_user, system_text("annual_list.submitted"))


def test_an_empty_edition_is_not_submitted(office_user: User, draft: AnnualList) -> None:
    refused(
        "empty_list",
        lambda: services.submit_annual_list_for_review(annual_list=draft, submitted_by=office_user),
    )


@pytest.mark.parametrize("status", ["in_review", "approved", "published", "superseded"])
def test_only_a_draft_is_submitted(office_user: User, batch: Batch, status: str) -> None:
    annual_list = AnnualListFactory(batch=batch, **{status: True})
    ListEntryFactory(annual_list=annual_list)
    refused(
        "illegal_transition",
        lambda: services.submit_annual_list_for_review(
            annual_list=annual_list, submitted_by=office_user
        ),
    )


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_submits(
    request: pytest.FixtureRequest, persona: str, draft: AnnualList
) -> None:
    actor = request.getfixturevalue(persona)
    ListEntryFactory(annual_list=draft)
    refused(
        "not_allowed",
        lambda: services.submit_annual_list_for_review(annual_list=draft, submitted_by=actor),
    )


def test_office_returns_an_edition_in_review_to_draft(office_user: User, batch: Batch) -> None:
    in_review = AnnualListFactory(batch=batch, in_review=True)

    services.return_annual_list_to_draft(
        annual_list=in_review, returned_by=office_user, reason="Numbers are wrong."
    )

    stored = AnnualList.objects.get(pk=in_review.pk)
    assert stored.status == "draft"
    assert event("annual_list.returned") == (
        office_user,
        "Numbers are wrong.",
        "matters.AnnualList",
        str(in_review.pk),
        {},
    )
    assert latest_history(stored) == ("~", office_user, "Numbers are wrong.")


@pytest.mark.parametrize("reason", ["", " "])
def test_returning_to_draft_needs_a_reason(office_user: User, batch: Batch, reason: str) -> None:
    in_review = AnnualListFactory(batch=batch, in_review=True)
    refused(
        "reason_required",
        lambda: services.return_annual_list_to_draft(
            annual_list=in_review, returned_by=office_user, reason=reason
        ),
    )


@pytest.mark.parametrize("status", ["draft", "approved", "published", "superseded"])
def test_only_an_edition_in_review_returns_to_draft(
    office_user: User, batch: Batch, status: str
) -> None:
    annual_list = AnnualListFactory(batch=batch, **({status: True} if status != "draft" else {}))
    refused(
        "illegal_transition",
        lambda: services.return_annual_list_to_draft(
            annual_list=annual_list, returned_by=office_user, reason="again"
        ),
    )


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_returns_an_edition(
    request: pytest.FixtureRequest, persona: str, batch: Batch
) -> None:
    actor = request.getfixturevalue(persona)
    in_review = AnnualListFactory(batch=batch, in_review=True)
    refused(
        "not_allowed",
        lambda: services.return_annual_list_to_draft(
            annual_list=in_review, returned_by=actor, reason="again"
        ),
    )


def test_office_approves_an_edition_in_review(office_user: User, batch: Batch) -> None:
    in_review = AnnualListFactory(batch=batch, in_review=True)

    services.approve_annual_list(
        annual_list=in_review,
        approved_by=office_user,
        approved_on=D(2024, 3, 1),
        document_number="川改办〔2024〕3号",
        approving_meeting_zh="省委全面深化改革委员会第三次会议",
        approving_meeting_en="Third meeting of the reform commission",
    )

    stored = AnnualList.objects.get(pk=in_review.pk)
    assert (
        stored.status,
        stored.approved_on,
        stored.document_number,
        stored.approving_meeting_zh,
        stored.approving_meeting_en,
        stored.published_on,
    ) == (
        "approved",
        D(2024, 3, 1),
        "川改办〔2024〕3号",
        "省委全面深化改革委员会第三次会议",
        "Third meeting of the reform commission",
        None,
    )
    assert event("annual_list.approved") == (
        office_user,
        "",
        "matters.AnnualList",
        str(in_review.pk),
        {"document_number": "川改办〔2024〕3号", "approved_on": "2024-03-01"},
    )
    assert latest_history(stored) == ("~", office_user, system_text("annual_list.approved"))


@pytest.mark.parametrize("document_number", ["", "  "])
def test_approval_needs_a_document_number(
    office_user: User, batch: Batch, document_number: str
) -> None:
    in_review = AnnualListFactory(batch=batch, in_review=True)
    error = refused(
        "document_number_required",
        lambda: services.approve_annual_list(
            annual_list=in_review,
            approved_by=office_user,
            approved_on=D(2024, 3, 1),
            document_number=document_number,
        ),
    )
    assert error.field == "document_number"


@pytest.mark.parametrize("status", ["draft", "approved", "published", "superseded"])
def test_only_an_edition_in_review_is_approved(
    office_user: User, batch: Batch, status: str
) -> None:
    annual_list = AnnualListFactory(batch=batch, **({status: True} if status != "draft" else {}))
    refused(
        "illegal_transition",
        lambda: services.approve_annual_list(
            annual_list=annual_list,
            approved_by=office_user,
            approved_on=D(2024, 3, 1),
            document_number="川改办〔2024〕3号",
        ),
    )


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_approves(
    request: pytest.FixtureRequest, persona: str, batch: Batch
) -> None:
    actor = request.getfixturevalue(persona)
    in_review = AnnualListFactory(batch=batch, in_review=True)
    refused(
        "not_allowed",
        lambda: services.approve_annual_list(
            annual_list=in_review,
            approved_by=actor,
            approved_on=D(2024, 3, 1),
            document_number="川改办〔2024〕3号",
        ),
    )


# --- mark_annual_list_published (the list half of grants.services.publish_annual_list) -------


def test_publishing_supersedes_a_published_predecessor(
    office_user: User, published_2023: AnnualList, derived: AnnualList
) -> None:
    derived.status = AnnualList.Status.APPROVED
    derived.approved_on = D(2024, 2, 1)
    derived.save()

    services.mark_annual_list_published(
        annual_list=derived, published_on=D(2024, 2, 5), published_by=office_user
    )

    stored, predecessor = (
        AnnualList.objects.get(pk=derived.pk),
        AnnualList.objects.get(pk=published_2023.pk),
    )
    assert (stored.status, stored.published_on) == ("published", D(2024, 2, 5))
    assert (predecessor.status, predecessor.superseded_on) == ("superseded", D(2024, 2, 5))
    assert event("annual_list.published") == (
        office_user,
        "",
        "matters.AnnualList",
        str(derived.pk),
        {"published_on": "2024-02-05"},
    )
    assert event("annual_list.superseded") == (
        office_user,
        "",
        "matters.AnnualList",
        str(published_2023.pk),
        {},
    )
    assert latest_history(predecessor) == (
        "~",
        office_user,
        system_text("annual_list.superseded_by", key="2024/batch-1"),
    )
    assert latest_history(stored) == ("~", office_user, system_text("annual_list.published"))


def test_publication_comes_on_or_after_approval(office_user: User, batch: Batch) -> None:
    approved = AnnualListFactory(batch=batch, approved=True)
    error = refused(
        "dates_out_of_order",
        lambda: services.mark_annual_list_published(
            annual_list=AnnualList.objects.get(pk=approved.pk),
            published_on=approved.approved_on - datetime.timedelta(days=1),
            published_by=office_user,
        ),
    )
    assert error.field == "published_on"


@pytest.mark.parametrize("status", ["draft", "in_review", "published", "superseded"])
def test_only_an_approved_edition_is_published(
    office_user: User, batch: Batch, status: str
) -> None:
    annual_list = AnnualListFactory(batch=batch, **({status: True} if status != "draft" else {}))
    refused(
        "illegal_transition",
        lambda: services.mark_annual_list_published(
            annual_list=annual_list, published_on=D(2024, 4, 1), published_by=office_user
        ),
    )


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_marks_an_edition_published(
    request: pytest.FixtureRequest, persona: str, batch: Batch
) -> None:
    actor = request.getfixturevalue(persona)
    approved = AnnualListFactory(batch=batch, approved=True)
    refused(
        "not_allowed",
        lambda: services.mark_annual_list_published(
            annual_list=approved, published_on=D(2024, 4, 1), published_by=actor
        ),
    )


# --- the refusal helper itself --------------------------------------------------------------


def test_assert_refused_notices_a_write_before_the_error(batch: Batch) -> None:
    def writes_then_refuses() -> None:
        AnnualListFactory(batch=batch)
        raise DomainError("not_editable", "too late")

    with pytest.raises(
        AssertionError, match=re.escape("changed matters.AnnualList, matters.AnnualList history")
    ):
        refused("not_editable", writes_then_refuses)


def test_assert_refused_notices_another_code(batch: Batch) -> None:
    def refuses() -> None:
        raise DomainError("duplicate", "again")

    with pytest.raises(AssertionError, match="code 'duplicate'"):
        refused("not_editable", refuses)


def test_a_derived_draft_without_a_title_is_titled_after_its_predecessor(
    office_user: User, published_2023: AnnualList
) -> None:
    AnnualList.objects.filter(pk=published_2023.pk).update(
        title_zh="2023年度第一批清单", title_en="2023 list, batch 1"
    )
    published_2023.refresh_from_db()

    derived = services.derive_annual_list(
        predecessor=published_2023, year=2024, created_by=office_user, title_en="Renamed"
    )

    assert (derived.title_zh, derived.title_en) == ("2024年度第一批清单", "Renamed")


# --- four-eyes --------------------------------------------------------------------------------


@pytest.fixture
def four_eyes(settings: Any) -> None:
    settings.DEVOLVE_FOUR_EYES = True


@pytest.fixture
def second_office_user(db: None) -> User:
    return UserFactory(username="office2", role=User.Role.OFFICE)


def _submitted(office_user: User, batch: Batch, law_firms: Matter) -> AnnualList:
    draft = services.create_annual_list(year=2025, batch=batch, created_by=office_user)
    add(draft, law_firms, office_user)
    return services.submit_annual_list_for_review(annual_list=draft, submitted_by=office_user)


def _approve(annual_list: AnnualList, actor: User) -> AnnualList:
    return services.approve_annual_list(
        annual_list=annual_list,
        approved_by=actor,
        approved_on=datetime.date(2025, 3, 1),
        document_number="川改办〔2025〕1号",
    )


@pytest.mark.usefixtures("four_eyes")
def test_the_submitter_cannot_approve_their_own_edition(
    office_user: User, batch: Batch, law_firms: Matter
) -> None:
    submitted = _submitted(office_user, batch, law_firms)

    refused("four_eyes", lambda: _approve(submitted, office_user))


@pytest.mark.usefixtures("four_eyes")
def test_the_submitter_cannot_publish_what_another_approved(
    office_user: User, second_office_user: User, batch: Batch, law_firms: Matter
) -> None:
    approved = _approve(_submitted(office_user, batch, law_firms), second_office_user)

    refused(
        "four_eyes",
        lambda: services.mark_annual_list_published(
            annual_list=approved, published_on=datetime.date(2025, 3, 2), published_by=office_user
        ),
    )


@pytest.mark.usefixtures("four_eyes")
def test_a_second_office_user_approves_and_publishes(
    office_user: User, second_office_user: User, batch: Batch, law_firms: Matter
) -> None:
    approved = _approve(_submitted(office_user, batch, law_firms), second_office_user)
    published = services.mark_annual_list_published(
        annual_list=approved,
        published_on=datetime.date(2025, 3, 2),
        published_by=second_office_user,
    )

    assert published.status == AnnualList.Status.PUBLISHED


def test_without_four_eyes_one_office_user_does_it_all(
    office_user: User, batch: Batch, law_firms: Matter
) -> None:
    assert _approve(_submitted(office_user, batch, law_firms), office_user).status == "approved"
