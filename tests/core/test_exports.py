from __future__ import annotations

import csv
import io

import pytest

from iasios.core.exports import csv_response, safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
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
