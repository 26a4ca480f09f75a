"""Benchmark: 60-minute isochrones, geourb vs the osmnx-notebook way vs a bare scipy Dijkstra.

Run: ``python benchmarks/bench_isochrones.py`` (needs ../shared/data).

1. Kunming arterial network (主干路 + 次干路 FileGDBs, real coordinates): polygons for
   bands 15/30/45/60 min.
   - geourb: ``isochrones()`` = snap + bounded Dijkstra + surface + contour polygons (100 m).
   - osmnx way (osmnx-examples isochrone notebook): networkx ``ego_graph`` per band on the
     exported MultiDiGraph, nodes buffered 50 m + edges buffered 25 m, ``unary_union``.
   - floor: one bare ``scipy.sparse.csgraph.dijkstra`` with ``limit`` (reach only).
2. DIMACS New York topology (264k nodes, PACE format, no coordinates): edge times are random
   (uniform 10-120 s, seed 0) since the file has no weights, so reach timing only:
   geourb ``Network.travel_times`` vs networkx ``single_source_dijkstra_path_length``.
"""

from __future__ import annotations

import lzma
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra

from geourb.isochrones import LAST_STAGES_S, isochrones, utm_crs
from geourb.network import Network
from geourb.roads import network_from_layers

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CENTRE = (102.712, 25.040)
BANDS = (15, 30, 45, 60)


def timed(fn, repeat: int = 1):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def osmnx_way(graph: nx.MultiDiGraph, node: int, crs) -> list:
    """The osmnx-examples notebook's make_iso_polys (edge_buff=25, node_buff=50), per band."""
    from pyproj import Transformer

    proj = Transformer.from_crs(4326, crs, always_xy=True)
    polys = []
    for band in BANDS:
        sub = nx.ego_graph(graph, node, radius=band * 60, distance="travel_time")
        xy = {n: proj.transform(d["x"], d["y"]) for n, d in sub.nodes(data=True)}
        pts = [shapely.Point(p).buffer(50) for p in xy.values()]
        lines = [shapely.LineString([xy[u], xy[v]]).buffer(25) for u, v in sub.edges()]
        polys.append(shapely.unary_union(pts + lines))
    return polys


def bench_kunming() -> None:
    paths = [SHARED / "roads" / "kunming" / f"{n}.gdb" for n in ("arterial_main",
                                                                 "arterial_secondary")]
    net = network_from_layers(paths, name="kunming arterials")
    node, snap = net.nearest_nodes(*CENTRE)
    # first call: builds the KD-tree, component labels and projected node cache of the network
    t_cold, _ = timed(lambda: isochrones(net, CENTRE, bands_min=BANDS, cell_m=100))
    t_ours, stages = np.inf, {}
    for _ in range(5):
        t, iso = timed(lambda: isochrones(net, CENTRE, bands_min=BANDS, cell_m=100))
        if t < t_ours:
            t_ours, stages = t, dict(LAST_STAGES_S)
    # the floor: one bare bounded Dijkstra from the same node with the same 60-min cut-off
    # (ours starts with the walk from the centre to that node, so its limit is a bit lower)
    t_floor, dist = timed(lambda: dijkstra(net.csr, indices=int(node[0]), limit=3600), repeat=5)
    graph = net.to_networkx()
    t_nx, polys = timed(lambda: osmnx_way(graph, int(node[0]), utm_crs(*CENTRE)))
    shape = _surface_shape(net)
    print(f"Kunming arterials: {net.n_nodes:,} nodes, {net.n_edges:,} edges; "
          f"{int(np.isfinite(dist).sum()):,} nodes within 60 min; grid {shape[0]} x {shape[1]} "
          f"cells of 100 m; snap {snap[0]:.0f} m")
    print(f"  geourb isochrones (4 bands, 100 m):  {t_ours:8.3f} s (first call {t_cold:.3f} s)"
          f"  areas km2 {iso['area_km2'].round(0).tolist()}")
    print(f"  osmnx way (ego_graph + buffers):     {t_nx:8.3f} s  areas km2 "
          f"{[round(p.area / 1e6) for p in polys]}")
    print(f"  bare scipy dijkstra (floor):         {t_floor:8.3f} s")
    print(f"  speed-up vs osmnx way: {t_nx / t_ours:6.1f}x (target >= 50x)")
    print(f"  geourb / floor:        {t_ours / t_floor:6.1f}x (target <= 5x)")
    print("  where the time goes (best run):")
    for key, sec in stages.items():
        print(f"    {key:<11s} {sec * 1e3:7.1f} ms  {sec / t_floor:5.1f}x floor")


def _surface_shape(net: Network) -> tuple[int, int]:
    from geourb.isochrones import travel_time_surface

    return travel_time_surface(net, CENTRE, max_min=BANDS[-1], cell_m=100).minutes.shape


def read_pace(path: Path) -> tuple[np.ndarray, np.ndarray, int]:
    with lzma.open(path, "rt") as fh:
        header = fh.readline().split()
        n = int(header[2])
        edges = np.loadtxt(fh, dtype=np.int64)
    return edges[:, 0] - 1, edges[:, 1] - 1, n


def bench_ny() -> None:
    u, v, n = read_pace(SHARED / "bench" / "NY.gr.xz")
    rng = np.random.default_rng(0)
    t = rng.uniform(10, 120, u.size)  # synthetic weights: the file has none
    lon = rng.uniform(-74.5, -73.5, n)  # placeholder coordinates, unused by the timing
    lat = rng.uniform(40.3, 41.3, n)
    net = Network.from_edges(u, v, t, node_lon=lon, node_lat=lat, oneway=np.zeros(u.size, bool),
                             name="NY")
    src = 0
    t_ours, dist = timed(lambda: net.travel_times([src], cutoff_s=3600), repeat=3)
    graph = nx.DiGraph()
    uu, vv, tt = net.edges()
    graph.add_weighted_edges_from(zip(uu.tolist(), vv.tolist(), tt.tolist(), strict=True))
    t_nx, ref = timed(lambda: nx.single_source_dijkstra_path_length(graph, src, cutoff=3600))
    same = len(ref) == int(np.isfinite(dist).sum())
    print(f"NY (DIMACS topology, random 10-120 s edge times): {net.n_nodes:,} nodes; "
          f"{len(ref):,} within 60 min; same reach as networkx: {same}")
    print(f"  geourb travel_times: {t_ours:.3f} s; networkx: {t_nx:.3f} s; "
          f"speed-up {t_nx / t_ours:.1f}x")


if __name__ == "__main__":
    if not SHARED.exists():
        sys.exit(f"{SHARED} not found")
    bench_kunming()
    bench_ny()
