"""Demand services: the office opens a window, pilot areas ask, departments answer or offer, the
office decides. Each refusal has a stable code and writes nothing."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from time_machine import TimeMachineFixture

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM
from devolve.core.errors import NotAllowed
from devolve.core.models import AuditEvent
from devolve.core.testing.database import assert_refused
from devolve.matters import services
from devolve.matters.models import (
    AnnualList,
    DemandItem,
    DemandWindow,
    Department,
    ListEntry,
    Matter,
)
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import (
    LIST_MODELS,
    AnnualListFactory,
    DemandItemFactory,
    DemandWindowFactory,
    ListEntryFactory,
    mode,
)
from devolve.regions.models import Batch, Zone
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2023, 10, 20, 9, 30, tzinfo=SHANGHAI)

NOT_OFFICE = [
    "department_user",
    "other_department_user",
    "prefecture_user",
    "pilot_area_user",
    "evaluator",
    "auditor",
    "inactive_office_user",
]


@pytest.fixture(autouse=True)
def _now(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


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


@pytest.fixture
def area(batch: Batch, pilot_area_user: User) -> Zone:
    """The pilot area persona's zone, a member of batch 1."""
    zone = pilot_area_user.zone
    assert zone is not None
    BatchMembershipFactory(batch=batch, zone=zone, joined_on=D(2023, 1, 1))
    return zone


@pytest.fixture
def other_area(batch: Batch) -> Zone:
    zone = ZoneFactory(slug="other-area")
    BatchMembershipFactory(batch=batch, zone=zone, joined_on=D(2023, 1, 1))
    return zone


@pytest.fixture
def window(batch: Batch) -> DemandWindow:
    return DemandWindowFactory(
        year=2024, batch=batch, opens_on=D(2023, 10, 1), closes_on=D(2023, 11, 30)
    )


@pytest.fixture
def law_firms(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice)


@pytest.fixture
def tax_support(finance: Department) -> Matter:
    return MatterFactory(support=True, competent_department=finance)


@pytest.fixture
def draft(batch: Batch) -> AnnualList:
    return AnnualListFactory(batch=batch, year=2024)


def answered(window: DemandWindow, zone: Zone | None, matter: Matter | None, **fields: Any) -> Any:
    if zone is None:
        fields.setdefault("origin", DemandItem.Origin.DEPARTMENT_OFFER)
    return DemandItemFactory(window=window, zone=zone, matter=matter, answered=True, **fields)


# --- open_demand_window ---------------------------------------------------------------------


def test_office_opens_a_demand_window(office_user: User, batch: Batch) -> None:
    window = services.open_demand_window(
        year=2024,
        batch=batch,
        opens_on=D(2023, 10, 1),
        closes_on=D(2023, 11, 30),
        opened_by=office_user,
    )

    stored = DemandWindow.objects.get()
    assert stored == window
    assert (stored.year, stored.batch, stored.opens_on, stored.closes_on) == (
        2024,
        batch,
        D(2023, 10, 1),
        D(2023, 11, 30),
    )
    assert event("demand_window.opened") == (
        office_user,
        "",
        "matters.DemandWindow",
        str(window.pk),
        {},
    )
    assert latest_history(stored) == ("+", office_user, system_text("demand_window.opened"))


def test_a_window_may_last_one_day(office_user: User, batch: Batch) -> None:
    window = services.open_demand_window(
        year=2024, batch=batch, opens_on=D(2023, 10, 1), closes_on=D(2023, 10, 1), opened_by=SYSTEM
    )
    assert DemandWindow.objects.get() == window


def test_a_window_closes_on_or_after_it_opens(office_user: User, batch: Batch) -> None:
    refused(
        "dates_out_of_order",
        lambda: services.open_demand_window(
            year=2024,
            batch=batch,
            opens_on=D(2023, 10, 2),
            closes_on=D(2023, 10, 1),
            opened_by=office_user,
        ),
    )


