"""Tests of travel-time surfaces and isochrone polygons (Kunming arterials, synthetic grids)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geourb._errors import InvalidValueError, NetworkGraphError
from geourb.isochrones import isochrones, surface_polygons, travel_time_surface
from geourb.network import Network, great_circle_m
from geourb.roads import network_from_layers

KUNMING_CENTRE = (102.712, 25.040)  # central Kunming (WGS84)


@pytest.fixture(scope="module")
def kunming(shared_file):
    paths = [shared_file(f"roads/kunming/{n}.gdb") for n in ("arterial_main", "arterial_secondary")]
    return network_from_layers(paths, name="kunming arterials")


@pytest.fixture(scope="module")
def kunming_iso(kunming):
    return isochrones(kunming, KUNMING_CENTRE, bands_min=(10, 20, 30), cell_m=200)


def _grid(k=41, d=0.003, hole=False, kmh=30.0):
    # synthetic: k x k street grid around (102.7, 25.0); optionally the centre block removed
    ii, jj = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    idx = ii * k + jj
    u = np.concatenate([idx[:-1, :].ravel(), idx[:, :-1].ravel()])
    v = np.concatenate([idx[1:, :].ravel(), idx[:, 1:].ravel()])
    lon, lat = 102.7 + jj.ravel() * d, 25.0 + ii.ravel() * d
    if hole:  # drop every edge touching the middle 11 x 11 nodes except the border ring
        mid = (abs(ii - k // 2) <= 5) & (abs(jj - k // 2) <= 5)
        inner = mid.ravel()
        keep = ~(inner[u] | inner[v])
        u, v = u[keep], v[keep]
    length = great_circle_m(lon[u], lat[u], lon[v], lat[v])
    return Network.from_edges(u, v, length / (kmh / 3.6), node_lon=lon, node_lat=lat,
                              oneway=np.zeros(u.size, bool), length_m=length, name="grid")


def test_bands_nested_and_growing(kunming_iso):
    iso = kunming_iso
    assert list(iso.columns) == ["band_min", "area_km2", "approximate", "geometry"]
    assert iso.crs.to_epsg() == 4326 and iso.is_valid.all()
    assert iso["band_min"].tolist() == [10, 20, 30]
    assert (np.diff(iso["area_km2"]) > 0).all() and iso["area_km2"].iloc[0] > 1
    for small, big in zip(iso.geometry[:-1], iso.geometry[1:], strict=True):
        assert small.difference(big).area < 1e-6 * small.area  # nested (reprojection noise)
    assert not iso["approximate"].any()


def test_no_coverage_beyond_max_speed(kunming, kunming_iso):
    # nothing farther than max speed x time (+ snap walk, access and one cell) is covered
    speed_ms = (kunming.edge_lengths() / kunming.csr.data).max()
    for band, geom in zip(kunming_iso["band_min"], kunming_iso.geometry, strict=True):
        coords = shapely.get_coordinates(geom)
        dist = great_circle_m(KUNMING_CENTRE[0], KUNMING_CENTRE[1], coords[:, 0], coords[:, 1])
        assert dist.max() <= speed_ms * band * 60 + 500 + 2 * 200 * 1.5


def test_surface_matches_network_times(kunming, tmp_path):
    import rasterio

    surf = travel_time_surface(kunming, KUNMING_CENTRE, minutes=20, cell_m=200)
    nodes, snap = kunming.nearest_nodes(*KUNMING_CENTRE)
    times = kunming.travel_times(nodes, source_offsets_s=snap / (5 / 3.6), cutoff_s=1200) / 60
    reached = np.flatnonzero(np.isfinite(times))
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, surf.crs, always_xy=True).transform(
        kunming.node_lon[reached], kunming.node_lat[reached])
    col, row = ~surf.transform @ (x, y)
    cell = surf.minutes[row.astype(int), col.astype(int)]
    assert np.isfinite(cell).all()
    assert (cell <= times[reached] + 1e-3).all()  # the cell holds the node's time or less
    assert np.nanmax(surf.minutes) <= 20
    path = surf.to_geotiff(tmp_path / "tt.tif")
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == surf.crs.to_epsg()
        assert np.allclose(src.read(1), surf.minutes, equal_nan=True)


def test_holes_kept():
    net = _grid(hole=True)
    centre = (102.7 + 20 * 0.003 + 0.0005, 25.0 + 14 * 0.003)  # on the grid, south of the hole
    iso = isochrones(net, centre, bands_min=(5, 10), cell_m=30, max_access_m=100)
    big = iso.geometry.iloc[-1]
    assert sum(len(p.interiors) for p in big.geoms) >= 1
    hole_centre = shapely.Point(102.7 + 20 * 0.003, 25.0 + 20 * 0.003)
    assert not big.contains(hole_centre)


def test_islands_for_two_origins():
    net = _grid(k=81)
    origins = [(102.7 + 5 * 0.003, 25.0 + 5 * 0.003), (102.7 + 75 * 0.003, 25.0 + 75 * 0.003)]
    iso = isochrones(net, origins, bands_min=(3,), cell_m=30)
    assert len(iso.geometry.iloc[0].geoms) == 2  # two separate islands


def test_bad_bands_and_cells(kunming):
    for bands in ((30, 15), (15, 15, 30), (0, 10), ()):
        with pytest.raises(InvalidValueError):
            isochrones(kunming, KUNMING_CENTRE, bands_min=bands)
    with pytest.raises(InvalidValueError, match="cell_m >="):
        isochrones(kunming, KUNMING_CENTRE, bands_min=(60,), cell_m=1, max_memory_mb=100)
    with pytest.raises(InvalidValueError):
        isochrones(kunming, KUNMING_CENTRE, cell_m=-5)


def test_grid_refused_before_sampling(kunming, monkeypatch):
    # a 1 cm grid: refused from the reached nodes' extent, before the edges are sampled
    # (sampling would allocate ~1e9 samples); out_edge_index is the first step of sampling
    def no_sampling(*args, **kwargs):
        raise AssertionError("edges sampled before the grid size check")

    monkeypatch.setattr(kunming, "out_edge_index", no_sampling)
    with pytest.raises(InvalidValueError, match="needs at least about .* MB.*cell_m >="):
        travel_time_surface(kunming, KUNMING_CENTRE, minutes=30, cell_m=0.01)


def test_surface_polygons_keyword_bands():
    net = _grid(k=11)
    surface = travel_time_surface(net, (102.715, 25.015), minutes=5, cell_m=50)
    iso = surface_polygons(surface, bands_min=(2, 5))
    assert iso["band_min"].tolist() == [2, 5] and iso["area_km2"].is_monotonic_increasing
    with pytest.raises(TypeError):
        surface_polygons(surface, (2, 5))  # bands_min is keyword-only


def test_origin_outside_extent(kunming):
    with pytest.raises(NetworkGraphError, match="outside the extent"):
        isochrones(kunming, (116.4, 39.9))  # Beijing
    with pytest.raises(NetworkGraphError, match="m from the nearest node"):
        isochrones(kunming, (102.95, 25.9), max_snap_m=200)


def test_origin_in_tiny_component():
    # synthetic: a grid plus a separate two-node road far east
    net = _grid(k=11)
    u, v, t = net.edges()
    n = net.n_nodes
    lon = np.concatenate([net.node_lon, [102.9, 102.901]])
    lat = np.concatenate([net.node_lat, [25.0, 25.0]])
    both = Network.from_edges(np.concatenate([u, [n]]), np.concatenate([v, [n + 1]]),
                              np.concatenate([t, [10.0]]), node_lon=lon, node_lat=lat,
                              oneway=np.r_[np.ones(u.size, bool), False], largest_component=False)
    with pytest.raises(NetworkGraphError, match="disconnected"):
        isochrones(both, (102.9005, 25.0))


def test_reverse_edge_times(kunming):
    u, v, _ = kunming.edges()
    rev = kunming.reverse_edge_times()
    dense = kunming.csr[v[:2000], u[:2000]].A1  # 0 where there is no reverse edge
    expect = np.where(dense > 0, dense, np.inf)
    assert np.array_equal(rev[:2000], expect)
    # synthetic: 0 <-> 1 two-way (60 s, 70 s back), 1 -> 2 and 2 -> 0 one-way
    net = Network.from_edges(np.array([0, 1, 1, 2]), np.array([1, 0, 2, 0]),
                             [60.0, 70.0, 5.0, 9.0], node_lon=[102.7, 102.71, 102.72],
                             node_lat=[25.0, 25.0, 25.0])
    u, v, _ = net.edges()
    pairs = zip(u.tolist(), v.tolist(), strict=True)
    got = dict(zip(pairs, net.reverse_edge_times().tolist(), strict=True))
    assert got == {(0, 1): 70.0, (1, 0): 60.0, (1, 2): np.inf, (2, 0): np.inf}


def test_one_way_road_sampled_from_its_start_only():
    # synthetic: a 2 km road (240 s) west of the origin, one-way INTO the origin (0 -> 1 runs
    # west to east, the origin is at node 1), closed by a fast detour 1 -> 2 -> 0 (65 s)
    # through a node 2 km north. The road's middle is reached along the road from node 0 at
    # 65 + 120 s, not at 120 s from node 1 against the one-way direction.
    lon = np.array([102.70, 102.72, 102.71])
    lat = np.array([25.0, 25.0, 25.02])
    net = Network.from_edges(np.array([0, 1, 2]), np.array([1, 2, 0]), [240.0, 5.0, 60.0],
                             node_lon=lon, node_lat=lat)
    surf = travel_time_surface(net, (102.72, 25.0), minutes=4, cell_m=50, max_access_m=100)
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, surf.crs, always_xy=True).transform([102.71], [25.0])
    col, row = ~surf.transform @ (x[0], y[0])
    assert abs(surf.minutes[int(row), int(col)] - 185 / 60) < 0.1
    # two-way: the same road is reached from node 1 in 120 s
    net2 = Network.from_edges(np.array([0]), np.array([1]), [240.0], node_lon=lon[:2],
                              node_lat=lat[:2], oneway=[False])
    surf2 = travel_time_surface(net2, (102.72, 25.0), minutes=4, cell_m=50, max_access_m=100)
    col, row = ~surf2.transform @ (x[0], y[0])
    assert abs(surf2.minutes[int(row), int(col)] - 2.0) < 0.1


def test_walk_rings_and_distance_transform_agree(monkeypatch):
    # synthetic grid with a hole; a 300 m reach at 30 m cells (10 cells) takes the distance
    # transform path, forced ring by ring it must give the same surface
    import geourb._surface as surface_mod
    import geourb.isochrones as iso_mod

    net = _grid(hole=True)
    centre = (102.7 + 20 * 0.003 + 0.0005, 25.0 + 14 * 0.003)
    kw = {"minutes": 6, "cell_m": 30, "max_access_m": 300}
    compiled = travel_time_surface(net, centre, **kw)  # numba kernels when installed
    monkeypatch.setattr(iso_mod, "USE_KERNELS", False)
    wide = travel_time_surface(net, centre, **kw)
    monkeypatch.setattr(surface_mod, "_RING_SEARCH_MAX_CELLS", 100)
    rings = travel_time_surface(net, centre, **kw)
    assert np.array_equal(wide.minutes, rings.minutes, equal_nan=True)
    assert np.array_equal(compiled.minutes, rings.minutes, equal_nan=True)
    # off-road cells are filled, up to the reach and no further
    assert np.isfinite(wide.minutes).sum() > np.isfinite(
        travel_time_surface(net, centre, minutes=6, cell_m=30, max_access_m=0).minutes).sum()
    with pytest.raises(InvalidValueError, match="max_access_m"):
        travel_time_surface(net, centre, minutes=6, max_access_m=float("inf"))


def test_compiled_kernels_equal_numpy(kunming, monkeypatch):
    pytest.importorskip("numba")
    import geourb.isochrones as iso_mod

    for kw in ({"minutes": 15, "cell_m": 100}, {"minutes": 8, "cell_m": 30, "max_access_m": 1500}):
        monkeypatch.setattr(iso_mod, "USE_KERNELS", True)
        fast = travel_time_surface(kunming, KUNMING_CENTRE, **kw)
        monkeypatch.setattr(iso_mod, "USE_KERNELS", False)
        slow = travel_time_surface(kunming, KUNMING_CENTRE, **kw)
        assert fast.transform == slow.transform
        assert np.array_equal(fast.minutes, slow.minutes, equal_nan=True)


def test_collinear_vertices_dropped_without_changing_polygons():
    """SYNTHETIC 0/1 raster with a hole and an island: fewer vertices, the same polygons."""
    from rasterio.transform import from_origin

    minutes = np.full((40, 50), np.nan, dtype=np.float32)
    minutes[5:30, 5:40] = 10.0
    minutes[10:15, 10:20] = np.nan  # a hole
    minutes[33:37, 42:47] = 20.0  # an island in the second band only
    minutes[20, 30] = 20.0
    polys = _band_polygons(minutes, np.array([15.0, 30.0]), from_origin(500_000, 3_000_000, 100, 100))
    assert polys[0].area == pytest.approx((25 * 35 - 50 - 1) * 1e4, rel=0.01)
    assert polys[1].contains(polys[0]) and len(polys[1].geoms) == 2
    assert all(p.is_valid for p in polys)
    # a straight 35-cell edge keeps only its two corner cuts' vertices
    assert shapely.get_num_coordinates(polys[0]) < 30


def _outline_both(minutes, bands):
    """The compiled tracer's and contourpy's band polygons of one raster (map metres)."""
    from rasterio.transform import from_origin

    transform = from_origin(500_000, 3_000_000, 100, 100)
    bands = np.asarray(bands, dtype=float)
    return (_band_polygons(minutes, bands, transform, use_kernels=True),
            _band_polygons(minutes, bands, transform, use_kernels=False))


def _band_polygons(minutes, bands, transform, *, use_kernels=True):
    """Band MultiPolygons in map units, as ``surface_polygons`` builds them before lon/lat."""
    from geourb._surface import _band_multipolygons, _band_rings

    rings = _band_rings(minutes, np.asarray(bands, dtype=float), transform,
                        use_kernels=use_kernels)
    return _band_multipolygons(rings, rings.xy, len(bands))


def test_tracer_equals_contourpy_on_nested_holes_and_saddles():
    """SYNTHETIC raster: holes, an island in a hole, a hole in a hole's island, saddles."""
    pytest.importorskip("numba")
    m = np.full((30, 40), np.nan, dtype=np.float32)
    m[2:28, 2:38] = 5.0
    m[5:20, 5:20] = np.nan  # a hole in band 0 ...
    m[8:16, 8:16] = 20.0  # ... with an island of band 1 in it ...
    m[10:13, 10:13] = np.nan  # ... which has a hole of its own
    m[22, 30] = np.nan  # a one-cell hole
    m[24, 24], m[25, 25] = np.nan, np.nan  # two holes touching at a corner (one outside)
    m[0, 0], m[1, 1] = 5.0, 5.0  # two islands touching at a corner (two polygons)
    m[22:25, 6:9] = 40.0  # a pocket reached only in the last band
    fast, slow = _outline_both(m, (10, 30, 60))
    for f, s in zip(fast, slow, strict=True):
        assert f.is_valid and s.is_valid
        assert f.equals(s), f.symmetric_difference(s).area
    # band 0: the big polygon with its holes and the two corner islands (kept apart)
    assert len(fast[0].geoms) == 3
    big = max(fast[0].geoms, key=lambda p: p.area)
    assert len(big.interiors) == 4  # the 15 x 15 hole, the one-cell hole, the saddle pair, the pocket
    # band 1 adds the island in the hole (a polygon with a hole of its own, inside the big
    # polygon's ring-shaped hole); the pocket is still out
    assert len(fast[1].geoms) == 4
    assert sorted(len(p.interiors) for p in fast[1].geoms) == [0, 0, 1, 4]


