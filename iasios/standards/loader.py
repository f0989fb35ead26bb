"""Reading and validating a framework file (YAML) without touching the database.

The file is composed into YAML nodes (not plain Python objects) so that every value keeps the
line it came from. Validation walks the nodes, collects every problem it finds instead of
stopping at the first, and reports each as ``FILE:LINE: path: reason``; the path names the
value the way a reader would look for it, e.g. ``standards[2].requirements[1].core``.

The rules are strict on purpose: a framework version is loaded once and never changes, so a
typo must be caught before it becomes the text every application is judged against. Only the
literal ``true``/``false`` count as booleans (YAML 1.1 would also read ``yes``, ``on`` …), a
version must be a quoted string (``2026.10`` unquoted would be the number 2026.1), unknown and
duplicate keys are errors.

The parsed result is a `FrameworkData`; its `content_sha256` is the hash of the normalised
content (comments, key order and layout do not count), which is what identifies "the same file"
when a version is loaded again.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from iasios.standards.programme import ProgrammeSettings

CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A version starts with a digit: that keeps words such as "current" or "diff" free for URLs.
VERSION_PATTERN = re.compile(r"^[0-9][A-Za-z0-9._-]*$")
LETTER_PATTERN = re.compile(r"^[a-z]$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")

_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True)
class SectionData:
    number: int
    title: str


@dataclass(frozen=True)
class RequirementData:
    letter: str
    core: bool
    text: str
    guidance: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class StandardData:
    number: int
    section: int
    title: str
    evidence: tuple[str, ...]
    requirements: tuple[RequirementData, ...]


@dataclass(frozen=True)
class ChecklistItemData:
    code: str
    text: str
    guidance: str
    target_percent: int
    records_grade: bool


@dataclass(frozen=True)
class FrameworkData:
    code: str
    version: str
    title: str
    published: datetime.date
    notice: str
    sections: tuple[SectionData, ...]
    standards: tuple[StandardData, ...]
    checklist: tuple[ChecklistItemData, ...]
    programme: dict[str, Any]

    def normalised(self) -> dict[str, Any]:
        """The content as plain JSON-able data, standards in number order."""
        data = asdict(self)
        data["published"] = self.published.isoformat()
        data["sections"] = sorted(data["sections"], key=lambda s: s["number"])
        data["standards"] = sorted(data["standards"], key=lambda s: s["number"])
        return data

    @property
    def content_sha256(self) -> str:
        canonical = json.dumps(self.normalised(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def requirement_count(self) -> int:
        return sum(len(s.requirements) for s in self.standards)

    @property
    def core_count(self) -> int:
        return sum(1 for s in self.standards for r in s.requirements if r.core)


class FrameworkFileInvalid(Exception):
    """The file has one or more problems; `errors` lists all of them, one line each."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def parse_framework_file(path: str | Path) -> FrameworkData:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileInvalid([f"{path}:0: (file): cannot be read: {exc}"]) from exc
    return parse_framework_text(text, source=str(path))


