"""The joined county layer (census + parks + access), cached as GeoParquet by input checksums."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from geourb._errors import OutputPathError
from geourb._io import atomic_path
from geourb._log import logger
from geourb.workflows.config import BUILTIN_PARKS, CACHE_FORMAT, InputConfig

if TYPE_CHECKING:
    from geourb.stats import JoinReport

# --------------------------------------------------------------------------------------------
# the joined county layer (cached)


@dataclass
class JoinedCounties:
    """All-China county layer with the census and the optional park and access inputs.

    Attributes
    ----------
    layer
        County polygons (adcode index) with the census columns.
    join_report
        What the census join matched, how, and what it did not.
    park_aggregates
        Per-county park aggregates (:func:`geourb.parks.aggregate_by_county`), or None.
    park_report
        Park validation flags (:func:`geourb.parks.validate_parks`), or None.
    access_min
        Network minutes to the nearest prefecture seat, or None.
    park_counts
        ``{"parks": n, "location_unreliable": n}`` of the park file, empty without parks.
    cache_key
        The sha256 key of the inputs; ``from_cache`` says whether it was read from the cache.
    """

    layer: gpd.GeoDataFrame
    join_report: JoinReport
    park_aggregates: pd.DataFrame | None = None
    park_report: pd.DataFrame | None = None
    access_min: pd.Series | None = None
    park_counts: dict[str, int] = field(default_factory=dict)
    cache_key: str = ""
    from_cache: bool = False


def _sha256(path: Path) -> str:
    from geourb.sources import sha256_file

    return sha256_file(path)


def _code_digest() -> str:
    """Digest of the geourb sources and package data the joined layer depends on."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    names = ["stats", "_zones", "counties", "parks", "indicators", "roads", "network", "_validate", "_io"]
    files: list[Path] = []
    for name in names:
        if (root / f"{name}.py").is_file():
            files.append(root / f"{name}.py")
        elif (root / name).is_dir():
            files += sorted((root / name).rglob("*.py"))
    files += sorted((root / "data").glob("crosswalk_*.csv")) + sorted((root / "data").glob("*.toml"))
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()


def _input_file(value: str | None, default: str) -> Path:
    from geourb.sources import resolve

    return resolve(value, default)


def cache_key(inputs: InputConfig) -> str:
    """sha256 of everything the joined layer depends on: input files, geourb version and code, options.

    Raises
    ------
    DataFileNotFoundError, OfflineError
        An input file cannot be found.
    """
    import geourb
    from geourb.counties import _cache_path, cnmaps_version
    from geourb.sources import _find_local, get_source

    parts: dict[str, Any] = {"format": CACHE_FORMAT, "version": geourb.__version__, "code": _code_digest(),
                             "cnmaps": cnmaps_version(), "counties_cache": _cache_path("county").name,
                             "census": _sha256(_input_file(inputs.census, "census_2020"))}
    zones = _find_local(get_source(BUILTIN_PARKS))  # join_statistics places functional zones with it when present
    parts["zone_points"] = _sha256(zones) if zones is not None else None
    if inputs.parks:
        parts["parks"] = [inputs.parks, _sha256(_input_file(None if inputs.parks == BUILTIN_PARKS else inputs.parks,
                                                            BUILTIN_PARKS))]
    if inputs.network:
        parts["network"] = [inputs.network, None if inputs.network == "approximate"
                            else _sha256(Path(inputs.network))]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _cache_root(cache: bool | str | os.PathLike[str]) -> Path | None:
    from geourb.settings import settings

    if cache is False:
        return None
    return Path(settings.cache_dir) / "pipeline" if cache is True else Path(cache)


def _build_joined(inputs: InputConfig) -> JoinedCounties:
    from geourb.counties import load_counties
    from geourb.stats import join_statistics, read_census_2020

    census = read_census_2020(inputs.census)
    counties = load_counties()
    layer, report = join_statistics(counties, census)
    park_agg = park_report = access = None
    park_counts: dict[str, int] = {}
    if inputs.parks:
        from geourb.parks import aggregate_by_county, read_parks, validate_parks

        parks, park_report = validate_parks(read_parks(None if inputs.parks == BUILTIN_PARKS else inputs.parks),
                                            counties)
        park_agg = aggregate_by_county(parks, counties, population=layer["pop_total"]).reindex(layer.index)
        park_counts = {"parks": len(parks), "location_unreliable": int(parks["location_unreliable"].sum())}
    if inputs.network:
        # on the whole country: the nearest seat may lie across a province border
        from geourb.indicators import network_access_min
        from geourb.network import Network
        from geourb.roads import approximate_network

        net = approximate_network(layer) if inputs.network == "approximate" else Network.load(inputs.network)
        access = network_access_min(net, layer)
    return JoinedCounties(layer=layer, join_report=report, park_aggregates=park_agg, park_report=park_report,
                          access_min=access, park_counts=park_counts)


