"""Compare region methods on the real 2020 census: share flagged and coverage of the plan's regions.

Reproduces ``geourb regions --config configs/score_default.toml`` (AHP scoring, all China) and
delineates with several ``[regions]`` variants. Prints (Markdown, for docs/regions_method.md):

1. the comparison table: share of the national population in concentrated regions, number of
   regions, and for each of the seven presets the share of its population inside concentrated
   regions (``all``) and inside regions ranked in the top 15 (``top``);
2. the default's regions by rank with their components and the Monte Carlo ``top_n_share``.

Run: ``python benchmarks/regions_method.py`` (about a minute).
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "score_default.toml"

OLD_DEFAULT = {"method": "threshold", "min_region_pop": 3_000_000, "max_region_counties": 30,
               "maxp_floor_pop": 12_000_000}
VARIANTS: list[tuple[str, dict]] = [
    ("threshold baseline (geourb 0.1 default: every candidate, >= 300k, queen groups >= 3 M)", OLD_DEFAULT),
    ("threshold >= 400k (the issue's naive rule, same groups)", {**OLD_DEFAULT, "min_pop_total": 400_000}),
    ("Gi* alone (hot spots of the score, 99 permutations, p < 0.05)", {"method": "gistar", "permutations": 99}),
    ("Gi* alone, normal approximation (permutations = 0)", {"method": "gistar", "permutations": 0}),
    ("smoothed gap >= 45 / km²", {"min_gap_density_km2": 45}),
    ("**default: smoothed gap >= 50 / km²**", {}),
    ("smoothed gap >= 55 / km²", {"min_gap_density_km2": 55}),
]


def pipeline():
    """The layer, the AHP score table and the default RegionConfig, as the CLI builds them."""
    from geourb.counties import load_counties
    from geourb.indicators import county_indicators
    from geourb.regions import RegionConfig
    from geourb.scoring import ScoringConfig, score_counties
    from geourb.settings import settings
    from geourb.stats import join_statistics, national_urbanization_rate, read_census_2020

    settings.progress = False
    layer, _ = join_statistics(load_counties(), read_census_2020())
    layer = layer.sort_index()
    national = national_urbanization_rate(layer)
    ind = county_indicators(layer, national_rate=national, target_rate=0.70)
    table = score_counties(ind, ScoringConfig.from_toml(CONFIG)).table
    cfg = RegionConfig.from_dict({**RegionConfig.from_toml(CONFIG).as_dict(), "max_rate": national})
    return layer, table, cfg


def main() -> None:
    from geourb.regions import RegionConfig, compare_to_presets, delineate_regions, load_presets

    t0 = time.perf_counter()
    layer, table, cfg = pipeline()
    pop = layer["pop_total"].fillna(0)
    presets = load_presets()
    head = "| method | flagged | regions | " + " | ".join(presets["name"]) + " |"
    print(head)
    print("|" + "---|" * (3 + len(presets)))
    default = None
    for label, over in VARIANTS:
        c = RegionConfig.from_dict({**cfg.as_dict(), **over})
        d = delineate_regions(layer, table, config=c)
        conc = (d.counties["tier"] == "concentrated").to_numpy()
        cmp = compare_to_presets(d, layer, presets=presets).set_index("preset")
        cells = [f"{cmp.loc[k, 'share_preset_in_regions']:.0%} / {cmp.loc[k, 'share_preset_in_top_n']:.0%}"
                 for k in presets.index]
        print(f"| {label} | {pop[conc].sum() / pop.sum():.1%} | {len(d.regions)} | " + " | ".join(cells) + " |")
        if not over:
            default = d
    print("\ncells: share of the preset's population in concentrated regions (all / ranked in the top 15)")
    assert default is not None
    reg = default.regions.sort_values("rank")
    print("\n| rank | region | provinces | counties | people (M) | urbanization | to urbanize (M) | "
          "rural /km² | potential | in top 15 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for _, r in reg.iterrows():
        print(f"| {r['rank']} | {r['region_name']} | {r['provinces']} | {r['n_counties']} | "
              f"{r['pop_total'] / 1e6:.1f} | {r['urbanization_rate']:.1%} | {r['gap_people'] / 1e6:.2f} | "
              f"{r['rural_density_km2']:.0f} | {r['potential']:.3f} | {r['top_n_share']:.0%} |")
    scat = default.scattered
    print(f"\nscattered tier: {len(scat)} counties, {scat['pop_total'].sum() / pop.sum():.1%} of the population, "
          f"{scat['gap_people'].sum() / 1e6:.1f} M people to urbanize")
    print(f"(total {time.perf_counter() - t0:.0f} s; machine shared)", file=sys.stderr)


if __name__ == "__main__":
    main()
