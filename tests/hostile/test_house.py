"""Hostile input for parks, scoring, coordinates and TOML files (house branch, issue #11).

Every case asserts the GeourbError subclass and that the message names the offending file,
column, key or value (and, where there is one, the fix). All tables here are synthetic.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geourb._errors import (
    DataFileNotFoundError,
    DuplicateKeyError,
    GeourbError,
    InvalidValueError,
    MissingColumnError,
    NoCrsError,
    SettingsError,
    UnknownNameError,
)
from geourb._toml import read_toml
from geourb.parks import benefit_per_mu, read_parks, validate_parks
from geourb.scoring import ScoringConfig, ahp_weights, manual_weights, score_counties

# synthetic: three points in 银川 / 吴忠 (宁夏), WGS84
LON = [106.23, 106.28, 106.20]
LAT = [38.49, 38.46, 37.99]


def _csv(tmp_path, fname="p.csv", **cols) -> str:
    data = {"name": ["甲园区", "乙园区", "丙园区"], "lon": LON, "lat": LAT}
    data.update(cols)
    path = tmp_path / fname
    pd.DataFrame({k: v for k, v in data.items() if v is not None}).to_csv(path, index=False)
    return str(path)


def _layer(tmp_path, geoms, *, crs="EPSG:4326", name="p.gpkg") -> str:
    path = tmp_path / name
    gpd.GeoDataFrame({"name": [f"园区{i}" for i in range(len(geoms))]}, geometry=geoms, crs=crs).to_file(path)
    return str(path)


@pytest.fixture(scope="module")
def ningxia():
    from geourb.counties import load_counties

    return load_counties(province="宁夏")


# ------------------------------------------------------------------------------------- parks


def test_table_with_swapped_columns_names_both_and_the_fix(tmp_path):
    path = _csv(tmp_path, lon=LAT, lat=LON)
    with pytest.raises(InvalidValueError, match=r"look swapped\. Pass lon='lat', lat='lon'") as exc:
        read_parks(path)
    assert path in str(exc.value)


def test_point_layer_with_swapped_axes_gives_a_layer_fix_not_lon_lat(tmp_path):
    path = _layer(tmp_path, [Point(y, x) for x, y in zip(LON, LAT, strict=True)])
    with pytest.raises(InvalidValueError, match="axes look swapped") as exc:
        read_parks(path)
    msg = str(exc.value)
    assert path in msg and "swap_xy" in msg
    assert "lon=" not in msg and "lat=" not in msg  # table-only options do not apply to layers


def test_polygon_layer_with_swapped_axes_is_fixed_by_the_suggested_swap(tmp_path):
    from geourb.coords import swap_xy

    polys = [box(y - 0.01, x - 0.01, y + 0.01, x + 0.01) for x, y in zip(LON, LAT, strict=True)]
    path = _layer(tmp_path, polys)
    with pytest.raises(InvalidValueError, match="swap_xy"):
        read_parks(path)
    fixed = tmp_path / "fixed.gpkg"
    swap_xy(gpd.read_file(path)).to_file(fixed)
    parks = read_parks(fixed)
    assert ((parks.bounds["minx"] + parks.bounds["maxx"]) / 2).round(2).tolist() == LON


def test_layer_in_metres_labelled_wgs84_points_to_its_crs(tmp_path):
    pts = gpd.GeoSeries([Point(x, y) for x, y in zip(LON, LAT, strict=True)], crs=4326).to_crs(3857)
    path = _layer(tmp_path, list(pts), crs="EPSG:4326")  # metres, wrongly labelled degrees
    with pytest.raises(InvalidValueError, match=r"outside China's range.*CRS is EPSG:4326.*set_crs") as exc:
        read_parks(path)
    assert "lon=" not in str(exc.value)


def test_table_in_projected_metres_names_rows_and_columns(tmp_path):
    path = _csv(tmp_path, lon=[11_825_000.0, 106.28, 106.20], lat=[4_650_000.0, 38.46, 37.99])
    with pytest.raises(InvalidValueError, match=r"1 point\(s\) lie outside China.*rows \[0\].*'lon'/'lat'"):
        read_parks(path)


def test_infinite_coordinate_is_refused(tmp_path):
    path = _csv(tmp_path, lon=[np.inf, 106.28, 106.20])
    with pytest.raises(InvalidValueError, match=r"outside China.*rows \[0\]"):
        read_parks(path)


def test_text_in_a_coordinate_column_names_the_column(tmp_path):
    path = _csv(tmp_path, lon=["106.23", "东经106度", "106.20"])
    with pytest.raises(InvalidValueError, match="'lon'") as exc:
        read_parks(path)
    assert path in str(exc.value)


def test_missing_coordinate_columns_list_the_available_ones(tmp_path):
    path = _csv(tmp_path, lon=None, lat=None, 经度E=LON, 纬度N=LAT)
    with pytest.raises(MissingColumnError, match=r"no longitude/latitude columns.*经度E.*lon='\.\.\.'"):
        read_parks(path)


def test_missing_name_column(tmp_path):
    path = tmp_path / "noname.csv"
    pd.DataFrame({"lon": LON, "lat": LAT, "园": ["a", "b", "c"]}).to_csv(path, index=False)
    with pytest.raises(MissingColumnError, match="name"):
        read_parks(path)


def test_mapping_to_an_absent_column_names_key_and_column(tmp_path):
    path = _csv(tmp_path)
    with pytest.raises(MissingColumnError, match=r"mapping 'approved_ha' -> '面积' .*Available columns: name"):
        read_parks(path, mapping={"approved_ha": "面积"})


def test_unknown_level_and_empty_name(tmp_path):
    with pytest.raises(InvalidValueError, match=r"unknown approval levels \['县级'\]"):
        read_parks(_csv(tmp_path, level=["国家级", "县级", "省级"]))
    with pytest.raises(InvalidValueError, match=r"empty in rows \[1\]"):
        read_parks(_csv(tmp_path, name=["甲", None, "丙"]))


def test_repeated_park_codes_are_named(tmp_path):
    path = _csv(tmp_path, park_id=["A1", "A1", "B2"])
    with pytest.raises(DuplicateKeyError, match=r"repeated: A1 .*on_duplicate='suffix'"):
        read_parks(path)
    assert read_parks(path, on_duplicate="suffix")["park_id"].tolist() == ["A1", "A1#2", "B2"]


def test_unknown_format_and_coordinate_system(tmp_path):
    with pytest.raises(UnknownNameError, match="Did you mean: table"):
        read_parks(_csv(tmp_path), format="tabel")
    with pytest.raises(InvalidValueError, match="Unknown coordinate system 'utm50'"):
        read_parks(_csv(tmp_path), coord_system="utm50")


def test_catalogue_refuses_a_system_it_does_not_have(shared_file):
    with pytest.raises(InvalidValueError, match=r"not 'bd09'.*coord_system='wgs84'"):
        read_parks(shared_file("parks/development_zones_2018.csv"), coord_system="bd09")


def test_layer_without_crs(tmp_path):
    path = tmp_path / "nocrs.shp"
    with pytest.warns(UserWarning):
        gpd.GeoDataFrame({"name": ["甲"]}, geometry=[Point(106.2, 38.5)]).to_file(path)
    with pytest.raises(NoCrsError) as exc:
        read_parks(path)
    assert "nocrs.shp" in str(exc.value)


def test_missing_park_file():
    with pytest.raises(DataFileNotFoundError, match="nowhere.gpkg"):
        read_parks("nowhere.gpkg")


def test_validate_against_a_county_layer_without_columns(tmp_path, ningxia):
    parks = read_parks(_csv(tmp_path))
    with pytest.raises(MissingColumnError, match="prefecture"):
        validate_parks(parks, ningxia.drop(columns=["prefecture"]))


def test_benefit_per_mu_bad_values(tmp_path):
    parks = pd.DataFrame({"park_id": ["a", "b"], "name": ["甲", "乙"], "province": ["宁夏", "宁夏"],
                          "approved_mu": [100.0, 0.0], "output": [50.0, 20.0]})
    with pytest.raises(InvalidValueError, match=r"'approved_mu' must be positive.*rows \[1\]"):
        benefit_per_mu(parks, output_col="output")
    with pytest.raises(InvalidValueError, match="bottom_quantile must lie between 0 and 1, got 1.5"):
        benefit_per_mu(parks.iloc[:1], output_col="output", bottom_quantile=1.5)
    with pytest.raises(InvalidValueError, match="at least one of output_col"):
        benefit_per_mu(parks)
    with pytest.raises(MissingColumnError, match="税收"):
        benefit_per_mu(parks.iloc[:1], tax_col="税收")


# ----------------------------------------------------------------------------------- scoring

SYN = pd.DataFrame({"pop_total": [100.0, 200.0, 300.0, 400.0],
                    "urbanization_rate": [0.3, 0.5, 0.4, 0.8],
                    "pop_rural": [10.0, 10.0, 10.0, 50.0]}, index=["a", "b", "c", "d"])
NAMES = list(SYN.columns)


@pytest.mark.parametrize("weights, text", [
    ([1, -1, 2], r"non-negative, got \[1.0, -1.0, 2.0\]"),
    ([0, 0, 0], "sum to 0"),
    ([1, float("nan"), 1], "finite"),
    ([1, 2], "Got 2 weights for 3 indicators"),
    ({"pop_total": 1, "pop_rural": 1}, r"missing \['urbanization_rate'\]"),
])
def test_bad_manual_weights_are_settings_errors_naming_the_key(weights, text):
    with pytest.raises(SettingsError, match=rf"scoring\.weights: .*{text}"):
        ScoringConfig(indicators=NAMES, weights=weights)


def test_inconsistent_ahp_matrix_refused_before_any_data():
    m = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.raises(SettingsError, match=r"scoring\.ahp_matrix: .*inconsistent.*CR = "):
        ScoringConfig(indicators=NAMES, weights="ahp", ahp_matrix=m)
    with pytest.raises(SettingsError, match=r"2 x 2 but there are 3 indicators"):
        ScoringConfig(indicators=NAMES, weights="ahp", ahp_matrix=[[1, 2], [0.5, 1]])
    with pytest.raises(SettingsError, match=r"not reciprocal: a\[0\]\[1\] = 3 but a\[1\]\[0\] = 3"):
        ScoringConfig(indicators=NAMES[:2], weights="ahp", ahp_matrix=[[1, 3], [3, 1]])
    with pytest.raises(InvalidValueError, match="positive numbers"):
        ahp_weights([[1, -2], [-0.5, 1]])
    with pytest.raises(SettingsError, match=r"ahp_matrix = \[1, 2\] .*expected a list of lists of numbers"):
        ScoringConfig(indicators=NAMES[:2], weights="ahp", ahp_matrix=[1, 2])


@pytest.mark.parametrize("key, value, expected", [
    ("sensitivity_draws", "200", "expected an integer"),
    ("k", "5", "expected an integer"),
    ("k", True, "expected an integer"),
    ("seed", "abc", "expected an integer"),
    ("sensitivity_perturbation", "0.2", "expected a number"),
    ("normalization", 1, "expected a string"),
    ("indicators", "pop_total", "expected a list of indicator names"),
    ("directions", ["cost"], "expected a table"),
])
def test_wrongly_typed_config_values_name_key_type_and_expected_type(key, value, expected):
    with pytest.raises(SettingsError, match=rf"scoring\.{key} = .* is of type {type(value).__name__}; {expected}"):
        ScoringConfig.from_dict({"indicators": NAMES, key: value})


@pytest.mark.parametrize("values, text", [
    ({"k": 1}, "scoring.k .* got 1"),
    ({"sensitivity_draws": -5}, "sensitivity_draws must be >= 0 .*got -5"),
    ({"sensitivity_perturbation": np.float64(1.5)}, r"sensitivity_perturbation must lie in \[0, 1\).*got 1.5\.$"),
    ({"missing": "drop"}, "scoring.missing must be one of skip, median, raise, got 'drop'"),
    ({"classes": "Quantile"}, "Did you mean: Quantiles"),
    ({"normalization": "min-max"}, "Did you mean: minmax"),
    ({"weights": "entropie"}, "Did you mean: entropy"),
    ({"directions": {"pop_total": "up"}}, "Direction of 'pop_total' must be 'benefit' or 'cost', got 'up'"),
    ({"indicators": ["pop_total", "pop_total"]}, "lists an indicator twice"),
])
def test_bad_config_values(values, text):
    with pytest.raises(SettingsError, match=text):
        ScoringConfig.from_dict({"indicators": NAMES, **values})


def test_unknown_indicator_and_text_column():
    with pytest.raises(UnknownNameError, match="Unknown indicator 'pop_totl'.*Did you mean: pop_total"):
        score_counties(SYN, indicators=["pop_totl", "pop_rural"])
    with pytest.raises(UnknownNameError, match="'label'"):
        score_counties(SYN.assign(label=list("wxyz")), indicators=["pop_total", "label"])
    with pytest.raises(UnknownNameError, match="Unknown scoring setting 'weigths'.*Did you mean: weights"):
        score_counties(SYN, weigths="equal")


def test_nan_and_infinite_data():
    with pytest.raises(InvalidValueError, match="'pop_rural' is NaN for every county"):
        score_counties(SYN.assign(pop_rural=np.nan), indicators=NAMES)
    inf = SYN.copy()
    inf.loc["c", "pop_total"] = np.inf
    with pytest.raises(InvalidValueError, match=r"'pop_total' is infinite in 1 row\(s\) \(c\)"):
        score_counties(inf, indicators=NAMES, normalization="minmax")
    with pytest.raises(InvalidValueError, match="missing indicator values"):
        score_counties(SYN.assign(pop_rural=[1.0, np.nan, 2.0, 3.0]), indicators=NAMES, missing="raise")


def test_manual_weights_mapping_with_unknown_name():
    with pytest.raises(UnknownNameError, match="Did you mean: pop_total"):
        manual_weights({"pop_totl": 1.0, "pop_rural": 1.0}, names=["pop_total", "pop_rural"])


# -------------------------------------------------------------------------------------- TOML


def test_toml_errors_name_the_file(tmp_path):
    with pytest.raises(DataFileNotFoundError, match=r"Config file .*missing\.toml does not exist"):
        read_toml(tmp_path / "missing.toml", what="Config file")
    folder = tmp_path / "x.toml"
    folder.mkdir()
    with pytest.raises(DataFileNotFoundError, match="is a folder"):
        read_toml(folder, what="Config file")
    broken = tmp_path / "broken.toml"
    broken.write_text("[scoring\nk = 5\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"broken\.toml is not valid TOML: .*line 1"):
        read_toml(broken, what="Config file")
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('[scoring]\nname = "宁夏"\n'.encode("gb18030"))
    with pytest.raises(SettingsError, match=r"gbk\.toml is not UTF-8 .*save it as UTF-8"):
        read_toml(gbk, what="Config file")


def test_every_error_here_is_a_geourb_error_and_a_builtin():
    for cls in (InvalidValueError, MissingColumnError, SettingsError, DuplicateKeyError, NoCrsError):
        assert issubclass(cls, GeourbError) and issubclass(cls, ValueError)
    assert issubclass(UnknownNameError, KeyError) and issubclass(DataFileNotFoundError, FileNotFoundError)
