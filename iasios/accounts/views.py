from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from iasios.accounts.forms import ProfileForm


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


def admin_login(request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
    """Stands in for the Django admin's own login form, which would skip the second factor.

    Anonymous visitors log in through the account pages (password, then TOTP); people who are
    logged in but may not use the admin get 403 instead of a second password form.
    """
    next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    if admin.site.has_permission(request):
        return redirect(next_url)
    raise PermissionDenied