def test_one_window_per_year_and_batch(office_user: User, window: DemandWindow) -> None:
    refused(
        "duplicate",
        lambda: services.open_demand_window(
            year=window.year,
            batch=window.batch,
            opens_on=D(2024, 1, 1),
            closes_on=D(2024, 1, 31),
            opened_by=office_user,
        ),
    )


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_opens_a_window(
    request: pytest.FixtureRequest, persona: str, batch: Batch
) -> None:
    actor = request.getfixturevalue(persona)
    error = refused(
        "not_allowed",
        lambda: services.open_demand_window(
            year=2024,
            batch=batch,
            opens_on=D(2023, 10, 1),
            closes_on=D(2023, 11, 30),
            opened_by=actor,
        ),
    )
    assert isinstance(error, NotAllowed)


# --- file_demand_item -----------------------------------------------------------------------


def test_an_area_files_a_demand_for_a_catalogue_matter(
    pilot_area_user: User,
    area: Zone,
    window: DemandWindow,
    law_firms: Matter,
    justice: Department,
    finance: Department,
) -> None:
    item = services.file_demand_item(
        window=window,
        zone=area,
        kind=DemandItem.Kind.POWER,
        department=finance,  # the matter's competent department wins
        matter=law_firms,
        justification="Law firms cluster in the area.",
        filed_by=pilot_area_user,
        is_illustrative=True,
    )

    stored = DemandItem.objects.get()
    assert stored == item
    assert (
        stored.window,
        stored.origin,
        stored.zone,
        stored.matter,
        stored.description,
        stored.kind,
        stored.department,
        stored.justification,
        stored.status,
        stored.response,
        stored.is_illustrative,
    ) == (
        window,
        "demand",
        area,
        law_firms,
        "",
        "power",
        justice,
        "Law firms cluster in the area.",
        "submitted",
        "",
        True,
    )
    assert event("demand_item.filed") == (
        pilot_area_user,
        "",
        "matters.DemandItem",
        str(item.pk),
        {"zone": area.slug},
    )
    assert latest_history(stored) == ("+", pilot_area_user, system_text("demand_item.filed"))


def test_an_area_describes_a_matter_not_in_the_catalogue(
    pilot_area_user: User, area: Zone, window: DemandWindow, finance: Department
) -> None:
    item = services.file_demand_item(
        window=window,
        zone=area,
        kind=DemandItem.Kind.SUPPORT,
        department=finance,
        description="跨境资金池试点支持",
        filed_by=pilot_area_user,
    )

    assert (item.matter, item.description, item.department, item.kind) == (
        None,
        "跨境资金池试点支持",
        finance,
        "support",
    )


def test_the_office_files_on_an_areas_behalf(
    office_user: User, area: Zone, window: DemandWindow, law_firms: Matter
) -> None:
    item = services.file_demand_item(
        window=window,
        zone=area,
        kind="power",
        department=law_firms.competent_department,
        matter=law_firms,
        filed_by=office_user,
    )
    assert (item.zone, AuditEvent.objects.get().actor) == (area, office_user)


@pytest.mark.parametrize("on", [D(2023, 10, 1), D(2023, 11, 30)])
def test_the_first_and_last_days_of_the_window_accept_demands(
    pilot_area_user: User, area: Zone, window: DemandWindow, law_firms: Matter, on: datetime.date
) -> None:
    item = services.file_demand_item(
        window=window,
        zone=area,
        kind="power",
        department=law_firms.competent_department,
        matter=law_firms,
        filed_by=pilot_area_user,
        on=on,
    )
    assert DemandItem.objects.get() == item


@pytest.mark.parametrize("on", [D(2023, 9, 30), D(2023, 12, 1)])
def test_a_closed_window_takes_no_demand(
    pilot_area_user: User, area: Zone, window: DemandWindow, law_firms: Matter, on: datetime.date
) -> None:
    refused(
        "window_closed",
        lambda: services.file_demand_item(
            window=window,
            zone=area,
            kind="power",
            department=law_firms.competent_department,
            matter=law_firms,
            filed_by=pilot_area_user,
            on=on,
        ),
    )


