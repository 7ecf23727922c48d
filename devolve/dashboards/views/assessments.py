"""Staff pages of regular assessment: rounds, a round's flagged grants and per-entry roll-up, the
evaluators' scoring form, the office's decision form, and drafting the next edition.

Every programme role reads rounds, with what it sees inside scoped by the selectors (a department
its own matters, a prefecture its areas, a pilot area its own grants); the services check who may
act (``assessments.permissions``). Routes are listed in ``urlpatterns``; dashboards/urls.py
mounts them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.assessments import rules
from devolve.assessments.filters import AssessmentRoundFilter
from devolve.assessments.forms import (
    DraftNextEditionForm,
    EntryDecisionForm,
    RoundOpenForm,
    ScoreForm,
)
from devolve.assessments.models import (
    ASSESSMENT_ROUND_LIFECYCLE,
    AssessmentRound,
)
from devolve.assessments.permissions import can_score
from devolve.assessments.selectors import (
    get_entry_decision,
    get_entry_rollup,
    get_grant_assessment,
    get_round_entry,
    get_round_visible_to,
    list_entry_rollups,
    list_flagged_grant_assessments_visible_to,
    list_round_zones,
    list_rounds_newest_first,
)
from devolve.assessments.services import (
    complete_decisions,
    decide_entry,
    draft_next_edition,
    open_assessment_round,
    refresh_round_metrics,
    score_grant,
    start_scoring,
)
from devolve.assessments.tables import (
    AssessmentRoundTable,
    EntryRollUpTable,
    FlaggedGrantAssessmentTable,
)
from devolve.core.access import allows, requires
from devolve.core.errors import NotAllowed
from devolve.core.forms import VersionForm
from devolve.core.lists import configure_list, render_list
from devolve.dashboards.doors import data_of, form_step, post_step


def _access_round(user: User, pk: int) -> AssessmentRound:
    assessment_round = get_round_visible_to(user=user, pk=pk)
    if assessment_round is None:
        raise Http404(_("No such assessment round."))
    return assessment_round


@dataclass(frozen=True)
class RoundActions:
    """What the round page offers this user now; the services check again."""

    start_scoring: bool
    refresh: bool
    decide: bool
    complete: bool
    draft: bool

    @classmethod
    def of(cls, assessment_round: AssessmentRound, user: User) -> "RoundActions":
        office = bool(is_office(user))
        status = assessment_round.status
        offered = ASSESSMENT_ROUND_LIFECYCLE.offered_names(status, user)
        return cls(
            start_scoring="start_scoring" in offered,
            refresh=office
            and status in {AssessmentRound.Status.OPEN, AssessmentRound.Status.SCORING},
            decide=office and status == AssessmentRound.Status.SCORING,
            complete="complete_decisions" in offered,
            draft="draft_next_edition" in offered,
        )


@require_safe
@requires("assessments.view_rounds")
def assessment_round_list(request: HttpRequest) -> HttpResponse:
    """Every assessment round, filtered as the API filters them, sorted and paged."""
    user = acting_user(request)
    rounds = list_rounds_newest_first(user=user)
    filterset = AssessmentRoundFilter(request.GET, queryset=rounds)
    return render_list(
        request,
        table=AssessmentRoundTable(filterset.qs),
        filterset=filterset,
        template="dashboards/assessments/assessment_round_list.html",
        partial="rounds-table",
        export_name=_("Assessment rounds"),
        context={"can_open": is_office(user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("assessments.manage_round")
def assessment_round_open(request: HttpRequest) -> HttpResponse:
    form = RoundOpenForm(data_of(request))
    return form_step(
        request,
        form,
        lambda data: open_assessment_round(opened_by=acting_user(request), **data),
        done=_("The round is open; metrics were prefilled."),
        then=lambda opened: _to_round(opened.pk),
        page=lambda: render(
            request, "dashboards/assessments/assessment_round_form.html", {"form": form}
        ),
    )


def _to_round(pk: int) -> HttpResponse:
    return redirect("dashboards:assessment_round_detail", pk=pk)


@require_safe
@requires("assessments.view_rounds")
def assessment_round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    assessment_round = _access_round(user, pk)
    rollups = list_entry_rollups(assessment_round=assessment_round, user=user)
    entries = EntryRollUpTable(rollups, prefix="entries-")
    configure_list(request, entries)
    flagged = FlaggedGrantAssessmentTable(
        list_flagged_grant_assessments_visible_to(user=user, assessment_round=assessment_round),
        prefix="flagged-",
    )
    configure_list(request, flagged)
    context = {
        "round": assessment_round,
        "entries": entries,
        "criteria": assessment_round.criteria,
        "max_total": rules.max_total(assessment_round.criteria),
        "flagged": flagged,
        "rollups": rollups,
        "scored": sum(1 for rollup in rollups for item in rollup.assessments if item.is_scored),
        "assessed": sum(len(rollup.assessments) for rollup in rollups),
        "decided": sum(1 for rollup in rollups if rollup.decision is not None),
        "actions": RoundActions.of(assessment_round, user),
        "can_score": bool(can_score(user, assessment_round)),
    }
    return render(request, "dashboards/assessments/assessment_round_detail.html", context)


def _round_step(
    request: HttpRequest, pk: int, step: Callable[[AssessmentRound, User], object], done: str
) -> HttpResponse:
    """Runs one step on a round the user may see (``post_step``), back on the round's page."""
    user = acting_user(request)
    assessment_round = _access_round(user, pk)
    return post_step(request, lambda: step(assessment_round, user), done=done, back=_to_round(pk))


