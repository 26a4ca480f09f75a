"""Park schema: normalised columns, code tables, validation flags and text helpers.

Examples
--------
>>> split_industries("装备制造、新材料，生物医药; 物流 ")
['装备制造', '新材料', '生物医药', '物流']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

WGS84 = "EPSG:4326"
MU_PER_HA = 15.0
"""1 hectare = 15 mu (亩)."""

ParkFormat = Literal["catalogue_2018", "table", "layer"]
OnDuplicate = Literal["error", "keep_first", "suffix"]

PARK_COLUMNS = [
    "park_id", "name", "level", "type", "approved_year", "approved_ha", "approved_mu",
    "industries", "province", "prefecture", "geocode_precision", "geometry",
]
"""Normalised columns of :func:`read_parks` (the catalogue adds ``type_en``, ``address``, ``gcj02_check_m``)."""

CATALOGUE_2018_COLUMNS = {
    "park_id": "代码", "name": "开发区名称", "province": "省份", "prefecture": "城市/区县",
    "level": "批准级别", "type": "开发区类型", "approved_year": "批准时间",
    "approved_ha": "核准面积_公顷", "industries": "主导产业", "geocode_precision": "地理编码精度",
    "address": "格式化地址",
}
"""Normalised column -> column of the 2018 catalogue CSV."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "park_id": ("park_id", "代码", "code", "id", "编码", "开发区代码"),
    "name": ("name", "开发区名称", "名称", "park_name", "园区名称"),
    "level": ("level", "批准级别", "级别"),
    "type": ("type", "开发区类型", "类型"),
    "approved_year": ("approved_year", "批准时间", "批准年份", "year"),
    "approved_ha": ("approved_ha", "核准面积_公顷", "核准面积", "area_ha", "面积_公顷"),
    "industries": ("industries", "主导产业", "industry"),
    "province": ("province", "省份", "省"),
    "prefecture": ("prefecture", "城市/区县", "城市", "市", "city"),
    "geocode_precision": ("geocode_precision", "地理编码精度"),
}

LEVELS = {"国务院": "national", "省政府": "provincial", "国家级": "national", "省级": "provincial",
          "national": "national", "provincial": "provincial"}
"""Approval authority or level -> ``level`` (national: State Council; provincial: province)."""

TYPE_EN = {
    "经济技术开发区": "economic_technological", "高新技术产业开发区": "high_tech",
    "海关特殊监管区域": "customs_special", "边境/跨境经济合作区": "border_cooperation",
    "其他类型开发区": "other", "经济开发区": "economic", "工业园区": "industrial",
}
"""Catalogue zone types (开发区类型) -> English keys used in column names."""

WEAK_PRECISION = ("省", "市", "未知")
"""Geocoding precisions too coarse to place a park in its county."""

FLAGS = {
    "missing_coordinates": "no longitude/latitude: the park cannot be placed",
    "outside_china": "the point lies in no county polygon (abroad, at sea or off the layer)",
    "outside_stated_province": "the point lies in another province than the stated one",
    "outside_stated_prefecture": "the point lies in another prefecture than the stated city/county",
    "shared_coordinate": "several parks share the exact point: a geocoder fallback",
    "weak_precision": "geocoding precision is only province, city or unknown (省/市/未知)",
    "duplicate_park_id": "the park code appears more than once in the input",
}
"""Validation flags of :func:`validate_parks` and what each means."""

_SPLIT = re.compile(r"[、，,;；\s]+")
_ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|"
    "东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|"
    "乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各"
)
_AUTONOMOUS = re.compile(rf"(?:(?:{_ETHNIC})族)*自治(?:县|旗|州|区)$")
_PLACE_SUFFIXES = ("特别行政区", "自治区", "地区", "新区", "林区", "特区", "矿区", "省", "市",
                   "区", "县", "旗", "盟")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def split_industries(text: object) -> list[str]:
    """Split a leading-industry text on 、，, ; ； and whitespace into keywords (empty for NA).

    Parameters
    ----------
    text
        A table cell: a string, or None / NaN / ``pd.NA`` for a missing value (other values
        are converted with ``str``).

    Returns
    -------
    list of str
        The non-empty keywords in their order.

    Examples
    --------
    >>> split_industries("装备制造、新材料，生物医药; 物流 ")
    ['装备制造', '新材料', '生物医药', '物流']
    >>> split_industries(None)
    []
    """
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return []
    return [k for k in _SPLIT.split(str(text)) if k]


def short_place(name: str) -> str:
    """Strip administrative suffixes from a Chinese place name (长阳土家族自治县 -> 长阳, 淄川区 -> 淄川).

    Names that would shrink to one character keep their suffix (赵县 stays 赵县).

    Parameters
    ----------
    name
        A province, prefecture or county name (surrounding whitespace is ignored).

    Returns
    -------
    str
        The name without its 省/市/区/县/旗/盟/自治县 ... suffix.

    Examples
    --------
    >>> short_place("长阳土家族自治县"), short_place("淄川区"), short_place("赵县")
    ('长阳', '淄川', '赵县')
    """
    text = str(name).strip()
    stripped = _AUTONOMOUS.sub("", text)
    if stripped != text and len(stripped) >= 2:
        return stripped
    for suffix in _PLACE_SUFFIXES:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[: -len(suffix)]
    return text


def _province_code(name: object, aliases: Mapping[str, str]) -> str | None:
    if name is None or name is pd.NA or (isinstance(name, float) and np.isnan(name)):
        return None
    text = str(name).strip()
    return aliases.get(text) or aliases.get(short_place(text)) or aliases.get(text.lower())