def test_without_a_date_the_window_is_checked_against_today(
    time_machine: TimeMachineFixture,
    pilot_area_user: User,
    area: Zone,
    window: DemandWindow,
    law_firms: Matter,
) -> None:
    def file() -> DemandItem:
        return services.file_demand_item(
            window=window,
            zone=area,
            kind="power",
            department=law_firms.competent_department,
            matter=law_firms,
            filed_by=pilot_area_user,
        )

    # 00:30 on 1 December in Shanghai is still 30 November in UTC: the local date decides.
    time_machine.move_to(datetime.datetime(2023, 12, 1, 0, 30, tzinfo=SHANGHAI), tick=False)
    refused("window_closed", file)

    time_machine.move_to(datetime.datetime(2023, 11, 30, 23, 30, tzinfo=SHANGHAI), tick=False)
    item = file()
    assert DemandItem.objects.get() == item


def test_a_demand_names_a_matter_or_describes_one(
    pilot_area_user: User, area: Zone, window: DemandWindow, justice: Department
) -> None:
    refused(
        "matter_or_description_required",
        lambda: services.file_demand_item(
            window=window, zone=area, kind="power", department=justice, filed_by=pilot_area_user
        ),
    )


def test_a_demand_has_a_known_kind(
    pilot_area_user: User, area: Zone, window: DemandWindow, justice: Department
) -> None:
    error = refused(
        "invalid",
        lambda: services.file_demand_item(
            window=window,
            zone=area,
            kind="wish",
            department=justice,
            description="跨境仲裁",
            filed_by=pilot_area_user,
        ),
    )
    assert error.field == "kind"


@pytest.mark.parametrize(
    ("matter_fixture", "kind"), [("law_firms", "support"), ("tax_support", "power")]
)
def test_a_catalogue_matter_is_filed_as_its_own_kind(
    request: pytest.FixtureRequest,
    pilot_area_user: User,
    area: Zone,
    window: DemandWindow,
    matter_fixture: str,
    kind: str,
) -> None:
    matter = request.getfixturevalue(matter_fixture)
    error = refused(
        "kind_mismatch",
        lambda: services.file_demand_item(
            window=window,
            zone=area,
            kind=kind,
            department=matter.competent_department,
            matter=matter,
            filed_by=pilot_area_user,
        ),
    )
    assert error.field == "kind"


@pytest.mark.parametrize(
    "persona",
    [
        "department_user",
        "other_department_user",
        "prefecture_user",
        "evaluator",
        "auditor",
        "inactive_office_user",
    ],
)
def test_only_the_area_or_the_office_files(
    request: pytest.FixtureRequest,
    persona: str,
    area: Zone,
    window: DemandWindow,
    law_firms: Matter,
) -> None:
    actor = request.getfixturevalue(persona)
    refused(
        "not_allowed",
        lambda: services.file_demand_item(
            window=window,
            zone=area,
            kind="power",
            department=law_firms.competent_department,
            matter=law_firms,
            filed_by=actor,
        ),
    )


def test_an_area_files_only_for_itself(
    pilot_area_user: User, other_area: Zone, window: DemandWindow, law_firms: Matter
) -> None:
    refused(
        "not_allowed",
        lambda: services.file_demand_item(
            window=window,
            zone=other_area,
            kind="power",
            department=law_firms.competent_department,
            matter=law_firms,
            filed_by=pilot_area_user,
        ),
    )


def test_a_deactivated_area_account_files_nothing(
    pilot_area_user: User, area: Zone, window: DemandWindow, law_firms: Matter
) -> None:
    pilot_area_user.is_active = False
    pilot_area_user.save()
    refused(
        "not_allowed",
        lambda: services.file_demand_item(
            window=window,
            zone=area,
            kind="power",
            department=law_firms.competent_department,
            matter=law_firms,
            filed_by=pilot_area_user,
        ),
    )


# --- offer_matter ---------------------------------------------------------------------------


def test_a_department_offers_its_own_matter_as_agreed(
    department_user: User, window: DemandWindow, law_firms: Matter, justice: Department
) -> None:
    item = services.offer_matter(
        window=window,
        matter=law_firms,
        offered_by=department_user,
        justification="Ready to let go.",
        is_illustrative=True,
    )

    stored = DemandItem.objects.get()
    assert stored == item
    assert (
        stored.origin,
        stored.zone,
        stored.matter,
        stored.kind,
        stored.department,
        stored.justification,
        stored.status,
        stored.response,
        stored.responded_at,
        stored.responded_by,
        stored.is_illustrative,
    ) == (
        "offer",
        None,
        law_firms,
        "power",
        justice,
        "Ready to let go.",
        "answered",
        "agree",
        NOW,
        department_user,
        True,
    )
    assert event("demand_item.offered") == (
        department_user,
        "",
        "matters.DemandItem",
        str(item.pk),
        {},
    )
    assert latest_history(stored) == ("+", department_user, system_text("demand_item.offered"))


