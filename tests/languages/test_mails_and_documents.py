"""Mails in the recipient's language; letters, invoices and the certificate in the facility's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from iasios.accounts.adapter import AccountAdapter
from iasios.accounts.roles import FacilityRoleName
from iasios.certificates.documents import certificate_html
from iasios.facilities import notifications as facility_mails
from iasios.facilities.language import facility_language
from iasios.facilities.models import Facility
from iasios.notifications.models import Notification
from tests import factories
from tests.decisions.conftest import contract, granted, members  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db

CatalogueMaker = Callable[[str, dict[str, str]], None]


def test_a_german_member_gets_a_german_subject_and_a_french_one_a_french_subject(
    fake_catalogue: CatalogueMaker, django_capture_on_commit_callbacks: Any
) -> None:
    fake_catalogue("de", {"Registration of %(name)s confirmed": "Registrierung von %(name)s bestätigt"})
    fake_catalogue("fr", {"Registration of %(name)s confirmed": "Inscription de %(name)s confirmée"})
    facility = factories.make_facility(name="Unit Nord")
    factories.make_member(facility, FacilityRoleName.AUTHORISED_REPRESENTATIVE, email="de@example.org", language="de")
    factories.make_member(facility, FacilityRoleName.CONTACT_PERSON, email="fr@example.org", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        facility_mails.registration_confirmed(facility)
    subjects = {tuple(m.to): m.subject for m in mail.outbox}
    assert subjects[("de@example.org",)].endswith("Registrierung von Unit Nord bestätigt")
    assert subjects[("fr@example.org",)].endswith("Inscription de Unit Nord confirmée")
    inbox = {n.user.email: n.subject for n in Notification.objects.select_related("user")}
    assert inbox["de@example.org"] == "Registrierung von Unit Nord bestätigt"


def test_an_address_without_an_account_gets_the_facilitys_language(
    fake_catalogue: CatalogueMaker, django_capture_on_commit_callbacks: Any
) -> None:
    fake_catalogue("it", {"Registration of %(name)s confirmed": "Registrazione di %(name)s confermata"})
    facility = factories.make_facility(name="Unità Sud", language="it")
    from iasios.notifications.mail import send_templated_mail

    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(
            "facilities/email/confirmed", ["billing@hospital.example"], {"facility": facility, "facility_url": "/"}
        )
    (message,) = mail.outbox
    assert message.subject.endswith("Registrazione di Unità Sud confermata")


def test_allauths_mails_are_in_the_recipients_language(fake_catalogue: CatalogueMaker) -> None:
    user = factories.make_user("pl@example.org", language="pl")
    seen: list[str | None] = []

    class Capturing(AccountAdapter):
        def render_mail(self, template_prefix: str, email: str, context: dict[str, Any], headers: Any = None) -> Any:
            seen.append(translation.get_language())
            return super().render_mail(template_prefix, email, context, headers)

    request = Client().get(reverse("account_login")).wsgi_request
    from allauth.core import context as allauth_context

    with allauth_context.request_context(request):
        Capturing().send_mail(
            "account/email/password_reset_key", user.email, {"user": user, "password_reset_url": "/x"}
        )
    assert seen == ["pl"]
    assert mail.outbox[-1].to == ["pl@example.org"]
    # An address without an account gets the language of the page the visitor was on.
    with translation.override("tr"), allauth_context.request_context(request):
        assert AccountAdapter.recipient_language("nobody@example.org", {}) == "tr"


def test_the_facilitys_language_is_set_by_its_lead_and_defaults_to_the_registrants() -> None:
    facility = factories.make_facility()
    lead = factories.make_member(facility, FacilityRoleName.AUTHORISED_REPRESENTATIVE)
    contributor = factories.make_member(facility, FacilityRoleName.CONTRIBUTOR)
    url = reverse("facilities:language_set", args=[facility.pk])
    client = Client()
    client.force_login(contributor)
    assert client.post(url, {"language": "es"}).status_code == 403
    client.force_login(lead)
    page = client.get(reverse("facilities:dashboard", args=[facility.pk])).content.decode()
    assert 'action="' + url + '"' in page
    client.post(url, {"language": "es"})
    facility.refresh_from_db()
    assert facility.language == "es"
    # The change is on the facility's timeline, with the language before and after.
    from iasios.core.models import Event

    changes = Event.objects.for_object(facility).filter(action="documents_language_changed")
    assert [(e.actor_id, e.data) for e in changes] == [(lead.pk, {"from": "en", "to": "es"})]
    client.post(url, {"language": "es"})  # the same language again: nothing changes, nothing recorded
    assert changes.count() == 1
    client.post(url, {"language": "klingon"})
    facility.refresh_from_db()
    assert facility.language == "es"
    assert facility_language(Facility(language="zz")) == "en"


def test_letters_render_in_the_facilitys_language(award: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from iasios.decisions import letters

    seen: list[str | None] = []
    real = letters.render_to_string

    def capturing(*args: Any, **kwargs: Any) -> str:
        seen.append(translation.get_language())
        return real(*args, **kwargs)

    monkeypatch.setattr(letters, "render_to_string", capturing)
    award.facility.language = "pl"
    award.facility.save(update_fields=["language"])
    decision = award.decision
    decision.cycle.facility.refresh_from_db()
    with translation.override("en"):
        html = letters.decision_letter_html(decision)
    assert seen == ["pl"]
    assert html


@pytest.fixture
def award(cast: Any, framework: Any, members: list[Any], contract: Any) -> Any:  # noqa: F811
    return granted(cast, framework, members, date(2026, 2, 1))


def test_the_certificate_is_in_the_facilitys_language_with_the_english_beneath(
    award: Any, fake_catalogue: CatalogueMaker
) -> None:
    fake_catalogue(
        "de",
        {
            "Certificate of accreditation": "Akkreditierungsurkunde",
            "Accredited Centre": "Akkreditiertes Zentrum",
            "Centre of Excellence": "Exzellenzzentrum",
        },
    )
    certificate = award.certificate
    english = certificate_html(certificate)
    assert 'lang="en"' in english and "Akkreditierungsurkunde" not in english
    assert english.count("Certificate of accreditation") == 1
    hash_before = certificate.issued_data_sha256()

    award.facility.language = "de"
    award.facility.save(update_fields=["language"])
    certificate.refresh_from_db()
    german = certificate_html(certificate)
    assert '<html lang="de">' in german
    assert "<h1>Akkreditierungsurkunde</h1>" in german
    assert '<p class="en" lang="en">Certificate of accreditation</p>' in german
    # The seal's official English name under the translated one.
    official = {"accredited": "Accredited Centre", "centre_of_excellence": "Centre of Excellence"}[certificate.level]
    assert f'<p class="official" lang="en">{official}</p>' in german
    # Language is presentation: the issued facts and their SHA-256 do not change.
    assert certificate.issued_data_sha256() == hash_before == certificate.data_sha256


def test_a_password_reset_asked_from_an_english_page_reaches_a_german_user_in_german() -> None:
    """allauth's own mail through the adapter, with allauth's own German catalogue."""
    factories.make_user("greta@example.org", language="de")
    client = Client()
    response = client.post(
        reverse("account_reset_password"), {"email": "greta@example.org"}, headers={"accept-language": "en"}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["greta@example.org"]
    assert message.subject.endswith("E-Mail zum Zurücksetzen des Passworts")


def test_the_verification_page_names_the_official_seal_beneath_the_translated_one(
    award: Any, fake_catalogue: CatalogueMaker
) -> None:
    fake_catalogue("de", {"Accredited Centre": "Akkreditiertes Zentrum", "Centre of Excellence": "Exzellenzzentrum"})
    url = award.certificate.verify_path
    official = {"accredited": "Accredited Centre", "centre_of_excellence": "Centre of Excellence"}[award.level]
    german = Client().get(url, headers={"accept-language": "de"}).content.decode()
    assert f'<br><span class="muted" lang="en">{official}</span>' in german
    english = Client().get(url, headers={"accept-language": "en"}).content.decode()
    assert 'class="muted" lang="en"' not in english


def test_a_seal_image_carries_the_official_english_name_in_any_language(fake_catalogue: CatalogueMaker) -> None:
    fake_catalogue("de", {"Accredited Centre": "Akkreditiertes Zentrum"})
    german_page = Client().get(reverse("certificates:seal", args=["accredited"]), headers={"accept-language": "de"})
    body = german_page.content.decode()
    assert "Accredited" in body and "Akkreditiertes" not in body
