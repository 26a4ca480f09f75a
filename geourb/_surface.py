"""The travel-time grid behind :mod:`geourb.isochrones` (internal).

Edge sampling, rasterising, walking access and band outlines; the public functions are in
:mod:`geourb.isochrones`.

Each step has a whole-array NumPy version and, for sampling/rasterising and the walk fill, a
compiled one in :mod:`geourb._kernels` (numba, optional) giving the same result. The walk
fill's two versions find the same nearest road cells by different means: NumPy searches
offsets ring by ring (or after scipy's distance transform) around the cells near a road;
the compiled one runs an exact two-pass squared-distance transform restricted to the reach,
row by row through a small ring buffer (see :func:`_walk_fill`).
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import shapely
from numpy.typing import NDArray
from rasterio.transform import Affine

from geourb import _kernels
from geourb._errors import InvalidValueError
from geourb.network import Network

if TYPE_CHECKING:
    from contourpy._contourpy import FillReturn_OuterOffset

BYTES_PER_CELL = 40
"""Working memory per grid cell used to estimate and refuse oversized grids."""

_RING_SEARCH_MAX_CELLS = 8
"""Up to this access reach (in cells) the off-network walk is searched ring by ring."""



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


def _sample_raster_compiled(network: Network, times: NDArray[np.float64],
                            reached: NDArray[np.int64], px: NDArray[np.float64],
                            py: NDArray[np.float64], ox: Any, oy: Any, *, cell_m: float,
                            cutoff_s: float, margin: float, minutes: float,
                            max_memory_mb: float, stages: _Stages
                            ) -> tuple[float, float, int, int, NDArray[np.float64]]:
    """Grid and network-time raster with the compiled kernels (same result as NumPy's)."""
    code = _edge_codes(network, px, py, cell_m / 2.0)
    csr = network.csr
    args = (csr.indptr, csr.indices, csr.data, network.reverse_edge_times(), code, _FRACS,
            times, reached, px, py, cutoff_s)
    xmin, xmax, ymin, ymax = _kernels.reach_extent(csr.indptr, csr.indices, csr.data, times,
                                                   reached, px, py, cutoff_s)
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

    xmin, xmax, ymin, ymax = _reach_extent_numpy(network, times, reached, px, py, cutoff_s)
    xmin, xmax = min(xmin, float(np.min(ox))), max(xmax, float(np.max(ox)))
    ymin, ymax = min(ymin, float(np.min(oy))), max(ymax, float(np.max(oy)))
    x0, y1, rows, cols = _grid_shape(xmin, xmax, ymin, ymax, cell_m=cell_m,
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


def _reach_extent_numpy(network: Network, times: NDArray[np.float64],
                        reached: NDArray[np.int64], px: NDArray[np.float64],
                        py: NDArray[np.float64], cutoff_s: float
                        ) -> tuple[float, float, float, float]:
    """Box of the reached nodes and the reached parts of edges to unreached nodes.

    A superset of the edge samples' box (at most a fraction of a step larger), found without
    sampling; the same arithmetic as :func:`geourb._kernels.reach_extent`. The grid is
    anchored at multiples of the cell size, so a slightly larger box only adds empty cells.
    """
    u, pos = network.out_edge_index(reached)
    v = network.csr.indices[pos]
    part = np.flatnonzero(~(times[v] <= cutoff_s))
    u, v, w = u[part], v[part], network.csr.data[pos[part]]
    f = np.ones(w.size)
    pos_w = w > 0.0
    f[pos_w] = np.minimum((cutoff_s - times[u[pos_w]]) / w[pos_w], 1.0)
    xu, yu = px[u], py[u]
    x = (px[v] - xu) * f + xu
    y = (py[v] - yu) * f + yu
    xs, ys = np.concatenate([px[reached], x]), np.concatenate([py[reached], y])
    if xs.size == 0:
        return math.inf, -math.inf, math.inf, -math.inf
    return float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())


_EDGE_TABLES: weakref.WeakKeyDictionary[Network, tuple[Any, ...]] = weakref.WeakKeyDictionary()
_EDGE_CODES: weakref.WeakKeyDictionary[Network, tuple[Any, ...]] = weakref.WeakKeyDictionary()


def _per_projection(cache: weakref.WeakKeyDictionary[Network, tuple[Any, ...]],
                    network: Network, px: NDArray[np.float64], py: NDArray[np.float64],
                    step: float, compute: Callable[[], Any]) -> Any:
    """``compute()`` cached in ``cache`` per network, projected coordinates and step."""
    cached = cache.get(network)
    if cached is not None and cached[0] is px and cached[1] is py and cached[2] == step:
        return cached[3]
    value = compute()
    cache[network] = (px, py, step, value)
    return value


def _edge_tables(network: Network, px: NDArray[np.float64], py: NDArray[np.float64],
                 step: float) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Per-edge sampling tables (CSR order), cached per network, projection and step.

    ``canonical``: the edge is one-way or goes from the lower- to the higher-numbered node
    (of a two-way pair, the one sampled when both ends are reached). ``n_interior``: number
    of interior points, ``max(ceil(length / step), 1) - 1``; point ``k`` (1..n) lies at
    fraction ``k / (n + 1)``, the same points in both directions.
    """
    return cast("tuple[NDArray[np.bool_], NDArray[np.int64]]", _per_projection(
        _EDGE_TABLES, network, px, py, step,
        lambda: _edge_tables_uncached(network, px, py, step)))


def _edge_tables_uncached(network: Network, px: NDArray[np.float64],
                          py: NDArray[np.float64], step: float
                          ) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Compute the tables of :func:`_edge_tables` (not cached)."""
    u, v, _ = network.edges()
    canonical = (u < v) | np.isinf(network.reverse_edge_times())
    n_interior = np.maximum(np.ceil(np.hypot(px[v] - px[u], py[v] - py[u]) / step)
                            .astype(np.int64), 1) - 1
    transit = network.info.get("transit_from_node")
    if isinstance(transit, (int, np.integer)):  # rail and station links: nobody gets off between the ends
        n_interior[(u >= transit) | (v >= transit)] = 0
    return canonical, n_interior


_FRAC_TABLE_N = 32
_n_tab, _k_tab = np.ogrid[0:_FRAC_TABLE_N, 0:_FRAC_TABLE_N + 1]
_FRACS = np.where(_k_tab <= _n_tab, _k_tab / (_n_tab + 1), 0.0)
"""``_FRACS[n, k]`` = ``k / (n + 1)``: the sample fractions of an edge with ``n`` interior
points (the same division as :func:`_sample_edges`, looked up by the compiled kernel)."""


def _edge_codes(network: Network, px: NDArray[np.float64], py: NDArray[np.float64],
                step: float) -> NDArray[np.signedinteger[Any]]:
    """Pack the tables of :func:`_edge_tables` into one for the compiled kernel (cached).

    One integer per edge: ``n_interior``, negated where the edge is not ``canonical``; int32
    (4 bytes per edge instead of 9: the kernel streams through the reached nodes' edges).
    The two tables themselves are not kept.
    """
    def pack() -> NDArray[np.signedinteger[Any]]:
        canonical, n_interior = _edge_tables_uncached(network, px, py, step)
        dtype = np.int32 if n_interior.size == 0 or n_interior.max() < 2**31 - 1 else np.int64
        return np.where(canonical, n_interior, -n_interior).astype(dtype)

    return cast("NDArray[np.signedinteger[Any]]",
                _per_projection(_EDGE_CODES, network, px, py, step, pack))


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
    k = np.arange(1, edge_of.size + 1, dtype=np.int64)
    k -= np.repeat(np.cumsum(n_in) - n_in, n_in)
    frac = k / np.repeat(n_in + 1, n_in)
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
               stages: _Stages, use_kernels: bool = True) -> NDArray[np.float32]:
    """Off-network access: each cell takes its nearest network cell's time plus the walk.

    ``net_s`` is the flat network-time raster (inf off the roads). Each off-road cell takes
    the time of its nearest network cell (Euclidean, in cells) within ``max_access_m``; among
    equally near network cells the earliest counts; plus the straight walk at ``walk_ms``.
    Cells whose nearest network cell is farther than ``max_access_m`` or whose total exceeds
    ``cutoff_s`` stay NaN.

    Compiled (:func:`geourb._kernels.walk_fill`): an exact two-pass squared-distance
    transform restricted to the reach, keeping with each distance the earliest time (each
    row's nearest road cell, then the least over the rows within reach), in one pass over the
    grid without full-grid temporaries. NumPy: the off-road cells within the square reach
    (a separable maximum filter) search the offsets ring by ring of increasing distance (a
    reach up to ``_RING_SEARCH_MAX_CELLS`` cells), or take their nearest distance from
    :func:`scipy.ndimage.distance_transform_edt` first and then scan the offsets at exactly
    that distance. Both give the same surface.

    The grid must have a margin of more than ``max_access_m`` without network cells (as
    :func:`_grid_shape` gives it): the NumPy path applies offsets to flat indices.
    """
    reach = math.floor(max_access_m / cell_m)
    if _kernels.HAVE_NUMBA and use_kernels and reach <= _kernels.MAX_REACH:
        # the squared distances of the offsets within the square reach that pass the same
        # exact float test as below: 1..d2_max (the test is monotone in the distance)
        sq = np.arange(reach + 1) ** 2
        d2_all = np.add.outer(sq, sq).ravel()
        ok_all = (d2_all > 0) & ~(np.sqrt(d2_all.astype(np.float64)) * cell_m > max_access_m)
        d2_max = int(d2_all[ok_all].max()) if ok_all.any() else 0
        # the walk over each squared distance, as below (IEEE sqrt, then * and /, elementwise);
        # walk_s[0] = 0: a road cell keeps its time; a final inf: out of reach
        walk_s = np.append(np.sqrt(np.arange(d2_max + 1, dtype=np.float64)) * cell_m / walk_ms,
                           math.inf)
        out = np.empty(rows * cols, dtype=np.float32)
        stages.tick("walk_near")
        _kernels.walk_fill(net_s, rows, cols, reach, walk_s, float(cutoff_s), out)
        stages.tick("walk_fill")
        return out.reshape(rows, cols)
    from scipy.ndimage import maximum_filter

    # offsets (dr, dc) within the reach, grouped by squared distance (exact float test)
    dr, dc = np.mgrid[-reach:reach + 1, -reach:reach + 1]
    d2 = (dr * dr + dc * dc).ravel()
    ok = (d2 > 0) & ~(np.sqrt(d2.astype(np.float64)) * cell_m > max_access_m)
    minutes = np.full(rows * cols, np.nan, dtype=np.float32)
    road = np.flatnonzero(np.isfinite(net_s))
    minutes[road] = (net_s[road] / 60.0).astype(np.float32)
    if reach < 1 or road.size == 0:
        stages.tick("walk_fill")
        return minutes.reshape(rows, cols)
    is_road = np.zeros(rows * cols, dtype=np.uint8)
    is_road[road] = 1
    near = maximum_filter(is_road.reshape(rows, cols), size=2 * reach + 1, mode="constant")
    stages.tick("walk_near")
    # flat offsets into net_s padded with ``reach`` rows of inf above and below; a column
    # offset past the left or right edge lands in the road-free margin of the next row
    flat_off = ((dr.ravel() + reach) * cols + dc.ravel())[ok]
    d2 = d2[ok]
    order = np.argsort(d2, kind="stable")
    flat_off, d2 = flat_off[order], d2[order]
    todo = np.flatnonzero(near.ravel() > is_road)  # off-road cells within the square reach
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


