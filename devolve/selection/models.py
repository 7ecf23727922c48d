"""Tables of the selection app: a round, its criteria and sub-indicators, the candidates' values,
the stored results of scoring and the office's decision."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from devolve.accounts.models import User
from devolve.core.history import HistoricalRecords
from devolve.core.i18n import in_current_language
from devolve.core.runs import UNDER_WAY, BackgroundRun, run_constraints
from devolve.core.transitions import Lifecycle, move


class SelectionRound(models.Model):
    """A selection round (遴选): the office scores the zones that are not yet pilots on a date and
    chooses the next batch under regional-distribution constraints.

    A round starts as a draft (criteria, weights and candidate data may change), becomes scored
    when a result is stored, decided when the office records its decision, and approved when the
    decision becomes a batch. New candidate data sends a scored round back to draft.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCORED = "scored", _("Scored")
        DECIDED = "decided", _("Decided")
        APPROVED = "approved", _("Approved")

    class Method(models.TextChoices):
        TOPSIS = "topsis", _("TOPSIS")
        WEIGHTED_SUM = "weighted_sum", _("Weighted sum")
        VIKOR = "vikor", _("VIKOR")

    class Weighting(models.TextChoices):
        ENTROPY = "entropy", _("Entropy weights (classic: shares of the data)")
        ENTROPY_MIN_MAX = "entropy_min_max", _("Entropy weights after min–max scaling")
        AHP = "ahp", _("AHP pairwise comparison")
        EXPERT = "expert", _("Expert weights")

    class MissingValuePolicy(models.TextChoices):
        EXCLUDE = "exclude", _("Exclude the candidate")
        IMPUTE_WORST = "impute_worst", _("Use the indicator's worst value")

    slug = models.SlugField(
        _("key"), max_length=60, unique=True, help_text=_("Stable key used in addresses.")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=250)
    batch_number = models.PositiveSmallIntegerField(
        _("batch number"), help_text=_("The batch the approved decision creates.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    candidates_as_of = models.DateField(
        _("candidates as of"),
        help_text=_("The candidate pool is every zone that is not a pilot area on this day."),
    )
    method = models.CharField(
        _("ranking method"), max_length=12, choices=Method.choices, default=Method.TOPSIS
    )
    criterion_weighting = models.CharField(
        _("criterion weighting"), max_length=16, choices=Weighting.choices, default=Weighting.AHP
    )
    indicator_weighting = models.CharField(
        _("sub-indicator weighting"),
        max_length=16,
        choices=Weighting.choices,
        default=Weighting.ENTROPY,
    )
    criterion_pairwise = models.JSONField(
        _("criterion pairwise comparisons"),
        default=list,
        blank=True,
        help_text=_("AHP matrix over the criteria in their order (Saaty's 1–9 scale)."),
    )
    selection_size = models.PositiveSmallIntegerField(
        _("zones to choose"), help_text=_("How many candidates the batch takes (k).")
    )
    min_prefectures_covered = models.PositiveSmallIntegerField(
        _("minimum prefectures covered"), default=0
    )
    max_per_prefecture = models.PositiveSmallIntegerField(
        _("maximum per prefecture"), null=True, blank=True
    )
    must_include = models.JSONField(
        _("must include"), default=list, blank=True, help_text=_("Keys of zones.")
    )
    must_exclude = models.JSONField(
        _("must exclude"), default=list, blank=True, help_text=_("Keys of zones.")
    )
    min_per_kind = models.JSONField(
        _("minimum per zone kind"),
        default=dict,
        blank=True,
        help_text=_("Zone kind → minimum number chosen, e.g. {“etdz”: 2}."),
    )
    min_per_level = models.JSONField(
        _("minimum per zone level"),
        default=dict,
        blank=True,
        help_text=_("Zone level → minimum number chosen, e.g. {“national”: 3}."),
    )
    missing_value_policy = models.CharField(
        _("missing values"),
        max_length=12,
        choices=MissingValuePolicy.choices,
        default=MissingValuePolicy.EXCLUDE,
    )
    random_seed = models.PositiveIntegerField(_("random seed"), default=0)
    sensitivity_perturbation = models.FloatField(
        _("weight perturbation"),
        default=0.2,
        help_text=_("Each weight is multiplied by a factor drawn from 1 ± this share."),
    )
    sensitivity_runs = models.PositiveSmallIntegerField(_("sensitivity runs"), default=200)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Set when candidate values were invented.")
    )
    source = models.TextField(_("source"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "slug"]
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "scored", "decided", "approved"]),
                name="selection_round_status_is_known",
            ),
            models.CheckConstraint(
                condition=Q(method__in=["topsis", "weighted_sum", "vikor"]),
                name="selection_round_method_is_known",
            ),
            models.CheckConstraint(
                condition=Q(criterion_weighting__in=["entropy", "entropy_min_max", "ahp", "expert"])
                & Q(indicator_weighting__in=["entropy", "entropy_min_max", "ahp", "expert"]),
                name="selection_round_weighting_is_known",
            ),
            models.CheckConstraint(
                condition=Q(selection_size__gte=1),
                name="selection_round_chooses_someone",
                violation_error_message=_("A round chooses at least one zone."),
            ),
            models.CheckConstraint(
                condition=Q(batch_number__gte=1),
                name="selection_round_batch_number_positive",
                violation_error_message=_("Batch numbers start at 1."),
            ),
            models.CheckConstraint(
                condition=Q(sensitivity_perturbation__gt=0) & Q(sensitivity_perturbation__lte=0.5),
                name="selection_round_perturbation_in_range",
                violation_error_message=_("The weight perturbation lies above 0 and at most 0.5."),
            ),
            models.CheckConstraint(
                condition=Q(sensitivity_runs__gte=10),
                name="selection_round_enough_runs",
                violation_error_message=_("Sensitivity needs at least 10 runs."),
            ),
        ]

    def __str__(self) -> str:
        return in_current_language(zh=self.title_zh, en=self.title_en)

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.SCORED}


