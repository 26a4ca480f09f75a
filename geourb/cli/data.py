"""``geourb data list|fetch`` and ``geourb counties``: the input layers."""

from __future__ import annotations

import argparse
from pathlib import Path

from geourb.cli._common import out


def _data_list(args: argparse.Namespace) -> int:
    from geourb.sources import list_sources

    for row in list_sources().itertuples():
        where = row.local_path or f"not local (geourb data fetch {row.name})"
        out(f"{row.name}\n  {row.title}\n  licence: {row.licence}\n  url: {row.url}\n"
            f"  sha256: {row.sha256}\n  local: {where}")
    return 0


def _data_fetch(args: argparse.Namespace) -> int:
    from geourb.sources import fetch

    for name in args.names:
        out(f"{name}: {fetch(name)}")
    return 0


def _mapping(args: argparse.Namespace) -> dict[str, str]:
    """Column mapping from ``--map KEY=COLUMN`` options and/or a TOML ``[statistics.mapping]``."""
    from geourb._errors import SettingsError
    from geourb.cli._common import read_config

    mapping: dict[str, str] = {}
    if args.config:
        mapping.update(read_config(args.config).get("statistics", {}).get("mapping", {}))
    for item in args.map or []:
        key, sep, column = item.partition("=")
        if not sep or not key or not column:
            raise SettingsError(f"--map takes KEY=COLUMN (e.g. adcode=区划代码), got {item!r}.")
        mapping[key.strip()] = column.strip()
    if "adcode" not in mapping and "name" not in mapping:
        raise SettingsError("--table needs a column mapping with adcode (or name), e.g. --map adcode=代码 "
                            "pop_total=常住人口, or [statistics.mapping] in --config.")
    return mapping


def _counties(args: argparse.Namespace) -> int:
    from geourb._io import ensure_writable_dir, write_layer, write_table
    from geourb.counties import load_counties
    from geourb.stats import join_statistics, read_census_2020, read_statistics

    for target in (args.out, args.report):
        if target:
            ensure_writable_dir(Path(target).parent)
    layer = load_counties(province=args.province, prefecture=args.prefecture, refresh=args.refresh)
    tables = []
    if args.census:
        tables.append(read_census_2020(None if args.census == "default" else args.census))
    if args.table:
        tables.append(read_statistics(args.table, mapping=_mapping(args), sheet=args.sheet,
                                      encoding=args.encoding, header_row=getattr(args, "header_row", None),
                                      units=getattr(args, "units", None)))
    for table in tables:
        layer, report = join_statistics(layer, table, vintage=getattr(args, "vintage", None))
        out(str(report))
        if args.report:
            write_table(report.to_frame(), args.report)
    if args.out:
        path = Path(args.out)
        if path.suffix.lower() == ".csv":
            write_table(layer, path)
        else:
            write_layer(layer, path)
        out(f"wrote {path} ({len(layer)} counties)")
    else:
        out(f"{len(layer)} counties; columns: {', '.join(layer.columns)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``data`` and ``counties`` commands."""
    data = sub.add_parser("data", help="registered public data sources")
    dsub = data.add_subparsers(dest="data_command", required=True)
    p = dsub.add_parser("list", help="list registered sources and where they are found")
    p.set_defaults(func=_data_list)
    p = dsub.add_parser("fetch", help="fetch sources into data/raw (mirror first, checksum verified)")
    p.add_argument("names", nargs="+", help="source names, see `geourb data list`")
    p.set_defaults(func=_data_fetch)

    p = sub.add_parser("counties", help="build/export the all-China county layer, optionally with census")
    p.add_argument("--province", nargs="+", help="province names (安徽, Anhui, 34)")
    p.add_argument("--prefecture", nargs="+", help="prefecture names or adcodes")
    p.add_argument("--census", nargs="?", const="default",
                   help="join the 2020 census (registered source, or a path)")
    p.add_argument("--table", help="your own county statistics table (CSV in UTF-8/GBK, or XLSX)")
    p.add_argument("--map", nargs="+", metavar="KEY=COLUMN",
                   help="column mapping for --table, e.g. adcode=代码 pop_total=常住人口")
    p.add_argument("--config", help="TOML file with a [statistics.mapping] table for --table")
    p.add_argument("--sheet", help="sheet name for XLSX tables")
    p.add_argument("--encoding", help="force the text encoding of --table (default: detected)")
    p.add_argument("--header-row", type=int, help="row number (1 = first) of --table's header (default: detected)")
    p.add_argument("--units", help="unit of --table's counts, e.g. 万人 (default: from the header or title)")
    p.add_argument("--vintage", type=int, help="year of --table's codes, e.g. 2010 (default: detected)")
    p.add_argument("--report", help="write the join report (CSV)")
    p.add_argument("--out", help="output .gpkg/.parquet/.geojson/.csv")
    p.add_argument("--refresh", action="store_true", help="rebuild the cached layer")
    p.set_defaults(func=_counties)
