"""Placing census functional zones (开发区, 新区, 管理区) in the county that hosts them.

A functional zone has its own census population but no boundary. It is placed in one county:

1. ``park_point``: the zone's name matches a geocoded development zone (the 2018 catalogue or
   any points with a ``name``) whose point lies in a county of the zone's stated prefecture;
2. ``prefecture_seat_district``: otherwise the prefecture's seat district (its own unit when
   it has no districts, else its lowest-coded district 区, else its lowest-coded unit).
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd

from geourb._log import logger
from geourb._names import PROVINCES, short_name

_PROVINCE_PREFIXES = sorted({n for full, abbr, _ in PROVINCES.values() for n in (full, short_name(full))},
                            key=len, reverse=True)
_SYNONYMS = (("高新技术产业开发区", "高新区"), ("高新技术开发区", "高新区"), ("高新技术产业园区", "高新区"),
             ("经济技术开发区", "经开区"), ("经济开发区", "经开区"), ("工业园区", "工业园"))


def zone_key(name: object, prefecture: object = None) -> str:
    """Normalise a zone name for matching: no spaces, province prefix, 市 after the city name.

    Parameters
    ----------
    name
        The zone's name.
    prefecture
        Its prefecture's name (its 市 is dropped from the start of ``name``); None: unknown.

    Returns
    -------
    str
        The key, with long forms shortened (经济技术开发区 -> 经开区, ...).

    Examples
    --------
    >>> zone_key("河北唐山芦台经济开发区"), zone_key("秦皇岛市经济技术开发区", "秦皇岛市")
    ('唐山芦台经开区', '秦皇岛经开区')
    """
    text = re.sub(r"\s+", "", str(name)).replace("（", "(").replace("）", ")")
    for prefix in _PROVINCE_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix) + 2:
            text = text[len(prefix):]
            break
    if isinstance(prefecture, str) and prefecture.endswith("市"):
        city = prefecture[:-1]
        if text.startswith(prefecture):
            text = city + text[len(prefecture):]
    text = re.sub(r"^(\w{2,4}?)市(?=\w{2})", r"\1", text)
    for long, short in _SYNONYMS:
        text = text.replace(long, short)
    return text


def seat_districts(layer: pd.DataFrame) -> pd.Series:
    """Return the seat district adcode of each prefecture in ``layer``.

    Parameters
    ----------
    layer
        County layer with ``adcode``, ``name`` and ``prefecture_adcode``.

    Returns
    -------
    pandas.Series
        Per prefecture (index: prefecture adcode), the county sharing its code, else its first
        district (区) by code, else its first county by code.
    """
    df = layer[["adcode", "name", "prefecture_adcode"]].copy()
    own = df["adcode"] == df["prefecture_adcode"]
    district = df["name"].astype(str).str.endswith("区")
    df["_rank"] = (~own).astype(int) + (~district).astype(int)
    df = df.sort_values(["prefecture_adcode", "_rank", "adcode"]).drop_duplicates("prefecture_adcode")
    return pd.Series(df["adcode"].to_numpy(), index=df["prefecture_adcode"].to_numpy())


def locate_zones(
    zones: pd.DataFrame, layer: gpd.GeoDataFrame, zone_points: gpd.GeoDataFrame | None
) -> pd.DataFrame:
    """Find the host county of each zone: ``host_adcode`` and ``method`` (or NA when no prefecture fits).

    Zones are matched to the layer by province and prefecture name (then by the first four
    code digits).

    Parameters
    ----------
    zones
        Zone rows with ``name``, ``province``, ``prefecture`` and ``adcode`` where known.
    layer
        The county layer restricted to units that received statistics.
    zone_points
        Zone locations (``name``, point geometry): a zone inside a county of its prefecture is
        hosted there; None: none.

    Returns
    -------
    pandas.DataFrame
        On ``zones``' index: ``host_adcode``, ``method`` (``park_point`` or
        ``prefecture_seat_district``) and ``prefecture_adcode``.
    """
    seats = seat_districts(layer)
    pref_of = {}
    for (prov, pref), grp in layer.groupby(["province", "prefecture"]):
        pref_of[(str(prov), str(pref))] = grp["prefecture_adcode"].iloc[0]
    by_prefix = layer.groupby(layer["adcode"].str[:4])["prefecture_adcode"].first().to_dict()
    located: dict[str, list[tuple[str, str]]] = {}
    if zone_points is not None and len(zone_points):
        pts = zone_points[zone_points.geometry.notna() & ~zone_points.geometry.is_empty]
        pts = pts.to_crs(layer.crs) if pts.crs is not None and layer.crs is not None else pts
        joined = gpd.sjoin(pts[["name", "geometry"]], layer[["adcode", "prefecture_adcode", "geometry"]],
                           how="inner", predicate="within")
        for name, adcode, pref in zip(joined["name"], joined["adcode"], joined["prefecture_adcode"], strict=True):
            located.setdefault(zone_key(name), []).append((adcode, pref))
    rows = []
    for idx, z in zones.iterrows():
        pref = pref_of.get((str(z.get("province")), str(z.get("prefecture"))))
        code = z.get("adcode")
        if pref is None and isinstance(code, str):
            pref = by_prefix.get(code[:4])
        if pref is None:  # today's prefecture prefixes resolved by the join (crosswalk, row above)
            found = [by_prefix[p] for p in (z.get("_prefixes") or ()) if p in by_prefix]
            pref = found[0] if found else None
        if pref is None:
            rows.append((idx, pd.NA, pd.NA, pd.NA))
            continue
        hits = [a for a, p in located.get(zone_key(z.get("name"), z.get("prefecture")), []) if p == pref]
        if len(set(hits)) == 1:
            rows.append((idx, hits[0], "park_point", pref))
        else:
            rows.append((idx, seats.get(pref, pd.NA), "prefecture_seat_district", pref))
    out = pd.DataFrame(rows, columns=["_idx", "host_adcode", "method", "prefecture_adcode"]).set_index("_idx")
    out.index.name = None
    counts = out["method"].value_counts().to_dict()
    logger.info("functional zones placed: %s (of %d)", counts, len(out))
    return out
