"""Origin-destination travel-time matrices on a :class:`~geourb.network.Network`.

Origins and destinations (county seats, stations, any points) are snapped to their nearest
node; the matrix is filled by many-source bounded Dijkstra (:func:`scipy.sparse.csgraph.dijkstra`
with ``limit``) in batches of origin nodes, keeping only the destination columns, so memory is
``batch x n_nodes``. With ``parallel=True`` the batches run on worker processes sharing the
network and the result in shared memory; with ``parallel="dask"`` on a Dask cluster (a
``LocalCluster`` by default; the optional extra ``geourb[parallel]``).

Examples
--------
>>> from geourb.counties import county_seats, load_counties
>>> from geourb.roads import approximate_network
>>> counties = load_counties(province="湖北")
>>> net = approximate_network(counties)  # straight lines between seats: approximate
>>> od = od_matrix(net, county_seats(counties), minutes=180)
>>> od.shape, od.attrs["approximate"]
((103, 103), True)
>>> ind = commuting_indicators(od, core="420102")  # 江岸区, in Wuhan
>>> int(ind["n_pairs"]), round(float(ind["share_within_to_core"]), 2)
(10506, 0.14)
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import dijkstra

from geourb._deprecate import _UNSET, renamed_argument
from geourb._errors import InvalidValueError, MissingDependencyError, UnknownNameError, plain
from geourb._log import logger, progress
from geourb._points import _positive, points_lonlat
from geourb.network import Network

if TYPE_CHECKING:
    from distributed import Client

DASK_HINT = ('Parallel OD matrices need Dask: pip install "geourb[parallel]" '
             '(or pip install "dask[distributed]"), or call with parallel=False.')


def _batch_times(csr: sp.csr_matrix, sources: NDArray, limit: float,
                 columns: NDArray) -> NDArray[np.float64]:
    """Return times from ``sources`` to ``columns`` (seconds); module-level so Dask can ship it."""
    dist = dijkstra(csr, directed=True, indices=sources, limit=limit)
    return np.atleast_2d(dist)[:, columns]


def node_times(
    network: Network,
    sources: ArrayLike,
    targets: ArrayLike,
    *,
    cutoff_s: float | None = None,
    batch_size: int = 64,
    parallel: bool | str = False,
    client: Client | None = None,
    workers: int | None = None,
) -> NDArray[np.float64]:
    """Node-to-node times (seconds), shape ``(len(sources), len(targets))``; inf = unreached.

    Serial batches with SciPy; with ``parallel=True`` (or ``"processes"``) the batches run on
    ``workers`` processes that attach the network and write the result in shared memory once
    (:mod:`geourb._parallel`: nothing large is pickled per task); with ``parallel="dask"`` (or
    a ``client``) on Dask (``client``: an existing ``distributed.Client``; by default a
    ``LocalCluster`` with one single-threaded worker per core is started and closed; the
    network is scattered once to every worker, but each batch's result rows travel back
    pickled, which is why Dask gains little on one machine).

    Parameters
    ----------
    network
        The network (edge times in seconds).
    sources, targets
        Integer node indices (``0 .. network.n_nodes - 1``), e.g. from
        :meth:`Network.nearest_nodes`.
    cutoff_s
        Bound of the search in seconds; farther nodes are ``inf``. None: no bound.
    batch_size
        Source nodes per Dijkstra call (memory ``batch_size x n_nodes`` floats).
    parallel
        False (serial), True or ``"processes"`` (shared-memory worker processes) or
        ``"dask"``.
    client
        An existing ``distributed.Client`` (implies Dask); None starts and closes a local
        cluster when ``parallel="dask"``.
    workers
        Number of worker processes (default: the number of cores).

    Returns
    -------
    numpy.ndarray
        Float seconds, one row per source and one column per target, in the given order;
        ``inf`` where the target is not reached within ``cutoff_s``.

    Raises
    ------
    InvalidValueError
        ``batch_size`` or ``workers`` < 1, an unknown ``parallel`` value, node indices out of
        range, or a cut-off that is not a positive number.
    MissingDependencyError
        ``parallel="dask"`` without Dask's ``distributed`` installed.
    """
    src = np.asarray(sources, dtype=np.int64).ravel()
    tgt = np.asarray(targets, dtype=np.int64).ravel()
    if not (isinstance(batch_size, int) and batch_size >= 1):
        raise InvalidValueError(f"batch_size must be an integer >= 1, got {batch_size!r}.")
    if workers is not None and not (isinstance(workers, int) and workers >= 1):
        raise InvalidValueError(f"workers must be an integer >= 1, got {workers!r}.")
    mode = ("dask" if client is not None else "processes" if parallel is True
            else "serial" if parallel is False else parallel)
    if mode not in ("serial", "processes", "dask"):
        raise InvalidValueError(f"parallel must be False, True, 'processes' or 'dask', got "
                                f"{parallel!r}.")
    for what, arr in (("sources", src), ("targets", tgt)):
        if arr.size and (arr.min() < 0 or arr.max() >= network.n_nodes):
            raise InvalidValueError(f"{what} must be node indices in 0..{network.n_nodes - 1}; "
                                    f"got {int(arr.min())}..{int(arr.max())}.")
    if cutoff_s is not None and not _positive(cutoff_s):
        raise InvalidValueError(f"cutoff_s must be a positive number of seconds, got "
                                f"{plain(cutoff_s)}.")
    limit = np.inf if cutoff_s is None else float(cutoff_s)
    if src.size == 0:
        return np.zeros((0, tgt.size))
    batches = [src[i:i + batch_size] for i in range(0, src.size, batch_size)]
    if mode == "serial" or (mode == "processes" and (workers == 1 or len(batches) == 1)):
        rows = [_batch_times(network.csr, b, limit, tgt)
                for b in progress(batches, desc="OD batches")]
        return np.vstack(rows)
    if mode == "processes":
        from geourb._parallel import process_node_times

        return process_node_times(network.csr, src, tgt, limit=limit, batch_size=batch_size,
                                  workers=workers)
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise MissingDependencyError(DASK_HINT) from exc
    cluster = None
    if client is None:  # our own cluster, closed at the end
        import os

        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 2, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        csr_f = client.scatter(network.csr, broadcast=True)
        tgt_f = client.scatter(tgt, broadcast=True)
        futures = client.map(_batch_times, [csr_f] * len(batches), batches,
                             [limit] * len(batches), [tgt_f] * len(batches), pure=False)
        rows = client.gather(futures)
    finally:
        if cluster is not None:
            client.close()
            cluster.close()
    return np.vstack(rows) if rows else np.zeros((0, tgt.size))


def od_matrix(
    network: Network,
    origins: gpd.GeoDataFrame | gpd.GeoSeries | pd.DataFrame | ArrayLike,
    destinations: gpd.GeoDataFrame | gpd.GeoSeries | pd.DataFrame | ArrayLike | None = None,
    *,
    minutes: float | None = None,
    access_speed_kmh: float | None = None,
    max_snap_m: float | None = None,
    batch_size: int = 64,
    parallel: bool | str = False,
    client: Client | None = None,
    workers: int | None = None,
    cutoff_min: Any = _UNSET,
) -> pd.DataFrame:
    """Travel-time matrix in minutes between points.

    Parameters
    ----------
    network
        The network.
    origins, destinations
        A county layer (its seats are used), points (GeoDataFrame/GeoSeries in any CRS;
        other geometries give a point inside), a DataFrame with ``lon``/``lat`` (WGS84
        degrees) or a list of (lon, lat) pairs; ``destinations=None`` uses the origins
        (square matrix, zero diagonal).
    minutes
        Bound of the search in minutes; farther pairs are ``inf``. None: no bound.
    access_speed_kmh
        Speed on the snap distance at both ends (default 5 km/h; 30 km/h on approximate
        networks).
    max_snap_m
        Points farther than this from any node get ``NaN`` rows/columns (logged). Default
        2 km (30 km on approximate networks).
    batch_size
        Origin nodes per Dijkstra call.
    parallel, client, workers
        Run the batches in parallel (see :func:`node_times`).
    cutoff_min
        Deprecated name of ``minutes`` (a DeprecationWarning; removed in the next release).

    Returns
    -------
    pandas.DataFrame
        Minutes; index = origin ids, columns = destination ids; ``inf`` beyond the cutoff,
        ``NaN`` for points off the network. ``df.attrs["approximate"]`` repeats the network
        flag and ``df.attrs["network"]`` its name.

    Raises
    ------
    InvalidValueError
        ``minutes`` is not a positive number, no points, NaN coordinates, rows without
        geometry, or points in an unknown form.
    NoCrsError
        A point layer without a CRS.
    MissingDependencyError
        ``parallel="dask"`` without Dask's ``distributed`` installed.
    """
    minutes = renamed_argument("od_matrix", "cutoff_min", "minutes", cutoff_min, minutes, None)
    if minutes is not None and not _positive(minutes):
        raise InvalidValueError(f"minutes must be a positive number of minutes (or None for no "
                                f"bound), got {plain(minutes)}.")
    approx = network.approximate
    speed = (access_speed_kmh or (30.0 if approx else 5.0)) / 3.6
    max_snap_m = max_snap_m or (30_000.0 if approx else 2_000.0)
    olon, olat, oidx = points_lonlat(origins, what="origins")
    if destinations is None:
        dlon, dlat, didx = olon, olat, oidx
    else:
        dlon, dlat, didx = points_lonlat(destinations, what="destinations")
    onode, osnap = network.nearest_nodes(olon, olat)
    dnode, dsnap = network.nearest_nodes(dlon, dlat)
    for snap, idx, what in ((osnap, oidx, "origins"), (dsnap, didx, "destinations")):
        far = snap > max_snap_m
        if far.any():
            logger.warning("%d %s farther than %.0f m from %s get NaN times: %s", int(far.sum()),
                           what, max_snap_m, network.name or "the network", list(idx[far][:5]))
    uniq_o, inv_o = np.unique(onode, return_inverse=True)
    uniq_d, inv_d = np.unique(dnode, return_inverse=True)
    cutoff_s = None if minutes is None else float(minutes) * 60.0
    times = node_times(network, uniq_o, uniq_d, cutoff_s=cutoff_s, batch_size=batch_size,
                       parallel=parallel, client=client, workers=workers)
    t = times[inv_o][:, inv_d] + (osnap / speed)[:, None] + (dsnap / speed)[None, :]
    if cutoff_s is not None:
        t[t > cutoff_s] = np.inf
    t[osnap > max_snap_m, :] = np.nan
    t[:, dsnap > max_snap_m] = np.nan
    if destinations is None:  # a point to itself: no travel
        diag = np.arange(len(oidx))
        t[diag, diag] = np.where(np.isnan(t[diag, diag]), np.nan, 0.0)
    out = pd.DataFrame(t / 60.0, index=oidx, columns=didx)
    out.attrs["approximate"] = approx
    out.attrs["network"] = network.name
    logger.info("OD matrix %d x %d (%d origin nodes)", len(oidx), len(didx), uniq_o.size)
    return out


def commuting_indicators(
    od: pd.DataFrame,
    *,
    core: Hashable | None = None,
    threshold_min: float = 60.0,
) -> pd.Series:
    """Commuting indicators of an OD matrix (minutes).

    Parameters
    ----------
    od
        From :func:`od_matrix` (minutes).
    core
        Label of the core (a column of ``od``, e.g. the core county adcode) for the mean time
        to the core.
    threshold_min
        Commuting limit in minutes.

    Returns
    -------
    pandas.Series
        ``n_pairs`` (off-diagonal pairs with a known time), ``share_within`` (share of those
        within ``threshold_min``), ``mean_time_min`` (over reached pairs), and with ``core``:
        ``mean_time_to_core_min`` (origins that reach the core), ``share_within_to_core``;
        also ``threshold_min`` and ``approximate`` (from ``od.attrs``).

    Raises
    ------
    UnknownNameError
        ``core`` is not a column of ``od`` (close matches suggested).
    """
    vals = od.to_numpy(dtype=float)
    mask = ~np.isnan(vals)
    if od.shape[0] == od.shape[1] and list(od.index) == list(od.columns):
        np.fill_diagonal(mask, False)
    pairs = vals[mask]
    finite = pairs[np.isfinite(pairs)]
    res: dict[str, object] = {
        "threshold_min": float(threshold_min),
        "n_pairs": int(pairs.size),
        "share_within": float((pairs <= threshold_min).mean()) if pairs.size else np.nan,
        "mean_time_min": float(finite.mean()) if finite.size else np.nan,
    }
    if core is not None:
        if core not in od.columns:
            from geourb._errors import suggest

            raise UnknownNameError(f"Core {core!r} is not a destination of the OD matrix."
                                   + suggest(core, od.columns))
        to_core = od[core].drop(index=core, errors="ignore").to_numpy(dtype=float)
        to_core = to_core[~np.isnan(to_core)]
        fin = to_core[np.isfinite(to_core)]
        res["mean_time_to_core_min"] = float(fin.mean()) if fin.size else np.nan
        res["share_within_to_core"] = (float((to_core <= threshold_min).mean())
                                       if to_core.size else np.nan)
    res["approximate"] = bool(od.attrs.get("approximate", False))
    return pd.Series(res, name="commuting")


def od_long(
    od: pd.DataFrame,
    *,
    names: pd.Series | None = None,
    key: str | None = None,
) -> pd.DataFrame:
    """Reshape an OD matrix to one row per origin-destination pair, with names.

    Parameters
    ----------
    od
        From :func:`od_matrix` (minutes; index = origins, columns = destinations).
    names
        Names by id (e.g. ``counties["name"]``) for ``origin_name`` / ``destination_name``;
        ids without a name get an empty value. None: no name columns.
    key
        Suffix of the id columns (``origin_<key>``, ``destination_<key>``); default the
        matrix index name, else ``"id"``.

    Returns
    -------
    pandas.DataFrame
        ``origin_<key>``, [``origin_name``], ``destination_<key>``, [``destination_name``],
        ``time_min`` (``inf`` beyond the cutoff, ``NaN`` off the network) and ``approximate``
        (from ``od.attrs``), origins in matrix order, RangeIndex.

    Examples
    --------
    >>> od = pd.DataFrame([[0.0, 12.5], [13.0, 0.0]], index=["a", "b"], columns=["a", "b"])
    >>> long = od_long(od, names=pd.Series({"a": "甲", "b": "乙"}), key="adcode")
    >>> list(long.columns)[:4]
    ['origin_adcode', 'origin_name', 'destination_adcode', 'destination_name']
    >>> long.loc[1, ["origin_name", "destination_name", "time_min"]].to_dict()
    {'origin_name': '甲', 'destination_name': '乙', 'time_min': 12.5}
    """
    key = key or (str(od.index.name) if od.index.name is not None else "id")
    o, d = f"origin_{key}", f"destination_{key}"
    n_o, n_d = od.shape
    out = pd.DataFrame({
        o: np.repeat(np.asarray(od.index, dtype=object), n_d),
        d: np.tile(np.asarray(od.columns, dtype=object), n_o),
        "time_min": od.to_numpy(dtype=float).ravel(),
    })
    if names is not None:
        lookup = pd.Series(names)
        out.insert(1, "origin_name", out[o].map(lookup).fillna("").to_numpy())
        out.insert(3, "destination_name", out[d].map(lookup).fillna("").to_numpy())
    out["approximate"] = bool(od.attrs.get("approximate", False))
    return out


def isochrones_many(
    network: Network,
    origins: gpd.GeoDataFrame | gpd.GeoSeries | pd.DataFrame | ArrayLike,
    *,
    bands_min: Any = (60.0,),
    parallel: bool = False,
    workers: int | None = None,
    **options: Any,
) -> gpd.GeoDataFrame:
    """Isochrones of many origins, one set of nested bands per origin (e.g. every county seat).

    Each origin gets its own :func:`geourb.isochrones.isochrones` (not the union of all
    origins: pass them together to ``isochrones`` for that).

    Parameters
    ----------
    network
        The network.
    origins
        As for :func:`od_matrix` (county layers give their seats).
    bands_min
        Band limits in minutes (default one 60-minute band).
    parallel, workers
        Run the origins on ``workers`` processes (default: cores), each holding the network
        once.
    **options
        Passed to :func:`~geourb.isochrones.isochrones` (``cell_m``, ``max_access_m`` ...).

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of every origin's isochrones with ``origin`` (the origin id) first,
        EPSG:4326, in origin order.

    Raises
    ------
    InvalidValueError, NoCrsError, NetworkGraphError
        As :func:`~geourb.isochrones.isochrones` (an origin off the network is refused, named).
    """
    from geourb.isochrones import isochrones

    lon, lat, idx = points_lonlat(origins, what="origins")
    if workers is not None and not (isinstance(workers, int) and workers >= 1):
        raise InvalidValueError(f"workers must be an integer >= 1, got {workers!r}.")
    options = {**options, "bands_min": bands_min}
    if parallel and len(lon) > 1 and workers != 1:
        from geourb._parallel import process_isochrones

        parts = process_isochrones(network, np.column_stack([lon, lat]), options,
                                   workers=workers)
    else:
        parts = [isochrones(network, (x, y), **options)
                 for x, y in progress(list(zip(lon, lat, strict=True)), desc="isochrones")]
    out = pd.concat([p.assign(origin=i) for p, i in zip(parts, idx, strict=True)],
                    ignore_index=True)
    cols = ["origin"] + [c for c in out.columns if c != "origin"]
    return gpd.GeoDataFrame(out[cols], geometry="geometry", crs=4326)
