"""Hostile input for rail, OD matrices and isochrones: each bad input gets a clear GeourbError.

All layers here are SYNTHETIC (a few hand-made stations, lines and a small road grid near
Wuhan), so every case runs in milliseconds.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geourb._errors import (
    DataFileNotFoundError,
    DuplicateKeyError,
    GeourbError,
    InvalidValueError,
    MissingColumnError,
    NetworkGraphError,
    NoCrsError,
)
from geourb.isochrones import isochrones, travel_time_surface
from geourb.network import Network
from geourb.od import node_times, od_matrix
from geourb.rail import (
    link_stations_along_lines,
    merge_stations,
    multimodal_network,
    read_lines,
    read_stations,
)


@pytest.fixture(scope="module")
def grid() -> Network:
    """SYNTHETIC 10 x 10 road grid, 500 m spacing, 30 km/h, around (114.30, 30.60)."""
    side = 10
    ids = np.arange(side * side).reshape(side, side)
    r, c = np.divmod(np.arange(side * side), side)
    lon = 114.30 + c * 0.0052
    lat = 30.60 + r * 0.0045
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    return Network.from_edges(u, v, np.full(u.size, 60.0), node_lon=lon, node_lat=lat,
                              oneway=np.zeros(u.size, bool), name="synthetic grid")


CENTRE = (114.323, 30.62)


def _csv(tmp_path, rows, name="st.csv"):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


# ---------------------------------------------------------------------------- stations
def test_duplicate_station_names_at_different_places_flagged(tmp_path, caplog):
    # synthetic: 太原 twice, 500 km apart (a real OSM defect), and 武汉 twice 50 m apart
    path = _csv(tmp_path, {"name": ["太原", "太原", "武汉", "武汉站"],
                           "lon": [112.55, 117.0, 114.4240, 114.4245],
                           "lat": [37.87, 36.65, 30.6070, 30.6073]})
    with caplog.at_level(logging.WARNING, logger="geourb"):
        st = read_stations(path)
    assert len(st) == 4  # nothing dropped
    assert st["duplicate_name"].tolist() == [True, True, False, False]
    assert "太原" in caplog.text and "km apart" in caplog.text


def test_duplicate_station_names_can_be_refused(tmp_path):
    path = _csv(tmp_path, {"name": ["太原", "太原"], "lon": [112.55, 117.0],
                           "lat": [37.87, 36.65]})
    with pytest.raises(DuplicateKeyError, match="太原.*km apart.*on_duplicate='flag'"):
        read_stations(path, on_duplicate="raise")
    with pytest.raises(InvalidValueError, match="on_duplicate"):
        read_stations(path, on_duplicate="drop")


def test_layers_without_crs_and_kinds_without_column(tmp_path):
    st = gpd.GeoDataFrame({"name": ["A", "B"]}, geometry=gpd.points_from_xy([114.3, 114.34],
                                                                           [30.6, 30.64]))
    with pytest.raises(NoCrsError, match="first station layer"):
        merge_stations(st, st.set_crs(4326))
    lines = gpd.GeoDataFrame({"line_type": ["hsr"]},
                             geometry=[shapely.LineString([(114.3, 30.6), (114.34, 30.64)])],
                             crs=4326)
    with pytest.raises(NoCrsError, match="stations have no CRS"):
        link_stations_along_lines(st, lines)
    path = _csv(tmp_path, {"name": ["武汉"], "lon": [114.42], "lat": [30.61]})
    with pytest.raises(MissingColumnError, match="station"):
        read_stations(path, kinds="train")


def test_station_file_missing(tmp_path):
    with pytest.raises(DataFileNotFoundError, match="nowhere.csv"):
        read_stations(tmp_path / "nowhere.csv")


def test_station_table_without_coordinates(tmp_path):
    path = _csv(tmp_path, {"name": ["武汉"], "city": ["武汉"]})
    with pytest.raises(MissingColumnError):
        read_stations(path)


def test_station_coordinates_that_are_text(tmp_path):
    path = _csv(tmp_path, {"name": ["武汉", "汉口"], "lon": ["114.42", "东经114"],
                           "lat": [30.61, 30.62]})
    with pytest.raises(InvalidValueError, match="lon"):
        read_stations(path)


def test_stations_without_coordinates_or_name_are_counted(tmp_path, caplog):
    path = _csv(tmp_path, {"name": ["武汉", "", "汉口"], "lon": [114.42, 114.3, np.nan],
                           "lat": [30.61, 30.6, 30.62]})
    with caplog.at_level(logging.WARNING, logger="geourb"):
        st = read_stations(path)
    assert len(st) == 2 and st["name"].tolist() == ["武汉", ""]
    assert "dropped 1 station(s) without coordinates" in caplog.text
    assert "1 of 2 station(s) have no name" in caplog.text


def test_merge_keeps_every_station_and_refuses_bad_distance():
    # synthetic: 武汉 in both (40 m apart), 汉口 only in the first, 武汉东 only in the second,
    # 孝感 in both but 30 km apart (two different places: kept separate, reported)
    first = gpd.GeoDataFrame({"name": ["武汉站", "汉口", "孝感"], "bureau": ["武", "武", "武"]},
                             geometry=gpd.points_from_xy([114.424, 114.250, 113.92],
                                                         [30.607, 30.620, 30.93]), crs=4326)
    second = gpd.GeoDataFrame({"name": ["武汉", "武汉东", "孝感", None], "station": ["train"] * 4},
                              geometry=gpd.points_from_xy([114.4244, 114.50, 114.20, 114.1],
                                                          [30.607, 30.60, 30.93, 30.5]),
                              crs=4326)
    out, report = merge_stations(first, second)
    assert len(out) == 3 + 3 and report.matched == 1
    assert out["source"].tolist() == ["both", "first", "first", "second", "second", "second"]
    assert out.loc[0, "osm_station"] == "train" and out.loc[0, "bureau"] == "武"
    assert set(report.far_name_matches) == {"孝感"} and report.unnamed_second == 1
    with pytest.raises(InvalidValueError, match="max_dist_m"):
        merge_stations(first, second, max_dist_m=0)


# ---------------------------------------------------------------------------- lines
def test_line_folder_without_lines(tmp_path):
    (tmp_path / "readme.txt").write_text("no lines here")
    with pytest.raises(DataFileNotFoundError, match="No line files"):
        read_lines(tmp_path)


def test_unknown_line_type_and_bad_speed(tmp_path):
    ln = gpd.GeoDataFrame({"name": ["武广"]},
                          geometry=[shapely.LineString([(114.0, 30.0), (114.4, 30.6)])], crs=4326)
    ln.to_file(tmp_path / "wg.gpkg")
    with pytest.raises(InvalidValueError, match="Unknown line type 'maglev'"):
        read_lines(tmp_path / "wg.gpkg", line_type="maglev")
    lines = read_lines(tmp_path / "wg.gpkg", line_type="hsr")
    st = gpd.GeoDataFrame({"name": ["A", "B"]},
                          geometry=gpd.points_from_xy([114.0, 114.4], [30.0, 30.6]), crs=4326)
    with pytest.raises(InvalidValueError, match="hsr.*> 0 km/h"):
        link_stations_along_lines(st, lines, speeds_kmh={"hsr": -300})


def test_multimodal_with_empty_or_foreign_links(grid):
    st = gpd.GeoDataFrame({"name": ["A", "B"]},
                          geometry=gpd.points_from_xy([114.30, 114.34], [30.60, 30.64]), crs=4326)
    empty = gpd.GeoDataFrame({"u": [], "v": [], "time_s": []}, geometry=[], crs=4326)
    with pytest.raises(NetworkGraphError, match="empty"):
        multimodal_network(grid, st, empty)
    foreign = gpd.GeoDataFrame({"u": [0], "v": [7], "time_s": [300.0]},
                               geometry=[shapely.LineString([(114.3, 30.6), (114.34, 30.64)])],
                               crs=4326)
    with pytest.raises(InvalidValueError, match="not in stations: \\[7\\]"):
        multimodal_network(grid, st, foreign)
    with pytest.raises(InvalidValueError, match="wait_s"):
        multimodal_network(grid, st, foreign.assign(v=[1]), wait_s=float("nan"))


# ---------------------------------------------------------------------------- od
@pytest.mark.parametrize("minutes", [-5, 0, float("nan"), float("inf"), "60", True])
def test_od_bad_minutes(grid, minutes):
    with pytest.raises(InvalidValueError, match="minutes must be a positive number"):
        od_matrix(grid, [CENTRE], minutes=minutes)


def test_od_negative_minutes_message_plain(grid):
    with pytest.raises(InvalidValueError, match="got -5[.]$"):
        od_matrix(grid, [CENTRE], minutes=np.float64(-5.0))


def test_od_nan_empty_and_crs_less_origins(grid):
    with pytest.raises(InvalidValueError, match="NaN or infinite coordinates \\(ids \\[1\\]\\)"):
        od_matrix(grid, [CENTRE, (np.nan, 30.6)])
    with pytest.raises(InvalidValueError, match="No origins"):
        od_matrix(grid, np.empty((0, 2)))
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([114.32], [30.62]))
    with pytest.raises(NoCrsError, match="origins have no CRS"):
        od_matrix(grid, pts)
    with pytest.raises(InvalidValueError, match="no geometry"):
        od_matrix(grid, gpd.GeoDataFrame(geometry=[None, shapely.Point(114.32, 30.62)],
                                         crs=4326))
    with pytest.raises(InvalidValueError, match="WGS84"):
        od_matrix(grid, [(12_700_000.0, 3_500_000.0)])


def test_od_origin_outside_network_is_nan_and_logged(grid, caplog):
    with caplog.at_level(logging.WARNING, logger="geourb"):
        od = od_matrix(grid, [CENTRE, (116.4, 39.9)])  # the second is Beijing
    assert np.isnan(od.iloc[1]).all() and np.isnan(od.iloc[:, 1]).all()
    assert od.iloc[0, 0] == 0
    assert "1 origins farther than 2000 m" in caplog.text


def test_node_times_bad_indices_and_options(grid):
    with pytest.raises(InvalidValueError, match="sources must be node indices in 0..99"):
        node_times(grid, [0, 100], [1])
    with pytest.raises(InvalidValueError, match="batch_size"):
        node_times(grid, [0], [1], batch_size=0)
    with pytest.raises(InvalidValueError, match="workers"):
        node_times(grid, [0], [1], parallel=True, workers=0)
    assert node_times(grid, [], [1, 2]).shape == (0, 2)


# ---------------------------------------------------------------------------- isochrones
@pytest.mark.parametrize("minutes", [-5, 0, float("nan"), "15"])
def test_isochrone_bad_minutes(grid, minutes):
    with pytest.raises(InvalidValueError, match="minutes must be a positive number"):
        travel_time_surface(grid, CENTRE, minutes=minutes)


def test_isochrone_bad_bands(grid):
    for bands in ([], [10, 5], [-5], [5, float("nan")], ["a"]):
        with pytest.raises(InvalidValueError, match="bands_min"):
            isochrones(grid, CENTRE, bands_min=bands)


def test_isochrone_origins_outside_nan_or_empty(grid):
    with pytest.raises(NetworkGraphError, match="outside the extent"):
        isochrones(grid, (116.4, 39.9), bands_min=(5,))
    with pytest.raises(InvalidValueError, match="NaN"):
        isochrones(grid, (np.nan, 30.6), bands_min=(5,))
    with pytest.raises(InvalidValueError, match="No origins"):
        isochrones(grid, [], bands_min=(5,))
    with pytest.raises(NoCrsError):
        isochrones(grid, gpd.GeoSeries([shapely.Point(CENTRE)]), bands_min=(5,))


def test_isochrone_walk_to_network_longer_than_the_limit(grid):
    # 960 m from the grid: 11.5 min of walking, more than the 1-minute limit. Before, SciPy
    # raised a bare "limit must be >= 0"; now the surface holds only the walk from the origin
    surf = travel_time_surface(grid, (114.29, 30.60), minutes=1, cell_m=50)
    reached = np.isfinite(surf.minutes)
    assert 0 < reached.sum() < 20 and np.nanmax(surf.minutes) <= 1
    iso = isochrones(grid, (114.29, 30.60), bands_min=(1,), cell_m=50)
    assert 0 < iso["area_km2"].iloc[0] < 0.05  # a walk of 83 m at most: ~0.02 km2


def test_isochrone_max_min_alias(grid):
    with pytest.warns(DeprecationWarning, match="minutes="):
        old = travel_time_surface(grid, CENTRE, max_min=5, cell_m=50)
    new = travel_time_surface(grid, CENTRE, minutes=5, cell_m=50)
    assert np.array_equal(old.minutes, new.minutes, equal_nan=True)
    with pytest.raises(InvalidValueError, match="not both"), pytest.warns(DeprecationWarning):
        travel_time_surface(grid, CENTRE, minutes=10, max_min=5)


def test_every_error_here_is_a_geourb_error():
    for cls in (DuplicateKeyError, InvalidValueError, NetworkGraphError, NoCrsError,
                MissingColumnError, DataFileNotFoundError):
        assert issubclass(cls, GeourbError)
