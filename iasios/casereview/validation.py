"""Validation of an uploaded procedure log: every row checked, every problem reported.

The log must be pseudonymised. Besides the format checks, heuristics refuse values that look
like a person's name, a birth date or a patient number (docs/decisions/0008-case-review.md
lists them). Error messages never repeat a cell's value: the value may be the very identity the
check found, and error reports are stored.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from iasios.casereview.sampling import LogRow

COLUMNS = ("case_reference", "procedure_date", "category")
REFERENCE_MAX_LENGTH = 40

# Header words that say a column holds identities (what they hold, translated where it is said).
IDENTITY_HEADER_WORDS = {
    "name": gettext_noop("names"),
    "names": gettext_noop("names"),
    "surname": gettext_noop("names"),
    "firstname": gettext_noop("names"),
    "lastname": gettext_noop("names"),
    "forename": gettext_noop("names"),
    "initials": gettext_noop("names"),
    "patient": gettext_noop("patient identities"),
    "dob": gettext_noop("birth dates"),
    "birth": gettext_noop("birth dates"),
    "birthdate": gettext_noop("birth dates"),
    "birthday": gettext_noop("birth dates"),
    "born": gettext_noop("birth dates"),
    "age": gettext_noop("birth dates"),
    "nhs": gettext_noop("patient numbers"),
    "ssn": gettext_noop("patient numbers"),
    "mrn": gettext_noop("patient numbers"),
    "insurance": gettext_noop("patient numbers"),
    "national": gettext_noop("patient numbers"),
    "passport": gettext_noop("patient numbers"),
    "address": gettext_noop("addresses"),
    "postcode": gettext_noop("addresses"),
    "zip": gettext_noop("addresses"),
    "phone": gettext_noop("phone numbers"),
    "telephone": gettext_noop("phone numbers"),
    "email": gettext_noop("e-mail addresses"),
}

_LETTERS = r"[^\W\d_]"
_WORD = rf"{_LETTERS}+(?:['’\-]{_LETTERS}+)*"
# "Lastname, Firstname" (any case).
_LAST_COMMA_FIRST = re.compile(rf"^\s*{_WORD}\s*,\s*{_WORD}(?:\s+{_WORD})*\s*$")
_TITLE = re.compile(r"^(?:mr|mrs|ms|miss|mx|dr|prof|herr|frau|mme|mlle|m|sr|sra)\.?$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_LIKE = re.compile(
    r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2}))(?!\d)"
    r"|(?<!\d)\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{2,4}(?!\d)",
    re.IGNORECASE,
)
_BIRTH_HINT = re.compile(r"\b(?:d\.?o\.?b\.?|born|birth\w*|geb\.?|geboren|née|né)(?!\w)", re.IGNORECASE)
_LONG_DIGITS = re.compile(r"\d{8,}")
_NHS_STYLE = re.compile(r"(?<!\d)\d{3}[ \-]\d{3}[ \-]\d{4}(?!\d)")
_SSN_STYLE = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
_SPACED_DIGITS = re.compile(r"(?<!\d)\d+(?: \d+)+(?!\d)")
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]*$")


@dataclass(frozen=True)
class LogError:
    row: int | None  # the row in the file, the header being row 1; None for the file as a whole
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LogValidation:
    rows: list[LogRow]
    errors: list[LogError]
    data_rows: int

    @property
    def ok(self) -> bool:
        return not self.errors


def period_end(start: date, months: int) -> date:
    """The last day of a period of `months` calendar months starting on `start` (inclusive)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def looks_like_name(value: str) -> bool:
    """Two or more capitalised words in a row ("Maria Rossi"), or "Lastname, Firstname"."""
    text = value.strip()
    if not text:
        return False
    if _LAST_COMMA_FIRST.match(text):
        return True
    words = re.split(r"[\s,;]+", text)
    run = 0
    for word in words:
        if _TITLE.match(word):
            run = max(run, 1)
            continue
        if re.fullmatch(_WORD, word) and len(word) >= 2 and word[0].isupper() and not word[1:].isupper():
            run += 1
            if run >= 2:
                return True
        else:
            run = 0
    return False


