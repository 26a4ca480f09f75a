"""Unit names for matching: white space folded, generic suffixes (县, 区, 自治旗 ...) stripped."""

from __future__ import annotations

import re


def _norm_name(name: object) -> str:
    return re.sub(r"[\s\u3000]+", "", str(name)) if isinstance(name, str) else ""


def base_name(name: object) -> str:
    """Strip a unit name's generic suffix: 临泉县 -> 临泉, 加格达奇区 -> 加格达奇, 平桂管理区 -> 平桂.

    Parameters
    ----------
    name
        A unit name; anything but a string gives ``""``.

    Returns
    -------
    str
        The name without white space and its suffix (县, 区, 市, 自治县 ...), or the folded name
        if nothing would be left.

    Examples
    --------
    >>> base_name("临泉县"), base_name("平桂管理区"), base_name("区")
    ('临泉', '平桂', '区')
    """
    text = _norm_name(name)
    text = re.sub(r"((各族|[^\s]{1,8}族)+)?自治(县|旗)$", "", text)
    out = re.sub(r"(管理区|特区|林区|新区|地区|区|县|市|旗|盟|州)$", "", text)
    return out if len(out) >= 1 else text
