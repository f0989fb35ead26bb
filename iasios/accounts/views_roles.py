"""The office's people pages (/office/people/): find a person by e-mail, grant and revoke programme roles.

One rule opens them (`access.can_manage_roles`); which roles a person may change is
`access.roles_grantable_by`, asked by the buttons and by the services alike. Every change is an
event on the person, listed on their page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from iasios.accounts import people, services
from iasios.accounts.access import can_manage_roles, roles_grantable_by
from iasios.accounts.middleware import NO_MFA_YET
from iasios.accounts.models import User
from iasios.accounts.roles import ProgrammeRoleName
from iasios.core.refusals import refusal_as_message


def roles_manager_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_roles(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _person(pk: uuid.UUID) -> User:
    person = people.person_for_roles(pk)
    if person is None:
        raise Http404
    return person


@roles_manager_required
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    return render(
        request,
        "accounts/roles.html",
        {"query": query, "people": people.people_search(query), "limit": people.SEARCH_LIMIT, "no_mfa": NO_MFA_YET},
    )


@roles_manager_required
@require_GET
def person_roles(request: HttpRequest, user_id: uuid.UUID) -> HttpResponse:
    person = _person(user_id)
    held = {role.role for role in person.programme_role_set.all()}
    grantable = roles_grantable_by(request.user)
    return render(
        request,
        "accounts/roles_person.html",
        {
            "person": person,
            "memberships": list(person.memberships.all()),  # type: ignore[attr-defined]
            "held": [(value, label, value in grantable) for value, label in ProgrammeRoleName.choices if value in held],
            "to_grant": [
                (value, label) for value, label in ProgrammeRoleName.choices if value in grantable and value not in held
            ],
            "no_mfa": NO_MFA_YET,
            "events": people.role_history(person),
        },
    )


@roles_manager_required
@require_POST
def role_change(request: HttpRequest, user_id: uuid.UUID, action: str) -> HttpResponse:
    person = _person(user_id)
    role = request.POST.get("role", "")
    if role not in ProgrammeRoleName.values or action not in {"grant", "revoke"}:
        messages.error(request, _("Choose a programme role."))
        return redirect("office_people:person", person.pk)
    label = ProgrammeRoleName(role).label
    with refusal_as_message(request):
        if action == "grant":
            services.programme_role_grant(user=person, role=role, granted_by=request.user)
            done = _("%(person)s is now %(role)s.") % {"person": person, "role": label}
            if not person.mfa_on:  # type: ignore[attr-defined]
                done = f"{done} {NO_MFA_YET}"
        else:
            services.programme_role_revoke(user=person, role=role, revoked_by=request.user)
            done = _("%(person)s no longer holds the role %(role)s.") % {"person": person, "role": label}
        messages.success(request, done)
    return redirect("office_people:person", person.pk)
