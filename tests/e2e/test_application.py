"""An Enrolled Centre's application from start to the frozen dossier, in Chromium (issue 4).

The browser drives one of each kind of action: starting the cycle, answering a requirement on
its standard page (autosaved by htmx; another saved with the plain form in a browser without
JavaScript), uploading evidence and linking it, the
case review (template download, log upload, draw, verification, one case reviewed through the
form), the pre-flight with blockers, signing and the dossier downloads. The services complete
the rest (the other requirements and 29 of the 30 case reviews), so the test stays short.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from iasios.accounts.roles import FacilityRoleName
from iasios.applications import services
from iasios.applications.dossier import dossier_verify, snapshot_sha256
from iasios.applications.models import Answer, Claim, Cycle, CycleStatus, Dossier, EvidenceRevision
from iasios.casereview import selectors as review_selectors
from iasios.casereview import services as review_services
from iasios.casereview.models import SampledCase
from iasios.facilities.models import Facility, FacilityStatus
from iasios.standards.selectors import current_programme_settings
from tests import factories
from tests.e2e.test_onboarding import field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FACILITY = "Centre d'Oncologie Interventionnelle Nantes"
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def answer_card(page: Page, reference: str) -> Locator:
    """A requirement's card on its standard page (the article is labelled by its reference)."""
    return page.get_by_role("article", name=reference, exact=True)


def procedure_log(rows: int) -> tuple[bytes, str]:
    """A clean pseudonymised log of `rows` procedures inside a 12-month period ending today."""
    programme = current_programme_settings()
    categories = [code for code, _label in programme.procedure_categories]
    start = timezone.localdate() - timedelta(days=300)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["case_reference", "procedure_date", "category"])
    for i in range(rows):
        day = start + timedelta(days=(i * 7) % 290)
        writer.writerow([f"IO-{day.year}-{i + 1:04d}", day.isoformat(), categories[i % len(categories)]])
    return buffer.getvalue().encode(), start.isoformat()


def answer_rest(cycle: Cycle, user: Any, done: set[str], *, leave_without_evidence: str) -> None:
    """The services answer every requirement the browser did not: core ones met with evidence
    (but `leave_without_evidence`, met with none: a gap), extended ones partly or not met."""
    policy = services.evidence_document_create(
        facility=cycle.facility,
        user=user,
        data=services.DocumentInput(title="Service policy 2026", available_on_request=True),
    )
    answers = (
        Answer.objects.filter(cycle=cycle)
        .select_related("cycle__facility", "requirement__standard")
        .order_by("requirement__position")
    )
    for i, answer in enumerate(answers):
        reference = answer.requirement.reference
        if reference in done:
            continue
        claim = Claim.MET if answer.requirement.core else (Claim.PARTLY_MET, Claim.NOT_MET)[i % 2]
        services.answer_save(
            answer=answer,
            user=user,
            base_revision=answer.revision,
            data=services.AnswerInput(
                claim=claim, na_reason="", narrative=f"How we meet {reference}.", assignee_id=None
            ),
        )
        if claim != Claim.NOT_MET and reference != leave_without_evidence:
            services.evidence_link(answer=answer, document=policy, user=user)


def review_remaining_cases(cycle: Cycle, user: Any) -> None:
    """The services review every sampled case the browser did not (all yes, grade 0)."""
    items = review_selectors.checklist(cycle)
    draw = review_selectors.log_draw(review_selectors.procedure_log(cycle))
    assert draw is not None
    for sampled in SampledCase.objects.filter(draw=draw, excluded_at__isnull=True).exclude(review__complete=True):
        saved = review_services.case_review_save(
            sampled_case=sampled,
            user=user,
            answers={item.code: review_services.AnswerInput("yes", "") for item in items},
            complication_grade=0,
        )
        assert saved.complete


