"""Travel-time surfaces and nested isochrone polygons on a :class:`~geourb.network.Network`.

The method, in four vectorised steps:

1. origins are snapped to their nearest node; the walk to it (snap distance at
   ``access_speed_kmh``) is the source's head start, and origins farther than ``max_snap_m``
   from the network (or outside its extent, or in a small disconnected component) are refused;
2. a bounded multi-source Dijkstra (:meth:`Network.travel_times`) gives the time at every
   reached node;
3. every edge leaving a reached node is sampled every half cell; a sample's time is the start
   node's time plus the fraction of the edge's time (so partially reached edges count up to the
   cut-off and no further); a two-way road with both ends reached is sampled once, taking the
   faster direction, and a one-way road only from its start; the reached nodes and the samples
   are rasterised on a grid in the UTM zone of the origins (cell size ``cell_m`` metres)
   keeping each cell's minimum;
4. off-network access: each land cell within ``max_access_m`` of a network cell takes the time
   of its nearest network cell (Euclidean; the earliest of equally near ones) plus the straight
   walk at ``access_speed_kmh`` (compiled: an exact squared-distance transform limited to the
   reach, carrying each road cell's time; NumPy: searched ring by ring around the road cells).
   Cells farther from any reached road stay NaN: no false coverage.

Polygons are contours of that one surface (``surface <= band``: marching squares on each band's
0/1 raster, all bands traced in one compiled pass by :mod:`geourb._contour`, or with
:mod:`contourpy` without numba; the outline runs along the cell edges with staircase corners
cut diagonally), so bands are nested by construction, and holes (unreached pockets) and
islands (reached patches) are kept. Exteriors run counter-clockwise (GeoJSON's right-hand
rule); band areas are exact (shoelace on the half-cell lattice, in UTM); the vertices are
unprojected to WGS84 through a polynomial fitted to PROJ and checked to 1 mm. Pass a
``timings`` dict to get the seconds of each stage (no module-level state).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from numpy.typing import NDArray
from pyproj import CRS, Transformer
from rasterio.transform import Affine, from_origin

from geourb import _kernels
from geourb._deprecate import _UNSET, renamed_argument
from geourb._errors import InvalidValueError, NetworkGraphError, plain
from geourb._io import atomic_path
from geourb._log import logger
from geourb._points import _positive, points_lonlat
from geourb._surface import BYTES_PER_CELL as BYTES_PER_CELL
from geourb._surface import (
    _band_multipolygons,
    _band_rings,
    _grid_shape,
    _sample_raster_compiled,
    _sample_raster_numpy,
    _Stages,
    _walk_fill,
)
from geourb.coords import haversine_m
from geourb.network import Network

DEFAULT_BANDS_MIN: tuple[float, ...] = (15, 30, 45, 60)
"""Default isochrone bands in minutes."""

USE_KERNELS = True
"""Use the compiled kernels of :mod:`geourb._kernels` when numba is installed (same result)."""

@dataclass
class TravelTimeSurface:
    """A travel-time raster in a local projected CRS.

    Attributes
    ----------
    minutes
        ``(rows, cols)`` float32 travel time in minutes; NaN where not reached within the
        cut-off (or farther than the access distance from a reached road).
    transform
        Affine transform of the grid (rasterio convention, north up).
    crs
        The projected CRS of the grid (UTM zone of the origins).
    cell_m
        Cell size in metres.
    approximate
        Copied from the network: True when built on a straight-line network.
    origins
        ``(k, 2)`` WGS84 lon/lat of the origins.
    snap_m
        Snap distance of each origin to the network, metres.
    """

    minutes: NDArray[np.float32]
    transform: Affine
    crs: CRS
    cell_m: float
    approximate: bool = False
    origins: NDArray[np.float64] = field(default_factory=lambda: np.empty((0, 2)))
    snap_m: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))

    def to_geotiff(self, path: str | os.PathLike[str]) -> Path:
        """Write the surface as a float32 GeoTIFF (NaN nodata, deflate), atomically."""
        import rasterio

        path = Path(path)
        rows, cols = self.minutes.shape
        profile = {
            "driver": "GTiff", "height": rows, "width": cols, "count": 1, "dtype": "float32",
            "crs": self.crs.to_wkt(), "transform": self.transform, "nodata": np.nan,
            "compress": "deflate",
        }
        with atomic_path(path) as tmp, rasterio.open(tmp, "w", **profile) as dst:
            dst.write(self.minutes.astype(np.float32), 1)
            dst.update_tags(units="minutes", approximate=str(self.approximate))
        logger.info("wrote travel-time surface %s (%d x %d cells)", path, rows, cols)
        return path


_WGS84 = CRS.from_epsg(4326)


@functools.lru_cache(maxsize=32)
def _transformer(src: CRS, dst: CRS) -> Transformer:
    """Return a cached lon/lat-ordered transformer (pyproj >= 3.1: safe across threads)."""
    return Transformer.from_crs(src, dst, always_xy=True)


_FIT_MIN_POINTS = 2000
"""From this many vertices on, :func:`_to_lonlat` evaluates a fitted polynomial."""

_FIT_TOL_M = 1e-3
"""Largest error (metres) promised for the fitted polynomial anywhere in the vertices' box."""

