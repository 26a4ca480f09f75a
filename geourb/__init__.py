"""geourb: regional-planning toolkit for China.

Layers in (counties, statistics, parks, networks, rasters), analyses in the middle (scores,
potential regions, isochrones, metropolitan areas), maps and CLI out. Importing geourb has no
side effects: topic modules load on first use (``geourb.counties``, ``geourb.network`` ...).
"""

from __future__ import annotations

import importlib
from typing import Any

from geourb._errors import (
    ChecksumError,
    CrsError,
    DataFileNotFoundError,
    DuplicateKeyError,
    EmptyResultError,
    EncodingDetectionError,
    GeourbError,
    InvalidValueError,
    MissingColumnError,
    MissingDependencyError,
    NetworkGraphError,
    NoCrsError,
    OfflineError,
    SettingsError,
    UnknownNameError,
)
from geourb.settings import Settings, settings

__version__ = "0.1.0"

# public name -> module that defines it (imported lazily on first access)
_EXPORTS: dict[str, str] = {
    "load_counties": "geourb.counties",
    "load_prefectures": "geourb.counties",
    "load_provinces": "geourb.counties",
    "county_seats": "geourb.counties",
    "normalize_adcode": "geourb._validate",
    "read_table": "geourb._io",
    "read_statistics": "geourb.stats",
    "read_census_2020": "geourb.stats",
    "join_statistics": "geourb.stats",
    "fetch": "geourb.sources",
    "list_sources": "geourb.sources",
    "gcj02_to_wgs84": "geourb.coords",
    "wgs84_to_gcj02": "geourb.coords",
    "bd09_to_wgs84": "geourb.coords",
    "to_wgs84": "geourb.coords",
}

__all__ = [
    "ChecksumError", "CrsError", "DataFileNotFoundError", "DuplicateKeyError", "EmptyResultError",
    "EncodingDetectionError", "GeourbError", "InvalidValueError", "MissingColumnError",
    "MissingDependencyError", "NetworkGraphError", "NoCrsError", "OfflineError", "Settings",
    "SettingsError", "UnknownNameError", "settings", *_EXPORTS,
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    try:
        return importlib.import_module(f"geourb.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"geourb.{name}":
            raise
        raise AttributeError(f"module 'geourb' has no attribute {name!r}") from None
