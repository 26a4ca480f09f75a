"""Way vertices -> :class:`~geourb.network.Network`: the step shared by the OSM and GIS builders."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from geourb._errors import CrsError, NetworkGraphError
from geourb._log import logger
from geourb._netutil import component_kind
from geourb._validate import require_lonlat_degrees
from geourb.network import Network, great_circle_m
from geourb.roads.speeds import MIN_LENGTH_M, _speeds_for

Component = Literal["strong", "weak"] | bool
"""Type of the ``largest_component`` option: ``"strong"``, ``"weak"`` or False (True = strong)."""


def _from_ways(verts: dict[str, np.ndarray], ways: pd.DataFrame, *, speeds: dict[str, float], default_speed_kmh: float,
               unknown: str, name: str, largest_component: Component, source: str,
               coord_scale: float = 1.0) -> Network:
    """Network from way vertices (node refs + coords, grouped by way, in order).

    ``verts`` holds ``refs``, ``lon``, ``lat`` and ``way`` (the way of each vertex); they are
    popped from it so that each is freed as soon as it has been used. ``lon``/``lat`` may be
    fixed-point integers (OSM's 1e-7 degrees) with ``coord_scale``.
    Segments between two vertices of the same node (a way that doubles back on a repeated
    vertex, or two vertices merged within the node tolerance) are counted in
    ``info["self_loop_segments"]`` and logged; segments of zero length between distinct nodes
    (two OSM nodes at one place) take :data:`MIN_LENGTH_M` and are counted in
    ``info["zero_length_segments"]``.
    """
    refs = verts.pop("refs")
    way_of_vertex = verts.pop("way")
    if refs.size == 0:
        raise NetworkGraphError(
            f"{source}: no drivable road found: the input holds no way with at least two "
            "located vertices of a drivable class (empty file, wrong area, or only footways/"
            "tracks/services)."
        )
    _, first, inverse = np.unique(refs, return_index=True, return_inverse=True)
    del refs
    idx_type = np.int32 if first.size < 2**31 - 1 else np.int64
    inverse = inverse.astype(idx_type, copy=False)
    same = way_of_vertex[1:] == way_of_vertex[:-1]
    a, b = inverse[:-1][same], inverse[1:][same]
    w = way_of_vertex[:-1][same]
    del inverse, same, way_of_vertex
    node_lon = np.asarray(verts.pop("lon")[first], dtype=float) * coord_scale
    node_lat = np.asarray(verts.pop("lat")[first], dtype=float) * coord_scale
    del first
    require_lonlat_degrees(
        node_lon, node_lat, source=source, what="vertex coordinates",
        fix="the layer is probably in metres but labelled EPSG:4326. Set its real CRS (e.g. "
            "gdf.set_crs('EPSG:32648', allow_override=True)) before building the network.",
        error=CrsError, nonfinite_error=NetworkGraphError)
    loops = a == b
    n_loops = int(loops.sum())
    if n_loops:
        ways_hit = np.unique(w[loops])
        logger.warning(
            "%s: %d self-looping segment(s) (a vertex repeated, or two vertices within the node "
            "tolerance) in %d way(s)/feature(s), e.g. %s; they carry no travel and are left out "
            "(counted in info['self_loop_segments'])", source, n_loops, ways_hit.size,
            ways_hit[:5].tolist())
        if n_loops == a.size:
            raise NetworkGraphError(
                f"{source}: every segment ({n_loops}) starts and ends at the same node: the "
                "lines have zero length (repeated vertices, or coordinates in the wrong unit "
                "so that node_tolerance_m merges them all). Check the geometry and its CRS."
            )
        keep = ~loops
        a, b, w = a[keep], b[keep], w[keep]
        del keep
    del loops
    length = _segment_lengths(node_lon, node_lat, a, b)
    zero = int((length <= 0).sum())
    if zero:
        logger.warning("%s: %d zero-length segment(s) between distinct nodes at one place; "
                       "given %g m each (counted in info['zero_length_segments'])", source,
                       zero, MIN_LENGTH_M)
    speed, info = _speeds_for(ways["highway"], ways.get("maxspeed"), speeds, default_speed_kmh,
                              unknown, source)
    oneway = ways["oneway"].to_numpy()
    kmh = speed[w]
    flag = oneway[w]
    del w
    time_s = np.maximum(length, MIN_LENGTH_M) / (kmh / 3.6)
    del kmh
    edges = {"a": a, "b": b, "flag": flag, "time_s": time_s, "length": length}
    del a, b, flag, time_s, length  # popped and freed one by one in _csr_network
    net = _csr_network(edges, node_lon, node_lat, name=name)
    connection = component_kind(largest_component, name)
    if connection:
        net = net._largest_component(connection, inplace=True)
    logger.info("%s: %d nodes, %d directed edges", name, net.n_nodes, net.n_edges)
    net.info.update(info, source=source, n_ways=len(ways), self_loop_segments=n_loops,
                    zero_length_segments=zero)
    return net


def _segment_lengths(lon: np.ndarray, lat: np.ndarray, a: np.ndarray, b: np.ndarray,
                     chunk: int = 2_000_000) -> np.ndarray:
    """Great-circle length (m) of segments ``a -> b``, in chunks (no segment-sized temporaries)."""
    out = np.empty(a.size, dtype=float)
    for i in range(0, a.size, chunk):
        ia, ib = a[i:i + chunk], b[i:i + chunk]
        out[i:i + chunk] = great_circle_m(lon[ia], lat[ia], lon[ib], lat[ib])
    return out


def _csr_network(edges: dict[str, np.ndarray], node_lon: np.ndarray, node_lat: np.ndarray, *,
                 name: str) -> Network:
    """CSR network from way segments ``a -> b`` (``flag`` 1 one-way, -1 reversed, 0 two-way).

    The same result as :meth:`Network.from_edges` (parallel edges keep the fastest) built with
    about 45 bytes per directed edge at the peak: one int64 key per edge, one sort order; the
    segment arrays are popped from ``edges`` and freed as soon as they are used.
    """
    n = node_lon.size
    a, b, flag = edges.pop("a"), edges.pop("b"), edges.pop("flag")
    rev = flag == -1
    two = flag == 0
    del flag
    u = np.concatenate([np.where(rev, b, a), b[two]])
    v = np.concatenate([np.where(rev, a, b), a[two]])
    del a, b, rev
    key = u.astype(np.int64) * n + v
    del u, v
    order = np.argsort(key)
    key = key[order]
    time_s = edges.pop("time_s")
    t = np.concatenate([time_s, time_s[two]])
    del time_s
    t = t[order]
    length = edges.pop("length")
    length_d = np.concatenate([length, length[two]])
    del length, two
    length_d = length_d[order]
    del order
    dup = key[1:] == key[:-1]
    if dup.any():  # parallel edges (rare): the fastest first within each run of one key
        runs = np.flatnonzero(np.r_[dup, False] | np.r_[False, dup])
        fix = runs[np.lexsort((t[runs], key[runs]))]
        t[runs], length_d[runs] = t[fix], length_d[fix]
    del dup
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    if not first.all():
        key, t, length_d = key[first], t[first], length_d[first]
    del first
    itype = np.int32 if n < 2**31 - 1 else np.int64
    indices = (key % n).astype(itype)
    counts = np.bincount(key // n, minlength=n)
    del key
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    del counts
    csr = sp.csr_matrix((t, indices, indptr), shape=(n, n))
    if not (np.isfinite(t).all() and (t > 0).all()):
        raise NetworkGraphError(f"{name}: edge travel times must be finite and > 0 seconds.")
    return Network(csr, node_lon, node_lat, name=name, length_m=length_d)
