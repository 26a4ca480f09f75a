"""``geourb score`` and ``geourb regions``: batch potential-region scoring and delineation.

The config file (TOML) has the tables ``[input]``, ``[scoring]`` (:class:`geourb.scoring.ScoringConfig`),
``[regions]`` (:class:`geourb.regions.RegionConfig`) and ``[output]``; unknown keys are refused.

``[input]`` keys: ``census`` (path; default the registered 2020 census), ``target_rate``,
``national_rate``, ``parks`` (a park file or ``"development_zones_2018"``, the built-in
catalogue: adds the ``park_*`` indicators) and ``network`` (a saved network ``.npz`` or
``"approximate"``, the straight-line seat network: adds ``access_min``, network minutes to
the nearest prefecture seat). Name the added indicators in ``[scoring] indicators`` to score
them.

Outputs (``prefix`` first), in ``--out-dir``:

- ``geourb score``: ``county_scores.csv`` + ``county_scores.<format>`` (layer),
  ``score_weights.csv``, ``settlement_tiers.csv`` + ``settlement_tiers.<format>``
  (prefecture polygons, for a tier map);
- ``geourb regions``: ``county_regions.csv`` + ``county_regions.<format>``,
  ``potential_regions.csv`` + ``potential_regions.<format>`` (one dissolved polygon per
  region: region_id, name, name_en, n_counties, pop_total, urbanization_rate ...),
  ``region_presets.csv``, ``score_weights.csv``.

CSV outputs are sorted by adcode (regions by id), integral columns (counts, ranks,
populations) are written as integers and the others with ``%.6f``, so the same input gives
byte-identical files.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geourb._errors import UnknownNameError, suggest
from geourb.cli._common import out, read_config

_TABLES = {"input": {"census", "target_rate", "national_rate", "parks", "network"}, "scoring": None,
           "regions": None,
           "output": {"format", "prefix"}}
FLOAT_FORMAT = "%.6f"


def _check_config(cfg: dict[str, Any], path: str) -> None:
    for table, values in cfg.items():
        if table not in _TABLES:
            raise UnknownNameError(f"{path}: unknown table [{table}]; known: {', '.join(_TABLES)}."
                                   + suggest(table, _TABLES))
        allowed = _TABLES[table]
        if allowed is not None:
            for key in values:
                if key not in allowed:
                    raise UnknownNameError(f"{path}: unknown key {key!r} in [{table}]; known: "
                                           f"{', '.join(sorted(allowed))}." + suggest(key, allowed))


def integral_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Float columns whose non-missing values are all whole numbers, as ``Int64`` (NA kept).

    Counts, ranks and populations computed as floats are then written ``708829``, not
    ``708829.000000``; real fractions keep their float format. Columns with no value are
    left alone.
    """
    out = df.copy()
    for col in out.columns:
        if col == "geometry" or not pd.api.types.is_float_dtype(out[col]):
            continue
        x = out[col].to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(x)
        if ok.any() and not np.isinf(x).any() and (x[ok] == np.round(x[ok])).all() and (np.abs(x[ok]) < 2**53).all():
            ints = pd.Series(np.where(ok, x, 0).astype(np.int64), index=out.index, dtype="Int64")
            out[col] = ints.mask(~ok)
    return out


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    from geourb._io import write_table

    write_table(integral_columns(df), path, float_format=FLOAT_FORMAT)


def _park_aggregates(value: str, counties: Any, layer: Any) -> pd.DataFrame:
    from geourb.parks import aggregate_by_county, read_parks, validate_parks

    source = None if value == "development_zones_2018" else value
    parks, _ = validate_parks(read_parks(source), counties)
    agg = aggregate_by_county(parks, counties, population=layer["pop_total"])
    return agg.reindex(layer.index)


def _network_access(value: str, layer: Any) -> pd.Series:
    from geourb.indicators import network_access_min
    from geourb.network import Network
    from geourb.roads import approximate_network

    if value != "approximate" and not value.endswith(".npz"):
        raise UnknownNameError(f"[input] network must be 'approximate' or a saved network file (.npz, "
                               f"geourb.network.Network.save), got {value!r}." + suggest(value, ["approximate"]))
    net = approximate_network(layer) if value == "approximate" else Network.load(value)
    return network_access_min(net, layer)


