"""Renamed names keep working for one release, with a DeprecationWarning (issue #10)."""

from __future__ import annotations

import pandas as pd
import pytest


def test_layer_keyword_is_now_counties():
    from geourb.stats import national_urbanization_rate

    # synthetic two-unit table
    df = pd.DataFrame({"pop_total": [100.0, 300.0], "pop_urban": [50.0, 150.0]})
    assert national_urbanization_rate(df) == pytest.approx(0.5)
    assert national_urbanization_rate(counties=df) == pytest.approx(0.5)
    with pytest.warns(DeprecationWarning, match=r"layer=\.\.\.\) is deprecated.*counties="):
        assert national_urbanization_rate(layer=df) == pytest.approx(0.5)
    with pytest.raises(TypeError, match="both 'counties' and its deprecated name 'layer'"):
        national_urbanization_rate(counties=df, layer=df)


@pytest.mark.parametrize("func", [
    "geourb.stats.join_statistics", "geourb.indicators.prefecture_seats", "geourb.indicators.island_counties",
    "geourb.regions.delineate_regions", "geourb.regions.region_polygons", "geourb.regions.region_labels",
    "geourb.regions.preset_counties",
])
def test_county_layer_argument_is_named_counties(func):
    import importlib
    import inspect

    module, name = func.rsplit(".", 1)
    params = list(inspect.signature(getattr(importlib.import_module(module), name)).parameters)
    assert params[0] == "counties", params


def test_simplify_m_is_now_tolerance_m():
    import inspect

    import geopandas as gpd
    from shapely.geometry import box

    from geourb.maps import choropleth

    assert "tolerance_m" in inspect.signature(choropleth).parameters
    # synthetic two-square layer
    gdf = gpd.GeoDataFrame({"name": ["a", "b"], "v": [1.0, 2.0]},
                           geometry=[box(100, 30, 101, 31), box(101, 30, 102, 31)], crs="EPSG:4326")
    choropleth(gdf, "v", tolerance_m=0)
    with pytest.warns(DeprecationWarning, match=r"simplify_m=\.\.\.\) is deprecated.*tolerance_m="):
        choropleth(gdf, "v", simplify_m=0)
