"""The pipeline: :func:`potential_regions` and :func:`write_outputs`."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from geourb._io import FLOAT_FORMAT, ensure_writable_dir, write_layer, write_table
from geourb.workflows.cache import JoinedCounties, joined_counties
from geourb.workflows.config import InputConfig, OutputConfig, PipelineConfig, check_prefix, load_config

if TYPE_CHECKING:
    from geourb.regions import Delineation
    from geourb.scoring import ScoreResult
    from geourb.stats import JoinReport

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
    from geourb.stats import national_urbanization_rate
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
    scoring = score_counties(ind, config=cfg.scoring)
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
