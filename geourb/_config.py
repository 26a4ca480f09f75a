"""Base class of the validated option objects read from TOML tables (unknown keys refused).

Every value is checked against its dataclass field's type annotation *before* the object is
built, so ``hotspots = "false"`` or ``max_region_counties = "30"`` fail at once with a
:class:`~geourb.SettingsError` naming the section, the key, the value given and the type
expected, instead of a bare ``TypeError`` after the data has loaded.
"""

from __future__ import annotations

import numbers
import os
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, ClassVar, Literal, Self, Union, get_args, get_origin

import numpy as np

from geourb._errors import GeourbError, SettingsError, UnknownNameError, plain, suggest
from geourb._toml import read_toml  # re-exported: the one TOML reader

_PLURALS = {int: "integers", float: "numbers", str: "strings", bool: "true/false values"}


def type_name(tp: Any) -> str:
    """Return a readable name of a type annotation, for messages (``"an integer"``, ``"a list of strings"``)."""
    if tp is Any:
        return "any value"
    if tp is type(None):
        return "nothing (leave the key out)"
    origin = get_origin(tp)
    args = get_args(tp)
    if origin in (Union, types.UnionType):
        return " or ".join(type_name(a) for a in args if a is not type(None)) or "nothing"
    if origin is Literal:
        return "one of " + ", ".join(plain(a) for a in args)
    if origin in (list, tuple, Sequence):
        inner = [a for a in args if a is not Ellipsis]
        if not inner:
            return "a list"
        return f"a list of {_plural(inner[0])}"
    if origin in (dict, Mapping):
        return "a table"
    if tp is bool:
        return "true or false (a boolean)"
    if tp is float:
        return "a number"
    if tp is int:
        return "an integer"
    if tp is str:
        return "a string"
    if tp in (Path, os.PathLike):
        return "a path"
    return getattr(tp, "__name__", str(tp))


def _plural(tp: Any) -> str:
    """Plural of a list's element type: ``numbers``, ``strings``, ``lists of numbers`` ..."""
    if tp in _PLURALS:
        return _PLURALS[tp]
    inner = [a for a in get_args(tp) if a is not Ellipsis]
    if get_origin(tp) in (list, tuple, Sequence) and inner:
        return f"lists of {_plural(inner[0])}"
    return "values"


def matches(value: Any, tp: Any) -> bool:
    """Whether ``value`` fits the type annotation ``tp`` (bools are not ints; ints are floats)."""
    if tp is Any:
        return True
    if tp is type(None) or tp is None:
        return value is None
    origin = get_origin(tp)
    args = get_args(tp)
    if origin in (Union, types.UnionType):
        return any(matches(value, a) for a in args)
    if origin is Literal:
        return any(type(value) is type(a) and value == a for a in args)
    if origin is not None and isinstance(origin, type) and issubclass(origin, tuple):
        if not isinstance(value, list | tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(matches(v, args[0]) for v in value)
        return not args or (len(args) == len(value) and all(matches(v, a) for v, a in zip(value, args, strict=True)))
    if origin is not None and isinstance(origin, type) and origin is not str and (
            issubclass(origin, list) or origin.__name__ in {"Sequence", "MutableSequence"}):
        return isinstance(value, list | tuple) and (not args or all(matches(v, args[0]) for v in value))
    if origin is not None and isinstance(origin, type) and (issubclass(origin, dict) or origin.__name__ in {
            "Mapping", "MutableMapping"}):
        if not isinstance(value, Mapping):
            return False
        return len(args) != 2 or all(matches(k, args[0]) and matches(v, args[1]) for k, v in value.items())
    if tp is bool:
        return isinstance(value, bool | np.bool_)
    if tp is int:
        return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)
    if tp is float:
        return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)
    if tp is str:
        return isinstance(value, str)
    if tp in (Path, os.PathLike):
        return isinstance(value, str | os.PathLike)
    if isinstance(tp, type):
        return isinstance(value, tp)
    return True


