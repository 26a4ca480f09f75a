"""Rail: stations and lines, station-to-station links along lines, and a multimodal network.

Stations come from a CSV table with a declared coordinate system (WGS84, GCJ-02 or BD-09,
converted to WGS84 with :mod:`geourb.coords`) or from GeoJSON points. Lines are GeoJSON
(Multi)LineStrings, one corridor per file (or per feature). :func:`link_stations_along_lines`
projects the stations lying near a line onto it (linear referencing in ``CHINA_ALBERS``),
orders them and links consecutive stations with the length along the line and a time from the
speed of the line type plus a dwell time. :func:`multimodal_network` joins those rail links to a
road :class:`~geourb.network.Network` through access links carrying wait and transfer penalties.

Examples
--------
>>> stations = read_stations("cnstation.csv", coord_system="gcj02")  # doctest: +SKIP
>>> lines = read_lines("hsr_lines/")  # doctest: +SKIP
>>> links, report = link_stations_along_lines(stations, lines)  # doctest: +SKIP
>>> report.unmatched_lines  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import Geod
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from shapely.ops import substring

from geourb._errors import DataFileNotFoundError, InvalidValueError, NetworkGraphError
from geourb._io import read_table
from geourb._log import logger
from geourb._validate import require_columns, to_numeric
from geourb.coords import (
    CHINA_LAT_RANGE,
    CHINA_LON_RANGE,
    check_system,
    convert_geometries,
    in_china,
    to_wgs84,
)
from geourb.counties import CHINA_ALBERS, WGS84
from geourb.network import Network

LINE_TYPES: tuple[str, ...] = ("hsr", "conventional")
DEFAULT_SPEEDS_KMH: dict[str, float] = {"hsr": 300.0, "conventional": 120.0}
"""Default average running speeds by line type (high-speed 250-350 km/h, conventional ~120)."""

HSR_KEYWORDS: tuple[str, ...] = ("高铁", "高速", "客专", "客运专线", "城际", "hsr", "high-speed")
"""Words in a line name that mark a high-speed line when ``line_type`` is not given."""

_LON_NAMES = ("lon", "lng", "longitude", "x", "经度", "wgs84_lng", "wgs84经")
_LAT_NAMES = ("lat", "latitude", "y", "纬度", "wgs84_lat", "wgs84纬")
_NAME_NAMES = ("name", "站名", "车站", "station", "名称")
# known column pairs by coordinate system (e.g. cnstation.csv: three systems side by side)
_SYSTEM_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "gcj02": (("lng火星", "lat火星"), ("gcj02_lng", "gcj02_lat"), ("gcj_lng", "gcj_lat")),
    "wgs84": (("WGS84_Lng", "WGS84_Lat"), ("WGS84经", "WGS84纬"), ("wgs84_lng", "wgs84_lat")),
    "bd09": (("BD_Lng", "BD_Lat"), ("bd09_lng", "bd09_lat"), ("百度坐", "百度_1")),
}
_geod = Geod(ellps="WGS84")


# ---------------------------------------------------------------------------- stations
def _find(columns: Iterable[str], candidates: Iterable[str]) -> str | None:
    lower = {str(c).lower(): c for c in columns}
    for cand in candidates:
        if cand.lower() in lower:
            return lower[cand.lower()]
    return None


def _check_coordinates(lon: NDArray, lat: NDArray, *, source: str, lon_col: str,
                       lat_col: str, index: pd.Index) -> None:
    bad = (np.abs(lon) > 180) | (np.abs(lat) > 90)
    if bad.any():
        rows = list(index[bad][:5])
        raise InvalidValueError(
            f"{source}: {int(bad.sum())} station(s) have coordinates out of range (longitude "
            f"must lie in -180..180, latitude in -90..90), rows {rows}: "
            f"{list(zip(lon[bad][:5].tolist(), lat[bad][:5].tolist(), strict=True))}. "
            f"Check that {lon_col!r}/{lat_col!r} hold degrees, not projected metres"
            + (f"; {int((in_china(lat, lon) & bad).sum())} of these rows lie in China with "
               "longitude and latitude exchanged: fix them." if (in_china(lat, lon) & bad).any()
               else ".")
        )
    inside = in_china(lon, lat)
    swapped = in_china(lat, lon) & ~inside
    if swapped.sum() > 0.5 * len(lon):
        raise InvalidValueError(
            f"{source}: longitude and latitude look swapped ({int(swapped.sum())} of {len(lon)} "
            f"points lie in China only with the columns exchanged, e.g. row {index[swapped][0]}: "
            f"lon={lon[swapped][0]}, lat={lat[swapped][0]}). Pass lon={lat_col!r}, "
            f"lat={lon_col!r}."
        )
    if (~inside).any():
        out = ~inside
        rows = list(index[out][:5])
        pairs = list(zip(lon[out][:5].tolist(), lat[out][:5].tolist(), strict=True))
        hint = (f" {int((swapped & out).sum())} of them lie in China with longitude and "
                f"latitude exchanged: fix those rows." if (swapped & out).any() else "")
        raise InvalidValueError(
            f"{source}: {int(out.sum())} of {len(lon)} station(s) have coordinates outside "
            f"China's range (longitude {CHINA_LON_RANGE[0]}..{CHINA_LON_RANGE[1]}, latitude "
            f"{CHINA_LAT_RANGE[0]}..{CHINA_LAT_RANGE[1]}) in columns {lon_col!r}/{lat_col!r}, "
            f"rows {rows}: {pairs}.{hint} Correct or remove these rows (or check that the "
            "columns are the right ones)."
        )


def read_stations(
    path: str | os.PathLike[str],
    *,
    coord_system: str = "wgs84",
    lon: str | None = None,
    lat: str | None = None,
    name: str | None = None,
) -> gpd.GeoDataFrame:
    """Read rail stations from a CSV/XLSX table or a GeoJSON/GPKG point layer.

    Parameters
    ----------
    path
        The file. Tables need longitude/latitude columns; spatial files need points.
    coord_system
        System of the coordinates in the file: ``'wgs84'``, ``'gcj02'`` (AMap, 火星) or
        ``'bd09'`` (Baidu). They are converted to WGS84.
    lon, lat
        Coordinate columns of a table. By default the columns known for ``coord_system``
        (e.g. ``lng火星``/``lat火星`` for GCJ-02 in ``cnstation.csv``) or generic names (lon,
        lng, longitude, 经度 ...).
    name
        Station name column (default: name, 站名, 车站, station ...).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per station with ``name``, ``lon``, ``lat`` (WGS84), the file's other columns
        and point geometry in EPSG:4326; a 0-based RangeIndex used as station id.

    Raises
    ------
    DataFileNotFoundError
        The file does not exist.
    MissingColumnError
        No coordinate or name column is found.
    InvalidValueError
        Coordinates that are not numbers, out of range, outside China's extent (the error
        names the file, columns and example rows) or swapped (longitude in the latitude
        column).
    """
    path = Path(path)
    if not path.exists():
        raise DataFileNotFoundError(f"Station file {path} does not exist.")
    system = check_system(coord_system)
    source = f"station file {path.name}"
    if path.suffix.lower() in {".csv", ".txt", ".tsv", ".xlsx", ".xls", ".parquet"}:
        df = read_table(path)
        lon_col, lat_col = lon, lat
        if lon_col is None or lat_col is None:
            for a, b in _SYSTEM_COLUMNS[system]:
                if a in df.columns and b in df.columns:
                    lon_col, lat_col = lon_col or a, lat_col or b
                    break
        lon_col = lon_col or _find(df.columns, _LON_NAMES)
        lat_col = lat_col or _find(df.columns, _LAT_NAMES)
        if lon_col is None or lat_col is None:
            require_columns(df, ["lon", "lat"], source=source)
        require_columns(df, [lon_col, lat_col], source=source)
        x = to_numeric(df, lon_col, source=source, allow_negative=True)
        y = to_numeric(df, lat_col, source=source, allow_negative=True)
        missing = x.isna() | y.isna()
        if missing.any():
            logger.warning("%s: dropped %d station(s) without coordinates (rows %s)", source,
                           int(missing.sum()), list(df.index[missing][:5]))
        df, x, y = df[~missing], x[~missing].to_numpy(), y[~missing].to_numpy()
        _check_coordinates(x, y, source=source, lon_col=lon_col, lat_col=lat_col, index=df.index)
        wx, wy = to_wgs84(x, y, source=system)
        gdf = gpd.GeoDataFrame(df.copy(), geometry=gpd.points_from_xy(wx, wy), crs=WGS84)
    else:
        gdf = gpd.read_file(path)
        if gdf.crs is None:
            gdf = gdf.set_crs(WGS84)
        nogeom = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
        if nogeom.any():
            logger.warning("%s: dropped %d of %d station(s) without geometry (rows %s)",
                           source, int(nogeom.sum()), len(gdf), list(gdf.index[nogeom][:5]))
        gdf = gdf[~nogeom]
        if not (gdf.geom_type == "Point").all():
            raise InvalidValueError(f"{source}: stations must be points; found "
                                    f"{sorted(set(gdf.geom_type))}.")
        gdf = gdf.to_crs(WGS84)
        x, y = gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()
        _check_coordinates(x, y, source=source, lon_col="x", lat_col="y", index=gdf.index)
        if system != "wgs84":
            gdf = convert_geometries(gdf, source=system)
    name_col = name or _find(gdf.columns, _NAME_NAMES)
    if name_col is None:
        require_columns(gdf, ["name"], source=source)
    require_columns(gdf, [name_col], source=source)
    gdf = gdf.reset_index(drop=True)
    gdf.insert(0, "name", gdf.pop(name_col).astype(str).str.strip())
    gdf["lon"] = gdf.geometry.x
    gdf["lat"] = gdf.geometry.y
    logger.info("%s: %d stations (%s -> WGS84)", source, len(gdf), system)
    return gdf


# ---------------------------------------------------------------------------- lines
def _infer_type(name: str) -> str:
    low = str(name).lower()
    return "hsr" if any(k in low for k in HSR_KEYWORDS) else "conventional"


def read_lines(
    paths_or_folder: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    line_type: str | Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Read rail lines (GeoJSON or any OGR format), one row per file.

    Parameters
    ----------
    paths_or_folder
        A file, a list of files, or a folder (every ``*.json``/``*.geojson``/``*.gpkg``).
    line_type
        ``'hsr'`` or ``'conventional'`` for every line, a mapping from line id (file stem) or
        line name to type, or ``None`` to infer from the name (高铁/高速/客专/城际 -> hsr).

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``line_id`` (file stem) with ``name``, ``line_type``, ``length_km``
        (geodesic, km) and MultiLineString geometry in EPSG:4326. Files without a CRS are
        taken as WGS84.

    Raises
    ------
    DataFileNotFoundError
        A file does not exist, or the folder holds no line file.
    InvalidValueError
        A file without LineString geometry, or an unknown line type.
    """
    if isinstance(paths_or_folder, str | os.PathLike):
        root = Path(paths_or_folder)
        if root.is_dir():
            files = sorted(p for p in root.iterdir()
                           if p.suffix.lower() in {".json", ".geojson", ".gpkg", ".shp"})
        else:
            files = [root]
    else:
        files = [Path(p) for p in paths_or_folder]
    if not files:
        raise DataFileNotFoundError(f"No line files (.json, .geojson, .gpkg) in {paths_or_folder}.")
    rows = []
    for path in files:
        if not path.exists():
            raise DataFileNotFoundError(f"Line file {path} does not exist.")
        gdf = gpd.read_file(path)
        gdf = (gdf.set_crs(WGS84) if gdf.crs is None else gdf).to_crs(WGS84)
        is_line = (gdf.geometry.notna() & ~gdf.geometry.is_empty
                   & gdf.geom_type.isin(["LineString", "MultiLineString"])).to_numpy()
        if not is_line.all():
            kinds = gdf.geom_type.astype(object).fillna("null")[~is_line].value_counts()
            logger.warning("line file %s: dropped %d of %d feature(s) that are not lines (%s), "
                           "e.g. rows %s", path.name, int((~is_line).sum()), len(gdf),
                           ", ".join(f"{k}: {c}" for k, c in kinds.items()),
                           list(gdf.index[~is_line][:5]))
        gdf = gdf[is_line]
        if gdf.empty:
            raise InvalidValueError(f"Line file {path} has no LineString geometry.")
        names = gdf["name"].dropna().astype(str) if "name" in gdf else pd.Series([], dtype=str)
        rows.append({"line_id": path.stem,
                     "name": names.mode().iloc[0] if len(names) else path.stem,
                     "geometry": shapely.multilinestrings(
                         list(shapely.get_parts(shapely.get_parts(gdf.geometry.values))))})
    lines = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84).set_index("line_id")
    types = []
    for lid, nm in zip(lines.index, lines["name"], strict=True):
        if line_type is None:
            t = _infer_type(nm)
        elif isinstance(line_type, str):
            t = line_type
        else:
            t = line_type.get(lid, line_type.get(nm, _infer_type(nm)))
        if t not in LINE_TYPES:
            raise InvalidValueError(f"Unknown line type {t!r} for line {lid!r}; use one of "
                                    f"{', '.join(LINE_TYPES)}.")
        types.append(t)
    lines["line_type"] = types
    lines["length_km"] = [_geod.geometry_length(g) / 1000 for g in lines.geometry]
    return lines