def test_tracer_equals_contourpy_on_random_rasters():
    """SYNTHETIC random rasters (noise and blobs): the same polygons and areas both ways."""
    pytest.importorskip("numba")
    from rasterio.transform import from_origin
    from scipy.ndimage import gaussian_filter

    from geourb._surface import _band_rings

    rng = np.random.default_rng(1)
    for shape, smooth in (((50, 70), 0), ((80, 60), 2), ((1, 9), 0), ((9, 1), 0), ((64, 64), 4)):
        z = rng.random(shape)
        if smooth:
            z = gaussian_filter(z, smooth)
            z = (z - z.min()) / (z.max() - z.min() + 1e-12)
        m = (z * 80).astype(np.float32)
        m[rng.random(shape) < 0.1] = np.nan
        bands = (15, 30, 45, 60)
        fast, slow = _outline_both(m, bands)
        for f, s in zip(fast, slow, strict=True):
            assert f.is_valid
            assert f.equals(s) or f.symmetric_difference(s).area < 1e-6
        rings = _band_rings(m, np.asarray(bands, float), from_origin(0, 0, 100, 100))
        assert np.allclose(rings.area, [g.area for g in fast])  # exact shoelace = GEOS


def test_band_polygons_orientation_and_empty_bands(kunming):
    """Exteriors counter-clockwise in lon/lat (GeoJSON's right-hand rule); empty bands empty."""
    iso = isochrones(kunming, KUNMING_CENTRE, bands_min=(5, 10, 20), cell_m=200)
    for geom in iso.geometry:
        for poly in geom.geoms:
            assert shapely.is_ccw(poly.exterior)
            assert not any(shapely.is_ccw(r) for r in poly.interiors)
    # area_km2 comes from the exact cell geometry in UTM; the lon/lat polygons agree with it
    utm = iso.to_crs(32648)
    assert np.allclose(utm.area / 1e6, iso["area_km2"], rtol=1e-6)
    # SYNTHETIC raster whose first band holds no cell: an empty MultiPolygon, both ways
    m = np.full((5, 5), np.nan, dtype=np.float32)
    m[2, 2] = 20.0
    for polys in _outline_both(m, (10, 30)):
        assert polys[0].is_empty and polys[0].geom_type == "MultiPolygon"
        assert polys[1].area == pytest.approx(0.5e4)  # one cell, corners cut: a diamond
    empty = _outline_both(np.full((3, 4), np.nan, dtype=np.float32), (10, 30))
    assert all(p.is_empty for both in empty for p in both)