_SCRATCH = threading.local()
_SCRATCH_MAX_BYTES = 64 * 2**20
"""Scratch buffers up to this size are kept per thread between calls (see :func:`_scratch`)."""


def _scratch(name: str, size: int, dtype: type[np.generic]) -> NDArray[Any]:
    """Return a buffer of ``size`` items whose contents are undefined, reused between calls.

    Kept per thread (up to ``_SCRATCH_MAX_BYTES`` each), so repeated isochrones do not pay
    the page faults of fresh multi-megabyte arrays every time; larger ones are not kept.
    """
    store: dict[str, NDArray[Any]] = _SCRATCH.__dict__
    buf = store.get(name)
    if buf is not None and buf.dtype == dtype and buf.size >= size:
        return buf[:size]
    buf = np.empty(size, dtype=dtype)
    if buf.nbytes <= _SCRATCH_MAX_BYTES:
        store[name] = buf
    return buf


@dataclass
class _Rings:
    """Band outlines as flat ring arrays, grouped band by band, polygon by polygon.

    ``xy`` (map units of the grid) holds closed rings delimited by ``offsets``; the rings of a
    polygon are consecutive with the shell first; ``band`` and ``poly`` give each ring's band
    index and polygon index (increasing); ``hole`` flags the holes; ``area`` is each band's
    area in squared map units (shells minus holes).
    """

    xy: NDArray[np.float64]
    offsets: NDArray[np.int64]
    band: NDArray[np.int64]
    poly: NDArray[np.int64]
    hole: NDArray[np.bool_]
    area: NDArray[np.float64]


