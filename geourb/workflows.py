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

import dataclasses
import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import geopandas as gpd
import pandas as pd

from geourb._config import TomlConfig, read_toml
from geourb._errors import (
    DataFileNotFoundError,
    EmptyResultError,
    GeourbError,
    OutputPathError,
    SettingsError,
    UnknownNameError,
    plain,
    suggest,
)
from geourb._io import FLOAT_FORMAT, atomic_path, ensure_writable_dir, write_layer, write_table
from geourb._log import logger
from geourb.regions import RegionConfig
from geourb.scoring import ScoringConfig

if TYPE_CHECKING:
    from geourb.regions import Delineation
    from geourb.scoring import ScoreResult
    from geourb.stats import JoinReport

BUILTIN_PARKS = "development_zones_2018"
"""``[input] parks`` value naming the built-in 2018 development-zone catalogue."""

CACHE_FORMAT = "2"  # bump when the cached files change


@dataclass
class InputConfig(TomlConfig):
    """``[input]``: what is read and joined to the county layer.

    Attributes
    ----------
    census
        County census table (XLSX) or a registered source name; default the registered 2020
        census (``census_2020``).
    target_rate
        The plan's urbanization target (0.70 by 2029), for ``gap_to_target``.
    national_rate
        National urbanization rate; default computed from the census (whole country, even
        for one province).
    parks
        A park file, or ``"development_zones_2018"`` (the built-in catalogue): adds the
        ``park_*`` indicators. Default: no parks.
    network
        A saved network (``.npz``, :meth:`geourb.network.Network.save`) or ``"approximate"``
        (the straight-line county-seat network): adds ``access_min``. Default: the labelled
        straight-line estimate.
    """

    _section: ClassVar[str] = "input"

    census: str | None = None
    target_rate: float = 0.70
    national_rate: float | None = None
    parks: str | None = None
    network: str | None = None

    def __post_init__(self) -> None:
        if not 0 < self.target_rate <= 1:
            raise SettingsError(f"[input] target_rate must be a fraction in (0, 1], got {plain(self.target_rate)}.")
        if self.national_rate is not None and not 0 < self.national_rate <= 1:
            raise SettingsError(
                f"[input] national_rate must be a fraction in (0, 1], got {plain(self.national_rate)}.")
        if self.network is not None and self.network != "approximate" and not self.network.endswith(".npz"):
            raise UnknownNameError(
                f"[input] network must be 'approximate' or a saved network file (.npz, "
                f"geourb.network.Network.save), got {self.network!r}." + suggest(self.network, ["approximate"]))

    def check_files(self) -> None:
        """Raise :class:`DataFileNotFoundError` for an input path that does not exist (before loading)."""
        from geourb.sources import _registry

        for key in ("census", "parks", "network"):
            value = getattr(self, key)
            if value is None or value in _registry() or value == "approximate":
                continue
            if not Path(value).is_file():
                kind = "is a folder, not a file" if Path(value).is_dir() else "does not exist"
                raise DataFileNotFoundError(
                    f"[input] {key} = {value!r}: {value} {kind}. Check the path (relative paths start at "
                    f"{Path.cwd()}).")


@dataclass
class OutputConfig(TomlConfig):
    """``[output]``: file format and name prefix of :func:`write_outputs`.

    Attributes
    ----------
    format
        ``"gpkg"`` (GeoPackage) or ``"parquet"`` (GeoParquet) for the layers.
    prefix
        Put before every file name (``"nx_"`` -> ``nx_county_regions.csv``); a plain name: no
        path separators, no ``..``.
    """

    _section: ClassVar[str] = "output"

    format: Literal["gpkg", "parquet"] = "gpkg"
    prefix: str = ""

    def __post_init__(self) -> None:
        check_prefix(self.prefix)


def check_prefix(prefix: str) -> str:
    """Refuse a file-name prefix that would leave the output folder.

    Raises
    ------
    OutputPathError
        The prefix holds a path separator, ``..``, a drive colon or a control character.
    """
    bad = [c for c in ("/", "\\", os.sep, ":") if c in prefix] + (["'..'"] if ".." in prefix else [])
    if bad or any(ord(c) < 32 for c in prefix) or prefix.startswith("."):
        raise OutputPathError(
            f"[output] prefix {prefix!r} must be a plain file-name start (letters, digits, _ or -): no "
            "path separators, '..', leading dot or drive colon, so every file stays inside the output "
            "folder. Use --out-dir to choose the folder.")
    return prefix


_TABLES: dict[str, type[TomlConfig]] = {"input": InputConfig, "scoring": ScoringConfig, "regions": RegionConfig,
                                        "output": OutputConfig}


