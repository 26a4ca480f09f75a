"""``geourb isochrone`` and ``geourb network build``: road networks and isochrone polygons."""

from __future__ import annotations

import argparse
from pathlib import Path

from geourb.cli._common import out


def _load(path: str, coord_system: str = "wgs84"):
    from geourb.roads import load_network

    return load_network(path, coord_system=coord_system)


def _isochrone(args: argparse.Namespace) -> int:
    from geourb._io import ensure_writable_dir, write_layer
    from geourb.isochrones import isochrones, surface_polygons, travel_time_surface

    ensure_writable_dir(Path(args.out).parent)
    if args.tif:
        ensure_writable_dir(Path(args.tif).parent)
    net = _load(args.network, args.coord_system)
    if args.tif:
        surface = travel_time_surface(net, (args.lon, args.lat), minutes=max(args.bands),
                                      cell_m=args.cell_m, access_speed_kmh=args.walk_kmh,
                                      max_snap_m=args.max_snap_m)
        surface.to_geotiff(args.tif)
        iso = surface_polygons(surface, bands_min=args.bands)
    else:
        iso = isochrones(net, (args.lon, args.lat), bands_min=args.bands, cell_m=args.cell_m,
                         access_speed_kmh=args.walk_kmh, max_snap_m=args.max_snap_m)
    write_layer(iso, args.out)
    flag = " (APPROXIMATE network)" if net.approximate else ""
    for row in iso.itertuples():
        out(f"{row.band_min:g} min: {row.area_km2:,.1f} km2{flag}")
    out(f"wrote {args.out}")
    return 0


def _build(args: argparse.Namespace) -> int:
    from geourb._io import ensure_writable_dir

    ensure_writable_dir(Path(args.out).parent)
    net = _load(args.source, args.coord_system)
    net.save(args.out)
    out(f"{net!r} saved to {args.out}")
    return 0


def _coord_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--coord-system", default="wgs84", choices=["wgs84", "gcj02", "bd09"],
        help="datum of GIS road layers: gcj02 for AMap/Gaode/Tencent-derived data, bd09 for "
             "Baidu; converted to WGS84 (default wgs84; OSM and .npz are always WGS84)")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``isochrone`` and ``network build``."""
    iso = subparsers.add_parser("isochrone", help="nested travel-time polygons from a point")
    iso.add_argument("--network", required=True,
                     help="road data: .osm/.pbf, .gpkg/.shp/.gdb (or a folder of them) or .npz cache")
    iso.add_argument("--lon", type=float, required=True, help="origin longitude (WGS84)")
    iso.add_argument("--lat", type=float, required=True, help="origin latitude (WGS84)")
    iso.add_argument("--bands", type=float, nargs="+", default=[15, 30, 45, 60],
                     help="band limits in minutes (increasing)")
    iso.add_argument("--cell-m", type=float, default=100.0, help="grid cell size in metres")
    iso.add_argument("--walk-kmh", type=float, default=5.0, help="off-network access speed")
    iso.add_argument("--max-snap-m", type=float, default=1000.0,
                     help="refuse origins farther than this from the network")
    _coord_option(iso)
    iso.add_argument("--tif", type=Path, help="also write the travel-time surface as GeoTIFF")
    iso.add_argument("--out", type=Path, required=True, help="output layer (.gpkg, .geojson ...)")
    iso.set_defaults(func=_isochrone)

    net = subparsers.add_parser("network", help="build and cache routable networks")
    sub = net.add_subparsers(dest="network_command", required=True)
    build = sub.add_parser("build", help="build a network from road data and save a .npz cache")
    build.add_argument("source", help=".osm/.pbf, .gpkg/.shp/.gdb or a folder of layers")
    build.add_argument("--out", type=Path, required=True, help="cache file (.npz)")
    _coord_option(build)
    build.set_defaults(func=_build)
