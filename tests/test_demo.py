"""The main job (`geourb demo`) end to end on real data, into temporary folders."""

from __future__ import annotations

import pandas as pd
import pytest

from geourb.cli import main


@pytest.mark.slow
def test_demo_writes_every_output(tmp_path, shared_data, capsys):
    out_dir, maps_dir = tmp_path / "processed", tmp_path / "maps"
    assert main(["--no-progress", "demo", "--out-dir", str(out_dir), "--maps-dir", str(maps_dir)]) == 0
    text = capsys.readouterr().out
    assert "national urbanization 63.8" in text
    for name in ["county_scores.csv", "potential_regions.csv", "settlement_tiers.csv",
                 "census_join_report.csv", "metro_counties.gpkg", "presets_comparison.csv"]:
        assert (out_dir / name).stat().st_size > 0, name
    scores = pd.read_csv(out_dir / "county_scores.csv", dtype={"adcode": str})
    assert len(scores) == 2875 and scores.sort_values("rank")["adcode"].iloc[0] == "341221"  # 临泉县
    for name in ["potential_regions.html", "metro_1h.html"]:
        html = (maps_dir / name).read_text(encoding="utf-8")
        assert "leaflet" in html.lower() and '<script src="http' not in html
