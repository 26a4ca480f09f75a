"""Tests of geourb.maps: layers, legend, escaping, offline HTML, national size, CLI."""

from __future__ import annotations

import json
import logging
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geourb import maps
from geourb._errors import (
    InvalidValueError,
    MissingColumnError,
    NoCrsError,
    UnknownNameError,
)
from geourb.counties import CHINA_ALBERS

XSS = "<script>alert(1)</script>"
XSS_IMG = '<img src=x onerror="document.title=1">${alert(2)}`'
REMOTE_ASSET = re.compile(r'<script[^>]*\ssrc="https?:|<link[^>]*\shref="https?:', re.I)


def _js(text: str) -> str:
    """``text`` as it appears inside folium's ``tojson`` output (HTML-safe JSON)."""
    s = json.dumps(text)[1:-1]
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027"))


@pytest.fixture(scope="module")
def anhui(counties):
    gdf = counties[counties["province"] == "安徽省"].copy()
    gdf.loc[gdf.index[0], "name"] = XSS
    gdf.loc[gdf.index[1], "name"] = XSS_IMG
    gdf.loc[gdf.index[2], "area_km2"] = np.nan  # a missing value: drawn grey, 无数据
    return gdf


@pytest.fixture(scope="module")
def zones(shared_file):
    """First 300 zones of the real 2018 catalogue, as WGS84 points."""
    df = pd.read_csv(shared_file("parks/development_zones_2018.csv"), nrows=300)
    df = df[df["经度_WGS84"].notna()].copy()
    df.loc[df.index[0], "开发区名称"] = XSS
    return gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["经度_WGS84"], df["纬度_WGS84"]), crs="EPSG:4326"
    )


def _geojson_children(layer):
    import folium

    found = []
    for child in layer._children.values():
        if isinstance(child, folium.GeoJson):
            found.append(child)
        found.extend(_geojson_children(child))
    return found


def _tips(layer, key="tip"):
    return [f["properties"][key] for g in _geojson_children(layer) for f in g.data["features"]]


def test_classify_natural_breaks_and_missing():
    values = pd.Series([1, 2, 3, 10, 11, 12, 100, np.nan], index=list("abcdefgh"))
    classes, bins = maps.classify(values, scheme="NaturalBreaks", k=3)
    assert classes.index.equals(values.index)
    assert pd.isna(classes["h"])
    assert classes["a"] == classes["c"] == 0 and classes["d"] == 1 and classes["g"] == 2
    assert bins[0][0] == 1 and bins[-1][1] == 100
    with pytest.raises(UnknownNameError, match="Quantiles"):
        maps.classify(values, scheme="Quantile")


def test_simplify_coverage_no_gaps_no_overlaps(counties):
    """Three provinces simplified at 2 km: neighbours still share boundaries exactly."""
    sub = counties[counties["province"].isin(["安徽省", "江苏省", "浙江省"])]
    simple = maps.simplify_coverage(sub, tolerance_m=2000, decimals=5)
    assert len(simple) == len(sub)
    assert shapely.get_num_coordinates(simple.geometry.to_numpy()).sum() < 0.2 * (
        shapely.get_num_coordinates(sub.geometry.to_numpy()).sum()
    )
    proj = simple.geometry.to_crs(CHINA_ALBERS).to_numpy()
    orig = sub.geometry.to_crs(CHINA_ALBERS).to_numpy()

    def parts_and_holes(geoms):
        parts = shapely.get_parts(shapely.union_all(geoms))
        return len(parts), int(shapely.get_num_interior_rings(parts).sum())

    area_sum = shapely.area(proj).sum()
    union = shapely.union_all(proj).area
    assert abs(area_sum - union) / union < 1e-6  # no overlaps
    assert shapely.coverage_is_valid(proj)  # neighbours share identical edges
    assert parts_and_holes(proj) == parts_and_holes(orig)  # no new gaps (holes) inside
    original = shapely.union_all(orig).area
    assert abs(union - original) / original < 0.01
    # the naive per-polygon simplification that this avoids opens gaps and overlaps
    naive = shapely.simplify(orig, 2000)
    assert not shapely.coverage_is_valid(naive)
    assert parts_and_holes(naive)[1] > parts_and_holes(orig)[1] + 100


