"""``geourb metro`` (metropolitan delineation) and ``geourb od`` (travel-time matrices)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from geourb.cli._common import out

if TYPE_CHECKING:
    import pandas as pd

    from geourb.network import Network


def _network(args: argparse.Namespace, counties: object) -> Network:
    from geourb.network import Network

    if args.network:
        return Network.load(args.network)
    from geourb.metro import default_network

    net = default_network(counties, speed_kmh=args.approx_kmh, circuity=args.circuity)
    out(f"no --network given: using an APPROXIMATE straight-line network between county seats "
        f"({net.info['speed_kmh']:g} km/h, circuity {net.info['circuity']:g}; set with "
        "--approx-kmh / --circuity)")
    return net


def _approx_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--approx-kmh", type=float, default=None,
                        help="speed of the approximate network without --network (default 80 "
                             "km/h: expressways / first-class highways between county seats)")
    parser.add_argument("--circuity", type=float, default=None,
                        help="road / straight-line distance of the approximate network "
                             "(default 1.25)")


def _wrote(path: Path, what: str) -> None:
    out(f"wrote {path} ({what})")


def _rounded_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Summary for people: km2 and minutes to 0.1, population to whole people."""
    table = table.copy()
    for col in ("minutes", "isochrone_km2", "county_area_km2", "covered_area_km2"):
        if col in table:
            table[col] = table[col].astype(float).round(1)
    for col in ("pop_area_weighted", "pop_raster"):
        if col in table:
            table[col] = table[col].astype(float).round().astype("Int64")
    return table


