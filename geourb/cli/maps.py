"""``geourb map ...``: write interactive county maps (offline, self-contained HTML by default)."""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geourb.cli._common import out

LAYER_KINDS = ("choropleth", "outlines", "isochrones", "points")
_NAME_CANDIDATES = ("name", "region_name", "core", "开发区名称", "adcode")


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
    from geourb._io import read_layer, read_table
    from geourb.workflows import join_to_counties

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


def _overlapping(gdf: gpd.GeoDataFrame) -> bool:
    """Whether some polygons overlap (then the coverage simplification would damage them)."""
    import shapely

    geoms = gdf.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    for predicate in ("overlaps", "contains"):
        left, right = tree.query(geoms, predicate=predicate)
        if (left != right).any():
            return True
    return False


def _layer(args: argparse.Namespace) -> int:
    from geourb import maps
    from geourb._errors import InvalidValueError, UnknownNameError, suggest

    path = Path(args.file)
    gdf = _read_layer(path, args.layer_name)
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    source = f"{path}" + (f":{args.layer_name}" if args.layer_name else "")
    if gdf.empty:
        raise InvalidValueError(f"{source} has no features with a geometry: nothing to map.")
    types = set(gdf.geom_type.astype(str))
    points = types <= {"Point", "MultiPoint"}
    polygons = types <= {"Polygon", "MultiPolygon"}
    kind = args.kind or ("isochrones" if "band_min" in gdf.columns else "points" if points
                         else "choropleth" if args.column else "outlines")
    if kind in {"choropleth", "outlines", "isochrones"} and not polygons:
        raise InvalidValueError(
            f"{source} holds {', '.join(sorted(types))} geometries; --kind {kind} needs "
            "polygons (use --kind points for point layers)."
        )
    name_column = args.name_column or next((c for c in _NAME_CANDIDATES if c in gdf.columns),
                                           None)
    if name_column is not None and name_column not in gdf.columns:
        raise UnknownNameError(f"{source} has no column {name_column!r} for --name-column."
                               + suggest(name_column, list(map(str, gdf.columns))))
    layer_title = args.label or path.stem
    if kind == "choropleth":
        if not args.column:
            raise InvalidValueError(f"--kind choropleth needs --column (a numeric column of "
                                    f"{source}: {', '.join(map(str, gdf.columns[:12]))} ...).")
        tips = {c: lbl for c, lbl in (("prefecture", "地市"), ("province", "省份"),
                                      ("core", "核心城市")) if c in gdf.columns and c != name_column}
        drawn = maps.choropleth(gdf, args.column, scheme=args.scheme, k=args.classes,
                                cmap=args.cmap, label=args.label, unit=args.unit,
                                name_column=name_column, tooltip_columns=tips,
                                simplify_m=args.simplify_m, coverage=not _overlapping(gdf))
    elif kind == "outlines":
        if name_column is None:
            gdf = gdf.assign(name=[str(i) for i in gdf.index])
            name_column = "name"
        drawn = maps.region_outlines(gdf, name_column=name_column, layer_name=layer_title,
                                     simplify_m=args.simplify_m, coverage=not _overlapping(gdf))
    elif kind == "isochrones":
        drawn = maps.isochrone_bands(gdf, name_column=name_column, simplify_m=args.simplify_m,
                                     unit=args.unit or "分钟")
    else:
        if name_column is None:
            gdf = gdf.assign(name=[str(i) for i in gdf.index])
            name_column = "name"
        drawn = maps.parks(gdf, name_column=name_column, layer_name=layer_title)
    layers = [drawn]
    if args.seats:
        if {"seat_lon", "seat_lat", "name"} <= set(gdf.columns):
            layers.append(maps.seats(gdf))
        else:
            out(f"--seats ignored: {source} has no seat_lon/seat_lat/name columns")
    m = maps.make_map(*layers, tiles=args.tiles, title=args.title, offline=not args.online)
    default = f"{path.stem}_{args.column}" if kind == "choropleth" else f"{path.stem}_{kind}"
    out_path = maps.save_map(m, args.out or args.name or default)
    out(f"wrote {out_path} ({out_path.stat().st_size / 1e6:.2f} MB, {len(gdf)} {kind} "
        "features)")
    return 0
