"""Loading framework files: the shipped file, every kind of bad file, identical reloads."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from iasios.core.models import Event
from iasios.standards.loader import FrameworkFileInvalid, parse_framework_file, parse_framework_text
from iasios.standards.models import ChecklistItem, FrameworkStatus, FrameworkVersion, Requirement, Section, Standard
from tests.standards.helpers import line_of, shipped_data, shipped_text, standard

# DOMAIN.md §4: the core sub-requirements of each standard; every other one is extended.
CORE_LETTERS = {
    1: "acefg",
    2: "b",
    3: "ac",
    4: "bcd",
    5: "d",
    6: "abcd",
    7: "ab",
    8: "abcde",
    9: "",
    10: "c",
    11: "a",
    12: "ab",
    13: "",
}
SECTIONS = {1: range(1, 7), 2: range(7, 10), 3: range(10, 14)}


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (FrameworkVersion, Section, Standard, Requirement, ChecklistItem)
    }


def load(*files: Path | str, **options: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("standards_load", *[str(f) for f in files], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def load_fails(*files: Path | str) -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("standards_load", *[str(f) for f in files], stdout=StringIO(), stderr=err)
    return err.getvalue()


# -- the shipped file ---------------------------------------------------------------------
def test_shipped_file_has_the_published_structure() -> None:
    data = parse_framework_file(settings.SHIPPED_FRAMEWORK_FILE)
    assert (data.code, data.version) == ("io-standards", "2026.1")
    assert [(s.number, s.title) for s in data.sections] == [
        (1, "Staff and Facilities"),
        (2, "Treatment Planning and Delivery"),
        (3, "Safety and Quality"),
    ]
    assert [s.number for s in data.standards] == list(range(1, 14))
    for section, numbers in SECTIONS.items():
        assert [s.number for s in data.standards if s.section == section] == list(numbers)
    core = {s.number: "".join(r.letter for r in s.requirements if r.core) for s in data.standards}
    assert core == CORE_LETTERS
    for s in data.standards:
        letters = "".join(r.letter for r in s.requirements)
        # Letters run a, b, c… at least up to the highest core letter, with extended ones after.
        assert letters == "abcdefghijklmnopqrstuvwxyz"[: len(letters)]
        assert not CORE_LETTERS[s.number] or letters[-1] >= CORE_LETTERS[s.number][-1]
        assert s.evidence, f"standard {s.number} lists no required evidence"
        assert all(r.text for r in s.requirements)
    assert len(data.standards[0].requirements) == 7  # standard 1: a–g
    assert "working draft" in data.notice.lower()


def test_loading_the_shipped_file_writes_the_tree(db: Any) -> None:
    out, _err = load(settings.SHIPPED_FRAMEWORK_FILE)
    assert "Loaded io-standards 2026.1" in out
    framework = FrameworkVersion.objects.get()
    assert framework.status == FrameworkStatus.DRAFT
    assert framework.sections.count() == 3
    assert framework.standards.count() == 13
    core = Requirement.objects.filter(framework=framework, core=True).select_related("standard")
    by_standard: dict[int, str] = dict.fromkeys(CORE_LETTERS, "")
    for r in core.order_by("position"):
        by_standard[r.standard.number] += r.letter
    assert by_standard == CORE_LETTERS
    assert core.count() == sum(len(v) for v in CORE_LETTERS.values())
    assert (
        Requirement.objects.filter(framework=framework, core=False).count()
        == framework.requirements.count() - core.count()
    )
    for standard_row in framework.standards.select_related("section"):
        assert standard_row.number in SECTIONS[standard_row.section.number]

    checklist = list(framework.checklist.order_by("position"))
    assert len(checklist) == 11
    assert [c.code for c in checklist if c.records_grade] == ["complications-graded"]
    assert all(0 < c.target_percent <= 100 for c in checklist)

    settings_ = framework.settings
    assert settings_.volume_threshold == 150
    assert settings_.case_review_sample_size == 30
    assert settings_.case_review_period_months == 12
    assert settings_.award_validity_months == 48
    assert (settings_.decision_target_weeks_min, settings_.decision_target_weeks_max) == (8, 12)
    assert settings_.expiry_reminder_months == (12, 6, 3, 1)
    assert settings_.evidence_reminder_days == (7, 1, 0)
    assert settings_.fees.currency == "EUR"
    assert settings_.fees.enrolment_fee > Decimal(0)
    assert len(settings_.procedure_categories) == 7
    assert ("ablation", "Ablation") in settings_.procedure_categories

    # The shipped translations (data/frameworks/translations/) come with it, as a second event.
    event = Event.objects.for_object(framework).get(action="framework_loaded")
    assert event.actor is None
    assert event.data["sha256"] == framework.source_sha256


def test_identical_reload_is_a_no_op(db: Any) -> None:
    load(settings.SHIPPED_FRAMEWORK_FILE)
    before, events = row_counts(), Event.objects.count()
    out, _err = load(settings.SHIPPED_FRAMEWORK_FILE)
    assert "already loaded" in out
    assert row_counts() == before
    assert Event.objects.count() == events


def test_reformatted_file_with_the_same_content_is_the_same_version(
    db: Any, write_framework: Callable[..., Path]
) -> None:
    load(settings.SHIPPED_FRAMEWORK_FILE)
    before = row_counts()
    # Comments and layout do not count: the identity is the normalised content.
    out, _err = load(write_framework(shipped_data()))
    assert "already loaded" in out
    assert row_counts() == before


def test_if_new_is_silent_and_activate_makes_current_once(db: Any) -> None:
    out, _err = load(settings.SHIPPED_FRAMEWORK_FILE, activate=True, if_new=True)
    assert "now current" in out
    events = Event.objects.count()
    out, _err = load(settings.SHIPPED_FRAMEWORK_FILE, activate=True, if_new=True)
    assert out == ""
    assert Event.objects.count() == events
    assert FrameworkVersion.objects.get().status == FrameworkStatus.CURRENT


# -- bad files -----------------------------------------------------------------------------
def replace_once(text: str, old: str, new: str, occurrence: int = 1) -> str:
    index = -1
    for _ in range(occurrence):
        index = text.index(old, index + 1)
    return text[:index] + new + text[index + len(old) :]


def test_missing_field(db: Any, write_framework: Callable[..., Path]) -> None:
    text = shipped_text()
    bad = replace_once(text, "    title: Qualifications and training of staff\n", "")
    path = write_framework(bad)
    err = load_fails(path)
    # Reported on the line where standard 2 starts (its "- number: 2").
    line = line_of(bad, "  - number: 2\n    section: 1")
    assert f"{path}:{line}: standards[1].title: missing field" in err
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_duplicate_letter(db: Any, write_framework: Callable[..., Path]) -> None:
    text = shipped_text()
    # Standard 3's second requirement gets the letter "a" again.
    start = text.index("title: Clinical responsibility, clinic and beds")
    offset = text.index("letter: b", start)
    bad = text[:offset] + "letter: a" + text[offset + len("letter: b") :]
    path = write_framework(bad)
    err = load_fails(path)
    line = bad.count("\n", 0, offset) + 1
    first = line_of(bad, "letter: a", bad[:start].count("letter: a") + 1)
    assert (
        f"{path}:{line}: standards[2].requirements[1].letter: letter “a” is used twice (first on line {first})" in err
    )
    assert FrameworkVersion.objects.count() == 0


def test_unknown_section(db: Any, write_framework: Callable[..., Path]) -> None:
    text = shipped_text()
    bad = replace_once(text, "  - number: 13\n    section: 3", "  - number: 13\n    section: 4")
    path = write_framework(bad)
    err = load_fails(path)
    line = line_of(bad, "section: 4")
    assert f"{path}:{line}: standards[12].section: unknown section 4 (sections: 1, 2, 3)" in err
    assert FrameworkVersion.objects.count() == 0


@pytest.mark.parametrize(
    ("written", "shown"),
    [("yes", "a yes/no word “yes”"), ('"true"', "text “true”"), ("1", "a number “1”"), ("on", "a yes/no word “on”")],
)
def test_core_flag_must_be_a_real_boolean(
    db: Any, write_framework: Callable[..., Path], written: str, shown: str
) -> None:
    text = shipped_text()
    bad = replace_once(text, "core: true", f"core: {written}")
    path = write_framework(bad)
    err = load_fails(path)
    line = line_of(bad, f"core: {written}")
    assert f"{path}:{line}: standards[0].requirements[0].core: must be true or false, not {shown}" in err
    assert Requirement.objects.count() == 0


def test_duplicate_section_and_standard_numbers(db: Any, write_framework: Callable[..., Path]) -> None:
    text = shipped_text()
    bad = replace_once(
        text, "  - number: 3\n    title: Safety and Quality", "  - number: 2\n    title: Safety and Quality"
    )
    bad = replace_once(bad, "  - number: 12\n    section: 3", "  - number: 11\n    section: 3")
    path = write_framework(bad)
    err = load_fails(path)
    line = line_of(bad, "  - number: 2\n    title: Safety")
    assert f"{path}:{line}: sections[2].number: section 2 appears more than once" in err
    assert "sections[1]" not in err  # the first use is fine
    assert (
        f"{path}:{line_of(bad, '  - number: 11', 2)}: standards[11].number: standard 11 appears more than once" in err
    )
    assert FrameworkVersion.objects.count() == 0


def test_bad_programme_settings_and_checklist_target(db: Any, write_framework: Callable[..., Path]) -> None:
    text = shipped_text()
    bad = replace_once(text, "  committee_quorum: 3\n", "")
    bad = replace_once(bad, "  lapse_grace_days: 60", "  lapse_grace_days: -5")
    bad = replace_once(bad, "    min: 8\n    max: 12", "    min: 14\n    max: 12")
    bad = replace_once(bad, "    target_percent: 95", "    target_percent: 150")
    path = write_framework(bad)
    err = load_fails(path)
    assert f"{line_of(bad, 'programme:')}: programme.committee_quorum: missing field" in err
    assert f"{line_of(bad, 'lapse_grace_days')}: programme.lapse_grace_days: must be at least 0, not -5" in err
    assert (
        f"{line_of(bad, 'min: 14')}: programme.decision_target_weeks: min (14) must not be greater than max (12)" in err
    )
    assert f"{line_of(bad, 'target_percent: 150')}: checklist[4].target_percent: must be at most 100, not 150" in err
    assert FrameworkVersion.objects.count() == 0


def test_unquoted_version_and_unknown_field_are_refused() -> None:
    text = shipped_text().replace('version: "2026.1"', "version: 2026.1").replace("notice:", "notise:", 1)
    with pytest.raises(FrameworkFileInvalid) as caught:
        parse_framework_text(text, source="f.yaml")
    joined = "\n".join(caught.value.errors)
    assert f"f.yaml:{line_of(text, 'version: 2026.1')}: version: must be text, not a number “2026.1”" in joined
    assert f"f.yaml:{line_of(text, 'notise:')}: notise: unknown field" in joined


def test_letters_must_not_skip(db: Any, write_framework: Callable[..., Path]) -> None:
    data = shipped_data()
    standard(data, 9)["requirements"][1]["letter"] = "z"
    err = load_fails(write_framework(data))
    assert "standards[8].requirements[1].letter: letters must run a, b, c… in order without gaps" in err


def test_several_errors_are_all_reported_with_their_lines(db: Any, write_framework: Callable[..., Path]) -> None:
    text = shipped_text()
    bad = replace_once(text, "core: true", "core: yes")  # 1a
    bad = replace_once(bad, "  - number: 7\n    section: 2", "  - number: 7\n    section: 9")
    bad = replace_once(bad, "  volume_threshold: 150", "  volume_threshold: -150")
    bad = replace_once(bad, "    target_percent: 90", "    target_percent: 101")
    bad = replace_once(bad, "title: Standards of Quality Assurance in Interventional Oncology\n", "")
    path = write_framework(bad)
    err = load_fails(path)
    expected = [
        f"{path}:{line_of(bad, 'code: io-standards')}: title: missing field",
        f"{path}:{line_of(bad, 'core: yes')}: standards[0].requirements[0].core: must be true or false",
        f"{path}:{line_of(bad, 'section: 9')}: standards[6].section: unknown section 9",
        f"{path}:{line_of(bad, 'volume_threshold')}: programme.volume_threshold: must be at least 1, not -150",
        f"{path}:{line_of(bad, 'target_percent: 101')}: checklist[1].target_percent: must be at most 100, not 101",
    ]
    for message in expected:
        assert message in err
    lines = [line for line in err.splitlines() if line.startswith(str(path))]
    assert len(lines) == len(expected)
    assert [int(line.split(":")[1]) for line in lines] == sorted(int(line.split(":")[1]) for line in lines)
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_not_yaml_and_empty_files(db: Any, write_framework: Callable[..., Path]) -> None:
    broken = write_framework("code: io\nsections: [1, 2\n")
    assert f"{broken}:" in load_fails(broken)
    empty = write_framework("")
    assert f"{empty}:1: (file): the file is empty" in load_fails(empty)


def test_one_bad_file_stops_all_files(db: Any, write_framework: Callable[..., Path]) -> None:
    bad = write_framework(replace_once(shipped_text(), "core: true", "core: maybe"))
    load_fails(settings.SHIPPED_FRAMEWORK_FILE, bad)
    assert FrameworkVersion.objects.count() == 0


def test_version_clash_with_different_content(db: Any, write_framework: Callable[..., Path]) -> None:
    load(settings.SHIPPED_FRAMEWORK_FILE, activate=True)
    before, events = row_counts(), Event.objects.count()
    data = shipped_data()
    standard(data, 1)["requirements"][0]["text"] = "A different wording under the same version."
    path = write_framework(data)
    err = load_fails(path)
    assert "io-standards 2026.1 is already loaded with different content" in err
    assert "new version number" in err
    assert row_counts() == before
    assert Event.objects.count() == events
    assert Requirement.objects.filter(text__startswith="A different wording").count() == 0
