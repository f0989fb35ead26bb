"""The simulated people of `make load` (tests/load/run.py writes their sessions and ids to LOAD_TARGETS).

Each kind has a fixed head count (run.py's shares of LOAD_USERS) and a few seconds' thought
between requests. Requests are named by page, so the figures are per page, not per URL.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

TARGETS: dict[str, Any] = json.loads(Path(os.environ["LOAD_TARGETS"]).read_text())
HTMX = {"HX-Request": "true"}


class Person(HttpUser):
    """A simulated person of one kind, with a session of their own (the `kind`'s next one)."""

    abstract = True
    wait_time = between(1, 3)
    kind = ""
    _taken: dict[str, itertools.count[int]] = {}

    def on_start(self) -> None:
        self.index = next(self._taken.setdefault(self.kind, itertools.count()))
        sessions = TARGETS[self.kind].get("sessions")
        if sessions:
            self.client.cookies.set(TARGETS["cookie"], sessions[self.index % len(sessions)])

    def get(self, path: str, name: str) -> None:
        """GET `path`; a page that sends the person to the log-in page (no session, no access) fails."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.ok and "/accounts/login/" in response.url:
                response.failure("sent to the log-in page")

    def csrf_headers(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken") or ""}


class Floor(Person):
    """The yardstick: a minimal authenticated page, requested under the same load as every other."""

    kind = "floor"
    fixed_count = TARGETS["counts"]["floor"]
    wait_time = between(0.5, 1.5)  # few people, asking more often: enough samples for a p95

    @task
    def profile(self) -> None:
        self.get("/account/profile/", "floor: minimal authenticated page (profile)")


class Public(Person):
    """Visitors: the registry and its open data, a centre's profile, a certificate's check."""

    kind = "public"
    fixed_count = TARGETS["counts"]["public"]

    @task(4)
    def registry(self) -> None:
        self.get("/registry/", "public: registry")

    @task(1)
    def registry_json(self) -> None:
        self.get("/registry.json", "public: registry JSON")

    @task(3)
    def profile(self) -> None:
        facilities = TARGETS["public"]["facilities"]
        if facilities:
            self.get(f"/registry/{random.choice(facilities)}/", "public: centre profile")

    @task(3)
    def verify(self) -> None:
        tokens = TARGETS["public"]["tokens"]
        if tokens:
            self.get(f"/verify/{random.choice(tokens)}/", "public: certificate check")


class Member(Person):
    """Facility members on the big draft cycle: read standards, save their own answers, upload."""

    kind = "member"
    fixed_count = TARGETS["counts"]["member"]

    def on_start(self) -> None:
        super().on_start()
        target = TARGETS["member"]
        self.cycle, self.facility = target["cycle"], target["facility"]
        self.answers = [dict(a) for a in target["answers"][self.index % len(target["answers"])]]
        # The library's form sets the CSRF cookie.
        self.get(f"/applications/facility/{self.facility}/evidence/", "member: evidence library")

    @task(4)
    def standard(self) -> None:
        number = random.choice(self.answers)["standard"] if self.answers else 1
        self.get(f"/applications/cycle/{self.cycle}/standard/{number}/", "member: standard page")

    @task(1)
    def workspace(self) -> None:
        self.get(f"/applications/cycle/{self.cycle}/", "member: application workspace")

    @task(1)
    def library(self) -> None:
        self.get(f"/applications/facility/{self.facility}/evidence/", "member: evidence library")

    @task(3)
    def save_answer(self) -> None:
        if not self.answers:
            return
        answer = random.choice(self.answers)
        data = {
            "claim": answer["claim"],
            "na_reason": "",
            "narrative": f"Reviewed by the team, draft {answer['revision'] + 1}.",
            "assignee": "",
            "revision": str(answer["revision"]),
        }
        with self.client.post(
            f"/applications/cycle/{self.cycle}/answer/{answer['id']}/",
            data=data,
            headers={**HTMX, **self.csrf_headers()},
            name="member: save an answer",
            catch_response=True,
        ) as response:
            if b'class="save-error"' in response.content or "/accounts/login/" in response.url:
                response.failure("not saved (only this person edits this answer: no conflict expected)")
            answer["revision"] += 1

    @task(1)
    def upload(self) -> None:
        text = f"Minutes of the multidisciplinary meeting, upload {random.randrange(10**9)}.\n".encode()
        with self.client.post(
            f"/applications/facility/{self.facility}/evidence/",
            data={"title": "", "description": ""},
            files={"files": ("minutes.txt", text, "text/plain")},
            headers=self.csrf_headers(),
            name="member: upload evidence",
            catch_response=True,
        ) as response:
            if response.ok and not (response.history and response.url.endswith("/evidence/")):
                response.failure("not added (the library did not send the person back to itself)")


class Assessor(Person):
    """Assessors on the big cycle in assessment: the review page, and rating their own requirements."""

    kind = "assessor"
    fixed_count = TARGETS["counts"]["assessor"]

    def on_start(self) -> None:
        super().on_start()
        target = TARGETS["assessor"]
        self.assignment = target["assignment"]
        self.requirements = target["requirements"][self.index % len(target["requirements"])]
        self.review()  # sets the CSRF cookie

    @task(2)
    def review(self) -> None:
        self.get(f"/assessment/assignment/{self.assignment}/review/", "assessor: review page")

    @task(3)
    def rate(self) -> None:
        if not self.requirements:
            return
        requirement = random.choice(self.requirements)
        with self.client.post(
            f"/assessment/assignment/{self.assignment}/review/{requirement}/rate/",
            data={"rating": "met", "comment": ""},
            headers={**HTMX, **self.csrf_headers()},
            name="assessor: rate a requirement",
            catch_response=True,
        ) as response:
            if b'class="errorlist"' in response.content or "/accounts/login/" in response.url:
                response.failure("not rated")


class Office(Person):
    """The programme office: its home, the dashboard, the facility list and the benchmarks."""

    kind = "office"
    fixed_count = TARGETS["counts"]["office"]

    @task(2)
    def home(self) -> None:
        self.get("/office/", "office: home")

    @task(2)
    def dashboard(self) -> None:
        self.get("/office/reports/", "office: dashboard")

    @task(2)
    def facilities(self) -> None:
        self.get("/office/facilities/", "office: facility list")

    @task(1)
    def benchmarks(self) -> None:
        self.get("/office/reports/benchmarks/", "office: benchmarks")
