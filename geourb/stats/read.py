"""Reading statistics tables: header detection, title/footnote rows, units and the column mapping.

Yearbook sheets rarely start with a one-row header: they carry a title (and ``单位：万人``) above it,
two-row merged headers (``人口`` over ``常住人口``), footnotes (``注：...``) below, numbers with
thousand separators and ``—`` for missing values. :func:`read_statistics` finds the header row from
the column mapping, joins two-row headers as ``"upper/lower"`` (the lower cell alone works too),
drops title and footnote rows (logged), and scales counts given in 万人/万元/亿元/%.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from geourb._errors import (
    DataFileNotFoundError,
    EncodingDetectionError,
    InvalidValueError,
    MissingColumnError,
    UnknownNameError,
)
from geourb._log import logger
from geourb._validate import normalize_adcode

ID_COLUMNS = ("adcode", "province", "prefecture", "name")
COUNT_COLUMNS = ("pop_total", "pop_urban", "pop_rural", "pop_cityzone")
"""Additive columns: summed over merged units and allocated by area over split ones."""
KNOWN_KEYS = (*ID_COLUMNS, *COUNT_COLUMNS, "urbanization_rate", "area_km2", "gdp", "gdp_yuan")
"""Mapping keys geourb knows; others must start with ``pop_``, ``n_``, ``count_``, ``value_`` or ``x_``."""
_FREE_PREFIXES = ("pop_", "n_", "count_", "value_", "x_", "gdp_", "rate_")

MAX_COUNT = 50_000_000
"""No county-level unit has more people (or households) than this; larger counts are errors."""

UNITS: dict[str, float] = {
    "人": 1.0, "个": 1.0, "户": 1.0, "元": 1.0, "千人": 1e3, "万人": 1e4, "万户": 1e4, "万个": 1e4,
    "百万人": 1e6, "亿人": 1e8, "万元": 1e4, "千元": 1e3, "百万元": 1e6, "亿元": 1e8, "%": 0.01,
    "％": 0.01, "‰": 0.001, "平方公里": 1.0, "km2": 1.0, "公顷": 0.01, "万": 1e4, "亿": 1e8,
}
"""Unit words and their factor to base units (people, yuan, fractions, km²)."""
_UNIT_RE = re.compile(r"[(（\[]\s*(" + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
                      + r")\s*[)）\]]")
_TITLE_UNIT_RE = re.compile(r"单位\s*[:：]\s*([^\s,，;；)）]+)")
_FOOTNOTE_RE = re.compile(r"^\s*(注|说明|资料来源|数据来源|备注|附注|\*)\s*[:：\d、.]?")
_MISSING = {"", "-", "—", "——", "–", "…", "...", "…。", "nan", "NaN", "None", "/", "x", "X", "×"}
_SCAN_ROWS = 30


def _norm(text: object) -> str:
    """Header cell text without whitespace (line breaks included)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return re.sub(r"\s+", "", str(text))


def _read_raw(path: Path, *, sheet: str | int | None, encoding: str | None) -> pd.DataFrame:
    """Read the whole sheet or text table as strings/objects without a header row."""
    from geourb._io import TEXT_ENCODINGS

    if not path.exists():
        raise DataFileNotFoundError(f"Table {path} does not exist. Check the path (relative paths start at "
                                    f"{Path.cwd()}).")
    if path.is_dir():
        raise DataFileNotFoundError(f"Table {path} is a folder, not a file.")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        try:
            return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, header=None, dtype=object)
        except ValueError as exc:
            if "not found" not in str(exc) and "out of range" not in str(exc):
                raise
            sheets = list(pd.ExcelFile(path).sheet_names)
            raise UnknownNameError(f"{path} has no sheet {sheet!r}; its sheets are {sheets}.") from exc
    if suffix == ".parquet":
        df = pd.read_parquet(path)
        return pd.concat([pd.DataFrame([list(df.columns)], columns=df.columns), df.astype(object)],
                         ignore_index=True).T.reset_index(drop=True).T
    raw = path.read_bytes()
    for enc in (encoding,) if encoding else TEXT_ENCODINGS:
        try:
            text = raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if not text.strip():
            raise InvalidValueError(f"Table {path} is empty.")
        sep = "\t" if suffix in {".tsv", ".tab"} else ","
        logger.debug("reading %s as %s", path, enc)
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=sep))
        width = max((len(r) for r in rows), default=0)
        return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    raise EncodingDetectionError(
        f"Cannot decode {path} as {' or '.join((encoding,) if encoding else TEXT_ENCODINGS)}. "
        "Re-save it as UTF-8 or pass encoding='...' (e.g. 'big5' for traditional-Chinese files).")


