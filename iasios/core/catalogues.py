"""The message catalogues, built with Python tooling only (Babel; no system gettext).

- `extract()`: every message marked in the code: Babel's Python extractor over `iasios/**/*.py`, and the
  templates turned into Python-like source by Django's own `templatize()` (what `makemessages` does) and
  fed to the same extractor.
- `update_catalogues()`: `locale/<lang>/LC_MESSAGES/django.po` for every language but English, keeping the
  translations of messages that are still marked, dropping the rest; stable output (sorted by the first
  place a message is used, dates kept from the file), so a second run changes nothing.
- `merge_translations()`: a translator's .po taken into a language's catalogue (the messages it still has).
- `compile_catalogues()`: each `.po` to its `.mo` (when the `.po` is newer), with Babel too.
- `unmarked_template_text()`: visible template text (text nodes, and the attributes people read) that is
  not marked for translation.

`manage.py messages update|merge|compile|unmarked` runs them (`make messages`, `make setup`).
"""

from __future__ import annotations

import io
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract as babel_extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils.translation import to_locale
from django.utils.translation.template import templatize

PROJECT = "IO Accreditation"
DOMAIN = "django"

# Django's gettext functions and their arguments, in Babel's notation (as `makemessages` gives xgettext).
KEYWORDS: dict[str, tuple | None] = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
COMMENT_TAGS = ("Translators",)

# The plural rule of each language (gettext's Plural-Forms), as Django's own catalogues have them.
PLURAL_FORMS: dict[str, tuple[int, str]] = {
    "de": (2, "(n != 1)"),
    "fr": (2, "(n > 1)"),
    "es": (2, "(n != 1)"),
    "it": (2, "(n != 1)"),
    "pt": (2, "(n != 1)"),
    "pl": (3, "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"),
    "tr": (2, "(n != 1)"),
    "zh-hans": (1, "0"),
}

TEMPLATE_SUFFIXES = (".html", ".txt")
EXCLUDED_DIRS = {"tests", ".venv", "node_modules", "var", "migrations", "__pycache__"}


def base_dir() -> Path:
    return Path(settings.BASE_DIR)


def locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def translated_languages() -> list[str]:
    """The languages that have a catalogue: every language of the site but the source language."""
    return [code for code, _name in settings.LANGUAGES if code != "en"]


def catalogue_path(language: str, suffix: str = ".po") -> Path:
    return locale_dir() / to_locale(language) / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


# --- extraction ---------------------------------------------------------------------------------


