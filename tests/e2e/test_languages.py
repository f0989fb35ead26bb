"""No English leaks on the key pages of each role, in German, Chinese, French and Polish (issue 12).

Each person chooses the language from the visible switcher on the first page; the other pages
follow (the cookie for the visitor, the profile for people signed in). On every page the visible
text is searched for the English of the catalogue: an msgid of two or more words whose msgstr
differs from it (an empty msgstr, untranslated, counts), found verbatim. Names (of the facility,
its people and the programme's) are taken out of the text first.

The check is only as good as the catalogues: until they are filled it reports the English it
finds, which is what it is for. `english_leaks` is tested on its own below, so that a passing run
means "no English", not "nothing looked for".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import BrowserContext, Page, expect

from iasios.assessment.models import Assignment
from iasios.decisions.models import Award
from iasios.decisions.seals import SEAL_LABELS
from tests.site.states import build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["de", "zh-hans", "fr", "pl"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
MIN_WORDS = 2
# Around a placeholder only the longer pieces are searched: "Valid from" alone is too common.
MIN_WORDS_OF_A_PIECE = 3


def _po_entries(path: Path) -> Iterable[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of a .po file; plural forms give the singular and the plural."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        for index, msgid in enumerate(ids):
            msgstr = strings[min(index, len(strings) - 1)] if strings else ""
            yield str(msgid), str(msgstr or ""), message.fuzzy


def _words(text: str) -> int:
    return len(re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", text))  # letters of any script: "Réunion" is one word


@cache
def english_of(language: str) -> tuple[str, ...]:
    """The English a page in `language` must not show: the pieces to search, longest first."""
    path = Path(settings.BASE_DIR) / "locale" / translation.to_locale(language) / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"no catalogue for {language}: {path}"
    return english_pieces(_po_entries(path))


def english_pieces(entries: Iterable[tuple[str, str, bool]]) -> tuple[str, ...]:
    pieces: set[str] = set()
    for msgid, msgstr, fuzzy in entries:
        if msgstr == msgid and not fuzzy:
            continue  # the same in this language on purpose (a name, an abbreviation)
        text = re.sub(r"<[^>]+>", " ", msgid)  # a message with markup is searched in its text
        parts = PLACEHOLDER.split(text)
        minimum = MIN_WORDS if len(parts) == 1 else MIN_WORDS_OF_A_PIECE
        for part in parts:
            part = " ".join(part.split()).strip(" .,:;·–—-()“”\"'")
            if _words(part) >= minimum:
                pieces.add(part)
    return tuple(sorted(pieces, key=len, reverse=True))


def english_leaks(text: str, pieces: Iterable[str], names: Iterable[str] = ()) -> list[str]:
    """The pieces of English found in `text` (spaces collapsed), after the names are taken out."""
    text = " ".join(text.split())
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, " ")
    found = []
    for piece in pieces:
        if re.search(rf"(?<![\w]){re.escape(piece)}(?![\w])", text):
            found.append(piece)
            text = text.replace(piece, " ")
    return found


# ----------------------------------------------------------------------------- the check's own tests


def test_english_leaks_finds_untranslated_english_and_leaves_names_and_same_words() -> None:
    pieces = english_pieces(
        [
            ("Log in", "Anmelden", False),
            ("Your profile was saved.", "", False),
            ("IO Accreditation", "IO Accreditation", False),  # a name: the same in German
            ("Registration of %(name)s confirmed", "Registrierung von %(name)s bestätigt", False),
            ("Valid from %(a)s until %(b)s", "Gültig vom %(a)s bis %(b)s", False),
            ("Menu", "Menü", False),  # one word: too common to say anything
            ("<strong>Keep</strong> the original", "Das <strong>Original</strong> behalten", True),
        ]
    )
    assert "Log in" in pieces and "Your profile was saved" in pieces
    assert "IO Accreditation" not in pieces and "Menu" not in pieces
    assert "Registration of" not in pieces  # two words beside a placeholder: not searched
    assert "Keep the original" in pieces
    text = "Anmelden · IO Accreditation · Menü · Log in · Universitätsklinik Log in Hamburg · Your profile was saved."
    assert english_leaks(text, pieces) == ["Your profile was saved", "Log in"]
    assert english_leaks("Blog in Berlin", pieces) == []
    assert english_leaks("Log in Clinic", pieces, names=["Log in Clinic"]) == []


# ----------------------------------------------------------------------------- the pages


@dataclass
class Person:
    label: str
    user: Any  # None: a visitor
    paths: list[str]


def people() -> tuple[list[Person], list[str]]:
    """Each role with its key pages, and the names the pages may show."""
    facility, rep, panel = build("accredited")
    award = Award.objects.filter(facility=facility).select_related("certificate", "cycle").latest("valid_from")
    cycle = award.cycle
    assignment = Assignment.objects.filter(cycle=cycle).select_related("assessor").first()
    assert assignment is not None
    first_standard = 1
    names = [facility.name, facility.institution, facility.city, award.certificate.facility_name]
    names += [p.name for p in (rep, panel.office, *panel.assessors, *panel.committee)]
    names += [str(p.email) for p in (rep, panel.office, *panel.assessors, *panel.committee)]
    # The seals' official English names may be shown beside the translated ones (decision 0030).
    with translation.override("en"):
        names += [str(label) for label in SEAL_LABELS.values()]
    cast = [
        Person("visitor", None, ["/", reverse("registry:list"), award.certificate.verify_path]),
        Person(
            "facility",
            rep,
            [
                reverse("facilities:dashboard", args=[facility.pk]),
                reverse("applications:workspace", args=[cycle.pk]),
                reverse("applications:standard", args=[cycle.pk, first_standard]),
            ],
        ),
        Person(
            "assessor",
            assignment.assessor,
            [reverse("assessor_home"), reverse("assessment:review", args=[assignment.pk])],
        ),
        Person("committee", panel.committee[0], [reverse("committee_home")]),
        Person(
            "office",
            panel.office,
            [reverse("office_home"), reverse("office_facilities:list"), reverse("office_billing:invoices")],
        ),
    ]
    return cast, names


def sign_in(context: BrowserContext, user: Any, base_url: str) -> None:
    """A session for `user` (their second factor taken as given: the pages, not the log-in, are tested)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def switch_language(page: Page, language: str) -> None:
    """Choose `language` with the switcher in the header, as a person does (no JavaScript needed)."""
    switcher = page.locator("header form.lang-switch")
    switcher.locator("select").select_option(language)
    switcher.get_by_role("button").click()
    html_lang = "zh-Hans" if language == "zh-hans" else language
    expect(page.locator("html")).to_have_attribute("lang", html_lang)