# ---------------------------------------------------------------------------- links
@dataclass
class LinkReport:
    """What :func:`link_stations_along_lines` matched.

    Attributes
    ----------
    unmatched_lines
        Line ids for which no link was created (fewer than two stations within the distance,
        or stations only on pieces farther apart than the gap limit).
    stations_per_line
        Number of stations matched to each line.
    gap_links
        Number of links bridging gaps between disconnected pieces of a line geometry
        (straight line x 1.2; marked ``along_line=False``).
    duplicate_links
        Links removed because the same station pair of the same line was linked twice
        (double tracks, parallel pieces); the fastest one is kept.
    """

    unmatched_lines: list[str] = field(default_factory=list)
    stations_per_line: dict[str, int] = field(default_factory=dict)
    gap_links: int = 0
    duplicate_links: int = 0

    def __str__(self) -> str:
        return (f"{len(self.stations_per_line) - len(self.unmatched_lines)} lines linked, "
                f"{len(self.unmatched_lines)} without stations: {self.unmatched_lines}; "
                f"{self.gap_links} gap links; {self.duplicate_links} duplicate links removed")


def _geodesic_len(geom_albers: shapely.Geometry) -> float:
    g = gpd.GeoSeries([geom_albers], crs=CHINA_ALBERS).to_crs(WGS84).iloc[0]
    return float(_geod.geometry_length(g))


