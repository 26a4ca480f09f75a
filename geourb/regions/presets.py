"""Presets: the seven regions named by the 2024-2029 plan, as conventional prefecture groups."""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from geourb._deprecate import renamed_keywords
from geourb._errors import DataFileNotFoundError, EmptyResultError, SettingsError
from geourb._validate import require_columns
from geourb.regions.config import Delineation


def load_presets(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return the conventional region presets: key, name, name_en, province, prefecture adcodes, note.

    Parameters
    ----------
    path
        A presets TOML (``[presets.<key>]`` with ``name``, ``name_en``, ``province``,
        ``prefectures`` adcodes, ``note``); default the built-in ``data/region_presets.toml``
        (the seven regions of the 2024-2029 plan).

    Returns
    -------
    pandas.DataFrame
        Indexed by preset key: ``name``, ``name_en``, ``province``, ``prefectures``, ``note``.

    Raises
    ------
    DataFileNotFoundError
        ``path`` does not exist.
    SettingsError
        Invalid TOML or a preset without ``prefectures``.
    EmptyResultError
        No preset.
    """
    if path is None:
        text = resources.files("geourb").joinpath("data/region_presets.toml").read_text(encoding="utf-8")
        source = "geourb/data/region_presets.toml"
    else:
        p = Path(path)
        if not p.exists():
            raise DataFileNotFoundError(f"Preset file {p} does not exist.")
        text, source = p.read_text(encoding="utf-8"), str(p)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{source} is not valid TOML: {exc}") from exc
    rows = []
    for key, v in data.get("presets", {}).items():
        if "prefectures" not in v:
            raise SettingsError(f"Preset {key!r} in {source} has no 'prefectures' list of adcodes.")
        rows.append({"key": key, "name": v.get("name", key), "name_en": v.get("name_en", key),
                     "province": v.get("province", ""), "prefectures": [str(a) for a in v["prefectures"]],
                     "note": v.get("note", "")})
    if not rows:
        raise EmptyResultError(f"{source} defines no [presets.<name>] tables.")
    return pd.DataFrame(rows).set_index("key")


@renamed_keywords(layer="counties")
def preset_counties(counties: pd.DataFrame, *, presets: pd.DataFrame | None = None) -> pd.Series:
    """Preset key of every county of ``counties`` (empty when in no preset).

    Parameters
    ----------
    counties
        County layer with ``prefecture_adcode``.
    presets
        Presets from :func:`load_presets` (default: the built-in ones).

    Returns
    -------
    pandas.Series
        ``preset`` (string dtype, NA outside every preset) aligned to ``layer.index``.
    """
    presets = load_presets() if presets is None else presets
    require_columns(counties, ["prefecture_adcode"], source="county layer")
    out = pd.Series(pd.NA, index=counties.index, dtype="string", name="preset")
    for key, row in presets.iterrows():
        hit = counties["prefecture_adcode"].astype(str).isin(row["prefectures"])
        out[hit.to_numpy()] = str(key)
    return out


def compare_to_presets(
    delineation: Delineation | pd.Series,
    layer: pd.DataFrame,
    *,
    presets: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Measure the population overlap of a delineation with each preset region.

    Parameters
    ----------
    delineation
        A :class:`Delineation`, or a Series of region ids aligned to ``layer`` (names empty).
    layer
        County layer with ``pop_total`` and ``prefecture_adcode``.
    presets
        Presets from :func:`load_presets` (default: the built-in seven regions).

    Returns
    -------
    pandas.DataFrame
        One row per preset: ``preset``, ``name``, ``name_en``, ``n_counties``, ``pop_preset``,
        ``pop_in_regions`` (preset residents inside any delineated region),
        ``share_preset_in_regions``, ``share_preset_in_top_n`` (inside regions ranked in the
        configured ``top_n``; 0 for a plain Series), the ``best_region`` (the region holding most of the
        preset's population) with ``best_region_name``, ``share_best_region_in_preset`` (the
        best region's residents who live in the preset) and ``regions`` overlapping it.
    """
    rid = delineation.counties["region_id"] if isinstance(delineation, Delineation) else delineation
    names = (delineation.counties["region_name"] if isinstance(delineation, Delineation)
             else pd.Series(pd.NA, index=rid.index, dtype="string"))
    presets = load_presets() if presets is None else presets
    which = preset_counties(layer, presets=presets)
    pop = layer["pop_total"].astype(float).fillna(0)
    rid = rid.reindex(layer.index)
    top = pd.Series(False, index=layer.index)
    if isinstance(delineation, Delineation) and "rank" in delineation.regions:
        ranks = delineation.regions.set_index("region_id")["rank"]
        top_ids = set(ranks.index[ranks.to_numpy() <= delineation.config.top_n].astype(str))
        top = rid.astype("string").isin(top_ids).fillna(False).astype(bool)
    rows = []
    for key, row in presets.iterrows():
        inp = (which == key).fillna(False).to_numpy(dtype=bool)
        pop_preset = float(pop[inp].sum())
        in_reg = inp & rid.notna().to_numpy()
        by_region = pop[in_reg].groupby(rid[in_reg].astype(str).to_numpy()).sum().sort_values(ascending=False)
        best = str(by_region.index[0]) if len(by_region) else ""
        best_pop = float(pop[(rid == best).fillna(False).to_numpy(dtype=bool)].sum()) if best else 0.0
        rows.append({
            "preset": key, "name": row["name"], "name_en": row["name_en"],
            "n_counties": int(inp.sum()), "pop_preset": pop_preset,
            "pop_in_regions": float(by_region.sum()),
            "share_preset_in_regions": float(by_region.sum()) / pop_preset if pop_preset else np.nan,
            "share_preset_in_top_n": float(pop[inp & top.to_numpy()].sum()) / pop_preset if pop_preset else np.nan,
            "best_region": best,
            "best_region_name": str(names[(rid == best).fillna(False).to_numpy(dtype=bool)].iloc[0]) if best else "",
            "share_best_region_in_preset": float(by_region.iloc[0]) / best_pop if best_pop else np.nan,
            "regions": ",".join(by_region.index.astype(str)),
        })
    return pd.DataFrame(rows)

