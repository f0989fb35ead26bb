"""The review: read from the frozen dossier, ratings per assignment, independence, submission, previews."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from iasios.api.services import token_create
from iasios.applications.models import Answer, EvidenceRevision
from iasios.assessment import reviews, services
from iasios.assessment.models import AssignmentStatus
from iasios.core.statemachine import TransitionNotAllowed
from tests.assessment.builders import World, assign, rate_all, requirements

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: Any) -> Client:
    _token, token = token_create(user=user, name="t")
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_the_review_reads_the_dossier_not_the_live_answers(world: World) -> None:
    assignment = assign(world, world.a)
    first_core = requirements(world.cycle)[0]
    # Someone changes the live answer behind the dossier's back (no service allows it now).
    Answer.objects.filter(cycle=world.cycle, requirement=first_core).update(narrative="LIVE TEXT CHANGED")
    page = _client(world.a).get(reverse("assessment:review", args=[assignment.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "LIVE TEXT CHANGED" not in html
    snapshot_text = next(a for a in world.dossier.snapshot["answers"] if a["requirement"] == first_core.reference)
    assert snapshot_text["narrative"] in html


def test_ratings_are_per_assignment_and_need_a_comment_unless_met(world: World) -> None:
    first = assign(world, world.a)
    second = assign(world, world.b)
    requirement = requirements(world.cycle)[0]
    services.rating_save(assignment=first, user=world.a, requirement=requirement, rating="met")
    services.rating_save(assignment=second, user=world.b, requirement=requirement, rating="not_met", comment="No rota")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.rating_save(assignment=second, user=world.b, requirement=requirement, rating="partly_met")
    with pytest.raises(PermissionDenied):
        services.rating_save(assignment=first, user=world.b, requirement=requirement, rating="met")
    assert first.ratings.get().rating == "met"
    assert second.ratings.get().rating == "not_met"


def test_submitting_needs_every_requirement_rated(world: World) -> None:
    assignment = assign(world, world.a)
    requirement = requirements(world.cycle)[0]
    services.rating_save(assignment=assignment, user=world.a, requirement=requirement, rating="met")
    with pytest.raises(TransitionNotAllowed) as exc:
        services.review_submit(assignment=assignment, user=world.a)
    assert requirements(world.cycle)[1].reference in str(exc.value)
    rate_all(assignment, world.a)
    submitted = services.review_submit(assignment=assignment, user=world.a)
    assert submitted.status == AssignmentStatus.SUBMITTED
    with pytest.raises(TransitionNotAllowed):
        services.rating_save(assignment=submitted, user=world.a, requirement=requirement, rating="not_met", comment="x")


def test_independence_selector_page_and_api(world: World) -> None:
    first = assign(world, world.a)
    second = assign(world, world.b)
    rate_all(first, world.a, default="met", **{"r1a": "not_met"})
    rate_all(second, world.b, default="partly_met")
    secret = "note by Asa on 1a"  # the text of A's rating of 1a

    # B before submitting: only B's own ratings, everywhere.
    assert {r.assignment_id for r in reviews.visible_ratings(world.b, world.cycle)} == {second.pk}
    page = _client(world.b).get(reverse("assessment:review", args=[second.pk]))
    assert page.status_code == 200 and secret not in page.content.decode()
    api = _api(world.b)
    rows = api.get(f"/api/v1/assessment/cycles/{world.cycle.pk}/ratings").json()
    assert {r["assignment_id"] for r in rows} == {str(second.pk)}
    # B cannot open A's assignment or its ratings at all.
    assert _client(world.b).get(reverse("assessment:review", args=[first.pk])).status_code == 404
    assert api.get(f"/api/v1/assessment/assignments/{first.pk}/ratings").status_code == 404

    # After B submits, A's ratings appear for B (A has not submitted: A still sees only A's).
    services.review_submit(assignment=second, user=world.b)
    assert {r.assignment_id for r in reviews.visible_ratings(world.b, world.cycle)} == {first.pk, second.pk}
    page = _client(world.b).get(reverse("assessment:review", args=[second.pk]))
    assert secret in page.content.decode()
    rows = api.get(f"/api/v1/assessment/cycles/{world.cycle.pk}/ratings").json()
    assert {r["assignment_id"] for r in rows} == {str(first.pk), str(second.pk)}
    assert {r.assignment_id for r in reviews.visible_ratings(world.a, world.cycle)} == {first.pk}
    page_a = _client(world.a).get(reverse("assessment:review", args=[first.pk]))
    assert "note by Bea on 1b" not in page_a.content.decode()  # B's comments stay hidden from A


def test_unassigned_or_proposed_assessors_see_nothing_of_the_cycle(world: World) -> None:
    assign(world, world.a, accept=False)  # proposed only: no access yet
    revision = EvidenceRevision.objects.filter(document__facility=world.cycle.facility).first()
    for user in (world.a, world.spare):
        client = _client(user)
        assert client.get(reverse("applications:workspace", args=[world.cycle.pk])).status_code == 404
        assert client.get(reverse("applications:dossier", args=[world.cycle.pk])).status_code == 404
        assert client.get(reverse("applications:revision_download", args=[revision.pk])).status_code == 404
        assert client.get(reverse("assessment:evidence_inline", args=[revision.pk])).status_code == 404
        assert client.get(reverse("assessment:visit", args=[world.cycle.pk])).status_code == 404
        assert client.get(reverse("assessment:cycle_requests", args=[world.cycle.pk])).status_code == 404


def test_an_accepted_assessor_sees_the_dossier_and_its_files(world: World) -> None:
    assign(world, world.a)
    client = _client(world.a)
    revision = EvidenceRevision.objects.filter(document__facility=world.cycle.facility).first()
    assert client.get(reverse("applications:dossier", args=[world.cycle.pk])).status_code == 200
    assert client.get(reverse("applications:revision_download", args=[revision.pk])).status_code == 200
    # Another facility's files stay closed.
    from iasios.applications import services as application_services
    from tests.applications.conftest import enrol, pdf_bytes, upload

    enrol(world.cast.other_facility)
    other = application_services.evidence_document_create(
        facility=world.cast.other_facility,
        user=world.cast.outsider,
        data=application_services.DocumentInput(title="Theirs"),
        upload=upload("x.pdf", pdf_bytes()),
    )
    other_revision = other.revisions.get()
    assert client.get(reverse("applications:revision_download", args=[other_revision.pk])).status_code == 404
    assert client.get(reverse("assessment:evidence_inline", args=[other_revision.pk])).status_code == 404


def test_inline_preview_headers(world: World) -> None:
    assign(world, world.a)
    client = _client(world.a)
    pdf = EvidenceRevision.objects.get(document__facility=world.cycle.facility, content_type="application/pdf")
    csv = (
        EvidenceRevision.objects.exclude(content_type="application/pdf")
        .filter(document__facility=world.cycle.facility)
        .first()
    )
    response = client.get(reverse("assessment:evidence_inline", args=[pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    response = client.get(reverse("assessment:evidence_inline", args=[csv.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    # Other pages keep refusing frames.
    page = client.get(reverse("applications:revision_download", args=[pdf.pk]))
    assert page["X-Frame-Options"] == "DENY"


def test_the_review_page_previews_pdfs_inline(world: World) -> None:
    assignment = assign(world, world.a)
    html = _client(world.a).get(reverse("assessment:review", args=[assignment.pk])).content.decode()
    pdf = EvidenceRevision.objects.get(document__facility=world.cycle.facility, content_type="application/pdf")
    assert f'<iframe src="{reverse("assessment:evidence_inline", args=[pdf.pk])}"' in html


def test_rating_through_the_page(world: World) -> None:
    assignment = assign(world, world.a)
    requirement = requirements(world.cycle)[0]
    client = _client(world.a)
    url = reverse("assessment:rate", args=[assignment.pk, requirement.pk])
    response = client.post(url, {"rating": "partly_met", "comment": "Rota misses nights"})
    assert response.status_code == 302 and response["Location"].endswith(f"#req-{requirement.reference}")
    assert assignment.ratings.get().comment == "Rota misses nights"
    # Another assessor cannot post into this assignment.
    assert _client(world.b).post(url, {"rating": "met"}).status_code == 404


def test_rerun_the_case_review_draw(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assignment = assign(world, world.a)
    response = _client(world.a).get(reverse("assessment:draw", args=[assignment.pk]))
    assert response.status_code == 200
    assert "no drawn sample" in response.content.decode()
