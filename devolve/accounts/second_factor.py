"""Signing in with a second factor: after the password, an account with a confirmed
authenticator (TOTP, django-otp) is signed in only once it gives a current code. Between the two
steps the session holds who passed the password, for a few minutes, and nobody is signed in.
"""

import base64
import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from devolve.accounts import selectors, services
from devolve.accounts.forms import CodeForm, SignInForm
from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.errors import DomainError, NotAllowed

PENDING_USER = "devolve_second_factor_user"
PENDING_BACKEND = "devolve_second_factor_backend"
PENDING_SINCE = "devolve_second_factor_since"
PENDING_NEXT = "devolve_second_factor_next"
# Minutes between the password and the code before the password must be given again.
PENDING_MINUTES = 5


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not selectors.has_second_factor(user=user):
            return super().form_valid(form)
        self.request.session[PENDING_USER] = user.pk
        self.request.session[PENDING_BACKEND] = user.backend
        self.request.session[PENDING_SINCE] = int(time.time())
        self.request.session[PENDING_NEXT] = self.get_success_url()
        return redirect("accounts:second_factor_verify")


def _pending_user(request: HttpRequest) -> User | None:
    since = request.session.get(PENDING_SINCE, 0)
    if time.time() - since > PENDING_MINUTES * 60:
        return None
    user_id = request.session.get(PENDING_USER)
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


@require_http_methods(["GET", "HEAD", "POST"])
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The sign-in's second step: the code from the authenticator."""
    user = _pending_user(request)
    if user is None:
        messages.warning(request, _("Sign in again: the code was not given in time."))
        return redirect("accounts:login")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_second_factor(user=user, token=form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("That code is wrong or has expired."))
        else:
            backend = request.session[PENDING_BACKEND]
            next_url = str(request.session.get(PENDING_NEXT, ""))
            login(request, user, backend=backend)
            otp_login(request, device)
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = reverse(settings.LOGIN_REDIRECT_URL)
            return HttpResponseRedirect(next_url)
    return render(request, "accounts/second_factor_verify.html", {"form": form})


def _qr_code_svg(config_url: str) -> str:
    return str(segno.make(config_url, error="m").svg_inline(scale=5, dark="#0b0c0c"))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up, or remove, the user's authenticator (office and auditor accounts)."""
    user: User = request.user  # type: ignore[assignment]
    if not user.may_use_second_factor:
        raise NotAllowed(_("Your role does not use a second factor."))
    form = CodeForm(request.POST if request.POST.get("step") in {"confirm", "remove"} else None)
    context: dict[str, Any] = {"form": form, "has_second_factor": False, "device": None}
    step = request.POST.get("step", "") if request.method == "POST" else ""
    try:
        if step == "start":
            context["device"] = services.start_second_factor(user=user)
        elif step == "confirm" and form.is_valid():
            services.confirm_second_factor(user=user, token=form.cleaned_data["token"])
            messages.success(request, _("Two-step verification is set up."))
            return redirect("accounts:second_factor_setup")
        elif step == "remove" and form.is_valid():
            if services.verify_second_factor(user=user, token=form.cleaned_data["token"]) is None:
                form.add_error("token", _("That code is wrong or has expired."))
            else:
                services.remove_second_factor(
                    user=user,
                    removed_by=user,
                    reason=system_text("user.second_factor_removed_by_owner"),
                )
                messages.success(request, _("Two-step verification is removed."))
                return redirect("accounts:second_factor_setup")
    except DomainError as error:
        form.add_error("token" if error.field == "token" else None, str(error.message))
    context["has_second_factor"] = selectors.has_second_factor(user=user)
    if step == "confirm" and not context["has_second_factor"]:
        context["device"] = selectors.unconfirmed_second_factor(user=user)
    device = context["device"]
    if device is not None:
        context["qr_code"] = _qr_code_svg(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/second_factor_setup.html", context)


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the staff sign-in page, so the second factor applies there
    too."""
    query = request.GET.urlencode()
    return redirect(reverse("accounts:login") + (f"?{query}" if query else ""))
