"""Performance assessment of reform targets (目标绩效考核): versioned schemes, yearly assessments,
scores explained item by item, appeals."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devolve.accounts.models import User
from devolve.core.history import HistoricalRecords
from devolve.core.i18n import in_current_language
from devolve.core.transitions import Lifecycle, move
from devolve.performance import rules


class SubjectType(models.TextChoices):
    PREFECTURE = "prefecture", _("Cities and prefectures")
    DEPARTMENT = "department", _("Provincial departments")
    PILOT_AREA = "pilot_area", _("Pilot areas")


class Tier(models.TextChoices):
    EXCELLENT = rules.Tier.EXCELLENT.value, _("Excellent")
    GOOD = rules.Tier.GOOD.value, _("Good")
    PASS = rules.Tier.PASS.value, _("Pass")
    FAIL = rules.Tier.FAIL.value, _("Fail")


class Scheme(models.Model):
    """One version of a performance scheme (考核方案): an indicator tree with weights and scoring
    rules for one type of subject, on a base of 100 points, with the tier thresholds.

    A draft is edited; publishing checks that weights add up and freezes it. A change to a
    published scheme is a new version (a new draft copied from it); assessments use published
    versions only.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    code = models.SlugField(_("key"), max_length=40, help_text=_("The same for every version."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=200)
    subject_type = models.CharField(_("subjects"), max_length=12, choices=SubjectType.choices)
    base_points = models.DecimalField(
        _("base points"), default=Decimal(100), max_digits=8, decimal_places=2
    )
    excellent_from = models.DecimalField(_("excellent from"), max_digits=8, decimal_places=2)
    good_from = models.DecimalField(_("good from"), max_digits=8, decimal_places=2)
    pass_from = models.DecimalField(_("pass from"), max_digits=8, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
    )
    note = models.TextField(_("note"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Weights and thresholds invented for the demo, not an official scheme."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("performance scheme")
        verbose_name_plural = _("performance schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="scheme_version_unique",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(excellent_from__gt=F("good_from")) & Q(good_from__gt=F("pass_from")),
                name="scheme_tiers_in_order",
                violation_error_code="tiers_out_of_order",
                violation_error_message=_("Excellent must start above good, and good above pass."),
            ),
            models.CheckConstraint(condition=Q(base_points__gt=0), name="scheme_base_positive"),
        ]

    def __str__(self) -> str:
        name = in_current_language(zh=self.name_zh, en=self.name_en)
        return f"{name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("dashboards:performance_scheme_detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


SCHEME_LIFECYCLE = Lifecycle(
    Scheme.Status,
    [
        move(
            "publish",
            _("Publish"),
            sources=[Scheme.Status.DRAFT],
            target=Scheme.Status.PUBLISHED,
            roles=[User.Role.OFFICE],
        ),
    ],
)


class IndicatorGroup(models.Model):
    """A first-level indicator of a scheme (一级指标) with its weight in percent of the base. A
    group of only bonus and deduction items weighs 0."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="groups"
    )
    sequence = models.PositiveSmallIntegerField(_("order"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=200)
    weight = models.DecimalField(_("weight (%)"), max_digits=8, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "sequence"]
        verbose_name = _("indicator group")
        verbose_name_plural = _("indicator groups")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "sequence"], name="group_order_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="group_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return in_current_language(zh=self.name_zh, en=self.name_en)


class IndicatorItem(models.Model):
    """A second-level indicator (二级指标): where its input comes from (a measure computed from
    reform data, or a manual entry by the office with evidence), how the input becomes points, and
    what no data means. Weighted items share their group's weight; bonus and deduction items add
    or take away points per unit up to a cap."""

    class Kind(models.TextChoices):
        WEIGHTED = rules.ItemKind.WEIGHTED.value, _("Weighted")
        BONUS = rules.ItemKind.BONUS.value, _("Bonus")
        DEDUCTION = rules.ItemKind.DEDUCTION.value, _("Deduction")

    class Rule(models.TextChoices):
        LINEAR_TO_TARGET = rules.ScoringRule.LINEAR_TO_TARGET.value, _("Linear to target")
        PROPORTIONAL_TO_BEST = (
            rules.ScoringRule.PROPORTIONAL_TO_BEST.value,
            _("Proportional to the best"),
        )
        RANK_TO_POINTS = rules.ScoringRule.RANK_TO_POINTS.value, _("Rank to points")
        PER_UNIT = rules.ScoringRule.PER_UNIT.value, _("Points per unit, capped")

    class Measure(models.TextChoices):
        REPORTING_COMPLETENESS = "reporting_completeness", _("Reporting completeness (%)")
        REPORTING_TIMELINESS = "reporting_timeliness", _("Reporting timeliness (%)")
        CASES_COMPLETED = "cases_completed", _("Cases completed under grants (accepted reports)")
        GRANT_ASSESSMENT = "grant_assessment", _("Average regular-assessment score of grants")
        ZERO_USE_GRANTS = "zero_use_grants", _("Grants flagged for zero use")
        ECONOMIC_INDICATOR = "economic_indicator", _("Economic indicator (annual value)")
        MANUAL = "manual", _("Entered by the office with evidence")

    class NoData(models.TextChoices):
        EXCLUDE = rules.NoDataRule.EXCLUDE.value, _("Leave out; the other items share its weight")
        ZERO = rules.NoDataRule.ZERO.value, _("Score zero")

    group = models.ForeignKey(
        IndicatorGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="items"
    )
    sequence = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("key"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WEIGHTED)
    weight = models.DecimalField(
        _("weight (percent of group)"),
        default=Decimal(0),
        help_text=_("0 for bonus and deduction items."),
        max_digits=8,
        decimal_places=2,
    )
    measure = models.CharField(_("input"), max_length=25, choices=Measure.choices)
    indicator_code = models.SlugField(
        _("economic indicator key"),
        max_length=60,
        blank=True,
        help_text=_("For economic indicator inputs."),
    )
    rule = models.CharField(_("scoring rule"), max_length=25, choices=Rule.choices)
    floor = models.DecimalField(
        _("floor (0 points)"), null=True, blank=True, max_digits=16, decimal_places=4
    )
    target = models.DecimalField(
        _("target (full points)"), null=True, blank=True, max_digits=16, decimal_places=4
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    rank_points = models.JSONField(
        _("points by rank (percent of full points)"),
        default=list,
        blank=True,
        help_text=_(
            "For rank to points: rank 1 first, e.g. [100, 90, 80]; later ranks get the last."
        ),
    )
    points_per_unit = models.DecimalField(
        _("points per unit"), null=True, blank=True, max_digits=8, decimal_places=4
    )
    cap = models.DecimalField(
        _("cap (points)"), null=True, blank=True, max_digits=8, decimal_places=2
    )
    when_no_data = models.CharField(
        _("when there is no data"), max_length=10, choices=NoData.choices, default=NoData.EXCLUDE
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["group__scheme", "group__sequence", "sequence"]
        verbose_name = _("indicator item")
        verbose_name_plural = _("indicator items")
        constraints = [
            models.UniqueConstraint(fields=["group", "sequence"], name="item_order_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="item_weight_not_negative"),
            models.CheckConstraint(
                condition=Q(kind="weighted") | (Q(rule="per_unit") & Q(weight=0)),
                name="item_bonus_deduction_per_unit",
                violation_error_code="invalid_rule",
                violation_error_message=_(
                    "Bonus and deduction items score points per unit and carry no weight."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="weighted") | ~Q(rule="per_unit"),
                name="item_weighted_not_per_unit",
                violation_error_code="invalid_rule",
                violation_error_message=_("A weighted item needs a rule that yields a share."),
            ),
            models.CheckConstraint(
                condition=~Q(rule="linear_to_target")
                | (Q(floor__isnull=False) & Q(target__isnull=False)),
                name="item_linear_has_floor_and_target",
                violation_error_code="invalid_rule",
                violation_error_message=_("Linear to target needs a floor and a target."),
            ),
            models.CheckConstraint(
                condition=~Q(rule="per_unit") | Q(points_per_unit__isnull=False),
                name="item_per_unit_has_points",
                violation_error_code="invalid_rule",
                violation_error_message=_("Bonus and deduction items need points per unit."),
            ),
        ]

    def __str__(self) -> str:
        return in_current_language(zh=self.name_zh, en=self.name_en)

    def spec(self) -> rules.ItemSpec:
        return rules.ItemSpec(
            code=self.code,
            group=str(self.group.sequence),
            group_weight=self.group.weight,
            weight=self.weight,
            kind=rules.ItemKind(self.kind),
            rule=rules.ScoringRule(self.rule),
            floor=self.floor,
            target=self.target,
            higher_is_better=self.higher_is_better,
            rank_points=tuple(Decimal(str(points)) for points in self.rank_points),
            points_per_unit=self.points_per_unit,
            cap=self.cap,
            when_no_data=rules.NoDataRule(self.when_no_data),
        )


class PerformanceAssessment(models.Model):
    """The assessment of one year under one published scheme version: computed into scores,
    open to appeals between two dates, then published by the office. Only published scores are
    public; once published nothing changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not computed")
        COMPUTED = "computed", _("Computed")
        PUBLISHED = "published", _("Published")

    scheme = models.ForeignKey(
        Scheme,
        verbose_name=_("scheme version"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    year = models.PositiveSmallIntegerField(_("year assessed"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    appeal_opens_on = models.DateField(_("appeals open on"))
    appeal_closes_on = models.DateField(_("appeals close on"))
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "scheme__code"]
        verbose_name = _("performance assessment")
        verbose_name_plural = _("performance assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "year"],
                name="assessment_one_per_scheme_year",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(appeal_closes_on__gte=F("appeal_opens_on")),
                name="assessment_appeal_window_in_order",
                violation_error_code="dates_out_of_order",
                violation_error_message=_("The appeal window closes after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.scheme}"

    def get_absolute_url(self) -> str:
        return reverse("dashboards:performance_assessment_detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


PERFORMANCE_ASSESSMENT_LIFECYCLE = Lifecycle(
    PerformanceAssessment.Status,
    [
        # Computing again (before appeals are filed) replaces the scores.
        move(
            "compute",
            _("Compute"),
            sources=[PerformanceAssessment.Status.DRAFT, PerformanceAssessment.Status.COMPUTED],
            target=PerformanceAssessment.Status.COMPUTED,
            roles=[User.Role.OFFICE],
        ),
        move(
            "publish",
            _("Publish"),
            sources=[PerformanceAssessment.Status.COMPUTED],
            target=PerformanceAssessment.Status.PUBLISHED,
            roles=[User.Role.OFFICE],
        ),
    ],
)


class SubjectFields(models.Model):
    """Who is assessed: one of a prefecture, a department or a pilot area, and its stable key
    (division code, department key or zone slug)."""

    subject_key = models.CharField(_("subject key"), max_length=60)
    prefecture = models.ForeignKey(
        "regions.Division",
        verbose_name=_("prefecture"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "matters.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    zone = models.ForeignKey(
        "regions.Zone",
        verbose_name=_("pilot area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def subject(self) -> models.Model | None:
        return self.prefecture or self.department or self.zone


ONE_SUBJECT = (
    Q(prefecture__isnull=False, department__isnull=True, zone__isnull=True)
    | Q(prefecture__isnull=True, department__isnull=False, zone__isnull=True)
    | Q(prefecture__isnull=True, department__isnull=True, zone__isnull=False)
)


class ManualInput(SubjectFields):
    """A value the office enters for a manual item and a subject, with its evidence."""

    assessment = models.ForeignKey(
        PerformanceAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="manual_inputs",
    )
    item = models.ForeignKey(
        IndicatorItem,
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="manual_inputs",
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    evidence = models.TextField(_("evidence"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "item", "subject_key"]
        verbose_name = _("manual input")
        verbose_name_plural = _("manual inputs")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item", "subject_key"],
                name="manual_input_unique",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(condition=ONE_SUBJECT, name="manual_input_one_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} · {self.subject_key}"


class Score(SubjectFields):
    """One subject's score in an assessment: the scheme version used, the weighted points, bonus
    and deductions, total, tier and rank. Its items hold every input used and the points each
    earned, so the score can be recomputed and explained. ``revision`` counts recomputations
    (after an upheld appeal); history keeps each."""

    assessment = models.ForeignKey(
        PerformanceAssessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme version"), on_delete=models.PROTECT, related_name="scores"
    )
    weighted_points = models.DecimalField(_("weighted points"), max_digits=8, decimal_places=2)
    bonus_points = models.DecimalField(_("bonus"), max_digits=8, decimal_places=2)
    deduction_points = models.DecimalField(_("deductions"), max_digits=8, decimal_places=2)
    total = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    rank = models.PositiveSmallIntegerField(_("rank"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    computed_at = models.DateTimeField(_("computed at"))
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "rank", "subject_key"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "subject_key"],
                name="score_one_per_subject",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(condition=ONE_SUBJECT, name="score_one_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment.year} · {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("dashboards:performance_score_detail", kwargs={"pk": self.pk})


class ScoreItem(models.Model):
    """How one item was scored for one subject: the input used and where it came from, what it
    was compared with, the full points after any sharing of weight, the share earned and the
    points."""

    class Outcome(models.TextChoices):
        SCORED = rules.ItemOutcome.SCORED.value, _("Scored")
        EXCLUDED = rules.ItemOutcome.EXCLUDED.value, _("No data: left out, weight shared")
        ZERO = rules.ItemOutcome.ZERO.value, _("No data: scored zero")

    class Source(models.TextChoices):
        MEASURE = "measure", _("Computed from reform data")
        MANUAL = "manual", _("Entered by the office")
        APPEAL = "appeal", _("Corrected on appeal")
        NONE = "none", _("No data")

    score = models.ForeignKey(
        Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="items"
    )
    item = models.ForeignKey(
        IndicatorItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    input_value = models.DecimalField(
        _("input"), null=True, blank=True, max_digits=16, decimal_places=4
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    best = models.DecimalField(
        _("best value"), null=True, blank=True, max_digits=16, decimal_places=4
    )
    rank = models.PositiveSmallIntegerField(_("rank on the item"), null=True, blank=True)
    max_points = models.DecimalField(_("full points"), max_digits=8, decimal_places=4)
    share = models.DecimalField(
        _("share earned"), null=True, blank=True, max_digits=8, decimal_places=4
    )
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["score", "item__group__sequence", "item__sequence"]
        verbose_name = _("score item")
        verbose_name_plural = _("score items")
        constraints = [
            models.UniqueConstraint(fields=["score", "item"], name="score_item_unique"),
            models.CheckConstraint(
                condition=~Q(source="none") | Q(input_value__isnull=True),
                name="score_item_no_data_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} · {self.item.code}"


class Appeal(models.Model):
    """A subject contests one item of its score (申诉) with evidence, inside the appeal window.
    The office upholds it (the item's input is corrected and the assessment recomputed) or rejects
    it with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    score = models.ForeignKey(
        Score, verbose_name=_("score"), on_delete=models.PROTECT, related_name="appeals"
    )
    item = models.ForeignKey(
        IndicatorItem, verbose_name=_("item contested"), on_delete=models.PROTECT, related_name="+"
    )
    grounds = models.TextField(_("grounds and evidence"))
    evidence_file = models.FileField(
        _("evidence file"), upload_to="performance/appeals/", blank=True
    )
    claimed_value = models.DecimalField(
        _("value claimed"), null=True, blank=True, max_digits=16, decimal_places=4
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_on = models.DateField(_("filed on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    corrected_value = models.DecimalField(
        _("corrected value"), null=True, blank=True, max_digits=16, decimal_places=4
    )
    previous_value = models.DecimalField(
        _("value before correction"), null=True, blank=True, max_digits=16, decimal_places=4
    )
    previous_total = models.DecimalField(
        _("score before"), null=True, blank=True, max_digits=8, decimal_places=2
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-filed_on", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending")
                | (Q(decided_on__isnull=False) & ~Q(decision_reason="")),
                name="appeal_decision_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="upheld") | Q(corrected_value__isnull=False),
                name="appeal_upheld_has_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} · {self.item.code}"


APPEAL_LIFECYCLE = Lifecycle(
    Appeal.Status,
    [
        move(
            "uphold",
            _("Uphold"),
            sources=[Appeal.Status.PENDING],
            target=Appeal.Status.UPHELD,
            roles=[User.Role.OFFICE],
        ),
        move(
            "reject",
            _("Reject"),
            sources=[Appeal.Status.PENDING],
            target=Appeal.Status.REJECTED,
            roles=[User.Role.OFFICE],
        ),
    ],
)
