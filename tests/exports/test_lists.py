"""Every office list exports as CSV and XLSX: the filters on screen, every row, neutralised text."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tests.exports.conftest import FORMULA_NAME, OFFICE_LISTS, Builder, OfficeList, export_url

pytestmark = pytest.mark.django_db
LIST_IDS = [ol.key for ol in OFFICE_LISTS]


def csv_rows(response: Any) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def column(rows: list[Any], header: str) -> list[Any]:
    index = list(rows[0]).index(header)
    return [row[index] for row in rows[1:]]


# ----------------------------------------------------------------------------- every list


@pytest.mark.parametrize("office_list", OFFICE_LISTS, ids=LIST_IDS)
def test_a_formula_looking_cell_is_neutralised_in_csv_and_xlsx(
    builder: Builder, office_list: OfficeList, cast: Any
) -> None:
    office_list.build(builder, 2)
    client = cast.client_for("office")

    response = client.get(export_url(office_list, "csv"))
    assert response.status_code == 200
    rows = csv_rows(response)
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA_NAME in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)

    response = client.get(export_url(office_list, "xlsx"))
    assert response.status_code == 200
    values = [v for row in xlsx_rows(response) for v in row if isinstance(v, str)]
    assert "'" + FORMULA_NAME in values
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("office_list", OFFICE_LISTS, ids=LIST_IDS)
def test_the_export_is_a_dated_attachment_never_sniffed(
    builder: Builder, office_list: OfficeList, cast: Any, fmt: str
) -> None:
    office_list.build(builder, 1)
    response = cast.client_for("office").get(export_url(office_list, fmt))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert disposition.endswith(f'-{timezone.localdate().isoformat()}.{fmt}"')
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("office_list", OFFICE_LISTS, ids=LIST_IDS)
def test_the_page_links_to_both_exports_with_its_filters(builder: Builder, office_list: OfficeList, cast: Any) -> None:
    office_list.build(builder, 1)
    response = cast.client_for("office").get(office_list.path + "?q=x&page=1")
    html = response.content.decode()
    table = f"&amp;table={office_list.table}" if office_list.table else ""
    assert f"?q=x&amp;format=csv{table}" in html
    assert f"?q=x&amp;format=xlsx{table}" in html
    assert "page=1&amp;format" not in html


@pytest.mark.parametrize("office_list", OFFICE_LISTS, ids=LIST_IDS)
def test_the_export_headers_include_every_column_of_the_page(
    builder: Builder, office_list: OfficeList, cast: Any
) -> None:
    """The page and the export describe the same rows: no column of the page is missing from the file."""
    import re

    office_list.build(builder, 1)
    client = cast.client_for("office")
    html = client.get(office_list.path).content.decode()
    header = csv_rows(client.get(export_url(office_list, "csv")))[0]
    if office_list.table:
        # Several tables on the page: the export's section starts at its own links.
        start = html.index(f"table={office_list.table}")
        html = html[start : html.find("</table>", start) + 8]
    page_headers = {
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, re.S)
    }
    page_headers -= {"", "Action"}
    assert page_headers <= set(header), page_headers - set(header)


@pytest.mark.parametrize("office_list", OFFICE_LISTS, ids=LIST_IDS)
def test_export_queries_do_not_grow_with_the_rows(builder: Builder, office_list: OfficeList, cast: Any) -> None:
    client = cast.client_for("office")
    counts: list[int] = []
    for more in (2, 4):  # 2 rows, then 6
        office_list.build(builder, more)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(export_url(office_list, "xlsx"))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    rows = xlsx_rows(response)
    assert len(rows) - 1 >= 6
    assert counts[0] == counts[1], counts


# ----------------------------------------------------------------------------- access per role


@pytest.mark.parametrize(
    ("who", "expected"),
    [("office", 200), ("administrator", 200), ("assessor", 403), ("representative", 403), ("committee", 403)],
)
@pytest.mark.parametrize("office_list", OFFICE_LISTS, ids=LIST_IDS)
def test_export_access_per_role(builder: Builder, office_list: OfficeList, cast: Any, who: str, expected: int) -> None:
    office_list.build(builder, 1)
    response = cast.client_for(who).get(export_url(office_list, "csv"))
    assert response.status_code == expected
    if expected != 200:
        assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.parametrize("office_list", OFFICE_LISTS, ids=LIST_IDS)
def test_anonymous_is_sent_to_the_login(builder: Builder, office_list: OfficeList, cast: Any) -> None:
    office_list.build(builder, 1)
    response = cast.client_for("anonymous").get(export_url(office_list, "xlsx"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# ----------------------------------------------------------------------------- filters and typed cells


def test_facilities_export_only_the_filtered_status_and_every_page(builder: Builder, cast: Any) -> None:
    builder.facilities(27, status="enrolled")
    builder.facilities(3, status="awaiting_payment")
    client = cast.client_for("office")
    page = client.get("/office/facilities/?status=enrolled").content.decode()
    assert "Page 1 of 2" in page

    rows = csv_rows(client.get("/office/facilities/?status=enrolled&format=csv&page=2"))
    assert len(rows) - 1 == 27
    assert set(column(rows, "Status")) == {"Enrolled Centre"}

    sheet = xlsx_rows(client.get("/office/facilities/?status=enrolled&format=xlsx"))
    assert len(sheet) - 1 == 27
    assert all(isinstance(v, int) for v in column(sheet, "Members"))
    assert all(isinstance(v, datetime.datetime) for v in column(sheet, "Registered"))


def test_invoices_export_only_overdue_ones_with_typed_amounts_and_dates(builder: Builder, cast: Any) -> None:
    builder.invoices(52, overdue=True)
    builder.invoices(3, overdue=False)
    client = cast.client_for("office")

    rows = csv_rows(client.get("/office/billing/?overdue=1&format=csv"))
    assert len(rows) - 1 == 52
    assert set(column(rows, "Overdue")) == {"yes"}
    assert set(column(rows, "Total")) == {"880.15"}

    sheet = xlsx_rows(client.get("/office/billing/?overdue=1&format=xlsx"))
    assert len(sheet) - 1 == 52
    totals = column(sheet, "Total")
    assert all(isinstance(t, int | float | Decimal) for t in totals)
    assert float(totals[0]) == pytest.approx(880.15)
    assert all(isinstance(d, datetime.datetime) for d in column(sheet, "Due"))
    assert all(d.date() < timezone.localdate() for d in column(sheet, "Due"))
    assert set(column(sheet, "Overdue")) == {True}

    every = csv_rows(client.get("/office/billing/?format=csv"))
    assert len(every) - 1 == 55


def test_consultations_export_honours_the_status_filter(builder: Builder, cast: Any) -> None:
    builder.consultations(3, status="cancelled")
    builder.consultations(2, status="requested")
    client = cast.client_for("office")
    rows = csv_rows(client.get("/office/billing/consultations/?status=cancelled&format=csv"))
    assert len(rows) - 1 == 3
    assert set(column(rows, "Status")) == {"Cancelled"}
    rows = csv_rows(client.get("/office/billing/consultations/?format=csv"))
    assert len(rows) - 1 == 2


def test_a_payment_reference_like_a_formula_is_neutralised(builder: Builder, cast: Any) -> None:
    builder.payments(2)
    client = cast.client_for("office")
    assert "'@SUM(A1)" in column(csv_rows(client.get("/office/billing/payments/?format=csv")), "Reference")
    sheet = xlsx_rows(client.get("/office/billing/payments/?format=xlsx"))
    assert "'@SUM(A1)" in column(sheet, "Reference")
    assert all(isinstance(a, int | float | Decimal) and float(a) == 125.5 for a in column(sheet, "Amount"))


def test_a_page_with_several_tables_exports_the_one_asked_for(builder: Builder, cast: Any) -> None:
    builder.awards(2)
    builder.corrective_actions(3)
    client = cast.client_for("office")
    awards = csv_rows(client.get("/office/decisions/?format=csv&table=awards"))
    assert awards[0][:3] == ["Facility", "Country", "Level"]
    assert len(awards) - 1 == 2
    actions = csv_rows(client.get("/office/decisions/?format=csv&table=corrective-actions"))
    assert len(actions) - 1 == 3
    assert set(column(actions, "Action")) == {"'-Fix the checklist"}
    # Unknown table: the first one of the page.
    first = csv_rows(client.get("/office/decisions/?format=csv&table=nope"))
    assert first[0] == actions[0]


def test_an_unknown_format_shows_the_page(builder: Builder, cast: Any) -> None:
    builder.facilities(1)
    response = cast.client_for("office").get("/office/facilities/?format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_the_decisions_export_has_every_decision_beyond_the_recent_fifty(builder: Builder, cast: Any) -> None:
    builder.decisions(53)
    client = cast.client_for("office")
    page = client.get("/office/decisions/").content.decode()
    assert page.count("letter (PDF)") == 50
    rows = csv_rows(client.get("/office/decisions/?format=csv&table=decisions"))
    assert len(rows) - 1 == 53


def test_the_office_reaches_each_decision_letter_from_the_overview(builder: Builder, cast: Any) -> None:
    import re

    builder.decisions(1)
    client = cast.client_for("office")
    links = re.findall(r'href="(/decisions/[0-9a-f-]+/letter\.pdf)"', client.get("/office/decisions/").content.decode())
    assert len(links) == 1
    response = client.get(links[0])
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
