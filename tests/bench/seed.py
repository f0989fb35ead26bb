"""The benchmark's data: the demo's fully built centres, two big cycles built through the services,
and the bulk of cycles written straight to the tables.

- The demo seed (iasios.demo): about a dozen centres taken through every state by the
  services, with invoices, decisions, awards and certificates (the PDFs are measured on these).
- Two "big" cycles, built through the services like a real team would: a draft fully answered
  (the workspace and standard pages as an editor sees them) and one in assessment with both
  assessors assigned and half the ratings given (the review page). Each facility has
  BENCH_DOCUMENTS evidence documents with a file, every answer linked to two of them, and a
  complete case review (sample drawn from a 160-row procedure log).
- The bulk: BENCH_FACILITIES facilities and BENCH_CYCLES cycles spread round-robin over every
  cycle state, written with bulk_create: answers (all answered past draft, 40 % in draft),
  BENCH_DOCUMENTS documents with a revision each (the rows only, no stored file) and links,
  a complete case review of 30 cases past draft, a dossier past draft, assignments in
  assessment, consolidated ratings and a decision from the committee on, and an award with
  its certificate when decided. No audit events or history rows are written for the bulk.

Seeding is cached: the sizes are written to var/bench-seed.json; a run with the same sizes and
database reuses it, a run with other sizes starts the database afresh (one marker per database).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import random
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

SEED_VERSION = 3
BATCH = 2000
COUNTRIES = ["FR", "DE", "IT", "ES", "BE", "NL", "SE", "PL", "PT", "AT", "GB", "IE", "FI", "GR", "RO", "CZ"]
BIG_DRAFT = "Bench big centre · draft"
BIG_ASSESSED = "Bench big centre · in assessment"
BENCH_ASSESSORS = 10


def sizes() -> dict[str, int]:
    return {
        "facilities": int(os.environ.get("BENCH_FACILITIES", "2000")),
        "cycles": int(os.environ.get("BENCH_CYCLES", "500")),
        "documents": int(os.environ.get("BENCH_DOCUMENTS", "100")),
    }


def _marker(base: Path) -> Path:
    """One marker per database, so that benches on two databases do not reseed each other."""
    default = f"sqlite:///{base / 'var' / 'bench.sqlite3'}"
    url = os.environ["DATABASE_URL"]
    if url == default:
        return base / "var" / "bench-seed.json"
    return base / "var" / f"bench-seed-{hashlib.sha256(url.encode()).hexdigest()[:12]}.json"


def _signature(base: Path) -> dict[str, Any]:
    return {"version": SEED_VERSION, "database": os.environ["DATABASE_URL"], **sizes()}


def prepare_database(base: Path) -> bool:
    """Called before django.setup(): True when the cached database can be reused as it is.
    A SQLite file seeded with other sizes is removed so that the run starts afresh."""
    marker = _marker(base)
    if marker.exists() and json.loads(marker.read_text()) == _signature(base):
        return True
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
    return False


def _bulk(model: Any, rows: Iterable[Any]) -> list[Any]:
    return model.objects.bulk_create(list(rows), batch_size=BATCH)


def _log(message: str, started: float) -> None:
    print(f"  seed: {message} ({time.perf_counter() - started:.1f} s)", flush=True)


# ----------------------------------------------------------------------------- big cycles


def _big_cycle(name: str, stage: str, panel: Any, documents: int) -> Any:
    """A centre registered and enrolled through the services, its library of `documents` files,
    a cycle with every answer saved and linked to two documents and a complete case review;
    "assessment" also submits it and assigns both demo assessors, the first with half its ratings."""
    from iasios.applications import services as applications
    from iasios.assessment import selectors as assessment_selectors
    from iasios.assessment import services as assessment
    from iasios.cycles import services as cycle_services
    from iasios.demo.awards import to_assessment
    from iasios.demo.cycles import NARRATIVES, complete_case_review
    from iasios.demo.seed import DEMO_PASSWORD, DemoCentre, demo_centre
    from iasios.facilities.models import FacilityStatus

    slug = "bigdraft" if stage == "draft" else "bigassessed"
    from iasios.demo import seed as demo_seed

    demo_seed.REPRESENTATIVES.setdefault(slug, f"Rep {slug}")
    centre = DemoCentre(name, name, "Lyon", "FR", "45.7640", "4.8357", slug, FacilityStatus.ENROLLED)
    facility, rep = demo_centre(centre, panel.office)
    docs = []
    for i in range(documents):
        body = f"Bench document {i}\n\n" + "Evidence line.\n" * 50
        docs.append(
            applications.evidence_document_create(
                facility=facility,
                user=rep,
                data=applications.DocumentInput(
                    title=f"Document {i:03d}",
                    description=f"Policy, rota or audit number {i}.",
                    effective_on=timezone.localdate() - datetime.timedelta(days=100 + i),
                ),
                upload=SimpleUploadedFile(f"document-{i:03d}.txt", body.encode(), content_type="text/plain"),
            )
        )
    cycle = cycle_services.cycle_start(facility=facility, user=rep)
    answers = list(cycle.answers.select_related("requirement", "cycle__facility").order_by("requirement__position"))
    for n, answer in enumerate(answers):
        from iasios.applications.models import Claim

        saved = applications.answer_save(
            answer=answer,
            user=rep,
            base_revision=answer.revision,
            data=applications.AnswerInput(
                claim=Claim.MET if answer.requirement.core or n % 4 else Claim.PARTLY_MET,
                na_reason="",
                narrative=NARRATIVES[n % len(NARRATIVES)].format(n=n + 1) + "\n\n" + "More detail. " * 40,
                assignee_id=None,
            ),
        )
        if docs:
            chosen = {docs[n % len(docs)], docs[(n * 7 + 3) % len(docs)]}
            for document in chosen:
                applications.evidence_link(answer=saved, document=document, user=rep)
    complete_case_review(cycle, rep)
    if stage == "assessment":
        cycle_services.cycle_submit(cycle=cycle, user=rep, declaration_accepted=True, password=DEMO_PASSWORD)
        first, _second = to_assessment(cycle, panel)
        requirements = assessment_selectors.requirements_of(cycle)
        for requirement in requirements[: len(requirements) // 2]:
            assessment.rating_save(
                assignment=first, user=panel.assessors[0], requirement=requirement, rating="met", comment=""
            )
    cycle.refresh_from_db()
    return cycle


# ----------------------------------------------------------------------------- bulk


def _bulk_facilities(total: int) -> None:
    from iasios.facilities.models import Facility, FacilityStatus

    existing = Facility.objects.filter(name__startswith="Bench centre ").count()
    rng = random.Random(7)
    statuses = [FacilityStatus.ENROLLED] * 6 + [FacilityStatus.REGISTERED, FacilityStatus.AWAITING_PAYMENT]
    _bulk(
        Facility,
        (
            Facility(
                name=f"Bench centre {i:05d}",
                institution=f"Hospital {i}",
                city=f"City {i % 300}",
                country=COUNTRIES[i % len(COUNTRIES)],
                latitude=round(rng.uniform(36, 64), 6),
                longitude=round(rng.uniform(-9, 30), 6),
                status=statuses[i % len(statuses)],
                enrolled_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 700),
                listed_publicly=i % 10 != 0,
                approval_attested=True,
            )
            for i in range(existing, total)
        ),
    )


def _bench_assessors(office: Any) -> list[Any]:
    from iasios.accounts.models import User
    from iasios.accounts.roles import ProgrammeRoleName
    from iasios.accounts.services import programme_role_grant
    from iasios.demo.awards import assessor_profile

    people = []
    for i in range(BENCH_ASSESSORS):
        email = f"bench-assessor-{i}@bench.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, "bench-password-1", name=f"Bench Assessor {i}")
            programme_role_grant(user=user, role=ProgrammeRoleName.ASSESSOR)
            assessor_profile(user, office, COUNTRIES[(i + 5) % len(COUNTRIES)], f"Assessor hospital {i}", "English")
        people.append(user)
    return people


def _bulk_cycles(total: int, documents: int, office: Any, snapshot: dict[str, Any], started: float) -> None:
    from iasios.accounts.models import User
    from iasios.applications.models import (
        Answer,
        Claim,
        Cycle,
        CycleStatus,
        Dossier,
        EvidenceDocument,
        EvidenceLink,
        EvidenceRevision,
    )
    from iasios.assessment.models import Assignment, ConsolidatedRating
    from iasios.casereview.models import (
        CaseReview,
        CaseReviewAnswer,
        ProcedureCase,
        ProcedureLog,
        SampledCase,
        SampleDraw,
    )
    from iasios.certificates.models import Certificate
    from iasios.decisions.models import Award, Decision
    from iasios.facilities.models import Facility, FacilityStatus
    from iasios.standards.models import ChecklistItem, Requirement
    from iasios.standards.selectors import current_framework

    framework = current_framework()
    assert framework is not None
    requirements = list(Requirement.objects.filter(framework=framework).order_by("position"))
    items = list(ChecklistItem.objects.filter(framework=framework).order_by("position"))
    codes = [code for code, _label in framework.settings.procedure_categories]
    signer = User.objects.filter(email="bench-signer@bench.example").first() or User.objects.create_user(
        "bench-signer@bench.example", "bench-password-1", name="Bench Signer"
    )
    assessors = _bench_assessors(office)
    states = list(CycleStatus)
    facilities = list(
        Facility.objects.filter(name__startswith="Bench centre ").order_by("name").values_list("pk", flat=True)
    )[:total]
    Facility.objects.filter(pk__in=facilities).update(status=FacilityStatus.ENROLLED, listed_publicly=True)
    now = timezone.now()
    today = timezone.localdate()
    cycles = []
    for i, facility_id in enumerate(facilities):
        status = states[i % len(states)]
        past_draft = status != CycleStatus.DRAFT
        cycles.append(
            Cycle(
                facility_id=facility_id,
                framework=framework,
                status=status,
                started_by=signer,
                submitted_at=now - datetime.timedelta(days=60 + i % 200) if past_draft else None,
                submitted_by=signer if past_draft else None,
                decided_at=now - datetime.timedelta(days=10 + i % 300) if status == CycleStatus.DECIDED else None,
            )
        )
    cycles = _bulk(Cycle, cycles)
    _log(f"{len(cycles)} bulk cycles", started)

    claims = [Claim.MET, Claim.MET, Claim.MET, Claim.PARTLY_MET, Claim.NOT_MET, Claim.NOT_APPLICABLE]
    answer_rows = []
    for c in cycles:
        answered = len(requirements) if c.status != CycleStatus.DRAFT else round(len(requirements) * 0.4)
        for n, r in enumerate(requirements):
            claim = claims[(n + hash(c.pk) % 6) % len(claims)] if n < answered else ""
            answer_rows.append(
                Answer(
                    cycle=c,
                    requirement=r,
                    claim=claim,
                    na_reason="Not offered here." if claim == Claim.NOT_APPLICABLE else "",
                    narrative=f"Answer {n} of the bench: described in the service policy, section {n}."
                    if claim
                    else "",
                    revision=1 if claim else 0,
                    updated_by=signer if claim else None,
                )
            )
    answer_rows = _bulk(Answer, answer_rows)
    _log(f"{len(answer_rows)} answers", started)

    doc_rows = [
        EvidenceDocument(
            facility_id=c.facility_id,
            title=f"Document {d:03d}",
            description=f"Policy, rota or audit number {d}.",
            effective_on=today - datetime.timedelta(days=100 + d),
            created_by=signer,
        )
        for c in cycles
        for d in range(documents)
    ]
    doc_rows = _bulk(EvidenceDocument, doc_rows)
    _bulk(
        EvidenceRevision,
        (
            EvidenceRevision(
                document=doc,
                number=1,
                storage_key=f"bench/{doc.pk}.pdf",
                original_name=f"document-{k % documents:03d}.pdf",
                content_type="application/pdf",
                kind="pdf",
                size=120_000 + k % 50_000,
                sha256=hashlib.sha256(str(doc.pk).encode()).hexdigest(),
                uploaded_by=signer,
            )
            for k, doc in enumerate(doc_rows)
        ),
    )
    by_facility: dict[Any, list[Any]] = {}
    for doc in doc_rows:
        by_facility.setdefault(doc.facility_id, []).append(doc)
    facility_of = {c.pk: c.facility_id for c in cycles}
    links = []
    for n, a in enumerate(answer_rows):
        docs = by_facility.get(facility_of[a.cycle_id], [])
        if a.claim in (Claim.MET, Claim.PARTLY_MET) and docs:
            chosen = {docs[n % len(docs)].pk, docs[(n * 7 + 3) % len(docs)].pk}
            links += [EvidenceLink(answer=a, document_id=pk, linked_by=signer) for pk in chosen]
    _bulk(EvidenceLink, links)
    _log(f"{len(doc_rows)} documents and revisions, {len(links)} links", started)

    past = [c for c in cycles if c.status != CycleStatus.DRAFT]
    logs = _bulk(
        ProcedureLog,
        (
            ProcedureLog(
                cycle=c,
                period_start=datetime.date(today.year - 1, 1, 1),
                period_end=datetime.date(today.year - 1, 12, 31),
                row_count=160,
                sha256="ab" * 32,
                file_sha256="ab" * 32,
                file_name="procedure-log.csv",
                uploaded_by=signer,
            )
            for c in past
        ),
    )
    draws = _bulk(
        SampleDraw,
        (
            SampleDraw(log=log, seed="bench", algorithm="bench", log_sha256=log.sha256, sample_size=30, drawn_by=signer)
            for log in logs
        ),
    )
    cases = _bulk(
        ProcedureCase,
        (
            ProcedureCase(
                log=log,
                reference=f"IO-{k:04d}",
                procedure_date=log.period_start + datetime.timedelta(days=(k * 2) % 360),
                category=codes[k % len(codes)],
                row_number=k + 1,
            )
            for log in logs
            for k in range(160)
        ),
    )
    sampled = _bulk(
        SampledCase,
        (
            SampledCase(draw=draw, case=cases[j * 160 + k * 5], position=k + 1)
            for j, draw in enumerate(draws)
            for k in range(30)
        ),
    )
    reviews = _bulk(
        CaseReview,
        (
            CaseReview(sampled_case=s, complete=True, complication_grade=k % 3, reviewed_by=signer)
            for k, s in enumerate(sampled)
        ),
    )
    _bulk(
        CaseReviewAnswer,
        (
            CaseReviewAnswer(
                review=rv,
                item=item,
                answer="no"
                if (k + item.position) % 11 == 0
                else ("na" if (k * 3 + item.position) % 17 == 0 else "yes"),
            )
            for k, rv in enumerate(reviews)
            for item in items
        ),
    )
    _log(f"{len(reviews)} case reviews", started)

    dossiers = _bulk(
        Dossier,
        (
            Dossier(
                cycle=c,
                snapshot=snapshot,
                sha256=hashlib.sha256(str(c.pk).encode()).hexdigest(),
                signed_by=signer,
                declaration="We declare.",
            )
            for c in past
        ),
    )
    dossier_of = {d.cycle_id: d for d in dossiers}
    assessing = [
        c
        for c in past
        if c.status
        in (CycleStatus.IN_ASSESSMENT, CycleStatus.WITH_COMMITTEE, CycleStatus.DECIDED, CycleStatus.AMENDING)
    ]
    _bulk(
        Assignment,
        (
            Assignment(
                cycle=c,
                assessor=assessors[(k * 2 + j) % len(assessors)],
                status="accepted" if c.status == CycleStatus.IN_ASSESSMENT else "submitted",
                assigned_by=office,
                no_conflict=True,
                responded_at=now - datetime.timedelta(days=40),
                submitted_at=None if c.status == CycleStatus.IN_ASSESSMENT else now - datetime.timedelta(days=20),
                submitted_dossier=None if c.status == CycleStatus.IN_ASSESSMENT else dossier_of[c.pk],
            )
            for k, c in enumerate(assessing)
            for j in range(2)
        ),
    )
    committee = [c for c in assessing if c.status != CycleStatus.IN_ASSESSMENT]
    ratings = ["met", "met", "met", "met", "partly_met", "not_met"]
    _bulk(
        ConsolidatedRating,
        (
            ConsolidatedRating(
                cycle=c,
                requirement=r,
                rating=ratings[(n + k) % len(ratings)],
                dossier=dossier_of[c.pk],
                recorded_by=office,
            )
            for k, c in enumerate(committee)
            for n, r in enumerate(requirements)
        ),
    )
    decisions = _bulk(
        Decision,
        (
            Decision(
                cycle=c,
                status="voting" if c.status == CycleStatus.WITH_COMMITTEE else "decided",
                outcome={CycleStatus.DECIDED: "accredited", CycleStatus.AMENDING: "areas_to_amend"}.get(c.status, ""),
                recommended_outcome="accredited",
                dossier_sha256="" if c.status == CycleStatus.WITH_COMMITTEE else dossier_of[c.pk].sha256,
                decided_on=None if c.status == CycleStatus.WITH_COMMITTEE else (c.decided_at or now).date(),
            )
            for c in committee
        ),
    )
    decided = [(d, c) for d, c in zip(decisions, committee, strict=True) if c.status == CycleStatus.DECIDED]
    awards = _bulk(
        Award,
        (
            Award(
                facility_id=c.facility_id,
                cycle=c,
                decision=d,
                level="accredited" if k % 5 else "centre_of_excellence",
                valid_from=d.decided_on,
                valid_until=d.decided_on.replace(year=d.decided_on.year + 4),
            )
            for k, (d, c) in enumerate(decided)
        ),
    )
    names = dict(Facility.objects.filter(pk__in=[a.facility_id for a in awards]).values_list("pk", "name"))
    _bulk(
        Certificate,
        (
            Certificate(
                award=a,
                number=f"B-{a.valid_from.year}-{900000 + k}",
                year=a.valid_from.year,
                sequence=900000 + k,
                facility_name=names[a.facility_id],
                city="Bench city",
                country="FR",
                level=a.level,
                valid_from=a.valid_from,
                valid_until=a.valid_until,
                issued_on=a.valid_from,
            )
            for k, a in enumerate(awards)
        ),
    )
    _log(f"{len(dossiers)} dossiers, {len(decisions)} decisions, {len(awards)} awards", started)


# ----------------------------------------------------------------------------- entry point


def seed(base: Path, reuse: bool) -> dict[str, Any]:
    """Build (or, when `reuse`, only look up) the data; returns the people and objects to measure."""
    from iasios.accounts.models import User
    from iasios.accounts.roles import FacilityRoleName
    from iasios.api.services import token_create
    from iasios.applications.models import Cycle, Dossier
    from iasios.assessment.models import Assignment
    from iasios.billing.models import Invoice
    from iasios.decisions.models import Award
    from iasios.demo.awards import Panel
    from iasios.demo.seed import seed_all
    from iasios.facilities.models import Facility, Membership

    started = time.perf_counter()
    n = sizes()
    if not reuse:
        print(f"Seeding the benchmark database ({connection.vendor}) …", flush=True)
        call_command("migrate", verbosity=0)
        call_command("standards_load", str(settings.SHIPPED_FRAMEWORK_FILE), "--activate", "--if-new", verbosity=0)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=OFF")
        seed_all()
        _log("demo centres through the services", started)
    else:
        call_command("migrate", verbosity=0)  # the cached database follows the code's migrations
    office = User.objects.get(email="office@demo.example")
    assessor = User.objects.get(email="assessor@demo.example")
    panel = Panel(
        office=office,
        assessors=(assessor, User.objects.get(email="assessor2@demo.example")),
        committee=tuple(User.objects.filter(email__startswith="committee").order_by("email")),
    )
    if not reuse:
        _big_cycle(BIG_DRAFT, "draft", panel, n["documents"])
        _big_cycle(BIG_ASSESSED, "assessment", panel, n["documents"])
        _log("two big cycles through the services", started)
        snapshot = Dossier.objects.filter(cycle__facility__name=BIG_ASSESSED).values_list("snapshot", flat=True).first()
        with transaction.atomic():
            _bulk_facilities(n["facilities"])
            _log(f"{n['facilities']} bulk facilities", started)
            _bulk_cycles(
                min(n["cycles"], n["facilities"]), n["documents"], office, snapshot or {"answers": []}, started
            )
        member = User.objects.create_user("bench-member@bench.example", "bench-password-1", name="Bench Member")
        Membership.objects.create(
            facility=Facility.objects.filter(name__startswith="Bench centre ").order_by("name").first(),
            user=member,
            role=FacilityRoleName.CONTRIBUTOR,
        )
        _marker(base).write_text(json.dumps(_signature(base)))
    draft = Cycle.objects.get(facility__name=BIG_DRAFT)
    assessed = Cycle.objects.get(facility__name=BIG_ASSESSED)
    editor = User.objects.get(email="rep.bigdraft@demo.example")
    representative = User.objects.get(email="rep.bigassessed@demo.example")
    award = (
        Award.objects.filter(certificate__isnull=False, facility__name__startswith="Rhine").first()
        or Award.objects.filter(certificate__isnull=False).first()
    )
    _token, office_token = token_create(user=office, name="bench")
    _token, editor_token = token_create(user=editor, name="bench")
    _token, assessor_token = token_create(user=assessor, name="bench")
    return {
        "office": office,
        "assessor": assessor,
        "member": User.objects.get(email="bench-member@bench.example"),
        "editor": editor,
        "representative": representative,
        "draft": draft,
        "assessed": assessed,
        "assignment": Assignment.objects.get(cycle=assessed, assessor=assessor),
        "invoice": Invoice.objects.filter(facility=draft.facility).order_by("issued_on").first(),
        "award": award,
        "tokens": {"office": office_token, "editor": editor_token, "assessor": assessor_token},
        "seed_seconds": round(time.perf_counter() - started, 1),
        "sizes": n,
    }