_FIT_CHECK_M = 0.5e-3
"""Largest error (metres) accepted at the 17 x 17 check points: half of ``_FIT_TOL_M``, so the
error between check points stays within it (a review found 1.06 mm between the points of a
9 x 9 grid checked at 1 mm)."""


def _fit_lonlat(xy: NDArray[np.float64], transformer: Transformer,
                degree: int) -> NDArray[np.float64] | None:
    """Lon/lat of ``xy`` from a polynomial fitted to the exact transform over their box.

    The exact transform is sampled at ``(degree + 3)^2`` Chebyshev nodes of the box; a
    tensor polynomial of ``degree`` in each coordinate is fitted by least squares, checked
    against the exact transform at a 17 x 17 grid including the box's edges and corners, and
    evaluated by Horner's rule. The same idea as GDAL's approximate transformer (interpolate,
    check the error, fall back when too large). Returns None when the error at a check point
    exceeds ``_FIT_CHECK_M``.
    """
    x, y = xy[:, 0], xy[:, 1]
    xc, yc = (x.max() + x.min()) / 2, (y.max() + y.min()) / 2
    hx, hy = max((x.max() - x.min()) / 2, 1.0), max((y.max() - y.min()) / 2, 1.0)
    nodes = np.cos(np.pi * (np.arange(degree + 3) + 0.5) / (degree + 3))
    fu, fv = (a.ravel() for a in np.meshgrid(nodes, nodes))
    check = np.linspace(-1.0, 1.0, 17)
    cu, cv = (a.ravel() for a in np.meshgrid(check, check))
    u_all, v_all = np.concatenate([fu, cu]), np.concatenate([fv, cv])
    lon_s, lat_s = transformer.transform(xc + u_all * hx, yc + v_all * hy)
    k = fu.size
    vander = np.polynomial.polynomial.polyvander2d(fu, fv, [degree, degree])
    coef = np.linalg.lstsq(vander, np.column_stack([lon_s[:k], lat_s[:k]]), rcond=None)[0]
    coef = coef.reshape(degree + 1, degree + 1, 2)  # [power of u, power of v, lon/lat]

    def horner(u: NDArray[np.float64], v: NDArray[np.float64], c: NDArray[np.float64]
               ) -> NDArray[np.float64]:
        out = np.zeros_like(u)
        for j in range(degree, -1, -1):
            p = np.full_like(u, c[degree, j])
            for i in range(degree - 1, -1, -1):
                p *= u
                p += c[i, j]
            out *= v
            out += p
        return out

    err_m = haversine_m(horner(cu, cv, coef[..., 0]), horner(cu, cv, coef[..., 1]),
                        lon_s[k:], lat_s[k:])
    if not err_m.max() <= _FIT_CHECK_M:
        return None
    if _kernels.HAVE_NUMBA and USE_KERNELS:
        out = np.empty(xy.shape, dtype=np.float64)
        _kernels.poly2d_pair(xy, xc, yc, 1.0 / hx, 1.0 / hy, np.ascontiguousarray(coef), out)
        return out
    u, v = (x - xc) * (1.0 / hx), (y - yc) * (1.0 / hy)
    return np.column_stack([horner(u, v, coef[..., 0]), horner(u, v, coef[..., 1])])


