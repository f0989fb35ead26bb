"""Making a version current supersedes the previous one; rolling back is activating again."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from iasios.standards.lifecycle import FRAMEWORK_LIFECYCLE
from iasios.standards.models import FrameworkStatus, FrameworkVersion
from iasios.standards.selectors import current_framework, current_programme_settings
from iasios.standards.services import framework_activate
from tests.standards.helpers import shipped_data


@pytest.fixture
def two_versions(db: Any, write_framework: Callable[..., Path]) -> tuple[FrameworkVersion, FrameworkVersion]:
    call_command("standards_load", str(settings.SHIPPED_FRAMEWORK_FILE), "--activate", stdout=StringIO())
    data = shipped_data()
    data["version"] = "2027.1"
    data["programme"]["volume_threshold"] = 120
    call_command("standards_load", str(write_framework(data)), stdout=StringIO())
    old = FrameworkVersion.objects.get(version="2026.1")
    new = FrameworkVersion.objects.get(version="2027.1")
    assert (old.status, new.status) == (FrameworkStatus.CURRENT, FrameworkStatus.DRAFT)
    return old, new


def actions(obj: FrameworkVersion) -> list[tuple[str, str, str]]:
    return [(e.action, e.from_state, e.to_state) for e in Event.objects.for_object(obj).order_by("id")]


def test_activate_supersedes_the_previous_version_with_events(
    two_versions: tuple[FrameworkVersion, FrameworkVersion],
) -> None:
    old, new = two_versions
    out = StringIO()
    call_command("standards_activate", "io-standards", "2027.1", stdout=out)
    assert "now current" in out.getvalue()
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (FrameworkStatus.SUPERSEDED, FrameworkStatus.CURRENT)
    assert actions(old)[-1] == ("supersede", "current", "superseded")
    assert actions(new)[-1] == ("activate", "draft", "current")
    assert Event.objects.for_object(new).get(action="activate").data == {"previous": "2026.1"}
    assert current_framework() == new
    assert current_programme_settings().volume_threshold == 120


def test_roll_back_by_activating_the_superseded_version(
    two_versions: tuple[FrameworkVersion, FrameworkVersion],
) -> None:
    old, new = two_versions
    framework_activate(framework=new)
    framework_activate(framework=old, reason="The new wording was published by mistake.")
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (FrameworkStatus.CURRENT, FrameworkStatus.SUPERSEDED)
    assert actions(old)[-1] == ("activate", "superseded", "current")
    assert Event.objects.for_object(old).filter(reason__startswith="The new wording").count() == 1
    assert FrameworkVersion.objects.current().count() == 1


def test_activating_the_current_version_changes_nothing(
    two_versions: tuple[FrameworkVersion, FrameworkVersion],
) -> None:
    events = Event.objects.count()
    out = StringIO()
    call_command("standards_activate", "io-standards", "2026.1", stdout=out)
    assert "already current" in out.getvalue()
    assert Event.objects.count() == events


def test_if_new_does_not_undo_a_rollback(
    two_versions: tuple[FrameworkVersion, FrameworkVersion], write_framework: Callable[..., Path]
) -> None:
    old, new = two_versions
    framework_activate(framework=new)
    framework_activate(framework=old)
    data = shipped_data()
    data["version"] = "2027.1"
    data["programme"]["volume_threshold"] = 120
    call_command("standards_load", str(write_framework(data)), "--activate", "--if-new", stdout=StringIO())
    old.refresh_from_db()
    assert old.status == FrameworkStatus.CURRENT


def test_who_may_activate(cast: Any, two_versions: tuple[FrameworkVersion, FrameworkVersion]) -> None:
    _old, new = two_versions
    for who in (cast.representative, cast.assessor, cast.committee):
        with pytest.raises(PermissionDenied):
            framework_activate(framework=new, actor=who)
    new.refresh_from_db()
    assert new.status == FrameworkStatus.DRAFT
    framework_activate(framework=new, actor=cast.office)
    assert Event.objects.for_object(new).get(action="activate").actor == cast.office


def test_supersede_is_only_possible_from_current(two_versions: tuple[FrameworkVersion, FrameworkVersion]) -> None:
    _old, new = two_versions
    with pytest.raises(TransitionNotAllowed):
        FRAMEWORK_LIFECYCLE.apply(new, "supersede")


def test_activate_unknown_version_fails(db: Any) -> None:
    with pytest.raises(CommandError, match="not loaded"):
        call_command("standards_activate", "io-standards", "9.9", stdout=StringIO())
