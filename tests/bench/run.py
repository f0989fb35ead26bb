"""`make bench`: seed data at scale, then measure the heaviest pages beside the framework's floor.

Runs in-process against its own database (var/bench.sqlite3 unless BENCH_DATABASE_URL is set) and
media folder (var/bench-media), so the demo data is untouched. What is seeded is described in
tests/bench/seed.py; seeding is cached between runs of the same sizes.

For each page: status, median and 95th-percentile server time over repeated requests (Django's
test Client, in-process: no network, no server) and the query count, with the ratio to a minimal
authenticated page on the same stack (the floor), requested before each measured request so
that the ratio holds on a busy machine; the office dashboard, kept per version of its data, also
recomputed (its cache emptied before each request). Then the stored documents (invoice,
certificate, decision letter, dossier summary), each rendered (its stored copy removed before
each request, fewer repeats) and served from storage, beside a one-line WeasyPrint page, and the
peak memory and time of a large evidence
upload (tests/bench/upload_memory.py) and of downloading the stored file through the evidence
download view, against the file's size and beside a plain copy / read of the same file on the
same disk. Prints one table, then issue 13's table with the baselines' ratios, and writes
var/bench.json.

Environment: BENCH_FACILITIES (2000), BENCH_CYCLES (500), BENCH_DOCUMENTS (100 per cycle),
BENCH_UPLOAD_MB (200; 1024 for the 1 GB baseline), BENCH_CLOCK (wall, or cpu), BENCH_REPEAT (20
requests per page), BENCH_PDF_REPEAT (5).
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iasios.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{BASE / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("MEDIA_ROOT", str(BASE / "var" / "bench-media"))
(BASE / "var").mkdir(exist_ok=True)

from tests.bench.seed import prepare_database  # noqa: E402

REUSE = prepare_database(BASE)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
PDF_REPEAT = int(os.environ.get("BENCH_PDF_REPEAT", "5"))
UPLOAD_MB = int(os.environ.get("BENCH_UPLOAD_MB", "200"))
MB = 1048576
# BENCH_CLOCK=cpu times the pages and PDFs in this process's CPU time instead of wall time: steadier
# on a machine shared with other work, and complete with SQLite (in-process), not with PostgreSQL.
CLOCK_NAME = os.environ.get("BENCH_CLOCK", "wall")
CLOCK = time.process_time if CLOCK_NAME == "cpu" else time.perf_counter
# WeasyPrint logs every layout step at INFO; the table is what this run prints.
for noisy in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(noisy).setLevel(logging.WARNING)


# The floor page (client, URL), requested before each measured request once main() has set it.
FLOOR: list[tuple[Client, str]] = []


def measure(
    label: str,
    client: Client,
    url: str,
    *,
    repeat: int = REPEAT,
    before: Callable[[], None] | None = None,
    **headers: Any,
) -> dict[str, Any]:
    """Median and p95 of `repeat` requests after 2 warm-up ones; `before` runs ahead of each, untimed.

    Each request follows a request of the floor page (FLOOR), timed too: the page's ratio is to the
    floor measured at the same moments, so that other work on the machine weighs on both alike."""
    timings: list[float] = []
    floor_timings: list[float] = []
    queries = 0
    status = 0
    size = 0
    for i in range(repeat + 2):
        if before is not None:
            before()
        if FLOOR:
            floor_client, floor_url = FLOOR[0]
            started = CLOCK()
            floor_client.get(floor_url)
            floor_timings.append((CLOCK() - started) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            started = CLOCK()
            response = client.get(url, **headers)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = CLOCK() - started
        status = response.status_code
        size = len(body)
        if i >= 2:  # the first requests warm caches and templates
            timings.append(elapsed * 1000)
            queries = len(ctx.captured_queries)
    timings.sort()
    row = {
        "page": label,
        "url": url,
        "status": status,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
        "queries": queries,
        "bytes": size,
    }
    if floor_timings:
        row["floor_ms"] = round(statistics.median(floor_timings[2:]), 2)
    print(f"  measured {label}: {status}, {row['median_ms']} ms, {queries} queries", flush=True)
    return row


def measure_pdf_baseline(*, repeat: int = PDF_REPEAT) -> dict[str, Any]:
    """The PDF baseline: a one-line page through the same HTML → PDF call (WeasyPrint), no request."""
    from iasios.core.pdf import html_to_pdf

    html = "<!doctype html><html><body><p>One line.</p></body></html>"
    timings: list[float] = []
    size = 0
    for i in range(repeat + 2):
        started = CLOCK()
        size = len(html_to_pdf(html))
        if i >= 2:
            timings.append((CLOCK() - started) * 1000)
    timings.sort()
    row = {
        "page": "PDF baseline: one-line WeasyPrint page",
        "url": "",
        "status": 200,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
        "queries": 0,
        "bytes": size,
    }
    print(f"  measured {row['page']}: {row['median_ms']} ms", flush=True)
    return row


def forget_stored(kind: str, object_id: Any) -> Callable[[], None]:
    """Remove a stored document (row and file), so that the next request renders it again."""
    from django.core.files.storage import default_storage

    from iasios.core.models import StoredDocument

    def forget() -> None:
        stored = StoredDocument.objects.filter(kind=kind, object_id=str(object_id))
        for key in stored.values_list("storage_key", flat=True):
            default_storage.delete(key)
        stored.delete()

    return forget


def measure_document(label: str, client: Client, url: str, kind: str, object_id: Any) -> list[dict[str, Any]]:
    """A stored document: its first request (rendered, stored and served: the stored copy is removed
    before each) and its later ones (served from storage)."""
    first = measure(f"{label}: first render", client, url, repeat=PDF_REPEAT, before=forget_stored(kind, object_id))
    served = measure(f"{label}: served", client, url)
    return [first, served]


def _empty_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def measure_download(facility: Any) -> dict[str, Any]:
    """Download the big stored file through the evidence download view, reading it chunk by chunk
    like a server does, with the Python heap peak (tracemalloc) against the file's size."""
    from iasios.accounts.models import User
    from iasios.applications.models import EvidenceRevision

    revision = EvidenceRevision.objects.filter(document__facility=facility).order_by("-received_at").first()
    if revision is None:
        return {"page": "evidence download (no stored file)", "status": 0}
    client = Client()
    client.force_login(User.objects.get(email="bench-upload@example.org"))
    url = f"/applications/evidence/file/{revision.pk}/"
    client.get(url)  # warm up (the file is not read)
    tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        received = 0
        if response.streaming:
            for chunk in response.streaming_content:
                received += len(chunk)
        else:
            received = len(response.content)
        response.close()
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    from django.core.files.storage import default_storage

    from tests.bench.upload_memory import plain_read_seconds

    try:
        read_seconds: float | None = plain_read_seconds(Path(default_storage.path(revision.storage_key)))
    except NotImplementedError:  # object storage: no file on this disk to compare with
        read_seconds = None
    return {
        "page": f"evidence download, {revision.size / MB:.0f} MB file",
        "url": url,
        "status": response.status_code,
        "seconds": round(elapsed, 2),
        "queries": len(ctx.captured_queries),
        "file_mb": round(revision.size / MB, 1),
        "received_mb": round(received / MB, 1),
        "heap_peak_mb": round(peak / MB, 2),
        "heap_peak_vs_file": round(peak / revision.size, 4),
        "plain_read_seconds": round(read_seconds, 2) if read_seconds is not None else None,
        "vs_plain_read": round(elapsed / read_seconds, 2) if read_seconds else None,
    }