def _to_lonlat(xy: NDArray[np.float64], crs: CRS) -> NDArray[np.float64]:
    """Map coordinates ``(n, 2)`` in ``crs`` to WGS84 lon/lat.

    Many vertices (``_FIT_MIN_POINTS``) go through a polynomial fitted to PROJ's exact
    transform over their box and checked to ``_FIT_TOL_M`` (degree 3, then 5; over a 90 x 70
    km isochrone box degree 3 is within 0.1 mm, ~3.5x faster than PROJ); when the check
    fails, and for fewer vertices, PROJ transforms every vertex.
    """
    transformer = _transformer(crs, _WGS84)
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    if xy.shape[0] >= _FIT_MIN_POINTS and np.isfinite(xy).all():
        for degree in (3, 5):
            fitted = _fit_lonlat(xy, transformer, degree)
            if fitted is not None:
                return fitted
    lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def _check_bands(bands_min: Sequence[float] | NDArray[np.float64]) -> NDArray[np.float64]:
    try:
        bands = np.asarray(list(bands_min), dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(
            f"bands_min must be numbers of minutes, got {bands_min!r}."
        ) from exc
    if bands.ndim != 1 or bands.size == 0:
        raise InvalidValueError(
            f"bands_min must be a non-empty list of minutes, got {bands_min!r}."
        )
    if not np.isfinite(bands).all() or (bands <= 0).any():
        raise InvalidValueError(f"bands_min must be positive minutes, got {bands.tolist()}.")
    if (np.diff(bands) <= 0).any():
        raise InvalidValueError(
            f"bands_min must be strictly increasing, got {bands.tolist()}; e.g. (15, 30, 45, 60)."
        )
    return bands


def _origins_lonlat(origins: Any) -> NDArray[np.float64]:
    """Origins as a ``(k, 2)`` WGS84 array (see :func:`geourb._points.points_lonlat`)."""
    lon, lat, _ = points_lonlat(origins, what="origins", seats=False, drop_empty=True)
    return np.column_stack([lon, lat])


def utm_crs(lon: float, lat: float) -> CRS:
    """Return the WGS84 UTM zone CRS containing ``(lon, lat)``.

    Parameters
    ----------
    lon, lat
        A point in WGS84 degrees.

    Returns
    -------
    pyproj.CRS
        EPSG:326xx north of the equator, EPSG:327xx south of it.

    Examples
    --------
    >>> utm_crs(102.71, 25.04).to_epsg()
    32648
    """
    zone = math.floor((lon + 180) / 6) % 60 + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def snap_origins(
    network: Network,
    origins: Any,
    *,
    max_snap_m: float = 1000.0,
    min_component_share: float = 0.05,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """Snap origins to the network, refusing those that cannot be routed.

    Parameters
    ----------
    network
        The network to snap to.
    origins
        Points (GeoDataFrame/GeoSeries in any CRS), a ``(lon, lat)`` tuple or a list of
        tuples (WGS84).
    max_snap_m
        Refuse origins farther than this (metres) from the nearest node.
    min_component_share
        Refuse origins whose node's strongly connected component holds less than this share
        of the network's nodes.

    Returns
    -------
    lonlat, nodes, snap_m
        Origins (WGS84), their nearest nodes and snap distances in metres.

    Raises
    ------
    NetworkGraphError
        An origin lies outside the network's extent, farther than ``max_snap_m`` from any node,
        or on a strongly connected component holding less than ``min_component_share`` of the
        nodes (a tiny island of roads that leads nowhere).
    """
    lonlat = _origins_lonlat(origins)
    nodes, snap = network.nearest_nodes(lonlat[:, 0], lonlat[:, 1])
    label = network.name or "the network"
    far = snap > max_snap_m
    if far.any():
        i = int(np.flatnonzero(far)[0])
        dropped = network.dropped_part_message(lonlat[i, 0], lonlat[i, 1], max_snap_m)
        if dropped:
            raise NetworkGraphError(f"Origin {dropped}")
        x0, y0, x1, y1 = network.bounds
        outside = not (x0 <= lonlat[i, 0] <= x1 and y0 <= lonlat[i, 1] <= y1)
        where = (f"outside the extent of {label} ({x0:.3f}-{x1:.3f} E, {y0:.3f}-{y1:.3f} N)"
                 if outside else f"{snap[i]:.0f} m from the nearest node of {label}")
        raise NetworkGraphError(
            f"Origin ({lonlat[i, 0]:.5f}, {lonlat[i, 1]:.5f}) is {where}; max_snap_m is "
            f"{max_snap_m:.0f} m. Check the coordinates (WGS84 lon, lat order; GCJ-02 must be "
            "converted) or use a network covering the origin."
        )
    sizes = network.component_size(nodes)
    tiny = sizes < min_component_share * network.n_nodes
    if tiny.any():
        i = int(np.flatnonzero(tiny)[0])
        raise NetworkGraphError(
            f"Origin ({lonlat[i, 0]:.5f}, {lonlat[i, 1]:.5f}) snaps to a disconnected part of "
            f"{label} with only {int(sizes[i])} of {network.n_nodes} nodes; its isochrones would "
            "be meaningless. Build the network with largest_component=True or move the origin."
        )
    return lonlat, nodes, snap


def travel_time_surface(
    network: Network,
    origins: Any,
    *,
    minutes: float = 60.0,
    cell_m: float = 100.0,
    access_speed_kmh: float = 5.0,
    max_access_m: float = 500.0,
    max_snap_m: float = 1000.0,
    max_memory_mb: float = 2048.0,
    timings: dict[str, float] | None = None,
    max_min: Any = _UNSET,
) -> TravelTimeSurface:
    """Compute the travel-time surface (minutes) from ``origins`` up to ``minutes``.

    Parameters
    ----------
    network
        The network (travel times in seconds).
    origins
        Points (GeoDataFrame/GeoSeries in any CRS), a ``(lon, lat)`` tuple or a list of
        tuples (WGS84). Several origins give the time to the nearest one.
    minutes
        Cut-off in minutes.
    cell_m
        Grid cell size in metres (in the UTM zone of the first origin).
    access_speed_kmh
        Off-network speed (walking) for the snap distance and for cells off the roads.
    max_access_m
        Cells farther than this from a reached road stay NaN.
    max_snap_m
        Refuse origins farther than this from the network.
    max_memory_mb
        Refuse grids whose working memory (estimated at ``BYTES_PER_CELL`` per cell) exceeds
        this; the message says which cell size would fit.
    timings
        A dict to which the seconds spent in each stage (snap, dijkstra, project, sample,
        rasterise, walk_near, walk_fill) are added; None: not timed.
    max_min
        Deprecated name of ``minutes`` (a DeprecationWarning; removed in the next release).

    Returns
    -------
    TravelTimeSurface
        The grid of minutes to the nearest origin (NaN beyond ``minutes`` or out of walking
        reach) with its UTM transform and CRS.

    Raises
    ------
    InvalidValueError
        Non-positive cut-off, cell size, speeds or distances; a grid too big for memory.
    NetworkGraphError
        See :func:`snap_origins`.
    """
    minutes = renamed_argument("travel_time_surface", "max_min", "minutes", max_min, minutes, 60.0)
    for key, val in (("minutes", minutes), ("cell_m", cell_m),
                     ("access_speed_kmh", access_speed_kmh), ("max_snap_m", max_snap_m)):
        if not _positive(val):
            raise InvalidValueError(f"{key} must be a positive number, got {plain(val)}.")
    if not (isinstance(max_access_m, int | float) and 0 <= max_access_m < math.inf):
        raise InvalidValueError(
            f"max_access_m must be a finite number >= 0 metres, got {plain(max_access_m)}."
        )
    stages = _Stages(timings)
    lonlat, nodes, snap = snap_origins(network, origins, max_snap_m=max_snap_m)
    walk_ms = access_speed_kmh / 3.6
    cutoff_s = float(minutes) * 60.0
    stages.tick("snap")
    times = network.travel_times(nodes, cutoff_s=cutoff_s, source_offsets_s=snap / walk_ms)
    stages.tick("dijkstra")

    reached = np.flatnonzero(times <= cutoff_s)
    crs = utm_crs(float(lonlat[0, 0]), float(lonlat[0, 1]))
    px, py = network.projected_xy(crs)
    ox, oy = _transformer(_WGS84, crs).transform(lonlat[:, 0], lonlat[:, 1])
    stages.tick("project")
    # refuse a grid too big before sampling: the reached nodes and the origins lie inside the
    # final grid, so this estimate never exceeds the real size
    ex, ey = np.concatenate([px[reached], ox]), np.concatenate([py[reached], oy])
    _grid_shape(ex.min(), ex.max(), ey.min(), ey.max(), cell_m=cell_m, max_min=minutes,
                margin=max_access_m + cell_m, max_memory_mb=max_memory_mb, estimate=True)

    if _kernels.HAVE_NUMBA and USE_KERNELS:
        x0, y1, rows, cols, net_s = _sample_raster_compiled(
            network, times, reached, px, py, ox, oy, cell_m=cell_m, cutoff_s=cutoff_s,
            margin=max_access_m + cell_m, minutes=minutes, max_memory_mb=max_memory_mb,
            stages=stages)
    else:
        x0, y1, rows, cols, net_s = _sample_raster_numpy(
            network, times, reached, px, py, ox, oy, cell_m=cell_m, cutoff_s=cutoff_s,
            margin=max_access_m + cell_m, minutes=minutes, max_memory_mb=max_memory_mb,
            stages=stages)
    transform = from_origin(x0, y1, cell_m, cell_m)
    minutes_grid = _walk_fill(net_s, rows, cols, cell_m=cell_m, walk_ms=walk_ms,
                              max_access_m=max_access_m, cutoff_s=cutoff_s, stages=stages,
                              use_kernels=USE_KERNELS)
    logger.info("travel-time surface: %d x %d cells of %g m, %d reached nodes",
                rows, cols, cell_m, reached.size)
    return TravelTimeSurface(minutes=minutes_grid, transform=transform, crs=crs,
                             cell_m=float(cell_m), approximate=network.approximate,
                             origins=lonlat, snap_m=snap)


def surface_polygons(surface: TravelTimeSurface, *,
                     bands_min: Sequence[float] | NDArray[np.float64] = DEFAULT_BANDS_MIN,
                     timings: dict[str, float] | None = None) -> gpd.GeoDataFrame:
    """Contour a surface into cumulative band polygons (``minutes <= band``), EPSG:4326.

    Each band's polygon contains the previous band's (same surface, larger threshold); holes
    and separate islands are kept. ``area_km2`` is measured in the surface's UTM projection.

    Parameters
    ----------
    surface
        From :func:`travel_time_surface`.
    bands_min
        Band limits in minutes, increasing.
    timings
        A dict to which the seconds of the stages (polygonise, reproject) are added; None:
        not timed.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per band: ``minutes``, ``area_km2`` and ``geometry`` (EPSG:4326
        MultiPolygon, cumulative).
    """
    stages = _Stages(timings)
    bands = _check_bands(bands_min)
    rings = _band_rings(surface.minutes, bands, surface.transform, use_kernels=USE_KERNELS)
    stages.tick("polygonise")
    wgs = _band_multipolygons(rings, _to_lonlat(rings.xy, surface.crs), bands.size)
    gdf = gpd.GeoDataFrame({"band_min": bands.astype(float), "area_km2": rings.area / 1e6,
                            "approximate": surface.approximate},
                           geometry=wgs, crs=4326)
    gdf.attrs["approximate"] = surface.approximate
    gdf.attrs["cell_m"] = surface.cell_m
    stages.tick("reproject")
    return gdf


def isochrones(
    network: Network,
    origins: Any,
    *,
    bands_min: Sequence[float] = DEFAULT_BANDS_MIN,
    cell_m: float = 100.0,
    access_speed_kmh: float = 5.0,
    max_access_m: float = 500.0,
    max_snap_m: float = 1000.0,
    max_memory_mb: float = 2048.0,
    timings: dict[str, float] | None = None,
) -> gpd.GeoDataFrame:
    """Nested isochrone polygons from ``origins`` on ``network``.

    Parameters
    ----------
    network
        The network.
    origins
        Points (GeoDataFrame/GeoSeries in any CRS), a ``(lon, lat)`` tuple or a list of tuples.
    bands_min
        Strictly increasing band limits in minutes (default 15, 30, 45, 60).
    cell_m, access_speed_kmh, max_access_m, max_snap_m, max_memory_mb
        See :func:`travel_time_surface`.
    timings
        A dict to which the seconds spent in each stage are added (for benchmarks; thread-safe
        as long as each caller passes its own dict); None: not timed.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per band: ``band_min``, ``area_km2``, ``approximate`` (from the network) and
        ``geometry`` (EPSG:4326 MultiPolygon, cumulative: band 60 contains band 30).

    Examples
    --------
    >>> iso = isochrones(net, (102.71, 25.04), bands_min=(15, 30))  # doctest: +SKIP
    """
    bands = _check_bands(bands_min)
    surface = travel_time_surface(
        network, origins, minutes=float(bands[-1]), cell_m=cell_m,
        access_speed_kmh=access_speed_kmh, max_access_m=max_access_m, max_snap_m=max_snap_m,
        max_memory_mb=max_memory_mb, timings=timings,
    )
    return surface_polygons(surface, bands_min=bands, timings=timings)
