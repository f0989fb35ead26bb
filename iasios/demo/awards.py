"""Demo applications past submission: in assessment, with the committee, returned, amending,
and decided ones giving an accredited centre, a centre of excellence (re-certified after a full
term: its first award superseded by the one that started the day after it ended), a suspended
award and an expired one, so the registry and verification pages have something to show.

Everything goes through the services. Decisions in the past are taken with the `today` the
decisions services accept, so award dates fall where a real history would put them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from iasios.accounts.models import User
from iasios.applications import services as applications
from iasios.applications.models import Cycle, CycleStatus
from iasios.assessment import selectors as assessment_selectors
from iasios.assessment import services as assessment
from iasios.assessment.models import AssessorProfile, Assignment
from iasios.cycles import committee
from iasios.cycles import services as cycle_services
from iasios.decisions import services as decisions
from iasios.decisions.models import Award
from iasios.facilities.models import Facility


@dataclass(frozen=True)
class Panel:
    office: User
    assessors: tuple[User, User]
    committee: tuple[User, ...]


def months_ago(months: int) -> date:
    today = timezone.localdate()
    return today - timedelta(days=round(months * 30.44))


def assessor_profile(user: User, office: User, country: str, institution: str, languages: str) -> None:
    if not AssessorProfile.objects.filter(user=user).exists():
        assessment.assessor_profile_save(
            user=user,
            actor=office,
            data=assessment.ProfileInput(
                country=country,
                institution=institution,
                expertise_categories=["ablation", "radioembolisation"],
                expertise_note="Liver and lung ablation; radioembolisation dosimetry.",
                languages=languages,
            ),
        )


def _assign(cycle: Cycle, panel: Panel) -> list[Assignment]:
    assignments = []
    for user in panel.assessors:
        assignment = assessment.assignment_create(cycle=cycle, assessor=user, actor=panel.office)
        assignment = assessment.assignment_accept(assignment=assignment, user=user, no_conflict=True)
        assessment_selectors.forget_assessor_cache(user)
        assignments.append(assignment)
    return assignments


def _rate(assignment: Assignment, user: User, not_met: Iterable[str] = ()) -> None:
    weak = set(not_met)
    for requirement in assessment_selectors.requirements_of(assignment.cycle):
        rating = "partly_met" if requirement.reference in weak else "met"
        comment = "" if rating == "met" else "The policy exists but the audit does not show it in practice yet."
        assessment.rating_save(
            assignment=assignment, user=user, requirement=requirement, rating=rating, comment=comment
        )
    assessment.review_submit(assignment=assignment, user=user)


def to_assessment(cycle: Cycle, panel: Panel) -> list[Assignment]:
    cycle_services.cycle_start_assessment(cycle=cycle, actor=panel.office)
    return _assign(cycle, panel)


def to_committee(cycle: Cycle, panel: Panel, *, not_met: Iterable[str] = ()) -> None:
    """Both assessors rate, the office reconciles and sends the recommendation on."""
    weak = list(not_met)
    for assignment, user in zip(to_assessment(cycle, panel), panel.assessors, strict=True):
        _rate(assignment, user, weak)
    recon = assessment_selectors.reconciliation(cycle)
    assessment.consolidated_ratings_record(
        cycle=cycle,
        actor=panel.office,
        ratings={row.requirement.pk: (row.agreed or "met", "") for row in recon.rows},
    )
    cycle_services.cycle_send_to_committee(cycle=cycle, actor=panel.office)


def decide(cycle: Cycle, panel: Panel, outcome: str, *, on: date | None = None) -> None:
    """Committee members vote until the quorum takes the decision."""
    for member in panel.committee:
        cycle.refresh_from_db()
        if cycle.status != CycleStatus.WITH_COMMITTEE:
            break
        committee.vote_cast(cycle=cycle, member=member, outcome=outcome, comment="Agreed with the assessors.", today=on)
    cycle.refresh_from_db()


def current_award(facility: Facility) -> Award | None:
    return Award.objects.filter(facility=facility).order_by("-valid_from").first()


def recertify(facility: Facility, representative: User, panel: Panel, *, aim: str, on: date | None = None) -> Cycle:
    """Start a re-certification (on `on`, inside the window), confirm every carried-over answer
    and complete the case review."""
    from iasios.demo.cycles import complete_case_review

    cycle = cycle_services.cycle_start_recertification(facility=facility, user=representative, aim=aim, today=on)
    applications.answers_confirm(
        cycle=cycle, user=representative, answer_ids=list(cycle.answers.values_list("pk", flat=True))
    )
    complete_case_review(cycle, representative)
    return cycle


def advance(cycle: Cycle, stage: str, panel: Panel, representative: User, password: str) -> Cycle:
    """Take a submitted cycle to `stage` (see STAGES in seed.py)."""
    if stage == "returned":
        cycle_services.cycle_return(
            cycle=cycle,
            actor=panel.office,
            reason="The procedure log covers 10 months, not 12: upload the full period and draw the sample again.",
        )
    elif stage == "in_assessment":
        first, _second = to_assessment(cycle, panel)
        requirement = next(r for r in assessment_selectors.requirements_of(cycle) if r.reference == "10c")
        assessment.evidence_request_create(
            assignment=first,
            user=panel.assessors[0],
            requirement=requirement,
            question="Please send the last two incident reviews with the actions taken.",
        )
    elif stage == "with_committee":
        # Two requirements partly met: the committee's vote form starts with them ticked as areas to amend.
        to_committee(cycle, panel, not_met=["7b", "9b"])
    elif stage == "amending":
        to_committee(cycle, panel, not_met=["7b", "12a"])
        decide(cycle, panel, "areas_to_amend")
    elif stage in {"accredited", "suspended"}:
        to_committee(cycle, panel)
        decide(cycle, panel, "accredited", on=months_ago(14 if stage == "accredited" else 22))
        if stage == "suspended":
            award = current_award(cycle.facility)
            assert award is not None
            decisions.award_suspend(
                award=award,
                actor=panel.office,
                reason="Corrective action on complication recording overdue by three months.",
            )
    elif stage == "expired":
        to_committee(cycle, panel)
        decide(cycle, panel, "accredited", on=months_ago(50))
        decisions.award_sweep()
    elif stage == "excellence":
        # A full term first: accredited 54 months ago (so the award ended about six months ago);
        # the re-certification, started in its last year, was decided four months before it
        # ended; the Centre of Excellence award started the day after it ended, and the sweep
        # brought it into force (the first one superseded).
        to_committee(cycle, panel)
        decide(cycle, panel, "accredited", on=months_ago(54))
        second = recertify(cycle.facility, representative, panel, aim="centre_of_excellence", on=months_ago(16))
        cycle_services.cycle_submit(cycle=second, user=representative, declaration_accepted=True, password=password)
        to_committee(second, panel)
        decide(second, panel, "centre_of_excellence", on=months_ago(10))
        decisions.award_sweep()
        cycle = second
    cycle.refresh_from_db()
    return cycle
