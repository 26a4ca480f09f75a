"""Code crosswalks from older vintages to today's county layer, and vintage detection.

Two tables ship as package data:

- ``data/crosswalk_2010.csv``: every county-level and prefecture code in use in any year from 2009
  to 2021 whose code or unit changed, mapped to the layer's units (撤县设区, 撤县设市, merges such as
  崇文/宣武 -> 东城/西城, 巢湖 dissolved in 2011, splits, renames, 毕节/铜仁 地区 -> 市). Built by
  ``tools/build_crosswalk_2010.py`` from the 民政部 annual code lists and change records as compiled
  by yescallop/areacodes (CC0 1.0). ``valid_from``/``valid_to`` say in which year-end lists the old
  code was in use.
- ``data/crosswalk_2020.csv``: the changes since the 2020 census, curated by hand with the approvals.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources

import pandas as pd

from geourb._errors import InvalidValueError
from geourb._io import read_table
from geourb._log import logger
from geourb._validate import normalize_adcode, require_columns
from geourb.stats.names import base_name

VINTAGE_RANGE = (2009, 2025)
"""Table vintages the crosswalks cover (year-end code lists; later years use today's codes)."""


def _package_csv(name: str) -> pd.DataFrame:
    res = resources.files("geourb").joinpath(f"data/{name}")
    with resources.as_file(res) as p:
        return pd.read_csv(p, dtype=str, comment="#", keep_default_na=False)


@lru_cache(maxsize=4)
def _builtin(name: str) -> pd.DataFrame:
    cw = _package_csv(name)
    for col in ("valid_from", "valid_to", "year"):
        if col in cw:
            cw[col] = pd.to_numeric(cw[col], errors="coerce")
    return cw


def load_crosswalk(path: str | os.PathLike[str] | None = None, *, vintage: int | None = None) -> pd.DataFrame:
    """Return a code crosswalk (old_adcode -> new_adcode, relation recode/merge/split, note).

    Parameters
    ----------
    path
        Your own crosswalk (columns ``old_adcode``, ``new_adcode``, ``relation``); default: the
        built-in one for ``vintage``.
    vintage
        Year of the table's codes. ``None`` or 2020 and later: the changes since the 2020 census
        (杭州 2021, 三明 2021, 漳州 2021, 洛阳 2021, 毕节 黔西 2021, 南通 2020, 芜湖 2020, ...).
        2009-2019: the county rows of ``crosswalk_2010.csv`` whose old code was in use that year.

    Returns
    -------
    pandas.DataFrame
        ``old_adcode``, ``new_adcode`` (6-digit strings), ``relation`` and the table's other
        columns, one row per code change.

    Raises
    ------
    InvalidValueError
        A vintage outside 2009-2025, or a crosswalk with an unknown relation.
    """
    if path is not None:
        cw = read_table(path, dtype="str")  # the same as str for pandas
        source = str(path)
    elif vintage is None or vintage >= 2020:
        check_vintage(vintage)
        cw = _builtin("crosswalk_2020.csv").copy()
        source = "crosswalk_2020.csv"
    else:
        check_vintage(vintage)
        cw = crosswalk_at(vintage)
        source = "crosswalk_2010.csv"
    require_columns(cw, ["old_adcode", "new_adcode", "relation"], source=source)
    bad = set(cw["relation"]) - {"recode", "merge", "split"}
    if bad:
        raise InvalidValueError(f"{source}: relation must be recode, merge or split; found {sorted(bad)}.")
    cw["old_adcode"] = normalize_adcode(cw["old_adcode"], source=f"{source} old_adcode")
    cw["new_adcode"] = normalize_adcode(cw["new_adcode"], source=f"{source} new_adcode")
    return cw.reset_index(drop=True)


def check_vintage(vintage: int | None) -> None:
    """Raise :class:`InvalidValueError` for a vintage outside :data:`VINTAGE_RANGE`.

    Parameters
    ----------
    vintage
        A year of codes, or None (accepted: no vintage).

    Returns
    -------
    None
        The vintage is valid.

    Raises
    ------
    InvalidValueError
        Not an int year within :data:`VINTAGE_RANGE`.
    """
    if vintage is None:
        return
    if isinstance(vintage, bool) or not isinstance(vintage, int) or not (
            VINTAGE_RANGE[0] <= vintage <= VINTAGE_RANGE[1]):
        raise InvalidValueError(
            f"vintage={vintage!r} is outside the crosswalk's range {VINTAGE_RANGE[0]}-{VINTAGE_RANGE[1]} "
            "(code lists of 2009-2021 and today's codes). Older tables need your own crosswalk "
            "(crosswalk=DataFrame with old_adcode, new_adcode, relation).")


def crosswalk_2010(level: str = "county") -> pd.DataFrame:
    """Return the whole built-in 2009-2021 crosswalk at one level.

    Parameters
    ----------
    level
        ``"county"`` or ``"prefecture"``.

    Returns
    -------
    pandas.DataFrame
        The rows of ``crosswalk_2010.csv`` at ``level`` (``old_adcode``, ``old_name``,
        ``new_adcode``, ``relation``, ``valid_from``, ``valid_to`` ...).
    """
    cw = _builtin("crosswalk_2010.csv")
    return cw[cw["level"] == level].reset_index(drop=True)


def _valid(cw: pd.DataFrame, year: int) -> pd.Series:
    return (cw["valid_from"] <= year) & (cw["valid_to"].isna() | (cw["valid_to"] > year))


def crosswalk_at(vintage: int, *, level: str = "county") -> pd.DataFrame:
    """Return the rows of ``crosswalk_2010.csv`` for codes in use in ``vintage``.

    Codes not in use that year but in an adjacent one are added from the nearest year (the 2010
    census still has 崇文区/宣武区, abolished in mid-2010).

    Parameters
    ----------
    vintage
        Year of the codes.
    level
        ``"county"`` or ``"prefecture"``.

    Returns
    -------
    pandas.DataFrame
        The crosswalk rows of :func:`crosswalk_2010` valid in ``vintage`` (or the nearest year).
    """
    cw = crosswalk_2010(level)
    out = cw[_valid(cw, vintage)]
    have = set(out["old_adcode"])
    for delta in (1, -1, 2, -2):
        extra = cw[_valid(cw, vintage - delta) & ~cw["old_adcode"].isin(have)]
        out = pd.concat([out, extra])
        have |= set(extra["old_adcode"])
    return out.reset_index(drop=True)


def detect_vintage(codes: pd.Series, layer_codes: set[str] | None = None,
                   names: pd.Series | None = None) -> int | None:
    """Find the year (2009-2021) whose code list fits the table's codes best.

    Only codes that changed after 2009 are evidence, and with ``names`` only when the row's name
    fits the code's old name (codes are reused: 360402 was 庐山区, now 濂溪区). A table of
    unchanged codes has no vintage (none is needed). Ties go to the latest year; 2019 and later
    give 2020 (the changes since the 2020 census).

    Parameters
    ----------
    codes
        The table's 6-digit codes.
    layer_codes
        The county layer's codes: a recoded old code that is also in the layer is no evidence.
    names
        The table's unit names, aligned with ``codes``.

    Returns
    -------
    int or None
        The year, 2020 for 2019 and later, or None without evidence.
    """
    cw = crosswalk_2010()
    table = set(codes.dropna())
    old = cw[cw["old_adcode"].isin(table)]
    if names is not None:
        name_of = {c: base_name(n) for c, n in zip(codes, names, strict=True) if isinstance(c, str)}
        keep = [name_of.get(c) in ("", None) or name_of[c] == base_name(n)
                for c, n in zip(old["old_adcode"], old["old_name"], strict=True)]
        old = old[pd.Series(keep, index=old.index, dtype=bool)]
    if layer_codes is not None:
        old = old[~old["old_adcode"].isin(layer_codes) | (old["relation"] != "recode")]
    if old.empty:
        return None
    scores = {y: int(old.loc[_valid(old, y), "old_adcode"].nunique()) for y in range(2009, 2022)}
    best = max(scores.values())
    if best == 0:
        return None
    year = max(y for y, s in scores.items() if s == best)
    if year >= 2019:
        # the census of November 2020 still has codes of the 2019 year-end list (港闸区, 三山区):
        # the curated changes since the 2020 census fit it
        logger.info("table codes fit the %d-2020 code lists: using the changes since the 2020 census", year)
        return 2020
    logger.info("table codes fit the %d code list best (%d of %d changed codes in use)", year, best,
                old["old_adcode"].nunique())
    return year


def prefecture_map(vintage: int | None) -> dict[str, list[str]]:
    """Map old prefecture codes to today's prefecture codes (毕节地区 522400 -> 520500, 巢湖 -> 3).

    Parameters
    ----------
    vintage
        Year of the old codes (rows valid that year or the year before); None: all rows.

    Returns
    -------
    dict of str to list of str
        Old prefecture code -> sorted codes of today's prefectures.
    """
    cw = crosswalk_2010("prefecture")
    if vintage is not None and vintage < 2022:
        cw = cw[_valid(cw, vintage) | _valid(cw, vintage - 1)]
    out: dict[str, list[str]] = {}
    for old, grp in cw.groupby("old_adcode"):
        out[str(old)] = sorted(set(grp["new_adcode"]))
    return out


def prefecture_names(vintage: int | None) -> dict[str, list[str]]:
    """Map old prefecture names to today's prefecture codes (毕节地区 -> 520500).

    Parameters
    ----------
    vintage
        Year of the old names (rows valid that year or the year before); None: all rows.

    Returns
    -------
    dict of str to list of str
        Old prefecture name -> sorted codes of today's prefectures.
    """
    cw = crosswalk_2010("prefecture")
    if vintage is not None and vintage < 2022:
        cw = cw[_valid(cw, vintage) | _valid(cw, vintage - 1)]
    out: dict[str, list[str]] = {}
    for old, grp in cw.groupby("old_name"):
        out[str(old)] = sorted(set(grp["new_adcode"]))
    return out
