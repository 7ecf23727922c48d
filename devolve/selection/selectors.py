"""Named reads of selection rounds: the pool of candidates, their values, the current result as
the stable JSON document the page, the API and ``devolve select`` share, and the comparison of a
recommendation with the batch actually chosen."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.core.errors import NotAllowed
from devolve.core.i18n import in_current_language
from devolve.core.runs import UNDER_WAY
from devolve.regions.models import Batch, Zone
from devolve.regions.selectors import list_memberships, list_zones
from devolve.selection.models import (
    CandidateValue,
    Criterion,
    Decision,
    RoundResult,
    ScoringRun,
    SelectionRound,
    SubIndicator,
)
from devolve.selection.permissions import can_view_selection

# Version of the JSON document of a result; bump it when a key changes meaning or goes away.
RESULT_SCHEMA = "devolve.selection.result/1"


def list_rounds() -> QuerySet[SelectionRound]:
    return SelectionRound.objects.annotate(result_count=Count("results")).order_by("-year", "slug")


def get_round(*, key: str) -> SelectionRound | None:
    """A round by its key (slug) or, when ``key`` is all digits, its id."""
    rounds = SelectionRound.objects.all()
    if key.isdigit():
        return rounds.filter(pk=int(key)).first()
    return rounds.filter(slug=key).first()


def access_round(*, user: User, key: str) -> SelectionRound:
    if not can_view_selection(user):
        raise NotAllowed(_("Only the reform office, evaluators and auditors see selection rounds."))
    selection_round = get_round(key=key)
    if selection_round is None:
        raise Http404(_("No such selection round."))
    return selection_round


def list_criteria(*, selection_round: SelectionRound) -> QuerySet[Criterion]:
    return selection_round.criteria.order_by("position")


def list_sub_indicators(*, selection_round: SelectionRound) -> QuerySet[SubIndicator]:
    return selection_round.sub_indicators.select_related("criterion").order_by(
        "criterion__position", "position"
    )


def list_candidate_pool(*, selection_round: SelectionRound) -> QuerySet[Zone]:
    """Zones that are not pilot areas on the round's as-of date, ordered by prefecture and key."""
    pilots = Zone.objects.pilot_areas_on(selection_round.candidates_as_of).values("pk")
    return list_zones().exclude(pk__in=pilots)


def list_candidate_values(*, selection_round: SelectionRound) -> QuerySet[CandidateValue]:
    return CandidateValue.objects.filter(sub_indicator__round=selection_round).select_related(
        "sub_indicator", "zone"
    )


def candidate_value_table(
    *, selection_round: SelectionRound
) -> dict[tuple[int, int], float | None]:
    """Every stored value of the round by (sub-indicator id, zone id), None where it is recorded
    as missing: the plain numbers scoring reads (a national round holds 70,000 of them, which as
    model objects with their sub-indicator and zone cost seconds). Unordered: the model's
    ordering would join the criteria, zones and prefectures only to sort a table keyed anyway."""
    return {
        (sub_indicator_id, zone_id): value
        for sub_indicator_id, zone_id, value in CandidateValue.objects.filter(
            sub_indicator__round=selection_round
        )
        .order_by()
        .values_list("sub_indicator_id", "zone_id", "value")
    }


def current_result(*, selection_round: SelectionRound) -> RoundResult | None:
    return selection_round.results.order_by("-computed_at", "-pk").first()


def latest_scoring_run(*, selection_round: SelectionRound) -> ScoringRun | None:
    """The round's latest scoring request, with who asked: what its page shows while it runs
    and after."""
    return (
        ScoringRun.objects.filter(round=selection_round)
        .select_related("requested_by")
        .order_by("-created_at", "-pk")
        .first()
    )


def scoring_under_way(*, selection_round: SelectionRound) -> ScoringRun | None:
    """The round's scoring run queued or running, if any (one at most)."""
    return (
        ScoringRun.objects.filter(UNDER_WAY, round=selection_round)
        .select_related("round", "requested_by")
        .first()
    )