def test_dropped_features_logged(caplog):
    # synthetic: a null geometry and a 10 cm square that vanishes at 3 decimals (~100 m)
    gdf = gpd.GeoDataFrame(
        {"name": ["大", "空", "小"], "v": [1.0, 2.0, 3.0]},
        geometry=[shapely.box(117.0, 31.0, 117.5, 31.5), None,
                  shapely.box(117.6, 31.6, 117.600001, 31.600001)], crs=4326)
    with caplog.at_level(logging.WARNING, logger="geourb"):
        simple = maps.simplify_coverage(gdf, tolerance_m=0, decimals=3)
    assert simple["name"].tolist() == ["大"]
    assert "1 of 3 feature(s) have no geometry" in caplog.text and "['空']" in caplog.text
    assert "1 polygon(s) smaller than the tolerance" in caplog.text and "['小']" in caplog.text
    with pytest.raises(TypeError):
        maps.simplify_coverage(gdf, 100)  # tolerance_m is keyword-only


def test_choropleth_layers_legend_tooltips(anhui):
    layer = maps.choropleth(anhui, "area_km2", label="面积", unit="km²", k=4,
                            tooltip_columns={"prefecture": "地市"})
    tips = _tips(layer)
    assert len(tips) == len(anhui)
    # names are HTML-escaped: shown as text by the tooltip's innerHTML
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in t for t in tips)
    assert not any("<script" in t or "<img" in t for t in tips)
    assert any("地市: 合肥市" in t for t in tips)
    assert any("无数据" in t for t in tips)
    row = anhui.iloc[5]
    assert any(f"<b>{row['name']}</b><br>面积: " in t and "km²" in t for t in tips)
    m = maps.make_map(layer, title=XSS)
    page = maps.to_html(m, offline=True)
    assert "L.control.layers" in page
    assert _js("面积 (km²)") in page  # legend title with unit
    assert _js("无数据") in page
    assert page.count('"fillColor": "#') >= 4  # one style per class
    assert XSS not in page and "<img src=x" not in page
    assert _js("&lt;script&gt;alert(1)&lt;/script&gt;") in page
    assert "&lt;img src=x onerror=&quot;document.title=1&quot;&gt;${alert(2)}`" in "".join(tips)


def test_choropleth_errors(anhui):
    with pytest.raises(MissingColumnError, match="score"):
        maps.choropleth(anhui, "score")
    with pytest.raises(NoCrsError):
        maps.choropleth(anhui.set_crs(None, allow_override=True), "area_km2")
    with pytest.raises(InvalidValueError, match="colour"):
        maps.choropleth(anhui, "area_km2", cmap="NoSuchColours")


def test_offline_html_has_no_remote_assets(anhui, zones):
    m = maps.make_map(maps.choropleth(anhui, "area_km2"), maps.parks(zones), maps.seats(anhui))
    page = maps.to_html(m)
    assert not REMOTE_ASSET.findall(page)
    assert "Leaflet 1.9" in page and "L.MarkerClusterGroup=" in page
    assert "jQuery v3" not in page and "Bootstrap" not in page  # unused, dropped
    online = maps.to_html(m, offline=False)
    assert REMOTE_ASSET.search(online)
    assert len(page) > len(online) + 150_000


def test_parks_cluster_popups(zones):
    layer = maps.parks(zones)
    popups = _tips(layer, "popup")
    assert len(popups) == len(zones)
    first = popups[0]
    assert first.startswith("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>")
    assert "级别: " in first and "面积: " in first and "公顷" in first and "主导产业: " in first
    page = maps.to_html(maps.make_map(layer))
    assert "L.markerClusterGroup" in page


def test_isochrones_largest_first(anhui):
    center = shapely.Point(117.2, 31.8)
    bands = gpd.GeoDataFrame(
        {"band_min": [30, 90, 60]},
        geometry=[center.buffer(r) for r in (0.2, 0.6, 0.4)], crs="EPSG:4326",
    )
    layer = maps.isochrone_bands(bands, colors=["#00ff00", "#ffff00", "#ff0000"])
    feats = _geojson_children(layer)[0].data["features"]
    assert [f["properties"]["fill"] for f in feats] == ["#ff0000", "#ffff00", "#00ff00"]
    assert [f["properties"]["tip"] for f in feats] == ["≤ 90 分钟", "≤ 60 分钟", "≤ 30 分钟"]
    with pytest.raises(InvalidValueError, match="3 bands"):
        maps.isochrone_bands(bands, colors=["#000000"])


