"""County statistics: reading tables, the 2020 census format, and joining to the county layer.

The join is by 6-digit adcode, then through a crosswalk of real code changes since the table's
vintage (``data/crosswalk_2020.csv``: merges are summed, splits allocated by area share and
flagged), then by name within the same prefecture. Every join returns a :class:`JoinReport` of
what matched how and what did not match on each side: nothing is dropped silently.

Examples
--------
>>> census = read_census_2020()  # doctest: +SKIP
>>> layer, report = join_statistics(load_counties(), census)  # doctest: +SKIP
>>> report.summary()  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._errors import InvalidValueError, MissingColumnError
from geourb._io import read_table
from geourb._log import logger
from geourb._validate import normalize_adcode, require_columns, require_unique, to_numeric

CENSUS_2020_MAPPING: dict[str, str] = {
    "adcode": "区划代码",
    "province": "省",
    "prefecture": "市",
    "name": "区县",
    "pop_total": "人口数_合计",
    "pop_urban": "城镇人口",
    "pop_rural": "乡村人口",
    "pop_cityzone": "城区人口",
}
"""Column mapping of the 7th census county tabulation (leiii/census ``census_county_2020_v1``)."""

ID_COLUMNS = ("adcode", "province", "prefecture", "name")
COUNT_COLUMNS = ("pop_total", "pop_urban", "pop_rural", "pop_cityzone")
"""Additive columns: summed over merged units and allocated by area over split ones."""

Level = Literal["county", "prefecture", "province", "nation"]


def _additive(columns: list[str]) -> list[str]:
    return [c for c in columns if c in COUNT_COLUMNS or c.startswith(("pop_", "n_", "count_"))]


def add_rates(df: pd.DataFrame) -> pd.DataFrame:
    """(Re)compute derived rates from counts: ``urbanization_rate`` = pop_urban / pop_total (0-1)."""
    if {"pop_urban", "pop_total"} <= set(df.columns):
        total = df["pop_total"].where(df["pop_total"] > 0)
        df["urbanization_rate"] = df["pop_urban"] / total
    return df


def read_statistics(
    path: str | os.PathLike[str],
    *,
    mapping: dict[str, str],
    sheet: str | int | None = None,
    encoding: str | None = None,
    keep: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read a county statistics table (CSV in UTF-8/BOM/GBK/GB18030, or XLSX) with a column mapping.

    Parameters
    ----------
    path
        The table.
    mapping
        ``{geourb name: column in the file}``; must include ``adcode``. Names starting with
        ``pop_`` (and ``n_``/``count_``) are counts; they must be non-negative numbers.
    sheet, encoding
        See :func:`geourb.read_table`.
    keep
        Further columns of the file to keep under their own names (converted to numbers when
        they are numeric).

    Returns
    -------
    pandas.DataFrame
        Renamed columns, ``adcode`` normalised to 6-digit strings (rows without a code are kept
        with an empty code and a log line), ``urbanization_rate`` when urban and total population
        are given.
    """
    path = Path(path)
    raw = read_table(path, sheet=sheet, encoding=encoding)
    if "adcode" not in mapping:
        raise MissingColumnError(
            f"The column mapping for {path} has no 'adcode' entry; add e.g. "
            "mapping={'adcode': '区划代码', ...}."
        )
    require_columns(raw, [*mapping.values(), *keep], source=str(path))
    df = raw[[*mapping.values(), *keep]].copy()
    df.columns = [*mapping.keys(), *keep]
    df["adcode"] = normalize_adcode(df["adcode"], source=f"{path}, column {mapping['adcode']!r}")
    no_code = df["adcode"].isna()
    if no_code.any():
        logger.info("%s: %d row(s) without an administrative code (e.g. the national total) "
                    "set aside", path, no_code.sum())
    for col in df.columns:
        if col in ID_COLUMNS:
            continue
        label = f"{path}, column {mapping.get(col, col)!r}"
        if col in COUNT_COLUMNS or col.startswith(("pop_", "n_", "count_")):
            df[col] = to_numeric(df, col, source=label)
        elif col in keep and pd.api.types.is_numeric_dtype(df[col]):
            df[col] = df[col].astype(float)
    df.attrs["source"] = str(path)
    df.attrs["rows_without_code"] = int(no_code.sum())
    return add_rates(df)


_SUBTOTAL_NAMES = ("省直辖县级行政区划", "自治区直辖县级行政区划")
_PART_NAMES = ("西沙群岛", "南沙群岛", "中沙群岛的岛礁及其海域")


