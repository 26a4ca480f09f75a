"""Rail stations, lines, links along lines and the multimodal network (real data + synthetic)."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geourb._errors import InvalidValueError, NetworkGraphError
from geourb.coords import haversine_m
from geourb.network import Network
from geourb.rail import (
    link_stations_along_lines,
    multimodal_network,
    read_lines,
    read_stations,
)


@pytest.fixture(scope="module")
def cnstation(shared_file):
    return shared_file("rail/cnstation.csv")


@pytest.fixture(scope="module")
def lines(shared_file):
    return read_lines(shared_file("rail/hsr_lines"))


def test_csv_coordinate_systems_agree_after_conversion(cnstation):
    gcj = read_stations(cnstation, coord_system="gcj02")
    wgs = read_stations(cnstation, coord_system="wgs84")
    bd = read_stations(cnstation, coord_system="bd09")
    assert len(gcj) == len(wgs) == len(bd) == 3066
    assert (gcj["name"] == wgs["name"]).all()
    d_gcj = haversine_m(gcj["lon"], gcj["lat"], wgs["lon"], wgs["lat"])
    d_bd = haversine_m(bd["lon"], bd["lat"], wgs["lon"], wgs["lat"])
    # the published columns are rounded (6-7 decimals) and were converted by the repo author
    assert np.median(d_gcj) < 5 and np.percentile(d_gcj, 99) < 20
    assert np.median(d_bd) < 60 and np.percentile(d_bd, 99) < 150
    # and the raw GCJ-02 columns really are offset (the conversion did something)
    raw = pd.read_csv(cnstation)
    assert np.median(haversine_m(raw["lng火星"], raw["lat火星"], wgs["lon"], wgs["lat"])) > 100


def test_geojson_stations(shared_file):
    st = read_stations(shared_file("rail/hsr_stations.json"))
    assert len(st) == 487 and st.crs.to_epsg() == 4326
    assert "蚌埠南" in set(st["name"])


def test_swapped_and_out_of_range_coordinates(tmp_path):
    # synthetic: lat/lon columns exchanged
    p = tmp_path / "swapped.csv"
    pd.DataFrame({"name": ["武汉", "汉口"], "lon": [30.61, 30.62],
                  "lat": [114.42, 114.26]}).to_csv(p, index=False)
    with pytest.raises(InvalidValueError, match="swapped"):
        read_stations(p)
    q = tmp_path / "range.csv"
    pd.DataFrame({"name": ["x"], "lon": [12_700_000.0], "lat": [3_500_000.0]}).to_csv(q, index=False)
    with pytest.raises(InvalidValueError, match="out of range"):
        read_stations(q)
    # synthetic: one station in Helsinki (valid degrees, outside China)
    r = tmp_path / "outside.csv"
    pd.DataFrame({"name": ["武汉", "汉口", "赫尔辛基"], "lon": [114.42, 114.26, 24.94],
                  "lat": [30.61, 30.62, 60.17]}).to_csv(r, index=False)
    with pytest.raises(InvalidValueError, match="outside China") as err:
        read_stations(r)
    msg = str(err.value)
    assert "outside.csv" in msg and "'lon'/'lat'" in msg and "rows [2]" in msg
    assert "(24.94, 60.17)" in msg
    # synthetic: a minority of swapped rows is named as such
    w = tmp_path / "one_swapped.csv"
    pd.DataFrame({"name": ["武汉", "汉口", "错"], "lon": [114.42, 114.26, 30.6],
                  "lat": [30.61, 30.62, 114.3]}).to_csv(w, index=False)
    with pytest.raises(InvalidValueError, match="rows \\[2\\].*exchanged"):
        read_stations(w)


def test_dropped_features_logged(tmp_path, caplog):
    # synthetic: a station layer with a null geometry, a line file with a point feature
    st = gpd.GeoDataFrame({"name": ["武汉", "无"]},
                          geometry=[shapely.Point(114.42, 30.61), None], crs=4326)
    st.to_file(tmp_path / "st.gpkg")
    ln = gpd.GeoDataFrame({"name": ["京广", "站"]},
                          geometry=[shapely.LineString([(114.0, 30.0), (114.5, 30.6)]),
                                    shapely.Point(114.0, 30.0)], crs=4326)
    ln.to_file(tmp_path / "jg.gpkg")
    with caplog.at_level(logging.WARNING, logger="geourb"):
        stations = read_stations(tmp_path / "st.gpkg")
        lines = read_lines(tmp_path / "jg.gpkg")
    assert len(stations) == 1 and len(lines) == 1
    assert "dropped 1 of 2 station(s) without geometry" in caplog.text
    assert "jg.gpkg: dropped 1 of 2 feature(s) that are not lines (Point: 1)" in caplog.text


def test_links_along_real_lines(cnstation, lines):
    st = read_stations(cnstation, coord_system="gcj02")
    links, report = link_stations_along_lines(st, lines)
    assert report.unmatched_lines == []
    assert set(links["line_id"]) == set(lines.index)
    # Wuhan station lies on the Beijing-Guangzhou HSR between Xiaogan North and Shanpo East
    wuhan = links[(links["line_id"] == "beijing_guangzhou")
                  & ((links["u_name"] == "武汉") | (links["v_name"] == "武汉"))]
    assert len(wuhan) == 2
    # double tracks give the same pair twice: the duplicates are counted, none is left
    assert report.duplicate_links > 0 and "duplicate links removed" in str(report)
    pair = pd.DataFrame({"a": np.minimum(links["u"], links["v"]),
                         "b": np.maximum(links["u"], links["v"]), "l": links["line_id"]})
    assert not pair.duplicated().any()
    # length along the line exceeds the straight line; time = length / 300 km/h + dwell
    xy = st.loc[wuhan["u"], ["lon", "lat"]].to_numpy(), st.loc[wuhan["v"], ["lon", "lat"]].to_numpy()
    straight = haversine_m(xy[0][:, 0], xy[0][:, 1], xy[1][:, 0], xy[1][:, 1])
    assert (wuhan["length_m"].to_numpy() >= straight * 0.999).all()
    expected = wuhan["length_m"] / (300 / 3.6) + 120
    np.testing.assert_allclose(wuhan["time_s"], expected)
    conv = links[links["line_type"] == "conventional"]
    np.testing.assert_allclose(conv["speed_kmh"], 120)


def test_configurable_speed_and_unmatched_line_reported(cnstation, lines, shared_file):
    st = read_stations(shared_file("rail/hsr_stations.json"))
    sub = lines.loc[["beijing_shanghai_hsr", "qinghai_tibet"]]
    links, report = link_stations_along_lines(st, sub, speeds_kmh={"hsr": 250}, dwell_s=0)
    # the HSR station list has no station on the Qinghai-Tibet line: reported, not silent
    assert report.unmatched_lines == ["qinghai_tibet"]
    assert set(links["line_id"]) == {"beijing_shanghai_hsr"}
    np.testing.assert_allclose(links["time_s"], links["length_m"] / (250 / 3.6))


def test_multimodal_network_shortens_travel():
    # synthetic: a 3-node road line 100 km long at 60 km/h, stations at both ends linked by rail
    lon = np.array([114.0, 114.5, 115.04])
    lat = np.array([30.5, 30.5, 30.5])
    road = Network.from_edges([0, 1], [1, 2], [3000.0, 3000.0], node_lon=lon, node_lat=lat,
                              oneway=[False, False], name="road")
    stations = gpd.GeoDataFrame({"name": ["A", "B"]},
                                geometry=gpd.points_from_xy([114.0, 115.04], [30.5, 30.5]),
                                crs=4326)
    rail = gpd.GeoDataFrame({"u": [0], "v": [1], "time_s": [1200.0]},
                            geometry=[shapely.LineString([(114.0, 30.5), (115.04, 30.5)])],
                            crs=4326)
    mm = multimodal_network(road, stations, rail, wait_s=600, transfer_s=300)
    # 3 road nodes, 2 station entrances, 2 platforms (one line)
    assert mm.n_nodes == 7 and mm.node_ids.tolist() == list(range(7))
    assert mm.info["transit_from_node"] == 3 and mm.info["station_nodes"] == {0: 3, 1: 4}
    t = mm.travel_times([0])
    # board: wait + transfer; ride 1200 s; alight: transfer
    assert t[2] == pytest.approx(600 + 300 + 1200 + 300, abs=1)
    assert road.travel_times([0])[2] == 6000
    with pytest.raises(NetworkGraphError, match="do not overlap"):
        far = stations.set_geometry(gpd.points_from_xy([90.0, 91.0], [40.0, 40.0]), crs=4326)
        multimodal_network(road, far, rail)


def test_changing_lines_inside_a_station_costs_time(tmp_path):
    # synthetic: road 0-1-2 (slow); line L1 from station A (at node 0) to B (node 1), line L2
    # from B to C (node 2). Going A -> C by rail needs a change at B
    lon = np.array([114.0, 114.5, 115.0])
    lat = np.array([30.5, 30.5, 30.5])
    road = Network.from_edges([0, 1], [1, 2], [9000.0, 9000.0], node_lon=lon, node_lat=lat,
                              oneway=[False, False], name="road")
    stations = gpd.GeoDataFrame({"name": ["A", "B", "C"]},
                                geometry=gpd.points_from_xy(lon, lat), crs=4326)
    rail = gpd.GeoDataFrame({"u": [0, 1], "v": [1, 2], "time_s": [900.0, 900.0],
                             "line_id": ["L1", "L2"]},
                            geometry=[shapely.LineString([(114.0, 30.5), (114.5, 30.5)]),
                                      shapely.LineString([(114.5, 30.5), (115.0, 30.5)])],
                            crs=4326)
    default = multimodal_network(road, stations, rail, wait_s=600, transfer_s=300)
    # enter 300 + wait 600 + ride 900 + change (10 min + 300 m at 5 km/h) + ride 900 + exit 300
    change = 600 + 300 / (5 / 3.6)
    assert default.travel_times([0])[2] == pytest.approx(300 + 600 + 900 + change + 900 + 300,
                                                         abs=1)
    free = multimodal_network(road, stations, rail, change_min=0, change_walk_m=0)
    assert free.travel_times([0])[2] == pytest.approx(300 + 600 + 900 + 1 + 900 + 300, abs=1)
    slow = multimodal_network(road, stations, rail, change_min=30)
    # leaving and re-entering (exit 300 + enter 300 + wait 600) beats a 30-min change
    assert slow.travel_times([0])[2] == pytest.approx(300 + 600 + 900 + 1200 + 900 + 300,
                                                      abs=1)
    # origins never snap onto a platform or an entrance (no free boarding), also after a reload
    node, _ = default.nearest_nodes([114.5], [30.5])
    assert node[0] == 1
    reloaded = Network.load(default.save(tmp_path / "mm.npz"))
    assert reloaded.info["transit_from_node"] == 3
    assert reloaded.nearest_nodes([114.5], [30.5])[0][0] == 1
    with pytest.raises(InvalidValueError, match="change_min"):
        multimodal_network(road, stations, rail, change_min=-1)


@pytest.fixture(scope="module")
def merged(cnstation, shared_file):
    from geourb.rail import merge_stations

    osm = read_stations(shared_file("rail/osm_railway_stations_2025.zip"), kinds=("train",))
    assert len(osm) == 10991  # the train stations of the 19,055 OSM records
    return merge_stations(read_stations(cnstation, coord_system="gcj02"), osm)


def test_merge_cnstation_with_osm_2025(merged):
    st, report = merged
    assert report.matched + report.only_first == 3066  # every cnstation row kept
    assert len(st) == 3066 + report.only_second  # and every OSM row not matched
    by_name = st.drop_duplicates("name").set_index("name")
    # 昆明南 (opened 2016, missing from the ~2020 table) comes from OSM; 武汉 is in both,
    # keeping cnstation's bureau and OSM's kind
    assert by_name.loc["昆明南", "source"] == "second"
    assert by_name.loc["武汉", "source"] == "both"
    assert by_name.loc["武汉", "铁路局"] == "武汉铁路局" and by_name.loc["武汉", "osm_station"] == "train"
    assert by_name.loc["武汉", "match_dist_m"] < 3000
    assert report.far_name_matches and "too far apart" in str(report)


def test_wuhan_multimodal_circle_differs_where_rail_helps(merged, shared_file):
    from geourb.counties import load_counties
    from geourb.metro import default_network, multimodal_gain

    counties = load_counties(province=["湖北", "湖南", "江西", "安徽", "河南"])
    road = default_network(counties)
    named = merged[0][merged[0]["name"] != ""]
    links, _ = link_stations_along_lines(named, read_lines(shared_file("rail/hsr_lines")))
    mm = multimodal_network(road, named, links, max_access_m=30_000)
    per, summary = multimodal_gain(road, mm, "武汉", counties, minutes=60)
    # rail never makes a seat farther; the 60-min circle grows where the HSR leaves Wuhan
    assert (per["time_multimodal_min"] <= per["time_road_min"] + 1e-9).all()
    assert summary["isochrone_km2_multimodal"] > summary["isochrone_km2_road"]
    jiangxia = per.loc["420115"]  # 江夏区, on the Beijing-Guangzhou HSR south of Wuhan
    assert jiangxia["area_share_multimodal"] > jiangxia["area_share_road"] + 0.01
    # at 90 min the HSR brings in counties the roads do not: 平桥区 (信阳), 80 min sooner
    per90, summary90 = multimodal_gain(road, mm, "武汉", counties, minutes=90)
    assert summary90["gained"] >= 1 and per90.loc["411503", "gained"]
    assert per90.loc["411503", "saved_min"] > 30
