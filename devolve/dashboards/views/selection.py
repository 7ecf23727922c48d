"""Staff pages of pilot-area selection: the rounds, a round's ranking, chosen set, prefecture
coverage, swap costs, sensitivity chart and comparison with the batch actually chosen; importing
candidate data (checked first, applied on confirmation); scoring (queued, run in the background,
its progress shown on the round's page); and the office's decision and
its approval into a batch.

The reform office runs rounds; evaluators and auditors read them; other roles are refused.
Routes are listed in ``urlpatterns``; dashboards/urls.py mounts them.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from devolve.accounts.acting import acting_user
from devolve.core.access import requires
from devolve.core.i18n import in_current_language
from devolve.core.lists import configure_list, render_list
from devolve.dashboards.doors import data_of, form_step, post_step
from devolve.selection.candidate_import import (
    CHECK_SESSION_KEY,
    CandidateImportPlan,
    stored_check,
)
from devolve.selection.filters import SelectionRoundFilter
from devolve.selection.forms import (
    ApprovalForm,
    CandidateImportForm,
    DecisionForm,
    RoundLikeForm,
)
from devolve.selection.models import SelectionRound
from devolve.selection.permissions import can_manage_selection
from devolve.selection.selectors import (
    access_round,
    compare_with_batch,
    current_result,
    get_decision,
    get_latest_round,
    latest_scoring_run,
    list_chosen_zones,
    list_criteria,
    list_rounds,
    list_sub_indicators,
    prefecture_coverage,
    result_document,
)
from devolve.selection.services import (
    CandidateFileRefused,
    approve_decision,
    create_round_like,
    import_candidate_values,
    queue_scoring,
    record_decision,
)
from devolve.selection.tables import (
    CandidateErrorTable,
    CandidateRankingTable,
    SelectionRoundTable,
)

# The part of a round's page that shows a scoring under way; it polls itself.
SCORING_REGION = "scoring-progress"


def _chart_data(document: dict[str, Any]) -> dict[str, Any]:
    candidates = document["candidates"]
    labels = [in_current_language(zh=row["name_zh"], en=row["name_en"]) for row in candidates]
    return {
        "frequency": {
            "name": _("Share of runs in which the zone is chosen, per cent"),
            "labels": labels,
            "values": [round(row["selection_frequency"] * 100) for row in candidates],
        },
        "ranks": {
            "name": _("Rank, 5th to 95th percentile"),
            "labels": labels,
            "low": [row["rank_p05"] for row in candidates],
            "high": [row["rank_p95"] for row in candidates],
            "rank": [row["rank"] for row in candidates],
        },
    }


def _ranking(request: HttpRequest, document: dict[str, Any]) -> CandidateRankingTable:
    """The candidates in rank order, named in the reader's language, a column per criterion."""
    rows = [
        {**row, "name": in_current_language(zh=row["name_zh"], en=row["name_en"]),
         "prefecture_name": in_current_language(zh=row["prefecture_zh"], en=row["prefecture_en"])}
        for row in document["candidates"]
    ]  # fmt: skip
    criteria = [
        {**criterion, "name": in_current_language(zh=criterion["name_zh"], en=criterion["name_en"])}
        for criterion in document["weights"]["criteria"]
    ]
    table = CandidateRankingTable(rows, criteria=criteria, prefix="ranking-")
    configure_list(request, table)
    return table


