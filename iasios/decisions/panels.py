"""Appeal panels: who may sit on an appeal's panel, and the office appointing one.

An appeal is heard by committee members who took no part in the decision appealed against, or
by members for appeals only (a programme role of their own: they sit on panels and never vote on
an application; docs/decisions/0025-appeal-panels.md). The panel has at least the programme's
quorum. A member's role works once they have two-factor authentication, so only those count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from iasios.accounts.models import User
from iasios.accounts.people import second_factor_on
from iasios.accounts.roles import APPEAL_PANEL_ROLES
from iasios.core.events import record_event
from iasios.core.refusals import Conflict, Invalid, NotPermitted
from iasios.decisions import notifications
from iasios.decisions.access import can_appoint_panel, voter_ids
from iasios.decisions.models import Appeal, AppealStatus
from iasios.decisions.selectors import appeals_needing_panel, programme_settings_for


def _panel_members() -> QuerySet[User]:
    """Active holders of a role that sits on appeal panels (committee, appeals only)."""
    return User.objects.filter(programme_role_set__role__in=APPEAL_PANEL_ROLES, is_active=True)


def panel_candidates(appeal: Appeal) -> QuerySet[User]:
    """Everyone who may sit on the appeal's panel, with `mfa_on`: committee members (and members
    for appeals only) who did not vote on the decision, active."""
    return (
        _panel_members()
        .exclude(pk__in=voter_ids(appeal.decision))
        .annotate(mfa_on=second_factor_on())
        .prefetch_related("programme_role_set")
        .distinct()
        .order_by("name", "email")
    )


def eligible_members(appeal: Appeal) -> QuerySet[User]:
    """The candidates the office may appoint now: their role works (two-factor authentication on)."""
    return panel_candidates(appeal).filter(second_factor_on())


def appeals_short_of_a_panel() -> list[Appeal]:
    """Lodged appeals without a panel that fewer eligible members (`eligible_members`' rule) may
    hear than the quorum: the office grants roles, then appoints. Three queries however many wait."""
    able = set(_panel_members().filter(second_factor_on()).values_list("pk", flat=True))
    appeals = appeals_needing_panel().select_related("decision__cycle__framework").prefetch_related("decision__votes")
    return [
        appeal
        for appeal in appeals
        if len(able - {vote.member_id for vote in appeal.decision.votes.all()})
        < programme_settings_for(appeal.decision.cycle).committee_quorum
    ]


@dataclass
class PanelState:
    """What the office's appeal page shows about the panel."""

    quorum: int
    eligible: list[User]  # may be appointed now (their role works: two factors on)
    waiting: list[User]  # hold the role but have no second factor yet
    panel: list[User]

    @property
    def shortfall(self) -> int:
        """How many more eligible members the quorum needs (0 when there are enough)."""
        return max(self.quorum - len(self.eligible), 0)


def panel_state(appeal: Appeal) -> PanelState:
    candidates = list(panel_candidates(appeal))
    return PanelState(
        quorum=programme_settings_for(appeal.decision.cycle).committee_quorum,
        eligible=[c for c in candidates if c.mfa_on],  # type: ignore[attr-defined]
        waiting=[c for c in candidates if not c.mfa_on],  # type: ignore[attr-defined]
        panel=list(appeal.panel.all()),
    )


@transaction.atomic
def appeal_panel_appoint(*, appeal: Appeal, actor: Any, members: list[Any], today: date | None = None) -> Appeal:
    """The office appoints (or changes) the panel of a lodged appeal; its members are told.

    Each member must be eligible (see `panel_candidates`, with two-factor authentication on),
    and the panel at least the programme's quorum.
    """
    if not can_appoint_panel(actor):
        raise NotPermitted(_("Only the programme office appoints an appeal panel."))
    appeal = Appeal.objects.select_for_update().select_related("decision__cycle__framework").get(pk=appeal.pk)
    if appeal.status != AppealStatus.LODGED:
        raise Conflict(_("This appeal has been decided: its panel can no longer change."))
    state = panel_state(appeal)
    eligible = {m.pk: m for m in state.eligible}
    chosen = list(dict.fromkeys(getattr(m, "pk", m) for m in members))
    if any(pk not in eligible for pk in chosen):
        raise Invalid(
            _("Appoint committee members who took no part in the decision and have two-factor authentication on."),
            field="members",
        )
    if len(chosen) < state.quorum:
        raise Invalid(
            _("Appoint at least %(quorum)d members: the programme's quorum.") % {"quorum": state.quorum},
            field="members",
        )
    appeal.panel.set(chosen)
    appeal.panel_appointed_on = today or timezone.localdate()
    appeal.save(update_fields=["panel_appointed_on", "updated_at"])
    names = ", ".join(str(eligible[pk]) for pk in chosen)
    record_event(
        obj=appeal,
        action="panel_appointed",
        actor=actor,
        reason=_("Panel: %(names)s") % {"names": names},
        data={"members": [str(pk) for pk in chosen]},
    )
    transaction.on_commit(partial(notifications.appeal_panel_appointed, appeal, [eligible[pk] for pk in chosen]))
    return appeal