def test_regions_rail_and_tiles(anhui, shared_file):
    regions = anhui.dissolve("prefecture").reset_index()[["prefecture", "geometry"]]
    regions = regions.rename(columns={"prefecture": "name"})
    regions.loc[0, "name"] = XSS
    stations = gpd.read_file(shared_file("rail/hsr_stations.json")).rename(columns={"车站": "name"})
    lines = gpd.read_file(next(shared_file("rail/hsr_lines").glob("*.json")))
    m = maps.make_map(maps.region_outlines(regions), maps.rail(stations, lines),
                      tiles="http://tiles.local:8080/{z}/{x}/{y}.png")
    page = maps.to_html(m)
    assert "http://tiles.local:8080/{z}/{x}/{y}.png" in page
    assert _js("&lt;script&gt;alert(1)&lt;/script&gt;") in page  # the label, escaped
    assert "window.geourbLabels" in page  # labels placed without overlap, in JavaScript
    assert all(_js(name) in page for name in regions["name"][1:])
    assert _js("铁路") in page
    no_tiles = maps.to_html(maps.make_map(maps.region_outlines(regions)), offline=False)
    assert "L.tileLayer(" not in no_tiles
    osm = maps.to_html(maps.make_map(maps.region_outlines(regions), tiles="OpenStreetMap"))
    assert "tile.openstreetmap.org" in osm


def test_save_map_atomic(anhui, tmp_path):
    from geourb.settings import settings

    with settings.context(maps_dir=tmp_path / "maps"):
        path = maps.save_map(maps.make_map(maps.seats(anhui)), "anhui_seats")
    assert path == tmp_path / "maps" / "anhui_seats.html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in path.parent.iterdir()] == ["anhui_seats.html"]
    with pytest.raises(InvalidValueError, match="file name"):
        maps.save_map(maps.make_map(maps.seats(anhui)), "../evil")


@pytest.mark.slow
def test_national_map_under_5mb(counties, tmp_path):
    score = pd.Series(np.linspace(0, 100, len(counties)), index=counties.index)
    layer = maps.choropleth(counties.assign(score=score), "score", label="得分",
                            tooltip_columns={"prefecture": "地市", "province": "省份"})
    assert len(_tips(layer)) >= 2850
    path = maps.save_map(maps.make_map(layer), tmp_path / "china.html")
    size = path.stat().st_size
    assert 1_000_000 < size <= 5 * 1024 * 1024
    assert not REMOTE_ASSET.findall(path.read_text(encoding="utf-8"))


def test_cli_counties_and_scores(tmp_path, capsys, counties):
    from geourb.cli import main

    out = tmp_path / "anhui.html"
    assert main(["map", "counties", "--column", "area_km2", "--province", "安徽",
                 "--out", str(out), "--unit", "km²", "--seats"]) == 0
    page = out.read_text(encoding="utf-8")
    assert not REMOTE_ASSET.findall(page) and _js("肥东县") in page
    assert "wrote" in capsys.readouterr().out
    anhui = counties[counties["province"] == "安徽省"]
    scores = pd.DataFrame({"code": anhui.index.astype(int), "score": np.arange(len(anhui))})
    csv = tmp_path / "scores.csv"
    scores.to_csv(csv, index=False)
    out2 = tmp_path / "scores.html"
    assert main(["map", "scores", str(csv), "--column", "score", "--adcode-column", "code",
                 "--out", str(out2)]) == 0
    assert _js("肥东县") in out2.read_text(encoding="utf-8")
    # a table with an unknown code and without 肥东县: left join, both reported
    capsys.readouterr()
    feidong = anhui.index[anhui["name"] == "肥东县"][0]
    part = scores[scores["code"] != int(feidong)]
    part = pd.concat([part, pd.DataFrame({"code": [999999], "score": [1]})])
    part.to_csv(csv, index=False)
    assert main(["map", "scores", str(csv), "--column", "score", "--adcode-column", "code",
                 "--out", str(out2)]) == 0
    printed = capsys.readouterr().out
    assert f"1 of {len(part)} rows match no county" in printed and "999999" in printed
    assert f"1 of {len(anhui)} counties of 安徽省 have no row" in printed
    assert "肥东县" in printed and f"{len(anhui)} areas" in printed
    page = out2.read_text(encoding="utf-8")
    assert _js("肥东县") in page and _js("无数据") in page
    assert main(["map", "scores", str(csv), "--column", "nope", "--adcode-column", "code",
                 "--out", str(out2)]) == 2


