"""Industrial parks (development zones): loader, validation against counties, aggregates, per-mu benefits.

The reference input is the 2018 national catalogue of development zones (中国开发区审核公告目录,
2,543 zones), registered as source ``development_zones_2018``. Any CSV/XLSX with longitude and
latitude columns in WGS84, GCJ-02 or BD-09 and any point or polygon layer can be read too.

Workflow::

    parks = read_parks()                       # the 2018 catalogue, normalised, WGS84
    checked, report = validate_parks(parks, load_counties())
    per_county = aggregate_by_county(checked, load_counties())
    evaluated = benefit_per_mu(checked.join(my_output_table), output_col="output_10k_yuan")

Units: areas in hectares (``approved_ha``) and mu (``approved_mu`` = ha x 15); money in 10k yuan
(万元); per-mu values in 10k yuan per mu.

Examples
--------
>>> split_industries("装备制造、新材料，生物医药; 物流 ")
['装备制造', '新材料', '生物医药', '物流']
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geourb._errors import DuplicateKeyError, InvalidValueError, MissingColumnError, UnknownNameError
from geourb._io import read_table
from geourb._log import logger
from geourb._names import province_aliases
from geourb._validate import require_columns, require_crs, to_numeric
from geourb.coords import CHINA_LAT_RANGE, CHINA_LON_RANGE, check_system, gcj02_to_wgs84, haversine_m
from geourb.coords import to_wgs84 as _to_wgs84

WGS84 = "EPSG:4326"
MU_PER_HA = 15.0
"""1 hectare = 15 mu (亩)."""

ParkFormat = Literal["catalogue_2018", "table", "layer"]
OnDuplicate = Literal["error", "keep_first", "suffix"]

PARK_COLUMNS = [
    "park_id", "name", "level", "type", "approved_year", "approved_ha", "approved_mu",
    "industries", "province", "prefecture", "geocode_precision", "geometry",
]
"""Normalised columns of :func:`read_parks` (the catalogue adds ``type_en``, ``address``, ``gcj02_check_m``)."""

CATALOGUE_2018_COLUMNS = {
    "park_id": "代码", "name": "开发区名称", "province": "省份", "prefecture": "城市/区县",
    "level": "批准级别", "type": "开发区类型", "approved_year": "批准时间",
    "approved_ha": "核准面积_公顷", "industries": "主导产业", "geocode_precision": "地理编码精度",
    "address": "格式化地址",
}
"""Normalised column -> column of the 2018 catalogue CSV."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "park_id": ("park_id", "代码", "code", "id", "编码", "开发区代码"),
    "name": ("name", "开发区名称", "名称", "park_name", "园区名称"),
    "level": ("level", "批准级别", "级别"),
    "type": ("type", "开发区类型", "类型"),
    "approved_year": ("approved_year", "批准时间", "批准年份", "year"),
    "approved_ha": ("approved_ha", "核准面积_公顷", "核准面积", "area_ha", "面积_公顷"),
    "industries": ("industries", "主导产业", "industry"),
    "province": ("province", "省份", "省"),
    "prefecture": ("prefecture", "城市/区县", "城市", "市", "city"),
    "geocode_precision": ("geocode_precision", "地理编码精度"),
}

LEVELS = {"国务院": "national", "省政府": "provincial", "国家级": "national", "省级": "provincial",
          "national": "national", "provincial": "provincial"}
"""Approval authority or level -> ``level`` (national: State Council; provincial: province)."""

TYPE_EN = {
    "经济技术开发区": "economic_technological", "高新技术产业开发区": "high_tech",
    "海关特殊监管区域": "customs_special", "边境/跨境经济合作区": "border_cooperation",
    "其他类型开发区": "other", "经济开发区": "economic", "工业园区": "industrial",
}
"""Catalogue zone types (开发区类型) -> English keys used in column names."""

WEAK_PRECISION = ("省", "市", "未知")
"""Geocoding precisions too coarse to place a park in its county."""

FLAGS = {
    "missing_coordinates": "no longitude/latitude: the park cannot be placed",
    "outside_china": "the point lies in no county polygon (abroad, at sea or off the layer)",
    "outside_stated_province": "the point lies in another province than the stated one",
    "outside_stated_prefecture": "the point lies in another prefecture than the stated city/county",
    "shared_coordinate": "several parks share the exact point: a geocoder fallback",
    "weak_precision": "geocoding precision is only province, city or unknown (省/市/未知)",
    "duplicate_park_id": "the park code appears more than once in the input",
}
"""Validation flags of :func:`validate_parks` and what each means."""

