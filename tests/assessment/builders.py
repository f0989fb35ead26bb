"""Builders for the assessment tests: an Enrolled Centre with a submitted dossier in assessment,
an assessor pool (two eligible assessors, two with conflicts), accepted assignments, ratings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import mail

from iasios.accounts.roles import ProgrammeRoleName
from iasios.applications.models import Cycle, Dossier
from iasios.assessment import selectors, services
from iasios.assessment.models import AssessorProfile, Assignment
from iasios.cycles import services as cycle_services
from iasios.standards.models import Requirement
from tests import factories
from tests.applications.conftest import enrol
from tests.applications.helpers import fill_core, submit


@dataclass
class World:
    cast: Any
    cycle: Cycle
    dossier: Dossier
    a: Any  # cast.assessor, eligible (DE)
    b: Any  # eligible (IT)
    same_country: Any  # FR like the facility
    same_institution: Any  # the facility's institution, other case
    spare: Any  # eligible (ES), for re-assignment

    @property
    def office(self) -> Any:
        return self.cast.office


def profile(user: Any, country: str, institution: str, **extra: Any) -> AssessorProfile:
    return AssessorProfile.objects.create(user=user, country=country, institution=institution, **extra)


def submitted_in_assessment(cast: Any) -> tuple[Cycle, Dossier]:
    enrol(cast.facility)
    cycle = cycle_services.cycle_start(facility=cast.facility, user=cast.contributor)
    fill_core(cycle, cast.contributor)
    dossier = submit(cycle, cast.representative)
    cycle_services.cycle_start_assessment(cycle=cycle, actor=cast.office)
    cycle.refresh_from_db()
    return cycle, dossier


def build_world(cast: Any, *, in_assessment: bool = True) -> World:
    if in_assessment:
        cycle, dossier = submitted_in_assessment(cast)
    else:
        enrol(cast.facility)
        cycle = cycle_services.cycle_start(facility=cast.facility, user=cast.contributor)
        fill_core(cycle, cast.contributor)
        dossier = submit(cycle, cast.representative)
        cycle.refresh_from_db()
    facility = cast.facility
    profile(cast.assessor, "DE", "Charité Berlin", languages="German, English")
    b = factories.make_staff(ProgrammeRoleName.ASSESSOR, name="Bea Second")
    profile(b, "IT", "Ospedale Maggiore")
    same_country = factories.make_staff(ProgrammeRoleName.ASSESSOR, name="Cléo Samecountry")
    profile(same_country, facility.country, "Somewhere Else")
    same_institution = factories.make_staff(ProgrammeRoleName.ASSESSOR, name="Ivo Sameinst")
    profile(same_institution, "NL", f"  {facility.institution.upper()} ")
    spare = factories.make_staff(ProgrammeRoleName.ASSESSOR, name="Sara Spare")
    profile(spare, "ES", "Hospital Clínic")
    mail.outbox.clear()
    return World(cast, cycle, dossier, cast.assessor, b, same_country, same_institution, spare)


def assign(world: World, user: Any, *, accept: bool = True) -> Assignment:
    assignment = services.assignment_create(cycle=world.cycle, assessor=user, actor=world.office)
    if accept:
        assignment = services.assignment_accept(assignment=assignment, user=user, no_conflict=True)
    selectors.forget_assessor_cache(user)
    return assignment


def requirements(cycle: Cycle) -> list[Requirement]:
    return selectors.requirements_of(cycle)


def rate_all(assignment: Assignment, user: Any, default: str = "met", **by_reference: str) -> None:
    assignment.refresh_from_db()
    for requirement in requirements(assignment.cycle):
        rating = by_reference.get(f"r{requirement.reference}", default)
        services.rating_save(
            assignment=assignment,
            user=user,
            requirement=requirement,
            rating=rating,
            comment="" if rating == "met" else f"note by {user.get_short_name()} on {requirement.reference}",
        )


def both_submitted(world: World, **ratings_b: str) -> tuple[Assignment, Assignment]:
    first = assign(world, world.a)
    second = assign(world, world.b)
    rate_all(first, world.a)
    rate_all(second, world.b, **ratings_b)
    first = services.review_submit(assignment=first, user=world.a)
    second = services.review_submit(assignment=second, user=world.b)
    return first, second


def reconcile_all(world: World, **by_reference: str) -> None:
    recon = selectors.reconciliation(world.cycle)
    values = {}
    for row in recon.rows:
        rating = by_reference.get(f"r{row.requirement.reference}") or row.agreed or "met"
        values[row.requirement.pk] = (rating, "")
    services.consolidated_ratings_record(cycle=world.cycle, actor=world.office, ratings=values)