def visible_text(page: Page) -> str:
    return page.locator("body").inner_text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_on_the_key_pages_of_each_role(
    browser: Any, live_server: Any, framework: Any, language: str
) -> None:
    pieces = english_of(language)
    cast, names = people()
    leaks: dict[str, list[str]] = {}
    for person in cast:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        try:
            if person.user is not None:
                sign_in(context, person.user, live_server.url)
            page = context.new_page()
            for number, path in enumerate(person.paths):
                response = page.goto(path)
                assert response is not None and response.ok, f"{person.label} {path}: {response and response.status}"
                if number == 0:
                    switch_language(page, language)
                html_lang = "zh-Hans" if language == "zh-hans" else language
                expect(page.locator("html")).to_have_attribute("lang", html_lang)
                # Text marked lang="en" is English on purpose: an official seal name under its
                # translation, a standards text shown in its English original with the mark.
                marked_english = page.locator('body [lang="en"]').all_inner_texts()
                found = english_leaks(visible_text(page), pieces, [*names, *marked_english])
                if found:
                    leaks[f"{person.label} {path}"] = found
        finally:
            context.close()
    report = "\n".join(f"{where}: {', '.join(repr(p) for p in found[:15])}" for where, found in leaks.items())
    assert not leaks, f"English on the {language} pages:\n{report}"


def test_the_switcher_works_on_a_phone_without_javascript(new_page: Any) -> None:
    page = new_page(java_script_enabled=False)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(reverse("registry:list"))
    switcher = page.locator("header form.lang-switch")
    expect(switcher.locator("select")).to_be_visible()
    expect(switcher.get_by_role("button", name="Change language")).to_be_visible()
    box = switcher.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    switch_language(page, "zh-hans")
    assert page.url.endswith(reverse("registry:list"))
    expect(page.locator("header form.lang-switch select option[selected]")).to_have_attribute("lang", "zh-Hans")