def test_a_matter_is_offered_once_per_window(
    department_user: User, office_user: User, window: DemandWindow, law_firms: Matter
) -> None:
    services.offer_matter(window=window, matter=law_firms, offered_by=department_user)

    for actor in (department_user, office_user):
        refused(
            "duplicate",
            lambda actor=actor: services.offer_matter(
                window=window, matter=law_firms, offered_by=actor
            ),
        )
    assert DemandItem.objects.filter(origin="offer").count() == 1


def test_the_office_offers_a_support_matter_for_a_department(
    office_user: User, window: DemandWindow, tax_support: Matter, finance: Department
) -> None:
    item = services.offer_matter(window=window, matter=tax_support, offered_by=office_user)
    assert (item.kind, item.department, item.responded_by) == ("support", finance, office_user)


@pytest.mark.parametrize(
    "persona",
    [
        "other_department_user",
        "prefecture_user",
        "pilot_area_user",
        "evaluator",
        "auditor",
        "inactive_office_user",
    ],
)
def test_only_the_competent_department_or_the_office_offers(
    request: pytest.FixtureRequest, persona: str, window: DemandWindow, law_firms: Matter
) -> None:
    actor = request.getfixturevalue(persona)
    refused(
        "not_allowed",
        lambda: services.offer_matter(window=window, matter=law_firms, offered_by=actor),
    )


def test_a_deactivated_department_account_offers_nothing(
    department_user: User, window: DemandWindow, law_firms: Matter
) -> None:
    department_user.is_active = False
    department_user.save()
    refused(
        "not_allowed",
        lambda: services.offer_matter(window=window, matter=law_firms, offered_by=department_user),
    )


# --- answer_demand_item ---------------------------------------------------------------------


def test_the_department_agrees_without_a_reason(
    department_user: User, area: Zone, window: DemandWindow, law_firms: Matter
) -> None:
    item = DemandItemFactory(window=window, zone=area, matter=law_firms)

    answered_item = services.answer_demand_item(
        item=item, response=DemandItem.Response.AGREE, answered_by=department_user
    )

    stored = DemandItem.objects.get()
    assert stored == answered_item
    assert (
        stored.status,
        stored.response,
        stored.response_reason,
        stored.responded_at,
        stored.responded_by,
    ) == ("answered", "agree", "", NOW, department_user)
    assert event("demand_item.answered") == (
        department_user,
        "",
        "matters.DemandItem",
        str(item.pk),
        {"response": "agree"},
    )
    assert latest_history(stored) == ("~", department_user, system_text("demand_item.answered"))


@pytest.mark.parametrize("response", ["agree_in_part", "decline", "needs_higher"])
def test_any_other_answer_gives_its_reason(
    department_user: User, area: Zone, window: DemandWindow, law_firms: Matter, response: str
) -> None:
    item = DemandItemFactory(window=window, zone=area, matter=law_firms)

    services.answer_demand_item(
        item=item, response=response, answered_by=department_user, reason="《律师法》第十八条"
    )

    stored = DemandItem.objects.get()
    assert (stored.status, stored.response, stored.response_reason) == (
        "answered",
        response,
        "《律师法》第十八条",
    )
    assert event("demand_item.answered")[1] == "《律师法》第十八条"
    assert latest_history(stored) == ("~", department_user, "《律师法》第十八条")


@pytest.mark.parametrize("response", ["agree_in_part", "decline", "needs_higher"])
@pytest.mark.parametrize("reason", ["", "  "])
def test_an_answer_other_than_agree_needs_a_reason(
    department_user: User,
    area: Zone,
    window: DemandWindow,
    law_firms: Matter,
    response: str,
    reason: str,
) -> None:
    item = DemandItemFactory(window=window, zone=area, matter=law_firms)
    error = refused(
        "reason_required",
        lambda: services.answer_demand_item(
            item=item, response=response, answered_by=department_user, reason=reason
        ),
    )
    assert error.field == "reason"


