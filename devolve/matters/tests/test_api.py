"""Catalogue API: public reads with filters and pages; a department writes only its own matters."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from devolve.accounts.models import User
from devolve.core.models import AuditEvent
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.versions import if_match
from devolve.demo import sichuan
from devolve.demo.testing import seeded_demo
from devolve.matters.models import AuthorizationMode, Department, Matter, MatterType
from devolve.matters.tests.factories import MatterFactory, matter_type

JSON = "application/json"


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def _in_api_language(message: str) -> str:
    """Without an Accept-Language header the API answers in the default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


@pytest.fixture
def demo(db: None) -> None:
    seeded_demo(with_users=False)


@pytest.fixture
def justice_matter(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice, name_zh="律师事务所设立审批")


@pytest.fixture
def finance_matter(finance: Department) -> Matter:
    return MatterFactory(competent_department=finance, name_zh="非营利组织免税资格认定")


def _matter_payload(department: Department, **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "code": "511A9999999999",
        "name_zh": "新增事项",
        "name_en": "New matter",
        "kind": Matter.Kind.POWER,
        "matter_type": "licensing",
        "competent_department": department.code,
        "legal_basis": "《行政许可法》",
        "reason": "Added for the 2025 list",
    }
    payload.update(changes)
    return payload


# Reads ------------------------------------------------------------------------------------------


def test_departments_list_the_demo_departments(client: Client, demo: None) -> None:
    body = client.get(_url("department-list")).json()

    assert body["count"] == len(sichuan.DEPARTMENTS) == 17
    assert [item["code"] for item in body["results"]] == sorted(
        department.code for department in sichuan.DEPARTMENTS
    )


def test_departments_are_paginated(client: Client, demo: None) -> None:
    codes = sorted(department.code for department in sichuan.DEPARTMENTS)

    second_page = client.get(_url("department-list"), {"page_size": 10, "page": 2}).json()

    assert second_page["count"] == 17
    assert [item["code"] for item in second_page["results"]] == codes[10:]
    assert second_page["next"] is None
    assert second_page["previous"] == "http://testserver/api/v1/departments/?page_size=10"


def test_department_detail_is_addressed_by_code(client: Client, justice: Department) -> None:
    body = client.get(_url("department-detail", code=justice.code)).json()

    assert body == {
        "code": "justice",
        "name_zh": "四川省司法厅",
        "name_en": "Department of Justice",
        "is_illustrative": False,
        "source": "",
    }


def test_matter_types_are_listed_unpaginated_in_catalogue_order(client: Client, db: None) -> None:
    body = client.get(_url("matter-type-list")).json()

    assert [item["code"] for item in body] == list(
        MatterType.objects.order_by("sort_order").values_list("code", flat=True)
    )
    assert len(body) == 11
    assert body[-1] == {
        "code": "public_service",
        "name_zh": "公共服务",
        "name_en": "Public service",
        "is_administrative_power": False,
        "sort_order": 20,
    }


def test_authorization_modes_are_listed_unpaginated(client: Client, db: None) -> None:
    body = client.get(_url("authorization-mode-list")).json()

    assert [item["code"] for item in body] == [
        AuthorizationMode.Code.DELEGATE,
        AuthorizationMode.Code.ENTRUST,
        AuthorizationMode.Code.BOTH,
        AuthorizationMode.Code.SUPPORT,
    ]


def test_matters_list_every_demo_matter(client: Client, demo: None) -> None:
    body = client.get(_url("matter-list")).json()

    assert body["count"] == len(sichuan.MATTERS) == 13
    assert {item["name_zh"] for item in body["results"]} == {
        matter.name_zh for matter in sichuan.MATTERS
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {"department": "justice"},
            {m.name_zh for m in sichuan.MATTERS if m.department == "justice"},
        ),
        ({"kind": "support"}, {m.name_zh for m in sichuan.MATTERS if m.kind == "support"}),
        (
            {"matter_type": "confirmation"},
            {m.name_zh for m in sichuan.MATTERS if m.matter_type == "confirmation"},
        ),
        ({"code": "511a0138600000"}, {"教师资格认定"}),
        ({"department": "finance", "kind": "power"}, {"非营利组织免税资格认定"}),
        ({"department": "statistics"}, set()),
    ],
)
def test_matters_filter(
    client: Client, demo: None, query: dict[str, str], expected: set[str]
) -> None:
    body = client.get(_url("matter-list"), query).json()

    assert {item["name_zh"] for item in body["results"]} == expected
    assert body["count"] == len(expected)


