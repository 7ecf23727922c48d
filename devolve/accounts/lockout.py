"""Failed sign-ins and lockout, through django-axes.

Axes counts failures per username and client address (settings ``AXES_*``) and refuses a locked
pair before any password is checked. This module tells axes where the client is, answers a
locked-out sign-in in the reader's language and records the lockout as an audit event.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from devolve.accounts.forms import SignInForm
from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.events import record_event


def client_address(request: HttpRequest) -> str:
    """The client's IP address: the connection's, or behind ``DEVOLVE_PROXY_COUNT`` reverse
    proxies the address the outermost of them saw (DRF's throttles read it the same way)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.DEVOLVE_PROXY_COUNT
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]


def lockout_message(cool_off: timedelta) -> str:
    minutes = max(1, round(cool_off.total_seconds() / 60))
    return ngettext(
        "Too many failed sign-ins for this account from your address. Try again in %(minutes)d "
        "minute, or ask the reform office to unlock the account.",
        "Too many failed sign-ins for this account from your address. Try again in %(minutes)d "
        "minutes, or ask the reform office to unlock the account.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The sign-in page again, with the lockout explained, as 429 Too Many Requests."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = SignInForm(request, initial={"username": username})
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "lockout_message": lockout_message(settings.AXES_COOLOFF_TIME),
            "next": request.POST.get("next", request.GET.get("next", "")),
        },
        status=429,
    )


def record_lockout(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    """Axes' ``user_locked_out`` signal: an audit event on the account, when it exists."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return
    record_event(
        actor=None,
        action="user.locked_out",
        target=user,
        reason=system_text("user.failed_sign_ins", count=settings.AXES_FAILURE_LIMIT),
        details={"ip_address": ip_address},
    )