def test_a_department_may_change_its_answer_until_the_office_decides(
    department_user: User, area: Zone, window: DemandWindow, law_firms: Matter
) -> None:
    item = answered(window, area, law_firms)

    services.answer_demand_item(
        item=item, response="decline", answered_by=department_user, reason="law forbids"
    )

    assert DemandItem.objects.get().response == "decline"


def test_the_office_may_answer_for_the_department(
    office_user: User, area: Zone, window: DemandWindow, law_firms: Matter
) -> None:
    item = DemandItemFactory(window=window, zone=area, matter=law_firms)
    services.answer_demand_item(item=item, response="agree", answered_by=office_user)
    assert DemandItem.objects.get().responded_by == office_user


def test_an_unknown_answer_is_refused(
    department_user: User, area: Zone, window: DemandWindow, law_firms: Matter
) -> None:
    item = DemandItemFactory(window=window, zone=area, matter=law_firms)
    error = refused(
        "invalid",
        lambda: services.answer_demand_item(
            item=item, response="maybe", answered_by=department_user, reason="unsure"
        ),
    )
    assert error.field == "response"


@pytest.mark.parametrize("status", ["accepted", "rejected"])
def test_a_decided_item_takes_no_answer(
    department_user: User, area: Zone, window: DemandWindow, law_firms: Matter, status: str
) -> None:
    item = answered(window, area, law_firms, status=status)
    refused(
        "illegal_transition",
        lambda: services.answer_demand_item(
            item=item, response="agree", answered_by=department_user
        ),
    )


@pytest.mark.parametrize(
    "persona",
    [
        "other_department_user",
        "prefecture_user",
        "pilot_area_user",
        "evaluator",
        "auditor",
        "inactive_office_user",
    ],
)
def test_only_the_competent_department_or_the_office_answers(
    request: pytest.FixtureRequest,
    persona: str,
    area: Zone,
    window: DemandWindow,
    law_firms: Matter,
) -> None:
    actor = request.getfixturevalue(persona)
    item = DemandItemFactory(window=window, zone=area, matter=law_firms)
    refused(
        "not_allowed",
        lambda: services.answer_demand_item(item=item, response="agree", answered_by=actor),
    )


def test_a_deactivated_department_account_answers_nothing(
    department_user: User, area: Zone, window: DemandWindow, law_firms: Matter
) -> None:
    item = DemandItemFactory(window=window, zone=area, matter=law_firms)
    department_user.is_active = False
    department_user.save()
    refused(
        "not_allowed",
        lambda: services.answer_demand_item(
            item=item, response="agree", answered_by=department_user
        ),
    )


# --- decide_demand_item ---------------------------------------------------------------------


def test_accepting_a_demand_adds_a_draft_entry_for_the_area(
    office_user: User, area: Zone, window: DemandWindow, law_firms: Matter, draft: AnnualList
) -> None:
    item = answered(window, area, law_firms, is_illustrative=True)

    decided = services.decide_demand_item(
        item=item,
        accept=True,
        decided_by=office_user,
        reason="Fits the reform.",
        annual_list=draft,
    )

    stored = DemandItem.objects.get()
    assert stored == decided
    assert (stored.status, stored.decision_reason, stored.decided_at, stored.decided_by) == (
        "accepted",
        "Fits the reform.",
        NOW,
        office_user,
    )
    entry = ListEntry.objects.get()
    assert (
        entry.annual_list,
        entry.matter,
        entry.mode.code,
        entry.granting_department,
        entry.all_areas,
        list(entry.receiving_areas.all()),
        entry.demand_item,
        entry.change,
        entry.change_reason,
        entry.is_illustrative,
    ) == (
        draft,
        law_firms,
        "delegate",
        law_firms.competent_department,
        False,
        [area],
        item,
        "added",
        "Fits the reform.",
        True,
    )
    assert event("demand_item.decided") == (
        office_user,
        "Fits the reform.",
        "matters.DemandItem",
        str(item.pk),
        {"accepted": True},
    )
    assert event("list_entry.added")[0:4] == (
        office_user,
        "Fits the reform.",
        "matters.ListEntry",
        str(entry.pk),
    )
    assert latest_history(stored) == ("~", office_user, "Fits the reform.")


