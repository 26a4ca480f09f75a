"""Road networks from OSM files (PBF/XML streamed with pyosmium) and osmnx graphs.

Memory: the way vertices of drivable ways are accumulated in typed arrays (node id 8 bytes,
fixed-point coordinates 2 x 4 bytes); node locations sit in a pyosmium index chosen by file
size (``node_index="auto"``): in memory (``flex_mem``) for files up to
:data:`NODE_INDEX_DISK_ABOVE_MB`, else a sparse index on disk (``sparse_file_array``, 16 bytes
per node of the file, in a temporary folder). See ``docs/scaling.md`` for the peak-memory
formula and the measurements behind it.
"""

from __future__ import annotations

import os
import tempfile
import time
from array import array
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geourb._errors import (
    CrsError,
    DataFileNotFoundError,
    InvalidValueError,
    NetworkGraphError,
    suggest,
)
from geourb._log import logger
from geourb.network import Network, great_circle_m
from geourb.roads.build import Component, _from_ways
from geourb.roads.speeds import CHINA_SPEEDS_KMH, MIN_LENGTH_M, _check_speeds, _speeds_for

if TYPE_CHECKING:
    import networkx as nx

DRIVE_EXCLUDED_HIGHWAYS = frozenset([
    "abandoned", "bridleway", "bus_guideway", "construction", "corridor", "cycleway", "elevator",
    "escalator", "footway", "no", "path", "pedestrian", "planned", "platform", "proposed",
    "raceway", "razed", "service", "steps", "track",
])
"""``highway`` values excluded from the drive network (osmnx's ``network_type="drive"``)."""

NODE_INDEX_DISK_ABOVE_MB: float = 128.0
"""``node_index="auto"`` keeps node locations on disk for OSM files larger than this (MB)."""

_EXCLUDED_SERVICE = frozenset(["alley", "driveway", "emergency_access", "parking", "parking_aisle", "private"])
_ONEWAY_YES = frozenset({"yes", "true", "1"})
_ONEWAY_REVERSE = frozenset({"-1", "reverse"})
_UNDEFINED_COORD = 2147483647  # osmium::Location::undefined_coordinate


class _Tags(Protocol):
    """Read access to OSM tags: a ``dict`` or osmium's ``TagList`` (no copy into a dict)."""

    def get(self, key: str, /) -> str | None: ...


def _is_drive(tags: _Tags | Mapping[str, Any]) -> bool:
    highway = tags.get("highway")
    if not highway or highway in DRIVE_EXCLUDED_HIGHWAYS:
        return False
    if tags.get("area") == "yes" or tags.get("access") == "private":
        return False
    if tags.get("motor_vehicle") == "no" or tags.get("motorcar") == "no":
        return False
    return tags.get("service") not in _EXCLUDED_SERVICE


def _oneway_flag(tags: _Tags | Mapping[str, Any]) -> int:
    """1 = one-way forward, -1 = one-way reversed, 0 = two-way."""
    ow = str(tags.get("oneway") or "").lower()
    if ow in _ONEWAY_YES:
        return 1
    if ow in _ONEWAY_REVERSE:
        return -1
    if ow == "no":
        return 0
    if tags.get("junction") in {"roundabout", "circular"} or tags.get("highway") == "motorway":
        return 1
    return 0




def _node_index_storage(path: Path, node_index: str, tmp: str) -> str:
    """Return the pyosmium location-index spec for ``node_index`` (``"auto"`` picks by file size)."""
    import osmium.index

    kinds = osmium.index.map_types()
    if node_index == "auto":
        big = path.stat().st_size > NODE_INDEX_DISK_ABOVE_MB * 1e6
        node_index = "sparse_file_array" if big else "flex_mem"
    kind = node_index.split(",", 1)[0]
    if kind not in kinds:
        raise InvalidValueError(
            f"node_index={node_index!r} is not a pyosmium location index; use 'auto' or one of "
            f"{', '.join(sorted(kinds))}.{suggest(kind, kinds)}"
        )
    if kind.endswith("file_array") and "," not in node_index:
        node_index = f"{kind},{Path(tmp) / 'node_locations.idx'}"
    return node_index


