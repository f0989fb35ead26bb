"""The committee's queue (under /committee/, behind staff MFA): the cycles waiting for a vote and the
appeals to hear. A cycle's file with the vote and an appeal's hearing move the cycle, so they are
the cycles app's pages (`iasios.cycles.views_committee`). Members for appeals only see the appeals."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import APPEAL_PANEL_ROLES
from iasios.decisions import selectors
from iasios.decisions.access import hearing_refusal, is_committee

appeal_panel_only = programme_role_required(*APPEAL_PANEL_ROLES)


@appeal_panel_only
def queue(request: HttpRequest) -> HttpResponse:
    appeals = selectors.appeals_lodged()
    votes = is_committee(request.user)
    return render(
        request,
        "decisions/committee_queue.html",
        {
            "votes": votes,
            "rows": selectors.committee_queue(request.user) if votes else [],
            # Each appeal with why this member may not hear it (None: they may).
            "appeals": [(a, hearing_refusal(request.user, a)) for a in appeals],
        },
    )
