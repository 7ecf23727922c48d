from django.conf import settings
from django.http import HttpRequest

from devolve.core.i18n import in_current_language


def programme(request: HttpRequest) -> dict[str, str]:
    """The programme's name in the page's language (a deployment setting, not code)."""
    return {
        "programme_name": in_current_language(
            zh=settings.PROGRAMME_NAME_ZH, en=settings.PROGRAMME_NAME_EN
        )
    }
