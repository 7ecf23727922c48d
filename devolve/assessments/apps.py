from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "devolve.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        # Registers this app's permission rules with django-rules (infrastructure, not domain flow).
        from devolve.assessments import permissions  # noqa: F401
