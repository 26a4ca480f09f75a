"""Where rail helps: the road-only and the multimodal metropolitan circle, county by county."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._log import logger
from geourb.metro.delineate import delineate_metro
from geourb.network import Network


def multimodal_gain(
    road_network: Network,
    multimodal: Network,
    core: Any,
    counties: gpd.GeoDataFrame,
    *,
    minutes: float = 60.0,
    **options: Any,
) -> tuple[pd.DataFrame, pd.Series]:
    """Where rail helps: the road-only and the multimodal ``minutes`` circle, county by county.

    Both circles are delineated with :func:`geourb.metro.delineate_metro` (same core, counties
    and options); the comparison lists every county inside either one.

    Parameters
    ----------
    road_network, multimodal
        The road network and the same network with rail (:func:`multimodal_network`).
    core
        The central city (name, English name, adcode or :class:`~geourb.metro.CityCore`).
    counties
        County layer (index = adcode, seats, polygons).
    minutes
        The time limit in minutes.
    **options
        Passed to :func:`~geourb.metro.delineate_metro` for both networks (``cell_m``,
        ``max_access_m`` ...).

    Returns
    -------
    per_county, summary
        ``per_county`` (index = adcode): ``name``, ``time_road_min``, ``time_multimodal_min``
        (``inf`` beyond ``minutes``), ``saved_min``, ``in_road``, ``in_multimodal``,
        ``area_share_road``, ``area_share_multimodal`` (share of the county inside the
        isochrone), ``gained`` (inside with rail only), sorted by ``saved_min``.
        ``summary``: counties and isochrone area of each circle, counties gained and lost,
        ``approximate``.

    Raises
    ------
    InvalidValueError
        ``minutes`` not positive.
    EmptyResultError, NetworkGraphError, UnknownNameError
        As :func:`~geourb.metro.delineate_metro`.
    """
    road = delineate_metro(road_network, core, counties, minutes=minutes, **options)
    multi = delineate_metro(multimodal, core, counties, minutes=minutes, **options)
    ids = road.counties.index.union(multi.counties.index)
    times_r = _seat_minutes(road_network, road.core, counties.loc[ids], options)
    times_m = _seat_minutes(multimodal, road.core, counties.loc[ids], options)
    out = pd.DataFrame({
        "name": counties.loc[ids, "name"] if "name" in counties else pd.Series(ids, index=ids),
        "time_road_min": times_r, "time_multimodal_min": times_m,
    }, index=ids)
    out["saved_min"] = np.where(np.isfinite(times_r), times_r, np.nan) - times_m
    out["in_road"] = out.index.isin(road.counties.index)
    out["in_multimodal"] = out.index.isin(multi.counties.index)
    out["area_share_road"] = road.counties["area_share"].reindex(ids).fillna(0.0)
    out["area_share_multimodal"] = multi.counties["area_share"].reindex(ids).fillna(0.0)
    out["gained"] = out["in_multimodal"] & ~out["in_road"]
    out = out.sort_values("saved_min", ascending=False, na_position="first")
    summary = pd.Series({
        "core": road.core.name, "minutes": float(minutes),
        "n_counties_road": int(out["in_road"].sum()),
        "n_counties_multimodal": int(out["in_multimodal"].sum()),
        "gained": int(out["gained"].sum()),
        "lost": int((out["in_road"] & ~out["in_multimodal"]).sum()),
        "isochrone_km2_road": float(road.summary["isochrone_km2"]),
        "isochrone_km2_multimodal": float(multi.summary["isochrone_km2"]),
        "approximate": bool(road_network.approximate),
    }, name=road.core.name)
    logger.info("%s %g-min circle: %d counties by road, %d with rail (%d gained)",
                road.core.name, minutes, summary["n_counties_road"],
                summary["n_counties_multimodal"], summary["gained"])
    return out, summary


def _seat_minutes(network: Network, core: Any, counties: gpd.GeoDataFrame,
                  options: dict[str, Any]) -> pd.Series:
    """Unbounded seat-to-seat minutes from the core (the same access rules as the metro)."""
    approx = network.approximate
    speed = (options.get("access_speed_kmh") or (30.0 if approx else 5.0)) / 3.6
    node, snap = network.nearest_nodes(core.lon, core.lat)
    times = network.travel_times(node, source_offsets_s=snap / speed)
    cnode, csnap = network.nearest_nodes(counties["seat_lon"].to_numpy(),
                                         counties["seat_lat"].to_numpy())
    return pd.Series((times[cnode] + csnap / speed) / 60.0, index=counties.index)