def _weight_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The criteria, each followed by its sub-indicators, with the weights used."""
    rows: list[dict[str, Any]] = []
    for criterion in document["weights"]["criteria"]:
        rows.append(
            {
                **criterion,
                "is_criterion": True,
                "name": in_current_language(zh=criterion["name_zh"], en=criterion["name_en"]),
            }
        )
        rows.extend(
            {
                **indicator,
                "is_criterion": False,
                "name": in_current_language(zh=indicator["name_zh"], en=indicator["name_en"]),
            }
            for indicator in document["weights"]["indicators"]
            if indicator["criterion"] == criterion["code"]
        )
    return rows


def _render_detail(
    request: HttpRequest,
    selection_round: SelectionRound,
    *,
    decision_form: DecisionForm | None = None,
    approval_form: ApprovalForm | None = None,
) -> HttpResponse:
    result = current_result(selection_round=selection_round)
    document = result_document(result) if result is not None else None
    decision = get_decision(selection_round=selection_round)
    scoring_run = latest_scoring_run(selection_round=selection_round)
    can_manage = can_manage_selection(acting_user(request))
    if can_manage and decision_form is None and document is not None:
        decision_form = DecisionForm(
            selection_round=selection_round,
            initial={"chosen": document["choice"]["chosen"]},
        )
    context = {
        "selection_round": selection_round,
        "criteria": list_criteria(selection_round=selection_round),
        "sub_indicators": list_sub_indicators(selection_round=selection_round),
        "result": result,
        "document": document,
        "ranking": _ranking(request, document) if document else None,
        "weight_rows": _weight_rows(document) if document else [],
        "swaps": _named_swaps(document) if document else [],
        "coverage": prefecture_coverage(result) if result else [],
        "comparison": compare_with_batch(result) if result else None,
        "chart": _chart_data(document) if document else None,
        "decision": decision,
        "decision_zones": list_chosen_zones(decision=decision) if decision else [],
        "can_manage": can_manage,
        "decision_form": decision_form,
        "approval_form": approval_form or ApprovalForm(),
        "scoring_run": scoring_run,
        "scoring": scoring_run is not None and not scoring_run.is_finished,
    }
    return render(request, "dashboards/selection/round_detail.html", context)


def _named_swaps(document: dict[str, Any]) -> list[dict[str, Any]]:
    names = {
        row["zone"]: in_current_language(zh=row["name_zh"], en=row["name_en"])
        for row in document["candidates"]
    }
    return [
        {**swap, "selected_name": names[swap["selected"]],
         "best_excluded_name": names.get(swap["best_excluded"] or "", "")}
        for swap in document["choice"]["swaps"]
    ]  # fmt: skip


@require_safe
@requires("selection.view_selection")
def selection_round_list(request: HttpRequest) -> HttpResponse:
    """Every selection round, filtered as the API filters them, sorted and paged."""
    filterset = SelectionRoundFilter(request.GET, queryset=list_rounds())
    return render_list(
        request,
        table=SelectionRoundTable(filterset.qs),
        filterset=filterset,
        template="dashboards/selection/round_list.html",
        partial="rounds-table",
        export_name=_("Selection rounds"),
        context={"can_manage": can_manage_selection(acting_user(request))},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("selection.manage_selection")
def selection_round_create(request: HttpRequest) -> HttpResponse:
    form = RoundLikeForm.after(get_latest_round(), data_of(request))
    return form_step(
        request,
        form,
        lambda data: create_round_like(created_by=acting_user(request), **data),
        done=_("The round was created. Import its candidate data, then score it."),
        then=lambda created: redirect("dashboards:selection_round_import", slug=created.slug),
        page=lambda: render(request, "dashboards/selection/round_form.html", {"form": form}),
    )


@require_safe
@requires("selection.view_selection")
def selection_round_detail(request: HttpRequest, slug: str) -> HttpResponse:
    selection_round = access_round(user=acting_user(request), key=slug)
    if getattr(getattr(request, "htmx", None), "target", None) == SCORING_REGION:
        scoring_run = latest_scoring_run(selection_round=selection_round)
        if scoring_run is None or scoring_run.is_finished:
            return HttpResponseClientRefresh()  # the round's status and result change too
        return render(
            request,
            f"dashboards/selection/round_detail.html#{SCORING_REGION}",
            {"selection_round": selection_round, "scoring_run": scoring_run},
        )
    return _render_detail(request, selection_round)


@require_POST
@requires("selection.manage_selection")
def selection_round_score(request: HttpRequest, slug: str) -> HttpResponse:
    selection_round = access_round(user=acting_user(request), key=slug)
    return post_step(
        request,
        lambda: queue_scoring(selection_round=selection_round, requested_by=acting_user(request)),
        done=_("Scoring has started; this page shows its progress and outcome."),
        back=_to_round(selection_round),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("selection.manage_selection")
def selection_round_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Check a candidate file (nothing stored) or import it. The last check stays in the
    session, so its errors page and sort like any list until the next check or import."""
    selection_round = access_round(user=acting_user(request), key=slug)
    form = CandidateImportForm(data_of(request), request.FILES or None)
    session_key = CHECK_SESSION_KEY.format(pk=selection_round.pk)
    if request.method == "POST":
        request.session.pop(session_key, None)
    applying = request.POST.get("action") == "apply"

    def check_or_import(data: dict[str, Any]) -> CandidateImportPlan:
        try:
            return import_candidate_values(
                selection_round=selection_round,
                imported_by=acting_user(request),
                dry_run=not applying,
                **data,
            )
        except CandidateFileRefused as refused:
            # shown with every error; the form says nothing was stored
            request.session[session_key] = stored_check(refused.plan)
            raise

    def checked(plan: CandidateImportPlan) -> HttpResponse:
        request.session[session_key] = stored_check(plan)
        return page()

    def page() -> HttpResponse:
        check = request.session.get(session_key)
        context: dict[str, Any] = {"selection_round": selection_round, "form": form, "plan": check}
        if check is not None:
            errors = CandidateErrorTable(check["errors"], prefix="errors-")
            configure_list(request, errors)
            context["errors"] = errors
        return render(request, "dashboards/selection/round_import.html", context)

    return form_step(
        request,
        form,
        check_or_import,
        done=_("The values were imported.") if applying else None,
        then=lambda plan: _to_round(selection_round) if applying else checked(plan),
        page=page,
    )


