"""File input/output: atomic, reproducible writes; table and layer reading with clear errors.

Writes go to a hidden temporary file beside the target, renamed onto it only on success
(:func:`atomic_path`). The temporary name carries the writer's process id, so temporaries left
by a killed process (SIGKILL, power loss) are removed by the next write of the same target.
GeoPackages are written with a fixed ``OGR_CURRENT_DATE``, so the same data gives the same
bytes; CSVs can be written with a fixed number format, whole-number columns as integers and a
fixed row order (:func:`write_table`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._errors import (
    DataFileNotFoundError,
    EncodingDetectionError,
    FileFormatError,
    InvalidValueError,
    OutputPathError,
    UnknownNameError,
    suggest,
)
from geourb._log import logger

TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
"""Encodings tried in order: UTF-8 (with or without BOM), then GB18030 (a superset of GBK/GB2312)."""

FLOAT_FORMAT = "%.6f"
"""Number format of reproducible CSV outputs (six decimals)."""

OGR_CURRENT_DATE = "2000-01-01T00:00:00.000Z"
"""Timestamp GDAL writes into GeoPackage metadata (``gpkg_contents.last_change``): fixed, for identical reruns."""

LAYER_SUFFIXES = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON", ".fgb": "FlatGeobuf",
                  ".shp": "ESRI Shapefile"}
_TMP_TAG = ".geourb-"


# --------------------------------------------------------------------------------------------
# output folders and atomic writes


def ensure_writable_dir(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` if needed and check that files can be written in it.

    Call it before a long computation, so a read-only folder fails at once.

    Parameters
    ----------
    folder
        The output folder.

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    OutputPathError
        A file is in the way (the folder or one of its parents is a file), or the folder cannot
        be created or written.
    """
    folder = Path(folder)
    for parent in (folder, *folder.parents):
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise OutputPathError(
                    f"Cannot write into {folder}: {parent} is a file, not a folder. Choose another "
                    "output folder, or move that file away.")
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f"{_TMP_TAG}probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputPathError(
            f"Output folder {folder} is not writable ({exc.strerror or exc}). Choose another folder "
            "or fix its permissions.") from exc
    return folder


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temps(path: str | os.PathLike[str]) -> list[Path]:
    """Remove temporaries of ``path`` left by writers that no longer run (killed mid-write).

    Parameters
    ----------
    path
        The output whose stale temporaries (``.<name>.geourb-<pid>-...``) to remove.

    Returns
    -------
    list of pathlib.Path
        The temporaries removed.
    """
    path = Path(path)
    removed = []
    pattern = glob.escape(str(path.parent / f".{path.name}{_TMP_TAG}")) + "*"
    for name in glob.glob(pattern):
        tmp = Path(name)
        pid_text = tmp.name[len(f".{path.name}{_TMP_TAG}"):].split("-", 1)[0]
        if not pid_text.isdigit() or _pid_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            if tmp.is_dir() and not tmp.is_symlink():
                shutil.rmtree(tmp)
            else:
                tmp.unlink()
            removed.append(tmp)
            logger.info("removed %s, left by an interrupted write of %s", tmp, path)
    return removed


