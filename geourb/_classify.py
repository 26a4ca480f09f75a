"""Class breaks with mapclassify, reproducibly (shared by scores and maps)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from geourb._errors import InvalidValueError, UnknownNameError, suggest

SCHEMES: tuple[str, ...] = (
    "NaturalBreaks", "Quantiles", "EqualInterval", "FisherJenks", "JenksCaspall", "HeadTailBreaks",
    "BoxPlot", "StdMean", "Percentiles", "MaximumBreaks",
)
"""mapclassify schemes geourb accepts."""

_TAKES_K = {"NaturalBreaks", "Quantiles", "EqualInterval", "FisherJenks", "JenksCaspall", "MaximumBreaks"}


@contextlib.contextmanager
def seeded_numpy(seed: int) -> Iterator[None]:
    """Seed numpy's global generator inside the block and restore its state afterwards.

    mapclassify's NaturalBreaks and spopt draw from the global generator; this keeps their
    results reproducible without changing the caller's random stream.

    Parameters
    ----------
    seed
        Seed for :func:`numpy.random.seed`.

    Returns
    -------
    contextmanager
        Use with ``with seeded_numpy(0): ...``.
    """
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def classify_values(
    values: pd.Series, *, scheme: str = "NaturalBreaks", k: int = 5, seed: int = 0
) -> tuple[pd.Series, list[tuple[float, float]]]:
    """Classify ``values`` with a mapclassify scheme, reproducibly.

    Parameters
    ----------
    values
        Numbers (non-numeric and non-finite values get no class).
    scheme
        A mapclassify scheme of :data:`SCHEMES`.
    k
        Number of classes, for the schemes that take one (at most the number of distinct values).
    seed
        Seed of numpy's global generator during the classification.

    Returns
    -------
    classes, bins
        ``classes``: 0-based class numbers as a nullable-integer Series aligned to ``values``
        (``<NA>`` for missing or non-finite values); ``bins``: ``(lower, upper)`` per class.

    Raises
    ------
    UnknownNameError
        Unknown ``scheme``.
    InvalidValueError
        ``k`` < 2.
    """
    import mapclassify

    if scheme not in SCHEMES:
        raise UnknownNameError(
            f"Unknown classification scheme {scheme!r}; use one of {', '.join(SCHEMES)}." + suggest(scheme, SCHEMES))
    if k < 2:
        raise InvalidValueError(f"k (number of classes) must be at least 2, got {k}.")
    y = pd.to_numeric(values, errors="coerce").astype(float)
    ok = y.notna() & np.isfinite(y)
    classes = pd.Series(pd.NA, index=values.index, dtype="Int64")
    if not ok.any():
        return classes, []
    arr = y[ok].to_numpy()
    n_unique = len(np.unique(arr))
    if n_unique == 1:
        classes[ok] = 0
        return classes, [(float(arr[0]), float(arr[0]))]
    kwargs: dict[str, Any] = {"k": min(k, n_unique)} if scheme in _TAKES_K else {}
    with seeded_numpy(seed):
        binning = mapclassify.classify(arr, scheme, **kwargs)
    classes[ok] = binning.yb.astype(int)
    uppers = [float(b) for b in binning.bins]
    lowers = [float(arr.min()), *uppers[:-1]]
    return classes, list(zip(lowers, uppers, strict=True))
