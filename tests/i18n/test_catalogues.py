"""The message catalogues cannot rot: every language complete, placeholders as in English, plural forms
right, the .po files up to date with the code, and no visible template text left unmarked.

The per-language tests read locale/<lang>/LC_MESSAGES/django.po as committed; `make messages` rewrites
them from the code (iasios/core/catalogues.py)."""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message

from iasios.core import catalogues

LANGUAGES = ["de", "fr", "es", "it", "pt", "pl", "tr", "zh-hans"]
SHOWN = 20  # how many offending messages a failure lists


@functools.cache
def marked() -> Catalog:
    """Every message marked in the code now, extracted into memory."""
    return catalogues.extract()


@functools.cache
def catalogue(language: str) -> Catalog:
    path = catalogues.catalogue_path(language)
    assert path.exists(), f"{path} is missing: run `make messages`"
    return catalogues.read_catalogue(path, language)


def messages(language: str) -> list[Message]:
    return [message for message in catalogue(language) if message.id]


def forms(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, str):
        return (message.string,)
    return tuple(message.string or ())


def label(message: Message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    context = f"[{message.context}] " if message.context else ""
    return f"{context}{msgid!r}"


def listing(found: list[str]) -> str:
    more = f"\n  … and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    return "\n  " + "\n  ".join(found[:SHOWN]) + more


# --- placeholders -------------------------------------------------------------------------------

# (no space flag: "50% of" is a percentage in a sentence, not a "% o" conversion)
_PERCENT = re.compile(r"%(?:\((?P<name>\w+)\))?[#0+-]*(?:\d+|\*)?(?:\.\d+)?(?P<type>[diouxXeEfFgGcrs%])")
_BRACE = re.compile(r"(?<!\{)\{(?P<field>[\w.\[\]]*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")
_NUMERIC = set("diouxXeEfFgG")
# The count of {% blocktranslate count counter=… %} and of ngettext calls, formatted as text.
_COUNT_NAMES = {"%(counter)s", "%(count)s", "%(n)s", "%(num)s"}


def placeholders(text: str) -> tuple[Counter[str], list[str]]:
    """The named placeholders of a text (counted) and its positional ones (in order)."""
    named: Counter[str] = Counter()
    positional: list[str] = []
    for match in _PERCENT.finditer(text):
        if match["type"] == "%":
            continue
        if match["name"] is not None:
            named[f"%({match['name']}){match['type']}"] += 1
        else:
            positional.append(f"%{match['type']}")
    for match in _BRACE.finditer(text):
        if match["field"] and not match["field"].isdigit():
            named[f"{{{match['field']}}}"] += 1
        else:
            positional.append(f"{{{match['field']}}}")
    return named, positional


def is_count(placeholder: str) -> bool:
    """A placeholder that can carry the count of a plural message: a number, or a braced field."""
    return placeholder[-1] in _NUMERIC or placeholder.startswith("{") or placeholder in _COUNT_NAMES


def placeholder_problem(original: str, translation: str, may_drop_count: bool = False) -> str | None:
    expected_named, expected_positional = placeholders(original)
    named, positional = placeholders(translation)
    if may_drop_count:
        dropped = expected_named - named
        if dropped and all(is_count(name) for name in dropped) and not named - expected_named:
            expected_named = named
        if len(positional) == len(expected_positional) - 1 and any(
            expected_positional[:i] + expected_positional[i + 1 :] == positional
            for i, name in enumerate(expected_positional)
            if is_count(name)
        ):
            expected_positional = positional
    if named != expected_named or positional != expected_positional:
        want = sorted(expected_named.elements()) + expected_positional
        got = sorted(named.elements()) + positional
        return f"placeholders {got} instead of {want}"
    return None


def message_placeholder_problems(message: Message, plurals: int) -> list[str]:
    strings = forms(message)
    if isinstance(message.id, str):
        problem = placeholder_problem(message.id, strings[0]) if strings and strings[0] else None
        return [problem] if problem else []
    singular, plural = message.id[0], message.id[1]
    problems = []
    for index, string in enumerate(strings):
        if not string:
            continue
        # The first form is the one for one item in every language with more than one form; it may say
        # "one" instead of the number. A language with one form uses it for every number.
        problem = placeholder_problem(plural, string, may_drop_count=index == 0 and plurals > 1)
        if problem and index == 0:
            problem = placeholder_problem(singular, string) and problem
        if problem:
            problems.append(f"form {index}: {problem}")
    return problems


# --- the catalogues, one language at a time -----------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    untranslated = [label(m) for m in messages(language) if not all(forms(m)) or not forms(m)]
    fuzzy = [label(m) for m in messages(language) if m.fuzzy]
    total = len(messages(language))
    assert not untranslated, f"{language}: {len(untranslated)} of {total} messages untranslated:" + listing(
        untranslated
    )
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy messages:" + listing(fuzzy)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_english(language: str) -> None:
    plurals = catalogue(language).num_plurals
    found = [
        f"{label(message)}: {problem}"
        for message in messages(language)
        for problem in message_placeholder_problems(message, plurals)
    ]
    assert not found, f"{language}: {len(found)} translations with other placeholders:" + listing(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_headers_and_plural_forms(language: str) -> None:
    catalog = catalogue(language)
    count, expression = catalogues.PLURAL_FORMS[language]
    headers = dict(catalog.mime_headers)
    assert headers["Language"] == str(catalog.locale_identifier)
    assert catalog.locale_identifier == {"zh-hans": "zh_Hans"}.get(language, language)
    plural_forms = headers["Plural-Forms"].replace(" ", "")
    assert plural_forms == f"nplurals={count};plural={expression};".replace(" ", "")
    assert "charset=utf-8" in headers["Content-Type"].lower()
    wrong = [
        f"{label(m)}: {len(forms(m))} forms"
        for m in messages(language)
        if not isinstance(m.id, str) and len(forms(m)) != count
    ]
    assert not wrong, f"{language}: plural entries without {count} forms:" + listing(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_up_to_date_with_the_code(language: str) -> None:
    in_code = catalogues.msgids(marked())
    in_catalogue = catalogues.msgids(catalogue(language))
    missing = sorted(f"{context or ''} {msgid!r}".strip() for msgid, context in in_code - in_catalogue)
    stale = sorted(f"{context or ''} {msgid!r}".strip() for msgid, context in in_catalogue - in_code)
    assert not missing, f"{language}: marked in the code but not in the catalogue (make messages):" + listing(missing)
    assert not stale, f"{language}: in the catalogue but no longer in the code (make messages):" + listing(stale)


def test_every_language_of_the_site_has_a_catalogue() -> None:
    assert catalogues.translated_languages() == LANGUAGES
    assert sorted(catalogues.PLURAL_FORMS) == sorted(LANGUAGES)


# --- templates: no visible text left unmarked ---------------------------------------------------


def test_no_template_has_visible_text_unmarked() -> None:
    found = [str(spot) for spot in catalogues.unmarked_template_text()]
    assert not found, f"{len(found)} unmarked texts in templates (mark them, or see ALLOWED_WORDS):" + listing(found)


TRANSLATION_FUNCTIONS = {
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def test_python_marks_messages_only_by_names_the_extraction_knows() -> None:
    """`from django.utils.translation import gettext_lazy as _l` would hide every `_l("…")` from the
    catalogues: the functions are imported by their own names or as `_`."""
    found = []
    for path in catalogues.python_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    name = alias.asname or alias.name
                    if alias.name in TRANSLATION_FUNCTIONS and name not in catalogues.KEYWORDS:
                        found.append(f"{path.relative_to(catalogues.base_dir())}:{node.lineno}: {alias.name} as {name}")
    assert not found, "translation functions under names the extraction does not know:" + listing(found)


# --- the checks and the tools themselves --------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "translation", "drop", "ok"),
    [
        ("Hello %(name)s", "Hallo %(name)s", False, True),
        ("Hello %(name)s", "Hallo %(nom)s", False, False),
        ("Hello %(name)s", "Hallo", False, False),
        ("%s of %d", "%s von %d", False, True),
        ("%s of %d", "%d von %s", False, False),
        ("{count} files", "{count} Dateien", False, True),
        ("{count} files", "{anzahl} Dateien", False, False),
        ("100%% sure", "100 %% sicher", False, True),
        ("50% of the cases", "50 % des cas", False, True),
        ("%(n)d cases", "ein Fall", True, True),
        ("%(n)d cases", "ein Fall", False, False),
        ("%(n)d cases of %(name)s", "ein Fall von %(name)s", True, True),
        ("%(n)d cases of %(name)s", "ein Fall", True, False),
    ],
)
def test_placeholder_check(original: str, translation: str, drop: bool, ok: bool) -> None:
    assert (placeholder_problem(original, translation, may_drop_count=drop) is None) == ok


def test_placeholder_check_of_plural_entries() -> None:
    message = Message(("%(n)d case", "%(n)d cases"), ("jeden przypadek", "%(n)d przypadki", "%(n)d przypadków"))
    assert message_placeholder_problems(message, 3) == []
    message = Message(("%(n)d case", "%(n)d cases"), ("%(n)d przypadek", "przypadki", "%(n)d przypadków"))
    assert message_placeholder_problems(message, 3) == ["form 1: placeholders [] instead of ['%(n)d']"]
    message = Message(("%(n)d case", "%(n)d cases"), ("病例",))
    assert message_placeholder_problems(message, 1) == ["form 0: placeholders [] instead of ['%(n)d']"]


@pytest.mark.parametrize(
    ("template", "unmarked"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ("<p>{% translate 'Hello' %}</p>", []),
        ("<p>{% blocktranslate %}Hello <b>{{ name }}</b>{% endblocktranslate %}</p>", []),
        ("<p>{% comment %}Hello{% endcomment %}{# Hi #}</p>", []),
        ('<img src="x.png" alt="A seal">', ["alt=A seal"]),
        ('<img src="x.png" alt="{% translate "A seal" %}">', []),
        ('<input type="submit" value="Save"><input name="q" value="x">', ["value=Save"]),
        ('<input placeholder="Search">', ["placeholder=Search"]),
        ("<script>var label = 'Hello';</script><style>p{}</style>", []),
        ("<p>{{ count }} · {{ total }}</p>", []),
        ("<p>Page {{ n }} of {{ m }}</p>", ["Page of"]),
        ('<a href="x.json">JSON</a> · <a href="x.csv">CSV</a> <code title="SHA-256 {{ h }}">', []),
        ("<p>registry.json</p><p>IO Accreditation · IASIOS</p>", []),
        ("{% block body_class %}page-account{% endblock %}", []),
        ("<p>\n\n  Line three</p>", ["Line three"]),
    ],
)
def test_unmarked_text_scan(template: str, unmarked: list[str]) -> None:
    assert [spot.text for spot in catalogues.unmarked_in_template(template, "t.html")] == unmarked


def test_unmarked_text_scan_gives_the_template_line() -> None:
    source = "{% load i18n %}\n<p>{% translate 'A' %}</p>\n{% if x %}\n  <p>Oops</p>{% endif %}\n"
    assert [(spot.line, spot.text) for spot in catalogues.unmarked_in_template(source, "t.html")] == [(4, "Oops")]


def test_extraction_reads_python_and_templates(tmp_path: Path, settings) -> None:
    settings.BASE_DIR = tmp_path
    code = tmp_path / "iasios" / "x.py"
    code.parent.mkdir()
    code.write_text(
        "from django.utils.translation import gettext_lazy as _, ngettext, pgettext_lazy, npgettext, gettext_noop\n"
        "A = _('Lazy')\n"
        "B = ngettext('%(n)d file', '%(n)d files', 2)\n"
        "C = pgettext_lazy('seal', 'Centre')\n"
        "D = npgettext('seal', 'one award', '%(n)d awards', 2)\n"
        "E = gettext_noop('Noop')\n"
        "F = print('Not marked')\n",
        encoding="utf-8",
    )
    template = tmp_path / "templates" / "x.html"
    template.parent.mkdir()
    template.write_text(
        "{% load i18n %}\n"
        "  <p>{% translate 'Hello' %}</p>\n"
        "    <p>{% blocktranslate trimmed count counter=n %}\n  One file\n{% plural %}\n  {{ counter }} files\n"
        "{% endblocktranslate %}</p>\n"
        "<p>{% translate 'May' context 'month' %} {{ _('Constant') }} 100%</p>\n",
        encoding="utf-8",
    )
    catalog = catalogues.extract()
    assert catalogues.msgids(catalog) == {
        ("Lazy", None),
        ("%(n)d file", None),
        ("Centre", "seal"),
        ("one award", "seal"),
        ("Noop", None),
        ("Hello", None),
        ("One file", None),
        ("May", "month"),
        ("Constant", None),
    }
    assert catalog.get("One file").id == ("One file", "%(counter)s files")
    assert catalog.get("Hello").locations == [("templates/x.html", 2)]
    assert catalog.get("Centre", "seal").locations == [("iasios/x.py", 4)]


def test_update_keeps_translations_drops_the_obsolete_and_is_stable(tmp_path: Path, settings) -> None:
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    template = Catalog()
    template.add("Kept", locations=[("templates/a.html", 1)])
    template.add(("%(n)d file", "%(n)d files"), locations=[("templates/a.html", 2)])
    template.add("New", locations=[("iasios/a.py", 3)])
    first = catalogues.update_catalogues(["pl"], template=template)
    assert first[0].changed and first[0].messages == 3

    path = catalogues.catalogue_path("pl")
    assert path == tmp_path / "locale" / "pl" / "LC_MESSAGES" / "django.po"
    existing = catalogues.read_catalogue(path, "pl")
    existing["Kept"].string = "Zachowane"
    existing[("%(n)d file", "%(n)d files")].string = ("%(n)d plik", "%(n)d pliki", "%(n)d plików")
    existing.add("Gone", "Usunięte")
    path.write_bytes(catalogues.render_po(existing))

    second = catalogues.update_catalogues(["pl"], template=template)
    assert second[0].changed and second[0].translated == 2
    updated = catalogues.read_catalogue(path, "pl")
    assert updated["Kept"].string == "Zachowane"
    assert updated.get("%(n)d file").string == ("%(n)d plik", "%(n)d pliki", "%(n)d plików")
    assert updated.get("Gone") is None
    assert next(m.id for m in updated if m.id) == "New"  # sorted by the first place of use
    content = path.read_bytes()

    third = catalogues.update_catalogues(["pl"], template=template)
    assert not third[0].changed
    assert path.read_bytes() == content
    assert b"Plural-Forms: nplurals=3;" in content


def test_compiled_catalogue_is_what_django_translates_with(tmp_path: Path, settings) -> None:
    from django.template import loader
    from django.utils import translation

    po = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    template = Catalog()
    template.add("Something went wrong on our side", locations=[("templates/500.html", 5)])
    template.add(("%(n)d case to review", "%(n)d cases to review"), locations=[("iasios/a.py", 1)])
    template.add(("%(num)d year", "%(num)d years"), locations=[("iasios/a.py", 2)])  # Django's own, untranslated here
    catalog = catalogues.build_catalogue("de", template, None)
    catalog["Something went wrong on our side"].string = "Bei uns ist etwas schiefgegangen"
    catalog["%(n)d case to review"].string = ("%(n)d Fall zu prüfen", "%(n)d Fälle zu prüfen")
    catalog.add("Only fuzzy", "Nur unscharf", flags=["fuzzy"])
    po.write_bytes(catalogues.render_po(catalog))

    settings.LOCALE_PATHS = [tmp_path]
    assert catalogues.compile_catalogues() == [po.with_suffix(".mo")]
    assert catalogues.compile_catalogues() == []  # the .mo is newer: nothing to do

    with translation.override("de"):
        assert translation.gettext("Something went wrong on our side") == "Bei uns ist etwas schiefgegangen"
        assert "Bei uns ist etwas schiefgegangen" in loader.get_template("500.html").render()
        assert (
            translation.ngettext("%(n)d case to review", "%(n)d cases to review", 3) % {"n": 3} == "3 Fälle zu prüfen"
        )
        assert translation.ngettext("%(n)d case to review", "%(n)d cases to review", 1) % {"n": 1} == "1 Fall zu prüfen"
        assert translation.gettext("Only fuzzy") == "Only fuzzy"
        assert translation.ngettext("%(num)d year", "%(num)d years", 2) % {"num": 2} == "2 Jahre"


@pytest.mark.parametrize(
    ("language", "forms_by_count"),
    [
        ("pl", {1: 0, 2: 1, 4: 1, 5: 2, 12: 2, 14: 2, 22: 1, 25: 2, 0: 2}),
        ("fr", {0: 0, 1: 0, 2: 1}),
        ("tr", {0: 1, 1: 0, 2: 1}),
        ("zh-hans", {0: 0, 1: 0, 7: 0}),
    ],
)
def test_compiled_plural_rules(language: str, forms_by_count: dict[int, int], tmp_path: Path, settings) -> None:
    from django.utils import translation

    count = catalogues.PLURAL_FORMS[language][0]
    template = Catalog()
    template.add(("%(n)d case", "%(n)d cases"), locations=[("iasios/a.py", 1)])
    catalog = catalogues.build_catalogue(language, template, None)
    catalog["%(n)d case"].string = tuple(f"form {index}: %(n)d" for index in range(count))
    po = catalogues.catalogue_path(language).relative_to(catalogues.locale_dir())
    (tmp_path / po).parent.mkdir(parents=True)
    (tmp_path / po).write_bytes(catalogues.render_po(catalog))
    settings.LOCALE_PATHS = [tmp_path]
    catalogues.compile_catalogues()

    with translation.override(language):
        for n, form in forms_by_count.items():
            assert translation.ngettext("%(n)d case", "%(n)d cases", n) % {"n": n} == f"form {form}: {n}"


def test_merge_takes_a_translators_file_into_the_catalogue(tmp_path: Path, settings) -> None:
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    template = Catalog()
    template.add("Save", locations=[("templates/a.html", 1)])
    template.add("Cancel", locations=[("templates/a.html", 2)])
    template.add(("%(n)d file", "%(n)d files"), locations=[("templates/a.html", 3)])
    template.add("May", context="month", locations=[("templates/a.html", 4)])
    template.add("Delete", locations=[("templates/a.html", 5)])
    catalogues.update_catalogues(["de"], template=template)
    path = catalogues.catalogue_path("de")
    existing = catalogues.read_catalogue(path, "de")
    existing["Cancel"].string = "Abbrechen"
    path.write_bytes(catalogues.render_po(existing))

    translated = Catalog(locale="de")
    translated.add("Save", "Speichern")
    translated.add("Cancel", "Verwerfen")
    translated.add(("%(n)d file", "%(n)d files"), ("%(n)d Datei", "%(n)d Dateien"))
    translated.add("May", "Mai", context="month")
    translated.add("Delete", "Löschen", flags=["fuzzy"])
    translated.add("Gone", "Weg")
    source = tmp_path / "translator.po"
    source.write_bytes(catalogues.render_po(translated))

    result = catalogues.merge_translations("de", source)
    assert (result.filled, result.replaced, result.kept) == (3, 0, 1)
    assert result.skipped == ["'Delete'"]
    assert result.unknown == ["'Gone'"]
    merged = catalogues.read_catalogue(path, "de")
    assert merged["Save"].string == "Speichern"
    assert merged["Cancel"].string == "Abbrechen"
    assert merged.get("%(n)d file").string == ("%(n)d Datei", "%(n)d Dateien")
    assert merged.get("May", "month").string == "Mai"
    assert merged["Delete"].string == ""
    assert merged.get("Gone") is None

    again = catalogues.merge_translations("de", source, overwrite=True)
    assert (again.filled, again.replaced) == (0, 1)
    assert catalogues.read_catalogue(path, "de")["Cancel"].string == "Verwerfen"
    assert not catalogues.update_catalogues(["de"], template=template)[0].changed  # merged output is stable
