from django.contrib.auth import views as auth_views

from devolve.accounts.forms import SignInForm

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html", authentication_form=SignInForm
)
logout = auth_views.LogoutView.as_view()
