"""Park metrics: per-county aggregates, leading-industry keywords and per-mu benefits (亩均效益)."""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import pandas as pd

from geourb._errors import InvalidValueError, MissingColumnError, UnknownNameError
from geourb._log import logger
from geourb._text import labels
from geourb._validate import require_columns, to_numeric
from geourb.parks.schema import MU_PER_HA
from geourb.parks.validate import validate_parks

__all__ = ["aggregate_by_county", "benefit_per_mu", "industry_keywords"]


def _ensure_located(parks: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the parks with their county, validating them here unless they already are."""
    if "county_adcode" in parks.columns and "location_unreliable" in parks.columns:
        return parks
    return validate_parks(parks, counties)[0]


def industry_keywords(
    parks: pd.DataFrame,
    *,
    by: Literal["county", "prefecture", "province"] | None = "county",
) -> pd.DataFrame:
    """Long table of leading-industry keywords and how many parks list them.

    Parameters
    ----------
    parks
        Parks with an ``industries`` list column; for ``by="county"`` validated parks
        (``county_adcode``), for ``"prefecture"``/``"province"`` the located ones if validated,
        else the stated ones.
    by
        Group: ``"county"`` (column ``county_adcode``), ``"prefecture"``, ``"province"`` or None
        (all parks).

    Returns
    -------
    pandas.DataFrame
        Columns ``<group column>`` (unless ``by`` is None), ``keyword``, ``count``, sorted by
        group, descending count, then keyword.

    Raises
    ------
    UnknownNameError
        Unknown ``by``.
    MissingColumnError
        No ``industries`` column, or no ``county_adcode`` for ``by="county"`` (run
        :func:`validate_parks` first) or no group column for the other levels.
    """
    group_col = {"county": "county_adcode", "prefecture": "located_prefecture",
                 "province": "located_province", None: None}
    if by not in group_col:
        raise UnknownNameError(f"Unknown by={by!r}; use 'county', 'prefecture', 'province' or None.")
    col = group_col[by]
    if col is not None and col not in parks.columns:
        if by == "county":
            raise MissingColumnError("parks have no county_adcode column: run validate_parks() first.")
        col = by
    require_columns(parks, ["industries"] + ([col] if col else []), source="parks")
    exploded = parks[["industries"] + ([col] if col else [])].explode("industries")
    exploded = exploded[exploded["industries"].notna()].rename(columns={"industries": "keyword"})
    keys = [col, "keyword"] if col else ["keyword"]
    if col:
        nogroup = exploded[col].isna()
        if nogroup.any():
            parks_out = parks.loc[exploded.index[nogroup].unique()]
            logger.warning("industry_keywords: %d keyword(s) of %d park(s) without %s are left "
                           "out, e.g. %s", int(nogroup.sum()), len(parks_out), col,
                           labels(parks_out))
        exploded = exploded[~nogroup]
    counts = exploded.groupby(keys).size().rename("count").reset_index()
    sort_keys = ([col] if col else []) + ["count", "keyword"]
    asc = ([True] if col else []) + [False, True]
    return counts.sort_values(sort_keys, ascending=asc, ignore_index=True)


def aggregate_by_county(
    parks: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    *,
    population: pd.Series | None = None,
    reliable_only: bool = False,
    top_keywords: int = 5,
) -> pd.DataFrame:
    """Per-county park counts, approved area and leading industries, aligned to ``counties.index``.

    Parameters
    ----------
    parks
        Parks from :func:`validate_parks` (unvalidated parks are validated here first). Parks
        in no county (and, with ``reliable_only``, flagged parks) are left out and logged
        with a count and examples.
    counties
        County layer indexed by adcode.
    population
        Residents per county, indexed by 6-digit adcode (e.g. census 2020 人口数_合计); adds
        ``approved_ha_per_10k_residents``.
    reliable_only
        Count only parks whose location is not flagged (``location_unreliable`` False); by
        default every park placed in a county counts in the county where its point lies.
    top_keywords
        Number of leading-industry keywords in ``top_industries``.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``counties``: ``n_parks``, ``n_national``, ``n_provincial``,
        ``n_type_<type>`` (one per :data:`TYPE_EN` key present), ``approved_ha``,
        ``approved_mu``, optionally ``approved_ha_per_10k_residents``, and ``top_industries``
        (``"keyword:count; ..."``). Counties without parks have zeros and an empty text.

    Raises
    ------
    MissingColumnError, DuplicateKeyError, NoCrsError
        As in :func:`validate_parks`, when ``parks`` are not validated yet.
    InvalidValueError
        ``population`` has an index of invalid adcodes.
    """
    located = _ensure_located(parks, counties)
    unplaced = located["county_adcode"].isna()
    if unplaced.any():
        logger.warning("aggregate_by_county: %d park(s) lie in no county and are not counted, "
                       "e.g. %s", int(unplaced.sum()), labels(located[unplaced]))
    located = located[~unplaced]
    if reliable_only:
        flagged = located["location_unreliable"].astype(bool)
        if flagged.any():
            logger.info("aggregate_by_county: reliable_only=True leaves out %d park(s) with a "
                        "flagged location, e.g. %s", int(flagged.sum()),
                        labels(located[flagged]))
        located = located[~flagged]
    idx = counties.index
    elsewhere = ~located["county_adcode"].isin(idx)
    if elsewhere.any():
        logger.info("aggregate_by_county: %d park(s) lie in counties outside the %d given, "
                    "e.g. %s", int(elsewhere.sum()), len(idx), labels(located[elsewhere]))
    g = located.groupby("county_adcode")
    out = pd.DataFrame(index=idx)
    out["n_parks"] = g.size().reindex(idx, fill_value=0).astype(int)
    for level in ("national", "provincial"):
        out[f"n_{level}"] = (located["level"] == level).groupby(located["county_adcode"]).sum() \
            .reindex(idx, fill_value=0).astype(int)
    types = located["type_en"] if "type_en" in located else located["type"]
    for t in sorted(types.dropna().unique()):
        out[f"n_type_{t}"] = (types == t).groupby(located["county_adcode"]).sum() \
            .reindex(idx, fill_value=0).astype(int)
    out["approved_ha"] = g["approved_ha"].sum(min_count=1).reindex(idx).fillna(0.0)
    out["approved_mu"] = out["approved_ha"] * MU_PER_HA
    if population is not None:
        from geourb._validate import normalize_adcode

        pop = pd.Series(population.to_numpy(dtype=float),
                        index=normalize_adcode(pd.Series(population.index), source="population").to_numpy())
        pop = pop[~pop.index.duplicated()].reindex(idx)
        out["approved_ha_per_10k_residents"] = out["approved_ha"] / (pop.where(pop > 0) / 1e4)
        missing = int(pop.isna().sum())
        if missing:
            logger.info("population missing for %d of %d counties: per-resident area is NaN there",
                        missing, len(idx))
    kw = industry_keywords(located, by="county")
    kw = kw.groupby("county_adcode", sort=False).head(top_keywords)
    text = kw.assign(item=kw["keyword"] + ":" + kw["count"].astype(str)) \
        .groupby("county_adcode", sort=False)["item"].agg("; ".join)
    out["top_industries"] = text.reindex(idx).fillna("").astype(str)
    out.index.name = counties.index.name
    return out


# --------------------------------------------------------------------------------------------
# per-mu benefits
# --------------------------------------------------------------------------------------------


def benefit_per_mu(
    parks: pd.DataFrame,
    *,
    output_col: str | None = None,
    tax_col: str | None = None,
    jobs_col: str | None = None,
    area_col: str = "approved_mu",
    rank_within: Literal["province", "nation"] = "province",
    bottom_quantile: float = 0.2,
) -> pd.DataFrame:
    """Per-mu benefits (亩均效益) of parks, ranks and upgrade candidates.

    Parameters
    ----------
    parks
        Parks with ``approved_mu`` and the value columns.
    output_col
        Annual output value (产值) in 10k yuan (万元).
    tax_col
        Annual tax revenue (税收) in 10k yuan.
    jobs_col
        Employment (persons).
    area_col
        Land area in mu (default the approved area).
    rank_within
        Rank parks within their ``province`` or across the ``nation``.
    bottom_quantile
        Share of parks (per group) with the lowest benefit flagged ``upgrade_candidate``
        (the plan: integrate and upgrade low-benefit parks).

    Returns
    -------
    pandas.DataFrame
        Aligned to ``parks.index``: ``park_id``, ``name``, ``province``, ``approved_mu``,
        ``output_per_mu_10k_yuan``, ``tax_per_mu_10k_yuan``, ``jobs_per_mu`` (those asked for),
        ``<metric>_rank`` (1 = highest in the group), ``benefit_score`` (mean percentile rank of
        the metrics, 0-1, higher is better), ``benefit_rank`` and ``upgrade_candidate`` (score
        at or below the group's ``bottom_quantile``). Parks lacking every metric get NaN and
        are never candidates.

    Raises
    ------
    InvalidValueError
        No metric column given, unknown ``rank_within``, ``bottom_quantile`` outside (0, 1),
        non-numeric values or a non-positive area.
    MissingColumnError
        ``parks`` lacks the area, a metric column or (for ``rank_within="province"``)
        ``province``.
    """
    asked = {"output_per_mu_10k_yuan": output_col, "tax_per_mu_10k_yuan": tax_col, "jobs_per_mu": jobs_col}
    metrics: dict[str, str] = {k: v for k, v in asked.items() if v is not None}
    if not metrics:
        raise InvalidValueError("benefit_per_mu needs at least one of output_col (10k yuan), "
                                "tax_col (10k yuan) or jobs_col (persons).")
    if rank_within not in ("province", "nation"):
        raise InvalidValueError(f"Unknown rank_within={rank_within!r}; use 'province' or 'nation'.")
    if not 0 < bottom_quantile < 1:
        raise InvalidValueError(f"bottom_quantile must lie between 0 and 1, got {bottom_quantile}.")
    needed = [area_col, *metrics.values()] + (["province"] if rank_within == "province" else [])
    require_columns(parks, needed, source="parks")
    area = to_numeric(parks, area_col, source="parks")
    if (area <= 0).any():
        bad = parks.index[(area <= 0).to_numpy()][:5].tolist()
        raise InvalidValueError(f"parks: {area_col!r} must be positive to divide by it; rows {bad}.")
    keep = [c for c in ("park_id", "name", "province") if c in parks.columns]
    out = pd.DataFrame(parks[keep].copy())
    out[area_col] = area
    group = out["province"] if rank_within == "province" else pd.Series("nation", index=out.index)
    pct = []
    for name, col in metrics.items():
        out[name] = to_numeric(parks, col, source="parks") / area
        base = name.removesuffix("_10k_yuan")
        out[f"{base}_rank"] = out.groupby(group)[name].rank(ascending=False, method="min").astype("Int64")
        pct.append(out.groupby(group)[name].rank(pct=True))
    out["benefit_score"] = pd.concat(pct, axis=1).mean(axis=1, skipna=True)
    out["benefit_rank"] = out.groupby(group)["benefit_score"].rank(ascending=False, method="min") \
        .astype("Int64")
    threshold = out.groupby(group)["benefit_score"].transform(lambda s: s.quantile(bottom_quantile))
    out["upgrade_candidate"] = (out["benefit_score"] <= threshold).fillna(False).astype(bool)
    out["rank_within"] = rank_within
    return out