def _read_cached(folder: Path) -> JoinedCounties | None:
    meta_path = folder / "meta.pkl"
    if not meta_path.is_file():
        return None
    try:
        with meta_path.open("rb") as fh:
            meta = pickle.load(fh)  # our own cache folder, written by _write_cached
        layer = gpd.read_parquet(folder / "layer.parquet")
        layer = layer.set_crs("EPSG:4326", allow_override=True)
        layer.index = pd.Index(layer["adcode"].to_numpy(), name=meta["index_name"])
        for col, dtype in meta["dtypes"].items():  # Parquet reads text back as str dtype: restore
            if col in layer.columns and col != "geometry" and layer[col].dtype != dtype:
                layer[col] = layer[col].astype(dtype)
        park_agg = pd.read_parquet(folder / "parks.parquet") if meta["parks"] else None
        access = pd.read_parquet(folder / "access.parquet")["access_min"] if meta["access"] else None
    except Exception as exc:  # a damaged cache is rebuilt, not fatal
        logger.warning("pipeline cache %s unreadable (%s: %s); rebuilding", folder, type(exc).__name__, exc)
        return None
    return JoinedCounties(layer=layer, join_report=meta["join_report"], park_aggregates=park_agg,
                          park_report=meta["park_report"], access_min=access, park_counts=meta["park_counts"],
                          from_cache=True)


def _write_cached(folder: Path, joined: JoinedCounties) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(folder / "layer.parquet") as tmp:
            joined.layer.to_parquet(tmp, index=False)
        if joined.park_aggregates is not None:
            with atomic_path(folder / "parks.parquet") as tmp:
                joined.park_aggregates.to_parquet(tmp)
        if joined.access_min is not None:
            with atomic_path(folder / "access.parquet") as tmp:
                joined.access_min.rename("access_min").to_frame().to_parquet(tmp)
        meta = {"join_report": joined.join_report, "park_report": joined.park_report,
                "parks": joined.park_aggregates is not None, "access": joined.access_min is not None,
                "index_name": joined.layer.index.name, "park_counts": joined.park_counts,
                "dtypes": {c: t for c, t in joined.layer.dtypes.items() if c != "geometry"}}
        with atomic_path(folder / "meta.pkl") as tmp:  # last: marks the entry complete
            tmp.write_bytes(pickle.dumps(meta))
    except (OSError, OutputPathError) as exc:  # a cache that cannot be written is not fatal
        logger.warning("cannot write the pipeline cache %s (%s); continuing without it", folder, exc)
        return
    # keep the 8 newest entries
    entries = sorted((p for p in folder.parent.glob("joined-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in entries[:-8]:
        shutil.rmtree(old, ignore_errors=True)


def joined_counties(
    inputs: InputConfig | None = None, *, cache: bool | str | os.PathLike[str] = True
) -> JoinedCounties:
    """Return the all-China county layer joined with the census, park aggregates and access (cached).

    Parameters
    ----------
    inputs
        The ``[input]`` settings (default: the registered 2020 census, no parks, no network).
    cache
        True: read/write the GeoParquet cache in ``settings.cache_dir/pipeline``; a folder: use
        that folder; False: always build.

    Returns
    -------
    JoinedCounties
        The layer and what the joins reported.
    """
    inputs = inputs or InputConfig()
    root = _cache_root(cache)
    if root is None:
        return _build_joined(inputs)
    key = cache_key(inputs)
    folder = root / f"joined-{key[:24]}"
    joined = _read_cached(folder)
    if joined is None:
        joined = _build_joined(inputs)
        _write_cached(folder, joined)
        logger.info("cached the joined county layer in %s", folder)
    else:
        logger.info("joined county layer read from the cache %s", folder)
        os.utime(folder)
    joined.cache_key = key
    return joined
