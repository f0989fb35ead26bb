"""`{% export_links %}`: the Export CSV / Export XLSX links of a list, carrying the filters on screen."""

from __future__ import annotations

from typing import Any

from django import template

from iasios.core.exports import export_query

register = template.Library()


@register.inclusion_tag("includes/export_links.html", takes_context=True)
def export_links(context: dict[str, Any], table: str = "", label: str = "") -> dict[str, Any]:
    request = context["request"]
    return {
        "csv_url": f"{request.path}?{export_query(request, 'csv', table)}",
        "xlsx_url": f"{request.path}?{export_query(request, 'xlsx', table)}",
        "label": label,
    }
