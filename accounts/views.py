from django.contrib.auth import views as auth_views
from django.shortcuts import render

from accounts.forms import SignInForm
from accounts.scope import has_any


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def home(request):
    return render(
        request,
        "accounts/home.html",
        {"can_view_households": has_any(request.user, "view_households"),
         "can_change_households": has_any(request.user, "change_households")},
    )
