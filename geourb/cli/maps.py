"""``geourb map ...``: write interactive county maps (offline, self-contained HTML by default)."""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geourb.cli._common import out
from geourb.maps.dispatch import LAYER_KINDS
from geourb.maps.dispatch import NAME_CANDIDATES as _NAME_CANDIDATES


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

    layer = sub.add_parser(
        "layer",
        help="map any layer a geourb command wrote (GPKG/GeoParquet/GeoJSON): region or "
             "county polygons, settlement tiers, metro isochrones (band_min), park points",
    )
    layer.add_argument("file", help="the layer file (.gpkg, .parquet, .geojson, .shp, .fgb)")
    layer.add_argument("--layer", dest="layer_name", default=None,
                       help="layer of a multi-layer GeoPackage (default: the first)")
    layer.add_argument("--kind", choices=LAYER_KINDS, default=None,
                       help="how to draw it; default: isochrones with a band_min column, points "
                            "for point layers, choropleth with --column, else outlines")
    layer.add_argument("--column", default=None,
                       help="numeric column for a choropleth (e.g. score, time_min, "
                            "pop_cityzone)")
    layer.add_argument("--name-column", default=None,
                       help="name for labels and tooltips (default: the first of "
                            f"{', '.join(_NAME_CANDIDATES)} present)")
    _common_options(layer)
    layer.set_defaults(func=_layer)


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
    parser.add_argument("--tiles", default="context",
                        help="basemap: context (default, offline: province/prefecture "
                             "boundaries and seats), tianditu, tianditu-imagery (key in "
                             "$GEOURB_TIANDITU_KEY), amap, amap-satellite (GCJ-02: layers are "
                             "shifted), osm, carto, none, or a {z}/{x}/{y} URL template")
    parser.add_argument("--tiles-crs", choices=("wgs84", "gcj02"), default=None,
                        help="coordinate system of a URL template's tiles (default wgs84)")
    parser.add_argument("--png", help="also write a static figure as PNG (300 dpi)")
    parser.add_argument("--svg", help="also write a static figure as SVG")
    parser.add_argument("--seats", action="store_true", help="also draw county seats")
    parser.add_argument("--tolerance-m", "--simplify-m", dest="tolerance_m", type=float, default=None,
                        help="simplification tolerance in metres (default: automatic)")
    parser.add_argument("--online", action="store_true",
                        help="link JavaScript/CSS from CDNs instead of inlining them")


def _write(gdf: gpd.GeoDataFrame, args: argparse.Namespace, *, name_column: str | None,
           default_name: str) -> int:
    from geourb import maps

    layers = [maps.choropleth(
        gdf, args.column, scheme=args.scheme, k=args.classes, cmap=args.cmap, label=args.label,
        unit=args.unit, name_column=name_column, tolerance_m=args.tolerance_m,
        tooltip_columns={c: lbl for c, lbl in (("prefecture", "地市"), ("province", "省份"))
                         if c in gdf.columns},
    )]
    if args.seats:
        layers.append(maps.seats(gdf))
    m = maps.make_map(*layers, tiles=args.tiles, tiles_crs=args.tiles_crs, title=args.title,
                      offline=not args.online)
    path = maps.save_map(m, args.out or args.name or default_name)
    out(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB, {len(gdf)} areas)")
    _static(args, "choropleth", gdf, name_column=name_column)
    return 0


