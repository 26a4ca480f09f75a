"""Delineation of the two tiers: concentrated potential regions and scattered counties."""

from __future__ import annotations

import math
import warnings
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from geourb._classify import seeded_numpy
from geourb._deprecate import renamed_keywords
from geourb._errors import SettingsError
from geourb._log import logger
from geourb._validate import require_columns
from geourb.contiguity import attached_islands, contiguity_graph, contiguity_matrix
from geourb.coords import CHINA_ALBERS
from geourb.regions.candidates import candidate_counties, gap_people, hotspots, smoothed_gap_density
from geourb.regions.config import Delineation, RegionConfig
from geourb.regions.gazetteer import load_gazetteer, name_from_gazetteer
from geourb.regions.naming import name_regions
from geourb.regions.outputs import region_summary, scattered_counties
from geourb.regions.ranking import rank_regions, region_components

TIERS = ("concentrated", "scattered")


def _prefecture_pieces(sub: pd.DataFrame, dense: np.ndarray) -> np.ndarray:
    """Label of each county's prefecture piece: the connected counties of one prefecture."""
    pref = pd.factorize(sub["prefecture_adcode"].astype(str))[0]
    same = dense & (pref[:, None] == pref[None, :])
    return sparse.csgraph.connected_components(sparse.csr_matrix(same), directed=False)[1]


def split_component(sub: gpd.GeoDataFrame, adjacency: sparse.spmatrix, attr: pd.Series, *, floor: float,
                    method: str = "ward", seed: int = 0, min_parts: int = 2,
                    along_prefectures: bool = False) -> np.ndarray:
    """Split one connected group of counties into contiguous parts (labels 0..p-1).

    ``maxp``: spopt MaxPHeuristic on ``attr`` with population floor ``floor`` (seeded: spopt
    draws from numpy's global generator, whose state is restored afterwards). ``ward``: spopt
    WardSpatial on the Albers centroids with ``pop / floor`` parts (rounded up; at least
    ``min_parts`` and 2). With ``along_prefectures`` (``ward`` only) the units clustered are
    the group's prefecture pieces (the contiguous counties of one prefecture, at their
    population-weighted centre), so parts are unions of prefectures, as the regions of
    planning documents are; when there are fewer pieces than parts, counties are clustered.

    Parameters
    ----------
    sub
        The group's counties (polygons and ``pop_total``).
    adjacency
        Their n x n contiguity matrix (non-zero = neighbours), in the order of ``sub``.
    attr
        Attribute whose homogeneity max-p optimises (e.g. the score), aligned to ``sub``.
    floor
        Population floor of each part (``maxp``) or population per part (``ward``).
    method
        ``ward`` or ``maxp``.
    seed
        Seed of numpy's global generator during the solve.
    min_parts
        Least number of parts with ``ward`` (e.g. to respect a maximum number of counties).
    along_prefectures
        Cluster prefecture pieces instead of counties (``ward``; needs ``prefecture_adcode``).

    Returns
    -------
    numpy.ndarray
        One integer part label per county of ``sub``, in its order.
    """
    import libpysal
    from spopt.region import MaxPHeuristic, WardSpatial

    frame = sub.reset_index(drop=True)
    dense = sparse.csr_matrix(adjacency).toarray() > 0
    wi = libpysal.weights.W({i: [int(j) for j in np.flatnonzero(row)] for i, row in enumerate(dense)},
                            silence_warnings=True)
    with seeded_numpy(seed), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "maxp":
            frame["_attr"] = attr.to_numpy()
            model = MaxPHeuristic(frame, wi, ["_attr"], "pop_total", floor, top_n=2,
                                  max_iterations_construction=2, max_iterations_sa=1)
        else:
            c = frame.geometry.to_crs(CHINA_ALBERS).centroid
            frame["_x"], frame["_y"] = c.x.to_numpy() / 1e5, c.y.to_numpy() / 1e5
            k = max(2, min_parts, math.ceil(frame["pop_total"].sum() / max(floor, 1)))
            piece = (_prefecture_pieces(frame, dense) if along_prefectures and "prefecture_adcode" in frame
                     else None)
            if piece is not None and piece.max() + 1 > k:
                wt = frame["pop_total"].astype(float).clip(lower=1.0)
                agg = pd.DataFrame({"_x": frame["_x"] * wt, "_y": frame["_y"] * wt, "_w": wt}).groupby(piece).sum()
                pieces = pd.DataFrame({"_x": agg["_x"] / agg["_w"], "_y": agg["_y"] / agg["_w"]})
                coo = sparse.coo_matrix(dense)
                links: dict[int, set[int]] = {int(i): set() for i in pieces.index}
                for a, b in zip(piece[coo.row], piece[coo.col], strict=True):
                    if a != b:
                        links[int(a)].add(int(b))
                wp = libpysal.weights.W({i: sorted(v) for i, v in links.items()}, silence_warnings=True)
                model = WardSpatial(pieces, wp, ["_x", "_y"], n_clusters=k)
                model.solve()
                return np.asarray(model.labels_)[piece]
            model = WardSpatial(frame, wi, ["_x", "_y"], n_clusters=min(k, len(frame)))
        model.solve()
    return np.asarray(model.labels_)