def test_accepting_without_a_reason_says_where_the_entry_came_from(
    office_user: User, area: Zone, window: DemandWindow, law_firms: Matter, draft: AnnualList
) -> None:
    item = answered(window, area, law_firms)

    with translation.override("en"):
        services.decide_demand_item(
            item=item, accept=True, decided_by=office_user, annual_list=draft
        )

    assert ListEntry.objects.get().change_reason == system_text("list_entry.accepted_from_demand")
    assert latest_history(DemandItem.objects.get()) == (
        "~",
        office_user,
        system_text("demand_item.decided"),
    )


def test_an_accepted_support_matter_is_supported(
    office_user: User, area: Zone, window: DemandWindow, tax_support: Matter, draft: AnnualList
) -> None:
    item = answered(window, area, tax_support, kind="support")
    services.decide_demand_item(item=item, accept=True, decided_by=office_user, annual_list=draft)
    assert ListEntry.objects.get().mode.code == "support"


def test_the_office_may_choose_the_mode(
    office_user: User, area: Zone, window: DemandWindow, law_firms: Matter, draft: AnnualList
) -> None:
    item = answered(window, area, law_firms)
    services.decide_demand_item(
        item=item, accept=True, decided_by=office_user, annual_list=draft, mode=mode("entrust")
    )
    assert ListEntry.objects.get().mode.code == "entrust"


def test_an_accepted_offer_reaches_every_area(
    office_user: User, window: DemandWindow, law_firms: Matter, draft: AnnualList
) -> None:
    item = answered(window, None, law_firms)
    services.decide_demand_item(item=item, accept=True, decided_by=office_user, annual_list=draft)
    entry = ListEntry.objects.get()
    assert (entry.all_areas, list(entry.receiving_areas.all()), entry.demand_item) == (
        True,
        [],
        item,
    )


def test_a_second_area_asking_for_the_same_matter_is_added_to_the_entry(
    office_user: User,
    area: Zone,
    other_area: Zone,
    window: DemandWindow,
    law_firms: Matter,
    draft: AnnualList,
) -> None:
    """Two areas ask for the same matter; accepting both must reach both, in one entry."""
    first = answered(window, area, law_firms)
    second = answered(window, other_area, law_firms)
    services.decide_demand_item(item=first, accept=True, decided_by=office_user, annual_list=draft)

    services.decide_demand_item(item=second, accept=True, decided_by=office_user, annual_list=draft)

    entry = ListEntry.objects.get()
    assert DemandItem.objects.get(pk=second.pk).status == "accepted"
    assert (entry.all_areas, set(entry.receiving_areas.all())) == (False, {area, other_area})


def test_accepting_a_matter_already_for_every_area_adds_no_entry(
    office_user: User, area: Zone, window: DemandWindow, law_firms: Matter, draft: AnnualList
) -> None:
    existing = ListEntryFactory(annual_list=draft, matter=law_firms)
    item = answered(window, area, law_firms)

    services.decide_demand_item(item=item, accept=True, decided_by=office_user, annual_list=draft)

    assert (list(ListEntry.objects.all()), existing.all_areas) == ([existing], True)
    assert DemandItem.objects.get().status == "accepted"