@dataclass
class PipelineConfig:
    """A checked config: one object per table (see :func:`load_config`)."""

    input: InputConfig = field(default_factory=InputConfig)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    regions: RegionConfig = field(default_factory=RegionConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    source: str | None = None


def load_config(config: str | os.PathLike[str] | Mapping[str, Any] | PipelineConfig | None = None) -> PipelineConfig:
    """Read and check a pipeline config (every table, key and value type) without loading data.

    Parameters
    ----------
    config
        A TOML file, a dict / parsed TOML with the tables ``input``, ``scoring``, ``regions``,
        ``output`` (each optional), a :class:`PipelineConfig`, or None (all defaults).

    Returns
    -------
    PipelineConfig
        The validated config.

    Raises
    ------
    UnknownNameError
        Unknown table or key (with suggestions).
    SettingsError
        A value of the wrong type or out of range (naming table, key, value and expected type).
    DataFileNotFoundError
        The config file, or an ``[input]`` file, does not exist.
    """
    if isinstance(config, PipelineConfig):
        return config
    source = None
    if config is None:
        data: Mapping[str, Any] = {}
    elif isinstance(config, Mapping):
        data = config
    elif isinstance(config, str | os.PathLike):
        source = str(config)
        data = read_toml(config, what="Config file")
    else:
        raise SettingsError(f"config must be a TOML path or a dict of tables, got {type(config).__name__}.")
    where = f"{source}: " if source else ""
    for table, values in data.items():
        if table not in _TABLES:
            raise UnknownNameError(f"{where}unknown table [{table}]; known: {', '.join(_TABLES)}."
                                   + suggest(table, _TABLES))
        _TABLES[table].check(values, source=source)
    try:
        parts = {name: cls.from_dict(data.get(name, {}), source=source) for name, cls in _TABLES.items()}
        cfg = PipelineConfig(**parts, source=source)  # type: ignore[arg-type]
        cfg.input.check_files()
    except GeourbError as exc:  # checks inside the config classes do not know the file: name it
        if source is None or source in str(exc):
            raise
        raise type(exc)(f"{source}: {exc}") from exc
    return cfg


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
    """The all-China county layer joined with the census, park aggregates and access (cached).

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


# --------------------------------------------------------------------------------------------
# the pipeline


@dataclass
class PotentialRegionsResult:
    """Everything :func:`potential_regions` computed.

    Attributes
    ----------
    config
        The checked config.
    layer
        County layer of the area scored (one province, or all China), with the census.
    indicators
        Indicators per county (:func:`geourb.indicators.county_indicators`).
    scoring
        :class:`geourb.scoring.ScoreResult`.
    table
        Per county (adcode index): names, indicators, scores and, when delineated, the
        delineation columns (``region_id``, ``region_status`` ...).
    delineation
        :class:`geourb.regions.Delineation`, or None for scores only.
    region_layer
        One dissolved polygon per region (:func:`geourb.regions.region_polygons`), or None.
    presets
        Overlap with the plan's named regions (:func:`geourb.regions.compare_to_presets`), or None.
    tiers
        Settlement tiers of the prefectures (:func:`geourb.settlement.settlement_tiers`), or None.
    joined
        The joined county layer with the join reports (:class:`JoinedCounties`).
    national_rate
        National urbanization rate used.
    province
        The province filter, or None.
    """

    config: PipelineConfig
    layer: gpd.GeoDataFrame
    indicators: pd.DataFrame
    scoring: ScoreResult
    table: pd.DataFrame
    joined: JoinedCounties
    national_rate: float
    delineation: Delineation | None = None
    region_layer: gpd.GeoDataFrame | None = None
    presets: pd.DataFrame | None = None
    tiers: gpd.GeoDataFrame | None = None
    province: str | None = None

    @property
    def join_report(self) -> JoinReport:
        """The census join report."""
        return self.joined.join_report

    def summary(self) -> str:
        """Two or three lines for people: counties scored, join, regions."""
        s = self.join_report.summary()
        lines = [f"{len(self.table)} counties scored ({int(self.table['score'].notna().sum())} with complete "
                 f"data); join: {s['matched_by_code']} by code, {s['layer_units_by_crosswalk']} by crosswalk; "
                 f"national urbanization {self.national_rate:.2%}"]
        if self.delineation is not None:
            regions = self.delineation.regions
            names = regions.sort_values("region_id")["region_name"].head(10)
            lines.append(f"{len(regions)} regions: " + ", ".join(map(str, names)))
        return "\n".join(lines)


def _national_rate(layer: pd.DataFrame) -> float:
    try:
        from geourb.stats import national_urbanization_rate  # type: ignore[attr-defined]
    except ImportError:
        from geourb.indicators import national_urbanization_rate
    return float(national_urbanization_rate(layer))


def potential_regions(
    config: str | os.PathLike[str] | Mapping[str, Any] | PipelineConfig | None = None,
    *,
    province: str | None = None,
    delineate: bool = True,
    tiers: bool = False,
    cache: bool | str | os.PathLike[str] = True,
) -> PotentialRegionsResult:
    """Score every county and delineate the potential regions: the whole pipeline.

    Parameters
    ----------
    config
        TOML path, dict of tables or :class:`PipelineConfig` (see :func:`load_config`); None:
        defaults.
    province
        Score only this province (安徽, 皖, Anhui or 34); the national rate, parks and access
        are still computed on all of China.
    delineate
        Also delineate regions, name them and compare them with the presets.
    tiers
        Also classify the prefectures into settlement tiers (reads the census at prefecture and
        province level).
    cache
        The joined-layer cache (:func:`joined_counties`).

    Returns
    -------
    PotentialRegionsResult
        Layer, indicators, scores, delineation, presets, tiers and reports.

    Raises
    ------
    SettingsError, UnknownNameError
        A bad config (checked before any data loads) or province.
    EmptyResultError
        No region reaches the size floors.
    """
    cfg = load_config(config)
    if province is not None:
        from geourb.counties import resolve_provinces

        resolve_provinces(province)  # an unknown name fails before loading
    from threadpoolctl import threadpool_limits

    # one BLAS/OpenMP thread: scikit-learn's k-means (natural breaks) on 3,000 values takes 0.07 s
    # on one thread and 4-20 s when its threads fight for shared cores
    with threadpool_limits(1):
        return _potential_regions(cfg, province=province, delineate=delineate, tiers=tiers, cache=cache)


def _potential_regions(cfg: PipelineConfig, *, province: str | None, delineate: bool, tiers: bool,
                       cache: bool | str | os.PathLike[str]) -> PotentialRegionsResult:
    joined = joined_counties(cfg.input, cache=cache)
    full = joined.layer
    national = cfg.input.national_rate or _national_rate(full)
    if province is not None:
        from geourb.counties import filter_layer

        layer = filter_layer(full, province=province)
    else:
        layer = full
    layer = layer.sort_index()
    from geourb.indicators import county_indicators
    from geourb.scoring import score_counties

    parks = None if joined.park_aggregates is None else joined.park_aggregates.reindex(layer.index)
    access = None if joined.access_min is None else joined.access_min.reindex(layer.index)
    ind = county_indicators(layer, national_rate=national, target_rate=cfg.input.target_rate, parks=parks,
                            access_min=access)
    scoring = score_counties(ind, cfg.scoring)
    names = [c for c in ("adcode", "name", "prefecture", "province") if c in layer.columns]
    table = layer[names].join(ind).join(scoring.table)
    result = PotentialRegionsResult(config=cfg, layer=layer, indicators=ind, scoring=scoring, table=table,
                                    joined=joined, national_rate=national, province=province)
    if delineate:
        from geourb.regions import compare_to_presets, delineate_regions, region_polygons

        rcfg = cfg.regions
        if rcfg.max_rate == "national":
            rcfg = dataclasses.replace(rcfg, max_rate=national)
        d = delineate_regions(layer, scoring.table, config=rcfg)
        extra = d.counties.drop(columns=[c for c in d.counties.columns if c in table.columns])
        extra = extra[[c for c in extra.columns if c != "candidate"] + ["candidate"] * ("candidate" in extra)]
        result.table = table.join(extra.rename(columns={"status": "region_status"}))
        result.delineation = d
        result.region_layer = region_polygons(layer, d)
        result.presets = compare_to_presets(d, layer)
    if tiers:
        result.tiers = _settlement_tiers(cfg.input, province)
    return result


def _settlement_tiers(inputs: InputConfig, province: str | None) -> gpd.GeoDataFrame:
    from geourb.settlement import settlement_tiers
    from geourb.stats import read_census_2020

    # the configured census at every level the tiers need (not the default file)
    tiers, _ = settlement_tiers(
        census_county=read_census_2020(inputs.census),
        census_prefecture=read_census_2020(inputs.census, level="prefecture"),
        census_province=read_census_2020(inputs.census, level="province"),
    )
    if province is not None:
        from geourb.counties import resolve_provinces

        tiers = tiers[tiers["adcode"].astype(str).str[:2].isin(resolve_provinces(province))]
    return tiers


# --------------------------------------------------------------------------------------------
# outputs


def output_names(result: PotentialRegionsResult, *, prefix: str = "", format: str = "gpkg") -> dict[str, str]:
    """File names :func:`write_outputs` writes, by key (to check the folder before computing)."""
    kind = "county_scores" if result.delineation is None else "county_regions"
    names = {kind: f"{kind}.csv", f"{kind}_layer": f"{kind}.{format}", "score_weights": "score_weights.csv"}
    if result.delineation is not None:
        names |= {"potential_regions": "potential_regions.csv",
                  "potential_regions_layer": f"potential_regions.{format}",
                  "region_presets": "region_presets.csv"}
        for f in _extra_frames(result.delineation):
            names[f"regions_{f}"] = _extra_name(f)
    if result.tiers is not None:
        names |= {"settlement_tiers": "settlement_tiers.csv", "settlement_tiers_layer": f"settlement_tiers.{format}"}
    return {k: prefix + v for k, v in names.items()}


def _extra_name(field_name: str) -> str:
    """File of a further delineation table: ``scattered`` -> ``scattered_counties.csv``, else ``regions_<name>.csv``."""
    return "scattered_counties.csv" if field_name == "scattered" else f"regions_{field_name}.csv"


def _extra_frames(d: Delineation) -> list[str]:
    """Table-valued fields of a Delineation beyond counties and regions (e.g. a scattered-county list)."""
    return [f.name for f in dataclasses.fields(d)
            if f.name not in {"counties", "regions"} and isinstance(getattr(d, f.name), pd.DataFrame)
            and not isinstance(getattr(d, f.name), gpd.GeoDataFrame)]


def _csv(df: pd.DataFrame, path: Path, sort_by: str | None) -> Path:
    return write_table(df, path, float_format=FLOAT_FORMAT, integral=True,
                       sort_by=sort_by if sort_by in df.columns else None)


def write_outputs(
    result: PotentialRegionsResult,
    out_dir: str | os.PathLike[str],
    *,
    prefix: str | None = None,
    format: str | None = None,
    reports: bool = False,
) -> dict[str, Path]:
    """Write the result's tables and layers, reproducibly (same input, same bytes).

    Files (``prefix`` first): ``county_scores`` (scores only) or ``county_regions`` (with the
    delineation columns) as CSV + layer, ``score_weights.csv``; when delineated
    ``potential_regions.csv`` + layer (one dissolved polygon per region), ``region_presets.csv``
    and any further table the delineation carries (``scattered_counties.csv`` for the scattered
    tier, ``regions_<name>.csv`` for others, in their own order); with tiers
    ``settlement_tiers.csv`` + layer. CSVs are sorted by adcode (regions by id), whole-number
    columns written as integers, others with ``%.6f``.

    Parameters
    ----------
    result
        From :func:`potential_regions`.
    out_dir
        Output folder (created; checked for writability first).
    prefix, format
        File-name prefix and layer format (``gpkg`` or ``parquet``); default: ``[output]``.
    reports
        Also write ``census_join_report.csv`` and, with parks, ``parks_validation_report.csv``
        and ``parks_by_county.csv``.

    Returns
    -------
    dict
        ``{key: path}`` of every file written.

    Raises
    ------
    OutputPathError
        The folder cannot be written, or a bad prefix.
    """
    prefix = check_prefix(result.config.output.prefix if prefix is None else prefix)
    fmt = result.config.output.format if format is None else format
    OutputConfig.check({"format": fmt})
    out = ensure_writable_dir(out_dir)
    names = {k: out / v for k, v in output_names(result, prefix=prefix, format=fmt).items()}
    written: dict[str, Path] = {}
    kind = "county_scores" if result.delineation is None else "county_regions"
    table = result.table
    written[kind] = _csv(table, names[kind], "adcode")
    geo = gpd.GeoDataFrame(result.layer[["geometry"]].join(table), geometry="geometry", crs=result.layer.crs)
    geo = geo[[c for c in geo.columns if c != "geometry"] + ["geometry"]]
    written[f"{kind}_layer"] = write_layer(geo, names[f"{kind}_layer"], integral=True, sort_by="adcode")
    written["score_weights"] = _csv(result.scoring.weights.rename_axis("indicator").reset_index(),
                                    names["score_weights"], None)
    d = result.delineation
    if d is not None:
        written["potential_regions"] = _csv(d.regions, names["potential_regions"], "region_id")
        if result.region_layer is not None:
            written["potential_regions_layer"] = write_layer(result.region_layer, names["potential_regions_layer"],
                                                             integral=True, sort_by="region_id")
        if result.presets is not None:
            written["region_presets"] = _csv(result.presets, names["region_presets"], None)
        for f in _extra_frames(d):
            frame = getattr(d, f)
            frame = frame.reset_index() if frame.index.name and frame.index.name not in frame.columns else frame
            written[f"regions_{f}"] = _csv(frame, names[f"regions_{f}"], None)  # its own (deterministic) order
    if result.tiers is not None:
        written["settlement_tiers"] = _csv(result.tiers, names["settlement_tiers"], "adcode")
        written["settlement_tiers_layer"] = write_layer(result.tiers, names["settlement_tiers_layer"],
                                                        integral=True, sort_by="adcode")
    if reports:
        j = result.joined
        written["census_join_report"] = write_table(j.join_report.to_frame(), out / f"{prefix}census_join_report.csv")
        if j.park_report is not None:
            written["parks_validation_report"] = write_table(j.park_report,
                                                             out / f"{prefix}parks_validation_report.csv")
        if j.park_aggregates is not None:
            agg = j.park_aggregates.reindex(result.layer.index).rename_axis("adcode").reset_index()
            agg = agg.map(lambda v: "、".join(map(str, v)) if isinstance(v, list | tuple) else v)
            written["parks_by_county"] = _csv(agg, out / f"{prefix}parks_by_county.csv", "adcode")
    return written


# --------------------------------------------------------------------------------------------
# a table keyed by adcode, on the county polygons


@dataclass
class TableJoin:
    """Result of :func:`join_to_counties`.

    Attributes
    ----------
    layer
        Every county of the provinces the table covers, with the table's columns (NA where a
        county has no row).
    unmatched_rows
        Rows of the table whose code matches no county (not drawn).
    counties_without_row
        Names of the counties of those provinces that have no row (no data).
    messages
        One line for people per thing left out.
    """

    layer: gpd.GeoDataFrame
    unmatched_rows: pd.DataFrame
    counties_without_row: list[str]
    messages: list[str]


def join_to_counties(
    table: pd.DataFrame,
    *,
    adcode_column: str = "adcode",
    columns: list[str] | None = None,
    source: str = "table",
    counties: gpd.GeoDataFrame | None = None,
) -> TableJoin:
    """Put a table keyed by county code onto the county polygons of the provinces it covers.

    Parameters
    ----------
    table
        A table with a county-code column (6-, 9- or 12-digit codes).
    adcode_column
        Its code column.
    columns
        Columns that must be present (e.g. the one to map).
    source
        The table's name (file) for messages.
    counties
        County layer (default: :func:`geourb.counties.load_counties`).

    Returns
    -------
    TableJoin
        The layer and what was left out (also logged).

    Raises
    ------
    MissingColumnError
        The code column or a named column is absent.
    DuplicateKeyError
        A code is repeated.
    EmptyResultError
        No code matches a county.
    """
    from geourb._validate import normalize_adcode, require_columns, require_unique

    require_columns(table, [adcode_column, *(columns or [])], source=source)
    table = table.assign(adcode=normalize_adcode(table[adcode_column], source=source))
    require_unique(table["adcode"], what=adcode_column, source=source)
    if counties is None:
        from geourb.counties import load_counties

        counties = load_counties()
    values = table.drop(columns=[c for c in table.columns if c in counties.columns and c != "adcode"])
    matched = values["adcode"].isin(counties.index)
    if not matched.any():
        raise EmptyResultError(f"{source}: no {adcode_column} value matches a county adcode; expected "
                               "6-digit codes such as 340102.")
    messages = []
    unmatched = values.loc[~matched]
    if len(unmatched):
        messages.append(f"{source}: {len(unmatched)} of {len(values)} rows match no county (e.g. {adcode_column} "
                        f"{unmatched[adcode_column].astype(str).head(5).tolist()}) and are not drawn")
    provinces = counties.loc[values.loc[matched, "adcode"], "province"].unique()
    area = counties[counties["province"].isin(provinces)]
    gdf = area.reset_index(drop=True).merge(values, on="adcode", how="left")
    gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=counties.crs)
    missing = ~gdf["adcode"].isin(values["adcode"])
    if missing.any():
        messages.append(f"{source}: {int(missing.sum())} of {len(gdf)} counties of {', '.join(provinces)} have no "
                        f"row and are drawn as no data (e.g. {gdf.loc[missing, 'name'].head(5).tolist()})")
    for m in messages:
        logger.info(m)
    return TableJoin(layer=gdf, unmatched_rows=unmatched, counties_without_row=gdf.loc[missing, "name"].tolist(),
                     messages=messages)
