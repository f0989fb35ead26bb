"""Translations of a framework version: loading and checking them, refreshing them without a new
version, the pages in German with the English original marked, the export per language."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from iasios.core.models import Event
from iasios.standards.loader import parse_framework_file
from iasios.standards.models import ChecklistItem, FrameworkVersion, Requirement
from iasios.standards.services import framework_translations_sync
from iasios.standards.translation_reader import parse_translation_file
from tests.standards.helpers import shipped_text

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "translations" / "io-standards-2026.1" / "de.yaml"


def fixture_data() -> dict[str, Any]:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """The shipped framework file in a folder of its own, with an empty translations folder."""
    path = tmp_path / "io-standards-2026.1.yaml"
    path.write_text(shipped_text(), encoding="utf-8")
    (tmp_path / "translations" / "io-standards-2026.1").mkdir(parents=True)
    return path


def write_translation(library: Path, language: str, data: dict[str, Any] | str) -> Path:
    path = library.parent / "translations" / "io-standards-2026.1" / f"{language}.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(*args: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("standards_load", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def requirement(number: int, letter: str) -> Requirement:
    return Requirement.objects.get(standard__number=number, letter=letter)


# -- checking the file against the English ----------------------------------------------------
def test_a_text_without_its_english_original_is_an_error_naming_its_path(library: Path) -> None:
    data = fixture_data()
    data["standards"][4] = {"requirements": {"z": {"text": "Gibt es nicht."}}}
    data["checklist"]["no-such-item"] = {"text": "Gibt es nicht."}
    write_translation(library, "de", data)
    with pytest.raises(CommandError, match="nothing was loaded"):
        load(library)
    assert not FrameworkVersion.objects.exists()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("standards_load", str(library), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert any(
        "de.yaml:" in line and "standards.4.requirements.z: not in the English of io-standards 2026.1" in line
        for line in lines
    ), lines
    assert any("checklist.no-such-item: not in the English" in line for line in lines), lines


def test_guidance_where_the_english_has_none_is_an_error(library: Path) -> None:
    english = parse_framework_file(library)
    no_guidance = next((s.number, r.letter) for s in english.standards for r in s.requirements if not r.guidance)
    data = fixture_data()
    data["standards"].setdefault(no_guidance[0], {}).setdefault("requirements", {})[no_guidance[1]] = {
        "guidance": "Hinweis ohne Original."
    }
    write_translation(library, "de", data)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("standards_load", str(library), stdout=io.StringIO(), stderr=err)
    assert f"standards.{no_guidance[0]}.requirements.{no_guidance[1]}.guidance: the English" in err.getvalue()


def test_an_evidence_list_of_another_length_is_an_error(library: Path) -> None:
    data = fixture_data()
    data["standards"][1]["requirements"]["a"]["evidence"] = ["Eins", "Zwei"]
    data["standards"][1]["evidence"] = ["Nur eins"]
    write_translation(library, "de", data)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("standards_load", str(library), stdout=io.StringIO(), stderr=err)
    assert "standards.1.requirements.a.evidence: lists 2 items of evidence, the English 1" in err.getvalue()
    assert "standards.1.evidence: lists 1 items of evidence, the English 5" in err.getvalue()
    assert not FrameworkVersion.objects.exists()


@pytest.mark.parametrize(
    ("language", "file_name", "reason"),
    [
        ("xx", "xx", "“xx” is not one of the site's languages"),
        ("en", "en", "English is the original, not a translation"),
        ("fr", "de", "“fr” does not match the file name “de”"),
    ],
)
def test_the_language_must_be_a_site_language_and_the_file_name(
    library: Path, language: str, file_name: str, reason: str
) -> None:
    data = {**fixture_data(), "language": language}
    write_translation(library, file_name, data)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("standards_load", str(library), stdout=io.StringIO(), stderr=err)
    assert f"language: {reason}" in err.getvalue()
    assert not FrameworkVersion.objects.exists()


def test_framework_and_version_must_match(library: Path) -> None:
    write_translation(library, "de", {**fixture_data(), "version": "2027.1"})
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("standards_load", str(library), stdout=io.StringIO(), stderr=err)
    assert "version: “2027.1” does not match the English (io-standards 2026.1)" in err.getvalue()


def test_missing_texts_are_allowed_and_listed(library: Path) -> None:
    write_translation(library, "de", fixture_data())
    out, _err = load(library, "--activate")
    english = parse_framework_file(library)
    translation = parse_translation_file(FIXTURE, english)
    # Translated: title, section 1, standard 1's title, 1a (text, guidance, evidence), 1b text,
    # the consent item and one category; everything else is listed.
    assert "notice" in translation.missing and "title" not in translation.missing
    assert "1b guidance" in translation.missing and "1a guidance" not in translation.missing
    assert "procedure category radioembolisation" in translation.missing
    assert "checklist consent text" not in translation.missing
    assert f"de: {len(translation.missing)} texts not translated: notice, section 2 title," in out
    assert "Translations of io-standards 2026.1 loaded from" in out
    one = requirement(1, "a")
    assert one.translations == {
        "de": {
            "text": "Der IO-Dienst hat eine benannte klinische Leitung.",
            "guidance": "Die Aufgaben der Leitung sind schriftlich festgelegt.",
            "evidence": ["Ernennungsschreiben der klinischen Leitung"],
        }
    }
    assert requirement(2, "a").translations == {}
    # The report names the same texts.
    report = io.StringIO()
    call_command("standards_translations", "--language", "de", "--all", stdout=report)
    assert f"de: {len(translation.missing)} texts not translated: {', '.join(translation.missing)}" in report.getvalue()


# -- refreshing without a new version ---------------------------------------------------------
def test_a_corrected_translation_is_loaded_into_the_same_version(library: Path) -> None:
    path = write_translation(library, "de", fixture_data())
    loads_before = Event.objects.filter(action="framework_translations_loaded").count()
    load(library, "--activate", "--if-new")
    framework = FrameworkVersion.objects.get()
    content_hash, loaded_at = framework.source_sha256, framework.created_at
    assert set(framework.translation_sha256) == {"de"}

    # Unchanged: --if-new reads nothing again, writes nothing and says nothing.
    events = Event.objects.count()
    out, _err = load(library, "--activate", "--if-new")
    assert out == ""
    assert Event.objects.count() == events

    corrected = fixture_data()
    corrected["standards"][1]["requirements"]["b"]["text"] = "Eine korrigierte Beschreibung."
    corrected["standards"][1]["requirements"]["a"].pop("guidance")
    path.write_text(yaml.safe_dump(corrected, allow_unicode=True), encoding="utf-8")
    out, _err = load(library, "--activate", "--if-new")
    assert "Translations of io-standards 2026.1 loaded from" in out and "de: " in out

    framework = FrameworkVersion.objects.get()
    assert (framework.source_sha256, framework.created_at) == (content_hash, loaded_at)
    assert requirement(1, "b").translations["de"]["text"] == "Eine korrigierte Beschreibung."
    assert "guidance" not in requirement(1, "a").translations["de"]
    assert Event.objects.filter(action="framework_translations_loaded").count() == loads_before + 2

    # A file taken away takes its language away.
    path.unlink()
    out, _err = load(library, "--if-new")
    assert "removed (no file any more): de" in out
    assert requirement(1, "b").translations == {}
    assert FrameworkVersion.objects.get().translation_sha256 == {}


# -- pages ------------------------------------------------------------------------------------
@pytest.fixture
def german(framework: FrameworkVersion) -> FrameworkVersion:
    """The shipped, current framework with the partial German translation of the fixture."""
    translation_data = parse_translation_file(FIXTURE, parse_framework_file(settings.SHIPPED_FRAMEWORK_FILE))
    framework_translations_sync(framework=framework, translations=[translation_data])
    framework.refresh_from_db()
    return framework


def german_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    return client


def test_the_browser_in_german_marks_the_english_original(german: FrameworkVersion) -> None:
    html = german_client().get(reverse("standards:browse")).content.decode()
    assert "Der IO-Dienst hat eine benannte klinische Leitung." in html
    assert "Ernennungsschreiben der klinischen Leitung" in html
    assert "Qualitätsstandards der interventionellen Onkologie" in html
    assert "Personal und Einrichtungen" in html
    # 1c is not translated: shown in English, inside lang="en", with the badge.
    english_1c = requirement(1, "c").text
    assert f'<span lang="en">{english_1c}</span>' in html
    with translation.override("de"):
        badge = translation.gettext("English original")
    assert badge in html
    # The translation's own notice, once, under the framework notice.
    assert html.count("Übersetzung für die Tests. Verbindlich ist der englische Text.") == 1
    assert html.index(german.notice[:40]) < html.index("Übersetzung für die Tests")
    # The checklist item that is translated, and one that is not.
    assert "Die Einwilligung ist mit den verfahrensspezifischen Risiken dokumentiert." in html
    consent = ChecklistItem.objects.get(framework=german, code="consent")
    assert consent.text not in html


def test_the_browser_in_english_has_no_mark(german: FrameworkVersion) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("standards:browse")).content.decode()
    assert requirement(1, "a").text in html
    assert "Der IO-Dienst" not in html
    assert 'lang="en">' not in html.split("<body", 1)[1]
    assert "badge-original" not in html
    assert "Übersetzung für die Tests" not in html


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_browser_in_german_costs_no_extra_query(german: FrameworkVersion) -> None:
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("standards:browse")
    _count(english, url)  # warm the caches both pages share
    assert _count(german_client(), url) == _count(english, url)


# -- export -----------------------------------------------------------------------------------
def test_export_in_german_gives_english_where_not_translated(german: FrameworkVersion) -> None:
    out = io.StringIO()
    call_command("standards_export", "--language", "de", stdout=out)
    data = json.loads(out.getvalue())
    assert data["language"] == "de"
    assert data["title"] == "Qualitätsstandards der interventionellen Onkologie"
    first = data["sections"][0]["standards"][0]
    assert first["title"] == "Organisation und Leitung des IO-Dienstes"
    assert first["requirements"][0]["text"] == "Der IO-Dienst hat eine benannte klinische Leitung."
    assert first["requirements"][2]["text"] == requirement(1, "c").text
    assert "1c text" in data["english_original"] and "1a text" not in data["english_original"]
    # Without --language: the English, in the shape it always had.
    plain = io.StringIO()
    call_command("standards_export", stdout=plain)
    english = json.loads(plain.getvalue())
    assert "language" not in english
    assert english["sections"][0]["standards"][0]["requirements"][0]["text"] == requirement(1, "a").text


def test_export_refuses_an_unknown_language(german: FrameworkVersion) -> None:
    with pytest.raises(CommandError, match="Unknown language"):
        call_command("standards_export", "--language", "xx", stdout=io.StringIO())


def test_the_shipped_translations_folder_loads_if_present(tmp_path: Path) -> None:
    """Whatever translation files ship next to the framework file load without error."""
    shipped = Path(settings.SHIPPED_FRAMEWORK_FILE)
    copy = tmp_path / shipped.name
    shutil.copy(shipped, copy)
    source = shipped.parent / "translations" / "io-standards-2026.1"
    if source.is_dir():
        shutil.copytree(source, tmp_path / "translations" / "io-standards-2026.1")
    load(copy)
    assert FrameworkVersion.objects.get().source_sha256 == parse_framework_file(shipped).content_sha256
