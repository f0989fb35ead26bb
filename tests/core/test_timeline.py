"""Timelines speak plain words: transitions as words, repeated actions collapsed, dates from the locale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from iasios.applications.models import Cycle
from iasios.core.event_display import event_words, timeline_entries
from iasios.core.events import record_event, timeline
from iasios.core.models import Event
from iasios.decisions.models import Award
from iasios.facilities.models import Facility
from tests.casereview.helpers import make_cycle

pytestmark = pytest.mark.django_db


def _event(model: type, action: str, from_state: str = "", to_state: str = "") -> Event:
    return Event(
        content_type=ContentType.objects.get_for_model(model),
        action=action,
        from_state=from_state,
        to_state=to_state,
    )


@pytest.mark.parametrize(
    ("model", "action", "from_state", "to_state", "words"),
    [
        (Facility, "activate", "pending_activation", "registered", "Registration confirmed"),
        (Cycle, "submit", "draft", "submitted", "Submitted"),
        (Award, "grant", "", "valid", "Award granted: Valid"),
        (Award, "grant", "", "pending", "Award granted: Not yet in force"),
        # A transition without words of its own reads as the state it reached, by its label.
        (Cycle, "some_new_transition", "submitted", "in_assessment", "In assessment"),
        # An action nobody named yet is humanised rather than shown as a code.
        (Facility, "brand_new_action", "", "", "Brand new action"),
    ],
)
def test_an_event_reads_as_words(model, action, from_state, to_state, words) -> None:
    assert event_words(_event(model, action, from_state, to_state)) == words


def _thirty_saves(cycle: Cycle, user) -> None:
    for position in range(1, 31):
        record_event(obj=cycle, action="case_review_saved", actor=user, data={"position": position})


def test_a_run_of_saves_by_one_person_is_one_line(cast, framework) -> None:
    cycle = make_cycle(cast.facility, framework)
    record_event(obj=cycle, action="cycle_started", actor=cast.representative, to_state="draft")
    _thirty_saves(cycle, cast.contributor)
    record_event(obj=cycle, action="case_review_saved", actor=cast.read_only)  # someone else: a line of its own

    lines = timeline_entries(timeline(cycle))

    assert [(line.words, line.count) for line in lines] == [
        ("Case review saved", 1),
        ("Case review: 30 cases saved", 30),
        ("Application started", 1),
    ]
    assert lines[1].actor == cast.contributor


@pytest.mark.parametrize("page", ["casereview:cycle", "applications:workspace"])
def test_pages_show_thirty_saves_as_one_line_with_who_and_when(cast, framework, page) -> None:
    cycle = make_cycle(cast.facility, framework)
    record_event(obj=cycle, action="submit", actor=cast.representative, from_state="draft", to_state="submitted")
    _thirty_saves(cycle, cast.contributor)

    html = cast.client_for("representative").get(reverse(page, args=[cycle.pk])).content.decode()

    assert html.count("Case review: 30 cases saved") == 1
    assert "Case review saved" not in html
    assert "by Cora Contributor" in html
    if page == "applications:workspace":
        assert "Submitted" in html
    assert "draft → submitted" not in html and "case_review_saved" not in html


def test_the_facility_timeline_shows_no_state_codes(cast) -> None:
    record_event(obj=cast.facility, action="registered", to_state="pending_activation")
    record_event(obj=cast.facility, action="activate", from_state="pending_activation", to_state="registered")

    html = (
        cast.client_for("representative").get(reverse("facilities:dashboard", args=[cast.facility.pk])).content.decode()
    )

    assert "Registration confirmed" in html
    assert "pending_activation" not in html


def test_a_timeline_reads_its_events_in_one_query(cast, framework, django_assert_num_queries) -> None:
    cycle = make_cycle(cast.facility, framework)
    _thirty_saves(cycle, cast.contributor)
    record_event(obj=cycle, action="submit", actor=cast.representative, from_state="draft", to_state="submitted")
    ContentType.objects.get_for_model(Cycle)  # the content-type cache is warm in a running server
    with django_assert_num_queries(1):
        assert len(timeline_entries(timeline(cycle))) == 2


# ----------------------------------------------------------------------------- templates, by grep
TEMPLATES = Path(settings.BASE_DIR) / "templates"
NAMED_FORMATS = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "T",
}
DATE_FILTER = re.compile(r"""\|date:(["'])([^"']*)\1""")
# Machine-readable attributes may (must) carry ISO dates: <time datetime="…">, <input value="…">.
MACHINE_ATTRIBUTE = re.compile(r"""(datetime|value|data-[a-z-]+)="\{\{[^}]*\|date:'(c|Y-m-d)'[^}]*\}\}\"""")
RAW_CODE = re.compile(
    r"\{\{ ?(?!form\.)[\w.]+\.(status|state|category|level|outcome|claim|rating|aim)"
    r"(\|(default|upper|lower|title)[^}]*)? ?\}\}"
)


def _templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})


def test_no_template_hand_formats_a_date() -> None:
    offenders = []
    for path in _templates():
        text = MACHINE_ATTRIBUTE.sub("", path.read_text())
        offenders += [
            f"{path.relative_to(TEMPLATES)}: {m.group(0)}"
            for m in DATE_FILTER.finditer(text)
            if m.group(2) not in NAMED_FORMATS
        ]
        if "isoformat" in text:
            offenders.append(f"{path.relative_to(TEMPLATES)}: isoformat")
    assert offenders == []


def test_no_template_prints_a_state_or_category_code() -> None:
    offenders = []
    for path in _templates():
        for line in path.read_text().splitlines():
            # A code inside an attribute (a CSS class, a form value) is for machines, not people.
            visible = re.sub(r'[\w-]+="[^"]*"', "", line)
            offenders += [f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in RAW_CODE.finditer(visible)]
    assert offenders == []


def test_the_assessor_pool_names_expertise_by_category_labels(cast) -> None:
    from iasios.assessment.models import AssessorProfile

    AssessorProfile.objects.create(
        user=cast.assessor, country="BE", institution="UZ Leuven", expertise_categories=["pain-management", "ablation"]
    )
    html = cast.client_for("office").get(reverse("office_assessment:assessors")).content.decode()
    assert "Pain management, Ablation" in html
    assert "pain-management" not in html
