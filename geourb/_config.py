"""Base class of the validated option objects read from TOML tables (unknown keys refused)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, ClassVar, Self

from geourb._errors import DataFileNotFoundError, SettingsError, UnknownNameError, suggest


class TomlConfig:
    """Mixin for ``@dataclass`` configs: ``from_dict`` / ``from_toml`` refuse unknown keys.

    Subclasses set ``_section``: the TOML table name (``scoring``, ``regions`` ...), also used in
    messages.
    """

    _section: ClassVar[str] = "settings"

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Self:
        """Build from a mapping; unknown keys are refused with suggestions."""
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        for key in values:
            if key not in names:
                raise UnknownNameError(
                    f"Unknown {cls._section} setting {key!r}; known: {', '.join(sorted(names))}."
                    + suggest(key, names))
        return cls(**dict(values))

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str], *, table: str | None = None) -> Self:
        """Read the ``[<section>]`` table (or ``table``) of a TOML file."""
        path = Path(path)
        if not path.exists():
            raise DataFileNotFoundError(f"{cls._section.capitalize()} config {path} does not exist.")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path} is not valid TOML: {exc}") from exc
        return cls.from_dict(data.get(table or cls._section, {}))

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain dict."""
        return asdict(self)  # type: ignore[call-overload]