def _check_against_data(cfg: RegionConfig, layer: pd.DataFrame) -> None:
    """Contradictions between the settings and the layer (a SettingsError names both keys)."""
    pop = layer["pop_total"].astype(float).fillna(0)
    if pop.sum() <= 0:
        return  # no census data: the candidate selection says so
    if cfg.split_by_province:
        by_prov = pop.groupby(layer["adcode"].astype(str).str[:2].to_numpy()).sum()
        if len(by_prov) and cfg.min_region_pop > by_prov.max():
            raise SettingsError(
                f"regions.min_region_pop ({cfg.min_region_pop:,.0f}) is larger than the population of every "
                f"province of the layer (largest {by_prov.max():,.0f}, {by_prov.idxmax()}) while "
                "regions.split_by_province = true keeps regions within one province: no region is possible. "
                "Lower min_region_pop or set split_by_province = false.")
    elif cfg.min_region_pop > pop.sum():
        raise SettingsError(f"regions.min_region_pop ({cfg.min_region_pop:,.0f}) is larger than the layer's "
                            f"population ({pop.sum():,.0f}).")
    if cfg.max_region_pop and cfg.min_pop_total > cfg.max_region_pop:
        raise SettingsError(f"regions.min_pop_total ({cfg.min_pop_total:,.0f}) is larger than "
                            f"regions.max_region_pop ({cfg.max_region_pop:,.0f}).")


def _groups(sub: gpd.GeoDataFrame, adj: sparse.csr_matrix, attr: pd.Series, cfg: RegionConfig) -> pd.Series:
    """Group label of every selected county: contiguous components split to the size limits."""
    _, comp = sparse.csgraph.connected_components(adj, directed=False)
    labels = pd.Series(comp, index=sub.index)
    pop = sub["pop_total"].astype(float)
    comp_pop = pop.groupby(labels.to_numpy()).sum()
    final = pd.Series(-1, index=sub.index)
    next_id = 0

    def too_big(m: pd.Index) -> bool:
        return bool((cfg.max_region_pop and pop[m].sum() > cfg.max_region_pop)
                    or (cfg.max_region_counties and len(m) > cfg.max_region_counties))

    for c in comp_pop.sort_values(ascending=False, kind="stable").index:
        # split components above the size limits, then their parts still above them (depth first)
        queue = [labels.index[labels.to_numpy() == c]]
        while queue:
            members = queue.pop(0)
            if too_big(members) and len(members) > 3:
                pos = sub.index.get_indexer(members)
                min_parts = math.ceil(len(members) / cfg.max_region_counties) if cfg.max_region_counties else 2
                lab = split_component(sub.loc[members], adj[pos][:, pos], attr[members],
                                      floor=cfg.maxp_floor_pop, method=cfg.split_method, seed=cfg.seed,
                                      min_parts=min_parts, along_prefectures=cfg.split_along_prefectures)
                parts = [members[lab == sublab] for sublab in pd.unique(lab)]
                logger.info("regions: group of %d counties (%.1f M people) split by %s into %d",
                            len(members), pop[members].sum() / 1e6, cfg.split_method, len(parts))
                if len(parts) > 1:
                    queue[0:0] = parts
                    continue
            if too_big(members):
                logger.warning("regions: group of %d counties (%.1f M people, from %s) exceeds the size "
                               "limits but cannot be split further", len(members),
                               pop[members].sum() / 1e6, members[0])
            final[members] = next_id
            next_id += 1
    return final


