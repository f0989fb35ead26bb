"""Every action the code records has its words on the timeline: an action without them is shown
as its code humanised, in English whatever the reader's language (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from iasios.core.event_display import WORDS

# record_event(obj=…, action="…", …): the action is always a literal keyword argument.
ACTION = re.compile(r"record_event\((?:[^()]|\([^()]*\))*?\baction=[\"']([\w.:-]+)[\"']", re.S)


def recorded_actions() -> set[str]:
    actions = set()
    for path in (Path(settings.BASE_DIR) / "iasios").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        actions |= set(ACTION.findall(path.read_text(encoding="utf-8")))
    return actions


def test_every_recorded_action_has_its_words() -> None:
    actions = recorded_actions()
    assert {"issuer_changed", "panel_appointed"} <= actions and len(actions) > 20  # the search finds them
    worded = {key.rsplit(":", 1)[-1] for key in WORDS}
    assert sorted(actions - worded) == []
