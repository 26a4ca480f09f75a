"""Hostile inputs to the road readers and network builders: each gets a clear GeourbError
naming the file, column, key or value, or a flagged report; nothing is dropped silently.

All layers and OSM files here are SYNTHETIC (hand-made, a few lines near Kunming).
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geourb._errors import (
    CrsError,
    DataFileNotFoundError,
    EmptyResultError,
    InvalidValueError,
    MissingColumnError,
    NetworkGraphError,
    NoCrsError,
    UnknownNameError,
)
from geourb.roads import (
    approximate_network,
    load_network,
    network_from_layers,
    network_from_osm,
    read_road_layer,
)


def write_osm(path: Path, nodes: list[tuple[int, float, float]],
              ways: list[tuple[int, list[int], dict[str, str]]]) -> Path:
    """SYNTHETIC OSM file (PBF or XML by suffix) written with pyosmium."""
    import osmium
    from osmium.osm.mutable import Node, Way

    writer = osmium.SimpleWriter(str(path), overwrite=True)
    for i, x, y in nodes:
        writer.add_node(Node(id=i, location=(x, y)))
    for i, refs, tags in ways:
        writer.add_way(Way(id=i, nodes=refs, tags=tags))
    writer.close()
    return path


NODES = [(1, 102.70, 25.00), (2, 102.71, 25.00), (3, 102.72, 25.00), (4, 102.72, 25.01)]


def line_layer(*coords: list[tuple[float, float]], cls: str = "主干路", crs: object = 4326
               ) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"road_class": [cls] * len(coords)},
                            geometry=[shapely.LineString(c) for c in coords], crs=crs)


# ----------------------------------------------------------------------------- OSM readers
def test_osm_missing_file(tmp_path):
    with pytest.raises(DataFileNotFoundError, match="nope.osm.pbf"):
        network_from_osm(tmp_path / "nope.osm.pbf")


def test_osm_path_is_a_folder(tmp_path):
    (tmp_path / "x.osm.pbf").mkdir()
    with pytest.raises(DataFileNotFoundError, match="is a folder"):
        network_from_osm(tmp_path / "x.osm.pbf")


@pytest.mark.parametrize("content", [b"", b"\x00\x01garbage" * 50, b"<osm><node id='1'"])
def test_osm_corrupt(tmp_path, content):
    path = tmp_path / "bad.osm.pbf"
    path.write_bytes(content)
    with pytest.raises(NetworkGraphError, match="bad.osm.pbf"):
        network_from_osm(path)


def test_pbf_without_drivable_ways(tmp_path):
    path = write_osm(tmp_path / "paths.osm.pbf", NODES, [
        (1, [1, 2], {"highway": "footway"}), (2, [2, 3], {"highway": "track"}),
        (3, [3, 4], {"highway": "residential", "access": "private"}),
        (4, [1, 4], {"building": "yes"})])
    with pytest.raises(NetworkGraphError, match="no drivable road") as err:
        network_from_osm(path)
    assert "paths.osm.pbf" in str(err.value) and "footway (1)" in str(err.value)
    assert "track (1)" in str(err.value) and "residential (1)" in str(err.value)


def test_pbf_without_any_way(tmp_path):
    path = write_osm(tmp_path / "nodes.osm.pbf", NODES, [])
    with pytest.raises(NetworkGraphError, match="holds no highway way"):
        network_from_osm(path)


def test_pbf_ways_without_their_nodes(tmp_path):
    # a clipped extract: the drivable way's nodes are not in the file
    path = write_osm(tmp_path / "clipped.osm.pbf", NODES[:1], [(1, [1, 2, 3], {"highway": "primary"})])
    with pytest.raises(NetworkGraphError, match="fewer than two nodes inside the file"):
        network_from_osm(path)


def test_pbf_partly_clipped_way_counted(tmp_path):
    path = write_osm(tmp_path / "part.osm.pbf", NODES[:3],
                     [(1, [1, 2, 3, 99], {"highway": "primary"})])
    net = network_from_osm(path)
    assert net.info["ways_clipped"] == 1 and net.n_nodes == 3


def test_pbf_zero_length_segment_flagged(tmp_path, caplog):
    # two OSM nodes at one place: the segment between them is counted and logged
    nodes = [*NODES, (5, 102.72, 25.01)]
    path = write_osm(tmp_path / "dup.osm", nodes, [(1, [1, 2, 3, 4, 5], {"highway": "primary"})])
    with caplog.at_level(logging.WARNING, logger="geourb"):
        net = network_from_osm(path, largest_component=False)
    assert net.info["zero_length_segments"] == 1
    assert "1 zero-length segment" in caplog.text and "dup.osm" in caplog.text


def test_pbf_self_looping_segment_flagged(tmp_path, caplog):
    path = write_osm(tmp_path / "loop.osm", NODES,
                     [(1, [1, 2, 2, 3], {"highway": "primary"})])  # node 2 repeated
    with caplog.at_level(logging.WARNING, logger="geourb"):
        net = network_from_osm(path)
    assert net.info["self_loop_segments"] == 1 and "self-looping segment" in caplog.text
    assert net.n_nodes == 3


def test_osm_bad_speed_values_named(tmp_path):
    path = write_osm(tmp_path / "ok.osm", NODES, [(1, [1, 2, 3], {"highway": "primary"})])
    with pytest.raises(InvalidValueError, match="'primary' must be a positive number.*got -5\\."):
        network_from_osm(path, speeds={"primary": np.float64(-5)})
    with pytest.raises(InvalidValueError, match="'default'.*got 0"):
        network_from_osm(path, default_speed_kmh=0)
    with pytest.raises(InvalidValueError, match="'fast'"):
        network_from_osm(path, speeds={"primary": "fast"})


def test_osm_unknown_class_raise_and_warn(tmp_path, caplog):
    path = write_osm(tmp_path / "trail.osm", NODES, [(1, [1, 2, 3], {"highway": "trail"})])
    with pytest.raises(UnknownNameError, match="'trail' \\(1\\)"):
        network_from_osm(path, unknown="raise")
    with caplog.at_level(logging.WARNING, logger="geourb"):
        net = network_from_osm(path)
    assert net.info["unknown_classes"] == {"trail": 1} and "30 km/h used" in caplog.text


def test_osm_garbage_maxspeed_uses_class_speed(tmp_path):
    path = write_osm(tmp_path / "ms.osm", NODES, [(1, [1, 2], {"highway": "primary", "maxspeed": "fast"}),
                                                  (2, [2, 3], {"highway": "primary", "maxspeed": "-20"})])
    net = network_from_osm(path)
    speed = net.edge_lengths() / net.csr.data * 3.6
    np.testing.assert_allclose(speed, 60.0)
    assert net.info["maxspeed_used"] == 0


def test_osm_bad_node_index(tmp_path):
    path = write_osm(tmp_path / "ok.osm", NODES, [(1, [1, 2, 3], {"highway": "primary"})])
    with pytest.raises(InvalidValueError, match="node_index='dense_fle_array'.*Did you mean"):
        network_from_osm(path, node_index="dense_fle_array")
    net = network_from_osm(path, node_index="sparse_file_array")  # on disk, in a temp folder
    assert net.info["node_index"] == "sparse_file_array" and net.n_nodes == 3


@pytest.mark.parametrize("value", ["biggest", 2, "STRONGEST"])
def test_bad_largest_component(tmp_path, value):
    path = write_osm(tmp_path / "ok.osm", NODES, [(1, [1, 2, 3], {"highway": "primary"})])
    with pytest.raises(InvalidValueError, match=f"largest_component.*{value!r}"):
        network_from_osm(path, largest_component=value)


# ----------------------------------------------------------------------------- GIS layers
def test_layer_missing_file(tmp_path):
    with pytest.raises(DataFileNotFoundError, match="roads.gpkg"):
        read_road_layer(tmp_path / "roads.gpkg")


def test_layer_garbage_file(tmp_path):
    path = tmp_path / "roads.gpkg"
    path.write_text("not a geopackage", encoding="utf-8")
    with pytest.raises(NetworkGraphError, match="roads.gpkg"):
        read_road_layer(path)


def test_layer_points_only(tmp_path):
    gpd.GeoDataFrame(geometry=[shapely.Point(102.7, 25.0)], crs=4326).to_file(tmp_path / "p.gpkg")
    with pytest.raises(EmptyResultError, match="p.gpkg.*no line layer"):
        read_road_layer(tmp_path / "p.gpkg")


def test_layer_without_crs():
    gdf = line_layer([(102.70, 25.0), (102.71, 25.0)], crs=None)
    with pytest.raises(NoCrsError, match="set_crs"):
        network_from_layers(gdf)


def test_layer_in_metres_labelled_degrees():
    gdf = line_layer([(500_000, 2_800_000), (501_000, 2_800_000)])  # UTM metres, EPSG:4326 label
    with pytest.raises(CrsError, match="not WGS84 degrees.*labelled EPSG:4326"):
        network_from_layers(gdf)


def test_layer_strict_crs_refuses_wrong_label():
    gdf = line_layer([(102.70, 25.0), (102.71, 25.0)], crs=32648)
    with pytest.raises(CrsError, match="32648.*degrees"):
        network_from_layers(gdf, strict_crs=True)


def test_layer_zero_length_lines_refused():
    # every line is a single repeated point: nothing to route on
    gdf = line_layer([(102.70, 25.0), (102.70, 25.0)], [(102.71, 25.0), (102.71, 25.0)])
    with pytest.raises(NetworkGraphError, match="zero length"):
        network_from_layers(gdf)


def test_layer_self_looping_segments_flagged(caplog):
    # one line doubles a vertex, one line is shorter than the node tolerance (0.3 m)
    gdf = line_layer([(102.70, 25.0), (102.71, 25.0), (102.71, 25.0), (102.72, 25.0)],
                     [(102.72, 25.0), (102.720003, 25.0)])
    with caplog.at_level(logging.WARNING, logger="geourb"):
        net = network_from_layers(gdf)
    assert net.info["self_loop_segments"] == 2
    assert "2 self-looping segment(s)" in caplog.text and "in 2 way(s)/feature(s)" in caplog.text
    assert net.n_nodes == 3


def test_layer_class_field_missing_suggests():
    gdf = line_layer([(102.70, 25.0), (102.71, 25.0)]).rename(columns={"road_class": "技术等级"})
    with pytest.raises(MissingColumnError, match="'技术等' .*Did you mean: 技术等级"):
        network_from_layers(gdf, class_field="技术等")


def test_layer_without_class_column():
    gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.LineString([(102.7, 25), (102.71, 25)])],
                           crs=4326)
    with pytest.raises(MissingColumnError, match="no road-class column.*class_field="):
        network_from_layers(gdf)


def test_layer_oneway_column_missing():
    gdf = line_layer([(102.70, 25.0), (102.71, 25.0)])
    with pytest.raises(MissingColumnError, match="'oneway'"):
        network_from_layers(gdf, oneway_column="oneway")


@pytest.mark.parametrize("value", [0, -1, float("nan"), "1"])
def test_layer_bad_node_tolerance(value):
    gdf = line_layer([(102.70, 25.0), (102.71, 25.0)])
    with pytest.raises(InvalidValueError, match="node_tolerance_m"):
        network_from_layers(gdf, node_tolerance_m=value)


def test_layer_bad_interchanges(tmp_path):
    gdf = line_layer([(102.70, 25.0), (102.71, 25.0)], cls="高速公路")
    with pytest.raises(InvalidValueError, match="interchange coordinates"):
        network_from_layers(gdf, interchanges=np.array([[np.nan, 25.0]]))
    with pytest.raises(DataFileNotFoundError, match="互通.gpkg"):
        network_from_layers(gdf, interchanges=tmp_path / "互通.gpkg")
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(102.7, 25.0)])
    with pytest.raises(NoCrsError, match="interchange layer"):
        network_from_layers(gdf, interchanges=pts)
    with pytest.raises(InvalidValueError, match="interchange_m"):
        network_from_layers(gdf, interchange_m=-5)


def test_layer_class_field_and_alias_disagree():
    gdf = line_layer([(102.70, 25.0), (102.71, 25.0)])
    with pytest.raises(InvalidValueError, match="not both"), pytest.warns(DeprecationWarning):
        network_from_layers(gdf, class_field="road_class", class_column="other")


def test_layers_empty_list():
    with pytest.raises(InvalidValueError, match="at least one road layer"):
        network_from_layers([])


# ----------------------------------------------------------------------------- load / approximate
def test_load_network_folder_without_layers(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DataFileNotFoundError, match="no .gdb, .gpkg or .shp"):
        load_network(tmp_path)


def test_load_network_garbage_npz(tmp_path):
    path = tmp_path / "net.npz"
    path.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(NetworkGraphError, match="net.npz"):
        load_network(path)


def test_load_network_datum_on_osm(tmp_path):
    path = write_osm(tmp_path / "ok.osm.pbf", NODES, [(1, [1, 2, 3], {"highway": "primary"})])
    with pytest.raises(InvalidValueError, match="already WGS84"):
        load_network(path, coord_system="gcj02")


def test_approximate_network_bad_values(counties):
    one = counties.iloc[:1]
    with pytest.raises(NetworkGraphError, match="at least two"):
        approximate_network(one)
    nx_ = counties[counties["province"].str.startswith("宁夏")]
    with pytest.raises(InvalidValueError, match="circuity"):
        approximate_network(nx_, circuity=0.9)
    with pytest.raises(InvalidValueError, match="got -80"):
        approximate_network(nx_, speed_kmh=-80)
