"""Dates, numbers and money by locale: no hand-made date pattern on a page, one money helper."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from iasios.core.formats.money import money, money_number

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CODE = Path(settings.BASE_DIR) / "iasios"

NAMED = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    "TIME_FORMAT",
}
# Patterns a machine reads (a <time datetime> attribute, a data- attribute): ISO, the same in every language.
MACHINE = {"c", "Y-m-d", "U"}
# Hand-made patterns a person reads, each with its reason.
ALLOWED = {
    # The time zone's abbreviation next to a localised date-time ("UTC"): not a date pattern.
    ("billing/email/consultation_scheduled.html", "T"),
    ("billing/email/consultation_scheduled.txt", "T"),
    # "Saved at 14:03:27": the seconds show that a second save in the same minute went through; a
    # 24-hour clock with seconds is written the same way in all nine languages.
    ("applications/_answer_saved.html", "H:i:s"),
}
FILTER = re.compile(r"\|(date|time):(\"|')(.*?)\2")


def hand_made_dates() -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt", ".xml", ".svg"}:
            continue
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(TEMPLATES))
        for match in FILTER.finditer(text):
            pattern = match.group(3)
            if pattern in NAMED or (name, pattern) in ALLOWED:
                continue
            before = text[max(0, match.start() - 120) : match.start()]
            in_attribute = re.search(r'\s(datetime|data-[\w-]+)="[^"]*$', before)
            if pattern in MACHINE and in_attribute:
                continue
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{name}:{line}: {match.group(0)}")
    return found


def test_no_template_formats_a_date_by_hand() -> None:
    assert hand_made_dates() == []


def test_the_check_finds_a_hand_made_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.html").write_text(
        '<time datetime="{{ d|date:\'Y-m-d\' }}">{{ d|date:"j M Y" }}</time> '
        '{{ d|date:"Y-m-d" }} {{ d|date:"SHORT_DATE_FORMAT" }}'
    )
    monkeypatch.setattr(f"{__name__}.TEMPLATES", tmp_path)
    assert hand_made_dates() == ['x.html:1: |date:"j M Y"', 'x.html:1: |date:"Y-m-d"']


def test_no_python_formats_a_date_for_people_by_hand() -> None:
    """strftime, month names in f-strings and date_format() with a hand-made pattern: people
    read these, so date_format() with a named format instead. ISO dates (file names, stored
    data) stay: they are for machines."""
    offenders = []
    for path in sorted(CODE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            pattern = re.search(r"(?:date|time)_format\(.*?,\s*[\"']([^\"']+)[\"']\s*\)", line)
            if (
                ".strftime(" in line
                or re.search(r"\{[^{}]*:%[^{}]*%[bBaAp][^{}]*\}", line)
                or (pattern and pattern.group(1) not in NAMED)
            ):
                offenders.append(f"{path.relative_to(CODE)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize(
    ("language", "expected_date"),
    [
        ("en", "5 Mar 2027"),
        ("de", "05.03.2027"),
        ("zh-hans", "2027年3月5日"),
        ("fr", "05/03/2027"),
        ("pl", "05-03-2027"),
    ],
)
def test_a_short_date_is_written_as_the_language_writes_it(language: str, expected_date: str) -> None:
    from datetime import date

    with translation.override(language):
        rendered = Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": date(2027, 3, 5)}))
    assert rendered == expected_date


@pytest.mark.parametrize(
    ("language", "eur", "chf"),
    [
        ("en", "€12,500.50", "CHF\u00a0900.00"),
        ("de", "12.500,50\u00a0€", "900,00\u00a0CHF"),
        ("fr", "12\u202f500,50\u00a0€", "900,00\u00a0CHF"),
        ("zh-hans", "€12,500.50", "CHF\u00a0900.00"),
    ],
)
def test_money_is_written_as_the_language_writes_it(language: str, eur: str, chf: str) -> None:
    with translation.override(language):
        assert money(Decimal("12500.5"), "EUR") == eur
        assert money("900", "CHF") == chf
        rendered = Template("{% load money %}{{ a|money:'EUR' }}|{{ a|money_number }}").render(
            Context({"a": Decimal("12500.5")})
        )
    assert rendered == f"{eur}|{money_number(Decimal('12500.5'), language)}"


def test_money_without_an_amount() -> None:
    assert money(None, "EUR") == ""
    assert money("n/a", "EUR") == "n/a"