def _band_rings(minutes: NDArray[np.float32], bands: NDArray[np.float64], transform: Affine,
                *, use_kernels: bool = True) -> _Rings:
    """Outline ``minutes <= band`` for every band (marching squares on the 0/1 raster).

    The boundary runs through the midpoints between inside and outside cell centres (on the
    cell edges, with the staircase corners cut diagonally: within 0.36 cells of
    :func:`rasterio.features.shapes`' outline, areas within ~0.1 %); holes and islands are
    kept; vertices on straight runs are dropped (the polygons are unchanged). With numba, all
    bands are traced in one compiled pass (:mod:`geourb._contour`); without, band by band with
    :mod:`contourpy`. Both give the same polygons.
    """
    rows, cols = minutes.shape
    fits = bands.size < 255 and 2 * (rows + 2) * (cols + 2) < 2**31  # uint8 levels, int32 ids
    if _kernels.HAVE_NUMBA and use_kernels and fits:
        return _band_rings_compiled(minutes, bands, transform)
    return _band_rings_contourpy(minutes, bands, transform)


def _to_map(col: NDArray[np.float64], row: NDArray[np.float64],
            transform: Affine) -> NDArray[np.float64]:
    """Grid coordinates (cell-edge units) to map coordinates, as an ``(n, 2)`` array."""
    return np.column_stack([transform.c + col * transform.a + row * transform.b,
                            transform.f + col * transform.d + row * transform.e])


