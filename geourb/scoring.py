"""Explainable composite scoring of counties: normalisation, weights, contributions, classes.

A score is ``sum_j w_j * n_j`` where ``n_j`` is indicator ``j`` normalised (min-max, z-score or
percentile rank) and turned so that higher always means more potential (``cost`` indicators are
reversed). Each term ``w_j * n_j`` is kept as ``contrib_<indicator>``: the contributions sum to
the score and say why a county ranks high.

Weights: manual, equal, the entropy weight method (熵权法) and AHP from a pairwise comparison
matrix with Saaty's consistency ratio (CR > 0.1 is refused). :func:`weight_sensitivity`
perturbs the weights (Monte Carlo, fixed seed) and reports each county's rank stability.

Examples
--------
>>> cfg = ScoringConfig(indicators=["pop_total", "urbanization_rate"], weights="entropy")
>>> result = score_counties(county_indicators(layer), cfg)  # doctest: +SKIP
>>> result.table.sort_values("rank").head()  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from geourb._classify import classify_values
from geourb._config import TomlConfig
from geourb._errors import (
    EmptyResultError,
    InvalidValueError,
    SettingsError,
    UnknownNameError,
    suggest,
)
from geourb._log import logger
from geourb.indicators import INDICATORS

Normalization = Literal["minmax", "zscore", "rank"]
NORMALIZATIONS = ("minmax", "zscore", "rank")
WEIGHT_METHODS = ("auto", "equal", "entropy", "ahp")
MISSING_POLICIES = ("skip", "median", "raise")
CLASS_SCHEMES = ("NaturalBreaks", "Quantiles", "EqualInterval", "FisherJenks", "JenksCaspall",
                 "HeadTailBreaks", "StdMean", "Percentiles")

SAATY_RI: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
                              9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}
"""Saaty's random consistency index RI by matrix size n (Saaty 1980; 12-15 from later tables)."""


def _check_names(names: Sequence[str], available: Sequence[str] | None = None) -> None:
    known = set(INDICATORS) | set(available or ())
    for name in names:
        if name not in known:
            extra = sorted(set(available or ()) - set(INDICATORS))
            raise UnknownNameError(
                f"Unknown indicator {name!r}: neither in the registry ({', '.join(sorted(INDICATORS))})"
                + (f" nor a numeric column of the data ({', '.join(map(str, extra))})" if extra else "")
                + "." + suggest(name, known)
            )


def _numeric_columns(data: pd.DataFrame) -> list[str]:
    """Columns of ``data`` usable as indicators: numeric dtype (bool excluded)."""
    return [str(c) for c in data.columns
            if pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])]


def _direction(name: str, overrides: Mapping[str, str]) -> str:
    d = overrides.get(name) or (INDICATORS[name].direction if name in INDICATORS else "benefit")
    if d not in ("benefit", "cost"):
        raise InvalidValueError(f"Direction of {name!r} must be 'benefit' or 'cost', got {d!r}.")
    return d


