"""Staff pages for drafting, reviewing, approving and publishing annual list editions.

The reform office does the list work; auditors read editions. Each action page is one form and
one service; the services decide what is allowed and their refusals show beside the field at
fault, or above the form.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.forms import BaseForm, Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRefresh

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.access import requires
from devolve.core.forms import VersionForm
from devolve.core.lists import BACK_PARAMETER, render_list, return_address
from devolve.dashboards.doors import data_of, form_step
from devolve.grants.forms import AnnualListPublishForm, PublicationDayForm
from devolve.grants.publication import plan_publication
from devolve.grants.selectors import latest_publication, list_grant_links
from devolve.grants.services import queue_publication
from devolve.matters.filters import AnnualListFilter, ListEntryFilter
from devolve.matters.forms import (
    AnnualListApproveForm,
    AnnualListDeriveForm,
    AnnualListForm,
    AnnualListTitleForm,
    ListEntryForm,
    ListEntryUpdateForm,
    ReasonForm,
)
from devolve.matters.models import AnnualList, ListEntry
from devolve.matters.permissions import DERIVE, EDIT_ENTRIES, edition_actions
from devolve.matters.selectors import (
    count_entries,
    get_annual_list_by_pk,
    get_entry_of,
    list_annual_lists,
    list_entries_by_section,
)
from devolve.matters.services import (
    add_list_entry,
    approve_annual_list,
    create_annual_list,
    derive_annual_list,
    remove_list_entry,
    retitle_annual_list,
    return_annual_list_to_draft,
    submit_annual_list_for_review,
    update_list_entry,
    withdraw_list_entry,
)
from devolve.matters.tables import StaffAnnualListTable, StaffListEntryTable

# Reads ------------------------------------------------------------------------------------------

# The part of an edition's page that shows a publication under way; it polls itself.
PUBLICATION_REGION = "publication-progress"


def _access_annual_list(pk: int) -> AnnualList:
    annual_list = get_annual_list_by_pk(pk=pk)
    if annual_list is None:
        raise Http404(_("No such edition."))
    return annual_list


def _access_entry(annual_list: AnnualList, entry_pk: int) -> ListEntry:
    entry = get_entry_of(annual_list=annual_list, pk=entry_pk)
    if entry is None:
        raise Http404(_("No such entry in this edition."))
    return entry


@dataclass(frozen=True)
class EditionActions:
    """What the edition's page offers: ``matters.permissions.edition_actions``, from the lifecycle
    the services also follow."""

    edit_entries: bool
    submit: bool
    return_to_draft: bool
    approve: bool
    publish: bool
    derive: bool

    @classmethod
    def of(cls, annual_list: AnnualList, user: User) -> "EditionActions":
        offered = edition_actions(user, annual_list)
        return cls(
            edit_entries=EDIT_ENTRIES in offered,
            submit="submit" in offered,
            return_to_draft="return" in offered,
            approve="approve" in offered,
            publish="publish" in offered,
            derive=DERIVE in offered,
        )


def _action_page(
    request: HttpRequest, annual_list: AnnualList, form: BaseForm, *, title: str, button: str
) -> HttpResponse:
    context = {"annual_list": annual_list, "form": form, "title": title, "button": button}
    return render(request, "dashboards/annual_list_action.html", context)


def _to_edition(annual_list: AnnualList) -> HttpResponse:
    return redirect("dashboards:annual_list_detail", pk=annual_list.pk)


def _place_of(request: HttpRequest, entry: ListEntry, *, anchor: str = "") -> str:
    """The edition's page as the reader left it (page, sort, filters), at ``entry``'s row or at
    ``anchor``."""
    return return_address(
        reverse("dashboards:annual_list_detail", kwargs={"pk": entry.annual_list_id}),
        back=request.GET.get(BACK_PARAMETER, ""),
        anchor=anchor or f"entry-{entry.pk}",
    )


# Editions ---------------------------------------------------------------------------------------


@require_safe
@requires("matters.view_list_workflow")
def annual_list_list(request: HttpRequest) -> HttpResponse:
    """Every edition, drafts included, filtered as ``/api/v1/annual-lists/`` filters them."""
    filterset = AnnualListFilter(request.GET, queryset=list_annual_lists())
    return render_list(
        request,
        table=StaffAnnualListTable(filterset.qs),
        filterset=filterset,
        template="dashboards/annual_list_list.html",
        partial="annual-lists-table",
        export_name=_("Annual list editions"),
        context={"can_draft": is_office(acting_user(request))},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def annual_list_create(request: HttpRequest) -> HttpResponse:
    form = AnnualListForm(data_of(request))
    return form_step(
        request,
        form,
        lambda data: create_annual_list(created_by=acting_user(request), **data),
        done=_("The draft edition was started."),
        then=_to_edition,
        page=lambda: render(request, "dashboards/annual_list_form.html", {"form": form}),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def annual_list_derive(request: HttpRequest, pk: int) -> HttpResponse:
    predecessor = _access_annual_list(pk)
    form = AnnualListDeriveForm.after(predecessor, data_of(request))
    return form_step(
        request,
        form,
        lambda data: derive_annual_list(
            predecessor=predecessor, created_by=acting_user(request), **data
        ),
        done=_("The new draft carries the edition's entries forward."),
        then=_to_edition,
        page=lambda: _action_page(
            request,
            predecessor,
            form,
            title=_("Derive a new edition from %(list)s") % {"list": predecessor},
            button=_("Derive the edition"),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def annual_list_retitle(request: HttpRequest, pk: int) -> HttpResponse:
    annual_list = _access_annual_list(pk)
    form = AnnualListTitleForm.for_edition(annual_list, data_of(request))
    version_form = VersionForm.for_record(annual_list, data_of(request))
    context = {"annual_list": annual_list, "form": form, "version_form": version_form}
    context |= {"title": _("Change the title"), "button": _("Save the title")}
    return form_step(
        request,
        form,
        lambda data: retitle_annual_list(
            annual_list=annual_list,
            updated_by=acting_user(request),
            expected_version=version_form.expected_version(),
            **data,
        ),
        done=_("The edition's title was changed."),
        then=lambda _done: _to_edition(annual_list),
        page=lambda: render(request, "dashboards/annual_list_action.html", context),
        refused=lambda: version_form.show_current(annual_list),
    )


@require_safe
@requires("matters.view_list_workflow")
def annual_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    annual_list = _access_annual_list(pk)
    publication = latest_publication(annual_list=annual_list)
    if getattr(getattr(request, "htmx", None), "target", None) == PUBLICATION_REGION:
        if publication is None or publication.is_finished:
            return HttpResponseClientRefresh()  # the edition's status and actions change too
        return render(
            request,
            f"dashboards/annual_list_detail.html#{PUBLICATION_REGION}",
            {"annual_list": annual_list, "publication": publication},
        )
    entries = list_entries_by_section(annual_list=annual_list)
    filterset = ListEntryFilter(request.GET, queryset=entries)
    context = {
        "annual_list": annual_list,
        "counts": count_entries(annual_list=annual_list),
        "actions": EditionActions.of(annual_list, acting_user(request)),
        "publication": publication,
        "publishing": publication is not None and not publication.is_finished,
    }
    return render_list(
        request,
        table=StaffListEntryTable(filterset.qs, grant_links=list_grant_links),
        filterset=filterset,
        template="dashboards/annual_list_detail.html",
        partial="entries-table",
        export_name=annual_list.key.replace("/", "-"),
        context=context,
    )


def _edition_step(
    request: HttpRequest,
    pk: int,
    form_class: Callable[[Any], BaseForm],
    step: Callable[[AnnualList, User, dict[str, Any]], object],
    *,
    done: str,
    title: str,
    button: str,
) -> HttpResponse:
    """A step of an edition's workflow (``form_step``): ``step`` calls the service with the
    edition, the actor and the form's data; ``title`` names the edition as ``%(list)s``. Done,
    back to the edition's page; else the form again."""
    annual_list = _access_annual_list(pk)
    form = form_class(data_of(request))
    return form_step(
        request,
        form,
        lambda data: step(annual_list, acting_user(request), data),
        done=done,
        then=lambda _done: _to_edition(annual_list),
        page=lambda: _action_page(
            request, annual_list, form, title=title % {"list": annual_list}, button=button
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def annual_list_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edition_step(
        request,
        pk,
        Form,  # asks for nothing; it carries the service's refusal
        lambda annual_list, user, _data: submit_annual_list_for_review(
            annual_list=annual_list, submitted_by=user
        ),
        done=_("The edition is in review."),
        title=_("Submit %(list)s for review"),
        button=_("Submit for review"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def annual_list_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _edition_step(
        request,
        pk,
        ReasonForm,
        lambda annual_list, user, data: return_annual_list_to_draft(
            annual_list=annual_list, returned_by=user, **data
        ),
        done=_("The edition is a draft again."),
        title=_("Return %(list)s to draft"),
        button=_("Return to draft"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def annual_list_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _edition_step(
        request,
        pk,
        AnnualListApproveForm,
        lambda annual_list, user, data: approve_annual_list(
            annual_list=annual_list, approved_by=user, **data
        ),
        done=_("The edition is approved."),
        title=_("Record the approval of %(list)s"),
        button=_("Approve"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def annual_list_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of what publishing does on a day, then the confirmed publication."""
    annual_list = _access_annual_list(pk)
    day = PublicationDayForm(request.POST if request.method == "POST" else request.GET)
    published_on = day.cleaned_data["published_on"] if day.is_valid() else timezone.localdate()
    plan = plan_publication(annual_list, published_on=published_on)
    form = AnnualListPublishForm(
        data_of(request),
        regrants=plan.regrants,
        initial={"published_on": published_on, "preview": plan.fingerprint},
        auto_id="publish_%s",  # the day picker above owns id_published_on
    )

    def page() -> HttpResponse:
        context = {
            "annual_list": annual_list,
            "plan": plan,
            "day": PublicationDayForm(initial={"published_on": published_on}),
            "form": form,
            "offered": EditionActions.of(annual_list, acting_user(request)).publish,
        }
        return render(request, "dashboards/annual_list_publish.html", context)

    return form_step(
        request,
        form,
        lambda _data: queue_publication(
            annual_list=annual_list, published_by=acting_user(request), **form.service_arguments()
        ),
        done=_("Publishing has started; this page shows its progress and outcome."),
        then=lambda _done: _to_edition(annual_list),
        page=page,
    )


# Entries ----------------------------------------------------------------------------------------


def _entry_page(
    request: HttpRequest,
    entry: ListEntry,
    form: BaseForm,
    *,
    title: str,
    button: str,
    version_form: VersionForm | None = None,
) -> HttpResponse:
    context = {"entry": entry, "annual_list": entry.annual_list, "form": form}
    context |= {"version_form": version_form, "back": _place_of(request, entry)}
    context |= {"title": title, "button": button}
    return render(request, "dashboards/list_entry_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def list_entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    annual_list = _access_annual_list(pk)
    form = ListEntryForm(data_of(request), annual_list=annual_list)
    context = {"annual_list": annual_list, "form": form, "entry": None}
    context |= {"title": _("Add a matter"), "button": _("Add the matter")}
    return form_step(
        request,
        form,
        lambda data: add_list_entry(annual_list=annual_list, added_by=acting_user(request), **data),
        done=_("The matter was added to the edition."),
        then=lambda _done: _to_edition(annual_list),
        page=lambda: render(request, "dashboards/list_entry_form.html", context),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def list_entry_update(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = _access_entry(_access_annual_list(pk), entry_pk)
    form = ListEntryUpdateForm.for_entry(entry, data_of(request))
    version_form = VersionForm.for_record(entry, data_of(request))
    return form_step(
        request,
        form,
        lambda data: update_list_entry(
            entry=entry,
            updated_by=acting_user(request),
            expected_version=version_form.expected_version(),
            **data,
        ),
        done=_("The entry was changed."),
        then=lambda _done: redirect(_place_of(request, entry)),
        page=lambda: _entry_page(
            request,
            entry,
            form,
            title=_("Change %(entry)s") % {"entry": entry},
            button=_("Save the entry"),
            version_form=version_form,
        ),
        refused=lambda: version_form.show_current(entry),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def list_entry_withdraw(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = _access_entry(_access_annual_list(pk), entry_pk)
    form = ReasonForm(data_of(request))
    return form_step(
        request,
        form,
        lambda data: withdraw_list_entry(entry=entry, withdrawn_by=acting_user(request), **data),
        done=_("The matter is withdrawn from the edition."),
        then=lambda _done: redirect(_place_of(request, entry)),
        page=lambda: _entry_page(
            request,
            entry,
            form,
            title=_("Withdraw %(entry)s") % {"entry": entry},
            button=_("Withdraw the matter"),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def list_entry_remove(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = _access_entry(_access_annual_list(pk), entry_pk)
    form = ReasonForm(data_of(request))
    # The row is gone once removed: back to the same page of the list.
    place = _place_of(request, entry, anchor="entries-table")
    return form_step(
        request,
        form,
        lambda data: remove_list_entry(entry=entry, removed_by=acting_user(request), **data),
        done=_("The matter was removed from the draft."),
        then=lambda _done: redirect(place),
        page=lambda: _entry_page(
            request,
            entry,
            form,
            title=_("Remove %(entry)s") % {"entry": entry},
            button=_("Remove the matter"),
        ),
    )


urlpatterns: list[URLPattern] = [
    path("annual-lists/", annual_list_list, name="annual_list_list"),
    path("annual-lists/new/", annual_list_create, name="annual_list_create"),
    path("annual-lists/<int:pk>/", annual_list_detail, name="annual_list_detail"),
    path("annual-lists/<int:pk>/derive/", annual_list_derive, name="annual_list_derive"),
    path("annual-lists/<int:pk>/title/", annual_list_retitle, name="annual_list_retitle"),
    path("annual-lists/<int:pk>/submit/", annual_list_submit, name="annual_list_submit"),
    path("annual-lists/<int:pk>/return/", annual_list_return, name="annual_list_return"),
    path("annual-lists/<int:pk>/approve/", annual_list_approve, name="annual_list_approve"),
    path("annual-lists/<int:pk>/publish/", annual_list_publish, name="annual_list_publish"),
    path("annual-lists/<int:pk>/entries/new/", list_entry_create, name="list_entry_create"),
    path(
        "annual-lists/<int:pk>/entries/<int:entry_pk>/edit/",
        list_entry_update,
        name="list_entry_update",
    ),
    path(
        "annual-lists/<int:pk>/entries/<int:entry_pk>/withdraw/",
        list_entry_withdraw,
        name="list_entry_withdraw",
    ),
    path(
        "annual-lists/<int:pk>/entries/<int:entry_pk>/remove/",
        list_entry_remove,
        name="list_entry_remove",
    ),
]
