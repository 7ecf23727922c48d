"""Every admin declares its scope; the system check refuses one that does not."""

from django.contrib import admin
from django.contrib.admin import AdminSite

from devolve.accounts.admin import ProgrammeAdmin, every_record
from devolve.accounts.checks import admin_scope_errors
from devolve.regions.models import Batch, Division, Zone


def test_every_registered_admin_is_a_programme_admin_with_a_scope() -> None:
    assert admin_scope_errors(admin.site) == []


def test_a_plain_model_admin_or_an_undeclared_scope_is_an_error() -> None:
    class Undeclared(ProgrammeAdmin):
        pass

    class Declared(ProgrammeAdmin):
        scope = every_record

    site = AdminSite(name="check")
    site.register(Division, admin.ModelAdmin)
    site.register(Zone, Undeclared)
    site.register(Batch, Declared)
    errors = admin_scope_errors(site)
    assert [(error.id, error.obj) for error in errors] == [
        ("accounts.E001", admin.ModelAdmin),
        ("accounts.E002", Undeclared),
    ]
