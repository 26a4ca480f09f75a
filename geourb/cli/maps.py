"""``geourb map ...``: write interactive county maps (offline, self-contained HTML by default)."""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geourb.cli._common import out


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``map`` command and its subcommands."""
    parser = subparsers.add_parser("map", help="write interactive HTML maps")
    sub = parser.add_subparsers(dest="map_command", required=True, metavar="SUBCOMMAND")

    counties = sub.add_parser("counties", help="choropleth of a column of the county layer")
    counties.add_argument("--column", default="area_km2",
                          help="numeric column of the county layer (default: area_km2)")
    counties.add_argument("--province", action="append",
                          help="keep this province (repeatable; default: all of China)")
    _common_options(counties)
    counties.set_defaults(func=_counties)

    scores = sub.add_parser(
        "scores",
        help="choropleth of a scores file (GeoParquet/GPKG/GeoJSON, or CSV/XLSX/Parquet "
             "with an adcode column joined to the county layer; counties of the covered "
             "provinces without a row are drawn as no data)",
    )
    scores.add_argument("file", help="the scores file")
    scores.add_argument("--column", required=True, help="numeric column to map")
    scores.add_argument("--adcode-column", default="adcode",
                        help="county code column of a table without geometry (default: adcode)")
    scores.add_argument("--name-column", default=None,
                        help="name column for tooltips (default: name)")
    _common_options(scores)
    scores.set_defaults(func=_scores)


def _common_options(parser: argparse.ArgumentParser) -> None:
    from geourb.maps import SCHEMES

    parser.add_argument("--out", help="output .html (default: <maps_dir>/<name>.html)")
    parser.add_argument("--name", help="map name when --out is not given")
    parser.add_argument("--scheme", default="NaturalBreaks", choices=SCHEMES,
                        help="mapclassify scheme (default: NaturalBreaks)")
    parser.add_argument("-k", "--classes", type=int, default=5, help="number of classes")
    parser.add_argument("--cmap", default="YlOrRd", help="ColorBrewer colours (default: YlOrRd)")
    parser.add_argument("--label", help="legend title (default: the column)")
    parser.add_argument("--unit", help="unit shown in the legend and tooltips")
    parser.add_argument("--title", help="title shown on the map")
    parser.add_argument("--tiles", default=None,
                        help="background tiles: a name (OpenStreetMap) or a URL template of a "
                             "local tile server; default none (works offline)")
    parser.add_argument("--seats", action="store_true", help="also draw county seats")
    parser.add_argument("--simplify-m", type=float, default=None,
                        help="simplification tolerance in metres (default: automatic)")
    parser.add_argument("--online", action="store_true",
                        help="link JavaScript/CSS from CDNs instead of inlining them")


def _write(gdf: gpd.GeoDataFrame, args: argparse.Namespace, *, name_column: str | None,
           default_name: str) -> int:
    from geourb import maps

    layers = [maps.choropleth(
        gdf, args.column, scheme=args.scheme, k=args.classes, cmap=args.cmap, label=args.label,
        unit=args.unit, name_column=name_column, simplify_m=args.simplify_m,
        tooltip_columns={c: lbl for c, lbl in (("prefecture", "地市"), ("province", "省份"))
                         if c in gdf.columns},
    )]
    if args.seats:
        layers.append(maps.seats(gdf))
    m = maps.make_map(*layers, tiles=args.tiles, title=args.title, offline=not args.online)
    path = maps.save_map(m, args.out or args.name or default_name)
    out(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB, {len(gdf)} areas)")
    return 0


def _counties(args: argparse.Namespace) -> int:
    from geourb.counties import load_counties

    gdf = load_counties(province=args.province)
    return _write(gdf, args, name_column="name", default_name=f"counties_{args.column}")


def _scores(args: argparse.Namespace) -> int:
    from geourb._errors import EmptyResultError
    from geourb._io import read_table
    from geourb._log import logger
    from geourb._validate import normalize_adcode, require_columns, require_unique
    from geourb.counties import load_counties

    path = Path(args.file)
    suffix = path.suffix.lower()
    table: pd.DataFrame
    if suffix in {".gpkg", ".geojson", ".json", ".shp", ".fgb"}:
        table = gpd.read_file(path)
    elif suffix in {".parquet", ".geoparquet"}:
        try:
            table = gpd.read_parquet(path)
        except (ValueError, KeyError):  # plain Parquet without geometry metadata
            table = pd.read_parquet(path)
    else:
        table = read_table(path, dtype={args.adcode_column: str})
    source = str(path)
    if not isinstance(table, gpd.GeoDataFrame):
        require_columns(table, [args.adcode_column, args.column], source=source)
        table = table.assign(adcode=normalize_adcode(table[args.adcode_column], source=source))
        require_unique(table["adcode"], what=args.adcode_column, source=source)
        counties = load_counties()
        values = table.drop(columns=[c for c in table.columns
                                     if c in counties.columns and c != "adcode"])
        matched = values["adcode"].isin(counties.index)
        if not matched.any():
            raise EmptyResultError(
                f"{source}: no {args.adcode_column} value matches a county adcode; expected "
                "6-digit codes such as 340102."
            )
        unmatched = values.loc[~matched, args.adcode_column]
        if len(unmatched):
            msg = (f"{source}: {len(unmatched)} of {len(values)} rows match no county "
                   f"(e.g. {args.adcode_column} {unmatched.astype(str).head(5).tolist()}) and "
                   "are not drawn")
            logger.info(msg)
            out(msg)
        # every county of the provinces the table covers stays on the map; missing = no data
        provinces = counties.loc[values.loc[matched, "adcode"], "province"].unique()
        area = counties[counties["province"].isin(provinces)]
        gdf = area.reset_index(drop=True).merge(values, on="adcode", how="left")
        gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=counties.crs)
        missing = ~gdf["adcode"].isin(values["adcode"])
        if missing.any():
            msg = (f"{source}: {int(missing.sum())} of {len(gdf)} counties of "
                   f"{', '.join(provinces)} have no row and are drawn as no data "
                   f"(e.g. {gdf.loc[missing, 'name'].head(5).tolist()})")
            logger.info(msg)
            out(msg)
    else:
        gdf = table
    name_column = args.name_column or ("name" if "name" in gdf.columns else None)
    return _write(gdf, args, name_column=name_column, default_name=f"{path.stem}_{args.column}")