def list_scoring_runs() -> QuerySet[ScoringRun]:
    """Scoring requests, with their round and who asked (the API reads one by id; who may
    read them is the selection API's permission)."""
    return ScoringRun.objects.select_related("round", "requested_by", "result").order_by(
        "-created_at", "-pk"
    )


def get_latest_round() -> SelectionRound | None:
    return list_rounds().first()


def list_chosen_zones(*, decision: Decision) -> QuerySet[Zone]:
    return list_zones().filter(slug__in=decision.chosen)


def get_decision(*, selection_round: SelectionRound) -> Decision | None:
    return Decision.objects.filter(round=selection_round).select_related("batch").first()


def round_summary(selection_round: SelectionRound) -> dict[str, Any]:
    return {
        "id": selection_round.pk,
        "slug": selection_round.slug,
        "year": selection_round.year,
        "title_zh": selection_round.title_zh,
        "title_en": selection_round.title_en,
        "batch_number": selection_round.batch_number,
        "status": selection_round.status,
        "candidates_as_of": selection_round.candidates_as_of.isoformat(),
        "method": selection_round.method,
        "criterion_weighting": selection_round.criterion_weighting,
        "indicator_weighting": selection_round.indicator_weighting,
        "missing_value_policy": selection_round.missing_value_policy,
        "is_illustrative": selection_round.is_illustrative,
    }


def result_document(result: RoundResult) -> dict[str, Any]:
    """The stored result as the documented JSON schema (``RESULT_SCHEMA``): everything comes from
    the stored row, nothing is recomputed."""
    return {
        "schema": RESULT_SCHEMA,
        "round": round_summary(result.round),
        "computed_at": result.computed_at.isoformat(),
        "input_fingerprint": result.input_fingerprint,
        "weights": result.weights,
        "constraints": result.inputs["constraints"],
        "candidates": result.candidates,
        "excluded": result.excluded,
        "choice": {
            "chosen": result.chosen,
            "objective": result.objective,
            "mip_gap": result.mip_gap,
            "solver_status": result.solver_status,
            "prefectures_covered": len({row["prefecture"] for row in result.candidates
                                        if row["selected"]}),
            "swaps": result.swaps,
        },
        "sensitivity": result.sensitivity,
    }  # fmt: skip


@dataclass(frozen=True)
class PrefectureCoverage:
    """One prefecture's row of the coverage view: its candidates and how many were chosen."""

    code: str
    name_zh: str
    name_en: str
    candidates: int
    chosen: int


def prefecture_coverage(result: RoundResult) -> list[PrefectureCoverage]:
    """Prefectures with at least one scored candidate, most chosen first, then by code."""
    names: dict[str, tuple[str, str]] = {}
    candidates: Counter[str] = Counter()
    chosen: Counter[str] = Counter()
    for row in result.candidates:
        code = row["prefecture"]
        names[code] = (row["prefecture_zh"], row["prefecture_en"])
        candidates[code] += 1
        chosen[code] += int(row["selected"])
    return sorted(
        (
            PrefectureCoverage(code, names[code][0], names[code][1], candidates[code], chosen[code])
            for code in candidates
        ),
        key=lambda coverage: (-coverage.chosen, coverage.code),
    )


@dataclass(frozen=True)
class ComparedZone:
    slug: str
    name_zh: str
    name_en: str
    rank: int | None
    score: float | None
    selection_frequency: float | None
    note: str


@dataclass(frozen=True)
class BatchComparison:
    """The recommendation against the batch actually chosen: the overlap, the zones only one of
    them holds, and for each a note from its score and the constraints."""

    batch: Batch
    overlap: int
    size: int
    both: list[ComparedZone]
    only_recommended: list[ComparedZone]
    only_in_batch: list[ComparedZone]