def normalize(
    data: pd.DataFrame,
    *,
    method: Normalization = "minmax",
    directions: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Normalise each column and orient it so that higher means more potential.

    Parameters
    ----------
    data
        Indicator columns (NaN allowed; they stay NaN).
    method
        ``minmax`` (0-1), ``zscore`` (mean 0, sd 1) or ``rank`` (percentile rank 0-1].
    directions
        ``{column: "benefit" | "cost"}`` overriding the registry defaults (unknown columns
        default to benefit). Cost columns are reversed (1 - x, or -z).

    Raises
    ------
    InvalidValueError
        A column is entirely NaN, or constant under min-max / z-score (nothing to rank by).
    """
    if method not in NORMALIZATIONS:
        raise InvalidValueError(f"Unknown normalization {method!r}; use one of {', '.join(NORMALIZATIONS)}."
                                + suggest(method, NORMALIZATIONS))
    directions = dict(directions or {})
    out = pd.DataFrame(index=data.index)
    for col in data.columns:
        x = pd.to_numeric(data[col], errors="coerce").astype(float)
        if x.notna().sum() == 0:
            raise InvalidValueError(f"Indicator {col!r} is NaN for every county: join its data or drop it.")
        lo, hi = x.min(), x.max()
        if method in ("minmax", "zscore") and hi == lo:
            raise InvalidValueError(
                f"Indicator {col!r} is constant ({lo:g}) over the {x.notna().sum()} counties with data: "
                f"{method} normalisation divides by zero. Drop it or use normalization='rank'."
            )
        if method == "minmax":
            n = (x - lo) / (hi - lo)
        elif method == "zscore":
            n = (x - x.mean()) / x.std(ddof=0)
        else:
            n = (-x if _direction(col, directions) == "cost" else x).rank(method="average", pct=True)
        if _direction(col, directions) == "cost" and method != "rank":
            n = -n if method == "zscore" else 1.0 - n
        out[col] = n
    return out


def equal_weights(names: Sequence[str]) -> pd.Series:
    """Equal weights 1/k for ``names``."""
    if not names:
        raise InvalidValueError("No indicators given: list at least one.")
    return pd.Series(1.0 / len(names), index=list(names), name="weight")


def manual_weights(weights: Mapping[str, float] | Sequence[float], names: Sequence[str]) -> pd.Series:
    """Validate manual weights (a list in the order of ``names`` or a mapping) and scale them to sum 1."""
    if isinstance(weights, Mapping):
        _check_names(list(weights), names)
        missing = [n for n in names if n not in weights]
        extra = [k for k in weights if k not in names]
        if missing or extra:
            raise InvalidValueError(
                f"Weights must be given for exactly the indicators {list(names)}; missing {missing}, extra {extra}."
            )
        values = np.array([float(weights[n]) for n in names])
    else:
        values = np.asarray(list(weights), dtype=float)
        if len(values) != len(names):
            raise InvalidValueError(
                f"Got {len(values)} weights for {len(names)} indicators {list(names)}: give one weight per indicator."
            )
    if not np.isfinite(values).all() or (values < 0).any():
        raise InvalidValueError(f"Weights must be finite and non-negative, got {values.tolist()}.")
    if values.sum() <= 0:
        raise InvalidValueError("Weights sum to 0: give at least one positive weight.")
    return pd.Series(values / values.sum(), index=list(names), name="weight")


def entropy_weights(normalized: pd.DataFrame) -> pd.Series:
    """Entropy weight method (熵权法) on normalised, non-negative indicator values.

    ``p_ij = x_ij / sum_i x_ij``, ``e_j = -sum_i p_ij ln p_ij / ln n``, ``w_j = (1 - e_j) / sum(1 - e)``
    (``0 ln 0 = 0``). Rows with any NaN are left out. Indicators that vary more get more weight.
    """
    x = normalized.dropna()
    if len(x) < 2:
        raise InvalidValueError("The entropy weight method needs at least 2 counties with complete data.")
    values = x.to_numpy(dtype=float)
    if (values < 0).any():
        raise InvalidValueError("Entropy weights need non-negative values: normalise with 'minmax' or 'rank'.")
    col_sum = values.sum(axis=0)
    if (col_sum <= 0).any():
        bad = [c for c, s in zip(x.columns, col_sum, strict=True) if s <= 0]
        raise InvalidValueError(f"Indicator(s) {bad} are 0 for every county: entropy is undefined.")
    p = values / col_sum
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(len(x))
    d = 1.0 - e
    if d.sum() <= 0:
        raise InvalidValueError("All indicators have maximal entropy (no variation): entropy weights are undefined.")
    return pd.Series(d / d.sum(), index=list(x.columns), name="weight")


@dataclass(frozen=True)
class AhpResult:
    """Result of :func:`ahp_weights`: weights, principal eigenvalue, CI and CR."""

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float


def ahp_weights(matrix: Sequence[Sequence[float]] | np.ndarray, *, names: Sequence[str] | None = None,
                max_cr: float = 0.1) -> AhpResult:
    """AHP weights from a reciprocal pairwise comparison matrix (principal eigenvector).

    ``CI = (lambda_max - n) / (n - 1)``, ``CR = CI / RI(n)`` with Saaty's RI table
    (:data:`SAATY_RI`). A matrix with ``CR > max_cr`` (0.1) is inconsistent and refused.

    Parameters
    ----------
    matrix
        n x n pairwise comparisons: ``a[i][j]`` is how much more important ``i`` is than ``j``
        (Saaty's 1-9 scale), with ``a[j][i] = 1 / a[i][j]``.
    names
        Indicator names in the order of the rows (default ``"0"``, ``"1"`` ...).
    max_cr
        Largest accepted consistency ratio.

    Returns
    -------
    AhpResult
        ``weights`` (sum 1, indexed by ``names``), ``lambda_max``, ``ci`` and ``cr``.

    Raises
    ------
    InvalidValueError
        The matrix is not square, not positive, not reciprocal (a_ji = 1/a_ij), of the wrong
        size for ``names``, or inconsistent (CR > 0.1: revise the judgements).
    """
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0] if a.ndim == 2 else 0
    if a.ndim != 2 or a.shape[0] != a.shape[1] or n == 0:
        raise InvalidValueError(f"The AHP matrix must be square (n x n), got shape {a.shape}.")
    if names is not None and len(names) != n:
        raise InvalidValueError(f"The AHP matrix is {n} x {n} but there are {len(names)} indicators {list(names)}.")
    if not np.isfinite(a).all() or (a <= 0).any():
        raise InvalidValueError("AHP judgements must be positive numbers (1-9 and their reciprocals).")
    if not np.allclose(a * a.T, 1.0, rtol=1e-3):
        i, j = np.argwhere(~np.isclose(a * a.T, 1.0, rtol=1e-3))[0]
        raise InvalidValueError(
            f"The AHP matrix is not reciprocal: a[{i}][{j}] = {a[i, j]:g} but a[{j}][{i}] = {a[j, i]:g} "
            f"(must be {1 / a[i, j]:g})."
        )
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = SAATY_RI.get(n, 1.59)
    cr = ci / ri if ri > 0 else 0.0
    if cr > max_cr:
        raise InvalidValueError(
            f"The AHP matrix is inconsistent: consistency ratio CR = {cr:.3f} > {max_cr} "
            f"(lambda_max = {lam:.3f}, CI = {ci:.3f}, RI({n}) = {ri}). Revise the pairwise judgements."
        )
    idx = list(names) if names is not None else [str(i) for i in range(n)]
    return AhpResult(pd.Series(w, index=idx, name="weight"), lam, ci, cr)


DEFAULT_INDICATORS: tuple[str, ...] = ("pop_total", "gap_to_national", "pop_rural", "density_per_km2")
"""The default indicators of the potential score: a large population far below the national rate."""

DEFAULT_AHP_MATRIX: tuple[tuple[float, ...], ...] = (
    (1.0, 1.0, 2.0, 3.0),
    (1.0, 1.0, 2.0, 3.0),
    (1 / 2, 1 / 2, 1.0, 2.0),
    (1 / 3, 1 / 3, 1 / 2, 1.0),
)
"""Default AHP pairwise matrix for :data:`DEFAULT_INDICATORS` (weights 0.35, 0.35, 0.19, 0.11; CR 0.004).

Population and the gap to the national rate matter most, then rural population, then density. The
entropy method is data-driven instead, but on the 2020 census it gives density ~0.6 of the weight
and ranks urban districts first, the opposite of what the plan looks for.
"""


@dataclass
class ScoringConfig(TomlConfig):
    """Validated scoring settings (unknown keys refused; readable from a TOML table).

    Attributes
    ----------
    indicators
        Indicator names: registry entries (:data:`geourb.indicators.INDICATORS`) or any numeric
        column of the table scored; checked by :func:`score_counties` against that table.
    weights
        ``"auto"`` (default: the built-in AHP matrix :data:`DEFAULT_AHP_MATRIX` for the default
        indicators, equal weights for others), ``"equal"``, ``"entropy"`` (熵权法), ``"ahp"`` (needs
        ``ahp_matrix``), a list (one per
        indicator) or a mapping ``{indicator: weight}``; manual weights are scaled to sum 1.
    normalization
        ``minmax``, ``zscore`` or ``rank``.
    directions
        ``{indicator: "benefit" | "cost"}`` overriding the registry defaults.
    ahp_matrix
        Pairwise comparison matrix (rows/columns in the order of ``indicators``).
    missing
        Counties with a missing indicator: ``skip`` (score NaN, listed in the result),
        ``median`` (filled with the median, listed) or ``raise``.
    classes, k
        mapclassify scheme and number of classes for ``score_class``.
    sensitivity_draws, sensitivity_perturbation, seed
        Monte Carlo weight perturbation (0 draws: none), +-fraction, random seed.
    """

    _section: ClassVar[str] = "scoring"

    indicators: list[str] = field(default_factory=lambda: list(DEFAULT_INDICATORS))
    weights: str | list[float] | dict[str, float] = "auto"
    normalization: str = "rank"
    directions: dict[str, str] = field(default_factory=dict)
    ahp_matrix: list[list[float]] | None = None
    missing: str = "skip"
    classes: str = "NaturalBreaks"
    k: int = 5
    sensitivity_draws: int = 200
    sensitivity_perturbation: float = 0.2
    seed: int = 0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self, *, available: Sequence[str] | None = None) -> ScoringConfig:
        """Check every field.

        Indicator names (in ``indicators``, ``directions`` and mapping weights) are checked
        lazily: only when ``available`` is given, against the registry plus ``available`` (the
        numeric columns of the data, as :func:`score_counties` does), so a config may name any
        column of the table it will score.

        Parameters
        ----------
        available
            Column names usable as indicators beyond :data:`geourb.indicators.INDICATORS`;
            ``None`` (construction time): names are not checked yet.

        Returns
        -------
        ScoringConfig
            ``self`` (``weights = "auto"`` resolved to ``"ahp"`` or ``"equal"``).

        Raises
        ------
        SettingsError
            A bad value (empty or repeated indicators, unknown method, class scheme ...).
        UnknownNameError
            With ``available``: an indicator is neither in the registry nor available.
        """
        if isinstance(self.indicators, str) or not self.indicators:
            raise SettingsError("scoring.indicators must be a non-empty list of indicator names.")
        if available is not None:
            _check_names(self.indicators, available)
        if len(set(self.indicators)) != len(self.indicators):
            raise SettingsError(f"scoring.indicators lists an indicator twice: {self.indicators}.")
        if isinstance(self.weights, str):
            if self.weights not in WEIGHT_METHODS:
                raise SettingsError(f"Unknown weight method {self.weights!r}; use {', '.join(WEIGHT_METHODS)}, "
                                    "a list or a mapping." + suggest(self.weights, WEIGHT_METHODS))
            if self.weights == "auto":
                # the built-in AHP matrix for the default indicators, equal weights otherwise
                if list(self.indicators) == list(DEFAULT_INDICATORS) and self.ahp_matrix is None:
                    self.weights, self.ahp_matrix = "ahp", [list(row) for row in DEFAULT_AHP_MATRIX]
                else:
                    self.weights = "ahp" if self.ahp_matrix is not None else "equal"
            if self.weights == "ahp" and self.ahp_matrix is None:
                raise SettingsError("weights = 'ahp' needs ahp_matrix (pairwise comparisons of the indicators).")
        else:
            manual_weights(self.weights, self.indicators)
        if self.normalization not in NORMALIZATIONS:
            raise SettingsError(f"Unknown normalization {self.normalization!r}; use {', '.join(NORMALIZATIONS)}."
                                + suggest(self.normalization, NORMALIZATIONS))
        for name, d in self.directions.items():
            if available is not None:
                _check_names([name], [*available, *self.indicators])
            if d not in ("benefit", "cost"):
                raise SettingsError(f"Direction of {name!r} must be 'benefit' or 'cost', got {d!r}.")
        if self.missing not in MISSING_POLICIES:
            raise SettingsError(f"scoring.missing must be one of {', '.join(MISSING_POLICIES)}, got {self.missing!r}.")
        if self.classes not in CLASS_SCHEMES:
            raise SettingsError(f"Unknown class scheme {self.classes!r}; use {', '.join(CLASS_SCHEMES)}."
                                + suggest(self.classes, CLASS_SCHEMES))
        if not isinstance(self.k, int) or self.k < 2:
            raise SettingsError(f"scoring.k (number of classes) must be an integer >= 2, got {self.k!r}.")
        if self.sensitivity_draws < 0 or not 0 <= self.sensitivity_perturbation < 1:
            raise SettingsError("sensitivity_draws must be >= 0 and sensitivity_perturbation in [0, 1).")
        return self


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


def classify(values: pd.Series, *, scheme: str = "NaturalBreaks", k: int = 5) -> tuple[pd.Series, list[float]]:
    """Class numbers (1 = lowest) of ``values`` with a mapclassify scheme; NaN stays NaN."""
    if scheme not in CLASS_SCHEMES:
        raise UnknownNameError(f"Unknown class scheme {scheme!r}; use {', '.join(CLASS_SCHEMES)}."
                               + suggest(scheme, CLASS_SCHEMES))
    classes, bins = classify_values(values, scheme=scheme, k=k)
    out = (classes.astype("Float64") + 1).astype(float).rename("score_class")
    return out, [upper for _, upper in bins]


def weight_sensitivity(
    normalized: pd.DataFrame,
    weights: pd.Series,
    *,
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
        Weights indexed by indicator (the columns of ``normalized``).
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


def score_counties(
    data: pd.DataFrame,
    config: ScoringConfig | None = None,
    /,
    **overrides: Any,
) -> ScoreResult:
    """Composite potential score of every county with per-indicator contributions.

    Parameters
    ----------
    data
        Indicator table from :func:`geourb.indicators.county_indicators`, or any table: the
        config may name registry indicators and any numeric column of ``data``.
    config
        :class:`ScoringConfig`; keyword ``overrides`` replace its fields
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
        Bad weights, an all-NaN or (min-max) constant indicator, an inconsistent AHP matrix,
        or missing data with ``missing="raise"``.
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
        weights = manual_weights(cfg.weights, names)
    contrib = norm.mul(weights, axis=1)
    table = pd.DataFrame(index=frame.index)
    table["score"] = contrib.sum(axis=1, min_count=len(names))
    if table["score"].notna().sum() == 0:
        raise EmptyResultError("No county has complete data for the chosen indicators: nothing to score.")
    table["rank"] = table["score"].rank(ascending=False, method="min")
    table["score_class"], bins = classify(table["score"], scheme=cfg.classes, k=cfg.k)
    for n in names:
        table[f"norm_{n}"] = norm[n]
    for n in names:
        table[f"contrib_{n}"] = contrib[n]
    table["missing"] = missing_text.astype(str)
    if cfg.sensitivity_draws:
        sens = weight_sensitivity(norm, weights, n_draws=cfg.sensitivity_draws,
                                  perturbation=cfg.sensitivity_perturbation, seed=cfg.seed)
        table = table.join(sens)
    return ScoreResult(table=table, weights=weights, missing=missing, config=cfg, ahp=ahp, bins=bins)
