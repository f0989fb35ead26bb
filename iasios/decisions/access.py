"""Who may see and do what with decisions, appeals and awards. Used by pages, API and downloads.

An object the user may not see answers 404; an action the user may not take on an object
they can see answers 403.

- Committee queue and a cycle's committee file: committee members; a member votes unless
  excluded from the round (they took part in a decision set aside on appeal).
- Decision page and letter: the facility's members (every role), the office, committee
  members; the office adds and verifies corrective actions.
- Appeal: seen as its decision (and by members for appeals only); the authorised representative
  lodges it; the office appoints its panel; a committee member who did not vote on the decision
  hears it, or, once a panel is appointed, a member of the panel only (`hearing_refusal` says why
  not, in the words the member reads).
- Award, certificate PDF, facility seal: the facility's members and the office; the office
  suspends, reinstates and withdraws.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from iasios.accounts.roles import APPEAL_PANEL_ROLES, FacilityRoleName, ProgrammeRoleName
from iasios.decisions.models import Appeal, Award, Decision, DecisionStatus
from iasios.facilities.access import facility_role, is_office
from iasios.facilities.models import Facility


def is_committee(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_programme_role(ProgrammeRoleName.COMMITTEE))


def may_sit_on_appeal_panels(user: Any) -> bool:
    """Committee members and members for appeals only: the people an appeal panel is made of."""
    return bool(getattr(user, "is_authenticated", False) and user.has_programme_role(*APPEAL_PANEL_ROLES))


def voter_ids(decision: Decision) -> set[Any]:
    """Members who voted in this round (uses prefetched votes when present)."""
    return {vote.member_id for vote in decision.votes.all()}


def took_part(user: Any, decision: Decision) -> bool:
    return getattr(user, "pk", None) in voter_ids(decision)


def is_excluded(user: Any, decision: Decision) -> bool:
    return getattr(user, "pk", None) in {u.pk for u in decision.excluded_members.all()}


def can_view_decision(user: Any, decision: Decision) -> bool:
    return is_office(user) or may_sit_on_appeal_panels(user) or facility_role(user, decision.cycle.facility) is not None


def can_vote(user: Any, decision: Decision) -> bool:
    return is_committee(user) and decision.status == DecisionStatus.VOTING and not is_excluded(user, decision)


def can_manage_actions(user: Any) -> bool:
    return is_office(user)


def can_lodge_appeal(user: Any, decision: Decision) -> bool:
    """Only the authorised representative appeals (the service checks the window)."""
    return facility_role(user, decision.cycle.facility) == FacilityRoleName.AUTHORISED_REPRESENTATIVE


def can_view_appeal(user: Any, appeal: Appeal) -> bool:
    return can_view_decision(user, appeal.decision)


def panel_ids(appeal: Appeal) -> set[Any]:
    """The appointed panel's members (uses prefetched members when present); empty before one is appointed."""
    return {member.pk for member in appeal.panel.all()}


def hearing_refusal(user: Any, appeal: Appeal) -> str | None:
    """Why `user` may not hear the appeal, in the words they read; None when they may.

    Committee members who took no part in the decision appealed against hear it; once the office
    appoints a panel, its members only (members for appeals only sit on panels, never otherwise).
    """
    if not may_sit_on_appeal_panels(user):
        return _("Only committee members hear appeals.")
    if took_part(user, appeal.decision):
        return _("You took part in this decision, so you cannot hear its appeal.")
    panel = panel_ids(appeal)
    if panel and user.pk not in panel:
        return _("The office appointed a panel to hear this appeal, and you are not on it.")
    if not panel and not is_committee(user):
        return _("Members for appeals only hear an appeal once the office appoints them to its panel.")
    return None


def can_hear_appeal(user: Any, appeal: Appeal) -> bool:
    return hearing_refusal(user, appeal) is None


def can_appoint_panel(user: Any) -> bool:
    return is_office(user)


def can_view_award(user: Any, award: Award) -> bool:
    return is_office(user) or facility_role(user, award.facility) is not None


def can_view_facility_awards(user: Any, facility: Facility) -> bool:
    return is_office(user) or facility_role(user, facility) is not None


def can_manage_award(user: Any) -> bool:
    return is_office(user)


def get_visible_decision_or_404(user: Any, pk: Any) -> Decision:
    decision = (
        Decision.objects.select_related("cycle__facility", "cycle__framework")
        .prefetch_related("votes__member", "excluded_members")
        .filter(pk=pk)
        .first()
    )
    if decision is None or not can_view_decision(user, decision):
        raise Http404
    return decision


def get_visible_appeal_or_404(user: Any, pk: Any) -> Appeal:
    appeal = (
        Appeal.objects.select_related(
            "decision__cycle__facility", "decision__cycle__framework", "lodged_by", "heard_by"
        )
        .prefetch_related("decision__votes", "documents", "panel")
        .filter(pk=pk)
        .first()
    )
    if appeal is None or not can_view_appeal(user, appeal):
        raise Http404
    return appeal


def get_visible_award_or_404(user: Any, pk: Any) -> Award:
    award = Award.objects.select_related("facility", "cycle__framework", "decision").filter(pk=pk).first()
    if award is None or not can_view_award(user, award):
        raise Http404
    return award


def awards_visible_to(user: Any) -> Any:
    if is_office(user):
        return Award.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Award.objects.none()
    return Award.objects.filter(facility__memberships__user=user)