@renamed_keywords(layer="counties")
def delineate_regions(
    counties: gpd.GeoDataFrame,
    scores: pd.Series | pd.DataFrame | None = None,
    *,
    config: RegionConfig | None = None,
    parks: pd.Series | None = None,
    **overrides: Any,
) -> Delineation:
    """Delineate the two tiers of the plan: concentrated potential regions and scattered counties.

    1. **Candidates**: urbanization below ``max_rate`` and at least ``min_pop_total`` residents.
    2. **Concentration** (``method``): ``smoothed_gap`` keeps the candidates whose smoothed gap
       density (people to urbanize per km² over the county and its neighbours) reaches
       ``min_gap_density_km2``; ``threshold`` keeps every candidate; ``gistar`` keeps the
       counties in a significant Gi* hot spot of the score.
    3. **Regions**: contiguous groups of the kept counties (within a province by default), split
       to ``max_region_pop`` / ``max_region_counties``; groups reaching ``min_region_pop`` and
       ``min_region_counties`` are the *concentrated* tier, ranked by potential
       (:func:`geourb.regions.rank_regions`) and named (gazetteer, else bearing).
    4. Every other candidate is in the *scattered* tier.

    Parameters
    ----------
    counties
        County layer joined with the census (``pop_total``, ``pop_urban``,
        ``urbanization_rate``, polygons, ``adcode``, ``area_km2``; ``prefecture``,
        ``prefecture_adcode`` and ``province`` for names and splits).
    scores
        Optional county scores (a Series, or the table of :class:`geourb.scoring.ScoreResult`
        with a ``score`` column): hot spots, max-p homogeneity, summaries.
    config
        :class:`RegionConfig`; keyword ``overrides`` replace its fields.
    parks
        Optional per-county park counts (adcode index): summed per region and used by the
        ranking (``parks_per_million``).

    Returns
    -------
    Delineation
        Counties (with ``tier``), ranked regions and the scattered tier. With no concentrated
        region a warning is logged and ``regions`` is empty.

    Raises
    ------
    EmptyResultError
        No candidate county.
    SettingsError
        Settings that contradict each other or the layer (e.g. ``min_region_pop`` above every
        province's population with ``split_by_province``), naming both keys.
    """
    cfg = RegionConfig.from_dict({**(config.as_dict() if config else {}), **overrides})
    require_columns(counties, ["adcode", "pop_total", "pop_urban", "urbanization_rate", "area_km2", "geometry"],
                    source="county layer")
    _check_against_data(cfg, counties)
    score = None
    if scores is not None:
        score = scores["score"] if isinstance(scores, pd.DataFrame) else scores
        score = score.reindex(counties.index).astype(float)
    if cfg.method == "gistar" and score is None:
        raise SettingsError("regions.method = 'gistar' needs county scores (pass scores=).")
    max_rate = None if cfg.max_rate == "national" else float(cfg.max_rate)
    cand = candidate_counties(counties, max_rate=max_rate, min_pop_total=cfg.min_pop_total)
    out = pd.DataFrame(index=counties.index)
    out["candidate"] = cand
    out["gap_people"] = gap_people(counties, target_rate=cfg.target_rate)
    full = contiguity_matrix(counties, kind=cfg.contiguity)
    graph = contiguity_graph(counties, kind=cfg.contiguity, islands=cfg.islands, adjacency=full)
    out["island"] = counties.index.isin(attached_islands(graph)) | (np.asarray(full.sum(axis=1)).ravel() == 0)
    out["gap_density_km2"] = smoothed_gap_density(counties, graph.sparse, target_rate=cfg.target_rate)
    if (cfg.hotspots or cfg.method == "gistar") and score is not None:
        out = out.join(hotspots(score, graph, permutations=cfg.permutations, alpha=cfg.alpha, seed=cfg.seed))
    if cfg.method == "smoothed_gap":
        kept = cand & (out["gap_density_km2"] >= cfg.min_gap_density_km2)
    elif cfg.method == "gistar":
        kept = (out["hotspot"] == "hot") & counties["pop_total"].notna()
    else:
        kept = cand.copy()
    out["status"] = np.where(kept, "too_small", np.where(cand, "not_concentrated", "not_candidate"))
    out.loc[counties["pop_total"].isna(), "status"] = "no_data"
    sel = kept.to_numpy(dtype=bool)
    sub = counties[sel]
    idx = np.flatnonzero(sel)
    adj = full.tocsr()[idx][:, idx]
    if cfg.split_by_province:  # cut links across province borders
        prov = sub["adcode"].astype(str).str[:2].to_numpy()
        coo = adj.tocoo()
        ok = prov[coo.row] == prov[coo.col]
        adj = sparse.csr_matrix((coo.data[ok], (coo.row[ok], coo.col[ok])), shape=adj.shape)
    attr = score.reindex(sub.index).fillna(0.0) if score is not None else sub["urbanization_rate"].astype(float)
    final = _groups(sub, adj, attr, cfg) if len(sub) else pd.Series(dtype=int)
    out["component"] = pd.Series(final, dtype="Int64").reindex(out.index)
    pop = sub["pop_total"].astype(float)
    gpop = pop.groupby(final.to_numpy()).sum()
    gn = final.value_counts()
    keep = [g for g in gpop.index if gpop[g] >= cfg.min_region_pop and gn[g] >= cfg.min_region_counties]
    kept_ids = final[final.isin(keep)]
    # deterministic region ids: by population, descending, then by smallest adcode
    order = sorted(keep, key=lambda g: (-gpop[g], min(kept_ids.index[kept_ids.to_numpy() == g])))
    rid = {g: f"R{i + 1:02d}" for i, g in enumerate(order)}
    out["region_id"] = pd.Series(kept_ids.map(rid), dtype="string").reindex(out.index)
    out.loc[out["region_id"].notna(), "status"] = "region"
    out["tier"] = pd.Series(np.where(out["region_id"].notna(), "concentrated",
                                     np.where(cand, "scattered", "")), index=out.index, dtype="string")
    scattered = scattered_counties(counties, out, score=score)
    if not keep:
        largest = f"{gpop.max():,.0f}" if len(gpop) else "0"
        logger.warning(
            "regions: no concentrated region: %d counties kept by method %r form groups below "
            "min_region_pop %s / min_region_counties %d (largest group: %s people). All %d candidates "
            "are in the scattered tier. Lower min_region_pop, min_region_counties or min_gap_density_km2.",
            int(sel.sum()), cfg.method, f"{cfg.min_region_pop:,.0f}", cfg.min_region_counties, largest,
            int(cand.sum()))
        for col in ("region_name", "region_name_en"):
            out[col] = pd.Series(pd.NA, index=out.index, dtype="string")
        out["region_rank"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
        return Delineation(counties=out, regions=_empty_regions(), config=cfg, weights=graph,
                           scattered=scattered)
    names = name_regions(counties, out["region_id"])
    if cfg.gazetteer != "none" and {"province", "prefecture_adcode"} <= set(counties.columns):
        gaz = load_gazetteer(cfg.gazetteer, counties=counties, only_present=True)
        if len(gaz):
            names = name_from_gazetteer(counties, out["region_id"], names, gaz)
    if "name_source" not in names:
        names = names.assign(name_source="bearing", gazetteer_overlap=0.0)
    out["region_name"] = out["region_id"].map(names["region_name"]).astype("string")
    out["region_name_en"] = out["region_id"].map(names["region_name_en"]).astype("string")
    comp = region_components(counties, out["region_id"], target_rate=cfg.target_rate, parks=parks)
    ranks = rank_regions(comp, weights=cfg.rank_weights, top_n=cfg.top_n, draws=cfg.rank_draws,
                         perturbation=cfg.rank_perturbation, seed=cfg.seed)
    out["region_rank"] = pd.Series(out["region_id"].map(ranks["rank"]), dtype="Int64")
    summary = region_summary(counties, out["region_id"], scores=score, parks=parks).join(names, on="region_id")
    summary = summary.join(comp.drop(columns=[c for c in comp.columns if c in summary]), on="region_id")
    summary = summary.join(ranks, on="region_id")
    summary["tier"] = "concentrated"
    first = ["region_id", "rank", "tier", "region_name", "region_name_en", "provinces"]
    summary = summary[first + [c for c in summary.columns if c not in first]]
    return Delineation(counties=out, regions=summary, config=cfg, weights=graph, scattered=scattered)


def _empty_regions() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in (
        ("region_id", "string"), ("rank", "Int64"), ("tier", "string"), ("region_name", "string"),
        ("region_name_en", "string"), ("provinces", "string"), ("n_counties", "Int64"),
        ("pop_total", float), ("urbanization_rate", float), ("gap_people", float),
        ("potential", float), ("top_n_share", float))})
