"""Every kind of e-mail, sent by the code that sends it in production to people whose language is
German: no English of the catalogue in its subject, text or HTML (issue 12). Names (the facility's,
the people's, the programme's) are taken out first, as on the pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from iasios.facilities.models import Facility
from tests.e2e.test_languages import english_leaks, english_of
from tests.notifications.test_every_mail import CASES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", list(CASES))
def test_each_mail_in_german_has_no_english(
    prefix: str, cast: Any, framework: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Everyone is German, also a person the case itself creates (a joiner, an appeal's panel).
    monkeypatch.setattr(get_user_model()._meta.get_field("language"), "default", "de")
    get_user_model().objects.update(language="de")
    Facility.objects.update(language="de")
    for person in (cast.representative, cast.contact, cast.contributor, cast.office, cast.assessor, cast.committee):
        person.refresh_from_db()
    cast.facility.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        CASES[prefix](cast, framework)
    assert mail.outbox
    names = [Facility.objects.get(pk=cast.facility.pk).name, cast.other_facility.name]
    names += [str(u.name) for u in get_user_model().objects.all()] + [u.email for u in get_user_model().objects.all()]
    names += ["IO Accreditation", "IASIOS", "CIRSE"]
    pieces = english_of("de")
    for message in mail.outbox:
        alternatives = getattr(message, "alternatives", None) or []
        html = re.sub(r"<[^>]+>", " ", str(alternatives[0][0])) if alternatives else ""
        for part, text in (("subject", message.subject), ("text", message.body), ("html", html)):
            assert english_leaks(str(text), pieces, names) == [], (part, text)
