"""Road networks from GIS road layers (GPKG, Shapefile, FileGDB or GeoDataFrames).

Classes come from an attribute (``class_field``, or a field found by its usual Chinese or
English name, see :mod:`geourb.roads.china`), else from the layer or file name. Expressways
join the other roads only at interchanges when the layer says where they are (a
``controlled_access`` flag on the lines and/or ``interchanges=`` points such as 互通);
otherwise access is assumed at every shared vertex, and the log says so.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geourb._deprecate import _UNSET, renamed_argument
from geourb._errors import (
    CrsError,
    DataFileNotFoundError,
    EmptyResultError,
    InvalidValueError,
    MissingColumnError,
    NetworkGraphError,
    NoCrsError,
    suggest,
)
from geourb._log import logger
from geourb.coords import check_system, convert_geometries
from geourb.network import Network
from geourb.roads.build import Component, _from_ways
from geourb.roads.china import classify_roads, find_class_fields, truthy
from geourb.roads.speeds import ALL_LAYER_SPEEDS_KMH, _check_speeds

EXPRESSWAY_CLASSES = frozenset({"高速公路", "motorway", "快速路", "expressway_urban"})
"""Classes treated as controlled-access when ``interchanges`` are given without a flag column."""

INTERCHANGE_SPEED_KMH: float = 40.0
"""Speed (km/h) of the ramp links added at interchanges (JTG D20 ramp design speeds 30-80)."""

_CONTROLLED_NAMES = ("controlled_access", "全封闭", "封闭", "出入控制")


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


def _class_field_arg(func: str, class_field: str | None, class_column: Any) -> str | None:
    """``class_field``, or the deprecated ``class_column`` (with a DeprecationWarning)."""
    return renamed_argument(func, "class_column", "class_field", class_column, class_field, None)


def _classify(gdf: pd.DataFrame, *, class_field: str | None, fallback: str | None,
              table: Mapping[str, float], source: str) -> tuple[pd.Series, dict[str, Any]]:
    """Class per feature: ``class_field``, else the usual class fields, else ``fallback``."""
    if class_field is not None:
        if class_field not in gdf.columns:
            raise MissingColumnError(
                f"{source} has no column {class_field!r} for class_field=; columns: "
                f"{', '.join(map(str, gdf.columns))}.{suggest(class_field, gdf.columns)}"
            )
        fields = [class_field]
    else:
        fields = ["road_class"] if "road_class" in gdf.columns else find_class_fields(list(gdf.columns))
    if fields:
        classes, report = classify_roads(gdf, fields, table, source=source)
        if (class_field is None and fields != ["road_class"] and len(gdf)
                and report["unclassified"] == len(gdf) and fallback in table):
            # a field found by its name but holding no known class: the layer name is better
            logger.warning("%s: field(s) %s hold no known road class (e.g. %s); the class "
                           "%r from the layer/file name is used. Pass class_field= to force "
                           "the field.", source, ", ".join(fields),
                           list(classes.unique()[:3]), fallback)
            report["class_from"] = fallback
            return pd.Series(fallback, index=gdf.index, dtype="string"), report
        logger.info("%s: road class from field(s) %s", source, ", ".join(fields))
        return classes, report
    if fallback is None:
        raise MissingColumnError(
            f"{source} has no road-class column: none of road_class or the usual names "
            "(技术等级, 公路等级, GRADE, 道路等级, ROADCLASS, CLASS, KIND, 行政等级, 路线编码, RN); "
            f"columns: {', '.join(map(str, gdf.columns))}. Pass class_field=<column>."
        )
    return (pd.Series(fallback, index=gdf.index, dtype="string"),
            {"class_fields": [], "class_from": fallback})


def _controlled(gdf: pd.DataFrame) -> pd.Series | None:
    low = {str(c).strip().lower(): c for c in gdf.columns}
    for name in _CONTROLLED_NAMES:
        if name in low:
            return truthy(gdf[low[name]])
    return None


def read_road_layer(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    class_field: str | None = None,
    road_class: str | None = None,
    speeds: Mapping[str, float] | None = None,
    strict_crs: bool = False,
    coord_system: str = "wgs84",
    class_column: Any = _UNSET,
) -> gpd.GeoDataFrame:
    """Read a GIS road layer (GPKG, Shapefile, FileGDB) as WGS84 lines with a ``road_class``.

    The class comes from ``class_field``; else from the usual class fields when the layer has
    any (技术等级, 公路等级, GRADE, 道路等级, ROADCLASS, CLASS, KIND, 行政等级, 路线编码, RN: see
    :func:`geourb.roads.china.classify_roads`; grade spellings such as 一级 or 主干道 and route
    codes such as G206 are normalised); else ``road_class``; else the layer or file name
    matched against the speed table keys (e.g. ``arterial_main.gdb`` -> ``arterial_main``).
    Features that are not non-empty (Multi)LineStrings are dropped with a logged warning.

    Parameters
    ----------
    path
        The file or FileGDB folder.
    layer
        Layer name (default: the first layer with line geometry).
    class_field
        Attribute holding the road class of each feature.
    road_class
        One class for every feature (used when no class field is given or found).
    speeds
        Speed table whose keys are the known classes (default
        :data:`~geourb.roads.speeds.ALL_LAYER_SPEEDS_KMH`); values are not used here.
    strict_crs
        Raise :class:`CrsError` on a projected label over degree coordinates instead of
        fixing it with a warning (see :func:`fix_degree_crs`).
    coord_system
        Datum of the longitude/latitude the layer holds once in EPSG:4326: ``"wgs84"``
        (default), ``"gcj02"`` (AMap/Gaode, Tencent: common for road data digitised in China;
        the layer is usually labelled EPSG:4326 all the same) or ``"bd09"`` (Baidu). Vertices
        are converted to WGS84 with :func:`geourb.coords.convert_geometries` after the CRS
        checks (offsets of a few hundred metres otherwise).
    class_column
        Deprecated alias of ``class_field``.

    Returns
    -------
    geopandas.GeoDataFrame
        One LineString per row (multi-lines exploded), column ``road_class`` (string; the
        file stem when no class is found), ``controlled_access`` (bool) when the layer has
        such a flag, CRS EPSG:4326 (WGS84 coordinates), RangeIndex. ``attrs["class_report"]``
        holds the fields used, rows per field and unparsed route codes.

    Raises
    ------
    DataFileNotFoundError
        ``path`` does not exist.
    NetworkGraphError
        The file cannot be opened as a GIS data source.
    EmptyResultError
        No line layer, or no line feature in the layer.
    MissingColumnError
        ``class_field`` is not a column of the layer (close matches suggested).
    NoCrsError, CrsError
        The layer has no CRS, or a wrong projected label with ``strict_crs=True``.
    InvalidValueError
        Unknown ``coord_system``.
    """
    field = _class_field_arg("read_road_layer", class_field, class_column)
    system = check_system(coord_system)
    path = Path(path)
    if not path.exists():
        raise DataFileNotFoundError(f"Road layer {path} does not exist.")
    layer = layer or _line_layer(path)
    try:
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio DataSourceError / DataLayerError subclasses
        raise NetworkGraphError(f"Cannot read road layer {path} (layer {layer!r}): {exc}") from exc
    source = f"{path.name}:{layer}"
    gdf = _keep_lines(gdf, source=source)
    if gdf.empty:
        raise EmptyResultError(f"{source} has no line features; is it a road layer?")
    gdf = _to_wgs84_lines(gdf, source=source, strict_crs=strict_crs, system=system)
    table = ALL_LAYER_SPEEDS_KMH if speeds is None else speeds
    fallback = (road_class or _class_from_name(layer, table) or _class_from_name(path.stem, table)
                or path.stem)
    if field is None and road_class is not None:
        classes, report = (pd.Series(road_class, index=gdf.index, dtype="string"),
                           {"class_fields": [], "class_from": road_class})
    else:
        classes, report = _classify(gdf, class_field=field, fallback=fallback, table=table,
                                    source=source)
    out = gpd.GeoDataFrame({"road_class": classes}, geometry=gdf.geometry.values, crs=4326)
    flag = _controlled(gdf)
    if flag is not None:
        out["controlled_access"] = flag.to_numpy()
    out = out.explode(index_parts=False).reset_index(drop=True)
    out.attrs["class_report"] = report
    return out


def _interchange_points(interchanges: Any, source: str) -> np.ndarray:
    """WGS84 lon/lat of interchange points (a point layer, a path, or an (n, 2) array)."""
    if isinstance(interchanges, str | os.PathLike):
        path = Path(interchanges)
        if not path.exists():
            raise DataFileNotFoundError(f"Interchange layer {path} does not exist.")
        interchanges = gpd.read_file(path, engine="pyogrio")
    if isinstance(interchanges, gpd.GeoDataFrame | gpd.GeoSeries):
        if interchanges.crs is None:
            raise NoCrsError(f"{source}: the interchange layer has no CRS; set it first.")
        pts = interchanges.to_crs(4326).geometry
        pts = pts[pts.notna() & ~pts.is_empty]
        xy = shapely.get_coordinates(pts.representative_point().values)
    else:
        xy = np.asarray(interchanges, dtype=float).reshape(-1, 2)
    if not np.isfinite(xy).all():
        raise InvalidValueError(f"{source}: interchange coordinates contain NaN or infinity.")
    return xy


def _access_links(coords: np.ndarray, refs: np.ndarray, controlled_vertex: np.ndarray,
                  endpoint: np.ndarray, points: np.ndarray | None, radius_m: float
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of vertex positions (controlled, ordinary) joined by a ramp link."""
    from scipy.spatial import cKDTree

    ctrl = np.flatnonzero(controlled_vertex)
    plain = np.flatnonzero(~controlled_vertex)
    if ctrl.size == 0 or plain.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if points is None:  # access where a controlled line ends on an ordinary road's vertex
        ends = ctrl[endpoint[ctrl]]
        order = np.argsort(refs[plain], kind="stable")
        sorted_refs = refs[plain][order]
        at = np.minimum(np.searchsorted(sorted_refs, refs[ends]), sorted_refs.size - 1)
        hit = sorted_refs[at] == refs[ends]
        return ends[hit].astype(np.int64), plain[order[at[hit]]].astype(np.int64)
    scale = np.cos(np.radians(np.nanmean(points[:, 1]))) if len(points) else 1.0
    deg = radius_m / 111_320.0

    def xy(p: np.ndarray) -> np.ndarray:
        return np.column_stack([p[:, 0] * scale, p[:, 1]])

    tc, tp = cKDTree(xy(coords[ctrl])), cKDTree(xy(coords[plain]))
    dc, ic = tc.query(xy(points), distance_upper_bound=deg)
    dp, ip = tp.query(xy(points), distance_upper_bound=deg)
    ok = np.isfinite(dc) & np.isfinite(dp)
    return ctrl[ic[ok]], plain[ip[ok]]


