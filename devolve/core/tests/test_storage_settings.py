import pytest

from config.settings.integrations.storage import FILE_SYSTEM, default_storage_from_env


def test_uploads_stay_on_the_file_system_without_a_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEVOLVE_S3_BUCKET", raising=False)

    assert default_storage_from_env() == FILE_SYSTEM


def test_a_bucket_moves_uploads_to_a_shared_private_object_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEVOLVE_S3_BUCKET", "devolve-uploads")
    monkeypatch.setenv("DEVOLVE_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("DEVOLVE_S3_ACCESS_KEY_ID", "key")
    monkeypatch.setenv("DEVOLVE_S3_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("DEVOLVE_S3_REGION", raising=False)

    assert default_storage_from_env() == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "devolve-uploads",
            "location": "media",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": "path",
            "endpoint_url": "http://127.0.0.1:9000",
            "access_key": "key",
            "secret_key": "secret",
        },
    }
