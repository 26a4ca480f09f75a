"""Transparent ranking of the concentrated regions by potential, with a Monte Carlo check.

Formula (each component is a region total or ratio; the weights are ``RegionConfig.rank_weights``):

* ``gap_people``: people to urbanize to reach the target rate,
  ``sum(pop_total * max(0, target_rate - urbanization_rate))`` over the region's counties;
* ``rural_density_km2``: rural residents per km² of the region (``sum(pop_rural) / sum(area_km2)``);
* ``parks_per_million``: development zones per million residents (only with park data).

Each component is turned into its percentile rank among the regions (``pct_<component>``,
0-1, ties averaged) and ``potential = sum(w_c * pct_c) / sum(w_c)`` over the components
present. ``rank`` 1 is the highest potential (ties: more ``gap_people`` first, then region id).
``top_n_share`` is the share of Monte Carlo draws (every weight multiplied by a uniform factor in
``1 ± perturbation``, seeded) in which the region stays in the top ``top_n``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from geourb._errors import InvalidValueError
from geourb.regions.candidates import gap_people
from geourb.regions.config import RANK_COMPONENTS


def region_components(
    layer: pd.DataFrame,
    region_id: pd.Series,
    *,
    target_rate: float = 0.70,
    parks: pd.Series | None = None,
) -> pd.DataFrame:
    """Ranking components of each region (see the module docstring).

    Parameters
    ----------
    layer
        County layer with ``pop_total``, ``urbanization_rate``, ``pop_rural`` (else
        ``pop_total - pop_urban``) and ``area_km2``.
    region_id
        Region id of each county (NA outside regions), aligned to ``layer``.
    target_rate
        Target urbanization rate of the gap.
    parks
        Optional park counts per county (adcode index): adds ``parks_per_million``.

    Returns
    -------
    pandas.DataFrame
        Indexed by region id: ``gap_people``, ``pop_rural``, ``area_km2``,
        ``rural_density_km2`` and (with parks) ``park_count`` and ``parks_per_million``.
    """
    rid = region_id.reindex(layer.index)
    sel = rid.notna().to_numpy()
    sub = layer[sel]
    rural = (sub["pop_rural"] if "pop_rural" in sub else sub["pop_total"] - sub["pop_urban"]).astype(float)
    df = pd.DataFrame({"gap_people": gap_people(sub, target_rate=target_rate).to_numpy(),
                       "pop_rural": rural.fillna(0).to_numpy(),
                       "area_km2": sub["area_km2"].astype(float).fillna(0).to_numpy(),
                       "pop_total": sub["pop_total"].astype(float).fillna(0).to_numpy()},
                      index=sub.index)
    if parks is not None:
        p = parks.copy()
        p.index = p.index.astype(str)
        df["park_count"] = p.reindex(df.index).fillna(0).astype(float).to_numpy()
    g = df.groupby(rid[sel].astype(str).to_numpy(), sort=True).sum()
    g["rural_density_km2"] = g["pop_rural"] / g["area_km2"].where(g["area_km2"] > 0)
    if "park_count" in g:
        g["parks_per_million"] = g["park_count"] / g["pop_total"].where(g["pop_total"] > 0) * 1e6
    g.index.name = "region_id"
    return g.drop(columns=["pop_total"])


def _potential(pct: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    w = pd.Series({c: float(weights.get(c, 0.0)) for c in pct.columns})
    if w.sum() <= 0:
        raise InvalidValueError(f"The ranking weights of the available components {list(pct.columns)} sum to 0: "
                                f"{dict(weights)}.")
    return (pct * w).sum(axis=1) / w.sum()


def _ranks(potential: pd.Series, gap: pd.Series) -> pd.Series:
    order = sorted(potential.index, key=lambda r: (-potential[r], -gap[r], str(r)))
    return pd.Series(np.arange(1, len(order) + 1), index=order).reindex(potential.index)


def rank_regions(
    components: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    top_n: int = 15,
    draws: int = 200,
    perturbation: float = 0.2,
    seed: int = 0,
) -> pd.DataFrame:
    """Rank regions by potential and count how often each stays in the top ``top_n``.

    Parameters
    ----------
    components
        From :func:`region_components` (indexed by region id).
    weights
        Weight of each component (default ``gap_people`` 0.6, ``rural_density_km2`` 0.3,
        ``parks_per_million`` 0.1); components missing from ``components`` are ignored.
    top_n
        The ranks that count as top.
    draws, perturbation, seed
        Monte Carlo weight perturbation (uniform factor ``1 ± perturbation``, seeded).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``components``: ``pct_<component>``, ``potential`` (0-1), ``rank``
        (1 = highest), ``top_n_share`` (NaN without draws) and the ``rank_p05``/``rank_p95``
        of the draws.

    Examples
    --------
    >>> comp = pd.DataFrame({"gap_people": [3e6, 1e6, 2e6], "rural_density_km2": [300, 500, 100]},
    ...                     index=["R01", "R02", "R03"])
    >>> rank_regions(comp, top_n=2, draws=0)["rank"].tolist()  # R03: more people to urbanize than R02
    [1, 3, 2]
    """
    from geourb.regions.config import _default_rank_weights

    weights = dict(_default_rank_weights() if weights is None else weights)
    cols = [c for c in RANK_COMPONENTS if c in components and weights.get(c, 0) > 0]
    if not cols:
        raise InvalidValueError(f"No ranking component with a positive weight among {list(components.columns)} "
                                f"(weights {weights}).")
    pct = components[cols].astype(float).fillna(0).rank(pct=True, method="average")
    out = pct.add_prefix("pct_")
    out["potential"] = _potential(pct, weights)
    gap = components["gap_people"].astype(float) if "gap_people" in components else pd.Series(0.0, index=pct.index)
    out["rank"] = _ranks(out["potential"], gap).astype(int)
    out["top_n_share"] = np.nan
    out["rank_p05"] = np.nan
    out["rank_p95"] = np.nan
    if draws > 0 and len(out):
        rng = np.random.default_rng(seed)
        base = np.array([float(weights[c]) for c in cols])
        ranks = np.empty((draws, len(out)), dtype=int)
        for d in range(draws):
            w = base * rng.uniform(1 - perturbation, 1 + perturbation, size=len(cols))
            ranks[d] = _ranks(_potential(pct, dict(zip(cols, w, strict=True))), gap).to_numpy()
        out["top_n_share"] = (ranks <= top_n).mean(axis=0)
        out["rank_p05"] = np.percentile(ranks, 5, axis=0)
        out["rank_p95"] = np.percentile(ranks, 95, axis=0)
    return out
