"""The registry's map without a tile server: inline SVG drawn on the server from world-atlas shapes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from iasios.facilities.models import Facility
from iasios.registry import worldmap
from tests import factories

pytestmark = pytest.mark.django_db


def _enrolled(**fields: Any) -> Facility:
    facility = factories.make_facility(**fields)
    Facility.objects.filter(pk=facility.pk).update(status="enrolled")
    return facility


@pytest.fixture
def no_tiles(settings: Any) -> None:
    settings.REGISTRY_TILE_URL = ""


def _page(query: str = "") -> str:
    response = Client().get(f"/registry/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _svg(html: str) -> str:
    match = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert match, "no inline SVG map in the page"
    return match.group(0)


def test_without_a_tile_server_the_registry_draws_an_svg_map_with_a_title_and_description(no_tiles) -> None:
    _enrolled(name="Leuven IO", city="Leuven", country="BE", latitude=50.88, longitude=4.70)
    svg = _svg(_page())
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert svg.count("<path ") > 5  # Belgium and its neighbours
    assert 'id="registry-map"' not in _page()  # no Leaflet


def test_each_dot_is_titled_and_links_to_the_centres_profile(no_tiles) -> None:
    leuven = _enrolled(name="Leuven IO", city="Leuven", country="BE", latitude=50.88, longitude=4.70)
    _enrolled(name="Riga IO", city="Riga", country="LV", latitude=56.95, longitude=24.11)
    svg = _svg(_page())
    dot = re.search(rf'<a href="/registry/{leuven.pk}/"[^>]*><circle [^>]*/><title>([^<]*)</title></a>', svg)
    assert dot, svg[-800:]
    assert "Leuven IO" in dot.group(1) and "Leuven" in dot.group(1)
    assert svg.count("<circle ") == 2


def test_a_dot_sits_where_its_coordinates_project_inside_the_frame(no_tiles) -> None:
    _enrolled(name="Leuven IO", city="Leuven", country="BE", latitude=50.88, longitude=4.70)
    svg = _svg(_page())
    left, top, width, height = (float(v) for v in re.search(r'viewBox="([^"]+)"', svg).group(1).split())
    cx, cy = (float(re.search(rf'{name}="([^"]+)"', svg).group(1)) for name in ("cx", "cy"))
    assert (cx, cy) == pytest.approx(worldmap.project(4.70, 50.88), abs=0.1)
    assert left < cx < left + width and top < cy < top + height


def test_a_centre_without_coordinates_shades_its_country(no_tiles) -> None:
    _enrolled(name="Lyon IO", city="Lyon", country="FR")
    svg = _svg(_page())
    assert 'class="worldmap-highlight"' in svg and "France: a centre without a location" in svg
    assert "<circle " not in svg


def test_the_map_follows_the_filters_and_vanishes_when_nothing_matches(no_tiles) -> None:
    _enrolled(name="Leuven IO", city="Leuven", country="BE", latitude=50.88, longitude=4.70)
    _enrolled(name="Riga IO", city="Riga", country="LV", latitude=56.95, longitude=24.11)
    assert _svg(_page("?country=LV")).count("<circle ") == 1
    assert "<svg" not in _page("?q=nothing-like-this")


def test_the_page_with_the_map_names_no_outside_host(no_tiles) -> None:
    _enrolled(name="Leuven IO", city="Leuven", country="BE", latitude=50.88, longitude=4.70)
    html = _page()
    # The only absolute URL allowed is the SVG namespace, which is a name, not a request.
    outside = [
        u for u in re.findall(r"""(?:https?:)?//[\w.-]+\.[a-z]{2,}[^"' )]*""", html) if "www.w3.org/2000/svg" not in u
    ]
    assert outside == []


def test_with_a_tile_server_the_leaflet_map_is_used_instead(settings: Any) -> None:
    settings.REGISTRY_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    _enrolled(name="Leuven IO", city="Leuven", country="BE", latitude=50.88, longitude=4.70)
    html = _page()
    assert 'id="registry-map"' in html and "<svg" not in html


def test_topojson_arcs_decode_with_the_transform_and_join_reversed() -> None:
    topology = {
        "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[0, 0], [2, 4]]],
    }
    arcs = worldmap.decode_arcs(topology)
    assert arcs == [[(10.0, 20.0), (11.0, 20.0), (11.0, 21.0)], [(10.0, 20.0), (11.0, 21.0)]]
    # Ring: arc 0, then arc 1 reversed (~1 == -2); the shared position appears once.
    assert worldmap.ring_points([0, ~1], arcs) == [(10.0, 20.0), (11.0, 20.0), (11.0, 21.0), (10.0, 20.0)]


def test_every_country_in_the_atlas_that_the_registry_knows_has_its_code() -> None:
    codes = {shape.code for shape in worldmap.country_shapes()}
    assert {"BE", "FR", "DE", "US", "RU", "GB", "BA", "MK"} <= codes
    assert len(worldmap.country_shapes()) > 170


def test_the_page_query_count_does_not_grow_with_the_map(no_tiles) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _page()
        return len(ctx.captured_queries)

    for i in range(3):
        _enrolled(name=f"Small {i}", latitude=48 + i, longitude=2 + i)
    small = count()
    for i in range(30):
        _enrolled(name=f"Large {i}", country="DE" if i % 2 else "IT", latitude=45 + i / 10, longitude=9 + i / 10)
    assert count() == small


def test_a_ring_across_the_antimeridian_goes_on_instead_of_crossing_the_world() -> None:
    ring = [(179.0, 65.0), (-179.0, 66.0), (-178.0, 64.0), (179.5, 64.0), (179.0, 65.0)]
    assert worldmap.unwrapped(ring) == [(179.0, 65.0), (181.0, 66.0), (182.0, 64.0), (179.5, 64.0), (179.0, 65.0)]


def test_without_the_shapes_file_the_list_is_served_without_a_map(no_tiles, monkeypatch) -> None:
    _enrolled(name="Leuven IO", city="Leuven", country="BE", latitude=50.88, longitude=4.70)

    def missing() -> None:
        raise FileNotFoundError

    monkeypatch.setattr(worldmap, "country_shapes", missing)
    html = _page()
    assert "Leuven IO" in html and "<svg" not in html


def test_the_map_is_drawn_once_per_version_of_the_registry_and_again_after_a_change(no_tiles, monkeypatch) -> None:
    _enrolled(name="Leuven IO", city="Leuven", country="BE", latitude=50.88, longitude=4.70)
    drawn: list[int] = []
    draw = worldmap.world_map

    def counting(entries: Any) -> Any:
        entries = list(entries)
        drawn.append(len(entries))
        return draw(entries)

    monkeypatch.setattr("iasios.registry.views.world_map", counting)
    first, second = _svg(_page()), _svg(_page())
    assert first == second and drawn == [1]
    _enrolled(name="Riga <b>IO</b>", city="Riga", country="LV", latitude=56.95, longitude=24.11)
    third = _svg(_page())
    assert drawn == [1, 2] and third.count("<circle ") == 2
    assert "Riga &lt;b&gt;IO&lt;/b&gt;" in third and "<b>" not in third