@pytest.mark.parametrize("kernels", [True, False])
def test_fitted_unprojection_matches_exact_proj(kernels, monkeypatch):
    """Many vertices go through a checked polynomial: within a millimetre of PROJ, any box."""
    from pyproj import CRS, Transformer

    monkeypatch.setattr("geourb.isochrones.USE_KERNELS", kernels)

    import geourb.isochrones as iso_mod
    from geourb.isochrones import _to_lonlat, utm_crs

    rng = np.random.default_rng(0)
    exact = Transformer.from_crs(32648, 4326, always_xy=True)
    boxes = [(half, cx, 3_000_000.0) for half in (0.5, 50.0, 150.0, 400.0, 900.0)
             for cx in (500_000.0, 250_000.0)]
    boxes.append((181.0, 750_000.0, 7_000_000.0))  # 1.06 mm between the old 9 x 9 checks
    u, v = (a.ravel() for a in np.meshgrid(np.linspace(-1, 1, 161), np.linspace(-1, 1, 161)))
    for half_km, centre_x, centre_y in boxes:  # the largest: degree 5 or PROJ itself
        # a dense 161 x 161 scan of the box, between the check points too
        xy = np.column_stack([centre_x + u * half_km * 1e3, centre_y + v * half_km * 1e3])
        got = _to_lonlat(xy, utm_crs(105.0, 27.0))
        lon, lat = exact.transform(xy[:, 0], xy[:, 1])
        err_m = np.hypot((got[:, 0] - lon) * np.cos(np.radians(lat)) * 111_320,
                         (got[:, 1] - lat) * 110_574)
        assert err_m.max() < iso_mod._FIT_TOL_M
    # a fit that cannot pass its check falls back to PROJ (tolerance 0)
    xy = np.column_stack([rng.uniform(4e5, 6e5, 3000), rng.uniform(2.9e6, 3.1e6, 3000)])
    old = iso_mod._FIT_CHECK_M
    try:
        iso_mod._FIT_CHECK_M = 0.0
        assert iso_mod._fit_lonlat(xy, exact, 3) is None
        assert np.array_equal(_to_lonlat(xy, utm_crs(105.0, 27.0)),
                              np.column_stack(exact.transform(xy[:, 0], xy[:, 1])))
    finally:
        iso_mod._FIT_CHECK_M = old
    # integer coordinates are taken as floats
    ints = np.column_stack([rng.integers(450_000, 550_000, 3000),
                            rng.integers(2_950_000, 3_050_000, 3000)])
    assert np.allclose(_to_lonlat(ints, utm_crs(105.0, 27.0)),
                       np.column_stack(exact.transform(ints[:, 0] * 1.0, ints[:, 1] * 1.0)),
                       atol=1e-8)
    # southern zones and other projected CRSs, few points: PROJ directly
    south = _to_lonlat(np.array([[500_000.0, 7_000_000.0]]), CRS.from_epsg(32750))
    assert south[0, 0] == pytest.approx(117.0) and south[0, 1] < -20
    albers = _to_lonlat(np.array([[0.0, 0.0]]), CRS.from_proj4(
        "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84"))
    assert albers[0] == pytest.approx([105.0, 0.0])