def link_stations_along_lines(
    stations: gpd.GeoDataFrame,
    lines: gpd.GeoDataFrame,
    *,
    max_station_dist_m: float = 2000.0,
    speeds_kmh: Mapping[str, float] | None = None,
    dwell_s: float = 120.0,
    max_gap_m: float = 30_000.0,
    detour_factor: float = 1.2,
) -> tuple[gpd.GeoDataFrame, LinkReport]:
    """Link consecutive stations along each line.

    The line geometry is merged into continuous pieces (OSM corridors come as many pieces and
    double tracks); stations within ``max_station_dist_m`` of a piece are projected onto it
    (``shapely.line_locate_point`` in ``CHINA_ALBERS``), ordered, and consecutive stations are
    linked with the geodesic length of the line between them. Pieces of the same line whose
    stations stay disconnected are bridged between their closest stations when at most
    ``max_gap_m`` apart (straight line x ``detour_factor``).

    Parameters
    ----------
    stations
        Points (e.g. from :func:`read_stations`); the index is the station id.
    lines
        Lines from :func:`read_lines` (``line_type`` column; index = line id).
    max_station_dist_m
        Maximum distance from a station to the line, in metres.
    speeds_kmh
        Running speed (km/h) by line type, merged over :data:`DEFAULT_SPEEDS_KMH` (hsr 300,
        conventional 120).
    dwell_s
        Stop time in seconds added to every link.
    max_gap_m, detour_factor
        Largest straight distance (metres) bridged between pieces of a line, and the factor
        applied to the straight length of such a bridge; see above.

    Returns
    -------
    links, report
        ``links``: GeoDataFrame with ``u``, ``v`` (station ids), ``u_name``, ``v_name``,
        ``line_id``, ``line_name``, ``line_type``, ``length_m``, ``speed_kmh``, ``time_s``,
        ``along_line`` and the line geometry between the stations (EPSG:4326).
        ``report``: a :class:`LinkReport`; lines near no station are listed there and logged.

    Raises
    ------
    InvalidValueError
        A speed that is not positive, ``max_station_dist_m`` <= 0 or ``dwell_s`` < 0.
    MissingColumnError
        ``lines`` has no ``line_type`` column.
    """
    speeds = {**DEFAULT_SPEEDS_KMH, **(speeds_kmh or {})}
    for key, val in speeds.items():
        if not (val > 0):
            raise InvalidValueError(f"Speed for line type {key!r} must be > 0 km/h, got {val!r}.")
    if max_station_dist_m <= 0 or dwell_s < 0:
        raise InvalidValueError("max_station_dist_m must be > 0 and dwell_s >= 0.")
    require_columns(lines, ["line_type"], source="lines")
    st = stations.to_crs(CHINA_ALBERS)
    st_xy = shapely.get_coordinates(st.geometry.values)
    st_pts = st.geometry.values
    st_ids = np.asarray(stations.index)
    st_names = (stations["name"].astype(str).to_numpy() if "name" in stations
                else st_ids.astype(str))
    tree = shapely.STRtree(st_pts)
    rows: list[dict] = []
    report = LinkReport()
    for lid, line in lines.to_crs(CHINA_ALBERS).iterrows():
        ltype = line["line_type"]
        speed = float(speeds[ltype])
        merged = shapely.line_merge(shapely.node(line.geometry))
        pieces = [p for p in shapely.get_parts(merged) if p.length > 0]
        line_rows: list[dict] = []
        matched: set[int] = set()
        for piece in pieces:
            near = tree.query(piece, predicate="dwithin", distance=max_station_dist_m)
            if near.size < 2:
                matched.update(near.tolist())
                continue
            near = np.unique(near)
            pos = shapely.line_locate_point(piece, st_pts[near])
            order = np.argsort(pos, kind="stable")
            near, pos = near[order], pos[order]
            matched.update(near.tolist())
            for a, b, pa, pb in zip(near[:-1], near[1:], pos[:-1], pos[1:], strict=True):
                if pb - pa <= 0:
                    continue  # two stations on the same point of the line
                seg = substring(piece, pa, pb)
                line_rows.append({"a": a, "b": b, "length_m": _geodesic_len(seg),
                                  "geometry": seg, "along_line": True})
        # bridge pieces: connect station components of this line by their closest stations
        m = np.array(sorted(matched))
        if m.size >= 2:
            idx = {s: i for i, s in enumerate(m)}
            ab = np.array([[idx[r["a"]], idx[r["b"]]] for r in line_rows], dtype=int).reshape(-1, 2)
            adj = coo_matrix((np.ones(len(ab)), (ab[:, 0], ab[:, 1])), shape=(m.size, m.size))
            ncomp, labels = connected_components(adj, directed=False)
            if ncomp > 1:
                d = np.hypot(*(st_xy[m][:, None, :] - st_xy[m][None, :, :]).transpose(2, 0, 1))
                # Kruskal over components: repeatedly join the closest pair of components
                while ncomp > 1:
                    diff = labels[:, None] != labels[None, :]
                    cand = np.where(diff, d, np.inf)
                    i, j = np.unravel_index(np.argmin(cand), cand.shape)
                    if cand[i, j] > max_gap_m:
                        break
                    seg = shapely.LineString([st_xy[m[i]], st_xy[m[j]]])
                    line_rows.append({"a": m[i], "b": m[j], "geometry": seg, "along_line": False,
                                      "length_m": _geodesic_len(seg) * detour_factor})
                    report.gap_links += 1
                    labels[labels == labels[j]] = labels[i]
                    ncomp -= 1
        report.stations_per_line[str(lid)] = int(m.size)
        if not line_rows:
            report.unmatched_lines.append(str(lid))
        for r in line_rows:
            rows.append({"u": st_ids[r["a"]], "v": st_ids[r["b"]], "u_name": st_names[r["a"]],
                         "v_name": st_names[r["b"]], "line_id": str(lid),
                         "line_name": line.get("name", str(lid)), "line_type": ltype,
                         "length_m": r["length_m"], "speed_kmh": speed,
                         "time_s": r["length_m"] / (speed / 3.6) + dwell_s,
                         "along_line": r["along_line"], "geometry": r["geometry"]})
    if report.unmatched_lines:
        logger.warning("rail lines linked to no station (none within %.0f m): %s",
                       max_station_dist_m, ", ".join(report.unmatched_lines))
    cols = ["u", "v", "u_name", "v_name", "line_id", "line_name", "line_type", "length_m",
            "speed_kmh", "time_s", "along_line", "geometry"]
    links = gpd.GeoDataFrame(rows, columns=cols, geometry="geometry", crs=CHINA_ALBERS)
    links = links.to_crs(WGS84)
    # double tracks give the same pair twice: keep the shortest
    pair = pd.DataFrame({"a": np.minimum(links["u"], links["v"]),
                         "b": np.maximum(links["u"], links["v"]), "line_id": links["line_id"]})
    keep = pair.assign(t=links["time_s"]).sort_values("t").drop_duplicates(["a", "b", "line_id"])
    report.duplicate_links = len(links) - len(keep)
    if report.duplicate_links:
        dup = links.drop(index=keep.index)
        logger.info("rail links: removed %d duplicate station pair(s) (double tracks), e.g. %s",
                    report.duplicate_links,
                    [f"{a}-{b} ({lid})" for a, b, lid in
                     zip(dup["u_name"][:5], dup["v_name"][:5], dup["line_id"][:5], strict=True)])
    links = links.loc[keep.index]
    links = links.sort_values(["line_id", "u"]).reset_index(drop=True)
    logger.info("rail links: %s", report)
    return links, report


