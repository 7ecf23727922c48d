"""How staff pages meet forms: a service's refusal shown on the form, and the one flow of an
action page (``form_step``), of a button that asks nothing (``post_step``), of a bulk action
(``bulk_step``) and of an edit page of formsets (``formset_step``). Shared by every dashboards
view module; the door check itself is ``devolve.core.access.requires``. On all of them a refusal
of the actor (``NotAllowed``) answers 403, as the door does (ADR 0053)."""

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.forms import BaseForm, BaseFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

from devolve.core.bulk import BulkRefused, Refusal
from devolve.core.errors import DomainError, NotAllowed


def submitted(request: HttpRequest, form: BaseForm) -> bool:
    return request.method == "POST" and form.is_valid()


def show_refusal_on(form: BaseForm, error: DomainError) -> None:
    """A service's refusal beside the field it names, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _attempt[T](step: Callable[[], T], refused: Callable[[DomainError], object]) -> tuple[T] | None:
    """Runs ``step`` (the service): what it returned (in a 1-tuple, as a step may return None),
    or None once ``refused`` has shown the service's refusal. A refusal of the actor
    (``NotAllowed``) is not shown: it answers 403, on every action page."""
    try:
        return (step(),)
    except NotAllowed:
        raise
    except DomainError as error:
        refused(error)
        return None


def _say_done[T](request: HttpRequest, done: str | Callable[[T], str] | None, result: T) -> None:
    if done is not None:
        messages.success(request, done(result) if callable(done) else done)


def _run[T](
    request: HttpRequest,
    valid: bool,
    step: Callable[[], T],
    shown: Callable[[DomainError], object],
    done: str | Callable[[T], str] | None,
    then: Callable[[T], HttpResponse],
) -> HttpResponse | None:
    """What every flow does with valid input: runs ``step``, says ``done`` and answers ``then``
    of its result; None when the input was not valid or the service refused (``shown``)."""
    if valid:
        ran = _attempt(step, shown)
        if ran is not None:
            _say_done(request, done, ran[0])
            return then(ran[0])
    return None


def form_step[T](
    request: HttpRequest,
    form: BaseForm,
    step: Callable[[dict[str, Any]], T],
    *,
    done: str | Callable[[T], str] | None,
    then: Callable[[T], HttpResponse],
    page: Callable[[], HttpResponse],
    refused: Callable[[], object] | None = None,
) -> HttpResponse:
    """An action page: a posted, valid ``form`` runs ``step`` (the service, given the form's
    cleaned data), says ``done`` (a sentence, or one made of what the step returned; None when
    the page it answers says what happened) and answers ``then`` of what the step returned. A
    GET, an invalid form or the service's refusal (shown on the form, then ``refused()``: a
    version form shows the current version) answers ``page()``, the form again. A refusal of the
    actor (``NotAllowed``) still answers 403."""

    def shown(error: DomainError) -> None:
        show_refusal_on(form, error)
        if refused is not None:
            refused()

    answered = _run(
        request, submitted(request, form), lambda: step(form.cleaned_data), shown, done, then
    )
    return page() if answered is None else answered


def formset_step[T](
    request: HttpRequest,
    forms: Sequence[BaseForm | BaseFormSet[Any]],
    step: Callable[[], T],
    *,
    done: str,
    then: Callable[[T], HttpResponse],
    page: Callable[[str], HttpResponse],
    refused: Callable[[], object] | None = None,
) -> HttpResponse:
    """An edit page of several forms (a report's figures and its lines, in formsets): posted and
    every one of ``forms`` valid, runs ``step`` (the service, reading their cleaned data), says
    ``done`` and answers ``then`` of what it returned. A GET, an invalid form or the service's
    refusal answers ``page(refusal)``, with the refusal's sentence to show above the forms (empty
    when there is none), after ``refused()`` (the version form shows the current version). A
    refusal of the actor (``NotAllowed``) answers 403, as on every action page."""
    refusals: list[str] = []

    def shown(error: DomainError) -> None:
        refusals.append(str(error.message))
        if refused is not None:
            refused()

    valid = request.method == "POST" and all(form.is_valid() for form in forms)
    answered = _run(request, valid, step, shown, done, then)
    return page(refusals[0] if refusals else "") if answered is None else answered


def post_step[T](
    request: HttpRequest,
    step: Callable[[], T],
    *,
    done: str | Callable[[T], str],
    back: HttpResponse,
) -> HttpResponse:
    """A button on a record's page that asks nothing (its view is POST only): runs ``step``
    (the service) and answers ``back``, the record's page, saying ``done`` or, with no form to
    show it on, the service's refusal as an error message. A refusal of the actor
    (``NotAllowed``) answers 403, as on every action page (``form_step``)."""
    ran = _attempt(step, lambda error: messages.error(request, str(error.message)))
    if ran is not None:
        _say_done(request, done, ran[0])
    return back


def bulk_step(
    request: HttpRequest,
    form: BaseForm,
    act: Callable[[dict[str, Any]], int],
    *,
    done: Callable[[int], str],
    back: str,
    page: Callable[[list[Refusal]], HttpResponse],
) -> HttpResponse:
    """A bulk action (``devolve.core.bulk``) posted from the list page ``back``: a valid ``form``
    runs ``act`` on the chosen rows, all or none. Done, back to the list (``to_the_list``)
    saying ``done`` of how many; refused, ``page`` shows the list again with each row refused
    and why (a row refused to the actor among them), or the service's refusal of the whole
    action on the form. A refusal of the actor for the whole action (``NotAllowed``) answers
    403, as on every action page."""
    refusals: list[Refusal] = []

    def shown(error: DomainError) -> None:
        show_refusal_on(form, error)
        if isinstance(error, BulkRefused):
            refusals.extend(error.refusals)

    answered = _run(
        request,
        form.is_valid(),
        lambda: act(form.cleaned_data),
        shown,
        done,
        lambda _done: to_the_list(request, back),
    )
    return page(refusals) if answered is None else answered


def data_of(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def to_the_list(request: HttpRequest, name: str) -> HttpResponseRedirect:
    """The list page ``name`` with the request's filters, sort and page (its query string).

    A bulk action answers its POST at its own address; a refused one shows the list there, so
    a filter, sort or page link followed from it (a GET) is sent back to the list itself."""
    query = request.GET.urlencode()
    return redirect(reverse(f"dashboards:{name}") + (f"?{query}" if query else ""))
