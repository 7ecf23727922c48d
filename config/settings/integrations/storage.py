"""Where uploads live: the file system under MEDIA_ROOT by default, or an S3-compatible object
store (MinIO, Ceph, a cloud's OSS/COS/S3) through django-storages when ``DEVOLVE_S3_BUCKET`` is
set, so every app node and every worker reads the same files. Code reaches files only through
Django's storage API (``FileField``, ``default_storage``), never by path.

The S3 backend needs the ``s3`` extra: ``pip install 'devolve[s3]'`` (django-storages, boto3).
"""

from typing import Any

from config.env import env_str

FILE_SYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def default_storage_from_env() -> dict[str, Any]:
    """The ``STORAGES["default"]`` entry the environment asks for."""
    bucket = env_str("DEVOLVE_S3_BUCKET", "")
    if not bucket:
        return dict(FILE_SYSTEM)
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": env_str("DEVOLVE_S3_PREFIX", "media"),
        # Private objects: files are served through the app's scoped views, never by URL.
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "addressing_style": env_str("DEVOLVE_S3_ADDRESSING_STYLE", "path"),
    }
    for option, variable in (
        ("endpoint_url", "DEVOLVE_S3_ENDPOINT_URL"),
        ("region_name", "DEVOLVE_S3_REGION"),
        ("access_key", "DEVOLVE_S3_ACCESS_KEY_ID"),
        ("secret_key", "DEVOLVE_S3_SECRET_ACCESS_KEY"),
    ):
        value = env_str(variable, "")
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
