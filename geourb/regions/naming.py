"""Region names from the bearing of a region within its province (皖北 / northern Anhui)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._deprecate import renamed_keywords
from geourb._names import PROVINCES
from geourb.coords import CHINA_ALBERS

_DIRS_ZH = ["东", "东北", "北", "西北", "西", "西南", "南", "东南"]
_DIRS_EN = {"东": "eastern", "东北": "northeastern", "北": "northern", "西北": "northwestern", "西": "western",
            "西南": "southwestern", "南": "southern", "东南": "southeastern", "中": "central",
            "中北": "central-northern", "中南": "central-southern"}


CARDINAL_HALF_WIDTH = 30.0
"""Half-width (degrees) of the sectors of 北/南/东/西: a region within ±30° of due north is 北;
the diagonal sectors (东北 ...) are the 30° between them."""


def _sector(angle: float) -> tuple[int, float, float]:
    """Locate an angle (degrees) among the eight direction sectors.

    Returns the sector (0 = 东, 1 = 东北, ... counter-clockwise), the signed offset from the
    sector's centre (> 0: leans counter-clockwise) and the sector's half-width.
    """
    a = angle % 360
    for k in range(8):
        centre = 45.0 * k
        half = CARDINAL_HALF_WIDTH if k % 2 == 0 else 45.0 - CARDINAL_HALF_WIDTH
        off = (a - centre + 180) % 360 - 180
        if -half <= off < half or (k == 0 and off == half):
            return k, off, half
    return 0, 0.0, CARDINAL_HALF_WIDTH  # pragma: no cover - the sectors cover the circle


def direction_name(dx: float, dy: float, *, spread_x: float, spread_y: float) -> tuple[str, str]:
    """Chinese and English direction of an offset (dx east, dy north) from a province centre.

    The direction is the geographic bearing of the offset; its length is scaled by the
    province's spread (the population-weighted standard deviation of its counties' positions
    along each axis): under 0.35 of it the region is central (中); a mostly north/south
    offset under 0.7 gives 中北/中南 (冀中南). The cardinal directions
    (北/南/东/西) cover ±30° (:data:`CARDINAL_HALF_WIDTH`) and the diagonal ones the 30°
    between, so a region lying mostly due north is 北, as in Chinese usage (皖北, 豫东).

    Parameters
    ----------
    dx, dy
        Offset east and north (km) of the region's centre from the province's centre.
    spread_x, spread_y
        The province's population-weighted spread (km) east-west and north-south.

    Returns
    -------
    tuple of str
        The Chinese direction (北, 中南 ...) and its English adjective (northern ...).

    Examples
    --------
    >>> direction_name(30, 100, spread_x=100, spread_y=100)  # 17° east of north
    ('北', 'northern')
    >>> direction_name(100, 80, spread_x=100, spread_y=100)  # 39° north of east
    ('东北', 'northeastern')
    """
    sx, sy = dx / max(spread_x, 1.0), dy / max(spread_y, 1.0)
    r = math.hypot(sx, sy)
    if r < 0.35:
        return "中", _DIRS_EN["中"]
    zh = _DIRS_ZH[_sector(math.degrees(math.atan2(dy, dx)))[0]]
    if r < 0.7 and zh in ("北", "南"):
        zh = "中" + zh
    return zh, _DIRS_EN[zh]


def _direction_candidates(dx: float, dy: float, *, spread_x: float, spread_y: float) -> tuple[list[str], float]:
    """Direction names of an offset, best first, and how far it is from its sector's centre.

    The first name is :func:`direction_name`'s; the second is the finer direction used to
    tell apart two regions of a province with the same name: the neighbouring sector on the
    side the offset leans to (东 leaning north: 东北); 中北/中南 offer the plain 北/南; 中
    offers 中北/中南 or its sector (中 leaning east: 东).
    The second value (the offset from the sector centre as a share of its half-width, x 22.5;
    for 中 the scaled distance from the centre) ranks which region keeps the plain name: the
    most typical one.
    """
    first, _ = direction_name(dx, dy, spread_x=spread_x, spread_y=spread_y)
    sx, sy = dx / max(spread_x, 1.0), dy / max(spread_y, 1.0)
    sector, off, half = _sector(math.degrees(math.atan2(dy, dx)))
    plain = _DIRS_ZH[sector]
    if first == "中":
        names = [first, "中" + plain if plain in ("北", "南") else plain]
    elif first in ("中北", "中南"):
        names = [first, plain]
    else:
        names = [first, _DIRS_ZH[(sector + (1 if off >= 0 else -1)) % 8]]
    return names, (math.hypot(sx, sy) / 0.35 * 22.5 if first == "中" else abs(off) / half * 22.5)


_KM_PER_DEG = 111.195


def _centroid_lonlat(layer: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat (WGS84) of the equal-area centroids of the polygons."""
    pts = layer.geometry.to_crs(CHINA_ALBERS).centroid.to_crs("EPSG:4326")
    return pts.x.to_numpy(), pts.y.to_numpy()


