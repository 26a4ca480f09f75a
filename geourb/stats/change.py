"""Change between two vintages joined to today's county units (e.g. census 2010 -> 2020)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._errors import InvalidValueError, MissingColumnError


def change(
    old: gpd.GeoDataFrame,
    new: gpd.GeoDataFrame,
    *,
    columns: list[str] | tuple[str, ...] = ("pop_total", "pop_urban"),
    years: tuple[int, int] | None = None,
) -> gpd.GeoDataFrame:
    """Per-county change between two joined layers on the same (today's) units.

    Parameters
    ----------
    old, new
        County layers from :func:`join_statistics` (same ``adcode`` units, e.g. the 2010 and the
        2020 census joined to today's layer).
    columns
        Count columns to compare; each gives ``<col>_old``, ``<col>_new``, ``<col>_change``.
    years
        ``(old_year, new_year)`` for annual rates (default: none; rates are over the period).

    Returns
    -------
    geopandas.GeoDataFrame
        ``new``'s geometry and identifiers with, when population columns are present,
        ``pop_growth_rate`` (new/old - 1 over the period), ``pop_growth_rate_annual`` (with
        ``years``), ``urbanization_change_pp`` (percentage points), ``urban_pop_added`` (people)
        and ``join_method_old`` / ``join_method_new``. Units without data in either layer get NaN.

    Examples
    --------
    >>> ch = change(layer_2010, layer_2020, years=(2010, 2020))  # doctest: +SKIP
    >>> ch.nlargest(10, "urbanization_change_pp")[["name", "urbanization_change_pp"]]  # doctest: +SKIP
    """
    for name, layer in (("old", old), ("new", new)):
        missing = [c for c in ("adcode", *columns) if c not in layer]
        if missing:
            raise MissingColumnError(f"change(): the {name} layer has no column(s) {missing}; join a table "
                                     "with those columns first (join_statistics).")
    if old["adcode"].duplicated().any() or new["adcode"].duplicated().any():
        raise InvalidValueError("change(): adcodes must be unique in both layers.")
    ids = [c for c in ("adcode", "name", "prefecture", "prefecture_adcode", "province", "area_km2", "geometry")
           if c in new]
    out = new[ids].copy()
    o = old.set_index("adcode")
    n = new.set_index("adcode")
    codes = out["adcode"]
    for col in columns:
        a = pd.to_numeric(o[col], errors="coerce").reindex(codes).to_numpy()
        b = pd.to_numeric(n[col], errors="coerce").reindex(codes).to_numpy()
        out[f"{col}_old"], out[f"{col}_new"], out[f"{col}_change"] = a, b, b - a
    if "pop_total" in columns:
        a, b = out["pop_total_old"], out["pop_total_new"]
        out["pop_growth_rate"] = (b / a.where(a > 0)) - 1
        if years is not None:
            span = years[1] - years[0]
            if span <= 0:
                raise InvalidValueError(f"change(): years must be (old, new) with old < new, not {years}.")
            out["pop_growth_rate_annual"] = np.power(b / a.where(a > 0), 1 / span) - 1
    if {"pop_total", "pop_urban"} <= set(columns):
        rate_old = out["pop_urban_old"] / out["pop_total_old"].where(out["pop_total_old"] > 0)
        rate_new = out["pop_urban_new"] / out["pop_total_new"].where(out["pop_total_new"] > 0)
        out["urbanization_rate_old"], out["urbanization_rate_new"] = rate_old, rate_new
        out["urbanization_change_pp"] = (rate_new - rate_old) * 100
        out["urban_pop_added"] = out["pop_urban_new"] - out["pop_urban_old"]
    for name, layer in (("old", o), ("new", n)):
        if "join_method" in layer:
            out[f"join_method_{name}"] = layer["join_method"].reindex(codes).to_numpy()
    return out
