"""Reading parks: tables with longitude/latitude, point or polygon layers, the 2018 catalogue.

:func:`read_parks` dispatches on the format; the 2018 catalogue has its own adapter,
:func:`read_catalogue_2018`. Every reader returns the normalised columns of
:data:`geourb.parks.schema.PARK_COLUMNS` in WGS84.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geourb._errors import DuplicateKeyError, InvalidValueError, MissingColumnError, UnknownNameError, suggest
from geourb._io import read_table
from geourb._log import logger
from geourb._validate import require_columns, require_crs, to_numeric
from geourb.coords import CHINA_LAT_RANGE, CHINA_LON_RANGE, check_system, gcj02_to_wgs84, haversine_m
from geourb.coords import to_wgs84 as _to_wgs84
from geourb.parks.schema import (
    _ALIASES,
    CATALOGUE_2018_COLUMNS,
    LEVELS,
    MU_PER_HA,
    PARK_COLUMNS,
    TYPE_EN,
    WGS84,
    OnDuplicate,
    ParkFormat,
    split_industries,
)

__all__ = ["read_catalogue_2018", "read_parks"]


def _find_column(df: pd.DataFrame, key: str, mapping: Mapping[str, str]) -> str | None:
    """Column of ``df`` holding ``key``: the mapped one, else the first known alias present."""
    if key in mapping:
        return mapping[key]
    return next((c for c in _ALIASES.get(key, (key,)) if c in df.columns), None)


def _check_lonlat(lon: np.ndarray, lat: np.ndarray, *, source: str, lon_col: str, lat_col: str,
                  index: pd.Index, layer_crs: object = None) -> None:
    """Raise on swapped longitude/latitude or on points outside China's bounding box.

    ``layer_crs`` is given for a layer (``lon_col``/``lat_col`` are then its x/y axes): the
    hints speak of the layer's axis order and CRS, since ``lon=``/``lat=`` apply to tables only.
    """
    present = ~(np.isnan(lon) | np.isnan(lat))
    if not present.any():
        return
    x, y = lon[present], lat[present]
    swapped = (y >= 73) & (y <= 136) & (x >= 3) & (x <= 54)
    if swapped.mean() > 0.5:
        if layer_crs is not None:
            raise InvalidValueError(
                f"{source}: the layer's x coordinates hold {np.nanmin(x):.2f}-{np.nanmax(x):.2f} and its "
                f"y coordinates {np.nanmin(y):.2f}-{np.nanmax(y):.2f} in {layer_crs}: the axes look "
                "swapped (latitude written as x). Swap them and save the layer again, e.g. "
                "layer = geourb.coords.swap_xy(layer), or re-export it with longitude first "
                "(GDAL: OSR_DEFAULT_AXIS_MAPPING_STRATEGY=TRADITIONAL_GIS_ORDER)."
            )
        raise InvalidValueError(
            f"{source}: longitude column {lon_col!r} holds values {np.nanmin(x):.2f}-{np.nanmax(x):.2f}"
            f" and latitude column {lat_col!r} holds {np.nanmin(y):.2f}-{np.nanmax(y):.2f}: they look "
            f"swapped. Pass lon={lat_col!r}, lat={lon_col!r}."
        )
    outside = ((x < CHINA_LON_RANGE[0]) | (x > CHINA_LON_RANGE[1])
               | (y < CHINA_LAT_RANGE[0]) | (y > CHINA_LAT_RANGE[1]))
    if outside.any():
        rows = index[present][outside][:5].tolist()
        pairs = [f"({a:.4f}, {b:.4f})" for a, b in zip(x[outside][:5], y[outside][:5], strict=True)]
        where = (f"{source}: {int(outside.sum())} point(s) lie outside China's range "
                 f"(longitude {CHINA_LON_RANGE[0]}-{CHINA_LON_RANGE[1]}, latitude "
                 f"{CHINA_LAT_RANGE[0]}-{CHINA_LAT_RANGE[1]}) in rows {rows}: {', '.join(pairs)}. ")
        if layer_crs is not None:
            raise InvalidValueError(
                where + f"The layer's CRS is {layer_crs}: if its coordinates are projected metres, "
                "its CRS label is wrong; set the right one (layer.set_crs('EPSG:...', "
                "allow_override=True)) and save it again, or remove those features."
            )
        raise InvalidValueError(
            where + f"Check that {lon_col!r}/{lat_col!r} are decimal degrees (not projected metres or "
            "degrees-minutes) and fix or blank those cells."
        )


def _handle_duplicates(df: pd.DataFrame, on_duplicate: str, *, source: str) -> pd.DataFrame:
    """Flag repeated park codes and raise, drop or rename them as ``on_duplicate`` says."""
    ids = df["park_id"]
    dup_mask = ids.notna() & ids.duplicated(keep=False)
    df = df.copy()
    df["duplicate_park_id"] = dup_mask.to_numpy()
    if not dup_mask.any():
        df.attrs["dropped_duplicates"] = []
        return df
    repeated = sorted(set(ids[dup_mask].astype(str)))
    if on_duplicate == "error":
        rows = df.loc[dup_mask, ["park_id", "name"]].astype(str)
        listing = "; ".join(f"{i} {n}" for i, n in zip(rows["park_id"], rows["name"], strict=True))
        raise DuplicateKeyError(
            f"{source}: park codes must be unique; repeated: {', '.join(repeated[:10])} "
            f"({listing[:300]}). Pass on_duplicate='suffix' to keep every row (the repeats get "
            "'#2', '#3' ... appended) or on_duplicate='keep_first' to keep the first row of each "
            "code; either way the duplicates are flagged and reported."
        )
    if on_duplicate == "keep_first":
        drop = ids.notna() & ids.duplicated(keep="first")
        dropped = df.loc[drop, ["park_id", "name"]].astype(str).to_dict("records")
        logger.warning("%s: dropped %d row(s) repeating a park code (kept the first): %s",
                       source, len(dropped), dropped)
        df = df[~drop.to_numpy()].copy()
        df.attrs["dropped_duplicates"] = dropped
        return df
    if on_duplicate == "suffix":
        nth = df.groupby("park_id").cumcount() + 1
        rename = (nth > 1) & dup_mask
        df.loc[rename, "park_id"] = df.loc[rename, "park_id"].astype(str) + "#" + nth[rename].astype(str)
        logger.warning("%s: park code(s) %s repeat; the repeats were renamed with a '#n' suffix "
                       "and flagged duplicate_park_id", source, ", ".join(repeated))
        df.attrs["dropped_duplicates"] = []
        return df
    raise InvalidValueError(
        f"Unknown on_duplicate={on_duplicate!r}; use 'error', 'keep_first' or 'suffix'."
    )


# --------------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------------


def _normalise(df: pd.DataFrame, mapping: Mapping[str, str], *, source: str) -> pd.DataFrame:
    """Map a raw table to the normalised attribute columns (no geometry)."""
    mapping = dict(mapping)
    name_col = _find_column(df, "name", mapping)
    if name_col is None:
        require_columns(df, ["name"], source=source)  # raises MissingColumnError with the columns
    for key, col in mapping.items():
        if col not in df.columns:
            raise MissingColumnError(
                f"{source}: mapping {key!r} -> {col!r} names a column that does not exist. "
                f"Available columns: {', '.join(map(str, list(df.columns)[:15]))}."
            )
    out = pd.DataFrame(index=df.index)
    id_col = _find_column(df, "park_id", mapping)
    if id_col is None:
        logger.info("%s has no park code column; park_id is the row number (P00001 ...)", source)
        out["park_id"] = [f"P{i + 1:05d}" for i in range(len(df))]
    else:
        out["park_id"] = df[id_col].astype("string").str.strip()
    out["name"] = df[name_col].astype("string").str.strip()
    if out["name"].isna().any():
        rows = out.index[out["name"].isna()][:5].tolist()
        raise InvalidValueError(f"{source}: column {name_col!r} is empty in rows {rows}; every park "
                                "needs a name.")

    level_col = _find_column(df, "level", mapping)
    if level_col is None:
        out["level"] = pd.Series(pd.NA, index=df.index, dtype="string")
    else:
        raw = df[level_col].astype("string").str.strip()
        level = raw.map(LEVELS, na_action="ignore")
        bad = raw.notna() & level.isna()
        if bad.any():
            raise InvalidValueError(
                f"{source}: column {level_col!r} has unknown approval levels "
                f"{sorted(set(raw[bad]))[:5]}; use 国务院/国家级/national or 省政府/省级/provincial."
            )
        out["level"] = level.astype("string")

    type_col = _find_column(df, "type", mapping)
    out["type"] = (df[type_col].astype("string").str.strip() if type_col
                   else pd.Series(pd.NA, index=df.index, dtype="string"))
    out["type_en"] = out["type"].map(lambda t: TYPE_EN.get(t, t) if isinstance(t, str) else pd.NA)

    year_col = _find_column(df, "approved_year", mapping)
    if year_col is None:
        out["approved_year"] = pd.Series(pd.NA, index=df.index, dtype="Int64")
    else:
        years = df[year_col].astype("string").str.extract(r"((?:19|20)\d{2})", expand=False)
        out["approved_year"] = pd.to_numeric(years).astype("Int64")

    ha_col = _find_column(df, "approved_ha", mapping)
    if ha_col is None and "approved_mu" in df.columns:
        out["approved_ha"] = to_numeric(df, "approved_mu", source=source) / MU_PER_HA
    elif ha_col is None:
        out["approved_ha"] = np.nan
    else:
        out["approved_ha"] = to_numeric(df, ha_col, source=source)
    out["approved_mu"] = out["approved_ha"] * MU_PER_HA

    ind_col = _find_column(df, "industries", mapping)
    out["industries"] = ([split_industries(v) for v in df[ind_col]] if ind_col
                         else [[] for _ in range(len(df))])
    for key in ("province", "prefecture", "geocode_precision"):
        place_col = _find_column(df, key, mapping)
        out[key] = (df[place_col].astype("string").str.strip() if place_col
                    else pd.Series(pd.NA, index=df.index, dtype="string"))
    # keep the user's other columns (output, tax, jobs ...) after the normalised ones
    used = {c for c in [name_col, id_col, level_col, type_col, year_col, ha_col, ind_col] if c}
    used |= {c for k in ("province", "prefecture", "geocode_precision")
             if (c := _find_column(df, k, mapping))}
    extra = [c for c in df.columns if c not in used and c not in out.columns and c != "geometry"]
    renames = {col: key for key, col in mapping.items() if key not in _ALIASES and col in extra}
    return pd.concat([out, df[extra].rename(columns=renames)], axis=1)


def _points(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Point geometries (None where a coordinate is missing)."""
    geoms = shapely.points(lon, lat)
    geoms[np.isnan(lon) | np.isnan(lat)] = None
    return geoms



