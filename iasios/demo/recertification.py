"""Demo centres for re-certification, built through the services with past dates.

- **In its window** (`window`): accredited 40 months ago, its award ends in about eight months;
  the window opened four months ago and nothing has started, so its team sees "Start
  re-certification" with both aims (the term counts as served once the window opens).
- **A full term served, aiming for Centre of Excellence** (`full_term`): accredited 46 months ago,
  its award ends in about two months; the re-certification started nine months ago with the
  Centre of Excellence aim, its core answers confirmed (the extended ones still "carried over"),
  a reworded requirement answered anew; submitted, assessed every requirement met, and with the
  committee, where Centre of Excellence is among the outcomes; its on-site visit (two months ago,
  findings by both assessors) shows on the office's reconciliation page. The award the committee decides
  starts the day after the current one ends.

Both first applied on the programme's earlier standards (`EARLIER_VERSION`, the shipped file
with two requirements worded differently and one that did not exist yet), so a re-certification
shows what changed between the versions: the earlier version is loaded, made current for the
start of those first applications, and the shipped version made current again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from iasios.accounts.models import User
from iasios.applications import services as applications
from iasios.applications.models import Answer, Claim, Cycle, CycleAim
from iasios.assessment import services as assessment
from iasios.assessment.models import VisitKind
from iasios.cycles import services as cycle_services
from iasios.demo.awards import Panel, decide, months_ago, to_committee
from iasios.demo.cycles import complete_case_review, demo_cycle
from iasios.facilities.models import Facility
from iasios.standards.loader import parse_framework_text
from iasios.standards.models import FrameworkVersion, Requirement
from iasios.standards.selectors import current_framework
from iasios.standards.services import framework_activate, framework_load

EARLIER_VERSION = "2022.1"
# The earlier wording of two requirements; 9d is new in the shipped version.
EARLIER_TEXTS = {
    (1, "a"): "The IO service has a named clinical lead who is responsible for the service.",
    (6, "b"): "Every patient is discussed at a tumour board before an IO treatment.",
}
NEW_SINCE = (9, "d")


def earlier_standards() -> FrameworkVersion:
    """The programme's earlier version, loaded once (a second load finds the identical one)."""
    data = yaml.safe_load(Path(settings.SHIPPED_FRAMEWORK_FILE).read_text(encoding="utf-8"))
    data["version"] = EARLIER_VERSION
    data["published"] = date(2022, 1, 14)
    data["notice"] = "The demo's earlier version: the first applications of the re-certifying centres used it."
    for standard in data["standards"]:
        requirements = standard["requirements"]
        standard["requirements"] = [r for r in requirements if (standard["number"], r["letter"]) != NEW_SINCE]
        for requirement in standard["requirements"]:
            requirement["text"] = EARLIER_TEXTS.get((standard["number"], requirement["letter"]), requirement["text"])
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    source = f"io-standards-{EARLIER_VERSION}.yaml"
    return framework_load(data=parse_framework_text(text, source=source), source_name=source).framework


@contextmanager
def on_earlier_standards() -> Iterator[None]:
    """New applications pin the earlier version inside the block; the shipped one is current after it."""
    shipped = current_framework()
    framework_activate(framework=earlier_standards(), reason="Demo: the first applications of 2022.")
    try:
        yield
    finally:
        if shipped is not None:
            framework_activate(framework=shipped, reason="Demo: the standards in force today.")


def _first_term(facility: Facility, rep: User, panel: Panel, *, months: int, password: str) -> Cycle:
    """The first application on the earlier standards, accredited `months` ago."""
    with on_earlier_standards():
        cycle = demo_cycle(facility, editor=rep, representative=rep, stage="submitted", password=password)
    to_committee(cycle, panel)
    decide(cycle, panel, "accredited", on=months_ago(months))
    return cycle


def in_window(facility: Facility, rep: User, panel: Panel, password: str) -> None:
    """Accredited 40 months ago: the window is open, no re-certification started."""
    if not Cycle.objects.filter(facility=facility).exists():
        _first_term(facility, rep, panel, months=40, password=password)


def _answer_anew(cycle: Cycle, rep: User, reference: tuple[int, str], narrative: str) -> None:
    number, letter = reference
    answer = Answer.objects.select_related("cycle__facility").get(
        cycle=cycle, requirement__standard__number=number, requirement__letter=letter
    )
    applications.answer_save(
        answer=answer,
        user=rep,
        base_revision=answer.revision,
        data=applications.AnswerInput(claim=Claim.MET, na_reason="", narrative=narrative, assignee_id=None),
    )


def full_term(facility: Facility, rep: User, panel: Panel, password: str) -> None:
    """Accredited 46 months ago; re-certifying for Centre of Excellence, with the committee."""
    if Cycle.objects.filter(facility=facility).exists():
        return
    _first_term(facility, rep, panel, months=46, password=password)
    cycle = cycle_services.cycle_start_recertification(
        facility=facility, user=rep, aim=CycleAim.CENTRE_OF_EXCELLENCE, today=months_ago(9)
    )
    core = list(cycle.answers.filter(requirement__core=True).values_list("pk", flat=True))
    applications.answers_confirm(cycle=cycle, user=rep, answer_ids=core)
    _answer_anew(cycle, rep, (6, "b"), "Every new patient is discussed at the weekly tumour board; minutes linked.")
    _answer_anew(cycle, rep, NEW_SINCE, "The follow-up clinic runs weekly; see the service policy, section 9.")
    complete_case_review(cycle, rep)
    cycle_services.cycle_submit(cycle=cycle, user=rep, declaration_accepted=True, password=password)
    to_committee(cycle, panel)
    _visit(cycle, panel)


VISIT_FINDINGS = [
    ((6, "b"), "Tumour board attended: every new patient was discussed; the minutes are signed the same day."),
    ((9, "d"), "The follow-up clinic runs weekly; further care was planned in the notes of five patients."),
    ((6, "b"), "Two patients referred from outside the region were also discussed by video link."),
]


def _visit(cycle: Cycle, panel: Panel) -> None:
    """The on-site visit two months ago, with findings by both assessors."""
    first_day = months_ago(2)
    visit = assessment.visit_save(
        cycle=cycle,
        actor=panel.office,
        data=assessment.VisitInput(
            kind=VisitKind.ON_SITE,
            starts_on=first_day,
            ends_on=first_day + timedelta(days=1),
            visitors="Anders Assessor, lead assessor\nBeatriz Assessor, assessor",
            agenda="The weekly tumour board; the angiography suite and day unit; the clinical lead and the nurses.",
        ),
    )
    for n, ((number, letter), text) in enumerate(VISIT_FINDINGS):
        requirement = Requirement.objects.get(framework=cycle.framework, standard__number=number, letter=letter)
        assessment.visit_finding_add(visit=visit, user=panel.assessors[n % 2], requirement=requirement, text=text)


def recertifying_centres(centres: dict[str, tuple[Facility, User]], panel: Panel, password: str) -> None:
    """Bring the demo's two re-certifying centres to their state (idempotent)."""
    builders: dict[str, Any] = {"loire": in_window, "vistula": full_term}
    for slug, build in builders.items():
        if slug in centres:
            facility, rep = centres[slug]
            build(facility, rep, panel, password)
