"""Chinese road-layer conventions: class fields, grade names and route codes (路线编码).

Provincial 公路 layers from transport departments and surveying institutes carry the class of
a road in one or several attributes:

* technical grade (技术等级 / 公路等级 / GRADE): 高速公路, 一级 ... 四级公路, 等外公路;
* administrative grade (行政等级): 国道, 省道, 县道, 乡道, 村道, 专用公路;
* a route code (路线编码 / RN): G206, S101, X012 ... whose letter is the administrative grade
  (G/S/X/Y/C/Z) and where G/S with 1, 2 or 4 digits (G4, G15, G1501, S12) or a letter suffix
  (G4W2) is a national or provincial expressway;
* urban classes (道路等级, CLASS ...): 快速路, 主干路, 次干路, 支路.

:func:`classify_roads` reads every such field it finds (or the one given), in that order of
precedence per feature: the technical grade defines the design speed (JTG B01-2014), the
administrative grade or route code is used when no technical grade is known.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from geourb._log import logger
from geourb.roads.speeds import CLASS_ALIASES

TECHNICAL_FIELDS = ("技术等级", "公路等级", "grade")
GENERIC_FIELDS = ("道路等级", "roadclass", "road_class", "class", "kind")
ADMIN_FIELDS = ("行政等级",)
ROUTE_FIELDS = ("路线编码", "rn")
CLASS_FIELD_NAMES: tuple[str, ...] = TECHNICAL_FIELDS + GENERIC_FIELDS + ADMIN_FIELDS + ROUTE_FIELDS
"""Attribute names searched (case-insensitive, in this order) for the class of a road."""

ROUTE_PREFIX: dict[str, str] = {"G": "国道", "S": "省道", "X": "县道", "Y": "乡道", "C": "村道",
                                "Z": "专用公路"}
"""Route-code letter -> administrative grade (JTG A03 / 公路路线标识规则)."""

_ROUTE_RE = re.compile(r"^([GSXYCZ])(\d{1,12})([A-Z]\d*)?")
_TRUE = frozenset({"1", "y", "yes", "true", "t", "是", "全封闭", "封闭"})


def _clean(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    return text or None


def find_class_fields(columns: Sequence[str]) -> list[str]:
    """Columns named like a road-class field (see :data:`CLASS_FIELD_NAMES`), by precedence.

    Parameters
    ----------
    columns
        Column names of a layer.

    Returns
    -------
    list of str
        The matching columns (as spelled in the layer), technical grade first, route codes
        last; empty when none matches.

    Examples
    --------
    >>> find_class_fields(["OBJECTID", "RN", "技术等级", "NAME"])
    ['技术等级', 'RN']
    """
    low = {str(c).strip().lower(): str(c) for c in columns}
    return [low[name] for name in CLASS_FIELD_NAMES if name in low]


def parse_route_code(code: Any) -> tuple[str, bool] | None:
    """Administrative grade and expressway flag of a route code, or None when unparseable.

    Parameters
    ----------
    code
        A route code such as ``"G206"``, ``"S101线"``, ``"G4W2"`` (full-width letters and
        digits and lower case accepted); None or NaN gives None.

    Returns
    -------
    tuple of (str, bool) or None
        The administrative grade (国道, 省道, 县道, 乡道, 村道, 专用公路) from the letter, and
        whether the code is a national/provincial expressway (G/S with 1, 2 or 4 digits or a
        letter suffix).

    Examples
    --------
    >>> parse_route_code("G206")
    ('国道', False)
    >>> parse_route_code("G1501")
    ('国道', True)
    >>> parse_route_code("S101线")
    ('省道', False)
    >>> parse_route_code("高速") is None
    True
    """
    text = _clean(code)
    if text is None:
        return None
    m = _ROUTE_RE.match(text.upper())
    if not m:
        return None
    letter, digits, suffix = m.groups()
    expressway = letter in "GS" and (len(digits) in (1, 2, 4) or suffix is not None)
    return ROUTE_PREFIX[letter], expressway


def normalize_class(value: Any, table: Mapping[str, float]) -> str | None:
    """Return the class name of ``table`` that ``value`` spells (aliases such as 一级 -> 一级公路), or None.

    Parameters
    ----------
    value
        A class value from a layer (spaces and full-width characters allowed).
    table
        Speed table whose keys are the known classes.

    Returns
    -------
    str or None
        The key of ``table`` (exact, alias from :data:`~geourb.roads.speeds.CLASS_ALIASES`, or
        case-insensitive match), or None.

    Examples
    --------
    >>> normalize_class(" 二级 ", {"二级公路": 70})
    '二级公路'
    """
    text = _clean(value)
    if text is None:
        return None
    if text in table:
        return text
    alias = CLASS_ALIASES.get(text)
    if alias is not None and alias in table:
        return alias
    low = text.lower()
    for key in table:
        if key.lower() == low:
            return key
    return None


def classify_roads(
    frame: pd.DataFrame, fields: Sequence[str], table: Mapping[str, float], *, source: str
) -> tuple[pd.Series, dict[str, Any]]:
    """One class per row from the class ``fields`` (by precedence), with a report.

    Parameters
    ----------
    frame
        The layer's attribute table.
    fields
        Class columns of ``frame``, in order of precedence.
    table
        Speed table whose keys are the known classes.
    source
        Name of the layer in log messages.

    Per row the first field whose value is a class of ``table`` (or an alias) wins; a route
    code gives 高速公路 for an expressway code, else its administrative grade. Rows where no
    field gives a class keep the first non-empty raw value (reported later as an unknown
    class with the speed used). Route codes that cannot be parsed are logged and counted.

    Returns
    -------
    classes, report
        The class per row (string dtype) and ``{"class_fields": [...], "by_field": {field:
        rows}, "route_codes_unparsed": n, "route_code_examples": [...], "unclassified": n}``.
    """
    classes = pd.Series(pd.NA, index=frame.index, dtype="string")
    raw = pd.Series(pd.NA, index=frame.index, dtype="string")
    by_field: dict[str, int] = {}
    bad_codes: dict[str, int] = {}
    for field in fields:
        col = frame[field]
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        route_field = str(field).strip().lower() in ROUTE_FIELDS
        mapped: list[str | None] = []
        for u in uniques:
            cls = normalize_class(u, table)
            if cls is None:
                parsed = parse_route_code(u)
                if parsed is not None:
                    admin, expressway = parsed
                    cls = "高速公路" if expressway and "高速公路" in table else admin
                elif route_field and _clean(u) is not None:
                    bad_codes[str(u)] = 0
            mapped.append(cls)
        values = pd.Series([mapped[c] if c >= 0 else None for c in codes], index=frame.index,
                           dtype="string")
        if route_field and bad_codes:
            text = col.astype("string")
            for code in bad_codes:
                bad_codes[code] += int((text == code).sum())
        take = classes.isna() & values.notna()
        by_field[str(field)] = int(take.sum())
        classes[take] = values[take]
        first_raw = raw.isna() & col.notna()
        raw[first_raw] = col[first_raw].astype("string")
    unclassified = classes.isna()
    classes[unclassified] = raw[unclassified].fillna("<none>")
    n_bad = sum(bad_codes.values())
    if n_bad:
        logger.warning("%s: %d route code(s) could not be parsed (expected G/S/X/Y/C/Z + digits, "
                       "e.g. G206, S101, G1501), e.g. %s; those features took their class from "
                       "other fields or are unknown", source, n_bad, list(bad_codes)[:5])
    report = {"class_fields": [str(f) for f in fields], "by_field": by_field,
              "route_codes_unparsed": n_bad, "route_code_examples": list(bad_codes)[:10],
              "unclassified": int(unclassified.sum())}
    return classes, report


def truthy(values: pd.Series) -> pd.Series:
    """Boolean reading of a flag column (1/yes/true/是/全封闭 ...); missing is False.

    Parameters
    ----------
    values
        The flag column.

    Returns
    -------
    pandas.Series
        Booleans, same index.
    """
    return values.map(lambda v: (text := _clean(v)) is not None and text.lower() in _TRUE).astype(bool)