def main() -> None:
    from tests.bench.seed import seed

    started = time.perf_counter()
    cast = seed(BASE, REUSE)
    clients: dict[str, Client] = {}
    for role in ("office", "assessor", "member", "editor", "representative"):
        clients[role] = Client(raise_request_exception=False)  # a failing page shows as its status
        clients[role].force_login(cast[role])
    anon = Client(raise_request_exception=False)
    draft, assessed = cast["draft"], cast["assessed"]
    tokens = cast["tokens"]
    from django.db.models import Count

    from iasios.standards.models import Requirement

    # The standard with the most requirements.
    biggest = (
        Requirement.objects.filter(framework=draft.framework)
        .values("standard__number")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    standard = biggest["standard__number"] if biggest else 1
    pages = [measure("floor: minimal authenticated page (profile)", clients["member"], "/account/profile/")]
    FLOOR.append((clients["member"], "/account/profile/"))
    pages += [
        measure("application workspace (big draft cycle)", clients["editor"], f"/applications/cycle/{draft.pk}/"),
        measure(
            f"standard page {standard} (big draft cycle)",
            clients["editor"],
            f"/applications/cycle/{draft.pk}/standard/{standard}/",
        ),
        measure(
            "evidence library (big facility)",
            clients["editor"],
            f"/applications/facility/{draft.facility_id}/evidence/",
        ),
        measure(
            "application workspace (in assessment, office)", clients["office"], f"/applications/cycle/{assessed.pk}/"
        ),
        measure(
            "assessor review (assigned assessor)",
            clients["assessor"],
            f"/assessment/assignment/{cast['assignment'].pk}/review/",
        ),
        measure("office dashboard (/office/reports/)", clients["office"], "/office/reports/"),
        # The dashboard is kept per version of its data: this row is its cost when that has just
        # changed (the cache emptied before each request), the row above the usual one.
        measure(
            "office dashboard, data just changed (recomputed)",
            clients["office"],
            "/office/reports/",
            before=_empty_cache,
        ),
        measure("office benchmarks", clients["office"], "/office/reports/benchmarks/"),
        measure("office facility list", clients["office"], "/office/facilities/"),
        measure("public registry", anon, "/registry/"),
        measure("public registry JSON", anon, "/registry.json"),
        measure("API: facilities (office, all)", anon, "/api/v1/facilities/", **_bearer(tokens["office"])),
        measure(
            "API: answers of the big cycle",
            anon,
            f"/api/v1/applications/cycles/{draft.pk}/answers",
            **_bearer(tokens["editor"]),
        ),
        measure(
            "API: evidence library of the big facility",
            anon,
            f"/api/v1/applications/facilities/{draft.facility_id}/evidence",
            **_bearer(tokens["editor"]),
        ),
        measure("API: assignments (assessor)", anon, "/api/v1/assessment/assignments", **_bearer(tokens["assessor"])),
        measure("API: awards (office, all)", anon, "/api/v1/decisions/awards/", **_bearer(tokens["office"])),
    ]
    from iasios.applications.dossier import DOSSIER_PDF
    from iasios.applications.selectors import latest_dossier
    from iasios.billing.pdf import INVOICE_PDF
    from iasios.certificates.documents import CERTIFICATE_PDF
    from iasios.decisions.letters import DECISION_LETTER

    award = cast["award"]
    dossier = latest_dossier(assessed)
    pdfs = [
        measure_pdf_baseline(),
        *measure_document(
            "PDF: invoice",
            clients["editor"],
            f"/billing/invoices/{cast['invoice'].pk}/pdf/",
            INVOICE_PDF,
            cast["invoice"].pk,
        ),
        *measure_document(
            "PDF: certificate",
            clients["office"],
            f"/certificates/{award.pk}/certificate.pdf",
            CERTIFICATE_PDF,
            award.certificate.pk,
        ),
        *measure_document(
            "PDF: decision letter",
            clients["office"],
            f"/decisions/{award.decision_id}/letter.pdf",
            DECISION_LETTER,
            award.decision_id,
        ),
        *measure_document(
            "PDF: dossier summary (big cycle)",
            clients["representative"],
            f"/applications/cycle/{assessed.pk}/dossier/summary.pdf",
            DOSSIER_PDF,
            dossier.pk if dossier else "",
        ),
    ]
    floor = pages[0]["median_ms"] or 1.0
    for row in pages + pdfs:
        row["x_floor"] = round(row["median_ms"] / (row.get("floor_ms") or floor), 2)

    print(f"  measuring a {UPLOAD_MB} MB upload and its download …", flush=True)
    from tests.bench.upload_memory import clean_up, measure_upload

    upload, upload_facility = measure_upload(UPLOAD_MB, keep=True)
    try:
        download = measure_download(upload_facility)
    finally:
        clean_up(upload_facility)
    memory = [
        {"page": f"evidence upload, {upload['file_mb']:.0f} MB file", "url": "POST /api/v1/.../evidence", **upload},
        download,
    ]

    sizes = cast["sizes"]
    from iasios.applications.models import Answer, Cycle, EvidenceDocument
    from iasios.facilities.models import Facility

    counts = {
        "facilities": Facility.objects.count(),
        "cycles": Cycle.objects.count(),
        "answers": Answer.objects.count(),
        "documents": EvidenceDocument.objects.count(),
    }
    header = (
        f"{'page':50} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'floor ms':>9} {'x floor':>8} {'queries':>8}"
        f" {'KB':>7}"
    )
    print()
    print(
        f"Benchmark, database {connection.vendor}: {sizes['facilities']} bulk facilities, {sizes['cycles']} bulk "
        f"cycles over every state with {sizes['documents']} documents each (rows written with bulk_create, "
        "no stored files, no history or events),"
    )
    print(
        "  plus the demo's centres and two big cycles built through the services (a draft fully answered, one in"
        f" assessment), each with {sizes['documents']} stored documents and a complete 30-case review."
    )
    print(
        f"  In the database: {counts['facilities']} facilities, {counts['cycles']} cycles, {counts['answers']} answers,"
        f" {counts['documents']} documents. {REPEAT} requests per page, {PDF_REPEAT} per PDF, after 2 warm-up ones;"
        f" {CLOCK_NAME} time."
    )
    print(f"  Seeding {'reused the cached database' if REUSE else 'took'} ({cast['seed_seconds']} s).")
    print(header)
    print("-" * len(header))
    for row in pages + pdfs:
        print(
            f"{row['page'][:50]:50} {row['status']:>6} {row['median_ms']:>10} {row['p95_ms']:>8}"
            f" {row.get('floor_ms', floor):>9} {row['x_floor']:>8} {row['queries']:>8} {row['bytes'] // 1024:>7}"
        )
    print()
    mheader = (
        f"{'memory':50} {'status':>6} {'file MB':>8} {'seconds':>8} {'heap peak MB':>13} {'peak/file':>10}"
        f" {'plain s':>8} {'x plain':>8}"
    )
    print(mheader)
    print("-" * len(mheader))
    for row in memory:
        plain = row.get("plain_copy_seconds", row.get("plain_read_seconds", ""))
        ratio = row.get("vs_plain_copy", row.get("vs_plain_read", ""))
        print(
            f"{row['page'][:50]:50} {str(row.get('status', '')).split(' ')[0]:>6} {row.get('file_mb', ''):>8}"
            f" {row.get('seconds', ''):>8} {row.get('heap_peak_mb', ''):>13} {row.get('heap_peak_vs_file', ''):>10}"
            f" {plain if plain is not None else '':>8} {ratio if ratio is not None else '':>8}"
        )
    print("  plain s: the same file copied (upload) or read (download) by the operating system on the same disk")
    print(
        f"  upload RSS: {upload['rss_before_mb']} MB before, {upload['rss_after_mb']} MB after"
        " (the process's high-water mark)"
    )
    if "response" in upload:
        print(f"  upload response: {upload['response']}")
    baselines = _baselines(pdfs, upload, download)
    _print_summary(pages + pdfs, baselines)
    out = BASE / "var" / "bench.json"
    out.write_text(
        json.dumps(
            {
                "database": connection.vendor,
                "sizes": sizes,
                "counts": counts,
                "seeded": not REUSE,
                "seed_seconds": cast["seed_seconds"],
                "repeat": REPEAT,
                "pdf_repeat": PDF_REPEAT,
                "pages": pages,
                "pdfs": pdfs,
                "memory": memory,
                "baselines": baselines,
                "total_seconds": round(time.perf_counter() - started, 1),
                "debug": settings.DEBUG,
                "clock": CLOCK_NAME,
            },
            indent=2,
            default=str,
        )
    )
    print(f"Written to {out.relative_to(BASE)} (whole run {time.perf_counter() - started:.0f} s)")


def _baselines(pdfs: list[dict[str, Any]], upload: dict[str, Any], download: dict[str, Any]) -> dict[str, Any]:
    """The ratios to the baselines: the certificate PDF to a one-line WeasyPrint page, the upload
    to a plain copy and the download to a plain read of the same file on the same disk."""
    by_page = {row["page"]: row for row in pdfs}
    pdf_floor = by_page["PDF baseline: one-line WeasyPrint page"]["median_ms"] or 1.0
    certificate = by_page["PDF: certificate: first render"]["median_ms"]
    return {
        "certificate_pdf_ms": certificate,
        "one_line_pdf_ms": pdf_floor,
        "certificate_vs_one_line_pdf": round(certificate / pdf_floor, 2),
        "upload_mb": upload["file_mb"],
        "upload_seconds": upload["seconds"],
        "plain_copy_seconds": upload.get("plain_copy_seconds"),
        "upload_vs_plain_copy": upload.get("vs_plain_copy"),
        "download_seconds": download.get("seconds"),
        "plain_read_seconds": download.get("plain_read_seconds"),
        "download_vs_plain_read": download.get("vs_plain_read"),
    }


def _print_summary(rows: list[dict[str, Any]], baselines: dict[str, Any]) -> None:
    """The table of issue 13 (Markdown), then the baselines' ratios."""
    print()
    print("| page | median | × floor | queries |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row['page']} | {row['median_ms']:,} ms | {row['x_floor']} | {row['queries']} |")
    print()
    b = baselines
    print(
        f"PDF: certificate (first render) {b['certificate_pdf_ms']} ms,"
        f" one-line WeasyPrint page {b['one_line_pdf_ms']} ms: ratio {b['certificate_vs_one_line_pdf']}"
    )
    print(
        f"Upload of {b['upload_mb']:.0f} MB: {b['upload_seconds']} s, plain copy {b['plain_copy_seconds']} s:"
        f" ratio {b['upload_vs_plain_copy']}"
    )
    print(
        f"Download of the same file: {b['download_seconds']} s, plain read {b['plain_read_seconds']} s:"
        f" ratio {b['download_vs_plain_read']}"
    )


if __name__ == "__main__":
    main()