def test_tracer_equals_contourpy_property():
    """SYNTHETIC rasters drawn by hypothesis: compiled tracer == contourpy, valid, nested."""
    pytest.importorskip("numba")
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    cells = st.sampled_from([np.nan, 3.0, 12.0, 25.0, 50.0, 90.0])

    @settings(max_examples=150, deadline=None)
    @given(arrays(np.float32, st.tuples(st.integers(1, 12), st.integers(1, 12)), elements=cells))
    def check(m):
        fast, slow = _outline_both(m, (10, 30, 60))
        for k, (f, s) in enumerate(zip(fast, slow, strict=True)):
            assert f.is_valid
            assert f.equals(s) or f.symmetric_difference(s).area < 1e-6
            if k:
                assert fast[k - 1].difference(f).area < 1e-6

    check()


def test_band_outlines_float64_and_orientation_on_both_paths():
    """SYNTHETIC: float64 minutes compared in float64; exteriors CCW on every path and grid."""
    from pyproj import CRS
    from rasterio.transform import Affine, from_origin

    import geourb.isochrones as iso_mod
    from geourb.isochrones import TravelTimeSurface

    m = np.full((12, 12), np.nan)
    m[2:10, 2:10] = 5.0
    m[4:6, 4:6] = np.nan  # a hole
    m[0, 0] = 15.0000001  # float64 just over the 15-minute band: outside it
    north_up = from_origin(500_000, 3_000_000, 100, 100)
    south_up = Affine(100, 0, 500_000, 0, 100, 2_998_800)  # rows run north
    for transform in (north_up, south_up):
        for kernels in (True, False):
            for dtype in (np.float64, np.float32):
                surface = TravelTimeSurface(minutes=m.astype(dtype), transform=transform,
                                            crs=CRS.from_epsg(32648), cell_m=100.0)
                old = iso_mod.USE_KERNELS
                iso_mod.USE_KERNELS = kernels
                try:
                    iso = surface_polygons(surface, bands_min=(15, 30))
                finally:
                    iso_mod.USE_KERNELS = old
                for geom in iso.geometry:
                    for poly in geom.geoms:
                        assert shapely.is_ccw(poly.exterior)
                        assert not any(shapely.is_ccw(r) for r in poly.interiors)
                one_cell_km2 = 0.5 * 0.01  # a lone cell is a diamond of half a cell
                gap = iso["area_km2"].iloc[1] - iso["area_km2"].iloc[0]
                if dtype is np.float64:
                    assert gap == pytest.approx(one_cell_km2)  # 15.0000001 > 15: band 2 only
                else:
                    assert gap == pytest.approx(0.0, abs=1e-12)  # float32(15.0000001) == 15
