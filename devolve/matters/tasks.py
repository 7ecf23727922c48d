"""Background entrypoints of the matters app: each loads its record by id and calls one service.

Services import these tasks to enqueue them, so the services are imported here only when a task
runs.
"""

from django.tasks import task


@task
def run_list_import_dry_run(*, list_import_id: int) -> None:
    from devolve.matters.models import ListImport
    from devolve.matters.services import list_imports

    list_imports.run_list_import_dry_run(list_import=ListImport.objects.get(pk=list_import_id))


@task
def apply_list_import(*, list_import_id: int) -> None:
    from devolve.matters.models import ListImport
    from devolve.matters.services import list_imports

    list_imports.apply_list_import(list_import=ListImport.objects.get(pk=list_import_id))