def _walk(root: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(base_dir())
        if any(part in EXCLUDED_DIRS for part in relative.parts):
            continue
        if path.is_file() and path.suffix in suffixes:
            yield path


def python_sources() -> list[Path]:
    return list(_walk(base_dir() / "iasios", (".py",)))


def template_sources() -> list[Path]:
    return list(_walk(base_dir() / "templates", TEMPLATE_SUFFIXES))


def _extract_python(source: bytes) -> Iterator[tuple]:
    return babel_extract(
        "python",
        io.BytesIO(source),
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        options={"encoding": "utf-8"},
        strip_comment_tags=True,
    )


def extract(paths: Iterable[Path] | None = None) -> Catalog:
    """Every marked message of the code and the templates, in a catalogue without translations."""
    catalog = Catalog(project=PROJECT, domain=DOMAIN, fuzzy=False)
    if paths is None:
        paths = [*python_sources(), *template_sources()]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            source = text.encode("utf-8")
        else:
            # templatize keeps every line where it was, so the line numbers are the template's own; the
            # indentation goes, as Python's tokenizer would read it as blocks.
            python = templatize(text, origin=str(path))
            source = "\n".join(line.lstrip() for line in python.split("\n")).encode("utf-8")
        where = path.relative_to(base_dir()).as_posix()
        for lineno, message, comments, context in _extract_python(source):
            catalog.add(
                message,
                locations=[(where, lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def msgids(catalog: Catalog) -> set[tuple[str, str | None]]:
    """The identities of a catalogue's messages: (msgid or singular msgid, context)."""
    return {(_singular(message.id), message.context) for message in catalog if message.id}


def _singular(msgid: str | tuple[str, ...] | list[str]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


# --- the .po files ------------------------------------------------------------------------------


def _project_version() -> str:
    with (base_dir() / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def _new_catalogue(language: str, existing: Catalog | None) -> Catalog:
    count, expression = PLURAL_FORMS[language]
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    revision = existing.revision_date if existing else None
    catalog = Catalog(
        locale=to_locale(language),
        domain=DOMAIN,
        project=PROJECT,
        version=_project_version(),
        # The dates of an existing file stay, so that a run with nothing new changes nothing.
        creation_date=existing.creation_date if existing else now,
        revision_date=revision if isinstance(revision, datetime) else now,
        header_comment=(
            f"# {PROJECT}: the interface in {dict(settings.LANGUAGES)[language]} ({language}).\n"
            "# Written by `make messages` from the strings marked in the code; translators fill in msgstr."
        ),
        fuzzy=False,
    )
    catalog.msgid_bugs_address = ""
    catalog.last_translator = (
        existing.last_translator if existing and "@ADDRESS" not in existing.last_translator else ""
    )
    catalog.language_team = dict(settings.LANGUAGES)[language]
    # The Plural-Forms header sets the number of forms and the rule.
    catalog.mime_headers = [("Plural-Forms", f"nplurals={count}; plural={expression};")]
    return catalog


def build_catalogue(language: str, template: Catalog, existing: Catalog | None) -> Catalog:
    """The catalogue of one language: the template's messages, with the existing translations kept."""
    catalog = _new_catalogue(language, existing)
    count = PLURAL_FORMS[language][0]
    for message in template:
        if not message.id:
            continue
        kept = existing.get(message.id, message.context) if existing else None
        plural = not isinstance(message.id, str)
        string: str | tuple[str, ...] = ("",) * count if plural else ""
        flags: set[str] = set()
        user_comments: list[str] = []
        if kept is not None and kept.id == message.id:
            string = _strings(kept) if plural else (kept.string if isinstance(kept.string, str) else "")
            if plural and len(string) != count:
                string = ("",) * count
            flags = {"fuzzy"} if kept.fuzzy else set()
            user_comments = list(kept.user_comments)
        # Catalog keys a message by its msgid and context.
        catalog[message.id] = Message(
            message.id,
            string,
            locations=sorted(set(message.locations), key=_location_key),
            flags=flags | {flag for flag in message.flags if flag != "fuzzy"},
            auto_comments=message.auto_comments,
            user_comments=user_comments,
            context=message.context,
        )
    return catalog


def _location_key(location: tuple[str, int | None]) -> tuple[str, int]:
    return (location[0], location[1] or 0)


def render_po(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    # The places a message is used are named by file, without line numbers: an edit elsewhere in a file does
    # not touch the nine catalogues. Messages are sorted by the first place (file and line) they are used.
    write_po(
        out,
        catalog,
        width=100,
        sort_by_file=True,
        ignore_obsolete=True,
        include_previous=False,
        include_lineno=False,
    )
    return out.getvalue()


def read_catalogue(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=to_locale(language) if language else None, domain=DOMAIN)


@dataclass(frozen=True)
class Updated:
    language: str
    path: Path
    messages: int
    translated: int
    changed: bool


def update_catalogues(languages: Iterable[str] | None = None, template: Catalog | None = None) -> list[Updated]:
    template = template if template is not None else extract()
    results = []
    for language in languages or translated_languages():
        path = catalogue_path(language)
        existing = read_catalogue(path, language) if path.exists() else None
        catalog = build_catalogue(language, template, existing)
        content = render_po(catalog)
        changed = not path.exists() or path.read_bytes() != content
        if changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        messages = [m for m in catalog if m.id]
        translated = sum(1 for m in messages if _is_translated(m))
        results.append(Updated(language, path, len(messages), translated, changed))
    return results


def _strings(message: Message) -> tuple[str, ...]:
    """A message's translation as a tuple of forms (one for a singular message)."""
    if isinstance(message.string, str):
        return (message.string,)
    return tuple(message.string or ())


def _is_translated(message: Message) -> bool:
    strings = _strings(message)
    return bool(strings) and all(strings) and not message.fuzzy


@dataclass
class Merged:
    language: str
    filled: int = 0  # untranslated here, translated now
    replaced: int = 0  # translated here, replaced (with `overwrite`)
    kept: int = 0  # translated here differently, kept (without `overwrite`)
    skipped: list[str] = field(default_factory=list)  # fuzzy, or with another number of plural forms
    unknown: list[str] = field(default_factory=list)  # not (or no longer) a message of the code


def merge_translations(language: str, source: Path, overwrite: bool = False) -> Merged:
    """Take the translations of another .po file (a translator's) into the language's catalogue: only
    for messages the catalogue has (same msgid, plural and context), never fuzzy ones."""
    path = catalogue_path(language)
    target = read_catalogue(path, language)
    incoming = read_catalogue(source, language)
    count = PLURAL_FORMS[language][0]
    result = Merged(language)
    for message in incoming:
        if not message.id or not all(_strings(message)):
            continue
        name = repr(_singular(message.id)) + (f" [{message.context}]" if message.context else "")
        here = target.get(message.id, message.context)
        if here is None or here.id != message.id:
            result.unknown.append(name)
            continue
        plural = not isinstance(message.id, str)
        if message.fuzzy or (plural and len(_strings(message)) != count):
            result.skipped.append(name)
            continue
        if _is_translated(here):
            if _strings(here) == _strings(message):
                continue
            if not overwrite:
                result.kept += 1
                continue
            result.replaced += 1
        else:
            result.filled += 1
        here.string = _strings(message) if plural else message.string
        here.flags.discard("fuzzy")
    if result.filled or result.replaced:
        target.revision_date = datetime.now(UTC).replace(second=0, microsecond=0)
        path.write_bytes(render_po(target))
    return result


def compile_catalogues(paths: Iterable[Path] | None = None, force: bool = False) -> list[Path]:
    """Write each catalogue's .mo next to its .po, when the .po is newer (or `force`)."""
    compiled = []
    targets = list(paths) if paths is not None else sorted(locale_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    for po in targets:
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = read_catalogue(po)
        # Babel leaves out untranslated messages, but writes a plural entry without any form as its English:
        # left out too, so that Django's and allauth's own catalogues still answer for their messages.
        for message in list(catalog):
            if message.id and not isinstance(message.id, str) and not any(_strings(message)):
                catalog.delete(message.id, message.context)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        mo.write_bytes(buffer.getvalue())
        compiled.append(mo)
    return compiled


# --- visible template text that is not marked ---------------------------------------------------

# Words that stay as they are in every language (docs/decisions/0028-message-catalogues.md): the
# programme's and the bodies' names, and the names of file formats, standards and units.
ALLOWED_WORDS = (
    "IO Accreditation",  # the product
    "IASIOS",  # the programme
    "CIRSE",  # the society behind it
    "SHA-256",  # the checksum beside a document
    "UTC",  # the time zone of a timestamp
    "JSON",  # file formats, on links to downloads
    "CSV",
    "XLSX",
    "PDF",
    "ZIP",
)
_ALLOWED_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(word) for word in ALLOWED_WORDS)
    # file names (openapi.json, registry.csv)
    + r"|[\w-]+\.(?:json|csv|xlsx|pdf|zip|yaml|txt)"
    + r")(?![\w-])"
)
# Blocks whose content goes into an attribute the machine reads ({% block body_class %}).
_MACHINE_BLOCK_RE = re.compile(r"^block\s+\w*class\w*$")

# Attributes whose value a person reads (or hears): the rest are for the machine.
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "data-label"}
BUTTON_INPUTS = {"submit", "button", "reset"}
SKIPPED_ELEMENTS = {"script", "style"}


@dataclass(frozen=True)
class Unmarked:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def has_words(text: str) -> bool:
    """Whether a text has letters once the allowed names are taken out."""
    return any(character.isalpha() for character in _ALLOWED_RE.sub("", text))


def _strip_template(source: str) -> str:
    """The template with every tag and variable blanked out, marked blocks and comments dropped; the
    line breaks stay, so the lines are the template's own."""
    out: list[str] = []
    skipping: str | None = None
    for token in Lexer(source).tokenize():
        raw = token.token_string if hasattr(token, "token_string") else token.contents
        contents = token.contents.strip()
        name = contents.split(" ", 1)[0] if contents else ""
        if token.token_type == TokenType.BLOCK:
            if skipping:
                if name == skipping:
                    skipping = None
            elif name in ("blocktranslate", "blocktrans"):
                skipping = "end" + name
            elif name == "comment":
                skipping = "endcomment"
            elif _MACHINE_BLOCK_RE.match(contents):
                skipping = "endblock"
        if token.token_type == TokenType.TEXT and not skipping:
            out.append(token.contents)
        else:
            out.append("\n" * _newlines(token, raw))
    return "".join(out)


def _newlines(token, raw: str) -> int:
    if token.token_type == TokenType.TEXT:
        return token.contents.count("\n")
    return raw.count("\n") if raw else token.contents.count("\n")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            self._skipping.append(tag)
        values = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            readable = name in READ_ATTRIBUTES or (
                name == "value" and tag == "input" and (values.get("type") or "") in BUTTON_INPUTS
            )
            if readable and value and has_words(value):
                self.found.append((line, f"{name}={value.strip()}"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in SKIPPED_ELEMENTS:
            self._skipping.pop()

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping and has_words(data):
            leading = len(data) - len(data.lstrip())
            self.found.append((self.getpos()[0] + data[:leading].count("\n"), " ".join(data.split())))


def unmarked_in_template(source: str, where: str) -> list[Unmarked]:
    parser = _VisibleText()
    parser.feed(_strip_template(source))
    parser.close()
    return [Unmarked(where, line, text) for line, text in parser.found]


def unmarked_template_text(paths: Iterable[Path] | None = None) -> list[Unmarked]:
    found: list[Unmarked] = []
    for path in paths if paths is not None else template_sources():
        where = path.relative_to(base_dir()).as_posix()
        found.extend(unmarked_in_template(path.read_text(encoding="utf-8"), where))
    return found
