"""Property test: Network.from_edges + travel_times agree with networkx on random graphs.

The graphs are SYNTHETIC (drawn by hypothesis): up to 12 nodes, parallel edges, self-loops,
one-way and two-way edges, and integer times so both sides add exactly.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from geourb._errors import NetworkGraphError
from geourb.network import Network


@st.composite
def graphs(draw):
    n = draw(st.integers(min_value=2, max_value=12))
    edge = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(1, 50),
                     st.booleans())
    edges = draw(st.lists(edge, min_size=1, max_size=40))
    if all(u == v for u, v, _, _ in edges):  # at least one real edge
        edges.append((0, 1, 7, False))
    if draw(st.booleans()):  # force a parallel pair with different times
        u, v, t, ow = edges[0]
        edges.append((u, v, t + draw(st.integers(-5, 20)) or 1, ow))
    return n, edges


def _reference(n: int, edges: list[tuple[int, int, int, bool]]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(range(n))
    for u, v, t, oneway in edges:
        t = max(t, 1)
        graph.add_edge(u, v, weight=t)
        if not oneway:
            graph.add_edge(v, u, weight=t)
    return graph


@settings(max_examples=150, deadline=None)
@given(graphs(), st.sampled_from([None, 30]))
def test_travel_times_equal_networkx(graph, cutoff):
    n, edges = graph
    u = np.array([e[0] for e in edges])
    v = np.array([e[1] for e in edges])
    t = np.array([max(e[2], 1) for e in edges], dtype=float)
    oneway = np.array([e[3] for e in edges])
    lon = 114.0 + np.arange(n) * 0.01
    lat = np.full(n, 30.5)
    net = Network.from_edges(u, v, t, node_lon=lon, node_lat=lat, oneway=oneway,
                             largest_component=False)
    ref = _reference(n, edges)
    # parallel edges collapse to the fastest; self-loops are dropped
    simple = {(a, b): min(d["weight"] for d in ref.get_edge_data(a, b).values())
              for a, b in ref.edges() if a != b}
    got_u, got_v, got_t = net.edges()
    pairs = zip(got_u.tolist(), got_v.tolist(), strict=True)
    assert dict(zip(pairs, got_t.tolist(), strict=True)) == simple
    for src in range(n):
        want = nx.single_source_dijkstra_path_length(ref, src, cutoff=cutoff)
        times = net.travel_times([src], cutoff_s=cutoff)
        expect = np.array([want.get(i, math.inf) for i in range(n)])
        np.testing.assert_array_equal(times, expect)
    # many sources at once = the minimum over single sources
    both = net.travel_times([0, n - 1], cutoff_s=cutoff)
    single = np.minimum(net.travel_times([0], cutoff_s=cutoff),
                        net.travel_times([n - 1], cutoff_s=cutoff))
    np.testing.assert_array_equal(both, single)


@settings(max_examples=50, deadline=None)
@given(graphs())
def test_largest_component_is_strongly_connected(graph):
    n, edges = graph
    u = np.array([e[0] for e in edges])
    v = np.array([e[1] for e in edges])
    t = np.array([max(e[2], 1) for e in edges], dtype=float)
    oneway = np.array([e[3] for e in edges])
    lon = 114.0 + np.arange(n) * 0.01
    ref = _reference(n, edges)
    biggest = max(len(c) for c in nx.strongly_connected_components(ref))
    try:
        net = Network.from_edges(u, v, t, node_lon=lon, node_lat=np.full(n, 30.5), oneway=oneway)
    except NetworkGraphError:  # refused only when every component is a single node
        assert biggest == 1
        return
    assert net.n_nodes == biggest