@require_POST
@requires("selection.manage_selection")
def selection_decision_record(request: HttpRequest, slug: str) -> HttpResponse:
    selection_round = access_round(user=acting_user(request), key=slug)
    form = DecisionForm(request.POST, selection_round=selection_round)
    return form_step(
        request,
        form,
        lambda data: record_decision(
            selection_round=selection_round, recorded_by=acting_user(request), **data
        ),
        done=_("The decision was recorded."),
        then=lambda _done: _to_round(selection_round),
        page=lambda: _render_detail(request, selection_round, decision_form=form),
    )


@require_POST
@requires("selection.manage_selection")
def selection_decision_approve(request: HttpRequest, slug: str) -> HttpResponse:
    selection_round = access_round(user=acting_user(request), key=slug)
    decision = get_decision(selection_round=selection_round)
    form = ApprovalForm(request.POST)
    if decision is None:
        form.add_error(None, _("Record the decision before approving it."))
        return _render_detail(request, selection_round, approval_form=form)
    return form_step(
        request,
        form,
        lambda data: approve_decision(decision=decision, approved_by=acting_user(request), **data),
        done=_("The decision was approved and the batch created."),
        then=lambda _done: _to_round(selection_round),
        page=lambda: _render_detail(request, selection_round, approval_form=form),
    )


def _to_round(selection_round: SelectionRound) -> HttpResponse:
    return redirect("dashboards:selection_round_detail", slug=selection_round.slug)


urlpatterns: list[URLPattern] = [
    path("selection-rounds/", selection_round_list, name="selection_round_list"),
    path("selection-rounds/new/", selection_round_create, name="selection_round_create"),
    path("selection-rounds/<slug:slug>/", selection_round_detail, name="selection_round_detail"),
    path(
        "selection-rounds/<slug:slug>/score/", selection_round_score, name="selection_round_score"
    ),
    path(
        "selection-rounds/<slug:slug>/import/",
        selection_round_import,
        name="selection_round_import",
    ),
    path(
        "selection-rounds/<slug:slug>/decision/",
        selection_decision_record,
        name="selection_decision_record",
    ),
    path(
        "selection-rounds/<slug:slug>/decision/approve/",
        selection_decision_approve,
        name="selection_decision_approve",
    ),
]
