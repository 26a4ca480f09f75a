"""Per-county indicators of urbanization potential, aligned to the county layer.

The layer comes from :func:`geourb.stats.join_statistics` (census columns ``pop_total``,
``pop_urban``, ``pop_rural``, ``pop_cityzone``, ``urbanization_rate``) on the county layer
(``area_km2``, ``seat_lon``/``seat_lat``, ``prefecture_adcode``). Park aggregates and network
travel times are optional inputs, aligned by adcode.

Accessibility without a network is an *estimate*, labelled as such in its column name
``access_min_straightline_est``: great-circle distance from the county seat to the nearest
prefecture seat, times a circuity factor of 1.25, at 80 km/h. For island counties (no land
neighbour: 长海, 岱山, 南澳, 金门, 西沙, 南沙 ...) the straight line crosses the sea and the
estimate means little (南沙区: ~1,220 min to 西沙区 over 900 km of sea); they are flagged in
``access_island`` (:func:`island_counties`) and logged.

Examples
--------
>>> layer, _ = join_statistics(load_counties(), read_census_2020())  # doctest: +SKIP
>>> ind = county_indicators(layer)  # doctest: +SKIP
>>> ind.loc["341221", ["pop_total", "urbanization_rate", "gap_to_national"]]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from geourb._deprecate import renamed_keywords
from geourb._errors import InvalidValueError, UnknownNameError, suggest
from geourb._log import logger
from geourb._validate import require_columns
from geourb.coords import EARTH_RADIUS_M, haversine_m  # noqa: F401 (EARTH_RADIUS_M re-exported)
from geourb.stats import national_urbanization_rate  # moved to stats; re-exported here

if TYPE_CHECKING:
    from geourb.network import Network

Direction = Literal["benefit", "cost"]

CIRCUITY = 1.25
"""Ratio of road to straight-line distance assumed by the straight-line access estimate
(the same as ``geourb.roads.APPROX_CIRCUITY`` of the approximate county-seat network)."""
STRAIGHTLINE_SPEED_KMH = 80.0
"""Speed assumed by the straight-line access estimate (``geourb.roads.APPROX_SPEED_KMH``)."""


@dataclass(frozen=True)
class Indicator:
    """Metadata of one indicator.

    Attributes
    ----------
    name
        Column name.
    description
        What it measures.
    unit
        Unit of the values.
    direction
        Default direction for the potential score: ``"benefit"`` (a higher value means more
        potential for new urbanization) or ``"cost"`` (a higher value means less).
    """

    name: str
    description: str
    unit: str
    direction: Direction


INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in (
        Indicator("pop_total", "resident population (census 2020)", "persons", "benefit"),
        Indicator("urbanization_rate", "urban share of the resident population", "fraction 0-1", "cost"),
        Indicator("gap_to_national", "national urbanization rate minus the county's (positive = below)",
                  "fraction points", "benefit"),
        Indicator("gap_to_target", "plan target rate (~70%) minus the county's rate", "fraction points",
                  "benefit"),
        Indicator("pop_rural", "rural resident population", "persons", "benefit"),
        Indicator("density_per_km2", "resident population per km2 (Albers area)", "persons/km2", "benefit"),
        Indicator("pop_cityzone", "city-zone population 城区人口 (county-level cities only)", "persons",
                  "benefit"),
        Indicator("park_count", "number of development zones (parks) in the county", "count", "benefit"),
        Indicator("park_n_national", "number of national-level development zones in the county", "count",
                  "benefit"),
        Indicator("park_area_km2", "approved area of development zones in the county", "km2", "benefit"),
        Indicator("park_ha_per_10k", "approved development-zone area per 10,000 residents",
                  "ha per 10,000 residents", "benefit"),
        Indicator("access_min", "network travel time from the county seat to the nearest prefecture seat",
                  "min", "cost"),
        Indicator("access_min_straightline_est",
                  "ESTIMATE: straight-line distance to the nearest prefecture seat x 1.25 circuity at 80 km/h; "
                  "meaningless for island counties (no land neighbour, flagged in access_island), whose "
                  "straight line crosses the sea (南沙区 ~1,220 min)",
                  "min", "cost"),
        Indicator("urbanization_change_pp", "change of the urbanization rate between two censuses (momentum; "
                  "geourb.change on today's units)", "percentage points", "benefit"),
        Indicator("pop_growth_rate", "resident population growth between two censuses (geourb.change)",
                  "fraction over the period", "benefit"),
    )
}
"""Registry of the known indicators (name -> :class:`Indicator`)."""

PARK_COLUMNS: dict[str, tuple[str, float]] = {
    "n_parks": ("park_count", 1.0),
    "n_national": ("park_n_national", 1.0),
    "approved_ha": ("park_area_km2", 0.01),
    "approved_ha_per_10k_residents": ("park_ha_per_10k", 1.0),
}
"""Columns of :func:`geourb.parks.aggregate_by_county` -> (registry indicator, factor)."""


def get_indicator(name: str) -> Indicator:
    """Return the registry entry for ``name``; unknown names raise with suggestions.

    Parameters
    ----------
    name
        An indicator name (a key of :data:`INDICATORS`).

    Returns
    -------
    Indicator
        Its registry entry.

    Raises
    ------
    UnknownNameError
        An unknown name (the message lists the known ones and the closest matches).
    """
    try:
        return INDICATORS[name]
    except KeyError:
        raise UnknownNameError(
            f"Unknown indicator {name!r}; known indicators: {', '.join(INDICATORS)}."
            + suggest(name, INDICATORS)
        ) from None




@renamed_keywords(layer="counties")
def prefecture_seats(counties: pd.DataFrame) -> pd.DataFrame:
    """Seat of each prefecture-level unit in ``counties``.

    The seat is the prefecture's own unit when it is one (东莞 441900, 济源 419001), else the
    seat of its first district (lowest adcode among the units named ...区), else of its lowest
    adcode. Units without seat coordinates cannot be seats (logged with their adcodes, and
    the prefectures left without any seat).

    Parameters
    ----------
    counties
        County layer with ``adcode``, ``name``, ``prefecture_adcode``, ``seat_lon``, ``seat_lat``.

    Returns
    -------
    pandas.DataFrame
        ``seat_adcode``, ``seat_lon``, ``seat_lat`` indexed by prefecture adcode (prefectures
        none of whose units has a seat are absent).
    """
    require_columns(counties, ["adcode", "name", "prefecture_adcode", "seat_lon", "seat_lat"], source="county layer")
    df = counties[["adcode", "name", "prefecture_adcode", "seat_lon", "seat_lat"]].copy()
    no_seat = df["seat_lon"].isna() | df["seat_lat"].isna()
    if no_seat.any():
        lost = sorted(set(df.loc[no_seat, "prefecture_adcode"].astype(str))
                      - set(df.loc[~no_seat, "prefecture_adcode"].astype(str)))
        logger.info("prefecture seats: %d unit(s) without seat coordinates cannot be a seat (%s)%s",
                    int(no_seat.sum()), list(df.index[no_seat][:10]),
                    f"; {len(lost)} prefecture(s) left without a seat: {lost[:10]}" if lost else "")
    df = df[~no_seat]
    own = df["adcode"] == df["prefecture_adcode"]
    district = df["name"].astype(str).str.endswith("区")
    df["_rank"] = np.where(own, 0, np.where(district, 1, 2))
    df = df.sort_values(["prefecture_adcode", "_rank", "adcode"])
    first = df.drop_duplicates("prefecture_adcode")
    return pd.DataFrame(
        {"seat_adcode": first["adcode"].to_numpy(), "seat_lon": first["seat_lon"].to_numpy(),
         "seat_lat": first["seat_lat"].to_numpy()},
        index=pd.Index(first["prefecture_adcode"].to_numpy(), name="prefecture_adcode"),
    )


def straightline_access_min(
    layer: pd.DataFrame, *, circuity: float = CIRCUITY, speed_kmh: float = STRAIGHTLINE_SPEED_KMH
) -> pd.Series:
    """Estimated minutes from each county seat to the nearest prefecture seat (any prefecture).

    Great-circle distance x ``circuity`` / ``speed_kmh``. An estimate for when no road network
    is available: the column name says so (``access_min_straightline_est``).

    Parameters
    ----------
    layer
        County layer with ``adcode``, ``name``, ``prefecture_adcode``, ``seat_lon`` and
        ``seat_lat`` (WGS84); the prefecture seats come from :func:`prefecture_seats`.
    circuity
        Ratio of road to straight-line distance (>= 1).
    speed_kmh
        Assumed average speed (> 0).

    Returns
    -------
    pandas.Series
        ``access_min_straightline_est`` in minutes, aligned to ``layer.index``; NaN for
        counties without seat coordinates (0 for a prefecture seat itself).

    Raises
    ------
    InvalidValueError
        ``circuity < 1`` or ``speed_kmh <= 0``.
    """
    if circuity < 1 or speed_kmh <= 0:
        raise InvalidValueError(f"circuity must be >= 1 and speed_kmh > 0; got {circuity}, {speed_kmh}.")
    seats = prefecture_seats(layer)
    from scipy.spatial import cKDTree

    def xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        lo, la = np.radians(lon), np.radians(lat)
        return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])

    lon = layer["seat_lon"].to_numpy(dtype=float)
    lat = layer["seat_lat"].to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    out = np.full(len(layer), np.nan)
    if ok.any() and len(seats):
        tree = cKDTree(xyz(seats["seat_lon"].to_numpy(), seats["seat_lat"].to_numpy()))
        _, j = tree.query(xyz(lon[ok], lat[ok]))
        dist = haversine_m(lon[ok], lat[ok], seats["seat_lon"].to_numpy()[j], seats["seat_lat"].to_numpy()[j])
        out[ok] = dist / 1000 * circuity / speed_kmh * 60
    return pd.Series(out, index=layer.index, name="access_min_straightline_est")


@renamed_keywords(layer="counties")
def island_counties(counties: pd.DataFrame) -> pd.Series:
    """Counties without a land neighbour among the polygons of ``counties`` (islands).

    A county is an island when its polygon shares no vertex with any other polygon of
    ``counties`` (the county layer's shared borders share exact vertices): 长海, 岱山, 南澳,
    金门, 西沙区, 南沙区 on the national layer. Pass the whole layer: on a subset, a county
    whose only neighbours were left out counts as an island.

    Parameters
    ----------
    counties
        County layer with polygons (``geometry``).

    Returns
    -------
    pandas.Series
        Boolean ``access_island`` aligned to ``layer.index``.

    Raises
    ------
    MissingColumnError
        ``counties`` has no ``geometry`` column.
    """
    from geourb.contiguity import island_counties as _islands

    return _islands(counties)


def _aligned(values: pd.Series | pd.DataFrame, index: pd.Index, what: str) -> pd.Series | pd.DataFrame:
    if not isinstance(values, pd.Series | pd.DataFrame):
        raise InvalidValueError(f"{what} must be a pandas Series or DataFrame indexed by adcode, got {type(values)}.")
    values = values.copy()
    values.index = values.index.astype(str)
    extra = values.index.difference(index)
    if len(extra):
        logger.info("%s: %d row(s) not in the county layer ignored, e.g. %s", what, len(extra), list(extra[:5]))
    return values.reindex(index)


def county_indicators(
    layer: pd.DataFrame,
    *,
    national_rate: float | None = None,
    target_rate: float = 0.70,
    parks: pd.Series | pd.DataFrame | None = None,
    access_min: pd.Series | None = None,
) -> pd.DataFrame:
    """Compute the potential-region indicators of every county in ``layer``.

    Parameters
    ----------
    layer
        County layer joined with the census (:func:`geourb.stats.join_statistics`): needs
        ``pop_total``, ``pop_urban``, ``area_km2``; uses ``pop_rural``, ``pop_cityzone``,
        seats and ``prefecture_adcode`` when present.
    national_rate
        National urbanization rate (0-1); default: computed from ``layer`` (about 0.639 for
        the whole country in 2020). Pass ``read_census_2020(level="nation")`` 's rate when
        ``layer`` is only a province.
    target_rate
        The plan's target rate (0.70 by 2029).
    parks
        Per-county park aggregates indexed by adcode, e.g. :func:`geourb.parks.aggregate_by_county`:
        its ``n_parks``, ``n_national``, ``approved_ha`` and ``approved_ha_per_10k_residents``
        become the registry indicators ``park_count``, ``park_n_national``, ``park_area_km2``
        (ha / 100) and ``park_ha_per_10k`` (see :data:`PARK_COLUMNS`); other numeric columns
        are kept with a ``park_`` prefix. A Series is one column named by its name (default
        ``park_count``). Counties without a row get 0 (no park), logged; NaN inside a row
        (e.g. per-resident area without population) stays NaN.
    access_min
        Network travel time (minutes) from each county seat to the nearest prefecture seat,
        indexed by adcode; without it the labelled straight-line estimate is computed.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``layer.index``: ``pop_total``, ``urbanization_rate``, ``gap_to_national``,
        ``gap_to_target``, ``pop_rural``, ``density_per_km2``, ``pop_cityzone``, park columns
        (``park_count``, ``park_area_km2`` ...),
        and ``access_min`` or ``access_min_straightline_est`` (with the boolean
        ``access_island``, :func:`island_counties`, when ``layer`` has polygons: the
        estimate of an island crosses the sea). ``attrs`` hold ``national_rate`` and
        ``target_rate``.
    """
    require_columns(layer, ["pop_total", "pop_urban", "area_km2"], source="county layer")
    for name, rate in (("national_rate", national_rate), ("target_rate", target_rate)):
        if rate is not None and not 0 < float(rate) < 1:
            raise InvalidValueError(f"{name} must be a fraction between 0 and 1 (e.g. 0.639), got {rate!r}.")
    if national_rate is None:
        national_rate = national_urbanization_rate(layer)
    pop = layer["pop_total"].astype(float)
    urban = layer["pop_urban"].astype(float)
    rate = (urban / pop.where(pop > 0)).rename("urbanization_rate")
    area = layer["area_km2"].astype(float)
    out = pd.DataFrame(index=layer.index)
    out["pop_total"] = pop
    out["urbanization_rate"] = rate
    out["gap_to_national"] = float(national_rate) - rate
    out["gap_to_target"] = float(target_rate) - rate
    out["pop_rural"] = layer["pop_rural"].astype(float) if "pop_rural" in layer else pop - urban
    out["density_per_km2"] = pop / area.where(area > 0)
    out["pop_cityzone"] = layer["pop_cityzone"].astype(float) if "pop_cityzone" in layer else np.nan
    for col in ("urbanization_change_pp", "pop_growth_rate"):  # momentum, from geourb.change()
        if col in layer:
            out[col] = layer[col].astype(float)
    if parks is not None:
        aligned = _aligned(parks, layer.index, "parks")
        frame = aligned.to_frame(aligned.name or "park_count") if isinstance(aligned, pd.Series) else aligned
        frame = frame.select_dtypes("number")
        no_row = frame.isna().all(axis=1)
        if no_row.any():
            logger.info("parks: %d counties have no park row; counted as 0 parks", int(no_row.sum()))
        for col in frame.columns:
            col = str(col)
            name, factor = PARK_COLUMNS.get(col, (col if col.startswith("park_") else f"park_{col}", 1.0))
            if name in out:
                raise InvalidValueError(
                    f"parks: columns {col!r} and another both give the indicator {name!r}: pass only one."
                )
            out[name] = frame[col].astype(float).mask(no_row, 0.0) * factor
    if access_min is not None:
        aligned = _aligned(access_min, layer.index, "access_min")
        if isinstance(aligned, pd.DataFrame):
            raise InvalidValueError("access_min must be one Series of minutes indexed by adcode.")
        if (aligned < 0).any():
            raise InvalidValueError("access_min has negative travel times; minutes must be >= 0.")
        out["access_min"] = aligned.astype(float)
    elif {"seat_lon", "seat_lat", "prefecture_adcode", "name", "adcode"} <= set(layer.columns):
        est = straightline_access_min(layer)
        out["access_min_straightline_est"] = est
        if "geometry" in layer and len(layer) > 1:
            island = island_counties(layer)
            out["access_island"] = island
            if island.any():
                logger.info("access estimate: %d island count(ies) without a land neighbour, whose straight "
                            "line crosses the sea (unreliable): %s", int(island.sum()),
                            ", ".join(f"{a} {layer.at[a, 'name']} {est[a]:.0f} min" for a in layer.index[island]))
    out.attrs["national_rate"] = float(national_rate)
    out.attrs["target_rate"] = float(target_rate)
    return out


def network_access_min(
    network: Network,
    layer: pd.DataFrame,
    *,
    targets: pd.DataFrame | None = None,
    access_speed_kmh: float = 5.0,
    max_snap_m: float = 5_000.0,
) -> pd.Series:
    """Minutes over ``network`` from each county seat to the nearest target (prefecture seats).

    One multi-source Dijkstra on the reversed network from all targets gives every county's
    time *to* its nearest target. The walk between a seat (or target) and its snapped node is
    added at ``access_speed_kmh``. Pass the result to :func:`county_indicators` as
    ``access_min``.

    Parameters
    ----------
    network
        Road or multimodal :class:`~geourb.network.Network` (an approximate one gives
        approximate times; the result's ``attrs["approximate"]`` says so).
    layer
        County layer with ``seat_lon``/``seat_lat`` (and, for the default targets,
        ``adcode``, ``name``, ``prefecture_adcode``).
    targets
        Points with ``seat_lon``/``seat_lat`` columns, e.g. a chosen central city; default:
        :func:`prefecture_seats` of ``layer``.
    access_speed_kmh
        Speed between a point and its snapped node (> 0).
    max_snap_m
        Seats farther than this from the network get NaN (logged).

    Returns
    -------
    pandas.Series
        ``access_min`` aligned to ``layer.index``.
    """
    from geourb.network import Network

    if access_speed_kmh <= 0 or max_snap_m <= 0:
        raise InvalidValueError("access_speed_kmh and max_snap_m must be > 0.")
    require_columns(layer, ["seat_lon", "seat_lat"], source="county layer")
    tg = prefecture_seats(layer) if targets is None else targets
    require_columns(tg, ["seat_lon", "seat_lat"], source="targets")
    speed = access_speed_kmh / 3.6
    t_node, t_snap = network.nearest_nodes(tg["seat_lon"].to_numpy(float), tg["seat_lat"].to_numpy(float))
    usable = t_snap <= max_snap_m
    if not usable.any():
        raise InvalidValueError(f"No target lies within {max_snap_m:.0f} m of the network {network.name!r}.")
    u, v, t = network.edges()
    reverse = Network.from_edges(v, u, t, node_lon=network.node_lon, node_lat=network.node_lat,
                                 name=f"{network.name} (reversed)", largest_component=False)
    times = reverse.travel_times(t_node[usable], source_offsets_s=t_snap[usable] / speed)
    lon = layer["seat_lon"].to_numpy(float)
    lat = layer["seat_lat"].to_numpy(float)
    out = np.full(len(layer), np.nan)
    ok = np.isfinite(lon) & np.isfinite(lat)
    c_node, c_snap = network.nearest_nodes(lon[ok], lat[ok])
    near = c_snap <= max_snap_m
    vals = np.where(near, times[c_node] + c_snap / speed, np.nan)
    out[np.flatnonzero(ok)] = vals / 60.0
    missing = ~np.isfinite(out)
    if missing.any():
        logger.info("network access: %d of %d counties have no time (seat farther than %.0f m from the "
                    "network, or no target reachable): %s", int(missing.sum()), len(out), max_snap_m,
                    list(layer.index[missing][:10]))
    series = pd.Series(out, index=layer.index, name="access_min")
    series.attrs["approximate"] = bool(network.approximate)
    return series
