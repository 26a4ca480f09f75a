"""Metropolitan delineation: counties within N minutes of a core, coverage, contiguity, overlaps."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
)
from geourb._log import logger
from geourb._validate import require_columns
from geourb.counties import CHINA_ALBERS, WGS84
from geourb.metro.cores import CityCore, resolve_city
from geourb.metro.population import _zone_albers, allocate_population, zonal_sum
from geourb.network import Network


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
        dropped = network.dropped_part_message(core.lon, core.lat, max_snap_m)
        if dropped:
            raise NetworkGraphError(f"The core {core.name} {dropped}")
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
            out.append(delineate_metro(network, core, counties, **kwargs))
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
        Metropolitan areas of several cores (from :func:`delineate_many`); each pair is compared.

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
    """Return the selected counties as a layer ready to write (adcode column, no index).

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