_SPLIT = re.compile(r"[、，,;；\s]+")
_ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|"
    "东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|"
    "乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各"
)
_AUTONOMOUS = re.compile(rf"(?:(?:{_ETHNIC})族)*自治(?:县|旗|州|区)$")
_PLACE_SUFFIXES = ("特别行政区", "自治区", "地区", "新区", "林区", "特区", "矿区", "省", "市",
                   "区", "县", "旗", "盟")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def split_industries(text: object) -> list[str]:
    """Split a leading-industry text on 、，, ; ； and whitespace into keywords (empty for NA).

    Parameters
    ----------
    text
        A table cell: a string, or None / NaN / ``pd.NA`` for a missing value (other values
        are converted with ``str``).

    Returns
    -------
    list of str
        The non-empty keywords in their order.

    Examples
    --------
    >>> split_industries("装备制造、新材料，生物医药; 物流 ")
    ['装备制造', '新材料', '生物医药', '物流']
    >>> split_industries(None)
    []
    """
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return []
    return [k for k in _SPLIT.split(str(text)) if k]


def short_place(name: str) -> str:
    """Strip administrative suffixes from a Chinese place name (长阳土家族自治县 -> 长阳, 淄川区 -> 淄川).

    Names that would shrink to one character keep their suffix (赵县 stays 赵县).

    Parameters
    ----------
    name
        A province, prefecture or county name (surrounding whitespace is ignored).

    Returns
    -------
    str
        The name without its 省/市/区/县/旗/盟/自治县 ... suffix.

    Examples
    --------
    >>> short_place("长阳土家族自治县"), short_place("淄川区"), short_place("赵县")
    ('长阳', '淄川', '赵县')
    """
    text = str(name).strip()
    stripped = _AUTONOMOUS.sub("", text)
    if stripped != text and len(stripped) >= 2:
        return stripped
    for suffix in _PLACE_SUFFIXES:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[: -len(suffix)]
    return text


def _province_code(name: object, aliases: Mapping[str, str]) -> str | None:
    if name is None or name is pd.NA or (isinstance(name, float) and np.isnan(name)):
        return None
    text = str(name).strip()
    return aliases.get(text) or aliases.get(short_place(text)) or aliases.get(text.lower())


def _find_column(df: pd.DataFrame, key: str, mapping: Mapping[str, str]) -> str | None:
    if key in mapping:
        return mapping[key]
    return next((c for c in _ALIASES.get(key, (key,)) if c in df.columns), None)


def _check_lonlat(lon: np.ndarray, lat: np.ndarray, *, source: str, lon_col: str, lat_col: str,
                  index: pd.Index) -> None:
    """Raise on swapped longitude/latitude or on points outside China's bounding box."""
    present = ~(np.isnan(lon) | np.isnan(lat))
    if not present.any():
        return
    x, y = lon[present], lat[present]
    swapped = (y >= 73) & (y <= 136) & (x >= 3) & (x <= 54)
    if swapped.mean() > 0.5:
        raise InvalidValueError(
            f"{source}: longitude column {lon_col!r} holds values {np.nanmin(x):.2f}-{np.nanmax(x):.2f}"
            f" and latitude column {lat_col!r} holds {np.nanmin(y):.2f}-{np.nanmax(y):.2f}: they look "
            f"swapped. Pass lon={lat_col!r}, lat={lon_col!r}."
        )
    outside = ((x < CHINA_LON_RANGE[0]) | (x > CHINA_LON_RANGE[1])
               | (y < CHINA_LAT_RANGE[0]) | (y > CHINA_LAT_RANGE[1]))
    if outside.any():
        rows = list(index[present][outside][:5])
        pairs = [f"({a:.4f}, {b:.4f})" for a, b in zip(x[outside][:5], y[outside][:5], strict=True)]
        raise InvalidValueError(
            f"{source}: {int(outside.sum())} point(s) lie outside China's range "
            f"(longitude {CHINA_LON_RANGE[0]}-{CHINA_LON_RANGE[1]}, latitude "
            f"{CHINA_LAT_RANGE[0]}-{CHINA_LAT_RANGE[1]}) in rows {rows}: {', '.join(pairs)}. "
            f"Check that {lon_col!r}/{lat_col!r} are decimal degrees (not projected metres or "
            "degrees-minutes) and fix or blank those cells."
        )


