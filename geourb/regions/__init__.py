"""Potential regions in two tiers: concentrated regions (contiguous, large, ranked) and scattered counties.

The plan (2024-2029) asks for new urbanization in "concentrated areas with great urbanization
potential" (皖北, 冀中南, 鲁西南, 豫东南, 湘西南, 粤西, 川东) "while taking into account other
counties with low urbanization rates and large populations". This package:

1. selects **candidate** counties (urbanization below the national rate, >= 300,000 residents;
   :mod:`~geourb.regions.candidates`);
2. keeps the candidates where the potential is **concentrated**: the people to urbanize per
   km², smoothed over each county and its contiguous neighbours (:mod:`geourb.contiguity`),
   reach ``min_gap_density_km2`` (default 55; docs/regions_method.md compares it with a
   threshold rule and Gi* hot spots);
3. **delineates** contiguous groups of them (within a province), split along prefectures to
   at most 25 M people / 30 counties; groups of >= 3 M people and 3 counties are the
   **concentrated tier**, every other candidate the **scattered tier**
   (:mod:`~geourb.regions.delineate`);
4. **ranks** the regions by a transparent potential (people to urbanize, rural density, parks
   per capita) with a Monte Carlo check of the weights (:mod:`~geourb.regions.ranking`);
5. **names** them from a gazetteer of conventional names (皖北 = 宿州, 淮北, 亳州, 阜阳, 蚌埠, 淮南;
   :mod:`~geourb.regions.gazetteer`), else by their bearing within the province
   (:mod:`~geourb.regions.naming`);
6. compares them with the plan's seven regions (:mod:`~geourb.regions.presets`).
"""

from geourb.regions.candidates import (
    candidate_counties,
    contiguity_weights,
    gap_people,
    hotspots,
    shared_vertex_counts,
    smoothed_gap_density,
)
from geourb.regions.config import RANK_COMPONENTS, Delineation, RegionConfig
from geourb.regions.delineate import TIERS, delineate_regions, split_component
from geourb.regions.gazetteer import gazetteer_overlap, load_gazetteer, name_from_gazetteer
from geourb.regions.naming import CARDINAL_HALF_WIDTH, direction_name, name_regions
from geourb.regions.outputs import region_labels, region_polygons, region_summary, scattered_counties
from geourb.regions.presets import compare_to_presets, load_presets, preset_counties
from geourb.regions.ranking import rank_regions, region_components

__all__ = [
    "CARDINAL_HALF_WIDTH",
    "RANK_COMPONENTS",
    "TIERS",
    "Delineation",
    "RegionConfig",
    "candidate_counties",
    "compare_to_presets",
    "contiguity_weights",
    "delineate_regions",
    "direction_name",
    "gap_people",
    "gazetteer_overlap",
    "hotspots",
    "load_gazetteer",
    "load_presets",
    "name_from_gazetteer",
    "name_regions",
    "preset_counties",
    "rank_regions",
    "region_components",
    "region_labels",
    "region_polygons",
    "region_summary",
    "scattered_counties",
    "shared_vertex_counts",
    "smoothed_gap_density",
    "split_component",
]
