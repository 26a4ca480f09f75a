"""The walking-access fill: the compiled kernel against the NumPy path and a brute force.

All rasters here are SYNTHETIC (random road cells and times, or small hand-made layouts).
The semantics (see ``geourb._surface._walk_fill``): a road cell keeps its time; an off-road
cell takes the time of its nearest road cell (squared distance in cells; among equally near
road cells the earliest) plus the straight walk, if that road cell lies within
``max_access_m`` and the total is within the cut-off; otherwise NaN.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geourb import _kernels
from geourb._surface import _Stages, _walk_fill

needs_numba = pytest.mark.skipif(not _kernels.HAVE_NUMBA, reason="numba not installed")


def brute_force(net_s: np.ndarray, rows: int, cols: int, *, cell_m: float, walk_ms: float,
                max_access_m: float, cutoff_s: float) -> np.ndarray:
    """The definition, cell by cell over all road cells (small grids only)."""
    grid = net_s.reshape(rows, cols)
    road_r, road_c = np.nonzero(np.isfinite(grid))
    out = np.full((rows, cols), np.nan, dtype=np.float32)
    reach = math.floor(max_access_m / cell_m)
    for r in range(rows):
        for c in range(cols):
            if np.isfinite(grid[r, c]):
                out[r, c] = np.float32(grid[r, c] / 60.0)
                continue
            if road_r.size == 0 or reach < 1:
                continue
            dr, dc = road_r - r, road_c - c
            inside = (np.abs(dr) <= reach) & (np.abs(dc) <= reach)
            d2 = dr * dr + dc * dc
            ok = inside & ~(np.sqrt(d2.astype(float)) * cell_m > max_access_m)
            if not ok.any():
                continue
            sq = int(d2[ok].min())
            best = float(grid[road_r, road_c][ok & (d2 == sq)].min())
            total = best + math.sqrt(sq) * cell_m / walk_ms
            if total <= cutoff_s:
                out[r, c] = np.float32(total / 60.0)
    return out


def fill(net_s: np.ndarray, rows: int, cols: int, *, compiled: bool, **kw: float) -> np.ndarray:
    return _walk_fill(net_s.copy(), rows, cols, stages=_Stages(None), use_kernels=compiled, **kw)


def numpy_padded(net_s: np.ndarray, rows: int, cols: int, **kw: float) -> np.ndarray:
    """The NumPy path needs a road-free margin wider than the reach: pad, fill, crop."""
    pad = math.floor(kw["max_access_m"] / kw["cell_m"]) + 1
    big = np.full((rows + 2 * pad, cols + 2 * pad), np.inf)
    big[pad:pad + rows, pad:pad + cols] = net_s.reshape(rows, cols)
    out = fill(big.ravel(), rows + 2 * pad, cols + 2 * pad, compiled=False, **kw)
    return out[pad:pad + rows, pad:pad + cols]


@st.composite
def road_rasters(draw: st.DrawFn) -> tuple[np.ndarray, int, int, dict[str, float]]:
    """SYNTHETIC: random road cells (at the edges too) with few distinct times (ties)."""
    rows = draw(st.integers(1, 30))
    cols = draw(st.integers(1, 90))  # wide enough for road stretches out of reach in a row
    share = draw(st.sampled_from([0.0, 0.005, 0.02, 0.1, 0.4, 1.0]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    road = rng.random(rows * cols) < share
    if draw(st.booleans()):  # a road along a random edge of the grid
        grid = road.reshape(rows, cols)
        edge = draw(st.sampled_from(["top", "bottom", "left", "right"]))
        {"top": grid[0], "bottom": grid[-1], "left": grid[:, 0], "right": grid[:, -1]}[edge][:] = True
    # few distinct times: equally near road cells often differ in time, sometimes not
    levels = draw(st.integers(1, 6))
    net_s = np.full(rows * cols, np.inf)
    net_s[road] = rng.integers(0, levels, int(road.sum())) * 97.5
    cell_m = draw(st.sampled_from([30.0, 50.0, 100.0]))
    # reach from 0 to 14 cells, also between whole cells (e.g. 2.9 cells: the diagonal (2, 2) fits)
    cells = draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.9, 3.0, 5.0, 7.5, 8.0, 9.0, 12.3, 14.0]))
    kw = {"cell_m": cell_m, "max_access_m": cells * cell_m,
          "walk_ms": draw(st.sampled_from([5.0 / 3.6, 1.0, 0.37])),
          "cutoff_s": draw(st.sampled_from([400.0, 700.0, 3600.0]))}
    return net_s, rows, cols, kw


@needs_numba
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(road_rasters())
def test_compiled_equals_numpy_and_definition(case):
    """SYNTHETIC random rasters: compiled fill == NumPy fill == the definition, bit for bit."""
    net_s, rows, cols, kw = case
    got = fill(net_s, rows, cols, compiled=True, **kw)
    assert got.shape == (rows, cols) and got.dtype == np.float32
    want = brute_force(net_s, rows, cols, **kw)
    assert np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(numpy_padded(net_s, rows, cols, **kw), want, equal_nan=True)


@needs_numba
@pytest.mark.parametrize("reach_cells", [3, 5, 9, 12])
def test_compiled_equals_numpy_with_margin(reach_cells):
    """SYNTHETIC 120 x 90 raster with a road-free margin: both paths as isochrones call them
    (the NumPy one takes the distance transform for a reach over 8 cells)."""
    rng = np.random.default_rng(reach_cells)
    rows, cols, pad = 120, 90, reach_cells + 1
    grid = np.full((rows, cols), np.inf)
    inner = rng.random((rows - 2 * pad, cols - 2 * pad)) < 0.03
    grid[pad:rows - pad, pad:cols - pad][inner] = rng.integers(0, 4, int(inner.sum())) * 150.0
    kw = {"cell_m": 100.0, "max_access_m": reach_cells * 100.0 + 40.0, "walk_ms": 5 / 3.6,
          "cutoff_s": 1200.0}
    got = fill(grid.ravel(), rows, cols, compiled=True, **kw)
    want = fill(grid.ravel(), rows, cols, compiled=False, **kw)
    assert np.array_equal(got, want, equal_nan=True)
    # cells both reached and unreached, and off-road cells filled
    assert np.isnan(got).any() and (np.isfinite(got).sum() > np.isfinite(grid).sum())


@needs_numba
def test_ties_take_the_earliest_time():
    """SYNTHETIC: a cell equally near two road cells takes the earlier one's time."""
    kw = {"cell_m": 100.0, "max_access_m": 500.0, "walk_ms": 1.0, "cutoff_s": 10_000.0}
    for (ra, ca), (rb, cb) in (((5, 2), (5, 8)),  # same row, either side
                               ((2, 5), (8, 5)),  # same column, above and below
                               ((2, 2), (8, 8)),  # diagonal
                               ((5, 2), (2, 5))):  # different rows and columns, d2 = 9 each
        for ta, tb in ((300.0, 120.0), (120.0, 300.0), (200.0, 200.0)):
            grid = np.full((11, 11), np.inf)
            grid[ra, ca], grid[rb, cb] = ta, tb
            for compiled in (True, False):
                out = fill(grid.ravel(), 11, 11, compiled=compiled, **kw)
                walk = math.sqrt((ra - 5) ** 2 + (ca - 5) ** 2) * 100.0
                assert out[5, 5] == np.float32((min(ta, tb) + walk) / 60.0)


