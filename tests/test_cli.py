"""``geourb score`` / ``geourb regions`` end to end on 宁夏 (real 2020 census): files, output, reruns."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from geourb.cli import main

CONFIG = """\
[input]
target_rate = 0.70

[regions]
method = "threshold"       # 宁夏 (7.2 M people, sparse): the default floors leave no concentrated region
min_region_pop = 1000000

[output]
format = "gpkg"
prefix = "nx_"
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "nx.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_regions_cli_writes_identical_files(config, tmp_path, capsys, shared_data):
    for run in ("a", "b"):
        assert main(["--no-progress", "regions", "--config", str(config), "--province", "宁夏",
                     "--out-dir", str(tmp_path / run)]) == 0
    text = capsys.readouterr().out
    assert "22 counties scored" in text and "regions: 宁" in text
    names = set(_digests(tmp_path / "a"))
    assert {"nx_county_regions.csv", "nx_county_regions.gpkg", "nx_potential_regions.csv",
            "nx_potential_regions.gpkg", "nx_region_presets.csv", "nx_score_weights.csv"} <= names
    assert not [n for n in names if n.startswith(".")]  # no temporaries left
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    table = pd.read_csv(tmp_path / "a" / "nx_county_regions.csv", dtype={"adcode": str})
    assert len(table) == 22 and table["adcode"].str.startswith("64").all()
    assert {"score", "rank", "region_id", "region_status"} <= set(table.columns)


def test_score_cli_parquet_and_tiers(config, tmp_path, capsys, shared_data):
    config.write_text(CONFIG.replace('"gpkg"', '"parquet"'), encoding="utf-8")
    assert main(["--no-progress", "score", "--config", str(config), "--province", "宁夏",
                 "--out-dir", str(tmp_path)]) == 0
    names = set(_digests(tmp_path)) - {"nx.toml"}
    assert names == {"nx_county_scores.csv", "nx_county_scores.parquet", "nx_score_weights.csv",
                     "nx_settlement_tiers.csv", "nx_settlement_tiers.parquet"}
    tiers = pd.read_csv(tmp_path / "nx_settlement_tiers.csv", dtype={"adcode": str})
    assert tiers["adcode"].str.startswith("64").all() and len(tiers) == 5  # 宁夏's five prefectures