def _province_frames(layer: gpd.GeoDataFrame) -> pd.DataFrame:
    """Population-weighted centre (lon/lat) and spread (km, east and north) of each province.

    The spread is the weighted standard deviation of the counties' centroids around the
    centre, in a local east/north frame (true north, not the Albers grid). Provinces without
    population (e.g. outside the census) fall back to area weights.
    """
    lon, lat = _centroid_lonlat(layer)
    pop = layer["pop_total"].astype(float).fillna(0).clip(lower=0) if "pop_total" in layer else None
    area = layer["area_km2"].astype(float).fillna(0) if "area_km2" in layer else pd.Series(1.0, index=layer.index)
    df = pd.DataFrame({"lon": lon, "lat": lat, "a": area.clip(lower=1e-6).to_numpy(),
                       "p": pop.to_numpy() if pop is not None else 0.0,
                       "prov": layer["adcode"].astype(str).str[:2].to_numpy()})
    rows = {}
    for prov, g in df.groupby("prov"):
        by_pop = g["p"].sum() > 0
        w = g["p"] if by_pop else g["a"]
        clon, clat = np.average(g["lon"], weights=w), np.average(g["lat"], weights=w)
        x = (g["lon"] - clon) * _KM_PER_DEG * math.cos(math.radians(clat))
        y = (g["lat"] - clat) * _KM_PER_DEG
        rows[prov] = {"clon": clon, "clat": clat, "sx": math.sqrt(np.average(x**2, weights=w)),
                      "sy": math.sqrt(np.average(y**2, weights=w)), "weights": "pop" if by_pop else "area"}
    return pd.DataFrame.from_dict(rows, orient="index")


def _province_label(code: str) -> tuple[str, str, str]:
    full, abbr, en = PROVINCES.get(code, (code, code, code))
    return full, abbr, en



