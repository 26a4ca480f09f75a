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
    "change": "geourb.stats",
    "fetch": "geourb.sources",
    "list_sources": "geourb.sources",
    "gcj02_to_wgs84": "geourb.coords",
    "wgs84_to_gcj02": "geourb.coords",
    "bd09_to_wgs84": "geourb.coords",
    "to_wgs84": "geourb.coords",
    "read_parks": "geourb.parks",
    "validate_parks": "geourb.parks",
    "aggregate_by_county": "geourb.parks",
    "benefit_per_mu": "geourb.parks",
    "county_indicators": "geourb.indicators",
    "score_counties": "geourb.scoring",
    "ScoringConfig": "geourb.scoring",
    "delineate_regions": "geourb.regions",
    "compare_to_presets": "geourb.regions",
    "settlement_tiers": "geourb.settlement",
    "Network": "geourb.network",
    "load_network": "geourb.roads",
    "network_from_osm": "geourb.roads",
    "network_from_layers": "geourb.roads",
    "approximate_network": "geourb.roads",
    "isochrones": "geourb.isochrones",
    "travel_time_surface": "geourb.isochrones",
    "resolve_city": "geourb.metro",
    "delineate_metro": "geourb.metro",
    "od_matrix": "geourb.od",
    "isochrones_many": "geourb.od",
    "read_stations": "geourb.rail",
    "merge_stations": "geourb.rail",
    "multimodal_gain": "geourb.metro",
    "read_lines": "geourb.rail",
    "multimodal_network": "geourb.rail",
    "make_map": "geourb.maps",
    "save_map": "geourb.maps",
    "report": "geourb.report",
    "regions_map": "geourb.maps",
    "score_classes": "geourb.scoring",
    "load_config": "geourb.workflows",
    "potential_regions": "geourb.workflows",
    "write_outputs": "geourb.workflows",
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
