"""Province names in Chinese, short Chinese and English (pinyin), keyed by 2-digit code."""

from __future__ import annotations

PROVINCES: dict[str, tuple[str, str, str]] = {
    # code: (full Chinese name, short name / abbreviation, English)
    "11": ("北京市", "京", "Beijing"),
    "12": ("天津市", "津", "Tianjin"),
    "13": ("河北省", "冀", "Hebei"),
    "14": ("山西省", "晋", "Shanxi"),
    "15": ("内蒙古自治区", "蒙", "Inner Mongolia"),
    "21": ("辽宁省", "辽", "Liaoning"),
    "22": ("吉林省", "吉", "Jilin"),
    "23": ("黑龙江省", "黑", "Heilongjiang"),
    "31": ("上海市", "沪", "Shanghai"),
    "32": ("江苏省", "苏", "Jiangsu"),
    "33": ("浙江省", "浙", "Zhejiang"),
    "34": ("安徽省", "皖", "Anhui"),
    "35": ("福建省", "闽", "Fujian"),
    "36": ("江西省", "赣", "Jiangxi"),
    "37": ("山东省", "鲁", "Shandong"),
    "41": ("河南省", "豫", "Henan"),
    "42": ("湖北省", "鄂", "Hubei"),
    "43": ("湖南省", "湘", "Hunan"),
    "44": ("广东省", "粤", "Guangdong"),
    "45": ("广西壮族自治区", "桂", "Guangxi"),
    "46": ("海南省", "琼", "Hainan"),
    "50": ("重庆市", "渝", "Chongqing"),
    "51": ("四川省", "川", "Sichuan"),
    "52": ("贵州省", "黔", "Guizhou"),
    "53": ("云南省", "滇", "Yunnan"),
    "54": ("西藏自治区", "藏", "Tibet"),
    "61": ("陕西省", "陕", "Shaanxi"),
    "62": ("甘肃省", "甘", "Gansu"),
    "63": ("青海省", "青", "Qinghai"),
    "64": ("宁夏回族自治区", "宁", "Ningxia"),
    "65": ("新疆维吾尔自治区", "新", "Xinjiang"),
    "71": ("台湾省", "台", "Taiwan"),
    "81": ("香港特别行政区", "港", "Hong Kong"),
    "82": ("澳门特别行政区", "澳", "Macao"),
}

_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def short_name(full: str) -> str:
    """Return a province or city name without its administrative suffix (安徽省 -> 安徽).

    Parameters
    ----------
    full
        The full name.

    Returns
    -------
    str
        The name without 省/市/自治区 ... (unchanged when only one character would remain).

    Examples
    --------
    >>> short_name("安徽省"), short_name("宁夏回族自治区")
    ('安徽', '宁夏')
    """
    for suffix in _SUFFIXES:
        if full.endswith(suffix) and len(full) > len(suffix) + 1:
            return full[: -len(suffix)]
    return full


def province_aliases() -> dict[str, str]:
    """Map every accepted spelling (full, short, abbreviation, English, code) to the 2-digit code.

    Returns
    -------
    dict of str to str
        Spelling -> 2-digit province code.

    Examples
    --------
    >>> aliases = province_aliases()
    >>> aliases["宁夏"], aliases["Ningxia"], aliases["640000"]
    ('64', '64', '64')
    """
    out: dict[str, str] = {}
    for code, (full, abbr, english) in PROVINCES.items():
        for alias in (full, short_name(full), abbr, english, english.lower(), code, code + "0000"):
            out[alias] = code
    out["内蒙古"] = "15"
    out["shaanxi"] = "61"
    return out