_ROUND = SelectionRound.Status

SELECTION_ROUND_LIFECYCLE = Lifecycle(
    _ROUND,
    [
        # Scoring again replaces the stored result.
        move(
            "score",
            _("Score the round"),
            sources=[_ROUND.DRAFT, _ROUND.SCORED],
            target=_ROUND.SCORED,
            roles=[User.Role.OFFICE],
        ),
        # New candidate data makes the stored result stale.
        move("reopen", _("Back to draft"), sources=[_ROUND.SCORED], target=_ROUND.DRAFT,
             automatic=True),
        # Before approval a decision may be recorded again.
        move(
            "decide",
            _("Record the decision"),
            sources=[_ROUND.SCORED, _ROUND.DECIDED],
            target=_ROUND.DECIDED,
            roles=[User.Role.OFFICE],
        ),
        move(
            "approve",
            _("Approve the decision"),
            sources=[_ROUND.DECIDED],
            target=_ROUND.APPROVED,
            roles=[User.Role.OFFICE],
        ),
    ],
)  # fmt: skip


class Criterion(models.Model):
    """A scored criterion of a round (e.g. economic scale), weighted at the criterion level and
    made of sub-indicators. Regional distribution is a constraint of the round, not a criterion."""

    round = models.ForeignKey(
        SelectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    position = models.PositiveSmallIntegerField(_("position"))
    expert_weight = models.FloatField(_("expert weight"), null=True, blank=True)
    indicator_pairwise = models.JSONField(
        _("sub-indicator pairwise comparisons"),
        default=list,
        blank=True,
        help_text=_("AHP matrix over this criterion's sub-indicators in their order."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "position"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="criterion_unique_code"),
            models.UniqueConstraint(fields=["round", "position"], name="criterion_unique_position"),
            models.CheckConstraint(
                condition=Q(expert_weight__isnull=True) | Q(expert_weight__gte=0),
                name="criterion_expert_weight_not_negative",
                violation_error_message=_("Weights cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return in_current_language(zh=self.name_zh, en=self.name_en)


class SubIndicator(models.Model):
    """A measured sub-indicator of a criterion (e.g. GRP under economic scale), with its unit,
    direction, source and year. Candidate values are stored per sub-indicator and zone."""

    class Direction(models.TextChoices):
        BENEFIT = "benefit", _("Higher is better")
        COST = "cost", _("Lower is better")

    round = models.ForeignKey(
        SelectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="sub_indicators",
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("criterion"),
        on_delete=models.CASCADE,
        related_name="sub_indicators",
    )
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.BENEFIT
    )
    source = models.TextField(_("source"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    may_be_negative = models.BooleanField(
        _("may be negative"), default=False, help_text=_("Set for growth rates and balances.")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    expert_weight = models.FloatField(_("expert weight"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__position", "position"]
        verbose_name = _("sub-indicator")
        verbose_name_plural = _("sub-indicators")
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="sub_indicator_unique_code"),
            models.UniqueConstraint(
                fields=["criterion", "position"], name="sub_indicator_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["benefit", "cost"]),
                name="sub_indicator_direction_is_known",
            ),
            models.CheckConstraint(
                condition=Q(expert_weight__isnull=True) | Q(expert_weight__gte=0),
                name="sub_indicator_expert_weight_not_negative",
                violation_error_message=_("Weights cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return in_current_language(zh=self.name_zh, en=self.name_en)

    @property
    def is_benefit(self) -> bool:
        return self.direction == self.Direction.BENEFIT


class CandidateValue(models.Model):
    """One candidate zone's value of one sub-indicator, or the record that it is missing (and
    why). A missing value is never read as zero: the round's policy decides what scoring does."""

    sub_indicator = models.ForeignKey(
        SubIndicator,
        verbose_name=_("sub-indicator"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    zone = models.ForeignKey(
        "regions.Zone",
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        related_name="selection_values",
    )
    value = models.FloatField(_("value"), null=True, blank=True)
    is_missing = models.BooleanField(_("missing"), default=False)
    missing_reason = models.CharField(_("why missing"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=250, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sub_indicator", "zone"]
        verbose_name = _("candidate value")
        verbose_name_plural = _("candidate values")
        constraints = [
            models.UniqueConstraint(
                fields=["sub_indicator", "zone"], name="candidate_value_unique"
            ),
            models.CheckConstraint(
                condition=Q(is_missing=True, value__isnull=True)
                | Q(is_missing=False, value__isnull=False),
                name="candidate_value_missing_means_no_value",
                violation_error_message=_("A value is either given or marked missing."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} — {self.sub_indicator}"


class RoundResult(models.Model):
    """A stored scoring of a round: the weights, scores, ranks, per-criterion breakdown, chosen
    set, optimality gap, swap costs and sensitivity, with a fingerprint of every input so a rerun
    can be checked. Results are never changed; the latest is the round's current result."""

    round = models.ForeignKey(
        SelectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    input_fingerprint = models.CharField(
        _("input fingerprint"), max_length=64, help_text=_("SHA-256 of every input, as JSON.")
    )
    inputs = models.JSONField(_("inputs"), help_text=_("Settings, weights inputs and values."))
    weights = models.JSONField(_("weights used"))
    candidates = models.JSONField(
        _("candidates"), help_text=_("Score, rank, breakdown and selection of each candidate.")
    )
    excluded = models.JSONField(_("excluded candidates"), default=list, blank=True)
    chosen = models.JSONField(_("chosen zones"), help_text=_("Keys of the recommended zones."))
    objective = models.FloatField(_("total score of the chosen set"))
    mip_gap = models.FloatField(_("optimality gap"))
    solver_status = models.CharField(_("solver status"), max_length=60)
    swaps = models.JSONField(_("swap costs"), default=list, blank=True)
    sensitivity = models.JSONField(_("sensitivity"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "-computed_at", "-pk"]
        get_latest_by = ["computed_at", "pk"]
        verbose_name = _("round result")
        verbose_name_plural = _("round results")

    def __str__(self) -> str:
        return f"{self.round} — {self.computed_at:%Y-%m-%d %H:%M}"


class ScoringRun(BackgroundRun):
    """The office's request to score a round, run in the background as publishing is (ADR 0049,
    ADR 0072).

    Scoring a national round takes seconds: the page and the API queue it and show its progress
    (sensitivity runs done of the runs to do) and its outcome. Scoring is one transaction that
    writes its result once (ADR 0067), so a run that failed stored nothing; its error says why.
    """

    DONE = "scored"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Scoring")
        SCORED = "scored", _("Scored")
        FAILED = "failed", _("Failed")

    round = models.ForeignKey(
        SelectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="scoring_runs",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    result = models.ForeignKey(
        RoundResult,
        verbose_name=_("result"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rows_total = models.PositiveIntegerField(_("sensitivity runs to do"), default=0)
    rows_done = models.PositiveIntegerField(_("sensitivity runs done"), default=0)
    history = HistoricalRecords(excluded_fields=["rows_done", "updated_at"])

    class Meta(BackgroundRun.Meta):
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        constraints = [
            *run_constraints("scoring_run", done="scored"),
            models.UniqueConstraint(
                fields=["round"],
                condition=UNDER_WAY,
                name="scoring_run_one_under_way_per_round",
                violation_error_code="already_queued",
                violation_error_message=_("This round is being scored already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_status_display()}"


class Decision(models.Model):
    """The office's decision on a round: the meeting, the date and the chosen zones (which may
    differ from the recommendation, with reasons). Approving it creates the batch through the
    regions services; a batch decided before Devolve is recorded after the fact and linked."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        APPROVED = "approved", _("Approved")

    round = models.OneToOneField(
        SelectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="decision",
    )
    meeting_zh = models.CharField(_("meeting (Chinese)"), max_length=200)
    meeting_en = models.CharField(_("meeting (English)"), max_length=250, blank=True)
    decided_on = models.DateField(_("decided on"))
    chosen = models.JSONField(_("chosen zones"), help_text=_("Keys of the chosen zones."))
    differs_from_recommendation = models.BooleanField(
        _("differs from the recommendation"), default=False
    )
    reasons = models.TextField(_("reasons"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECORDED
    )
    batch = models.OneToOneField(
        "regions.Batch",
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="selection_decision",
    )
    is_recorded_after_the_fact = models.BooleanField(
        _("recorded after the fact"),
        default=False,
        help_text=_("The batch existed before the decision was recorded in Devolve."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("selection decision")
        verbose_name_plural = _("selection decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["recorded", "approved"]),
                name="decision_status_is_known",
            ),
            models.CheckConstraint(
                condition=Q(status="recorded", batch__isnull=True)
                | Q(status="approved", batch__isnull=False),
                name="decision_approved_means_batch",
                violation_error_message=_("An approved decision names its batch."),
            ),
            models.CheckConstraint(
                condition=Q(differs_from_recommendation=False) | ~Q(reasons=""),
                name="decision_difference_has_reasons",
                violation_error_message=_(
                    "A decision that differs from the recommendation gives its reasons."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Decision on %(round)s") % {"round": self.round})