def looks_like_birth_date(value: str) -> bool:
    return bool(_BIRTH_HINT.search(value)) or bool(_DATE_LIKE.search(value))


def looks_like_patient_number(value: str) -> bool:
    """A run of 8+ digits, NHS-style 3-3-4 digits, SSN-style 3-2-4, or 8+ digits in spaced groups."""
    if _LONG_DIGITS.search(value) or _NHS_STYLE.search(value) or _SSN_STYLE.search(value):
        return True
    return any(sum(ch.isdigit() for ch in m.group()) >= 8 for m in _SPACED_DIGITS.finditer(value))


def identity_kind(value: str) -> str | None:
    """What kind of identity a free value looks like, or None. Patient numbers first: a
    digit run is also date-like when it happens to contain separators."""
    if looks_like_patient_number(value) and not _DATE_LIKE.fullmatch(value.strip()):
        return "patient_number"
    if looks_like_birth_date(value):
        return "birth_date"
    if looks_like_name(value):
        return "name"
    return None


def identity_message(kind: str) -> str:
    return {
        "name": _("looks like a person's name"),
        "birth_date": _("looks like a birth date"),
        "patient_number": _("looks like a patient number or national identity number"),
    }[kind]


def reference_problem(reference: str) -> tuple[str, str] | None:
    """Why a case reference is not an acceptable pseudonym, as (code, message), or None."""
    kind = identity_kind(reference)
    if kind is not None:
        return (
            f"reference_{kind}",
            _("The case reference %(what)s; use the pseudonym from your local key list instead.")
            % {"what": identity_message(kind)},
        )
    if len(reference) > REFERENCE_MAX_LENGTH:
        return "reference_format", _("The case reference is longer than %(n)d characters.") % {
            "n": REFERENCE_MAX_LENGTH
        }
    if not _REFERENCE.match(reference):
        return "reference_format", _(
            "The case reference must be one word of letters, digits and - _ . / (no spaces or commas)."
        )
    if not any(ch.isdigit() for ch in reference):
        return "reference_name", _(
            "The case reference has no digit: it may be a name. A pseudonym contains at least one digit."
        )
    return None


def note_problem(note: str) -> str | None:
    """Notes are free text; only a patient number or a hinted birth date is refused there."""
    if looks_like_patient_number(note) and not _DATE_LIKE.search(note):
        return identity_message("patient_number")
    if _BIRTH_HINT.search(note):
        return identity_message("birth_date")
    return None


def _header_identity(header: str) -> str | None:
    words = re.split(r"[^a-z]+", header.lower())
    joined = "".join(words)
    for word, what in IDENTITY_HEADER_WORDS.items():
        if word in words or (len(word) > 4 and word in joined):
            return what
    return None


