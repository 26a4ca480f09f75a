"""Conventional region names (皖北, 冀中南, 粤西 ...) from a gazetteer of prefecture groups.

The built-in gazetteer ``geourb/data/region_gazetteer.toml`` lists conventional names of parts
of provinces, each with its member prefectures and a source (a planning document, or
"conventional usage"). A delineated region takes the name of the entry of its main province
(the one holding most of its population) with the largest population overlap, when that
entry holds at least half of the region's population; otherwise it keeps the bearing name of
:func:`geourb.regions.name_regions`.
"""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path

import pandas as pd

from geourb._deprecate import renamed_keywords
from geourb._errors import DataFileNotFoundError, EmptyResultError, SettingsError, UnknownNameError, suggest
from geourb._log import logger
from geourb._validate import require_columns

MIN_OVERLAP = 0.5
"""Share of a region's population an entry must hold to name it."""


def _prefecture_table(counties: pd.DataFrame | None) -> pd.DataFrame:
    if counties is None:
        from geourb.counties import load_counties

        counties = load_counties()
    require_columns(counties, ["province", "prefecture", "prefecture_adcode"], source="county layer")
    return counties[["province", "prefecture", "prefecture_adcode"]].drop_duplicates().astype(str)


def load_gazetteer(
    path: str | os.PathLike[str] | None = None,
    *,
    counties: pd.DataFrame | None = None,
    only_present: bool = False,
) -> pd.DataFrame:
    """Read and check a region gazetteer.

    Parameters
    ----------
    path
        A gazetteer TOML (``[entries.<key>]`` tables with ``name``, ``name_en``,
        ``province``, ``prefectures``, ``source`` and optional ``note``); default the
        built-in one.
    counties
        County layer whose ``province`` / ``prefecture`` / ``prefecture_adcode`` columns are
        the known prefectures (default: :func:`geourb.counties.load_counties`).
    only_present
        Drop (and log) the entries of provinces absent from ``counties``, and the prefectures
        absent from it, instead of refusing them: for a layer of a few provinces or
        prefectures (the full check is the default).

    Returns
    -------
    pandas.DataFrame
        Indexed by entry key: ``name``, ``name_en``, ``province``, ``prefectures`` (list of
        names), ``prefecture_adcodes`` (list), ``source``, ``note``.

    Raises
    ------
    DataFileNotFoundError
        ``path`` does not exist.
    SettingsError
        Invalid TOML, or an entry without a required key.
    UnknownNameError
        A province, or a prefecture of an entry's province, that the county layer does not
        know (with the closest names).
    EmptyResultError
        No entry.
    """
    if path is None:
        text = resources.files("geourb").joinpath("data/region_gazetteer.toml").read_text(encoding="utf-8")
        source = "geourb/data/region_gazetteer.toml"
    else:
        p = Path(path)
        if not p.exists():
            raise DataFileNotFoundError(f"Gazetteer file {p} does not exist.")
        text, source = p.read_text(encoding="utf-8"), str(p)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{source} is not valid TOML: {exc}") from exc
    known = _prefecture_table(counties)
    provinces = sorted(set(known["province"]))
    rows = []
    skipped: list[str] = []
    for key, v in data.get("entries", {}).items():
        if not isinstance(v, dict):
            raise SettingsError(f"{source}: entries.{key} must be a table, got {v!r}.")
        missing = [k for k in ("name", "province", "prefectures", "source") if k not in v]
        if missing:
            raise SettingsError(f"{source}: entry {key!r} has no {', '.join(missing)} (needed: name, province, "
                                "prefectures, source).")
        prov = str(v["province"])
        if prov not in provinces and only_present:
            skipped.append(str(key))
            continue
        if prov not in provinces:
            raise UnknownNameError(f"{source}: entry {key!r} names the unknown province {prov!r}."
                                   + suggest(prov, provinces))
        if not isinstance(v["prefectures"], list) or not v["prefectures"]:
            raise SettingsError(f"{source}: entry {key!r}: prefectures must be a non-empty list of names.")
        in_prov = known[known["province"] == prov].set_index("prefecture")["prefecture_adcode"]
        codes = []
        for pref in v["prefectures"]:
            if str(pref) not in in_prov.index and only_present:
                continue  # a partial layer: the entry keeps its prefectures present in it
            if str(pref) not in in_prov.index:
                everywhere = known.set_index("prefecture")["province"]
                hint = (f" ({pref} is in {everywhere[str(pref)]})" if str(pref) in everywhere.index
                        else suggest(str(pref), in_prov.index))
                raise UnknownNameError(f"{source}: entry {key!r} ({v['name']}) names {pref!r}, which is not a "
                                       f"prefecture of {prov}.{hint}")
            codes.append(str(in_prov[str(pref)]))
        if not codes:
            skipped.append(str(key))
            continue
        rows.append({"key": key, "name": str(v["name"]), "name_en": str(v.get("name_en", v["name"])),
                     "province": prov, "prefectures": [str(p) for p in v["prefectures"]],
                     "prefecture_adcodes": codes, "source": str(v["source"]), "note": str(v.get("note", ""))})
    if skipped:
        logger.debug("gazetteer: %d entries of provinces outside the layer skipped", len(skipped))
    if not rows and not (only_present and skipped):
        raise EmptyResultError(f"{source} defines no [entries.<key>] tables.")
    if not rows:
        return pd.DataFrame(columns=["name", "name_en", "province", "prefectures", "prefecture_adcodes",
                                     "source", "note"]).rename_axis("key")
    return pd.DataFrame(rows).set_index("key")


