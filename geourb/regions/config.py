"""Settings (:class:`RegionConfig`) and result (:class:`Delineation`) of the region delineation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import pandas as pd

from geourb._config import TomlConfig
from geourb._errors import SettingsError

Method = Literal["smoothed_gap", "threshold", "gistar"]
RANK_COMPONENTS = ("gap_people", "rural_density_km2", "parks_per_million")
"""Components of the region ranking (:func:`geourb.regions.rank_regions`)."""


def _default_rank_weights() -> dict[str, float]:
    return {"gap_people": 0.6, "rural_density_km2": 0.3, "parks_per_million": 0.1}


@dataclass
class RegionConfig(TomlConfig):
    """Validated delineation settings (unknown keys refused; readable from TOML ``[regions]``).

    Attributes
    ----------
    method
        How candidate counties are *concentrated* into regions. ``smoothed_gap`` (default):
        candidates whose **smoothed gap density** (people to urbanize to reach
        ``target_rate``, summed over the county and its contiguous neighbours, per km² of
        the same counties) is at least ``min_gap_density_km2``; ``threshold``: every
        candidate (the rule of geourb <= 0.1: 42% of the population in 60 regions);
        ``gistar``: counties in a significant Getis-Ord Gi* hot spot of the score.
        See docs/regions_method.md for the comparison.
    max_rate
        Candidates have an urbanization rate below this: ``"national"`` (the layer's
        population-weighted rate, ~0.639 for China 2020) or a fraction.
    min_pop_total
        Candidates have at least this many residents. Default 300,000: about the median of
        China's county-level units outside urban districts (323,000 in 2020); a higher floor
        (500,000) drops most counties of the dense plains of Hebei, Henan and Anhui, where a
        county often has 300,000-500,000 people (大名, 魏县, 临漳).
    target_rate
        The plan's target urbanization rate; a county's *gap* is
        ``pop_total * max(0, target_rate - urbanization_rate)`` people.
    min_gap_density_km2
        Smoothed gap density (people to urbanize per km²) a candidate needs to be
        concentrated (``smoothed_gap``). Default 50, several times the national mean: met by
        the dense low-urbanization plains (population-weighted medians 皖北 ~147, 冀中南 ~106,
        川东 ~79, 湘西南 ~63) but not by mountain or plateau counties with the same rate and
        fewer people per km². docs/regions_method.md shows 45/50/55.
    contiguity
        ``queen`` (a shared vertex) or ``rook`` (a shared edge), see :mod:`geourb.contiguity`.
    islands
        ``knn``: attach counties without a contiguous neighbour to their nearest one (the
        smoothing and hot spots then see a neighbour); ``keep``: leave them alone.
    split_by_province
        Cut contiguity across province borders before delineating (names stay within one
        province, like the plan's regions).
    min_region_pop, min_region_counties
        Smaller groups of concentrated counties get no region; their counties join the
        scattered tier. Default 5 million people (a large prefecture) and 3 counties.
    max_region_pop, max_region_counties
        Groups above this population or this number of counties are split, and their parts
        again until every part is within both (``0`` disables a limit). Defaults 25 million
        and 40 counties: the size of the plan's largest single-province regions (皖北 27 M,
        豫东南 22 M, 鲁西南 21 M in 20-30 counties; the Hebei plain has many small counties).
    maxp_floor_pop
        Population floor of each split part: exact with ``split_method="maxp"`` (spopt
        MaxPHeuristic), a target with ``"ward"`` (spopt WardSpatial on the county centroids
        with ``ceil(pop / maxp_floor_pop)`` parts). Default 16 million, about two thirds of
        the maximum (a 32 M group becomes two parts, not three).
    split_method
        ``ward`` (default, fast) or ``maxp``.
    split_along_prefectures
        With ``ward``, split along prefecture borders where possible: parts are unions of
        prefectures, like the regions of planning documents.
    hotspots, permutations, alpha, seed
        Getis-Ord Gi* of the score (reported per county, and the selection of ``gistar``),
        its permutations, significance level and the random seed (also of max-p and of the
        ranking's Monte Carlo draws). With permutations (default 99: pseudo p-values) esda
        compiles its numba kernels in every new process (15-60 s, not cached): ``0`` avoids
        it but uses the normal approximation, which is far more conservative on the 2020
        census (``method = "gistar"`` then flags 2.5% of the population instead of 21%).
    rank_weights
        Weights of the ranking components (:data:`RANK_COMPONENTS`): the people to urbanize,
        the rural population density and the parks per million residents (ignored, and the
        others rescaled, without park data).
    rank_draws, rank_perturbation
        Monte Carlo draws of the ranking with every weight multiplied by a uniform factor in
        ``1 ± rank_perturbation`` (renormalised); each region's ``top_n_share`` is the share of
        draws in which it stays in the top ``top_n``.
    top_n
        The ranks that count as "top" (the plan's regions should be among them).
    gazetteer
        Path of a region gazetteer TOML (default: the built-in
        ``geourb/data/region_gazetteer.toml``); ``"none"`` names every region by bearing.
    """

    _section: ClassVar[str] = "regions"

    method: Method = "smoothed_gap"
    max_rate: float | Literal["national"] = "national"
    min_pop_total: float = 300_000
    target_rate: float = 0.70
    min_gap_density_km2: float = 50.0
    contiguity: Literal["queen", "rook"] = "queen"
    islands: Literal["knn", "keep"] = "knn"
    split_by_province: bool = True
    min_region_pop: float = 5_000_000
    min_region_counties: int = 3
    max_region_pop: float = 25_000_000
    max_region_counties: int = 40
    maxp_floor_pop: float = 16_000_000
    split_method: Literal["ward", "maxp"] = "ward"
    split_along_prefectures: bool = True
    hotspots: bool = True
    permutations: int = 99
    alpha: float = 0.05
    seed: int = 0
    rank_weights: dict[str, float] = field(default_factory=_default_rank_weights)
    rank_draws: int = 200
    rank_perturbation: float = 0.2
    top_n: int = 15
    gazetteer: str | None = None

    def __post_init__(self) -> None:
        """Check values and contradictions between keys (each message names the keys)."""
        def bad(msg: str) -> SettingsError:
            return SettingsError(f"regions.{msg}")

        if self.method not in ("smoothed_gap", "threshold", "gistar"):
            raise bad(f"method must be 'smoothed_gap', 'threshold' or 'gistar', got {self.method!r}.")
        if isinstance(self.max_rate, str):
            if self.max_rate != "national":
                raise bad(f"max_rate must be 'national' or a fraction, got {self.max_rate!r}.")
        elif not 0 < float(self.max_rate) <= 1:
            raise bad(f"max_rate must be a fraction in (0, 1], got {self.max_rate!r}.")
        if not 0 < float(self.target_rate) <= 1:
            raise bad(f"target_rate must be a fraction in (0, 1], got {self.target_rate!r}.")
        if self.contiguity not in ("queen", "rook"):
            raise bad(f"contiguity must be 'queen' or 'rook', got {self.contiguity!r}.")
        if self.islands not in ("knn", "keep"):
            raise bad(f"islands must be 'knn' or 'keep', got {self.islands!r}.")
        for name in ("min_pop_total", "min_region_pop", "max_region_pop", "maxp_floor_pop", "min_gap_density_km2"):
            if float(getattr(self, name)) < 0:
                raise bad(f"{name} must be >= 0, got {getattr(self, name)!r}.")
        if self.split_method not in ("ward", "maxp"):
            raise bad(f"split_method must be 'ward' or 'maxp', got {self.split_method!r}.")
        if self.max_region_counties < 0:
            raise bad(f"max_region_counties must be >= 0, got {self.max_region_counties!r}.")
        if self.min_region_counties < 1 or self.permutations < 0 or not 0 < self.alpha < 1:
            raise bad("min_region_counties >= 1, permutations >= 0 and 0 < alpha < 1 required, got "
                      f"{self.min_region_counties}, {self.permutations}, {self.alpha}.")
        if self.top_n < 1 or self.rank_draws < 0 or not 0 <= self.rank_perturbation < 1:
            raise bad(f"top_n >= 1, rank_draws >= 0 and 0 <= rank_perturbation < 1 required, got "
                      f"{self.top_n}, {self.rank_draws}, {self.rank_perturbation}.")
        unknown = set(self.rank_weights) - set(RANK_COMPONENTS)
        if unknown:
            from geourb._errors import suggest

            raise bad(f"rank_weights has unknown component(s) {sorted(unknown)}; known: "
                      f"{', '.join(RANK_COMPONENTS)}." + suggest(sorted(unknown)[0], RANK_COMPONENTS))
        if any(float(v) < 0 for v in self.rank_weights.values()) or sum(self.rank_weights.values()) <= 0:
            raise bad(f"rank_weights must be >= 0 with a positive sum, got {self.rank_weights}.")
        # contradictions between two keys
        if self.max_region_pop and self.min_region_pop > self.max_region_pop:
            raise SettingsError(
                f"regions.min_region_pop ({self.min_region_pop:,.0f}) is larger than regions.max_region_pop "
                f"({self.max_region_pop:,.0f}): no region can satisfy both. Lower min_region_pop or raise "
                "max_region_pop (0 disables it).")
        if self.max_region_counties and self.min_region_counties > self.max_region_counties:
            raise SettingsError(
                f"regions.min_region_counties ({self.min_region_counties}) is larger than "
                f"regions.max_region_counties ({self.max_region_counties}): no region can satisfy both.")
        if not isinstance(self.max_rate, str) and float(self.max_rate) > float(self.target_rate) \
                and self.method == "smoothed_gap":
            raise SettingsError(
                f"regions.max_rate ({float(self.max_rate):g}) is above regions.target_rate "
                f"({float(self.target_rate):g}): candidates between the two have no gap to the target. "
                "Use max_rate <= target_rate.")


@dataclass
class Delineation:
    """Result of :func:`geourb.regions.delineate_regions`: the two tiers of the plan.

    Attributes
    ----------
    counties
        Aligned to the layer: ``candidate``, ``gap_people``, ``gap_density_km2`` (smoothed),
        ``component``, ``region_id`` (``R01`` ..., empty outside regions), ``region_name``,
        ``region_name_en``, ``region_rank``, ``tier`` (``concentrated``, ``scattered`` or
        empty), ``status`` (``region``, ``too_small``, ``not_concentrated``,
        ``not_candidate``, ``no_data``), ``island`` and the hot-spot columns when computed.
    regions
        Concentrated potential regions, one row each, sorted by ``region_id``: ``rank``
        (1 = highest potential), ``tier``, names, sizes, the ranking components, ``potential``
        and ``top_n_share`` (see :func:`geourb.regions.rank_regions`).
    config
        The settings used.
    weights
        The contiguity graph of the whole layer (``libpysal.graph.Graph``), when computed.
    scattered
        The scattered tier: candidate counties outside every concentrated region, by
        ``gap_people`` descending (``adcode``, ``name``, ``prefecture``, ``province``,
        ``pop_total``, ``urbanization_rate``, ``gap_people``, ``gap_density_km2``, ``score``).
    """

    counties: pd.DataFrame
    regions: pd.DataFrame
    config: RegionConfig
    weights: Any = field(default=None, repr=False)
    scattered: pd.DataFrame = field(default_factory=pd.DataFrame)
