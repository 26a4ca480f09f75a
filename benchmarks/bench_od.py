"""Benchmark: many-source shortest paths, origin-node pairs per second (serial vs processes vs Dask).

Network: the FULL Kunming road network (all four FileGDB layers of ../shared/data/roads/kunming,
~505k nodes; built once and cached as ``.npz`` in the temp folder, like
``bench_isochrones.py``). Origins: ``n_origins`` random nodes (seed 1, default 64); each is
searched to EVERY node without a cut-off (R5 counts origin-node pairs this way), in batches of 8.

Three runs of ``geourb.od.node_times`` on the same origins, in the same process:

- serial: SciPy's Dijkstra, one process;
- processes: ``parallel=True``, 2 worker processes attached once to the network and the result
  matrix in shared memory (``geourb._parallel``); pool start-up is included;
- dask: ``parallel="dask"`` on a ``LocalCluster`` of 2 single-threaded worker processes (cluster
  start-up timed separately and not included; the network is scattered once, broadcast).

Then ``isochrones_many`` (one 60-min isochrone per origin) for 16 of the origins, serial and
on 2 processes. Then why Dask gained nothing: the seconds to pickle one batch's result rows (8 x n float64:
what every Dask task sends back) and the network (what a per-task CSR would cost), against one
batch's Dijkstra. Run: ``python benchmarks/bench_od.py [n_origins]``. The machine is shared:
read the ratios, not the absolute seconds.
"""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_isochrones import kunming_full

from geourb.od import node_times

BATCH = 8
N_ISO = 16


def _spin(n: int) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - t0


def machine_parallelism(n: int = 6_000_000) -> float:
    """Speed-up two processes get on a pure-Python loop right now (2.0 on two free cores)."""
    import multiprocessing as mp

    one = _spin(n) + _spin(n)
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(_spin, [n, n])
    return one / (time.perf_counter() - t0)


def main() -> None:
    from geourb.settings import settings

    settings.progress = False
    n_origins = int(sys.argv[1]) if len(sys.argv) > 1 else 64
    t0 = time.perf_counter()
    net = kunming_full()
    print(f"{net}: loaded in {time.perf_counter() - t0:.1f} s")
    rng = np.random.default_rng(1)
    origins = rng.choice(net.n_nodes, n_origins, replace=False)
    targets = np.arange(net.n_nodes)
    pairs = n_origins * net.n_nodes

    print(f"control: two processes run a pure-Python loop {machine_parallelism():.2f}x faster "
          "than one right now (2.00 on two free cores; the machine is shared)")
    t0 = time.perf_counter()
    serial = node_times(net, origins, targets, batch_size=BATCH)
    ts = time.perf_counter() - t0
    print(f"serial      : {n_origins} origins x {net.n_nodes:,} nodes in {ts:6.2f} s = "
          f"{pairs / ts / 1e6:5.2f} M pairs/s")

    from geourb._parallel import process_node_times

    stats: dict = {}
    t0 = time.perf_counter()
    proc = process_node_times(net.csr, origins, targets, limit=np.inf, batch_size=BATCH,
                              workers=2, stats=stats)
    tp = time.perf_counter() - t0
    assert np.array_equal(serial, proc)
    print(f"processes x2: {tp:6.2f} s = {pairs / tp / 1e6:5.2f} M pairs/s; speed-up "
          f"{ts / tp:.2f}x (pool start-up included); a batch took "
          f"{np.mean(stats['batch_s']):.2f} s in a worker vs {ts / (n_origins / BATCH):.2f} s "
          "serially")
    del proc

    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        tstart = time.perf_counter() - t0
        node_times(net, origins[:2], targets, batch_size=1, client=client)  # warm
        t0 = time.perf_counter()
        dask = node_times(net, origins, targets, batch_size=BATCH, client=client)
        td = time.perf_counter() - t0
    assert np.array_equal(serial, dask)
    del dask
    print(f"dask x2     : {td:6.2f} s = {pairs / td / 1e6:5.2f} M pairs/s; speed-up "
          f"{ts / td:.2f}x (cluster start {tstart:.1f} s not included)")

    # why: one batch's compute vs what each Dask task ships
    from scipy.sparse.csgraph import dijkstra

    t0 = time.perf_counter()
    rows = dijkstra(net.csr, indices=origins[:BATCH])
    t_batch = time.perf_counter() - t0
    t0 = time.perf_counter()
    blob = pickle.dumps(rows, protocol=5)
    pickle.loads(blob)
    t_rows = time.perf_counter() - t0
    t0 = time.perf_counter()
    cblob = pickle.dumps(net.csr, protocol=5)
    pickle.loads(cblob)
    t_csr = time.perf_counter() - t0
    print(f"per batch of {BATCH}: Dijkstra {t_batch:.3f} s; result rows {len(blob) / 1e6:.0f} MB "
          f"pickled+unpickled in {t_rows:.3f} s (sent back by every Dask task, plus the "
          f"scheduler's copy); the CSR {len(cblob) / 1e6:.0f} MB in {t_csr:.3f} s (scattered "
          "once, not per task)")
    # whole isochrones per origin (60-min band, 100 m), serial vs 2 processes
    from geourb.od import isochrones_many

    lonlat = np.column_stack([net.node_lon[origins[:N_ISO]], net.node_lat[origins[:N_ISO]]])
    # warm-up outside the timing: compiled kernels, projection, components and edge tables
    # are built once per process (forked workers inherit them), so the serial run must not pay
    # them either, or the speed-up comes out above the number of cores
    isochrones_many(net, lonlat[-1:], bands_min=(60,))
    t0 = time.perf_counter()
    iso_s = isochrones_many(net, lonlat, bands_min=(60,))
    t_is = time.perf_counter() - t0
    t0 = time.perf_counter()
    iso_p = isochrones_many(net, lonlat, bands_min=(60,), parallel=True, workers=2)
    t_ip = time.perf_counter() - t0
    assert np.allclose(iso_s["area_km2"], iso_p["area_km2"])
    print(f"isochrones_many, {N_ISO} origins (60 min, 100 m): serial {t_is / N_ISO:.3f} s per "
          f"origin; 2 processes {t_ip / N_ISO:.3f} s per origin, speed-up {t_is / t_ip:.2f}x")
    print(f"control again: {machine_parallelism():.2f}x")


if __name__ == "__main__":
    main()
