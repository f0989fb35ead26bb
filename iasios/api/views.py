"""Pages where people manage their own personal access tokens for the API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from iasios.api.forms import TokenCreateForm
from iasios.api.models import PersonalAccessToken
from iasios.api.services import token_create, token_revoke

# The raw secret of a token just created waits here for the one page that shows it.
NEW_TOKEN_SESSION_KEY = "api.new_token"  # noqa: S105 - a session key, not a secret


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = TokenCreateForm(request.POST or None)
    # Programme staff without a second factor never get here (accounts' MFA middleware).
    if request.method == "POST" and form.is_valid():
        token, raw = token_create(user=user, name=form.cleaned_data["name"], expires_at=form.expires_at())
        request.session[NEW_TOKEN_SESSION_KEY] = {"id": str(token.pk), "raw": raw}
        return redirect("api_tokens")
    tokens = PersonalAccessToken.objects.filter(user=user)
    # Shown once: taken out of the session by the first page that displays it.
    new = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    created: tuple[PersonalAccessToken, str] | None = None
    if new:
        shown = next((t for t in tokens if str(t.pk) == new["id"]), None)
        created = (shown, new["raw"]) if shown else None
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "created": created},
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: UUID) -> HttpResponse:
    user: Any = request.user
    token = get_object_or_404(PersonalAccessToken, pk=pk, user=user)
    token_revoke(token=token, user=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api_tokens")
