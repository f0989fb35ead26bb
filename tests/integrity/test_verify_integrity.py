"""`manage.py verify_integrity`: silent success on intact data; every corrupted file, changed
row or missing file listed, with exit status 1."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from iasios.applications.dossier import snapshot_sha256
from iasios.applications.models import Dossier, EvidenceRevision
from iasios.certificates.models import Certificate
from iasios.core.models import StoredDocument
from iasios.cycles import services as cycle_services
from tests import factories
from tests.applications.conftest import CaseReviewStandIn, enrol
from tests.applications.helpers import fill_core
from tests.decisions.conftest import contract, granted, members  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_storage")]


@pytest.fixture
def data(
    cast: Any,
    framework: Any,
    members: list[Any],  # noqa: F811
    contract: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> dict[str, Any]:
    """A submitted cycle (evidence files, a dossier, its stored PDF and ZIP) and an award's certificate."""
    from iasios.casereview import selectors as casereview_selectors

    stand_in = CaseReviewStandIn()
    monkeypatch.setattr(casereview_selectors, "case_review_status", lambda cycle: stand_in.status)
    monkeypatch.setattr(casereview_selectors, "case_review_snapshot", lambda cycle: dict(stand_in.snapshot))
    enrol(cast.facility)
    cycle = cycle_services.cycle_start(facility=cast.facility, user=cast.contributor)
    fill_core(cycle, cast.contributor)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = cycle_services.cycle_submit(
            cycle=cycle, user=cast.representative, declaration_accepted=True, password=factories.PASSWORD
        )
    other = factories.make_facility(name="Awarded Centre")
    cast.facility = other  # granted() decides for the cast's facility
    award = granted(cast, framework, members, date(2026, 2, 1))
    # The committee's test cycle carries a stand-in dossier hash: give it its real one.
    stand_in_dossier = Dossier.objects.get(cycle__facility=other)
    _set_dossier_sha256(stand_in_dossier, snapshot_sha256(stand_in_dossier.snapshot))
    return {"dossier": dossier, "certificate": award.certificate}


def _set_dossier_sha256(dossier: Dossier, sha256: str) -> None:
    """Change the row behind the model's back (a frozen dossier refuses every update)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE applications_dossier SET sha256 = %s WHERE id = %s", [sha256, dossier.pk.hex])


def _verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_integrity", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def test_intact_data_verifies(data: dict[str, Any]) -> None:
    status, out = _verify()
    assert status == 0, out
    assert "every hash verifies" in out
    assert "2 evidence revision, 2 dossier, 1 certificate, 2 stored document" in out


def test_a_corrupted_evidence_file_is_reported(data: dict[str, Any]) -> None:
    revision = EvidenceRevision.objects.order_by("received_at").first()
    assert revision is not None
    default_storage.delete(revision.storage_key)
    default_storage.save(revision.storage_key, ContentFile(b"%PDF-1.4 tampered"))
    status, out = _verify()
    assert status == 1
    assert f"evidence revision {revision.pk}: SHA-256" in out


def test_a_missing_evidence_file_is_reported(data: dict[str, Any]) -> None:
    revision = EvidenceRevision.objects.order_by("received_at").first()
    assert revision is not None
    default_storage.delete(revision.storage_key)
    status, out = _verify()
    assert status == 1 and f"evidence revision {revision.pk}: file missing" in out


def test_a_changed_dossier_row_is_reported(data: dict[str, Any]) -> None:
    dossier = data["dossier"]
    _set_dossier_sha256(dossier, "f" * 64)
    status, out = _verify()
    assert status == 1 and f"dossier {dossier.pk}: the snapshot no longer hashes" in out


def test_a_changed_evidence_row_is_reported_against_the_dossier(data: dict[str, Any]) -> None:
    revision = EvidenceRevision.objects.order_by("received_at").first()
    assert revision is not None
    EvidenceRevision.objects.filter(pk=revision.pk).update(sha256="0" * 64)
    status, out = _verify()
    assert status == 1
    assert f"evidence revision {revision.pk}: SHA-256" in out
    assert f"dossier {data['dossier'].pk}: evidence revision {revision.pk} no longer has the frozen SHA-256" in out


def test_a_changed_certificate_row_is_reported(data: dict[str, Any]) -> None:
    certificate = data["certificate"]
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=date(2099, 1, 1))
    status, out = _verify()
    assert status == 1 and f"certificate {certificate.number}: the issued data" in out


def test_a_missing_stored_document_is_reported(data: dict[str, Any]) -> None:
    stored = StoredDocument.objects.get(kind="dossier-pdf")
    default_storage.delete(stored.storage_key)
    status, out = _verify()
    assert status == 1 and f"stored dossier-pdf {stored.object_id}: file missing" in out