def test_matters_are_paginated(client: Client, demo: None) -> None:
    first_page = client.get(_url("matter-list"), {"page_size": 5}).json()
    third_page = client.get(_url("matter-list"), {"page_size": 5, "page": 3}).json()
    everything = client.get(_url("matter-list")).json()["results"]

    assert [item["id"] for item in first_page["results"]] == [item["id"] for item in everything[:5]]
    assert [item["id"] for item in third_page["results"]] == [
        item["id"] for item in everything[10:]
    ]
    assert third_page["next"] is None


def test_matter_detail_shows_the_matter(client: Client, justice_matter: Matter) -> None:
    body = client.get(_url("matter-detail", pk=justice_matter.pk)).json()

    assert body == {
        "id": justice_matter.pk,
        "code": justice_matter.code,
        "name_zh": justice_matter.name_zh,
        "name_en": justice_matter.name_en,
        "kind": "power",
        "matter_type": "licensing",
        "competent_department": "justice",
        "legal_basis": "",
        "parent": None,
        "is_illustrative": False,
        "source": "",
    }


# Create -----------------------------------------------------------------------------------------


def test_matter_post_for_justice_is_allowed_to_office_and_justice(
    client: Client,
    personas: dict[str, User | None],
    justice: Department,
    office_user: User,
    department_user: User,
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        _url("matter-list"),
        allowed={"office", "department"},
        allowed_status=201,
        anonymous_status=401,
        data=_matter_payload(justice, code=""),
        content_type=JSON,
    )

    created = Matter.objects.filter(name_zh="新增事项").order_by("pk")
    assert [matter.competent_department for matter in created] == [justice, justice]
    assert [matter.history.get().history_user for matter in created] == [
        office_user,
        department_user,
    ]


def test_department_creates_a_matter_for_itself(
    client: Client, department_user: User, justice: Department
) -> None:
    client.force_login(department_user)

    response = client.post(_url("matter-list"), _matter_payload(justice), content_type=JSON)

    assert response.status_code == 201
    matter = Matter.objects.get(code="511A9999999999")
    assert response.json()["id"] == matter.pk
    assert (matter.competent_department, matter.matter_type) == (justice, matter_type())
    created = matter.history.get()
    assert (created.history_type, created.history_user, created.history_change_reason) == (
        "+",
        department_user,
        "Added for the 2025 list",
    )
    event = AuditEvent.objects.get(action="matter.created")
    assert (event.actor, event.target_id) == (department_user, str(matter.pk))