def classify_census_rows(codes: pd.Series, names: pd.Series | None = None) -> pd.Series:
    """Label census rows: nation, province, prefecture, subtotal, part, county or zone.

    - no code and named 全国: the national total (``nation``);
    - a code ending in 0000: a province total; a code ending in 00 whose first four digits
      other rows share: a prefecture total. A code ending in 00 without such rows is a
      county-level unit itself (东莞 441900, 中山 442000, 儋州 460400, 嘉峪关 620200, 三沙 460300);
    - no code and named 省直辖县级行政区划 / 自治区直辖县级行政区划: a ``subtotal``;
    - 西沙群岛, 南沙群岛, 中沙群岛...: ``part`` of 三沙市, whose own row is their total;
    - a county part of the code from 70 to 79 (130171 石家庄高新技术产业开发区), or no code
      with any other name: a functional ``zone`` (开发区, 新区, 管理区) without an
      administrative boundary;
    - everything else: ``county``.
    """
    codes = codes.astype("string")
    names = pd.Series("", index=codes.index) if names is None else names.astype("string").fillna("")
    present = codes.dropna()
    children = set(present[~present.str.endswith("00")].str[:4])
    no_code = codes.isna().to_numpy()
    ends00 = codes.str.endswith("00").fillna(False).to_numpy(dtype=bool)
    has_children = codes.str[:4].isin(children).fillna(False).to_numpy(dtype=bool)
    county_part = pd.to_numeric(codes.str[4:6], errors="coerce").fillna(0).to_numpy()
    level = np.full(len(codes), "county", dtype=object)
    level[(county_part >= 70) & (county_part < 80) & ~ends00] = "zone"
    level[ends00 & has_children] = "prefecture"
    level[codes.str.endswith("0000").fillna(False).to_numpy(dtype=bool)] = "province"
    level[no_code] = "zone"
    level[no_code & names.isin(_SUBTOTAL_NAMES).to_numpy()] = "subtotal"
    level[no_code & names.isin(_PART_NAMES).to_numpy()] = "part"
    level[no_code & (names == "全国").to_numpy()] = "nation"
    return pd.Series(level, index=codes.index, name="level")


