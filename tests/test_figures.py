"""Tests of geourb.figures: static maps and charts with map furniture, CJK text, PNG/SVG."""

from __future__ import annotations

import re
import warnings

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
import shapely

from geourb import figures
from geourb._errors import InvalidValueError, MissingColumnError


@pytest.fixture(scope="module")
def ningxia(counties):
    return counties[counties["province"] == "宁夏回族自治区"].copy()


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def test_choropleth_figure_furniture_and_outputs(ningxia, tmp_path):
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph (tofu) would warn
        fig = figures.choropleth_figure(ningxia, "area_km2", label="面积", unit="km²",
                                        title="宁夏县域面积", k=4)
        png = figures.save_figure(fig, tmp_path / "nx.png")
        svg = figures.save_figure(fig, tmp_path / "nx.svg")
    texts = _texts(fig)
    assert "宁夏县域面积" in texts and "N" in texts  # title, north arrow
    assert "面积 (km²)" in texts  # legend title with the unit
    assert any(t.startswith("数据来源") for t in texts)  # source line
    from matplotlib_scalebar.scalebar import ScaleBar

    assert any(isinstance(a, ScaleBar) for a in fig.axes[0].artists)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert len(legend) == 4 and all(re.fullmatch(r"[\d,.]+ – [\d,.]+", t) for t in legend)
    with Image.open(png) as img:
        assert round(img.info["dpi"][0]) == 300 and max(img.size) > 1500
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<path" in text
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # atomic


def test_regions_isochrones_contributions_distribution(ningxia, tmp_path):
    regions = ningxia.dissolve("prefecture").reset_index()[["prefecture", "geometry"]]
    regions = regions.rename(columns={"prefecture": "name"})
    regions["rank"] = [1, 2, 3, np.nan, np.nan][: len(regions)]
    fig = figures.regions_figure(regions, rank_column="rank", counties=ningxia, title="区域")
    texts = _texts(fig)
    assert "1 中卫市" in texts and "银川市" in texts and any(t.endswith("市") and not t[0].isdigit() for t in texts)
    center = shapely.Point(106.23, 38.49)  # synthetic bands around 银川
    bands = gpd.GeoDataFrame({"band_min": [30, 60]}, crs=4326,
                             geometry=[center.buffer(0.3), center.buffer(0.6)])
    fig = figures.isochrone_figure(bands, counties=ningxia, title="银川 1 小时")
    assert "出行时间 (分钟)" in _texts(fig) and "≤ 30" in _texts(fig)
    contrib = pd.DataFrame({"contrib_pop_total": [0.3, 0.2], "contrib_gap_to_national": [0.2, 0.1]},
                           index=["皖北", "皖中"])
    fig = figures.contributions_figure(contrib, labels={"contrib_pop_total": "人口"})
    assert {"人口", "gap_to_national", "皖北", "得分贡献 (分)"} <= set(_texts(fig))
    fig = figures.distribution_figure(pd.Series(np.linspace(0.2, 0.9, 50)), label="城镇化率",
                                      reference={"全国": 0.639})
    assert "全国: 0.639" in _texts(fig)
    with pytest.raises(InvalidValueError, match="finite"):
        figures.distribution_figure(pd.Series([np.nan]), label="x")
    with pytest.raises(InvalidValueError, match=r"\.png or \.svg"):
        figures.save_figure(fig, tmp_path / "x.pdf")
    with pytest.raises(MissingColumnError):
        figures.choropleth_figure(ningxia, "人口")


def test_without_cjk_font_warns_and_never_draws_boxes(ningxia, monkeypatch):
    """Simulated machine without CJK fonts: a warning naming the fix, no CJK glyph drawn."""
    from matplotlib import font_manager

    real = font_manager.fontManager.ttflist
    monkeypatch.setattr(font_manager.fontManager, "ttflist",
                        [f for f in real if "CJK" not in f.name and "Hei" not in f.name])
    figures.cjk_font.cache_clear()
    try:
        with pytest.warns(figures.CjkFontWarning, match="apt-get install fonts-noto-cjk"):
            fig = figures.choropleth_figure(ningxia, "area_km2", label="面积", unit="km²",
                                            title="宁夏 Ningxia")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no "Glyph missing" warning while drawing
            fig.canvas.draw()
        texts = _texts(fig)
        assert not any(figures._CJK.search(t) for t in texts)
        assert "Ningxia" in texts and "area_km2 (km²)" in texts
    finally:
        figures.cjk_font.cache_clear()
