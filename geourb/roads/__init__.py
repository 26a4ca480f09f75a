"""Road networks from OSM (PBF/XML, streamed with pyosmium), osmnx graphs and GIS road layers.

Every builder returns a :class:`~geourb.network.Network` (travel time per edge = length /
speed) restricted by default to its largest strongly connected component
(``largest_component="strong" | "weak" | False``; what is dropped is logged and kept in
``network.info["dropped"]``).

Modules:

* :mod:`geourb.roads.speeds`: the speed tables (package data ``geourb/data/road_speeds.toml``,
  sources in its header) and the per-edge speed model;
* :mod:`geourb.roads.osm`: OSM files and osmnx graphs;
* :mod:`geourb.roads.layers`: GIS road layers (CRS fixes, GCJ-02/BD-09, controlled access);
* :mod:`geourb.roads.china`: Chinese class fields, grade names and route codes;
* :mod:`geourb.roads.approximate`: the straight-line county-seat network;
* :mod:`geourb.roads.load`: :func:`load_network` by file type.

Speed model (``CHINA_SPEEDS_KMH``, km/h, defaults for Chinese roads, all configurable by
passing ``speeds={...}``): motorway 110, trunk 80, primary 60, secondary 50, tertiary 40,
unclassified/residential 30, living_street/service 20, links a bit slower than their road.
An OSM ``maxspeed`` tag (``"60"``, ``"40 mph"``, ``"60;80"`` -> the first) overrides the
class speed. Classes missing from the table get ``default_speed_kmh`` and are listed in the
log and in ``network.info["unknown_classes"]`` (or raise with ``unknown="raise"``).

Chinese GIS layers: urban classes (CJJ 37: 快速路 70, 主干路 55, 次干路 40, 支路 30, 内部道路 15
km/h), highway technical grades (JTG B01-2014: 高速公路 100, 一级 85, 二级 70, 三级 35, 四级 25,
等外 20) and administrative grades (国道 70, 省道 60, 县道 35, 乡道/村道 25, 专用公路 35), read
from the usual class fields or route codes (G206, S101, G1501). Layers digitised on AMap /
Tencent (GCJ-02) or Baidu (BD-09) maps are declared with ``coord_system="gcj02"`` / ``"bd09"``
and converted to WGS84 vertex by vertex.
"""

from __future__ import annotations

from geourb.roads.approximate import APPROX_CIRCUITY, APPROX_SPEED_KMH, approximate_network
from geourb.roads.build import Component
from geourb.roads.china import (
    CLASS_FIELD_NAMES,
    classify_roads,
    find_class_fields,
    normalize_class,
    parse_route_code,
)
from geourb.roads.layers import (
    EXPRESSWAY_CLASSES,
    INTERCHANGE_SPEED_KMH,
    fix_degree_crs,
    network_from_layers,
    read_road_layer,
)
from geourb.roads.load import load_network
from geourb.roads.osm import (
    DRIVE_EXCLUDED_HIGHWAYS,
    NODE_INDEX_DISK_ABOVE_MB,
    network_from_graph,
    network_from_osm,
    network_from_place,
)
from geourb.roads.osm import _is_drive as _is_drive  # used by benchmarks and tests
from geourb.roads.osm import _oneway_flag as _oneway_flag
from geourb.roads.speeds import (
    ALL_LAYER_SPEEDS_KMH,
    CHINA_ADMIN_SPEEDS_KMH,
    CHINA_HIGHWAY_SPEEDS_KMH,
    CHINA_SPEEDS_KMH,
    CHINA_URBAN_SPEEDS_KMH,
    CLASS_ALIASES,
    parse_maxspeed,
)

__all__ = [
    "ALL_LAYER_SPEEDS_KMH",
    "APPROX_CIRCUITY",
    "APPROX_SPEED_KMH",
    "CHINA_ADMIN_SPEEDS_KMH",
    "CHINA_HIGHWAY_SPEEDS_KMH",
    "CHINA_SPEEDS_KMH",
    "CHINA_URBAN_SPEEDS_KMH",
    "CLASS_ALIASES",
    "CLASS_FIELD_NAMES",
    "DRIVE_EXCLUDED_HIGHWAYS",
    "EXPRESSWAY_CLASSES",
    "INTERCHANGE_SPEED_KMH",
    "NODE_INDEX_DISK_ABOVE_MB",
    "Component",
    "approximate_network",
    "classify_roads",
    "find_class_fields",
    "fix_degree_crs",
    "load_network",
    "network_from_graph",
    "network_from_layers",
    "network_from_osm",
    "network_from_place",
    "normalize_class",
    "parse_maxspeed",
    "parse_route_code",
    "read_road_layer",
]