def _header_names(grid: pd.DataFrame, row: int) -> tuple[list[str], list[str]]:
    """Column names for a header at ``row``: (joined "upper/lower" names, lower cells)."""
    lower = [_norm(v) for v in grid.iloc[row]]
    if row == 0:
        return lower, lower
    upper = pd.Series([_norm(v) or None for v in grid.iloc[row - 1]], dtype=object).ffill().fillna("")
    # an upper row counts only if it looks like a header band (a merged label over several columns)
    nonempty = sum(bool(u) for u in grid.iloc[row - 1].map(_norm))
    if nonempty < 1 or nonempty >= len(lower) or (nonempty == 1 and not lower[0]):
        return lower, lower
    joined = []
    for up, low in zip(upper, lower, strict=True):
        if up and low and up != low:
            joined.append(f"{up}/{low}")
        else:
            joined.append(low or up)
    return joined, lower


def _find_header(grid: pd.DataFrame, wanted: list[str]) -> tuple[int, list[str], list[str]] | None:
    want = [_norm(w) for w in wanted]
    for row in range(min(_SCAN_ROWS, len(grid))):
        joined, lower = _header_names(grid, row)
        cells = set(joined) | set(lower) | {j.split("/", 1)[0] for j in joined}
        if all(w in cells for w in want):
            return row, joined, lower
    return None


def _resolve(want: str, joined: list[str], lower: list[str]) -> int:
    w = _norm(want)
    for names in (joined, lower):
        hits = [i for i, n in enumerate(names) if n == w]
        if len(hits) == 1:
            return hits[0]
    hits = [i for i, n in enumerate(joined) if n.split("/", 1)[0] == w]
    if len(hits) >= 1:
        return hits[0]
    hits = [i for i, n in enumerate(lower) if n == w]
    return hits[0]


def parse_unit(unit: str, *, source: str) -> float:
    """Return the factor of a unit word (``万人`` -> 10000).

    Parameters
    ----------
    unit
        A unit word, with or without brackets (``(万人)``).
    source
        The table, named in the error message.

    Returns
    -------
    float
        The factor that turns the unit into persons (or plain numbers).

    Raises
    ------
    InvalidValueError
        An unknown unit.
    """
    u = _norm(unit).strip("()（）[]")
    if u in UNITS:
        return UNITS[u]
    raise InvalidValueError(f"{source}: cannot parse the unit {unit!r}. Known units: {', '.join(UNITS)}. "
                            "Pass units={'pop_total': '万人'} (or units='人') to set it.")


def _check_keys(mapping: dict[str, str], path: Path) -> None:
    for key in mapping:
        if key in KNOWN_KEYS:
            continue
        near = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.85)
        if key.startswith(_FREE_PREFIXES) and not near:
            continue
        close = near or difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.4)
        if key.lower() in {"population", "pop", "people", "total", "人口", "常住人口"}:
            close = ["pop_total"]
        hint = f" Did you mean {close[0]}?" if close else ""
        raise UnknownNameError(
            f"Unknown mapping key {key!r} for {path}.{hint} Keys are {', '.join(KNOWN_KEYS)}, or any name "
            f"starting with {', '.join(_FREE_PREFIXES)} for further counts.")


