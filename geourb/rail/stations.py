"""Rail stations: reading (declared coordinate system), duplicate-name checks, merging sources."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geourb._errors import DataFileNotFoundError, InvalidValueError
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
from geourb.counties import WGS84

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


