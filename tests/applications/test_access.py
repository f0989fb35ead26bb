"""Who gets what, for every page, endpoint and download of the application (exact status codes).

Facility members and the office see a cycle; other facilities and programme staff without an
assignment get 404 (existence not revealed); a visible action the role may not take is 403;
anonymous visitors are sent to log in (pages) or get 401 (API).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from iasios.api.services import token_create
from iasios.applications import services
from iasios.applications.models import Answer, Cycle, Dossier
from iasios.cycles import services as cycle_services
from tests import factories
from tests.applications import conftest as files
from tests.applications.helpers import fill_core
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

EDITORS = {"representative", "contact", "contributor"}
MEMBERS = EDITORS | {"read_only"}
OFFICE = {"office", "administrator"}


def expect(who: str, *, viewer: int, editor: int | None = None, reader: int | None = None, api: bool = False) -> int:
    """The status for `who`: editors, other viewers (read-only member, office), strangers, anonymous."""
    if who == "anonymous":
        return 401 if api else 302
    if who in EDITORS:
        return editor if editor is not None else viewer
    if who in MEMBERS | OFFICE:
        return reader if reader is not None else viewer
    return 404


@pytest.fixture
def world(cycle: Cycle, enrolled: Any) -> dict[str, Any]:
    document = services.evidence_document_create(
        facility=enrolled.facility,
        user=enrolled.contributor,
        data=services.DocumentInput(title="Policy"),
        upload=files.upload("policy.pdf", files.pdf_bytes()),
    )
    answer = Answer.objects.filter(cycle=cycle).select_related("requirement__standard").first()
    return {"cycle": cycle, "document": document, "revision": document.revisions.get(), "answer": answer}


def _client(cast: Any, who: str) -> Client:
    return cast.client_for(who)


@pytest.mark.parametrize("who", ROLES)
def test_pages_on_a_draft(enrolled: Any, world: dict[str, Any], who: str) -> None:
    c, answer, doc, rev = world["cycle"], world["answer"], world["document"], world["revision"]
    client = _client(enrolled, who)
    gets = {
        reverse("applications:workspace", args=[c.pk]): expect(who, viewer=200),
        reverse("applications:standard", args=[c.pk, answer.requirement.standard.number]): expect(who, viewer=200),
        reverse("applications:answer", args=[c.pk, answer.pk]): expect(who, viewer=302),
        reverse("applications:submit", args=[c.pk]): expect(who, viewer=200),
        reverse("applications:library", args=[c.facility_id]): expect(who, viewer=200),
        reverse("applications:document", args=[c.facility_id, doc.pk]): expect(who, viewer=200),
        reverse("applications:revision_download", args=[rev.pk]): expect(who, viewer=200),
        # No dossier before submission.
        reverse("applications:dossier", args=[c.pk]): expect(who, viewer=404),
        reverse("applications:dossier_pdf", args=[c.pk]): expect(who, viewer=404),
        reverse("applications:dossier_zip", args=[c.pk]): expect(who, viewer=404),
    }
    for url, status in gets.items():
        assert client.get(url).status_code == status, (who, url)
    assert client.get(reverse("applications:index")).status_code == (302 if who == "anonymous" else 200)


@pytest.mark.parametrize("who", ROLES)
def test_writes_on_a_draft(enrolled: Any, world: dict[str, Any], who: str) -> None:
    c, answer, doc = world["cycle"], world["answer"], world["document"]
    client = _client(enrolled, who)
    posts = [
        (
            reverse("applications:answer", args=[c.pk, answer.pk]),
            {"claim": "met", "narrative": f"by {who}", "revision": 0},
            expect(who, viewer=403, editor=302),
        ),
        (
            reverse("applications:comment_add", args=[c.pk, answer.pk]),
            {"body": "hello"},
            expect(who, viewer=403, editor=302),
        ),
        (
            reverse("applications:link_add", args=[c.pk, answer.pk]),
            {"document": doc.pk},
            expect(who, viewer=403, editor=302),
        ),
        (
            reverse("applications:link_remove", args=[c.pk, answer.pk, doc.pk]),
            {},
            expect(who, viewer=403, editor=302),
        ),
        (
            reverse("applications:library", args=[c.facility_id]),
            {"files": [files.upload("a.pdf", files.pdf_bytes())]},
            expect(who, viewer=403, editor=302),
        ),
        (
            reverse("applications:document", args=[c.facility_id, doc.pk]),
            {"action": "details", "title": "Renamed"},
            expect(who, viewer=403, editor=302),
        ),
        (
            # With blockers the representative gets the form back (400); others may not sign.
            reverse("applications:submit", args=[c.pk]),
            {"declaration": "on", "password": factories.PASSWORD},
            400 if who == "representative" else expect(who, viewer=403),
        ),
    ]
    for url, data, status in posts:
        assert client.post(url, data).status_code == status, (who, url)
    if who not in EDITORS:
        answer.refresh_from_db()
        assert answer.revision == 0 and not answer.comments.exists()


@pytest.mark.parametrize("who", ROLES)
def test_start_cycle_page(enrolled: Any, framework: Any, who: str) -> None:
    status = expect(who, viewer=403, editor=302)
    response = _client(enrolled, who).post(reverse("applications:start", args=[enrolled.facility.pk]))
    assert response.status_code == status
    assert Cycle.objects.filter(facility=enrolled.facility).exists() == (who in EDITORS)


@pytest.mark.parametrize("who", ROLES)
def test_dossier_pages_after_submission(enrolled: Any, cycle: Cycle, who: str) -> None:
    fill_core(cycle, enrolled.contributor)
    cycle_services.cycle_submit(
        cycle=cycle, user=enrolled.representative, declaration_accepted=True, password=factories.PASSWORD
    )
    assert Dossier.objects.filter(cycle=cycle).exists()
    client = _client(enrolled, who)
    for name in ("dossier", "dossier_pdf", "dossier_zip", "workspace"):
        url = reverse(f"applications:{name}", args=[cycle.pk])
        assert client.get(url).status_code == expect(who, viewer=200), (who, name)
    # The pre-flight of a submitted cycle leads to the dossier.
    assert client.get(reverse("applications:submit", args=[cycle.pk])).status_code == expect(who, viewer=302)


def _api(cast: Any, who: str) -> Client:
    if who == "anonymous":
        return Client()
    _token, raw = token_create(user=getattr(cast, who), name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize("who", ROLES)
def test_api_per_role(enrolled: Any, world: dict[str, Any], who: str) -> None:
    c, answer, doc = world["cycle"], world["answer"], world["document"]
    client = _api(enrolled, who)
    base = f"/api/v1/applications/cycles/{c.pk}"
    evidence = f"/api/v1/applications/facilities/{c.facility_id}/evidence"
    reads = [f"{base}", f"{base}/answers", f"{base}/answers/{answer.pk}", f"{base}/preflight", evidence]
    for url in reads:
        assert client.get(url).status_code == expect(who, viewer=200, api=True), (who, url)
    assert client.get(f"{base}/dossier").status_code == expect(who, viewer=404, api=True)
    put = client.patch(f"{base}/answers/{answer.pk}", {"revision": 0, "claim": "met"}, content_type="application/json")
    assert put.status_code == expect(who, viewer=403, editor=200, api=True), who
    link = client.post(
        f"{base}/answers/{answer.pk}/evidence", {"document_id": str(doc.pk)}, content_type="application/json"
    )
    assert link.status_code == expect(who, viewer=403, editor=201, api=True), who
    unlink = client.delete(f"{base}/answers/{answer.pk}/evidence/{doc.pk}")
    assert unlink.status_code == expect(who, viewer=403, editor=204, api=True), who
    upload = client.post(evidence, {"files": [files.upload("b.pdf", files.pdf_bytes())]})
    assert upload.status_code == expect(who, viewer=403, editor=201, api=True), who
    submit = client.post(
        f"{base}/submit", {"declaration": True, "password": factories.PASSWORD}, content_type="application/json"
    )
    # The representative may sign but the blockers refuse it (409); nobody else may sign.
    assert submit.status_code == (409 if who == "representative" else expect(who, viewer=403, api=True)), who


@pytest.mark.parametrize("who", ROLES)
def test_api_start_cycle_per_role(enrolled: Any, framework: Any, who: str) -> None:
    response = _api(enrolled, who).post(f"/api/v1/applications/facilities/{enrolled.facility.pk}/cycles")
    assert response.status_code == expect(who, viewer=403, editor=201, api=True)
