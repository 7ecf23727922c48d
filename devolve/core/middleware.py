"""Request plumbing shared by every page and API path.

``NulInPathMiddleware``: no record has a key holding a NUL character, and PostgreSQL cannot
compare text with one (a path key that reached a query was a 500), so such a path is not found.

``ApiLanguageMiddleware``: pages take their language from the URL (Chinese unprefixed, English
under /en/), so Django's LocaleMiddleware gives every unprefixed path the default language. API
paths carry no language, so API clients choose by Accept-Language instead.
"""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


class NulInPathMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" not in request.path_info:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            # The API's error shape (devolve.core.api.exceptions), as for any unknown key.
            return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
        raise Http404(_("Not found."))


class ApiLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if request.path_info.startswith("/api/"):
            response.headers.setdefault("Content-Language", translation.get_language())
        return response
