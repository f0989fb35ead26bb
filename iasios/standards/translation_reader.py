"""Reading and validating a translation file of a framework version, against its English.

A translation file is ``<framework dir>/translations/<code>-<version>/<language>.yaml`` (see
docs/standards.md, "Translations"). Its texts are keyed the way a reader names them: section
number, standard number, requirement letter, checklist code, procedure category code. Every key
must exist in the English, and every list of evidence must have as many items as the English
one; a text that is not translated is allowed and listed (`TranslationData.missing`). Errors are
reported as the framework file's are, ``FILE:LINE: path: reason``, all of them at once, and a
file with an error loads nothing. No database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from yaml.nodes import MappingNode, Node, ScalarNode

from iasios.standards.framework_data import FrameworkData, FrameworkFileInvalid, compose_yaml
from iasios.standards.translations import ORIGINAL_LANGUAGE
from iasios.standards.yaml_nodes import NodeReader

_TAG = "tag:yaml.org,2002:"

# The texts of each item a translation may give (lists are the evidence).
REQUIREMENT_FIELDS = ("text", "guidance", "evidence")
CHECKLIST_FIELDS = ("text", "guidance")
FRAMEWORK_FIELDS = ("title", "notice")


def translation_dir(framework_file: str | Path, code: str, version: str) -> Path:
    """Where the translation files of a version loaded from `framework_file` are kept."""
    return Path(framework_file).parent / "translations" / f"{code}-{version}"


def translation_languages() -> list[str]:
    """The languages a translation may be written in: the site's languages but English."""
    return [code.lower() for code, _name in settings.LANGUAGES if code.lower() != ORIGINAL_LANGUAGE]


@dataclass
class TranslationData:
    """One language's texts of one version, validated against the English."""

    language: str
    sha256: str
    source: str
    framework: dict[str, str] = field(default_factory=dict)  # title, notice, translation_notice
    sections: dict[int, dict[str, str]] = field(default_factory=dict)
    standards: dict[int, dict[str, Any]] = field(default_factory=dict)  # title, evidence
    requirements: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    checklist: dict[str, dict[str, str]] = field(default_factory=dict)
    procedure_categories: dict[str, str] = field(default_factory=dict)
    # The English texts this language does not translate, e.g. "4b guidance".
    missing: list[str] = field(default_factory=list)


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parse_translation_file(path: str | Path, english: FrameworkData) -> TranslationData:
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileInvalid([f"{path}:0: (file): cannot be read: {exc}"]) from exc
    return parse_translation_text(
        text, english, source=str(path), expected_language=path.stem, sha256=hashlib.sha256(raw).hexdigest()
    )


def parse_translation_text(
    text: str,
    english: FrameworkData,
    *,
    source: str = "<text>",
    expected_language: str | None = None,
    sha256: str | None = None,
) -> TranslationData:
    """Parse and validate one translation; raise FrameworkFileInvalid with every error found."""
    root = compose_yaml(text, source)
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    reader = TranslationReader(source, english)
    data = reader.translation(root, expected_language=expected_language, sha256=digest)
    if reader.errors or data is None:
        raise FrameworkFileInvalid(reader.sorted_errors())
    return data


