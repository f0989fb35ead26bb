"""Issuing certificates."""

from __future__ import annotations

from django.db import transaction

from iasios.certificates.models import Certificate
from iasios.certificates.tasks import certificate_render
from iasios.core.documents import prepare_after_commit
from iasios.core.events import record_event
from iasios.core.numbering import next_number
from iasios.decisions.models import Award

SERIES = "certificate"


def certificate_number(year: int, sequence: int) -> str:
    return f"IO-{year}-{sequence:04d}"


@transaction.atomic
def certificate_issue(*, award: Award) -> Certificate:
    """The award's certificate, issued with the award (on the decision's date) and numbered
    gaplessly within the year of issue. It shows the award's term: an award granted by a
    re-certification may start later, the day after the current one ends."""
    existing = Certificate.objects.filter(award=award).first()
    if existing is not None:
        return existing
    issued_on = award.decision.decided_on or award.valid_from
    year = issued_on.year
    sequence = next_number(SERIES, year)
    facility = award.facility
    certificate = Certificate(
        award=award,
        number=certificate_number(year, sequence),
        year=year,
        sequence=sequence,
        facility_name=facility.name,
        institution=facility.institution,
        city=facility.city,
        country=facility.country,
        level=award.level,
        valid_from=award.valid_from,
        valid_until=award.valid_until,
        issued_on=issued_on,
    )
    certificate.data_sha256 = certificate.issued_data_sha256()
    certificate.save(force_insert=True)
    record_event(obj=certificate, action="issue", data={"number": certificate.number, "award": str(award.pk)})
    prepare_after_commit(certificate_render.enqueue, str(certificate.pk))
    return certificate
