"""The registry's map without a tile server: drawn on the server as inline SVG.

Country shapes come from the npm package world-atlas (countries-110m.json, TopoJSON), pinned in
package.json: `make assets` copies the file into var/assets, and node_modules holds it after
`make setup`. TopoJSON stores each border once, as an "arc" of delta-encoded integer positions;
a country is a list of rings, each a list of arc indices (a negative index ~i is arc i reversed).
The arcs are decoded once per process and projected (Web Mercator, the projection people know
from online maps); a page draws only the countries inside the frame around its centres.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from iasios.facilities.countries import COUNTRIES
from iasios.registry.selectors import RegistryEntry

logger = logging.getLogger(__name__)

ATLAS_FILE = "countries-110m.json"
# Width of the whole world in map units; heights follow from the projection.
WORLD_WIDTH = 1000.0
# Mercator cannot show the poles; maps stop where online maps do.
MAX_LATITUDE = 85.0
# The smallest frame, in degrees of longitude: one centre alone still shows its neighbours.
MIN_SPAN_DEGREES = 24.0
FRAME_RATIO = 0.75  # height / width

# world-atlas names a few countries in short forms; the registry stores ISO 3166-1 alpha-2 codes.
ATLAS_NAMES = {
    "W. Sahara": "EH",
    "United States of America": "US",
    "Dem. Rep. Congo": "CD",
    "Dominican Rep.": "DO",
    "Russia": "RU",
    "Falkland Is.": "FK",
    "Fr. S. Antarctic Lands": "TF",
    "Central African Rep.": "CF",
    "Eq. Guinea": "GQ",
    "eSwatini": "SZ",
    "Palestine": "PS",
    "Turkey": "TR",
    "Solomon Is.": "SB",
    "Brunei": "BN",
    "Bosnia and Herz.": "BA",
    "Macedonia": "MK",
    "S. Sudan": "SS",
}

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom
        )

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class CountryShape:
    code: str  # ISO alpha-2, "" for territories the registry cannot hold (e.g. N. Cyprus)
    name: str
    path: str  # SVG path data in map units
    box: Box


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    entry: RegistryEntry


@dataclass(frozen=True)
class WorldMap:
    view_box: str
    frame: Box
    radius: float
    countries: list[CountryShape]
    highlighted: list[tuple[CountryShape, str]]  # with the country's name in the registry's words
    dots: list[Dot]
    unplaced: list[RegistryEntry]  # centres without coordinates, shown by their country

    # The shapes and dots are written in one go (thousands of elements; a template loop per dot
    # was most of the registry page's time).
    @property
    def land_html(self) -> SafeString:
        return format_html_join("", '<path d="{}"/>', ((country.path,) for country in self.countries))

    @property
    def dots_html(self) -> SafeString:
        radius = f"{self.radius:.2f}"
        return format_html_join(
            "",
            '<a href="{}" class="worldmap-dot worldmap-dot-{}"><circle cx="{}" cy="{}" r="{}"/>'
            "<title>{}, {} · {}</title></a>",
            (
                (
                    dot.entry.profile_path,
                    dot.entry.level,
                    f"{dot.x:.1f}",
                    f"{dot.y:.1f}",
                    radius,
                    dot.entry.name,
                    dot.entry.city,
                    dot.entry.level_label,
                )
                for dot in self.dots
            ),
        )

    @property
    def levels(self) -> list[tuple[str, str]]:
        """The levels of the dots, (code, label), for the key: each level has its colour."""
        return sorted({(d.entry.level, d.entry.level_label) for d in self.dots}, key=lambda level: level[1])


def project(longitude: float, latitude: float) -> Point:
    """Web Mercator, in map units: x from 0 (180° W) to WORLD_WIDTH, y from the north down."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, latitude))
    x = (longitude + 180.0) / 360.0 * WORLD_WIDTH
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * WORLD_WIDTH
    return x, y


