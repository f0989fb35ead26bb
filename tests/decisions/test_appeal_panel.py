"""Appeals that can always be heard: the panel the office appoints, members for appeals only, what a
voter reads, the late appeal's date, and the office's withdrawal of an award."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from iasios.accounts.roles import ProgrammeRoleName
from iasios.core.models import Event
from iasios.core.refusals import Conflict
from iasios.cycles import committee
from iasios.decisions import panels, selectors, services
from iasios.decisions.access import can_hear_appeal, hearing_refusal
from iasios.decisions.models import Appeal, AwardStatus, DecisionStatus
from iasios.facilities.models import Facility
from iasios.notifications.models import Notification
from iasios.registry.selectors import with_award
from tests import factories
from tests.decisions.conftest import Contract, committee_cycle, decide

pytestmark = pytest.mark.django_db

VOTER_READS = "You took part in this decision, so you cannot hear its appeal"


def public_level(facility: Facility) -> str:
    """The level the registry and its open data show for the facility."""
    annotated: Any = with_award(Facility.objects.filter(pk=facility.pk)).get()
    return str(annotated.public_level)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def appeals_only(name: str, *, mfa: bool = True) -> Any:
    return factories.make_staff(ProgrammeRoleName.APPEALS, mfa=mfa, name=name)


@pytest.fixture
def appeal(cast: Any, members: list[Any], cycle: Any) -> Appeal:
    """An appeal against an accredited decision voted by members[:3]; members[3:] took no part."""
    decision = decide(cycle, members, "accredited", date.today())
    return services.appeal_lodge(decision=decision, user=cast.representative, grounds="The ratings were misread.")


# ----------------------------------------------------------------------------- who may sit


def test_candidates_are_non_voters_and_members_for_appeals_only(appeal: Appeal, members: list[Any]) -> None:
    ready = appeals_only("Petra Panel")
    waiting = appeals_only("Wim Waiting", mfa=False)
    state = panels.panel_state(appeal)
    assert set(state.eligible) == {members[3], members[4], ready}
    assert state.waiting == [waiting]
    assert (state.quorum, state.shortfall) == (3, 0)


def test_appeals_only_members_never_vote_and_hear_only_on_a_panel(
    appeal: Appeal, members: list[Any], cast: Any, framework: Any
) -> None:
    member = appeals_only("Petra Panel")
    assert hearing_refusal(member, appeal) == (
        "Members for appeals only hear an appeal once the office appoints them to its panel."
    )
    waiting = committee_cycle(cast.other_facility, framework)
    with pytest.raises(PermissionDenied):
        committee.vote_cast(cycle=waiting, member=member, outcome="accredited")


def test_the_office_appoints_a_panel_of_the_quorum_and_its_members_are_told(
    appeal: Appeal, members: list[Any], cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = appeals_only("Petra Panel")
    panel = [members[3], members[4], member]
    with pytest.raises(PermissionDenied):
        panels.appeal_panel_appoint(appeal=appeal, actor=members[3], members=panel)
    with pytest.raises(ValidationError, match="at least 3"):
        panels.appeal_panel_appoint(appeal=appeal, actor=cast.office, members=panel[:2])
    with pytest.raises(ValidationError, match="took no part"):
        panels.appeal_panel_appoint(appeal=appeal, actor=cast.office, members=[members[0], *panel[:2]])
    assert selectors.appeals_needing_panel().filter(pk=appeal.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        panels.appeal_panel_appoint(appeal=appeal, actor=cast.office, members=panel)
    appeal.refresh_from_db()
    assert set(appeal.panel.all()) == set(panel) and appeal.panel_appointed_on == date.today()
    assert not selectors.appeals_needing_panel().filter(pk=appeal.pk).exists()
    event = Event.objects.for_object(appeal).get(action="panel_appointed")
    assert event.actor == cast.office and "Petra Panel" in event.reason
    told = Notification.objects.filter(kind="decisions/email/appeal_panel")
    assert {row.user for row in told} == set(panel)
    assert all(row.link == f"/committee/appeals/{appeal.pk}/" for row in told)


def test_once_a_panel_is_appointed_only_its_members_hear(
    appeal: Appeal, members: list[Any], cast: Any, contract: Contract
) -> None:
    panel = [members[3], appeals_only("Petra Panel"), appeals_only("Paul Panel")]
    panels.appeal_panel_appoint(appeal=appeal, actor=cast.office, members=panel)
    outside = members[4]  # took no part, but is not on the panel
    assert (
        hearing_refusal(outside, appeal) == "The office appointed a panel to hear this appeal, and you are not on it."
    )
    with pytest.raises(PermissionDenied):
        committee.appeal_decide(appeal=appeal, member=outside, upheld=False, reasons="x")
    assert all(can_hear_appeal(member, appeal) for member in panel)
    committee.appeal_decide(appeal=appeal, member=panel[1], upheld=False, reasons="The ratings stand.")
    appeal.refresh_from_db()
    assert appeal.status == "dismissed" and appeal.heard_by == panel[1]
    assert not selectors.appeals_needing_panel().filter(pk=appeal.pk).exists()


def test_a_decided_appeal_keeps_its_panel(appeal: Appeal, members: list[Any], cast: Any, contract: Contract) -> None:
    committee.appeal_decide(appeal=appeal, member=members[3], upheld=False, reasons="The ratings stand.")
    with pytest.raises(Conflict, match="decided"):
        panels.appeal_panel_appoint(appeal=appeal, actor=cast.office, members=members[3:])


# ----------------------------------------------------------------------------- pages


def test_a_voter_opens_the_appeal_and_reads_why_they_cannot_hear_it(appeal: Appeal, members: list[Any]) -> None:
    client = logged_in(members[0])
    page = client.get(f"/committee/appeals/{appeal.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert VOTER_READS in body and "The ratings were misread." in body
    assert "Record the finding" not in body
    assert client.post(f"/committee/appeals/{appeal.pk}/", {"result": "upheld", "reasons": "x"}).status_code == 403
    queue = client.get("/committee/").content.decode()
    assert f'href="/committee/appeals/{appeal.pk}/"' in queue and VOTER_READS in queue
    assert VOTER_READS in client.get(f"/decisions/appeals/{appeal.pk}/").content.decode()


def test_a_member_for_appeals_only_sees_the_appeals_not_the_votes(appeal: Appeal, cast: Any, framework: Any) -> None:
    committee_cycle(cast.other_facility, framework)
    member = appeals_only("Petra Panel")
    page = logged_in(member).get("/committee/").content.decode()
    assert "Recommendations waiting for a decision" not in page and "Other Centre" not in page
    assert "Hôpital Central IO" in page
    assert logged_in(member).get(f"/committee/cycles/{appeal.decision.cycle_id}/").status_code == 403


def test_the_office_page_says_when_too_few_members_may_sit(appeal: Appeal, members: list[Any], cast: Any) -> None:
    members[4].programme_role_set.all().delete()  # one eligible member left; the quorum is 3
    client = logged_in(cast.office)
    body = client.get(f"/decisions/appeals/{appeal.pk}/").content.decode()
    assert "Only 1 member may sit on this panel; the quorum is 3." in body
    assert 'href="/office/people/"' in body
    for name in ("Petra Panel", "Paul Panel"):
        appeals_only(name)
    body = client.get(f"/decisions/appeals/{appeal.pk}/").content.decode()
    assert "may sit on this panel" not in body and "Appoint the panel" in body


def test_the_office_appoints_the_panel_from_the_appeal_page(appeal: Appeal, members: list[Any], cast: Any) -> None:
    extra = appeals_only("Petra Panel")
    client = logged_in(cast.office)
    url = f"/office/decisions/appeals/{appeal.pk}/panel/"
    refused = client.post(url, {"members": [members[3].pk, extra.pk]})
    assert refused.status_code == 400
    assert "Appoint at least 3 members" in refused.content.decode()
    assert not appeal.panel.exists()
    voter = client.post(url, {"members": [members[0].pk, members[3].pk, extra.pk]})
    assert voter.status_code == 400 and not appeal.panel.exists()
    done = client.post(url, {"members": [members[3].pk, members[4].pk, extra.pk]})
    assert done.status_code == 302 and appeal.panel.count() == 3
    for who in ("committee", "representative", "assessor"):
        assert cast.client_for(who).post(url, {"members": [members[3].pk]}).status_code == 403


def test_a_late_appeal_is_refused_with_the_date_it_closed(cast: Any, members: list[Any], cycle: Any) -> None:
    decision = decide(cycle, members, "not_accredited", date(2026, 3, 10))
    page = logged_in(cast.representative).get(f"/decisions/{decision.pk}/appeal/").content.decode()
    assert "Appeals closed on 9 April 2026." in page
    with pytest.raises(ValidationError, match="Appeals closed on 9 April 2026"):
        services.appeal_lodge(decision=decision, user=cast.representative, grounds="x", today=date(2026, 4, 10))


def test_the_committee_queue_needs_the_same_queries_at_two_sizes(cast: Any, members: list[Any], framework: Any) -> None:
    client = logged_in(members[4])

    def one_more_appeal() -> None:
        facility = factories.make_facility()
        rep = factories.make_member(facility, "authorised_representative")
        decision = decide(committee_cycle(facility, framework, rep), members, "not_accredited", date.today())
        services.appeal_lodge(decision=decision, user=rep, grounds="Unfair.")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/committee/").status_code == 200
        return len(ctx.captured_queries)

    one_more_appeal()
    few = count()
    for _n in range(3):
        one_more_appeal()
    assert count() == few


# ----------------------------------------------------------------------------- upheld and withdrawn


def test_upheld_on_a_panel_withdraws_the_award_at_once_and_the_voters_sit_out_the_new_round(
    appeal: Appeal, members: list[Any], cast: Any, contract: Contract
) -> None:
    award = appeal.decision.award
    panel = [members[3], members[4], appeals_only("Petra Panel")]
    panels.appeal_panel_appoint(appeal=appeal, actor=cast.office, members=panel)
    committee.appeal_decide(appeal=appeal, member=panel[2], upheld=True, reasons="The ratings were misread.")
    award.refresh_from_db()
    assert award.status == AwardStatus.WITHDRAWN
    assert "withdrawn" in Client().get(f"/verify/{award.certificate.token}/").content.decode()
    assert public_level(cast.facility) != "accredited"
    new_round = appeal.decision.cycle.decisions.get(status=DecisionStatus.VOTING)
    assert set(new_round.excluded_members.all()) == set(members[:3])
    with pytest.raises(PermissionDenied):
        committee.vote_cast(cycle=appeal.decision.cycle, member=members[0], outcome="accredited")


def test_the_office_withdraws_an_award_and_the_facility_is_told(
    appeal: Appeal, cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    award = appeal.decision.award
    url = f"/office/decisions/awards/{award.pk}/withdraw/"
    assert cast.client_for("representative").post(url, {"reason": "x"}).status_code == 403
    page = logged_in(cast.office).get(f"/decisions/awards/{award.pk}/").content.decode()
    assert f'action="{url}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(cast.office).post(url, {"reason": "Falsified complication records."})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.status == AwardStatus.WITHDRAWN and award.status_reason == "Falsified complication records."
    verify = Client().get(f"/verify/{award.certificate.token}/").content.decode()
    assert "This award was withdrawn on" in verify
    assert public_level(cast.facility) != "accredited"
    told = Notification.objects.filter(kind="decisions/email/award_status")
    assert {row.user for row in told} == {cast.representative, cast.contact}
    assert all("Falsified complication records." in row.body for row in told)
    assert Event.objects.for_object(award).filter(action="withdraw", actor=cast.office).exists()


def test_a_refused_withdrawal_needs_a_reason(appeal: Appeal, cast: Any) -> None:
    award = appeal.decision.award
    response = logged_in(cast.office).post(f"/office/decisions/awards/{award.pk}/withdraw/", {"reason": " "})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.status == AwardStatus.VALID


def test_the_appeal_deadline_is_inclusive(cast: Any, members: list[Any], cycle: Any) -> None:
    day = date(2026, 3, 10)
    decision = decide(cycle, members, "not_accredited", day)
    last = day + timedelta(days=cycle.framework.settings.appeal_window_days)
    assert services.appeal_refusal(decision, last) is None


def test_the_office_overview_says_which_appeals_wait_for_a_panel(appeal: Appeal, members: list[Any], cast: Any) -> None:
    client = logged_in(cast.office)
    assert "Panel to appoint" in client.get("/office/decisions/").content.decode()
    panels.appeal_panel_appoint(appeal=appeal, actor=cast.office, members=[members[3], members[4], appeals_only("P")])
    page = client.get("/office/decisions/").content.decode()
    assert "Panel appointed" in page and "Panel to appoint" not in page


def test_a_link_to_the_panel_opens_the_appeal_page_at_its_panel(appeal: Appeal, cast: Any) -> None:
    response = logged_in(cast.office).get(f"/office/decisions/appeals/{appeal.pk}/panel/")
    assert response.status_code == 302 and response["Location"] == f"/decisions/appeals/{appeal.pk}/#panel"
    assert cast.client_for("committee").get(f"/office/decisions/appeals/{appeal.pk}/panel/").status_code == 403
