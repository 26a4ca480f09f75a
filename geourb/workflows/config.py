"""Pipeline config: the ``[input]``, ``[scoring]``, ``[regions]`` and ``[output]`` tables, checked whole."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from geourb._config import TomlConfig, read_toml
from geourb._errors import (
    DataFileNotFoundError,
    GeourbError,
    OutputPathError,
    SettingsError,
    UnknownNameError,
    plain,
    suggest,
)
from geourb.regions import RegionConfig
from geourb.scoring import ScoringConfig

BUILTIN_PARKS = "development_zones_2018"
"""``[input] parks`` value naming the built-in 2018 development-zone catalogue."""

CACHE_FORMAT = "2"  # bump when the cached files change


@dataclass
class InputConfig(TomlConfig):
    """``[input]``: what is read and joined to the county layer.

    Attributes
    ----------
    census
        County census table (XLSX) or a registered source name; default the registered 2020
        census (``census_2020``).
    target_rate
        The plan's urbanization target (0.70 by 2029), for ``gap_to_target``.
    national_rate
        National urbanization rate; default computed from the census (whole country, even
        for one province).
    parks
        A park file, or ``"development_zones_2018"`` (the built-in catalogue): adds the
        ``park_*`` indicators. Default: no parks.
    network
        A saved network (``.npz``, :meth:`geourb.network.Network.save`) or ``"approximate"``
        (the straight-line county-seat network): adds ``access_min``. Default: the labelled
        straight-line estimate.
    """

    _section: ClassVar[str] = "input"

    census: str | None = None
    target_rate: float = 0.70
    national_rate: float | None = None
    parks: str | None = None
    network: str | None = None

    def __post_init__(self) -> None:
        if not 0 < self.target_rate <= 1:
            raise SettingsError(f"[input] target_rate must be a fraction in (0, 1], got {plain(self.target_rate)}.")
        if self.national_rate is not None and not 0 < self.national_rate <= 1:
            raise SettingsError(
                f"[input] national_rate must be a fraction in (0, 1], got {plain(self.national_rate)}.")
        if self.network is not None and self.network != "approximate" and not self.network.endswith(".npz"):
            raise UnknownNameError(
                f"[input] network must be 'approximate' or a saved network file (.npz, "
                f"geourb.network.Network.save), got {self.network!r}." + suggest(self.network, ["approximate"]))

    def check_files(self) -> None:
        """Raise :class:`DataFileNotFoundError` for an input path that does not exist (before loading)."""
        from geourb.sources import _registry

        for key in ("census", "parks", "network"):
            value = getattr(self, key)
            if value is None or value in _registry() or value == "approximate":
                continue
            if not Path(value).is_file():
                kind = "is a folder, not a file" if Path(value).is_dir() else "does not exist"
                raise DataFileNotFoundError(
                    f"[input] {key} = {value!r}: {value} {kind}. Check the path (relative paths start at "
                    f"{Path.cwd()}).")


@dataclass
class OutputConfig(TomlConfig):
    """``[output]``: file format and name prefix of :func:`write_outputs`.

    Attributes
    ----------
    format
        ``"gpkg"`` (GeoPackage) or ``"parquet"`` (GeoParquet) for the layers.
    prefix
        Put before every file name (``"nx_"`` -> ``nx_county_regions.csv``); a plain name: no
        path separators, no ``..``.
    """

    _section: ClassVar[str] = "output"

    format: Literal["gpkg", "parquet"] = "gpkg"
    prefix: str = ""

    def __post_init__(self) -> None:
        check_prefix(self.prefix)


def check_prefix(prefix: str) -> str:
    """Refuse a file-name prefix that would leave the output folder.

    Raises
    ------
    OutputPathError
        The prefix holds a path separator, ``..``, a drive colon or a control character.
    """
    bad = [c for c in ("/", "\\", os.sep, ":") if c in prefix] + (["'..'"] if ".." in prefix else [])
    if bad or any(ord(c) < 32 for c in prefix) or prefix.startswith("."):
        raise OutputPathError(
            f"[output] prefix {prefix!r} must be a plain file-name start (letters, digits, _ or -): no "
            "path separators, '..', leading dot or drive colon, so every file stays inside the output "
            "folder. Use --out-dir to choose the folder.")
    return prefix


_TABLES: dict[str, type[TomlConfig]] = {"input": InputConfig, "scoring": ScoringConfig, "regions": RegionConfig,
                                        "output": OutputConfig}


@dataclass
class PipelineConfig:
    """A checked config: one object per table (see :func:`load_config`)."""

    input: InputConfig = field(default_factory=InputConfig)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    regions: RegionConfig = field(default_factory=RegionConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    source: str | None = None


def load_config(config: str | os.PathLike[str] | Mapping[str, Any] | PipelineConfig | None = None) -> PipelineConfig:
    """Read and check a pipeline config (every table, key and value type) without loading data.

    Parameters
    ----------
    config
        A TOML file, a dict / parsed TOML with the tables ``input``, ``scoring``, ``regions``,
        ``output`` (each optional), a :class:`PipelineConfig`, or None (all defaults).

    Returns
    -------
    PipelineConfig
        The validated config.

    Raises
    ------
    UnknownNameError
        Unknown table or key (with suggestions).
    SettingsError
        A value of the wrong type or out of range (naming table, key, value and expected type).
    DataFileNotFoundError
        The config file, or an ``[input]`` file, does not exist.
    """
    if isinstance(config, PipelineConfig):
        return config
    source = None
    if config is None:
        data: Mapping[str, Any] = {}
    elif isinstance(config, Mapping):
        data = config
    elif isinstance(config, str | os.PathLike):
        source = str(config)
        data = read_toml(config, what="Config file")
    else:
        raise SettingsError(f"config must be a TOML path or a dict of tables, got {type(config).__name__}.")
    where = f"{source}: " if source else ""
    for table, values in data.items():
        if table not in _TABLES:
            raise UnknownNameError(f"{where}unknown table [{table}]; known: {', '.join(_TABLES)}."
                                   + suggest(table, _TABLES))
        _TABLES[table].check(values, source=source)
    tables = {name: dict(data.get(name, {})) for name in _TABLES}
    # one target rate: [input] target_rate (indicators) also drives [regions] target_rate (gap people)
    given_in, given_reg = tables["input"].get("target_rate"), tables["regions"].get("target_rate")
    if given_in is not None and given_reg is not None and given_in != given_reg:
        raise SettingsError(f"{where}[input] target_rate = {plain(given_in)} and [regions] target_rate = "
                            f"{plain(given_reg)} differ; give the target once, in [input].")
    if given_in is not None and "target_rate" in {f.name for f in dataclasses.fields(RegionConfig)}:
        tables["regions"].setdefault("target_rate", given_in)
    try:
        parts = {name: cls.from_dict(tables[name], source=source) for name, cls in _TABLES.items()}
        cfg = PipelineConfig(**parts, source=source)  # type: ignore[arg-type]
        cfg.input.check_files()
    except GeourbError as exc:  # checks inside the config classes do not know the file: name it
        if source is None or source in str(exc):
            raise
        raise type(exc)(f"{source}: {exc}") from exc
    return cfg