def _decode(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def validate_log(
    data: bytes,
    *,
    period_start: date,
    period_months: int,
    categories: Sequence[str],
    sample_size: int,
    today: date,
) -> LogValidation:
    """Check every row of a procedure log; return the rows when there is no error at all."""
    errors: list[LogError] = []
    text = _decode(data)
    if text is None:
        return LogValidation([], [LogError(None, "", "not_text", _("The file is not a UTF-8 CSV text file."))], 0)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return LogValidation([], [LogError(None, "", "empty", _("The file is empty."))], 0)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[0]))
    try:
        table = list(reader)
    except csv.Error:
        return LogValidation([], [LogError(None, "", "not_csv", _("The file could not be read as CSV."))], 0)

    header = [h.strip() for h in table[0]]
    normalised = [h.lower() for h in header]
    index = {name: normalised.index(name) for name in COLUMNS if name in normalised}
    for name in COLUMNS:
        if name not in index:
            errors.append(
                LogError(1, name, "missing_column", _("The column “%(column)s” is missing.") % {"column": name})
            )
    extra = [i for i, name in enumerate(normalised) if name not in COLUMNS]
    for i in extra:
        what = _header_identity(header[i])
        if what:
            message = _("The column “%(column)s” looks like it holds %(what)s: remove it.") % {
                "column": header[i] or str(i + 1),
                "what": _(what),
            }
            errors.append(LogError(1, header[i], "identity_column", message))
        else:
            message = _("Unexpected column “%(column)s”: the log holds only %(columns)s.") % {
                "column": header[i] or str(i + 1),
                "columns": ", ".join(COLUMNS),
            }
            errors.append(LogError(1, header[i], "unexpected_column", message))
    if len(index) < len(COLUMNS):
        return LogValidation([], errors, 0)

    end = period_end(period_start, period_months)
    allowed = set(categories)
    seen: dict[str, int] = {}
    rows: list[LogRow] = []
    data_rows = 0
    for row_number, raw in enumerate(table[1:], start=2):
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        data_rows += 1

        def cell(name: str, cells: list[str] = cells) -> str:
            i = index[name]
            return cells[i] if i < len(cells) else ""

        def add(column: str, code: str, message: str, row_number: int = row_number) -> None:
            errors.append(LogError(row_number, column, code, message))

        row_ok = True
        reference = cell("case_reference")
        if not reference:
            add("case_reference", "missing_value", _("The case reference is empty."))
            row_ok = False
        else:
            problem = reference_problem(reference)
            if problem:
                add("case_reference", *problem)
                row_ok = False
            else:
                key = reference.casefold()
                if key in seen:
                    add(
                        "case_reference",
                        "duplicate_reference",
                        _("The same case reference as row %(row)d.") % {"row": seen[key]},
                    )
                    row_ok = False
                else:
                    seen[key] = row_number

        raw_date = cell("procedure_date")
        procedure_date: date | None = None
        if not raw_date:
            add("procedure_date", "missing_value", _("The procedure date is empty."))
        elif not _ISO_DATE.match(raw_date):
            add("procedure_date", "bad_date", _("The procedure date is not a date in the form YYYY-MM-DD."))
        else:
            try:
                procedure_date = date.fromisoformat(raw_date)
            except ValueError:
                add("procedure_date", "bad_date", _("The procedure date is not a real calendar date."))
        if procedure_date is not None:
            if procedure_date > today:
                add("procedure_date", "date_in_future", _("The procedure date is in the future."))
                procedure_date = None
            elif not period_start <= procedure_date <= end:
                add(
                    "procedure_date",
                    "date_outside_period",
                    _("The procedure date is outside the review period %(start)s to %(end)s.")
                    % {"start": period_start.isoformat(), "end": end.isoformat()},
                )
                procedure_date = None
        row_ok = row_ok and procedure_date is not None

        category = cell("category")
        if not category:
            add("category", "missing_value", _("The category is empty."))
            row_ok = False
        elif category not in allowed:
            add(
                "category",
                "unknown_category",
                _("Unknown category: use one of %(codes)s.") % {"codes": ", ".join(categories)},
            )
            row_ok = False

        for i in extra:
            value = cells[i] if i < len(cells) else ""
            kind = identity_kind(value) if value else None
            if kind:
                add(header[i], f"identity_{kind}", _("This value %(what)s.") % {"what": identity_message(kind)})
        if len(cells) > len(header):
            add("", "extra_values", _("The row has more values than the header has columns."))
            for value in cells[len(header) :]:
                kind = identity_kind(value) if value else None
                if kind:
                    add("", f"identity_{kind}", _("An extra value %(what)s.") % {"what": identity_message(kind)})

        if row_ok and procedure_date is not None:
            rows.append(LogRow(reference=reference, procedure_date=procedure_date, category=category))

    if data_rows < sample_size:
        errors.append(
            LogError(
                None,
                "",
                "too_few_rows",
                _("The log lists %(rows)d procedures; the sample needs at least %(n)d.")
                % {"rows": data_rows, "n": sample_size},
            )
        )
    errors.sort(key=lambda e: (e.row if e.row is not None else 10**9,))
    return LogValidation(rows if not errors else [], errors, data_rows)


def template_rows(categories: Sequence[str], period_start: date) -> list[list[str]]:
    """Two example rows for the CSV template, with obviously made-up references."""
    first = categories[0] if categories else ""
    second = categories[1] if len(categories) > 1 else first
    return [
        ["ICR-0001", period_start.isoformat(), first],
        ["ICR-0002", (period_start + timedelta(days=7)).isoformat(), second],
    ]
