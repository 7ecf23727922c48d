"""How pages answer HTMX requests: the partial named after the DOM id it replaces, else the page.

htmx 2 does not swap 4xx/5xx responses, so invalid forms re-render with status 200.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page_or_partial(
    request: HttpRequest, template_name: str, context: dict[str, Any], *, partial: str
) -> HttpResponse:
    is_htmx = bool(getattr(request, "htmx", False))
    target = getattr(getattr(request, "htmx", None), "target", None)
    if is_htmx and target == partial:
        return render(request, f"{template_name}#{partial}", context)
    return render(request, template_name, context)
