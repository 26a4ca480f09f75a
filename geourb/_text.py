"""Small text helpers shared by several modules (log and error messages)."""

from __future__ import annotations

import pandas as pd


def labels(frame: pd.DataFrame, n: int = 5) -> list[str]:
    """Return a few row names (column ``name``, else index labels) for log and error messages.

    Parameters
    ----------
    frame
        Any table; its ``name`` column is used when present.
    n
        Number of labels.

    Returns
    -------
    list of str
        At most ``n`` labels, in row order.

    Examples
    --------
    >>> labels(pd.DataFrame({"name": ["合肥", "芜湖", "蚌埠"]}), n=2)
    ['合肥', '芜湖']
    >>> labels(pd.DataFrame({"x": [1, 2]}, index=["a", "b"]))
    ['a', 'b']
    """
    return [str(x) for x in frame.get("name", frame.index)[:n]]
