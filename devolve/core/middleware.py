"""Language of API responses.

Pages take their language from the URL (Chinese unprefixed, English under /en/), so Django's
LocaleMiddleware gives every unprefixed path the default language. API paths carry no language,
so API clients choose by Accept-Language instead.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


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