def test_cli_layer_isochrones_from_approximate_network(tmp_path, capsys, counties):
    from geourb._io import write_layer
    from geourb.cli import main
    from geourb.isochrones import isochrones
    from geourb.roads import approximate_network

    # a real isochrone around 合肥 on the approximate county-seat network, as geourb writes it
    around = counties[counties["province"].isin(["安徽省"])]
    net = approximate_network(around)
    iso = isochrones(net, (117.22, 31.82), bands_min=(30, 60), cell_m=2000,
                     access_speed_kmh=30, max_access_m=10_000, max_snap_m=30_000)
    assert iso["approximate"].all()
    gpkg = write_layer(iso.assign(core="合肥市"), tmp_path / "hefei_isochrone.gpkg")
    out = tmp_path / "iso.html"
    assert main(["map", "layer", str(gpkg), "--out", str(out)]) == 0
    assert "isochrones features" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert not REMOTE_ASSET.findall(page)  # offline by default
    assert _js("≤ 60 分钟") in page and _js("≤ 30 分钟") in page
    assert _js("<b>合肥市</b>") in page  # the core column names the origin
    parquet = tmp_path / "hefei_isochrone.parquet"
    write_layer(iso, parquet)
    assert main(["map", "layer", str(parquet), "--out", str(tmp_path / "iso2.html")]) == 0
    assert _js("≤ 60 分钟") in (tmp_path / "iso2.html").read_text(encoding="utf-8")


