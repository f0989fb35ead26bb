"""Every URL of the project, opened by programme staff without two-factor authentication.

The demo world gives real ids for the path parameters. Each staff member first walks with MFA on
(so the ids open real pages), then without: a 200 outside the open set fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from iasios.accounts.models import User
from iasios.applications.models import Answer, EvidenceRevision
from iasios.assessment.models import AssessorProfile, Assignment, EvidenceRequest
from iasios.billing.models import Consultation, CreditNote, Invoice
from iasios.certificates.models import Certificate
from iasios.decisions.models import Appeal, Award, CorrectiveAction, Decision
from iasios.facilities.models import JoinRequest, Membership
from iasios.notifications.models import Notification
from iasios.standards.models import Requirement

# What programme staff without a second factor may open (by URL name), written out here on its own.
OPEN = {
    "home",
    "about_io",
    "programme",
    "eligibility",
    "registry_json",
    "registry_csv",
    "certificates:verify",
    "certificates:seal",
    "healthz",
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_reauthenticate",
    "account_email",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "mfa_index",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    # The API's public operations (the rest need a token; staff tokens need MFA: tests/security/test_api_mfa.py).
    "api:openapi-json",
    "api:openapi-view",
    "api:verify",
    "api:list_frameworks",
    "api:get_framework",
}
OPEN_NAMESPACES = {"standards", "registry"}

STAFF = ["office@demo.example", "assessor@demo.example", "committee@demo.example", "admin@demo.example"]

_CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _regex_to_route(regex: str) -> str:
    """`^confirm-email/(?P<key>[-:\\w]+)/$` → `confirm-email/<key>/`; an alternation gives its first word."""
    out, i = "", 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            name = regex[i + 4 : regex.index(">", i)]
            depth, j = 0, i
            while True:
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                if depth == 0:
                    break
                j += 1
            body = regex[regex.index(">", i) + 1 : j]
            words = body.split("|")
            out += words[0] if all(re.fullmatch(r"[\w-]+", w) for w in words) else f"<{name}>"
            i = j + 1
        elif regex[i] in "^$":
            i += 1
        elif regex[i] == "\\":
            out += regex[i + 1]
            i += 2
        else:
            out += regex[i]
            i += 1
    return out


class World:
    """Real ids from the demo, per path parameter."""

    def __init__(self, user: User) -> None:
        decision = Decision.objects.select_related("cycle").order_by("created_at").first()
        assert decision is not None
        cycle = decision.cycle
        answer = Answer.objects.filter(cycle=cycle).first()
        revision = EvidenceRevision.objects.filter(document__facility=cycle.facility).first()
        assert answer is not None and revision is not None
        award = Award.objects.first()
        certificate = Certificate.objects.first()
        assignment = Assignment.objects.filter(cycle=cycle).first() or Assignment.objects.first()
        requirement = Requirement.objects.filter(standard__section__framework=cycle.framework).first()
        assert award and certificate and assignment and requirement
        notification = Notification.objects.filter(user=user).first()
        self.values: dict[str, Any] = {
            "cycle_id": cycle.pk,
            "facility_id": cycle.facility_id,
            "answer_id": answer.pk,
            "document_id": revision.document_id,
            "revision_id": revision.pk,
            "number": 1,
            "position": 1,
            "requirement_id": requirement.pk,
            "reference": requirement.reference,
            "decision_id": decision.pk,
            "appeal_id": getattr(Appeal.objects.first(), "pk", decision.pk),
            "award_id": award.pk,
            "assignment_id": assignment.pk,
            "request_id": getattr(EvidenceRequest.objects.first(), "pk", assignment.pk),
            "action_id": getattr(CorrectiveAction.objects.first(), "pk", decision.pk),
            "invoice_id": getattr(Invoice.objects.first(), "pk", decision.pk),
            "request_pk": getattr(JoinRequest.objects.first(), "pk", decision.pk),
            "member_pk": getattr(Membership.objects.first(), "pk", decision.pk),
            "token": certificate.token,
            "code": cycle.framework.code,
            "version": cycle.framework.version,
            "level": "accredited",
            "action": "suspend",
            "object_id": user.pk,
            "content_type_id": 1,
        }
        self.pk_by_route = [
            ("billing/credit-notes/", getattr(CreditNote.objects.first(), "pk", decision.pk)),
            ("invoices/", self.values["invoice_id"]),
            ("consultations/", getattr(Consultation.objects.first(), "pk", decision.pk)),
            ("assessors/", getattr(AssessorProfile.objects.first(), "pk", decision.pk)),
            ("assessment/request/", self.values["request_id"]),
            ("assignment/", assignment.pk),
            ("inbox/", getattr(notification, "pk", decision.pk)),
            ("", cycle.facility_id),
        ]

    def path(self, route: str) -> str:
        route = _regex_to_route(route) if route.startswith("^") or "(?P<" in route or "^" in route else route
        route = re.sub(r"\^|\$", "", route)

        def value(match: re.Match[str]) -> str:
            name = match["name"]
            if name == "pk":
                return str(next(v for key, v in self.pk_by_route if key in route))
            return str(self.values.get(name, "x"))

        return "/" + _CONVERTER.sub(value, route)


def _walk(client: Client, world: World) -> dict[str, tuple[str, int]]:
    """Each URL pattern's view name → (path, status) of a GET."""
    seen: dict[str, tuple[str, int]] = {}
    for route in _routes(get_resolver().url_patterns):
        path = world.path(route)
        try:
            name = resolve(path).view_name
        except Resolver404:
            name = "(no view)"
        seen[f"{name}@{route}"] = (path, client.get(path).status_code)
    return seen


def _is_open(key: str) -> bool:
    name = key.split("@", 1)[0]
    return name in OPEN or name.split(":", 1)[0] in OPEN_NAMESPACES


@pytest.mark.django_db
def test_staff_without_mfa_open_nothing_but_set_up_sign_out_and_public_pages(framework: Any) -> None:
    call_command("seed_demo", "--quiet", "--force")
    reached_with_mfa: set[str] = set()
    for email in STAFF:
        user = User.objects.get(email=email)
        world = World(user)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        with_mfa = _walk(client, world)
        reached_with_mfa |= {key for key, (_p, status) in with_mfa.items() if status == 200 and not _is_open(key)}

        Authenticator.objects.filter(user=user).delete()
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(pk=user.pk))
        without = _walk(client, world)
        leaks = sorted(
            f"{path} ({key})" for key, (path, status) in without.items() if status == 200 and not _is_open(key)
        )
        assert leaks == [], f"{email} without MFA opened: {leaks}"
        assert len(without) > 200  # every pattern was walked

    # The ids are real: with MFA, staff open dozens of pages outside the open set.
    assert len(reached_with_mfa) > 40, sorted(reached_with_mfa)
