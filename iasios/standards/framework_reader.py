"""The framework file's format: which fields it has and the rules each value must keep.

The rules are strict on purpose: a framework version is loaded once and never changes, so a
typo must be caught before it becomes the text every application is judged against. A version
must be a quoted string starting with a digit, codes are lower-case words, requirement letters
run a, b, c… in order, every section holds a standard, and the programme block must read as
`ProgrammeSettings`.
"""

from __future__ import annotations

import re
from typing import Any

from yaml.nodes import Node

from iasios.standards.framework_data import (
    ChecklistItemData,
    FrameworkData,
    RequirementData,
    SectionData,
    StandardData,
)
from iasios.standards.programme import ProgrammeSettings
from iasios.standards.yaml_nodes import NodeReader

CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A version starts with a digit: that keeps words such as "current" or "diff" free for URLs.
VERSION_PATTERN = re.compile(r"^[0-9][A-Za-z0-9._-]*$")
LETTER_PATTERN = re.compile(r"^[a-z]$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")


class FrameworkReader(NodeReader):
    """Turns a framework file's node tree into `FrameworkData`, collecting every error."""

    def __init__(self, source: str):
        super().__init__(source)
        # Where each section was read, to report a section without standards on its own line.
        self._section_at: dict[int, tuple[Node, str]] = {}

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
        if self.error_count:
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
        before = self.error_count
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
        if self.error_count != before:
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
