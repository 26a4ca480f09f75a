"""Private helpers of :mod:`geourb.network`.

Component options, reverse-edge tests, unit-sphere snapping coordinates, the ``.npz`` cache
writer and the networkx export (no :class:`Network` import: the network is passed in).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from geourb._errors import InvalidValueError
from geourb._io import atomic_path

FORMAT_VERSION = 1
"""Version of the ``.npz`` network cache layout."""


def component_kind(value: object, label: str) -> str | None:
    """Return ``"strong"``, ``"weak"`` or None from a ``largest_component`` option.

    Parameters
    ----------
    value
        ``"strong"``/True, ``"weak"``, or False/None.
    label
        Network name for the message.

    Returns
    -------
    str or None
        The connection kind, None for "keep every component".

    Raises
    ------
    InvalidValueError
        Any other value.
    """
    if value is True or value == "strong":
        return "strong"
    if value == "weak":
        return "weak"
    if value is False or value is None:
        return None
    raise InvalidValueError(
        f"{label}: largest_component must be 'strong' (or True), 'weak' or False, got {value!r}."
    )


def unit_xyz(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return points on the unit sphere (3-D): Euclidean nearest = great-circle nearest.

    Parameters
    ----------
    lon, lat
        Degrees.

    Returns
    -------
    numpy.ndarray
        ``(n, 3)`` unit vectors.
    """
    lam, phi = np.radians(lon), np.radians(lat)
    cos_phi = np.cos(phi)
    return np.column_stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])


def has_reverse(row: NDArray[np.integer], col: NDArray[np.integer], n: int,
                 chunk: int = 4_000_000) -> NDArray[np.bool_]:
    """Whether each edge ``row -> col`` (CSR order, sorted columns) has the edge ``col -> row``.

    One int64 key per edge plus chunked look-ups, so memory stays ~9 bytes per edge.

    Parameters
    ----------
    row, col
        Edge ends.
    n
        Number of nodes.
    chunk
        Edges looked up at once.

    Returns
    -------
    numpy.ndarray
        One bool per edge.
    """
    key = row.astype(np.int64) * n + col
    if key.size > 1 and not (key[1:] >= key[:-1]).all():
        order = np.argsort(key, kind="stable")
        out = np.empty(key.size, dtype=bool)
        out[order] = _has_reverse_sorted(key[order], n, chunk)
        return out
    return _has_reverse_sorted(key, n, chunk)


def _has_reverse_sorted(key: NDArray[np.int64], n: int, chunk: int) -> NDArray[np.bool_]:
    out = np.empty(key.size, dtype=bool)
    for start in range(0, key.size, chunk):
        k = key[start:start + chunk]
        rkey = (k % n) * n + k // n
        pos = np.minimum(np.searchsorted(key, rkey), key.size - 1)
        out[start:start + chunk] = key[pos] == rkey
    return out


def write_network_npz(net: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``net`` (a :class:`geourb.network.Network`) as a compressed ``.npz`` (atomic).

    Parameters
    ----------
    net
        The network.
    path
        The file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    arrays = {
        "format_version": np.array(FORMAT_VERSION),
        "indptr": net.csr.indptr.astype(np.int64),
        "indices": net.csr.indices.astype(np.int64),
        "data": net.csr.data.astype(float),
        "node_lon": net.node_lon,
        "node_lat": net.node_lat,
        "node_ids": net.node_ids,
        "name": np.array(net.name),
        "approximate": np.array(net.approximate),
    }
    if net.length_m is not None:
        arrays["length_m"] = net.length_m
    if net.dropped_lon is not None:  # parts dropped by largest_component (messages)
        arrays["dropped_lon"], arrays["dropped_lat"] = net.dropped_lon, net.dropped_lat
        arrays["dropped_info"] = np.array(json.dumps(net.info.get("dropped") or {}))
    if "transit_from_node" in net.info:  # multimodal: stations are not snapped to
        arrays["transit_from_node"] = np.array(net._transit_from_node())
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    return path


def network_to_networkx(net: Any) -> Any:
    """Export ``net`` as an osmnx-compatible ``networkx.MultiDiGraph`` (see ``Network.to_networkx``).

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    networkx.MultiDiGraph
        One edge per directed network edge.
    """
    import networkx as nx

    graph = nx.MultiDiGraph(crs="EPSG:4326", name=net.name, approximate=net.approximate)
    graph.add_nodes_from(
        (i, {"x": float(x), "y": float(y)})
        for i, (x, y) in enumerate(zip(net.node_lon, net.node_lat, strict=True))
    )
    u, v, t = net.edges()
    length = net.edge_lengths()
    graph.add_edges_from(
        (int(a), int(b), 0, {"travel_time": float(c), "length": float(d)})
        for a, b, c, d in zip(u, v, t, length, strict=True)
    )
    return graph