def _static(args: argparse.Namespace, kind: str, gdf: gpd.GeoDataFrame, *,
            name_column: str | None) -> None:
    """Write the --png / --svg figure of a map, if asked."""
    targets = [p for p in (args.png, args.svg) if p]
    if not targets:
        return
    from geourb import figures
    from geourb._errors import InvalidValueError

    for flag, target in (("--png", args.png), ("--svg", args.svg)):
        if target and not target.lower().endswith(flag[2:]):
            raise InvalidValueError(f"{flag} {target!r}: the file name must end in .{flag[2:]}.")
    if kind == "choropleth":
        fig = figures.choropleth_figure(gdf, args.column, label=args.label, unit=args.unit,
                                        scheme=args.scheme, k=args.classes, title=args.title)
    elif kind == "isochrones":
        fig = figures.isochrone_figure(gdf, unit=args.unit or "分钟", title=args.title)
    elif kind == "outlines":
        fig = figures.regions_figure(gdf, name_column=name_column or "name", title=args.title,
                                     rank_column="rank" if "rank" in gdf.columns else None)
    else:
        raise InvalidValueError(f"--png/--svg draw polygon layers; a {kind} layer has no static "
                                "figure yet (draw the regions or counties around it instead).")
    for target in targets:
        path = figures.save_figure(fig, target)
        out(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")


def _check_tiles(args: argparse.Namespace) -> None:
    """Refuse an unknown --tiles (or Tianditu without a key) before any data loads."""
    from geourb.maps import resolve_tiles

    resolve_tiles(args.tiles, tiles_crs=args.tiles_crs)


def _counties(args: argparse.Namespace) -> int:
    from geourb.counties import load_counties

    _check_tiles(args)
    gdf = load_counties(province=args.province)
    if args.column not in gdf.columns:
        from geourb._errors import MissingColumnError, suggest

        numeric = [str(c) for c in gdf.select_dtypes("number").columns]
        raise MissingColumnError(
            f"The county layer has no column {args.column!r}; its numeric columns are "
            f"{', '.join(numeric)}. To map your own values, join them by county code with "
            f"'geourb map scores FILE --column {args.column}' (FILE: a CSV/XLSX with an adcode "
            "column)." + suggest(args.column, numeric)
        )
    return _write(gdf, args, name_column="name", default_name=f"counties_{args.column}")


def _scores(args: argparse.Namespace) -> int:
    from geourb._io import read_layer, read_table
    from geourb.workflows import join_to_counties

    _check_tiles(args)
    path = Path(args.file)
    suffix = path.suffix.lower()
    table: pd.DataFrame
    if suffix in {".gpkg", ".geojson", ".json", ".shp", ".fgb"}:
        table = read_layer(path)
    elif suffix in {".parquet", ".geoparquet"}:
        try:
            table = gpd.read_parquet(path)
        except (ValueError, KeyError):  # plain Parquet without geometry metadata
            table = read_table(path)
    else:
        table = read_table(path, dtype={args.adcode_column: "str"})
    if not isinstance(table, gpd.GeoDataFrame):
        joined = join_to_counties(table, adcode_column=args.adcode_column, columns=[args.column], source=str(path))
        for msg in joined.messages:
            out(msg)
        gdf = joined.layer
    else:
        gdf = table
    name_column = args.name_column or ("name" if "name" in gdf.columns else None)
    return _write(gdf, args, name_column=name_column, default_name=f"{path.stem}_{args.column}")


def _read_layer(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    from geourb._errors import DataFileNotFoundError, InvalidValueError

    if not path.exists():
        raise DataFileNotFoundError(f"Layer file {path} does not exist.")
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".geoparquet"}:
        if layer is not None:
            raise InvalidValueError(f"{path} is GeoParquet: it has one layer; drop --layer.")
        try:
            return gpd.read_parquet(path)
        except (ValueError, KeyError) as exc:  # plain Parquet without geometry metadata
            raise InvalidValueError(
                f"{path} has no geometry (plain Parquet); for a table keyed by adcode use "
                f"'geourb map scores {path} --column ...'."
            ) from exc
    if suffix in {".csv", ".xlsx", ".xls"}:
        raise InvalidValueError(
            f"{path} is a table without geometry; use 'geourb map scores {path} --column ...' "
            "to join it to the county layer by adcode."
        )
    from geourb._io import read_layer

    return read_layer(path, layer=layer)


def _layer(args: argparse.Namespace) -> int:
    from geourb import maps
    from geourb._errors import InvalidValueError

    _check_tiles(args)
    path = Path(args.file)
    gdf = _read_layer(path, args.layer_name)
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    source = f"{path}" + (f":{args.layer_name}" if args.layer_name else "")
    if gdf.empty:
        raise InvalidValueError(f"{source} has no features with a geometry: nothing to map.")
    name_column = args.name_column
    kind = args.kind or maps.layer_kind(gdf, column=args.column, source=source)
    if kind == "choropleth" and not args.column:
        raise InvalidValueError(f"--kind choropleth needs --column (a numeric column of "
                                f"{source}: {', '.join(map(str, gdf.columns[:12]))} ...).")
    drawn = maps.draw_layer(gdf, kind=kind, column=args.column, name_column=name_column,
                            label=args.label or (None if kind == "choropleth" else path.stem),
                            unit=args.unit, scheme=args.scheme, k=args.classes, cmap=args.cmap,
                            tolerance_m=args.tolerance_m, source=source)
    layers = [drawn]
    if args.seats:
        if {"seat_lon", "seat_lat", "name"} <= set(gdf.columns):
            layers.append(maps.seats(gdf))
        else:
            out(f"--seats ignored: {source} has no seat_lon/seat_lat/name columns")
    m = maps.make_map(*layers, tiles=args.tiles, tiles_crs=args.tiles_crs, title=args.title,
                      offline=not args.online)
    default = f"{path.stem}_{args.column}" if kind == "choropleth" else f"{path.stem}_{kind}"
    out_path = maps.save_map(m, args.out or args.name or default)
    out(f"wrote {out_path} ({out_path.stat().st_size / 1e6:.2f} MB, {len(gdf)} {kind} "
        "features)")
    fig_names = (name_column or next((c for c in _NAME_CANDIDATES if c in gdf.columns), None))
    _static(args, kind, gdf, name_column=fig_names)
    return 0