def network_from_osm(
    path: str | os.PathLike[str],
    *,
    speeds: Mapping[str, float] | None = None,
    default_speed_kmh: float = 30.0,
    unknown: Literal["warn", "raise"] = "warn",
    name: str | None = None,
    largest_component: Component = "strong",
    node_index: str = "auto",
) -> Network:
    """Build the drive network from an OSM file (``.osm.pbf``, ``.osm``, ``.osm.bz2``).

    The file is streamed with pyosmium (only ``highway`` ways reach Python), so a province-size
    PBF never goes through networkx. The drive filter is osmnx's ``network_type="drive"``;
    every OSM node of a kept way is a network node. Ways cut by the extract's boundary keep
    their located vertices (counted in ``info["ways_clipped"]``).

    Parameters
    ----------
    path
        The OSM file.
    speeds
        km/h by ``highway`` class (default :data:`CHINA_SPEEDS_KMH`); ``maxspeed`` overrides.
    default_speed_kmh
        Speed for classes not in ``speeds``.
    unknown
        ``"warn"``: log the unknown classes and use the default; ``"raise"``: refuse them.
    name
        Label (default: the file name).
    largest_component
        ``"strong"`` (default, also ``True``): keep the largest strongly connected component,
        where every node reaches every other; ``"weak"``: the largest weakly connected one
        (osmnx's default; one-way stubs at a clipped edge stay, but origins on them reach
        little); ``False``: keep everything. What is dropped is logged (a WARNING above 10 %
        of the length) and reported in ``network.info["dropped"]``.
    node_index
        pyosmium node-location index: ``"auto"`` (default: ``"flex_mem"`` in memory up to
        :data:`NODE_INDEX_DISK_ABOVE_MB`, else ``"sparse_file_array"`` on disk in a temporary
        folder), or any of ``osmium.index.map_types()``, optionally with ``",<file>"``.

    Returns
    -------
    Network
        Nodes are the OSM nodes of the kept ways (WGS84 degrees), edges the way segments with
        ``length_m`` (great-circle metres) and travel time in seconds; ``network.info``
        holds ``unknown_classes``, ``default_speed_kmh``, ``maxspeed_used``, ``source``,
        ``n_ways``, ``ways_clipped``, ``node_index`` and ``dropped``.

    Raises
    ------
    DataFileNotFoundError
        The file does not exist.
    NetworkGraphError
        The file is corrupt or not OSM, or holds no drivable road (the classes seen are
        listed).
    UnknownNameError
        Road classes without a speed and ``unknown="raise"``.
    InvalidValueError
        A speed (in ``speeds`` or ``default_speed_kmh``) is not a positive number, or an
        unknown ``node_index``.
    """
    import osmium

    path = Path(path)
    if not path.exists():
        raise DataFileNotFoundError(f"OSM file {path} does not exist.")
    if path.is_dir():
        raise DataFileNotFoundError(f"OSM file {path} is a folder; give the .osm.pbf file.")
    speeds_ = _check_speeds(CHINA_SPEEDS_KMH if speeds is None else speeds, str(path))
    _check_speeds({"default": default_speed_kmh}, str(path))
    refs, xs, ys, counts = array("q"), array("i"), array("i"), array("q")
    classes: dict[str, int] = {}
    maxspeeds: dict[str, int] = {}
    cls_code, ms_code, ow_code = array("i"), array("i"), array("b")
    excluded: dict[str | None, int] = {}
    n_clipped = n_short = 0
    t_read = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="geourb-osm-") as tmp:
        storage = _node_index_storage(path, node_index, tmp)
        processor: osmium.FileProcessor | None = None
        obj: osmium.osm.Way | None = None
        tags: osmium.osm.TagList | None = None
        try:
            # node locations are indexed for all nodes, but only highway ways reach Python
            processor = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
                         .with_locations(storage)
                         .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
                         .with_filter(osmium.filter.KeyFilter("highway")))
            # the entity filter lets only ways through
            for obj in cast("Iterable[osmium.osm.Way]", processor):
                tags = obj.tags  # TagList: .get() looks up the few keys used, no dict copy
                highway = tags.get("highway")
                if highway is None or highway in DRIVE_EXCLUDED_HIGHWAYS or not _is_drive(tags):
                    excluded[highway] = excluded.get(highway, 0) + 1
                    continue
                k0 = len(refs)
                total = 0
                for nd in obj.nodes:
                    total += 1
                    x = nd.x
                    if x != _UNDEFINED_COORD:
                        refs.append(nd.ref)
                        xs.append(x)
                        ys.append(nd.y)
                k = len(refs) - k0
                if k < 2:
                    n_short += 1
                    if k:
                        del refs[k0:], xs[k0:], ys[k0:]
                    continue
                n_clipped += k < total
                counts.append(k)
                cls_code.append(classes.setdefault(highway, len(classes)))
                ms = tags.get("maxspeed")
                ms_code.append(-1 if ms is None else maxspeeds.setdefault(ms, len(maxspeeds)))
                ow_code.append(_oneway_flag(tags))
        except RuntimeError as exc:
            raise NetworkGraphError(
                f"Cannot read OSM file {path}: {exc}. It is corrupt or not an OSM PBF/XML file; "
                "download it again."
            ) from exc
        finally:
            processor = obj = tags = None  # frees the node-location index before the build
    read_s = time.perf_counter() - t_read
    if not counts:
        seen = ", ".join(f"{k} ({v})" for k, v in sorted(excluded.items(), key=lambda kv: -kv[1])[:8])
        raise NetworkGraphError(
            f"{path}: no drivable road: "
            + (f"its highway ways are all of non-drive classes or private ({seen})"
               if excluded else "it holds no highway way")
            + (f"; {n_short} drivable way(s) had fewer than two nodes inside the file"
               if n_short else "")
            + ". Use an extract that covers roads (motorway ... residential)."
        )
    n_ways = len(counts)
    way_idx = np.repeat(np.arange(n_ways, dtype=np.int32 if n_ways < 2**31 - 1 else np.int64),
                        np.frombuffer(counts, dtype=np.int64))
    del counts
    ways = pd.DataFrame({
        "highway": pd.Categorical.from_codes(np.frombuffer(cls_code, dtype=np.int32),
                                             categories=list(classes)),
        "maxspeed": pd.Categorical.from_codes(np.frombuffer(ms_code, dtype=np.int32),
                                              categories=list(maxspeeds) or ["none"]),
        "oneway": np.frombuffer(ow_code, dtype=np.int8),
    })
    logger.info("%s: %d drivable ways, %d way nodes (%d ways clipped by the extract, %d with "
                "fewer than two nodes inside it skipped)", path.name, n_ways, len(refs),
                n_clipped, n_short)
    verts: dict[str, NDArray[Any]] = {
        "refs": np.frombuffer(refs, dtype=np.int64), "lon": np.frombuffer(xs, dtype=np.int32),
        "lat": np.frombuffer(ys, dtype=np.int32), "way": way_idx}
    del refs, xs, ys, way_idx  # the arrays in verts are freed one by one in _from_ways
    net = _from_ways(verts, ways, speeds=speeds_,
                     default_speed_kmh=default_speed_kmh, unknown=unknown,
                     name=name or path.name, largest_component=largest_component,
                     source=str(path), coord_scale=1e-7)
    net.info.update(ways_clipped=n_clipped, ways_outside=n_short, node_index=storage.split(",")[0],
                    excluded_highways=excluded, read_s=round(read_s, 3))
    return net
