"""Pre-flight, signing, the frozen dossier, and that nothing changes after submission."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iasios.api.services import token_create
from iasios.applications import services
from iasios.applications.dossier import dossier_verify, dossier_zip, snapshot_sha256
from iasios.applications.models import Answer, Claim, Cycle, CycleStatus, Dossier, DossierIsFrozen
from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from iasios.cycles import services as cycle_services
from iasios.cycles.selectors import cycle_blockers, submission_blockers
from iasios.facilities.models import Facility, FacilityStatus
from tests import factories
from tests.applications import conftest as files
from tests.applications.helpers import fill_core
from tests.totp import totp_code

pytestmark = pytest.mark.django_db


def _submit(cycle: Cycle, user: Any, password: str = factories.PASSWORD) -> Dossier:
    return cycle_services.cycle_submit(cycle=cycle, user=user, declaration_accepted=True, password=password)


def test_blockers_list_every_gap(cycle: Cycle, enrolled: Any, case_review: Any) -> None:
    fill_core(cycle, enrolled.contributor, skip=2)
    first_two = list(
        Answer.objects.filter(cycle=cycle, requirement__core=True)
        .select_related("requirement__standard")
        .order_by("requirement__position")[:2]
    )
    # One of the two answered as met but without evidence.
    services.answer_save(
        answer=first_two[1],
        user=enrolled.contributor,
        base_revision=0,
        data=services.AnswerInput(claim=Claim.MET, na_reason="", narrative="", assignee_id=None),
    )
    case_review.incomplete()
    Facility.objects.filter(pk=cycle.facility_id).update(status=FacilityStatus.LAPSED)
    cycle.facility.refresh_from_db()
    messages = [b.message for b in submission_blockers(cycle, enrolled.contributor)]
    assert f"Core requirement {first_two[0].requirement.reference}: not answered." in messages
    assert f"Core requirement {first_two[1].requirement.reference}: no evidence linked." in messages
    assert any("internal case review is not complete (12 of 30" in m for m in messages)
    assert any("membership is not paid" in m for m in messages)
    assert any("Only the authorised representative" in m for m in messages)
    assert len(messages) == 5
    assert all(b.url for b in submission_blockers(cycle, enrolled.contributor))


def test_extended_requirements_do_not_block(cycle: Cycle, enrolled: Any) -> None:
    fill_core(cycle, enrolled.contributor)
    assert Answer.objects.filter(cycle=cycle, requirement__core=False, claim="").exists()
    assert cycle_blockers(cycle) == []
    assert submission_blockers(cycle, enrolled.representative) == []


def test_not_applicable_and_not_met_need_no_evidence(cycle: Cycle, enrolled: Any) -> None:
    fill_core(cycle, enrolled.contributor, skip=2)
    first_two = list(Answer.objects.filter(cycle=cycle, requirement__core=True).order_by("requirement__position")[:2])
    services.answer_save(
        answer=first_two[0],
        user=enrolled.contributor,
        base_revision=0,
        data=services.AnswerInput(claim=Claim.NOT_MET, na_reason="", narrative="Planned for 2027.", assignee_id=None),
    )
    services.answer_save(
        answer=first_two[1],
        user=enrolled.contributor,
        base_revision=0,
        data=services.AnswerInput(claim=Claim.NOT_APPLICABLE, na_reason="No beds.", narrative="", assignee_id=None),
    )
    assert cycle_blockers(cycle) == []


def test_preflight_page_lists_blockers_with_links(cycle: Cycle, enrolled: Any) -> None:
    response = enrolled.client_for("representative").get(reverse("applications:submit", args=[cycle.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "not answered" in body and "#req-" in body
    assert "Sign and submit" not in body  # nothing to sign while blockers remain


def test_submit_requires_the_right_password(cycle: Cycle, enrolled: Any) -> None:
    fill_core(cycle, enrolled.contributor)
    with pytest.raises(ValidationError) as wrong:
        _submit(cycle, enrolled.representative, password="not-my-password")
    assert "password" in wrong.value.message_dict
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DRAFT and not Dossier.objects.exists()
    with pytest.raises(ValidationError):
        cycle_services.cycle_submit(
            cycle=cycle, user=enrolled.representative, declaration_accepted=False, password=factories.PASSWORD
        )
    dossier = _submit(cycle, enrolled.representative)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.SUBMITTED and cycle.submitted_by == enrolled.representative
    assert dossier_verify(dossier)
    assert Event.objects.for_object(cycle).filter(action="submit", to_state="submitted").count() == 1


def test_submit_page_wrong_password_then_right(cycle: Cycle, enrolled: Any) -> None:
    fill_core(cycle, enrolled.contributor)
    client = enrolled.client_for("representative")
    url = reverse("applications:submit", args=[cycle.pk])
    assert "Sign and submit" in client.get(url).content.decode()
    wrong = client.post(url, {"declaration": "on", "password": "nope"})
    assert wrong.status_code == 400 and "The password is not right." in wrong.content.decode()
    right = client.post(url, {"declaration": "on", "password": factories.PASSWORD})
    assert right.status_code == 302 and right["Location"] == reverse("applications:dossier", args=[cycle.pk])
    assert Dossier.objects.filter(cycle=cycle).exists()


def test_mfa_representative_signs_with_a_code(cycle: Cycle, enrolled: Any) -> None:
    secret = factories.enable_totp(enrolled.representative)
    fill_core(cycle, enrolled.contributor)
    with pytest.raises(ValidationError) as refused:
        _submit(cycle, enrolled.representative)  # the password alone is not enough with MFA on
    assert "code" in refused.value.message_dict
    dossier = cycle_services.cycle_submit(
        cycle=cycle, user=enrolled.representative, declaration_accepted=True, code=totp_code(secret)
    )
    assert dossier.signed_by == enrolled.representative


@pytest.mark.parametrize("who", ["contact", "contributor"])
def test_only_the_representative_submits(cycle: Cycle, enrolled: Any, who: str) -> None:
    fill_core(cycle, enrolled.contributor)
    with pytest.raises(PermissionDenied):
        _submit(cycle, getattr(enrolled, who))
    assert (
        enrolled.client_for(who)
        .post(reverse("applications:submit", args=[cycle.pk]), {"declaration": "on", "password": factories.PASSWORD})
        .status_code
        == 403
    )


def test_guard_refuses_with_blockers(cycle: Cycle, enrolled: Any) -> None:
    with pytest.raises(TransitionNotAllowed, match="cannot be submitted yet"):
        _submit(cycle, enrolled.representative)
    assert not Dossier.objects.exists()


@pytest.fixture
def submitted(cycle: Cycle, enrolled: Any) -> Dossier:
    fill_core(cycle, enrolled.contributor)
    return _submit(cycle, enrolled.representative)


def test_dossier_snapshot_content(submitted: Dossier, cycle: Cycle, case_review: Any) -> None:
    snapshot = submitted.snapshot
    assert len(snapshot["answers"]) == Answer.objects.filter(cycle=cycle).count()
    met = [a for a in snapshot["answers"] if a["claim"] == "met"]
    assert met and all(a["evidence"] for a in met)
    with_file = [e for a in met for e in a["evidence"] if e["revision"]]
    assert with_file and all(len(e["revision"]["sha256"]) == 64 for e in with_file)
    assert {r["sha256"] for r in snapshot["evidence_revisions"]} == {
        hashlib.sha256(files.pdf_bytes()).hexdigest(),
        hashlib.sha256(files.csv_bytes()).hexdigest(),
    }
    assert snapshot["case_review"] == case_review.snapshot
    assert snapshot["signed_by"]["email"] == submitted.signed_by.email


def test_dossier_hash_verifies_and_detects_change(submitted: Dossier) -> None:
    assert dossier_verify(submitted)
    assert submitted.sha256 == snapshot_sha256(submitted.snapshot)
    # The stored row cannot be changed through the ORM …
    with pytest.raises(DossierIsFrozen):
        submitted.save()
    with pytest.raises(DossierIsFrozen):
        Dossier.objects.filter(pk=submitted.pk).update(sha256="0" * 64)
    # … and a snapshot altered behind its back no longer verifies.
    altered = copy.deepcopy(submitted)
    altered.snapshot["answers"][0]["narrative"] = "Edited later."
    assert not dossier_verify(altered)
    assert snapshot_sha256(altered.snapshot) != submitted.sha256


def test_zip_manifest_matches_files(submitted: Dossier) -> None:
    with zipfile.ZipFile(dossier_zip(submitted)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["dossier_sha256"] == submitted.sha256
        assert len(manifest["files"]) == 2
        for entry in manifest["files"]:
            data = archive.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["size"]
        rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
        assert {r["sha256"] for r in rows} == {e["sha256"] for e in manifest["files"]}
        assert snapshot_sha256(json.loads(archive.read("snapshot.json"))) == submitted.sha256


def test_dossier_downloads(submitted: Dossier, enrolled: Any) -> None:
    client = enrolled.client_for("read_only")
    pdf = client.get(reverse("applications:dossier_pdf", args=[submitted.cycle_id]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment;") and pdf["X-Content-Type-Options"] == "nosniff"
    archive = client.get(reverse("applications:dossier_zip", args=[submitted.cycle_id]))
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    assert archive["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as zf:
        assert "manifest.json" in zf.namelist()
    page = client.get(reverse("applications:dossier", args=[submitted.cycle_id]))
    assert submitted.sha256 in page.content.decode() and "verified" in page.content.decode()


# ----------------------------------------------------------------------------- frozen after submission


def test_services_refuse_every_write_after_submission(submitted: Dossier, cycle: Cycle, enrolled: Any) -> None:
    answer = Answer.objects.filter(cycle=cycle).select_related("cycle__facility").first()
    document = submitted.cycle.facility.evidence_documents.first()
    data = services.AnswerInput(claim=Claim.NOT_MET, na_reason="", narrative="Changed", assignee_id=None)
    for who in (enrolled.representative, enrolled.contributor):
        with pytest.raises(services.CycleLocked):
            services.answer_save(answer=answer, user=who, base_revision=answer.revision, data=data)
        with pytest.raises(services.CycleLocked):
            services.comment_add(answer=answer, user=who, body="Hi")
        with pytest.raises(services.CycleLocked):
            services.evidence_link(answer=answer, document=document, user=who)
        with pytest.raises(services.CycleLocked):
            services.evidence_unlink(answer=answer, document=document, user=who)
    with pytest.raises(TransitionNotAllowed):
        _submit(cycle, enrolled.representative)
    assert Dossier.objects.filter(cycle=cycle).count() == 1
    assert dossier_verify(Dossier.objects.get(cycle=cycle))


def test_pages_refuse_every_write_after_submission(submitted: Dossier, cycle: Cycle, enrolled: Any) -> None:
    answer = Answer.objects.filter(cycle=cycle).first()
    document = cycle.facility.evidence_documents.first()
    client = enrolled.client_for("contributor")
    workspace = reverse("applications:workspace", args=[cycle.pk])
    posts = [
        (reverse("applications:answer", args=[cycle.pk, answer.pk]), {"claim": "not_met", "revision": answer.revision}),
        (reverse("applications:comment_add", args=[cycle.pk, answer.pk]), {"body": "late"}),
        (reverse("applications:link_add", args=[cycle.pk, answer.pk]), {"document": document.pk}),
        (reverse("applications:link_remove", args=[cycle.pk, answer.pk, document.pk]), {}),
        (reverse("applications:submit", args=[cycle.pk]), {"declaration": "on", "password": factories.PASSWORD}),
    ]
    before = Answer.objects.get(pk=answer.pk)
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[0] == (workspace, 302), url
        assert "can no longer be changed" in response.content.decode()
    after = Answer.objects.get(pk=answer.pk)
    assert (after.claim, after.revision, after.links.count()) == (before.claim, before.revision, before.links.count())
    # The standard page offers no form any more.
    page = client.get(reverse("applications:standard", args=[cycle.pk, answer.requirement.standard.number]))
    assert "hx-post" not in page.content.decode()


def test_api_refuses_every_write_after_submission(submitted: Dossier, cycle: Cycle, enrolled: Any) -> None:
    from django.test import Client

    _token, raw = token_create(user=enrolled.contributor, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    answer = Answer.objects.filter(cycle=cycle).first()
    document = cycle.facility.evidence_documents.first()
    base = f"/api/v1/applications/cycles/{cycle.pk}"
    put = api.patch(
        f"{base}/answers/{answer.pk}",
        {"revision": answer.revision, "claim": "not_met"},
        content_type="application/json",
    )
    assert put.status_code == 409 and put.json()["error"]["code"] == "not_allowed"
    link = api.post(
        f"{base}/answers/{answer.pk}/evidence", {"document_id": str(document.pk)}, content_type="application/json"
    )
    assert link.status_code == 409
    assert api.delete(f"{base}/answers/{answer.pk}/evidence/{document.pk}").status_code == 409
    _rtoken, rep_raw = token_create(user=enrolled.representative, name="t")
    again = Client(HTTP_AUTHORIZATION=f"Bearer {rep_raw}").post(
        f"{base}/submit", {"declaration": True, "password": factories.PASSWORD}, content_type="application/json"
    )
    assert again.status_code == 409
    assert Dossier.objects.filter(cycle=cycle).count() == 1
