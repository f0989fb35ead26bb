"""The facility's home tells the truth at every state: the application's state in words, the open
evidence requests, the decision with its letter, the award with its seal, certificate and
verification link, and the one next step with its button."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from iasios.assessment.models import EvidenceRequest
from iasios.decisions.models import Award, Decision
from tests.site.states import STATES, build, page_text

pytestmark = pytest.mark.django_db

BEFORE_DECISION = "Your decided application"

# state → (the phrases the representative reads on the facility's page, the badge)
EXPECTED: dict[str, tuple[list[str], str]] = {
    "registered": (["Awaiting the office's confirmation"], "Registered"),
    "awaiting_payment": (["Pay invoice"], "Awaiting payment"),
    "enrolled": (["Start your application", "Start an application", "No application yet."], "Enrolled Centre"),
    "draft": (
        [
            "Fill in the application, complete the case review, then submit.",
            "Core requirements",
            "Case review",
            "Draft",
        ],
        "Enrolled Centre",
    ),
    "ready": (["Ready to submit", "Review and submit", "30/30"], "Enrolled Centre"),
    "submitted": (["Submitted: with the programme office", "Nothing to do for now."], "Enrolled Centre"),
    "in_assessment": (
        [
            "Answer the assessors' evidence request by",
            "Answer the request",
            "Open evidence requests",
            "Requirement 10c",
        ],
        "Enrolled Centre",
    ),
    "with_committee": (["With the accreditation committee"], "Enrolled Centre"),
    "amending": (
        ["Amend these 2 requirements by", "Decision: Areas to amend", "Decision letter (PDF)", "Open the application"],
        "Enrolled Centre",
    ),
    "accredited": (
        ["Accredited Centre", "Re-certification opens on", "Certificate (PDF)", "Verification page", "Decision letter"],
        "Accredited Centre",
    ),
    "suspended": (
        ["Accredited Centre: suspended", "Corrective action on complication recording"],
        "Accredited Centre · suspended",
    ),
    "expired": (["No award in force: apply again", "Decision: Accredited"], "Enrolled Centre"),
    "excellence": (["Centre of Excellence", "Certificate (PDF)", "Verification page"], "Centre of Excellence"),
}


def _badge(html: str) -> str:
    import re

    match = re.search(r'<span class="badge (?:badge-level|badge-status|badge-suspended)[^"]*">([^<]*)</span>', html)
    assert match, "no seal badge on the page"
    return match.group(1)


def _links(facility: Any) -> list[str]:
    """The links the page must carry at this state, from the data the services wrote."""
    links: list[str] = []
    for request in EvidenceRequest.objects.filter(cycle__facility=facility, status="open"):
        links.append(reverse("assessment:request", args=[request.pk]))
    decision = Decision.objects.filter(cycle__facility=facility, status="decided").order_by("-decided_on").first()
    if decision is not None:
        links.append(reverse("decisions:letter", args=[decision.pk]))
    award = Award.objects.filter(facility=facility, status__in=["valid", "suspended"]).first()
    if award is not None:
        links += [
            reverse("certificates:pdf", args=[award.pk]),
            reverse("certificates:verify", args=[award.certificate.token]),
        ]
    return links


@pytest.mark.parametrize("state", STATES)
def test_the_facility_home_tells_the_truth(state: str) -> None:
    facility, rep, _panel = build(state)
    client = Client()
    client.force_login(rep)
    response = client.get(reverse("facilities:dashboard", args=[facility.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    text = page_text(response)
    phrases, badge = EXPECTED[state]
    for phrase in phrases:
        assert phrase in text, f"{state}: {phrase!r} missing"
    assert _badge(html) == badge
    for link in _links(facility):
        assert link in html, f"{state}: link {link} missing"
    decided = Decision.objects.filter(cycle__facility=facility, status="decided").exists()
    assert (BEFORE_DECISION in text) == decided
    if state in {"submitted", "with_committee", "in_assessment"}:
        # After submission the application is no longer spoken of as open for answers.
        assert "Fill in the application" not in text and "Core requirements" not in text


def test_the_dashboard_card_shows_the_seal_and_the_waiting_work() -> None:
    facility, rep, _panel = build("in_assessment")
    client = Client()
    client.force_login(rep)
    text = page_text(client.get(reverse("dashboard")))
    assert facility.name in text
    assert "Application: In assessment" in text
    assert "1 evidence request open" in text
    assert "Enrolled Centre" in text


@pytest.mark.parametrize(
    ("state", "badge"), [("accredited", "Accredited Centre"), ("suspended", "Accredited Centre · suspended")]
)
def test_the_applications_list_shows_the_seal_in_force(state: str, badge: str) -> None:
    _facility, rep, _panel = build(state)
    client = Client()
    client.force_login(rep)
    html = client.get(reverse("applications:index")).content.decode()
    assert _badge(html) == badge


def test_the_office_sees_the_suspended_seal_on_its_facility_page() -> None:
    facility, _rep, the_panel = build("suspended")
    client = Client()
    client.force_login(the_panel.office)
    html = client.get(reverse("office_facilities:detail", args=[facility.pk])).content.decode()
    assert _badge(html) == "Accredited Centre · suspended"


def test_the_start_button_is_not_offered_to_a_read_only_member() -> None:
    from iasios.accounts.roles import FacilityRoleName
    from tests import factories

    facility, _rep, _panel = build("enrolled")
    reader = factories.make_member(facility, FacilityRoleName.READ_ONLY)
    client = Client()
    client.force_login(reader)
    text = page_text(client.get(reverse("facilities:dashboard", args=[facility.pk])))
    assert "Start your application" in text
    assert "Start an application" not in text


def test_inside_the_window_the_home_offers_start_recertification() -> None:
    import datetime

    from django.utils import timezone

    facility, rep, _panel = build("accredited")
    today = timezone.localdate()
    # The award's term moved so that it ends in 60 days: the re-certification window is open.
    Award.objects.filter(facility=facility).update(
        valid_from=today - datetime.timedelta(days=4 * 365 - 60), valid_until=today + datetime.timedelta(days=60)
    )
    client = Client()
    client.force_login(rep)
    response = client.get(reverse("facilities:dashboard", args=[facility.pk]))
    text = page_text(response)
    assert "Re-certification is open" in text
    assert "Start re-certification" in text
    assert f'href="{reverse("applications:recertify", args=[facility.pk])}"' in response.content.decode()
    # A read-only colleague reads the same state, without the button they may not use.
    from iasios.accounts.roles import FacilityRoleName
    from tests import factories

    reader = factories.make_member(facility, FacilityRoleName.READ_ONLY)
    client.force_login(reader)
    text = page_text(client.get(reverse("facilities:dashboard", args=[facility.pk])))
    assert "Re-certification is open" in text
    assert "Start re-certification" not in text