def _unquote_hint(value: Any, tp: Any) -> str:
    """`` Write 30 without quotes.`` when a string holds a value of the expected type."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    parsed: Any = None
    if text.lower() in {"true", "false"}:
        parsed = text.lower() == "true"
    else:
        for conv in (int, float):
            try:
                parsed = conv(text)
                break
            except ValueError:
                continue
    if parsed is not None and matches(parsed, tp):
        shown = str(parsed).lower() if isinstance(parsed, bool) else text
        return f" Write {shown} without quotes."
    return ""


def _expected(key: str, tp: Any) -> str:
    """Return the expected type for a message; a list of strings ``indicators`` reads "a list of indicator names"."""
    if get_origin(tp) in (list, tuple, Sequence) and get_args(tp)[:1] == (str,) and key.endswith("s"):
        return f"a list of {key[:-1]} names"
    return type_name(tp)


def check_value(section: str, key: str, value: Any, tp: Any, *, source: str | None = None) -> None:
    """Raise :class:`SettingsError` when ``value`` does not fit the annotation ``tp``.

    The message names the section, the key, the value and its type, and the type expected
    (``regions.hotspots = 'false' is of type str; expected true or false (a boolean). Write false
    without quotes.``).
    """
    if matches(value, tp):
        return
    where = f"{source}: " if source else ""
    raise SettingsError(
        f"{where}{section}.{key} = {plain(value)} is of type {type(value).__name__}; expected "
        f"{_expected(key, tp)}.{_unquote_hint(value, tp)}"
    )


class TomlConfig:
    """Mixin for ``@dataclass`` configs: ``from_dict`` / ``from_toml`` refuse unknown keys and wrong types.

    Subclasses set ``_section``: the TOML table name (``scoring``, ``regions`` ...), also used in
    messages.
    """

    _section: ClassVar[str] = "settings"

    @classmethod
    def field_types(cls) -> dict[str, Any]:
        """Return the resolved type annotation of each field."""
        hints = typing.get_type_hints(cls)
        return {f.name: hints.get(f.name, Any) for f in fields(cls)}  # type: ignore[arg-type]

    @classmethod
    def check(cls, values: Mapping[str, Any], *, source: str | None = None) -> None:
        """Check keys and value types of ``values`` without building the object.

        Raises
        ------
        UnknownNameError
            A key is not a field (with suggestions).
        SettingsError
            A value does not fit its field's type (naming section, key, value and types).
        """
        where = f"{source}: " if source else ""
        if not isinstance(values, Mapping):
            raise SettingsError(f"{where}[{cls._section}] must be a table of settings, got {plain(values)}.")
        types_ = cls.field_types()
        for key in values:
            if key not in types_:
                raise UnknownNameError(
                    f"{where}Unknown {cls._section} setting {key!r}; known: {', '.join(sorted(types_))}."
                    + suggest(key, types_))
        for key, value in values.items():
            check_value(cls._section, key, value, types_[key], source=source)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], *, source: str | None = None) -> Self:
        """Build from a mapping; unknown keys and values of the wrong type are refused.

        Parameters
        ----------
        values
            ``{field: value}``; missing fields keep their defaults.
        source
            Where the values come from (a file name), for messages.

        Raises
        ------
        UnknownNameError
            Unknown key.
        SettingsError
            A value of the wrong type, or an invalid value.
        """
        cls.check(values, source=source)
        where = f"{source}: " if source else ""
        try:
            return cls(**dict(values))
        except SettingsError as exc:
            if source is None or source in str(exc):
                raise
            raise SettingsError(f"{source}: {exc}") from exc
        except (TypeError, ValueError) as exc:  # a check the class missed: still name the table
            if isinstance(exc, GeourbError):
                raise
            raise SettingsError(f"{where}[{cls._section}] has a value of the wrong kind ({type(exc).__name__}: "
                                f"{exc}). Check the table against the documented settings.") from exc

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str], *, table: str | None = None) -> Self:
        """Read the ``[<section>]`` table (or ``table``) of a TOML file."""
        data = read_toml(path, what=f"{cls._section.capitalize()} config")
        return cls.from_dict(data.get(table or cls._section, {}), source=str(path))

    def as_dict(self) -> dict[str, Any]:
        """Return the settings as a plain dict."""
        return asdict(self)  # type: ignore[call-overload]
