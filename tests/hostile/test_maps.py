"""Hostile input to maps, figures and the report: each refused with the right GeourbError
subclass (or a clean CLI exit 2) and a message that names the value and the fix."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geourb import figures, maps
from geourb._errors import (
    CrsError,
    DataFileNotFoundError,
    EmptyResultError,
    InvalidValueError,
    MissingColumnError,
    SettingsError,
    UnknownNameError,
)

# synthetic layers: two squares in Anhui, the same in metres labelled degrees, axes swapped
SQUARES = gpd.GeoDataFrame({"name": ["皖北", "皖中"], "score": [1.0, 2.0]}, crs=4326,
                           geometry=[shapely.box(116, 32, 117, 33), shapely.box(117, 32, 118, 33)])
METRES = SQUARES.set_geometry(SQUARES.geometry.scale(1e5, 1e5, origin=(0, 0)))
SWAPPED = SQUARES.set_geometry(SQUARES.geometry.map(
    lambda g: shapely.transform(g, lambda xy: xy[:, ::-1])))


def _cli(args, capsys):
    from geourb.cli import main

    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def test_unknown_tile_name_lists_known():
    with pytest.raises(UnknownNameError, match="known: context, none, osm, carto, tianditu, "
                                               "tianditu-imagery, amap, amap-satellite"):
        maps.make_map(maps.region_outlines(SQUARES), tiles="Foo")


def test_close_tile_name_suggested():
    with pytest.raises(UnknownNameError, match="amap"):
        maps.resolve_tiles("amapp")


def test_tile_url_without_zxy_refused():
    with pytest.raises(InvalidValueError, match=r"lacks \{z\}"):
        maps.resolve_tiles("http://tiles.local/tile.png?x={x}&y={y}")


def test_tile_url_javascript_scheme_refused():
    with pytest.raises(InvalidValueError, match="http"):
        maps.resolve_tiles("javascript:alert(1)//{z}/{x}/{y}")


def test_tianditu_without_key_explained(monkeypatch):
    monkeypatch.delenv("GEOURB_TIANDITU_KEY", raising=False)
    with pytest.raises(SettingsError, match="GEOURB_TIANDITU_KEY.*console.tianditu.gov.cn|"
                                            "console.tianditu.gov.cn.*GEOURB_TIANDITU_KEY"):
        maps.resolve_tiles("tianditu")


def test_tianditu_key_injection_refused():
    with pytest.raises(SettingsError, match="letters and digits"):
        maps.resolve_tiles("tianditu", key='abc"><script>alert(1)</script>')


def test_unknown_tiles_crs_refused():
    with pytest.raises(InvalidValueError, match="tiles_crs must be one of wgs84, gcj02"):
        maps.resolve_tiles("http://t.local/{z}/{x}/{y}.png", tiles_crs="bd09")


def test_named_provider_with_wrong_crs_refused():
    with pytest.raises(InvalidValueError, match="gcj02"):
        maps.resolve_tiles("amap", tiles_crs="wgs84")


def test_metres_labelled_degrees_refused():
    with pytest.raises(CrsError, match="look projected"):
        maps.choropleth(METRES, "score")


def test_swapped_axes_refused():
    with pytest.raises(CrsError, match="EPSG:4326"):
        maps.region_outlines(SWAPPED)


def test_cli_map_layer_metres_exit_2(tmp_path, capsys):
    path = tmp_path / "metres.geojson"
    METRES.to_file(path)
    code, err = _cli(["map", "layer", str(path), "--out", str(tmp_path / "x.html")], capsys)
    assert code == 2 and "look projected" in err and "metres.geojson" in err
    assert not (tmp_path / "x.html").exists()


def test_cli_unknown_tiles_exit_2(tmp_path, capsys):
    path = tmp_path / "r.geojson"
    SQUARES.to_file(path)
    code, err = _cli(["map", "layer", str(path), "--tiles", "Foo",
                      "--out", str(tmp_path / "x.html")], capsys)
    assert code == 2 and "Unknown tile provider 'Foo'" in err and "tianditu" in err


def test_cli_counties_missing_column_hint(capsys):
    code, err = _cli(["map", "counties", "--province", "宁夏", "--column", "人口"], capsys)
    assert code == 2 and "'人口'" in err and "geourb map scores" in err
    assert "mapping" not in err  # this command has no mapping option


def test_cli_png_with_wrong_suffix(tmp_path, capsys):
    path = tmp_path / "r.geojson"
    SQUARES.to_file(path)
    code, err = _cli(["map", "layer", str(path), "--column", "score", "--png",
                      str(tmp_path / "fig.jpg"), "--tiles", "none",
                      "--out", str(tmp_path / "x.html")], capsys)
    assert code == 2 and "fig.jpg" in err and ".png" in err


def test_bad_band_style():
    bands = SQUARES.assign(band_min=[30, 60])
    with pytest.raises(InvalidValueError, match="'auto', 'fill' or 'outline'"):
        maps.isochrone_bands(bands, style="translucent")


def test_missing_rank_column():
    with pytest.raises(MissingColumnError, match="rank"):
        maps.region_outlines(SQUARES, rank_column="rank")


def test_no_scattered_tier_lists_values():
    with pytest.raises(EmptyResultError, match="concentrated"):
        maps.scattered_counties(SQUARES.assign(tier="concentrated"))


def test_label_injection_escaped():
    hostile = SQUARES.assign(name=['<img src=x onerror=alert(1)>', "</script><script>alert(2)"],
                             rank=[1, "<b>"])
    page = maps.to_html(maps.make_map(maps.region_outlines(hostile, rank_column="rank"),
                                      tiles=None))
    assert "<img src=x" not in page and "</script><script>alert(2)" not in page


def test_classes_with_infinite_and_constant_values():
    classes, bins = maps.classify(pd.Series([np.inf, -np.inf, 3.0, 3.0, np.nan]))
    assert bins == [(3.0, 3.0)] and classes.isna().sum() == 3


def test_draw_layer_unknown_kind_and_lines():
    with pytest.raises(InvalidValueError, match="Unknown layer kind 'heat'"):
        maps.draw_layer(SQUARES, kind="heat")
    lines = SQUARES.set_geometry(SQUARES.boundary)
    with pytest.raises(InvalidValueError, match="needs polygons"):
        maps.draw_layer(lines, kind="outlines", source="lines.gpkg")


def test_figure_bad_suffix_and_dpi(tmp_path):
    fig = figures.distribution_figure(pd.Series([0.1, 0.5, 0.9]), label="x")
    with pytest.raises(InvalidValueError, match="'fig.pdf'"):
        figures.save_figure(fig, tmp_path / "fig.pdf")
    with pytest.raises(InvalidValueError, match="dpi must be between 50 and 1200, got 5"):
        figures.save_figure(fig, tmp_path / "fig.png", dpi=5)
    assert list(tmp_path.iterdir()) == []


def test_figure_missing_column_and_crs():
    with pytest.raises(MissingColumnError, match="人口"):
        figures.choropleth_figure(SQUARES, "人口")
    with pytest.raises(CrsError):
        figures.choropleth_figure(METRES, "score")


def test_report_config_missing_or_garbage(tmp_path):
    from geourb.report import report

    with pytest.raises(DataFileNotFoundError, match="nope.toml"):
        report(tmp_path / "nope.toml", out=tmp_path / "r.html")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"[scoring\nweights = \xff")
    with pytest.raises(SettingsError, match="bad.toml"):
        report(bad, out=tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_cli_report_out_must_be_html(tmp_path, capsys):
    code, err = _cli(["report", "--out", str(tmp_path / "r.pdf")], capsys)
    assert code == 2 and "r.pdf" in err and ".html" in err