def _band_rings_compiled(minutes: NDArray[np.float32], bands: NDArray[np.float64],
                         transform: Affine) -> _Rings:
    """:func:`_band_rings` with the compiled tracer of :mod:`geourb._contour`."""
    from geourb import _contour

    nb = bands.size
    nrow, ncol = minutes.shape
    # one outside row above and below, one column left and >= 8 right; width a multiple of 8
    width = (ncol + 2) // 8 * 8 + 16
    lev = _scratch("lev", (nrow + 2) * width, np.uint8).reshape(nrow + 2, width)
    n_box = (nrow + 1) * (ncol + 1)
    q_i, q_j = _scratch("q_i", n_box, np.int32), _scratch("q_j", n_box, np.int32)
    q_lev = _scratch("q_lev", n_box, np.uint32)
    q_min, q_max = _scratch("q_min", n_box, np.uint8), _scratch("q_max", n_box, np.uint8)
    # float32 or float64 as given (compiled for each): rounding float64 minutes to float32
    # could put a cell just past a band limit inside it
    values = minutes if minutes.dtype in (np.float32, np.float64) else minutes.astype(np.float64)
    n_quads, span = _contour.band_quads(
        np.ascontiguousarray(values), np.ascontiguousarray(bands, dtype=np.float64),
        lev, lev.view(np.uint64), q_i, q_j, q_lev, q_min, q_max)
    if n_quads == 0:
        return _empty_rings(nb)
    n_ids = 2 * (nrow + 2) * (ncol + 2)  # two crossings per cell of the padded box
    n_vert, n_ring = 2 * span + span // 2 + 16, span // 2 + 16
    x2, y2 = _scratch("x2", n_vert, np.int32), _scratch("y2", n_vert, np.int32)
    start = _scratch("ring_start", n_ring + 1, np.int64)
    band, shell, area8 = (_scratch(name, n_ring, np.int64) for name in ("band", "shell", "area8"))
    _, n_rings = _contour.trace_bands(
        nrow, ncol, nb, _contour.SEGMENTS, _contour.SEGMENT_COUNT, q_i, q_j, q_lev,
        q_min, q_max, lev, n_quads, _scratch("bucket", span, np.int32),
        _scratch("nxt", n_ids, np.int32), _scratch("step", n_ids, np.uint8),
        _scratch("froms", 2 * n_quads + 1, np.int64), x2, y2, start, band, shell, area8,
        _scratch("left", n_ring, np.int64))
    # views of the used parts: everything returned below is a new array (fancy indexing,
    # comparisons), never a view of the scratch buffers that the next call reuses
    start, band, shell, area8 = (start[:n_rings + 1], band[:n_rings], shell[:n_rings],
                                 area8[:n_rings])
    hole = area8 < 0
    order = np.lexsort((hole, shell, band))  # by band, polygon (its shell), shell first
    sizes = np.diff(start)[order]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    take = np.repeat(start[:-1][order] - offsets[:-1], sizes) + np.arange(offsets[-1])
    xy = _to_map(x2[take] / 2.0, y2[take] / 2.0, transform)
    hole = hole[order]
    det = transform.a * transform.e - transform.b * transform.d
    if det > 0:  # a mirrored (e.g. south-up) grid: exteriors came out clockwise on the map
        xy = _reverse_rings(xy, offsets, np.ones(offsets.size - 1, dtype=bool))
    cell_area = abs(det)
    area = np.bincount(band, weights=area8 / 8.0, minlength=nb) * cell_area
    return _Rings(xy=xy, offsets=offsets, band=band[order], poly=np.cumsum(~hole) - 1,
                  hole=hole, area=area)