@renamed_keywords(layer="counties")
def name_regions(counties: gpd.GeoDataFrame, region_id: pd.Series) -> pd.DataFrame:
    """Names of each region: province abbreviation + direction (皖北 / northern Anhui).

    The province is the one holding most of the region's population; the direction is from
    that province's population-weighted centre (the mean position of its counties weighted
    by ``pop_total``; area-weighted without population) to the region's population-weighted
    centre, scaled by the province's population-weighted spread (:func:`direction_name`).
    Population, not area, is the reference because Chinese usage names parts of a province
    from where its people live: Sichuan's area centre lies on the western plateau, which
    would make the Chengdu plain "eastern". Other provinces are listed (``皖北 (+豫)`` / ``northern Anhui (with parts of
    Henan)``).

    Names are unique: when two regions get the same name, the one closest to the centre of
    its direction keeps it and the others take a finer or neighbouring direction not used by
    any region (川东 and 川东北, 湘中 and 湘中南); only when none is free a numeric suffix
    (`` 2``, `` 3``) is added, in region-id order.

    Parameters
    ----------
    counties
        County layer with ``adcode``, ``pop_total``, polygons and (for the weighting)
        ``area_km2``; every province of a region should be complete in ``counties``, since the
        province centres and spreads are computed from it.
    region_id
        Region id of each county (NA outside regions), aligned to ``counties``.

    Returns
    -------
    pandas.DataFrame
        ``region_name``, ``region_name_en`` and ``provinces`` indexed by region id.
    """
    frames = _province_frames(counties)
    rid = region_id.reindex(counties.index)
    inside = counties[rid.notna().to_numpy()]
    ids = rid[rid.notna()]
    lon, lat = _centroid_lonlat(inside)
    area = inside["area_km2"].astype(float) if "area_km2" in inside else pd.Series(1.0, index=inside.index)
    df = pd.DataFrame({"rid": ids.to_numpy(), "lon": lon, "lat": lat,
                       "w": area.clip(lower=1e-6).to_numpy(),
                       "pop": inside["pop_total"].fillna(0).to_numpy(),
                       "prov": inside["adcode"].astype(str).str[:2].to_numpy()}, index=inside.index)
    info = []
    for r, g in df.groupby("rid", sort=True):
        by_prov = g.groupby("prov")["pop"].sum().sort_values(ascending=False, kind="stable")
        main = str(by_prov.index[0])
        f = frames.loc[main]
        wt = g["pop"] if (g["pop"] > 0).any() else g["w"]
        dx = (np.average(g["lon"], weights=wt) - f["clon"]) * _KM_PER_DEG * math.cos(math.radians(f["clat"]))
        dy = (np.average(g["lat"], weights=wt) - f["clat"]) * _KM_PER_DEG
        dirs, atypical = _direction_candidates(dx, dy, spread_x=f["sx"], spread_y=f["sy"])
        others = [str(p) for p in by_prov.index[1:]]
        info.append({"rid": r, "main": main, "dirs": dirs, "atypical": atypical, "others": others,
                     "provinces": ",".join(_province_label(p)[0] for p in by_prov.index)})

    def label(main: str, zh: str, others: list[str]) -> tuple[str, str]:
        _, abbr, prov_en = _province_label(main)
        name, name_en = f"{abbr}{zh}", f"{_DIRS_EN[zh]} {prov_en}"
        if others:
            name += " (+" + ", ".join(_province_label(p)[1] for p in others) + ")"
            name_en += " (with parts of " + ", ".join(_province_label(p)[2] for p in others) + ")"
        return name, name_en

    # unique names: within a group of regions wanting the same name, one keeps it and the
    # others take their finer direction (the neighbouring sector they lean to: 川东 + 川东北)
    # when no other region has or wants it; the keeper is chosen so that as many as possible
    # get one (then the most typical, closest to the direction's centre). A numeric suffix is
    # the last resort.
    wanted = [label(i["main"], i["dirs"][0], i["others"])[0] for i in info]
    zh_of = {pos: i["dirs"][0] for pos, i in enumerate(info)}
    taken: set[str] = set()
    groups: dict[str, list[int]] = {}
    for pos, w in enumerate(wanted):
        groups.setdefault(w, []).append(pos)
    for w, members in groups.items():
        if len(members) == 1:
            taken.add(w)
            continue
        reserved = (set(wanted) - {w}) | taken
        best: tuple[int, int, dict[int, str]] | None = None
        for rank, keeper in enumerate(sorted(members, key=lambda k: (info[k]["atypical"], k))):
            used, pick, failed = set(reserved) | {w}, {keeper: info[keeper]["dirs"][0]}, 0
            for pos in members:
                if pos == keeper:
                    continue
                i = info[pos]
                alt = next((d for d in i["dirs"][1:] if label(i["main"], d, i["others"])[0] not in used), None)
                if alt is None:
                    failed += 1
                    alt = i["dirs"][0]
                else:
                    used.add(label(i["main"], alt, i["others"])[0])
                pick[pos] = alt
            if best is None or (failed, rank) < best[:2]:
                best = (failed, rank, pick)
        assert best is not None
        for pos, zh in best[2].items():
            zh_of[pos] = zh
            taken.add(label(info[pos]["main"], zh, info[pos]["others"])[0])
    rows = []
    for pos, i in enumerate(info):
        name, name_en = label(i["main"], zh_of[pos], i["others"])
        rows.append({"region_id": i["rid"], "region_name": name, "region_name_en": name_en,
                     "provinces": i["provinces"]})
    names = pd.DataFrame(rows).set_index("region_id")
    # last resort: numeric suffixes for names still repeated, in region-id order
    for col in ("region_name", "region_name_en"):
        seen: dict[str, int] = {}
        vals = []
        for v in names[col]:
            seen[v] = seen.get(v, 0) + 1
            vals.append(v if seen[v] == 1 else f"{v} {seen[v]}")
        names[col] = vals
    return names

