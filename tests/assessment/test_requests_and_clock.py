"""Evidence requests (ask, answer with new evidence, accept or ask again) and the decision clock."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from iasios.applications.models import EvidenceDocument, EvidenceRevision
from iasios.assessment import selectors, services
from iasios.assessment.models import EvidenceRequestStatus
from iasios.core.statemachine import TransitionNotAllowed
from tests.applications.conftest import pdf_bytes, upload
from tests.assessment.builders import World, assign, requirements

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def at(moment: datetime.datetime) -> Any:
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ask(world: World, assignment: Any, when: datetime.datetime, **kwargs: Any) -> Any:
    with at(when):
        return services.evidence_request_create(
            assignment=assignment,
            user=assignment.assessor,
            requirement=requirements(world.cycle)[0],
            question="Send the on-call rota for nights.",
            today=when.date(),
            **kwargs,
        )


def test_default_due_date_is_the_programme_setting(world: World) -> None:
    assignment = assign(world, world.a)
    request = _ask(world, assignment, T0)
    days = world.cycle.framework.settings.evidence_response_days
    assert request.due_on == T0.date() + datetime.timedelta(days=days)
    assert request.status == EvidenceRequestStatus.OPEN


def test_only_the_assigned_assessor_asks(world: World) -> None:
    assignment = assign(world, world.a)
    with pytest.raises(PermissionDenied):
        services.evidence_request_create(
            assignment=assignment, user=world.b, requirement=requirements(world.cycle)[0], question="?"
        )
    with pytest.raises(ValidationError):
        _ask(world, assignment, T0, due_on=T0.date() - datetime.timedelta(days=1))


def test_answer_with_a_new_upload_then_reask_then_accept(world: World) -> None:
    assignment = assign(world, world.a)
    request = _ask(world, assignment, T0)
    contributor = _client(world.cast.contributor)
    url = reverse("assessment:request", args=[request.pk])
    page = contributor.get(url)
    assert page.status_code == 200 and "Send the on-call rota" in page.content.decode()
    # Read-only members see the request but cannot answer.
    assert _client(world.cast.read_only).get(url).status_code == 200
    assert _client(world.cast.read_only).post(url, {"action": "answer", "text": "x"}).status_code == 403
    response = contributor.post(
        url,
        {
            "action": "answer",
            "text": "Attached the night rota.",
            "new_title": "Night rota 2026",
            "new_file": upload("rota.pdf", pdf_bytes() + b"night"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    request.refresh_from_db()
    assert request.status == EvidenceRequestStatus.ANSWERED
    document = EvidenceDocument.objects.get(facility=world.cycle.facility, title="Night rota 2026")
    answer = request.messages.get(kind="answer")
    assert list(answer.revisions.all()) == [document.revisions.get()]
    # The assessor opens the new file through the permission-checked preview.
    revision = document.revisions.get()
    assert _client(world.a).get(reverse("assessment:evidence_inline", args=[revision.pk])).status_code == 200
    # Ask again, then accept.
    services.evidence_request_reask(request=request, user=world.a, question="And the day rota?")
    request.refresh_from_db()
    assert request.status == EvidenceRequestStatus.OPEN
    with pytest.raises(TransitionNotAllowed):
        services.evidence_request_accept(request=request, user=world.a)  # nothing answered yet
    services.evidence_request_answer(
        request=request, user=world.cast.contact, text="Day rota attached", revisions=[revision]
    )
    with pytest.raises(PermissionDenied):
        services.evidence_request_accept(request=request, user=world.b)
    services.evidence_request_accept(request=request, user=world.a)
    request.refresh_from_db()
    assert request.status == EvidenceRequestStatus.ACCEPTED
    assert [m.kind for m in selectors.request_thread(request)] == ["question", "answer", "question", "answer"]


def test_an_answer_cannot_attach_another_facilitys_files(world: World) -> None:
    from iasios.applications import services as application_services
    from tests.applications.conftest import enrol

    assignment = assign(world, world.a)
    request = _ask(world, assignment, T0)
    enrol(world.cast.other_facility)
    theirs = application_services.evidence_document_create(
        facility=world.cast.other_facility,
        user=world.cast.outsider,
        data=application_services.DocumentInput(title="Theirs"),
        upload=upload("t.pdf", pdf_bytes() + b"t"),
    )
    with pytest.raises(ValidationError):
        services.evidence_request_answer(
            request=request, user=world.cast.contributor, text="x", revisions=[theirs.revisions.get()]
        )
    with pytest.raises(PermissionDenied):
        services.evidence_request_answer(request=request, user=world.cast.outsider, text="x")


def test_the_clock_runs_pauses_and_resumes(world: World) -> None:
    assignment = assign(world, world.a)
    submitted = world.dossier.created_at
    settings = world.cycle.framework.settings
    lo, hi = settings.decision_target_weeks_min, settings.decision_target_weeks_max

    clock = selectors.decision_clock(world.cycle, now=submitted + datetime.timedelta(weeks=lo - 1))
    assert (clock.paused, clock.colour, clock.weeks) == (False, "green", lo - 1)
    clock = selectors.decision_clock(world.cycle, now=submitted + datetime.timedelta(weeks=lo, days=1))
    assert clock.colour == "amber"
    clock = selectors.decision_clock(world.cycle, now=submitted + datetime.timedelta(weeks=hi, days=1))
    assert clock.colour == "red"

    asked = submitted + datetime.timedelta(weeks=3)
    request = _ask(world, assignment, asked)
    clock = selectors.decision_clock(world.cycle, now=asked + datetime.timedelta(weeks=20))
    assert clock.paused and clock.colour == "paused" and clock.days is None and clock.open_requests == 1

    answered = asked + datetime.timedelta(weeks=5)
    with at(answered):
        services.evidence_request_answer(request=request, user=world.cast.contributor, text="Here")
    # Counting again, from the answer, not from the submission.
    clock = selectors.decision_clock(world.cycle, now=answered + datetime.timedelta(weeks=2))
    assert not clock.paused and clock.running_since == answered and clock.weeks == 2 and clock.colour == "green"

    reasked = answered + datetime.timedelta(weeks=1)
    with at(reasked):
        services.evidence_request_reask(request=request, user=world.a, question="More", today=reasked.date())
    assert selectors.decision_clock(world.cycle, now=reasked + datetime.timedelta(days=3)).paused


def test_overdue_requests(world: World) -> None:
    assignment = assign(world, world.a)
    request = _ask(world, assignment, T0, due_on=T0.date() + datetime.timedelta(days=10))
    assert selectors.overdue_requests(today=T0.date() + datetime.timedelta(days=10)) == []
    assert selectors.overdue_requests(today=T0.date() + datetime.timedelta(days=11)) == [request]
    services.evidence_request_answer(request=request, user=world.cast.contributor, text="Done")
    assert selectors.overdue_requests(today=T0.date() + datetime.timedelta(days=11)) == []


def test_the_office_clock_page_shows_colour_and_overdue(world: World) -> None:
    assignment = assign(world, world.a)
    past = timezone.now() - datetime.timedelta(days=60)
    _ask(world, assignment, past, due_on=past.date() + datetime.timedelta(days=5))
    page = world.cast.client_for("office").get(reverse("office_assessment:cycles"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "clock-paused" in html and "1 request open" in html
    assert "Overdue evidence requests" in html and world.cycle.facility.name in html.split("Overdue evidence")[1]


def test_requests_are_only_made_in_assessment(world: World) -> None:
    assignment = assign(world, world.a)
    world.cycle.__class__.objects.filter(pk=world.cycle.pk).update(status="with_committee")
    assignment.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        _ask(world, assignment, T0)
    assert not EvidenceRevision.objects.filter(document__title="never").exists()
