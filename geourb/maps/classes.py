"""Class breaks and colours for map legends: never an empty or a degenerate class."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from branca.utilities import color_brewer

from geourb._classify import SCHEMES as _SCHEMES
from geourb._classify import classify_values
from geourb._errors import InvalidValueError
from geourb._log import logger

SCHEMES = _SCHEMES
"""mapclassify schemes accepted by :func:`classify` and :func:`~geourb.maps.choropleth`."""


def _bad_bins(classes: pd.Series, bins: list[tuple[float, float]]) -> list[int]:
    """Classes that hold no value, or whose range is a single number while others are ranges."""
    counts = classes.dropna().astype(int).value_counts()
    bad = [i for i in range(len(bins)) if counts.get(i, 0) == 0]
    bad += [i for i, (lo, hi) in enumerate(bins) if lo == hi and len(bins) > 1]
    return sorted(set(bad))


def classify(
    values: pd.Series, *, scheme: str = "NaturalBreaks", k: int = 5
) -> tuple[pd.Series, list[tuple[float, float]]]:
    """Classify values with mapclassify (seeded, so a map is the same on every run).

    No class is empty and no class is a degenerate range such as ``4.35 - 4.35``: with at
    most ``k`` distinct values each value is its own class (``(v, v)`` bins, shown as the value),
    otherwise ``k`` is lowered until every class holds values and spans a range.

    Parameters
    ----------
    values
        Numbers to classify; missing values get no class.
    scheme
        A mapclassify scheme name from :data:`SCHEMES` (``NaturalBreaks``, ``Quantiles``,
        ``EqualInterval`` ...).
    k
        Number of classes (at least 2; fewer when the data do not support ``k`` classes).

    Returns
    -------
    classes, bins
        ``classes``: a nullable-integer Series (``<NA>`` for missing values) aligned to
        ``values``; ``bins``: ``(lower, upper)`` for each class (equal for a unique-value class).

    Raises
    ------
    UnknownNameError
        Unknown ``scheme`` (close matches suggested).
    InvalidValueError
        ``k`` < 2.

    Examples
    --------
    >>> import pandas as pd
    >>> classify(pd.Series([1.0, 1.0, 2.0, 3.0]), k=5)[1]
    [(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]
    """
    with warnings.catch_warnings():  # mapclassify warns when it lowers k; so do we, below
        warnings.simplefilter("ignore", UserWarning)
        classes, bins = classify_values(values, scheme=scheme, k=k)
    y = pd.to_numeric(values, errors="coerce").astype(float)
    ok = y.notna() & np.isfinite(y)
    if not ok.any():
        return classes, bins
    uniques = np.unique(y[ok].to_numpy())
    if len(uniques) <= k:
        out = pd.Series(pd.NA, index=values.index, dtype="Int64")
        out[ok] = np.searchsorted(uniques, y[ok].to_numpy())
        return out, [(float(u), float(u)) for u in uniques]
    kk = len(bins)
    while _bad_bins(classes, bins) and kk > 2:
        kk -= 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            classes, bins = classify_values(values, scheme=scheme, k=kk)
    if _bad_bins(classes, bins):  # still degenerate with 2 classes: split at the median value
        cut = float(np.median(uniques))
        lower = uniques[uniques <= cut]
        classes = pd.Series(pd.NA, index=values.index, dtype="Int64")
        classes[ok] = (y[ok] > cut).astype(int)
        bins = [(float(uniques[0]), float(lower[-1])), (float(lower[-1]), float(uniques[-1]))]
    if kk < k:
        logger.info("classify: %d classes instead of %d, so that none is empty or a single "
                    "value (%s, %d distinct values)", len(bins), k, scheme, len(uniques))
    return classes, bins


def bin_label(lo: float, hi: float, fmt: Callable[[float], str]) -> str:
    """Return the legend text of a class: ``"lo – hi"``, or the value alone for a unique-value class.

    Parameters
    ----------
    lo, hi
        The class's bounds.
    fmt
        Formats a number.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> bin_label(1.0, 2.5, "{:g}".format), bin_label(3.0, 3.0, "{:g}".format)
    ('1 – 2.5', '3')
    """
    return fmt(lo) if lo == hi else f"{fmt(lo)} – {fmt(hi)}"


def palette(cmap: str, n: int) -> list[str]:
    """Return ``n`` colours of a ColorBrewer scheme, light to dark.

    Parameters
    ----------
    cmap
        A ColorBrewer name (YlOrRd, Blues, ...).
    n
        The number of colours (1 or more).

    Returns
    -------
    list of str
        Hex colours.

    Raises
    ------
    InvalidValueError
        Unknown ``cmap``.
    """
    try:
        colors = color_brewer(cmap, n=max(n, 3))
    except (ValueError, KeyError) as exc:
        raise InvalidValueError(
            f"Unknown colour scheme {cmap!r}; use a ColorBrewer name such as YlOrRd, Blues, "
            "YlGnBu, Greens or RdYlGn."
        ) from exc
    if n >= 3:
        idx = np.linspace(0, len(colors) - 1, n).round().astype(int) if len(colors) != n else None
        return list(colors) if idx is None else [colors[i] for i in idx]
    return [colors[0], colors[-1]][:n] if n == 2 else [colors[len(colors) // 2]]
