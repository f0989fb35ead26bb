"""`make bench`: seed data at scale, then measure the heaviest pages beside the framework's floor.

Runs in-process against its own database (var/bench.sqlite3 unless BENCH_DATABASE_URL is set) and
media folder (var/bench-media), so the demo data is untouched. What is seeded is described in
tests/bench/seed.py; seeding is cached between runs of the same sizes.

For each page: status, median and 95th-percentile server time over repeated requests (Django's
test Client, in-process: no network, no server) and the query count, with the ratio to a minimal
authenticated page on the same stack (the floor). Then PDF generation (the same way, fewer
repeats), and the peak memory of a large evidence upload (tests/bench/upload_memory.py) and of
downloading the stored file through the evidence download view, against the file's size.
Prints one table and writes var/bench.json.

Environment: BENCH_FACILITIES (2000), BENCH_CYCLES (500), BENCH_DOCUMENTS (100 per cycle),
BENCH_UPLOAD_MB (200), BENCH_REPEAT (20 requests per page), BENCH_PDF_REPEAT (5).
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import time
import tracemalloc
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
# WeasyPrint logs every layout step at INFO; the table is what this run prints.
for noisy in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(noisy).setLevel(logging.WARNING)


def measure(label: str, client: Client, url: str, *, repeat: int = REPEAT, **headers: Any) -> dict[str, Any]:
    timings: list[float] = []
    queries = 0
    status = 0
    size = 0
    for i in range(repeat + 2):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, **headers)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = time.perf_counter() - started
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
    print(f"  measured {label}: {status}, {row['median_ms']} ms, {queries} queries", flush=True)
    return row


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
    }


def main() -> None:
    from tests.bench.seed import seed

    started = time.perf_counter()
    cast = seed(BASE, REUSE)
    clients: dict[str, Client] = {}
    for role in ("office", "assessor", "member", "editor", "representative"):
        clients[role] = Client()
        clients[role].force_login(cast[role])
    anon = Client()
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
    pages = [
        measure("floor: minimal authenticated page (profile)", clients["member"], "/account/profile/"),
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
    pdfs = [
        measure(
            "PDF: invoice",
            clients["editor"],
            f"/billing/invoices/{cast['invoice'].pk}/pdf/",
            repeat=PDF_REPEAT,
        ),
        measure(
            "PDF: certificate",
            clients["office"],
            f"/certificates/{cast['award'].pk}/certificate.pdf",
            repeat=PDF_REPEAT,
        ),
        measure(
            "PDF: dossier summary (big cycle)",
            clients["representative"],
            f"/applications/cycle/{assessed.pk}/dossier/summary.pdf",
            repeat=PDF_REPEAT,
        ),
    ]
    floor = pages[0]["median_ms"] or 1.0
    for row in pages + pdfs:
        row["x_floor"] = round(row["median_ms"] / floor, 2)

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
    header = f"{'page':50} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'x floor':>8} {'queries':>8} {'KB':>7}"
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
        f" {counts['documents']} documents. {REPEAT} requests per page, {PDF_REPEAT} per PDF, after 2 warm-up ones."
    )
    print(f"  Seeding {'reused the cached database' if REUSE else 'took'} ({cast['seed_seconds']} s).")
    print(header)
    print("-" * len(header))
    for row in pages + pdfs:
        print(
            f"{row['page'][:50]:50} {row['status']:>6} {row['median_ms']:>10} {row['p95_ms']:>8}"
            f" {row['x_floor']:>8} {row['queries']:>8} {row['bytes'] // 1024:>7}"
        )
    print()
    mheader = f"{'memory':50} {'status':>6} {'file MB':>8} {'seconds':>8} {'heap peak MB':>13} {'peak/file':>10}"
    print(mheader)
    print("-" * len(mheader))
    for row in memory:
        print(
            f"{row['page'][:50]:50} {str(row.get('status', '')).split(' ')[0]:>6} {row.get('file_mb', ''):>8}"
            f" {row.get('seconds', ''):>8} {row.get('heap_peak_mb', ''):>13} {row.get('heap_peak_vs_file', ''):>10}"
        )
    print(
        f"  upload RSS: {upload['rss_before_mb']} MB before, {upload['rss_after_mb']} MB after"
        " (the process's high-water mark)"
    )
    if "response" in upload:
        print(f"  upload response: {upload['response']}")
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
                "total_seconds": round(time.perf_counter() - started, 1),
                "debug": settings.DEBUG,
            },
            indent=2,
            default=str,
        )
    )
    print(f"Written to {out.relative_to(BASE)} (whole run {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
