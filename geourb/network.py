"""The routable transport network: a directed graph in CSR form with WGS84 node coordinates.

:class:`Network` is the one piece of costly state of the transport modules: build it once (from
OSM PBF/XML or GIS road layers with :mod:`geourb.roads`, or from edge arrays with
:meth:`Network.from_edges`), cache it with :meth:`Network.save`, and query it many times with
:meth:`Network.travel_times` (bounded Dijkstra from :mod:`scipy.sparse.csgraph`) and
:meth:`Network.nearest_nodes` (KD-tree snapping). :meth:`Network.to_networkx` exports an
osmnx-compatible ``MultiDiGraph`` for interoperability.

Edge weights are travel times in **seconds**. Two-way roads are stored as two directed edges.

Examples
--------
>>> import numpy as np
>>> net = Network.from_edges([0, 1], [1, 2], [60.0, 120.0],
...                          node_lon=[100.0, 100.01, 100.02], node_lat=[25.0, 25.0, 25.0],
...                          oneway=[False, False])
>>> net.travel_times([0]).tolist()
[0.0, 60.0, 180.0]
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from geourb._errors import DataFileNotFoundError, InvalidValueError, NetworkGraphError
from geourb._log import logger
from geourb._netutil import component_kind, has_reverse, network_to_networkx, unit_xyz, write_network_npz
from geourb._validate import require_lonlat_degrees
from geourb.coords import EARTH_RADIUS_M, haversine_m

if TYPE_CHECKING:
    import networkx as nx

DROPPED_WARN_SHARE: float = 0.10
"""Share of the edge length above which dropping small components logs a WARNING."""


def _as_float(values: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(values, dtype=float).ravel()


great_circle_m = haversine_m
"""Great-circle (haversine) distance in metres, vectorised: :func:`geourb.coords.haversine_m`."""


class Network:
    """Directed road/rail graph in CSR form: costly state, built once, queried many times.

    Attributes
    ----------
    csr
        ``(n, n)`` :class:`scipy.sparse.csr_matrix` of travel times in seconds (directed; a
        two-way road is two entries).
    node_lon, node_lat
        WGS84 coordinates of the nodes (degrees), shape ``(n,)``.
    name
        A label shown in outputs and logs.
    approximate
        True for straight-line networks (e.g. between county seats) rather than real roads;
        every output derived from the network repeats this flag.
    length_m
        Edge lengths in metres aligned with ``csr.data`` (``None`` when unknown; then
        :meth:`edge_lengths` uses great-circle distances).
    node_ids
        Index of each node in the arrays given to :meth:`from_edges` (changes when the
        largest component is kept).
    """

    def __init__(
        self,
        csr: sp.csr_matrix,
        node_lon: ArrayLike,
        node_lat: ArrayLike,
        *,
        name: str = "",
        approximate: bool = False,
        length_m: ArrayLike | None = None,
        node_ids: ArrayLike | None = None,
    ) -> None:
        self.csr = sp.csr_matrix(csr)
        self.node_lon = np.asarray(node_lon, dtype=float)
        self.node_lat = np.asarray(node_lat, dtype=float)
        self.name = str(name)
        self.approximate = bool(approximate)
        self.length_m = None if length_m is None else np.asarray(length_m, dtype=float)
        n = self.csr.shape[0]
        self.node_ids = (np.arange(n, dtype=np.int64) if node_ids is None
                         else np.asarray(node_ids, dtype=np.int64))
        if self.csr.shape != (n, n) or self.node_lon.shape != (n,) or self.node_lat.shape != (n,):
            raise NetworkGraphError(
                f"Network {self.name!r}: adjacency {self.csr.shape} and node coordinates "
                f"{self.node_lon.shape}/{self.node_lat.shape} do not match."
            )
        if self.length_m is not None and self.length_m.shape != self.csr.data.shape:
            raise NetworkGraphError(
                f"Network {self.name!r}: {self.length_m.size} edge lengths for "
                f"{self.csr.nnz} edges."
            )
        self.info: dict[str, object] = {}
        """Build details (unknown road classes, speeds used, node labels ...); not cached."""
        self._tree: cKDTree | None = None
        self._labels: NDArray[np.int64] | None = None
        self._sizes: NDArray[np.int64] | None = None
        self._xy: tuple[str, NDArray[np.float64], NDArray[np.float64]] | None = None
        self._rev: NDArray[np.float64] | None = None
        self.dropped_lon: NDArray[np.float64] | None = None
        """Coordinates of the nodes dropped by ``largest_component`` (not cached)."""
        self.dropped_lat: NDArray[np.float64] | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_edges(
        cls,
        u: ArrayLike,
        v: ArrayLike,
        time_s: ArrayLike,
        *,
        node_lon: ArrayLike,
        node_lat: ArrayLike,
        length_m: ArrayLike | None = None,
        oneway: ArrayLike | None = None,
        name: str = "",
        approximate: bool = False,
        largest_component: bool | str = True,
    ) -> Network:
        """Build a network from edge arrays.

        Parameters
        ----------
        u, v
            Integer node indices (0-based, into ``node_lon``/``node_lat``) of each edge's start
            and end.
        time_s
            Travel time of each edge in seconds; must be finite and > 0.
        node_lon, node_lat
            WGS84 coordinates of every node.
        length_m
            Edge lengths in metres (optional; great-circle distance otherwise).
        oneway
            Boolean per edge: ``False`` adds the reverse edge ``v -> u`` with the same time.
            ``None`` (default) means every edge is directed as given.
        name
            Label of the network.
        approximate
            Mark a straight-line (non-road) network.
        largest_component
            ``"strong"`` (or True): keep only the largest strongly connected component (every
            node reaches every other: recommended for routing, elsewhere origins may reach
            nothing); ``"weak"``: the largest weakly connected component (osmnx's default;
            keeps one-way stubs, e.g. where an extract cuts a one-way road); False: keep
            everything. What is dropped is logged (a WARNING above
            :data:`DROPPED_WARN_SHARE` of the length) and reported in ``info["dropped"]``.

        Returns
        -------
        Network
            Self-loops removed, parallel edges reduced to the fastest one.

        Raises
        ------
        NetworkGraphError
            No edges, mismatched lengths, node indices out of range, non-finite, zero or
            negative times, or no edge left after removing self-loops.
        """
        label = name or "network"
        src: NDArray[Any] = np.asarray(u).ravel()
        dst: NDArray[Any] = np.asarray(v).ravel()
        t = _as_float(time_s)
        lon = _as_float(node_lon)
        lat = _as_float(node_lat)
        if src.size == 0:
            raise NetworkGraphError(
                f"{label}: the network has no edges. Check the input (filter too strict, "
                "empty file or wrong area)."
            )
        if not (src.size == dst.size == t.size):
            raise NetworkGraphError(
                f"{label}: u, v and time_s differ in length ({src.size}, {dst.size}, {t.size})."
            )
        if lon.size != lat.size:
            raise NetworkGraphError(f"{label}: node_lon and node_lat differ in length.")
        if not (np.issubdtype(src.dtype, np.integer) and np.issubdtype(dst.dtype, np.integer)):
            raise NetworkGraphError(f"{label}: u and v must be integer node indices.")
        n = lon.size
        if src.min() < 0 or dst.min() < 0 or src.max() >= n or dst.max() >= n:
            raise NetworkGraphError(
                f"{label}: node indices must lie in 0..{n - 1} (there are {n} node coordinates); "
                f"got {min(src.min(), dst.min())}..{max(src.max(), dst.max())}."
            )
        bad = ~np.isfinite(t) | (t <= 0)
        if bad.any():
            idx = np.flatnonzero(bad)[:5].tolist()
            raise NetworkGraphError(
                f"{label}: {int(bad.sum())} edge travel time(s) are zero, negative or not finite "
                f"(edges {idx}: {t[idx].tolist()}). Travel times must be > 0 seconds; check the "
                "speeds (km/h > 0) and drop zero-length edges or give them a minimum time."
            )
        require_lonlat_degrees(lon, lat, source=label, what="node coordinates",
                               fix="reproject the nodes to EPSG:4326 first.",
                               error=NetworkGraphError, nonfinite_error=NetworkGraphError)
        length = None if length_m is None else _as_float(length_m)
        if length is not None and length.size != src.size:
            raise NetworkGraphError(
                f"{label}: length_m has {length.size} values for {src.size} edges."
            )
        if length is not None and (~np.isfinite(length) | (length < 0)).any():
            raise NetworkGraphError(f"{label}: edge lengths must be finite and >= 0 metres.")
        if oneway is not None:
            ow = np.asarray(oneway, dtype=bool).ravel()
            if ow.size != src.size:
                raise NetworkGraphError(f"{label}: oneway has {ow.size} values for {src.size} edges.")
            two = ~ow
            src, dst = np.concatenate([src, dst[two]]), np.concatenate([dst, src[two]])
            t = np.concatenate([t, t[two]])
            if length is not None:
                length = np.concatenate([length, length[two]])
        keep = src != dst
        if not keep.all():
            logger.debug("%s: dropped %d self-loop edges", label, int((~keep).sum()))
            src, dst, t = src[keep], dst[keep], t[keep]
            if length is not None:
                length = length[keep]
        if src.size == 0:
            raise NetworkGraphError(f"{label}: the network has only self-loop edges.")
        # parallel edges: keep the fastest (lexsort: by u, then v, then time)
        order = np.lexsort((t, dst, src))
        src, dst, t = src[order].astype(np.int64), dst[order].astype(np.int64), t[order]
        if length is not None:
            length = length[order]
        first = np.ones(src.size, dtype=bool)
        first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
        src, dst, t = src[first], dst[first], t[first]
        if length is not None:
            length = length[first]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.add.at(indptr, src + 1, 1)
        indptr = np.cumsum(indptr)
        csr = sp.csr_matrix((t, dst, indptr), shape=(n, n))
        net = cls(csr, lon, lat, name=name, approximate=approximate, length_m=length)
        connection = component_kind(largest_component, label)
        if connection:
            net = net.largest_component(connection)
        logger.info("%s: %d nodes, %d directed edges%s", label, net.n_nodes, net.csr.nnz,
                    " (approximate)" if approximate else "")
        return net

    def largest_component(self, connection: str = "strong") -> Network:
        """Return the subnetwork of the largest ``"strong"`` or ``"weak"`` connected component.

        The dropped nodes, edges and road length (a two-way road counted once) are logged (a
        WARNING when more than :data:`DROPPED_WARN_SHARE` of the length goes) and reported in
        ``info["dropped"]`` of the result; the dropped nodes' coordinates are kept
        (``dropped_lon``/``dropped_lat``) so that an origin on a dropped part can be told so
        (:meth:`dropped_part_message`). Memory: a few bytes per edge beyond the network
        itself (masks and one int64 key per edge), no sparse fancy indexing.

        Parameters
        ----------
        connection
            ``"strong"`` (or True) or ``"weak"``.

        Returns
        -------
        Network
            A new network (this one when nothing is dropped).

        Raises
        ------
        InvalidValueError
            An unknown ``connection``.
        """
        return self._largest_component(connection, inplace=False)

    def _largest_component(self, connection: str, *, inplace: bool) -> Network:
        """Keep the largest component (:meth:`largest_component`), optionally in place.

        With ``inplace`` this network's arrays are replaced one by one (the builders use it:
        the full and the kept network are never both held).
        """
        kind = component_kind(connection, self.name or "network")
        if kind == "strong":
            labels = self.component_labels()
        else:
            _, labels = connected_components(self.csr, directed=True, connection="weak")
        sizes = np.bincount(labels)
        big = int(np.argmax(sizes))
        keep = labels == big
        del labels
        n = self.n_nodes
        indptr, indices = self.csr.indptr, self.csr.indices
        row: NDArray[np.integer] = np.repeat(
            np.arange(n, dtype=np.int32 if n < 2**31 - 1 else np.int64), np.diff(indptr))
        two = has_reverse(row, indices, n)
        length = self.edge_lengths()
        kept_edge = keep[row] & keep[indices]
        total_m = dropped_m = 0.0
        for i in range(0, length.size, 4_000_000):  # chunked: no edge-sized temporaries
            part = slice(i, i + 4_000_000)
            w = np.where(two[part], 0.5, 1.0) * length[part]
            total_m += float(w.sum())
            dropped_m += float(w[~kept_edge[part]].sum())
        del two
        share = dropped_m / total_m if total_m > 0 else 0.0
        dropped = {"component": kind, "nodes": int((~keep).sum()),
                   "edges": int((~kept_edge).sum()), "length_km": round(dropped_m / 1000, 3),
                   "length_share": round(share, 4), "components": int(sizes.size - 1),
                   "total_length_km": round(total_m / 1000, 3)}
        if keep.all():
            self.info["dropped"] = dropped
            return self
        label = self.name or "network"
        msg = ("%s: kept the largest %sly connected component (%d of %d nodes); dropped %d "
               "smaller component(s) with %.1f km of %.1f km of road (%.0f %%). Keep them with "
               "largest_component=%s.")
        args = (label, kind, int(keep.sum()), n, sizes.size - 1,
                dropped_m / 1000, total_m / 1000, 100 * share,
                "'weak' or False" if kind == "strong" else "False")
        if share > DROPPED_WARN_SHARE:
            logger.warning(msg, *args)
        else:
            logger.info(msg, *args)
        # induced subgraph by masks (kept nodes keep their order, so rows stay sorted)
        new_id = (np.cumsum(keep) - 1).astype(np.int32 if n < 2**31 - 1 else np.int64)
        counts = np.bincount(row[kept_edge], minlength=n)[keep]
        del row
        sub_indptr = np.zeros(counts.size + 1, dtype=np.int64)
        np.cumsum(counts, out=sub_indptr[1:])
        del length
        if inplace:  # drop each old array as soon as its kept part exists
            old = self.csr
            self.csr = sp.csr_matrix((0, 0))
            self._labels = self._sizes = self._rev = self._tree = None
            self._xy = None
            data = old.data[kept_edge]
            del old
        else:
            data = self.csr.data[kept_edge]
        sub_indices = new_id[indices[kept_edge]]
        del new_id, indices
        csr = sp.csr_matrix((data, sub_indices, sub_indptr), shape=(counts.size, counts.size))
        del sub_indices, data
        if csr.nnz == 0:
            raise NetworkGraphError(f"{label}: the largest component has no edge.")
        kept_length = None if self.length_m is None else self.length_m[kept_edge]
        if inplace:
            self.length_m = None
        lon, lat = self.node_lon, self.node_lat
        sub = self if inplace else Network.__new__(Network)
        Network.__init__(sub, csr, lon[keep], lat[keep], name=self.name,
                         approximate=self.approximate, length_m=kept_length,
                         node_ids=self.node_ids[keep])
        sub.dropped_lon = lon[~keep]
        sub.dropped_lat = lat[~keep]
        sub.info["dropped"] = dropped
        return sub

    def dropped_part_message(self, lon: float, lat: float, max_m: float) -> str | None:
        """Say so when (``lon``, ``lat``) lies within ``max_m`` of a part dropped by ``largest_component``.

        Parameters
        ----------
        lon, lat
            The point (WGS84 degrees).
        max_m
            Search distance in metres.

        Returns
        -------
        str or None
            A message naming the option that keeps the dropped part, or None when no dropped
            node lies within ``max_m``.
        """
        if self.dropped_lon is None or self.dropped_lat is None or self.dropped_lon.size == 0:
            return None
        d = great_circle_m(self.dropped_lon, self.dropped_lat, lon, lat)
        i = int(np.argmin(d))
        if d[i] > max_m:
            return None
        found = self.info.get("dropped")
        drop: dict[str, object] = found if isinstance(found, dict) else {}
        kind = drop.get("component", "strong") if isinstance(found, dict) else "strong"
        how = ("largest_component='weak' (or False)" if kind == "strong"
               else "largest_component=False")
        return (f"({lon:.5f}, {lat:.5f}) lies {d[i]:.0f} m from a part of "
                f"{self.name or 'the network'} that was dropped because it is not in the "
                f"largest {kind}ly connected component ({drop.get('nodes', '?')} nodes, "
                f"{drop.get('length_km', '?')} km dropped). Rebuild the network with {how} to "
                "keep it, or move the point onto the main network.")

    def subnetwork(self, nodes: ArrayLike) -> Network:
        """Return the network induced by ``nodes``.

        Parameters
        ----------
        nodes
            Node indices; the subnetwork numbers them in the given order.

        Returns
        -------
        Network
            The edges between ``nodes`` (with their lengths when known).
        """
        nodes = np.asarray(nodes, dtype=np.int64)
        sub = self.csr[nodes][:, nodes].tocsr()
        sub.sort_indices()
        length = None
        if self.length_m is not None:
            lcsr = sp.csr_matrix((self.length_m + 1.0, self.csr.indices, self.csr.indptr),
                                 shape=self.csr.shape)
            lsub = lcsr[nodes][:, nodes].tocsr()
            lsub.sort_indices()
            length = lsub.data - 1.0
        if sub.nnz == 0:
            raise NetworkGraphError(f"{self.name or 'network'}: the selected nodes share no edge.")
        return Network(sub, self.node_lon[nodes], self.node_lat[nodes], name=self.name,
                       approximate=self.approximate, length_m=length,
                       node_ids=self.node_ids[nodes])

    # ------------------------------------------------------------------ properties
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.csr.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return int(self.csr.nnz)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(min_lon, min_lat, max_lon, max_lat)`` of the nodes."""
        return (float(self.node_lon.min()), float(self.node_lat.min()),
                float(self.node_lon.max()), float(self.node_lat.max()))

    def __repr__(self) -> str:
        flag = ", approximate" if self.approximate else ""
        return f"Network({self.name!r}, {self.n_nodes} nodes, {self.n_edges} edges{flag})"

    def edges(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """Return ``u, v, time_s`` of the directed edges (CSR order).

        Returns
        -------
        tuple of numpy.ndarray
            Start nodes, end nodes (int64) and travel times in seconds.
        """
        u = np.repeat(np.arange(self.n_nodes, dtype=np.int64), np.diff(self.csr.indptr))
        return u, self.csr.indices.astype(np.int64), self.csr.data.astype(float)

    def edge_lengths(self) -> NDArray[np.float64]:
        """Return the edge lengths in metres in CSR order (great-circle distance when not stored).

        Returns
        -------
        numpy.ndarray
            One float per edge, aligned with ``csr.data``.
        """
        if self.length_m is not None:
            return self.length_m
        u, v, _ = self.edges()
        lon, lat = self.node_lon, self.node_lat
        return great_circle_m(lon[u], lat[u], lon[v], lat[v])

    def projected_xy(self, crs: object) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Node coordinates projected to ``crs`` (anything pyproj accepts), cached.

        The last projection is kept, so repeated isochrones in one UTM zone project the nodes
        once. The arrays are shared: do not modify them.

        Parameters
        ----------
        crs
            Target CRS (anything :class:`pyproj.CRS` accepts).

        Returns
        -------
        tuple of numpy.ndarray
            ``x`` and ``y`` of every node in ``crs`` units.
        """
        from pyproj import CRS, Transformer

        key = CRS.from_user_input(crs).to_wkt()
        if self._xy is None or self._xy[0] != key:
            proj = Transformer.from_crs(4326, key, always_xy=True)
            x, y = proj.transform(self.node_lon, self.node_lat)
            x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
            x.flags.writeable = False
            y.flags.writeable = False
            self._xy = (key, x, y)
        return self._xy[1], self._xy[2]

    def out_edges(
        self, nodes: ArrayLike
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """Return ``u, v, time_s`` of the edges leaving ``nodes`` (CSR order for sorted nodes).

        Costs in proportion to those edges only (not the whole network).

        Parameters
        ----------
        nodes
            Node indices whose outgoing edges are wanted.

        Returns
        -------
        tuple of numpy.ndarray
            Start nodes, end nodes (int64) and travel times in seconds.
        """
        u, pos = self.out_edge_index(nodes)
        return u, self.csr.indices[pos].astype(np.int64), self.csr.data[pos].astype(float)

    def out_edge_index(self, nodes: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Return ``u`` and the positions in ``csr.data``/``csr.indices`` of the edges leaving ``nodes``.

        The same edges, in the same order, as :meth:`out_edges`.

        Parameters
        ----------
        nodes
            Node indices (any order; repeats repeat their edges).

        Returns
        -------
        tuple of numpy.ndarray
            Start node and edge position (both int64) of each edge.
        """
        nodes = np.asarray(nodes, dtype=np.int64).ravel()
        indptr = self.csr.indptr
        first = indptr[nodes].astype(np.int64)
        deg = indptr[nodes + 1].astype(np.int64) - first
        u = np.repeat(nodes, deg)
        pos = np.arange(u.size, dtype=np.int64) + np.repeat(first - (np.cumsum(deg) - deg), deg)
        return u, pos

    def reverse_edge_times(self) -> NDArray[np.float64]:
        """Time (s) of the reverse edge ``v -> u`` of every edge ``u -> v``, in CSR order.

        ``np.inf`` where the edge is one-way (no reverse edge). Computed once and cached (the
        array is shared: do not modify it).

        Returns
        -------
        numpy.ndarray
            One float per edge, aligned with ``csr.data``.
        """
        if self._rev is None:
            u, v, _ = self.edges()
            n = np.int64(self.n_nodes)
            key = u * n + v
            order = None if (key[1:] >= key[:-1]).all() else np.argsort(key, kind="stable")
            skey = key if order is None else key[order]
            rkey = v * n + u
            pos = np.minimum(np.searchsorted(skey, rkey), skey.size - 1)
            found = skey[pos] == rkey
            if order is not None:
                pos = order[pos]
            rev = np.where(found, self.csr.data[pos], np.inf).astype(float)
            rev.flags.writeable = False
            self._rev = rev
        return self._rev

    def _transit_from_node(self) -> int:
        """Return the first transit node (stations, platforms) of a multimodal network, else ``n_nodes``."""
        value = self.info.get("transit_from_node", self.n_nodes)
        if not isinstance(value, int | np.integer):
            raise NetworkGraphError(
                f"{self.name or 'network'}: info['transit_from_node'] must be a node index, got {value!r}."
            )
        return int(value)

    def component_labels(self) -> NDArray[np.int64]:
        """Return the strongly connected component label of every node (cached).

        Returns
        -------
        numpy.ndarray
            One int64 label per node.
        """
        if self._labels is None:
            _, labels = connected_components(self.csr, directed=True, connection="strong")
            self._labels = labels.astype(np.int64)
        return self._labels

    def component_size(self, nodes: ArrayLike) -> NDArray[np.int64]:
        """Return the number of nodes in the strongly connected component of each of ``nodes``.

        Parameters
        ----------
        nodes
            Node indices.

        Returns
        -------
        numpy.ndarray
            One int64 size per entry of ``nodes``.
        """
        labels = self.component_labels()
        if self._sizes is None:
            self._sizes = np.bincount(labels)
        return self._sizes[labels[np.asarray(nodes, dtype=np.int64)]]

    # ------------------------------------------------------------------ queries
    def nearest_nodes(self, lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.int64], NDArray]:
        """Snap points to their nearest node.

        Parameters
        ----------
        lon, lat
            WGS84 coordinates (scalars or arrays of the same shape).

        Returns
        -------
        nodes, distance_m
            Node index and great-circle snap distance in metres of each point (KD-tree on the
            unit sphere, so exact at any scale). On a multimodal network
            (``info["transit_from_node"]``) only road nodes are candidates: nobody is put on
            a platform without the wait and transfer.
        """
        x = np.atleast_1d(np.asarray(lon, dtype=float)).ravel()
        y = np.atleast_1d(np.asarray(lat, dtype=float)).ravel()
        if x.shape != y.shape:
            raise InvalidValueError(f"lon and lat differ in shape: {x.shape} vs {y.shape}.")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise InvalidValueError("Points to snap contain NaN or infinite coordinates.")
        if self._tree is None:  # transit nodes (stations, platforms) are not snapped to
            m = self._transit_from_node()
            self._tree = cKDTree(unit_xyz(self.node_lon[:m], self.node_lat[:m]))
        chord, idx = self._tree.query(unit_xyz(x, y))
        dist = 2 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2, 0.0, 1.0))
        return idx.astype(np.int64), dist

    def travel_times(
        self,
        sources: ArrayLike,
        *,
        cutoff_s: float | None = None,
        source_offsets_s: ArrayLike | None = None,
        min_only: bool = True,
    ) -> NDArray[np.float64]:
        """Shortest travel times (seconds) from ``sources`` with a bounded Dijkstra.

        Parameters
        ----------
        sources
            Node indices.
        cutoff_s
            Stop the search at this time; farther nodes are ``inf``.
        source_offsets_s
            Time already spent before reaching each source (e.g. off-network access), added
            to its times; with ``min_only`` the search starts from all sources at once with
            these head starts.
        min_only
            Return the time from the nearest source, shape ``(n,)``; else one row per source,
            shape ``(len(sources), n)``.

        Returns
        -------
        numpy.ndarray
            Times in seconds; ``np.inf`` where unreachable (within the cutoff).
        """
        src = np.atleast_1d(np.asarray(sources)).ravel()
        if src.size == 0:
            raise InvalidValueError("travel_times needs at least one source node.")
        if not np.issubdtype(src.dtype, np.integer) or src.min() < 0 or src.max() >= self.n_nodes:
            raise InvalidValueError(
                f"Source nodes must be integer indices in 0..{self.n_nodes - 1}; got {src[:5]}."
            )
        if cutoff_s is not None and not (cutoff_s > 0):
            raise InvalidValueError(f"cutoff_s must be > 0 seconds, got {cutoff_s!r}.")
        limit = np.inf if cutoff_s is None else float(cutoff_s)
        if source_offsets_s is None:
            offsets = np.zeros(src.size)
        else:
            offsets = np.broadcast_to(np.asarray(source_offsets_s, dtype=float), src.shape).copy()
            if (~np.isfinite(offsets) | (offsets < 0)).any():
                raise InvalidValueError("source_offsets_s must be finite and >= 0 seconds.")
        if not min_only:
            dist = dijkstra(self.csr, directed=True, indices=src, limit=limit)
            dist = np.atleast_2d(dist) + offsets[:, None]
            dist[dist > limit] = np.inf
            return dist
        if offsets.min() > limit:  # every source starts beyond the cut-off: nothing reached
            return np.full(self.n_nodes, np.inf)
        if np.all(offsets == offsets[0]):
            dist = dijkstra(self.csr, directed=True, indices=np.unique(src),
                            limit=limit - offsets[0], min_only=True)
            dist = np.asarray(dist, dtype=float)
            if offsets[0]:
                dist += offsets[0]  # in place: a new array of n floats costs page faults
            dist[dist > limit] = np.inf
            return dist
        # different head starts: one super-source node linked to each source by its offset
        # (offsets shifted so the smallest is 0; explicit zeros in CSR are kept as edges).
        # a node given twice (two origins snapped to it) keeps its smallest head start
        src, inverse = np.unique(src, return_inverse=True)
        best = np.full(src.size, np.inf)
        np.minimum.at(best, inverse, offsets)
        offsets = best
        base = float(offsets.min())
        n = self.n_nodes
        extra_w = offsets - base
        u, v, t = self.edges()
        csr = sp.csr_matrix(
            (np.concatenate([t, extra_w]),
             (np.concatenate([u, np.full(src.size, n)]), np.concatenate([v, src]))),
            shape=(n + 1, n + 1),
        )
        dist = dijkstra(csr, directed=True, indices=n, limit=limit - base)[:n]
        dist += base
        dist[dist > limit] = np.inf
        return dist

    # ------------------------------------------------------------------ cache
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save the network as a compressed ``.npz`` cache (atomic write).

        Parameters
        ----------
        path
            The file to write (``.npz``).

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        path = write_network_npz(self, path)
        logger.info("saved %r to %s", self, path)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Network:
        """Load a network saved with :meth:`save`.

        Parameters
        ----------
        path
            A ``.npz`` file written by :meth:`save`.

        Returns
        -------
        Network
            The saved network (with its dropped parts and transit-node start when saved).

        Raises
        ------
        DataFileNotFoundError
            The file does not exist.
        NetworkGraphError
            The file is not a geourb network cache (or is corrupt).
        """
        path = Path(path)
        if not path.exists():
            raise DataFileNotFoundError(f"Network cache {path} does not exist; build it first.")
        try:
            with np.load(path, allow_pickle=False) as z:
                n = z["node_lon"].size
                csr = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=(n, n))
                net = cls(csr, z["node_lon"], z["node_lat"], name=str(z["name"]),
                          approximate=bool(z["approximate"]),
                          length_m=z["length_m"] if "length_m" in z.files else None,
                          node_ids=z["node_ids"])
                if "transit_from_node" in z.files:
                    net.info["transit_from_node"] = int(z["transit_from_node"])
                if "dropped_lon" in z.files:
                    net.dropped_lon, net.dropped_lat = z["dropped_lon"], z["dropped_lat"]
                    net.info["dropped"] = json.loads(str(z["dropped_info"]))
                return net
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise NetworkGraphError(
                f"{path} is not a readable geourb network cache ({type(exc).__name__}: {exc}). Build it "
                "again with 'geourb network build SOURCE --out FILE.npz' (Network.save)."
            ) from exc

    # ------------------------------------------------------------------ interop
    def to_networkx(self) -> nx.MultiDiGraph:
        """Export an osmnx-compatible ``MultiDiGraph``.

        Nodes carry ``x`` (lon) and ``y`` (lat); edges ``travel_time`` (s) and ``length`` (m);
        the graph has ``crs="EPSG:4326"``, ``name`` and ``approximate``.

        Returns
        -------
        networkx.MultiDiGraph
            One edge per directed network edge.
        """
        return network_to_networkx(self)
