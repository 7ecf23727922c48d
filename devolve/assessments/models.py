from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devolve.accounts.models import User
from devolve.assessments.rules import (
    DEFAULT_ZERO_USE_PERIODS,
    Criterion,
    Recommendation,
    rubric_from_dicts,
)
from devolve.core.history import HistoricalRecords
from devolve.core.i18n import in_current_language
from devolve.core.transitions import Lifecycle, move
from devolve.grants.models import Grant


class RecommendationChoice(models.TextChoices):
    KEEP = Recommendation.KEEP.value, _("Keep")
    EXPAND = Recommendation.EXPAND.value, _("Expand to more areas")
    ADJUST = Recommendation.ADJUST.value, _("Adjust")
    WITHDRAW = Recommendation.WITHDRAW.value, _("Withdraw")


_RECOMMENDATION_VALUES = [choice.value for choice in Recommendation]


class RoundStatus(models.TextChoices):
    # Metrics prefilled and flags raised.
    OPEN = "open", _("Open")
    # Evaluators score and recommend; the office decides entries.
    SCORING = "scoring", _("Scoring")
    # Every entry decided, scores final.
    DECIDED = "decided", _("Decided")
    # The next edition drafted.
    CLOSED = "closed", _("Closed")


class AssessmentRound(models.Model):
    """A regular assessment (定期评估) of the grants of one edition of the annual list.

    The round opens with each grant's metrics prefilled from accepted reports and zero-use grants
    flagged; evaluators (the office or a third party) score each grant against the round's rubric
    and recommend keep, expand, adjust or withdraw; the office decides each entry; the decisions
    draft the next edition, and the round closes. The rubric is stored with the round so its scores
    can be recomputed.
    """

    Status = RoundStatus

    annual_list = models.ForeignKey(
        "matters.AnnualList",
        verbose_name=_("assessed edition"),
        on_delete=models.PROTECT,
        related_name="assessment_rounds",
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    period_starts_on = models.DateField(_("period starts on"))
    period_ends_on = models.DateField(_("period ends on"))
    zero_use_periods = models.PositiveSmallIntegerField(
        _("zero-use threshold (periods)"),
        default=DEFAULT_ZERO_USE_PERIODS,
        help_text=_("A grant with no cases in this many consecutive reported periods is flagged."),
    )
    rubric = models.JSONField(
        _("rubric"),
        default=list,
        help_text=_("Criteria with their maximum points, fixed when the round opens."),
    )
    evaluators = models.ManyToManyField(
        "accounts.User",
        verbose_name=_("evaluators"),
        blank=True,
        related_name="assessment_rounds",
    )
    evaluating_body = models.CharField(
        _("evaluating body"),
        max_length=200,
        blank=True,
        help_text=_("The office, or the third party commissioned to evaluate."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_on = models.DateField(_("opened on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    next_edition = models.ForeignKey(
        "matters.AnnualList",
        verbose_name=_("next edition drafted"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="justifying_rounds",
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords(m2m_fields=[evaluators])

    class Meta:
        ordering = ["-period_ends_on", "-pk"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_ends_on__gt=F("period_starts_on")),
                name="assessment_round_ends_after_start",
                violation_error_code="dates_out_of_order",
                violation_error_message=_("A round's period ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(zero_use_periods__gte=1),
                name="assessment_round_zero_use_threshold_positive",
                violation_error_message=_("The zero-use threshold is at least one period."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values),
                name="assessment_round_status_is_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
                name="assessment_round_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return in_current_language(zh=self.title_zh, en=self.title_en) or self.title_zh

    def get_absolute_url(self) -> str:
        return reverse("dashboards:assessment_round_detail", kwargs={"pk": self.pk})

    @property
    def criteria(self) -> list[Criterion]:
        return rubric_from_dicts(self.rubric)

    @property
    def is_scoring(self) -> bool:
        return self.status == self.Status.SCORING


COMPLETED_ROUND_STATUSES = frozenset({RoundStatus.DECIDED, RoundStatus.CLOSED})

ASSESSMENT_ROUND_LIFECYCLE = Lifecycle(
    AssessmentRound.Status,
    [
        move(
            "start_scoring",
            _("Start scoring"),
            sources=[AssessmentRound.Status.OPEN],
            target=AssessmentRound.Status.SCORING,
            roles=[User.Role.OFFICE],
        ),
        move(
            "complete_decisions",
            _("Complete the decisions"),
            sources=[AssessmentRound.Status.SCORING],
            target=AssessmentRound.Status.DECIDED,
            roles=[User.Role.OFFICE],
        ),
        move(
            "draft_next_edition",
            _("Draft the next edition"),
            sources=[AssessmentRound.Status.DECIDED],
            target=AssessmentRound.Status.CLOSED,
            roles=[User.Role.OFFICE],
        ),
    ],
)


class GrantAssessment(models.Model):
    """One grant's assessment in a round: its metrics from accepted reports (take-up, use,
    timeliness, zero-use periods, supervision), the evaluators' rubric scores, and the
    recommendation with its reasons."""

    round = models.ForeignKey(
        AssessmentRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="grant_assessments",
    )
    grant = models.ForeignKey(
        "grants.Grant",
        verbose_name=_("grant"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    grant_status = models.CharField(
        _("grant status when assessed"), max_length=20, choices=Grant.Status.choices
    )
    is_taken_up = models.BooleanField(
        _("taken up"), default=False, help_text=_("The grant was effective by the period's end.")
    )
    periods_reported = models.PositiveSmallIntegerField(_("accepted periods"), default=0)
    cases_received = models.PositiveIntegerField(_("cases received"), default=0)
    cases_completed = models.PositiveIntegerField(_("cases completed"), default=0)
    average_handling_days = models.DecimalField(
        _("average handling days"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised limit (days)"), null=True, blank=True
    )
    zero_use_periods = models.PositiveSmallIntegerField(
        _("consecutive periods without a case"), default=0
    )
    zero_use_ended_on = models.DateField(_("zero-use run ended on"), null=True, blank=True)
    is_flagged_zero_use = models.BooleanField(_("flagged: zero use"), default=False)
    supervision_filed_on = models.DateField(
        _("supervision measures filed on"), null=True, blank=True
    )
    scores = models.JSONField(_("rubric scores"), default=dict, blank=True)
    score_total = models.DecimalField(
        _("score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    scored_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("scored by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=RecommendationChoice.choices, blank=True
    )
    recommendation_reason = models.TextField(_("reasons"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "grant__entry__sequence", "grant__zone__slug"]
        verbose_name = _("grant assessment")
        verbose_name_plural = _("grant assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "grant"],
                name="grant_assessment_one_per_round",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(recommendation="") | Q(recommendation__in=_RECOMMENDATION_VALUES),
                name="grant_assessment_recommendation_is_known",
            ),
            models.CheckConstraint(
                condition=Q(recommendation__in=["", "keep"]) | ~Q(recommendation_reason=""),
                name="grant_assessment_reason_for_change",
                violation_error_code="reason_required",
                violation_error_message=_("Give the reasons for anything but keeping the grant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.grant}"

    def get_absolute_url(self) -> str:
        return reverse("dashboards:grant_assessment_detail", kwargs={"pk": self.pk})

    @property
    def is_scored(self) -> bool:
        return self.score_total is not None

    @property
    def is_within_limit(self) -> bool | None:
        if self.average_handling_days is None or self.promised_limit_days is None:
            return None
        return self.average_handling_days <= self.promised_limit_days


class EntryDecision(models.Model):
    """The office's decision on one entry of the assessed edition, across its areas: accept the
    rolled-up recommendation or override it with a reason. The terms of an adjustment or expansion
    (areas, conditions, departments) are stored here; drafting the next edition applies them and
    links the resulting entry back (``next_entry``), so each change of the new edition names the
    assessment that justified it."""

    round = models.ForeignKey(
        AssessmentRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="entry_decisions",
    )
    entry = models.ForeignKey(
        "matters.ListEntry",
        verbose_name=_("assessed entry"),
        on_delete=models.PROTECT,
        related_name="assessment_decisions",
    )
    recommended = models.CharField(
        _("recommended"),
        max_length=10,
        choices=RecommendationChoice.choices,
        blank=True,
        help_text=_("The grants' recommendations rolled up to the entry when it was decided."),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=RecommendationChoice.choices)
    reason = models.TextField(_("reason"), blank=True)
    changes_areas = models.BooleanField(
        _("changes the receiving areas"),
        default=False,
        help_text=_("The areas below replace the entry's; none listed means every pilot area."),
    )
    receiving_areas = models.ManyToManyField(
        "regions.Zone", verbose_name=_("receiving areas"), blank=True, related_name="+"
    )
    conditions = models.TextField(
        _("new conditions"), null=True, blank=True, help_text=_("Empty keeps them as they are.")
    )
    notes = models.TextField(_("new notes"), null=True, blank=True)
    granting_department = models.ForeignKey(
        "matters.Department",
        verbose_name=_("new granting department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supervising_department = models.ForeignKey(
        "matters.Department",
        verbose_name=_("new supervising department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"))
    next_entry = models.OneToOneField(
        "matters.ListEntry",
        verbose_name=_("entry of the next edition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_decision",
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords(m2m_fields=[receiving_areas])

    class Meta:
        ordering = ["round", "entry__sequence"]
        verbose_name = _("entry decision")
        verbose_name_plural = _("entry decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "entry"],
                name="entry_decision_one_per_round",
                violation_error_code="duplicate",
                violation_error_message=_("This entry is already decided in the round."),
            ),
            models.CheckConstraint(
                condition=Q(decision__in=_RECOMMENDATION_VALUES),
                name="entry_decision_is_known",
            ),
            models.CheckConstraint(
                condition=Q(decision="keep") | ~Q(reason=""),
                name="entry_decision_reason_for_change",
                violation_error_code="reason_required",
                violation_error_message=_("Give the reason for anything but keeping the entry."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.entry}"

    @property
    def is_override(self) -> bool:
        return bool(self.recommended) and self.decision != self.recommended