def test_contributor_prepares_and_the_representative_submits_the_dossier(
    page: Page, new_page: Callable[..., Page], framework: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    programme = current_programme_settings()
    sample_size = programme.case_review_sample_size
    assert sample_size == 30

    # An Enrolled Centre with its authorised representative and a contributor.
    facility = factories.make_facility(name=FACILITY, city="Nantes")
    Facility.objects.filter(pk=facility.pk).update(status=FacilityStatus.ENROLLED, enrolled_on=timezone.localdate())
    facility.refresh_from_db()
    representative = factories.make_member(facility, FacilityRoleName.AUTHORISED_REPRESENTATIVE, name="Rita Rep")
    contributor = factories.make_member(facility, FacilityRoleName.CONTRIBUTOR, name="Cora Contributor")

    # 1. The contributor starts the application for initial accreditation.
    log_in(page, contributor.email, factories.PASSWORD)
    page.goto("/applications/")
    card = page.locator("section.card").filter(has=page.get_by_role("heading", name=FACILITY))
    card.get_by_role("button", name="Start the application").click()
    expect(page.get_by_text("Your application has started.")).to_be_visible()
    expect(page.get_by_role("heading", name="Application overview", level=1)).to_be_visible()
    cycle = Cycle.objects.get(facility=facility)
    assert cycle.status == CycleStatus.DRAFT
    assert cycle.kind == "initial"
    assert cycle.framework_id == framework.pk
    expect(page.get_by_text(f"standards {framework.version}")).to_be_visible()
    workspace_url = page.url

    # 2. Evidence library: a small PDF, uploaded with its details.
    pdf = tmp_path / "clinical-lead-appointment.pdf"
    pdf.write_bytes(TINY_PDF)
    page.get_by_role("navigation", name="Application").get_by_role("link", name="Evidence library").click()
    expect(page.get_by_role("heading", name="Evidence library", level=1)).to_be_visible()
    field(page, "Files").set_input_files(str(pdf))
    field(page, "Title").fill("Appointment of the clinical lead")
    field(page, "Description").fill("Letter of appointment signed by the medical director.")
    field(page, "Takes effect on").fill((timezone.localdate() - timedelta(days=400)).isoformat())
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_text("1 document added to the library.")).to_be_visible()
    expect(page.get_by_role("link", name="Appointment of the clinical lead")).to_be_visible()
    expect(page.get_by_role("link", name="clinical-lead-appointment.pdf")).to_be_visible()
    revision = EvidenceRevision.objects.get(document__facility=facility)
    assert revision.sha256 == hashlib.sha256(TINY_PDF).hexdigest()
    assert revision.uploaded_by == contributor

    # 3. Workspace: the first core requirement of standard 1, autosaved by htmx as it is typed.
    page.goto(workspace_url)
    first = (
        Answer.objects.filter(cycle=cycle, requirement__core=True)
        .select_related("requirement__standard")
        .order_by("requirement__position")
        .first()
    )
    assert first is not None
    standard = first.requirement.standard
    page.get_by_role("link", name=f"{standard.number}. {standard.title}").click()
    expect(page.get_by_role("heading", name=f"Standard {standard.number}. {standard.title}")).to_be_visible()
    core = answer_card(page, first.requirement.reference)
    expect(core.get_by_text("Core", exact=True)).to_be_visible()
    core.get_by_label("Your claim").select_option(label="Met")
    indicator = core.get_by_role("status")
    expect(indicator).to_have_text(re.compile(r"Saved at \d\d:\d\d:\d\d · revision 1"))
    core.get_by_label("Narrative").fill(
        "Our **clinical lead** is an interventional radiologist.\n\n- appointed in 2024\n- chairs the audit"
    )
    # Leaving the field fires its change event: saved at once, without the keyup delay.
    core.get_by_label("Narrative").blur()
    expect(indicator).to_have_text(re.compile(r"Saved at \d\d:\d\d:\d\d · revision 2"))
    first.refresh_from_db()
    assert first.claim == Claim.MET
    assert first.revision == 2
    assert "**clinical lead**" in first.narrative
    # Met without evidence is still a gap: link the uploaded document (a plain form post).
    core.get_by_label("Evidence document").select_option(label="Appointment of the clinical lead")
    core.get_by_role("button", name="Link").click()
    expect(page.get_by_text(f"Evidence linked to {first.requirement.reference}.")).to_be_visible()
    core = answer_card(page, first.requirement.reference)
    expect(core.get_by_text("Complete", exact=True)).to_be_visible()
    expect(core.get_by_role("link", name="Appointment of the clinical lead", exact=True)).to_be_visible()
    expect(core.get_by_role("link", name="Download Appointment of the clinical lead")).to_be_visible()
    core.get_by_text("Preview of the saved narrative").click()
    expect(core.locator(".narrative strong")).to_have_text("clinical lead")
    expect(core.locator(".narrative li")).to_have_count(2)

    # The next requirement: the autosave of a bare "not applicable" is refused until the reason is
    # given; then the same colleague saves it in a browser without JavaScript (the plain form post).
    second = (
        Answer.objects.filter(cycle=cycle, requirement__standard=standard)
        .exclude(pk=first.pk)
        .select_related("requirement")
        .order_by("requirement__position")
        .first()
    )
    assert second is not None
    other = answer_card(page, second.requirement.reference)
    other.get_by_label("Your claim").select_option(label="Not applicable")
    expect(other.get_by_role("status")).to_have_text(re.compile("Say why this requirement does not apply"))
    plain = new_page(java_script_enabled=False)
    log_in(plain, contributor.email, factories.PASSWORD)
    plain.goto(page.url.split("#")[0])
    other = answer_card(plain, second.requirement.reference)
    other.get_by_label("Your claim").select_option(label="Not applicable")
    other.get_by_label("Why it does not apply").fill("We treat no paediatric patients.")
    other.get_by_role("button", name="Save").click()
    expect(plain.get_by_text(f"Saved {second.requirement.reference}.")).to_be_visible()
    second.refresh_from_db()
    assert second.claim == Claim.NOT_APPLICABLE
    assert second.na_reason == "We treat no paediatric patients."

    # 4. The internal case review: template, log upload, draw, verification.
    page.get_by_role("navigation", name="Application").get_by_role("link", name="Case review").click()
    expect(page.get_by_role("heading", name="Internal case review", level=1)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV template").click()
    template = download_info.value
    assert template.suggested_filename == "procedure-log-template.csv"
    assert Path(template.path()).read_text(encoding="utf-8-sig").splitlines()[0] == (
        "case_reference,procedure_date,category"
    )

    rows = sample_size + 18
    log_bytes, period_start = procedure_log(rows)
    log_file = tmp_path / "procedure-log.csv"
    log_file.write_bytes(log_bytes)
    page.get_by_role("link", name="Upload the log").click()
    expect(page.get_by_role("heading", name="Upload the procedure log")).to_be_visible()
    field(page, "First day of the review period").fill(period_start)
    field(page, "Procedure log (CSV)").set_input_files(str(log_file))
    page.get_by_role("button", name="Check and upload").click()
    expect(page.get_by_text(f"The log of {rows} procedures is stored. Now draw the sample.")).to_be_visible()
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_text("The sample is drawn. Review each case below.")).to_be_visible()
    cases = page.locator("table.icr-cases tbody tr")
    expect(cases).to_have_count(sample_size)
    expect(page.locator(".icr-progress-line .stat")).to_have_text(f"0 / {sample_size}")

    page.get_by_role("link", name="Verify the draw").click()
    expect(page.get_by_text("The draw matches.")).to_be_visible()
    page.go_back()

    # One case reviewed through the form: every checklist item answered, the grade recorded.
    draw = review_selectors.log_draw(review_selectors.procedure_log(cycle))
    assert draw is not None
    first_case = SampledCase.objects.select_related("case").get(draw=draw, position=1)
    page.get_by_role("link", name=first_case.case.reference, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Case #1 "))).to_be_visible()
    radios = page.get_by_role("radio", name="Yes", exact=True)
    items = review_selectors.checklist(cycle)
    expect(radios).to_have_count(len(items))
    for i in range(len(items)):
        radios.nth(i).check()
    page.get_by_role("group", name=re.compile(re.escape(items[-1].text))).get_by_role(
        "radio", name="Not applicable"
    ).check()
    page.get_by_label("Complication grade (CIRSE)").select_option(label="0 · No complication")
    page.get_by_role("button", name="Save and go to the next case").click()
    expect(page.get_by_text("Case 1 is reviewed.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Case #2 "))).to_be_visible()
    review = review_selectors.review_of(first_case)
    assert review is not None and review.complete and review.complication_grade == 0
    assert review.answers.filter(answer="na").count() == 1

    # The services answer the other requirements, one core requirement left without evidence.
    gap = (
        Answer.objects.filter(cycle=cycle, requirement__core=True)
        .exclude(pk=first.pk)
        .select_related("requirement__standard")
        .order_by("-requirement__position")
        .first()
    )
    assert gap is not None
    done = {first.requirement.reference, second.requirement.reference}
    answer_rest(cycle, contributor, done, leave_without_evidence=gap.requirement.reference)

    # 5. The representative's pre-flight: the gap and the unfinished case review, each linked.
    rep_page = new_page()
    log_in(rep_page, representative.email, factories.PASSWORD)
    rep_page.goto(workspace_url)
    rep_page.get_by_role("link", name="Check and submit").click()
    expect(rep_page.get_by_role("heading", name="Pre-flight check")).to_be_visible()
    expect(rep_page.get_by_text("2 things stop the submission:")).to_be_visible()
    blockers = rep_page.locator("ul.blockers")
    gap_link = blockers.get_by_role("link", name=f"Core requirement {gap.requirement.reference}: no evidence linked.")
    expect(gap_link).to_be_visible()
    review_link = blockers.get_by_role(
        "link", name=re.compile(rf"internal case review is not complete \(1 of {sample_size} cases reviewed\)")
    )
    expect(review_link).to_have_attribute("href", re.compile(rf"/case-review/cycle/{cycle.pk}/$"))
    expect(rep_page.get_by_role("button", name="Sign and submit")).to_have_count(0)
    gap_link.click()
    expect(
        rep_page.get_by_role(
            "heading", name=f"Standard {gap.requirement.standard.number}. {gap.requirement.standard.title}"
        )
    ).to_be_visible()
    expect(
        answer_card(rep_page, gap.requirement.reference).get_by_text("no evidence linked", exact=True)
    ).to_be_visible()

    # The gaps are closed: evidence linked, the 29 other cases reviewed (services).
    gap_document = services.evidence_document_create(
        facility=facility,
        user=contributor,
        data=services.DocumentInput(title="Audit report", available_on_request=True),
    )
    services.evidence_link(answer=Answer.objects.get(pk=gap.pk), document=gap_document, user=contributor)
    review_remaining_cases(cycle, contributor)
    assert review_selectors.case_review_status(cycle).complete

    # 6. Signing: a wrong password is refused, then the right one submits and freezes the dossier.
    rep_page.goto(f"/applications/cycle/{cycle.pk}/submit/")
    expect(rep_page.get_by_text("Ready", exact=True)).to_be_visible()
    rep_page.get_by_label("I sign the declaration above.").check()
    field(rep_page, "Your password").fill("not-my-password-1")
    rep_page.get_by_role("button", name="Sign and submit").click()
    expect(rep_page.get_by_text("The password is not right.")).to_be_visible()
    assert not Dossier.objects.filter(cycle=cycle).exists()
    rep_page.get_by_label("I sign the declaration above.").check()
    field(rep_page, "Your password").fill(factories.PASSWORD)
    rep_page.get_by_role("button", name="Sign and submit").click()
    expect(rep_page.get_by_text("Your application is submitted. The dossier is frozen.")).to_be_visible()
    expect(rep_page.get_by_role("heading", name="Dossier", level=1)).to_be_visible()
    dossier = Dossier.objects.get(cycle=cycle)
    assert re.fullmatch(r"[0-9a-f]{64}", dossier.sha256)
    expect(rep_page.locator("code.hash").first).to_have_text(dossier.sha256)
    expect(rep_page.get_by_text("verified", exact=True)).to_be_visible()
    expect(rep_page.get_by_role("cell", name=revision.sha256)).to_be_visible()
    assert dossier.signed_by == representative
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.SUBMITTED

    with rep_page.expect_download() as download_info:
        rep_page.get_by_role("link", name="Summary (PDF)").click()
    summary = download_info.value
    assert summary.suggested_filename == f"dossier-{dossier.sha256[:12]}.pdf"
    assert Path(summary.path()).read_bytes().startswith(b"%PDF")
    assert dossier_verify(dossier)
    assert snapshot_sha256(dossier.snapshot) == dossier.sha256

    # 7. The workspace is read-only for the contributor now.
    page.goto(f"/applications/cycle/{cycle.pk}/standard/{standard.number}/")
    expect(page.get_by_text("This application has been submitted. It is read-only")).to_be_visible()
    core = answer_card(page, first.requirement.reference)
    expect(core.get_by_text("Met", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    expect(page.get_by_label("Your claim")).to_have_count(0)
    expect(page.get_by_label("Narrative")).to_have_count(0)
    expect(page.get_by_role("button", name="Link")).to_have_count(0)
    page.goto(workspace_url)
    expect(page.get_by_role("link", name="Check and submit")).to_have_count(0)
    page.get_by_role("navigation", name="Application").get_by_role("link", name="Dossier").click()
    expect(page.locator("code.hash").first).to_have_text(dossier.sha256)
    page.goto(f"/case-review/cycle/{cycle.pk}/cases/1/")
    expect(page.get_by_role("button", name="Save and go to the next case")).to_have_count(0)
    expect(page.get_by_role("radio", name="Yes", exact=True).first).to_be_disabled()