_CATALOGUE_XY = {"wgs84": ("经度_WGS84", "纬度_WGS84"), "gcj02": ("经度_GCJ02", "纬度_GCJ02")}
_CATALOGUE_MARKERS = frozenset({"开发区名称", "经度_WGS84", "纬度_WGS84", "经度_GCJ02"})
_LAYER_SUFFIXES = frozenset({".gpkg", ".geojson", ".json", ".shp", ".fgb", ".parquet"})


def _catalogue_columns(lon: str | None, lat: str | None, system: str, *,
                       source: str) -> tuple[str, str]:
    """Coordinate columns of the 2018 catalogue that hold ``system`` coordinates.

    The catalogue has WGS84 and GCJ-02 column pairs: ``coord_system`` picks the pair, and a
    column of the other pair passed with it is refused (it would be converted twice).
    """
    if system not in _CATALOGUE_XY:
        raise InvalidValueError(
            f"{source}: the 2018 catalogue has WGS84 (经度_WGS84/纬度_WGS84) and GCJ-02 "
            f"(经度_GCJ02/纬度_GCJ02) columns, not {system!r}; use coord_system='wgs84' "
            "(default) or 'gcj02'."
        )
    want = _CATALOGUE_XY[system]
    for col in (lon, lat):
        for other, pair in _CATALOGUE_XY.items():
            if col in pair and other != system:
                raise InvalidValueError(
                    f"{source}: column {col!r} holds {other} coordinates but "
                    f"coord_system={system!r} was given; they would be converted wrongly. Use "
                    f"coord_system={other!r} or the columns {want[0]!r}/{want[1]!r}."
                )
    return lon or want[0], lat or want[1]


