"""Deprecation helpers: renamed functions and arguments keep working for one release."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def keyword_only(*names: str, n_positional: int = 1) -> Callable[[F], F]:
    """Accept ``names`` positionally after the first ``n_positional`` arguments, with a warning.

    The convention is: the data a function works on is positional, every option is
    keyword-only. Functions that took options positionally before keep accepting them (mapped to
    ``names`` in order) and emit a :class:`DeprecationWarning` naming the keyword to use.

    Parameters
    ----------
    *names
        The formerly positional options, in their old order.
    n_positional
        Number of positional (data) arguments the function keeps.

    Returns
    -------
    callable
        A decorator.

    Examples
    --------
    >>> @keyword_only("b")
    ... def f(a, *, b=0):
    ...     return a + b
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     f(1, 2), caught[0].category.__name__
    (3, 'DeprecationWarning')
    """

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            extra = args[n_positional:]
            if extra:
                if len(extra) > len(names):
                    raise TypeError(f"{func.__name__}() takes {n_positional} positional argument(s) "
                                    f"and the keyword-only {', '.join(names)}; got {len(args)} positional.")
                used = names[: len(extra)]
                for name, value in zip(used, extra, strict=True):
                    if name in kwargs:
                        raise TypeError(f"{func.__name__}() got multiple values for argument {name!r}")
                    kwargs[name] = value
                warnings.warn(
                    f"{func.__name__}(): passing {', '.join(used)} positionally is deprecated and will "
                    f"stop working in the next release; pass {', '.join(f'{n}=...' for n in used)}.",
                    DeprecationWarning, stacklevel=2)
                args = args[:n_positional]
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def renamed(old: str, new: Callable[..., Any], *, module: str) -> Callable[..., Any]:
    """Return a deprecated alias ``old`` of function ``new`` that warns on every call.

    Parameters
    ----------
    old
        The former name.
    new
        The function that replaces it.
    module
        Module of both names (for the message).

    Returns
    -------
    callable
        A function calling ``new`` after a :class:`DeprecationWarning`.
    """

    @functools.wraps(new)
    def alias(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"{module}.{old} is deprecated and will be removed in the next release; "
                      f"use {module}.{new.__name__}.", DeprecationWarning, stacklevel=2)
        return new(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old
    alias.__doc__ = f"Deprecated alias of :func:`{module}.{new.__name__}` (warns on use)."
    return alias


_UNSET: Any = object()
"""Default of a deprecated keyword: tells "not given" apart from ``None``."""


def renamed_argument(func: str, old: str, new: str, old_value: Any, new_value: Any,
                     new_default: Any) -> Any:
    """Return the value of ``new`` when a caller may still pass the deprecated ``old`` name.

    Warns (``DeprecationWarning``) when ``old`` is given; raises
    :class:`~geourb._errors.InvalidValueError` when both are given with different values.

    Parameters
    ----------
    func
        Name of the function (for the message).
    old, new
        The deprecated and the current argument name.
    old_value, new_value
        What the caller passed for each (``_UNSET`` when ``old`` was not given).
    new_default
        The default of ``new``, to tell an explicit value from the default.

    Returns
    -------
    Any
        The value to use.
    """
    from geourb._errors import InvalidValueError

    if old_value is _UNSET:
        return new_value
    warnings.warn(f"{func}({old}=...) is deprecated and will be removed in the next release; "
                  f"use {new}=... (same unit).", DeprecationWarning, stacklevel=3)
    if new_value is not new_default and new_value != old_value:
        raise InvalidValueError(f"{func}: give {new}={new_value!r} or the deprecated "
                                f"{old}={old_value!r}, not both.")
    return old_value


def renamed_keywords(**old_to_new: str) -> Callable[[F], F]:
    """Accept a renamed keyword argument under its old name for one release, with a warning.

    Parameters
    ----------
    **old_to_new
        Old keyword -> new keyword (``layer="counties"``).

    Returns
    -------
    callable
        A decorator.

    Examples
    --------
    >>> @renamed_keywords(layer="counties")
    ... def f(counties):
    ...     return counties
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     f(layer=1), caught[0].category.__name__
    (1, 'DeprecationWarning')
    """

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{func.__name__}() got both {new!r} and its deprecated name {old!r}")
                    warnings.warn(f"{func.__name__}({old}=...) is deprecated and will stop working in the next "
                                  f"release; pass {new}=... .", DeprecationWarning, stacklevel=2)
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
