"""The public registry: list and map, a profile per centre, and the same data as open data."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.views.decorators.http import condition, require_GET

from iasios.core.exports import csv_response
from iasios.registry.selectors import (
    LEVELS,
    RegistryEntry,
    entry_for,
    registry_countries,
    registry_entries,
    registry_entry,
    registry_queryset,
    registry_version,
)
from iasios.registry.worldmap import world_map

# Centres per page on the list; the open data (JSON, CSV) always holds every matching centre.
REGISTRY_PAGE_SIZE = 50

# The open data's cached bodies are keyed on the registry's version; this only bounds their stay.
OPEN_DATA_CACHE_SECONDS = 24 * 3600

OPEN_DATA_FIELDS = ["name", "institution", "city", "country", "level", "valid_until", "verify_url", "profile_url"]


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _filters(request: HttpRequest) -> dict[str, str]:
    level = request.GET.get("level", "")
    return {
        "q": request.GET.get("q", "").strip()[:100],
        "country": request.GET.get("country", "").strip()[:2],
        "city": request.GET.get("city", "").strip()[:120],
        "level": level if level in LEVELS else "",
    }


@require_GET
def registry_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(registry_queryset(**filters), REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [entry_for(f) for f in page.object_list]
    # The map shows every matching centre, not only this page's: on the tile server when one is
    # configured, else drawn on the server from the country shapes (registry/worldmap.py).
    markers = _tile_markers(filters) if settings.REGISTRY_TILE_URL else []
    return render(
        request,
        "registry/list.html",
        {
            "entries": entries,
            "page": page,
            "page_query": _without_page(request),
            "filters": filters,
            "levels": LEVELS,
            "countries": registry_countries(),
            "markers": markers,
            "tile_url": settings.REGISTRY_TILE_URL,
            "tile_attribution": settings.REGISTRY_TILE_ATTRIBUTION,
            "world_map": "" if settings.REGISTRY_TILE_URL else _world_map_html(request),
        },
    )


def _tile_markers(filters: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "name": e.name,
            "city": e.city,
            "level": e.level_label,
            "url": e.profile_path,
            "lat": float(e.latitude),
            "lng": float(e.longitude),
        }
        for e in registry_entries(**filters)
        if e.latitude is not None and e.longitude is not None
    ]


def _world_map_html(request: HttpRequest) -> SafeString:
    """The drawn map, rendered once per version of the registry, filters and language (the same
    key as the open data's, so it changes whenever a facility, award or certificate does)."""
    key = f"registry-map:{get_language()}:{_open_data_etag(request)}"
    html: SafeString | None = cache.get(key)
    if html is None:
        drawn = world_map(registry_entries(**_filters(request)))
        html = render_to_string("registry/_worldmap.html", {"world_map": drawn}) if drawn else SafeString()
        cache.set(key, html, OPEN_DATA_CACHE_SECONDS)
    return html  # a SafeString from the template (the cache keeps its type)


@require_GET
def registry_profile(request: HttpRequest, facility_id: uuid.UUID) -> HttpResponse:
    entry = registry_entry(facility_id)
    if entry is None:
        raise Http404
    return render(request, "registry/profile.html", {"entry": entry})


def _open_data_etag(request: HttpRequest) -> str:
    """The open data's version for this request's filters, read once per request (the ETag of
    /registry.json and /registry.csv, and the key of their cached bodies)."""
    if not hasattr(request, "_registry_etag"):
        filters = "&".join(f"{k}={v}" for k, v in _filters(request).items())
        key = f"{registry_version()}|{filters}|{settings.SITE_URL}"
        request._registry_etag = hashlib.sha256(key.encode()).hexdigest()[:32]  # type: ignore[attr-defined]
    return request._registry_etag  # type: ignore[attr-defined]


def _open_data_response(
    request: HttpRequest, kind: str, build: Callable[[list[RegistryEntry]], HttpResponse]
) -> HttpResponse:
    """The response, built once per version of the registry and filters, then served from the cache:
    its key changes whenever a facility, award or certificate does, so it is never stale. Public
    data: any cache may keep it but must ask again (If-None-Match) before reusing it."""
    key = f"registry-open-data:{kind}:{_open_data_etag(request)}"
    response = cache.get(key)
    if response is None:
        response = build(registry_entries(**_filters(request)))
        cache.set(key, response, OPEN_DATA_CACHE_SECONDS)
    response["Cache-Control"] = "public, no-cache"
    return response


def _json_response(entries: list[RegistryEntry]) -> HttpResponse:
    response = JsonResponse({"count": len(entries), "centres": [e.as_open_data() for e in entries]})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _csv_response(entries: list[RegistryEntry]) -> HttpResponse:
    rows = ([e.as_open_data()[f] or "" for f in OPEN_DATA_FIELDS] for e in entries)
    return csv_response("registry.csv", OPEN_DATA_FIELDS, rows)


@require_GET
@condition(etag_func=lambda request: _open_data_etag(request))
def registry_json(request: HttpRequest) -> HttpResponse:
    """Every matching centre as JSON; a client holding the current version gets 304 Not Modified."""
    return _open_data_response(request, "json", _json_response)


@require_GET
@condition(etag_func=lambda request: _open_data_etag(request))
def registry_csv(request: HttpRequest) -> HttpResponse:
    """Every matching centre as CSV (safe to open in a spreadsheet); 304 for the current version."""
    return _open_data_response(request, "csv", _csv_response)