# ---------------------------------------------------------------------------- multimodal
def multimodal_network(
    road_network: Network,
    stations: gpd.GeoDataFrame,
    rail_links: gpd.GeoDataFrame,
    *,
    wait_s: float = 600.0,
    transfer_s: float = 300.0,
    access_speed_kmh: float = 30.0,
    max_access_m: float = 5000.0,
    name: str | None = None,
) -> Network:
    """Join rail links to a road network: road access, rail, road egress.

    Every station used by ``rail_links`` becomes a node linked to its nearest road node.
    Boarding (road -> station) costs the access time (snap distance at
    ``access_speed_kmh``) + ``wait_s`` + ``transfer_s``; alighting (station -> road) costs
    the access time + ``transfer_s``. Rail links are two-way. Changing trains at a station
    costs nothing extra in this model (the station is one node).

    Parameters
    ----------
    road_network
        The road :class:`~geourb.network.Network` (or an approximate one).
    stations
        Stations with point geometry; index = the ids used in ``rail_links.u``/``v``.
    rail_links
        From :func:`link_stations_along_lines`.
    wait_s, transfer_s
        Mean wait for a train and the transfer time between road and platform, in seconds.
    access_speed_kmh
        Speed on the snap distance from station to road node, in km/h.
    max_access_m
        Stations farther than this (metres) from any road node are not connected (logged).
    name
        Name of the result (default: road name + "+rail").

    Returns
    -------
    Network
        Nodes ``0..n_road-1`` are the road nodes in the order of ``road_network``; station
        node ``n_road + k`` is the ``k``-th distinct station of ``rail_links`` (``u`` then
        ``v``, first appearance order). ``network.node_ids`` is ``0..n-1`` (it does not carry
        ``road_network.node_ids``; use ``road_network.node_ids[i]`` for road node ``i``).

    Raises
    ------
    InvalidValueError
        Negative ``wait_s``/``transfer_s``, non-positive ``access_speed_kmh``, or rail links
        referring to station ids not in ``stations``.
    MissingColumnError
        ``rail_links`` lacks ``u``, ``v`` or ``time_s``.
    NetworkGraphError
        ``rail_links`` is empty, or no station lies within ``max_access_m`` of a road node.
    """
    if wait_s < 0 or transfer_s < 0 or access_speed_kmh <= 0:
        raise InvalidValueError("wait_s and transfer_s must be >= 0 and access_speed_kmh > 0.")
    require_columns(rail_links, ["u", "v", "time_s"], source="rail_links")
    if rail_links.empty:
        raise NetworkGraphError("rail_links is empty: no rail link to add to the road network.")
    used = pd.unique(np.concatenate([rail_links["u"].to_numpy(), rail_links["v"].to_numpy()]))
    unknown = set(used) - set(stations.index)
    if unknown:
        raise InvalidValueError(f"rail_links refer to station ids not in stations: "
                                f"{sorted(unknown)[:5]}.")
    st = stations.loc[used].to_crs(WGS84)
    lon, lat = st.geometry.x.to_numpy(), st.geometry.y.to_numpy()
    road_node, snap_m = road_network.nearest_nodes(lon, lat)
    ok = snap_m <= max_access_m
    if not ok.any():
        raise NetworkGraphError(
            f"No station of the rail links lies within {max_access_m:.0f} m of a node of "
            f"{road_network!r}; the rail and road networks do not overlap."
        )
    if (~ok).any():
        logger.info("%d of %d stations are farther than %.0f m from the road network and stay "
                    "unconnected to roads", int((~ok).sum()), ok.size, max_access_m)
    n = road_network.n_nodes
    st_node = {sid: n + k for k, sid in enumerate(used)}
    access_s = snap_m / (access_speed_kmh / 3.6)
    ru, rv, rt = road_network.edges()
    ku = np.array([st_node[s] for s in rail_links["u"]], dtype=np.int64)
    kv = np.array([st_node[s] for s in rail_links["v"]], dtype=np.int64)
    kt = rail_links["time_s"].to_numpy(dtype=float)
    s_nodes = (n + np.arange(used.size))[ok]
    board = access_s[ok] + wait_s + transfer_s
    alight = access_s[ok] + transfer_s
    u = np.concatenate([ru, ku, kv, road_node[ok], s_nodes])
    v = np.concatenate([rv, kv, ku, s_nodes, road_node[ok]])
    t = np.concatenate([rt, kt, kt, np.maximum(board, 1.0), np.maximum(alight, 1.0)])
    net = Network.from_edges(
        u, v, t,
        node_lon=np.concatenate([road_network.node_lon, lon]),
        node_lat=np.concatenate([road_network.node_lat, lat]),
        name=name or f"{road_network.name or 'road'}+rail",
        approximate=road_network.approximate,
        largest_component=False,
    )
    logger.info("multimodal network: %d road nodes + %d stations (%d linked to roads), %d rail "
                "links", n, used.size, int(ok.sum()), len(rail_links))
    return net
