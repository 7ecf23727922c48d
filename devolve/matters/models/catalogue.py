from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devolve.core.history import HistoricalRecords
from devolve.core.i18n import in_current_language
from devolve.matters.rules import new_matter_key


class MatterType(models.Model):
    """A type of matter in the national catalogue of government service matters (事项类型): the
    ten administrative power types and public service. Reference data loaded by a data migration.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=80)
    is_administrative_power = models.BooleanField(
        _("administrative power"), help_text=_("False only for public service.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("matter type")
        verbose_name_plural = _("matter types")

    def __str__(self) -> str:
        return in_current_language(zh=self.name_zh, en=self.name_en)


class AuthorizationMode(models.Model):
    """How a list entry passes a matter to pilot areas: delegate (下放), entrust (委托), both with
    sub-items split between the two (既下放又委托), or support (支持事项, no power changes hands).
    Reference data loaded by a data migration; code keys the rules that depend on the mode.
    """

    class Code(models.TextChoices):
        DELEGATE = "delegate", _("Delegate")
        ENTRUST = "entrust", _("Entrust")
        BOTH = "both", _("Delegate and entrust")
        SUPPORT = "support", _("Support")

    code = models.CharField(_("code"), max_length=10, unique=True, choices=Code.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=40)
    description_zh = models.TextField(_("description (Chinese)"))
    description_en = models.TextField(_("description (English)"))
    sort_order = models.PositiveSmallIntegerField(_("order"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("authorization mode")
        verbose_name_plural = _("authorization modes")

    def __str__(self) -> str:
        return in_current_language(zh=self.name_zh, en=self.name_en)


class Department(models.Model):
    """A provincial department or unit (省直部门) that owns matters and grants or supports them."""

    code = models.SlugField(_("key"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    source = models.TextField(_("source"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return in_current_language(zh=self.name_zh, en=self.name_en)


class Matter(models.Model):
    """A matter in the catalogue: a power or a support commitment, identified across years.

    A power has a matter type (licensing, confirmation …) and a legal basis; a support matter has
    neither. Sub-items point at their main item. Annual lists refer to matters, so the identity of
    a matter persists while its list entries change from edition to edition.
    """

    class Kind(models.TextChoices):
        POWER = "power", _("Power")
        SUPPORT = "support", _("Support matter")

    key = models.CharField(
        _("public key"),
        max_length=16,
        unique=True,
        default=new_matter_key,
        editable=False,
        help_text=_(
            "Identifies the matter's public page and its rows in open data; never changes."
        ),
    )
    code = models.CharField(
        _("matter code"),
        max_length=64,
        blank=True,
        help_text=_("Catalogue code (事项编码), e.g. 511A0138600000; empty for support matters."),
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    matter_type = models.ForeignKey(
        MatterType,
        verbose_name=_("matter type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    competent_department = models.ForeignKey(
        Department,
        verbose_name=_("competent department"),
        on_delete=models.PROTECT,
        related_name="matters",
    )
    legal_basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("Setting basis (设定依据).")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("main item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_items",
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Set when any value was invented for the demo."),
    )
    source = models.TextField(_("source"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["competent_department__code", "code", "pk"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="matter_code_unique",
                violation_error_code="duplicate",
                violation_error_message=_("Another matter already has this code."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="power") & Q(matter_type__isnull=False))
                | (Q(kind="support") & Q(matter_type__isnull=True)),
                name="matter_type_matches_kind",
                violation_error_message=_(
                    "A power needs a matter type; a support matter has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="matter_not_its_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {in_current_language(zh=self.name_zh, en=self.name_en)}".strip()

    def get_absolute_url(self) -> str:
        return reverse("portal:matter_detail", kwargs={"key": self.key})
