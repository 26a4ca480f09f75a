"""Explainable composite scoring of counties: normalisation, weights, contributions, classes.

A score is ``sum_j w_j * n_j`` where ``n_j`` is indicator ``j`` normalised (min-max, z-score or
percentile rank) and turned so that higher always means more potential (``cost`` indicators are
reversed). Each term ``w_j * n_j`` is kept as ``contrib_<indicator>``: the contributions sum to
the score and say why a county ranks high.

Weights: manual, equal, the entropy weight method (熵权法) and AHP from a pairwise comparison
matrix with Saaty's consistency ratio (CR > 0.1 is refused). :func:`weight_sensitivity`
perturbs the weights (Monte Carlo, fixed seed) and reports each county's rank stability.

Modules (all names re-exported here): :mod:`~geourb.scoring.normalize`,
:mod:`~geourb.scoring.weights`, :mod:`~geourb.scoring.config` (:class:`ScoringConfig`) and
:mod:`~geourb.scoring.score` (:func:`score_counties`). Calls follow one rule: the data is
positional, every option keyword-only.

Examples
--------
The default potential score of the 22 counties of 宁夏 (census 2020, default AHP weights):

>>> from geourb.counties import load_counties
>>> from geourb.indicators import county_indicators
>>> from geourb.stats import join_statistics, read_census_2020
>>> layer, _ = join_statistics(load_counties(province="宁夏"), read_census_2020())
>>> result = score_counties(county_indicators(layer), sensitivity_draws=50)
>>> len(result.table), round(float(result.weights.sum()), 6)
(22, 1.0)
>>> top = result.table.sort_values("rank").index[:3].tolist()
>>> [layer.loc[a, "name"] for a in top]
['原州区', '西吉县', '海原县']
"""

from __future__ import annotations

from geourb.scoring.config import CLASS_SCHEMES, MISSING_POLICIES, WEIGHT_METHODS, ScoringConfig
from geourb.scoring.normalize import NORMALIZATIONS, Normalization, _check_names, _numeric_columns, normalize
from geourb.scoring.score import ScoreResult, classify, score_classes, score_counties, weight_sensitivity
from geourb.scoring.weights import (
    DEFAULT_AHP_MATRIX,
    DEFAULT_INDICATORS,
    SAATY_RI,
    AhpResult,
    ahp_weights,
    entropy_weights,
    equal_weights,
    manual_weights,
)

__all__ = [
    "CLASS_SCHEMES",
    "DEFAULT_AHP_MATRIX",
    "DEFAULT_INDICATORS",
    "MISSING_POLICIES",
    "NORMALIZATIONS",
    "SAATY_RI",
    "WEIGHT_METHODS",
    "AhpResult",
    "Normalization",
    "ScoreResult",
    "ScoringConfig",
    "_check_names",
    "_numeric_columns",
    "ahp_weights",
    "classify",
    "entropy_weights",
    "equal_weights",
    "manual_weights",
    "normalize",
    "score_classes",
    "score_counties",
    "weight_sensitivity",
]
