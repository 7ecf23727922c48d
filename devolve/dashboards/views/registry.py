"""Staff pages for the registry, the catalogue and the audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.core.errors import DomainError
from devolve.core.history import list_recent_changes
from devolve.core.selectors import list_audit_events
from devolve.dashboards.views import annual_lists, demand, grants, reporting
from devolve.indicators import permissions as indicator_permissions
from devolve.matters.forms import MatterForm
from devolve.matters.models import AuthorizationMode, Department, Matter, MatterType
from devolve.matters.selectors import access_matter_for_change, list_matters_changeable_by
from devolve.matters.services import update_matter
from devolve.regions.forms import BatchMembershipForm, ZoneForm
from devolve.regions.models import Batch, BatchMembership, Division, Zone
from devolve.regions.services import add_zone_to_batch, register_zone
from devolve.selection.permissions import can_view_selection

AUDITED_MODELS = [
    Zone,
    Batch,
    BatchMembership,
    Division,
    Department,
    Matter,
    MatterType,
    AuthorizationMode,
    User,
]


def _show_domain_error(form: Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


@require_GET
@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    context = {
        "changeable_matters": list_matters_changeable_by(user=user)[:50],
        "can_manage_registry": user.has_perm("regions.manage_registry"),
        "can_view_audit": user.has_perm("accounts.view_audit"),
        "pending_work": [
            *annual_lists.pending_work(user),
            *demand.pending_work(user),
            *grants.pending_work(user),
            *reporting.pending_work(user),
        ],
        "can_view_overview": user.role
        in {User.Role.OFFICE, User.Role.EVALUATOR, User.Role.AUDITOR},
        "can_view_selection": can_view_selection(user),
        "can_import_statistics": indicator_permissions.can_import_statistics(user),
        "can_view_evaluations": indicator_permissions.can_view_evaluation_staff_pages(user),
    }
    return render(request, "dashboards/dashboard_home.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def matter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    matter = access_matter_for_change(user=acting_user(request), matter_id=pk)
    form = MatterForm.for_matter(matter, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        reason = values.pop("reason")
        try:
            update_matter(matter=matter, updated_by=acting_user(request), reason=reason, **values)
        except DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(request, _("The matter was saved."))
            return redirect("dashboards:dashboard_home")
    return render(request, "dashboards/matter_edit.html", {"form": form, "matter": matter})


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("regions.manage_registry", raise_exception=True)
def zone_create(request: HttpRequest) -> HttpResponse:
    form = ZoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            zone = register_zone(registered_by=acting_user(request), **form.cleaned_data)
        except DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(request, _("%(zone)s was added to the registry.") % {"zone": zone})
            return redirect(zone.get_absolute_url())
    return render(request, "dashboards/zone_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("regions.manage_registry", raise_exception=True)
def batch_membership_create(request: HttpRequest) -> HttpResponse:
    form = BatchMembershipForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = add_zone_to_batch(added_by=acting_user(request), **form.cleaned_data)
        except DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(zone)s joined %(batch)s.")
                % {"zone": membership.zone, "batch": membership.batch},
            )
            return redirect(membership.batch.get_absolute_url())
    return render(request, "dashboards/batch_membership_form.html", {"form": form})


@require_GET
@login_required
@permission_required("accounts.view_audit", raise_exception=True)
def audit_event_list(request: HttpRequest) -> HttpResponse:
    context = {
        "events": list_audit_events(limit=200),
        "changes": list_recent_changes(models_with_history=AUDITED_MODELS, limit=100),
    }
    return render(request, "dashboards/audit_event_list.html", context)


urlpatterns = [
    path("", dashboard_home, name="dashboard_home"),
    path("matters/<int:pk>/edit/", matter_edit, name="matter_edit"),
    path("zones/new/", zone_create, name="zone_create"),
    path("batch-memberships/new/", batch_membership_create, name="batch_membership_create"),
    path("audit/", audit_event_list, name="audit_event_list"),
]
