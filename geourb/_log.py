"""Logging and progress helpers: ``logging.getLogger("geourb")`` and tqdm bars."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

logger = logging.getLogger("geourb")
logger.addHandler(logging.NullHandler())

T = TypeVar("T")


def progress(iterable: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm bar when ``settings.progress`` is on.

    Parameters
    ----------
    iterable
        The items.
    desc
        The bar's label.
    total
        The number of items, when ``iterable`` has no length.

    Returns
    -------
    Iterator
        The same items (with a bar on stderr when progress is on).
    """
    from geourb.settings import settings

    return iter(tqdm(iterable, desc=desc, total=total, disable=not settings.progress, leave=False))
