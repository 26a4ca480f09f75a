"""Benchmark: ``network_from_osm`` at provincial scale on a SYNTHETIC OSM PBF.

No provincial PBF is available offline, so one is generated with pyosmium's writer in a
temporary folder (deleted afterwards unless ``--keep``):

* a ``G x G`` lattice of intersections (default ``G = 1600``: 2.56 M intersections) about
  300 m apart over ~5 x 4.3 degrees (100-105 E, 24-28 N, the size of a province such as
  Yunnan or Guizhou), positions jittered by up to +-40 m (seed 0);
* one way per block side (``2 G (G - 1)`` ways: 5.12 M), each with ``S`` shape nodes
  (default 8, jittered by up to +-10 m across the road): 2.56 M + 8 x 5.12 M = 43.5 M nodes,
  51 M way-node references (10 per way; the OSM China extract averages ~9);
* highway tags by line, as in a road hierarchy: every 64th line motorway (one-way, direction
  alternating, ``ref=G<n>``, ``maxspeed=120`` on 30 %), 32nd trunk, 16th primary, 8th
  secondary, 4th tertiary; the remaining ways drawn per way: residential 70 %, unclassified
  15 %, service 7 %, track 5 %, footway 3 % (the last three are not drivable); 5 % of the
  residential ways one-way; ``name`` on every way.

Then, in a FRESH child process (so that the generator's memory does not count), it times
``network_from_osm(path)`` (node-location index chosen by ``node_index="auto"``: a sparse
index on disk for files over 128 MB), saves the CSR network as ``.npz`` and reports
ways/s, way-nodes/s, peak RSS (``ru_maxrss``) and the sizes. Timing on a shared machine
(2 cores, other jobs running): read the numbers as indicative.

``--isochrones`` instead times one 60-minute isochrone (100 m cells) from each county seat of
昆明市 on the full Kunming network (real FileGDBs, ~505k nodes): the per-origin cost used
in ``docs/scaling.md`` for the 2,875 county seats.

Run: ``nice -n 10 python benchmarks/bench_pbf_scale.py`` (full scale: ~10-20 min, ~3 GB of
disk in the temp folder); ``--grid 710`` gives ~1 M ways for a quick run; ``--json out.json``
writes the results.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

LON0, LAT0 = 100.0, 24.0
DLAT = 0.0027  # ~300 m
DLON = 0.0030  # ~300 m at 26 N
MINOR = np.array(["residential", "unclassified", "service", "track", "footway"])
MINOR_P = np.array([0.70, 0.15, 0.07, 0.05, 0.03])
SAVE_MAX_EDGES = 20_000_000


def line_class(k: int) -> str | None:
    for step, cls in ((64, "motorway"), (32, "trunk"), (16, "primary"), (8, "secondary"),
                      (4, "tertiary")):
        if k % step == 0:
            return cls
    return None


def generate(path: Path, grid: int, shape: int, seed: int = 0) -> dict[str, int]:
    """Write the synthetic PBF; returns the counts."""
    import osmium
    from osmium.osm.mutable import Node, Way

    rng = np.random.default_rng(seed)
    g = grid
    writer = osmium.SimpleWriter(str(path), overwrite=True)
    # intersections: id 1 + i*g + j at row i (lat), column j (lon)
    ix = (LON0 + np.arange(g) * DLON)[None, :] + rng.uniform(-4e-4, 4e-4, (g, g))
    iy = (LAT0 + np.arange(g) * DLAT)[:, None] + rng.uniform(-3.6e-4, 3.6e-4, (g, g))
    for i in range(g):
        xs, ys = ix[i].tolist(), iy[i].tolist()
        base = 1 + i * g
        for j in range(g):
            writer.add_node(Node(id=base + j, location=(xs[j], ys[j])))
    n_h = g * (g - 1)  # horizontal ways (along rows), then vertical ones
    first_shape = g * g + 1
    frac = (np.arange(1, shape + 1) / (shape + 1))[None, :]
    # shape nodes of way w: first_shape + w*shape + k; horizontal first, row by row
    for i in range(g):  # horizontal: from (i, j) to (i, j+1)
        a_x, a_y, b_x, b_y = ix[i, :-1, None], iy[i, :-1, None], ix[i, 1:, None], iy[i, 1:, None]
        sx = (a_x + (b_x - a_x) * frac).ravel().tolist()
        sy = (a_y + (b_y - a_y) * frac + rng.uniform(-9e-5, 9e-5, (g - 1, shape))).ravel().tolist()
        base = first_shape + i * (g - 1) * shape
        for k in range(len(sx)):
            writer.add_node(Node(id=base + k, location=(sx[k], sy[k])))
    for j in range(g):  # vertical: from (i, j) to (i+1, j), stored column by column
        a_x, a_y, b_x, b_y = ix[:-1, j, None], iy[:-1, j, None], ix[1:, j, None], iy[1:, j, None]
        sx = (a_x + (b_x - a_x) * frac + rng.uniform(-1e-4, 1e-4, (g - 1, shape))).ravel().tolist()
        sy = (a_y + (b_y - a_y) * frac).ravel().tolist()
        base = first_shape + (n_h + j * (g - 1)) * shape
        for k in range(len(sx)):
            writer.add_node(Node(id=base + k, location=(sx[k], sy[k])))
    n_nodes = first_shape - 1 + 2 * n_h * shape
    way_id = 0
    offsets = np.arange(shape)
    for vertical in (False, True):
        for line in range(g):
            cls = line_class(line)
            minor = MINOR[rng.choice(len(MINOR), size=g - 1, p=MINOR_P)] if cls is None else None
            ow_draw = rng.random(g - 1)
            for s in range(g - 1):
                way_id += 1
                w = (n_h + line * (g - 1) + s) if vertical else (line * (g - 1) + s)
                if vertical:
                    a, b = 1 + s * g + line, 1 + (s + 1) * g + line
                else:
                    a, b = 1 + line * g + s, 1 + line * g + s + 1
                nodes = [a, *(first_shape + w * shape + offsets).tolist(), b]
                hw = cls or str(minor[s])
                tags = {"highway": hw, "name": f"{'纵' if vertical else '横'}{line}路"}
                if hw == "motorway":
                    tags["ref"] = f"G{line // 64 + 1}"
                    tags["oneway"] = "yes" if (line // 64) % 2 == 0 else "-1"
                    if ow_draw[s] < 0.3:
                        tags["maxspeed"] = "120"
                elif hw == "residential" and ow_draw[s] < 0.05:
                    tags["oneway"] = "yes"
                writer.add_way(Way(id=way_id, nodes=nodes, tags=tags))
    writer.close()
    return {"nodes": n_nodes, "ways": way_id, "way_node_refs": way_id * (shape + 2)}


def measure(path: Path, node_index: str) -> dict[str, float]:
    """Build the network (in this process) and report time, peak RSS and sizes."""
    import logging

    from geourb.roads import network_from_osm

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    t0, c0 = time.perf_counter(), time.process_time()
    net = network_from_osm(path, node_index=node_index)
    build_s = time.perf_counter() - t0
    build_cpu_s = time.process_time() - c0
    rss_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    # the .npz as Network.save writes it, uncompressed (int64 indices, float64 data/lengths,
    # node lon/lat/ids); compressed it is measured only up to SAVE_MAX_EDGES (zlib takes
    # minutes at provincial scale: see the 1 M-way run for the ratio)
    raw_mb = (net.csr.indptr.size * 8 + net.n_edges * 8 * 3 + net.n_nodes * 8 * 3) / 1e6
    save_s = npz_mb = float("nan")
    if net.n_edges <= SAVE_MAX_EDGES:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "net.npz"
            t1 = time.perf_counter()
            net.save(out)
            save_s = time.perf_counter() - t1
            npz_mb = out.stat().st_size / 1e6
    csr_mb = (net.csr.data.nbytes + net.csr.indices.nbytes + net.csr.indptr.nbytes
              + (net.length_m.nbytes if net.length_m is not None else 0)
              + net.node_lon.nbytes * 3) / 1e6
    return {"build_s": build_s, "build_cpu_s": build_cpu_s, "read_s": float(net.info.get("read_s", float("nan"))),
            "save_s": save_s, "peak_rss_gib_build": rss_build,
            "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
            "n_ways": int(net.info["n_ways"]), "n_nodes": net.n_nodes, "n_edges": net.n_edges,
            "npz_mb": npz_mb, "npz_uncompressed_mb": raw_mb, "csr_in_memory_mb": csr_mb,
            "node_index": str(net.info.get("node_index"))}


def isochrone_cost(repeat: int = 2) -> dict[str, object]:
    """Seconds per 60-minute isochrone (one band, 100 m cells) from each county seat of 昆明市
    (seats from geourb.counties) on the full Kunming network (all four FileGDB layers, ~505k
    nodes), best of ``repeat`` after a warm-up call that fills the network's caches."""
    from geourb._errors import NetworkGraphError
    from geourb.counties import load_counties
    from geourb.isochrones import isochrones
    from geourb.roads import load_network

    shared = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    t0 = time.perf_counter()
    net = load_network(shared / "roads" / "kunming", name="kunming full")
    build_s = time.perf_counter() - t0
    seats = load_counties(province="云南")
    seats = seats[seats["prefecture"].str.startswith("昆明")]
    isochrones(net, (102.712, 25.040), bands_min=(60,))  # warm-up: KD-tree, projection
    per: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for name, lon, lat in zip(seats["name"], seats["seat_lon"], seats["seat_lat"], strict=True):
        best = best_cpu = float("inf")
        try:
            for _ in range(repeat):
                t1, c1 = time.perf_counter(), time.process_time()
                iso = isochrones(net, (float(lon), float(lat)), bands_min=(60,))
                best = min(best, time.perf_counter() - t1)
                best_cpu = min(best_cpu, time.process_time() - c1)
        except NetworkGraphError as exc:  # seat off the (urban-only) network
            print(f"  {name}: skipped ({str(exc)[:80]})", file=sys.stderr)
            continue
        per[str(name)] = round(best, 3)
        cpu[str(name)] = round(best_cpu, 3)
        print(f"  {name}: {best:.3f} s wall, {best_cpu:.3f} s CPU, "
              f"{float(iso['area_km2'].iloc[-1]):,.0f} km2", file=sys.stderr, flush=True)
    times = np.array(list(per.values()))
    ctimes = np.array(list(cpu.values()))
    return {"build_s": round(build_s, 1), "n_nodes": net.n_nodes, "per_origin_s": per,
            "per_origin_cpu_s": cpu, "median_cpu_s": float(np.median(ctimes)),
            "median_s": float(np.median(times)), "mean_s": float(times.mean()),
            "max_s": float(times.max()),
            "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grid", type=int, default=1600, help="intersections per side")
    parser.add_argument("--shape", type=int, default=8, help="shape nodes per way")
    parser.add_argument("--node-index", default="auto")
    parser.add_argument("--keep", type=Path, help="keep the PBF at this path")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--isochrones", action="store_true",
                        help="only measure the per-origin 60-min isochrone cost on Kunming full")
    args = parser.parse_args()
    if args.isochrones:
        res = isochrone_cost()
        print(json.dumps(res, indent=1, ensure_ascii=False))
        if args.json:
            args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
        return
    if args.measure:  # child process
        print(json.dumps(measure(args.measure, args.node_index)))
        return
    with tempfile.TemporaryDirectory(prefix="geourb-pbf-scale-") as tmp:
        path = args.keep or Path(tmp) / "synthetic_province.osm.pbf"
        t0 = time.perf_counter()
        counts = generate(path, args.grid, args.shape)
        gen_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6
        print(f"generated {path.name}: {counts['ways']:,} ways, {counts['nodes']:,} nodes, "
              f"{size_mb:,.0f} MB in {gen_s:.0f} s", flush=True)
        child = subprocess.run(
            [sys.executable, __file__, "--measure", str(path), "--node-index", args.node_index],
            capture_output=True, text=True, env=os.environ, check=False)
        sys.stderr.write(child.stderr[-3000:])
        if child.returncode:
            raise SystemExit(f"measurement failed ({child.returncode})")
        res = json.loads(child.stdout.strip().splitlines()[-1])
    res.update(counts, pbf_mb=size_mb, generate_s=gen_s, grid=args.grid, shape=args.shape,
               ways_per_s=res["n_ways"] / res["build_s"],
               way_nodes_per_s=counts["way_node_refs"] / res["build_s"])
    print(f"network_from_osm: {res['build_s']:.0f} s ({res['ways_per_s']:,.0f} ways/s, "
          f"{res['way_nodes_per_s']:,.0f} way-nodes/s), peak RSS {res['peak_rss_gib']:.2f} GiB "
          f"(node index {res['node_index']}); network {res['n_nodes']:,} nodes, "
          f"{res['n_edges']:,} directed edges; .npz {res['npz_mb']:,.0f} MB "
          f"({res['npz_uncompressed_mb']:,.0f} MB uncompressed)")
    print(json.dumps(res, indent=1))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
