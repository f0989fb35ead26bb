"""Facility pages: registration, activation, joining by code, the facility dashboard and its team.

Views are thin: they check access (access.py), call a service and show the result; a service's
refusal goes onto the form (`refusal_on`) or into a message (`refusal_as_message`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iasios.accounts.roles import FacilityRoleName
from iasios.core.events import timeline
from iasios.core.refusals import refusal_as_message, refusal_on
from iasios.facilities import access, selectors, services
from iasios.facilities.forms import (
    AccountForm,
    ApprovalForm,
    ApproveForm,
    ConsentForm,
    DeclineForm,
    FacilityForm,
    FacilityLanguageForm,
    FormGroup,
    HandoverForm,
    JoinForm,
    PeopleForm,
    VolumeForm,
    registration_input,
)
from iasios.facilities.lifecycle import JOIN_REQUEST_LIFECYCLE
from iasios.facilities.models import Facility, JoinRequest, Membership
from iasios.facilities.parts import dashboard_parts, part_next_step, to_pay
from iasios.facilities.status import next_step
from iasios.standards.selectors import NoCurrentFramework, current_framework


def register(request: HttpRequest) -> HttpResponse:
    if not access.can_register_facility(request.user):
        raise PermissionDenied(_("Programme staff cannot register a facility."))
    framework = current_framework()
    if framework is None:
        raise NoCurrentFramework(NoCurrentFramework.__doc__)
    programme = framework.settings
    data = request.POST if request.method == "POST" else None
    anonymous = not request.user.is_authenticated
    account_form = AccountForm(data) if anonymous else None
    facility_form = FacilityForm(data)
    volume_form = VolumeForm(data, programme=programme, labels=dict(framework.procedure_categories_in()))
    approval_form = ApprovalForm(data)
    people_form = PeopleForm(data)
    consent_form = ConsentForm(data)
    forms: list[Form] = [
        f for f in (account_form, facility_form, volume_form, approval_form, people_form, consent_form) if f is not None
    ]
    if request.method == "POST" and all(f.is_valid() for f in forms):
        if account_form is not None:
            me_name, me_email = account_form.cleaned_data["account_name"], account_form.cleaned_data["email"]
        else:
            me_name, me_email = request.user.get_full_name(), request.user.email  # type: ignore[union-attr]
        payload = registration_input(
            facility_form, volume_form, approval_form, people_form, consent_form, me_name=me_name, me_email=me_email
        )
        with refusal_on(FormGroup(forms)):
            registration = services.facility_register(
                data=payload,
                user=None if anonymous else request.user,  # type: ignore[arg-type]
                account=account_form.account() if account_form is not None else None,
            )
            for warning in registration.warnings:
                messages.warning(request, warning)
            request.session["facilities_registered_email"] = registration.registrant.email
            return redirect("facilities:register_done")
    has_errors = any(f.errors for f in forms)
    return render(
        request,
        "facilities/register.html",
        {
            "account_form": account_form,
            "facility_form": facility_form,
            "volume_form": volume_form,
            "approval_form": approval_form,
            "people_form": people_form,
            "consent_form": consent_form,
            "programme": programme,
            "has_errors": has_errors,
        },
        status=400 if has_errors else 200,
    )


def register_done(request: HttpRequest) -> HttpResponse:
    return render(
        request, "facilities/register_done.html", {"email": request.session.get("facilities_registered_email", "")}
    )


def activate(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link does; POST activates (mail scanners that open links change nothing)."""
    try:
        facility, registrant = services.activation_read(token)
    except services.ActivationExpired as exc:
        return render(
            request, "facilities/activate.html", {"error": str(exc), "expired": True, "token": token}, status=400
        )
    except services.ActivationError as exc:
        return render(request, "facilities/activate.html", {"error": str(exc)}, status=400)
    if request.method == "POST":
        try:
            facility = services.facility_activate(token=token)
        except services.ActivationError as exc:
            return render(request, "facilities/activate.html", {"error": str(exc), "facility": facility}, status=400)
        if not request.user.is_authenticated or request.user.pk != registrant.pk:
            login(request, registrant, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("The registration is activated. Welcome to your facility's workspace."))
        return redirect("facilities:dashboard", pk=facility.pk)
    return render(request, "facilities/activate.html", {"facility": facility, "registrant": registrant, "token": token})