def _prepare(path: Path) -> None:
    if path.is_dir():
        raise OutputPathError(f"Cannot write {path}: a folder of that name exists. Choose another file name.")
    ensure_writable_dir(path.parent)
    clean_stale_temps(path)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    A crash inside the block leaves any existing ``path`` untouched and no half-written file;
    temporaries left by a killed process are removed on the next write of ``path``.

    Parameters
    ----------
    path
        The final output file.

    Returns
    -------
    iterator of pathlib.Path
        The temporary path to write (in the same folder, so the rename is atomic).

    Raises
    ------
    OutputPathError
        The folder cannot be written, a file is in the way, or ``path`` is a folder.
    """
    path = Path(path)
    _prepare(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{_TMP_TAG}{os.getpid()}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    tmp_path.unlink()  # writers such as GPKG want to create the file themselves
    try:
        yield tmp_path
        try:
            os.replace(tmp_path, path)
        except OSError as exc:
            raise OutputPathError(f"Cannot write {path} ({exc.strerror or exc}).") from exc
    finally:
        if tmp_path.is_dir():
            shutil.rmtree(tmp_path, ignore_errors=True)
        elif tmp_path.exists():
            tmp_path.unlink()


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) atomically.

    Parameters
    ----------
    path
        The file to write.
    text
        Its content.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` atomically.

    Parameters
    ----------
    path
        The file to write.
    data
        Its content.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


# --------------------------------------------------------------------------------------------
# tables


def integral_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Float columns whose non-missing values are all whole numbers, as ``Int64`` (NA kept).

    Counts, ranks and populations computed as floats are then written ``708829``, not
    ``708829.000000``; real fractions keep their float format. Columns with no value are
    left alone.

    Parameters
    ----------
    df
        Any table.

    Returns
    -------
    pandas.DataFrame
        A copy with the whole-number float columns as ``Int64``.

    Examples
    --------
    >>> integral_columns(pd.DataFrame({"n": [1.0, None], "x": [0.5, 1.0]})).dtypes.astype(str).tolist()
    ['Int64', 'float64']
    """
    out = df.copy()
    for col in out.columns:
        if col == "geometry" or not pd.api.types.is_float_dtype(out[col]):
            continue
        x = out[col].to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(x)
        if ok.any() and not np.isinf(x).any() and (x[ok] == np.round(x[ok])).all() and (np.abs(x[ok]) < 2**53).all():
            ints = pd.Series(np.where(ok, x, 0).astype(np.int64), index=out.index, dtype="Int64")
            out[col] = ints.mask(~ok)
    return out


def _sorted(df: pd.DataFrame, sort_by: str | Sequence[str] | None) -> pd.DataFrame:
    if sort_by is None:
        return df
    keys = [sort_by] if isinstance(sort_by, str) else list(sort_by)
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise InvalidValueError(f"Cannot sort by {missing}: no such column; columns: {list(df.columns)[:12]}.")
    return df.sort_values(keys, kind="mergesort")


