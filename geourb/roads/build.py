"""Way vertices -> :class:`~geourb.network.Network`: the step shared by the OSM and GIS builders."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from geourb._errors import NetworkGraphError
from geourb._log import logger
from geourb.network import Network, great_circle_m
from geourb.roads.speeds import MIN_LENGTH_M, _speeds_for

Component = Literal["strong", "weak"] | bool
"""Type of the ``largest_component`` option: ``"strong"``, ``"weak"`` or False (True = strong)."""


def _from_ways(refs: np.ndarray, lon: np.ndarray, lat: np.ndarray, way_of_vertex: np.ndarray,
               ways: pd.DataFrame, *, speeds: dict[str, float], default_speed_kmh: float,
               unknown: str, name: str, largest_component: Component, source: str,
               coord_scale: float = 1.0) -> Network:
    """Network from way vertices (node refs + coords, grouped by way, in order).

    ``lon``/``lat`` may be fixed-point integers (OSM's 1e-7 degrees) with ``coord_scale``.
    Segments between two vertices of the same node (a way that doubles back on a repeated
    vertex, or two vertices merged within the node tolerance) are counted in
    ``info["self_loop_segments"]`` and logged; segments of zero length between distinct nodes
    (two OSM nodes at one place) take :data:`MIN_LENGTH_M` and are counted in
    ``info["zero_length_segments"]``.
    """
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
    del inverse, same
    node_lon = np.asarray(lon[first], dtype=float) * coord_scale
    node_lat = np.asarray(lat[first], dtype=float) * coord_scale
    del first
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
    length = great_circle_m(node_lon[a], node_lat[a], node_lon[b], node_lat[b])
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
    u = np.where(flag == -1, b, a)
    v = np.where(flag == -1, a, b)
    del a, b
    time_s = np.maximum(length, MIN_LENGTH_M) / (kmh / 3.6)
    del kmh
    net = Network.from_edges(u, v, time_s, node_lon=node_lon, node_lat=node_lat,
                             length_m=length, oneway=flag != 0, name=name,
                             largest_component=largest_component)
    net.info.update(info, source=source, n_ways=len(ways), self_loop_segments=n_loops,
                    zero_length_segments=zero)
    return net
