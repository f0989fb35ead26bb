"""`make load`: many people at once on a real server, beside the floor measured in the same run.

Seeds (or reuses) the bench's data on PostgreSQL (tests/bench/seed.py; BENCH_DATABASE_URL and the
BENCH_* sizes), starts gunicorn with 4 workers on it, and runs Locust headless
(tests/load/locustfile.py) with LOAD_USERS simulated people (50) for LOAD_SECONDS (60) in the
proportions of real use: the public (registry, a centre's profile, certificate checks), facility
members (standard pages, saving answers, uploading evidence), assessors (review page, rating),
the office (dashboards and lists), and a few on the floor page (a minimal authenticated page),
whose response times under the same load are the yardstick.

Each simulated person has a session of their own, made here once (staff log in with a second
factor, whose codes serve once: a session per person replaces fifty logins with the same code),
and edits answers or rates requirements no other simulated person touches.

Before the timed run, a short warm-up asks each page a few times at once (see warm_up): the
figures are the steady state, and the warm-up's slowest time per page (the cold start of fresh
workers and of the kept copies) is printed and written beside them as cold_ms.

Prints requests per second, p50/p95/p99 per page, errors, and each page's p95 over the floor's
p95; writes them to var/load.json. Exits 1 when a request failed or a page's p95 reached 10 times
the floor's. LOAD_PORT (8099) is where gunicorn listens.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

BASE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/iasios_bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iasios.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
os.environ.setdefault("MEDIA_ROOT", str(BASE / "var" / "bench-media"))
(BASE / "var").mkdir(exist_ok=True)

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
PORT = int(os.environ.get("LOAD_PORT", "8099"))
WORKERS = 4
GOAL = 10  # a page's p95 stays under this many times the floor's
# Shares of the simulated people, as the platform is used: mostly the public and facility teams.
SHARES = {"public": 0.40, "member": 0.30, "assessor": 0.16, "office": 0.10, "floor": 0.04}
TARGETS = BASE / "var" / "load-targets.json"
CSV_PREFIX = BASE / "var" / "load"
RESULT = BASE / "var" / "load.json"
BIN = Path(sys.executable).parent


def head_counts(total: int) -> dict[str, int]:
    """People per kind: at least one of each, the rest by SHARES (the public takes what rounding leaves)."""
    counts = {kind: max(1, round(total * share)) for kind, share in SHARES.items() if kind != "public"}
    counts["public"] = max(1, total - sum(counts.values()))
    return counts


def _database_exists() -> None:
    """PostgreSQL only (the load test measures a server as deployed); the database is created when missing."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgresql" not in config["ENGINE"]:
        sys.exit("make load runs on PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    server: dict[str, Any] = {"host": config["HOST"], "port": config["PORT"], "user": config["USER"]}
    server["password"] = config["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in server.items() if v}) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def _sessions(user: Any, count: int) -> list[str]:
    """`count` sessions of `user`, each as a person who logged in (with their second factor)."""
    from django.conf import settings
    from django.test import Client

    keys = []
    for _n in range(count):
        client = Client()
        client.force_login(user)
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return keys


def _slices(items: list[Any], count: int) -> list[list[Any]]:
    return [items[i::count] for i in range(count)]


def targets(cast: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    """What each simulated person requests: sessions, their own answers or requirements, public ids."""
    from django.conf import settings

    from iasios.applications.models import Answer
    from iasios.certificates.models import Certificate
    from iasios.decisions.models import Award
    from iasios.standards.models import Requirement

    draft, assessed = cast["draft"], cast["assessed"]
    answers = [
        {"id": str(a.pk), "revision": a.revision, "claim": a.claim, "standard": a.requirement.standard.number}
        for a in Answer.objects.filter(cycle=draft).select_related("requirement__standard").order_by("pk")
    ]
    requirements = list(
        Requirement.objects.filter(framework=assessed.framework).order_by("pk").values_list("pk", flat=True)
    )
    awarded = Award.objects.filter(certificate__isnull=False).order_by("pk")
    return {
        "counts": counts,
        "cookie": settings.SESSION_COOKIE_NAME,
        "floor": {"sessions": _sessions(cast["member"], counts["floor"])},
        "member": {
            "sessions": _sessions(cast["editor"], counts["member"]),
            "cycle": str(draft.pk),
            "facility": str(draft.facility_id),
            "answers": _slices(answers, counts["member"]),
        },
        "assessor": {
            "sessions": _sessions(cast["assessor"], counts["assessor"]),
            "assignment": str(cast["assignment"].pk),
            "requirements": _slices(requirements, counts["assessor"]),
        },
        "office": {"sessions": _sessions(cast["office"], counts["office"])},
        "public": {
            "facilities": [str(pk) for pk in awarded.values_list("facility_id", flat=True)[:20]],
            "tokens": list(Certificate.objects.order_by("pk").values_list("token", flat=True)[:20]),
        },
    }


def _server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DEBUG": "0", "DB_CONN_MAX_AGE": "60", "SITE_URL": f"http://127.0.0.1:{port}"}
    command = [str(BIN / "gunicorn"), "iasios.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "--log-level", "warning"], cwd=BASE, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                return server
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None:
                sys.exit("gunicorn stopped before it served a page")
            time.sleep(0.25)  # the server is starting: ask again
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


# Before the timed run, each page is asked WARM_ROUNDS times by WARM_AT_ONCE people at once (so
# every worker serves each): a fresh server's workers load their templates and translations on
# their first requests, and the kept copies (the office's benchmarks and dashboard, the open data)
# are computed once per version of their data. That cold start is not hidden: its slowest time per
# page is printed and written beside the figures ("cold_ms"). The timed run is the steady state.
WARM_ROUNDS = 2
WARM_AT_ONCE = WORKERS * 2


def warm_pages(plan: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(page, path, session) for every page the simulated people read (GETs only: nothing is written)."""
    member, assessor = plan["member"], plan["assessor"]
    office, floor = plan["office"]["sessions"][0], plan["floor"]["sessions"][0]
    pages = [
        ("floor: minimal authenticated page (profile)", "/account/profile/", floor),
        ("public: registry", "/registry/", ""),
        ("public: registry JSON", "/registry.json", ""),
        ("member: application workspace", f"/applications/cycle/{member['cycle']}/", member["sessions"][0]),
        ("member: standard page", f"/applications/cycle/{member['cycle']}/standard/1/", member["sessions"][0]),
        ("member: evidence library", f"/applications/facility/{member['facility']}/evidence/", member["sessions"][0]),
        ("assessor: review page", f"/assessment/assignment/{assessor['assignment']}/review/", assessor["sessions"][0]),
        ("office: home", "/office/", office),
        ("office: dashboard", "/office/reports/", office),
        ("office: facility list", "/office/facilities/", office),
        ("office: benchmarks", "/office/reports/benchmarks/", office),
    ]
    public = plan["public"]
    if public["facilities"]:
        pages.append(("public: centre profile", f"/registry/{public['facilities'][0]}/", ""))
    if public["tokens"]:
        pages.append(("public: certificate check", f"/verify/{public['tokens'][0]}/", ""))
    return pages


def _timed_get(port: int, path: str, cookie: str, session: str) -> float:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if session:
        request.add_header("Cookie", f"{cookie}={session}")
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (http://127.0.0.1 above)
        response.read()
    return (time.monotonic() - started) * 1000


def warm_up(port: int, plan: dict[str, Any]) -> dict[str, float]:
    """Each page's slowest time (ms) while a fresh server is asked for it the first times."""
    from concurrent.futures import ThreadPoolExecutor

    cold: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=WARM_AT_ONCE) as pool:
        for _round in range(WARM_ROUNDS):
            for page, path, session in warm_pages(plan):
                asked = [(port, path, plan["cookie"], session)] * WARM_AT_ONCE
                times = list(pool.map(lambda args: _timed_get(*args), asked))
                cold[page] = round(max(cold.get(page, 0.0), *times))
    return cold


def _locust(port: int, users: int) -> None:
    env = {**os.environ, "LOAD_TARGETS": str(TARGETS)}
    command = [str(BIN / "locust"), "-f", str(BASE / "tests" / "load" / "locustfile.py"), "--headless"]
    options = ["-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{SECONDS}s", "--only-summary"]
    where = ["--host", f"http://127.0.0.1:{port}", "--csv", str(CSV_PREFIX), "--loglevel", "WARNING"]
    subprocess.run([*command, *options, *where], cwd=BASE, env=env, check=False)


def _number(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0


def results() -> dict[str, Any]:
    """The figures Locust wrote (per page and aggregated), with each page's p95 over the floor's."""
    with open(f"{CSV_PREFIX}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    pages: list[dict[str, Any]] = [
        {
            "page": row["Name"],
            "method": row["Type"],
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "rps": round(_number(row["Requests/s"]), 2),
            "p50_ms": _number(row["50%"]),
            "p95_ms": _number(row["95%"]),
            "p99_ms": _number(row["99%"]),
        }
        for row in rows
    ]
    total = next(p for p in pages if p["page"] == "Aggregated")
    pages = [p for p in pages if p["page"] != "Aggregated"]
    floor = next((p for p in pages if p["page"].startswith("floor")), None)
    floor_p95 = floor["p95_ms"] if floor and floor["p95_ms"] else 1.0
    floor_p50 = floor["p50_ms"] if floor and floor["p50_ms"] else 1.0
    for page in pages:
        page["x_floor_p95"] = round(page["p95_ms"] / floor_p95, 2)
        # Under a saturated server the p95s are mostly queueing; the medians show each page's own cost.
        page["x_floor_p50"] = round(page["p50_ms"] / floor_p50, 2)
    with open(f"{CSV_PREFIX}_failures.csv", newline="") as failures:
        failed = [
            {"page": row["Name"], "error": row["Error"], "count": int(row["Occurrences"])}
            for row in csv.DictReader(failures)
        ]
    worst = max((p["x_floor_p95"] for p in pages), default=0.0)
    return {
        "users": USERS,
        "seconds": SECONDS,
        "workers": WORKERS,
        "requests": total["requests"],
        "errors": total["errors"],
        "rps": total["rps"],
        "floor_p50_ms": floor_p50,
        "floor_p95_ms": floor_p95,
        "worst_x_floor_p95": worst,
        "goal_met": total["errors"] == 0 and worst < GOAL,
        "pages": pages,
        "failures": failed,
    }


def report(figures: dict[str, Any]) -> None:
    cold = figures.get("cold_ms", {})
    if cold:
        print("\nWarm-up before the timed run (not in the figures): slowest first requests per page, ms")
        for page, ms in sorted(cold.items(), key=lambda item: -item[1]):
            print(f"  {page:60} {ms:>8}")
    print(f"\n{figures['users']} simulated people, {figures['seconds']} s, gunicorn with {figures['workers']} workers")
    columns = ("requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms")
    print(f"{'page':52} " + " ".join(f"{name:>8}" for name in columns) + f" {'p95 x floor':>11} {'p50 x floor':>11}")
    for page in sorted(figures["pages"], key=lambda p: -p["x_floor_p95"]):
        print(
            f"{page['method'] + ' ' + page['page']:52} {page['requests']:>8} {page['errors']:>8} {page['rps']:>8}"
            f" {page['p50_ms']:>8} {page['p95_ms']:>8} {page['p99_ms']:>8}"
            f" {page['x_floor_p95']:>11} {page['x_floor_p50']:>11}"
        )
    for failure in figures["failures"]:
        print(f"error: {failure['page']}: {failure['error']} ({failure['count']}×)")
    print(
        f"\nTotal: {figures['requests']} requests, {figures['rps']} per second, {figures['errors']} error(s);"
        f" floor p50 {figures['floor_p50_ms']} ms, p95 {figures['floor_p95_ms']} ms;"
        f" the slowest page's p95 is {figures['worst_x_floor_p95']}× the floor's"
        f" (goal: 0 errors, under {GOAL}×): {'met' if figures['goal_met'] else 'NOT met'}"
    )


def main() -> int:
    _database_exists()
    from tests.bench.seed import prepare_database

    reuse = prepare_database(BASE)
    import django

    django.setup()
    from tests.bench.seed import seed

    cast = seed(BASE, reuse)
    counts = head_counts(USERS)
    plan = targets(cast, counts)
    TARGETS.write_text(json.dumps(plan))
    from django.db import connection

    connection.close()
    server = _server(PORT)
    try:
        cold = warm_up(PORT, plan)
        _locust(PORT, sum(counts.values()))
    finally:
        server.terminate()
        server.wait(timeout=30)
        TARGETS.unlink(missing_ok=True)  # it holds live sessions
    figures = {**results(), "cold_ms": cold}
    RESULT.write_text(json.dumps(figures, indent=2))
    report(figures)
    print(f"Written to {RESULT.relative_to(BASE)}")
    return 0 if figures["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
