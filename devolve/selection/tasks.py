"""Background entrypoint of the selection app: load the record by id and call one service.

The service imports this task to enqueue it, so the service is imported here only when the task
runs.
"""

from django.tasks import task


@task
def run_scoring(*, scoring_run_id: int) -> None:
    from devolve.selection import services
    from devolve.selection.models import ScoringRun

    services.run_scoring(scoring_run=ScoringRun.objects.get(pk=scoring_run_id))
