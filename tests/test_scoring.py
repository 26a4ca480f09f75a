"""Scoring: normalisation, weights (equal, manual, entropy, AHP), contributions, sensitivity, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geourb._errors import InvalidValueError, SettingsError, UnknownNameError
from geourb.scoring import (
    ScoringConfig,
    ahp_weights,
    entropy_weights,
    manual_weights,
    normalize,
    score_counties,
    weight_sensitivity,
)

# synthetic 4 x 3 matrix, hand-checked below
SYN = pd.DataFrame({"pop_total": [100.0, 200.0, 300.0, 400.0],
                    "urbanization_rate": [0.3, 0.5, 0.4, 0.8],
                    "pop_rural": [10.0, 10.0, 10.0, 50.0]}, index=["a", "b", "c", "d"])


def test_normalize_minmax_orients_cost_indicators():
    n = normalize(SYN, method="minmax")
    assert n["pop_total"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    # urbanization_rate is a cost: the least urbanized county gets 1
    assert n["urbanization_rate"].tolist() == pytest.approx([1.0, 0.6, 0.8, 0.0])
    z = normalize(SYN, method="zscore")
    assert z["pop_total"].mean() == pytest.approx(0) and z["urbanization_rate"].idxmax() == "a"
    r = normalize(SYN, method="rank")
    assert r["urbanization_rate"].idxmax() == "a" and r["pop_total"].max() == 1.0


def test_entropy_weights_match_hand_computation():
    x = normalize(SYN, method="minmax")
    w = entropy_weights(x)
    assert w.sum() == pytest.approx(1.0)
    expected = []
    for col in x:
        p = x[col].to_numpy() / x[col].sum()
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0)
        expected.append(1 + plogp.sum() / np.log(4))
    expected = np.array(expected) / sum(expected)
    assert w.to_numpy() == pytest.approx(expected)
    # pop_rural varies in only one county: lowest entropy, highest weight
    assert w.idxmax() == "pop_rural"


def test_ahp_saaty_example_consistent():
    # a classic consistent 3x3 example (weights ~ 0.64, 0.26, 0.10; CR ~ 0.03)
    m = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
    res = ahp_weights(m, names=["a", "b", "c"])
    assert res.weights.sum() == pytest.approx(1)
    assert res.weights.to_numpy() == pytest.approx([0.637, 0.258, 0.105], abs=0.002)
    assert res.lambda_max == pytest.approx(3.039, abs=0.002)
    assert res.cr == pytest.approx(0.033, abs=0.002)


def test_ahp_inconsistent_matrix_raises_with_cr():
    m = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.raises(InvalidValueError, match=r"inconsistent.*CR = .*> 0.1.*RI\(3\) = 0.58"):
        ahp_weights(m)
    with pytest.raises(InvalidValueError, match="not reciprocal"):
        ahp_weights([[1, 2], [2, 1]])
    with pytest.raises(InvalidValueError, match="square"):
        ahp_weights([[1, 2, 3], [0.5, 1, 1]])


def test_score_contributions_sum_and_rank():
    res = score_counties(SYN, config=ScoringConfig(indicators=list(SYN.columns), weights=[2, 1, 1],
                                                   sensitivity_draws=50, k=2))
    t = res.table
    contrib = t[[c for c in t if c.startswith("contrib_")]].sum(axis=1)
    assert contrib.to_numpy() == pytest.approx(t["score"].to_numpy())
    assert res.weights.tolist() == pytest.approx([0.5, 0.25, 0.25])
    assert t["rank"].min() == 1 and t.loc[t["score"].idxmax(), "rank"] == 1
    assert t["rank_stability"].between(0, 1).all()


def _synthetic_counties(n: int = 60, seed: int = 7) -> pd.DataFrame:
    """Synthetic indicators (random, labelled so): 3 benefit columns, well spread."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(0, 1, size=(n, 3)), columns=["pop_total", "pop_rural", "density_per_km2"],
                        index=[f"c{i:02d}" for i in range(n)])


def _spearman(a: pd.Series, b: pd.Series) -> float:
    return float(np.corrcoef(a.rank().to_numpy(), b.rank().to_numpy())[0, 1])


