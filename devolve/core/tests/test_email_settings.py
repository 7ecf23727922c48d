import pytest

from config.env import MissingEnvironmentVariable
from config.settings.integrations.email import CONSOLE, mailers_from_env

SMTP_VARIABLES = (
    "DEVOLVE_SMTP_HOST",
    "DEVOLVE_SMTP_PORT",
    "DEVOLVE_SMTP_SECURITY",
    "DEVOLVE_SMTP_USERNAME",
    "DEVOLVE_SMTP_PASSWORD",
    "DEVOLVE_SMTP_TIMEOUT_SECONDS",
)


@pytest.fixture(autouse=True)
def _no_smtp_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in SMTP_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def test_mail_goes_to_the_console_without_a_server() -> None:
    assert mailers_from_env(required=False) == {"default": CONSOLE}


def test_production_refuses_to_start_without_a_server() -> None:
    with pytest.raises(MissingEnvironmentVariable, match="DEVOLVE_SMTP_HOST"):
        mailers_from_env(required=True)


def test_a_named_server_is_reached_with_starttls_on_the_submission_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEVOLVE_SMTP_HOST", "smtp.sc.gov.cn")
    monkeypatch.setenv("DEVOLVE_SMTP_USERNAME", "devolve")
    monkeypatch.setenv("DEVOLVE_SMTP_PASSWORD", "relay-secret")

    assert mailers_from_env(required=True) == {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "smtp.sc.gov.cn",
                "port": 587,
                "username": "devolve",
                "password": "relay-secret",
                "use_tls": True,
                "use_ssl": False,
                "timeout": 20,
            },
        }
    }


def test_implicit_tls_uses_port_465_and_a_wrong_mode_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEVOLVE_SMTP_HOST", "smtp.sc.gov.cn")
    monkeypatch.setenv("DEVOLVE_SMTP_SECURITY", "tls")
    options = mailers_from_env(required=True)["default"]["OPTIONS"]
    assert (options["port"], options["use_tls"], options["use_ssl"]) == (465, False, True)

    monkeypatch.setenv("DEVOLVE_SMTP_SECURITY", "ssl3")
    with pytest.raises(ValueError, match="DEVOLVE_SMTP_SECURITY"):
        mailers_from_env(required=True)
