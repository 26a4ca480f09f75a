"""The potential-regions pipeline, written once: config -> joined counties -> scores -> regions -> files.

``geourb score``, ``geourb regions``, ``geourb demo`` and notebook 01 all call
:func:`potential_regions` and :func:`write_outputs`; nothing else strings the steps together.

A config is a TOML file, a dict or a parsed TOML document with the tables ``[input]``
(:class:`InputConfig`), ``[scoring]`` (:class:`geourb.scoring.ScoringConfig`), ``[regions]``
(:class:`geourb.regions.RegionConfig`) and ``[output]`` (:class:`OutputConfig`). Unknown tables
and keys, and values of the wrong type, are refused by :func:`load_config` before any data
loads.

The joined county layer (census join + park aggregates + network access, all of China) is
cached as GeoParquet in ``settings.cache_dir/pipeline``, keyed by the sha256 of every input file,
the geourb version and the options (:func:`joined_counties`): rerunning with other weights or
thresholds skips the reading and joining.

Examples
--------
>>> cfg = load_config({"regions": {"min_region_pop": 2_000_000}, "output": {"prefix": "nx_"}})
>>> cfg.regions.min_region_pop, cfg.output.prefix, cfg.input.target_rate
(2000000, 'nx_', 0.7)
"""

from __future__ import annotations

from geourb.workflows.cache import JoinedCounties, cache_key, joined_counties
from geourb.workflows.config import (
    BUILTIN_PARKS,
    CACHE_FORMAT,
    InputConfig,
    OutputConfig,
    PipelineConfig,
    check_prefix,
    load_config,
)
from geourb.workflows.join import TableJoin, join_to_counties
from geourb.workflows.pipeline import PotentialRegionsResult, output_names, potential_regions, write_outputs

__all__ = [
    "BUILTIN_PARKS",
    "CACHE_FORMAT",
    "InputConfig",
    "JoinedCounties",
    "OutputConfig",
    "PipelineConfig",
    "PotentialRegionsResult",
    "TableJoin",
    "cache_key",
    "check_prefix",
    "join_to_counties",
    "joined_counties",
    "load_config",
    "output_names",
    "potential_regions",
    "write_outputs",
]
