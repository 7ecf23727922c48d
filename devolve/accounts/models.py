from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """Someone who signs in: reform office staff, a department or prefecture officer, a pilot area's
    management committee, an evaluator or an auditor.

    The role fixes what kind of work the person does; the scope fields fix where. A department user
    works on its department's matters, a prefecture user on its prefecture, a pilot area user on its
    zone. The database refuses a scoped role without its scope, and a scope on a role that has none.
    """

    class Role(models.TextChoices):
        OFFICE = "office", _("Reform office")
        DEPARTMENT = "department", _("Provincial department")
        PREFECTURE = "prefecture", _("Prefecture government")
        PILOT_AREA = "pilot_area", _("Pilot area management committee")
        EVALUATOR = "evaluator", _("Evaluator")
        AUDITOR = "auditor", _("Auditor")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        "matters.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Required for provincial department users; their scope."),
    )
    prefecture = models.ForeignKey(
        "regions.Division",
        verbose_name=_("prefecture"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        limit_choices_to={"level": "prefecture"},
        help_text=_("Required for prefecture users; their scope."),
    )
    zone = models.ForeignKey(
        "regions.Zone",
        verbose_name=_("pilot area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Required for pilot area users; their scope."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="department", department__isnull=False)
                | (~Q(role="department") & Q(department__isnull=True)),
                name="user_department_scope_matches_role",
                violation_error_code="scope_mismatch",
                violation_error_message=_(
                    "A department user needs a department; other roles have none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(role="prefecture", prefecture__isnull=False)
                | (~Q(role="prefecture") & Q(prefecture__isnull=True)),
                name="user_prefecture_scope_matches_role",
                violation_error_code="scope_mismatch",
                violation_error_message=_(
                    "A prefecture user needs a prefecture; other roles have none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(role="pilot_area", zone__isnull=False)
                | (~Q(role="pilot_area") & Q(zone__isnull=True)),
                name="user_zone_scope_matches_role",
                violation_error_code="scope_mismatch",
                violation_error_message=_("A pilot area user needs a zone; other roles have none."),
            ),
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "office",
                        "department",
                        "prefecture",
                        "pilot_area",
                        "evaluator",
                        "auditor",
                    ]
                ),
                name="user_role_is_known",
            ),
        ]

    @property
    def is_office(self) -> bool:
        return self.role == self.Role.OFFICE

    @property
    def is_auditor(self) -> bool:
        return self.role == self.Role.AUDITOR

    @property
    def scope_label(self) -> str:
        scope = self.department or self.prefecture or self.zone
        return str(scope) if scope else ""
