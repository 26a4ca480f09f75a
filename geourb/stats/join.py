"""Joining a statistics table of any vintage to today's county layer.

Order: the crosswalk of the table's vintage (merges summed, splits allocated by area and flagged),
then codes, then names within the prefecture (the prefecture resolved through the crosswalk, or from
the prefecture total row above), then functional zones (开发区/新区/管理区 rows, by code range or name)
placed in one host county. Every table row lands in the :class:`JoinReport`.
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._deprecate import renamed_keywords
from geourb._errors import DuplicateKeyError, InvalidValueError, MissingColumnError, UnknownNameError, suggest
from geourb._log import logger
from geourb._validate import require_columns, require_unique
from geourb.stats.census import ZONE_PATTERN, classify_census_rows
from geourb.stats.crosswalk import (
    check_vintage,
    crosswalk_2010,
    detect_vintage,
    load_crosswalk,
    prefecture_map,
    prefecture_names,
)
from geourb.stats.names import _norm_name, base_name
from geourb.stats.read import COUNT_COLUMNS, ID_COLUMNS, add_rates
from geourb.stats.report import JoinReport, _layer_reason, _table_reason

_TOTAL_LEVELS = ("nation", "province", "prefecture", "subtotal", "part")


def _additive(columns: list[str]) -> list[str]:
    return [c for c in columns if c in COUNT_COLUMNS or c.startswith(("pop_", "n_", "count_"))]


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


def _classify(table: pd.DataFrame, layer: gpd.GeoDataFrame) -> pd.Series:
    """Row kinds of any table: totals (nation/province/prefecture/subtotal/part), county, zone."""
    codes = table["adcode"].astype("string")
    names = table["name"] if "name" in table else pd.Series(pd.NA, index=table.index)
    level = classify_census_rows(codes, names)
    if "level" in table:  # a reader already classified its rows (read_census_2020)
        level = table["level"].astype(object)
    no_code = codes.isna()
    norm = names.map(_norm_name)
    # uncoded rows: a layer province or prefecture name is a total; other names are tried as counties
    # first, then as functional zones
    provs = set(layer["province"].map(_norm_name)) if "province" in layer else set()
    from geourb._names import short_name

    provs |= {short_name(p) for p in provs}
    prefs = set(layer["prefecture"].map(_norm_name)) if "prefecture" in layer else set()
    prefs |= set(prefecture_names(None))
    counties = set(layer["name"].map(_norm_name))
    # uncoded rows are tried as counties by name first (加格达奇, 平桂管理区 -> 平桂区); those named like
    # a functional zone that match nothing become zones
    guess = no_code & level.isin(["zone"]) if "level" not in table else pd.Series(False, index=table.index)
    level[guess] = "county"
    level[no_code & norm.isin(provs)] = "province"
    level[no_code & norm.isin(prefs) & ~norm.isin(counties)] = "prefecture"
    return level


def _context_prefixes(table: pd.DataFrame, level: pd.Series, layer: gpd.GeoDataFrame,
                      vintage: int | None) -> pd.Series:
    """Today's prefecture code prefixes (4 digits) each row belongs to, as a tuple per row.

    From the row's own code (old prefectures through the crosswalk), else its ``prefecture``
    column, else the prefecture total row above it (yearbook and census layout).
    """
    pmap = prefecture_map(vintage)
    pnames = prefecture_names(vintage)
    layer_pref = layer.drop_duplicates("prefecture")[["prefecture", "prefecture_adcode"]]
    by_name: dict[str, set[str]] = {}
    for name, code in zip(layer_pref["prefecture"], layer_pref["prefecture_adcode"], strict=True):
        for key in {_norm_name(name), base_name(name)}:
            by_name.setdefault(key, set()).add(str(code)[:4])
    for name, codes in pnames.items():
        for key in {_norm_name(name), base_name(name)}:
            by_name.setdefault(key, set()).update(c[:4] for c in codes)
    layer_prefixes = set(layer["adcode"].str[:4])
    moved: dict[str, set[str]] = {}
    for cw in (crosswalk_2010(), load_crosswalk()):
        for o, n in zip(cw["old_adcode"], cw["new_adcode"], strict=True):
            moved.setdefault(str(o), set()).add(str(n)[:4])

    def from_code(code: str) -> tuple[str, ...]:
        if code in moved:
            return tuple(sorted(moved[code]))
        old = code[:4] + "00"
        if old in pmap:
            return tuple(sorted({c[:4] for c in pmap[old]}))
        return (code[:4],) if code[:4] in layer_prefixes else ()

    out: list[tuple[str, ...]] = []
    current: tuple[str, ...] = ()
    for idx in table.index:
        code = table.at[idx, "adcode"]
        lev = level[idx]
        own: tuple[str, ...] = ()
        if isinstance(code, str):
            own = from_code(code)
            if lev == "province":
                current = ()
                own = ()
        if not own and "prefecture" in table and _norm_name(table.at[idx, "prefecture"]):
            p = _norm_name(table.at[idx, "prefecture"])
            own = tuple(sorted(by_name.get(p, by_name.get(base_name(p), set()))))
        if lev == "prefecture":
            if not own and "name" in table:
                n = _norm_name(table.at[idx, "name"])
                own = tuple(sorted(by_name.get(n, by_name.get(base_name(n), set()))))
            # keep the prefix of a prefecture outside the layer: its uncoded rows are out of scope
            current = own or ((code[:4],) if isinstance(code, str) else ())
        elif lev == "province":
            current = ()
        out.append(own or current)
    return pd.Series(out, index=table.index, dtype=object)


def _mixed_vintages(tab: pd.DataFrame, cw: pd.DataFrame, vintage: int, source: str) -> None:
    """Raise when the table holds an old code and the new code that replaced it later."""
    valid_old = set(cw["old_adcode"])
    codes = set(tab.index)
    changed = cw[(cw["old_adcode"] != cw["new_adcode"]) & cw["old_adcode"].isin(codes)]
    clash = changed[changed["new_adcode"].isin(codes) & ~changed["new_adcode"].isin(valid_old)]
    clash = clash[clash["relation"] != "split"]
    if len(clash):
        full = crosswalk_2010()
        born = full.groupby("old_adcode")["valid_from"].min()
        clash = clash[pd.Series([born.get(c, 9999) > vintage for c in clash["new_adcode"]],
                                index=clash.index, dtype=bool)]
    if len(clash):
        rows = tab["source_row"] if "source_row" in tab else pd.Series(tab.index, index=tab.index)
        pairs = "; ".join(
            f"row {rows.get(o, '?')} {o} {tab.at[o, 'name'] if 'name' in tab else ''} (code of {vintage}) and "
            f"row {rows.get(n, '?')} {n} {tab.at[n, 'name'] if 'name' in tab else ''} (its later code)"
            for o, n in list(zip(clash["old_adcode"], clash["new_adcode"], strict=True))[:5])
        raise InvalidValueError(
            f"{source} mixes code vintages: {pairs}. Use one year's codes, or drop one of each pair; pass "
            "vintage=... to say which year the codes are from.")


def _codes_from_old_names(table: pd.DataFrame, level: pd.Series, prefixes_of: pd.Series,
                          layer: gpd.GeoDataFrame, vintage: int | None) -> pd.DataFrame:
    """Give uncoded rows named like a former unit (三山区, 芜湖县 in a 2020 table) its old code.

    Only names that no longer exist in the row's prefecture count; the other members of the same
    merge (弋江区 with 三山区) then get their old codes too, so the crosswalk sums the group.
    """
    cws = [load_crosswalk(vintage=vintage if vintage and vintage >= 2020 else None)]
    if vintage is None or vintage < 2020:
        cws.append(crosswalk_2010() if vintage is None else load_crosswalk(vintage=vintage))
    cw = pd.concat([c[["old_adcode", "old_name", "new_adcode", "relation"]] for c in cws], ignore_index=True)
    cw = cw[cw["old_name"].astype(str) != ""].drop_duplicates()
    cw["_base"] = cw["old_name"].map(base_name)
    current = {(a[:4], base_name(n)) for a, n in zip(layer["adcode"], layer["name"], strict=True)}
    rows = table.index[table["adcode"].isna() & (level == "county")]
    if "name" not in table or not len(rows):
        return cw.iloc[:0]
    found: dict[object, tuple[str, str]] = {}
    for rid in rows:
        b = base_name(table.at[rid, "name"])
        pref = set(prefixes_of[rid])
        if not b or not pref:
            continue
        hit = cw[(cw["_base"] == b) & (cw["new_adcode"].str[:4].isin(pref) | cw["old_adcode"].str[:4].isin(pref))]
        if hit["old_adcode"].nunique() == 1 or (len(hit) and hit["new_adcode"].nunique() == 1):
            found[rid] = (hit["old_adcode"].iloc[0], hit["new_adcode"].iloc[0])
    old_only = {rid: v for rid, v in found.items()
                if not any((p, base_name(table.at[rid, "name"])) in current for p in prefixes_of[rid])}
    groups = {new for _, new in old_only.values()}
    chosen = {rid: old for rid, (old, new) in found.items() if rid in old_only or new in groups}
    if chosen:
        table.loc[list(chosen), "adcode"] = pd.Series(chosen, dtype="string")
        logger.info("%d uncoded row(s) named like former units got their old codes for the crosswalk: %s",
                    len(chosen), [table.at[r, "name"] for r in list(chosen)[:8]])
    return cw[cw["old_adcode"].isin(set(chosen.values()))].drop(columns="_base")


@renamed_keywords(layer="counties")
def join_statistics(
    counties: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    columns: list[str] | None = None,
    crosswalk: bool | pd.DataFrame = True,
    by_name: bool = True,
    functional_zones: Literal["allocate", "report"] = "allocate",
    zone_points: gpd.GeoDataFrame | str | None = "auto",
    vintage: int | None = None,
    province: str | list[str] | None = None,
    prefecture: str | list[str] | None = None,
) -> tuple[gpd.GeoDataFrame, JoinReport]:
    """Join a county statistics table of any vintage to the county layer.

    Parameters
    ----------
    counties
        County layer from :func:`geourb.load_counties` (``adcode``, ``name``, ``prefecture``,
        ``area_km2``).
    table
        Statistics with a 6-digit ``adcode`` column and/or a ``name`` column (see
        :func:`read_statistics`). Total rows (nation, province, prefecture, 市辖区 ...) are set
        aside and listed in the report.
    columns
        Value columns to join (default: every column but the identifiers).
    crosswalk
        ``True`` for the built-in crosswalk of the table's vintage, a DataFrame for your own,
        ``False`` for none. Merges sum additive columns (``pop_*``); splits allocate them by area
        share and the unit's ``join_method`` says ``crosswalk_split_by_area``. Non-additive columns
        of merged or split units are left empty.
    by_name
        Match remaining rows by name within their prefecture (resolved through the crosswalk, the
        table's ``prefecture`` column or the prefecture total row above), exact or by base name
        (县/区/市/旗 stripped), then within the province.
    functional_zones
        Functional zones (开发区/新区/管理区 rows: county code part 70-79, or uncoded names ending
        in 开发区/新区/工业园区/高新区/管理区 ... that match no unit). ``"allocate"`` adds their
        additive counts to ONE host county: the county containing the geocoded development zone
        of the same name in the zone's prefecture (``placed_by = "park_point"``), else the
        prefecture's seat district; ``zone_pop_allocated`` records the amount per county.
        ``"report"`` leaves them unmatched, listed in the report.
    zone_points
        Points with a ``name`` for placing zones: a GeoDataFrame, a path or registered source
        name for :func:`geourb.parks.read_parks`, ``"auto"`` (default: the registered 2018
        development-zone catalogue if it is available locally, never downloaded) or ``None``.
    vintage
        Year of the table's codes (e.g. ``2010``); default: detected from the codes (codes that
        changed since 2009 are evidence). 2020 and later use the changes since the 2020 census.
    province, prefecture
        Restrict the layer (and so name matching) to these provinces / prefectures.

    Returns
    -------
    (geopandas.GeoDataFrame, JoinReport)
        The layer with the value columns, ``join_method`` (code, crosswalk_recode,
        crosswalk_merge, crosswalk_split_by_area, name, or none) and recomputed rates; and the
        report.

    Raises
    ------
    InvalidValueError
        A vintage outside 2009-2025, or a table mixing codes of two vintages for one place.
    DuplicateKeyError
        Repeated codes, or a name that fits several units in its scope (two 朝阳区).
    UnknownNameError
        A table of names only (no codes) with names that match nothing in the scope (with
        suggestions).
    """
    require_columns(counties, ["adcode", "name"], source="county layer")
    source = table.attrs.get("source", "statistics table")
    if "adcode" not in table and "name" not in table:
        raise MissingColumnError(f"{source} has neither 'adcode' nor 'name'; read it with "
                                 "read_statistics(mapping={'adcode': '<your column>', ...}).")
    if functional_zones not in {"allocate", "report"}:
        raise InvalidValueError(f"functional_zones must be 'allocate' or 'report', not {functional_zones!r}.")
    check_vintage(vintage)
    if province is None and prefecture is None:  # the scope given to read_statistics
        province, prefecture = table.attrs.get("province"), table.attrs.get("prefecture")
    if province is not None or prefecture is not None:
        from geourb.counties import filter_layer

        counties = filter_layer(counties, province=province, prefecture=prefecture)
    table = table.copy()
    if "adcode" not in table:
        table["adcode"] = pd.Series(pd.NA, index=table.index, dtype="string")
    names_only = table["adcode"].isna().all()
    level = _classify(table, counties)
    table_codes_all = set(table["adcode"].dropna())
    if vintage is None and crosswalk is True:
        vintage = detect_vintage(table["adcode"], set(counties["adcode"]), table.get("name"))
    prefixes_of = _context_prefixes(table, level, counties, vintage)
    extra_cw = None
    if crosswalk is True and table["adcode"].isna().any() and "name" in table:
        extra_cw = _codes_from_old_names(table, level, prefixes_of, counties, vintage)

    # rows of prefectures the layer does not cover are out of scope (counted, not "unmatched")
    layer_prefixes = set(counties["adcode"].str[:4])
    in_scope = pd.Series([bool(set(p) & layer_prefixes) or (not p and (names_only or not isinstance(c, str)))
                          for p, c in zip(prefixes_of, table["adcode"], strict=True)], index=table.index)
    if "province" in table and "province" in counties:
        from geourb._names import short_name

        provs = {short_name(_norm_name(p)) for p in counties["province"]}
        named = table["province"].map(_norm_name)
        in_scope &= named.eq("") | named.map(lambda p: short_name(p) if p else p).isin(provs)
    n_outside = int((~in_scope).sum())
    if n_outside:
        logger.info("%d table rows lie in prefectures the layer does not cover (out of scope)", n_outside)
    is_total = level.isin(_TOTAL_LEVELS)
    provinces_in = set(counties["adcode"].str[:2])
    in_scope |= is_total & (level == "province") & table["adcode"].str[:2].isin(provinces_in).fillna(False)
    n_outside = int((~in_scope).sum())
    outside = table[~in_scope]
    outside = pd.DataFrame({"adcode": outside["adcode"].to_numpy(),
                            "name": outside["name"].to_numpy() if "name" in outside else None,
                            "level": level[outside.index].to_numpy(),
                            "reason": "in a prefecture or province the layer does not cover"})
    value_cols = [c for c in table.columns if c not in (*ID_COLUMNS, "level", "urbanization_rate", "source_row")]
    values = columns or value_cols
    missing = [c for c in values if c not in table.columns]
    if missing:
        raise MissingColumnError(f"Statistics table has no column(s) {missing}; available: {value_cols}.")
    additive = _additive(values)
    set_aside = table[is_total & in_scope]
    sa = pd.DataFrame({"adcode": set_aside["adcode"].to_numpy(),
                       "name": set_aside["name"].to_numpy() if "name" in set_aside else None,
                       "level": level[set_aside.index].to_numpy(),
                       "reason": "total or subtotal row (not a county-level unit)"})
    for col in additive[:1]:
        sa[col] = set_aside[col].to_numpy()
    work = table[~is_total & in_scope]
    zone_rows_idx = level[work.index] == "zone"
    table_total = {c: float(pd.to_numeric(work[c], errors="coerce").sum()) for c in additive}

    out = counties.copy()
    result = pd.DataFrame(np.nan, index=out.index, columns=values, dtype=object)
    method = pd.Series("none", index=out.index, dtype=object)
    layer_codes = pd.Series(out["adcode"].to_numpy(), index=out.index)
    code_to_idx = dict(zip(layer_codes, out.index, strict=True))
    coded = work[~zone_rows_idx & work["adcode"].notna()].copy()
    require_unique(coded["adcode"], what="adcodes", source=source)
    tab = coded.set_index("adcode", drop=False)
    table_codes = set(tab.index)
    used: set[str] = set()

    # 1. crosswalk (applied first: its target units take values only from it)
    cw_rows = pd.DataFrame()
    if crosswalk is not False and len(tab):
        cw = load_crosswalk(vintage=vintage) if crosswalk is True else crosswalk
        if extra_cw is not None and len(extra_cw):
            cw = pd.concat([cw, extra_cw], ignore_index=True).drop_duplicates(["old_adcode", "new_adcode"])
        if crosswalk is True and vintage is not None and vintage < 2020:
            _mixed_vintages(tab, cw, vintage, source)
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
            cols = [c for c in ("old_adcode", "old_name", "new_adcode", "new_name", "relation", "share", "note")
                    if c in cw]
            cw_rows = cw[cols]
    cw_targets = set(cw_rows["new_adcode"]) if len(cw_rows) else set()

    # 2. direct code matches
    direct = [c for c in layer_codes if c in table_codes and c not in used and c not in cw_targets]
    for code in direct:
        result.loc[code_to_idx[code], values] = tab.loc[code, values].to_numpy()
        method[code_to_idx[code]] = "code"
    used |= set(direct)

    # 3. names within the prefecture (exact, then base name), then within the province
    name_rows: list[dict] = []
    placed: set[object] = set()  # layer units placed by name
    placed_rows: set[object] = set()  # table rows placed by name
    rest = work[~zone_rows_idx & ~work["adcode"].isin(used)]
    if by_name and "name" in work and len(rest):
        free = out[method == "none"]
        fnames = free["name"].map(_norm_name)
        fbase = free["name"].map(base_name)
        fpref = free["adcode"].str[:4]
        fprov = free["adcode"].str[:2]
        for rid, row in rest.iterrows():
            name = _norm_name(row.get("name"))
            if not name:
                continue
            pref = set(prefixes_of[rid])
            code = row.get("adcode")
            prov = {code[:2]} if isinstance(code, str) else {p[:2] for p in pref}
            cand = None
            for scope in ([fpref.isin(pref)] if pref else []) + ([fprov.isin(prov)] if prov else []) + (
                    [pd.Series(True, index=free.index)] if names_only else []):
                for key, col in ((name, fnames), (base_name(name), fbase)):
                    hit = free.index[scope & (col == key) & ~free.index.isin(list(placed))]
                    if len(hit):
                        cand = hit
                        break
                if cand is not None:
                    break
            if cand is None:
                continue
            if len(cand) > 1:
                if names_only:
                    units = ", ".join(f"{out.at[i, 'name']} ({out.at[i, 'adcode']}, {out.at[i, 'prefecture']})"
                                      for i in cand)
                    raise DuplicateKeyError(
                        f"{source}: the name {row.get('name')!r} (row {row.get('source_row', rid)}) fits "
                        f"{len(cand)} units in scope: {units}. Add a prefecture column to the mapping, or "
                        "pass prefecture=... (CLI --prefecture) to narrow the scope.")
                continue
            idx = cand[0]
            result.loc[idx, values] = row[values].to_numpy()
            method[idx] = "name"
            placed.add(idx)
            used.add(code) if isinstance(code, str) else None
            placed_rows.add(rid)
            name_rows.append({"old_adcode": code, "old_name": row.get("name"),
                              "new_adcode": out.at[idx, "adcode"], "new_name": out.at[idx, "name"]})
    unplaced = rest[pd.Series([r not in placed_rows and not (isinstance(c, str) and c in used)
                               for r, c in zip(rest.index, rest["adcode"], strict=True)], index=rest.index, dtype=bool)]

    # uncoded rows named like a functional zone that matched no unit are zones
    zone_like = unplaced["name"].map(_norm_name).str.contains(ZONE_PATTERN, na=False) \
        if "name" in unplaced else pd.Series(False, index=unplaced.index)
    zones = pd.concat([work[zone_rows_idx], unplaced[zone_like]])
    unplaced = unplaced[~zone_like]
    if names_only and len(unplaced):
        scope_names = list(out["name"])
        lines = "; ".join(f"row {r.get('source_row', i)} {r.get('name')!r}:{suggest(r.get('name'), scope_names)}"
                          for i, r in list(unplaced.iterrows())[:8])
        raise UnknownNameError(
            f"{source}: {len(unplaced)} name(s) match no county in scope ({len(out)} units"
            f"{', province ' + str(province) if province else ''}"
            f"{', prefecture ' + str(prefecture) if prefecture else ''}): {lines}. Fix the names, widen "
            "the scope (province=/prefecture=) or add a code column.")

    # 4. functional zones: each placed in one host county (park point, else seat district)
    zone_rows, zone_unmatched = [], []
    zone_alloc = pd.Series(0.0, index=out.index)
    if len(zones) and functional_zones == "allocate" and additive:
        from geourb._zones import locate_zones

        base = result[additive].apply(pd.to_numeric, errors="coerce")
        weight_col = "pop_total" if "pop_total" in additive else additive[0]
        zin = zones.assign(_prefixes=[prefixes_of[i] for i in zones.index])
        hosts = locate_zones(zin, out[method != "none"], _zone_points(zone_points))
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
                    cur = base.loc[target, col]
                    base.loc[target, col] = (0.0 if pd.isna(cur) else cur) + vals[col]
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

    def frame(rows: pd.DataFrame, reasons: list[str]) -> pd.DataFrame:
        f = pd.DataFrame({"adcode": rows["adcode"].to_numpy(),
                          "name": rows["name"].to_numpy() if "name" in rows else None,
                          "prefecture": rows["prefecture"].to_numpy() if "prefecture" in rows else None,
                          "reason": reasons})
        if "source_row" in rows:
            f["source_row"] = rows["source_row"].to_numpy()
        for col in additive[:1]:
            f[col] = rows[col].to_numpy()
        return f

    zone_reason = ("functional zone (开发区/新区/管理区) with no administrative boundary"
                   + (": host prefecture not found" if functional_zones == "allocate" else ""))
    zu = pd.DataFrame(zone_unmatched) if zone_unmatched else pd.DataFrame(columns=work.columns)
    unmatched_table = pd.concat([f for f in (
        frame(unplaced, [_table_reason(c, n) for c, n in zip(
            unplaced["adcode"], unplaced["name"] if "name" in unplaced else [None] * len(unplaced), strict=True)]),
        frame(zu, [zone_reason] * len(zu))) if len(f)], ignore_index=True) \
        if len(unplaced) or len(zu) else frame(unplaced, [])
    un_l = out[method == "none"]
    reasons = [_layer_reason(c) for c in un_l["adcode"]]
    if vintage is not None and vintage < 2020:
        known = set(crosswalk_2010()["old_adcode"])
        reasons = [r if c in known or not r.startswith("no table row") else
                   f"no table row: a unit created after {vintage} from parts of others (their people are "
                   "counted in the units they came from)" for c, r in zip(un_l["adcode"], reasons, strict=True)]
    unmatched_layer = pd.DataFrame({"adcode": un_l["adcode"].to_numpy(), "name": un_l["name"].to_numpy(),
                                    "reason": reasons})
    same_code = [c for c in layer_codes if c in table_codes_all]
    report = JoinReport(n_layer=len(out), n_table=len(table), n_outside_layer=n_outside,
                        matched_by_code=same_code,
                        by_crosswalk=cw_rows, by_name=pd.DataFrame(name_rows),
                        unmatched_table=unmatched_table, unmatched_layer=unmatched_layer,
                        by_zone=pd.DataFrame(zone_rows), set_aside=sa, outside=outside, vintage=vintage,
                        table_total=table_total)
    logger.info("statistics join: %s", report.summary())
    return out, report
