"""The flows every staff action page, button, bulk page and formset page share
(``dashboards.doors``): what a valid POST, a GET, the service's refusal and a refusal of the
actor each answer. No DB."""

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.forms import CharField, Form, formset_factory
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from devolve.core.bulk import BulkRefused, Refusal
from devolve.core.errors import DomainError, NotAllowed, ValueNotAllowed
from devolve.dashboards.doors import bulk_step, form_step, formset_step, post_step


class NameForm(Form):
    name = CharField()


def _request(method: str, data: dict[str, str] | None = None) -> HttpRequest:
    factory = RequestFactory()
    request = (
        factory.post("/x/?status=open", data or {}) if method == "POST" else factory.get("/x/")
    )
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request: HttpRequest) -> list[str]:
    return [str(message) for message in get_messages(request)]


def _page(form: Form) -> HttpResponse:
    return HttpResponse(f"form {form.errors.as_text()}")


def _step_on(method: str, data: dict[str, str], step: Any) -> tuple[HttpRequest, HttpResponse]:
    request = _request(method, data)
    form = NameForm(data if method == "POST" else None)
    response = form_step(
        request,
        form,
        step,
        done="Done.",
        then=lambda result: HttpResponse(f"then {result}", status=302),
        page=lambda: _page(form),
    )
    return request, response


def test_a_valid_post_runs_the_step_says_so_and_answers_then() -> None:
    request, response = _step_on("POST", {"name": "Ya'an"}, lambda data: data["name"].upper())
    assert (response.status_code, response.content) == (302, b"then YA'AN")
    assert _said(request) == ["Done."]


def test_a_get_or_an_invalid_form_shows_the_form_and_runs_nothing() -> None:
    ran: list[object] = []
    for method, data in (("GET", {}), ("POST", {"name": ""})):
        request, response = _step_on(method, data, ran.append)
        assert response.status_code == 200
        assert _said(request) == []
    assert ran == []


def test_the_services_refusal_shows_on_the_field_it_names() -> None:
    def refuse(data: dict[str, Any]) -> None:
        raise DomainError("taken", "That name is taken.", field="name")

    request, response = _step_on("POST", {"name": "Ya'an"}, refuse)
    assert response.status_code == 200
    assert b"That name is taken." in response.content
    assert _said(request) == []


def test_a_refusal_of_the_actor_stays_a_403() -> None:
    def refuse(data: dict[str, Any]) -> None:
        raise NotAllowed("Not yours.")

    with pytest.raises(NotAllowed):
        _step_on("POST", {"name": "Ya'an"}, refuse)


def test_a_value_outside_the_actors_scope_shows_on_its_field_not_as_a_403() -> None:
    """The actor may make the change, only not with this value: a refusal of what was asked,
    which the actor can correct on the form (ADR 0053)."""

    def refuse(data: dict[str, Any]) -> None:
        raise ValueNotAllowed("Not that one.", field="name")

    request, response = _step_on("POST", {"name": "Ya'an"}, refuse)
    assert response.status_code == 200
    assert response.content.decode() == "form * name\n  * Not that one."
    assert _said(request) == []


def _button(step: Any) -> tuple[HttpRequest, HttpResponse]:
    request = _request("POST")
    back = HttpResponse("the record's page", status=302)
    response = post_step(request, step, done=lambda result: f"Made {result}.", back=back)
    assert response is back
    return request, response


def test_a_button_runs_the_step_says_so_and_goes_back() -> None:
    request, _ = _button(lambda: "Ya'an")
    assert _said(request) == ["Made Ya'an."]


def test_a_buttons_refusal_is_said_on_the_records_page() -> None:
    def refuse() -> None:
        raise DomainError("illegal_transition", "Not while it is open.")

    request, _ = _button(refuse)
    assert _said(request) == ["Not while it is open."]
    assert [message.level_tag for message in get_messages(request)] == ["error"]


def test_a_button_refused_to_the_actor_is_a_403_as_on_a_form() -> None:
    """A refusal of the actor is not said on the record's page: it answers 403 on every action,
    a button as a form page (ADR 0053)."""

    def refuse() -> None:
        raise NotAllowed("Not yours.")

    with pytest.raises(NotAllowed):
        _button(refuse)


def _bulk(act: Any) -> tuple[HttpRequest, HttpResponse, list[list[Refusal]]]:
    request = _request("POST", {"name": "all"})
    form = NameForm(request.POST)
    shown: list[list[Refusal]] = []

    def page(refusals: list[Refusal]) -> HttpResponse:
        shown.append(refusals)
        return _page(form)

    response = bulk_step(
        request,
        form,
        act,
        done=lambda count: f"{count} changed.",
        back="grant_handover_list",
        page=page,
    )
    return request, response, shown


def test_a_bulk_action_done_goes_back_to_the_list_with_its_filters() -> None:
    request, response, shown = _bulk(lambda data: 3)
    assert response.status_code == 302
    assert response["Location"].endswith("/grants/handovers/?status=open")
    assert _said(request) == ["3 changed."]
    assert shown == []