def _rounded_overlaps(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table["overlap_km2"] = table["overlap_km2"].astype(float).round(1)
    for col in ("share_of_a", "share_of_b"):
        table[col] = table[col].astype(float).round(3)
    return table


_CORE_LISTS = {"capitals": "PROVINCIAL_CAPITALS", "metro-cores": "METRO_CORES"}


def _metro(args: argparse.Namespace) -> int:
    import geopandas as gpd
    import pandas as pd

    from geourb import metro
    from geourb._io import ensure_writable_dir, write_layer, write_table
    from geourb.counties import load_counties

    ensure_writable_dir(Path(args.out).parent)  # before any work
    counties = load_counties()
    names: list[str] = []
    for item in args.core:
        names += list(getattr(metro, _CORE_LISTS[item])) if item in _CORE_LISTS else [item]
    cores = [metro.resolve_city(name, counties) for name in names]
    if args.network or len(cores) > 1:
        area_counties = counties
    else:  # the counties around a single core keep the approximate network small
        area_counties = metro.counties_within(counties, cores[0], radius_km=args.radius_km)
    net = _network(args, area_counties)
    population = None
    if args.population:
        from geourb.stats import join_statistics, read_census_2020

        census = read_census_2020(None if args.population == "census" else args.population)
        joined, report = join_statistics(area_counties, census, columns=["pop_total"])
        s = report.summary()
        out(f"census join: {s['matched_by_code']} by code, {s['layer_units_by_crosswalk']} by crosswalk, "
            f"{s['unmatched_layer_units']} units without population (listed with -v)")
        population = joined["pop_total"]
    areas = metro.delineate_many(net, cores, area_counties, minutes=args.minutes,
                                 population=population, raster=args.raster)
    path = Path(args.out)
    layers = [metro.to_layer(a).assign(core=a.core.name) for a in areas]
    write_layer(gpd.GeoDataFrame(pd.concat(layers, ignore_index=True), crs=layers[0].crs), path,
                layer="counties" if path.suffix == ".gpkg" else None)
    _wrote(path, "selected counties with time_min, area_share, population")
    isos = gpd.GeoDataFrame(pd.concat([a.isochrone.assign(core=a.core.name) for a in areas],
                                      ignore_index=True), crs=areas[0].isochrone.crs)
    iso_path = path.with_name(path.stem + "_isochrone" + path.suffix)
    write_layer(isos, iso_path)
    _wrote(iso_path, f"{args.minutes:g}-minute isochrone per core")
    summary_path = path.with_name(path.stem + "_summary.csv")
    write_table(_rounded_summary(metro.summary_table(areas)), summary_path)
    _wrote(summary_path, "one row per core")
    if len(areas) > 1:
        ov = metro.overlaps(areas)
        ov_path = path.with_name(path.stem + "_overlaps.csv")
        write_table(_rounded_overlaps(ov), ov_path)
        _wrote(ov_path, f"{len(ov)} overlapping pairs of circles")
    for a in areas:
        s = a.summary
        out(f"{s['core']}: {s['n_counties']} counties within {s['minutes']:g} min, isochrone "
            f"{s['isochrone_km2']:,.0f} km2, contiguous={s['contiguous']}"
            f"{' (APPROXIMATE network)' if s['approximate'] else ''}")
    skipped = len(cores) - len(areas)
    if skipped:
        out(f"{skipped} core(s) skipped (outside the network or nothing within reach; see the log)")
    return 0


def _od(args: argparse.Namespace) -> int:
    from geourb._io import ensure_writable_dir, write_table
    from geourb.counties import load_counties
    from geourb.od import commuting_indicators, od_long, od_matrix

    ensure_writable_dir(Path(args.out).parent)
    counties = load_counties(province=args.province, prefecture=args.prefecture)
    net = _network(args, counties)
    od = od_matrix(net, counties, minutes=args.cutoff, parallel=args.parallel)
    od.index.name = "adcode"
    od.columns.name = "adcode"
    path = Path(args.out)
    flag = ", APPROXIMATE network" if net.approximate else ""
    if args.format == "long":
        write_table(od_long(od, names=counties["name"], key="adcode"), path, float_format="%.2f")
        _wrote(path, f"{od.size:,} origin-destination pairs with names, minutes{flag}")
    else:
        write_table(od, path, index=True, float_format="%.2f")
        _wrote(path, f"{od.shape[0]} x {od.shape[1]} minutes, rows = origins, columns = "
                     f"destinations{flag}")
        names_path = path.with_name(path.stem + "_names.csv")
        cols = [c for c in ("name", "prefecture", "province") if c in counties.columns]
        write_table(counties[cols].rename_axis("adcode"), names_path, index=True)
        _wrote(names_path, "county names of the matrix adcodes")
    core = None
    if args.core:
        from geourb.metro import resolve_city

        core = resolve_city(args.core, counties).county_adcode
    ind = commuting_indicators(od, core=core, threshold_min=args.threshold)
    ind["network"] = net.name
    if core is not None:
        ind["core_adcode"] = core
    table = (ind.map(lambda v: round(v, 4) if isinstance(v, float) else v)
             .rename("value").rename_axis("indicator").reset_index())
    ind_path = path.with_name(path.stem + "_indicators.csv")
    write_table(table, ind_path)
    for key, val in ind.items():
        out(f"{key}: {round(val, 3) if isinstance(val, float) else val}")
    _wrote(ind_path, "commuting indicators")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``metro`` and ``od``."""
    p = subparsers.add_parser("metro", help="delineate a metropolitan area (N-minute circle)")
    p.add_argument("--core", required=True, nargs="+",
                   help="one or more cities (武汉, Wuhan, 420100), or 'capitals' (all provincial "
                        "capitals) or 'metro-cores' (cores of the approved metropolitan areas)")
    p.add_argument("--minutes", type=float, default=60.0)
    p.add_argument("--network", help="network cache (.npz from Network.save); default: "
                                     "approximate straight-line network between county seats")
    p.add_argument("--radius-km", type=float, default=250.0,
                   help="counties considered around the core without --network")
    p.add_argument("--raster", help="population raster (counts per cell) for zonal sums")
    p.add_argument("--population", help="census 2020 county table (XLSX, or 'census' for the registered "
                        "source) for area-weighted population")
    _approx_options(p)
    p.add_argument("--out", required=True,
                   help="output layer, e.g. data/processed/metro.gpkg; also writes "
                        "<out>_isochrone.<ext>, <out>_summary.csv and, with several cores, "
                        "<out>_overlaps.csv")
    p.set_defaults(func=_metro)

    q = subparsers.add_parser("od", help="county-seat travel-time matrix (minutes)")
    q.add_argument("--province", help="province (湖北, Hubei, 42)")
    q.add_argument("--prefecture", help="prefecture name or adcode")
    q.add_argument("--network", help="network cache (.npz); default: approximate")
    q.add_argument("--cutoff", type=float, default=None, help="search bound in minutes")
    q.add_argument("--core", help="core city (武汉, Wuhan, 420100 or a county adcode) for the mean time to it")
    q.add_argument("--threshold", type=float, default=60.0, help="commuting limit in minutes")
    q.add_argument("--parallel", action="store_true", help="run the OD batches on worker processes (shared memory)")
    _approx_options(q)
    q.add_argument("--format", choices=["matrix", "long"], default="matrix",
                   help="matrix: rows = origin adcodes, columns = destination adcodes, plus "
                        "<out>_names.csv; long: one row per pair with origin/destination "
                        "adcode and name")
    q.add_argument("--out", required=True,
                   help="output table (.csv or .parquet); also writes <out>_indicators.csv")
    q.set_defaults(func=_od)