def test_department_may_not_create_a_matter_for_another_department(
    client: Client, department_user: User, finance: Department
) -> None:
    client.force_login(department_user)

    response = client.post(_url("matter-list"), _matter_payload(finance), content_type=JSON)

    assert response.status_code == 403
    assert response.json() == {
        "code": "not_allowed",
        "detail": _in_api_language("You may add matters only for your own department."),
    }
    assert Matter.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"matter_type": None}, "type_required"),
        ({"kind": "support", "code": ""}, "type_not_allowed"),
    ],
)
def test_matter_post_with_inconsistent_type_writes_nothing(
    client: Client,
    department_user: User,
    justice: Department,
    changes: dict[str, Any],
    code: str,
) -> None:
    client.force_login(department_user)

    response = client.post(
        _url("matter-list"), _matter_payload(justice, **changes), content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert Matter.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_matter_post_with_a_taken_code_is_a_duplicate(
    client: Client, department_user: User, justice_matter: Matter, justice: Department
) -> None:
    client.force_login(department_user)

    response = client.post(
        _url("matter-list"), _matter_payload(justice, code=justice_matter.code), content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == "duplicate"
    assert list(Matter.objects.all()) == [justice_matter]


def test_matter_post_by_an_anonymous_visitor_is_refused(
    client: Client, justice: Department
) -> None:
    response = client.post(_url("matter-list"), _matter_payload(justice), content_type=JSON)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert Matter.objects.count() == 0


# Patch ------------------------------------------------------------------------------------------


def test_matter_patch_is_allowed_to_office_and_the_owning_department(
    client: Client, personas: dict[str, User | None], justice_matter: Matter
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "patch",
        _url("matter-detail", pk=justice_matter.pk),
        allowed={"office", "department"},
        allowed_status=200,
        anonymous_status=401,
        data={"legal_basis": "《中华人民共和国律师法》", "reason": "Legal basis found"},
        content_type=JSON,
        headers={"If-Match": "*"},
    )

    justice_matter.refresh_from_db()
    assert justice_matter.legal_basis == "《中华人民共和国律师法》"


def test_department_patches_its_own_matter_with_history(
    client: Client, department_user: User, justice_matter: Matter
) -> None:
    client.force_login(department_user)

    response = client.patch(
        _url("matter-detail", pk=justice_matter.pk),
        {"name_en": "Approval of law firms", "reason": "English name added"},
        content_type=JSON,
        headers=if_match(justice_matter),
    )

    assert response.status_code == 200
    assert response.json()["name_en"] == "Approval of law firms"
    justice_matter.refresh_from_db()
    assert justice_matter.name_en == "Approval of law firms"
    latest = justice_matter.history.latest()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        department_user,
        "English name added",
    )
    event = AuditEvent.objects.get(action="matter.updated")
    assert (event.actor, event.target_id, event.reason) == (
        department_user,
        str(justice_matter.pk),
        "English name added",
    )


def test_department_may_not_patch_another_departments_matter(
    client: Client, department_user: User, finance_matter: Matter
) -> None:
    history_before = finance_matter.history.count()
    client.force_login(department_user)

    response = client.patch(
        _url("matter-detail", pk=finance_matter.pk),
        {"name_zh": "被改名的事项"},
        content_type=JSON,
        headers=if_match(finance_matter),
    )

    assert response.status_code == 403
    assert response.json() == {
        "code": "not_allowed",
        "detail": _in_api_language("You may change only the matters of your own department."),
    }
    finance_matter.refresh_from_db()
    assert finance_matter.name_zh == "非营利组织免税资格认定"
    assert finance_matter.history.count() == history_before
    assert AuditEvent.objects.count() == 0


def test_department_may_not_hand_its_matter_to_another_department(
    client: Client, department_user: User, justice_matter: Matter, finance: Department
) -> None:
    client.force_login(department_user)

    response = client.patch(
        _url("matter-detail", pk=justice_matter.pk),
        {"competent_department": finance.code},
        content_type=JSON,
        headers=if_match(justice_matter),
    )

    assert response.status_code == 403
    assert (response.json()["code"], response.json()["field"]) == (
        "not_allowed",
        "competent_department",
    )
    justice_matter.refresh_from_db()
    assert justice_matter.competent_department_id == department_user.department_id
    assert AuditEvent.objects.count() == 0


def test_matter_patch_without_a_change_leaves_no_history(
    client: Client, department_user: User, justice_matter: Matter
) -> None:
    history_before = justice_matter.history.count()
    client.force_login(department_user)

    response = client.patch(
        _url("matter-detail", pk=justice_matter.pk),
        {"name_zh": justice_matter.name_zh},
        content_type=JSON,
        headers=if_match(justice_matter),
    )

    assert response.status_code == 200
    assert justice_matter.history.count() == history_before
    assert AuditEvent.objects.count() == 0


def test_matter_put_is_not_offered(
    client: Client, other_department_user: User, justice_matter: Matter
) -> None:
    client.force_login(other_department_user)

    response = client.put(
        _url("matter-detail", pk=justice_matter.pk), {"name_zh": "被改名的事项"}, content_type=JSON
    )

    assert response.status_code == 405
    justice_matter.refresh_from_db()
    assert justice_matter.name_zh == "律师事务所设立审批"


def test_matters_cannot_be_deleted_through_the_api(
    client: Client, office_user: User, justice_matter: Matter
) -> None:
    client.force_login(office_user)

    response = client.delete(_url("matter-detail", pk=justice_matter.pk))

    assert response.status_code == 405
    assert Matter.objects.filter(pk=justice_matter.pk).exists() is True


# Optimistic concurrency: ETag out, If-Match in --------------------------------------------------


def test_a_patch_with_a_stale_if_match_is_refused_with_what_changed(
    client: Client, department_user: User, office_user: User, justice_matter: Matter
) -> None:
    detail = _url("matter-detail", pk=justice_matter.pk)
    client.force_login(office_user)
    seen = client.get(detail)["ETag"]
    other = Client()
    other.force_login(department_user)
    first = other.patch(
        detail, {"name_en": "Approval of law firms"}, content_type=JSON, headers={"If-Match": seen}
    )
    assert first.status_code == 200
    assert first["ETag"] != seen

    stale = client.patch(
        detail,
        {"legal_basis": "Lawyers Law, art. 18"},
        content_type=JSON,
        headers={"If-Match": seen},
    )

    assert stale.status_code == 412
    body = stale.json()
    assert (body["code"], body["changed_by"], body["version"]) == (
        "stale",
        department_user.username,
        first["ETag"].strip('"'),
    )
    assert body["changes"] == [
        {
            "field": "name_en",
            "before": justice_matter.name_en or "—",
            "after": "Approval of law firms",
        }
    ]
    justice_matter.refresh_from_db()
    assert justice_matter.legal_basis != "Lawyers Law, art. 18"
    assert AuditEvent.objects.filter(action="matter.updated").count() == 1


def test_a_patch_with_the_current_etag_or_a_star_goes_through(
    client: Client, office_user: User, justice_matter: Matter
) -> None:
    detail = _url("matter-detail", pk=justice_matter.pk)
    client.force_login(office_user)
    current = client.get(detail)["ETag"]

    checked = client.patch(
        detail, {"name_en": "Law firms"}, content_type=JSON, headers={"If-Match": current}
    )
    unconditional = client.patch(
        detail, {"legal_basis": "Lawyers Law"}, content_type=JSON, headers={"If-Match": "*"}
    )

    assert (checked.status_code, unconditional.status_code) == (200, 200)
    assert unconditional["ETag"] == client.get(detail)["ETag"]


def test_a_patch_without_if_match_is_refused_and_saves_nothing(
    client: Client, office_user: User, justice_matter: Matter
) -> None:
    client.force_login(office_user)

    response = client.patch(
        _url("matter-detail", pk=justice_matter.pk), {"name_en": "Law firms"}, content_type=JSON
    )

    assert response.status_code == 428
    assert response.json()["code"] == "version_required"
    assert Matter.objects.get(pk=justice_matter.pk).name_en == justice_matter.name_en
    assert AuditEvent.objects.count() == 0


def test_a_caller_who_may_not_change_the_matter_learns_nothing_of_its_version(
    client: Client, department_user: User, finance_matter: Matter
) -> None:
    client.force_login(department_user)
    detail = _url("matter-detail", pk=finance_matter.pk)

    stale = client.patch(
        detail, {"name_zh": "改"}, content_type=JSON, headers={"If-Match": '"999999"'}
    )
    bare = client.patch(detail, {"name_zh": ""}, content_type=JSON)

    assert (stale.status_code, bare.status_code) == (403, 403)
    assert "changed_by" not in stale.json()


def test_the_version_is_checked_before_the_body(
    client: Client, office_user: User, justice_matter: Matter
) -> None:
    client.force_login(office_user)

    response = client.patch(
        _url("matter-detail", pk=justice_matter.pk),
        {"kind": "not-a-kind"},
        content_type=JSON,
        headers={"If-Match": '"999999"'},
    )

    assert response.status_code == 412
    assert response.json()["code"] == "stale"
