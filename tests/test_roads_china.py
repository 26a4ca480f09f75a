"""Chinese highway-layer conventions: class fields, grades, route codes, controlled access.

The small layers here are SYNTHETIC (hand-made lines near Kunming, labelled as such); the last
tests use the real Kunming FileGDBs.
"""

from __future__ import annotations

import logging
import warnings

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geourb._errors import MissingColumnError, UnknownNameError
from geourb.roads import (
    ALL_LAYER_SPEEDS_KMH,
    CHINA_HIGHWAY_SPEEDS_KMH,
    network_from_layers,
    parse_route_code,
    read_road_layer,
)


def _chain(values: dict[str, list], lat: float = 25.0) -> gpd.GeoDataFrame:
    """SYNTHETIC: one 1-km east-west line per row, end to end (so all rows connect)."""
    n = len(next(iter(values.values())))
    lines = [shapely.LineString([(102.70 + 0.01 * i, lat), (102.71 + 0.01 * i, lat)])
             for i in range(n)]
    return gpd.GeoDataFrame(values, geometry=lines, crs=4326)


def _speed_by_row(net, gdf) -> list[float]:
    """Speed (km/h) of the edge along each row's line (rows are end to end, west to east)."""
    out = []
    for line in gdf.geometry:
        (x0, y0), (x1, y1) = line.coords
        (a, b), _ = net.nearest_nodes([x0, x1], [y0, y1])
        i = np.flatnonzero(net.csr.indices[net.csr.indptr[a]:net.csr.indptr[a + 1]] == b)[0]
        k = net.csr.indptr[a] + i
        out.append(round(float(net.edge_lengths()[k] / net.csr.data[k] * 3.6), 6))
    return out


def test_technical_grades_jtg_speeds():
    # synthetic layer with a 技术等级 field in the spellings found in provincial data
    gdf = _chain({"技术等级": ["高速公路", "一级", "二级公路", "3级", "四级公路", "等外"]})
    net = network_from_layers(gdf)
    assert _speed_by_row(net, gdf) == [100, 85, 70, 35, 25, 20]
    # 0.85 x the highest JTG B01-2014 design speed, rounded to 5 km/h
    assert CHINA_HIGHWAY_SPEEDS_KMH["高速公路"] == 100 and CHINA_HIGHWAY_SPEEDS_KMH["二级公路"] == 70
    assert net.info["unknown_classes"] == {}
    assert net.info["class_report"]["road layer #1"]["by_field"] == {"技术等级": 6}
    # overridable
    fast = network_from_layers(gdf, speeds={**ALL_LAYER_SPEEDS_KMH, "高速公路": 110})
    assert _speed_by_row(fast, gdf)[0] == 110


def test_administrative_grades_and_route_codes(caplog):
    # synthetic layer: 行政等级 partly empty, route codes in 路线编码 (one unparseable)
    gdf = _chain({"行政等级": ["国道", None, None, "县道", None, None, "专用公路"],
                  "路线编码": ["G206", "S101", "G1501", None, "Y012线", "第三大道", "Z001"]})
    with caplog.at_level(logging.WARNING, logger="geourb"):
        net = network_from_layers(gdf)
    # 国道 70, S101 -> 省道 60, G1501 -> expressway 100, 县道 35, Y012 -> 乡道 25,
    # '第三大道' -> unknown (default 30 km/h, listed), 专用公路 35
    assert _speed_by_row(net, gdf) == [70, 60, 100, 35, 25, 30, 35]
    report = net.info["class_report"]["road layer #1"]
    assert report["route_codes_unparsed"] == 1 and report["route_code_examples"] == ["第三大道"]
    assert report["by_field"] == {"行政等级": 3, "路线编码": 3} and report["unclassified"] == 1
    assert net.info["unknown_classes"] == {"第三大道": 1}
    assert "could not be parsed" in caplog.text and "第三大道" in caplog.text
    assert "road classes without a speed, 30 km/h used: '第三大道' (1)" in caplog.text