def _handle_duplicates(df: pd.DataFrame, on_duplicate: str, *, source: str) -> pd.DataFrame:
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
        rows = list(out.index[out["name"].isna()][:5])
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
        col = _find_column(df, key, mapping)
        out[key] = (df[col].astype("string").str.strip() if col
                    else pd.Series(pd.NA, index=df.index, dtype="string"))
    # keep the user's other columns (output, tax, jobs ...) after the normalised ones
    used = {c for c in [name_col, id_col, level_col, type_col, year_col, ha_col, ind_col] if c}
    used |= {c for k in ("province", "prefecture", "geocode_precision")
             if (c := _find_column(df, k, mapping))}
    extra = [c for c in df.columns if c not in used and c not in out.columns and c != "geometry"]
    renames = {col: key for key, col in mapping.items() if key not in _ALIASES and col in extra}
    return pd.concat([out, df[extra].rename(columns=renames)], axis=1)


def _points(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    geoms = shapely.points(lon, lat)
    geoms[np.isnan(lon) | np.isnan(lat)] = None
    return geoms


_CATALOGUE_XY = {"wgs84": ("经度_WGS84", "纬度_WGS84"), "gcj02": ("经度_GCJ02", "纬度_GCJ02")}


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
        ``"catalogue_2018"`` (the 中国开发区审核公告目录 CSV: uses its WGS84 columns, or its
        GCJ-02 columns with ``coord_system="gcj02"``, and cross-checks the two), ``"table"`` (any CSV/XLSX with lon/lat
        columns) or ``"layer"`` (GPKG/GeoJSON/SHP points or polygons). Default: the catalogue
        for ``path=None``, a layer for .gpkg/.geojson/.json/.shp/.fgb/.parquet, else a table.
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
    """
    from geourb.sources import resolve

    system = check_system(coord_system)
    mapping = dict(mapping or {})
    if path is None or str(path) == "development_zones_2018":
        format = format or "catalogue_2018"
        path = resolve(path, "development_zones_2018")
    path = Path(path)
    auto = format is None
    if format is None:
        suffix = path.suffix.lower()
        format = "layer" if suffix in {".gpkg", ".geojson", ".json", ".shp", ".fgb", ".parquet"} \
            else "table"
    if format not in ("catalogue_2018", "table", "layer"):
        raise UnknownNameError(f"Unknown park format {format!r}; use 'catalogue_2018', 'table' or 'layer'.")
    source = str(path)
    if format == "layer":
        gdf = _read_layer(path, layer=layer, system=system, mapping=mapping, source=source)
    else:
        df = read_table(path, sheet=sheet, dtype=str)
        if auto and {"开发区名称", "经度_WGS84", "纬度_WGS84", "经度_GCJ02"} <= set(df.columns):
            format = "catalogue_2018"
            logger.info("%s has the 2018 catalogue's columns: read as format='catalogue_2018'", source)
        if format == "catalogue_2018":
            require_columns(df, ["开发区名称", "代码", "经度_WGS84", "纬度_WGS84"], source=source)
            mapping = {**CATALOGUE_2018_COLUMNS, **mapping}
            lon, lat = _catalogue_columns(lon, lat, system, source=source)
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
        if format == "catalogue_2018":
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
        gdf = gpd.GeoDataFrame(attrs, geometry=_points(np.asarray(x, float), np.asarray(y, float)),
                               crs=WGS84)
    if on_duplicate is None:
        on_duplicate = "suffix" if format == "catalogue_2018" else "error"
    gdf = _handle_duplicates(gdf, on_duplicate, source=source)
    gdf = gdf.reset_index(drop=True)
    gdf.index.name = None
    first = [c for c in PARK_COLUMNS if c in gdf.columns]
    gdf = gdf[first + [c for c in gdf.columns if c not in first]]
    gdf.attrs["source"] = source
    logger.info("read %d parks from %s", len(gdf), source)
    return gdf


def _read_layer(path: Path, *, layer: str | None, system: str, mapping: Mapping[str, str],
                source: str) -> gpd.GeoDataFrame:
    from geourb._io import _require_file
    from geourb.coords import convert_geometries

    _require_file(path, "Park layer")
    if path.suffix.lower() == ".parquet":
        raw = gpd.read_parquet(path)
    else:
        raw = gpd.read_file(path, layer=layer, engine="pyogrio")
    require_crs(raw, source=source)
    raw = raw.to_crs(WGS84)
    if system != "wgs84":
        raw = convert_geometries(raw, source=system)
    geoms = raw.geometry.values
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    pts = shapely.point_on_surface(geoms[valid])
    x = np.full(len(raw), np.nan)
    y = np.full(len(raw), np.nan)
    x[valid], y[valid] = shapely.get_x(pts), shapely.get_y(pts)
    _check_lonlat(x, y, source=source, lon_col="x", lat_col="y", index=raw.index)
    attrs = _normalise(pd.DataFrame(raw.drop(columns=raw.geometry.name)), mapping, source=source)
    return gpd.GeoDataFrame(attrs, geometry=raw.geometry.values, crs=WGS84)


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------


_GENERIC_PLACES = frozenset({"城区", "郊区", "矿区", "新区", "市中", "市中区", "市辖区", "高新区"})


def _place_table(counties: pd.DataFrame) -> dict[str, tuple[re.Pattern[str], dict[str, set[str]]]]:
    """Province code -> (regex of its place names, place name -> prefectures).

    Place names are county and prefecture names with and without their suffix (2+ characters,
    generic ones such as 城区 or 郊区 left out), longest first so a match takes the longest name.
    """
    table: dict[str, tuple[re.Pattern[str], dict[str, set[str]]]] = {}
    for code, grp in counties.groupby(counties["adcode"].str[:2]):
        names: dict[str, set[str]] = {}
        pairs = list(zip(grp["name"], grp["prefecture"], strict=True))
        pairs += [(p, p) for p in grp["prefecture"].unique()]
        for name, pref in pairs:
            for key in {str(name), short_place(name)}:
                if len(key) >= 2 and key not in _GENERIC_PLACES:
                    names.setdefault(key, set()).add(str(pref))
        pattern = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
        table[str(code)] = (pattern, names)
    return table


def _stated_prefectures(texts: Iterable[object], prov_codes: Iterable[str | None],
                        places: Mapping[str, tuple[re.Pattern[str], dict[str, set[str]]]],
                        ) -> list[frozenset[str]]:
    """Prefectures named in each stated city/county text, looking only in the stated province.

    Every county or prefecture name found in the text counts (杭州湾上虞 -> 杭州市 and 绍兴市), so
    a zone named after two places is not flagged when it lies in either. A province with a
    single prefecture-level unit (the municipalities) resolves to it whatever the text.
    """
    out = []
    for text, code in zip(texts, prov_codes, strict=True):
        found: set[str] = set()
        if code in places:
            pattern, names = places[code]
            if isinstance(text, str):
                for match in pattern.findall(text):
                    found |= names[match]
            all_prefs = set().union(*names.values())
            if not found and len(all_prefs) == 1:
                found = all_prefs
        out.append(frozenset(found))
    return out


def validate_parks(
    parks: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    *,
    on_duplicate: Literal["error", "keep_first"] = "error",
    min_shared: int = 2,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Locate each park in the county layer and flag doubtful locations.

    Parameters
    ----------
    parks
        Output of :func:`read_parks`.
    counties
        County layer (:func:`geourb.counties.load_counties`), indexed by adcode.
    on_duplicate
        Repeated ``park_id`` values: ``"error"`` raises :class:`DuplicateKeyError`;
        ``"keep_first"`` keeps the first row of each and lists the others in the report. (The
        catalogue's repeated code is already made unique by :func:`read_parks`, and still
        reported through its ``duplicate_park_id`` flag.)
    min_shared
        A point shared by at least this many parks is flagged ``shared_coordinate``.

    Returns
    -------
    (geopandas.GeoDataFrame, pandas.DataFrame)
        The parks with ``county_adcode``, ``county``, ``located_prefecture``,
        ``located_province``, ``n_at_point``, one boolean column per flag of :data:`FLAGS`,
        ``stated_prefecture_resolved`` and ``location_unreliable`` (any flag except
        ``duplicate_park_id``); and a report with one row per flag: ``flag``, ``count``,
        ``description``, ``examples``. Rows are never dropped (except repeats with
        ``on_duplicate="keep_first"``, which the report lists).

    Raises
    ------
    MissingColumnError
        ``parks`` lacks ``park_id``, ``name`` or geometry, or ``counties`` lacks ``adcode``,
        ``name``, ``prefecture``, ``province`` or geometry.
    DuplicateKeyError
        Repeated ``park_id`` values with ``on_duplicate="error"``.
    InvalidValueError
        Unknown ``on_duplicate``.
    NoCrsError
        ``parks`` has no CRS.

    Notes
    -----
    The stated prefecture is resolved from the 城市/区县 text (``prefecture`` column): the longest
    county or prefecture name (without 市/区/县/自治县 ... suffixes) that starts the text, within
    the stated province. Texts naming no known place (e.g. 京滨, 金西) leave the prefecture
    check undetermined (``outside_stated_prefecture`` False, ``stated_prefecture_resolved``
    False).
    """
    require_columns(parks, ["park_id", "name", "geometry"], source="parks")
    require_columns(counties, ["adcode", "name", "prefecture", "province", "geometry"], source="counties")
    dup_ids = parks["park_id"][parks["park_id"].notna() & parks["park_id"].duplicated(keep=False)]
    dropped: list[dict[str, str]] = list(parks.attrs.get("dropped_duplicates", []))
    if len(dup_ids):
        if on_duplicate == "error":
            raise DuplicateKeyError(
                f"parks: park_id must be unique; repeated: {', '.join(sorted(set(dup_ids.astype(str))))}."
                " Pass on_duplicate='keep_first' (the repeats are listed in the report) or read the "
                "file with read_parks(..., on_duplicate='suffix') to keep every zone."
            )
        if on_duplicate != "keep_first":
            raise InvalidValueError(f"Unknown on_duplicate={on_duplicate!r}; use 'error' or 'keep_first'.")
        drop = parks["park_id"].duplicated(keep="first") & parks["park_id"].notna()
        dropped += parks.loc[drop, ["park_id", "name"]].astype(str).to_dict("records")
        logger.warning("validate_parks: dropped %d repeated park_id row(s): %s", int(drop.sum()),
                       parks.loc[drop, "park_id"].tolist())
        keep_dup = parks["park_id"].isin(dup_ids)
        parks = parks[~drop].copy()
        parks["duplicate_park_id"] = keep_dup[~drop].to_numpy() | parks.get(
            "duplicate_park_id", pd.Series(False, index=parks.index)).fillna(False).to_numpy()
    out = parks.copy()
    if out.crs is None:
        require_crs(out, source="parks")
    if out.crs is not None and not out.crs.equals(counties.crs):
        out = out.to_crs(counties.crs)

    geoms = out.geometry.values
    missing = np.asarray(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    pts = np.array([None] * len(out), dtype=object)
    pts[~missing] = shapely.point_on_surface(geoms[~missing])
    probe = gpd.GeoDataFrame({"_row": np.arange(len(out))}, geometry=list(pts), crs=counties.crs)
    probe = probe[~missing]
    cols = counties[["adcode", "name", "prefecture", "province", "geometry"]]
    hit = gpd.sjoin(probe, cols, how="left", predicate="intersects")
    hit = hit.sort_values(["_row", "adcode"]).drop_duplicates("_row").set_index("_row")
    located = pd.DataFrame(index=np.arange(len(out)), columns=["adcode", "name", "prefecture", "province"])
    located.loc[hit.index, ["adcode", "name", "prefecture", "province"]] = \
        hit[["adcode", "name", "prefecture", "province"]].to_numpy()
    out["county_adcode"] = located["adcode"].astype("string").to_numpy()
    out["county"] = located["name"].astype("string").to_numpy()
    out["located_prefecture"] = located["prefecture"].astype("string").to_numpy()
    out["located_province"] = located["province"].astype("string").to_numpy()
    has_county = out["county_adcode"].notna().to_numpy()

    aliases = province_aliases()
    stated_prov = [_province_code(p, aliases) for p in out.get("province", [None] * len(out))]
    stated_prov_arr = np.array([c or "" for c in stated_prov])
    located_prov = out["county_adcode"].fillna("").str[:2].to_numpy()
    outside_prov = has_county & (stated_prov_arr != "") & (stated_prov_arr != located_prov)

    places = _place_table(counties)
    pref_text = out["prefecture"] if "prefecture" in out else pd.Series(pd.NA, index=out.index)
    stated_prefs = _stated_prefectures(pref_text.tolist(), stated_prov, places)
    # fall back on the park name without its province prefix (山东淄川经济开发区 -> 淄川)
    prov_names = {code: sorted({k for k, v in aliases.items() if v == code and len(k) >= 2},
                               key=len, reverse=True) for code in set(stated_prov) if code}
    for i, prefs in enumerate(stated_prefs):
        if not prefs and stated_prov[i]:
            name = str(out["name"].iloc[i])
            for p in prov_names.get(stated_prov[i], []):
                if name.startswith(p):
                    name = name[len(p):]
                    break
            stated_prefs[i] = _stated_prefectures([name], [stated_prov[i]], places)[0]
    resolved = np.array([bool(p) for p in stated_prefs])
    loc_pref = out["located_prefecture"].fillna("").to_numpy()
    outside_pref = np.array([bool(h and r and lp not in s) for h, r, lp, s in
                             zip(has_county, resolved, loc_pref, stated_prefs, strict=True)])

    xy = np.full((len(out), 2), np.nan)
    xy[~missing] = shapely.get_coordinates(shapely.point_on_surface(geoms[~missing]))
    key = pd.Series([f"{a:.6f},{b:.6f}" if not np.isnan(a) else None for a, b in xy], index=out.index)
    n_at = key.map(key.value_counts()).fillna(0).astype(int)
    precision = out["geocode_precision"] if "geocode_precision" in out else pd.Series(pd.NA, index=out.index)

    out["n_at_point"] = n_at.to_numpy()
    out["missing_coordinates"] = missing
    out["outside_china"] = ~missing & ~has_county
    out["outside_stated_province"] = outside_prov
    out["outside_stated_prefecture"] = outside_pref
    out["stated_prefecture_resolved"] = resolved
    out["shared_coordinate"] = (n_at >= min_shared).to_numpy()
    out["weak_precision"] = precision.isin(WEAK_PRECISION).fillna(False).to_numpy(dtype=bool)
    if "duplicate_park_id" not in out:
        out["duplicate_park_id"] = False
    out["duplicate_park_id"] = out["duplicate_park_id"].fillna(False).astype(bool)
    loc_flags = [f for f in FLAGS if f != "duplicate_park_id"]
    out["location_unreliable"] = out[loc_flags].any(axis=1)

    rows = []
    for flag, desc in FLAGS.items():
        mask = out[flag].to_numpy(dtype=bool)
        ex = out.loc[mask, ["park_id", "name"]].astype(str).head(5)
        rows.append({"flag": flag, "count": int(mask.sum()), "description": desc,
                     "examples": "; ".join(f"{i} {n}" for i, n in zip(ex["park_id"], ex["name"], strict=True))})
    extra = [
        ("duplicate_park_id_dropped", len(dropped),
         "rows dropped because their park_id repeats an earlier row (on_duplicate='keep_first')",
         "; ".join(f"{d['park_id']} {d['name']}" for d in dropped[:5])),
        ("stated_prefecture_unresolved", int((~resolved).sum()),
         "the stated city/county text names no known place: prefecture not checked", ""),
        ("location_unreliable", int(out["location_unreliable"].sum()),
         "any location flag above (all but duplicate_park_id)", ""),
        ("located", int(has_county.sum()), "parks placed in a county polygon", ""),
        ("total", len(out), "parks validated", ""),
    ]
    rows += [{"flag": f, "count": c, "description": d, "examples": e} for f, c, d, e in extra]
    if "gcj02_check_m" in out:
        over = out["gcj02_check_m"] > 10
        ex = out.loc[over, ["park_id", "name"]].astype(str).head(5)
        rows.append({"flag": "gcj02_wgs84_mismatch_over_10m", "count": int(over.sum()),
                     "description": "WGS84 columns differ from the converted GCJ-02 columns by > 10 m "
                     f"(max {out['gcj02_check_m'].max():.1f} m)",
                     "examples": "; ".join(f"{i} {n}" for i, n in zip(ex["park_id"], ex["name"], strict=True))})
    report = pd.DataFrame(rows)
    return out, report


# --------------------------------------------------------------------------------------------
# aggregation
# --------------------------------------------------------------------------------------------


def _ensure_located(parks: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if "county_adcode" in parks.columns and "location_unreliable" in parks.columns:
        return parks
    return validate_parks(parks, counties)[0]


def _examples(parks: pd.DataFrame, n: int = 5) -> list[str]:
    """A few park names (or index labels) for log messages."""
    return [str(x) for x in parks.get("name", parks.index)[:n]]


def industry_keywords(
    parks: pd.DataFrame,
    *,
    by: Literal["county", "prefecture", "province"] | None = "county",
) -> pd.DataFrame:
    """Long table of leading-industry keywords and how many parks list them.

    Parameters
    ----------
    parks
        Parks with an ``industries`` list column; for ``by="county"`` validated parks
        (``county_adcode``), for ``"prefecture"``/``"province"`` the located ones if validated,
        else the stated ones.
    by
        Group: ``"county"`` (column ``county_adcode``), ``"prefecture"``, ``"province"`` or None
        (all parks).

    Returns
    -------
    pandas.DataFrame
        Columns ``<group column>`` (unless ``by`` is None), ``keyword``, ``count``, sorted by
        group, descending count, then keyword.

    Raises
    ------
    UnknownNameError
        Unknown ``by``.
    MissingColumnError
        No ``industries`` column, or no ``county_adcode`` for ``by="county"`` (run
        :func:`validate_parks` first) or no group column for the other levels.
    """
    group_col = {"county": "county_adcode", "prefecture": "located_prefecture",
                 "province": "located_province", None: None}
    if by not in group_col:
        raise UnknownNameError(f"Unknown by={by!r}; use 'county', 'prefecture', 'province' or None.")
    col = group_col[by]
    if col is not None and col not in parks.columns:
        if by == "county":
            raise MissingColumnError("parks have no county_adcode column: run validate_parks() first.")
        col = by
    require_columns(parks, ["industries"] + ([col] if col else []), source="parks")
    exploded = parks[["industries"] + ([col] if col else [])].explode("industries")
    exploded = exploded[exploded["industries"].notna()].rename(columns={"industries": "keyword"})
    keys = [col, "keyword"] if col else ["keyword"]
    if col:
        nogroup = exploded[col].isna()
        if nogroup.any():
            parks_out = parks.loc[exploded.index[nogroup].unique()]
            logger.warning("industry_keywords: %d keyword(s) of %d park(s) without %s are left "
                           "out, e.g. %s", int(nogroup.sum()), len(parks_out), col,
                           _examples(parks_out))
        exploded = exploded[~nogroup]
    counts = exploded.groupby(keys).size().rename("count").reset_index()
    sort_keys = ([col] if col else []) + ["count", "keyword"]
    asc = ([True] if col else []) + [False, True]
    return counts.sort_values(sort_keys, ascending=asc, ignore_index=True)


def aggregate_by_county(
    parks: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    *,
    population: pd.Series | None = None,
    reliable_only: bool = False,
    top_keywords: int = 5,
) -> pd.DataFrame:
    """Per-county park counts, approved area and leading industries, aligned to ``counties.index``.

    Parameters
    ----------
    parks
        Parks from :func:`validate_parks` (unvalidated parks are validated here first). Parks
        in no county (and, with ``reliable_only``, flagged parks) are left out and logged
        with a count and examples.
    counties
        County layer indexed by adcode.
    population
        Residents per county, indexed by 6-digit adcode (e.g. census 2020 人口数_合计); adds
        ``approved_ha_per_10k_residents``.
    reliable_only
        Count only parks whose location is not flagged (``location_unreliable`` False); by
        default every park placed in a county counts in the county where its point lies.
    top_keywords
        Number of leading-industry keywords in ``top_industries``.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``counties``: ``n_parks``, ``n_national``, ``n_provincial``,
        ``n_type_<type>`` (one per :data:`TYPE_EN` key present), ``approved_ha``,
        ``approved_mu``, optionally ``approved_ha_per_10k_residents``, and ``top_industries``
        (``"keyword:count; ..."``). Counties without parks have zeros and an empty text.

    Raises
    ------
    MissingColumnError, DuplicateKeyError, NoCrsError
        As in :func:`validate_parks`, when ``parks`` are not validated yet.
    InvalidValueError
        ``population`` has an index of invalid adcodes.
    """
    located = _ensure_located(parks, counties)
    unplaced = located["county_adcode"].isna()
    if unplaced.any():
        logger.warning("aggregate_by_county: %d park(s) lie in no county and are not counted, "
                       "e.g. %s", int(unplaced.sum()), _examples(located[unplaced]))
    located = located[~unplaced]
    if reliable_only:
        flagged = located["location_unreliable"].astype(bool)
        if flagged.any():
            logger.info("aggregate_by_county: reliable_only=True leaves out %d park(s) with a "
                        "flagged location, e.g. %s", int(flagged.sum()),
                        _examples(located[flagged]))
        located = located[~flagged]
    idx = counties.index
    elsewhere = ~located["county_adcode"].isin(idx)
    if elsewhere.any():
        logger.info("aggregate_by_county: %d park(s) lie in counties outside the %d given, "
                    "e.g. %s", int(elsewhere.sum()), len(idx), _examples(located[elsewhere]))
    g = located.groupby("county_adcode")
    out = pd.DataFrame(index=idx)
    out["n_parks"] = g.size().reindex(idx, fill_value=0).astype(int)
    for level in ("national", "provincial"):
        out[f"n_{level}"] = (located["level"] == level).groupby(located["county_adcode"]).sum() \
            .reindex(idx, fill_value=0).astype(int)
    types = located["type_en"] if "type_en" in located else located["type"]
    for t in sorted(types.dropna().unique()):
        out[f"n_type_{t}"] = (types == t).groupby(located["county_adcode"]).sum() \
            .reindex(idx, fill_value=0).astype(int)
    out["approved_ha"] = g["approved_ha"].sum(min_count=1).reindex(idx).fillna(0.0)
    out["approved_mu"] = out["approved_ha"] * MU_PER_HA
    if population is not None:
        from geourb._validate import normalize_adcode

        pop = pd.Series(population.to_numpy(dtype=float),
                        index=normalize_adcode(pd.Series(population.index), source="population").to_numpy())
        pop = pop[~pop.index.duplicated()].reindex(idx)
        out["approved_ha_per_10k_residents"] = out["approved_ha"] / (pop.where(pop > 0) / 1e4)
        missing = int(pop.isna().sum())
        if missing:
            logger.info("population missing for %d of %d counties: per-resident area is NaN there",
                        missing, len(idx))
    kw = industry_keywords(located, by="county")
    kw = kw.groupby("county_adcode", sort=False).head(top_keywords)
    text = kw.assign(item=kw["keyword"] + ":" + kw["count"].astype(str)) \
        .groupby("county_adcode", sort=False)["item"].agg("; ".join)
    out["top_industries"] = text.reindex(idx).fillna("").astype(str)
    out.index.name = counties.index.name
    return out


# --------------------------------------------------------------------------------------------
# per-mu benefits
# --------------------------------------------------------------------------------------------


def benefit_per_mu(
    parks: pd.DataFrame,
    *,
    output_col: str | None = None,
    tax_col: str | None = None,
    jobs_col: str | None = None,
    area_col: str = "approved_mu",
    rank_within: Literal["province", "nation"] = "province",
    bottom_quantile: float = 0.2,
) -> pd.DataFrame:
    """Per-mu benefits (亩均效益) of parks, ranks and upgrade candidates.

    Parameters
    ----------
    parks
        Parks with ``approved_mu`` and the value columns.
    output_col
        Annual output value (产值) in 10k yuan (万元).
    tax_col
        Annual tax revenue (税收) in 10k yuan.
    jobs_col
        Employment (persons).
    area_col
        Land area in mu (default the approved area).
    rank_within
        Rank parks within their ``province`` or across the ``nation``.
    bottom_quantile
        Share of parks (per group) with the lowest benefit flagged ``upgrade_candidate``
        (the plan: integrate and upgrade low-benefit parks).

    Returns
    -------
    pandas.DataFrame
        Aligned to ``parks.index``: ``park_id``, ``name``, ``province``, ``approved_mu``,
        ``output_per_mu_10k_yuan``, ``tax_per_mu_10k_yuan``, ``jobs_per_mu`` (those asked for),
        ``<metric>_rank`` (1 = highest in the group), ``benefit_score`` (mean percentile rank of
        the metrics, 0-1, higher is better), ``benefit_rank`` and ``upgrade_candidate`` (score
        at or below the group's ``bottom_quantile``). Parks lacking every metric get NaN and
        are never candidates.

    Raises
    ------
    InvalidValueError
        No metric column given, unknown ``rank_within``, ``bottom_quantile`` outside (0, 1),
        non-numeric values or a non-positive area.
    MissingColumnError
        ``parks`` lacks the area, a metric column or (for ``rank_within="province"``)
        ``province``.
    """
    metrics = {"output_per_mu_10k_yuan": output_col, "tax_per_mu_10k_yuan": tax_col,
               "jobs_per_mu": jobs_col}
    metrics = {k: v for k, v in metrics.items() if v is not None}
    if not metrics:
        raise InvalidValueError("benefit_per_mu needs at least one of output_col (10k yuan), "
                                "tax_col (10k yuan) or jobs_col (persons).")
    if rank_within not in ("province", "nation"):
        raise InvalidValueError(f"Unknown rank_within={rank_within!r}; use 'province' or 'nation'.")
    if not 0 < bottom_quantile < 1:
        raise InvalidValueError(f"bottom_quantile must lie between 0 and 1, got {bottom_quantile}.")
    needed = [area_col, *metrics.values()] + (["province"] if rank_within == "province" else [])
    require_columns(parks, needed, source="parks")
    area = to_numeric(parks, area_col, source="parks")
    if (area <= 0).any():
        bad = parks.index[(area <= 0).to_numpy()][:5].tolist()
        raise InvalidValueError(f"parks: {area_col!r} must be positive to divide by it; rows {bad}.")
    keep = [c for c in ("park_id", "name", "province") if c in parks.columns]
    out = pd.DataFrame(parks[keep].copy())
    out[area_col] = area
    group = out["province"] if rank_within == "province" else pd.Series("nation", index=out.index)
    pct = []
    for name, col in metrics.items():
        out[name] = to_numeric(parks, col, source="parks") / area
        base = name.removesuffix("_10k_yuan")
        out[f"{base}_rank"] = out.groupby(group)[name].rank(ascending=False, method="min").astype("Int64")
        pct.append(out.groupby(group)[name].rank(pct=True))
    out["benefit_score"] = pd.concat(pct, axis=1).mean(axis=1, skipna=True)
    out["benefit_rank"] = out.groupby(group)["benefit_score"].rank(ascending=False, method="min") \
        .astype("Int64")
    threshold = out.groupby(group)["benefit_score"].transform(lambda s: s.quantile(bottom_quantile))
    out["upgrade_candidate"] = (out["benefit_score"] <= threshold).fillna(False).astype(bool)
    out["rank_within"] = rank_within
    return out
