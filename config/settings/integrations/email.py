"""Where mail goes: the SMTP server ``DEVOLVE_SMTP_HOST`` names (the province's mail relay), or
the console when none is named, which suits the demo and development only. Production settings
ask for the SMTP server and refuse to start without it: reminders and password-reset links must
leave the server.
"""

from typing import Any

from config.env import env_int, env_str

CONSOLE = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}


def mailers_from_env(*, required: bool) -> dict[str, dict[str, Any]]:
    """The ``MAILERS`` setting the environment asks for."""
    host = env_str("DEVOLVE_SMTP_HOST", None if required else "")
    if not host:
        return {"default": dict(CONSOLE)}
    security = env_str("DEVOLVE_SMTP_SECURITY", "starttls").lower()
    if security not in {"starttls", "tls", "none"}:
        raise ValueError("DEVOLVE_SMTP_SECURITY must be starttls, tls or none.")
    options: dict[str, Any] = {
        "host": host,
        "port": env_int("DEVOLVE_SMTP_PORT", default=465 if security == "tls" else 587),
        "username": env_str("DEVOLVE_SMTP_USERNAME", ""),
        "password": env_str("DEVOLVE_SMTP_PASSWORD", ""),
        "use_tls": security == "starttls",
        "use_ssl": security == "tls",
        "timeout": env_int("DEVOLVE_SMTP_TIMEOUT_SECONDS", default=20),
    }
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": options,
        }
    }
