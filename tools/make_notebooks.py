"""Write the notebooks in notebooks/ (sources only; outputs are never stored in git).

Run: python tools/make_notebooks.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parents[1] / "notebooks"

SETUP = '''\
import logging
from pathlib import Path

import geourb

logging.basicConfig(level=logging.WARNING)
# real data is read in place from ../shared/data (never copied into the repository)
SHARED = Path("../../shared/data").resolve()
geourb.settings.update(mirror_dirs=[SHARED], progress=False, maps_dir=Path("../maps").resolve())
'''


def nb02() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(
            "# 1-hour metropolitan circle on a real road network: Kunming\n\n"
            "The action plan judges metropolitan areas by 1-hour commuting. This notebook builds the "
            "real Kunming road network (four FileGDB layers by class, ~500k nodes), computes nested "
            "15/30/45/60-minute isochrones from the 昆明 core, delineates the counties within an hour "
            "with their census population, compares road-only with road + high-speed rail, and "
            "writes an offline HTML map.\n\n"
            "**Read the Kunming result as a lower bound.** The FileGDB layers hold *urban* roads "
            "only (主干路, 次干路, 支路, 内部道路): no expressways and no national or provincial "
            "highways. The fastest class, 主干路, runs at 55 km/h, so the 1-hour circle ends where "
            "the urban street grid does, and counties a car reaches within the hour over the "
            "expressways (晋宁, 安宁, 宜良) fall outside it. The comparison with the approximate "
            "county-seat network below shows by how much."),
        new_code_cell(SETUP),
        new_markdown_cell("## Network\nThe layers are labelled EPSG:32649 but hold degrees: geourb "
                          "detects it and relabels them (a logged warning). Road class comes from the "
                          "layer name; speeds from `CHINA_URBAN_SPEEDS_KMH` (主干路 55, 次干路 40, "
                          "支路 30, 内部道路 15 km/h). These are urban roads only: with no expressway "
                          "or highway layer, travel beyond the city proper is slower than by car in "
                          "reality."),
        new_code_cell(
            "from geourb.roads import CHINA_URBAN_SPEEDS_KMH, load_network\n\n"
            "roads = load_network(SHARED / 'roads' / 'kunming')\n"
            "print(roads)\nCHINA_URBAN_SPEEDS_KMH"),
        new_markdown_cell("## Core city and isochrones"),
        new_code_cell(
            "from geourb.counties import load_counties\n"
            "from geourb.isochrones import isochrones\n"
            "from geourb.metro import resolve_city\n\n"
            "yunnan = load_counties(province='云南')\n"
            "core = resolve_city('Kunming', yunnan)\n"
            "bands = isochrones(roads, (core.lon, core.lat), bands_min=(15, 30, 45, 60), cell_m=150)\n"
            "assert bands['area_km2'].is_monotonic_increasing\n"
            "bands.drop(columns='geometry')"),
        new_markdown_cell("## Counties within one hour, with census population"),
        new_code_cell(
            "from geourb.metro import delineate_metro\n"
            "from geourb.stats import join_statistics, read_census_2020\n\n"
            "layer, report = join_statistics(yunnan, read_census_2020())\n"
            "road_area = delineate_metro(roads, core, layer, minutes=60, population='pop_total')\n"
            "road_area.counties[['name', 'time_min', 'area_share', 'pop_area_weighted']]"),
        new_code_cell("road_area.summary"),
        new_markdown_cell(
            "## An underestimate: urban roads only\n"
            "Without expressways the circle stops at the edge of the urban grid. For comparison, "
            "the **approximate** county-seat network (straight lines between neighbouring seats, "
            "80 km/h x 1.25 circuity for expressway-era China; labelled approximate) reaches "
            "counties that commuters do drive to within the hour. Neither is the truth: add an "
            "expressway / highway layer (e.g. OSM `motorway`/`trunk`) for a real car circle."),
        new_code_cell(
            "import pandas as pd\n\n"
            "from geourb.metro import default_network\n\n"
            "seat_area = delineate_metro(default_network(layer), core, layer, minutes=60,\n"
            "                            population='pop_total')\n"
            "outside = seat_area.counties.index.difference(road_area.counties.index)\n"
            "print('within 60 min on the approximate seat network but not on the urban roads:',\n"
            "      ', '.join(layer.loc[outside, 'name']))\n"
            "assert {'晋宁区', '安宁市', '宜良县'} <= set(layer.loc[outside, 'name'])\n"
            "pd.DataFrame({'urban roads only': road_area.summary,\n"
            "              'approx. seat network (80 km/h)': seat_area.summary})"),
        new_markdown_cell(
            "## Road + high-speed rail: Wuhan\n"
            "The station file (~2020) has no 昆明南 and the HSR station layer none in Kunming, so the "
            "rail comparison is made around Wuhan, on the **approximate** county-seat road network "
            "(straight lines x 1.25 circuity at 80 km/h; labelled approximate in every output) plus the trunk rail "
            "corridors: stations from `cnstation.csv` (GCJ-02 converted to WGS84), 10 min wait, "
            "5 min transfer, station access up to 30 km at 30 km/h."),
        new_code_cell(
            "import pandas as pd\n\n"
            "from geourb.metro import default_network\n"
            "from geourb.rail import link_stations_along_lines, multimodal_network, read_lines, read_stations\n\n"
            "central = load_counties(province=['湖北', '湖南', '河南', '安徽', '江西'])\n"
            "central, _ = join_statistics(central, read_census_2020())\n"
            "approx = default_network(central)\n"
            "stations = read_stations(SHARED / 'rail' / 'cnstation.csv', coord_system='gcj02')\n"
            "minx, miny, maxx, maxy = central.total_bounds\n"
            "stations = stations.cx[minx:maxx, miny:maxy]\n"
            "lines = read_lines(SHARED / 'rail' / 'hsr_lines')\n"
            "links, link_report = link_stations_along_lines(stations, lines)\n"
            "print(link_report)\n"
            "multi = multimodal_network(approx, stations, links, max_access_m=30_000)\n"
            "wuhan_road = delineate_metro(approx, '武汉', central, minutes=60, population='pop_total')\n"
            "wuhan_rail = delineate_metro(multi, '武汉', central, minutes=60, population='pop_total')\n"
            "assert wuhan_rail.summary['isochrone_km2'] >= wuhan_road.summary['isochrone_km2']\n"
            "pd.DataFrame({'road only (approx.)': wuhan_road.summary, 'road + rail (approx.)': wuhan_rail.summary})"),
        new_markdown_cell(
            "## Map (offline, self-contained HTML)\n"
            "The default basemap (`tiles='context'`) is drawn from the bundled boundaries: province "
            "and prefecture borders, prefecture seats, land and sea; it needs no network. Over the "
            "time choropleth the isochrone bands are drawn as outlines, so colours never mix."),
        new_code_cell(
            "from geourb import maps\n\n"
            "m = maps.make_map(\n"
            "    maps.choropleth(road_area.counties, 'time_min', label='到核心县城时间', unit='分钟'),\n"
            "    maps.isochrone_bands(bands),\n"
            "    title='昆明 1 小时通勤圈 (road network)',\n"
            ")\n"
            "path = maps.save_map(m, 'kunming_1h')\n"
            "print(path, round(path.stat().st_size / 1e6, 2), 'MB')"),
        new_markdown_cell(
            "## Basemap switch: 高德 (GCJ-02) and 天地图\n"
            "高德 tiles are in GCJ-02: with `tiles='amap'` every geourb layer is shifted to GCJ-02 "
            "when the page is written (popups keep WGS84 values), so boundaries sit on the right "
            "streets. 天地图 (CGCS2000, practically WGS84) needs a free key in "
            "`GEOURB_TIANDITU_KEY`. Other choices: `'osm'`, `'carto'`, a `{z}/{x}/{y}` URL with "
            "`tiles_crs='wgs84'` or `'gcj02'`, or `None`."),
        new_code_cell(
            "import os\n\n"
            "from geourb.coords import wgs84_to_gcj02\n\n"
            "m_amap = maps.make_map(maps.isochrone_bands(bands), tiles='amap',\n"
            "                       title='昆明 1 小时 (高德底图, GCJ-02)')\n"
            "print(maps.save_map(m_amap, 'kunming_1h_amap'))\n"
            "glon, glat = wgs84_to_gcj02(core.lon, core.lat)\n"
            "print(f'the core seat moves by {(glon - core.lon) * 1e5:.0f} / {(glat - core.lat) * 1e5:.0f} '\n"
            "      '(x1e-5 degrees) on the AMap basemap')\n"
            "if not os.environ.get('GEOURB_TIANDITU_KEY'):\n"
            "    try:\n"
            "        maps.make_map(maps.isochrone_bands(bands), tiles='tianditu')\n"
            "    except geourb.SettingsError as exc:\n"
            "        print(exc)"),
        new_markdown_cell(
            "## Static figure for a report (PNG 300 dpi / SVG)\n"
            "`geourb.figures` draws the same bands with a north arrow, a scale bar, a legend with "
            "units, Chinese labels (Noto CJK) and the source line."),
        new_code_cell(
            "from geourb import figures\n\n"
            "fig = figures.isochrone_figure(bands, counties=layer, title='昆明 1 小时通勤圈 (城市道路, 下限)')\n"
            "png = figures.save_figure(fig, geourb.settings.maps_dir / 'kunming_1h.png')\n"
            "svg = figures.save_figure(fig, geourb.settings.maps_dir / 'kunming_1h.svg')\n"
            "print(png, svg)\n"
            "fig"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


def nb01() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(
            "# Potential regions: national county scoring and delineation (2020 census)\n\n"
            "The 2024-2029 action plan asks to raise urbanization in *potential regions*: clusters of "
            "counties with low urbanization and large populations (皖北, 冀中南, 鲁西南, 豫东南, 湘西南, "
            "粤西, 川东). This notebook scores all 2,875 county-level units on the real 2020 census, "
            "explains the scores, delineates contiguous regions, names them, compares them with the "
            "plan's regions, classifies cities into settlement-policy tiers and writes a map.\n\n"
            "The whole pipeline is one call, `geourb.workflows.potential_regions`: the same function "
            "`geourb score`, `geourb regions` and `geourb demo` run, with the same config tables "
            "(`[input]`, `[scoring]`, `[regions]`, `[output]`) as `configs/score_default.toml`."),
        new_code_cell(SETUP),
        new_markdown_cell(
            "## The pipeline in one call\n"
            "The config is checked first (unknown keys and wrong types are refused before any data "
            "loads). The joined county layer (census join, park aggregates) is cached as GeoParquet, "
            "keyed by the inputs' checksums: a second run with other weights skips the joins."),
        new_code_cell(
            "from geourb.workflows import load_config, potential_regions, write_outputs\n\n"
            "config = load_config({'input': {'parks': 'development_zones_2018'}})\n"
            "result = potential_regions(config, tiers=True)\n"
            "print(result.summary())"),
        new_markdown_cell("## Counties and census\nEvery join reports what matched how, and what did not."),
        new_code_cell(
            "print(result.join_report)\n"
            "layer = result.layer\n"
            "print(f'national urbanization rate: {result.national_rate:.2%}')"),
        new_markdown_cell("## Industrial parks (2018 catalogue), validated against the counties"),
        new_code_cell("result.joined.park_report"),
        new_code_cell(
            "park_agg = result.joined.park_aggregates\n"
            "park_agg.loc[['341221', '341202'], ['n_parks', 'n_national', 'approved_ha', 'top_industries']]"),
        new_markdown_cell("## Indicators and explainable scores\nDefault: AHP weights (CR 0.004) on "
                          "population, gap to the national rate, rural population and density, "
                          "percentile-rank normalised. `contrib_*` columns sum to the score."),
        new_code_cell(
            "scoring = result.scoring\n"
            "print(scoring.weights.round(3).to_dict(), 'CR =', round(scoring.ahp.cr, 4))\n"
            "top = result.table.sort_values('rank').head(15)\n"
            "columns = ['name', 'prefecture', 'score', *[c for c in top if c.startswith('contrib_')],\n"
            "           'rank_p05', 'rank_p95']\n"
            "top[columns]"),
        new_code_cell("# the highest-potential county\nresult.table.sort_values('rank')['name'].iloc[0]"),
        new_markdown_cell(
            "## Two tiers: concentrated regions (ranked) and scattered counties\n"
            "The plan has two tiers: *concentrated* potential regions (contiguous, large) and *other* "
            "counties with low urbanization and large populations outside them (*scattered*). Each "
            "concentrated region has its own `rank` (1 = highest potential: percentiles of the people "
            "to urbanize, the rural density and parks per capita, weighted) and `top_n_share`, how "
            "often it stays in the top 15 when the ranking weights are perturbed."),
        new_code_cell(
            "delin = result.delineation\n"
            "print(len(delin.regions), 'regions;', len(delin.scattered), 'scattered counties;',\n"
            "      result.table['tier'].value_counts().to_dict())\n"
            "ranked = delin.regions.sort_values('rank')\n"
            "ranked[['rank', 'region_name', 'tier', 'provinces', 'n_counties', 'pop_total', 'urbanization_rate',\n"
            "        'gap_people', 'rural_density_km2', 'potential', 'top_n_share']].head(20)"),
        new_markdown_cell("The scattered tier (written as `scattered_counties.csv`), by people to urbanize:"),
        new_code_cell(
            "people = delin.scattered['pop_total'].sum()\n"
            "print(len(delin.scattered), 'scattered counties,', f'{people:,.0f} people')\n"
            "delin.scattered.head(15)"),
        new_markdown_cell("## Comparison with the plan's seven regions (conventional prefecture groupings)"),
        new_code_cell("presets = result.presets\npresets"),
        new_markdown_cell("## Settlement-policy tiers by urban (city-zone) population"),
        new_code_cell(
            "tiers = result.tiers\n"
            "print(tiers['tier'].value_counts())\n"
            "tiers.sort_values('pop_cityzone', ascending=False).head(10).drop(columns='geometry')"),
        new_markdown_cell("## Output files\nThe same files as `geourb regions`: CSVs sorted by adcode, "
                          "whole numbers as integers, GeoPackages byte-identical on a rerun."),
        new_code_cell(
            "import tempfile\n\n"
            "files = write_outputs(result, Path(tempfile.mkdtemp()), reports=True)\n"
            "{key: path.name for key, path in files.items()}"),
        new_markdown_cell(
            "## The two-tier map (offline, self-contained HTML)\n"
            "`maps.regions_map` (the map of `geourb demo` and of the report): the county score, the "
            "concentrated regions outlined with their rank, the scattered counties hatched."),
        new_code_cell(
            "from geourb import maps\n\n"
            "scored = layer[['name', 'prefecture', 'geometry']].join(result.table[['score']])\n"
            "m = maps.regions_map(scored, delin, region_layer=result.region_layer,\n"
            "                     title='潜力地区 potential regions (2020 census)')\n"
            "path = maps.save_map(m, 'potential_regions')\n"
            "print(path, round(path.stat().st_size / 1e6, 2), 'MB')"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


def nb03() -> nbformat.NotebookNode:
    """Notebook 03: change 2010-2020 on today's county units (the 6th and 7th censuses)."""
    cells = [
        new_markdown_cell(
            "# Change 2010-2020: the 6th and 7th censuses on today's counties\n\n"
            "The 2010 census uses the codes of 2009/2010: since then hundreds of counties became "
            "districts (撤县设区) or cities (撤县设市), 崇文/宣武 merged into 东城/西城, 巢湖 was "
            "dissolved (2011) and 毕节/铜仁 地区 became cities. geourb's crosswalk "
            "(`geourb/data/crosswalk_2010.csv`, built from the 民政部 annual code lists) carries the "
            "2010 table to today's units: merges are summed, splits allocated by area (flagged). "
            "This notebook compares the two censuses county by county: the fastest-urbanizing "
            "counties, a change map, and how much of the decade's urban growth happened inside "
            "today's potential regions."),
        new_code_cell(SETUP),
        new_markdown_cell("## Both censuses joined to today's layer\nThe 2010 vintage is detected "
                          "from the codes; every unmatched row is listed with a reason."),
        new_code_cell(
            "from geourb.counties import load_counties\n"
            "from geourb.stats import CENSUS_2010_MAPPING, join_statistics, read_census_2020, read_statistics\n\n"
            "counties = load_counties()\n"
            "census_2010 = read_statistics(SHARED / 'census' / 'census_county_2010_v1.xlsx',\n"
            "                              mapping=CENSUS_2010_MAPPING)\n"
            "layer_2010, report_2010 = join_statistics(counties, census_2010)\n"
            "layer_2020, report_2020 = join_statistics(counties, read_census_2020())\n"
            "print(report_2010)\n"
            "report_2010.unmatched_table"),
        new_code_cell(
            "for year, lay in ((2010, layer_2010), (2020, layer_2020)):\n"
            "    print(year, f\"population {lay.pop_total.sum() / 1e9:.3f} billion, \"\n"
            "          f\"urbanization {lay.pop_urban.sum() / lay.pop_total.sum():.2%}\")"),
        new_markdown_cell("## Change per county\n`geourb.change` gives population growth, the change "
                          "of the urbanization rate in percentage points and the urban population added."),
        new_code_cell(
            "import geourb\n\n"
            "ch = geourb.change(layer_2010, layer_2020, years=(2010, 2020))\n"
            "cols = ['name', 'prefecture', 'urbanization_rate_old', 'urbanization_rate_new',\n"
            "        'urbanization_change_pp', 'pop_growth_rate', 'urban_pop_added']\n"
            "# the ten counties that urbanized fastest (at least 100,000 residents in 2020)\n"
            "ch[ch.pop_total_new >= 100_000].nlargest(10, 'urbanization_change_pp')[cols].round(3)"),
        new_markdown_cell("## Urban growth inside today's potential regions\nRegions delineated on "
                          "the 2020 scores, as in notebook 01."),
        new_code_cell(
            "from geourb.indicators import county_indicators\n"
            "from geourb.regions import delineate_regions\n"
            "from geourb.scoring import score_counties\n\n"
            "result = score_counties(county_indicators(layer_2020))\n"
            "delin = delineate_regions(layer_2020, result.table['score'])\n"
            "inside = delin.counties['region_id'].fillna('').ne('').reindex(ch.index, fill_value=False)\n"
            "added = ch['urban_pop_added']\n"
            "share = added[inside].sum() / added.sum()\n"
            "print(f\"urban population added 2010-2020: {added.sum() / 1e6:.1f} million; \"\n"
            "      f\"inside today's potential regions: {added[inside].sum() / 1e6:.1f} million ({share:.1%}); \"\n"
            "      f\"their share of the 2020 population: \"\n"
            "      f\"{ch.pop_total_new[inside].sum() / ch.pop_total_new.sum():.1%}\")"),
        new_markdown_cell("## Change map (offline HTML)"),
        new_code_cell(
            "from geourb import maps\n\n"
            "m = maps.make_map(\n"
            "    maps.choropleth(ch[['name', 'prefecture', 'urbanization_change_pp', 'geometry']],\n"
            "                    'urbanization_change_pp', label='城镇化率变化 2010-2020', unit='pp'),\n"
            "    title='Urbanization change 2010-2020 (percentage points, today\\'s counties)',\n"
            ")\n"
            "path = maps.save_map(m, 'change_2010_2020')\n"
            "print(path, round(path.stat().st_size / 1e6, 2), 'MB')"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


def _stable_ids(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def main() -> None:
    HERE.mkdir(exist_ok=True)
    nbformat.write(_stable_ids(nb01()), HERE / "01_potential_regions.ipynb")
    nbformat.write(_stable_ids(nb02()), HERE / "02_metropolitan_isochrones.ipynb")
    nbformat.write(_stable_ids(nb03()), HERE / "03_change_2010_2020.ipynb")


if __name__ == "__main__":
    main()