class TranslationReader(NodeReader):
    """Turns a translation file's node tree into `TranslationData`, checking it against the English."""

    def __init__(self, source: str, english: FrameworkData):
        super().__init__(source)
        self.english = english
        self.label = f"{english.code} {english.version}"
        # The English texts the file does not translate, in the order of the English.
        self.missing: list[str] = []

    def translation(self, root: Node, *, expected_language: str | None, sha256: str) -> TranslationData | None:
        fields = self.mapping(
            root,
            "",
            required=("language", "framework", "version"),
            optional=(
                *FRAMEWORK_FIELDS,
                "translation_notice",
                "sections",
                "standards",
                "checklist",
                "procedure_categories",
            ),
        )
        if fields is None:
            return None
        language = self.string(fields["language"], "language") if "language" in fields else None
        if language is not None:
            allowed = translation_languages()
            if language.lower() == ORIGINAL_LANGUAGE:
                self.error(fields["language"], "language", "English is the original, not a translation")
            elif language.lower() not in allowed:
                self.error(
                    fields["language"],
                    "language",
                    f"“{language}” is not one of the site's languages ({', '.join(allowed) or 'none but English'})",
                )
            elif expected_language is not None and language.lower() != expected_language.lower():
                self.error(
                    fields["language"], "language", f"“{language}” does not match the file name “{expected_language}”"
                )
        for name, expected in (("framework", self.english.code), ("version", self.english.version)):
            if name in fields:
                value = self.string(fields[name], name)
                if value is not None and value != expected:
                    self.error(fields[name], name, f"“{value}” does not match the English ({self.label})")
        data = TranslationData(language=(language or "").lower(), sha256=sha256, source=self.source)
        for name in FRAMEWORK_FIELDS:
            english = getattr(self.english, name)
            self._text(fields.get(name), name, english, data.framework, name, name)
        if "translation_notice" in fields:
            notice = self.string(fields["translation_notice"], "translation_notice", blank=True)
            if notice:
                data.framework["translation_notice"] = notice
        self._sections(fields.get("sections"), data)
        self._standards(fields.get("standards"), data)
        self._checklist(fields.get("checklist"), data)
        self._procedure_categories(fields.get("procedure_categories"), data)
        if self.error_count:
            return None
        data.missing = list(self.missing)
        return data

    # -- helpers -----------------------------------------------------------------------------
    def _keyed(self, node: Node | None, path: str, known: dict[Any, Any], *, numbers: bool) -> dict[Any, Node]:
        """A mapping keyed by section/standard numbers or by letters/codes; unknown keys are errors."""
        if node is None or (isinstance(node, ScalarNode) and node.tag == _TAG + "null"):
            return {}
        if not isinstance(node, MappingNode):
            self.error(node, path, "must be a mapping keyed by number, letter or code")
            return {}
        result: dict[Any, Node] = {}
        for key_node, value_node in node.value:
            raw = key_node.value if isinstance(key_node, ScalarNode) else None
            key: Any = raw
            if numbers and isinstance(raw, str) and raw.isdigit():
                key = int(raw)
            key_path = f"{path}.{raw}"
            if key is None or (numbers and not isinstance(key, int)):
                self.error(key_node, path, f"keys must be {'numbers' if numbers else 'letters or codes'}")
            elif key in result:
                self.error(key_node, key_path, "appears more than once")
            elif key not in known:
                self.error(key_node, key_path, f"not in the English of {self.label}: a translation needs its original")
            else:
                result[key] = value_node
        return result

    def _text(
        self,
        node: Node | None,
        path: str,
        english: str,
        target: dict[str, Any],
        name: str,
        missing_label: str,
    ) -> None:
        """One text: checked against its English; kept in target[name], or listed as missing."""
        missing = self.missing
        if node is None or (isinstance(node, ScalarNode) and node.tag == _TAG + "null"):
            if english:
                missing.append(missing_label)
            return
        if not english:
            self.error(node, path, f"the English of {self.label} has no text here: a translation needs its original")
            return
        value = self.string(node, path, blank=True)
        if value:
            target[name] = value
        elif value is not None:
            missing.append(missing_label)

    def _evidence(
        self, node: Node | None, path: str, english: tuple[str, ...], target: dict[str, Any], label: str
    ) -> None:
        if node is None or (isinstance(node, ScalarNode) and node.tag == _TAG + "null"):
            if english:
                self.missing.append(label)
            return
        if not english:
            self.error(
                node, path, f"the English of {self.label} has no evidence here: a translation needs its original"
            )
            return
        items = self.strings(node, path, non_empty=False)
        if items is None:
            return
        if len(items) != len(english):
            self.error(
                node,
                path,
                f"lists {len(items)} items of evidence, the English {len(english)}: translate each item once",
            )
            return
        target["evidence"] = list(items)

    def _fields(self, node: Node, path: str, names: tuple[str, ...]) -> dict[str, Node] | None:
        if isinstance(node, ScalarNode) and node.tag == _TAG + "null":
            return {}
        return self.mapping(node, path, required=(), optional=names)

    # -- the parts ---------------------------------------------------------------------------
    def _sections(self, node: Node | None, data: TranslationData) -> None:
        english = {s.number: s for s in self.english.sections}
        given = self._keyed(node, "sections", english, numbers=True)
        for number, section in english.items():
            fields = self._fields(given[number], f"sections.{number}", ("title",)) if number in given else {}
            if fields is None:
                continue
            texts: dict[str, Any] = {}
            self._text(
                fields.get("title"),
                f"sections.{number}.title",
                section.title,
                texts,
                "title",
                f"section {number} title",
            )
            if texts:
                data.sections[number] = texts

    def _standards(self, node: Node | None, data: TranslationData) -> None:
        english = {s.number: s for s in self.english.standards}
        given = self._keyed(node, "standards", english, numbers=True)
        for number, standard in english.items():
            path = f"standards.{number}"
            fields = self._fields(given[number], path, ("title", "evidence", "requirements")) if number in given else {}
            if fields is None:
                continue
            texts: dict[str, Any] = {}
            self._text(fields.get("title"), f"{path}.title", standard.title, texts, "title", f"standard {number} title")
            self._evidence(
                fields.get("evidence"), f"{path}.evidence", standard.evidence, texts, f"standard {number} evidence"
            )
            if texts:
                data.standards[number] = texts
            by_letter = {r.letter: r for r in standard.requirements}
            letters = self._keyed(fields.get("requirements"), f"{path}.requirements", by_letter, numbers=False)
            for letter, requirement in by_letter.items():
                rpath = f"{path}.requirements.{letter}"
                rfields = self._fields(letters[letter], rpath, REQUIREMENT_FIELDS) if letter in letters else {}
                if rfields is None:
                    continue
                ref = f"{number}{letter}"
                rtexts: dict[str, Any] = {}
                self._text(rfields.get("text"), f"{rpath}.text", requirement.text, rtexts, "text", f"{ref} text")
                self._text(
                    rfields.get("guidance"),
                    f"{rpath}.guidance",
                    requirement.guidance,
                    rtexts,
                    "guidance",
                    f"{ref} guidance",
                )
                self._evidence(
                    rfields.get("evidence"), f"{rpath}.evidence", requirement.evidence, rtexts, f"{ref} evidence"
                )
                if rtexts:
                    data.requirements[(number, letter)] = rtexts

    def _checklist(self, node: Node | None, data: TranslationData) -> None:
        english = {item.code: item for item in self.english.checklist}
        given = self._keyed(node, "checklist", english, numbers=False)
        for code, item in english.items():
            path = f"checklist.{code}"
            fields = self._fields(given[code], path, CHECKLIST_FIELDS) if code in given else {}
            if fields is None:
                continue
            texts: dict[str, Any] = {}
            self._text(fields.get("text"), f"{path}.text", item.text, texts, "text", f"checklist {code} text")
            self._text(
                fields.get("guidance"),
                f"{path}.guidance",
                item.guidance,
                texts,
                "guidance",
                f"checklist {code} guidance",
            )
            if texts:
                data.checklist[code] = texts

    def _procedure_categories(self, node: Node | None, data: TranslationData) -> None:
        english = {c["code"]: c["label"] for c in self.english.programme.get("procedure_categories") or []}
        given = self._keyed(node, "procedure_categories", english, numbers=False)
        for code, label in english.items():
            texts: dict[str, Any] = {}
            self._text(
                given.get(code), f"procedure_categories.{code}", label, texts, "label", f"procedure category {code}"
            )
            if texts:
                data.procedure_categories[code] = texts["label"]
