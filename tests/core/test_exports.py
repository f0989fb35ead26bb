from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from iasios.core.exports import (
    Column,
    Table,
    csv_response,
    csv_text,
    export_query,
    export_response,
    safe_cell,
    typed_cell,
    xlsx_bytes,
    xlsx_response,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("plain", "plain"),
        (None, ""),
        (42, "42"),
    ],
)
def test_formula_looking_cells_are_neutralised(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


def test_a_csv_download_neutralises_every_cell_and_is_an_attachment() -> None:
    response = csv_response("x.csv", ["name", "=note"], [["Centre", "=1+1"]])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["name", "'=note"], ["Centre", "'=1+1"]]


# ----------------------------------------------------------------------------- typed cells and XLSX


def read_xlsx(content: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_numbers_dates_and_booleans_stay_typed_and_text_is_neutralised() -> None:
    assert typed_cell(Decimal("-12.50")) == Decimal("-12.50")
    assert typed_cell(-3) == -3
    assert typed_cell(True) is True
    assert typed_cell(datetime.date(2026, 3, 1)) == datetime.date(2026, 3, 1)
    assert typed_cell("-3") == "'-3"
    assert typed_cell("=1+1") == "'=1+1"
    assert typed_cell(None) is None


def test_an_aware_datetime_becomes_local_time_without_a_zone() -> None:
    value = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    cell = typed_cell(value)
    assert isinstance(cell, datetime.datetime)
    assert cell.tzinfo is None


def test_csv_text_writes_iso_dates_and_plain_numbers() -> None:
    assert csv_text(datetime.date(2026, 3, 1)) == "2026-03-01"
    assert csv_text(Decimal("880.15")) == "880.15"
    assert csv_text(False) == "no"
    assert csv_text("@SUM(A1)") == "'@SUM(A1)"


def test_an_xlsx_neutralises_text_cells_and_keeps_numbers_and_dates_typed() -> None:
    content = xlsx_bytes(
        "Invoices",
        ["Number", "=Total"],
        [
            ['=HYPERLINK("http://x")', Decimal("880.15")],
            ["+1", 42],
            ["@SUM(A1)", datetime.date(2026, 3, 1)],
            ["-2", -2],
            ["0042", None],
        ],
    )
    rows = read_xlsx(content)
    assert rows[0] == ("Number", "'=Total")
    assert rows[1] == ('\'=HYPERLINK("http://x")', 880.15)
    assert rows[2] == ("'+1", 42)
    assert rows[3][0] == "'@SUM(A1)"
    assert rows[3][1] == datetime.datetime(2026, 3, 1)
    assert rows[4] == ("'-2", -2)
    # Text that looks like a number stays text.
    assert rows[5] == ("0042", None)


def test_an_xlsx_download_is_an_attachment_never_sniffed() -> None:
    response = xlsx_response("x.xlsx", ["a"], [["b"]], title="A/B:C*?[]")
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert load_workbook(io.BytesIO(response.content)).active.title == "ABC"


def _table(name: str = "things") -> Table[dict[str, object]]:
    return Table(
        name=name,
        title="Things",
        columns=[Column("Name", lambda r: r["name"]), Column("Count", lambda r: r["n"], numeric=True)],
        rows=[{"name": "=cmd", "n": 3}, {"name": "plain", "n": 4}],
    )


def test_a_table_reads_its_rows_through_its_columns() -> None:
    table = _table()
    assert table.headers == ["Name", "Count"]
    assert list(table.values()) == [["=cmd", 3], ["plain", 4]]
    assert table.filename("csv", datetime.date(2026, 3, 1)) == "things-2026-03-01.csv"


def test_export_response_answers_only_when_a_format_is_asked_for() -> None:
    factory = RequestFactory()
    assert export_response(factory.get("/x/"), _table()) is None
    assert export_response(factory.get("/x/?format=pdf"), _table()) is None
    response = export_response(factory.get("/x/?format=csv&table=second"), _table("first"), _table("second"))
    assert response is not None
    assert 'filename="second-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Name", "Count"], ["'=cmd", "3"], ["plain", "4"]]
    xlsx = export_response(factory.get("/x/?format=xlsx"), _table())
    assert xlsx is not None
    assert read_xlsx(xlsx.content)[1] == ("'=cmd", 3)


def test_export_links_keep_the_filters_and_drop_the_page() -> None:
    request = RequestFactory().get("/x/?status=enrolled&page=3&q=a+b&format=csv")
    assert export_query(request, "xlsx") == "status=enrolled&q=a+b&format=xlsx"
    assert export_query(request, "csv", "awards") == "status=enrolled&q=a+b&format=csv&table=awards"
