"""Background entrypoint of the grants app: load the record by id and call one service.

The service imports this task to enqueue it, so the service is imported here only when the task
runs.
"""

from django.tasks import task


@task
def run_publication(*, publication_id: int) -> None:
    from devolve.grants import services
    from devolve.grants.models import Publication

    services.run_publication(publication=Publication.objects.get(pk=publication_id))


@task
def run_activation(*, activation_run_id: int) -> None:
    from devolve.grants import services
    from devolve.grants.models import ActivationRun

    services.run_activation(activation_run=ActivationRun.objects.get(pk=activation_run_id))
