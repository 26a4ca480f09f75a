"""Settlement-policy (落户) tiers of prefecture-level cities by urban (city-zone) population.

The 2024-2029 plan: cities with a city-zone resident population (城区常住人口) under 3 million
remove settlement limits (全面取消落户限制), 3-5 million fully relax them (全面放宽落户条件),
over 5 million refine points-based settlement (完善积分落户政策). Megacities (超大城市, over 10
million) are flagged.

Figures come from the 2020 census 城区人口 column:

- **prefectures with districts**: their prefecture row (``read_census_2020(level="prefecture")``);
- **direct-controlled municipalities** (北京, 天津, 上海, 重庆): the census has no figure on the
  prefecture rows (110100, 500100/500200 ...); the province row (110000 ...) is used and put on
  the municipality's unit of the prefecture layer (110100, 120100, 310100, 500000);
- **prefecture-level cities without districts** (东莞 441900, 中山 442000, 嘉峪关 620200,
  儋州 460400): their own county-level row;
- **province-administered county-level units** (济源, 仙桃, 潜江, 天门, 神农架, Hainan's
  counties, Xinjiang's corps cities): units of the prefecture layer but not prefecture-level
  cities; their own row is used and ``kind`` says ``province_administered`` so they can be
  filtered;
- **autonomous prefectures** (自治州, ``kind = "autonomous_prefecture"``) and **prefecture
  areas and leagues** (地区/盟, ``kind = "prefecture_area"``) have no 城区人口 row: the sum of
  their county-level units' figures (county-level cities only) is used, flagged
  ``sum_of_county_units`` (a lower bound);
- units with **no figure at all** (阿拉善盟, 果洛 and the other Qinghai prefectures without a
  county-level city, 神农架, 三沙, Hainan's directly administered counties): their whole
  resident population is under 3 million, so their city-zone population is too and the
  tier is still ``no_limits``; ``pop_cityzone`` stays NaN, ``source`` is
  ``no_cityzone_figure`` and ``note`` says that the census reports no city-zone population
  and gives the total population bound;
- a ``supplied`` mapping adcode -> figure overrides any of these (``source = "supplied"``).

Hong Kong, Macao and Taiwan are outside the census (``kind = "outside_census"``): no figure
and no tier, listed in the report.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._errors import InvalidValueError
from geourb._log import logger
from geourb._validate import normalize_adcode, require_columns

NO_LIMITS_BELOW = 3_000_000
POINTS_ABOVE = 5_000_000
MEGACITY_ABOVE = 10_000_000
TIERS = {
    "no_limits": "no settlement limits (全面取消落户限制)",
    "fully_relaxed": "fully relaxed settlement (全面放宽落户条件)",
    "points_based": "points-based settlement (完善积分落户政策)",
}
MUNICIPALITIES = {"11": "110100", "12": "120100", "31": "310100", "50": "500000"}
"""Province code of each direct-controlled municipality -> its unit in the prefecture layer."""


OUTSIDE_CENSUS = ("71", "81", "82")
"""Province codes outside the mainland census: Taiwan, Hong Kong, Macao."""


def _kind_of_prefecture(name: str) -> str:
    """``autonomous_prefecture`` for 自治州, ``prefecture_area`` for 地区 and 盟, else ``prefecture``."""
    if name.endswith("自治州"):
        return "autonomous_prefecture"
    if name.endswith(("地区", "盟")):
        return "prefecture_area"
    return "prefecture"


def _unit_population(codes: pd.Series, cp: pd.DataFrame, cc: pd.DataFrame, cv: pd.DataFrame) -> pd.Series:
    """Return the census residents of each prefecture-level unit.

    From its prefecture (or province, for a municipality) row, else its own county-level row,
    else the sum of its county rows.
    """

    def by_code(df: pd.DataFrame) -> pd.Series:
        if "pop_total" not in df:
            return pd.Series(dtype=float)
        d = df[df["adcode"].notna()]
        return pd.Series(d["pop_total"].astype(float).to_numpy(), index=d["adcode"].astype(str).to_numpy())

    p_tot, c_tot, v_tot = by_code(cp), by_code(cc), by_code(cv)
    c_units = c_tot[~c_tot.index.str.endswith("00")]
    out = pd.Series(np.nan, index=codes.index)
    for idx, code in codes.items():
        if MUNICIPALITIES.get(code[:2]) == code:
            val = v_tot.get(code[:2] + "0000", np.nan)
        elif pd.notna(p_tot.get(code, np.nan)):
            val = p_tot[code]
        elif pd.notna(c_tot.get(code, np.nan)):
            val = c_tot[code]
        else:
            units = c_units[c_units.index.str[:4] == code[:4]] if code.endswith("00") else pd.Series(dtype=float)
            val = float(units.sum()) if units.notna().any() else np.nan
        out[idx] = val
    return out


def settlement_tier(pop_cityzone: pd.Series) -> pd.Series:
    """Tier of each city-zone population: no_limits (< 3 M), fully_relaxed (3-5 M), points_based (> 5 M).

    Parameters
    ----------
    pop_cityzone
        City-zone resident population (persons), any index.

    Returns
    -------
    pandas.Series
        Named ``tier``, same index: ``"no_limits"`` below :data:`NO_LIMITS_BELOW`,
        ``"fully_relaxed"`` from 3 M up to and including :data:`POINTS_ABOVE`,
        ``"points_based"`` above; NaN where the population is missing.

    Examples
    --------
    >>> settlement_tier(pd.Series([2.5e6, 3e6, 5e6, 8e6, None])).tolist()
    ['no_limits', 'fully_relaxed', 'fully_relaxed', 'points_based', nan]
    """
    x = pop_cityzone.astype(float)
    tier = np.where(x < NO_LIMITS_BELOW, "no_limits", np.where(x <= POINTS_ABOVE, "fully_relaxed", "points_based"))
    return pd.Series(tier, index=x.index, name="tier").where(x.notna())


def settlement_tiers(
    *,
    prefectures: gpd.GeoDataFrame | None = None,
    census_prefecture: pd.DataFrame | None = None,
    census_county: pd.DataFrame | None = None,
    census_province: pd.DataFrame | None = None,
    supplied: Mapping[str, float] | pd.Series | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Settlement tier of every prefecture-level unit, as a layer and a report of unmatched rows.

    Parameters
    ----------
    prefectures
        Prefecture polygons (default :func:`geourb.counties.load_prefectures`).
    census_prefecture, census_county, census_province
        Census rows at each level (default: ``read_census_2020`` at that level).
    supplied
        ``{adcode: city-zone population}`` (persons) overriding the census (e.g. a newer
        yearbook); adcodes in any form :func:`geourb.normalize_adcode` accepts.

    Returns
    -------
    (geopandas.GeoDataFrame, pandas.DataFrame)
        The prefecture layer with ``pop_cityzone``, ``pop_total`` (census residents of the
        unit), ``source`` (census_prefecture_row, census_province_row, census_unit_row,
        sum_of_county_units, supplied, no_cityzone_figure, none), ``kind`` (prefecture,
        municipality, no_district_city, province_administered, autonomous_prefecture (州),
        prefecture_area (地区/盟), outside_census), ``tier``, ``tier_label``, ``megacity``,
        ``note``; and the report: census prefecture rows that match no unit and units without
        a figure, with the reason.

    Raises
    ------
    MissingColumnError
        A census table lacks ``adcode`` or ``pop_cityzone``, or the prefecture layer lacks
        ``adcode`` or ``name``.
    InvalidValueError
        ``supplied`` holds negative figures, invalid adcodes or adcodes not in the
        prefecture layer.
    """
    from geourb.counties import load_prefectures
    from geourb.stats import read_census_2020

    pref = load_prefectures() if prefectures is None else prefectures
    cp = read_census_2020(level="prefecture") if census_prefecture is None else census_prefecture
    cc = read_census_2020(level="county") if census_county is None else census_county
    cv = read_census_2020(level="province") if census_province is None else census_province
    for df, what in ((cp, "census prefecture rows"), (cc, "census county rows"), (cv, "census province rows")):
        require_columns(df, ["adcode", "pop_cityzone"], source=what)
    require_columns(pref, ["adcode", "name"], source="prefecture layer")

    def by_code(df: pd.DataFrame) -> pd.Series:
        d = df[df["adcode"].notna()]
        return pd.Series(d["pop_cityzone"].astype(float).to_numpy(), index=d["adcode"].astype(str).to_numpy())

    p_val, c_val, v_val = by_code(cp), by_code(cc), by_code(cv)
    codes = pref["adcode"].astype(str)
    names = pref["name"].astype(str)
    out = pref.copy()
    value = pd.Series(np.nan, index=out.index)
    source = pd.Series("none", index=out.index, dtype=object)
    kind = pd.Series("prefecture", index=out.index, dtype=object)
    county_prefix = c_val.index.str[:4]
    for idx, code in codes.items():
        prov = code[:2]
        if MUNICIPALITIES.get(prov) == code:
            kind[idx] = "municipality"
            if pd.notna(v_val.get(prov + "0000")):
                value[idx], source[idx] = v_val[prov + "0000"], "census_province_row"
            continue
        if code in p_val.index and pd.notna(p_val[code]):
            value[idx], source[idx] = p_val[code], "census_prefecture_row"
            continue
        if not code.endswith("00"):
            kind[idx] = "province_administered"
        elif code in c_val.index:
            kind[idx] = "no_district_city"
        if code in c_val.index:
            if pd.notna(c_val[code]):
                value[idx], source[idx] = c_val[code], "census_unit_row"
            continue
        if code in p_val.index:  # a prefecture row without a figure: 州/盟/地区
            kind[idx] = _kind_of_prefecture(str(names[idx]))
            units = c_val[(county_prefix == code[:4]) & ~c_val.index.str.endswith("00")]
            if units.notna().any():
                value[idx], source[idx] = float(units.sum()), "sum_of_county_units"
    if supplied is not None:
        sup = pd.Series(supplied, dtype=float)
        sup.index = normalize_adcode(pd.Series(sup.index), source="supplied city-zone figures").to_numpy()
        if (sup < 0).any():
            raise InvalidValueError("Supplied city-zone populations must be >= 0.")
        unknown = sorted(set(sup.index) - set(codes))
        if unknown:
            raise InvalidValueError(f"Supplied figures for adcodes not in the prefecture layer: {unknown[:10]}.")
        hit = codes.isin(sup.index).to_numpy()
        value[hit] = sup[codes[hit]].to_numpy()
        source[hit] = "supplied"
    total = _unit_population(codes, cp, cc, cv)
    outside = codes.str[:2].isin(OUTSIDE_CENSUS).to_numpy()
    kind[outside] = "outside_census"
    # no city-zone figure: the tier is still certain when the whole population is under 3 M
    bounded = value.isna() & (total < NO_LIMITS_BELOW) & ~outside
    source[bounded] = "no_cityzone_figure"
    note = pd.Series("", index=out.index, dtype=object)
    note[bounded] = [f"the census reports no city-zone population (城区人口); the tier follows from the "
                     f"unit's {t:,.0f} residents in total (< 3 million)" for t in total[bounded]]
    note[(source == "sum_of_county_units").to_numpy()] = (
        "sum of the county-level cities' city-zone populations (a lower bound)")
    out["pop_cityzone"] = value
    out["pop_total"] = total
    out["source"] = source
    out["kind"] = kind
    tier = settlement_tier(value)
    tier[bounded] = "no_limits"
    out["tier"] = tier
    out["tier_label"] = out["tier"].map(TIERS)
    out["megacity"] = value > MEGACITY_ABOVE
    out["note"] = note
    if bounded.any():
        logger.info("settlement tiers: %d unit(s) without a city-zone figure put in no_limits by their total "
                    "population: %s", int(bounded.sum()), list(codes[bounded][:25]))

    used = set(codes) | {c[:2] + "0000" for c in MUNICIPALITIES.values()}
    mun_rows = {p + "0100" for p in MUNICIPALITIES} | {"500200"}
    un_rows = cp[cp["adcode"].notna() & ~cp["adcode"].astype(str).isin(used | mun_rows)]
    report = [{"adcode": a, "name": n, "side": "census_prefecture_row", "reason": "no unit with this code"}
              for a, n in zip(un_rows["adcode"], un_rows.get("name", un_rows["adcode"]), strict=True)]
    for idx in out.index[out["pop_cityzone"].isna()]:
        code = codes[idx]
        reason = ("outside the mainland census" if code[:2] in OUTSIDE_CENSUS
                  else "no 城区人口 figure in the census for this unit or its county-level units"
                  + ("; tier no_limits from its total population" if bounded[idx] else ""))
        report.append({"adcode": code, "name": out.at[idx, "name"], "side": "prefecture_layer", "reason": reason})
    rep = pd.DataFrame(report, columns=["adcode", "name", "side", "reason"])
    logger.info("settlement tiers: %s; %d unit(s) without a figure",
                out["tier"].value_counts().to_dict(), int(out["pop_cityzone"].isna().sum()))
    return out, rep
