"""The committee's queue (under /committee/, behind staff MFA): the cycles waiting for a vote and the
appeals to hear. A cycle's file with the vote and an appeal's hearing move the cycle, so they are
the cycles app's pages (`iasios.cycles.views_committee`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import ProgrammeRoleName
from iasios.decisions import selectors
from iasios.decisions.access import took_part

committee_only = programme_role_required(ProgrammeRoleName.COMMITTEE)


@committee_only
def queue(request: HttpRequest) -> HttpResponse:
    appeals = selectors.appeals_lodged()
    return render(
        request,
        "decisions/committee_queue.html",
        {
            "rows": selectors.committee_queue(request.user),
            "appeals": [(a, not took_part(request.user, a.decision)) for a in appeals],
        },
    )
