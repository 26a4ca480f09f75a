"""Tests of the CSR Network: construction, Dijkstra against networkx, snapping, cache."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from geourb._errors import DataFileNotFoundError, InvalidValueError, NetworkGraphError
from geourb.network import Network, great_circle_m


def _random_network(seed: int = 0, n: int = 300, m: int = 1200, **kwargs) -> Network:
    # synthetic: random directed/undirected edges with random times
    rng = np.random.default_rng(seed)
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    t = rng.uniform(1, 100, m)
    return Network.from_edges(u, v, t, node_lon=rng.uniform(100, 101, n),
                              node_lat=rng.uniform(25, 26, n), oneway=rng.random(m) < 0.3,
                              length_m=t * 10, name="synthetic", **kwargs)


def _nx_times(graph: nx.MultiDiGraph, sources: list[int], n: int, cutoff=None) -> np.ndarray:
    ref = nx.multi_source_dijkstra_path_length(graph, sources, cutoff=cutoff, weight="travel_time")
    out = np.full(n, np.inf)
    for node, t in ref.items():
        out[node] = t
    return out


def test_dijkstra_equals_networkx_synthetic():
    net = _random_network()
    graph = net.to_networkx()
    for src in ([0], [3, 17, 250]):
        assert np.allclose(net.travel_times(src), _nx_times(graph, src, net.n_nodes))
        assert np.allclose(net.travel_times(src, cutoff_s=120),
                           _nx_times(graph, src, net.n_nodes, cutoff=120))
    full = net.travel_times([3, 17], min_only=False)
    assert full.shape == (2, net.n_nodes)
    assert np.allclose(full[1], _nx_times(graph, [17], net.n_nodes))


@pytest.fixture(scope="module")
def shanghai_graph(shared_file):
    import osmnx as ox

    graph = ox.graph_from_xml(shared_file("osm/shanghai_center.osm"), retain_all=True)
    return graph


def test_dijkstra_equals_networkx_real_osm(shanghai_graph):
    # real OSM graph: nodes renumbered, times = length / 30 km/h, directions as osmnx gives them
    nodes = list(shanghai_graph.nodes)
    pos = {k: i for i, k in enumerate(nodes)}
    u, v, length = zip(*((pos[a], pos[b], d["length"])
                         for a, b, d in shanghai_graph.edges(data=True)), strict=True)
    length = np.maximum(np.array(length), 0.1)
    net = Network.from_edges(np.array(u), np.array(v), length / (30 / 3.6),
                             node_lon=[shanghai_graph.nodes[k]["x"] for k in nodes],
                             node_lat=[shanghai_graph.nodes[k]["y"] for k in nodes],
                             length_m=length, name="shanghai")
    assert 0 < net.n_nodes < len(nodes)  # largest strongly connected component only
    graph = net.to_networkx()
    for src in ([0], [5, net.n_nodes - 1]):
        ours = net.travel_times(src, cutoff_s=300)
        assert np.isfinite(ours).sum() > 10
        assert np.allclose(ours, _nx_times(graph, src, net.n_nodes, cutoff=300))
    # every node reaches every other in the largest strongly connected component
    assert np.isfinite(net.travel_times([0])).all()


def test_two_way_and_parallel_edges():
    # synthetic: 0 -> 1 twice (keep the faster), 1 <-> 2 two-way, 2 -> 0 one-way
    net = Network.from_edges(np.array([0, 0, 1, 2]), np.array([1, 1, 2, 0]),
                             [50.0, 30.0, 10.0, 100.0], node_lon=[100, 100.01, 100.02],
                             node_lat=[25, 25, 25], oneway=[True, True, False, True])
    assert net.n_edges == 4
    assert net.travel_times([0]).tolist() == [0.0, 30.0, 40.0]
    assert net.travel_times([2]).tolist() == [100.0, 10.0, 0.0]


def test_largest_component_kept():
    # synthetic: a triangle and a separate pair
    net = Network.from_edges(np.array([0, 1, 2, 3]), np.array([1, 2, 0, 4]), [1.0] * 4,
                             node_lon=[100, 100.1, 100.2, 101, 101.1], node_lat=[25] * 5,
                             oneway=[False] * 4)
    assert net.n_nodes == 3
    assert net.node_ids.tolist() == [0, 1, 2]
    full = Network.from_edges(np.array([0, 1, 2, 3]), np.array([1, 2, 0, 4]), [1.0] * 4,
                              node_lon=[100, 100.1, 100.2, 101, 101.1], node_lat=[25] * 5,
                              oneway=[False] * 4, largest_component=False)
    assert full.n_nodes == 5
    assert full.component_size([0, 3]).tolist() == [3, 2]


def test_source_offsets():
    net = _random_network(seed=1)
    got = net.travel_times([0, 5, 7], source_offsets_s=[0, 10, 30], cutoff_s=150)
    rows = net.travel_times([0, 5, 7], source_offsets_s=[0, 10, 30], min_only=False, cutoff_s=150)
    assert np.allclose(got, rows.min(axis=0))
    assert got[0] == 0.0 and np.nanmax(got[np.isfinite(got)]) <= 150
    same = net.travel_times([0, 5], source_offsets_s=20.0)
    assert np.allclose(same, net.travel_times([0, 5]) + 20.0)


def test_nearest_nodes_snap_distance():
    net = _random_network()
    lon, lat = np.array([100.3, 100.7]), np.array([25.2, 25.9])
    idx, dist = net.nearest_nodes(lon, lat)
    brute = great_circle_m(lon[:, None], lat[:, None], net.node_lon[None], net.node_lat[None])
    assert idx.tolist() == brute.argmin(axis=1).tolist()
    assert np.allclose(dist, brute.min(axis=1), rtol=1e-6)


def test_save_load_roundtrip(tmp_path):
    net = _random_network()
    path = net.save(tmp_path / "net.npz")
    back = Network.load(path)
    assert (back.csr != net.csr).nnz == 0
    assert np.array_equal(back.node_lon, net.node_lon)
    assert np.allclose(back.length_m, net.length_m)
    assert back.name == "synthetic" and back.approximate is False
    assert not list(tmp_path.glob(".net*"))  # no temporary left behind


def test_load_errors(tmp_path):
    with pytest.raises(DataFileNotFoundError):
        Network.load(tmp_path / "missing.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(NetworkGraphError, match="not a readable"):
        Network.load(bad)


@pytest.mark.parametrize(
    ("u", "v", "t", "match"),
    [
        ([], [], [], "no edges"),
        ([0], [1], [0.0], "zero, negative"),
        ([0], [1], [-5.0], "zero, negative"),
        ([0], [1], [np.nan], "zero, negative"),
        ([0], [7], [1.0], "node indices"),
        ([0], [0], [1.0], "self-loop"),
    ],
)
def test_from_edges_errors(u, v, t, match):
    with pytest.raises(NetworkGraphError, match=match):
        Network.from_edges(np.array(u, dtype=int), np.array(v, dtype=int), t,
                           node_lon=[100.0, 100.1], node_lat=[25.0, 25.0])


def test_projected_coordinates_refused():
    with pytest.raises(NetworkGraphError, match="WGS84"):
        Network.from_edges(np.array([0]), np.array([1]), [1.0],
                           node_lon=[500000.0, 500100.0], node_lat=[2.7e6, 2.7e6])


def test_travel_times_bad_sources():
    net = _random_network()
    with pytest.raises(InvalidValueError):
        net.travel_times([net.n_nodes + 5])
    with pytest.raises(InvalidValueError):
        net.travel_times([0], cutoff_s=-1)


def test_duplicate_sources_keep_the_smallest_head_start():
    # synthetic path 0 -> 1 -> 2 with 60 s edges; two origins snapped to node 1 (10 s and 20 s walks)
    net = Network.from_edges(np.array([0, 1]), np.array([1, 2]), np.array([60.0, 60.0]),
                             node_lon=np.array([0.0, 0.01, 0.02]), node_lat=np.zeros(3),
                             oneway=np.array([False, False]), largest_component=False)
    got = net.travel_times(np.array([1, 1]), source_offsets_s=[10.0, 20.0])
    assert got.tolist() == [70.0, 10.0, 70.0]


def test_largest_component_strong_weak_against_networkx():
    # synthetic random graph: the kept nodes are networkx's largest strong / weak component,
    # the dropped length is what is missing, the induced edges are the same
    import logging

    net = _random_network(seed=3, n=400, m=700, largest_component=False)
    graph = nx.DiGraph(list(zip(*net.edges()[:2], strict=True)))
    graph.add_nodes_from(range(net.n_nodes))
    for kind, comps in (("strong", nx.strongly_connected_components),
                        ("weak", nx.weakly_connected_components)):
        sub = net.largest_component(kind)
        big = max(comps(graph), key=len)
        assert sorted(sub.node_ids.tolist()) == sorted(big)
        kept = {(int(sub.node_ids[a]), int(sub.node_ids[b])) for a, b in
                zip(*sub.edges()[:2], strict=True)}
        assert kept == set(graph.subgraph(big).edges())
        drop = sub.info["dropped"]
        assert drop["component"] == kind and drop["nodes"] == net.n_nodes - len(big)
        # road length: a two-way pair counted once
        two = np.isfinite(net.reverse_edge_times())
        w = np.where(two, 0.5, 1.0) * net.edge_lengths()
        u, v, _ = net.edges()
        inside = np.isin(u, list(big)) & np.isin(v, list(big))
        assert drop["length_km"] == pytest.approx(w[~inside].sum() / 1000, abs=1e-3)
        assert drop["total_length_km"] == pytest.approx(w.sum() / 1000, abs=1e-3)
        # times and lengths follow their edges
        for a, b, t in zip(*sub.edges(), strict=True):
            assert t == pytest.approx(net.csr[sub.node_ids[a], sub.node_ids[b]])
    assert sub.dropped_lon.size == net.n_nodes - sub.n_nodes
    # small losses are logged at INFO, large ones warn
    logger = logging.getLogger("geourb")
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        Network.from_edges([0, 1, 2], [1, 0, 3], [1.0, 1.0, 1.0], node_lon=[100, 100.01, 100.02, 100.03],
                           node_lat=[25, 25, 25, 25], oneway=[True, True, True])
    finally:
        logger.removeHandler(handler)
    assert any(r.levelno == logging.WARNING and "largest_component='weak' or False" in r.getMessage()
               for r in records)
