"""From a submitted dossier to an award, its certificate, the registry and a suspension, in Chromium (issue 5).

The services build the submitted cycle (an Enrolled Centre in Belgium, every core requirement met
with evidence, a complete internal case review, the signed dossier) and the people: three assessors
(one of the facility's country), three committee members (the quorum), the office, the
representative. The browser drives one of each kind of action: triage, assignment (the conflicted
assessor refused), acceptance with the declaration, an evidence request answered with text and a
new upload and accepted, one rating per assessor and each review's submission, reconciliation,
sending to the committee, one vote, the certificate download, verification, the registry and the
suspension. The services do the repetitive rest (the other ratings, the other votes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from iasios.accounts.models import User
from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.applications.models import Cycle, CycleStatus, Dossier, EvidenceRevision
from iasios.assessment import selectors as assessment_selectors
from iasios.assessment import services as assessment_services
from iasios.assessment.models import (
    Assignment,
    AssignmentStatus,
    ConsolidatedRating,
    EvidenceRequest,
    EvidenceRequestStatus,
)
from iasios.casereview import selectors as review_selectors
from iasios.casereview import services as review_services
from iasios.certificates.models import Certificate
from iasios.cycles import committee as cycle_committee
from iasios.cycles import services as cycle_services
from iasios.decisions.models import Award, AwardStatus, Decision
from iasios.facilities.models import Facility, FacilityStatus
from iasios.standards.selectors import current_programme_settings
from tests import factories
from tests.applications.helpers import fill_core, submit
from tests.assessment.builders import profile
from tests.e2e.test_application import TINY_PDF, procedure_log, review_remaining_cases
from tests.e2e.test_onboarding import field, link_in_mail_to, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FACILITY = "Centre d'Oncologie Interventionnelle Bruxelles"
INSTITUTION = "Cliniques universitaires Saint-Luc"


def staff(role: str, name: str) -> tuple[User, str]:
    """A programme member with TOTP on (staff pages require MFA), and the secret for the codes."""
    user = factories.make_staff(role, mfa=False, name=name)
    return user, factories.enable_totp(user)


def submitted_cycle(facility: Facility, contributor: User, representative: User) -> tuple[Cycle, Dossier]:
    """Every core requirement met with evidence, the real case review completed, the dossier signed."""
    cycle = cycle_services.cycle_start(facility=facility, user=contributor)
    fill_core(cycle, contributor)
    log_bytes, period_start = procedure_log(current_programme_settings().case_review_sample_size + 10)
    uploaded = review_services.procedure_log_upload(
        cycle=cycle,
        user=contributor,
        data=log_bytes,
        file_name="procedure-log.csv",
        period_start=date.fromisoformat(period_start),
    )
    assert uploaded.accepted, uploaded.errors
    review_services.sample_draw(cycle=cycle, user=contributor)
    review_remaining_cases(cycle, contributor)
    assert review_selectors.case_review_status(cycle).complete
    dossier = submit(cycle, representative)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.SUBMITTED
    return cycle, dossier


def review_card(page: Page, reference: str) -> Locator:
    """A requirement's card on the review page (its heading: the reference and the tier badge)."""
    return page.get_by_role("article", name=re.compile(rf"^{re.escape(reference)} "))


def rate_in_browser(page: Page, reference: str, label: str, comment: str = "") -> None:
    card = review_card(page, reference)
    card.get_by_role("radio", name=label, exact=True).check()
    if comment:
        card.get_by_label("Comment").fill(comment)
    card.get_by_role("button", name="Save rating").click()
    # The card alone is swapped and says so.
    expect(review_card(page, reference).get_by_role("status")).to_have_text("Saved.")


