"""The inbox pages. Each person sees only their own notifications: any other id is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iasios.notifications import selectors, services
from iasios.notifications.forms import PreferencesForm
from iasios.notifications.kinds import KINDS, optional_kinds
from iasios.notifications.models import Notification

PAGE_SIZE = 20


def _own(request: HttpRequest, pk: object) -> Notification:
    return get_object_or_404(Notification, pk=pk, user=request.user)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "notifications": page.object_list})


@login_required
def detail(request: HttpRequest, pk: str) -> HttpResponse:
    return render(request, "notifications/detail.html", {"notification": _own(request, pk)})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: str) -> HttpResponse:
    """Mark one read; then go to `next` (the page it is about) when that is on this site."""
    notification = services.notification_mark_read(notification=_own(request, pk))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    if request.POST.get("open") and notification.link.startswith("/"):
        return redirect(notification.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    opted_out = selectors.opted_out_kinds(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_save(user=request.user, emailed_kinds=form.cleaned_data["emailed"])
            messages.success(request, _("Your e-mail preferences are saved."))
            return redirect("notifications:preferences")
    else:
        form = PreferencesForm(
            initial={"emailed": [kind.prefix for kind in optional_kinds() if kind.prefix not in opted_out]}
        )
    mandatory = [kind for kind in KINDS.values() if kind.mandatory and kind.inbox]
    return render(request, "notifications/preferences.html", {"form": form, "mandatory": mandatory})
