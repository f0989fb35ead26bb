"""Tabular exports (CSV and XLSX) that are safe to open in a spreadsheet.

A text cell that starts with = + - @ (or a tab/carriage return) would be read as a formula by
spreadsheet programs: such cells are prefixed with a single quote. Numbers, dates and booleans
stay typed (an XLSX cell holds a number or a date, not text that looks like one); they come from
our own code, never from what someone typed, so a negative amount is not neutralised.

An office list describes its columns once, as a `Table`; the page and every file format read
the same rows through the same accessors, so an export cannot drift from the page.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")
# Query parameters that belong to the page, not to the filters an export carries.
PAGE_PARAMETERS = ("page", "format", "table")

Cell = str | int | float | Decimal | datetime.date | datetime.datetime | bool | None
Row = TypeVar("Row")


def safe_cell(value: Any) -> str:
    """The text of `value`, neutralised if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def typed_cell(value: Any) -> Cell:
    """A cell value for a spreadsheet: numbers, dates and booleans as they are, text neutralised.

    Aware datetimes become naive local time (spreadsheets have no time zones); anything else
    (lazy translations, choices, model instances) becomes neutralised text.
    """
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, datetime.date):
        return value
    return safe_cell(value)


def csv_text(value: Any) -> str:
    """A cell as CSV text: ISO dates, plain numbers, yes/no, neutralised text."""
    cell = typed_cell(value)
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, datetime.datetime):
        return cell.isoformat(sep=" ", timespec="minutes")
    if isinstance(cell, datetime.date | int | float | Decimal):
        return cell.isoformat() if isinstance(cell, datetime.date) else str(cell)
    return cell


# ----------------------------------------------------------------------------- the report model


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column: its header and how to read its value from a row."""

    header: str
    value: Callable[[Row], Any]
    # For the page: numbers are right-aligned.
    numeric: bool = False
    # Excel column width in characters (None: the renderer's default).
    width: int | None = None


@dataclass
class Table(Generic[Row]):
    """Rows and the columns that read them: what a list page shows and every export writes.

    `name` is a short slug: the file name's stem, the sheet's title and, on a page with several
    lists, the value of `?table=` that picks this one.
    """

    name: str
    title: str
    columns: Sequence[Column[Row]]
    rows: Iterable[Row]

    @property
    def headers(self) -> list[str]:
        return [str(c.header) for c in self.columns]

    def values(self) -> Iterator[list[Any]]:
        """Each row as its list of raw column values, in column order."""
        for row in self.rows:
            yield [c.value(row) for c in self.columns]

    def filename(self, extension: str, today: datetime.date | None = None) -> str:
        stamp = (today or timezone.localdate()).isoformat()
        return f"{slugify(self.name) or 'export'}-{stamp}.{extension}"


# ----------------------------------------------------------------------------- renderers


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """A CSV download (UTF-8 with BOM so spreadsheet programs detect the encoding)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    _attachment(response, filename)
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return response


def xlsx_bytes(
    title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int | None] = ()
) -> bytes:
    """A one-sheet workbook, written row by row (write-only: memory does not grow with the rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    # A sheet title is at most 31 characters and may not hold []:*?/\
    sheet = workbook.create_sheet(title="".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Export")
    for index, width in enumerate(widths, start=1):
        if width:
            sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=safe_cell(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            typed = typed_cell(value)
            cell = WriteOnlyCell(sheet, value=typed)
            if isinstance(typed, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(typed, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(typed, str):
                # Text stays text even if it looks like a number or a date.
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Export",
    widths: Sequence[int | None] = (),
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title, header, rows, widths), content_type=XLSX_CONTENT_TYPE)
    return _attachment(response, filename)


def table_csv(table: Table[Any]) -> HttpResponse:
    return csv_response(table.filename("csv"), table.headers, table.values())


def table_xlsx(table: Table[Any]) -> HttpResponse:
    return xlsx_response(
        table.filename("xlsx"),
        table.headers,
        table.values(),
        title=str(table.title),
        widths=[c.width for c in table.columns],
    )


# ----------------------------------------------------------------------------- views


def requested_format(request: HttpRequest) -> str | None:
    value = request.GET.get("format", "")
    return value if value in EXPORT_FORMATS else None


def export_response(request: HttpRequest, *tables: Table[Any]) -> HttpResponse | None:
    """The file a list view returns instead of its page, or None when no export is asked for.

    `?format=csv` or `?format=xlsx` asks for the export; on a page with several tables,
    `?table=<name>` picks one (the first by default). Every row the filters select is written,
    whatever page the screen shows.
    """
    fmt = requested_format(request)
    if fmt is None or not tables:
        return None
    wanted = request.GET.get("table", "")
    table = next((t for t in tables if t.name == wanted), tables[0])
    return table_csv(table) if fmt == "csv" else table_xlsx(table)


def export_query(request: HttpRequest, fmt: str, table: str = "") -> str:
    """The query string of an export link: the page's filters, without its page number."""
    params = request.GET.copy()
    for name in PAGE_PARAMETERS:
        params.pop(name, None)
    params["format"] = fmt
    if table:
        params["table"] = table
    return params.urlencode()