@needs_numba
def test_nearest_wins_over_earlier_and_cutoff_leaves_nan():
    """SYNTHETIC: the nearest road cell counts even if a farther one is earlier; a total over
    the cut-off stays NaN although a farther road cell would be within it."""
    grid = np.full((1, 12), np.inf)
    grid[0, 0], grid[0, 5] = 0.0, 500.0
    kw = {"cell_m": 100.0, "max_access_m": 400.0, "walk_ms": 1.0, "cutoff_s": 650.0}
    want = np.array([0.0, 100, 200, np.nan, 600, 500, 600, np.nan, np.nan, np.nan, np.nan,
                     np.nan]) / 60.0
    # cell 3: 2 cells from the 500 s road (700 s: over the cut-off), 3 from the 0 s one (300 s):
    # the nearest counts, so NaN; cells 8-9 are within reach but over the cut-off, 10-11 beyond
    compiled = fill(grid.ravel(), 1, 12, compiled=True, **kw)
    assert np.array_equal(compiled.ravel(), want.astype(np.float32), equal_nan=True)
    assert np.array_equal(numpy_padded(grid.ravel(), 1, 12, **kw).ravel(),
                          want.astype(np.float32), equal_nan=True)


@needs_numba
def test_no_roads_and_no_reach():
    """SYNTHETIC: no road cell gives all NaN; a reach under one cell fills only road cells."""
    kw = {"cell_m": 100.0, "walk_ms": 1.0, "cutoff_s": 600.0}
    empty = np.full(20, np.inf)
    assert np.isnan(fill(empty, 4, 5, compiled=True, max_access_m=500.0, **kw)).all()
    one = empty.copy()
    one[7] = 60.0
    out = fill(one, 4, 5, compiled=True, max_access_m=99.0, **kw)
    assert np.isfinite(out).sum() == 1 and out.ravel()[7] == np.float32(1.0)


