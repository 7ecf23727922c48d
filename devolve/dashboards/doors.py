"""How staff pages meet forms: a service's refusal shown on the form. Shared by every dashboards
view module; the door check itself is ``devolve.core.access.requires``."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

from devolve.core.errors import DomainError, NotAllowed


def submitted(request: HttpRequest, form: BaseForm) -> bool:
    return request.method == "POST" and form.is_valid()


@contextmanager
def errors_shown_on(form: BaseForm) -> Iterator[None]:
    """Show a service's refusal beside the field it names, else above the form; a refusal of the
    actor (``NotAllowed``) still answers 403."""
    try:
        yield
    except NotAllowed:
        raise
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))


def data_of(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def to_the_list(request: HttpRequest, name: str) -> HttpResponseRedirect:
    """The list page ``name`` with the request's filters, sort and page (its query string).

    A bulk action answers its POST at its own address; a refused one shows the list there, so
    a filter, sort or page link followed from it (a GET) is sent back to the list itself."""
    query = request.GET.urlencode()
    return redirect(reverse(f"dashboards:{name}") + (f"?{query}" if query else ""))
