"""Normalisation of indicator columns (higher always means more potential)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import pandas as pd

from geourb._errors import InvalidValueError, UnknownNameError, suggest
from geourb.indicators import INDICATORS

__all__ = ["NORMALIZATIONS", "Normalization", "normalize"]

Normalization = Literal["minmax", "zscore", "rank"]
NORMALIZATIONS = ("minmax", "zscore", "rank")


def _check_names(names: Sequence[str], available: Sequence[str] | None = None) -> None:
    """Raise :class:`UnknownNameError` for a name neither in the registry nor in ``available``."""
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
    """``"benefit"`` or ``"cost"`` for ``name``: the override, else the registry, else benefit."""
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

    Returns
    -------
    pandas.DataFrame
        The normalised columns, aligned to ``data``.

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

