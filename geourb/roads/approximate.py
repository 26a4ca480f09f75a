"""Straight-line county-seat network for places without road data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from geourb._errors import InvalidValueError, NetworkGraphError
from geourb.network import Network, great_circle_m
from geourb.roads.speeds import MIN_LENGTH_M, _check_speeds

APPROX_SPEED_KMH: float = 80.0
"""Default link speed (km/h) of :func:`approximate_network` (expressway / first-class roads)."""

APPROX_CIRCUITY: float = 1.25
"""Default road / straight-line distance ratio of :func:`approximate_network`."""


def approximate_network(
    counties: gpd.GeoDataFrame,
    *,
    circuity: float = APPROX_CIRCUITY,
    speed_kmh: float = APPROX_SPEED_KMH,
    name: str | None = None,
) -> Network:
    """Straight-line network between county seats, for places without road data.

    Seats of neighbouring counties (Queen contiguity of the polygons) are linked; separate
    groups (islands) are joined to the nearest seat of another group. Edge length is the
    great-circle distance times ``circuity``; time = length / ``speed_kmh``. The network is
    marked ``approximate=True`` and so is every output derived from it. Node ``i`` is row
    ``i`` of ``counties`` (``network.info["node_labels"]`` holds the index).

    Defaults: 80 km/h with circuity 1.25 (:data:`APPROX_SPEED_KMH`, :data:`APPROX_CIRCUITY`),
    i.e. 64 km/h along the straight line between neighbouring seats. Reasoning: in today's
    China most neighbouring county seats are linked by expressways (design speed 80-120 km/h
    in JTG B01-2014; 183,600 km at the end of 2023 per the Ministry of Transport's statistical
    bulletin) or first-class highways (60-100 km/h), so 80 km/h is a mean car speed over a
    seat-to-seat trip including the slower urban ends. 1.25 lies within the usual ratio of
    road to straight-line distance, 1.2-1.4 (Ballou, Rahardja & Sakai 2002, *Transportation
    Research A* 36(9)), at the low end because routes in this network already zig-zag through
    intermediate seats, which adds detour of its own. The earlier defaults (60 km/h, x1.3:
    46 km/h straight-line) ignored expressways and made 1-hour circles far too small. Both
    values are options: lower them for mountain areas or door-to-door times in congested
    cores, raise them for expressway-only corridors. The results stay labelled approximate.

    Parameters
    ----------
    counties
        County polygons (e.g. :func:`geourb.counties.load_counties`); seats are taken from
        ``seat_lon``/``seat_lat`` (WGS84 degrees) when present, else a point inside each
        polygon.
    circuity
        Road distance / straight-line distance, >= 1 (default 1.25).
    speed_kmh
        Travel speed on every link, km/h (default 80).
    name
        Label of the network (default ``"approximate county-seat network (80 km/h, x1.25)"``,
        with the values used, so that outputs carrying the network name state them).

    Returns
    -------
    Network
        Two-way links, ``approximate=True``; ``network.info`` holds ``node_labels``,
        ``circuity`` and ``speed_kmh``.

    Raises
    ------
    InvalidValueError
        ``circuity`` < 1 or ``speed_kmh`` not a positive number.
    NetworkGraphError
        Fewer than two counties.

    Examples
    --------
    >>> from geourb.counties import load_counties
    >>> net = approximate_network(load_counties(province="宁夏"))
    >>> net.n_nodes, net.approximate
    (22, True)
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import Delaunay

    from geourb.contiguity import contiguity_matrix

    if not (circuity >= 1):
        raise InvalidValueError(f"circuity must be >= 1 (road / straight distance), got {circuity!r}.")
    _check_speeds({"speed_kmh": speed_kmh}, "approximate_network")
    if len(counties) < 2:
        raise NetworkGraphError("approximate_network needs at least two counties.")
    if {"seat_lon", "seat_lat"} <= set(counties.columns):
        lon = counties["seat_lon"].to_numpy(float)
        lat = counties["seat_lat"].to_numpy(float)
    else:
        pts = counties.to_crs(4326).representative_point()
        lon, lat = pts.x.to_numpy(), pts.y.to_numpy()
    adj = contiguity_matrix(counties, kind="queen").tocoo()
    pairs = np.column_stack([adj.row, adj.col]).astype(np.int64)
    n = len(counties)
    tri = Delaunay(np.column_stack([lon, lat]))
    dl = np.concatenate([tri.simplices[:, [0, 1]], tri.simplices[:, [1, 2]],
                         tri.simplices[:, [0, 2]]])
    dlen = great_circle_m(lon[dl[:, 0]], lat[dl[:, 0]], lon[dl[:, 1]], lat[dl[:, 1]])
    for _ in range(50):
        mat = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
        ncomp, labels = connected_components(mat, directed=False)
        if ncomp == 1:
            break
        big = np.argmax(np.bincount(labels))
        cross = labels[dl[:, 0]] != labels[dl[:, 1]]
        add = []
        for comp in set(np.unique(labels)) - {big}:
            cand = np.flatnonzero(cross & ((labels[dl[:, 0]] == comp) | (labels[dl[:, 1]] == comp)))
            if cand.size:
                add.append(dl[cand[np.argmin(dlen[cand])]])
        pairs = np.vstack([pairs, np.array(add, dtype=np.int64).reshape(-1, 2)])
    length = great_circle_m(lon[pairs[:, 0]], lat[pairs[:, 0]], lon[pairs[:, 1]],
                            lat[pairs[:, 1]]) * circuity
    length = np.maximum(length, MIN_LENGTH_M)
    # two-way: contiguity pairs come in both directions, the island links from one Delaunay
    # pair each; oneway=False adds every reverse (duplicates collapse to one edge)
    net = Network.from_edges(pairs[:, 0], pairs[:, 1], length / (speed_kmh / 3.6),
                             node_lon=lon, node_lat=lat, length_m=length,
                             oneway=np.zeros(len(pairs), dtype=bool),
                             name=name or (f"approximate county-seat network ({speed_kmh:g} km/h, "
                                           f"x{circuity:g})"),
                             approximate=True, largest_component=False)
    net.info.update(node_labels=[str(x) for x in counties.index], circuity=circuity,
                    speed_kmh=speed_kmh)
    return net

