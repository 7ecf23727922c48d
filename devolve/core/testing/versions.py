"""The ``If-Match`` header an API client sends after reading a record (``core.api.versions``)."""

from django.db import models
from django.utils.http import quote_etag

from devolve.core.concurrency import version_of


def if_match(record: models.Model) -> dict[str, str]:
    """Headers naming ``record``'s current version, as its ETag read just now would."""
    return {"If-Match": quote_etag(version_of(record))}
