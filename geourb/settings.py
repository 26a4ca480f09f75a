"""One validated settings object; unknown keys are refused (geopandas-options style).

``geourb.settings`` is the process-wide instance. Change it by attribute, with
:meth:`Settings.update`, temporarily with :meth:`Settings.context`, or load a TOML table with
:meth:`Settings.from_toml`. Environment variables give the defaults:

- ``GEOURB_CACHE_DIR``: cache folder (default ``~/.cache/geourb``)
- ``GEOURB_MIRROR``: folders (``os.pathsep``-separated) searched first for registered sources
- ``GEOURB_OFFLINE``: ``1`` forbids downloads
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from geourb._errors import SettingsError, UnknownNameError, plain, suggest


def _env_paths(name: str) -> tuple[Path, ...]:
    raw = os.environ.get(name, "")
    return tuple(Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip())


def _default_cache() -> Path:
    env = os.environ.get("GEOURB_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "geourb"


@dataclass
class Settings:
    """Validated geourb settings.

    Attributes
    ----------
    cache_dir
        Folder for built layers (GeoParquet) and network caches.
    data_dir
        Folder where ``geourb data fetch`` stores downloads (``data/raw`` of the project).
    processed_dir
        Folder for analysis outputs (``data/processed``).
    maps_dir
        Folder for HTML maps (``maps``).
    mirror_dirs
        Folders searched first for registered sources, e.g. ``../shared/data``.
    offline
        Forbid downloads; a missing source raises :class:`~geourb.OfflineError`.
    progress
        Show tqdm progress bars on long work.
    """

    cache_dir: Path = field(default_factory=_default_cache)
    data_dir: Path = Path("data/raw")
    processed_dir: Path = Path("data/processed")
    maps_dir: Path = Path("maps")
    mirror_dirs: tuple[Path, ...] = field(default_factory=lambda: _env_paths("GEOURB_MIRROR"))
    offline: bool = field(default_factory=lambda: os.environ.get("GEOURB_OFFLINE", "") == "1")
    progress: bool = True

    def __setattr__(self, key: str, value: Any) -> None:
        names = {f.name for f in fields(self)}
        if key not in names:
            raise UnknownNameError(
                f"Unknown setting {key!r}; known settings: {', '.join(sorted(names))}."
                + suggest(key, names)
            )
        object.__setattr__(self, key, self._coerce(key, value))

    @staticmethod
    def _coerce(key: str, value: Any) -> Any:
        if key in {"cache_dir", "data_dir", "processed_dir", "maps_dir"}:
            if not isinstance(value, str | os.PathLike):
                raise SettingsError(f"Setting {key!r} must be a path, got {plain(value)} ({type(value).__name__}).")
            return Path(value).expanduser()
        if key == "mirror_dirs":
            if isinstance(value, str | os.PathLike):
                value = [value]
            try:
                return tuple(Path(v).expanduser() for v in value)
            except TypeError as exc:
                raise SettingsError(
                    f"Setting 'mirror_dirs' must be a path or a list of paths, got {value!r}."
                ) from exc
        if key in {"offline", "progress"}:
            if not isinstance(value, bool):
                raise SettingsError(
                    f"Setting {key!r} must be true or false (bool), got {plain(value)} ({type(value).__name__}).")
            return value
        return value

    def update(self, **values: Any) -> Settings:
        """Set several settings at once (each validated); returns ``self``."""
        for key, value in values.items():
            setattr(self, key, value)
        return self

    def as_dict(self) -> dict[str, Any]:
        """Return the settings as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @contextlib.contextmanager
    def context(self, **values: Any) -> Iterator[Settings]:
        """Temporarily change settings inside a ``with`` block."""
        old = self.as_dict()
        try:
            yield self.update(**values)
        finally:
            for key, value in old.items():
                object.__setattr__(self, key, value)

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str], *, table: str = "settings") -> Settings:
        """Read settings from the ``[settings]`` table of a TOML file (unknown keys refused)."""
        from geourb._config import read_toml

        path = Path(path)
        data = read_toml(path, what="Settings file")
        obj = cls()
        values = data.get(table, {})
        base = path.parent
        for key, value in values.items():
            if key.endswith("_dir") and isinstance(value, str) and not Path(value).is_absolute():
                value = base / value
            setattr(obj, key, value)
        return obj


settings = Settings()
"""The process-wide settings instance."""