@require_POST
@requires("assessments.manage_round")
def assessment_round_start_scoring(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_step(
        request,
        pk,
        lambda assessment_round, user: start_scoring(
            assessment_round=assessment_round, started_by=user
        ),
        _("Evaluators may now score."),
    )


@require_POST
@requires("assessments.manage_round")
def assessment_round_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_step(
        request,
        pk,
        lambda assessment_round, user: refresh_round_metrics(
            assessment_round=assessment_round, refreshed_by=user
        ),
        _("Metrics were refreshed from accepted reports."),
    )


@require_POST
@requires("assessments.manage_round")
def assessment_round_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_step(
        request,
        pk,
        lambda assessment_round, user: complete_decisions(
            assessment_round=assessment_round, decided_on=timezone.localdate(), completed_by=user
        ),
        _("Every entry is decided; the round is decided."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("assessments.manage_round")
def assessment_round_draft(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    assessment_round = _access_round(user, pk)
    form = DraftNextEditionForm(
        data_of(request), initial={"year": assessment_round.annual_list.year + 1}
    )
    context = {"round": assessment_round, "form": form}
    return form_step(
        request,
        form,
        lambda data: draft_next_edition(
            assessment_round=assessment_round,
            drafted_on=timezone.localdate(),
            drafted_by=user,
            is_illustrative=assessment_round.is_illustrative,
            **data,
        ),
        done=lambda draft: _("Draft %(key)s was created from the decisions.") % {"key": draft.key},
        then=lambda _draft: _to_round(pk),
        page=lambda: render(request, "dashboards/assessments/assessment_round_draft.html", context),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("assessments.manage_round")
def assessment_round_decide(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    user = acting_user(request)
    assessment_round = _access_round(user, pk)
    entry = get_round_entry(assessment_round=assessment_round, pk=entry_pk)
    if entry is None:
        raise Http404(_("No such entry in the assessed edition."))
    rollup = get_entry_rollup(assessment_round=assessment_round, entry=entry)
    zones = list_round_zones(assessment_round=assessment_round)
    initial = {"decision": rollup.recommended.value if rollup.recommended else ""}
    form = EntryDecisionForm(data_of(request), zones=zones, initial=initial)
    context = {"round": assessment_round, "rollup": rollup, "form": form}
    return form_step(
        request,
        form,
        lambda data: decide_entry(
            assessment_round=assessment_round,
            entry=entry,
            decided_on=timezone.localdate(),
            decided_by=user,
            **data,
        ),
        done=_("The decision was recorded."),
        then=lambda _done: _to_round(pk),
        page=lambda: render(request, "dashboards/assessments/entry_decision_form.html", context),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("assessments.view_rounds")
def grant_assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    assessment = get_grant_assessment(pk=pk)
    if assessment is None:
        raise Http404(_("No such grant assessment."))
    if not allows(user, "assessments.view_grant_assessment", assessment):
        raise NotAllowed(_("You may not see this grant's assessment."))
    may_score = allows(user, "assessments.score_grant", assessment) and assessment.round.is_scoring
    if request.method == "POST" and not may_score:
        raise NotAllowed(_("Only the office and the round's evaluators score, while it scores."))
    initial = {
        "recommendation": assessment.recommendation or "keep",
        "reason": assessment.recommendation_reason,
        **{f"score_{code}": points for code, points in assessment.scores.items()},
    }
    form = ScoreForm(data_of(request), criteria=assessment.round.criteria, initial=initial)
    version_form = VersionForm.for_record(assessment, data_of(request))

    def page() -> HttpResponse:
        context = {
            "assessment": assessment,
            "criteria": assessment.round.criteria,
            "max_total": rules.max_total(assessment.round.criteria),
            "form": form if may_score else None,
            "version_form": version_form,
            "decision": get_entry_decision(
                assessment_round=assessment.round, entry=assessment.grant.entry
            ),
        }
        return render(request, "dashboards/assessments/grant_assessment_detail.html", context)

    return form_step(
        request,
        form,
        lambda data: score_grant(
            grant_assessment=assessment,
            scored_by=user,
            expected_version=version_form.expected_version(),
            **data,
        ),
        done=_("The scores were recorded."),
        then=lambda _done: redirect("dashboards:grant_assessment_detail", pk=pk),
        page=page,
        refused=lambda: version_form.show_current(assessment),
    )


urlpatterns: list[URLPattern] = [
    path("assessment-rounds/", assessment_round_list, name="assessment_round_list"),
    path("assessment-rounds/open/", assessment_round_open, name="assessment_round_open"),
    path("assessment-rounds/<int:pk>/", assessment_round_detail, name="assessment_round_detail"),
    path(
        "assessment-rounds/<int:pk>/start-scoring/",
        assessment_round_start_scoring,
        name="assessment_round_start_scoring",
    ),
    path(
        "assessment-rounds/<int:pk>/refresh/",
        assessment_round_refresh,
        name="assessment_round_refresh",
    ),
    path(
        "assessment-rounds/<int:pk>/complete/",
        assessment_round_complete,
        name="assessment_round_complete",
    ),
    path(
        "assessment-rounds/<int:pk>/draft-next-edition/",
        assessment_round_draft,
        name="assessment_round_draft",
    ),
    path(
        "assessment-rounds/<int:pk>/entries/<int:entry_pk>/decide/",
        assessment_round_decide,
        name="assessment_round_decide",
    ),
    path(
        "grant-assessments/<int:pk>/",
        grant_assessment_detail,
        name="grant_assessment_detail",
    ),
]
