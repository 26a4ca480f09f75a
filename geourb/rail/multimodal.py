"""The multimodal network: road access, rail with line changes inside stations, road egress."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._errors import InvalidValueError, NetworkGraphError, NoCrsError
from geourb._log import logger
from geourb._validate import require_columns
from geourb.counties import WGS84
from geourb.network import Network

# ---------------------------------------------------------------------------- multimodal
CHANGE_MIN = 10.0
"""Default time to change lines inside a station (换乘), minutes, before the walk."""

CHANGE_WALK_M = 300.0
"""Default walk between the platforms of two lines inside a station, metres."""


def multimodal_network(
    road_network: Network,
    stations: gpd.GeoDataFrame,
    rail_links: gpd.GeoDataFrame,
    *,
    wait_s: float = 600.0,
    transfer_s: float = 300.0,
    access_speed_kmh: float = 30.0,
    max_access_m: float = 5000.0,
    change_min: float = CHANGE_MIN,
    change_walk_m: float = CHANGE_WALK_M,
    walk_speed_kmh: float = 5.0,
    name: str | None = None,
) -> Network:
    """Join rail links to a road network: road access, rail (changing lines costs time), road egress.

    Every station used by ``rail_links`` becomes an entrance node linked to its nearest road
    node, plus one platform node per line stopping there (``line_id`` of the links; one line
    when the column is missing). Entering (road -> entrance) costs the access time (snap
    distance at ``access_speed_kmh``) + ``transfer_s``; boarding (entrance -> platform) costs
    ``wait_s``; alighting (platform -> road) costs the access time + ``transfer_s``. Rail links
    join platforms of the same line both ways. Changing lines inside a station (platform ->
    platform of another line) costs ``change_min`` plus the walk ``change_walk_m`` at
    ``walk_speed_kmh`` (default 10 min + 300 m at 5 km/h = 13.6 min). Leaving the station and
    entering again always costs more than that (two transfers and a wait).

    Parameters
    ----------
    road_network
        The road :class:`~geourb.network.Network` (or an approximate one).
    stations
        Stations with point geometry; index = the ids used in ``rail_links.u``/``v``.
    rail_links
        From :func:`~geourb.rail.link_stations_along_lines` (``u``, ``v``, ``time_s`` and
        optionally ``line_id``).
    wait_s, transfer_s
        Mean wait for a train and the transfer time between road and platform, in seconds.
    access_speed_kmh
        Speed on the snap distance from station to road node, in km/h.
    max_access_m
        Stations farther than this (metres) from any road node are not connected (logged).
    change_min, change_walk_m, walk_speed_kmh
        Changing lines inside a station: fixed minutes, walk in metres and its speed (km/h).
    name
        Name of the result (default: road name + "+rail").

    Returns
    -------
    Network
        Nodes ``0..n_road-1`` are the road nodes in the order of ``road_network``; node
        ``n_road + k`` is the entrance of the ``k``-th distinct station of ``rail_links`` (``u``
        then ``v``, first appearance order); the platform nodes follow. ``network.node_ids``
        is ``0..n-1``. ``network.info`` holds ``transit_from_node`` (``n_road``: isochrones do
        not sample along the edges of nodes from there on, since nobody leaves a train between
        stations), ``station_nodes`` (station id -> entrance node) and ``platforms`` (a
        DataFrame of platform node, station id and line id).

    Raises
    ------
    InvalidValueError
        Negative ``wait_s``/``transfer_s``/``change_min``/``change_walk_m``, non-positive
        speeds, or rail links referring to station ids not in ``stations``.
    MissingColumnError
        ``rail_links`` lacks ``u``, ``v`` or ``time_s``.
    NetworkGraphError
        ``rail_links`` is empty, or no station lies within ``max_access_m`` of a road node.
    """
    for key, val in (("wait_s", wait_s), ("transfer_s", transfer_s),
                     ("change_min", change_min), ("change_walk_m", change_walk_m)):
        if not (isinstance(val, int | float) and np.isfinite(val) and val >= 0):
            raise InvalidValueError(f"{key} must be a finite number >= 0, got {val!r}.")
    for key, val in (("access_speed_kmh", access_speed_kmh),
                     ("walk_speed_kmh", walk_speed_kmh), ("max_access_m", max_access_m)):
        if not (isinstance(val, int | float) and val > 0):
            raise InvalidValueError(f"{key} must be a positive number, got {val!r}.")
    require_columns(rail_links, ["u", "v", "time_s"], source="rail_links")
    if rail_links.empty:
        raise NetworkGraphError("rail_links is empty: no rail link to add to the road network.")
    used = pd.unique(np.concatenate([rail_links["u"].to_numpy(), rail_links["v"].to_numpy()]))
    unknown = set(used) - set(stations.index)
    if unknown:
        raise InvalidValueError(f"rail_links refer to station ids not in stations: "
                                f"{[getattr(x, 'item', lambda x=x: x)() for x in sorted(unknown)[:5]]}.")
    if stations.crs is None:
        raise NoCrsError("The stations have no CRS; set one with .set_crs('EPSG:4326').")
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
                    "unconnected to roads: %s", int((~ok).sum()), ok.size, max_access_m,
                    list(st["name"][~ok][:5]) if "name" in st else list(used[~ok][:5]))
    n = road_network.n_nodes
    n_st = used.size
    st_index = {sid: k for k, sid in enumerate(used)}
    line = (rail_links["line_id"].astype(str).to_numpy() if "line_id" in rail_links
            else np.full(len(rail_links), "rail"))
    # platform nodes: one per (station, line)
    plat = pd.DataFrame({"station": np.concatenate([rail_links["u"].to_numpy(),
                                                    rail_links["v"].to_numpy()]),
                         "line_id": np.concatenate([line, line])}).drop_duplicates()
    plat = plat.reset_index(drop=True)
    plat["node"] = n + n_st + np.arange(len(plat))
    plat["k"] = plat["station"].map(st_index).to_numpy(dtype=np.int64)
    pnode = {(s, li): nd for s, li, nd in zip(plat["station"], plat["line_id"], plat["node"],
                                               strict=True)}
    ku = np.array([pnode[(s, li)] for s, li in zip(rail_links["u"], line, strict=True)],
                  dtype=np.int64)
    kv = np.array([pnode[(s, li)] for s, li in zip(rail_links["v"], line, strict=True)],
                  dtype=np.int64)
    kt = rail_links["time_s"].to_numpy(dtype=float)
    access_s = snap_m / (access_speed_kmh / 3.6)
    hubs = n + np.arange(n_st)
    # line changes: every ordered pair of platforms of one station
    pairs = plat[["k", "node"]].merge(plat[["k", "node"]], on="k", suffixes=("_a", "_b"))
    pairs = pairs[pairs["node_a"] != pairs["node_b"]]
    change_s = change_min * 60.0 + change_walk_m / (walk_speed_kmh / 3.6)
    p_ok = ok[plat["k"].to_numpy()]
    ru, rv, rt = road_network.edges()
    u = np.concatenate([ru, ku, kv, road_node[ok], hubs[plat["k"]], plat["node"][p_ok],
                        pairs["node_a"]])
    v = np.concatenate([rv, kv, ku, hubs[ok], plat["node"], road_node[plat["k"]][p_ok],
                        pairs["node_b"]])
    t = np.concatenate([rt, kt, kt, np.maximum(access_s[ok] + transfer_s, 1.0),
                        np.full(len(plat), max(wait_s, 1.0)),
                        np.maximum(access_s[plat["k"]][p_ok] + transfer_s, 1.0),
                        np.full(len(pairs), max(change_s, 1.0))])
    plon, plat_lat = lon[plat["k"]], lat[plat["k"]]
    net = Network.from_edges(
        u.astype(np.int64), v.astype(np.int64), t,
        node_lon=np.concatenate([road_network.node_lon, lon, plon]),
        node_lat=np.concatenate([road_network.node_lat, lat, plat_lat]),
        name=name or f"{road_network.name or 'road'}+rail",
        approximate=road_network.approximate,
        largest_component=False,
    )
    net.info["transit_from_node"] = n
    net.info["station_nodes"] = {sid: n + k for sid, k in st_index.items()}
    net.info["platforms"] = plat[["node", "station", "line_id"]].copy()
    logger.info("multimodal network: %d road nodes + %d stations (%d linked to roads) with %d "
                "platforms, %d rail links, %d line changes of %.1f min", n, n_st, int(ok.sum()),
                len(plat), len(rail_links), len(pairs), change_s / 60.0)
    return net
