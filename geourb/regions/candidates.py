"""Candidate counties, the population gap, contiguity weights and Gi* hot spots."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from geourb._errors import EmptyResultError
from geourb._log import logger
from geourb._validate import require_columns
from geourb.contiguity import Islands, Kind, contiguity_graph
from geourb.stats import national_urbanization_rate

# --------------------------------------------------------------------------------------------
# candidates


def candidate_counties(
    layer: pd.DataFrame,
    *,
    max_rate: float | str | None = "national",
    min_pop_total: float = 300_000,
) -> pd.Series:
    """Boolean Series (name ``candidate``): urbanization below ``max_rate`` and population >= ``min_pop_total``.

    Counties without census data are never candidates (logged).

    Parameters
    ----------
    layer
        County layer joined with the census: ``pop_total`` and ``urbanization_rate`` (and
        ``pop_urban`` for the national rate).
    max_rate
        Candidates have an urbanization rate strictly below this fraction; ``"national"`` or
        ``None``: the layer's own population-weighted rate.
    min_pop_total
        Candidates have at least this many residents.

    Returns
    -------
    pandas.Series
        Boolean ``candidate`` aligned to ``layer.index``.

    Raises
    ------
    EmptyResultError
        No county passes the thresholds (the message gives the thresholds and the ranges).
    """
    require_columns(layer, ["pop_total", "urbanization_rate"], source="county layer")
    if max_rate is None or max_rate == "national":
        max_rate = national_urbanization_rate(layer)
    rate = layer["urbanization_rate"].astype(float)
    pop = layer["pop_total"].astype(float)
    no_data = rate.isna() | pop.isna()
    if no_data.any():
        logger.info("candidates: %d counties without census data are not candidates (e.g. %s)",
                    int(no_data.sum()), list(layer.index[no_data][:5]))
    cand = (rate < float(max_rate)) & (pop >= float(min_pop_total)) & ~no_data
    if not cand.any():
        raise EmptyResultError(
            f"No county has urbanization below {float(max_rate):.3f} and at least {min_pop_total:,.0f} "
            f"residents (rates {rate.min():.3f}-{rate.max():.3f}, populations up to {pop.max():,.0f}). "
            "Raise max_rate or lower min_pop_total."
        )
    return cand.rename("candidate")


# --------------------------------------------------------------------------------------------
# spatial weights and the population gap


def contiguity_weights(
    layer: gpd.GeoDataFrame,
    *,
    kind: Kind = "queen",
    islands: Islands = "knn",
    split_by: pd.Series | None = None,
    adjacency: sparse.spmatrix | None = None,
) -> Any:
    """Contiguity weights of ``layer`` as a ``libpysal.weights.W`` (ids = string index).

    A thin wrapper of :func:`geourb.contiguity.contiguity_graph` for code that needs the
    older ``W`` object (esda, spopt); rook is a true shared edge.

    Parameters
    ----------
    layer
        Polygons (the county layer).
    kind
        ``queen`` or ``rook``.
    islands
        ``knn`` (attach to the nearest unit) or ``keep``.
    split_by
        Optional labels aligned to ``layer``: links across labels are cut.
    adjacency
        A precomputed :func:`geourb.contiguity.contiguity_matrix` of ``layer``.

    Returns
    -------
    libpysal.weights.W
        Binary weights; islands kept are listed in ``w.islands``.
    """
    import libpysal

    g = contiguity_graph(layer, kind=kind, islands=islands, split_by=split_by, adjacency=adjacency)
    ids = [str(i) for i in layer.index]
    a = g.sparse.tocsr()
    a.data[:] = (a.data != 0).astype(float)
    a.eliminate_zeros()
    return libpysal.weights.WSP(a, id_order=ids).to_W(silence_warnings=True)


def shared_vertex_counts(geoms: gpd.GeoSeries) -> sparse.csr_matrix:
    """Return the queen contiguity matrix (deprecated: use :func:`geourb.contiguity.contiguity_matrix`).

    Parameters
    ----------
    geoms
        Polygons.

    Returns
    -------
    scipy.sparse.csr_matrix
        The queen contiguity matrix (1.0 for neighbours; no longer the vertex counts).
    """
    import warnings

    from geourb.contiguity import contiguity_matrix

    warnings.warn("geourb.regions.shared_vertex_counts is deprecated; use geourb.contiguity.contiguity_matrix "
                  "(kind='queen' or 'rook').", DeprecationWarning, stacklevel=2)
    return contiguity_matrix(geoms, kind="queen")


def gap_people(layer: pd.DataFrame, *, target_rate: float = 0.70) -> pd.Series:
    """People to urbanize to reach ``target_rate``: ``pop_total * max(0, target_rate - urbanization_rate)``.

    Parameters
    ----------
    layer
        County layer with ``pop_total`` and ``urbanization_rate``.
    target_rate
        Target urbanization rate (the plan's 0.70).

    Returns
    -------
    pandas.Series
        ``gap_people`` aligned to ``layer`` (0 without census data).

    Examples
    --------
    >>> import pandas as pd
    >>> gap = gap_people(pd.DataFrame({"pop_total": [1e6, 5e5], "urbanization_rate": [0.5, 0.9]}))
    >>> gap.round().tolist()  # 1 M people at 50%: 200,000 to urbanize to reach 70%
    [200000.0, 0.0]
    """
    require_columns(layer, ["pop_total", "urbanization_rate"], source="county layer")
    pop = layer["pop_total"].astype(float)
    rate = layer["urbanization_rate"].astype(float)
    return (pop * (float(target_rate) - rate).clip(lower=0)).fillna(0.0).rename("gap_people")


def smoothed_gap_density(layer: pd.DataFrame, adjacency: sparse.spmatrix, *, target_rate: float = 0.70) -> pd.Series:
    """People to urbanize per km² over each county and its contiguous neighbours (a spatial lag).

    ``sum(gap_people) / sum(area_km2)`` over the county and its neighbours in
    ``adjacency``: a county of a dense low-urbanization plain scores high even when it is
    itself small, a low-urbanization county of a thinly settled plateau stays low.

    Parameters
    ----------
    layer
        County layer with ``pop_total``, ``urbanization_rate`` and ``area_km2``.
    adjacency
        n x n contiguity (non-zero = neighbours) in the order of ``layer``
        (:func:`geourb.contiguity.contiguity_matrix`, or a graph's ``sparse``).
    target_rate
        Target urbanization rate of the gap.

    Returns
    -------
    pandas.Series
        ``gap_density_km2`` aligned to ``layer``.
    """
    require_columns(layer, ["area_km2"], source="county layer")
    a = sparse.csr_matrix(adjacency, copy=True)
    a.data[:] = (a.data != 0).astype(float)
    a = a + sparse.identity(a.shape[0], format="csr")
    a.data[:] = 1.0
    gap = gap_people(layer, target_rate=target_rate).to_numpy()
    area = layer["area_km2"].astype(float).fillna(0).clip(lower=0).to_numpy()
    num, den = a @ gap, a @ area
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / den, 0.0)
    return pd.Series(out, index=layer.index, name="gap_density_km2")


# --------------------------------------------------------------------------------------------
# hot spots


def hotspots(values: pd.Series, w: Any, *, permutations: int = 99, alpha: float = 0.05, seed: int = 0) -> pd.DataFrame:
    """Getis-Ord Gi* hot and cold spots of ``values`` (esda), aligned to ``values``.

    Units missing in ``values`` are left out of the statistic (NaN).

    Parameters
    ----------
    values
        One value per unit (e.g. the score), indexed like the ids of ``w``.
    w
        ``libpysal.weights.W`` whose ids are the string index of ``values``
        (:func:`contiguity_weights`) or a ``libpysal.graph.Graph`` with the same ids.
    permutations
        Conditional permutations for the pseudo p-values (0: normal approximation).
    alpha
        Significance level of ``hot`` / ``cold``.
    seed
        Random seed of the permutations.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``values``: ``gi_z`` (z of the statistic), ``gi_p`` (pseudo p-value of the
        permutations, or the normal p without permutations) and ``hotspot``: ``hot``,
        ``cold`` or ``ns`` at ``alpha`` (all ``ns`` / NaN with fewer than 3 values).
    """
    import warnings

    import esda
    import libpysal

    if hasattr(w, "to_W"):  # a libpysal.graph.Graph: binary W with string ids (Graph.to_W is ~500x slower in esda)
        a = sparse.csr_matrix(w.sparse, dtype=float)
        a.data[:] = (a.data != 0).astype(float)
        a.eliminate_zeros()
        w = libpysal.weights.WSP(a, id_order=[str(i) for i in w.unique_ids]).to_W(silence_warnings=True)
    y = values.astype(float)
    ok = y.notna()
    out = pd.DataFrame({"gi_z": np.nan, "gi_p": np.nan, "hotspot": "ns"}, index=values.index)
    if ok.sum() < 3:
        return out
    ids = [str(i) for i in y.index[ok]]
    sub = libpysal.weights.w_subset(w, ids, silence_warnings=True) if ok.sum() < len(y) else w
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # esda warns about islands and star inference
        g = esda.G_Local(y[ok].to_numpy(), sub, star=True, permutations=permutations, seed=seed)
    z = g.Zs
    p = g.p_sim if permutations else g.p_norm
    out.loc[ok, "gi_z"] = z
    out.loc[ok, "gi_p"] = p
    sig = ok.copy()
    sig[ok] = np.asarray(p) < alpha
    out.loc[sig & (out["gi_z"] > 0), "hotspot"] = "hot"
    out.loc[sig & (out["gi_z"] < 0), "hotspot"] = "cold"
    return out