@renamed_keywords(layer="counties")
def gazetteer_overlap(counties: pd.DataFrame, region_id: pd.Series, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """Best gazetteer entry of each region: its key and the share of the region's people in it.

    Only entries of the region's main province (the one holding most of its population) are
    considered; among them the largest population overlap wins (ties: the smaller entry).

    Parameters
    ----------
    counties
        County layer with ``pop_total``, ``province`` and ``prefecture_adcode``.
    region_id
        Region id of each county (NA outside regions), aligned to ``counties``.
    gazetteer
        From :func:`load_gazetteer`.

    Returns
    -------
    pandas.DataFrame
        Indexed by region id: ``gazetteer_key`` (empty without an entry of its province),
        ``overlap_share`` (0-1) and ``overlap_pop``.
    """
    require_columns(counties, ["pop_total", "province", "prefecture_adcode"], source="county layer")
    rid = region_id.reindex(counties.index)
    sel = rid.notna().to_numpy()
    df = pd.DataFrame({"rid": rid[sel].astype(str).to_numpy(),
                       "pop": counties.loc[sel, "pop_total"].astype(float).fillna(0).to_numpy(),
                       "prov": counties.loc[sel, "province"].astype(str).to_numpy(),
                       "pref": counties.loc[sel, "prefecture_adcode"].astype(str).to_numpy()})
    entry_pop = {}
    pref_pop = counties.groupby(counties["prefecture_adcode"].astype(str))["pop_total"].sum()
    for key, e in gazetteer.iterrows():
        entry_pop[key] = float(pref_pop.reindex(e["prefecture_adcodes"]).fillna(0).sum())
    rows = {}
    for r, g in df.groupby("rid", sort=True):
        total = float(g["pop"].sum())
        main = g.groupby("prov")["pop"].sum().sort_values(ascending=False, kind="stable").index[0]
        best = ("", 0.0)
        for key, e in gazetteer[gazetteer["province"] == main].iterrows():
            ov = float(g.loc[g["pref"].isin(e["prefecture_adcodes"]), "pop"].sum())
            if ov > best[1] or (ov == best[1] and ov > 0 and entry_pop[key] < entry_pop.get(best[0], float("inf"))):
                best = (str(key), ov)
        rows[r] = {"gazetteer_key": best[0], "overlap_pop": best[1],
                   "overlap_share": best[1] / total if total > 0 else 0.0}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "region_id"
    return out


def name_from_gazetteer(
    layer: pd.DataFrame,
    region_id: pd.Series,
    bearing_names: pd.DataFrame,
    gazetteer: pd.DataFrame,
    *,
    min_overlap: float = MIN_OVERLAP,
) -> pd.DataFrame:
    """Replace bearing names by conventional ones where a gazetteer entry holds most of a region.

    A region whose best entry (:func:`gazetteer_overlap`) holds at least ``min_overlap`` of
    its population takes the entry's ``name`` / ``name_en`` (plus the other provinces, as in
    ``皖北 (+豫)``); when several regions want one entry, the one with the largest overlap
    gets it and the others keep their bearing name. A bearing name that equals a name taken
    from the gazetteer by another region gets a numeric suffix.

    Parameters
    ----------
    layer
        County layer with ``pop_total``, ``province`` and ``prefecture_adcode``.
    region_id
        Region id of each county, aligned to ``layer``.
    bearing_names
        From :func:`geourb.regions.name_regions` (``region_name``, ``region_name_en``,
        ``provinces`` by region id).
    gazetteer
        From :func:`load_gazetteer`.
    min_overlap
        Share of the region's population the entry must hold.

    Returns
    -------
    pandas.DataFrame
        ``bearing_names`` with updated names and ``name_source`` (``gazetteer:<key>`` or
        ``bearing``) and ``gazetteer_overlap``.
    """
    out = bearing_names.copy()
    out["name_source"] = "bearing"
    out["gazetteer_overlap"] = 0.0
    ov = gazetteer_overlap(layer, region_id, gazetteer).reindex(out.index)
    out["gazetteer_overlap"] = ov["overlap_share"].fillna(0.0).astype(float)
    eligible = ov[(ov["overlap_share"] >= min_overlap) & (ov["gazetteer_key"] != "")]
    winners = eligible.sort_values(["overlap_pop"], ascending=False, kind="stable").groupby("gazetteer_key").head(1)
    for r, row in winners.iterrows():
        e = gazetteer.loc[row["gazetteer_key"]]
        others = out.loc[r, "region_name"].split(" (+", 1)
        others_en = out.loc[r, "region_name_en"].split(" (with parts of", 1)
        out.loc[r, "region_name"] = e["name"] + (" (+" + others[1] if len(others) > 1 else "")
        out.loc[r, "region_name_en"] = e["name_en"] + (" (with parts of" + others_en[1] if len(others_en) > 1 else "")
        out.loc[r, "name_source"] = f"gazetteer:{row['gazetteer_key']}"
    for col in ("region_name", "region_name_en"):
        taken = set(out.loc[out["name_source"] != "bearing", col])
        seen: dict[str, int] = {}
        vals = []
        for r, v in out[col].items():
            if out.loc[r, "name_source"] == "bearing" and v in taken:
                seen[v] = seen.get(v, 1) + 1
                logger.info("regions: %s keeps its bearing name %r, taken by a gazetteer region: suffixed", r, v)
                v = f"{v} {seen[v]}"
            vals.append(v)
        out[col] = vals
    return out