def write_table(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    index: bool = False,
    float_format: str | None = None,
    integral: bool = False,
    sort_by: str | Sequence[str] | None = None,
) -> Path:
    """Write a table atomically; format from the suffix (.csv, .parquet, .xlsx).

    CSV is UTF-8 *with* a byte-order mark, so that Excel on Chinese Windows (which otherwise
    assumes GBK) shows Chinese names correctly; pandas, QGIS and :func:`read_table` read it as
    UTF-8. Geometry columns are left out of CSV and XLSX.

    Parameters
    ----------
    df
        The table.
    path
        Output file (.csv, .parquet or .xlsx).
    index
        Write the index as a column.
    float_format
        CSV number format, e.g. :data:`FLOAT_FORMAT` (``"%.6f"``), for byte-identical outputs.
    integral
        Write float columns holding only whole numbers (counts, populations, ranks) as
        integers (:func:`integral_columns`).
    sort_by
        Column(s) giving the row order (stable sort).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InvalidValueError
        Unknown suffix or sort column.
    OutputPathError
        The folder cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".parquet", ".xlsx"}:
        raise InvalidValueError(
            f"Cannot write a table to {path}: unknown suffix {suffix!r}; use .csv, .parquet or .xlsx."
        )
    df = _sorted(df, sort_by)
    if integral:
        df = integral_columns(df)
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            frame = pd.DataFrame(df.drop(columns="geometry", errors="ignore"))
            frame.to_csv(tmp, index=index, encoding="utf-8-sig", lineterminator="\n", float_format=float_format)
        elif suffix == ".parquet":
            df.to_parquet(tmp, index=index)
        else:
            pd.DataFrame(df.drop(columns="geometry", errors="ignore")).to_excel(tmp, index=index)
    logger.info("wrote %s (%d rows)", path, len(df))
    return path


# --------------------------------------------------------------------------------------------
# layers


@contextlib.contextmanager
def _fixed_gdal_date() -> Iterator[None]:
    import pyogrio

    old = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": OGR_CURRENT_DATE})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": old})


def write_layer(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    integral: bool = False,
    sort_by: str | Sequence[str] | None = None,
) -> Path:
    """Write a GeoDataFrame atomically and reproducibly; format from the suffix.

    Parameters
    ----------
    gdf
        The layer.
    path
        Output file: .gpkg, .parquet (GeoParquet), .geojson, .fgb or .shp.
    layer
        Layer name inside a GeoPackage (default: the file's stem).
    integral
        Whole-number float columns as integers (:func:`integral_columns`).
    sort_by
        Column(s) giving the feature order (stable sort).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InvalidValueError
        Unknown suffix.
    OutputPathError
        The folder cannot be written.

    Notes
    -----
    The same data gives the same bytes: GeoPackages get a fixed ``OGR_CURRENT_DATE``. A
    Shapefile is a set of files (.shp, .shx, .dbf, .prj, .cpg); it is written into a hidden
    folder, then moved into place with the ``.shp`` *last* (after removing the old one), so an
    interruption leaves either the complete new set or no ``.shp`` at all, never a new
    ``.dbf`` beside an old ``.shp``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix != ".parquet" and suffix not in LAYER_SUFFIXES:
        raise InvalidValueError(
            f"Cannot write a layer to {path}: unknown suffix {suffix!r}; "
            "use .gpkg, .parquet, .geojson, .fgb or .shp."
        )
    gdf = _sorted(gdf, sort_by)
    if integral:
        gdf = integral_columns(gdf)
    if suffix == ".shp":
        return _write_shapefile(gdf, path)
    with atomic_path(path) as tmp:
        if suffix == ".parquet":
            gdf.to_parquet(tmp, index=False)
        else:
            driver = LAYER_SUFFIXES[suffix]
            # the layer name is stored in GPKG, GeoJSON and FlatGeobuf: the target's, not the temporary's
            with _fixed_gdal_date():
                gdf.to_file(tmp, driver=driver, engine="pyogrio", index=False, layer=layer or path.stem)
    logger.info("wrote %s (%d features)", path, len(gdf))
    return path


SHAPEFILE_PARTS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd", ".shp.xml")


def _write_shapefile(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    """Write a Shapefile set into a hidden folder, then swap it in with the .shp last."""
    _prepare(path)
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{path.name}{_TMP_TAG}{os.getpid()}-", dir=path.parent))
    try:
        gdf.to_file(tmp_dir / path.name, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8", index=False)
        new = {p.name[len(path.stem):]: p for p in tmp_dir.iterdir()}
        # 1. the old .shp goes first: from now on no reader pairs an old .shp with a new .dbf
        path.unlink(missing_ok=True)
        # 2. old sidecars the new set does not replace (indexes) go too
        for ext in SHAPEFILE_PARTS:
            if ext not in new:
                path.with_name(path.stem + ext).unlink(missing_ok=True)
        # 3. the new sidecars, then the new .shp (the commit point)
        for ext, new_part in sorted(new.items(), key=lambda kv: kv[0].lower() == ".shp"):
            os.replace(new_part, path.with_name(path.stem + ext))
    except OSError as exc:
        raise OutputPathError(f"Cannot write {path} ({exc.strerror or exc}).") from exc
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    logger.info("wrote %s (%d features)", path, len(gdf))
    return path


# --------------------------------------------------------------------------------------------
# reading


def _require_file(path: Path, what: str) -> None:
    if path.is_dir():
        raise FileFormatError(f"{what} {path} is a folder, not a file. Give the path of the file inside it.")
    if not path.exists():
        raise DataFileNotFoundError(
            f"{what} {path} does not exist. Check the path (relative paths start at {Path.cwd()})."
        )


def _read_excel(path: Path, sheet: str | int | None, dtype: dict[str, str] | str | None) -> pd.DataFrame:
    try:
        book = pd.ExcelFile(path)
    except (zipfile.BadZipFile, ValueError, OSError, KeyError) as exc:
        raise FileFormatError(
            f"{path} cannot be read as a spreadsheet ({type(exc).__name__}: {exc}). Open it in Excel "
            "and save it again as .xlsx, or export it as CSV.") from exc
    with book:
        names = [str(s) for s in book.sheet_names]
        if sheet is None:
            sheet = 0
        if isinstance(sheet, int):
            if not -len(names) <= sheet < len(names):
                raise UnknownNameError(f"{path} has {len(names)} sheet(s), no sheet number {sheet}; "
                                       f"sheets: {', '.join(names)}.")
        elif sheet not in names:
            raise UnknownNameError(f"{path} has no sheet {sheet!r}; sheets: {', '.join(names)}."
                                   + suggest(sheet, names))
        frame = pd.read_excel(book, sheet_name=sheet, dtype=dtype)
    if frame.shape[1] == 0:
        raise FileFormatError(f"Sheet {sheet!r} of {path} is empty.")
    return frame


def read_table(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    dtype: dict[str, str] | str | None = None,
) -> pd.DataFrame:
    """Read a CSV/TXT (encoding detected), XLSX/XLS or Parquet table.

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

    Returns
    -------
    pandas.DataFrame
        The table.

    Raises
    ------
    DataFileNotFoundError
        The file does not exist.
    FileFormatError
        The path is a folder, or the file is empty, truncated or not in the format its suffix says.
    UnknownNameError
        No such sheet (the message lists the sheets).
    EncodingDetectionError
        A text file is neither UTF-8 nor GB18030.
    """
    path = Path(path)
    _require_file(path, "Table")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        return _read_excel(path, sheet, dtype)
    if suffix == ".parquet":
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several unrelated types for a bad file
            raise FileFormatError(f"{path} cannot be read as Parquet ({type(exc).__name__}: {exc}).") from exc
    raw = path.read_bytes()
    if not raw.strip(b"\xef\xbb\xbf \t\r\n"):
        raise FileFormatError(f"Table {path} is empty (no header, no rows). Export the table again.")
    for enc in (encoding,) if encoding else TEXT_ENCODINGS:
        try:
            raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        logger.debug("reading %s as %s", path, enc)
        sep = "\t" if suffix in {".tsv", ".tab"} else ","
        try:
            return pd.read_csv(path, encoding=enc, dtype=dtype, sep=sep)
        except pd.errors.EmptyDataError as exc:
            raise FileFormatError(f"Table {path} is empty (no header, no rows). Export the table again.") from exc
        except pd.errors.ParserError as exc:
            raise FileFormatError(
                f"Table {path} is not a well-formed {'tab' if sep == chr(9) else 'comma'}-separated table "
                f"({exc}). Check the separator and quotes, or save it from Excel as CSV UTF-8.") from exc
    raise EncodingDetectionError(
        f"Cannot decode {path} as {' or '.join((encoding,) if encoding else TEXT_ENCODINGS)}. "
        "Re-save it as UTF-8 or pass encoding='...' (e.g. 'big5' for traditional-Chinese files)."
    )


def read_layer(path: str | os.PathLike[str], *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a spatial layer (GPKG, GeoParquet, GeoJSON, Shapefile, FlatGeobuf, FileGDB) with clear errors.

    Parameters
    ----------
    path
        The file (a ``.gdb`` folder for a FileGDB).
    layer
        Layer of a multi-layer source (default: the first).

    Returns
    -------
    geopandas.GeoDataFrame
        The features.

    Raises
    ------
    DataFileNotFoundError
        The file does not exist.
    FileFormatError
        The file is empty, truncated or not a layer (e.g. plain Parquet without geometry).
    UnknownNameError
        No such layer (the message lists the layers).
    """
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    path = Path(path)
    if not path.exists():
        raise DataFileNotFoundError(
            f"Layer file {path} does not exist. Check the path (relative paths start at {Path.cwd()}).")
    if path.is_dir() and path.suffix.lower() != ".gdb":
        raise FileFormatError(f"Layer {path} is a folder, not a file. Give the path of the layer file inside it.")
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".geoparquet"}:
        if layer is not None:
            raise InvalidValueError(f"{path} is GeoParquet: it has one layer; do not name a layer.")
        try:
            return gpd.read_parquet(path)
        except (ValueError, KeyError) as exc:
            raise FileFormatError(
                f"{path} has no geometry (plain Parquet) or no GeoParquet metadata ({exc}); a table keyed "
                "by adcode is joined to the county layer instead (geourb.workflows.join_to_counties).") from exc
        except Exception as exc:  # pyarrow errors for a truncated file
            raise FileFormatError(f"{path} cannot be read as GeoParquet ({type(exc).__name__}: {exc}).") from exc
    if path.is_file() and path.stat().st_size == 0:
        raise FileFormatError(f"Layer file {path} is empty (0 bytes). Write or download it again.")
    if layer is not None:
        try:
            names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        except (DataSourceError, OSError) as exc:
            raise FileFormatError(f"{path} cannot be read as a spatial layer ({exc}).") from exc
        if layer not in names:
            raise UnknownNameError(f"{path} has no layer {layer!r}; layers: {', '.join(names)}."
                                   + suggest(layer, names))
    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except (DataSourceError, DataLayerError, OSError, ValueError) as exc:
        raise FileFormatError(
            f"{path} cannot be read as a spatial layer: it is truncated, empty or not "
            f"{LAYER_SUFFIXES.get(suffix, 'a format GDAL reads')} ({type(exc).__name__}: {exc}). "
            "Export it again.") from exc
