"""Compiled loops for the isochrone surface (optional: used when numba is installed).

Each kernel does in one pass what :mod:`geourb.isochrones` otherwise does with whole-array
NumPy steps and their temporaries, with the same arithmetic in the same order, so both paths
give the same surface (``tests/test_isochrones.py`` compares them):

- :func:`reach_extent`: the box of the reached nodes and reached parts of edges (for the grid);
- :func:`sample_raster`: the points sampled every half cell along the edges leaving reached
  nodes (see ``geourb._surface._sample_edges``), each cell's minimum time, without
  materialising the samples;
- :func:`near_mask`: the cells with a road cell in the square walking reach;
- :func:`walk_fill`: each off-road cell near a road takes its nearest road cell's time plus the
  walk (the earliest of equally near ones), searching offsets ring by ring.

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
_Bools = NDArray[np.bool_]


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
def sample_raster(indptr: _Ints, indices: _Ints, data: _Floats, w_rev: _Floats, canonical: _Bools,
                  n_interior: _Ints, times: _Floats, reached: _Ints, px: _Floats, py: _Floats,
                  cutoff_s: float, x0: float, y1: float, cell_m: float, cols: int,
                  net_s: _Floats) -> None:  # pragma: no cover - compiled
    """Each cell's minimum time (s) over the reached nodes and edge samples, into ``net_s``."""
    for i in range(reached.size):
        u = reached[i]
        xu = px[u]
        yu = py[u]
        t_u = times[u]
        idx = int(math.floor((y1 - yu) / cell_m) * cols + math.floor((xu - x0) / cell_m))
        if t_u < net_s[idx]:
            net_s[idx] = t_u
        for pos in range(indptr[u], indptr[u + 1]):
            n = n_interior[pos]
            v = indices[pos]
            t_v = times[v]
            if n == 0 or not (canonical[pos] or math.isinf(t_v)):
                continue
            w = data[pos]
            wr = w_rev[pos]
            dx = px[v] - xu
            dy = py[v] - yu
            for k in range(1, n + 1):
                frac = k / (n + 1)
                st = w * frac + t_u
                back = (1.0 - frac) * wr + t_v
                if back < st:
                    st = back
                if st <= cutoff_s:
                    x = dx * frac + xu
                    y = dy * frac + yu
                    idx = int(math.floor((y1 - y) / cell_m) * cols
                              + math.floor((x - x0) / cell_m))
                    if st < net_s[idx]:
                        net_s[idx] = st


@njit(cache=True, nogil=True)
def walk_fill(net_s: _Floats, near: _Bools | NDArray[np.uint8], rows: int, cols: int, dr: _Ints, dc: _Ints, d2: _Ints,
              group_start: _Ints, cell_m: float, walk_ms: float, cutoff_s: float,
              minutes: NDArray[np.float32]) -> None:  # pragma: no cover - compiled
    """Off-road cells flagged in ``near``: nearest road cell's time + the walk, in ``minutes``.

    ``dr``, ``dc``, ``d2``: the offsets within the reach sorted by squared distance;
    ``group_start``: where each squared distance starts (with a final end index).
    """
    reach = 0
    for j in range(dr.size):
        reach = max(reach, abs(dr[j]), abs(dc[j]))
    flat = dr * cols + dc
    for idx in range(rows * cols):
        if not near[idx] or math.isfinite(net_s[idx]):
            continue
        r = idx // cols
        c = idx - r * cols
        inner = reach <= r < rows - reach and reach <= c < cols - reach
        for g in range(group_start.size - 1):
            best = np.inf
            for j in range(group_start[g], group_start[g + 1]):
                if inner:  # every offset stays on the grid: no bounds test
                    val = net_s[idx + flat[j]]
                else:
                    rr = r + dr[j]
                    cc = c + dc[j]
                    if not (0 <= rr < rows and 0 <= cc < cols):
                        continue
                    val = net_s[rr * cols + cc]
                if val < best:
                    best = val
            if math.isfinite(best):
                total = best + math.sqrt(d2[group_start[g]]) * cell_m / walk_ms
                if total <= cutoff_s:
                    minutes[idx] = np.float32(total / 60.0)
                break


@njit(cache=True, nogil=True)
def near_mask(is_road: NDArray[np.uint8], rows: int, cols: int, reach: int,
              near: NDArray[np.uint8]) -> None:  # pragma: no cover - compiled
    """``near`` = 1 where a road cell lies within the ``2 reach + 1`` square around the cell.

    The same as ``scipy.ndimage.maximum_filter(is_road, size=2 * reach + 1, mode="constant")``
    on the ``(rows, cols)`` 0/1 raster, as two running-count passes (rows, then columns).
    """
    tmp = np.zeros(rows * cols, dtype=np.int32)
    for r in range(rows):
        base = r * cols
        count = 0
        for c in range(min(reach, cols)):  # window [c - reach, c + reach] before c = 0
            count += is_road[base + c]
        for c in range(cols):
            if c + reach < cols:
                count += is_road[base + c + reach]
            if c - reach - 1 >= 0:
                count -= is_road[base + c - reach - 1]
            tmp[base + c] = count
    counts = np.zeros(cols, dtype=np.int32)
    for r in range(min(reach, rows)):
        for c in range(cols):
            counts[c] += tmp[r * cols + c]
    for r in range(rows):
        add = r + reach
        sub = r - reach - 1
        for c in range(cols):
            if add < rows:
                counts[c] += tmp[add * cols + c]
            if sub >= 0:
                counts[c] -= tmp[sub * cols + c]
            near[r * cols + c] = 1 if counts[c] > 0 else 0


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
