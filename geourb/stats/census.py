"""Census tabulations (2010, 2020) and the kinds of rows statistics tables mix together."""

from __future__ import annotations

import os
import re
from typing import Literal

import numpy as np
import pandas as pd

from geourb._deprecate import renamed_keywords
from geourb._errors import InvalidValueError
from geourb._log import logger
from geourb._validate import require_columns, require_unique

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

CENSUS_2010_MAPPING: dict[str, str] = {
    "adcode": "区划代码",
    "name": "地区",
    "pop_total": "合计",
    "pop_urban": "城镇人口",
    "pop_rural": "乡村人口",
}
"""Column mapping of the 6th census county tabulation (leiii/census ``census_county_2010_v1``)."""

Level = Literal["county", "prefecture", "province", "nation"]

_SUBTOTAL_NAMES = ("省直辖县级行政区划", "自治区直辖县级行政区划", "市辖区", "县", "全省", "全市", "合计",
                   "总计", "小计", "全区", "全州", "全盟", "全地区", "省直管县", "直辖县")
_PART_NAMES = ("西沙群岛", "南沙群岛", "中沙群岛的岛礁及其海域")
ZONE_PATTERN = re.compile(
    r"(?:开发区|新区|园区|工业园|高新区|管理区|管委会|示范区|试验区|实验区|合作区|保税区|港区|旅游区|度假区|"
    r"风景区|农场|林场|矿区|垦区|新城|工业区|产业区|集聚区|先导区|功能区|食品区|园)$")
"""Names of functional zones (开发区, 新区, 管理区 ...): own statistics, no administrative boundary."""


def classify_census_rows(codes: pd.Series, names: pd.Series | None = None) -> pd.Series:
    """Label census rows: nation, province, prefecture, subtotal, part, county or zone.

    - no code and named 全国: the national total (``nation``);
    - a code ending in 0000: a province total; a code ending in 00 whose first four digits
      other rows share: a prefecture total. A code ending in 00 without such rows is a
      county-level unit itself (东莞 441900, 中山 442000, 儋州 460400, 嘉峪关 620200, 三沙 460300);
    - no code and named 省直辖县级行政区划 / 市辖区 / 县 / 合计 ...: a ``subtotal``;
    - 西沙群岛, 南沙群岛, 中沙群岛...: ``part`` of 三沙市, whose own row is their total;
    - a county part of the code from 70 to 79 (130171 石家庄高新技术产业开发区), or no code
      with any other name: a functional ``zone`` (开发区, 新区, 管理区) without an
      administrative boundary (the join first tries such names as counties: 加格达奇 2010);
    - everything else: ``county``.

    Parameters
    ----------
    codes
        The rows' codes (6-digit strings, missing for uncoded rows).
    names
        The rows' names (for uncoded rows); None: all empty.

    Returns
    -------
    pandas.Series
        One label per row, on ``codes``' index.
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
    level[no_code & names.isin(("全国", "全国总计", "全国合计")).to_numpy()] = "nation"
    level[no_code & (names == "").to_numpy()] = "subtotal"
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
    from geourb.stats.read import read_statistics

    if level not in {"county", "prefecture", "province", "nation"}:
        raise InvalidValueError(f"level must be county, prefecture, province or nation, not {level!r}.")
    src = resolve(path, "census_2020")
    df = read_statistics(src, mapping=CENSUS_2020_MAPPING, keep=keep, header_row=1)
    df["level"] = classify_census_rows(df["adcode"], df["name"]).to_numpy()
    counts = df["level"].value_counts().to_dict()
    logger.info("census 2020 rows by kind: %s; returning %r", counts, level)
    wanted = {"county": ("county", "zone")}.get(level, (level,))
    out = df[df["level"].isin(wanted)].reset_index(drop=True)
    require_unique(out["adcode"], what="adcodes", source=str(src))
    out.attrs.update(source=str(src), rows_by_level=counts)
    return out


@renamed_keywords(layer="counties")
def national_urbanization_rate(counties: pd.DataFrame) -> float:
    """Population-weighted urbanization rate of the units in ``counties`` (sum urban / sum total).

    Parameters
    ----------
    counties
        Table with ``pop_total`` and ``pop_urban`` (e.g. the joined county layer).

    Returns
    -------
    float
        ``sum(pop_urban) / sum(pop_total)`` (about 0.639 for China's counties in 2020).

    Raises
    ------
    MissingColumnError
        A column is missing.
    InvalidValueError
        ``pop_total`` sums to 0 or less.
    """
    require_columns(counties, ["pop_total", "pop_urban"], source="county layer")
    total = float(counties["pop_total"].sum())
    if total <= 0:
        raise InvalidValueError("The county layer has no population (pop_total sums to 0): join the census first.")
    return float(counties["pop_urban"].sum()) / total