def _weakest_criterion(row: dict[str, Any], weights: dict[str, Any]) -> str:
    """The criterion where the candidate earns the smallest share of the criterion's weight."""
    shares = {
        criterion["code"]: row["criteria"][criterion["code"]] / criterion["weight"]
        for criterion in weights["criteria"]
        if criterion["weight"] > 0
    }
    weakest = min(shares, key=lambda code: shares[code])
    names = {criterion["code"]: criterion for criterion in weights["criteria"]}
    return in_current_language(zh=names[weakest]["name_zh"], en=names[weakest]["name_en"])


def _why(
    slug: str, row: dict[str, Any] | None, *, result: RoundResult, excluded: dict[str, str]
) -> str:
    """Why a zone is or is not recommended, from its score, the sensitivity runs and the
    prefecture cap."""
    if row is None:
        return excluded.get(slug) or str(_("Not in the candidate pool on the round's date."))
    facts = {
        "rank": row["rank"],
        "count": len(result.candidates),
        "share": f"{row['selection_frequency']:.0%}",
        "weakest": _weakest_criterion(row, result.weights),
    }
    if row["selected"]:
        return str(
            _("Ranked %(rank)s of %(count)s; chosen in %(share)s of the sensitivity runs.") % facts
        )
    cap = result.inputs["constraints"]["max_per_prefecture"]
    chosen_here = sum(
        1
        for other in result.candidates
        if other["selected"] and other["prefecture"] == row["prefecture"]
    )
    lowest_chosen = min(other["score"] for other in result.candidates if other["selected"])
    if cap is not None and chosen_here >= cap and row["score"] > lowest_chosen:
        return str(
            _(
                "Ranked %(rank)s of %(count)s, but its prefecture already has %(cap)s recommended "
                "zones, the most allowed; chosen in %(share)s of the sensitivity runs."
            )
            % {**facts, "cap": cap}
        )
    if row["score"] > lowest_chosen:
        return str(
            _(
                "Ranked %(rank)s of %(count)s, but lower-ranked zones were chosen to meet the "
                "coverage or category constraints; chosen in %(share)s of the sensitivity runs."
            )
            % facts
        )
    return str(
        _(
            "Ranked %(rank)s of %(count)s, below the recommended zones; weakest on %(weakest)s; "
            "chosen in %(share)s of the sensitivity runs."
        )
        % facts
    )


def compare_with_batch(result: RoundResult) -> BatchComparison | None:
    """Compare the recommendation with the batch numbered as the round's, if that batch exists."""
    batch = Batch.objects.filter(number=result.round.batch_number).first()
    if batch is None:
        return None
    members = {
        membership.zone.slug: membership.zone for membership in list_memberships(batch=batch)
    }
    rows = {row["zone"]: row for row in result.candidates}
    excluded = {row["zone"]: row["reason"] for row in result.excluded}
    recommended = set(result.chosen)

    def compared(slug: str, zone_names: tuple[str, str]) -> ComparedZone:
        row = rows.get(slug)
        return ComparedZone(
            slug=slug,
            name_zh=zone_names[0],
            name_en=zone_names[1],
            rank=row["rank"] if row else None,
            score=row["score"] if row else None,
            selection_frequency=row["selection_frequency"] if row else None,
            note=_why(slug, row, result=result, excluded=excluded),
        )

    def names_of(slug: str) -> tuple[str, str]:
        if slug in members:
            return members[slug].name_zh, members[slug].name_en
        row = rows[slug]
        return row["name_zh"], row["name_en"]

    def by_rank(zones: set[str]) -> list[ComparedZone]:
        return sorted(
            (compared(slug, names_of(slug)) for slug in zones),
            key=lambda zone: (zone.rank is None, zone.rank or 0, zone.slug),
        )

    in_batch = set(members)
    return BatchComparison(
        batch=batch,
        overlap=len(recommended & in_batch),
        size=len(in_batch),
        both=by_rank(recommended & in_batch),
        only_recommended=by_rank(recommended - in_batch),
        only_in_batch=by_rank(in_batch - recommended),
    )
