"""`seed_demo` builds one login per role and facilities in every state, and is idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from iasios.accounts.models import User
from iasios.facilities.models import Facility


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "accounts",
            "facilities",
            "billing",
            "core",
            "applications",
            "casereview",
            "assessment",
            "decisions",
            "certificates",
            "notifications",
        }
    }


@pytest.mark.django_db
def test_the_demo_has_every_role_and_state_and_a_second_run_changes_nothing(framework: Any) -> None:
    call_command("seed_demo", "--quiet", "--force")
    first = _row_counts()
    call_command("seed_demo", "--quiet", "--force")
    assert _row_counts() == first

    statuses = set(Facility.objects.values_list("status", flat=True))
    assert {"registered", "awaiting_payment", "enrolled", "lapsed"} <= statuses
    office = User.objects.get(email="office@demo.example")
    assert office.has_programme_role("office") and office.has_mfa
    roles = set(User.objects.get(email="rep@demo.example").memberships.values_list("role", flat=True))
    assert roles == {"authorised_representative"}
    from iasios.applications.models import Cycle
    from iasios.decisions.models import Award

    assert {"draft", "submitted", "returned", "in_assessment", "with_committee", "decided", "amending"} <= set(
        Cycle.objects.values_list("status", flat=True)
    )
    awards = set(Award.objects.values_list("level", "status"))
    assert {
        ("accredited", "valid"),
        ("centre_of_excellence", "valid"),
        ("accredited", "suspended"),
        ("accredited", "expired"),
    } <= awards
    # The Centre of Excellence came after a full term: granted on re-certification, it started the
    # day after the first award ended (which the sweep then superseded), and the registry shows it.
    helsinki = Facility.objects.get(name__startswith="Helsinki University Hospital")
    first, second = Award.objects.filter(facility=helsinki).order_by("valid_from")
    assert (first.level, first.status) == ("accredited", "superseded")
    assert (second.level, second.status) == ("centre_of_excellence", "valid")
    assert second.cycle.kind == "recertification" and second.decision.decided_on <= first.valid_until
    assert second.valid_from == first.valid_until + timedelta(days=1)
    assert second.valid_from <= timezone.localdate()
    centres = Client().get("/registry.json?level=centre_of_excellence").json()["centres"]
    assert helsinki.name in [c["name"] for c in centres]

    team = {m.role for m in Facility.objects.get(name__startswith="Central University").memberships.all()}
    assert team == {"authorised_representative", "contact_person", "contributor", "read_only"}
