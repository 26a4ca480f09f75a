"""Indicator weights: equal, manual, the entropy weight method (熵权法) and AHP with Saaty's CR."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geourb._deprecate import keyword_only
from geourb._errors import InvalidValueError
from geourb.scoring.normalize import _check_names

__all__ = ["DEFAULT_AHP_MATRIX", "DEFAULT_INDICATORS", "SAATY_RI", "AhpResult", "ahp_weights",
           "entropy_weights", "equal_weights", "manual_weights"]

SAATY_RI: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
                              9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}
"""Saaty's random consistency index RI by matrix size n (Saaty 1980; 12-15 from later tables)."""



def equal_weights(names: Sequence[str]) -> pd.Series:
    """Equal weights 1/k for ``names``.

    Parameters
    ----------
    names
        Indicator names.

    Returns
    -------
    pandas.Series
        ``weight`` indexed by ``names``, summing to 1.

    Raises
    ------
    InvalidValueError
        ``names`` is empty.

    Examples
    --------
    >>> equal_weights(["a", "b"]).tolist()
    [0.5, 0.5]
    """
    if not names:
        raise InvalidValueError("No indicators given: list at least one.")
    return pd.Series(1.0 / len(names), index=list(names), name="weight")


@keyword_only("names")
def manual_weights(weights: Mapping[str, float] | Sequence[float], *, names: Sequence[str]) -> pd.Series:
    """Validate manual weights (a list in the order of ``names`` or a mapping) and scale them to sum 1.

    Parameters
    ----------
    weights
        One weight per indicator: a list in the order of ``names`` or ``{indicator: weight}``.
    names
        The indicators, in order (keyword-only; positional use is deprecated).

    Returns
    -------
    pandas.Series
        ``weight`` indexed by ``names``, summing to 1.

    Raises
    ------
    InvalidValueError
        Wrong number of weights, missing or extra names, negative, non-finite or all-zero
        weights.
    UnknownNameError
        A mapping key is neither an indicator of the registry nor in ``names``.

    Examples
    --------
    >>> manual_weights([2, 1, 1], names=["a", "b", "c"]).tolist()
    [0.5, 0.25, 0.25]
    """
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

    Parameters
    ----------
    normalized
        Normalised indicators (``minmax`` or ``rank``), one column per indicator.

    Returns
    -------
    pandas.Series
        ``weight`` indexed by the columns, summing to 1.

    Raises
    ------
    InvalidValueError
        Fewer than 2 complete rows, negative values, an all-zero column or no variation at all.
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
    """Result of :func:`ahp_weights`: weights, principal eigenvalue, CI and CR.

    Attributes
    ----------
    weights
        Weights (sum 1) indexed by indicator.
    lambda_max
        Principal eigenvalue of the matrix.
    ci, cr
        Consistency index and consistency ratio.
    """

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

