"""Deprecated argument names kept for one release (a DeprecationWarning each time used)."""

from __future__ import annotations

import warnings
from typing import Any

from geourb._errors import InvalidValueError

_UNSET: Any = object()
"""Default of a deprecated keyword: tells "not given" apart from ``None``."""


def renamed(func: str, old: str, new: str, old_value: Any, new_value: Any,
            new_default: Any) -> Any:
    """The value of ``new`` when a caller may still pass the deprecated ``old`` name.

    Warns (``DeprecationWarning``) when ``old`` is given; raises
    :class:`~geourb._errors.InvalidValueError` when both are given with different values.
    """
    if old_value is _UNSET:
        return new_value
    warnings.warn(f"{func}({old}=...) is deprecated and will be removed in the next release; "
                  f"use {new}=... (same unit).", DeprecationWarning, stacklevel=3)
    if new_value is not new_default and new_value != old_value:
        raise InvalidValueError(f"{func}: give {new}={new_value!r} or the deprecated "
                                f"{old}={old_value!r}, not both.")
    return old_value