def test_weight_sensitivity_deterministic_and_stable_for_dominant_county():
    n = normalize(SYN, method="minmax")
    w = pd.Series([1 / 3] * 3, index=n.columns)
    a = weight_sensitivity(n, weights=w, n_draws=100, seed=1)
    b = weight_sensitivity(n, weights=w, n_draws=100, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert (a["rank_p05"] <= a["rank_mean"]).all() and (a["rank_mean"] <= a["rank_p95"]).all()
    # county d leads on pop_total and pop_rural and by far: first in every draw
    assert a.loc["d", "rank_p05"] == a.loc["d", "rank_p95"] == 1 and a.loc["d", "rank_stability"] == 1
    # no perturbation: every rank is fixed
    still = weight_sensitivity(n, weights=w, n_draws=20, perturbation=0.0)
    assert (still["rank_std"] == 0).all() and (still["rank_stability"] == 1).all()


def test_weight_sensitivity_ranks_stay_close_to_the_base_ranking():
    data = _synthetic_counties()
    n = normalize(data, method="minmax")
    w = pd.Series([0.5, 0.3, 0.2], index=n.columns)
    base_rank = (n * w).sum(axis=1).rank(ascending=False, method="min")
    small = weight_sensitivity(n, weights=w, n_draws=300, perturbation=0.1, seed=3)
    large = weight_sensitivity(n, weights=w, n_draws=300, perturbation=0.9, seed=3)
    rho = _spearman(base_rank, small["rank_mean"])
    assert rho > 0.99, rho
    top10 = set(base_rank.nsmallest(10).index) & set(small["rank_mean"].nsmallest(10).index)
    assert len(top10) >= 8, top10
    # more perturbation, less stability (on average and for the median county)
    assert small["rank_stability"].mean() > large["rank_stability"].mean() + 0.05
    assert small["rank_std"].median() < large["rank_std"].median()


def test_weight_sensitivity_follows_the_weights():
    # synthetic: two opposed indicators; whichever carries the weight decides the ranking
    data = pd.DataFrame({"pop_total": np.arange(10.0), "pop_rural": np.arange(10.0)[::-1]},
                        index=[f"c{i}" for i in range(10)])
    n = normalize(data, method="minmax")
    heavy_first = weight_sensitivity(n, weights=pd.Series([0.9, 0.1], index=n.columns), n_draws=100)
    heavy_second = weight_sensitivity(n, weights=pd.Series([0.1, 0.9], index=n.columns), n_draws=100)
    assert heavy_first["rank_mean"].idxmin() == "c9" and heavy_first.loc["c9", "rank_p95"] == 1
    assert heavy_second["rank_mean"].idxmin() == "c0" and heavy_second.loc["c0", "rank_p95"] == 1
    assert _spearman(heavy_first["rank_mean"], heavy_second["rank_mean"]) < -0.99


def test_score_counties_sensitivity_columns_agree_with_the_ranks():
    data = _synthetic_counties()
    res = score_counties(data, weights=[0.5, 0.3, 0.2], indicators=list(data.columns),
                         normalization="minmax", sensitivity_draws=200, sensitivity_perturbation=0.1)
    t = res.table
    assert _spearman(t["rank"], t["rank_mean"]) > 0.99
    assert t["rank_stability"].between(0, 1).all() and t["rank_stability"].median() > 0.8


# ------------------------------------------------------------------ renamed / keyword-only


def test_classify_is_a_deprecated_alias_of_score_classes():
    from geourb.scoring import classify, score_classes

    values = pd.Series([1.0, 2.0, 10.0, 11.0, np.nan])
    with pytest.warns(DeprecationWarning, match="score_classes"):
        old = classify(values, scheme="EqualInterval", k=2)
    new = score_classes(values, scheme="EqualInterval", k=2)
    pd.testing.assert_series_equal(old[0], new[0])
    assert old[1] == new[1] == [6.0, 11.0]
    assert new[0].iloc[:4].tolist() == [1.0, 1.0, 2.0, 2.0] and np.isnan(new[0].iloc[4])


def test_positional_options_are_deprecated_but_work():
    cfg = ScoringConfig(indicators=list(SYN.columns), weights="equal", sensitivity_draws=0)
    with pytest.warns(DeprecationWarning, match=r"score_counties\(\): passing config positionally.*config="):
        old = score_counties(SYN, cfg)
    pd.testing.assert_frame_equal(old.table, score_counties(SYN, config=cfg).table)
    with pytest.warns(DeprecationWarning, match="names="):
        assert manual_weights([1, 1, 2], ["a", "b", "c"]).tolist() == [0.25, 0.25, 0.5]
    n = normalize(SYN, method="minmax")
    w = pd.Series([1 / 3] * 3, index=n.columns)
    with pytest.warns(DeprecationWarning, match="weights="):
        old_s = weight_sensitivity(n, w, n_draws=10)
    pd.testing.assert_frame_equal(old_s, weight_sensitivity(n, weights=w, n_draws=10))
    with pytest.raises(TypeError, match="multiple values for argument 'config'"):
        score_counties(SYN, cfg, config=cfg)
    with pytest.raises(TypeError, match="positional"):
        score_counties(SYN, cfg, cfg)


def test_bad_inputs():
    with pytest.raises(UnknownNameError, match="Did you mean: pop_total"):
        score_counties(SYN, indicators=["pop_totl"])
    with pytest.raises(UnknownNameError, match="Did you mean: pop_total"):
        ScoringConfig(indicators=["pop_totl"]).validate(available=[])
    with pytest.raises(InvalidValueError, match="3 indicators"):
        manual_weights([1, 2], names=["a", "b", "c"])
    with pytest.raises(InvalidValueError, match="non-negative"):
        manual_weights([1, -1, 2], names=["a", "b", "c"])
    bad = SYN.assign(pop_rural=np.nan)
    with pytest.raises(InvalidValueError, match="'pop_rural' is NaN for every county"):
        score_counties(bad, indicators=list(SYN.columns))
    const = SYN.assign(pop_rural=5.0)
    with pytest.raises(InvalidValueError, match="constant"):
        score_counties(const, indicators=list(SYN.columns), normalization="minmax")
    with pytest.raises(UnknownNameError, match="Unknown scoring setting 'weigths'"):
        ScoringConfig.from_dict({"weigths": "equal"})
    with pytest.raises(SettingsError, match="needs ahp_matrix"):
        ScoringConfig(indicators=["pop_total"], weights="ahp")


def test_missing_values_reported_not_dropped():
    data = SYN.copy()
    data.loc["b", "pop_rural"] = np.nan
    res = score_counties(data, indicators=list(SYN.columns), sensitivity_draws=0)
    assert len(res.table) == 4 and np.isnan(res.table.loc["b", "score"])
    assert res.missing["adcode"].tolist() == ["b"] and res.table.loc["b", "missing"] == "pop_rural"
    filled = score_counties(data, indicators=list(SYN.columns), missing="median", sensitivity_draws=0)
    assert filled.table["score"].notna().all()
    with pytest.raises(InvalidValueError, match="missing indicator values"):
        score_counties(data, indicators=list(SYN.columns), missing="raise")


def test_config_from_toml(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('[scoring]\nindicators = ["pop_total", "urbanization_rate"]\nweights = "equal"\n'
                 'classes = "Quantiles"\n', encoding="utf-8")
    cfg = ScoringConfig.from_toml(p)
    assert cfg.weights == "equal" and cfg.classes == "Quantiles"
    p.write_text('[scoring]\nindicator = ["pop_total"]\n', encoding="utf-8")
    with pytest.raises(UnknownNameError, match="Did you mean: indicators"):
        ScoringConfig.from_toml(p)


def test_custom_numeric_columns_score():
    # synthetic: a column outside the registry is a valid indicator once it is in the data
    data = SYN.assign(my_col=[4.0, 3.0, 2.0, 1.0], label=["w", "x", "y", "z"])
    cfg = ScoringConfig(indicators=["pop_total", "my_col"], weights="equal", sensitivity_draws=0)
    res = score_counties(data, config=cfg)
    assert res.table["norm_my_col"].idxmax() == "a"  # unknown columns default to benefit
    assert res.weights.to_dict() == pytest.approx({"pop_total": 0.5, "my_col": 0.5})
    res = score_counties(data, indicators=["pop_total", "my_col"], directions={"my_col": "cost"},
                         sensitivity_draws=0)
    assert res.table["norm_my_col"].idxmax() == "d"
    # config from a TOML-like mapping with a custom name builds; the data decides
    assert ScoringConfig.from_dict({"indicators": ["my_col"]}).indicators == ["my_col"]
    with pytest.raises(UnknownNameError, match="Did you mean: my_col"):
        score_counties(data, indicators=["pop_total", "my_cl"])
    with pytest.raises(UnknownNameError, match="numeric column"):
        score_counties(data, indicators=["pop_total", "label"])  # text column: not an indicator
    with pytest.raises(UnknownNameError, match="Did you mean: my_col"):
        score_counties(data, indicators=["pop_total", "my_col"], directions={"my_cl": "cost"})