@st.composite
def small_networks(draw: st.DrawFn) -> tuple[object, tuple[float, float], dict[str, float]]:
    """SYNTHETIC road graph: a two-way random tree (strongly connected) plus random extra
    edges, some one-way, with lengths from a few metres to kilometres."""
    from geourb.network import Network, great_circle_m

    n = draw(st.integers(3, 30))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    lon = 102.7 + rng.uniform(0, 0.04, n) * rng.uniform(0.05, 1.0)
    lat = 25.0 + rng.uniform(0, 0.04, n) * rng.uniform(0.05, 1.0)
    u = np.arange(1, n)
    v = rng.integers(0, u)  # each node to an earlier one: a tree
    extra = draw(st.integers(0, 2 * n))
    eu, ev = rng.integers(0, n, extra), rng.integers(0, n, extra)
    loop = eu == ev
    eu, ev = eu[~loop], ev[~loop]
    u, v = np.concatenate([u, eu]), np.concatenate([v, ev])
    oneway = np.concatenate([np.zeros(n - 1, bool), rng.random(eu.size) < 0.4])
    length = np.maximum(great_circle_m(lon[u], lat[u], lon[v], lat[v]), 1.0)
    kmh = rng.choice([5.0, 20.0, 60.0], u.size)
    net = Network.from_edges(u, v, length / (kmh / 3.6), node_lon=lon, node_lat=lat,
                             length_m=length, oneway=oneway, largest_component=False)
    origin = (float(lon[0]), float(lat[0]))
    kw = {"minutes": draw(st.sampled_from([0.5, 2.0, 8.0])),
          "cell_m": draw(st.sampled_from([10.0, 30.0, 100.0])),
          "max_access_m": draw(st.sampled_from([0.0, 50.0, 290.0, 500.0]))}
    return net, origin, kw


@needs_numba
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_networks())
def test_compiled_surface_equals_numpy_on_random_networks(case):
    """SYNTHETIC random networks (long edges sampled past the fraction table, one-way edges,
    edges leaving the reach): the compiled raster and surface equal NumPy's bit for bit."""
    import geourb.isochrones as iso_mod

    net, origin, kw = case
    saved = iso_mod.USE_KERNELS
    try:
        iso_mod.USE_KERNELS = True
        fast = iso_mod.travel_time_surface(net, origin, **kw)
        iso_mod.USE_KERNELS = False
        slow = iso_mod.travel_time_surface(net, origin, **kw)
    finally:
        iso_mod.USE_KERNELS = saved
    assert fast.transform == slow.transform
    assert np.array_equal(fast.minutes, slow.minutes, equal_nan=True)
    assert np.isfinite(fast.minutes).any()


@needs_numba
def test_reach_beyond_kernel_limit_uses_numpy(monkeypatch):
    """SYNTHETIC: past MAX_REACH (float32 squared distances stay exact below it) the NumPy
    path runs instead of the kernel, with the same result."""
    rng = np.random.default_rng(3)
    rows, cols = 40, 40
    grid = np.full((rows, cols), np.inf)
    inner = rng.random((rows - 14, cols - 14)) < 0.05
    grid[7:rows - 7, 7:cols - 7][inner] = rng.integers(0, 5, int(inner.sum())) * 60.0
    kw = {"cell_m": 100.0, "max_access_m": 520.0, "walk_ms": 1.0, "cutoff_s": 900.0}
    want = fill(grid.ravel(), rows, cols, compiled=True, **kw)

    def refuse(*args: object) -> None:
        raise AssertionError("the kernel ran past MAX_REACH")

    monkeypatch.setattr(_kernels, "MAX_REACH", 4)
    monkeypatch.setattr(_kernels, "walk_fill", refuse)
    got = fill(grid.ravel(), rows, cols, compiled=True, **kw)
    assert np.array_equal(got, want, equal_nan=True)
    assert math.floor(kw["max_access_m"] / kw["cell_m"]) > _kernels.MAX_REACH