def _table_points(df: pd.DataFrame, *, lon: str | None, lat: str | None, system: str, mapping: Mapping[str, str],
                  source: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Normalised attributes and WGS84 x/y of a table with longitude/latitude columns."""
    lon_col = lon or next((c for c in ("lon", "lng", "longitude", "经度", "x") if c in df.columns), None)
    lat_col = lat or next((c for c in ("lat", "latitude", "纬度", "y") if c in df.columns), None)
    if lon_col is None or lat_col is None:
        raise MissingColumnError(
            f"{source} has no longitude/latitude columns (looked for lon/lng/longitude/经度 and "
            f"lat/latitude/纬度). Available: {', '.join(map(str, list(df.columns)[:15]))}. Pass "
            "lon='...', lat='...'."
        )
    require_columns(df, [lon_col, lat_col], source=source)
    x = to_numeric(df, lon_col, source=source, allow_negative=True).to_numpy()
    y = to_numeric(df, lat_col, source=source, allow_negative=True).to_numpy()
    _check_lonlat(x, y, source=source, lon_col=lon_col, lat_col=lat_col, index=df.index)
    x, y = _to_wgs84(x, y, source=system)
    attrs = _normalise(df.drop(columns=[lon_col, lat_col]), mapping, source=source)
    return attrs, np.asarray(x, float), np.asarray(y, float)


def _catalogue_frame(df: pd.DataFrame, *, lon: str | None, lat: str | None, system: str,
                     mapping: Mapping[str, str], source: str) -> gpd.GeoDataFrame:
    """Turn the 2018 catalogue's raw table into normalised parks (before duplicate handling)."""
    require_columns(df, ["开发区名称", "代码", "经度_WGS84", "纬度_WGS84"], source=source)
    lon, lat = _catalogue_columns(lon, lat, system, source=source)
    attrs, x, y = _table_points(df, lon=lon, lat=lat, system=system,
                                mapping={**CATALOGUE_2018_COLUMNS, **mapping}, source=source)
    attrs = attrs.drop(columns=[c for c in attrs.columns if c in (
        "经度_GCJ02", "纬度_GCJ02", "经度_WGS84", "纬度_WGS84", "序号", "状态")
        or c.startswith(("built_", "forest_", "pop_")) or c == "dist_to_coast_km"])
    if {"经度_GCJ02", "纬度_GCJ02"} <= set(df.columns):
        wx = to_numeric(df, "经度_WGS84", source=source, allow_negative=True).to_numpy()
        wy = to_numeric(df, "纬度_WGS84", source=source, allow_negative=True).to_numpy()
        gx = to_numeric(df, "经度_GCJ02", source=source).to_numpy()
        gy = to_numeric(df, "纬度_GCJ02", source=source).to_numpy()
        cx, cy = gcj02_to_wgs84(gx, gy)
        attrs["gcj02_check_m"] = haversine_m(cx, cy, wx, wy)
        logger.info("%s: WGS84 vs converted GCJ-02 columns differ by %.1f m at most",
                    source, np.nanmax(attrs["gcj02_check_m"]))
    return gpd.GeoDataFrame(attrs, geometry=_points(x, y), crs=WGS84)


def _finish(gdf: gpd.GeoDataFrame, *, on_duplicate: str, source: str) -> gpd.GeoDataFrame:
    """Handle repeated codes, order the columns and record the source."""
    gdf = _handle_duplicates(gdf, on_duplicate, source=source)
    gdf = gdf.reset_index(drop=True)
    gdf.index.name = None
    first = [c for c in PARK_COLUMNS if c in gdf.columns]
    gdf = gdf[first + [c for c in gdf.columns if c not in first]]
    gdf.attrs["source"] = source
    logger.info("read %d parks from %s", len(gdf), source)
    return gdf


def read_catalogue_2018(
    path: str | os.PathLike[str] | None = None,
    *,
    coord_system: str = "wgs84",
    lon: str | None = None,
    lat: str | None = None,
    mapping: Mapping[str, str] | None = None,
    on_duplicate: OnDuplicate = "suffix",
    sheet: str | int | None = None,
) -> gpd.GeoDataFrame:
    """Read the 2018 national catalogue of development zones (中国开发区审核公告目录).

    The adapter of :func:`read_parks` for ``format="catalogue_2018"``: it maps the catalogue's
    Chinese headers (:data:`CATALOGUE_2018_COLUMNS`), uses its WGS84 or its GCJ-02 column pair,
    cross-checks the two (``gcj02_check_m``) and drops its raster-derived columns.

    Parameters
    ----------
    path
        The catalogue CSV, or None for the registered source ``development_zones_2018``
        (looked up in the mirrors).
    coord_system
        ``"wgs84"`` (columns 经度_WGS84/纬度_WGS84) or ``"gcj02"`` (经度_GCJ02/纬度_GCJ02).
    lon, lat
        Other coordinate columns, if any.
    mapping
        Normalised name -> column, on top of :data:`CATALOGUE_2018_COLUMNS`.
    on_duplicate
        See :func:`read_parks`; ``"suffix"`` by default (code S377018 is used by two zones).
    sheet
        Sheet of a spreadsheet copy.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`read_parks`, with ``address`` and ``gcj02_check_m``.

    Raises
    ------
    DataFileNotFoundError
        The file (or the registered catalogue) cannot be found.
    MissingColumnError
        The table lacks the catalogue's 开发区名称, 代码, 经度_WGS84 or 纬度_WGS84 columns.
    InvalidValueError
        A coordinate system other than WGS84/GCJ-02, or a column pair that does not match it.
    """
    from geourb.sources import resolve

    system = check_system(coord_system)
    if path is None or str(path) == "development_zones_2018":
        path = resolve(None if path is None else os.fspath(path), "development_zones_2018")
    source = str(path)
    df = read_table(Path(path), sheet=sheet, dtype="str")
    gdf = _catalogue_frame(df, lon=lon, lat=lat, system=system, mapping=dict(mapping or {}), source=source)
    return _finish(gdf, on_duplicate=on_duplicate, source=source)


def read_parks(
    path: str | os.PathLike[str] | None = None,
    *,
    format: ParkFormat | None = None,
    lon: str | None = None,
    lat: str | None = None,
    coord_system: str = "wgs84",
    mapping: Mapping[str, str] | None = None,
    on_duplicate: OnDuplicate | None = None,
    layer: str | None = None,
    sheet: str | int | None = None,
) -> gpd.GeoDataFrame:
    """Read industrial parks into a normalised GeoDataFrame in WGS84.

    Parameters
    ----------
    path
        A file, a registered source name, or None for the built-in 2018 catalogue
        (source ``development_zones_2018``, looked up in the mirrors).
    format
        ``"catalogue_2018"`` (the 中国开发区审核公告目录 CSV, read by
        :func:`read_catalogue_2018`), ``"table"`` (any CSV/XLSX with lon/lat columns) or
        ``"layer"`` (GPKG/GeoJSON/SHP points or polygons). Default: the catalogue for
        ``path=None`` or a table with the catalogue's columns, a layer for
        .gpkg/.geojson/.json/.shp/.fgb/.parquet, else a table.
    lon, lat
        Longitude and latitude columns of a table (default: ``lon``/``lat``, ``lng``,
        ``longitude``/``latitude``, ``经度``/``纬度``).
    coord_system
        System of the coordinates: ``"wgs84"``, ``"gcj02"`` (AMap/Gaode, Tencent) or ``"bd09"``
        (Baidu); converted to WGS84. For layers it applies to a longitude/latitude layer. For
        the 2018 catalogue it picks the WGS84 or the GCJ-02 column pair (others raise).
    mapping
        Normalised name -> your column, e.g. ``{"name": "园区", "approved_ha": "面积"}``. Known
        Chinese headers (开发区名称, 代码, 核准面积_公顷 ...) are recognised without it.
    on_duplicate
        Repeated park codes: ``"error"`` (raise :class:`DuplicateKeyError`; the default for
        tables and layers), ``"suffix"`` (keep every row and rename the repeats ``CODE#2``; the
        default for the 2018 catalogue, whose code S377018 is used by two different zones,
        淄川 and 临淄) or ``"keep_first"`` (drop the repeats; they are listed in
        ``parks.attrs["dropped_duplicates"]`` and in the validation report). Every repeated
        code is flagged in column ``duplicate_park_id``.
    layer, sheet
        Layer of a GPKG; sheet of a spreadsheet.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`PARK_COLUMNS` (``level`` national/provincial, ``approved_mu`` =
        ``approved_ha`` x 15, ``industries`` a list of keywords) plus ``type_en``,
        ``duplicate_park_id`` and the input's other columns; the catalogue adds ``address``
        (格式化地址) and ``gcj02_check_m`` (distance between its WGS84 point and its GCJ-02
        point converted with :func:`geourb.coords.gcj02_to_wgs84`). CRS EPSG:4326. Parks
        without coordinates are kept with an empty geometry.

    Raises
    ------
    DataFileNotFoundError
        The file (or the registered catalogue) cannot be found.
    UnknownNameError
        Unknown ``format``.
    InvalidValueError
        Unknown coordinate system, swapped or out-of-China coordinates, non-numeric area, a
        catalogue column pair that does not match ``coord_system``.
    MissingColumnError
        No name column (or a mapping names a missing column).
    DuplicateKeyError
        Repeated park codes with ``on_duplicate="error"``.
    NoCrsError
        A layer without a CRS.

    Examples
    --------
    The 2018 catalogue, restricted to 宁夏 (stated province):

    >>> parks = read_parks()  # doctest: +SKIP
    >>> int((parks["province"] == "宁夏回族自治区").sum()) > 0  # doctest: +SKIP
    True
    """
    system = check_system(coord_system)
    mapping = dict(mapping or {})
    if format is not None and format not in ("catalogue_2018", "table", "layer"):
        raise UnknownNameError(f"Unknown park format {format!r}; use 'catalogue_2018', 'table' or 'layer'."
                               + suggest(format, ("catalogue_2018", "table", "layer")))
    if path is None or str(path) == "development_zones_2018" or format == "catalogue_2018":
        return read_catalogue_2018(path, coord_system=system, lon=lon, lat=lat, mapping=mapping,
                                   on_duplicate=on_duplicate or "suffix", sheet=sheet)
    path = Path(path)
    source = str(path)
    if format == "layer" or (format is None and path.suffix.lower() in _LAYER_SUFFIXES):
        gdf = _read_layer(path, layer=layer, system=system, mapping=mapping, source=source)
        return _finish(gdf, on_duplicate=on_duplicate or "error", source=source)
    df = read_table(path, sheet=sheet, dtype="str")
    if format is None and set(df.columns) >= _CATALOGUE_MARKERS:
        logger.info("%s has the 2018 catalogue's columns: read as format='catalogue_2018'", source)
        gdf = _catalogue_frame(df, lon=lon, lat=lat, system=system, mapping=mapping, source=source)
        return _finish(gdf, on_duplicate=on_duplicate or "suffix", source=source)
    attrs, x, y = _table_points(df, lon=lon, lat=lat, system=system, mapping=mapping, source=source)
    gdf = gpd.GeoDataFrame(attrs, geometry=_points(x, y), crs=WGS84)
    return _finish(gdf, on_duplicate=on_duplicate or "error", source=source)


def _read_layer(path: Path, *, layer: str | None, system: str, mapping: Mapping[str, str],
                source: str) -> gpd.GeoDataFrame:
    """Read a point or polygon layer into normalised parks in WGS84 (before duplicate handling)."""
    from geourb._io import _require_file
    from geourb.coords import convert_geometries

    _require_file(path, "Park layer")
    if path.suffix.lower() == ".parquet":
        raw = gpd.read_parquet(path)
    else:
        raw = gpd.read_file(path, layer=layer, engine="pyogrio")
    require_crs(raw, source=source)
    crs_name = raw.crs.to_string()
    raw = raw.to_crs(WGS84)
    if system != "wgs84":
        raw = convert_geometries(raw, source=system)
    geoms = raw.geometry.values
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    pts = shapely.point_on_surface(geoms[valid])
    x = np.full(len(raw), np.nan)
    y = np.full(len(raw), np.nan)
    x[valid], y[valid] = shapely.get_x(pts), shapely.get_y(pts)
    _check_lonlat(x, y, source=source, lon_col="x", lat_col="y", index=raw.index, layer_crs=crs_name)
    attrs = _normalise(pd.DataFrame(raw.drop(columns=raw.geometry.name)), mapping, source=source)
    return gpd.GeoDataFrame(attrs, geometry=raw.geometry.values, crs=WGS84)
