"""Speed tables (package data ``geourb/data/road_speeds.toml``) and the per-edge speed model.

The tables are read once from the TOML file, whose header documents every value and its
source (JTG B01-2014 design speeds for highway grades, CJJ 37-2012 for urban classes).
Every builder takes ``speeds={...}`` to override them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geourb._errors import InvalidValueError, UnknownNameError, suggest
from geourb._log import logger
from geourb._toml import read_toml

SPEEDS_FILE = Path(__file__).resolve().parents[1] / "data" / "road_speeds.toml"
"""The package-data speed tables (sources of every value in its header)."""


def _load_tables() -> dict[str, dict[str, Any]]:
    return read_toml(SPEEDS_FILE, what="Road speed table")


_TABLES = _load_tables()

CHINA_SPEEDS_KMH: dict[str, float] = {k: float(v) for k, v in _TABLES["osm"].items()}
"""Default speeds (km/h) by OSM ``highway`` class for China."""

CHINA_URBAN_SPEEDS_KMH: dict[str, float] = {k: float(v) for k, v in _TABLES["urban"].items()}
"""Default speeds (km/h) of Chinese urban road classes (快速路 / 主干路 / 次干路 / 支路 / 内部道路)."""

CHINA_HIGHWAY_SPEEDS_KMH: dict[str, float] = {k: float(v) for k, v in _TABLES["highway"].items()}
"""Default speeds (km/h) of Chinese highway technical grades (高速公路, 一级 to 四级公路, 等外公路):
0.85 x the highest JTG B01-2014 design speed of the grade, rounded to 5 km/h."""

CHINA_ADMIN_SPEEDS_KMH: dict[str, float] = {k: float(v) for k, v in _TABLES["administrative"].items()}
"""Default speeds (km/h) of administrative grades (国道/省道/县道/乡道/村道/专用公路), used when a
feature has no technical grade."""

CLASS_ALIASES: dict[str, str] = dict(_TABLES["aliases"])
"""Spellings of Chinese road classes found in GIS layers -> the class names of the tables."""

ALL_LAYER_SPEEDS_KMH: dict[str, float] = {**CHINA_URBAN_SPEEDS_KMH, **CHINA_SPEEDS_KMH,
                                          **CHINA_HIGHWAY_SPEEDS_KMH, **CHINA_ADMIN_SPEEDS_KMH}
"""The default table of GIS road layers: urban, OSM, highway and administrative classes."""

MIN_LENGTH_M = 0.5  # zero-length segments (duplicated vertices) still take a little time


def _check_speeds(speeds: Mapping[str, float], what: str) -> dict[str, float]:
    out = {}
    for key, val in speeds.items():
        try:
            speed = float(val)
        except (TypeError, ValueError):
            speed = float("nan")
        if not (np.isfinite(speed) and speed > 0):
            shown = f"{float(val):g}" if isinstance(val, int | float | np.number) else repr(val)
            raise InvalidValueError(
                f"{what}: the speed of road class {key!r} must be a positive number of km/h, "
                f"got {shown}."
            )
        out[str(key)] = speed
    return out


def parse_maxspeed(value: str | float | list[str] | tuple[str, ...] | None) -> float:
    """Parse an OSM ``maxspeed`` tag to km/h (NaN when not a number, e.g. ``"none"``).

    Parameters
    ----------
    value
        The tag value: ``"60"``, ``"40 mph"``, ``"60;80"`` (the first number is used), a
        number, a list or tuple of values as osmnx keeps them (the first is used) or None.

    Returns
    -------
    float
        Speed in km/h (miles per hour converted); NaN for missing, non-numeric or
        non-positive values.

    Examples
    --------
    >>> parse_maxspeed("60;80")
    60.0
    >>> round(parse_maxspeed("40 mph"), 1)
    64.4
    >>> parse_maxspeed("none")
    nan
    """
    if value is None:
        return float("nan")
    if isinstance(value, list | tuple):
        value = value[0] if value else None
        return parse_maxspeed(value)
    text = str(value).strip().lower()
    m = re.match(r"^(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?", text)
    if not m:
        return float("nan")
    speed = float(m.group(1)) * (1.609344 if m.group(2) == "mph" else 1.0)
    return speed if speed > 0 else float("nan")


def _map_unique(values: pd.Series, func: Any) -> np.ndarray:
    """``func`` applied to each distinct value only (float result per row); None for NA."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable values (e.g. lists in osmnx graphs)
        return np.array([func(v) for v in values], dtype=float)
    table = np.array([func(u) for u in uniques] + [func(None)], dtype=float)
    return table[codes]  # code -1 (NA) takes the last entry


def _speeds_for(classes: pd.Series, maxspeed: pd.Series | None, speeds: dict[str, float],
                default_speed_kmh: float, unknown: str, source: str) -> tuple[np.ndarray, dict]:
    """Per-row speed (km/h) from class and maxspeed; report the unknown classes."""
    speed = pd.Series(_map_unique(classes, lambda c: speeds.get(c, np.nan)), index=classes.index)
    missing = speed.isna()
    unknown_counts = (classes[missing].fillna("<none>").value_counts().to_dict()
                      if missing.any() else {})
    if unknown_counts:
        listing = ", ".join(f"{k!r} ({v})" for k, v in unknown_counts.items())
        if unknown == "raise":
            first = next(iter(unknown_counts))
            raise UnknownNameError(
                f"{source}: road classes without a speed: {listing}. Add them to speeds={{...}} "
                f"(known: {', '.join(sorted(speeds))}).{suggest(first, speeds)}"
            )
        logger.warning("%s: road classes without a speed, %g km/h used: %s", source,
                       default_speed_kmh, listing)
        speed[missing] = default_speed_kmh
    n_max = 0
    if maxspeed is not None:
        parsed = pd.Series(_map_unique(maxspeed, parse_maxspeed), index=speed.index)
        has = parsed.notna()
        n_max = int(has.sum())
        speed[has] = parsed[has]
    info = {"unknown_classes": unknown_counts, "default_speed_kmh": default_speed_kmh,
            "maxspeed_used": n_max}
    return speed.to_numpy(dtype=float), info


