"""Search across kinds: ranked, filtered by type, paginated in SQL, published data for the
public and the user's scope for staff; the public and staff pages answer bad input clearly."""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries
from pytest_django.asserts import assertContains, assertNotContains

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.search import parse_query
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.grants.tests.factories import EntrustmentAgreementFactory, GrantFactory
from devolve.matters.models import AnnualList, Department, Matter
from devolve.matters.tests.factories import DepartmentFactory, MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory
from devolve.regions.models import Zone
from devolve.regions.tests.factories import ZoneFactory
from devolve.search.results import PER_PAGE, search

LAW_FIRMS = "律师事务所及分支机构设立、变更、注销审批"


@dataclass
class Catalogue:
    justice: Department
    law_firms: Matter
    branch: Matter
    legal_aid: Matter
    tianfu: Zone
    published: AnnualList
    draft: AnnualList
    agreement: EntrustmentAgreement
    filing: Grant


@pytest.fixture
def catalogue(db: None) -> Catalogue:
    justice = DepartmentFactory(
        code="justice-dept", name_zh="四川省司法厅", name_en="Department of Justice"
    )
    law_firms = MatterFactory(
        name_zh=LAW_FIRMS, name_en="Approval of law firms", competent_department=justice
    )
    branch = MatterFactory(name_zh="律师事务所", name_en="Law firm", competent_department=justice)
    legal_aid = MatterFactory(
        name_zh="法律援助机构设立",
        name_en="Legal aid",
        legal_basis="《中华人民共和国律师法》",
        competent_department=justice,
    )
    tianfu = ZoneFactory(slug="tianfu-test", name_zh="天府新区", name_en="Tianfu New Area")
    published = AnnualListFactory(
        year=2024, published=True, title_zh="2024年清单", document_number="川改办〔2024〕3号"
    )
    draft = AnnualListFactory(
        year=2025,
        batch=published.batch,
        title_zh="2025年清单草案",
        document_number="川改办〔2025〕草",
    )
    entry = ListEntryFactory(annual_list=published, matter=law_firms)
    grant = GrantFactory(entry=entry, zone=tianfu, awaiting_agreement=False)
    agreement = EntrustmentAgreementFactory(
        grant=grant, number="川司委〔2024〕7号", entrusted_body="天府新区管委会"
    )
    filing = GrantFactory(
        entry=ListEntryFactory(annual_list=published, matter=legal_aid),
        zone=tianfu,
        supervision_document="川司备〔2024〕12号",
    )
    return Catalogue(
        justice, law_firms, branch, legal_aid, tianfu, published, draft, agreement, filing
    )


def _keys(text: str, **options: object) -> list[tuple[str, str]]:
    results = search(parse_query(text), **options)
    return [(result.kind, result.key) for result in results.results]


def test_ranks_exact_title_then_prefix_then_contained_then_another_column(
    catalogue: Catalogue,
) -> None:
    assert _keys("律师事务所") == [
        ("matter", catalogue.branch.key),  # the whole title
        ("matter", catalogue.law_firms.key),  # the title starts with it
    ]
    assert _keys("律师") == [
        ("matter", catalogue.branch.key),  # starts with it, shorter
        ("matter", catalogue.law_firms.key),
        ("matter", catalogue.legal_aid.key),  # only in the legal basis
    ]


def test_finds_each_kind_in_both_languages(catalogue: Catalogue) -> None:
    assert _keys("司法厅") == [("department", "justice-dept")]
    assert _keys("justice") == [("department", "justice-dept")]
    assert _keys("tianfu new") == [("area", "tianfu-test")]
    assert _keys("天府") == [
        ("area", "tianfu-test"),
        ("document", catalogue.agreement.number),  # found by its entrusted body
    ]
    assert _keys("川改办〔2024") == [("edition", catalogue.published.key)]
    assert _keys("川司备") == [("document", "川司备〔2024〕12号")]


def test_type_filter_keeps_one_kind_but_counts_them_all(catalogue: Catalogue) -> None:
    results = search(parse_query("天府"), kinds=["document"])
    assert [result.kind for result in results.results] == ["document"]
    assert results.counts == {"matter": 0, "area": 1, "edition": 0, "department": 0, "document": 1}


def test_public_search_never_shows_drafts(catalogue: Catalogue, office_user: User) -> None:
    assert _keys("川改办〔2025") == []
    assert _keys("2025年清单") == []
    assert _keys("川改办〔2025", user=office_user) == [("edition", catalogue.draft.key)]