@pytest.mark.parametrize(("code", "expected"), [
    ("G206", ("国道", False)), ("g206", ("国道", False)), ("Ｇ２０６", ("国道", False)),
    ("G4", ("国道", True)), ("G15", ("国道", True)), ("G1501", ("国道", True)),
    ("G4W2", ("国道", True)), ("S12", ("省道", True)), ("S101", ("省道", False)),
    ("X012", ("县道", False)), ("C530102001", ("村道", False)), ("Z001", ("专用公路", False)),
    ("206", None), ("高速", None), ("", None), (None, None), ("A1", None),
])
def test_parse_route_code(code, expected):
    assert parse_route_code(code) == expected


def test_technical_grade_wins_over_administrative():
    # synthetic: a 国道 built to grade 2 and a 县道 built to grade 1
    gdf = _chain({"技术等级": ["二级", "一级公路"], "行政等级": ["国道", "县道"]})
    assert _speed_by_row(network_from_layers(gdf), gdf) == [70, 85]


def test_urban_classes_and_english_field_names(tmp_path):
    # synthetic urban layer with a lower-case English field, written to a GPKG
    gdf = _chain({"roadclass": ["城市快速路", "主干道", "次干路", "支路"], "NAME": list("abcd")})
    gdf.to_file(tmp_path / "urban.gpkg", layer="roads")
    layer = read_road_layer(tmp_path / "urban.gpkg")
    assert layer["road_class"].tolist() == ["快速路", "主干路", "次干路", "支路"]
    assert _speed_by_row(network_from_layers(tmp_path / "urban.gpkg"), gdf) == [70, 55, 40, 30]
    # GRADE / KIND in other cases too
    for col in ("GRADE", "Kind", "CLASS", "RN"):
        g2 = _chain({col: ["一级公路", "支路"] if col != "RN" else ["G320", "S12"]})
        assert network_from_layers(g2).info["unknown_classes"] == {}


def test_class_field_explicit_and_missing(tmp_path):
    gdf = _chain({"等级代码": ["二级公路", "三级公路"], "技术等级": ["一级", "一级"]})
    net = network_from_layers(gdf, class_field="等级代码")  # wins over the usual field
    assert _speed_by_row(net, gdf) == [70, 35]
    with pytest.raises(MissingColumnError, match="等级"):
        network_from_layers(gdf, class_field="等级")
    with pytest.raises(MissingColumnError, match="class_field"):
        network_from_layers(_chain({"名称": ["a", "b"]}))  # GeoDataFrame without any class
    # deprecated alias, with a warning
    with pytest.warns(DeprecationWarning, match="class_field"):
        old = network_from_layers(gdf, class_column="等级代码")
    assert _speed_by_row(old, gdf) == [70, 35]


def test_unknown_numeric_codes_listed(caplog):
    # synthetic: numeric KIND codes (as in some navigation data) have no speed
    gdf = _chain({"KIND": ["0001", "0001", "0003"]})
    with caplog.at_level(logging.WARNING, logger="geourb"):
        net = network_from_layers(gdf, default_speed_kmh=40)
    assert net.info["unknown_classes"] == {"0001": 2, "0003": 1}
    assert "40 km/h used: '0001' (2), '0003' (1)" in caplog.text
    with pytest.raises(UnknownNameError, match="0001"):
        network_from_layers(gdf, unknown="raise")


def _cross(**extra) -> gpd.GeoDataFrame:
    """SYNTHETIC: an expressway (west-east, 20 km) crossing a county road (south-north) at a
    shared vertex in the middle (an overpass digitised with a common vertex), plus a short
    local road meeting the expressway's east end."""
    lines = [
        shapely.LineString([(102.6, 25.0), (102.7, 25.0), (102.8, 25.0)]),  # expressway
        shapely.LineString([(102.7, 24.95), (102.7, 25.0), (102.7, 25.05)]),  # 县道 crossing
        shapely.LineString([(102.8, 25.0), (102.8, 24.95)]),  # local road at the east end
        shapely.LineString([(102.7, 24.95), (102.8, 24.95)]),  # local road joining them
    ]
    data = {"技术等级": ["高速公路", "三级公路", "四级公路", "四级公路"], **extra}
    return gpd.GeoDataFrame(data, geometry=lines, crs=4326)


