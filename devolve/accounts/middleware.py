"""Session lifetime: a signed-in session ends after a spell without requests (idle timeout) and,
however active, a fixed time after sign-in (absolute lifetime), as level-3 graded protection and
OWASP ASVS 3.3 ask. Both are settings (``DEVOLVE_SESSION_IDLE_MINUTES``,
``DEVOLVE_SESSION_MAX_HOURS``).
"""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

SIGNED_IN_AT = "devolve_signed_in_at"
LAST_SEEN_AT = "devolve_last_seen_at"
# Seconds between writes of the last-seen time: an active user does not rewrite the session on
# every request, at the cost of the idle timeout being this much coarser.
LAST_SEEN_RESOLUTION = 60


def mark_signed_in(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Django's ``user_logged_in`` signal: the absolute lifetime counts from this sign-in."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            expired = self._expiry_reason(request)
            if expired:
                logout(request)
                if not request.path_info.startswith("/api/"):
                    messages.warning(request, expired)
                    return self._to_sign_in(request)
        return self.get_response(request)

    def _expiry_reason(self, request: HttpRequest) -> str:
        now = int(time.time())
        session = request.session
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen_at = session.get(LAST_SEEN_AT, signed_in_at)
        idle_minutes = settings.DEVOLVE_SESSION_IDLE_MINUTES
        max_hours = settings.DEVOLVE_SESSION_MAX_HOURS
        if now - last_seen_at > idle_minutes * 60:
            return _(
                "You were signed out after %(minutes)d minutes without activity. Sign in again."
            ) % {"minutes": idle_minutes}
        if now - signed_in_at > max_hours * 3600:
            return _("You were signed out %(hours)d hours after signing in. Sign in again.") % {
                "hours": max_hours
            }
        if now - last_seen_at >= LAST_SEEN_RESOLUTION or LAST_SEEN_AT not in session:
            session[LAST_SEEN_AT] = now
        return ""

    @staticmethod
    def _to_sign_in(request: HttpRequest) -> HttpResponse:
        next_path = request.get_full_path() if request.method == "GET" else request.path
        if request.headers.get("HX-Request") == "true":
            # An HTMX swap would put the sign-in page inside the current one: load it whole, and
            # come back to the page the request came from, not to its fragment.
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            if current.path:
                next_path = current.path + (f"?{current.query}" if current.query else "")
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect_to_login(next_path).url
            return response
        return redirect_to_login(next_path)
