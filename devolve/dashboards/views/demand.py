"""Staff pages for the demand list: areas file, departments answer or offer, the office decides.

Who sees which items is the selector's business (``list_demand_items_visible_to``); who may file,
answer, offer or decide is the services'. These pages only refuse early (403) the people a
service would refuse anyway, so that nobody fills in a form for nothing.
"""

from collections.abc import Callable
from typing import Any

from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.accounts.permissions import is_department_user, is_office
from devolve.core.access import allows, requires
from devolve.core.errors import NotAllowed
from devolve.core.lists import render_list
from devolve.dashboards.doors import data_of, form_step
from devolve.matters.filters import DemandItemFilter
from devolve.matters.forms import (
    DemandAnswerForm,
    DemandDecisionForm,
    DemandItemForm,
    DemandOfferForm,
    DemandWindowForm,
)
from devolve.matters.models import DemandItem
from devolve.matters.permissions import belongs_to_department
from devolve.matters.selectors import (
    get_demand_item_visible_to,
    list_demand_items_visible_to,
    list_matters_changeable_by,
)
from devolve.matters.services import (
    answer_demand_item,
    decide_demand_item,
    file_demand_item,
    offer_matter,
    open_demand_window,
)
from devolve.matters.tables import DemandItemTable

Role = User.Role
# The roles whose demand list the selector scopes (evaluators have none).
answers_for = is_office | (is_department_user & belongs_to_department)


def _access_demand_item(user: User, pk: int) -> DemandItem:
    """An item ``user`` may see; any other is unknown (404), whoever asks."""
    item = get_demand_item_visible_to(user=user, pk=pk)
    if item is None:
        raise Http404(_("No such demand item."))
    return item


@require_safe
@requires("matters.view_demand")
def demand_item_list(request: HttpRequest) -> HttpResponse:
    """The demand items the user may see, filtered like the API (``DemandItemFilter``)."""
    user = acting_user(request)
    items = list_demand_items_visible_to(user=user)
    filterset = DemandItemFilter(request.GET, queryset=items)
    context = {
        "is_office": is_office(user),
        "is_department": is_department_user(user),
        "files_demands": allows(user, "matters.file_demand"),
    }
    return render_list(
        request,
        table=DemandItemTable(filterset.qs),
        filterset=filterset,
        template="dashboards/demand_item_list.html",
        partial="demand-items-table",
        export_name=_("Demand list"),
        context=context,
    )


def _demand_step(
    request: HttpRequest,
    form: BaseForm,
    step: Callable[[dict[str, Any]], object],
    *,
    done: str,
    title: str,
    button: str,
    item: DemandItem | None = None,
) -> HttpResponse:
    """A demand action (``form_step``): ``step`` calls the service with the form's data. Done,
    back to the demand list; else the form again, about ``item`` when there is one."""
    context = {"form": form, "title": title, "button": button, "item": item}
    return form_step(
        request,
        form,
        step,
        done=done,
        then=lambda _done: redirect("dashboards:demand_item_list"),
        page=lambda: render(request, "dashboards/demand_form.html", context),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_demand")
def demand_window_create(request: HttpRequest) -> HttpResponse:
    return _demand_step(
        request,
        DemandWindowForm(data_of(request)),
        lambda data: open_demand_window(opened_by=acting_user(request), **data),
        done=_("The demand window is open."),
        title=_("Open a demand window"),
        button=_("Open the window"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.file_demand")
def demand_item_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    own_zone = None if is_office(user) else user.zone
    return _demand_step(
        request,
        DemandItemForm(data_of(request), zone=own_zone),
        lambda data: file_demand_item(filed_by=user, **data),
        done=_("The demand was filed."),
        title=_("File a demand"),
        button=_("File the demand"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.answer_demand")
def demand_item_offer(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    return _demand_step(
        request,
        DemandOfferForm(data_of(request), matters=list_matters_changeable_by(user=user)),
        lambda data: offer_matter(offered_by=user, **data),
        done=_("The matter was offered."),
        title=_("Offer a matter"),
        button=_("Offer the matter"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.answer_demand")
def demand_item_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    item = _access_demand_item(user, pk)
    if not answers_for(user, item.department):
        raise NotAllowed(_("Only the competent department answers this demand."))
    return _demand_step(
        request,
        DemandAnswerForm(data_of(request)),
        lambda data: answer_demand_item(item=item, answered_by=user, **data),
        done=_("Your answer was recorded."),
        title=_("Answer the demand"),
        button=_("Send the answer"),
        item=item,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_demand")
def demand_item_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    item = _access_demand_item(user, pk)
    return _demand_step(
        request,
        DemandDecisionForm(data_of(request), item=item),
        lambda data: decide_demand_item(item=item, decided_by=user, **data),
        done=_("The decision was recorded."),
        title=_("Decide on the demand"),
        button=_("Record the decision"),
        item=item,
    )


urlpatterns: list[URLPattern] = [
    path("demand-items/", demand_item_list, name="demand_item_list"),
    path("demand-windows/new/", demand_window_create, name="demand_window_create"),
    path("demand-items/new/", demand_item_create, name="demand_item_create"),
    path("demand-offers/new/", demand_item_offer, name="demand_item_offer"),
    path("demand-items/<int:pk>/answer/", demand_item_answer, name="demand_item_answer"),
    path("demand-items/<int:pk>/decide/", demand_item_decide, name="demand_item_decide"),
]
