"""What is not translated: `manage.py standards_translations [CODE [VERSION]] [--language de] [--all]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.standards.management.commands.standards_export import named_framework
from iasios.standards.management.commands.standards_load import missing_line
from iasios.standards.selectors import CURRENT_ALIAS, untranslated_texts
from iasios.standards.translation_reader import translation_languages


class Command(BaseCommand):
    help = (
        "List, per language, the texts of a version (default: the current one) shown in English because "
        "they are not translated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="?", help="Framework code (default: the current framework's).")
        parser.add_argument("version", nargs="?", default=CURRENT_ALIAS, help="Version (default: current).")
        parser.add_argument("--language", action="append", help="Only this language (may be repeated).")
        parser.add_argument("--all", action="store_true", help="Name every untranslated text, not the first few.")

    def handle(self, *args: Any, **options: Any) -> None:
        framework = named_framework(options["code"], options["version"])
        languages = translation_languages()
        wanted = [lang.lower() for lang in options["language"] or languages]
        unknown = sorted(set(wanted) - set(languages))
        if unknown:
            raise CommandError(f"Unknown language(s): {', '.join(unknown)} (languages: {', '.join(languages)}).")
        loaded = framework.translation_sha256 or {}
        self.stdout.write(f"{framework.code} {framework.version}:")
        for language in wanted:
            missing = untranslated_texts(framework, language)
            if language not in loaded:
                self.stdout.write(f"{language}: no translation loaded ({len(missing)} texts in English).")
                continue
            self.stdout.write(missing_line(language, missing, limit=None if options["all"] else 8))