@require_POST
def activate_resend(request: HttpRequest, token: str) -> HttpResponse:
    """A new link for an expired one: the signature must still be genuine."""
    from django.core import signing

    try:
        payload = signing.loads(token, salt=services.ACTIVATION_SALT)
    except signing.BadSignature:
        return render(
            request, "facilities/activate.html", {"error": _("This activation link is not valid.")}, status=400
        )
    facility = Facility.objects.filter(pk=payload.get("f"), registered_by_id=payload.get("u")).first()
    if facility is not None:
        services.activation_resend(facility=facility)
    messages.success(request, _("If the registration still waits for activation, a new link is on its way."))
    return redirect("facilities:register_done")


@login_required
def join(request: HttpRequest) -> HttpResponse:
    if not access.can_request_join(request.user):
        raise PermissionDenied(_("Programme staff cannot join a facility."))
    form = JoinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            join_request = services.join_request_create(user=request.user, code=form.cleaned_data["code"])
            messages.success(
                request,
                _("Your request to join %(facility)s is sent. You will get an e-mail when it is answered.")
                % {"facility": join_request.facility.name},
            )
            return redirect("facilities:join")
    user: Any = request.user
    my_requests = JoinRequest.objects.filter(user=user).select_related("facility").order_by("-created_at")[:10]
    return render(
        request,
        "facilities/join.html",
        {
            "form": form,
            "my_requests": my_requests,
            "invitations": selectors.invitations_for_user(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def invitations_accept(request: HttpRequest) -> HttpResponse:
    if not access.can_request_join(request.user):
        raise PermissionDenied
    memberships = services.invitations_accept(user=request.user)  # type: ignore[arg-type]
    for m in memberships:
        messages.success(
            request,
            _("You joined %(facility)s as %(role)s.") % {"facility": m.facility.name, "role": m.get_role_display()},
        )
    return redirect("dashboard")


@login_required
def dashboard(request: HttpRequest, pk: Any) -> HttpResponse:
    facility = access.get_visible_facility_or_404(request.user, pk)
    return render(request, "facilities/dashboard.html", dashboard_context(request, facility))


def join_request_rows(user: Any, facility: Facility) -> list[dict[str, Any]]:
    """Open requests to join, each with the answers this user may give now (the lifecycle's rule)."""
    rows = []
    for join_request in selectors.pending_join_requests(facility):
        actions = {t.name for t in JOIN_REQUEST_LIFECYCLE.available(join_request, user)}
        if actions:
            rows.append({"request": join_request, "actions": actions})
    return rows


def team_context(user: Any, facility: Facility) -> dict[str, Any]:
    """What the team section (facilities/includes/team.html) shows this user."""
    members = selectors.team(facility)
    manage = access.can_manage_team(user, facility)
    return {
        "members": members,
        "can_manage_team": manage,
        "can_handover": access.can_handover(user, facility) and len(members) > 1,
        "handover_form": HandoverForm(members=members),
        "join_requests": join_request_rows(user, facility) if manage else [],
        "invitations": list(selectors.pending_invitations(facility)) if manage else [],
        "approve_form": ApproveForm(),
        "decline_form": DeclineForm(),
    }


def dashboard_context(request: HttpRequest, facility: Facility) -> dict[str, Any]:
    user = request.user
    role = access.facility_role(user, facility)
    parts = dashboard_parts(user, facility)
    return {
        "facility": facility,
        "role_label": FacilityRoleName(role).label if role else "",
        **team_context(user, facility),
        "can_see_code": access.can_see_code(user, facility),
        "language_form": FacilityLanguageForm(initial={"language": facility.language}),
        "parts": [part for part in parts if part.place != "top"],
        "top_parts": [part for part in parts if part.place == "top"],
        "next_step": part_next_step(parts) or next_step(facility, to_pay(parts)),
        "has_decision": any(part.context.get("has_decision") for part in parts),
        "events": timeline(facility)[:50],
        "volumes": list(facility.volumes.all()),
        # The categories' labels in the reader's language (the stored label is the English of then).
        "framework": current_framework(),
    }


def _facility_for_action(request: HttpRequest, pk: Any) -> Facility:
    return access.get_visible_facility_or_404(request.user, pk)


def _back(request: HttpRequest, facility: Facility) -> HttpResponse:
    if access.is_office(request.user) and request.POST.get("next") == "office":
        return redirect("office_facilities:detail", pk=facility.pk)
    return redirect("facilities:dashboard", pk=facility.pk)


@login_required
@require_POST
def code_regenerate(request: HttpRequest, pk: Any) -> HttpResponse:
    facility = _facility_for_action(request, pk)
    services.facility_code_regenerate(facility=facility, actor=request.user)
    messages.success(request, _("The facility has a new code; the old one no longer works."))
    return redirect("facilities:dashboard", pk=facility.pk)


@login_required
@require_POST
def language_set(request: HttpRequest, pk: Any) -> HttpResponse:
    facility = _facility_for_action(request, pk)
    form = FacilityLanguageForm(request.POST)
    with refusal_as_message(request):
        services.facility_language_set(facility=facility, actor=request.user, language=form.data.get("language", ""))
        messages.success(request, _("Letters, invoices and the certificate will be in the chosen language."))
    return redirect("facilities:dashboard", pk=facility.pk)


def _pending_request(facility: Facility, request_pk: Any) -> JoinRequest:
    return get_object_or_404(JoinRequest.objects.select_related("user", "facility"), pk=request_pk, facility=facility)


@login_required
@require_POST
def request_approve(request: HttpRequest, pk: Any, request_pk: Any) -> HttpResponse:
    facility = _facility_for_action(request, pk)
    join_request = _pending_request(facility, request_pk)
    form = ApproveForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else ""
    with refusal_as_message(request):
        membership = services.join_request_approve(join_request=join_request, actor=request.user, role=role)
        messages.success(
            request,
            _("%(name)s joined as %(role)s.") % {"name": membership.user, "role": membership.get_role_display()},
        )
    return _back(request, facility)


@login_required
@require_POST
def request_decline(request: HttpRequest, pk: Any, request_pk: Any) -> HttpResponse:
    facility = _facility_for_action(request, pk)
    join_request = _pending_request(facility, request_pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    with refusal_as_message(request):
        services.join_request_decline(join_request=join_request, actor=request.user, reason=reason)
        messages.success(request, _("The request of %(name)s is declined.") % {"name": join_request.user})
    return _back(request, facility)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: Any, member_pk: Any) -> HttpResponse:
    facility = _facility_for_action(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "facility"), pk=member_pk, facility=facility
    )
    with refusal_as_message(request):
        services.membership_remove(membership=membership, actor=request.user)
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user})
    return _back(request, facility)


@login_required
@require_POST
def handover(request: HttpRequest, pk: Any) -> HttpResponse:
    facility = _facility_for_action(request, pk)
    if not access.can_handover(request.user, facility):
        raise PermissionDenied
    members = selectors.team(facility)
    form = HandoverForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, _("Choose an existing member as the new authorised representative."))
        return _back(request, facility)
    target = Membership.objects.filter(Q(pk=form.cleaned_data["member"]), facility=facility).first()
    if target is None:
        messages.error(request, _("Choose an existing member as the new authorised representative."))
        return _back(request, facility)
    with refusal_as_message(request):
        services.representative_handover(
            facility=facility,
            to=target,
            actor=request.user,
            previous_holder_role=form.cleaned_data["previous_holder_role"],
        )
        messages.success(request, _("%(name)s is now the authorised representative.") % {"name": target.user})
    return _back(request, facility)