def test_a_bulk_refusal_shows_the_list_with_each_refused_row() -> None:
    refusal = Refusal(object_id="7", label="Grant 7", code="illegal", message="Not now.")

    refused = BulkRefused([refusal])

    def refuse(data: dict[str, Any]) -> int:
        raise refused

    request, response, shown = _bulk(refuse)
    assert response.status_code == 200
    assert shown == [[refusal]]
    assert str(refused.message) in response.content.decode()
    assert _said(request) == []


def test_a_refusal_of_the_whole_bulk_action_shows_on_the_form() -> None:
    def refuse(data: dict[str, Any]) -> int:
        raise DomainError("reason_required", "Say why.", field="name")

    _, response, shown = _bulk(refuse)
    assert response.status_code == 200
    assert b"Say why." in response.content
    assert shown == [[]]


def test_a_bulk_action_refused_to_the_actor_is_a_403_as_on_a_form() -> None:
    def refuse(data: dict[str, Any]) -> int:
        raise NotAllowed("Not yours.")

    with pytest.raises(NotAllowed):
        _bulk(refuse)


def _flow(data: dict[str, str], step: Any, **options: Any) -> tuple[HttpRequest, HttpResponse]:
    request = _request("POST", data)
    form = NameForm(request.POST)
    options = {"done": "Done.", "page": lambda: _page(form), **options}
    response = form_step(
        request, form, step, then=lambda result: HttpResponse(status=302), **options
    )
    return request, response


@pytest.mark.parametrize(
    ("done", "said"), [(lambda result: f"Made {result}.", ["Made Ya'an."]), (None, [])]
)
def test_a_step_may_say_what_it_did_from_its_result_or_say_nothing(
    done: Any, said: list[str]
) -> None:
    request, response = _flow({"name": "Ya'an"}, lambda data: data["name"], done=done)
    assert response.status_code == 302
    assert _said(request) == said


def _refuse_stale(data: dict[str, Any]) -> None:
    raise DomainError("stale", "Someone saved first.")


@pytest.mark.parametrize(
    ("data", "step", "ran"),
    [
        ({"name": "Ya'an"}, _refuse_stale, ["refused", "page"]),
        ({"name": ""}, _refuse_stale, ["page"]),
        ({"name": "Ya'an"}, lambda data: None, []),
    ],
    ids=["refused", "invalid", "done"],
)
def test_refused_runs_after_the_services_refusal_only_before_the_page(
    data: dict[str, str], step: Any, ran: list[str]
) -> None:
    order: list[str] = []

    def page() -> HttpResponse:
        order.append("page")
        return HttpResponse("form")

    _flow(data, step, page=page, refused=lambda: order.append("refused"))
    assert order == ran


NameFormSet = formset_factory(NameForm, extra=0)


def _formset_page(data: dict[str, str], step: Any) -> tuple[HttpRequest, HttpResponse, list[str]]:
    """An edit page of a form and a formset, as a department report's."""
    request = _request("POST", data)
    form = NameForm(request.POST)
    formset = NameFormSet(request.POST, prefix="lines")
    order: list[str] = []

    def page(error: str) -> HttpResponse:
        order.append("page")
        return HttpResponse(f"forms {error}")

    response = formset_step(
        request,
        [form, formset],
        step,
        done="Saved.",
        then=lambda result: HttpResponse(f"then {result}", status=302),
        page=page,
        refused=lambda: order.append("refused"),
    )
    return request, response, order


LINES = {"lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1", "lines-0-name": "Tianfu"}


def test_a_formset_page_valid_throughout_runs_the_step_says_so_and_answers_then() -> None:
    request, response, order = _formset_page({"name": "Ya'an", **LINES}, lambda: "saved")
    assert (response.status_code, response.content) == (302, b"then saved")
    assert _said(request) == ["Saved."]
    assert order == []


def test_a_formset_page_with_an_invalid_line_runs_nothing() -> None:
    ran: list[object] = []
    data = {"name": "Ya'an", **LINES, "lines-0-name": ""}
    request, response, order = _formset_page(data, lambda: ran.append("step"))
    assert (response.status_code, response.content) == (200, b"forms ")
    assert (ran, order, _said(request)) == ([], ["page"], [])


def test_a_formset_pages_refusal_is_shown_above_the_forms_after_refused() -> None:
    def refuse() -> None:
        raise DomainError("stale", "Someone saved first.")

    request, response, order = _formset_page({"name": "Ya'an", **LINES}, refuse)
    assert (response.status_code, response.content) == (200, b"forms Someone saved first.")
    assert order == ["refused", "page"]
    assert _said(request) == []


def test_a_formset_page_refused_to_the_actor_is_a_403() -> None:
    def refuse() -> None:
        raise NotAllowed("Not yours.")

    with pytest.raises(NotAllowed):
        _formset_page({"name": "Ya'an", **LINES}, refuse)
