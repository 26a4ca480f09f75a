"""Validating parks: locate each park in the county layer and flag doubtful locations."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geourb._errors import DuplicateKeyError, InvalidValueError
from geourb._log import logger
from geourb._names import province_aliases
from geourb._validate import require_columns, require_crs
from geourb.parks.schema import FLAGS, WEAK_PRECISION, _province_code, short_place

__all__ = ["validate_parks"]


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
        if code is not None and code in places:
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
            for p in prov_names.get(stated_prov[i] or "", []):
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

