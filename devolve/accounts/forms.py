from django.contrib.auth.forms import AuthenticationForm

from devolve.core.forms import apply_design_system


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self)