def rate_the_rest_with_services(assignment: Assignment, user: User, done: str, **ratings: str) -> None:
    """Every requirement but `done` (rated in the browser): met, or the rating given by reference."""
    assignment.refresh_from_db()
    for requirement in assessment_selectors.requirements_of(assignment.cycle):
        if requirement.reference == done:
            continue
        rating = ratings.get(requirement.reference, "met")
        assessment_services.rating_save(
            assignment=assignment,
            user=user,
            requirement=requirement,
            rating=rating,
            comment="" if rating == "met" else f"{user.get_short_name()}: the audit cycle is not closed yet.",
        )


def qr_text_of(pdf_path: Path) -> str:
    """The QR code on page 1 of the certificate, decoded from a rendering of the page."""
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        image = document[0].render(scale=3).to_pil()
    finally:
        document.close()
    codes = zxingcpp.read_barcodes(image)
    assert len(codes) == 1, codes
    return codes[0].text


def test_submitted_dossier_to_award_certificate_registry_and_suspension(
    page: Page, new_page: Callable[..., Page], framework: Any, settings: Any, live_server: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # The certificate's QR code, the registry's verify_url and the e-mails point at the live server.
    settings.SITE_URL = live_server.url
    programme = current_programme_settings()
    quorum = programme.committee_quorum
    assert quorum >= 2

    # ------------------------------------------------------------------ the cast, built by the services
    facility = factories.make_facility(name=FACILITY, institution=INSTITUTION, city="Brussels", country="BE")
    Facility.objects.filter(pk=facility.pk).update(status=FacilityStatus.ENROLLED, enrolled_on=timezone.localdate())
    facility.refresh_from_db()
    representative = factories.make_member(facility, FacilityRoleName.AUTHORISED_REPRESENTATIVE, name="Rita Rep")
    contributor = factories.make_member(facility, FacilityRoleName.CONTRIBUTOR, name="Cora Contributor")
    cycle, dossier = submitted_cycle(facility, contributor, representative)

    office, office_secret = staff(ProgrammeRoleName.OFFICE, "Olga Office")
    anna, anna_secret = staff(ProgrammeRoleName.ASSESSOR, "Anna Assessor")
    bruno, bruno_secret = staff(ProgrammeRoleName.ASSESSOR, "Bruno Second")
    conflicted, _ = staff(ProgrammeRoleName.ASSESSOR, "Cléo Samecountry")
    profile(anna, "DE", "Charité Berlin", languages="German, English")
    profile(bruno, "IT", "Ospedale Maggiore")
    profile(conflicted, "BE", "UZ Leuven")
    committee = [staff(ProgrammeRoleName.COMMITTEE, f"Committee Member {i + 1}") for i in range(quorum)]

    requirements = assessment_selectors.requirements_of(cycle)
    asked = next(r for r in requirements if r.core)  # the evidence request and assessor A's browser rating
    extended = next(r for r in requirements if not r.core)  # the one disagreement, and B's browser rating

    # ------------------------------------------------------------------ 1. triage and assignment
    log_in(page, office.email, factories.PASSWORD, totp_secret=office_secret)
    page.goto("/office/assessment/")
    expect(page.get_by_role("heading", name="Triage", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=FACILITY)
    expect(row).to_contain_text(dossier.sha256[:14])
    row.get_by_role("link", name="Triage").click()
    expect(page.locator("code.hash")).to_have_text(dossier.sha256)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_text("The application is in assessment. Assign two assessors.")).to_be_visible()
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.IN_ASSESSMENT
    cycle_url = page.url

    page.get_by_role("link", name="Assign an assessor").click()
    expect(page.get_by_role("heading", name="Assign an assessor", level=1)).to_be_visible()
    expect(
        page.get_by_text(f"An assessor of the facility's institution ({INSTITUTION}) or country (BE)")
    ).to_be_visible()
    excluded = page.locator("li.candidate").filter(has_text="Cléo Samecountry")
    expect(excluded).to_contain_text("Cannot be assigned: same country as the facility (BE)")
    expect(excluded.get_by_role("radio")).to_be_disabled()
    expect(excluded.get_by_role("radio")).to_have_accessible_description(
        "Cannot be assigned: same country as the facility (BE)"
    )
    # A forged post for the conflicted assessor is refused too (the service checks the conflicts).
    refused = page.request.post(
        page.url,
        form={
            "csrfmiddlewaretoken": page.locator("#main input[name=csrfmiddlewaretoken]").first.input_value(),
            "assessor": str(conflicted.pk),
        },
        headers={"Referer": page.url},
    )
    assert refused.status == 400
    assert not Assignment.objects.filter(cycle=cycle, assessor=conflicted).exists()
    for person in (anna, bruno):
        page.get_by_role("radio", name=re.compile(re.escape(person.name))).check()
        page.get_by_role("button", name="Assign and notify").click()
        expect(page.get_by_text(f"{person.name} has been asked to assess this application.")).to_be_visible()
        if person is anna:
            page.get_by_role("link", name="Assign an assessor").click()
    assessors_table = page.get_by_role("table").filter(has_text="Anna Assessor")
    expect(assessors_table.get_by_role("row").filter(has_text="Anna Assessor")).to_contain_text("Proposed")
    expect(assessors_table.get_by_role("row").filter(has_text="Bruno Second")).to_contain_text("Proposed")
    assignment_a = Assignment.objects.get(cycle=cycle, assessor=anna)
    assignment_b = Assignment.objects.get(cycle=cycle, assessor=bruno)

    # ------------------------------------------------------------------ 2. assessor A accepts and asks for evidence
    anna_page = new_page()
    log_in(anna_page, anna.email, factories.PASSWORD, totp_secret=anna_secret)
    anna_page.goto(link_in_mail_to(anna.email, r"/assessment/assignment/[0-9a-f-]+/"))
    expect(anna_page.get_by_role("heading", name="Assignment", level=1)).to_be_visible()
    # Accepting without the declaration is refused.
    anna_page.get_by_role("button", name="Accept the assignment").click()
    expect(
        anna_page.get_by_text("Declare that you have no conflict of interest, or decline the assignment.")
    ).to_be_visible()
    anna_page.get_by_label("I have no conflict of interest with this facility").check()
    anna_page.get_by_label("Other interests to declare").fill("Spoke at a Brussels meeting in 2024.")
    anna_page.get_by_role("button", name="Accept the assignment").click()
    expect(anna_page.get_by_text("Assignment accepted. The dossier is open to you.")).to_be_visible()
    expect(anna_page.get_by_role("heading", name="Review", level=1)).to_be_visible()
    assignment_a.refresh_from_db()
    assert assignment_a.status == AssignmentStatus.ACCEPTED and assignment_a.no_conflict

    card = review_card(anna_page, asked.reference)
    expect(card.get_by_role("heading", name="The facility says")).to_be_visible()
    card.get_by_role("link", name="Request evidence").click()
    expect(anna_page.get_by_role("heading", name="Request evidence", level=1)).to_be_visible()
    due = field(anna_page, "Due")
    expect(due).to_have_value(assessment_services.default_due_date(cycle).isoformat())
    field(anna_page, "Question").fill("Please send the signed minutes of the last two morbidity meetings.")
    anna_page.get_by_role("button", name="Send the request").click()
    expect(anna_page.get_by_text("Request sent to the facility. The decision clock is paused.")).to_be_visible()
    evidence_request = EvidenceRequest.objects.get(cycle=cycle)
    assert evidence_request.status == EvidenceRequestStatus.OPEN

    # The office sees the clock paused and the open request.
    page.goto(cycle_url)
    expect(page.locator(".clock")).to_have_text("paused · 1 request open")
    requests_card = page.locator("section.card").filter(has=page.get_by_role("heading", name="Evidence requests"))
    expect(requests_card.get_by_role("listitem")).to_contain_text(f"{asked.reference} · Open")

    # The representative answers with text and a new upload.
    rep_page = new_page()
    log_in(rep_page, representative.email, factories.PASSWORD)
    rep_page.goto(link_in_mail_to(representative.email, r"/assessment/request/[0-9a-f-]+/"))
    expect(rep_page.get_by_role("heading", name="Evidence request", level=1)).to_be_visible()
    expect(rep_page.get_by_text("Please send the signed minutes of the last two morbidity meetings.")).to_be_visible()
    minutes = tmp_path / "mm-minutes.pdf"
    minutes.write_bytes(TINY_PDF)
    field(rep_page, "Your answer").fill("The minutes of March and June are attached.")
    field(rep_page, "New document title").fill("Morbidity meeting minutes 2026")
    field(rep_page, "Upload a new document").set_input_files(str(minutes))
    rep_page.get_by_role("button", name="Send the answer").click()
    expect(rep_page.get_by_text("Answer sent to the assessor.")).to_be_visible()
    expect(rep_page.get_by_text("The minutes of March and June are attached.")).to_be_visible()
    expect(rep_page.get_by_role("link", name="Morbidity meeting minutes 2026")).to_be_visible()
    evidence_request.refresh_from_db()
    assert evidence_request.status == EvidenceRequestStatus.ANSWERED
    assert EvidenceRevision.objects.filter(document__title="Morbidity meeting minutes 2026").count() == 1

    # Assessor A accepts the answer; the clock runs again.
    anna_page.goto(link_in_mail_to(anna.email, r"/assessment/request/[0-9a-f-]+/"))
    expect(anna_page.get_by_role("link", name="Morbidity meeting minutes 2026")).to_be_visible()
    anna_page.get_by_role("button", name="Accept", exact=True).click()
    expect(anna_page.get_by_text("Answer accepted.")).to_be_visible()
    evidence_request.refresh_from_db()
    assert evidence_request.status == EvidenceRequestStatus.ACCEPTED
    page.goto(cycle_url)
    expect(page.locator(".clock")).not_to_contain_text("paused")
    expect(requests_card.get_by_role("listitem")).to_contain_text(f"{asked.reference} · Accepted")

    # ------------------------------------------------------------------ 3. both assessors rate and submit
    # One rating per assessor through the review form; the services rate the other requirements
    # (a disagreement on one extended requirement); each review is submitted through the page.
    anna_page.goto(f"/assessment/assignment/{assignment_a.pk}/review/")
    rate_in_browser(anna_page, asked.reference, "Met")
    rate_the_rest_with_services(assignment_a, anna, done=asked.reference)

    bruno_page = new_page()
    log_in(bruno_page, bruno.email, factories.PASSWORD, totp_secret=bruno_secret)
    bruno_page.goto("/assessor/")
    bruno_page.get_by_role("row").filter(has_text=FACILITY).get_by_role("link", name="Respond").click()
    bruno_page.get_by_label("I have no conflict of interest with this facility").check()
    bruno_page.get_by_role("button", name="Accept the assignment").click()
    expect(bruno_page.get_by_text("Assignment accepted. The dossier is open to you.")).to_be_visible()
    expect(
        bruno_page.get_by_text("the other assessor's ratings are hidden until you submit your own review")
    ).to_be_visible()
    rate_in_browser(bruno_page, extended.reference, "Partly met", "The outcome audit has not been repeated.")
    rate_the_rest_with_services(assignment_b, bruno, done=extended.reference)

    for assessor_page in (anna_page, bruno_page):
        assessor_page.reload()
        expect(
            assessor_page.get_by_text(f"{len(requirements)} of {len(requirements)} requirements rated")
        ).to_be_visible()
        assessor_page.get_by_role("button", name="Submit the review").click()
        expect(
            assessor_page.get_by_text("Review submitted. You can now see the other assessor's ratings.")
        ).to_be_visible()
    expect(review_card(bruno_page, extended.reference).locator(".other-ratings")).to_contain_text("Met")
    assert set(Assignment.objects.filter(cycle=cycle).values_list("status", flat=True)) == {AssignmentStatus.SUBMITTED}

    # ------------------------------------------------------------------ 4. reconciliation and the committee
    page.goto(cycle_url)
    page.get_by_role("link", name="Reconcile ratings").click()
    expect(page.get_by_role("heading", name="Reconciliation", level=1)).to_be_visible()
    expect(page.get_by_text("1 requirement where the assessors disagree (listed first).")).to_be_visible()
    first_row = page.locator("table.reconcile-table tbody tr").first
    expect(first_row).to_contain_text(extended.reference)
    expect(first_row).to_contain_text("disagree")
    disputed = page.get_by_label(f"Consolidated rating of {extended.reference}", exact=True)
    expect(disputed).to_have_value("")
    expect(page.get_by_label(f"Consolidated rating of {asked.reference}", exact=True)).to_have_value("met")
    # The agreed ratings are preselected: one post records them all, with the office's choice for the disputed one.
    disputed.select_option(label="Met")
    page.locator(f"#note_{extended.pk}").fill("Repeated audit seen at the remote meeting.")
    page.get_by_role("button", name="Record the consolidated ratings").click()
    expect(page.get_by_text(f"{len(requirements)} consolidated ratings recorded.")).to_be_visible()
    assert ConsolidatedRating.objects.filter(cycle=cycle, rating="met").count() == len(requirements)
    recommendation = page.locator("section.recommendation")
    expect(recommendation.locator("strong.outcome")).to_have_text("Accredited")
    expect(recommendation.locator("strong.outcome")).to_have_class(re.compile("outcome-accredited"))
    page.get_by_role("button", name="Send to the committee").click()
    expect(page.get_by_text("The recommendation has been sent to the committee.")).to_be_visible()
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.WITH_COMMITTEE

    # ------------------------------------------------------------------ 5. the committee decides
    # The services cast all votes but the last; the last member votes through the page and completes it.
    for member, _secret in committee[:-1]:
        cycle_committee.vote_cast(cycle=cycle, member=member, outcome="accredited")
    member, member_secret = committee[-1]
    committee_page = new_page()
    log_in(committee_page, member.email, factories.PASSWORD, totp_secret=member_secret)
    committee_page.goto("/committee/")
    item = committee_page.locator(".decision-queue-item").filter(has_text=FACILITY)
    expect(item).to_contain_text(f"{quorum - 1} of {quorum} votes (quorum)")
    expect(item).to_contain_text("Your vote is awaited")
    item.get_by_role("link", name=FACILITY).click()
    expect(committee_page.get_by_role("heading", name=FACILITY, level=1)).to_be_visible()
    expect(committee_page.locator("#rec-title + p.decision-outcome")).to_have_text("Accredited")
    expect(committee_page.locator("code.hash")).to_have_text(dossier.sha256)
    committee_page.get_by_role("radio", name="Accredited", exact=True).check()
    committee_page.get_by_label("Comment").fill("Every core requirement met; the audit is convincing.")
    committee_page.get_by_role("button", name="Cast my vote").click()
    expect(committee_page.get_by_text("Your vote is recorded and completes the decision.")).to_be_visible()
    expect(committee_page.get_by_text("This application is not with the committee now.")).to_be_visible()

    decision = Decision.objects.get(cycle=cycle)
    assert decision.outcome == "accredited"
    assert decision.dossier_sha256 == dossier.sha256
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DECIDED
    award = Award.objects.get(facility=facility)
    assert award.status == AwardStatus.VALID
    certificate = Certificate.objects.get(award=award)

    # The representative follows the e-mail to the decision page: outcome and dossier hash.
    rep_page.goto(link_in_mail_to(representative.email, r"/decisions/[0-9a-f-]+/"))
    expect(rep_page.get_by_role("heading", name=f"Accreditation decision: {FACILITY}")).to_be_visible()
    summary = rep_page.locator("dl.facts")
    expect(summary.locator(".decision-outcome")).to_have_text("Accredited")
    expect(summary.locator("code.hash")).to_have_text(dossier.sha256)

    # ------------------------------------------------------------------ 6. certificate, QR code, verification
    rep_page.get_by_role("link", name="The award").click()
    expect(rep_page.get_by_role("heading", name="Accredited Centre", level=1)).to_be_visible()
    expect(rep_page.get_by_text(certificate.number, exact=True)).to_be_visible()
    with rep_page.expect_download() as download_info:
        rep_page.get_by_role("link", name="Download the certificate (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"certificate-{certificate.number}.pdf"
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(str(pdf_path))
    assert pdf_path.read_bytes().startswith(b"%PDF")
    verify_url = qr_text_of(pdf_path)
    assert verify_url == f"{live_server.url}/verify/{certificate.token}/"
    assert verify_url == certificate.verify_url

    public = new_page()  # nobody logged in
    public.goto(verify_url)
    status = public.get_by_role("status")
    expect(status.locator(".verify-status")).to_have_text("Valid")
    expect(status).to_contain_text(
        f"This centre holds the status of Accredited Centre until {award.valid_until:%-d %B %Y}."
    )
    expect(status).to_contain_text(certificate.number)
    expect(status).to_contain_text(FACILITY)

    # ------------------------------------------------------------------ 7. the public registry
    public.goto("/registry/")
    entry = public.get_by_role("row").filter(has_text=FACILITY)
    expect(entry).to_contain_text("Accredited Centre")
    expect(entry).to_contain_text(f"{award.valid_until:%-d %b %Y}")
    public.get_by_label("Level").select_option(label="Accredited Centre")
    public.get_by_role("button", name="Search").click()
    expect(public.get_by_role("row").filter(has_text=FACILITY)).to_be_visible()
    listed = json.loads(public.request.get("/registry.json").text())
    centre = next(c for c in listed["centres"] if c["name"] == FACILITY)
    assert centre["level"] == "accredited"
    assert centre["verify_url"] == verify_url
    assert centre["valid_until"] == award.valid_until.isoformat()
    assert (centre["city"], centre["country"], centre["institution"]) == ("Brussels", "BE", INSTITUTION)

    # ------------------------------------------------------------------ 8. the office suspends the award
    page.goto("/office/decisions/")
    page.get_by_role("row").filter(has_text="Accredited Centre").get_by_role("link", name=FACILITY).click()
    expect(page.get_by_role("heading", name="Office actions")).to_be_visible()
    page.get_by_label("Reason to suspend").fill("The clinical lead left; no replacement named yet.")
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator(".badge.award-status-suspended")).to_have_text("Suspended")
    expect(page.locator("dl.facts")).to_contain_text("The clinical lead left; no replacement named yet.")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("The clinical lead left")
    award.refresh_from_db()
    assert award.status == AwardStatus.SUSPENDED

    public.goto(verify_url)
    expect(public.get_by_role("status").locator(".verify-status")).to_have_text("Suspended")
    expect(public.get_by_role("status")).to_contain_text("It does not certify the centre while suspended.")
    # Per ADR 0011 a suspended award gives no level: the centre falls back to "enrolled", no verify URL.
    public.goto("/registry/")
    entry = public.get_by_role("row").filter(has_text=FACILITY)
    expect(entry).to_contain_text("Enrolled Centre")
    expect(entry).not_to_contain_text("Accredited Centre")
    public.get_by_label("Level").select_option(label="Accredited Centre")
    public.get_by_role("button", name="Search").click()
    expect(public.get_by_text("No centre matches this search.")).to_be_visible()
    listed = json.loads(public.request.get("/registry.json").text())
    centre = next(c for c in listed["centres"] if c["name"] == FACILITY)
    assert centre["level"] == "enrolled"
    assert centre["verify_url"] == ""
    assert centre["valid_until"] is None
