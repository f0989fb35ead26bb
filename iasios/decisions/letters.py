"""Decision and appeal letters: HTML templates rendered to PDF."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from iasios.core.pdf import html_to_pdf
from iasios.decisions.models import Appeal, Decision
from iasios.decisions.selectors import decision_detail
from iasios.decisions.services import appeal_deadline


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
    return render_to_string("decisions/letter_pdf.html", context)


def decision_letter_pdf(decision: Decision) -> bytes:
    return html_to_pdf(decision_letter_html(decision))


def appeal_letter_html(appeal: Appeal) -> str:
    context = {"appeal": appeal, "decision": appeal.decision, "facility": appeal.decision.cycle.facility}
    return render_to_string("decisions/appeal_letter_pdf.html", {**context, "issuer": issuer()})


def appeal_letter_pdf(appeal: Appeal) -> bytes:
    return html_to_pdf(appeal_letter_html(appeal))
