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
   walk at ``access_speed_kmh``, searched ring by ring around the road cells only. Cells
   farther from any reached road stay NaN: no false coverage.

Polygons are contours of that one surface (``surface <= band``: marching squares with
:mod:`contourpy` on the band's 0/1 raster, cropped to the band's bounding box; the outline runs
along the cell edges with staircase corners cut diagonally), so bands are nested by
construction, and holes (unreached pockets) and islands (reached patches) are kept. Pass a
``timings`` dict to get the seconds of each stage (no module-level state).
"""

from __future__ import annotations

import math
import os
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import CRS, Transformer
from rasterio.transform import Affine, from_origin

from geourb import _kernels
from geourb._deprecate import _UNSET, renamed
from geourb._errors import InvalidValueError, NetworkGraphError
from geourb._io import atomic_path
from geourb._log import logger
from geourb._points import _positive, plain, points_lonlat
from geourb.network import Network

DEFAULT_BANDS_MIN: tuple[float, ...] = (15, 30, 45, 60)
"""Default isochrone bands in minutes."""

BYTES_PER_CELL = 40
"""Working memory per grid cell used to estimate and refuse oversized grids."""

USE_KERNELS = True
"""Use the compiled kernels of :mod:`geourb._kernels` when numba is installed (same result)."""

_RING_SEARCH_MAX_CELLS = 8
"""Up to this access reach (in cells) the off-network walk is searched ring by ring."""


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


class _Stages:
    """Add stage durations (seconds) of one computation to a caller's ``timings`` dict."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.t0 = time.perf_counter()

    def tick(self, name: str) -> None:
        if self.timings is None:
            return
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self.t0
        self.t0 = now


