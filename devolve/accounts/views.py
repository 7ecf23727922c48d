import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from devolve.accounts.forms import ChangePasswordForm, NewPasswordForm, ResetRequestForm
from devolve.accounts.lockout import client_address
from devolve.accounts.second_factor import (
    SignInView,
    admin_sign_in,
    second_factor_setup,
    second_factor_verify,
)

__all__ = ["admin_sign_in", "second_factor_setup", "second_factor_verify"]

login = SignInView.as_view()
logout = auth_views.LogoutView.as_view()

password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html",
    form_class=ChangePasswordForm,
    success_url=reverse_lazy("accounts:password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)
# The window the reset limits count in.
RESET_WINDOW_SECONDS = 3600


def _counted_within(key: str, limit: int) -> bool:
    """Count one more under ``key`` in the current window; whether the count is within
    ``limit``. Counted in Django's cache, per app server process with the local-memory cache,
    as the API throttles are (ADR 0028)."""
    cache.add(key, 0, timeout=RESET_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RESET_WINDOW_SECONDS)
        count = 1
    return count <= limit


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Django's reset request, rate-limited: a client address may ask
    ``DEVOLVE_PASSWORD_RESET_REQUESTS_PER_CLIENT`` times an hour (then 429), and one e-mail
    address gets at most ``DEVOLVE_PASSWORD_RESET_MAILS_PER_ADDRESS`` mails an hour; further
    requests for it get the usual answer and no mail, so a mailbox cannot be flooded and the
    answer still tells nothing about who has an account."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        client = f"password-reset:client:{client_address(request)}"
        if not _counted_within(client, settings.DEVOLVE_PASSWORD_RESET_REQUESTS_PER_CLIENT):
            form = self.get_form()
            form.add_error(None, _("Too many reset requests from your network; try in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        address = form.cleaned_data["email"].strip().lower()
        key = f"password-reset:address:{hashlib.sha256(address.encode()).hexdigest()}"
        if not _counted_within(key, settings.DEVOLVE_PASSWORD_RESET_MAILS_PER_ADDRESS):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


password_reset = PasswordResetRequestView.as_view(
    template_name="accounts/password_reset.html",
    form_class=ResetRequestForm,
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    form_class=NewPasswordForm,
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