def read_census_2020(
    path: str | os.PathLike[str] | None = None,
    *,
    level: Level = "county",
    keep: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read the 7th national census (2020) county tabulation.

    Parameters
    ----------
    path
        The XLSX (``census_county_2020_v1.xlsx``); default: the registered source
        ``census_2020`` from a mirror or ``data/raw`` (see ``geourb data fetch census_2020``).
    level
        Which rows to return. The file mixes the national total, province and prefecture totals,
        subtotals, county-level units and functional zones; they are told apart explicitly
        (:func:`classify_census_rows`). ``"county"`` returns the county-level units *and* the
        functional zones (开发区/新区 with their own population but no boundary; column
        ``level`` says which), so that :func:`join_statistics` can allocate the zones to their
        host prefecture instead of losing their population. Prefecture rows carry the
        prefecture's city-zone population (城区人口), which district rows leave empty.
    keep
        Further census columns to keep (e.g. ``['家庭户数']``).

    Returns
    -------
    pandas.DataFrame
        ``adcode`` (empty for uncoded zones), ``province``, ``prefecture``, ``name``,
        ``pop_total``, ``pop_urban``, ``pop_rural``, ``pop_cityzone``, ``urbanization_rate``
        (0-1) and ``level``.
    """
    from geourb.sources import resolve

    if level not in {"county", "prefecture", "province", "nation"}:
        raise InvalidValueError(f"level must be county, prefecture, province or nation, not {level!r}.")
    src = resolve(path, "census_2020")
    df = read_statistics(src, mapping=CENSUS_2020_MAPPING, keep=keep)
    df["level"] = classify_census_rows(df["adcode"], df["name"]).to_numpy()
    counts = df["level"].value_counts().to_dict()
    logger.info("census 2020 rows by kind: %s; returning %r", counts, level)
    wanted = {"county": ("county", "zone")}.get(level, (level,))
    out = df[df["level"].isin(wanted)].reset_index(drop=True)
    require_unique(out["adcode"], what="adcodes", source=str(src))
    out.attrs.update(source=str(src), rows_by_level=counts)
    return out


def load_crosswalk(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return the code crosswalk (old_adcode -> new_adcode, relation recode/merge/split, note).

    The built-in table lists real county-level changes since the 2020 census (杭州 2021,
    三明 2021, 漳州 2021, 洛阳 2021, 毕节 黔西 2021, 南通 2020, 芜湖 2020, 三沙 2020, ...).
    """
    if path is None:
        text = resources.files("geourb").joinpath("data/crosswalk_2020.csv")
        with resources.as_file(text) as p:
            cw = pd.read_csv(p, dtype=str)
    else:
        cw = read_table(path, dtype=str)
    require_columns(cw, ["old_adcode", "new_adcode", "relation"], source=str(path or "crosswalk"))
    bad = set(cw["relation"]) - {"recode", "merge", "split"}
    if bad:
        raise InvalidValueError(f"Crosswalk relation must be recode, merge or split; found {sorted(bad)}.")
    cw["old_adcode"] = normalize_adcode(cw["old_adcode"], source="crosswalk old_adcode")
    cw["new_adcode"] = normalize_adcode(cw["new_adcode"], source="crosswalk new_adcode")
    return cw


@dataclass
class JoinReport:
    """What a statistics join matched, and how, and what it did not match on each side."""

    n_layer: int
    n_table: int
    n_outside_layer: int = 0
    matched_by_code: list[str] = field(default_factory=list)
    by_crosswalk: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_name: pd.DataFrame = field(default_factory=pd.DataFrame)
    unmatched_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    unmatched_layer: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_zone: pd.DataFrame = field(default_factory=pd.DataFrame)

    def summary(self) -> dict[str, int]:
        """Counts of each outcome."""
        return {
            "layer_units": self.n_layer,
            "table_rows": self.n_table,
            "table_rows_outside_layer": self.n_outside_layer,
            "matched_by_code": len(self.matched_by_code),
            "code_matches_adjusted_by_crosswalk": len(
                set(self.matched_by_code) & set(self.by_crosswalk.get("new_adcode", []))),
            "layer_units_by_crosswalk": int(self.by_crosswalk["new_adcode"].nunique())
            if len(self.by_crosswalk) else 0,
            "table_rows_by_crosswalk": int(self.by_crosswalk["old_adcode"].nunique())
            if len(self.by_crosswalk) else 0,
            "matched_by_name": len(self.by_name),
            "zones_allocated": len(self.by_zone),
            "unmatched_table_rows": len(self.unmatched_table),
            "unmatched_layer_units": len(self.unmatched_layer),
        }

    def __str__(self) -> str:
        lines = [f"{k}: {v}" for k, v in self.summary().items()]
        if len(self.unmatched_table):
            reasons = self.unmatched_table["reason"].value_counts()
            lines += [f"  table rows unmatched, {r}: {n}" for r, n in reasons.items()]
        if len(self.unmatched_layer):
            reasons = self.unmatched_layer["reason"].value_counts()
            lines += [f"  layer units unmatched, {r}: {n}" for r, n in reasons.items()]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per table row or layer unit that did not match by code, with how and why."""
        parts = []
        if len(self.by_crosswalk):
            parts.append(self.by_crosswalk.assign(outcome="crosswalk"))
        if len(self.by_name):
            parts.append(self.by_name.assign(outcome="name"))
        if len(self.by_zone):
            parts.append(self.by_zone.assign(outcome="functional_zone_allocated"))
        if len(self.unmatched_table):
            parts.append(self.unmatched_table.assign(outcome="unmatched_table_row"))
        if len(self.unmatched_layer):
            parts.append(self.unmatched_layer.assign(outcome="unmatched_layer_unit"))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


_OUTSIDE_CENSUS = {"71": "Taiwan: not covered by the mainland census",
                   "81": "Hong Kong: not covered by the mainland census",
                   "82": "Macao: not covered by the mainland census"}


def _table_reason(code: str) -> str:
    if code in {"232762", "232763", "232764"}:
        return "大兴安岭 district (松岭/新林/呼中) with no separate unit in the boundary layer"
    if code[4:6].isdigit() and 70 <= int(code[4:6]) < 80:
        return "functional zone (开发区/新区/管理区) with no administrative boundary"
    return "no unit with this code, crosswalk entry or name in the layer"


def _layer_reason(code: str) -> str:
    if code[:2] in _OUTSIDE_CENSUS:
        return _OUTSIDE_CENSUS[code[:2]]
    if code == "350527":
        return "金门县: administered from Taiwan, not covered by the mainland census"
    return "no table row with this code, crosswalk entry or name"


def _norm_name(name: object) -> str:
    return re.sub(r"\s+", "", str(name)) if isinstance(name, str) else ""


def _zone_points(zone_points: gpd.GeoDataFrame | str | None) -> gpd.GeoDataFrame | None:
    if zone_points is None or isinstance(zone_points, gpd.GeoDataFrame):
        return zone_points
    from geourb._errors import DataFileNotFoundError, OfflineError
    from geourb.parks import read_parks
    from geourb.settings import settings

    name = "development_zones_2018" if zone_points == "auto" else zone_points
    try:
        with settings.context(offline=True):
            return read_parks(name)
    except (DataFileNotFoundError, OfflineError) as exc:
        if zone_points != "auto":
            raise
        logger.info("no development-zone catalogue available locally (%s): functional zones go to "
                    "prefecture seat districts", exc)
        return None


def join_statistics(
    layer: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    columns: list[str] | None = None,
    crosswalk: bool | pd.DataFrame = True,
    by_name: bool = True,
    functional_zones: Literal["allocate", "report"] = "allocate",
    zone_points: gpd.GeoDataFrame | str | None = "auto",
) -> tuple[gpd.GeoDataFrame, JoinReport]:
    """Join a county statistics table to the county layer by adcode, crosswalk and name.

    Parameters
    ----------
    layer
        County layer from :func:`geourb.load_counties` (``adcode``, ``name``, ``prefecture``,
        ``area_km2``).
    table
        Statistics with a 6-digit ``adcode`` column (see :func:`read_statistics`).
    columns
        Value columns to join (default: every column but the identifiers).
    crosswalk
        ``True`` for the built-in crosswalk, a DataFrame for your own, ``False`` for none.
        Merges sum additive columns (``pop_*``); splits allocate them by area share and the
        unit's ``join_method`` says ``crosswalk_split_by_area``. Non-additive columns of merged
        or split units are left empty.
    by_name
        Match remaining rows by county name within the same prefecture (then province).
    functional_zones
        Rows with ``level == "zone"`` (functional zones such as 开发区 with their own census
        population but no boundary). ``"allocate"`` adds their additive counts to ONE host
        county: the county containing the geocoded development zone of the same name when it
        lies in the zone's prefecture (``placed_by = "park_point"``), else the prefecture's seat
        district (``"prefecture_seat_district"``); ``zone_pop_allocated`` records the amount per
        county and the report lists every zone with its host. ``"report"`` leaves them
        unmatched, listed in the report.
    zone_points
        Points with a ``name`` for placing zones: a GeoDataFrame, a path or registered source
        name for :func:`geourb.parks.read_parks`, ``"auto"`` (default: the registered 2018
        development-zone catalogue if it is available locally, never downloaded) or ``None``.

    Returns
    -------
    (geopandas.GeoDataFrame, JoinReport)
        The layer with the value columns, ``join_method`` (code, crosswalk_recode,
        crosswalk_merge, crosswalk_split_by_area, name, or none) and recomputed rates; and the
        report.
    """
    require_columns(layer, ["adcode", "name"], source="county layer")
    require_columns(table, ["adcode"], source="statistics table")
    if functional_zones not in {"allocate", "report"}:
        raise InvalidValueError(f"functional_zones must be 'allocate' or 'report', not {functional_zones!r}.")
    is_zone = (table["level"] == "zone") if "level" in table else pd.Series(False, index=table.index)
    # rows of prefectures the layer does not cover are out of scope (counted, not "unmatched")
    prefixes = set(layer["adcode"].str[:4])
    if "prefecture_adcode" in layer:
        prefixes |= set(layer["prefecture_adcode"].str[:4])
    names_in = set(zip(layer.get("province", pd.Series(dtype=str)).map(_norm_name),
                       layer.get("prefecture", pd.Series(dtype=str)).map(_norm_name), strict=True))
    coded_in = table["adcode"].str[:4].isin(prefixes).fillna(False).astype(bool)
    named_in = pd.Series([(_norm_name(p), _norm_name(q)) in names_in for p, q in
                          zip(table.get("province", pd.Series("", index=table.index)),
                              table.get("prefecture", pd.Series("", index=table.index)), strict=True)],
                         index=table.index)
    in_scope = coded_in | named_in
    n_outside = int((~in_scope).sum())
    if n_outside:
        logger.info("%d table rows lie in prefectures the layer does not cover (out of scope)", n_outside)
    table = table[in_scope]
    is_zone = is_zone[in_scope]
    zones = table[is_zone]
    no_code = table[~is_zone & table["adcode"].isna()]
    tab = table[~is_zone & table["adcode"].notna()].copy()
    require_unique(tab["adcode"], what="adcodes", source=table.attrs.get("source", "statistics table"))
    tab = tab.set_index("adcode", drop=False)
    values = columns or [c for c in tab.columns if c not in (*ID_COLUMNS, "level", "urbanization_rate")]
    missing = [c for c in values if c not in tab.columns]
    if missing:
        raise MissingColumnError(f"Statistics table has no column(s) {missing}; available: {list(tab.columns)}.")
    additive = _additive(values)
    out = layer.copy()
    result = pd.DataFrame(np.nan, index=out.index, columns=values, dtype=object)
    method = pd.Series("none", index=out.index, dtype=object)
    layer_codes = pd.Series(out["adcode"].to_numpy(), index=out.index)
    code_to_idx = dict(zip(layer_codes, out.index, strict=True))
    table_codes = set(tab.index)
    used: set[str] = set()

    # 1. crosswalk (applied first: its target units take values only from it)
    cw_rows = pd.DataFrame()
    if crosswalk is not False:
        cw = load_crosswalk() if crosswalk is True else crosswalk
        cw = cw[cw["old_adcode"].isin(table_codes) & cw["new_adcode"].isin(code_to_idx)]
        old_codes = set(cw["old_adcode"])
        # a table already in the new vintage holds a target directly: skip that group
        newer = {o for o, grp in cw.groupby("old_adcode")
                 if any(t in table_codes and t not in old_codes for t in grp["new_adcode"])}
        cw = cw[~cw["old_adcode"].isin(newer)].copy()
        if len(cw):
            area = pd.Series(out["area_km2"].to_numpy() if "area_km2" in out else 1.0,
                             index=out["adcode"].to_numpy())
            cw["share"] = 1.0
            split = cw["relation"] == "split"
            tot = cw[split].groupby("old_adcode")["new_adcode"].transform(lambda s: area[s].sum())
            cw.loc[split, "share"] = area[cw.loc[split, "new_adcode"]].to_numpy() / tot.to_numpy()
            for new, grp in cw.groupby("new_adcode"):
                idx = code_to_idx[new]
                contrib = tab.loc[grp["old_adcode"], additive].astype(float)
                result.loc[idx, additive] = (contrib.mul(grp["share"].to_numpy(), axis=0)).sum(min_count=1)
                if len(grp) == 1 and grp["relation"].iloc[0] == "recode":
                    other = [c for c in values if c not in additive]
                    result.loc[idx, other] = tab.loc[grp["old_adcode"].iloc[0], other].to_numpy()
                rel = "split_by_area" if (grp["relation"] == "split").any() else grp["relation"].iloc[-1]
                if len(grp) > 1 and rel != "split_by_area":
                    rel = "merge"
                method[idx] = f"crosswalk_{rel}"
            used |= set(cw["old_adcode"])
            cw_rows = cw[["old_adcode", "old_name", "new_adcode", "new_name", "relation", "share", "note"]]
    cw_targets = set(cw_rows["new_adcode"]) if len(cw_rows) else set()

    # 2. direct code matches
    direct = [c for c in layer_codes if c in table_codes and c not in used and c not in cw_targets]
    for code in direct:
        result.loc[code_to_idx[code], values] = tab.loc[code, values].to_numpy()
        method[code_to_idx[code]] = "code"
    used |= set(direct)

    # 3. names within the same prefecture, then unique within the province
    name_rows = []
    if by_name and {"name"} <= set(tab.columns):
        free_layer = out[method == "none"]
        for code, row in tab[~tab.index.isin(used)].iterrows():
            name = _norm_name(row.get("name"))
            if not name:
                continue
            cand = free_layer[free_layer["name"].map(_norm_name) == name]
            if "prefecture" in row and len(cand) > 1:
                cand = cand[cand["prefecture"].map(_norm_name) == _norm_name(row["prefecture"])]
            cand = cand[cand["adcode"].str[:2] == code[:2]]
            if len(cand) == 1:
                idx = cand.index[0]
                result.loc[idx, values] = tab.loc[code, values].to_numpy()
                method[idx] = "name"
                used.add(code)
                free_layer = free_layer.drop(idx)
                name_rows.append({"old_adcode": code, "old_name": row.get("name"),
                                  "new_adcode": cand["adcode"].iloc[0], "new_name": cand["name"].iloc[0]})

    # 4. functional zones: each placed in one host county (park point, else seat district)
    zone_rows, zone_unmatched = [], []
    zone_alloc = pd.Series(0.0, index=out.index)
    if len(zones) and functional_zones == "allocate" and additive:
        from geourb._zones import locate_zones

        base = result[additive].apply(pd.to_numeric, errors="coerce")
        weight_col = "pop_total" if "pop_total" in additive else additive[0]
        hosts = locate_zones(zones, out[method != "none"], _zone_points(zone_points))
        idx_of = dict(zip(out["adcode"], out.index, strict=True))
        for zid, z in zones.iterrows():
            host = hosts.loc[zid, "host_adcode"]
            if pd.isna(host):
                zone_unmatched.append(z)
                continue
            target = idx_of[host]
            vals = pd.to_numeric(pd.Series([z.get(c) for c in additive], index=additive), errors="coerce")
            for col in additive:
                if pd.notna(vals[col]):
                    base.loc[target, col] = (0.0 if pd.isna(base.loc[target, col]) else base.loc[target, col]) \
                        + vals[col]
            zone_alloc[target] += vals[weight_col] if pd.notna(vals[weight_col]) else 0.0
            zone_rows.append({"old_adcode": z.get("adcode"), "old_name": z.get("name"),
                              "prefecture": z.get("prefecture"), weight_col: vals[weight_col],
                              "new_adcode": host, "new_name": out.loc[target, "name"],
                              "placed_by": hosts.loc[zid, "method"]})
        result[additive] = base
        out["zone_pop_allocated"] = zone_alloc
        logger.info("placed %d functional zones (%.0f people) in host counties", len(zone_rows), zone_alloc.sum())
    elif len(zones):
        zone_unmatched = [z for _, z in zones.iterrows()]

    for col in values:
        converted = pd.to_numeric(result[col], errors="coerce")
        out[col] = converted if converted.notna().sum() == result[col].notna().sum() else result[col]
    out["join_method"] = method
    out = add_rates(out)

    un_t = tab[~tab.index.isin(used)]
    unmatched_table = pd.DataFrame({
        "adcode": un_t.index,
        "name": un_t["name"].to_numpy() if "name" in un_t else None,
        "prefecture": un_t["prefecture"].to_numpy() if "prefecture" in un_t else None,
        "reason": [_table_reason(c) for c in un_t.index],
    })
    for col in additive[:1]:
        unmatched_table[col] = un_t[col].to_numpy()
    extra = [pd.DataFrame({"adcode": [z.get("adcode") for z in zone_unmatched],
                           "name": [z.get("name") for z in zone_unmatched],
                           "prefecture": [z.get("prefecture") for z in zone_unmatched],
                           "reason": "functional zone (开发区/新区/管理区) with no administrative "
                                     "boundary" + (": host prefecture not found"
                                                   if functional_zones == "allocate" else ""),
                           **{c: [z.get(c) for z in zone_unmatched] for c in additive[:1]}}),
             pd.DataFrame({"adcode": no_code["adcode"].to_numpy(),
                           "name": no_code["name"].to_numpy() if "name" in no_code else None,
                           "prefecture": no_code["prefecture"].to_numpy() if "prefecture" in no_code else None,
                           "reason": "row has no administrative code (a total or subtotal?)",
                           **{c: no_code[c].to_numpy() for c in additive[:1]}})]
    unmatched_table = pd.concat([unmatched_table, *[e for e in extra if len(e)]], ignore_index=True)
    un_l = out[method == "none"]
    unmatched_layer = pd.DataFrame({"adcode": un_l["adcode"].to_numpy(), "name": un_l["name"].to_numpy(),
                                    "reason": [_layer_reason(c) for c in un_l["adcode"]]})
    same_code = [c for c in layer_codes if c in table_codes]
    report = JoinReport(n_layer=len(out), n_table=len(table), n_outside_layer=n_outside,
                        matched_by_code=same_code,
                        by_crosswalk=cw_rows, by_name=pd.DataFrame(name_rows),
                        unmatched_table=unmatched_table, unmatched_layer=unmatched_layer,
                        by_zone=pd.DataFrame(zone_rows))
    logger.info("statistics join: %s", report.summary())
    return out, report


def national_urbanization_rate(layer: pd.DataFrame) -> float:
    """Population-weighted urbanization rate of the units in ``layer`` (sum urban / sum total)."""
    require_columns(layer, ["pop_total", "pop_urban"], source="county layer")
    total = float(layer["pop_total"].sum())
    if total <= 0:
        raise InvalidValueError("The county layer has no population (pop_total sums to 0): join the census first.")
    return float(layer["pop_urban"].sum()) / total