def _empty_rings(nb: int) -> _Rings:
    empty = np.empty(0, dtype=np.int64)
    return _Rings(xy=np.empty((0, 2)), offsets=np.zeros(1, dtype=np.int64), band=empty,
                  poly=empty, hole=np.empty(0, dtype=bool), area=np.zeros(nb))


def _band_rings_contourpy(minutes: NDArray[np.float32], bands: NDArray[np.float64],
                          transform: Affine) -> _Rings:
    """:func:`_band_rings` with :mod:`contourpy`, one band at a time (no numba needed).

    Each band's 0/1 raster is traced within its bounding box (searched within the largest
    band's), with a ring of outside cells around it.
    """
    import contourpy

    with np.errstate(invalid="ignore"):  # NaN compares False
        last = minutes <= bands[-1]
    rr, cc = np.flatnonzero(last.any(axis=1)), np.flatnonzero(last.any(axis=0))
    if rr.size == 0:
        return _empty_rings(bands.size)
    r0, r1, c0, c1 = int(rr[0]), int(rr[-1]) + 1, int(cc[0]), int(cc[-1]) + 1
    sub = minutes[r0:r1, c0:c1]
    parts: list[tuple[NDArray[np.float64], NDArray[np.int64], int, NDArray[np.bool_]]] = []
    for k, band in enumerate(bands):
        if k == len(bands) - 1:
            mask = last[r0:r1, c0:c1]
        else:
            with np.errstate(invalid="ignore"):
                mask = sub <= band
        mr, mc = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        if mr.size == 0:
            continue
        b0, b1, d0, d1 = int(mr[0]), int(mr[-1]) + 1, int(mc[0]), int(mc[-1]) + 1
        z = np.zeros((b1 - b0 + 2, d1 - d0 + 2))  # a ring of outside cells around the box
        z[1:-1, 1:-1] = mask[b0:b1, d0:d1]
        gen = contourpy.contour_generator(z=z, fill_type="OuterOffset", name="serial")
        points, point_offsets = cast("FillReturn_OuterOffset", gen.filled(0.5, 2.0))
        for pts, offs in zip(points, point_offsets, strict=True):
            # z index (i, j) is the centre of cell (r0 + b0 + i - 1, c0 + d0 + j - 1)
            ij, ring_off = _drop_collinear(pts, offs.astype(np.int64))
            xy = _to_map(ij[:, 0] + (c0 + d0 - 0.5), ij[:, 1] + (r0 + b0 - 0.5), transform)
            hole = np.arange(ring_off.size - 1) > 0
            parts.append((xy, ring_off, k, hole))
    if not parts:
        return _empty_rings(bands.size)
    sizes = np.concatenate([np.diff(p[1]) for p in parts])
    xy_all = np.concatenate([p[0] for p in parts])
    band = np.concatenate([np.full(p[3].size, p[2]) for p in parts]).astype(np.int64)
    hole = np.concatenate([p[3] for p in parts])
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    signed = _ring_areas(xy_all, offsets)
    # exteriors counter-clockwise, holes clockwise on the map (as the compiled tracer gives)
    xy_all = _reverse_rings(xy_all, offsets, (signed < 0) != hole)
    area = np.bincount(band, weights=np.where(hole, -1.0, 1.0) * np.abs(signed),
                       minlength=bands.size).astype(np.float64)
    return _Rings(xy=xy_all, offsets=offsets, band=band, poly=np.cumsum(~hole) - 1,
                  hole=hole, area=area)


