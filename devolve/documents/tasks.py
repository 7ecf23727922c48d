"""Background entrypoint of the documents app: load the record by id and call one service.

The service imports this task to enqueue it, so the service is imported here only when the task
runs.
"""

from django.tasks import task


@task
def build_generated_document(*, document_id: int) -> None:
    from devolve.documents import services
    from devolve.documents.models import GeneratedDocument

    services.build_generated_document(document=GeneratedDocument.objects.get(pk=document_id))
