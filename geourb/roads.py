"""Road networks from OSM (PBF/XML, streamed with pyosmium), osmnx graphs and GIS road layers.

Every builder returns a :class:`~geourb.network.Network` (travel time per edge = length /
speed) restricted by default to its largest strongly connected component.

Speed model (``CHINA_SPEEDS_KMH``, km/h, defaults for Chinese roads, all configurable by
passing ``speeds={...}``): motorway 110, trunk 80, primary 60, secondary 50, tertiary 40,
unclassified/residential 30, living_street/service 20, links a bit slower than their road.
An OSM ``maxspeed`` tag (``"60"``, ``"40 mph"``, ``"60;80"`` -> the first) overrides the
class speed. Classes missing from the table get ``default_speed_kmh`` and are listed in the
log and in ``network.info["unknown_classes"]`` (or raise with ``unknown="raise"``).

Chinese urban road classes (GB 50220 / CJJ 37: 主干路, 次干路, 支路, plus 内部道路) have
defaults in ``CHINA_URBAN_SPEEDS_KMH``: arterial_main / 主干路 55, arterial_secondary / 次干路 40,
branch / 支路 30, internal / 内部道路 15 km/h. GIS layers take their class from an attribute
(``class_column``) or, failing that, from the layer or file name. Layers digitised on AMap /
Tencent (GCJ-02) or Baidu (BD-09) maps are declared with ``coord_system="gcj02"`` / ``"bd09"``
and converted to WGS84 vertex by vertex.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geourb._errors import (
    CrsError,
    DataFileNotFoundError,
    EmptyResultError,
    InvalidValueError,
    NetworkGraphError,
    NoCrsError,
    UnknownNameError,
    suggest,
)
from geourb._log import logger
from geourb.coords import check_system, convert_geometries
from geourb.network import Network, great_circle_m

if TYPE_CHECKING:
    import networkx as nx

CHINA_SPEEDS_KMH: dict[str, float] = {
    "motorway": 110, "motorway_link": 60,
    "trunk": 80, "trunk_link": 50,
    "primary": 60, "primary_link": 40,
    "secondary": 50, "secondary_link": 35,
    "tertiary": 40, "tertiary_link": 30,
    "unclassified": 30, "residential": 30, "road": 30, "busway": 30,
    "living_street": 20, "service": 20,
}
"""Default speeds (km/h) by OSM ``highway`` class for China."""

CHINA_URBAN_SPEEDS_KMH: dict[str, float] = {
    "arterial_main": 55, "主干路": 55,
    "arterial_secondary": 40, "次干路": 40,
    "branch": 30, "支路": 30,
    "internal": 15, "内部道路": 15,
}
"""Default speeds (km/h) of Chinese urban road classes (主干路 / 次干路 / 支路 / 内部道路)."""

APPROX_SPEED_KMH: float = 80.0
"""Default link speed (km/h) of :func:`approximate_network` (expressway / first-class roads)."""

APPROX_CIRCUITY: float = 1.25
"""Default road / straight-line distance ratio of :func:`approximate_network`."""

DRIVE_EXCLUDED_HIGHWAYS = frozenset([
    "abandoned", "bridleway", "bus_guideway", "construction", "corridor", "cycleway", "elevator",
    "escalator", "footway", "no", "path", "pedestrian", "planned", "platform", "proposed",
    "raceway", "razed", "service", "steps", "track",
])
"""``highway`` values excluded from the drive network (osmnx's ``network_type="drive"``)."""

_EXCLUDED_SERVICE = frozenset(["alley", "driveway", "emergency_access", "parking", "parking_aisle", "private"])
_ONEWAY_YES = frozenset({"yes", "true", "1"})
_ONEWAY_REVERSE = frozenset({"-1", "reverse"})
_MIN_LENGTH_M = 0.5  # zero-length segments (duplicated vertices) still take a little time


def _check_speeds(speeds: Mapping[str, float], what: str) -> dict[str, float]:
    out = {}
    for key, val in speeds.items():
        try:
            speed = float(val)
        except (TypeError, ValueError):
            speed = float("nan")
        if not (np.isfinite(speed) and speed > 0):
            raise InvalidValueError(
                f"{what}: the speed of road class {key!r} must be a positive number of km/h, "
                f"got {val!r}."
            )
        out[str(key)] = speed
    return out


def parse_maxspeed(value: str | float | list[str] | tuple[str, ...] | None) -> float:
    """Parse an OSM ``maxspeed`` tag to km/h (NaN when not a number, e.g. ``"none"``).

    Parameters
    ----------
    value
        The tag value: ``"60"``, ``"40 mph"``, ``"60;80"`` (the first number is used), a
        number, a list or tuple of values as osmnx keeps them (the first is used) or None.

    Returns
    -------
    float
        Speed in km/h (miles per hour converted); NaN for missing, non-numeric or
        non-positive values.

    Examples
    --------
    >>> parse_maxspeed("60;80")
    60.0
    >>> round(parse_maxspeed("40 mph"), 1)
    64.4
    >>> parse_maxspeed("none")
    nan
    """
    if value is None:
        return float("nan")
    if isinstance(value, list | tuple):
        value = value[0] if value else None
        return parse_maxspeed(value)
    text = str(value).strip().lower()
    m = re.match(r"^(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?", text)
    if not m:
        return float("nan")
    speed = float(m.group(1)) * (1.609344 if m.group(2) == "mph" else 1.0)
    return speed if speed > 0 else float("nan")


def _is_drive(tags: Mapping[str, Any]) -> bool:
    highway = tags.get("highway")
    if not highway or highway in DRIVE_EXCLUDED_HIGHWAYS:
        return False
    if tags.get("area") == "yes" or tags.get("access") == "private":
        return False
    if tags.get("motor_vehicle") == "no" or tags.get("motorcar") == "no":
        return False
    return tags.get("service") not in _EXCLUDED_SERVICE


def _oneway_flag(tags: Mapping[str, Any]) -> int:
    """1 = one-way forward, -1 = one-way reversed, 0 = two-way."""
    ow = str(tags.get("oneway") or "").lower()
    if ow in _ONEWAY_YES:
        return 1
    if ow in _ONEWAY_REVERSE:
        return -1
    if ow == "no":
        return 0
    if tags.get("junction") in {"roundabout", "circular"} or tags.get("highway") == "motorway":
        return 1
    return 0


def _map_unique(values: pd.Series, func: Any) -> np.ndarray:
    """``func`` applied to each distinct value only (float result per row); None for NA."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable values (e.g. lists in osmnx graphs)
        return np.array([func(v) for v in values], dtype=float)
    table = np.array([func(u) for u in uniques] + [func(None)], dtype=float)
    return table[codes]  # code -1 (NA) takes the last entry


def _speeds_for(classes: pd.Series, maxspeed: pd.Series | None, speeds: dict[str, float],
                default_speed_kmh: float, unknown: str, source: str) -> tuple[np.ndarray, dict]:
    """Per-row speed (km/h) from class and maxspeed; report the unknown classes."""
    speed = pd.Series(_map_unique(classes, lambda c: speeds.get(c, np.nan)), index=classes.index)
    missing = speed.isna()
    unknown_counts = (classes[missing].fillna("<none>").value_counts().to_dict()
                      if missing.any() else {})
    if unknown_counts:
        listing = ", ".join(f"{k!r} ({v})" for k, v in unknown_counts.items())
        if unknown == "raise":
            first = next(iter(unknown_counts))
            raise UnknownNameError(
                f"{source}: road classes without a speed: {listing}. Add them to speeds={{...}} "
                f"(known: {', '.join(sorted(speeds))}).{suggest(first, speeds)}"
            )
        logger.warning("%s: road classes without a speed, %g km/h used: %s", source,
                       default_speed_kmh, listing)
        speed[missing] = default_speed_kmh
    n_max = 0
    if maxspeed is not None:
        parsed = pd.Series(_map_unique(maxspeed, parse_maxspeed), index=speed.index)
        has = parsed.notna()
        n_max = int(has.sum())
        speed[has] = parsed[has]
    info = {"unknown_classes": unknown_counts, "default_speed_kmh": default_speed_kmh,
            "maxspeed_used": n_max}
    return speed.to_numpy(dtype=float), info


def _from_ways(refs: np.ndarray, lon: np.ndarray, lat: np.ndarray, way_of_vertex: np.ndarray,
               ways: pd.DataFrame, *, speeds: dict[str, float], default_speed_kmh: float,
               unknown: str, name: str, largest_component: bool, source: str) -> Network:
    """Network from way vertices (node refs + coords, grouped by way, in order)."""
    if refs.size == 0:
        raise NetworkGraphError(f"{source}: no drivable road found (empty or filtered out).")
    _, first, inverse = np.unique(refs, return_index=True, return_inverse=True)
    same = way_of_vertex[1:] == way_of_vertex[:-1]
    a, b = inverse[:-1][same], inverse[1:][same]
    w = way_of_vertex[:-1][same]
    node_lon, node_lat = lon[first], lat[first]
    length = great_circle_m(node_lon[a], node_lat[a], node_lon[b], node_lat[b])
    speed, info = _speeds_for(ways["highway"], ways.get("maxspeed"), speeds, default_speed_kmh,
                              unknown, source)
    oneway = ways["oneway"].to_numpy()
    kmh = speed[w]
    flag = oneway[w]
    u = np.where(flag == -1, b, a)
    v = np.where(flag == -1, a, b)
    time_s = np.maximum(length, _MIN_LENGTH_M) / (kmh / 3.6)
    net = Network.from_edges(u, v, time_s, node_lon=node_lon, node_lat=node_lat,
                             length_m=length, oneway=flag != 0, name=name,
                             largest_component=largest_component)
    net.info.update(info, source=source, n_ways=len(ways))
    return net


def network_from_osm(
    path: str | os.PathLike[str],
    *,
    speeds: Mapping[str, float] | None = None,
    default_speed_kmh: float = 30.0,
    unknown: Literal["warn", "raise"] = "warn",
    name: str | None = None,
    largest_component: bool = True,
) -> Network:
    """Build the drive network from an OSM file (``.osm.pbf``, ``.osm``, ``.osm.bz2``).

    The file is streamed with pyosmium (node locations kept in memory, only ``highway`` ways
    materialised), so a province-size PBF never goes through networkx. The drive filter is
    osmnx's ``network_type="drive"``; every OSM node of a kept way is a network node.

    Parameters
    ----------
    path
        The OSM file.
    speeds
        km/h by ``highway`` class (default :data:`CHINA_SPEEDS_KMH`); ``maxspeed`` overrides.
    default_speed_kmh
        Speed for classes not in ``speeds``.
    unknown
        ``"warn"``: log the unknown classes and use the default; ``"raise"``: refuse them.
    name
        Label (default: the file name).
    largest_component
        Keep only the largest strongly connected component.

    Returns
    -------
    Network
        Nodes are the OSM nodes of the kept ways (WGS84 degrees), edges the way segments with
        ``length_m`` (great-circle metres) and travel time in seconds; ``network.info``
        holds ``unknown_classes``, ``default_speed_kmh``, ``maxspeed_used``, ``source`` and
        ``n_ways``.

    Raises
    ------
    DataFileNotFoundError
        The file does not exist.
    NetworkGraphError
        The file is corrupt or not OSM, or holds no drivable road.
    UnknownNameError
        Road classes without a speed and ``unknown="raise"``.
    InvalidValueError
        A speed (in ``speeds`` or ``default_speed_kmh``) is not a positive number.
    """
    import osmium

    path = Path(path)
    if not path.exists():
        raise DataFileNotFoundError(f"OSM file {path} does not exist.")
    speeds_ = _check_speeds(CHINA_SPEEDS_KMH if speeds is None else speeds, str(path))
    _check_speeds({"default": default_speed_kmh}, str(path))
    refs: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    counts: list[int] = []
    rows: list[tuple[str, object, int]] = []
    try:
        # node locations are cached for all nodes, but only highway ways reach Python
        processor = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
                     .with_locations()
                     .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
                     .with_filter(osmium.filter.KeyFilter("highway")))
        for obj in processor:
            tags = obj.tags  # TagList: .get() looks up the few keys used, no dict copy
            if tags.get("highway") in DRIVE_EXCLUDED_HIGHWAYS or not _is_drive(tags):
                continue
            nodes = [(nd.ref, nd.lon, nd.lat) for nd in obj.nodes if nd.location.valid()]
            if len(nodes) < 2:
                continue
            rows.append((tags.get("highway"), tags.get("maxspeed"), _oneway_flag(tags)))
            counts.append(len(nodes))
            ref, lon, lat = zip(*nodes, strict=True)
            refs.extend(ref)
            lons.extend(lon)
            lats.extend(lat)
    except RuntimeError as exc:
        raise NetworkGraphError(
            f"Cannot read OSM file {path}: {exc}. It is corrupt or not an OSM PBF/XML file; "
            "download it again."
        ) from exc
    way_idx = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    ways = pd.DataFrame(rows, columns=["highway", "maxspeed", "oneway"])
    logger.info("%s: %d drivable ways, %d way nodes", path.name, len(ways), len(refs))
    return _from_ways(np.asarray(refs, dtype=np.int64), np.asarray(lons), np.asarray(lats),
                      way_idx, ways, speeds=speeds_,
                      default_speed_kmh=default_speed_kmh, unknown=unknown,
                      name=name or path.name, largest_component=largest_component,
                      source=str(path))


def network_from_graph(
    graph: nx.MultiDiGraph,
    *,
    speeds: Mapping[str, float] | None = None,
    default_speed_kmh: float = 30.0,
    unknown: Literal["warn", "raise"] = "warn",
    name: str = "",
    largest_component: bool = True,
) -> Network:
    """Convert an osmnx ``MultiDiGraph`` (nodes ``x``/``y`` in EPSG:4326, edges ``length``).

    Uses the edge's ``travel_time`` when present, else ``length`` / speed by ``highway`` and
    ``maxspeed``. Edges are taken as directed (osmnx already adds both directions).

    Parameters
    ----------
    graph
        An unprojected osmnx graph: node attributes ``x``/``y`` (WGS84 degrees), edge
        attributes ``length`` (metres; the great-circle distance when missing), optionally
        ``travel_time`` (seconds), ``highway`` and ``maxspeed``.
    speeds
        km/h by ``highway`` class (default :data:`CHINA_SPEEDS_KMH`); ``maxspeed`` overrides.
    default_speed_kmh
        Speed in km/h for classes not in ``speeds``.
    unknown
        ``"warn"``: log the unknown classes and use the default; ``"raise"``: refuse them.
    name
        Label of the network.
    largest_component
        Keep only the largest strongly connected component.

    Returns
    -------
    Network
        Node ``i`` is the ``i``-th node of ``graph``; edge times in seconds, ``length_m`` in
        metres; ``network.info`` reports the unknown classes and ``maxspeed_used``.

    Raises
    ------
    NetworkGraphError
        The graph has no edges.
    CrsError
        The graph is projected (its ``crs`` is not EPSG:4326).
    UnknownNameError
        Road classes without a speed and ``unknown="raise"``.
    InvalidValueError
        A speed in ``speeds`` is not a positive number.
    """
    nodes = list(graph.nodes)
    if not nodes or graph.number_of_edges() == 0:
        raise NetworkGraphError(f"Graph {name or ''} has no edges.")
    crs = str(graph.graph.get("crs", "EPSG:4326")).lower()
    if crs not in {"epsg:4326", "wgs84"}:
        raise CrsError(f"Graph CRS is {crs}; project it back with osmnx.project_graph(G, to_latlong=True).")
    pos = {k: i for i, k in enumerate(nodes)}
    data = [(pos[a], pos[b], d) for a, b, d in graph.edges(data=True)]
    u = np.array([r[0] for r in data], dtype=np.int64)
    v = np.array([r[1] for r in data], dtype=np.int64)
    length = np.array([float(r[2].get("length", np.nan)) for r in data])
    lon = np.array([graph.nodes[k]["x"] for k in nodes], dtype=float)
    lat = np.array([graph.nodes[k]["y"] for k in nodes], dtype=float)
    gc = great_circle_m(lon[u], lat[u], lon[v], lat[v])
    length = np.where(np.isfinite(length), length, gc)
    given = np.array([float(r[2].get("travel_time", np.nan)) for r in data])
    hw = pd.Series([r[2].get("highway") for r in data]).map(
        lambda h: h[0] if isinstance(h, list) else h)
    ms = pd.Series([r[2].get("maxspeed") for r in data], dtype=object)
    speeds_ = _check_speeds(CHINA_SPEEDS_KMH if speeds is None else speeds, name or "graph")
    kmh, info = _speeds_for(hw, ms, speeds_, default_speed_kmh, unknown, name or "graph")
    time_s = np.where(np.isfinite(given) & (given > 0), given,
                      np.maximum(length, _MIN_LENGTH_M) / (kmh / 3.6))
    net = Network.from_edges(u, v, time_s, node_lon=lon, node_lat=lat, length_m=length,
                             name=name, largest_component=largest_component)
    net.info.update(info)
    return net


def network_from_place(query: str | dict[str, str], **kwargs: Any) -> Network:  # pragma: no cover - online
    """Download a drive network with osmnx (``graph_from_place``, osmnx's cache) and convert it.

    Parameters
    ----------
    query
        A place name or structured query for :func:`osmnx.graph_from_place`, e.g.
        ``"Wuhan, China"`` or ``{"city": "武汉市"}``. Needs internet unless osmnx has it cached.
    **kwargs
        Passed to :func:`network_from_graph` (``speeds``, ``default_speed_kmh``, ``unknown``,
        ``largest_component``).

    Returns
    -------
    Network
        The drive network, named after ``query``.
    """
    import osmnx as ox

    graph = ox.graph_from_place(query, network_type="drive", simplify=False)
    return network_from_graph(graph, name=str(query), **kwargs)


# ---------------------------------------------------------------------------- GIS layers
def _line_layer(path: Path) -> str:
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises DataSourceError subclasses
        raise NetworkGraphError(f"Cannot open road layer {path}: {exc}") from exc
    for layer, geom in layers:
        if geom and "line" in str(geom).lower():
            return str(layer)
    raise EmptyResultError(
        f"{path} has no line layer (layers: {', '.join(str(x[0]) for x in layers) or 'none'}). "
        "Road networks need LineString/MultiLineString features."
    )


def _class_from_name(text: str, speeds: Mapping[str, float]) -> str | None:
    low = text.lower()
    hits = [k for k in speeds if k.lower() in low]
    return max(hits, key=len) if hits else None


def fix_degree_crs(gdf: gpd.GeoDataFrame, *, source: str, strict: bool = False) -> gpd.GeoDataFrame:
    """Relabel as EPSG:4326 a layer whose projected CRS label hides longitude/latitude degrees.

    A projected CRS with every coordinate within +-180 / +-90 (metres would put the whole
    layer within 200 m of the false origin) is a wrong label. With ``strict`` raise
    :class:`CrsError` instead of fixing with a logged warning.

    Parameters
    ----------
    gdf
        The layer to check.
    source
        Name of the layer in messages (e.g. ``"roads.gpkg:main"``).
    strict
        Raise instead of relabelling.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gdf`` itself when its label is plausible (not reprojected), else a copy relabelled
        EPSG:4326 (coordinates unchanged).

    Raises
    ------
    NoCrsError
        ``gdf`` has no CRS.
    CrsError
        A projected label over degree coordinates and ``strict=True``.
    """
    if gdf.crs is None:
        raise NoCrsError(f"{source} has no CRS; set it with gdf.set_crs('EPSG:4326') or the real one.")
    if gdf.crs.is_projected and len(gdf):
        minx, miny, maxx, maxy = gdf.total_bounds
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            msg = (f"{source} is labelled {gdf.crs.to_string()} (metres) but its coordinates "
                   f"({minx:.3f}, {miny:.3f})-({maxx:.3f}, {maxy:.3f}) are longitude/latitude "
                   "degrees")
            if strict:
                raise CrsError(msg + "; relabel it with gdf.set_crs('EPSG:4326', "
                               "allow_override=True).")
            logger.warning("%s; relabelled as EPSG:4326.", msg)
            return gdf.set_crs(4326, allow_override=True)
    return gdf


def _keep_lines(gdf: gpd.GeoDataFrame, *, source: str) -> gpd.GeoDataFrame:
    """Rows with a non-empty (Multi)LineString; the others are logged with examples."""
    geom = gdf.geometry
    null = geom.isna().to_numpy()
    empty = ~null & geom.is_empty.to_numpy()
    other = ~null & ~empty & ~gdf.geom_type.isin(["LineString", "MultiLineString"]).to_numpy()
    drop = null | empty | other
    if drop.any():
        kinds = pd.Series(np.where(null, "null", np.where(empty, "empty", gdf.geom_type.astype(
            object).to_numpy())))[drop].value_counts()
        logger.warning("%s: dropped %d of %d features that are not road lines (%s), e.g. rows %s",
                       source, int(drop.sum()), len(gdf),
                       ", ".join(f"{k}: {c}" for k, c in kinds.items()),
                       list(gdf.index[drop][:5]))
    return gdf[~drop]


def _to_wgs84_lines(gdf: gpd.GeoDataFrame, *, source: str, strict_crs: bool,
                    system: str) -> gpd.GeoDataFrame:
    """CRS checks, EPSG:4326, then GCJ-02/BD-09 vertices converted to WGS84."""
    gdf = fix_degree_crs(gdf, source=source, strict=strict_crs).to_crs(4326)
    if system != "wgs84":
        logger.info("%s: converting %d features from %s to WGS84", source, len(gdf), system)
        gdf = convert_geometries(gdf, source=system)
    return gdf


def read_road_layer(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    class_column: str | None = None,
    road_class: str | None = None,
    speeds: Mapping[str, float] | None = None,
    strict_crs: bool = False,
    coord_system: str = "wgs84",
) -> gpd.GeoDataFrame:
    """Read a GIS road layer (GPKG, Shapefile, FileGDB) as WGS84 lines with a ``road_class``.

    The class comes from ``class_column``, else ``road_class``, else the layer or file name
    matched against the speed table keys (e.g. ``arterial_main.gdb`` -> ``arterial_main``).
    Features that are not non-empty (Multi)LineStrings are dropped with a logged warning.

    Parameters
    ----------
    path
        The file or FileGDB folder.
    layer
        Layer name (default: the first layer with line geometry).
    class_column
        Attribute holding the road class of each feature.
    road_class
        One class for every feature (used when ``class_column`` is None).
    speeds
        Speed table whose keys are matched against the layer and file name (default:
        :data:`CHINA_URBAN_SPEEDS_KMH` and :data:`CHINA_SPEEDS_KMH`); values are not used here.
    strict_crs
        Raise :class:`CrsError` on a projected label over degree coordinates instead of
        fixing it with a warning (see :func:`fix_degree_crs`).
    coord_system
        Datum of the longitude/latitude the layer holds once in EPSG:4326: ``"wgs84"``
        (default), ``"gcj02"`` (AMap/Gaode, Tencent: common for road data digitised in China;
        the layer is usually labelled EPSG:4326 all the same) or ``"bd09"`` (Baidu). Vertices
        are converted to WGS84 with :func:`geourb.coords.convert_geometries` after the CRS
        checks (offsets of a few hundred metres otherwise).

    Returns
    -------
    geopandas.GeoDataFrame
        One LineString per row (multi-lines exploded), column ``road_class`` (string; the
        file stem when no class is found), CRS EPSG:4326 (WGS84 coordinates), RangeIndex.

    Raises
    ------
    DataFileNotFoundError
        ``path`` does not exist.
    NetworkGraphError
        The file cannot be opened as a GIS data source.
    EmptyResultError
        No line layer, or no line feature in the layer.
    UnknownNameError
        ``class_column`` is not a column of the layer (close matches suggested).
    NoCrsError, CrsError
        The layer has no CRS, or a wrong projected label with ``strict_crs=True``.
    InvalidValueError
        Unknown ``coord_system``.
    """
    system = check_system(coord_system)
    path = Path(path)
    if not path.exists():
        raise DataFileNotFoundError(f"Road layer {path} does not exist.")
    layer = layer or _line_layer(path)
    gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    source = f"{path.name}:{layer}"
    gdf = _keep_lines(gdf, source=source)
    if gdf.empty:
        raise EmptyResultError(f"{source} has no line features; is it a road layer?")
    gdf = _to_wgs84_lines(gdf, source=source, strict_crs=strict_crs, system=system)
    table = {**CHINA_URBAN_SPEEDS_KMH, **CHINA_SPEEDS_KMH} if speeds is None else speeds
    if class_column is not None:
        if class_column not in gdf.columns:
            raise UnknownNameError(
                f"{source} has no column {class_column!r}; columns: {', '.join(gdf.columns)}."
                + suggest(class_column, gdf.columns)
            )
        classes = gdf[class_column].astype("string")
    else:
        cls_name = road_class or _class_from_name(layer, table) or _class_from_name(path.stem, table)
        classes = pd.Series(cls_name if cls_name else path.stem, index=gdf.index, dtype="string")
    out = gpd.GeoDataFrame({"road_class": classes}, geometry=gdf.geometry.values, crs=4326)
    return out.explode(index_parts=False).reset_index(drop=True)


def network_from_layers(
    layers: str | os.PathLike[str] | gpd.GeoDataFrame
    | Sequence[str | os.PathLike[str] | gpd.GeoDataFrame],
    *,
    class_column: str | None = None,
    speeds: Mapping[str, float] | None = None,
    default_speed_kmh: float = 30.0,
    unknown: Literal["warn", "raise"] = "warn",
    oneway_column: str | None = None,
    node_tolerance_m: float = 1.0,
    split_at_crossings: bool = False,
    strict_crs: bool = False,
    coord_system: str = "wgs84",
    name: str = "",
    largest_component: bool = True,
) -> Network:
    """Build a network from GIS road layers (files or GeoDataFrames with ``road_class``).

    Every vertex is a node; vertices closer than ``node_tolerance_m`` (coordinates rounded)
    merge, which joins lines that meet at shared end points or vertices. Lines that cross
    without a shared vertex are joined only with ``split_at_crossings=True`` (``shapely.node``,
    slower; do not use it where bridges cross roads).

    Parameters
    ----------
    layers
        One or several paths (``.gpkg``, ``.shp``, FileGDB folder) or GeoDataFrames.
    class_column
        Attribute holding the road class (else the layer/file name gives it).
    speeds
        km/h by class (default: :data:`CHINA_URBAN_SPEEDS_KMH` and :data:`CHINA_SPEEDS_KMH`).
    default_speed_kmh, unknown
        Speed (km/h) and policy (``"warn"`` or ``"raise"``) for classes missing from
        ``speeds``.
    oneway_column
        Attribute with one-way flags (``yes/1/true/FT`` forward, ``-1/TF`` reversed); only
        read from GeoDataFrame inputs.
    node_tolerance_m
        Vertices closer than this (metres, applied by rounding WGS84 degrees) become one node.
    split_at_crossings
        Also join lines where they cross without a shared vertex (``shapely.node``).
    strict_crs
        Raise :class:`CrsError` on a projected label over degree coordinates instead of
        fixing it with a warning.
    coord_system
        Datum of the layers' longitude/latitude: ``"wgs84"`` (default), ``"gcj02"``
        (AMap/Gaode-derived data) or ``"bd09"`` (Baidu); converted to WGS84 after the CRS
        checks (see :func:`read_road_layer`). Applies to every layer given.
    name
        Label of the network (default ``"road layers"``).
    largest_component
        Keep only the largest strongly connected component.

    Returns
    -------
    Network
        Nodes at the (merged) vertices in WGS84 degrees; edges with ``length_m`` (metres) and
        times in seconds; ``network.info`` reports the unknown classes.

    Raises
    ------
    InvalidValueError
        No layer given, a speed that is not a positive number, or an unknown
        ``coord_system``.
    EmptyResultError
        The layers hold no line feature.
    UnknownNameError
        A GeoDataFrame without the class column, a file without ``class_column``, or road
        classes without a speed and ``unknown="raise"``.
    DataFileNotFoundError, NetworkGraphError, NoCrsError, CrsError
        As in :func:`read_road_layer` and :func:`fix_degree_crs`.
    """
    items = [layers] if isinstance(layers, str | os.PathLike | gpd.GeoDataFrame) else list(layers)
    if not items:
        raise InvalidValueError("network_from_layers needs at least one road layer.")
    system = check_system(coord_system)
    table = _check_speeds({**CHINA_URBAN_SPEEDS_KMH, **CHINA_SPEEDS_KMH}
                          if speeds is None else speeds, "speeds")
    frames = []
    for item in items:
        if isinstance(item, gpd.GeoDataFrame):
            gdf = _keep_lines(item, source="road layer")
            gdf = _to_wgs84_lines(gdf, source="road layer", strict_crs=strict_crs, system=system)
            col = class_column or "road_class"
            if col not in gdf.columns:
                raise UnknownNameError(f"Road layer has no column {col!r}; pass class_column=.")
            part = gpd.GeoDataFrame({"road_class": gdf[col].astype("string")},
                                    geometry=gdf.geometry.values, crs=4326)
            if oneway_column:
                part["oneway"] = gdf[oneway_column].to_numpy()
            frames.append(part.explode(index_parts=False))
        else:
            part = read_road_layer(item, class_column=class_column, speeds=table,
                                   strict_crs=strict_crs, coord_system=system)
            frames.append(part)
    roads = pd.concat(frames, ignore_index=True)
    single = (roads.geom_type == "LineString").to_numpy() & ~roads.geometry.is_empty.to_numpy()
    if not single.all():
        logger.warning("road layers: dropped %d empty or non-line parts after splitting "
                       "multi-lines, e.g. %s", int((~single).sum()),
                       list(roads.geom_type[~single].astype(object).head(5)))
    roads = roads[single].reset_index(drop=True)
    if roads.empty:
        raise EmptyResultError("The road layers hold no line features.")
    label = name or ("road layers" if system == "wgs84" else f"road layers ({system} -> wgs84)")
    if split_at_crossings:
        noded = shapely.node(shapely.MultiLineString(list(roads.geometry.values)))
        parts = gpd.GeoDataFrame(geometry=list(shapely.get_parts(noded)), crs=4326)
        joined = gpd.sjoin(parts.set_geometry(parts.representative_point()), roads,
                           predicate="dwithin", distance=1e-7, how="left")
        joined = joined[~joined.index.duplicated()]
        roads = gpd.GeoDataFrame(joined.drop(columns=["geometry", "index_right"]),
                                 geometry=parts.geometry.values, crs=4326)
    coords, which = shapely.get_coordinates(roads.geometry.values, return_index=True)
    decimals = max(0, int(np.floor(-np.log10(node_tolerance_m / 111_320.0))))
    key = np.round(coords, decimals)
    _, refs = np.unique(key, axis=0, return_inverse=True)
    ways = pd.DataFrame({"highway": roads["road_class"].astype(object).to_numpy()})
    if oneway_column and "oneway" in roads:
        ow = roads["oneway"].astype(str).str.lower()
        ways["oneway"] = np.where(ow.isin(["yes", "1", "true", "ft", "t"]), 1,
                                  np.where(ow.isin(["-1", "tf", "reverse"]), -1, 0))
    else:
        ways["oneway"] = 0
    return _from_ways(refs.ravel().astype(np.int64), coords[:, 0], coords[:, 1],
                      which.astype(np.int64), ways, speeds=table,
                      default_speed_kmh=default_speed_kmh, unknown=unknown, name=label,
                      largest_component=largest_component, source=label)


# ---------------------------------------------------------------------------- approximate
def approximate_network(
    counties: gpd.GeoDataFrame,
    *,
    circuity: float = APPROX_CIRCUITY,
    speed_kmh: float = APPROX_SPEED_KMH,
    name: str | None = None,
) -> Network:
    """Straight-line network between county seats, for places without road data.

    Seats of neighbouring counties (Queen contiguity of the polygons) are linked; separate
    groups (islands) are joined to the nearest seat of another group. Edge length is the
    great-circle distance times ``circuity``; time = length / ``speed_kmh``. The network is
    marked ``approximate=True`` and so is every output derived from it. Node ``i`` is row
    ``i`` of ``counties`` (``network.info["node_labels"]`` holds the index).

    Defaults: 80 km/h with circuity 1.25 (:data:`APPROX_SPEED_KMH`, :data:`APPROX_CIRCUITY`),
    i.e. 64 km/h along the straight line between neighbouring seats. Reasoning: in today's
    China most neighbouring county seats are linked by expressways (design speed 80-120 km/h
    in JTG B01-2014; 183,600 km at the end of 2023 per the Ministry of Transport's statistical
    bulletin) or first-class highways (60-100 km/h), so 80 km/h is a mean car speed over a
    seat-to-seat trip including the slower urban ends. 1.25 lies within the usual ratio of
    road to straight-line distance, 1.2-1.4 (Ballou, Rahardja & Sakai 2002, *Transportation
    Research A* 36(9)), at the low end because routes in this network already zig-zag through
    intermediate seats, which adds detour of its own. The earlier defaults (60 km/h, x1.3:
    46 km/h straight-line) ignored expressways and made 1-hour circles far too small. Both
    values are options: lower them for mountain areas or door-to-door times in congested
    cores, raise them for expressway-only corridors. The results stay labelled approximate.

    Parameters
    ----------
    counties
        County polygons (e.g. :func:`geourb.counties.load_counties`); seats are taken from
        ``seat_lon``/``seat_lat`` (WGS84 degrees) when present, else a point inside each
        polygon.
    circuity
        Road distance / straight-line distance, >= 1 (default 1.25).
    speed_kmh
        Travel speed on every link, km/h (default 80).
    name
        Label of the network (default ``"approximate county-seat network (80 km/h, x1.25)"``,
        with the values used, so that outputs carrying the network name state them).

    Returns
    -------
    Network
        Two-way links, ``approximate=True``; ``network.info`` holds ``node_labels``,
        ``circuity`` and ``speed_kmh``.

    Raises
    ------
    InvalidValueError
        ``circuity`` < 1 or ``speed_kmh`` not a positive number.
    NetworkGraphError
        Fewer than two counties.

    Examples
    --------
    >>> from geourb.counties import load_counties
    >>> net = approximate_network(load_counties(province="宁夏"))
    >>> net.n_nodes, net.approximate
    (22, True)
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import Delaunay

    from geourb.contiguity import contiguity_matrix

    if not (circuity >= 1):
        raise InvalidValueError(f"circuity must be >= 1 (road / straight distance), got {circuity!r}.")
    _check_speeds({"speed_kmh": speed_kmh}, "approximate_network")
    if len(counties) < 2:
        raise NetworkGraphError("approximate_network needs at least two counties.")
    if {"seat_lon", "seat_lat"} <= set(counties.columns):
        lon = counties["seat_lon"].to_numpy(float)
        lat = counties["seat_lat"].to_numpy(float)
    else:
        pts = counties.to_crs(4326).representative_point()
        lon, lat = pts.x.to_numpy(), pts.y.to_numpy()
    adj = contiguity_matrix(counties, kind="queen").tocoo()
    pairs = np.column_stack([adj.row, adj.col]).astype(np.int64)
    n = len(counties)
    tri = Delaunay(np.column_stack([lon, lat]))
    dl = np.concatenate([tri.simplices[:, [0, 1]], tri.simplices[:, [1, 2]],
                         tri.simplices[:, [0, 2]]])
    dlen = great_circle_m(lon[dl[:, 0]], lat[dl[:, 0]], lon[dl[:, 1]], lat[dl[:, 1]])
    for _ in range(50):
        mat = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
        ncomp, labels = connected_components(mat, directed=False)
        if ncomp == 1:
            break
        big = np.argmax(np.bincount(labels))
        cross = labels[dl[:, 0]] != labels[dl[:, 1]]
        add = []
        for comp in set(np.unique(labels)) - {big}:
            cand = np.flatnonzero(cross & ((labels[dl[:, 0]] == comp) | (labels[dl[:, 1]] == comp)))
            if cand.size:
                add.append(dl[cand[np.argmin(dlen[cand])]])
        pairs = np.vstack([pairs, np.array(add, dtype=np.int64).reshape(-1, 2)])
    length = great_circle_m(lon[pairs[:, 0]], lat[pairs[:, 0]], lon[pairs[:, 1]],
                            lat[pairs[:, 1]]) * circuity
    length = np.maximum(length, _MIN_LENGTH_M)
    # two-way: contiguity pairs come in both directions, the island links from one Delaunay
    # pair each; oneway=False adds every reverse (duplicates collapse to one edge)
    net = Network.from_edges(pairs[:, 0], pairs[:, 1], length / (speed_kmh / 3.6),
                             node_lon=lon, node_lat=lat, length_m=length,
                             oneway=np.zeros(len(pairs), dtype=bool),
                             name=name or (f"approximate county-seat network ({speed_kmh:g} km/h, "
                                           f"x{circuity:g})"),
                             approximate=True, largest_component=False)
    net.info.update(node_labels=[str(x) for x in counties.index], circuity=circuity,
                    speed_kmh=speed_kmh)
    return net


def load_network(
    path: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    coord_system: str = "wgs84",
    **kwargs: Any,
) -> Network:
    """Open a network by file type: ``.npz`` cache, OSM (``.pbf``/``.osm``) or GIS layers.

    Parameters
    ----------
    path
        A ``.npz`` file saved by :meth:`Network.save`; an OSM file (``.osm.pbf``, ``.osm``,
        ``.osm.bz2``, ``.osm.gz``, ``.xml``); a road layer (GPKG, Shapefile, FileGDB); a folder
        of such layers; or a list of layers.
    coord_system
        Datum of GIS road layers: ``"wgs84"`` (default), ``"gcj02"`` or ``"bd09"`` (converted
        to WGS84, see :func:`read_road_layer`). OSM files and ``.npz`` caches are WGS84 and
        accept only ``"wgs84"``.
    **kwargs
        Options of :func:`network_from_osm` or :func:`network_from_layers`; ignored for a
        ``.npz`` cache.

    Returns
    -------
    Network
        The loaded or built network.

    Raises
    ------
    DataFileNotFoundError
        The file does not exist, or a folder holds no ``.gdb``/``.gpkg``/``.shp`` layer.
    InvalidValueError
        Unknown ``coord_system``, or GCJ-02/BD-09 declared for an OSM file or a cache.
    NetworkGraphError, EmptyResultError, UnknownNameError
        As raised by the builder used.
    """
    system = check_system(coord_system)
    if not isinstance(path, str | os.PathLike):
        return network_from_layers(list(path), coord_system=system, **kwargs)
    p = Path(path)
    low = p.name.lower()
    osm = low.endswith((".pbf", ".osm", ".osm.bz2", ".osm.gz", ".xml"))
    if system != "wgs84" and (osm or low.endswith(".npz")):
        raise InvalidValueError(
            f"{p}: coord_system={coord_system!r} applies to GIS road layers only; OSM data and "
            ".npz caches are already WGS84. Leave coord_system at 'wgs84'."
        )
    if low.endswith(".npz"):
        return Network.load(p)
    if osm:
        return network_from_osm(p, **kwargs)
    if p.is_dir() and not low.endswith(".gdb"):
        gdbs = sorted(p.glob("*.gdb")) + sorted(p.glob("*.gpkg")) + sorted(p.glob("*.shp"))
        if not gdbs:
            raise DataFileNotFoundError(f"{p} holds no .gdb, .gpkg or .shp road layer.")
        return network_from_layers(gdbs, coord_system=system, **kwargs)
    return network_from_layers(p, coord_system=system, **kwargs)
