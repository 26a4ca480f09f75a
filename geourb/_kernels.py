"""Compiled loops for the isochrone surface (optional: used when numba is installed).

Each kernel does in one pass what :mod:`geourb._surface` otherwise does with whole-array
NumPy steps and their temporaries, giving the same surface bit for bit
(``tests/test_isochrones.py`` and ``tests/test_walkfill.py`` compare them):

- :func:`reach_extent`: the box of the reached nodes and reached parts of edges (for the grid);
- :func:`sample_raster`: the points sampled every half cell along the edges leaving reached
  nodes (see ``geourb._surface._sample_edges``), each cell's minimum time, without
  materialising the samples; one packed int32 code per edge (interior points, sign = which
  direction of a two-way road samples it) and a table of the fractions ``k / (n + 1)``;
- :func:`walk_fill`: the whole surface in minutes in one pass over the grid. Each off-road
  cell takes its nearest road cell's time plus the walk (the earliest of equally near ones)
  from an exact squared-distance transform restricted to the walking reach and carrying the
  time with the distance: each row's nearest road cell (:func:`_row_nearest`, along the row
  segments within reach of a road cell), then the least ``(distance, time)`` pair over the
  ``2 reach + 1`` rows around each cell (:func:`_column_pass`, nearest rows first). A ring
  buffer of ``2 reach + 1`` rows replaces every full-grid temporary;
- :func:`poly2d_pair`: two tensor polynomials (lon and lat fitted to PROJ) at many points.

Install with ``pip install "geourb[fast]"`` (numba); without it nothing changes but speed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

_F = TypeVar("_F", bound=Callable[..., Any])
_Ints = NDArray[np.integer[Any]]
_Floats = NDArray[np.float64]


def _stand_in_njit(*args: Any, **kwargs: Any) -> Callable[[_F], _F]:  # pragma: no cover
    """Stand-in decorator: the kernels are never called without numba."""
    def wrap(func: _F) -> _F:
        return func
    return wrap


njit: Callable[..., Any]
try:  # pragma: no cover - exercised when numba is installed
    from numba import njit as _numba_njit
except ImportError:  # pragma: no cover
    HAVE_NUMBA = False
    njit = _stand_in_njit
else:  # pragma: no cover
    HAVE_NUMBA = True
    njit = _numba_njit


@njit(cache=True, nogil=True)
def sample_raster(indptr: _Ints, indices: _Ints, data: _Floats, w_rev: _Floats, code: _Ints,
                  fracs: _Floats, times: _Floats, reached: _Ints, px: _Floats, py: _Floats,
                  cutoff_s: float, x0: float, y1: float, cell_m: float, cols: int,
                  net_s: _Floats) -> None:  # pragma: no cover - compiled
    """Each cell's minimum time (s) over the reached nodes and edge samples, into ``net_s``.

    ``code`` (per edge, CSR order): the number of interior samples ``n``, negative when the
    edge is not the canonical one of a two-way pair (sampled only when its end is
    unreached). ``fracs[n, k]`` = ``k / (n + 1)`` for ``n < fracs.shape[0]`` (a table of
    the same divisions). Minimum stores are branch-free.
    """
    n_tab = fracs.shape[0]
    for i in range(reached.size):
        u = reached[i]
        xu = px[u]
        yu = py[u]
        t_u = times[u]
        # float floors, then one conversion: the NumPy path's arithmetic (exact below 2**53)
        idx = int(np.floor((y1 - yu) / cell_m) * cols + np.floor((xu - x0) / cell_m))
        net_s[idx] = min(net_s[idx], t_u)
        for pos in range(indptr[u], indptr[u + 1]):
            n = code[pos]
            if n == 0:
                continue
            v = indices[pos]
            t_v = times[v]
            if n < 0:  # the other direction samples this road unless v is unreached
                if not math.isinf(t_v):
                    continue
                n = -n
            w = data[pos]
            wr = w_rev[pos]
            dx = px[v] - xu
            dy = py[v] - yu
            for k in range(1, n + 1):
                frac = fracs[n, k] if n < n_tab else k / (n + 1)
                st = min(w * frac + t_u, (1.0 - frac) * wr + t_v)
                if st <= cutoff_s:
                    x = dx * frac + xu
                    y = dy * frac + yu
                    idx = int(np.floor((y1 - y) / cell_m) * cols + np.floor((x - x0) / cell_m))
                    net_s[idx] = min(net_s[idx], st)


MAX_REACH = 2896
"""The largest reach (cells) of :func:`walk_fill`: float32 squared distances stay exact."""

_MERGE_CELLS = 32
"""Row segments of :func:`walk_fill` separated by fewer cells out of reach are merged."""


@njit(cache=True, nogil=True)
def _row_nearest(row: _Floats, reach: int, h2: NDArray[np.float32], t_near: _Floats,
                 road_cols: NDArray[np.int64], seg: NDArray[np.int64]
                 ) -> int:  # pragma: no cover - compiled
    """Pass 1 of :func:`walk_fill` on one row: the nearest road cell within ``reach`` columns.

    For each cell of ``row`` (network times, inf off the roads) within ``reach`` columns of a
    road cell of the row: ``h2`` = squared column distance to the nearest one, ``t_near`` =
    its time (the earlier of two equally near ones). These cells form segments, written as
    ``(start, end)`` pairs into ``seg``; the number of segments is returned. Segments with
    fewer than ``_MERGE_CELLS`` cells out of reach between them are merged (those cells get
    inf); elsewhere the arrays are left stale. ``road_cols`` is scratch space of
    ``row.size + 1`` entries.
    """
    cols = row.size
    inf = np.inf
    k = 0
    for c in range(cols):  # the road columns, branch-free
        road_cols[k] = c
        k += row[c] < inf
    if k == 0:
        return 0
    far = 2 * reach + 2  # two road cells this far apart have cells out of reach between them
    p = -far  # the previous road column (virtual: out of reach before the row)
    tp = inf
    n = 0
    for i in range(k + 1):
        if i < k:
            a = road_cols[i]
            ta = row[a]
            h2[a] = 0.0
            t_near[a] = ta
            if a == p + 1:  # no gap
                p = a
                tp = ta
                continue
        else:  # a virtual road column out of reach after the row
            a = cols + far
            ta = inf
        if a - p < far:  # every cell between within reach of p or a (both real columns)
            t_mid = min(tp, ta)
            for g in range(p + 1, a):
                dl = g - p
                dr = a - g
                d = min(dl, dr)
                h2[g] = d * d
                t_near[g] = tp if dl < dr else (ta if dr < dl else t_mid)
        else:
            for g in range(max(p + 1, 0), min(p + reach + 1, cols)):  # within reach of p
                d = g - p
                h2[g] = d * d
                t_near[g] = tp
            if p >= 0 and i < k and a - p < far + _MERGE_CELLS:
                for g in range(p + reach + 1, a - reach):  # a short stretch out of reach
                    h2[g] = inf
                    t_near[g] = inf
            else:  # end the segment after p, start one before a
                if p >= 0:
                    seg[2 * n - 1] = min(p + reach + 1, cols)
                if i < k:
                    seg[2 * n] = max(a - reach, 0)
                    n += 1
            for g in range(max(a - reach, 0), min(a, cols)):  # within reach of a
                d = a - g
                h2[g] = d * d
                t_near[g] = ta
        p = a
        tp = ta
    return n


@njit(cache=True, nogil=True)
def _column_pass(h2: NDArray[np.float32], t_near: _Floats, q: np.float32,
                 best_d2: NDArray[np.float32], best_t: _Floats,
                 start: int, end: int) -> None:  # pragma: no cover - compiled
    """Least ``(d2, time)`` pairs: ``(best_d2, best_t)`` against ``(h2 + q, t_near)``.

    Over the columns ``start:end``: an unsigned loop (no negative-index test per access,
    so LLVM vectorises the loads and compares).
    """
    for c in range(np.uint64(start), np.uint64(end)):
        x = h2[c] + q
        t = t_near[c]
        b = best_d2[c]
        if x < b or (x == b and t < best_t[c]):
            best_d2[c] = x
            best_t[c] = t


@njit(cache=True, nogil=True)
def _finish_row(best_d2: NDArray[np.float32], best_t: _Floats, walk_s: _Floats, cutoff_s: float,
                out: NDArray[np.float32], start: int, end: int) -> None:  # pragma: no cover
    """Minutes of the cells ``start:end`` of a row from their least pairs; reset the pairs."""
    nan32 = np.float32(np.nan)
    top = float(walk_s.size - 1)
    for c in range(np.uint64(start), np.uint64(end)):
        d2 = best_d2[c]
        total = best_t[c] + walk_s[np.uint64(min(d2, top))]  # a road cell: + 0; none: + inf
        out[c] = np.float32(total / 60.0) if (total <= cutoff_s) | (d2 == 0.0) else nan32
        best_d2[c] = np.inf
        best_t[c] = np.inf


@njit(cache=True, nogil=True)
def walk_fill(net_s: _Floats, rows: int, cols: int, reach: int, walk_s: _Floats,
              cutoff_s: float, minutes: NDArray[np.float32]) -> None:  # pragma: no cover
    """Write the whole surface in minutes into ``minutes`` (every cell).

    A road cell (finite ``net_s``) keeps its time. Any other cell takes the time of its
    nearest road cell within the ``(2 reach + 1)`` square (least squared distance ``d2`` in
    cells; the earliest time among equally near ones) plus ``walk_s[d2]``, the walk (s), if
    ``d2 < walk_s.size - 1`` and the total is within ``cutoff_s``; else NaN. ``walk_s[0]``
    is 0 and its last entry inf.

    Exact and separable: the least ``(d2, time)`` pair over the square is the least over its
    rows of ``dr**2`` plus the row's least pair. Pass 1 (:func:`_row_nearest`) finds each
    row's nearest road cell, ``reach`` rows ahead, into a ring buffer of ``2 reach + 1``
    rows; pass 2 (:func:`_column_pass`) takes the least pair over the rows within reach of
    each cell, along the row segments within reach of a road cell only. No full-grid
    temporaries; the cost follows the cells near the roads. Squared distances are float32,
    exact up to ``2 reach**2 < 2**24``: ``reach <= MAX_REACH``.
    """
    ring = max(min(2 * reach + 1, rows), 1)  # rows r - reach .. r + reach, at most the grid
    h2 = np.empty((ring, cols), np.float32)  # squared distances: exact small integers
    t_near = np.empty((ring, cols))
    n_seg = np.zeros(ring, np.int64)
    seg = np.empty((ring, cols + 2), np.int64)
    road_cols = np.empty(cols + 1, np.int64)
    best_d2 = np.full(cols, np.inf, np.float32)
    best_t = np.full(cols, np.inf)
    nan32 = np.float32(np.nan)
    for r in range(rows + reach):
        if r < rows:
            s = r % ring
            n_seg[s] = _row_nearest(net_s[r * cols:(r + 1) * cols], reach, h2[s], t_near[s],
                                    road_cols, seg[s])
        rc = r - reach  # the row finished now
        if rc < 0:
            continue
        out = minutes[rc * cols:(rc + 1) * cols]
        r0 = max(rc - reach, 0)
        r1 = min(rc + reach + 1, rows)
        first = cols
        last = 0
        for rr in range(r0, r1):
            s = rr % ring
            if n_seg[s]:
                first = min(first, seg[s, 0])
                last = max(last, seg[s, 2 * n_seg[s] - 1])
        if first >= last:
            out[:] = nan32
            continue
        out[:first] = nan32
        out[last:] = nan32
        for m in range(2 * reach + 1):  # rows rc, rc + 1, rc - 1, rc + 2, ...: the nearest
            rr = rc + ((m + 1) // 2 if m % 2 else -(m // 2))  # first, later ones rarely win
            if not r0 <= rr < r1:
                continue
            s = rr % ring
            q = np.float32((rr - rc) ** 2)
            h2_s = h2[s]
            t_s = t_near[s]
            for j in range(n_seg[s]):
                _column_pass(h2_s, t_s, q, best_d2, best_t, seg[s, 2 * j], seg[s, 2 * j + 1])
        _finish_row(best_d2, best_t, walk_s, cutoff_s, out, first, last)


@njit(cache=True, nogil=True)
def reach_extent(indptr: _Ints, indices: _Ints, data: _Floats, times: _Floats, reached: _Ints,
                 px: _Floats, py: _Floats, cutoff_s: float
                 ) -> tuple[float, float, float, float]:  # pragma: no cover - compiled
    """``(xmin, xmax, ymin, ymax)`` covering the reached nodes and the reached parts of edges.

    An edge ``u -> v`` to an unreached ``v`` is reached up to the fraction
    ``min((cutoff_s - t_u) / w, 1)``; every edge sample within the cut-off lies between ``u``
    and that point (the same arithmetic as ``geourb._surface._reach_extent_numpy``).
    """
    xmin = np.inf
    xmax = -np.inf
    ymin = np.inf
    ymax = -np.inf
    for i in range(reached.size):
        u = reached[i]
        xu = px[u]
        yu = py[u]
        xmin = min(xmin, xu)
        xmax = max(xmax, xu)
        ymin = min(ymin, yu)
        ymax = max(ymax, yu)
        t_u = times[u]
        for pos in range(indptr[u], indptr[u + 1]):
            v = indices[pos]
            if times[v] <= cutoff_s:
                continue
            w = data[pos]
            f = 1.0
            if w > 0.0:
                f = min((cutoff_s - t_u) / w, 1.0)
            x = (px[v] - xu) * f + xu
            y = (py[v] - yu) * f + yu
            xmin = min(xmin, x)
            xmax = max(xmax, x)
            ymin = min(ymin, y)
            ymax = max(ymax, y)
    return xmin, xmax, ymin, ymax


@njit(cache=True, nogil=True)
def poly2d_pair(xy: _Floats, xc: float, yc: float, sx: float, sy: float, coef: _Floats,
                out: _Floats) -> None:  # pragma: no cover - compiled
    """``out[i, m] = sum c[p, q, m] u^p v^q`` with ``u = (x - xc) sx``, ``v = (y - yc) sy``.

    ``coef`` has shape ``(deg + 1, deg + 1, 2)``; evaluated by Horner's rule in ``u`` then
    ``v`` (the order of the NumPy fallback in ``geourb.isochrones._fit_lonlat``), each step
    over all points at once so that the loops vectorise.
    """
    deg = coef.shape[0] - 1
    n = xy.shape[0]
    u = np.empty(n)
    v = np.empty(n)
    t = np.empty(n)
    acc = np.empty(n)
    for i in range(n):
        u[i] = (xy[i, 0] - xc) * sx
        v[i] = (xy[i, 1] - yc) * sy
    for m in range(2):
        acc[:] = 0.0
        for q in range(deg, -1, -1):
            t[:] = coef[deg, q, m]
            for p in range(deg - 1, -1, -1):
                c = coef[p, q, m]
                for i in range(n):
                    t[i] = t[i] * u[i] + c
            for i in range(n):
                acc[i] = acc[i] * v[i] + t[i]
        for i in range(n):
            out[i, m] = acc[i]
