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