def atlas_path() -> Path:
    """The shapes file: var/assets (copied by `make assets`), else node_modules."""
    for folder in (
        Path(settings.VAR_DIR) / "assets" / "world-atlas",
        Path(settings.BASE_DIR) / "node_modules" / "world-atlas",
    ):
        if (folder / ATLAS_FILE).is_file():
            return folder / ATLAS_FILE
    raise FileNotFoundError(f"world-atlas/{ATLAS_FILE} is missing: run `make setup`.")


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Each arc's positions in degrees: running sums of the deltas, scaled and translated."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: Sequence[int], arcs: list[list[Point]]) -> list[Point]:
    """A ring's positions: its arcs joined end to start (the shared position once)."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _rings(geometry: dict) -> list[Sequence[int]]:
    if geometry["type"] == "Polygon":
        return list(geometry["arcs"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


def unwrapped(ring: list[Point]) -> list[Point]:
    """The ring with longitudes made continuous: a ring crossing the antimeridian (Russia, Fiji)
    goes on past 180° instead of drawing a line across the whole world."""
    points: list[Point] = []
    offset = 0.0
    for lon, lat in ring:
        if points:
            step = lon + offset - points[-1][0]
            offset -= 360.0 * round(step / 360.0)
        points.append((lon + offset, lat))
    return points


def _path_and_box(rings: Iterable[list[Point]]) -> tuple[str, Box]:
    parts, xs, ys = [], [], []
    for ring in rings:
        projected = [project(lon, lat) for lon, lat in unwrapped(ring)]
        xs += [x for x, _ in projected]
        ys += [y for _, y in projected]
        parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in projected) + "Z")
    return "".join(parts), Box(min(xs), min(ys), max(xs), max(ys))


@cache
def country_shapes() -> tuple[CountryShape, ...]:
    """Every country's projected outline, decoded once per process."""
    topology = json.loads(atlas_path().read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    codes = {str(name): code for code, name in COUNTRIES} | ATLAS_NAMES
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        rings = [ring_points(ring, arcs) for ring in _rings(geometry)]
        if not rings:
            continue
        name = geometry.get("properties", {}).get("name", "")
        path, box = _path_and_box(rings)
        shapes.append(CountryShape(code=codes.get(name, ""), name=name, path=path, box=box))
    return tuple(shapes)


def _frame(points: list[Point], boxes: list[Box]) -> Box:
    """The frame around the centres and highlighted countries, padded, at the map's proportions."""
    xs = [x for x, _ in points] + [v for b in boxes for v in (b.left, b.right)]
    ys = [y for _, y in points] + [v for b in boxes for v in (b.top, b.bottom)]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    width = max(right - left, MIN_SPAN_DEGREES / 360 * WORLD_WIDTH) * 1.2
    height = max(bottom - top, width * FRAME_RATIO) * 1.15
    width = max(width, height / FRAME_RATIO)
    centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
    return Box(centre_x - width / 2, centre_y - height / 2, centre_x + width / 2, centre_y + height / 2)


def world_map(entries: Iterable[RegistryEntry]) -> WorldMap | None:
    """The map of these centres: a dot for each with coordinates, its country for each without.
    None when nothing can be placed, or the shapes file is missing (the list still serves)."""
    try:
        shapes = country_shapes()
    except FileNotFoundError:
        logger.warning("The registry map is off: world-atlas/%s is missing (run `make setup`).", ATLAS_FILE)
        return None
    by_code = {s.code: s for s in shapes if s.code}
    dots, unplaced = [], []
    for entry in entries:
        if entry.latitude is not None and entry.longitude is not None:
            x, y = project(float(entry.longitude), float(entry.latitude))
            dots.append(Dot(x=x, y=y, entry=entry))
        else:
            unplaced.append(entry)
    highlighted = list(
        {e.country: (by_code[e.country], e.country_name) for e in unplaced if e.country in by_code}.values()
    )
    if not dots and not highlighted:
        return None
    frame = _frame([(d.x, d.y) for d in dots], [shape.box for shape, _ in highlighted])
    return WorldMap(
        view_box=f"{frame.left:.2f} {frame.top:.2f} {frame.width:.2f} {frame.height:.2f}",
        frame=frame,
        radius=round(frame.width / 110, 2),
        countries=[s for s in shapes if s.box.overlaps(frame)],
        highlighted=highlighted,
        dots=dots,
        unplaced=unplaced,
    )
