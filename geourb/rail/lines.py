"""Rail lines and station-to-station links along them."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from shapely.ops import substring

from geourb._errors import DataFileNotFoundError, InvalidValueError, NoCrsError
from geourb._log import logger
from geourb._validate import require_columns
from geourb.counties import CHINA_ALBERS, WGS84

LINE_TYPES: tuple[str, ...] = ("hsr", "conventional")
DEFAULT_SPEEDS_KMH: dict[str, float] = {"hsr": 300.0, "conventional": 120.0}
"""Default average running speeds by line type (high-speed 250-350 km/h, conventional ~120)."""

HSR_KEYWORDS: tuple[str, ...] = ("高铁", "高速", "客专", "客运专线", "城际", "hsr", "high-speed")
"""Words in a line name that mark a high-speed line when ``line_type`` is not given."""

_geod = Geod(ellps="WGS84")


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
    for what, layer in (("stations", stations), ("lines", lines)):
        if layer.crs is None:
            raise NoCrsError(f"The {what} have no CRS; set one with .set_crs('EPSG:4326').")
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


