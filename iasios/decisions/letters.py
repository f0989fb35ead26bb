"""Decision and appeal letters: HTML templates rendered to PDF, stored once rendered.

A letter lists what its decision holds, and the office may add corrective actions after the
decision: the stored PDF carries the SHA-256 of the HTML it was rendered from and is rendered
again only when that HTML changes (core.documents).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from iasios.core.documents import Document, source_sha256
from iasios.core.pdf import html_to_pdf
from iasios.decisions.models import Appeal, Decision
from iasios.decisions.selectors import decision_detail
from iasios.decisions.services import appeal_deadline
from iasios.facilities.language import in_facility_language


def issuer() -> dict[str, str]:
    from iasios.billing.pdf import issuer as billing_issuer

    return billing_issuer()


def decision_letter_html(decision: Decision) -> str:
    context: dict[str, Any] = {
        "decision": decision,
        "facility": decision.cycle.facility,
        "issuer": issuer(),
        "appeal_deadline": appeal_deadline(decision),
        **decision_detail(decision),
    }
    with in_facility_language(context["facility"]):
        return render_to_string("decisions/letter_pdf.html", context)


def decision_letter_pdf(decision: Decision) -> bytes:
    return html_to_pdf(decision_letter_html(decision))


def appeal_letter_html(appeal: Appeal) -> str:
    context = {"appeal": appeal, "decision": appeal.decision, "facility": appeal.decision.cycle.facility}
    with in_facility_language(context["facility"]):
        return render_to_string("decisions/appeal_letter_pdf.html", {**context, "issuer": issuer()})


def appeal_letter_pdf(appeal: Appeal) -> bytes:
    return html_to_pdf(appeal_letter_html(appeal))


DECISION_LETTER = "decision-letter"
APPEAL_LETTER = "appeal-letter"


def _letter(kind: str, object_id: Any, filename: str, html: str) -> Document:
    return Document(
        kind=kind,
        object_id=str(object_id),
        filename=filename,
        render=lambda: html_to_pdf(html),
        source=source_sha256(html),
    )


def decision_letter_document(decision: Decision) -> Document:
    return _letter(DECISION_LETTER, decision.pk, f"decision-{decision.decided_on}.pdf", decision_letter_html(decision))


def appeal_letter_document(appeal: Appeal) -> Document:
    return _letter(APPEAL_LETTER, appeal.pk, f"appeal-{appeal.decided_on}.pdf", appeal_letter_html(appeal))