def test_expressway_access_assumed_everywhere_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="geourb"):
        net = network_from_layers(_cross())
    assert "access is assumed at every shared vertex" in caplog.text
    assert net.info["expressway_access"].startswith("assumed")
    # the crossing joins the roads: the node at (102.7, 25.0) has four neighbours
    (mid,), _ = net.nearest_nodes([102.7], [25.0])
    assert np.diff(net.csr.indptr)[mid] == 4


def test_expressway_controlled_access_flag_and_interchanges(caplog):
    flagged = _cross(controlled_access=["Y", "N", None, "0"])
    with caplog.at_level(logging.INFO, logger="geourb"):
        net = network_from_layers(flagged, largest_component=False)
    assert "assumed" not in net.info["expressway_access"]
    # the expressway does not join the county road at the overpass: two nodes there, and the
    # way on goes via the east end (ramp link where the expressway ends on the local road)
    (west, north), _ = net.nearest_nodes([102.6, 102.7], [25.0, 25.05])
    assert net.info["interchange_links"] == 1
    t_flag = net.travel_times([west])[north]
    plain = network_from_layers(_cross())
    (w2, n2), _ = plain.nearest_nodes([102.6, 102.7], [25.0, 25.05])
    t_plain = plain.travel_times([w2])[n2]
    assert t_flag > 2 * t_plain  # a detour of ~20 km instead of turning off at the overpass
    # an interchange (互通) point at the overpass restores the direct access
    ic = gpd.GeoDataFrame({"名称": ["互通"]}, geometry=[shapely.Point(102.7003, 25.0002)], crs=4326)
    net_ic = network_from_layers(_cross(), interchanges=ic)
    assert net_ic.info["expressway_access"] == "at interchange points"
    (w3, n3), _ = net_ic.nearest_nodes([102.6, 102.7], [25.0, 25.05])
    assert net_ic.travel_times([w3])[n3] == pytest.approx(t_plain, abs=5)
    # an interchange too far from any road links nothing, and says so
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="geourb"):
        far = network_from_layers(_cross(), interchanges=np.array([[103.5, 26.0]]),
                                  largest_component=False)
    assert far.info["interchange_links"] == 0 and "no access link" in caplog.text


def test_kunming_layers_conventions(shared_file):
    # the real Kunming FileGDBs carry no class field: the class comes from the layer name, no
    # expressway class is present, so no access warning
    paths = [shared_file(f"roads/kunming/{n}.gdb") for n in ("arterial_main", "arterial_secondary")]
    layer = read_road_layer(paths[0])
    assert layer.attrs["class_report"]["class_fields"] == []
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        net = network_from_layers(paths)
    assert net.info["expressway_access"].startswith("assumed")
    assert net.info["unknown_classes"] == {}
    # the same lines with a 道路等级 field in other spellings give the same speeds
    sec = read_road_layer(paths[1])
    main = layer.assign(道路等级="城市主干道")
    sec = sec.assign(道路等级="次干道")
    via_field = network_from_layers([main.drop(columns="road_class"),
                                     sec.drop(columns="road_class")])
    assert via_field.n_edges == net.n_edges
    np.testing.assert_allclose(np.sort(via_field.csr.data), np.sort(net.csr.data), rtol=1e-12)


def test_usual_field_without_known_classes_falls_back_to_layer_name(tmp_path, caplog):
    # synthetic: a 'KIND' field holding navigation codes in a file named after its class
    gdf = _chain({"KIND": ["0x0102", "0x0103"]})
    gdf.to_file(tmp_path / "arterial_main.gpkg")
    with caplog.at_level(logging.WARNING, logger="geourb"):
        layer = read_road_layer(tmp_path / "arterial_main.gpkg")
    assert set(layer["road_class"]) == {"arterial_main"} and "hold no known road class" in caplog.text
    forced = read_road_layer(tmp_path / "arterial_main.gpkg", class_field="KIND")
    assert forced["road_class"].tolist() == ["0x0102", "0x0103"]