def test_staff_see_the_documents_of_their_scope_only(
    catalogue: Catalogue, pilot_area_user: User, office_user: User
) -> None:
    assert _keys("川司委", user=office_user) == [("document", catalogue.agreement.number)]
    assert _keys("川司委", user=pilot_area_user) == []
    staff = search(parse_query("川司委"), user=office_user).results[0]
    assert staff.staff_url == reverse(
        "dashboards:grant_detail", kwargs={"pk": catalogue.agreement.grant_id}
    )


def test_pages_are_ranked_in_sql_with_constant_queries(
    catalogue: Catalogue, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    MatterFactory.create_batch(
        PER_PAGE + 5, name_zh="测试律师事项", competent_department=catalogue.justice
    )
    with django_assert_max_num_queries(6):
        first = search(parse_query("律师"), page=1)
    second = search(parse_query("律师"), page=2)
    assert first.page.total == PER_PAGE + 5 + 3
    assert len(first.results) == PER_PAGE
    assert len(second.results) == 8
    assert {result.key for result in first.results}.isdisjoint(
        result.key for result in second.results
    )
    beyond = search(parse_query("律师"), page=99)
    assert beyond.page.number == 2


# The pages ------------------------------------------------------------------------------------


def _url(name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_search_page_lists_hits_with_links(
    client: Client, catalogue: Catalogue, language: str
) -> None:
    response = client.get(_url("portal:search", language), {"q": "律师"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'data-key="([^"]+)"', html) == [
        catalogue.branch.key,
        catalogue.law_firms.key,
        catalogue.legal_aid.key,
    ]
    with translation.override(language):
        assertContains(response, catalogue.law_firms.get_absolute_url())


def test_empty_search_shows_the_form(client: Client, catalogue: Catalogue) -> None:
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get(_url("portal:search"), params)
        assert response.status_code == 200
        assertNotContains(response, 'id="search-results"')


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"q": "律" * 201}, "at most 200 characters"),
        ({"q": "律师", "kind": "secret"}, "not one of the available choices"),
        ({"q": "律师", "page": "0"}, ""),
        ({"q": "律师", "page": "x"}, ""),
    ],
)
def test_bad_input_is_answered_with_400_and_the_reason(
    client: Client, catalogue: Catalogue, params: dict[str, str], error: str
) -> None:
    response = client.get(_url("portal:search"), params)
    assert response.status_code == 400
    assertContains(response, error, status_code=400)
    assertNotContains(response, 'id="search-results"', status_code=400)


@pytest.mark.parametrize(
    "text", ["'; DROP TABLE matters_matter; --", "1' OR '1'='1", "<script>alert(1)</script>"]
)
def test_sql_or_html_like_input_is_just_text(
    client: Client, catalogue: Catalogue, text: str
) -> None:
    response = client.get(_url("portal:search"), {"q": text})
    assert response.status_code == 200
    assertContains(response, 'data-count="0"')
    assertNotContains(response, "<script>alert(1)</script>")
    assert Matter.objects.count() == 3


def test_staff_search_needs_a_sign_in_and_shows_drafts(
    client: Client, catalogue: Catalogue, office_user: User
) -> None:
    url = _url("dashboards:staff_search")
    assert client.get(url, {"q": "2025"}).status_code == 302
    client.force_login(office_user)
    response = client.get(url, {"q": "川改办〔2025"})
    assertContains(response, f'data-key="{catalogue.draft.key}"')
    assertContains(
        response, reverse("dashboards:annual_list_detail", kwargs={"pk": catalogue.draft.pk})
    )


def test_an_edition_links_to_its_staff_page_only_for_those_who_may_open_it(
    catalogue: Catalogue, office_user: User, client: Client
) -> None:
    """A department finds a published edition by its number and is sent to its public page,
    not to the workflow page it would be refused."""
    department_user = UserFactory(role=User.Role.DEPARTMENT, department=catalogue.justice)
    staff_page = reverse("dashboards:annual_list_detail", kwargs={"pk": catalogue.published.pk})
    office = search(parse_query("川改办〔2024"), user=office_user).results[0]
    department = search(parse_query("川改办〔2024"), user=department_user).results[0]
    assert office.staff_url == staff_page
    assert (department.staff_url, department.public_url) == (
        "",
        catalogue.published.get_absolute_url(),
    )
    client.force_login(department_user)
    response = client.get(_url("dashboards:staff_search"), {"q": "川改办〔2024"})
    assertContains(response, catalogue.published.get_absolute_url())
    assertNotContains(response, staff_page)
    assert client.get(staff_page).status_code == 403
