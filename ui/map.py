"""The map under an answer: the cited events over a background that ships with the project.

Offline by default: the background is ui/france.geojson (Natural Earth land, lakes,
borders and French departments, written by ui/make_basemap.py), drawn by pydeck with no
tile server at all. With UI_MAP_STYLE set (a Carto style name such as `light`, or the URL
of a style.json, e.g. a self-hosted tile server), those tiles are drawn underneath and the
background keeps only its lines, so the map still reads if the tiles do not load.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pydeck as pdk

BASEMAP = Path(__file__).with_name("france.geojson")
SEA = [219, 231, 239]
LAND = [246, 243, 236]
LINES = {"border": ([90, 90, 90], 1.4), "department": ([170, 170, 170], 0.7)}
POINT = [194, 65, 12]
HEIGHT = 300  # px
WIDTH = 360  # px: the zoom is chosen so that the points fit a phone-wide map too
PIXELS = pdk.types.String("pixels")  # a plain string would be read as an expression
MARGIN = 2.0  # the points span half the map at most
APART = 24  # px: closer markers would cover each other
MIN_ZOOM, MAX_ZOOM, ONE_POINT_ZOOM = 3.8, 10.0, 9.0  # closer, departments are all it shows


@dataclass(frozen=True, slots=True)
class Point:
    number: int
    title: str
    lat: float
    lon: float


@cache
def _background() -> tuple[list[float], list[tuple[dict[str, Any], tuple[float, ...]]]]:
    """The basemap's bounds and its features, each with its own bounding box."""
    collection = json.loads(BASEMAP.read_text("utf-8"))
    features: list[tuple[dict[str, Any], tuple[float, ...]]] = [
        (f, _bbox(f["geometry"]["coordinates"])) for f in collection["features"]
    ]
    return collection["bbox"], features


def _bbox(coordinates: Any) -> tuple[float, float, float, float]:
    """(west, south, east, north) of nested GeoJSON coordinates."""
    if isinstance(coordinates[0], float | int):
        lon, lat = coordinates[0], coordinates[1]
        return lon, lat, lon, lat
    boxes = [_bbox(c) for c in coordinates]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def view(points: list[Point]) -> pdk.ViewState:
    """Centred on the points, zoomed so that they all fit with a margin."""
    lats, lons = [p.lat for p in points], [p.lon for p in points]
    lat, lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    span_lon = (max(lons) - min(lons)) * MARGIN
    span_lat = (max(lats) - min(lats)) * MARGIN / math.cos(math.radians(lat))
    if max(span_lon, span_lat) < 1e-4:
        zoom = ONE_POINT_ZOOM
    else:
        # deck.gl: at zoom z, 512 px cover 360 / 2**z degrees of longitude
        fits = [
            math.log2(size * 360 / (512 * span))
            for size, span in ((WIDTH, span_lon), (HEIGHT, span_lat))
            if span > 0
        ]
        zoom = min(fits)
    return pdk.ViewState(latitude=lat, longitude=lon, zoom=max(MIN_ZOOM, min(MAX_ZOOM, zoom)))


def _visible(state: pdk.ViewState) -> list[dict[str, Any]]:
    """The background features near the view (three times its extent), not all of France."""
    half_lon = 3 * WIDTH / 2 * 360 / (512 * 2**state.zoom)
    half_lat = half_lon * HEIGHT / WIDTH
    west, east = state.longitude - half_lon, state.longitude + half_lon
    south, north = state.latitude - half_lat, state.latitude + half_lat
    _, features = _background()
    return [
        f for f, b in features if b[0] <= east and b[2] >= west and b[1] <= north and b[3] >= south
    ]


def deck(points: list[Point], map_style: str | None = None) -> pdk.Deck:
    """The pydeck chart; `map_style` None draws no tiles (no request leaves the browser)."""
    state = view(points)
    features = _visible(state)
    layers = []
    if not map_style:
        west, south, east, north = _background()[0]
        sea = [[[west, south], [east, south], [east, north], [west, north]]]
        layers.append(
            pdk.Layer(
                "SolidPolygonLayer",
                [{"polygon": sea}],
                id="basemap-sea",
                get_polygon="polygon",
                get_fill_color=SEA,
            )
        )
        layers.append(_layer("land", features, filled=True, fill=LAND))
        layers.append(_layer("lake", features, filled=True, fill=SEA))
    for name, (color, width) in LINES.items():
        layers.append(_layer(name, features, line=color, width=width))
    rows = _markers(points, state.zoom)
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            rows,
            id="events",
            get_position="[lon, lat]",
            get_fill_color=POINT,
            get_line_color=[255, 255, 255],
            stroked=True,
            line_width_min_pixels=2,
            radius_units=PIXELS,
            get_radius="radius",
            pickable=True,
        )
    )
    layers.append(
        pdk.Layer(
            "TextLayer",
            rows,
            id="event-numbers",
            get_position="[lon, lat]",
            get_text="number",
            get_color=[255, 255, 255],
            get_size=13,
            font_weight=700,
        )
    )
    # map_provider None: pydeck marks "no basemap", and Streamlit then adds no tiles either
    style: dict[str, Any] = {"map_style": map_style} if map_style else {"map_provider": None}
    return pdk.Deck(
        layers=layers,
        initial_view_state=state,
        tooltip={"text": "{title}"},
        **style,
    )


def _markers(points: list[Point], zoom: float) -> list[dict[str, Any]]:
    """One marker per spot: events closer than `APART` pixels at this zoom share it ("1,3")."""
    per_degree = 512 * 2**zoom / 360  # px per degree of longitude
    spots: list[list[Point]] = []
    for point in points:
        squeeze = math.cos(math.radians(point.lat))
        for spot in spots:
            first = spot[0]
            dx = (point.lon - first.lon) * per_degree
            dy = (point.lat - first.lat) * per_degree / squeeze
            if math.hypot(dx, dy) < APART:
                spot.append(point)
                break
        else:
            spots.append([point])
    rows = []
    for spot in spots:
        number = ",".join(str(p.number) for p in spot)
        title = " · ".join(f"[{p.number}] {p.title}" for p in spot)
        lat, lon = spot[0].lat, spot[0].lon
        rows.append(
            {
                "number": number,
                "title": title,
                "lat": lat,
                "lon": lon,
                "radius": 7 + 3.5 * len(number),
            }
        )
    return rows


def _layer(
    name: str,
    features: list[dict[str, Any]],
    filled: bool = False,
    fill: list[int] | None = None,
    line: list[int] | None = None,
    width: float = 1.0,
) -> pdk.Layer:
    chosen = [f for f in features if f["properties"]["layer"] == name]
    return pdk.Layer(
        "GeoJsonLayer",
        {"type": "FeatureCollection", "features": chosen},
        id=f"basemap-{name}",
        filled=filled,
        stroked=not filled,
        get_fill_color=fill or [0, 0, 0, 0],
        get_line_color=line or [0, 0, 0, 0],
        line_width_units=PIXELS,
        get_line_width=width,
        pickable=False,
    )