def parse_framework_text(text: str, *, source: str = "<text>") -> FrameworkData:
    """Parse and validate; raise FrameworkFileInvalid with every error found."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise FrameworkFileInvalid([f"{source}:{line}: (file): not valid YAML: {exc.problem or exc}"]) from exc
    except yaml.YAMLError as exc:
        raise FrameworkFileInvalid([f"{source}:0: (file): not valid YAML: {exc}"]) from exc
    if root is None:
        raise FrameworkFileInvalid([f"{source}:1: (file): the file is empty"])
    reader = _Reader(source)
    data = reader.framework(root)
    if reader.errors or data is None:
        raise FrameworkFileInvalid(reader.sorted_errors())
    return data


class _Reader:
    """Walks the node tree, turning valid parts into data and collecting every error."""

    def __init__(self, source: str):
        self.source = source
        self._errors: list[tuple[int, int, str]] = []
        # The key node of each mapping value, so a field missing from a nested mapping is
        # reported on the line that names the mapping ("programme:"), not on its first entry.
        self._key_of: dict[int, Node] = {}
        self._section_at: dict[int, tuple[Node, str]] = {}

    # -- reporting ---------------------------------------------------------------------------
    @property
    def errors(self) -> list[str]:
        return [message for _line, _n, message in self._errors]

    def sorted_errors(self) -> list[str]:
        return [message for _line, _n, message in sorted(self._errors)]

    def error(self, node: Node, path: str, reason: str) -> None:
        line = node.start_mark.line + 1
        self._errors.append((line, len(self._errors), f"{self.source}:{line}: {path or '(file)'}: {reason}"))

    # -- generic values ----------------------------------------------------------------------
    def mapping(
        self, node: Node, path: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Node] | None:
        """The keys of a mapping; missing, unknown and repeated keys are reported."""
        if not isinstance(node, MappingNode):
            self.error(node, path, f"must be a mapping of fields, not {_describe(node)}")
            return None
        fields: dict[str, Node] = {}
        allowed = set(required) | set(optional)
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            key_path = _join(path, str(key))
            if not isinstance(key, str) or key_node.tag != _TAG + "str":
                self.error(key_node, path, f"field names must be words, not {_describe(key_node)}")
            elif key in fields:
                self.error(key_node, key_path, "appears more than once")
            elif key not in allowed:
                self.error(key_node, key_path, f"unknown field (expected one of: {', '.join(sorted(allowed))})")
            else:
                fields[key] = value_node
                self._key_of[id(value_node)] = key_node
        for name in required:
            if name not in fields:
                self.error(self._key_of.get(id(node), node), _join(path, name), "missing field")
        return fields

    def sequence(self, node: Node, path: str, *, non_empty: bool = True) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.error(node, path, f"must be a list, not {_describe(node)}")
            return None
        if non_empty and not node.value:
            self.error(node, path, "must not be empty")
        return list(node.value)

    def string(
        self,
        node: Node,
        path: str,
        *,
        max_length: int | None = None,
        pattern: re.Pattern[str] | None = None,
        hint: str = "",
        blank: bool = False,
    ) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag != _TAG + "str":
            extra = f" ({hint})" if hint else ""
            self.error(node, path, f"must be text, not {_describe(node)}{extra}")
            return None
        value = node.value.strip()
        if not value and not blank:
            self.error(node, path, "must not be empty")
            return None
        if max_length is not None and len(value) > max_length:
            self.error(node, path, f"is longer than {max_length} characters")
            return None
        if pattern is not None and not pattern.match(value):
            self.error(node, path, f"“{value}” is not allowed here{f' ({hint})' if hint else ''}")
            return None
        return value

    def integer(self, node: Node, path: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
        if not isinstance(node, ScalarNode) or node.tag != _TAG + "int":
            self.error(node, path, f"must be a whole number, not {_describe(node)}")
            return None
        value = int(_construct(node))
        if minimum is not None and value < minimum:
            self.error(node, path, f"must be at least {minimum}, not {value}")
            return None
        if maximum is not None and value > maximum:
            self.error(node, path, f"must be at most {maximum}, not {value}")
            return None
        return value

    def number(self, node: Node, path: str, *, minimum: float = 0) -> int | float | None:
        if not isinstance(node, ScalarNode) or node.tag not in (_TAG + "int", _TAG + "float"):
            self.error(node, path, f"must be a number, not {_describe(node)}")
            return None
        value = _construct(node)
        if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
            self.error(node, path, "must be a finite number")
            return None
        if value < minimum:
            self.error(node, path, f"must not be negative, not {value}")
            return None
        return value  # type: ignore[no-any-return]

    def boolean(self, node: Node, path: str) -> bool | None:
        # YAML 1.1 also reads yes/no/on/off as booleans; only the literal words are accepted.
        if isinstance(node, ScalarNode) and node.tag == _TAG + "bool" and node.value in ("true", "false"):
            return node.value == "true"
        self.error(node, path, f"must be true or false, not {_describe(node)}")
        return None

    def date(self, node: Node, path: str) -> datetime.date | None:
        if isinstance(node, ScalarNode) and node.tag == _TAG + "timestamp":
            value = _construct(node)
            if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                return value
        self.error(node, path, f"must be a date written YYYY-MM-DD, not {_describe(node)}")
        return None

    def strings(self, node: Node, path: str, *, non_empty: bool) -> tuple[str, ...] | None:
        items = self.sequence(node, path, non_empty=non_empty)
        if items is None:
            return None
        values = [self.string(item, f"{path}[{i}]") for i, item in enumerate(items)]
        return tuple(v for v in values if v is not None) if None not in values else None

    def integers(self, node: Node, path: str, *, minimum: int) -> list[int] | None:
        items = self.sequence(node, path)
        if items is None:
            return None
        values = [self.integer(item, f"{path}[{i}]", minimum=minimum) for i, item in enumerate(items)]
        if None in values:
            return None
        if len(set(values)) != len(values):
            self.error(node, path, "lists a value more than once")
        return [v for v in values if v is not None]

    # -- the framework -----------------------------------------------------------------------
    def framework(self, root: Node) -> FrameworkData | None:
        fields = self.mapping(
            root,
            "",
            required=("code", "version", "title", "published", "sections", "standards", "checklist", "programme"),
            optional=("notice",),
        )
        if fields is None:
            return None
        get = fields.get
        code = (
            self.string(
                fields["code"],
                "code",
                max_length=40,
                pattern=CODE_PATTERN,
                hint="lower-case letters, digits and hyphens",
            )
            if "code" in fields
            else None
        )
        version = (
            self.string(
                fields["version"],
                "version",
                max_length=20,
                pattern=VERSION_PATTERN,
                hint='starts with a digit; write it in quotes, e.g. "2026.1"',
            )
            if "version" in fields
            else None
        )
        title = self.string(fields["title"], "title", max_length=200) if "title" in fields else None
        published = self.date(fields["published"], "published") if "published" in fields else None
        notice = self.string(fields["notice"], "notice", blank=True) if "notice" in fields else ""
        sections = self.sections(fields["sections"]) if get("sections") is not None else None
        standards = self.standards(fields["standards"], sections) if get("standards") is not None else None
        checklist = self.checklist(fields["checklist"]) if get("checklist") is not None else None
        programme = self.programme(fields["programme"]) if get("programme") is not None else None
        if self._errors:
            return None
        assert code and version and title and published and sections and standards and checklist and programme
        return FrameworkData(
            code=code,
            version=version,
            title=title,
            published=published,
            notice=notice or "",
            sections=tuple(sections.values()),
            standards=standards,
            checklist=checklist,
            programme=programme,
        )

    def sections(self, node: Node) -> dict[int, SectionData] | None:
        items = self.sequence(node, "sections")
        if items is None:
            return None
        sections: dict[int, SectionData] = {}
        for i, item in enumerate(items):
            path = f"sections[{i}]"
            fields = self.mapping(item, path, required=("number", "title"))
            if fields is None:
                continue
            number = self.integer(fields["number"], f"{path}.number", minimum=1) if "number" in fields else None
            title = self.string(fields["title"], f"{path}.title", max_length=200) if "title" in fields else None
            if number is not None and number in sections:
                self.error(fields["number"], f"{path}.number", f"section {number} appears more than once")
            elif number is not None and title is not None:
                sections[number] = SectionData(number=number, title=title)
                self._section_at[number] = (item, path)
        return sections

    def standards(self, node: Node, sections: dict[int, SectionData] | None) -> tuple[StandardData, ...] | None:
        items = self.sequence(node, "standards")
        if items is None:
            return None
        standards: dict[int, StandardData] = {}
        used_sections: set[int] = set()
        all_sections_read = True
        for i, item in enumerate(items):
            path = f"standards[{i}]"
            fields = self.mapping(item, path, required=("number", "section", "title", "requirements", "evidence"))
            if fields is None:
                continue
            number = self.integer(fields["number"], f"{path}.number", minimum=1) if "number" in fields else None
            section = self.integer(fields["section"], f"{path}.section", minimum=1) if "section" in fields else None
            title = self.string(fields["title"], f"{path}.title", max_length=200) if "title" in fields else None
            evidence = (
                self.strings(fields["evidence"], f"{path}.evidence", non_empty=True) if "evidence" in fields else None
            )
            requirements = self.requirements(fields["requirements"], path) if "requirements" in fields else None
            if number is not None and number in standards:
                self.error(fields["number"], f"{path}.number", f"standard {number} appears more than once")
                number = None
            if section is None:
                all_sections_read = False
            elif sections is not None:
                if section not in sections:
                    known = ", ".join(str(n) for n in sorted(sections)) or "none"
                    self.error(fields["section"], f"{path}.section", f"unknown section {section} (sections: {known})")
                else:
                    used_sections.add(section)
            if None not in (number, section, title, evidence, requirements):
                assert number is not None and section is not None and title is not None
                assert evidence is not None and requirements is not None
                standards[number] = StandardData(number, section, title, evidence, requirements)
        if sections is not None and all_sections_read:
            for section_number in sorted(set(sections) - used_sections):
                section_node, section_path = self._section_at[section_number]
                self.error(section_node, section_path, f"section {section_number} has no standards")
        return tuple(sorted(standards.values(), key=lambda s: s.number))

    def requirements(self, node: Node, standard_path: str) -> tuple[RequirementData, ...] | None:
        items = self.sequence(node, f"{standard_path}.requirements")
        if items is None:
            return None
        requirements: list[RequirementData] = []
        letters: dict[str, Node] = {}
        ok = True
        for i, item in enumerate(items):
            path = f"{standard_path}.requirements[{i}]"
            fields = self.mapping(item, path, required=("letter", "core", "text"), optional=("guidance", "evidence"))
            if fields is None:
                ok = False
                continue
            letter = (
                self.string(fields["letter"], f"{path}.letter", pattern=LETTER_PATTERN, hint="one letter a–z")
                if "letter" in fields
                else None
            )
            core = self.boolean(fields["core"], f"{path}.core") if "core" in fields else None
            text = self.string(fields["text"], f"{path}.text") if "text" in fields else None
            guidance = self.string(fields["guidance"], f"{path}.guidance", blank=True) if "guidance" in fields else ""
            evidence = (
                self.strings(fields["evidence"], f"{path}.evidence", non_empty=False) if "evidence" in fields else ()
            )
            if letter is not None and letter in letters:
                first_line = letters[letter].start_mark.line + 1
                self.error(
                    fields["letter"], f"{path}.letter", f"letter “{letter}” is used twice (first on line {first_line})"
                )
                letter = None
            elif letter is not None:
                letters[letter] = fields["letter"]
            if letter is None or core is None or text is None or guidance is None or evidence is None:
                ok = False
                continue
            requirements.append(RequirementData(letter, core, text, guidance, evidence))
        if ok:
            # Letters are references ("4c") used by applications: they run a, b, c… in order.
            for i, requirement in enumerate(requirements):
                expected = chr(ord("a") + i)
                if requirement.letter != expected:
                    self.error(
                        letters[requirement.letter],
                        f"{standard_path}.requirements[{i}].letter",
                        f"letters must run a, b, c… in order without gaps: expected “{expected}”, "
                        f"found “{requirement.letter}”",
                    )
                    return None
        return tuple(requirements) if ok else None

    def checklist(self, node: Node) -> tuple[ChecklistItemData, ...] | None:
        items = self.sequence(node, "checklist")
        if items is None:
            return None
        result: list[ChecklistItemData] = []
        codes: set[str] = set()
        for i, item in enumerate(items):
            path = f"checklist[{i}]"
            fields = self.mapping(
                item, path, required=("code", "text", "target_percent"), optional=("guidance", "records_grade")
            )
            if fields is None:
                continue
            code = (
                self.string(
                    fields["code"],
                    f"{path}.code",
                    max_length=40,
                    pattern=CODE_PATTERN,
                    hint="lower-case letters, digits and hyphens",
                )
                if "code" in fields
                else None
            )
            text = self.string(fields["text"], f"{path}.text") if "text" in fields else None
            target = (
                self.integer(fields["target_percent"], f"{path}.target_percent", minimum=0, maximum=100)
                if "target_percent" in fields
                else None
            )
            guidance = self.string(fields["guidance"], f"{path}.guidance", blank=True) if "guidance" in fields else ""
            records_grade = (
                self.boolean(fields["records_grade"], f"{path}.records_grade") if "records_grade" in fields else False
            )
            if code is not None and code in codes:
                self.error(fields["code"], f"{path}.code", f"code “{code}” is used twice")
                code = None
            if code is not None:
                codes.add(code)
            if None not in (code, text, target, guidance, records_grade):
                result.append(ChecklistItemData(code, text, guidance, target, records_grade))  # type: ignore[arg-type]
        return tuple(result)

    def programme(self, node: Node) -> dict[str, Any] | None:
        # Minimum value per whole-number setting: 0 where "none" makes sense, else 1.
        counts = {
            "volume_threshold": 1,
            "case_review_sample_size": 1,
            "case_review_period_months": 1,
            "award_validity_months": 1,
            "evidence_response_days": 1,
            "invoice_due_days": 0,
            "lapse_grace_days": 0,
            "appeal_window_days": 1,
            "resubmission_window_months": 1,
            "recertification_opens_months": 0,
            "committee_quorum": 1,
        }
        lists = ("expiry_reminder_months", "evidence_reminder_days")
        fields = self.mapping(
            node,
            "programme",
            required=(*counts, "decision_target_weeks", *lists, "fees", "procedure_categories"),
        )
        if fields is None:
            return None
        before = len(self._errors)
        result: dict[str, Any] = {}
        for name, minimum in counts.items():
            if name in fields:
                result[name] = self.integer(fields[name], f"programme.{name}", minimum=minimum)
        if "decision_target_weeks" in fields:
            weeks = self.mapping(
                fields["decision_target_weeks"], "programme.decision_target_weeks", required=("min", "max")
            )
            if weeks is not None:
                low = (
                    self.integer(weeks["min"], "programme.decision_target_weeks.min", minimum=1)
                    if "min" in weeks
                    else None
                )
                high = (
                    self.integer(weeks["max"], "programme.decision_target_weeks.max", minimum=1)
                    if "max" in weeks
                    else None
                )
                if low is not None and high is not None and low > high:
                    self.error(
                        weeks["min"],
                        "programme.decision_target_weeks",
                        f"min ({low}) must not be greater than max ({high})",
                    )
                result["decision_target_weeks"] = {"min": low, "max": high}
        for name in lists:
            if name in fields:
                values = self.integers(fields[name], f"programme.{name}", minimum=0)
                result[name] = sorted(values, reverse=True) if values is not None else None
        if "fees" in fields:
            result["fees"] = self.fees(fields["fees"])
        if "procedure_categories" in fields:
            result["procedure_categories"] = self.procedure_categories(fields["procedure_categories"])
        if len(self._errors) != before:
            return None
        try:
            ProgrammeSettings.from_dict(result)
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:  # a rule above is missing
            self.error(node, "programme", f"cannot be read: {exc!r}")
            return None
        return result

    def fees(self, node: Node) -> dict[str, Any] | None:
        fields = self.mapping(node, "programme.fees", required=("currency", "enrolment", "annual", "consultation"))
        if fields is None:
            return None
        fees: dict[str, Any] = {}
        if "currency" in fields:
            fees["currency"] = self.string(
                fields["currency"],
                "programme.fees.currency",
                pattern=CURRENCY_PATTERN,
                hint="a three-letter ISO 4217 code such as EUR",
            )
        for name in ("enrolment", "annual", "consultation"):
            if name in fields:
                fees[name] = self.number(fields[name], f"programme.fees.{name}")
        return fees

    def procedure_categories(self, node: Node) -> list[dict[str, str]] | None:
        items = self.sequence(node, "programme.procedure_categories")
        if items is None:
            return None
        result: list[dict[str, str]] = []
        seen: set[str] = set()
        for i, item in enumerate(items):
            path = f"programme.procedure_categories[{i}]"
            fields = self.mapping(item, path, required=("code", "label"))
            if fields is None:
                continue
            code = (
                self.string(
                    fields["code"],
                    f"{path}.code",
                    max_length=40,
                    pattern=CODE_PATTERN,
                    hint="lower-case letters, digits and hyphens",
                )
                if "code" in fields
                else None
            )
            label = self.string(fields["label"], f"{path}.label", max_length=100) if "label" in fields else None
            if code is not None and code in seen:
                self.error(fields["code"], f"{path}.code", f"code “{code}” is used twice")
            elif code is not None and label is not None:
                seen.add(code)
                result.append({"code": code, "label": label})
        return result


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _construct(node: ScalarNode) -> Any:
    return SafeConstructor().construct_object(node, deep=True)


def _describe(node: Node) -> str:
    """How a value reads in an error message: “the text "yes"”, “a list”, …"""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    kind = node.tag.removeprefix(_TAG)
    names = {
        "str": "text",
        "int": "a number",
        "float": "a number",
        "bool": "a yes/no word",
        "null": "empty",
        "timestamp": "a date",
    }
    if kind == "null":
        return "empty"
    return f"{names.get(kind, kind)} “{node.value}”"
