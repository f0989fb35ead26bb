"""`make bench`: seed data at scale, then measure the heaviest pages beside the framework's floor.

Runs in-process against its own database (var/bench.sqlite3 unless BENCH_DATABASE_URL is set),
so the demo database is untouched. For each page: median and 95th-percentile server time over
repeated requests and the query count, side by side with a minimal authenticated page on the
same stack (the floor). Prints a table and writes var/bench.json.

Sizes are read from the environment: BENCH_FACILITIES (default 2000), BENCH_REPEAT (default 20).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iasios.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{BASE / 'var' / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

FACILITIES = int(os.environ.get("BENCH_FACILITIES", "2000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def seed() -> dict[str, Any]:
    from iasios.accounts.models import User
    from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
    from iasios.facilities.models import Facility, Membership

    call_command("migrate", verbosity=0)
    call_command("standards_load", str(settings.SHIPPED_FRAMEWORK_FILE), "--activate", "--if-new", verbosity=0)
    existing = Facility.objects.count()
    if existing < FACILITIES:
        Facility.objects.bulk_create(
            Facility(name=f"Bench centre {i:05d}", institution=f"Hospital {i}", city=f"City {i % 300}", country="FR")
            for i in range(existing, FACILITIES)
        )
    office = User.objects.filter(email="bench-office@bench.example").first()
    if office is None:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from iasios.accounts.services import programme_role_grant

        office = User.objects.create_user("bench-office@bench.example", "bench-password-1", name="Bench Office")
        programme_role_grant(user=office, role=ProgrammeRoleName.OFFICE)
        TOTP.activate(office, generate_totp_secret())
    member = User.objects.filter(email="bench-member@bench.example").first()
    if member is None:
        member = User.objects.create_user("bench-member@bench.example", "bench-password-1", name="Bench Member")
        Membership.objects.create(
            facility=Facility.objects.order_by("name").first(), user=member, role=FacilityRoleName.CONTRIBUTOR
        )
    return {"office": office, "member": member}


def measure(label: str, client: Client, url: str, method: Callable[..., Any] | None = None) -> dict[str, Any]:
    timings: list[float] = []
    queries = 0
    status = 0
    for i in range(REPEAT + 2):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = (method or client.get)(url)
            elapsed = time.perf_counter() - started
        status = response.status_code
        if i >= 2:  # the first requests warm caches and templates
            timings.append(elapsed * 1000)
            queries = len(ctx.captured_queries)
    timings.sort()
    return {
        "page": label,
        "url": url,
        "status": status,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "queries": queries,
    }


def main() -> None:
    cast = seed()
    office, member = Client(), Client()
    office.force_login(cast["office"])
    member.force_login(cast["member"])
    rows = [
        measure("floor: minimal authenticated page (profile)", member, "/account/profile/"),
        measure("public home", Client(), "/"),
        measure("standards browser", Client(), "/standards/"),
        measure("member dashboard", member, "/dashboard/"),
        measure("office home", office, "/office/"),
        measure("API: current framework tree", Client(), "/api/v1/frameworks/io-standards/current"),
        measure("health", Client(), "/healthz"),
    ]
    floor = rows[0]["median_ms"] or 1.0
    for row in rows:
        row["x_floor"] = round(row["median_ms"] / floor, 2)
    header = f"{'page':48} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'x floor':>8} {'queries':>8}"
    print(f"Benchmark: {FACILITIES} facilities, {REPEAT} requests per page, database {connection.vendor}")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['page']:48} {row['status']:>6} {row['median_ms']:>10} {row['p95_ms']:>8}"
            f" {row['x_floor']:>8} {row['queries']:>8}"
        )
    out = BASE / "var" / "bench.json"
    out.write_text(json.dumps({"facilities": FACILITIES, "repeat": REPEAT, "pages": rows}, indent=2))
    print(f"Written to {out.relative_to(BASE)}")


if __name__ == "__main__":
    main()