def test_cli_layer_polygons_points_and_errors(tmp_path, capsys):
    from geourb.cli import main

    # synthetic: two adjacent regions with a score, and a third overlapping the first
    squares = gpd.GeoDataFrame(
        {"name": ["皖北", "皖中", XSS], "score": [80.0, 20.0, 50.0]},
        geometry=[shapely.box(116, 32, 117, 33), shapely.box(117, 32, 118, 33),
                  shapely.box(116.5, 32.5, 117.5, 33.5)], crs="EPSG:4326")
    path = tmp_path / "regions.geojson"
    squares.iloc[:2].to_file(path)
    out = tmp_path / "regions.html"
    assert main(["map", "layer", str(path), "--column", "score", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "choropleth features" in capsys.readouterr().out
    assert page.count('"fillColor": "#') >= 2 and _js("<b>皖北</b>") in page
    # without --column: outlines with labels; overlapping polygons are drawn without damage
    squares.to_file(path, driver="GeoJSON")
    assert main(["map", "layer", str(path), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "outlines features" in capsys.readouterr().out
    assert page.count("geourb-label") >= 3 and XSS not in page
    assert _js("&lt;script&gt;alert(1)&lt;/script&gt;") in page
    # points (e.g. a parks layer) from GeoParquet, with a chosen name column
    pts = gpd.GeoDataFrame({"开发区名称": ["合肥高新区", "芜湖经开区"], "level": ["national"] * 2},
                           geometry=gpd.points_from_xy([117.13, 118.38], [31.83, 31.33]),
                           crs="EPSG:4326")
    pq = tmp_path / "parks.parquet"
    pts.to_parquet(pq)
    assert main(["map", "layer", str(pq), "--out", str(tmp_path / "parks.html")]) == 0
    page = (tmp_path / "parks.html").read_text(encoding="utf-8")
    assert _js("合肥高新区") in page and "L.markerClusterGroup" in page
    capsys.readouterr()
    # errors name the problem and how to fix it
    assert main(["map", "layer", str(pq), "--kind", "isochrones",
                 "--out", str(tmp_path / "x.html")]) == 2
    csv = tmp_path / "table.csv"
    pd.DataFrame({"adcode": ["340102"], "score": [1]}).to_csv(csv, index=False)
    assert main(["map", "layer", str(csv), "--out", str(tmp_path / "x.html")]) == 2
    assert main(["map", "layer", str(path), "--kind", "choropleth",
                 "--out", str(tmp_path / "x.html")]) == 2
    err = capsys.readouterr().err
    assert "needs polygons" in err and "map scores" in err and "needs --column" in err
    assert not (tmp_path / "x.html").exists()


# --------------------------------------------------------------------------------------------
# issue #14: classes, basemaps, labels, layer styles


def test_classify_never_degenerate_or_empty():
    # synthetic: few distinct values -> one class per value (shown as the value, not "a – a")
    few = pd.Series([4.35, 4.35, 4.35, 10.0, 10.0, 25.0])
    classes, bins = maps.classify(few, k=5)
    assert bins == [(4.35, 4.35), (10.0, 10.0), (25.0, 25.0)]
    assert classes.tolist() == [0, 0, 0, 1, 1, 2]
    from geourb.maps.classes import bin_label

    assert bin_label(4.35, 4.35, str) == "4.35"
    # a long tail at the minimum: NaturalBreaks would give a (min, min) class; k is lowered
    skewed = pd.Series([4.35] * 40 + list(np.linspace(5, 60, 30)))
    classes, bins = maps.classify(skewed, scheme="Quantiles", k=5)
    counts = classes.value_counts()
    assert len(counts) == len(bins) >= 2  # every class holds values
    assert all(lo < hi for lo, hi in bins)  # none is a single number
    assert pd.Series(bins).map(lambda b: b[1]).is_monotonic_increasing


def test_tiles_names_urls_and_errors(anhui, monkeypatch):
    from geourb._errors import SettingsError

    layer = maps.seats(anhui)
    page = maps.to_html(maps.make_map(layer, tiles="carto"))
    assert "basemaps.cartocdn.com" in page
    monkeypatch.delenv("GEOURB_TIANDITU_KEY", raising=False)
    with pytest.raises(SettingsError, match="console.tianditu.gov.cn"):
        maps.make_map(layer, tiles="tianditu")
    monkeypatch.setenv("GEOURB_TIANDITU_KEY", "0123456789abcdef0123456789abcdef")
    page = maps.to_html(maps.make_map(layer, tiles="tianditu-imagery"))
    assert "img_w/wmts" in page and "cia_w/wmts" in page  # imagery with its label layer
    assert "tk=0123456789abcdef0123456789abcdef" in page
    with pytest.raises(UnknownNameError, match="known: context, none, osm, carto, tianditu"):
        maps.make_map(layer, tiles="Foo")
    with pytest.raises(InvalidValueError, match=r"lacks \{z\}"):
        maps.make_map(layer, tiles="http://tiles.local/{x}/{y}.png")
    with pytest.raises(InvalidValueError, match="tiles_crs"):
        maps.make_map(layer, tiles="http://t.local/{z}/{x}/{y}.png", tiles_crs="bd09")


def test_amap_shifts_layers_to_gcj02_popups_keep_wgs84():
    from geourb.coords import wgs84_to_gcj02

    # synthetic: one park at Tiananmen (WGS84)
    lon, lat = 116.39128, 39.90622
    pts = gpd.GeoDataFrame({"name": ["天安门"]}, geometry=[shapely.Point(lon, lat)], crs=4326)
    layer = maps.parks(pts, cluster=False)
    m = maps.make_map(layer, tiles="amap")
    page = maps.to_html(m)
    assert "webrd0{s}.is.autonavi.com" in page
    glon, glat = wgs84_to_gcj02(lon, lat)
    feat = _geojson_children(layer)[0].data["features"][0]
    x, y = feat["geometry"]["coordinates"]
    assert abs(x - glon) < 1e-6 and abs(y - glat) < 1e-6
    assert 400 < abs(x - lon) * 85_000 + abs(y - lat) * 111_000 < 1200  # the ~500 m shift
    assert "WGS84: 116.39128, 39.90622" in feat["properties"]["popup"]
    maps.to_html(m)  # rendering twice does not shift twice
    assert list(feat["geometry"]["coordinates"]) == [x, y]
    # a URL template declared GCJ-02 is shifted too; a WGS84 one is not
    layer2 = maps.parks(pts, cluster=False)
    maps.to_html(maps.make_map(layer2, tiles="http://t.local/{z}/{x}/{y}.png"))
    assert list(_geojson_children(layer2)[0].data["features"][0]["geometry"]["coordinates"]) == [
        pytest.approx(lon, abs=1e-5), pytest.approx(lat, abs=1e-5)]


def test_context_basemap_default_and_small(anhui):
    page = maps.to_html(maps.make_map(maps.seats(anhui)))
    assert _js("底图 (省界、地市界)") in page and _js("合肥") in page  # prefecture-seat labels
    plain = maps.to_html(maps.make_map(maps.seats(anhui), tiles=None))
    assert "L.tileLayer(" not in page  # offline: no tiles
    assert 20_000 < len(page) - len(plain) < 600_000  # inlined and small


def test_bands_become_outlines_over_a_choropleth(anhui):
    center = shapely.Point(117.2, 31.8)
    bands = gpd.GeoDataFrame({"band_min": [30, 60]}, crs=4326,
                             geometry=[center.buffer(0.2), center.buffer(0.4)])
    alone = maps.isochrone_bands(bands)
    page = maps.to_html(maps.make_map(alone, tiles=None))
    assert '"fillOpacity": 0.45' in page
    over = maps.isochrone_bands(bands)
    page = maps.to_html(maps.make_map(maps.choropleth(anhui, "area_km2"), over, tiles=None))
    assert '"fillOpacity": 0.45' not in page and '"fill": false' in page
    forced = maps.isochrone_bands(bands, style="fill")
    page = maps.to_html(maps.make_map(maps.choropleth(anhui, "area_km2"), forced, tiles=None))
    assert '"fillOpacity": 0.45' in page
    with pytest.raises(InvalidValueError, match="style"):
        maps.isochrone_bands(bands, style="translucent")


def test_region_labels_ranked_and_scattered_counties(anhui):
    regions = anhui.dissolve("prefecture").reset_index()[["prefecture", "geometry"]]
    regions = regions.rename(columns={"prefecture": "name"})
    regions["rank"] = [float(i + 1) if i < 5 else np.nan for i in range(len(regions))]
    layer = maps.region_outlines(regions, rank_column="rank")
    from geourb.maps.labels import Labels

    labels = next(c for c in layer._children.values() if isinstance(c, Labels))
    assert len(labels.points) == len(regions)
    badges = [p for p in labels.points if "geourb-rank" in p[2]]
    assert len(badges) == 5 and {p[3] for p in badges} == {1.0, 2.0, 3.0, 4.0, 5.0}
    with pytest.raises(MissingColumnError):
        maps.region_outlines(regions, rank_column="rnk")
    tiers = anhui.assign(tier=np.where(np.arange(len(anhui)) % 3 == 0, "scattered", "concentrated"))
    hatched = maps.scattered_counties(tiers)
    assert len(_tips(hatched)) == (np.arange(len(anhui)) % 3 == 0).sum()
    page = maps.to_html(maps.make_map(hatched, tiles=None))
    assert 'id="geourb-hatch"' in page and "url(#geourb-hatch)" in page
    from geourb._errors import EmptyResultError

    with pytest.raises(EmptyResultError, match="concentrated"):
        maps.scattered_counties(tiers, scattered="分散")


def test_draw_layer_kinds_and_overlap_check():
    squares = gpd.GeoDataFrame({"name": ["a", "b"], "score": [1.0, 2.0]}, crs=4326,
                               geometry=[shapely.box(116, 32, 117, 33), shapely.box(117, 32, 118, 33)])
    assert not maps.overlapping(squares)
    assert maps.overlapping(pd.concat([squares, squares.iloc[:1]]))
    assert maps.layer_kind(squares) == "outlines"
    assert maps.layer_kind(squares, column="score") == "choropleth"
    assert maps.layer_kind(squares.assign(band_min=[30, 60])) == "isochrones"
    assert maps.layer_kind(squares.set_geometry(shapely.centroid(squares.geometry.array))) == "points"
    with pytest.raises(InvalidValueError, match="Unknown layer kind"):
        maps.draw_layer(squares, kind="heatmap")


def test_same_map_same_bytes(anhui):
    def page() -> str:
        regions = anhui.dissolve("prefecture").reset_index()[["prefecture", "geometry"]]
        return maps.to_html(maps.make_map(maps.choropleth(anhui, "area_km2"),
                                          maps.region_outlines(regions, name_column="prefecture")))

    first = page()
    assert first == page()
    assert re.search(r"map_0{31}0\b", first)