def _numbers(values: pd.Series, *, label: str, rows: pd.Series) -> pd.Series:
    """Numbers from cells with thousand separators, full-width digits and missing-value marks."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    text = values.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    text = text.str.replace(r"[,，\s\u3000]", "", regex=True)
    text = text.str.translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
    missing = text.isin(_MISSING)
    num = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = num.isna() & ~missing
    if bad.any():
        where = ", ".join(f"row {r}: {v!r}" for r, v in zip(rows[bad][:5], values[bad][:5], strict=True))
        raise InvalidValueError(f"{label} must be numeric; {int(bad.sum())} cell(s) are not: {where}. "
                                "Fix those cells or leave them empty for missing values.")
    return num.astype(float)


def _scaled(values: pd.Series, factor: float) -> pd.Series:
    if factor == 1.0:
        return values
    out = values * factor
    near = np.rint(out)
    close = (out - near).abs() <= 1e-9 * np.maximum(1.0, out.abs())
    return out.where(~close, near)


def check_counts(df: pd.DataFrame, *, source: str, rows: pd.Series | None = None) -> None:
    """Refuse non-finite, negative or absurd counts and urban > total.

    Parameters
    ----------
    df
        The table (count columns: :data:`COUNT_COLUMNS` and ``pop_*``, ``n_*``, ``count_*``).
    source
        The table, named in the error message.
    rows
        Row numbers of the source file to name, on ``df``'s index; None: the index.

    Returns
    -------
    None
        All counts are plausible.

    Raises
    ------
    InvalidValueError
        Naming up to five offending rows.
    """
    rows = rows if rows is not None else pd.Series(df.index, index=df.index)

    def where(mask: pd.Series, col: str) -> str:
        def label(i: object) -> str:
            name = df.at[i, "name"] if "name" in df else None
            return f" ({name})" if isinstance(name, str) and name else ""

        return ", ".join(f"row {r}{label(i)}: {float(df.loc[i, col]):g}"
                         for i, r in list(zip(df.index[mask], rows[mask], strict=True))[:5])

    for col in [c for c in df.columns if c in COUNT_COLUMNS or c.startswith(("pop_", "n_", "count_"))]:
        v = df[col]
        bad = ~np.isfinite(v) & v.notna()
        if bad.any():
            raise InvalidValueError(f"{source}, column {col!r}: non-finite counts in {where(bad, col)}.")
        neg = v < 0
        if neg.any():
            raise InvalidValueError(f"{source}, column {col!r}: negative counts in {where(neg, col)}. "
                                    "Counts cannot be negative.")
        # totals (no code, or a province/prefecture code ending in 00) may exceed it
        total_row = df["adcode"].isna() | df["adcode"].str.endswith("00") if "adcode" in df else False
        big = (v > MAX_COUNT) & ~pd.Series(total_row, index=df.index).fillna(True).astype(bool)
        if big.any():
            raise InvalidValueError(
                f"{source}, column {col!r}: counts over {MAX_COUNT:,} (more than any county) in "
                f"{where(big, col)}. Totals rows need no code; check the unit (units=...).")
    if {"pop_urban", "pop_total"} <= set(df.columns):
        over = df["pop_urban"] > df["pop_total"] * (1 + 1e-9)
        if over.any():
            raise InvalidValueError(f"{source}: urban population exceeds the total population in "
                                    f"{where(over, 'pop_urban')} (pop_urban shown). Check the mapping of "
                                    "pop_urban/pop_total.")


def read_statistics(
    path: str | os.PathLike[str],
    *,
    mapping: dict[str, str],
    sheet: str | int | None = None,
    encoding: str | None = None,
    keep: list[str] | tuple[str, ...] = (),
    header_row: int | None = None,
    units: str | dict[str, str] | None = None,
    province: str | list[str] | None = None,
    prefecture: str | list[str] | None = None,
) -> pd.DataFrame:
    """Read a county statistics table (CSV in UTF-8/BOM/GBK/GB18030, or XLSX) with a column mapping.

    Parameters
    ----------
    path
        The table.
    mapping
        ``{geourb name: column in the file}``; must include ``adcode`` or ``name`` (names are
        matched within the prefecture or the ``province=``/``prefecture=`` scope of
        :func:`join_statistics`). Names starting with ``pop_`` (and ``n_``/``count_``) are counts:
        non-negative numbers under 50 million. Columns of a two-row header are addressed as
        ``"人口/常住人口"`` or by the lower cell alone (``"常住人口"``).
    sheet, encoding
        Sheet name or number; text encoding (default: UTF-8 with or without BOM, then GB18030).
    keep
        Further columns of the file to keep under their own names.
    header_row
        Spreadsheet row number (1 = first row) of the header; default: the first row within the
        first 30 that holds every mapped column. Rows above it (titles) are skipped and logged.
    units
        Unit of the count columns (``"万人"``) or per key (``{"pop_total": "万人"}``); default: a
        unit in the column header (``常住人口(万人)``) or in a title row (``单位：万人``), else none.
    province, prefecture
        Scope of the table's names (a sheet of one province's counties without codes); kept in
        ``attrs`` and used by :func:`join_statistics` unless it is given its own scope.

    Returns
    -------
    pandas.DataFrame
        Renamed columns in base units (people, yuan); ``adcode`` normalised to 6-digit strings
        (empty for rows without a code); ``source_row`` (spreadsheet row number of each row);
        ``urbanization_rate`` when urban and total population are given. Footnote and empty rows
        are dropped (logged, listed in ``attrs["skipped_rows"]``).

    Raises
    ------
    MissingColumnError
        The header was not found (the message lists the first rows seen).
    UnknownNameError
        A mapping key is misspelled (``pop_urbn``: did you mean pop_urban?).
    InvalidValueError
        Non-numeric, non-finite, negative or absurd counts, urban > total, or an unknown unit.
    """
    path = Path(path)
    if not isinstance(mapping, dict) or not mapping:
        raise InvalidValueError(f"read_statistics({path}) needs mapping={{'adcode': '<your column>', ...}}.")
    if "adcode" not in mapping and "name" not in mapping:
        raise MissingColumnError(
            f"The column mapping for {path} has neither 'adcode' nor 'name'; add e.g. "
            "mapping={'adcode': '<your column>', ...} (or {'name': '<your column>'} for names only).")
    _check_keys(mapping, path)
    grid = _read_raw(path, sheet=sheet, encoding=encoding)
    wanted = [*mapping.values(), *keep]
    if header_row is not None:
        if not isinstance(header_row, int) or isinstance(header_row, bool) or not 1 <= header_row <= len(grid):
            raise InvalidValueError(f"header_row must be a row number from 1 to {len(grid)} of {path}, "
                                    f"not {header_row!r}.")
        row = header_row - 1
        joined, lower = _header_names(grid, row)
        found = [w for w in wanted if _norm(w) in set(joined) | set(lower) | {j.split("/")[0] for j in joined}]
        if len(found) < len(wanted):
            missing = [w for w in wanted if w not in found]
            raise MissingColumnError(
                f"{path}: row {header_row} (header_row) has no column {missing}; it has "
                f"{[n for n in joined if n][:15]}.{_suggest_cols(missing[0], joined)} Fix the mapping or header_row.")
        hit: tuple[int, list[str], list[str]] | None = (row, joined, lower)
    else:
        hit = _find_header(grid, wanted)
    if hit is None:
        seen = "; ".join(f"row {i + 1}: {[c for c in map(_norm, grid.iloc[i]) if c][:8]}"
                         for i in range(min(5, len(grid))))
        allcells = [c for i in range(min(_SCAN_ROWS, len(grid))) for c in map(_norm, grid.iloc[i]) if c]
        missing = [w for w in wanted if _norm(w) not in allcells]
        key = next((k for k, v in mapping.items() if v == (missing or wanted)[0]), "adcode")
        raise MissingColumnError(
            f"{path} has no column {', '.join(repr(m) for m in missing or wanted)} in a header row within its first "
            f"{_SCAN_ROWS} rows (header detection). First rows seen: {seen}."
            f"{_suggest_cols((missing or wanted)[0], allcells)} Fix the mapping, e.g. "
            f"mapping={{'{key}': '<your column>'}}, or give the header's row number "
            "with header_row= (CLI --header-row).")
    row, joined, lower = hit
    if row > 0:
        titles = [" ".join(c for c in map(_norm, grid.iloc[i]) if c) for i in range(row)]
        logger.info("%s: header found in row %d; %d row(s) above it skipped: %s", path, row + 1, row,
                    [t for t in titles if t][:3])
    else:
        titles = []
    body = grid.iloc[row + 1:]
    rows = pd.Series(body.index + 1, index=body.index)  # spreadsheet row numbers
    cols = {key: _resolve(col, joined, lower) for key, col in [*mapping.items(), *((k, k) for k in keep)]}
    df = pd.DataFrame({key: body.iloc[:, i].to_numpy() for key, i in cols.items()}, index=body.index)
    # footnotes and empty rows
    first = body.apply(lambda r: next((str(v) for v in r if _norm(v)), ""), axis=1)
    foot = first.map(lambda t: bool(_FOOTNOTE_RE.match(t)))
    value_keys = [k for k in df.columns if k not in ID_COLUMNS]
    empty_ids = df[[k for k in df.columns if k in ID_COLUMNS]].map(_norm).eq("").all(axis=1)
    empty_vals = df[value_keys].map(_norm).isin(_MISSING).all(axis=1) if value_keys else empty_ids
    drop = foot | (empty_ids & empty_vals) | (empty_ids & foot.cummax())
    if foot.any():
        # everything after the first footnote row is footnote text
        drop |= foot.cummax() & empty_vals
    no_values = ~drop & empty_vals & (df["adcode"].map(_norm).eq("") if "adcode" in df else True)
    drop |= no_values
    skipped = [{"row": int(r), "text": first[i][:60],
                "reason": "footnote" if foot[i] else "no values" if no_values[i] else "empty row"}
               for i, r in rows[drop].items()]
    if skipped:
        logger.info("%s: %d footnote/empty row(s) skipped: %s", path, len(skipped),
                    [s["row"] for s in skipped][:10])
    df, rows = df[~drop], rows[~drop]
    for col in ("name", "province", "prefecture"):
        if col in df:
            df[col] = df[col].map(lambda v: re.sub(r"[\s\u3000]+", "", str(v)) if _norm(v) else pd.NA)
    if "adcode" in df:
        col = mapping.get("adcode", "adcode")
        text = df["adcode"].map(lambda v: v if _norm(v) else None)
        df["adcode"] = normalize_adcode(text, source=f"{path}, column {col!r}")
        no_code = int(df["adcode"].isna().sum())
        if no_code:
            logger.info("%s: %d row(s) without an administrative code (totals, subtotals, zones)", path, no_code)
    else:
        df["adcode"] = pd.Series(pd.NA, index=df.index, dtype="string")
        no_code = len(df)
    # units: units= > column header > title row
    title_unit = None
    for t in titles:
        m = _TITLE_UNIT_RE.search(t)
        if m:
            title_unit = m.group(1)
    factors: dict[str, float] = {}
    for key, i in cols.items():
        if key in ID_COLUMNS:
            continue
        label = f"{path}, column {joined[i]!r}"
        unit = units.get(key) if isinstance(units, dict) else units
        if unit is None:
            m = _UNIT_RE.search(joined[i])
            unit = m.group(1) if m else title_unit
            if unit is not None and not m and _norm(unit).strip("()（）") not in UNITS:
                raise InvalidValueError(f"{path}: cannot parse the unit {unit!r} of the title row. Known units: "
                                        f"{', '.join(UNITS)}. Pass units='人' (or e.g. units={{'pop_total': '万人'}}).")
        factors[key] = 1.0 if unit is None else parse_unit(unit, source=label)
        df[key] = _scaled(_numbers(df[key], label=label, rows=rows), factors[key])
        if factors[key] != 1.0:
            logger.info("%s: scaled by %g (%s)", label, factors[key], unit)
    if isinstance(units, dict):
        unknown = set(units) - set(cols)
        if unknown:
            raise UnknownNameError(f"units= names {sorted(unknown)}, which are not mapped columns {list(cols)}.")
    check_counts(df, source=str(path), rows=rows)
    df["source_row"] = rows.to_numpy()
    df = df.reset_index(drop=True)
    df.attrs.update(source=str(path), rows_without_code=no_code, header_row=row + 1,
                    skipped_rows=skipped, units=factors, mapping=dict(mapping),
                    province=province, prefecture=prefecture)

    return add_rates(df)


def _suggest_cols(missing: str, cells: list[str]) -> str:
    close = difflib.get_close_matches(_norm(missing), [c for c in cells if c], n=3, cutoff=0.4)
    return f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def add_rates(df: pd.DataFrame) -> pd.DataFrame:
    """(Re)compute derived rates from counts: ``urbanization_rate`` = pop_urban / pop_total (0-1).

    Parameters
    ----------
    df
        A table with ``pop_urban`` and ``pop_total`` (otherwise left unchanged); modified in place.

    Returns
    -------
    pandas.DataFrame
        ``df`` itself, with ``urbanization_rate`` (NaN where ``pop_total`` is not positive).
    """
    if {"pop_urban", "pop_total"} <= set(df.columns):
        total = df["pop_total"].where(df["pop_total"] > 0)
        df["urbanization_rate"] = df["pop_urban"] / total
    return df
