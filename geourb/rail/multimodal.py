"""The multimodal network: road access, rail with line changes inside stations, road egress."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._errors import InvalidValueError, NetworkGraphError
from geourb._log import logger
from geourb._validate import require_columns
from geourb.counties import WGS84
from geourb.network import Network


# ---------------------------------------------------------------------------- multimodal
def multimodal_network(
    road_network: Network,
    stations: gpd.GeoDataFrame,
    rail_links: gpd.GeoDataFrame,
    *,
    wait_s: float = 600.0,
    transfer_s: float = 300.0,
    access_speed_kmh: float = 30.0,
    max_access_m: float = 5000.0,
    name: str | None = None,
) -> Network:
    """Join rail links to a road network: road access, rail, road egress.

    Every station used by ``rail_links`` becomes a node linked to its nearest road node.
    Boarding (road -> station) costs the access time (snap distance at
    ``access_speed_kmh``) + ``wait_s`` + ``transfer_s``; alighting (station -> road) costs
    the access time + ``transfer_s``. Rail links are two-way. Changing trains at a station
    costs nothing extra in this model (the station is one node).

    Parameters
    ----------
    road_network
        The road :class:`~geourb.network.Network` (or an approximate one).
    stations
        Stations with point geometry; index = the ids used in ``rail_links.u``/``v``.
    rail_links
        From :func:`link_stations_along_lines`.
    wait_s, transfer_s
        Mean wait for a train and the transfer time between road and platform, in seconds.
    access_speed_kmh
        Speed on the snap distance from station to road node, in km/h.
    max_access_m
        Stations farther than this (metres) from any road node are not connected (logged).
    name
        Name of the result (default: road name + "+rail").

    Returns
    -------
    Network
        Nodes ``0..n_road-1`` are the road nodes in the order of ``road_network``; station
        node ``n_road + k`` is the ``k``-th distinct station of ``rail_links`` (``u`` then
        ``v``, first appearance order). ``network.node_ids`` is ``0..n-1`` (it does not carry
        ``road_network.node_ids``; use ``road_network.node_ids[i]`` for road node ``i``).

    Raises
    ------
    InvalidValueError
        Negative ``wait_s``/``transfer_s``, non-positive ``access_speed_kmh``, or rail links
        referring to station ids not in ``stations``.
    MissingColumnError
        ``rail_links`` lacks ``u``, ``v`` or ``time_s``.
    NetworkGraphError
        ``rail_links`` is empty, or no station lies within ``max_access_m`` of a road node.
    """
    if wait_s < 0 or transfer_s < 0 or access_speed_kmh <= 0:
        raise InvalidValueError("wait_s and transfer_s must be >= 0 and access_speed_kmh > 0.")
    require_columns(rail_links, ["u", "v", "time_s"], source="rail_links")
    if rail_links.empty:
        raise NetworkGraphError("rail_links is empty: no rail link to add to the road network.")
    used = pd.unique(np.concatenate([rail_links["u"].to_numpy(), rail_links["v"].to_numpy()]))
    unknown = set(used) - set(stations.index)
    if unknown:
        raise InvalidValueError(f"rail_links refer to station ids not in stations: "
                                f"{sorted(unknown)[:5]}.")
    st = stations.loc[used].to_crs(WGS84)
    lon, lat = st.geometry.x.to_numpy(), st.geometry.y.to_numpy()
    road_node, snap_m = road_network.nearest_nodes(lon, lat)
    ok = snap_m <= max_access_m
    if not ok.any():
        raise NetworkGraphError(
            f"No station of the rail links lies within {max_access_m:.0f} m of a node of "
            f"{road_network!r}; the rail and road networks do not overlap."
        )
    if (~ok).any():
        logger.info("%d of %d stations are farther than %.0f m from the road network and stay "
                    "unconnected to roads", int((~ok).sum()), ok.size, max_access_m)
    n = road_network.n_nodes
    st_node = {sid: n + k for k, sid in enumerate(used)}
    access_s = snap_m / (access_speed_kmh / 3.6)
    ru, rv, rt = road_network.edges()
    ku = np.array([st_node[s] for s in rail_links["u"]], dtype=np.int64)
    kv = np.array([st_node[s] for s in rail_links["v"]], dtype=np.int64)
    kt = rail_links["time_s"].to_numpy(dtype=float)
    s_nodes = (n + np.arange(used.size))[ok]
    board = access_s[ok] + wait_s + transfer_s
    alight = access_s[ok] + transfer_s
    u = np.concatenate([ru, ku, kv, road_node[ok], s_nodes])
    v = np.concatenate([rv, kv, ku, s_nodes, road_node[ok]])
    t = np.concatenate([rt, kt, kt, np.maximum(board, 1.0), np.maximum(alight, 1.0)])
    net = Network.from_edges(
        u, v, t,
        node_lon=np.concatenate([road_network.node_lon, lon]),
        node_lat=np.concatenate([road_network.node_lat, lat]),
        name=name or f"{road_network.name or 'road'}+rail",
        approximate=road_network.approximate,
        largest_component=False,
    )
    logger.info("multimodal network: %d road nodes + %d stations (%d linked to roads), %d rail "
                "links", n, used.size, int(ok.sum()), len(rail_links))
    return net