def _reverse_rings(xy: NDArray[np.float64], offsets: NDArray[np.int64],
                   flip: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Reverse the vertex order of the closed rings flagged in ``flip``."""
    if not flip.any():
        return xy
    sizes = np.diff(offsets)
    ring = np.repeat(np.arange(sizes.size), sizes)
    i = np.arange(xy.shape[0])
    rev = offsets[:-1][ring] + offsets[1:][ring] - 1 - i
    return xy[np.where(flip[ring], rev, i)]


def _ring_areas(xy: NDArray[np.float64], offsets: NDArray[np.int64]) -> NDArray[np.float64]:
    """Signed shoelace area of each closed ring (counter-clockwise positive)."""
    x, y = xy[:, 0], xy[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    cross = np.append(cross, 0.0)
    cross[offsets[1:-1] - 1] = 0.0  # the step from one ring's last point to the next ring's
    return np.add.reduceat(cross, offsets[:-1]) / 2.0 if offsets.size > 1 else np.zeros(0)


def _band_multipolygons(rings: _Rings, xy: NDArray[np.float64],
                        n_bands: int) -> list[shapely.MultiPolygon]:
    """One MultiPolygon per band from ``rings`` with the vertices ``xy`` (any coordinates)."""
    out = [shapely.MultiPolygon() for _ in range(n_bands)]
    if rings.band.size == 0:
        return out
    sizes = np.diff(rings.offsets)
    geoms = shapely.linearrings(xy, indices=np.repeat(np.arange(sizes.size), sizes))
    polys = shapely.polygons(geoms, indices=rings.poly)
    poly_band = rings.band[~rings.hole]
    present = np.unique(poly_band)
    multi = shapely.multipolygons(polys, indices=np.searchsorted(present, poly_band))
    for k, geom in zip(present, np.atleast_1d(multi), strict=True):
        out[int(k)] = geom
    return out


def _drop_collinear(xy: NDArray[np.float64], offsets: NDArray[np.int64]
                    ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Drop the vertices of closed rings that lie on a straight run (exact test).

    ``xy`` holds closed rings (first point repeated last) delimited by ``offsets``. The
    marching-squares vertices lie on a half-cell lattice, so the cross product of the two
    adjacent segments is exact and a vertex with zero cross product lies on the segment
    between its neighbours: removing it leaves the polygon exactly the same. The closing
    vertex of each ring is kept (rings stay closed and keep >= 4 points).
    """
    n = xy.shape[0]
    ring_id = np.repeat(np.arange(offsets.size - 1), np.diff(offsets))
    first, last = offsets[:-1], offsets[1:] - 1
    # neighbours within the ring, skipping the duplicated closing point
    prev = np.arange(-1, n - 1)
    prev[first] = last - 1
    nxt = np.arange(1, n + 1)
    nxt[last - 1] = first
    nxt[last] = first + 1
    ax, ay = xy[:, 0] - xy[prev, 0], xy[:, 1] - xy[prev, 1]
    bx, by = xy[nxt, 0] - xy[:, 0], xy[nxt, 1] - xy[:, 1]
    keep = (ax * by != ay * bx) | (ax * bx + ay * by <= 0)  # a turn, or a spike
    keep[first] = True
    keep[last] = True
    counts = np.bincount(ring_id[keep], minlength=offsets.size - 1)
    if (counts < 4).any():  # degenerate ring (cannot happen for cell outlines): keep all
        return xy, offsets
    return xy[keep], np.concatenate([[0], np.cumsum(counts)])
