"""Staff pages for the registry, the catalogue and the audit log."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.access import allows, requires
from devolve.core.changelog import EXACT_COUNT_LIMIT, ChangeLog, list_audit_events
from devolve.core.filters import ChangeFilter
from devolve.core.forms import VersionForm
from devolve.core.lists import configure_list, render_list
from devolve.core.tables import ChangeTable
from devolve.dashboards.doors import data_of, form_step
from devolve.dashboards.inbox import count_waiting, inbox_for
from devolve.indicators import permissions as indicator_permissions
from devolve.matters.forms import MatterForm
from devolve.matters.selectors import access_matter_for_change, list_matters_changeable_by
from devolve.matters.services import update_matter
from devolve.matters.tables import ChangeableMatterTable
from devolve.regions.forms import BatchMembershipForm, ZoneForm
from devolve.regions.services import add_zone_to_batch, register_zone
from devolve.selection.permissions import can_view_selection


@require_safe
@requires("accounts.use_staff_pages")
def dashboard_home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    matters = ChangeableMatterTable(list_matters_changeable_by(user=user), prefix="matters-")
    configure_list(request, matters)
    context = {
        "changeable_matters": matters,
        "can_manage_registry": allows(user, "regions.manage_registry"),
        "can_view_audit": allows(user, "accounts.view_audit"),
        "is_office": is_office(user),
        "pending_work": inbox_for(user, on=timezone.localdate()),
        "can_view_overview": user.role
        in {User.Role.OFFICE, User.Role.EVALUATOR, User.Role.AUDITOR},
        "can_view_selection": can_view_selection(user),
        "can_import_statistics": indicator_permissions.can_import_statistics(user),
        "can_view_evaluations": indicator_permissions.can_view_evaluation_staff_pages(user),
    }
    return render(request, "dashboards/dashboard_home.html", context)


@require_safe
@requires("accounts.use_staff_pages")
def inbox_badge(request: HttpRequest) -> HttpResponse:
    """The number in the header's staff link: how many things in the inbox wait for the user.
    Every staff page loads it after the page itself (HTMX), so pages keep their query counts."""
    waiting = count_waiting(inbox_for(acting_user(request), on=timezone.localdate()))
    return render(request, "dashboards/inbox_badge.html", {"waiting": waiting})


@require_http_methods(["GET", "HEAD", "POST"])
@requires("accounts.use_staff_pages")
def matter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A matter's catalogue fields, for the office and the owning department. A department that
    hands its matter to another department is shown why on the form (it may edit the matter,
    only not give it away); one that may not edit the matter at all gets 403 (ADR 0053)."""
    user = acting_user(request)
    matter = access_matter_for_change(user=user, matter_id=pk)
    form = MatterForm.for_matter(matter, data_of(request))
    version_form = VersionForm.for_record(matter, data_of(request))
    context = {"form": form, "matter": matter, "version_form": version_form}
    return form_step(
        request,
        form,
        lambda data: update_matter(
            matter=matter,
            updated_by=user,
            expected_version=version_form.expected_version(),
            **data,
        ),
        done=_("The matter was saved."),
        then=lambda _matter: redirect("dashboards:dashboard_home"),
        page=lambda: render(request, "dashboards/matter_edit.html", context),
        refused=lambda: version_form.show_current(matter),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("regions.manage_registry")
def zone_create(request: HttpRequest) -> HttpResponse:
    form = ZoneForm(data_of(request))
    return form_step(
        request,
        form,
        lambda data: register_zone(registered_by=acting_user(request), **data),
        done=lambda zone: _("%(zone)s was added to the registry.") % {"zone": zone},
        then=lambda zone: redirect(zone.get_absolute_url()),
        page=lambda: render(request, "dashboards/zone_form.html", {"form": form}),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("regions.manage_registry")
def batch_membership_create(request: HttpRequest) -> HttpResponse:
    form = BatchMembershipForm(data_of(request))
    return form_step(
        request,
        form,
        lambda data: add_zone_to_batch(added_by=acting_user(request), **data),
        done=lambda membership: (
            _("%(zone)s joined %(batch)s.") % {"zone": membership.zone, "batch": membership.batch}
        ),
        then=lambda membership: redirect(membership.batch.get_absolute_url()),
        page=lambda: render(request, "dashboards/batch_membership_form.html", {"form": form}),
    )


@require_safe
@requires("accounts.view_audit")
def audit_event_list(request: HttpRequest) -> HttpResponse:
    """The change log: audit events and record history, filtered, paged and downloadable."""
    filterset = ChangeFilter(request.GET, queryset=list_audit_events())
    return render_list(
        request,
        table=ChangeTable(ChangeLog(filterset.criteria(), estimate_above=EXACT_COUNT_LIMIT)),
        filterset=filterset,
        template="dashboards/audit_event_list.html",
        partial="changes-table",
        export_name=_("Change log"),
    )


urlpatterns = [
    path("", dashboard_home, name="dashboard_home"),
    path("inbox/badge/", inbox_badge, name="inbox_badge"),
    path("matters/<int:pk>/edit/", matter_edit, name="matter_edit"),
    path("zones/new/", zone_create, name="zone_create"),
    path("batch-memberships/new/", batch_membership_create, name="batch_membership_create"),
    path("audit/", audit_event_list, name="audit_event_list"),
]
