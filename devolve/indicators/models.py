"""Tables of the indicators app: the indicator catalogue, observations with their vintages, the
imports that bring them in and the evaluation runs computed from them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devolve.core.history import HistoricalRecords
from devolve.core.i18n import in_current_language


class Indicator(models.Model):
    """An economic statistic published for zones, prefectures or the province (GRP, real growth,
    fixed-asset investment …): what it measures, in which unit, how often, real or nominal."""

    class Frequency(models.TextChoices):
        YEAR = "year", _("Annual")
        QUARTER = "quarter", _("Quarterly")

    class PriceBasis(models.TextChoices):
        REAL = "real", _("Real (constant prices)")
        NOMINAL = "nominal", _("Nominal (current prices)")
        NONE = "none", _("Not a money amount")

    class Kind(models.TextChoices):
        LEVEL = "level", _("Level")
        GROWTH_RATE = "growth_rate", _("Growth rate (%)")
        COUNT = "count", _("Count")

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Stable key, e.g. grp-real-growth.")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    unit_zh = models.CharField(_("unit (Chinese)"), max_length=30)
    unit_en = models.CharField(_("unit (English)"), max_length=40)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.YEAR
    )
    price_basis = models.CharField(_("price basis"), max_length=10, choices=PriceBasis.choices)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    level_indicator = models.ForeignKey(
        "self",
        verbose_name=_("level it grows"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="growth_rates",
        help_text=_("For a growth rate: the level whose values weight an output-weighted mean."),
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=["year", "quarter"]), name="indicator_frequency_is_known"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["level", "growth_rate", "count"]),
                name="indicator_kind_is_known",
            ),
            models.CheckConstraint(
                condition=Q(level_indicator__isnull=True) | Q(kind="growth_rate"),
                name="indicator_only_growth_rates_name_a_level",
                violation_error_message=_("Only a growth rate names the level it grows."),
            ),
        ]

    def __str__(self) -> str:
        return in_current_language(zh=self.name_zh, en=self.name_en)

    @property
    def unit(self) -> str:
        return in_current_language(zh=self.unit_zh, en=self.unit_en)

    @property
    def description(self) -> str:
        return in_current_language(zh=self.description_zh, en=self.description_en)


class SubjectKind(models.TextChoices):
    ZONE = "zone", _("Zone")
    PREFECTURE = "prefecture", _("Prefecture")
    PROVINCE = "province", _("Province")


class ObservationQuerySet(models.QuerySet["Observation"]):
    def released_by(self, on: datetime.date) -> "ObservationQuerySet":
        """Observations whose release (vintage) was on or before ``on``; pick the latest vintage
        per period with ``selectors.latest_observations``."""
        return self.filter(vintage__lte=on)

    def for_zones(self) -> "ObservationQuerySet":
        return self.filter(subject_kind=SubjectKind.ZONE)

    def for_province(self) -> "ObservationQuerySet":
        return self.filter(subject_kind=SubjectKind.PROVINCE)


class Observation(models.Model):
    """One published value of an indicator for one subject (a zone, a prefecture or the province)
    and one period (a year, or a quarter of it), as released on ``vintage``.

    A revised figure is a new row with a later vintage: the earlier release stays, so every figure
    computed from observations can say which release it used.
    """

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    subject_kind = models.CharField(_("subject kind"), max_length=12, choices=SubjectKind.choices)
    zone = models.ForeignKey(
        "regions.Zone",
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observations",
    )
    division = models.ForeignKey(
        "regions.Division",
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observations",
        help_text=_("The prefecture or the province the figure is for."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, help_text=_("Empty for a whole-year figure.")
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    vintage = models.DateField(_("vintage"), help_text=_("The day the figure was released."))
    source = models.TextField(_("source"))
    is_simulated = models.BooleanField(
        _("simulated"), default=False, help_text=_("Set when the value was generated for the demo.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["indicator__code", "subject_kind", "year", "quarter", "vintage"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        indexes = [
            models.Index(fields=["indicator", "year"], name="observation_indicator_year"),
            # Each subject-period's releases, newest first: the latest release of every figure
            # is read in this order without a sort (``selectors.headline``). The value and the
            # simulated flag close the key (not ``include``, which SQLite ignores) so that the
            # headline reads the index alone.
            models.Index(
                fields=[
                    "indicator",
                    "subject_kind",
                    "zone",
                    "division",
                    "year",
                    "quarter",
                    "-vintage",
                    "-id",
                    "value",
                    "is_simulated",
                ],
                name="observation_latest_release",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject_kind="zone") & Q(zone__isnull=False) & Q(division__isnull=True)
                )
                | (
                    Q(subject_kind__in=["prefecture", "province"])
                    & Q(zone__isnull=True)
                    & Q(division__isnull=False)
                ),
                name="observation_subject_matches_kind",
                violation_error_message=_(
                    "A zone's figure names the zone; a prefecture's or the province's names the "
                    "division."
                ),
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="observation_quarter_1_to_4",
                violation_error_message=_("A quarter is 1, 2, 3 or 4."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1949, year__lte=2100),
                name="observation_year_plausible",
                violation_error_message=_("The year must lie between 1949 and 2100."),
            ),
            # One value per subject, period and release; quarter NULL (a whole year) counts as 0.
            models.UniqueConstraint(
                F("indicator"),
                F("zone"),
                F("year"),
                Coalesce(F("quarter"), 0),
                F("vintage"),
                condition=Q(zone__isnull=False),
                name="observation_unique_zone_period_vintage",
                violation_error_message=_(
                    "This release already has a value for the subject and period."
                ),
            ),
            models.UniqueConstraint(
                F("indicator"),
                F("division"),
                F("year"),
                Coalesce(F("quarter"), 0),
                F("vintage"),
                condition=Q(division__isnull=False),
                name="observation_unique_division_period_vintage",
                violation_error_message=_(
                    "This release already has a value for the subject and period."
                ),
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.year}" if self.quarter is None else f"{self.year}Q{self.quarter}"
        return f"{self.indicator.code} · {self.subject} · {period} · {self.vintage}"

    @property
    def subject(self) -> object:
        return self.zone if self.zone_id is not None else self.division

    def clean(self) -> None:
        division = self.division if self.division_id is not None else None
        if (
            division is not None
            and self.subject_kind in {"prefecture", "province"}
            and division.level != self.subject_kind
        ):
            raise ValidationError(
                {
                    "division": ValidationError(
                        _("%(division)s is not a %(kind)s.")
                        % {
                            "division": division.code,
                            "kind": SubjectKind(self.subject_kind).label,
                        },
                        code="wrong_subject_level",
                    )
                }
            )
        if (
            self.indicator_id is not None
            and self.quarter is not None
            and self.indicator.frequency == Indicator.Frequency.YEAR
        ):
            raise ValidationError(
                {
                    "quarter": ValidationError(
                        _("%(indicator)s is published by year, not by quarter.")
                        % {"indicator": self.indicator.code},
                        code="annual_indicator",
                    )
                }
            )


class ObservationImport(models.Model):
    """An uploaded statistics file checked in a dry run; applying it writes its observations.

    ``rows`` keeps the checked rows (subject, period, value) so applying needs no second upload;
    ``errors`` every problem by row and column. A file with any error is never applied.
    """

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, not applied")
        REFUSED = "refused", _("Refused: the file has errors")
        APPLIED = "applied", _("Applied")

    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    vintage = models.DateField(_("vintage"))
    source = models.TextField(_("source"))
    is_simulated = models.BooleanField(_("simulated"), default=False)
    rows = models.JSONField(_("checked rows"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("observation import")
        verbose_name_plural = _("observation imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["checked", "refused", "applied"]),
                name="observation_import_status_is_known",
            ),
            models.CheckConstraint(
                condition=(Q(status="applied") & Q(applied_at__isnull=False))
                | (~Q(status="applied") & Q(applied_at__isnull=True)),
                name="observation_import_applied_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})" if self.uploaded_at else ""

    def get_absolute_url(self) -> str:
        return reverse("dashboards:observation_import_detail", kwargs={"pk": self.pk})


class EvaluationRun(models.Model):
    """One causal evaluation of the reform on one indicator, stored with everything needed to
    reproduce it: the panel (units, years, outcomes, cohorts), the method and its parameters, the
    data vintage, a fingerprint of the inputs, and the results and diagnostics.

    Runs are never edited; a new run (with new data or settings) is a new row.
    """

    class Outcome(models.TextChoices):
        LOG_LEVEL = "log_level", _("Log of the level")
        VALUE = "value", _("The value as published")

    class Control(models.TextChoices):
        NEVER = "never", _("Never-treated zones")
        NOT_YET = "notyet", _("Not-yet-treated zones")

    class Method(models.TextChoices):
        REGRESSION = "reg", _("Outcome regression")
        IPW = "ipw", _("Inverse probability weighting")
        DOUBLY_ROBUST = "dr", _("Doubly robust")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="runs"
    )
    batch = models.ForeignKey(
        "regions.Batch",
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_runs",
        help_text=_("The batch whose page shows the run; the panel holds every batch as a cohort."),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    control = models.CharField(_("comparison group"), max_length=6, choices=Control.choices)
    method = models.CharField(_("method"), max_length=3, choices=Method.choices)
    covariates = models.JSONField(_("covariates"), default=list, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    as_of = models.DateField(_("data as of"), help_text=_("Latest release used for each value."))
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    input_fingerprint = models.CharField(_("input fingerprint"), max_length=64)
    inputs = models.JSONField(_("inputs"), default=dict)
    results = models.JSONField(_("results"), default=dict)
    diagnostics = models.JSONField(_("diagnostics"), default=dict)
    headline_allowed = models.BooleanField(_("headline effect shown"), default=False)
    known_effect = models.JSONField(
        _("known effect"),
        null=True,
        blank=True,
        help_text=_("For simulated data only: the effect the generator put in."),
    )
    is_simulated = models.BooleanField(_("simulated"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gt=F("first_year")),
                name="evaluation_run_spans_two_years",
                violation_error_message=_("A run needs at least two years."),
            ),
            models.CheckConstraint(
                condition=Q(control__in=["never", "notyet"]), name="evaluation_run_control_known"
            ),
            models.CheckConstraint(
                condition=Q(method__in=["reg", "ipw", "dr"]), name="evaluation_run_method_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["log_level", "value"]),
                name="evaluation_run_outcome_known",
            ),
            models.CheckConstraint(
                condition=Q(input_fingerprint__regex=r"^[0-9a-f]{64}$"),
                name="evaluation_run_fingerprint_is_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.get_method_display()} · {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("dashboards:evaluation_run_detail", kwargs={"pk": self.pk})
