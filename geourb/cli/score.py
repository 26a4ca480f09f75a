"""``geourb score`` and ``geourb regions``: batch potential-region scoring and delineation.

The config file (TOML) has the tables ``[input]``, ``[scoring]`` (:class:`geourb.scoring.ScoringConfig`),
``[regions]`` (:class:`geourb.regions.RegionConfig`) and ``[output]``; unknown keys are refused.
CSV outputs are sorted by adcode with fixed float formatting, so the same input gives
byte-identical files.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from geourb._errors import UnknownNameError, suggest
from geourb.cli._common import out, read_config

_TABLES = {"input": {"census", "target_rate", "national_rate"}, "scoring": None, "regions": None,
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


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    from geourb._io import write_table

    write_table(df, path, float_format=FLOAT_FORMAT)


def _run(args: argparse.Namespace, *, delineate: bool) -> int:
    from geourb._io import write_layer
    from geourb.counties import filter_layer, load_counties
    from geourb.indicators import county_indicators, national_urbanization_rate
    from geourb.regions import RegionConfig, compare_to_presets, delineate_regions
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
    layer, report = join_statistics(load_counties(), census)
    national = inp.get("national_rate") or national_urbanization_rate(layer)
    if args.province:
        layer = filter_layer(layer, province=args.province)
    layer = layer.sort_index()
    ind = county_indicators(layer, national_rate=national, target_rate=inp.get("target_rate", 0.70))
    written = []
    result = score_counties(ind, scoring)
    table = layer[["adcode", "name", "prefecture", "province"]].join(ind).join(result.table)
    if delineate:
        if regions.max_rate == "national":
            regions = RegionConfig.from_dict({**regions.as_dict(), "max_rate": national})
        d = delineate_regions(layer, result.table, config=regions)
        table = table.join(d.counties.drop(columns=["candidate"]).rename(columns={"status": "region_status"}))
        table["candidate"] = d.counties["candidate"]
        p = out_dir / f"{prefix}regions.csv"
        _write_csv(d.regions.sort_values("region_id"), p)
        written.append(p)
        p = out_dir / f"{prefix}region_presets.csv"
        _write_csv(compare_to_presets(d, layer), p)
        written.append(p)
    p = out_dir / f"{prefix}county_scores.csv"
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
        p = out_dir / f"{prefix}settlement_tiers.csv"
        _write_csv(tiers.sort_values("adcode"), p)
        written.append(p)
    geo = layer[["adcode", "geometry"]].join(table.drop(columns=["adcode"]))
    p = out_dir / f"{prefix}{'regions' if delineate else 'county_scores'}.{fmt}"
    write_layer(geo, p)
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