def test_rejecting_gives_a_reason_and_adds_nothing(
    office_user: User, area: Zone, window: DemandWindow, law_firms: Matter
) -> None:
    item = answered(window, area, law_firms)

    services.decide_demand_item(
        item=item, accept=False, decided_by=office_user, reason="Not this year."
    )

    stored = DemandItem.objects.get()
    assert (stored.status, stored.decision_reason, stored.decided_by, stored.decided_at) == (
        "rejected",
        "Not this year.",
        office_user,
        NOW,
    )
    assert ListEntry.objects.count() == 0
    assert event("demand_item.decided") == (
        office_user,
        "Not this year.",
        "matters.DemandItem",
        str(item.pk),
        {"accepted": False},
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_needs_a_reason(
    office_user: User, area: Zone, window: DemandWindow, law_firms: Matter, reason: str
) -> None:
    item = answered(window, area, law_firms)
    refused(
        "reason_required",
        lambda: services.decide_demand_item(
            item=item, accept=False, decided_by=office_user, reason=reason
        ),
    )


@pytest.mark.parametrize("status", ["submitted", "accepted", "rejected"])
def test_only_an_answered_item_is_decided(
    office_user: User,
    area: Zone,
    window: DemandWindow,
    law_firms: Matter,
    draft: AnnualList,
    status: str,
) -> None:
    item = (
        DemandItemFactory(window=window, zone=area, matter=law_firms)
        if status == "submitted"
        else answered(window, area, law_firms, status=status)
    )
    refused(
        "illegal_transition",
        lambda: services.decide_demand_item(
            item=item, accept=True, decided_by=office_user, annual_list=draft
        ),
    )


def test_accepting_needs_an_edition(
    office_user: User, area: Zone, window: DemandWindow, law_firms: Matter
) -> None:
    item = answered(window, area, law_firms)
    error = refused(
        "wrong_list",
        lambda: services.decide_demand_item(item=item, accept=True, decided_by=office_user),
    )
    assert error.field == "annual_list"


def test_accepting_needs_an_edition_of_the_same_batch(
    office_user: User, area: Zone, window: DemandWindow, law_firms: Matter
) -> None:
    item = answered(window, area, law_firms)
    other_batch_list = AnnualListFactory(batch=BatchFactory(number=2), year=2024)
    refused(
        "wrong_list",
        lambda: services.decide_demand_item(
            item=item, accept=True, decided_by=office_user, annual_list=other_batch_list
        ),
    )


def test_a_described_matter_joins_the_catalogue_before_it_is_accepted(
    office_user: User, area: Zone, window: DemandWindow, justice: Department, draft: AnnualList
) -> None:
    item = answered(window, area, None, description="跨境仲裁", department=justice)
    error = refused(
        "matter_required",
        lambda: services.decide_demand_item(
            item=item, accept=True, decided_by=office_user, annual_list=draft
        ),
    )
    assert error.field == "matter"


@pytest.mark.parametrize("status", ["approved", "published", "superseded"])
def test_accepting_into_a_fixed_edition_is_refused(
    office_user: User,
    area: Zone,
    window: DemandWindow,
    law_firms: Matter,
    batch: Batch,
    status: str,
) -> None:
    item = answered(window, area, law_firms)
    fixed = AnnualListFactory(batch=batch, year=2024, **{status: True})
    refused(
        "not_editable",
        lambda: services.decide_demand_item(
            item=item, accept=True, decided_by=office_user, annual_list=fixed
        ),
    )


def test_accepting_with_a_mode_that_does_not_fit_is_refused(
    office_user: User, area: Zone, window: DemandWindow, law_firms: Matter, draft: AnnualList
) -> None:
    item = answered(window, area, law_firms)
    refused(
        "mode_mismatch",
        lambda: services.decide_demand_item(
            item=item, accept=True, decided_by=office_user, annual_list=draft, mode=mode("support")
        ),
    )


def test_accepting_a_demand_of_an_area_outside_the_batch_is_refused(
    office_user: User, window: DemandWindow, law_firms: Matter, draft: AnnualList
) -> None:
    item = answered(window, ZoneFactory(slug="not-a-pilot"), law_firms)
    refused(
        "not_a_batch_member",
        lambda: services.decide_demand_item(
            item=item, accept=True, decided_by=office_user, annual_list=draft
        ),
    )


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_decides(
    request: pytest.FixtureRequest,
    persona: str,
    area: Zone,
    window: DemandWindow,
    law_firms: Matter,
    draft: AnnualList,
) -> None:
    actor = request.getfixturevalue(persona)
    item = answered(window, area, law_firms)
    refused(
        "not_allowed",
        lambda: services.decide_demand_item(
            item=item, accept=True, decided_by=actor, annual_list=draft
        ),
    )
