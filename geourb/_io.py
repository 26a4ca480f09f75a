"""File input/output: atomic writes, table reading with encoding detection, layer writing."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geourb._errors import DataFileNotFoundError, EncodingDetectionError, InvalidValueError
from geourb._log import logger

TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
"""Encodings tried in order: UTF-8 (with or without BOM), then GB18030 (a superset of GBK/GB2312)."""


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    A crash inside the block leaves any existing ``path`` untouched and no half-written file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    tmp_path.unlink()  # writers such as GPKG want to create the file themselves
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_table(
    df: pd.DataFrame, path: str | os.PathLike[str], *, index: bool = False, float_format: str | None = None
) -> Path:
    """Write a table atomically; format from the suffix (.csv, .parquet, .xlsx).

    CSV is UTF-8 *with* a byte-order mark, so that Excel on Chinese Windows (which otherwise
    assumes GBK) shows Chinese names correctly; pandas, QGIS and :func:`read_table` read it as
    UTF-8. Geometry columns are left out of CSV and XLSX. ``float_format`` (e.g. ``"%.6f"``)
    fixes the CSV number format, for byte-identical outputs.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            frame = pd.DataFrame(df.drop(columns="geometry", errors="ignore"))
            frame.to_csv(tmp, index=index, encoding="utf-8-sig", lineterminator="\n", float_format=float_format)
        elif suffix == ".parquet":
            df.to_parquet(tmp, index=index)
        elif suffix == ".xlsx":
            pd.DataFrame(df.drop(columns="geometry", errors="ignore")).to_excel(tmp, index=index)
        else:
            raise InvalidValueError(
                f"Cannot write a table to {path}: unknown suffix {suffix!r}; use .csv, .parquet or .xlsx."
            )
    logger.info("wrote %s (%d rows)", path, len(df))
    return path


def write_layer(gdf: gpd.GeoDataFrame, path: str | os.PathLike[str], *, layer: str | None = None) -> Path:
    """Write a GeoDataFrame atomically; format from the suffix (.gpkg, .parquet, .geojson, .shp)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".shp":
        return _write_shapefile(gdf, path)
    with atomic_path(path) as tmp:
        if suffix == ".parquet":
            gdf.to_parquet(tmp, index=False)
        elif suffix in {".gpkg", ".geojson", ".json", ".shp", ".fgb"}:
            driver = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON",
                      ".shp": "ESRI Shapefile", ".fgb": "FlatGeobuf"}[suffix]
            kwargs = {"layer": layer or path.stem} if driver == "GPKG" else {}
            gdf.to_file(tmp, driver=driver, engine="pyogrio", index=False, **kwargs)
        else:
            raise InvalidValueError(
                f"Cannot write a layer to {path}: unknown suffix {suffix!r}; "
                "use .gpkg, .parquet, .geojson, .fgb or .shp."
            )
    logger.info("wrote %s (%d features)", path, len(gdf))
    return path


def _write_shapefile(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    """Write a Shapefile and its sidecars (.shx, .dbf, .prj, .cpg) into a temporary folder, then
    move each file into place; a crash while writing leaves no partial set."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{path.stem}.", dir=path.parent))
    try:
        gdf.to_file(tmp_dir / path.name, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8", index=False)
        for part in sorted(tmp_dir.iterdir()):
            os.replace(part, path.with_suffix(part.suffix))
    finally:
        for part in tmp_dir.iterdir():
            part.unlink()
        tmp_dir.rmdir()
    logger.info("wrote %s (%d features)", path, len(gdf))
    return path


def _require_file(path: Path, what: str) -> None:
    if not path.exists():
        raise DataFileNotFoundError(
            f"{what} {path} does not exist. Check the path (relative paths start at {Path.cwd()})."
        )


def read_table(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    dtype: dict[str, str] | str | None = None,
) -> pd.DataFrame:
    """Read a CSV/TXT (encoding detected) or XLSX/XLS table.

    Parameters
    ----------
    path
        The file.
    sheet
        Sheet name or number for spreadsheets (default: the first).
    encoding
        Force an encoding for text files; by default UTF-8 (with or without BOM) is tried, then
        GB18030, which also reads GBK and GB2312.
    dtype
        Passed to pandas.

    Raises
    ------
    DataFileNotFoundError
        The file does not exist.
    EncodingDetectionError
        A text file is neither UTF-8 nor GB18030.
    """
    path = Path(path)
    _require_file(path, "Table")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=dtype)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    raw = path.read_bytes()
    for enc in (encoding,) if encoding else TEXT_ENCODINGS:
        try:
            raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        logger.debug("reading %s as %s", path, enc)
        sep = "\t" if suffix in {".tsv", ".tab"} else ","
        return pd.read_csv(path, encoding=enc, dtype=dtype, sep=sep)
    raise EncodingDetectionError(
        f"Cannot decode {path} as {' or '.join((encoding,) if encoding else TEXT_ENCODINGS)}. "
        "Re-save it as UTF-8 or pass encoding='...' (e.g. 'big5' for traditional-Chinese files)."
    )
