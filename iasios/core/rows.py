"""URLs for the rows of a long list, reversed once.

`reverse()` costs more than rendering a table row, so a list of a few hundred rows reverses its
URL once with a placeholder id and puts each row's id in its place (`row_url`); templates do the
same with `{% url "name" … ROW_ID as url %}` and the `with_id` filter (`{% load rows %}`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

# A UUID no row has (the path converters accept it), replaced by each row's id.
ROW_ID = "00000000-0000-0000-0000-000000000000"


def with_id(url: str, pk: Any) -> str:
    """The URL reversed with ROW_ID, for the row `pk`."""
    return url.replace(ROW_ID, str(pk))


def row_url(viewname: str, *args: Any) -> Callable[[Any], str]:
    """`reverse(viewname, args=[*args, pk])` for many `pk`, reversed once."""
    url = reverse(viewname, args=[*args, ROW_ID])
    return lambda pk: with_id(url, pk)
