"""A HEAD request is answered like a GET without its body: link checkers, caches and download
managers ask HEAD before they fetch a page or a file."""

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from devolve.portal import urls as portal_urls


def _argument_free_routes() -> list[str]:
    return [
        f"portal:{pattern.name}"
        for pattern in get_resolver(portal_urls).url_patterns
        if isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("route", _argument_free_routes())
def test_head_answers_as_get_does_with_no_body(client: Client, route: str) -> None:
    url = reverse(route)
    got = client.get(url)
    head = client.head(url)
    assert (head.status_code, head.content) == (got.status_code, b"")
    assert head.status_code != 405
