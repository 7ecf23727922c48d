from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.translation import gettext_lazy as _

from devolve.accounts import services
from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.forms import apply_design_system


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self)


class NewPasswordForm(SetPasswordForm[User]):
    """A new password from a reset link; the change goes through ``services.set_password``."""

    reason_code = "user.password_reset_by_link"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_design_system(self)

    def save(self, commit: bool = True) -> User:
        # clean() already ran the same password validators the service runs.
        return services.set_password(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            reason=system_text(self.reason_code),
        )


class ChangePasswordForm(PasswordChangeForm, NewPasswordForm):
    """The signed-in user's own change: the old password first."""

    reason_code = "user.password_changed_by_owner"


class ResetRequestForm(PasswordResetForm):
    """An e-mail address; a reset link goes to each active account with a usable password there.

    The answer is the same whether or not an account has the address, so the form does not reveal
    who has an account.
    """

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_design_system(self)


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_design_system(self)