def _check_bands(bands_min: Sequence[float]) -> NDArray[np.float64]:
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
    """The WGS84 UTM zone CRS containing ``(lon, lat)``."""
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

    Raises
    ------
    InvalidValueError
        Non-positive cut-off, cell size, speeds or distances; a grid too big for memory.
    NetworkGraphError
        See :func:`snap_origins`.
    """
    minutes = renamed("travel_time_surface", "max_min", "minutes", max_min, minutes, 60.0)
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
    proj = Transformer.from_crs(4326, crs, always_xy=True)
    ox, oy = proj.transform(lonlat[:, 0], lonlat[:, 1])
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
                              max_access_m=max_access_m, cutoff_s=cutoff_s, stages=stages)
    logger.info("travel-time surface: %d x %d cells of %g m, %d reached nodes",
                rows, cols, cell_m, int(np.isfinite(times).sum()))
    return TravelTimeSurface(minutes=minutes_grid, transform=transform, crs=crs,
                             cell_m=float(cell_m), approximate=network.approximate,
                             origins=lonlat, snap_m=snap)


def _sample_raster_compiled(network: Network, times: NDArray[np.float64],
                            reached: NDArray[np.int64], px: NDArray[np.float64],
                            py: NDArray[np.float64], ox: Any, oy: Any, *, cell_m: float,
                            cutoff_s: float, margin: float, minutes: float,
                            max_memory_mb: float, stages: _Stages
                            ) -> tuple[float, float, int, int, NDArray[np.float64]]:
    """Grid and network-time raster with the compiled kernels (same result as NumPy's)."""
    canonical, n_interior = _edge_tables(network, px, py, cell_m / 2.0)
    csr = network.csr
    args = (csr.indptr, csr.indices, csr.data, network.reverse_edge_times(), canonical,
            n_interior, times, reached, px, py, cutoff_s)
    xmin, xmax, ymin, ymax = _kernels.sample_extent(*args)
    ox, oy = np.asarray(ox, dtype=float), np.asarray(oy, dtype=float)
    xmin, xmax = min(xmin, float(ox.min())), max(xmax, float(ox.max()))
    ymin, ymax = min(ymin, float(oy.min())), max(ymax, float(oy.max()))
    stages.tick("sample")
    x0, y1, rows, cols = _grid_shape(xmin, xmax, ymin, ymax, cell_m=cell_m, max_min=minutes,
                                     margin=margin, max_memory_mb=max_memory_mb)
    net_s = np.full(rows * cols, np.inf)
    _kernels.sample_raster(*args, float(x0), float(y1), float(cell_m), cols, net_s)
    # walking straight from each origin also counts
    oi = (np.floor((y1 - oy) / cell_m) * cols + np.floor((ox - x0) / cell_m)).astype(np.int64)
    np.minimum.at(net_s, oi, 0.0)
    stages.tick("rasterise")
    return x0, y1, rows, cols, net_s


def _sample_raster_numpy(network: Network, times: NDArray[np.float64],
                         reached: NDArray[np.int64], px: NDArray[np.float64],
                         py: NDArray[np.float64], ox: Any, oy: Any, *, cell_m: float,
                         cutoff_s: float, margin: float, minutes: float,
                         max_memory_mb: float, stages: _Stages
                         ) -> tuple[float, float, int, int, NDArray[np.float64]]:
    """Grid and network-time raster with whole-array NumPy steps."""
    sx, sy, st = _sample_edges(network, times, reached, px, py, step=cell_m / 2.0,
                               cutoff_s=cutoff_s)
    # walking straight from each origin also counts
    sx, sy = np.concatenate([sx, ox]), np.concatenate([sy, oy])
    st = np.concatenate([st, np.zeros(len(ox))])
    stages.tick("sample")

    x0, y1, rows, cols = _grid_shape(sx.min(), sx.max(), sy.min(), sy.max(), cell_m=cell_m,
                                     max_min=minutes, margin=margin,
                                     max_memory_mb=max_memory_mb)
    # np.floor(a / b) rather than a // b (Python-exact floor division is ~10x slower; the two
    # can differ only for a sample within an ulp of a cell edge). In place, and no clipping:
    # the grid's margin (max_access_m + one cell) keeps every sample well inside
    ri = np.subtract(y1, sy)
    ri /= cell_m
    np.floor(ri, out=ri)
    ri *= cols
    ci = np.subtract(sx, x0)
    ci /= cell_m
    np.floor(ci, out=ci)
    ri += ci  # flat cell index, exact in float64 (rows * cols < 2**53)
    net_s = np.full(rows * cols, np.inf)
    np.minimum.at(net_s, ri.astype(np.int64), st)
    stages.tick("rasterise")
    return x0, y1, rows, cols, net_s


_EDGE_TABLES: weakref.WeakKeyDictionary[Network, tuple[Any, ...]] = weakref.WeakKeyDictionary()


def _edge_tables(network: Network, px: NDArray[np.float64], py: NDArray[np.float64],
                 step: float) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Per-edge sampling tables (CSR order), cached per network, projection and step.

    ``canonical``: the edge is one-way or goes from the lower- to the higher-numbered node
    (of a two-way pair, the one sampled when both ends are reached). ``n_interior``: number
    of interior points, ``max(ceil(length / step), 1) - 1``; point ``k`` (1..n) lies at
    fraction ``k / (n + 1)``, the same points in both directions.
    """
    cached = _EDGE_TABLES.get(network)
    if cached is not None and cached[0] is px and cached[1] is py and cached[2] == step:
        return cached[3], cached[4]
    u, v, _ = network.edges()
    canonical = (u < v) | np.isinf(network.reverse_edge_times())
    n_interior = np.maximum(np.ceil(np.hypot(px[v] - px[u], py[v] - py[u]) / step)
                            .astype(np.int64), 1) - 1
    transit = network.info.get("transit_from_node")
    if transit is not None:  # rail and station links: nobody gets off between the ends
        n_interior[(u >= transit) | (v >= transit)] = 0
    _EDGE_TABLES[network] = (px, py, step, canonical, n_interior)
    return canonical, n_interior


def _sample_edges(network: Network, times: NDArray[np.float64], reached: NDArray[np.int64],
                  px: NDArray[np.float64], py: NDArray[np.float64], *, step: float,
                  cutoff_s: float) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                            NDArray[np.float64]]:
    """Points (x, y) and times (s) along the roads within ``cutoff_s``, every ``step`` metres.

    The reached nodes are points with their own times. Inside an edge ``u -> v`` leaving a
    reached node, the point at fraction ``f`` takes ``t_u + f * w_uv``; when the reverse edge
    ``v -> u`` exists and ``v`` is reached too, the two-way road is sampled once, with
    ``min(t_u + f * w_uv, t_v + (1 - f) * w_vu)`` (the same points and times as sampling both
    directions, at half the cost). A one-way edge only counts from its start node. The end
    points of edges are left out: by Dijkstra's optimality their times are never below the
    node's own time.
    """
    canonical, n_interior = _edge_tables(network, px, py, step)
    u, pos = network.out_edge_index(reached)
    v = network.csr.indices[pos]
    t_v = times[v]
    # a two-way road with both ends reached is sampled from its lower-numbered end only;
    # edges shorter than a step have no interior point
    keep = np.flatnonzero((canonical[pos] | np.isinf(t_v)) & (n_interior[pos] > 0))
    u, v, pos, t_v = u[keep], v[keep], pos[keep], t_v[keep]
    n_in = n_interior[pos]
    w = network.csr.data[pos]
    w_rev = network.reverse_edge_times()[pos]
    t_u = times[u]
    xu, yu = px[u], py[u]
    dx, dy = px[v] - xu, py[v] - yu
    edge_of = np.repeat(np.arange(n_in.size), n_in)
    frac = np.arange(1, edge_of.size + 1, dtype=np.int64)
    frac -= np.repeat(np.cumsum(n_in) - n_in, n_in)
    frac = frac / np.repeat(n_in + 1, n_in)
    st = w[edge_of]
    st *= frac
    st += t_u[edge_of]
    # the other direction (inf for one-way edges or an unreached v; 1 - frac > 0: no NaN)
    back = 1.0 - frac
    back *= w_rev[edge_of]
    back += t_v[edge_of]
    np.minimum(st, back, out=st)
    ok = np.flatnonzero(st <= cutoff_s)
    edge_of, frac, st = edge_of[ok], frac[ok], st[ok]
    sx = dx[edge_of]
    sx *= frac
    sx += xu[edge_of]
    sy = dy[edge_of]
    sy *= frac
    sy += yu[edge_of]
    return (np.concatenate([px[reached], sx]), np.concatenate([py[reached], sy]),
            np.concatenate([times[reached], st]))


def _grid_shape(xmin: float, xmax: float, ymin: float, ymax: float, *, cell_m: float,
                max_min: float, margin: float, max_memory_mb: float,
                estimate: bool = False) -> tuple[float, float, int, int]:
    """Grid origin (x0, y1) and shape over a box plus ``margin``; refuse it if too big."""
    x0 = math.floor((xmin - margin) / cell_m) * cell_m
    y1 = math.ceil((ymax + margin) / cell_m) * cell_m
    cols = math.ceil((xmax + margin - x0) / cell_m)
    rows = math.ceil((y1 - (ymin - margin)) / cell_m)
    need_mb = rows * cols * BYTES_PER_CELL / 1e6
    if need_mb > max_memory_mb:
        fit = cell_m * math.sqrt(need_mb / max_memory_mb) * 1.05
        raise InvalidValueError(
            f"A {cell_m:g} m grid over the {max_min:g}-minute reach ({cols * cell_m / 1000:.0f} x "
            f"{rows * cell_m / 1000:.0f} km) has {rows * cols:,} cells and needs "
            f"{'at least ' if estimate else ''}about {need_mb:,.0f} MB (limit "
            f"max_memory_mb={max_memory_mb:g}). Use cell_m >= {math.ceil(fit)} or raise "
            "max_memory_mb."
        )
    return x0, y1, rows, cols


def _walk_fill(net_s: NDArray[np.float64], rows: int, cols: int, *, cell_m: float,
               walk_ms: float, max_access_m: float, cutoff_s: float,
               stages: _Stages) -> NDArray[np.float32]:
    """Off-network access: each cell takes its nearest network cell's time plus the walk.

    ``net_s`` is the flat network-time raster (inf off the roads). The nearest network cell
    (Euclidean, in cells) is searched ring by ring of increasing distance up to
    ``max_access_m``, for the off-road cells within that reach only (found with a separable
    maximum filter), so the cost follows the cells near the roads rather than the whole grid.
    Among equally near network cells the earliest counts. Cells whose nearest network cell is
    farther than ``max_access_m`` or whose total exceeds ``cutoff_s`` stay NaN.

    The grid must have a margin of more than ``max_access_m`` without network cells (as
    :func:`_grid_shape` gives it): offsets are applied to flat indices.
    """
    from scipy.ndimage import maximum_filter

    minutes = np.full(rows * cols, np.nan, dtype=np.float32)
    road = np.flatnonzero(np.isfinite(net_s))
    minutes[road] = (net_s[road] / 60.0).astype(np.float32)
    reach = math.floor(max_access_m / cell_m)
    if reach < 1 or road.size == 0:
        stages.tick("walk_fill")
        return minutes.reshape(rows, cols)
    is_road = np.zeros(rows * cols, dtype=np.uint8)
    is_road[road] = 1
    near = maximum_filter(is_road.reshape(rows, cols), size=2 * reach + 1, mode="constant")
    todo = np.flatnonzero(near.ravel() > is_road)  # off-road cells within the square reach
    stages.tick("walk_near")
    # offsets (dr, dc) within the reach, grouped by squared distance (exact float test)
    dr, dc = np.mgrid[-reach:reach + 1, -reach:reach + 1]
    d2 = (dr * dr + dc * dc).ravel()
    ok = (d2 > 0) & ~(np.sqrt(d2.astype(np.float64)) * cell_m > max_access_m)
    # flat offsets into net_s padded with ``reach`` rows of inf above and below; a column
    # offset past the left or right edge lands in the road-free margin of the next row
    flat_off = ((dr.ravel() + reach) * cols + dc.ravel())[ok]
    d2 = d2[ok]
    order = np.argsort(d2, kind="stable")
    flat_off, d2 = flat_off[order], d2[order]
    if _kernels.HAVE_NUMBA and USE_KERNELS:
        kdr, kdc = dr.ravel()[ok][order], dc.ravel()[ok][order]
        starts = np.r_[0, np.flatnonzero(np.diff(d2)) + 1, d2.size].astype(np.int64)
        _kernels.walk_fill(net_s, near.ravel(), rows, cols, kdr.astype(np.int64),
                           kdc.astype(np.int64), d2.astype(np.int64), starts, float(cell_m),
                           float(walk_ms), float(cutoff_s), minutes)
        stages.tick("walk_fill")
        return minutes.reshape(rows, cols)
    pad = np.full(reach * cols, np.inf)
    padded = np.concatenate([pad, net_s, pad])

    def fill(sq: int, cells: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Set the cells that have a network cell at squared distance ``sq``; which had."""
        best = np.full(cells.size, np.inf)
        for off in flat_off[d2 == sq]:
            np.minimum(best, padded[cells + off], out=best)
        hit = np.isfinite(best)
        total = best[hit] + math.sqrt(sq) * cell_m / walk_ms
        good = total <= cutoff_s
        minutes[cells[hit][good]] = (total[good] / 60.0).astype(np.float32)
        return hit

    if reach <= _RING_SEARCH_MAX_CELLS:  # ring by ring: most cells are settled in the first
        for sq in np.unique(d2):
            if todo.size == 0:
                break
            todo = todo[~fill(int(sq), todo)]
    else:  # a wide reach: the distance transform gives each cell's nearest distance first
        from scipy.ndimage import distance_transform_edt

        ft = distance_transform_edt(is_road.reshape(rows, cols) == 0, return_distances=False,
                                    return_indices=True)
        tr, tc = np.divmod(todo, cols)
        near_d2 = (ft[0].ravel()[todo] - tr) ** 2 + (ft[1].ravel()[todo] - tc) ** 2
        keep = np.isin(near_d2, d2)
        todo, near_d2 = todo[keep], near_d2[keep]
        order = np.argsort(near_d2, kind="stable")
        todo, near_d2 = todo[order], near_d2[order]
        cuts = np.flatnonzero(np.diff(near_d2)) + 1
        for cells, sq in zip(np.split(todo, cuts), near_d2[np.r_[0, cuts]], strict=True):
            fill(int(sq), cells)
    stages.tick("walk_fill")
    return minutes.reshape(rows, cols)


def _band_polygon(mask: NDArray[np.bool_], transform: Affine) -> shapely.MultiPolygon:
    """The cells of ``mask`` as one MultiPolygon: marching squares on the 0/1 raster.

    The boundary runs through the midpoints between inside and outside cell centres (on the
    cell edges, with the staircase corners cut diagonally: within 0.36 cells of
    :func:`rasterio.features.shapes`' outline, areas within ~0.1 %), holes and islands kept.
    :mod:`contourpy` traces only the band's bounding box, ~2.5x faster than GDAL's polygonise.
    """
    import contourpy

    rr, cc = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rr.size == 0:
        return shapely.MultiPolygon()
    r0, r1, c0, c1 = int(rr[0]), int(rr[-1]) + 1, int(cc[0]), int(cc[-1]) + 1
    z = np.zeros((r1 - r0 + 2, c1 - c0 + 2))  # a ring of outside cells around the box
    z[1:-1, 1:-1] = mask[r0:r1, c0:c1]
    gen = contourpy.contour_generator(z=z, fill_type="OuterOffset", name="serial")
    points, offsets = gen.filled(0.5, 2.0)
    if not points:
        return shapely.MultiPolygon()
    xy = np.concatenate(points)
    ring_sizes = np.concatenate([np.diff(o) for o in offsets])
    poly_of_ring = np.repeat(np.arange(len(offsets)), [len(o) - 1 for o in offsets])
    # z index (i, j) -> cell (r0 + i - 1, c0 + j - 1) centre -> map coordinates
    col = xy[:, 0] + (c0 - 0.5)
    row = xy[:, 1] + (r0 - 0.5)
    mx = transform.c + col * transform.a + row * transform.b
    my = transform.f + col * transform.d + row * transform.e
    rings = shapely.linearrings(np.column_stack([mx, my]),
                                indices=np.repeat(np.arange(ring_sizes.size), ring_sizes))
    polys = shapely.polygons(rings, indices=poly_of_ring)
    return shapely.multipolygons(polys)


def surface_polygons(surface: TravelTimeSurface, *,
                     bands_min: Sequence[float] = DEFAULT_BANDS_MIN,
                     timings: dict[str, float] | None = None) -> gpd.GeoDataFrame:
    """Contour a surface into cumulative band polygons (``minutes <= band``), EPSG:4326.

    Each band's polygon contains the previous band's (same surface, larger threshold); holes
    and separate islands are kept. ``area_km2`` is measured in the surface's UTM projection.
    ``timings``: a dict to which the seconds of the stages (polygonise, reproject) are added.
    """
    stages = _Stages(timings)
    bands = _check_bands(bands_min)
    minutes = surface.minutes
    with np.errstate(invalid="ignore"):  # NaN compares False
        geoms = [_band_polygon(minutes <= band, surface.transform) for band in bands]
    stages.tick("polygonise")
    geoms_arr = np.asarray(geoms, dtype=object)
    area_km2 = shapely.area(geoms_arr) / 1e6
    proj = Transformer.from_crs(surface.crs, 4326, always_xy=True)
    wgs = shapely.transform(geoms_arr, lambda xy: np.column_stack(proj.transform(xy[:, 0],
                                                                                 xy[:, 1])))
    gdf = gpd.GeoDataFrame({"band_min": bands.astype(float), "area_km2": area_km2,
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