def network_from_layers(
    layers: str | os.PathLike[str] | gpd.GeoDataFrame
    | Sequence[str | os.PathLike[str] | gpd.GeoDataFrame],
    *,
    class_field: str | None = None,
    speeds: Mapping[str, float] | None = None,
    default_speed_kmh: float = 30.0,
    unknown: Literal["warn", "raise"] = "warn",
    oneway_column: str | None = None,
    node_tolerance_m: float = 1.0,
    split_at_crossings: bool = False,
    strict_crs: bool = False,
    coord_system: str = "wgs84",
    interchanges: Any = None,
    interchange_m: float = 300.0,
    name: str = "",
    largest_component: Component = "strong",
    class_column: Any = _UNSET,
) -> Network:
    """Build a network from GIS road layers (files or GeoDataFrames).

    Every vertex is a node; vertices closer than ``node_tolerance_m`` (coordinates rounded)
    merge, which joins lines that meet at shared end points or vertices. Lines that cross
    without a shared vertex are joined only with ``split_at_crossings=True`` (``shapely.node``,
    slower; do not use it where bridges cross roads).

    Expressways (controlled access): lines flagged by a ``controlled_access`` column (also
    全封闭 / 封闭), or of class 高速公路 / motorway / 快速路 when ``interchanges`` are given, are
    joined to the other roads only by ramp links (:data:`INTERCHANGE_SPEED_KMH`): at each
    interchange point, from the nearest controlled and the nearest ordinary vertex within
    ``interchange_m``; without interchange points, where a controlled line ends on a vertex of
    an ordinary road. Without flag or points, access is assumed at every shared vertex, which
    is logged (a WARNING when the layers hold expressway classes) and recorded in
    ``network.info["expressway_access"]``.

    Parameters
    ----------
    layers
        One or several paths (``.gpkg``, ``.shp``, FileGDB folder) or GeoDataFrames.
    class_field
        Attribute holding the road class (else a usual class field, else ``road_class``,
        else the layer/file name gives it; see :func:`read_road_layer`).
    speeds
        km/h by class (default :data:`~geourb.roads.speeds.ALL_LAYER_SPEEDS_KMH`: urban,
        OSM, highway technical grades and administrative grades; see
        ``geourb/data/road_speeds.toml`` for the values and their sources).
    default_speed_kmh, unknown
        Speed (km/h) and policy (``"warn"`` or ``"raise"``) for classes missing from
        ``speeds``; the unknown classes are logged with the speed used and listed in
        ``network.info["unknown_classes"]``.
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
    interchanges
        Interchange (互通) points: a point layer (path or GeoDataFrame) or an ``(n, 2)``
        array of WGS84 lon/lat.
    interchange_m
        Search radius (metres) around an interchange point for its ramp link.
    name
        Label of the network (default ``"road layers"``).
    largest_component
        ``"strong"`` (default), ``"weak"`` or False, as in
        :func:`geourb.roads.network_from_osm`.
    class_column
        Deprecated alias of ``class_field``.

    Returns
    -------
    Network
        Nodes at the (merged) vertices in WGS84 degrees; edges with ``length_m`` (metres) and
        times in seconds; ``network.info`` reports ``unknown_classes``, ``class_report`` (per
        layer), ``expressway_access``, ``interchange_links``, ``self_loop_segments``,
        ``zero_length_segments`` and ``dropped``.

    Raises
    ------
    InvalidValueError
        No layer given, a speed that is not a positive number, a bad ``node_tolerance_m`` or
        ``interchange_m``, or an unknown ``coord_system``.
    EmptyResultError
        The layers hold no line feature.
    MissingColumnError
        A GeoDataFrame without a class column, or ``class_field`` missing from a layer.
    UnknownNameError
        Road classes without a speed and ``unknown="raise"``.
    NetworkGraphError
        Every segment has zero length; and as in :func:`read_road_layer`.
    DataFileNotFoundError, NoCrsError, CrsError
        As in :func:`read_road_layer` and :func:`fix_degree_crs`.
    """
    field = _class_field_arg("network_from_layers", class_field, class_column)
    items = [layers] if isinstance(layers, str | os.PathLike | gpd.GeoDataFrame) else list(layers)
    if not items:
        raise InvalidValueError("network_from_layers needs at least one road layer.")
    for label_, val in (("node_tolerance_m", node_tolerance_m), ("interchange_m", interchange_m)):
        if not (isinstance(val, int | float) and np.isfinite(val) and val > 0):
            raise InvalidValueError(f"{label_} must be a positive number of metres, got {val!r}.")
    system = check_system(coord_system)
    table = _check_speeds(ALL_LAYER_SPEEDS_KMH if speeds is None else speeds, "speeds")
    frames = []
    reports: dict[str, Any] = {}
    for k, item in enumerate(items):
        if isinstance(item, gpd.GeoDataFrame):
            src = f"road layer #{k + 1}"
            gdf = _keep_lines(item, source=src)
            gdf = _to_wgs84_lines(gdf, source=src, strict_crs=strict_crs, system=system)
            classes, report = _classify(gdf, class_field=field, fallback=None, table=table,
                                        source=src)
            part = gpd.GeoDataFrame({"road_class": classes.to_numpy()},
                                    geometry=gdf.geometry.values, crs=4326)
            flag = _controlled(gdf)
            if flag is not None:
                part["controlled_access"] = flag.to_numpy()
            if oneway_column:
                if oneway_column not in gdf.columns:
                    raise MissingColumnError(
                        f"{src} has no column {oneway_column!r} for oneway_column=."
                        + suggest(oneway_column, gdf.columns))
                part["oneway"] = gdf[oneway_column].to_numpy()
            frames.append(part.explode(index_parts=False))
        else:
            part = read_road_layer(item, class_field=field, speeds=table,
                                   strict_crs=strict_crs, coord_system=system)
            src = str(item)
            report = part.attrs.get("class_report", {})
            frames.append(part)
        reports[src] = report
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
    # ---- controlled access
    cls = roads["road_class"].astype(object).to_numpy()
    express = np.isin(cls, list(EXPRESSWAY_CLASSES))
    points = None if interchanges is None else _interchange_points(interchanges, label)
    if "controlled_access" in roads:
        controlled = roads["controlled_access"].fillna(False).astype(bool).to_numpy()
        access = ("at interchange points" if points is not None
                  else "where controlled_access lines end on an ordinary road")
    elif points is not None:
        controlled = express
        access = "at interchange points"
    else:
        controlled = np.zeros(len(roads), dtype=bool)
        access = "assumed at every shared vertex (no controlled_access flag, no interchanges)"
        if express.any():
            logger.warning("%s: %d expressway feature(s) (%s) without a controlled_access flag or "
                           "interchange points: access is assumed at every shared vertex; pass "
                           "interchanges= (互通 points) or a controlled_access column to restrict "
                           "it", label, int(express.sum()),
                           ", ".join(sorted(set(cls[express].tolist()))))
    coords, which = shapely.get_coordinates(roads.geometry.values, return_index=True)
    decimals = max(0, int(np.floor(-np.log10(node_tolerance_m / 111_320.0))))
    key = np.round(coords, decimals)
    cvert = controlled[which]
    level = cvert.astype(float)[:, None]
    _, refs = np.unique(np.hstack([key, level]), axis=0, return_inverse=True)
    refs = refs.ravel().astype(np.int64)
    ways = pd.DataFrame({"highway": roads["road_class"].astype(object).to_numpy()})
    if oneway_column and "oneway" in roads:
        ow = roads["oneway"].astype(str).str.lower()
        ways["oneway"] = np.where(ow.isin(["yes", "1", "true", "ft", "t"]), 1,
                                  np.where(ow.isin(["-1", "tf", "reverse"]), -1, 0))
    else:
        ways["oneway"] = 0
    n_links = 0
    if controlled.any():
        # refs of the same place at level 0 (ordinary): the key without the level
        _, place = np.unique(key, axis=0, return_inverse=True)
        place = place.ravel()
        endpoint = np.zeros(len(which), dtype=bool)
        endpoint[np.r_[0, np.flatnonzero(np.diff(which)) + 1]] = True
        endpoint[np.r_[np.flatnonzero(np.diff(which)), len(which) - 1]] = True
        a, b = _access_links(coords, place, cvert, endpoint, points, interchange_m)
        pairs = np.unique(np.column_stack([refs[a], refs[b]]), axis=0, return_index=True)[1]
        a, b = a[pairs], b[pairs]
        n_links = int(a.size)
        if n_links:
            first_way = int(which.max()) + 1
            link_way = first_way + np.repeat(np.arange(n_links), 2)
            coords = np.vstack([coords, np.column_stack([coords[a], coords[b]]).reshape(-1, 2)])
            refs = np.concatenate([refs, np.column_stack([refs[a], refs[b]]).ravel()])
            which = np.concatenate([which, link_way])
            table = {**table, "interchange": INTERCHANGE_SPEED_KMH}
            ways = pd.concat([ways, pd.DataFrame({"highway": ["interchange"] * n_links,
                                                  "oneway": 0})], ignore_index=True)
        logger.info("%s: %d controlled-access feature(s), access %s: %d ramp link(s)", label,
                    int(controlled.sum()), access, n_links)
        if n_links == 0:
            logger.warning("%s: controlled-access roads have no access link to the other roads "
                           "(no interchange within %g m, no shared end point)", label,
                           interchange_m)
    verts = {"refs": refs, "lon": coords[:, 0], "lat": coords[:, 1], "way": which.astype(np.int64)}
    del refs, coords, which
    net = _from_ways(verts, ways,
                     speeds=table, default_speed_kmh=default_speed_kmh, unknown=unknown,
                     name=label, largest_component=largest_component, source=label)
    net.info.update(class_report=reports, expressway_access=access, interchange_links=n_links)
    return net