def _run(args: argparse.Namespace, *, delineate: bool) -> int:
    from geourb._io import write_layer
    from geourb.counties import filter_layer, load_counties
    from geourb.indicators import county_indicators, national_urbanization_rate
    from geourb.regions import RegionConfig, compare_to_presets, delineate_regions, region_polygons
    from geourb.scoring import ScoringConfig, score_counties
    from geourb.stats import join_statistics, read_census_2020

    cfg = read_config(args.config)
    _check_config(cfg, args.config)
    inp, outcfg = cfg.get("input", {}), cfg.get("output", {})
    scoring = ScoringConfig.from_dict(cfg.get("scoring", {}))
    regions = RegionConfig.from_dict(cfg.get("regions", {}))
    fmt = outcfg.get("format", "gpkg")
    if fmt not in ("gpkg", "parquet"):
        raise UnknownNameError(f"[output] format must be 'gpkg' or 'parquet', got {fmt!r}.")
    prefix = str(outcfg.get("prefix", ""))
    out_dir = Path(args.out_dir)

    census = read_census_2020(inp.get("census"))
    counties = load_counties()
    full, report = join_statistics(counties, census)
    national = inp.get("national_rate") or national_urbanization_rate(full)
    # parks and network access on the whole country (nearest seat across province borders)
    parks = _park_aggregates(str(inp["parks"]), counties, full) if inp.get("parks") else None
    access = _network_access(str(inp["network"]), full) if inp.get("network") else None
    layer = filter_layer(full, province=args.province) if args.province else full
    layer = layer.sort_index()
    ind = county_indicators(layer, national_rate=national, target_rate=inp.get("target_rate", 0.70),
                            parks=None if parks is None else parks.reindex(layer.index),
                            access_min=None if access is None else access.reindex(layer.index))
    written = []
    result = score_counties(ind, scoring)
    table = layer[["adcode", "name", "prefecture", "province"]].join(ind).join(result.table)
    kind = "county_regions" if delineate else "county_scores"
    if delineate:
        if regions.max_rate == "national":
            regions = RegionConfig.from_dict({**regions.as_dict(), "max_rate": national})
        d = delineate_regions(layer, result.table, config=regions)
        table = table.join(d.counties.drop(columns=["candidate"]).rename(columns={"status": "region_status"}))
        table["candidate"] = d.counties["candidate"]
        summary = d.regions.sort_values("region_id")
        p = out_dir / f"{prefix}potential_regions.csv"
        _write_csv(summary, p)
        written.append(p)
        polys = region_polygons(layer, d)
        p = out_dir / f"{prefix}potential_regions.{fmt}"
        write_layer(integral_columns(polys), p)
        written.append(p)
        p = out_dir / f"{prefix}region_presets.csv"
        _write_csv(compare_to_presets(d, layer), p)
        written.append(p)
    p = out_dir / f"{prefix}{kind}.csv"
    _write_csv(table.sort_values("adcode"), p)
    written.append(p)
    p = out_dir / f"{prefix}score_weights.csv"
    _write_csv(result.weights.rename_axis("indicator").reset_index(), p)
    written.append(p)
    if not delineate:
        from geourb.settlement import settlement_tiers

        # the configured [input] census at every level the tiers need (not the default file)
        tiers, _ = settlement_tiers(
            census_county=census,
            census_prefecture=read_census_2020(inp.get("census"), level="prefecture"),
            census_province=read_census_2020(inp.get("census"), level="province"),
        )
        if args.province:
            from geourb.counties import resolve_provinces

            tiers = tiers[tiers["adcode"].str[:2].isin(resolve_provinces(args.province))]
        tiers = tiers.sort_values("adcode")
        p = out_dir / f"{prefix}settlement_tiers.csv"
        _write_csv(tiers, p)
        written.append(p)
        p = out_dir / f"{prefix}settlement_tiers.{fmt}"
        write_layer(integral_columns(tiers), p)
        written.append(p)
    geo = layer[["adcode", "geometry"]].join(table.drop(columns=["adcode"]))
    p = out_dir / f"{prefix}{kind}.{fmt}"
    write_layer(integral_columns(geo), p)
    written.append(p)
    out(f"{len(table)} counties scored ({int(table['score'].notna().sum())} with complete data); "
        f"join: {report.summary()['matched_by_code']} by code")
    if delineate:
        out(f"{len(d.regions)} regions: " + ", ".join(d.regions["region_name"].head(10)))
    for p in written:
        out(f"wrote {p}")
    return 0


def _score(args: argparse.Namespace) -> int:
    return _run(args, delineate=False)


def _regions(args: argparse.Namespace) -> int:
    return _run(args, delineate=True)


def register(subparsers: Any) -> None:
    """Add ``geourb score`` and ``geourb regions``."""
    for name, func, text in (
        ("score", _score, "score every county (indicators, weights, classes, sensitivity) + settlement tiers"),
        ("regions", _regions, "score and delineate contiguous potential regions, with names and presets"),
    ):
        p = subparsers.add_parser(name, help=text, description=text)
        p.add_argument("--config", required=True, help="TOML config (see configs/score_default.toml)")
        p.add_argument("--province", help="only this province (安徽, 皖, Anhui or 34)")
        p.add_argument("--out-dir", default="data/processed", help="output folder (default data/processed)")
        p.set_defaults(func=func)
