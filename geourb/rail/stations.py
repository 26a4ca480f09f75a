"""Rail stations: reading (declared coordinate system), duplicate-name checks, merging sources."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geourb._errors import DataFileNotFoundError, DuplicateKeyError, InvalidValueError, NoCrsError
from geourb._io import read_table
from geourb._log import logger
from geourb._validate import require_columns, to_numeric
from geourb.coords import (
    CHINA_LAT_RANGE,
    CHINA_LON_RANGE,
    check_system,
    convert_geometries,
    haversine_m,
    in_china,
    to_wgs84,
)
from geourb.counties import WGS84

_LON_NAMES = ("lon", "lng", "longitude", "x", "经度", "wgs84_lng", "wgs84经")
_LAT_NAMES = ("lat", "latitude", "y", "纬度", "wgs84_lat", "wgs84纬")
_NAME_NAMES = ("name", "站名", "车站", "station", "名称")
# known column pairs by coordinate system (e.g. cnstation.csv: three systems side by side)
_SYSTEM_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "gcj02": (("lng火星", "lat火星"), ("gcj02_lng", "gcj02_lat"), ("gcj_lng", "gcj_lat")),
    "wgs84": (("WGS84_Lng", "WGS84_Lat"), ("WGS84经", "WGS84纬"), ("wgs84_lng", "wgs84_lat")),
    "bd09": (("BD_Lng", "BD_Lat"), ("bd09_lng", "bd09_lat"), ("百度坐", "百度_1")),
}

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
    kinds: Iterable[str] | None = None,
    duplicate_m: float = 1000.0,
    on_duplicate: str = "flag",
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
    kinds
        Keep only these values of an OSM ``station`` column (e.g. ``("train",)`` for the
        OSM export, which also holds subway, tram and monorail stops); the others are counted
        in the log. None: keep all. A file without a ``station`` column is refused
        (:class:`~geourb._errors.MissingColumnError`).
    duplicate_m, on_duplicate
        Stations sharing a name but farther than ``duplicate_m`` metres apart are flagged in
        the ``duplicate_name`` column and logged (``on_duplicate="flag"``) or refused with a
        :class:`~geourb._errors.DuplicateKeyError` (``"raise"``); see
        :func:`check_duplicate_names`.

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
    path = Path(str(path).removeprefix("zip://"))
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
            require_columns(df, ["lon", "lat"], source=source)  # raises: one of them is absent
            raise AssertionError("unreachable: require_columns raised")
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
        gdf = gpd.read_file(f"zip://{path}" if path.suffix.lower() == ".zip" else path)
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
        require_columns(gdf, ["name"], source=source)  # raises: no such column
        raise AssertionError("unreachable: require_columns raised")
    require_columns(gdf, [name_col], source=source)
    gdf = gdf.reset_index(drop=True)
    names = gdf.pop(name_col)
    unnamed = names.isna() | (names.astype(str).str.strip() == "")
    if unnamed.any():
        logger.warning("%s: %d of %d station(s) have no name (kept with name ''; they cannot "
                       "be matched by name), rows %s", source, int(unnamed.sum()), len(gdf),
                       list(gdf.index[unnamed.to_numpy()][:5]))
    gdf.insert(0, "name", names.where(~unnamed, "").astype(str).str.strip())
    if kinds is not None:
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        require_columns(gdf, ["station"], source=source)
        keep = gdf["station"].isin(list(kinds)).to_numpy()
        if (~keep).any():
            left = gdf.loc[~keep, "station"].astype(object).fillna("none").value_counts()
            logger.info("%s: kept %d station(s) of kinds %s; left out %s", source,
                        int(keep.sum()), list(kinds),
                        ", ".join(f"{k}: {c}" for k, c in left.items()))
        gdf = gdf[keep].reset_index(drop=True)
    gdf["lon"] = gdf.geometry.x
    gdf["lat"] = gdf.geometry.y
    logger.info("%s: %d stations (%s -> WGS84)", source, len(gdf), system)
    return check_duplicate_names(gdf, max_dist_m=duplicate_m, on_duplicate=on_duplicate,
                                 source=source)


def normalize_station_name(name: object) -> str:
    """Normalise a station name for matching: spaces removed and a trailing 站 / 火车站 dropped.

    Parameters
    ----------
    name : object
        A station name; ``None`` and NaN give ``""``, anything else is taken as text.

    Returns
    -------
    str
        The name without whitespace and without a trailing 站 / 火车站 (unless that is all
        there is).

    Examples
    --------
    >>> normalize_station_name("昆明南站"), normalize_station_name(" 武汉 火车站")
    ('昆明南', '武汉')
    """
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    text = "".join(str(name).split())
    for suffix in ("火车站", "站"):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def check_duplicate_names(
    stations: gpd.GeoDataFrame,
    *,
    max_dist_m: float = 1000.0,
    on_duplicate: str = "flag",
    source: str = "stations",
) -> gpd.GeoDataFrame:
    """Flag (or refuse) stations that share a name but lie at different places.

    Two records of one station (a few metres apart, e.g. two platforms or two sources) are
    normal; the same name more than ``max_dist_m`` apart means two different stations (or a
    geocoding error), and matching by name would silently pick one of them.

    Parameters
    ----------
    stations
        Stations with ``name`` and point geometry.
    max_dist_m
        Largest distance (metres) between records of the same name still taken as one place.
    on_duplicate
        ``"flag"``: add the boolean column ``duplicate_name`` and log the names; ``"raise"``:
        raise :class:`~geourb._errors.DuplicateKeyError` naming them.
    source
        Name of the file or layer for the messages.

    Returns
    -------
    geopandas.GeoDataFrame
        ``stations`` with ``duplicate_name`` (True for every record of such a name) and
        ``duplicate_span_m`` (largest distance between records of the name, 0 otherwise). No
        row is dropped.

    Raises
    ------
    DuplicateKeyError
        With ``on_duplicate="raise"`` when a name occurs at places farther apart than
        ``max_dist_m``.
    InvalidValueError
        An unknown ``on_duplicate`` or a negative ``max_dist_m``.
    """
    if on_duplicate not in ("flag", "raise"):
        raise InvalidValueError(f"on_duplicate must be 'flag' or 'raise', got {on_duplicate!r}.")
    if not (max_dist_m >= 0):
        raise InvalidValueError(f"max_dist_m must be >= 0 metres, got {max_dist_m!r}.")
    out = stations.copy()
    key = out["name"].map(normalize_station_name)
    lon, lat = out.geometry.x.to_numpy(), out.geometry.y.to_numpy()
    span = np.zeros(len(out))
    named = (key != "").to_numpy()
    dup = key.duplicated(keep=False).to_numpy() & named
    for _, pos in pd.Series(np.flatnonzero(dup)).groupby(key.to_numpy()[dup]):
        p = pos.to_numpy()
        d = haversine_m(lon[p][:, None], lat[p][:, None], lon[p][None, :], lat[p][None, :])
        span[p] = d.max()
    out["duplicate_span_m"] = span
    out["duplicate_name"] = span > max_dist_m
    if out["duplicate_name"].any():
        far = (out[out["duplicate_name"]].assign(_k=key[out["duplicate_name"]])
               .groupby("_k")["duplicate_span_m"].max().sort_values(ascending=False))
        listing = ", ".join(f"{k} ({v / 1000:.0f} km apart)" for k, v in far.head(8).items())
        msg = (f"{source}: {len(far)} station name(s) occur at places more than "
               f"{max_dist_m:.0f} m apart ({int(out['duplicate_name'].sum())} rows): {listing}")
        if on_duplicate == "raise":
            raise DuplicateKeyError(msg + ". Rename one of each (e.g. add the city) or pass "
                                    "on_duplicate='flag' to keep them flagged in "
                                    "'duplicate_name'.")
        logger.warning("%s; flagged in 'duplicate_name' (merging by name takes the nearest record)", msg)
    return out




@dataclass
class MergeReport:
    """What :func:`merge_stations` matched.

    Attributes
    ----------
    matched
        Stations found in both sources (same normalised name within the distance).
    only_first, only_second
        Stations kept from one source only (flagged in ``source``).
    far_name_matches
        Names present in both sources but farther apart than the distance: kept as two
        stations, listed with the distance in metres.
    unnamed_second
        Stations of the second source without a name (kept, never matched).
    """

    matched: int = 0
    only_first: int = 0
    only_second: int = 0
    far_name_matches: dict[str, float] = field(default_factory=dict)
    unnamed_second: int = 0

    def __str__(self) -> str:
        return (f"{self.matched} stations in both sources, {self.only_first} only in the first, "
                f"{self.only_second} only in the second ({self.unnamed_second} without a name); "
                f"{len(self.far_name_matches)} names in both but too far apart")


def merge_stations(
    first: gpd.GeoDataFrame,
    second: gpd.GeoDataFrame,
    *,
    max_dist_m: float = 3000.0,
    prefix: str = "osm_",
) -> tuple[gpd.GeoDataFrame, MergeReport]:
    """Merge two station layers by name and distance, keeping both sources' attributes.

    A station of ``first`` (e.g. ``cnstation.csv``, with railway bureau, class and address)
    and one of ``second`` (e.g. the 2025 OSM export, with newer stations such as 昆明南) are
    the same when their names agree after :func:`normalize_station_name` and they lie at most
    ``max_dist_m`` apart; each station is matched at most once, nearest pairs first. Nothing is
    dropped: unmatched stations of either source are kept and flagged.

    Parameters
    ----------
    first, second
        Stations from :func:`read_stations` (``name``, point geometry, any other columns).
    max_dist_m
        Largest distance in metres between the two records of one station.
    prefix
        Prefix of ``second``'s columns in the result (``osm_name``, ``osm_station`` ...).

    Returns
    -------
    stations, report
        ``stations``: one row per station, ``first``'s rows (in order) then the unmatched rows
        of ``second``; ``name``, ``source`` (``'both'``, ``'first'``, ``'second'``),
        ``match_dist_m`` (NaN when unmatched), ``first``'s columns, ``second``'s columns with
        ``prefix``, ``lon``/``lat`` and the geometry of ``first`` where present (else of
        ``second``), EPSG:4326, RangeIndex. ``report``: a :class:`MergeReport` (also logged).

    Raises
    ------
    InvalidValueError
        ``max_dist_m`` not positive.
    MissingColumnError
        A layer without ``name``.
    """
    if not (max_dist_m > 0):
        raise InvalidValueError(f"max_dist_m must be > 0 metres, got {max_dist_m!r}.")
    require_columns(first, ["name"], source="first stations")
    require_columns(second, ["name"], source="second stations")
    for what, layer in (("first", first), ("second", second)):
        if layer.crs is None:
            raise NoCrsError(f"The {what} station layer has no CRS; set one with "
                             ".set_crs('EPSG:4326').")
    a = first.to_crs(WGS84).reset_index(drop=True)
    b = second.to_crs(WGS84).reset_index(drop=True)
    ka = a["name"].map(normalize_station_name)
    kb = b["name"].map(normalize_station_name)
    pairs = pd.DataFrame({"ia": np.arange(len(a)), "key": ka}).merge(
        pd.DataFrame({"ib": np.arange(len(b)), "key": kb}).loc[(kb != "").to_numpy()],
        on="key")
    ax, ay = a.geometry.x.to_numpy(), a.geometry.y.to_numpy()
    bx, by = b.geometry.x.to_numpy(), b.geometry.y.to_numpy()
    ia, ib = pairs["ia"].to_numpy(), pairs["ib"].to_numpy()
    pairs["d"] = haversine_m(ax[ia], ay[ia], bx[ib], by[ib])
    pairs = pairs.sort_values("d", kind="stable")
    near = pairs[pairs["d"] <= max_dist_m]
    chosen = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for ra, rb, d in zip(near["ia"], near["ib"], near["d"], strict=True):
        if ra in used_a or rb in used_b:
            continue
        used_a.add(ra)
        used_b.add(rb)
        chosen.append((ra, rb, d))
    match_b = np.full(len(a), -1)
    dist = np.full(len(a), np.nan)
    for ra, rb, d in chosen:
        match_b[ra], dist[ra] = rb, d
    report = MergeReport(matched=len(chosen), only_first=int((match_b < 0).sum()),
                         unnamed_second=int((kb == "").sum()))
    far = pairs[~pairs["ia"].isin(list(used_a)) & ~pairs["ib"].isin(list(used_b))]
    report.far_name_matches = {str(k): float(v) for k, v in far.groupby("key")["d"].min().items()}
    b_cols = [c for c in b.columns if c != b.geometry.name]
    b_attr = b[b_cols].add_prefix(prefix)
    left = pd.DataFrame(a.drop(columns=a.geometry.name))
    got = match_b >= 0
    right = pd.DataFrame(np.nan, index=left.index, columns=b_attr.columns).astype(object)
    right.loc[got] = b_attr.iloc[match_b[got]].to_numpy()
    merged_a = pd.concat([left, right], axis=1)
    merged_a["source"] = np.where(got, "both", "first")
    merged_a["match_dist_m"] = dist
    rest = np.setdiff1d(np.arange(len(b)), match_b[got])
    report.only_second = int(rest.size)
    merged_b = b_attr.iloc[rest].copy()
    merged_b.insert(0, "name", b["name"].iloc[rest].to_numpy())
    merged_b["source"] = "second"
    merged_b["match_dist_m"] = np.nan
    geom = np.concatenate([a.geometry.to_numpy(), b.geometry.to_numpy()[rest]])
    out = gpd.GeoDataFrame(pd.concat([merged_a, merged_b], ignore_index=True),
                           geometry=geom, crs=WGS84)
    out["lon"], out["lat"] = out.geometry.x, out.geometry.y
    if report.far_name_matches:
        logger.info("station merge: %d names in both sources lie more than %.0f m apart and "
                    "stay separate, e.g. %s", len(report.far_name_matches), max_dist_m,
                    ", ".join(f"{k} ({v / 1000:.1f} km)" for k, v in
                              list(report.far_name_matches.items())[:5]))
    logger.info("station merge: %s", report)
    return out, report
