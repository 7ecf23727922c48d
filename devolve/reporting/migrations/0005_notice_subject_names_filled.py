"""Notices sent before both names were kept get them from the report they are about (named in
their key: ``due:area:3``, ``reopened:department:5:2025-03-01``). A notice whose report is gone
keeps its one-language ``subject_label``, which the notice falls back to."""

from typing import Any

from django.db import migrations

REPORT_MODELS = {"area": ("AreaReport", "zone"), "department": ("DepartmentReport", "department")}


def fill_subject_names(apps: Any, schema_editor: Any) -> None:
    notice_model = apps.get_model("reporting", "ReportingNotice")
    unnamed = notice_model.objects.filter(subject_name_zh="", subject_name_en="")
    for which, (model_name, subject_field) in REPORT_MODELS.items():
        report_model = apps.get_model("reporting", model_name)
        for notice in unnamed.filter(key__contains=f":{which}:").only("pk", "key").iterator():
            parts = notice.key.split(":")
            if len(parts) < 3 or parts[1] != which or not parts[2].isdigit():
                continue
            subject = (
                report_model.objects.filter(pk=int(parts[2]))
                .values(f"{subject_field}__name_zh", f"{subject_field}__name_en")
                .first()
            )
            if subject is None:
                continue
            notice_model.objects.filter(pk=notice.pk).update(
                subject_name_zh=subject[f"{subject_field}__name_zh"][:200],
                subject_name_en=subject[f"{subject_field}__name_en"][:200],
            )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_notice_subject_names")]

    operations = [migrations.RunPython(fill_subject_names, migrations.RunPython.noop)]
