"""``geourb parks validate|aggregate``: check a park catalogue against counties, sum it per county."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from geourb.cli._common import out


def _add_input(p: argparse.ArgumentParser) -> None:
    p.add_argument("--file", default=None,
                   help="park table or layer (default: the 2018 development-zone catalogue)")
    p.add_argument("--format", choices=["catalogue_2018", "table", "layer"], default=None,
                   help="input format (default: from the file)")
    p.add_argument("--lon", default=None, help="longitude column of a table")
    p.add_argument("--lat", default=None, help="latitude column of a table")
    p.add_argument("--coord-system", default="wgs84", help="wgs84, gcj02 or bd09 (default wgs84)")
    p.add_argument("--on-duplicate", choices=["error", "keep_first", "suffix"], default=None,
                   help="repeated park codes (default: suffix for the catalogue, error otherwise)")


def _load(args: argparse.Namespace):
    from geourb.counties import load_counties
    from geourb.parks import read_parks, validate_parks

    parks = read_parks(args.file, format=args.format, lon=args.lon, lat=args.lat,
                       coord_system=args.coord_system, on_duplicate=args.on_duplicate)
    counties = load_counties()
    checked, report = validate_parks(parks, counties)
    return checked, report, counties


def _print_report(report: pd.DataFrame) -> None:
    out(f"{'flag':<32}{'count':>7}  examples")
    for row in report.itertuples(index=False):
        out(f"{row.flag:<32}{row.count:>7}  {row.examples[:80]}")


def _flat(parks) -> pd.DataFrame:
    """Return a CSV-friendly copy: lon/lat columns, industries joined with 、, no geometry."""
    pts = parks.geometry.representative_point()
    flat = pd.DataFrame(parks.drop(columns=parks.geometry.name))
    flat.insert(2, "lon", pts.x.round(6).to_numpy())
    flat.insert(3, "lat", pts.y.round(6).to_numpy())
    flat["industries"] = flat["industries"].map("、".join)
    return flat


def _validate(args: argparse.Namespace) -> int:
    from geourb._io import ensure_writable_dir, write_layer, write_table

    ensure_writable_dir(Path(args.out).parent)
    checked, report, _ = _load(args)
    path = Path(args.out)
    if path.suffix.lower() in {".gpkg", ".geojson", ".fgb", ".parquet"}:
        layer = checked.copy()
        layer["industries"] = layer["industries"].map("、".join)
        write_layer(layer, path)
    else:
        write_table(_flat(checked), path)
    report_path = Path(args.report_out) if args.report_out else path.with_name(path.stem + "_report.csv")
    write_table(report, report_path)
    _print_report(report)
    out(f"wrote {path} ({len(checked)} parks) and {report_path}")
    return 0


def _aggregate(args: argparse.Namespace) -> int:
    from geourb._io import ensure_writable_dir, write_table
    from geourb.parks import aggregate_by_county

    ensure_writable_dir(Path(args.out).parent)
    checked, report, counties = _load(args)
    table = aggregate_by_county(checked, counties, reliable_only=args.reliable_only)
    table.insert(0, "name", counties["name"])
    table.insert(1, "prefecture", counties["prefecture"])
    table.insert(2, "province", counties["province"])
    write_table(table.rename_axis("adcode"), args.out, index=True)
    _print_report(report)
    out(f"wrote {args.out}: {int((table['n_parks'] > 0).sum())} counties with "
        f"{int(table['n_parks'].sum())} parks" + (" (reliable locations only)" if args.reliable_only else ""))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``geourb parks validate`` and ``geourb parks aggregate``."""
    parks = subparsers.add_parser("parks", help="industrial parks: validate, aggregate per county")
    sub = parks.add_subparsers(dest="parks_command", required=True, metavar="SUBCOMMAND")

    val = sub.add_parser("validate", help="locate parks in counties and flag doubtful points")
    _add_input(val)
    val.add_argument("--out", default="data/processed/parks_validation.csv",
                     help="parks with flags (.csv, .parquet, .xlsx, or .gpkg/.geojson for a layer)")
    val.add_argument("--report-out", default=None,
                     help="flag report table (default: <out>_report.csv beside --out)")
    val.set_defaults(func=_validate)

    agg = sub.add_parser("aggregate", help="per-county park counts, areas and industries")
    _add_input(agg)
    agg.add_argument("--out", default="data/processed/parks_by_county.csv", help="output table")
    agg.add_argument("--reliable-only", action="store_true",
                     help="count only parks whose location is not flagged")
    agg.set_defaults(func=_aggregate)
