"""Benchmark: many-source shortest paths, origin-node pairs per second (serial SciPy vs Dask).

Network: the real New York road topology of the 9th DIMACS challenge (``bench/NY.gr.xz``,
264,346 nodes, 365,050 undirected edges) from ../shared/data. It has no weights or
coordinates: we assign each edge a travel time drawn uniformly from 10-120 s (seed 0) and
dummy coordinates (not used by the search). Each origin is searched to every node (no
cut-off), as R5 counts origin-node pairs. Serial = ``geourb.od.node_times`` in one process;
Dask = the same batches on a ``LocalCluster`` of 2 single-threaded worker processes
(cluster start-up timed separately). Run: ``python benchmarks/bench_od.py [n_origins]``.
"""

from __future__ import annotations

import lzma
import sys
import time
from pathlib import Path

import numpy as np

from geourb.network import Network
from geourb.od import node_times

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bench" / "NY.gr.xz"


def load_ny() -> Network:
    with lzma.open(DATA, "rt") as fh:
        header = fh.readline().split()
        edges = np.loadtxt(fh, dtype=np.int64)
    n = int(header[2])
    u, v = edges[:, 0] - 1, edges[:, 1] - 1
    rng = np.random.default_rng(0)
    t = rng.uniform(10, 120, u.size)
    lon = 100 + rng.uniform(0, 1, n)
    lat = 30 + rng.uniform(0, 1, n)
    return Network.from_edges(u, v, t, node_lon=lon, node_lat=lat,
                              oneway=np.zeros(u.size, bool), name="NY DIMACS (random times)",
                              largest_component=False)


def main() -> None:
    from geourb.settings import settings

    settings.progress = False
    n_origins = int(sys.argv[1]) if len(sys.argv) > 1 else 48
    t0 = time.perf_counter()
    net = load_ny()
    print(f"{net}: loaded in {time.perf_counter() - t0:.1f} s")
    rng = np.random.default_rng(1)
    origins = rng.choice(net.n_nodes, n_origins, replace=False)
    targets = np.arange(net.n_nodes)
    pairs = n_origins * net.n_nodes

    t0 = time.perf_counter()
    serial = node_times(net, origins, targets, batch_size=8)
    ts = time.perf_counter() - t0
    print(f"serial scipy : {n_origins} origins x {net.n_nodes} nodes in {ts:.2f} s = "
          f"{pairs / ts / 1e6:.2f} M pairs/s")

    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        tstart = time.perf_counter() - t0
        node_times(net, origins[:2], targets, batch_size=1, parallel=True, client=client)  # warm
        t0 = time.perf_counter()
        par = node_times(net, origins, targets, batch_size=8, parallel=True, client=client)
        tp = time.perf_counter() - t0
    assert np.array_equal(serial, par)
    print(f"dask 2 procs : {tp:.2f} s = {pairs / tp / 1e6:.2f} M pairs/s "
          f"(cluster start {tstart:.1f} s not included)")
    print(f"ratio dask/serial throughput: {ts / tp:.2f}x "
          "(R5 reports ~0.5 M pairs/s on 12 cores)")


if __name__ == "__main__":
    main()