def network_from_graph(
    graph: nx.MultiDiGraph,
    *,
    speeds: Mapping[str, float] | None = None,
    default_speed_kmh: float = 30.0,
    unknown: Literal["warn", "raise"] = "warn",
    name: str = "",
    largest_component: Component = "strong",
) -> Network:
    """Convert an osmnx ``MultiDiGraph`` (nodes ``x``/``y`` in EPSG:4326, edges ``length``).

    Uses the edge's ``travel_time`` when present, else ``length`` / speed by ``highway`` and
    ``maxspeed``. Edges are taken as directed (osmnx already adds both directions).

    Parameters
    ----------
    graph
        An unprojected osmnx graph: node attributes ``x``/``y`` (WGS84 degrees), edge
        attributes ``length`` (metres; the great-circle distance when missing), optionally
        ``travel_time`` (seconds), ``highway`` and ``maxspeed``.
    speeds
        km/h by ``highway`` class (default :data:`CHINA_SPEEDS_KMH`); ``maxspeed`` overrides.
    default_speed_kmh
        Speed in km/h for classes not in ``speeds``.
    unknown
        ``"warn"``: log the unknown classes and use the default; ``"raise"``: refuse them.
    name
        Label of the network.
    largest_component
        ``"strong"`` (default), ``"weak"`` or False, as in :func:`network_from_osm`.

    Returns
    -------
    Network
        Node ``i`` is the ``i``-th node of ``graph``; edge times in seconds, ``length_m`` in
        metres; ``network.info`` reports the unknown classes and ``maxspeed_used``.

    Raises
    ------
    NetworkGraphError
        The graph has no edges.
    CrsError
        The graph is projected (its ``crs`` is not EPSG:4326).
    UnknownNameError
        Road classes without a speed and ``unknown="raise"``.
    InvalidValueError
        A speed in ``speeds`` is not a positive number.
    """
    nodes = list(graph.nodes)
    if not nodes or graph.number_of_edges() == 0:
        raise NetworkGraphError(f"Graph {name or ''} has no edges.")
    crs = str(graph.graph.get("crs", "EPSG:4326")).lower()
    if crs not in {"epsg:4326", "wgs84"}:
        raise CrsError(f"Graph CRS is {crs}; project it back with osmnx.project_graph(G, to_latlong=True).")
    pos = {k: i for i, k in enumerate(nodes)}
    data = [(pos[a], pos[b], d) for a, b, d in graph.edges(data=True)]
    u = np.array([r[0] for r in data], dtype=np.int64)
    v = np.array([r[1] for r in data], dtype=np.int64)
    length = np.array([float(r[2].get("length", np.nan)) for r in data])
    lon = np.array([graph.nodes[k]["x"] for k in nodes], dtype=float)
    lat = np.array([graph.nodes[k]["y"] for k in nodes], dtype=float)
    gc = great_circle_m(lon[u], lat[u], lon[v], lat[v])
    length = np.where(np.isfinite(length), length, gc)
    given = np.array([float(r[2].get("travel_time", np.nan)) for r in data])
    hw = pd.Series([r[2].get("highway") for r in data]).map(
        lambda h: h[0] if isinstance(h, list) else h)
    ms = pd.Series([r[2].get("maxspeed") for r in data], dtype=object)
    speeds_ = _check_speeds(CHINA_SPEEDS_KMH if speeds is None else speeds, name or "graph")
    kmh, info = _speeds_for(hw, ms, speeds_, default_speed_kmh, unknown, name or "graph")
    time_s = np.where(np.isfinite(given) & (given > 0), given,
                      np.maximum(length, MIN_LENGTH_M) / (kmh / 3.6))
    net = Network.from_edges(u, v, time_s, node_lon=lon, node_lat=lat, length_m=length,
                             name=name, largest_component=largest_component)
    net.info.update(info)
    return net


def network_from_place(query: str | dict[str, str], **kwargs: Any) -> Network:  # pragma: no cover - online
    """Download a drive network with osmnx (``graph_from_place``, osmnx's cache) and convert it.

    Parameters
    ----------
    query
        A place name or structured query for :func:`osmnx.graph_from_place`, e.g.
        ``"Wuhan, China"`` or ``{"city": "武汉市"}``. Needs internet unless osmnx has it cached.
    **kwargs
        Passed to :func:`network_from_graph` (``speeds``, ``default_speed_kmh``, ``unknown``,
        ``largest_component``).

    Returns
    -------
    Network
        The drive network, named after ``query``.
    """
    import osmnx as ox

    graph = ox.graph_from_place(query, network_type="drive", simplify=False)
    return network_from_graph(graph, name=str(query), **kwargs)


