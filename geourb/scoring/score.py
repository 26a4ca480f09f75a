"""Scores: contributions, ranks, classes and the weight sensitivity of each county's rank."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geourb._classify import classify_values
from geourb._deprecate import keyword_only, renamed
from geourb._errors import EmptyResultError, InvalidValueError, UnknownNameError, suggest
from geourb._log import logger
from geourb.scoring.config import CLASS_SCHEMES, ScoringConfig
from geourb.scoring.normalize import _numeric_columns, normalize
from geourb.scoring.weights import AhpResult, ahp_weights, entropy_weights, equal_weights, manual_weights

__all__ = ["ScoreResult", "classify", "score_classes", "score_counties", "weight_sensitivity"]


@dataclass
class ScoreResult:
    """Result of :func:`score_counties`.

    Attributes
    ----------
    table
        Aligned to the indicator index: ``score``, ``rank`` (1 = highest), ``score_class``,
        ``norm_<indicator>``, ``contrib_<indicator>`` (sum to ``score``), ``missing``
        (indicators missing for the county, ``""`` if none), and the sensitivity columns
        ``rank_mean``, ``rank_std``, ``rank_p05``, ``rank_p95``, ``rank_stability``.
    weights
        The final weights (sum 1).
    missing
        Counties with missing data: adcode, indicators missing, how they were handled.
    ahp
        The AHP result when AHP weights were used.
    bins
        Upper bounds of the score classes.
    """

    table: pd.DataFrame
    weights: pd.Series
    missing: pd.DataFrame
    config: ScoringConfig
    ahp: AhpResult | None = None
    bins: list[float] = field(default_factory=list)


def score_classes(
    values: pd.Series, *, scheme: str = "NaturalBreaks", k: int = 5
) -> tuple[pd.Series, list[float]]:
    """Class numbers of scores with a mapclassify scheme: 1 = lowest class, NaN stays NaN.

    The 1-based score classes of :func:`score_counties` (``score_class``); map colours use the
    0-based classes of :func:`geourb._classify.classify_values`.

    Parameters
    ----------
    values
        Scores (or any numbers).
    scheme
        A mapclassify scheme of :data:`CLASS_SCHEMES`.
    k
        Number of classes (at most the number of distinct values).

    Returns
    -------
    (pandas.Series, list of float)
        ``score_class`` (float, 1..k, aligned to ``values``) and the upper bound of each class.

    Raises
    ------
    UnknownNameError
        Unknown ``scheme`` (with close matches).
    InvalidValueError
        ``k`` < 2.

    Examples
    --------
    >>> classes, uppers = score_classes(pd.Series([1.0, 2.0, 10.0, 11.0]), scheme="EqualInterval", k=2)
    >>> classes.tolist(), uppers
    ([1.0, 1.0, 2.0, 2.0], [6.0, 11.0])
    """
    if scheme not in CLASS_SCHEMES:
        raise UnknownNameError(f"Unknown class scheme {scheme!r}; use {', '.join(CLASS_SCHEMES)}."
                               + suggest(scheme, CLASS_SCHEMES))
    classes, bins = classify_values(values, scheme=scheme, k=k)
    out = (classes.astype("Float64") + 1).astype(float).rename("score_class")
    return out, [upper for _, upper in bins]


classify = renamed("classify", score_classes, module="geourb.scoring")


@keyword_only("weights")
def weight_sensitivity(
    normalized: pd.DataFrame,
    *,
    weights: pd.Series,
    n_draws: int = 200,
    perturbation: float = 0.2,
    seed: int = 0,
) -> pd.DataFrame:
    """Rank stability of each county under random weight perturbation.

    Each draw multiplies every weight by an independent factor uniform in
    ``[1 - perturbation, 1 + perturbation]`` and renormalises; counties are re-ranked (1 =
    highest score).

    Parameters
    ----------
    normalized
        Normalised indicators (from :func:`normalize`), one column per indicator.
    weights
        Weights indexed by indicator (the columns of ``normalized``); keyword-only
        (positional use is deprecated).
    n_draws
        Number of Monte Carlo draws (0: all results NaN).
    perturbation
        Each weight is multiplied by a factor uniform in ``[1 - perturbation, 1 + perturbation]``.
    seed
        Seed of the numpy random generator (same seed, same result).

    Returns
    -------
    pandas.DataFrame
        Aligned to ``normalized.index``: ``rank_mean``, ``rank_std``, ``rank_p05``,
        ``rank_p95`` and ``rank_stability`` = 1 - (p95 - p05) / (n - 1) (1: the rank never
        moves). Rows with NaN get NaN.
    """
    rng = np.random.default_rng(seed)
    ok = normalized.notna().all(axis=1).to_numpy()
    x = normalized.to_numpy(dtype=float)[ok]
    w = weights.reindex(normalized.columns).to_numpy(dtype=float)
    factors = rng.uniform(1 - perturbation, 1 + perturbation, size=(n_draws, len(w)))
    wd = factors * w
    wd = wd / wd.sum(axis=1, keepdims=True)
    scores = x @ wd.T  # counties x draws
    order = np.argsort(-scores, axis=0, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(len(x))[:, None]
    ranks[order, np.arange(n_draws)[None, :]] = rows + 1
    out = pd.DataFrame(np.nan, index=normalized.index,
                       columns=["rank_mean", "rank_std", "rank_p05", "rank_p95", "rank_stability"])
    if len(x) and n_draws:
        p05, p95 = np.percentile(ranks, [5, 95], axis=1)
        out.loc[ok, "rank_mean"] = ranks.mean(axis=1)
        out.loc[ok, "rank_std"] = ranks.std(axis=1)
        out.loc[ok, "rank_p05"] = p05
        out.loc[ok, "rank_p95"] = p95
        out.loc[ok, "rank_stability"] = 1 - (p95 - p05) / max(len(x) - 1, 1)
    return out


@keyword_only("config")
def score_counties(
    data: pd.DataFrame,
    /,
    *,
    config: ScoringConfig | None = None,
    **overrides: Any,
) -> ScoreResult:
    """Composite potential score of every county with per-indicator contributions.

    Parameters
    ----------
    data
        Indicator table from :func:`geourb.indicators.county_indicators`, or any table: the
        config may name registry indicators and any numeric column of ``data``.
    config
        :class:`ScoringConfig` (keyword-only; ``score_counties(data, cfg)`` still works with a
        DeprecationWarning).
    **overrides
        Fields of :class:`ScoringConfig` replacing those of ``config``
        (``score_counties(ind, weights="equal")``).

    Returns
    -------
    ScoreResult
        ``table`` aligned to ``data.index``.

    Raises
    ------
    UnknownNameError
        An indicator (or a ``directions`` key) is neither in the registry nor a numeric column
        of ``data`` (with close matches), or a registry indicator is not a column of ``data``.
    InvalidValueError
        An all-NaN, infinite or (min-max) constant indicator, or missing data with
        ``missing="raise"``.
    SettingsError
        A bad config value (wrong type, negative weights, an inconsistent AHP matrix ...).
    """
    cfg = ScoringConfig.from_dict({**(config.as_dict() if config else {}), **overrides})
    cfg.validate(available=_numeric_columns(data))
    names = list(cfg.indicators)
    absent = [n for n in names if n not in data.columns]
    if absent:
        raise UnknownNameError(
            f"Indicator(s) {absent} are not columns of the indicator table (columns: "
            f"{', '.join(data.columns)}). Pass parks=/access_min= to county_indicators, or drop them."
            + suggest(absent[0], data.columns)
        )
    frame = data
    data = frame[names].apply(pd.to_numeric, errors="coerce").astype(float)
    for n in names:
        if data[n].notna().sum() == 0:
            raise InvalidValueError(f"Indicator {n!r} is NaN for every county: join its data or drop it.")
        infinite = np.isinf(data[n].to_numpy())
        if infinite.any():
            rows = [str(r) for r in data.index[infinite][:5]]
            raise InvalidValueError(
                f"Indicator {n!r} is infinite in {int(infinite.sum())} row(s) ({', '.join(rows)}): a "
                "division by zero upstream? Fix those values or blank them (NaN is handled by "
                "scoring.missing)."
            )
    nan_mask = data.isna()
    has_missing = nan_mask.any(axis=1)
    missing_text = nan_mask.apply(lambda r: ",".join(r.index[r.to_numpy()]), axis=1) if has_missing.any() \
        else pd.Series("", index=data.index)
    handled = {"skip": "score left empty", "median": "filled with the median", "raise": "error"}[cfg.missing]
    missing = pd.DataFrame({"adcode": data.index[has_missing].astype(str),
                            "missing": missing_text[has_missing].to_numpy(), "handled": handled})
    if has_missing.any():
        if cfg.missing == "raise":
            raise InvalidValueError(
                f"{int(has_missing.sum())} counties have missing indicator values, e.g. "
                f"{missing.head(5).to_dict('records')}. Set missing = 'skip' or 'median', or fill the data."
            )
        logger.info("scoring: %d counties with missing indicators (%s)", int(has_missing.sum()), handled)
        if cfg.missing == "median":
            data = data.fillna(data.median())
    norm = normalize(data, method=cfg.normalization, directions=cfg.directions)  # type: ignore[arg-type]
    ahp = None
    if isinstance(cfg.weights, str):
        if cfg.weights == "equal":
            weights = equal_weights(names)
        elif cfg.weights == "entropy":
            base = norm if cfg.normalization != "zscore" else normalize(data, method="minmax",
                                                                        directions=cfg.directions)
            weights = entropy_weights(base)
        else:
            ahp = ahp_weights(cfg.ahp_matrix or [], names=names)
            weights = ahp.weights
    else:
        weights = manual_weights(cfg.weights, names=names)
    contrib = norm.mul(weights, axis=1)
    table = pd.DataFrame(index=frame.index)
    table["score"] = contrib.sum(axis=1, min_count=len(names))
    if table["score"].notna().sum() == 0:
        raise EmptyResultError("No county has complete data for the chosen indicators: nothing to score.")
    table["rank"] = table["score"].rank(ascending=False, method="min")
    table["score_class"], bins = score_classes(table["score"], scheme=cfg.classes, k=cfg.k)
    for n in names:
        table[f"norm_{n}"] = norm[n]
    for n in names:
        table[f"contrib_{n}"] = contrib[n]
    table["missing"] = missing_text.astype(str)
    if cfg.sensitivity_draws:
        sens = weight_sensitivity(norm, weights=weights, n_draws=cfg.sensitivity_draws,
                                  perturbation=cfg.sensitivity_perturbation, seed=cfg.seed)
        table = table.join(sens)
    return ScoreResult(table=table, weights=weights, missing=missing, config=cfg, ahp=ahp, bins=bins)

